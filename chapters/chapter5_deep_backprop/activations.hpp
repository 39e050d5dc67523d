// activations.hpp — the activation functions f and their derivatives f′, element by element,
// in forms that never overflow; plus softplus, log-sum-exp and softmax for the log-losses.
//
//   sigmoid     σ(z) = 1 / (1 + e^(−z))          σ′ = σ(1 − σ)           003, 002, 001 Table 1
//   tanh        tanh(z)                          1 − tanh²               002
//   relu        max(0, z)                        1 for z > 0, else 0     002, 001 Table 1, 004
//   leaky_relu  z for z > 0, else α z            1 for z > 0, else α     002, 001 Table 1 (α = 0.01)
//   linear      z                                1                       001 Table 1
//   softmax     e^(z_k) / Σ_l e^(z_l)            (a Jacobian, not element-wise: output layer only)
//
// At the kink z = 0 of ReLU and leaky ReLU we take the left derivative (0 and α): any value in
// [0, 1] is a subgradient. 004 suggests nudging z by an ε instead; no ε is needed.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/matrix.hpp"

enum class Activation { sigmoid, tanh, relu, leaky_relu, linear, softmax };

inline const std::vector<std::string>& activation_names() {
    static const std::vector<std::string> names{"sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"};
    return names;
}
inline std::string name_of(Activation f) { return activation_names()[static_cast<std::size_t>(f)]; }
// The activation called `name` (one of activation_names(); the caller has checked it).
inline Activation activation_from_name(const std::string& name) {
    const auto& names = activation_names();
    return static_cast<Activation>(std::find(names.begin(), names.end(), name) - names.begin());
}

// ---------------------------------------------------------------------------------------------
// Scalar building blocks

// σ(z) without overflow: for z ≥ 0, 1/(1 + e^(−z)); for z < 0, e^z/(1 + e^z). Each form only ever
// exponentiates a non-positive number, so e^(·) ≤ 1 and nothing overflows for any finite z.
inline double sigmoid(double z) {
    if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
    const double e = std::exp(z);
    return e / (1.0 + e);
}

// softplus(x) = log(1 + eˣ) = max(x, 0) + log1p(e^(−|x|)): exact for every finite x, never
// overflows, and keeps full precision for large negative x (where it is ≈ eˣ).
// It gives the log-sigmoid without ever forming σ: log σ(z) = −softplus(−z),
// log(1 − σ(z)) = −softplus(z).
inline double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x))); }

// f(z) for the element-wise activations (softmax is handled per column by softmax_columns).
inline double activate(Activation f, double z, double alpha) {
    switch (f) {
        case Activation::sigmoid: return sigmoid(z);
        case Activation::tanh: return std::tanh(z);
        case Activation::relu: return z > 0 ? z : 0.0;
        case Activation::leaky_relu: return z > 0 ? z : alpha * z;
        case Activation::linear: return z;
        case Activation::softmax: break;
    }
    return z;   // not reached: softmax is never applied element-wise
}

// f′(z) for the element-wise activations.
inline double derivative(Activation f, double z, double alpha) {
    switch (f) {
        // 003: ∂a/∂z = a(1 − a), written as σ(z)·σ(−z): the same number, but 1 − σ(z) would
        // round to 0 for z > 37 while σ(−z) keeps its full relative precision. Both factors
        // share e = e^(−|z|): they are 1/(1 + e) and e/(1 + e), exactly as sigmoid() forms them,
        // so one exponential gives the same bits as two calls of sigmoid().
        case Activation::sigmoid: {
            const double e = std::exp(-std::fabs(z));
            return (1.0 / (1.0 + e)) * (e / (1.0 + e));
        }
        case Activation::tanh: {
            const double t = std::tanh(z);
            return 1.0 - t * t;
        }
        case Activation::relu: return z > 0 ? 1.0 : 0.0;
        case Activation::leaky_relu: return z > 0 ? 1.0 : alpha;
        case Activation::linear: return 1.0;
        case Activation::softmax: break;
    }
    return 1.0;   // not reached
}

// ---------------------------------------------------------------------------------------------
// Whole matrices (one sample per column)

// log Σ_k e^(z_k) of column j, computed as m + log Σ_k e^(z_k − m) with m = max_k z_k: every
// exponent is ≤ 0, so no term overflows, and the largest term is exactly 1, so the sum is ≥ 1 and
// its logarithm is never log 0.
inline double log_sum_exp_column(const Matrix& Z, std::size_t j) {
    double m = Z(0, j);
    for (std::size_t k = 1; k < Z.rows; ++k) m = std::max(m, Z(k, j));
    double sum = 0.0;
    for (std::size_t k = 0; k < Z.rows; ++k) sum += std::exp(Z(k, j) - m);
    return m + std::log(sum);
}

// 002 (softmax), 001 eq. for S(x_i): a_k = e^(z_k) / Σ_l e^(z_l), per column, with the column's
// maximum subtracted first (the ratio is unchanged, and no exponential overflows).
inline void softmax_columns(Matrix& A, const Matrix& Z) {
    A.resize(Z.rows, Z.cols);
    for (std::size_t j = 0; j < Z.cols; ++j) {
        double m = Z(0, j);
        for (std::size_t k = 1; k < Z.rows; ++k) m = std::max(m, Z(k, j));
        double sum = 0.0;
        for (std::size_t k = 0; k < Z.rows; ++k) sum += (A(k, j) = std::exp(Z(k, j) - m));
        for (std::size_t k = 0; k < Z.rows; ++k) A(k, j) /= sum;
    }
}

// A = f(Z) element-wise, or the softmax of each column. One loop per activation rather than a
// switch per element: with the activation a constant, each loop inlines to straight arithmetic.
inline void activate(Matrix& A, const Matrix& Z, Activation f, double alpha) {
    if (f == Activation::softmax) return softmax_columns(A, Z);
    A.resize(Z.rows, Z.cols);
    const double* z = Z.data.data();
    double* a = A.data.data();
    const std::size_t n = Z.size();
    switch (f) {
        case Activation::sigmoid: for (std::size_t k = 0; k < n; ++k) a[k] = activate(Activation::sigmoid, z[k], alpha); break;
        case Activation::tanh: for (std::size_t k = 0; k < n; ++k) a[k] = activate(Activation::tanh, z[k], alpha); break;
        case Activation::relu: for (std::size_t k = 0; k < n; ++k) a[k] = activate(Activation::relu, z[k], alpha); break;
        case Activation::leaky_relu: for (std::size_t k = 0; k < n; ++k) a[k] = activate(Activation::leaky_relu, z[k], alpha); break;
        case Activation::linear: for (std::size_t k = 0; k < n; ++k) a[k] = z[k]; break;
        case Activation::softmax: break;
    }
}

// D = f′(Z) element-wise, one loop per activation as above.
inline void derivative(Matrix& D, const Matrix& Z, Activation f, double alpha) {
    D.resize(Z.rows, Z.cols);
    const double* z = Z.data.data();
    double* d = D.data.data();
    const std::size_t n = Z.size();
    switch (f) {
        case Activation::sigmoid: for (std::size_t k = 0; k < n; ++k) d[k] = derivative(Activation::sigmoid, z[k], alpha); break;
        case Activation::tanh: for (std::size_t k = 0; k < n; ++k) d[k] = derivative(Activation::tanh, z[k], alpha); break;
        case Activation::relu: for (std::size_t k = 0; k < n; ++k) d[k] = derivative(Activation::relu, z[k], alpha); break;
        case Activation::leaky_relu: for (std::size_t k = 0; k < n; ++k) d[k] = derivative(Activation::leaky_relu, z[k], alpha); break;
        case Activation::linear: for (std::size_t k = 0; k < n; ++k) d[k] = 1.0; break;
        case Activation::softmax: break;   // never: softmax is the output of cross-entropy only
    }
}
