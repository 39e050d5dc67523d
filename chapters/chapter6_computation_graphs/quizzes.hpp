// quizzes.hpp — the answers to 002's quizzes ("Quizzes"), in closed form, for the tests and the
// program to hold against the graph's Jacobians and against finite differences.
//
// On slide 24 (the computation graph), for one sample (m = 1), M hidden units and K classes:
//   ∂x₆/∂w₂₀ = I_K                       K×K       x₆ = x₅ + w₂₀ moves one for one with w₂₀
//   ∂x₅/∂W₂  = I_K ⊗ x₄ᵀ                 K×(K·M)   ∂x₅ₖ/∂(W₂)ᵢⱼ = [k = i] x₄ⱼ  (W₂ row-major)
//   ∂x₄/∂x₃  = diag(σ(x₃) ⊙ σ(−x₃))      M×M       = diag(x₄ ⊙ (1 − x₄)): σ acts entry by entry
// On slide 12 (one sigmoid output, ŷ_n = σ(wᵀx_n) with x_n0 = 1, N samples):
//   E_H(w) = −(1/N) Σ_n {y_n log ŷ_n + (1 − y_n) log(1 − ŷ_n)}
//   ∂E_H/∂w_i = (1/N) Σ_n (ŷ_n − y_n) x_ni
// Proof, per sample: ∂E/∂ŷ = −(y/ŷ − (1 − y)/(1 − ŷ)) = (ŷ − y)/(ŷ(1 − ŷ)); ∂ŷ/∂a = ŷ(1 − ŷ) for
// a = wᵀx; ∂a/∂w_i = x_i. The product is (ŷ − y) x_i: the factor ŷ(1 − ŷ) cancels.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "chapters/chapter6_computation_graphs/graph.hpp"
#include "chapters/chapter6_computation_graphs/matrix.hpp"

namespace ch6 {

// 002, quiz: ∂x₆/∂w₂₀ = I_K
inline Matrix jacobian_x6_w20(std::size_t K) {
    Matrix J(K, K);
    for (std::size_t k = 0; k < K; ++k) J(k, k) = 1.0;
    return J;
}

// 002, quiz: ∂x₅/∂W₂ = I_K ⊗ x₄ᵀ, i.e. ∂x₅ₖ/∂(W₂)ᵢⱼ = [k = i] x₄ⱼ. x4: M×1. Column i·M + j is (W₂)ᵢⱼ.
inline Matrix jacobian_x5_W2(const Matrix& x4, std::size_t K) {
    const std::size_t M = x4.rows;
    Matrix J(K, K * M);
    for (std::size_t k = 0; k < K; ++k)
        for (std::size_t j = 0; j < M; ++j) J(k, k * M + j) = x4(j, 0);
    return J;
}

// 002, quiz: ∂x₄/∂x₃ = diag(σ′(x₃)), σ′(s) = σ(s)σ(−s). x3: M×1.
inline Matrix jacobian_x4_x3(const Matrix& x3) {
    const std::size_t M = x3.rows;
    Matrix J(M, M);
    for (std::size_t j = 0; j < M; ++j) J(j, j) = sigmoid(x3(j, 0)) * sigmoid(-x3(j, 0));
    return J;
}

// log(1 + eˣ) = max(x, 0) + log1p(e^{−|x|}): never overflows, exact for large |x|.
inline double softplus(double x) { return std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x))); }

// 002, slide 12: E_H(w) = −(1/N) Σ_n {y_n log ŷ_n + (1 − y_n) log(1 − ŷ_n)}, ŷ_n = σ(wᵀx_n).
// X: (d+1)×N with row 0 all ones (x_n0 = 1); y: N targets in {0, 1}.
// From a_n = wᵀx_n, since log σ(a) = −softplus(−a) and log(1 − σ(a)) = −softplus(a): no log 0.
inline double cross_entropy_E_H(const std::vector<double>& w, const Matrix& X, const std::vector<double>& y) {
    double E = 0;
    for (std::size_t n = 0; n < X.cols; ++n) {
        double a = 0;
        for (std::size_t i = 0; i < X.rows; ++i) a += w[i] * X(i, n);
        E += y[n] * softplus(-a) + (1.0 - y[n]) * softplus(a);
    }
    return E / static_cast<double>(X.cols);
}

// 002, slide 12: ∂E_H/∂w_i = (1/N) Σ_n (ŷ_n − y_n) x_ni
inline std::vector<double> gradient_E_H(const std::vector<double>& w, const Matrix& X, const std::vector<double>& y) {
    std::vector<double> g(X.rows, 0.0);
    for (std::size_t n = 0; n < X.cols; ++n) {
        double a = 0;
        for (std::size_t i = 0; i < X.rows; ++i) a += w[i] * X(i, n);
        const double residual = sigmoid(a) - y[n];   // ŷ_n − y_n
        for (std::size_t i = 0; i < X.rows; ++i) g[i] += residual * X(i, n);
    }
    for (double& gi : g) gi /= static_cast<double>(X.cols);
    return g;
}

}  // namespace ch6
