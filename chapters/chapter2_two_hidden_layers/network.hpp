// network.hpp — the two-hidden-layer network of 000 §3, its full gradient derived by the chain
// rule, the report's simplified gradient, and the teacher data the chapter trains on.
//
// The network, exactly as 000 §3 defines it (62 weights, no free biases):
//   h* = W1 y                       W1: 5×6, no activation          (y ∈ ℝ⁶, h* ∈ ℝ⁵)
//   h0 = σ(Σ_j W1_{1j} y_j) = σ(h*_1)        the first "bias", a function of W1's first row
//   H* = tanh(W2 h* + h0 𝟏₄)        W2: 4×5                          (H* ∈ ℝ⁴)
//   H0 = tanh(Σ_j W2_{1j} h*_j + h0)          = H*_1: the same number as H*'s first component
//   ẑ  = tanh(W3 H* + H0 𝟏₃)        W3: 3×4                          (ẑ ∈ ℝ³)
//   f  = (1/m) Σ_i ‖z_i − ẑ(y_i)‖²
// Names in the code: u = W2 h* + h0 𝟏₄ (so H* = tanh u), v = W3 H* + H0 𝟏₃ (so ẑ = tanh v).
// Indices: the document counts from 1 (W1_{1j}, H*_1), the code from 0 (W1(0, j), H[0]).
//
// The "biases" h0 and H0 are computed from the weights, so the chain rule runs through them
// too; 000 §3 treats them as constants, which is right for W3 only (see backward_simplified).
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "chapters/chapter2_two_hidden_layers/matrix.hpp"
#include "common/line_search.hpp"
#include "common/random.hpp"

namespace ch2 {

// ---------------------------------------------------------------------------------------------
// Weights and the parameter vector x = (W1, W2, W3), each row-major: 30 + 20 + 12 = 62 numbers.

struct Weights {
    Matrix W1{5, 6};   // maps y (6) to h* (5)
    Matrix W2{4, 5};   // maps h* (5) to H* (4)
    Matrix W3{3, 4};   // maps H* (4) to ẑ (3)
};

constexpr std::size_t kParameters = 62;

inline Vec pack(const Weights& w) {
    Vec x;
    x.reserve(kParameters);
    for (const Matrix* M : {&w.W1, &w.W2, &w.W3}) x.insert(x.end(), M->data.begin(), M->data.end());
    return x;
}

inline Weights unpack(const Vec& x) {
    Weights w;
    std::size_t k = 0;
    for (Matrix* M : {&w.W1, &w.W2, &w.W3})
        for (double& v : M->data) v = x[k++];
    return w;
}

// Every weight drawn from N(0, scale²).
inline Weights random_weights(Rng& rng, double scale) {
    Weights w;
    for (Matrix* M : {&w.W1, &w.W2, &w.W3})
        for (double& v : M->data) v = scale * rng.normal();
    return w;
}

// ---------------------------------------------------------------------------------------------
// Activations and their derivatives, in stable forms.

// σ(s) = 1 / (1 + e^{−s}) without forming e^{|s|}.
inline double sigmoid(double s) {
    if (s >= 0) return 1.0 / (1.0 + std::exp(-s));
    const double e = std::exp(s);
    return e / (1.0 + e);
}

// tanh′(s) = 1 − tanh²(s) = 1 / cosh²(s). From s, not from tanh(s): for |s| > ~10, 1 − tanh² of
// a rounded tanh keeps few digits, while 1/cosh² is accurate (and 0, not NaN, once cosh overflows).
inline double tanh_prime(double s) {
    const double c = std::cosh(s);
    return 1.0 / (c * c);
}

// ---------------------------------------------------------------------------------------------
// Forward pass for one sample, keeping every intermediate for the backward pass.

struct Activations {
    Vec h_star;    // h* = W1 y                   (5)
    double h0;     // σ(h*_1)
    Vec u;         // W2 h* + h0 𝟏₄               (4)
    Vec H_star;    // H* = tanh(u)                (4)
    double H0;     // tanh(u_1) = H*_1
    Vec v;         // W3 H* + H0 𝟏₃               (3)
    Vec z_hat;     // ẑ = tanh(v)                 (3)
};

inline Activations forward(const Weights& w, const Vec& y) {
    Activations a;
    a.h_star = matvec(w.W1, y);                    // h* = W1 y
    a.h0 = sigmoid(a.h_star[0]);                   // h0 = σ(Σ_j W1_{1j} y_j)
    a.u = matvec(w.W2, a.h_star);                  // W2 h* …
    for (double& u : a.u) u += a.h0;               //       … + h0 𝟏₄
    a.H_star.resize(4);
    for (std::size_t k = 0; k < 4; ++k) a.H_star[k] = std::tanh(a.u[k]);   // H* = tanh(u)
    a.H0 = std::tanh(a.u[0]);                      // H0 = tanh(Σ_j W2_{1j} h*_j + h0)
    a.v = matvec(w.W3, a.H_star);                  // W3 H* …
    for (double& v : a.v) v += a.H0;               //       … + H0 𝟏₃
    a.z_hat.resize(3);
    for (std::size_t k = 0; k < 3; ++k) a.z_hat[k] = std::tanh(a.v[k]);    // ẑ = tanh(v)
    return a;
}

// ---------------------------------------------------------------------------------------------
// Data: m samples as rows.

struct Data {
    std::vector<Vec> y;   // inputs, 6 each
    std::vector<Vec> z;   // targets, 3 each
};

// f = (1/m) Σ_i ‖z_i − ẑ(y_i)‖²
inline double objective(const Weights& w, const Data& d) {
    double sum = 0;
    for (std::size_t i = 0; i < d.y.size(); ++i) {
        const Vec z_hat = forward(w, d.y[i]).z_hat;
        for (std::size_t k = 0; k < 3; ++k) sum += (d.z[i][k] - z_hat[k]) * (d.z[i][k] - z_hat[k]);
    }
    return sum / static_cast<double>(d.y.size());
}

// ---------------------------------------------------------------------------------------------
// Backward pass: the full gradient, derived by the chain rule. For one sample, with f_i's share
// of f being (1/m)‖z − ẑ‖²:
//   (1) δẑ = ∂f/∂ẑ = −(2/m)(z − ẑ)
//   (2) δv = δẑ ⊙ tanh′(v)                              ẑ = tanh v
//   (3) ∂f/∂W3 += δv H*ᵀ                                v = W3 H* + H0 𝟏₃
//   (4) δH* = W3ᵀ δv,   δH0 = Σ_k δv_k                  H* and H0 both feed v
//   (5) δu = δH* ⊙ tanh′(u);  δu_1 += δH0 tanh′(u_1)    H* = tanh u and H0 = tanh u_1
//   (6) ∂f/∂W2 += δu h*ᵀ                                u = W2 h* + h0 𝟏₄
//   (7) δh* = W2ᵀ δu,   δh0 = Σ_j δu_j                  h* and h0 both feed u
//   (8) δh*_1 += δh0 σ(h*_1)(1 − σ(h*_1))               h0 = σ(h*_1)
//   (9) ∂f/∂W1 += δh* yᵀ                                h* = W1 y
// Steps (4)–(5) carry the path through H0 into W2's first row (and on into W1); steps (7)–(8)
// the path through h0 into W1's first row. Without them one has the report's gradient.

struct Gradient {
    Matrix dW1{5, 6}, dW2{4, 5}, dW3{3, 4};   // zeroed on construction
};

inline void backward_full(const Weights& w, const Activations& a, const Vec& y, const Vec& z, double m,
                          Gradient& g) {
    Vec d_v(3);
    for (std::size_t k = 0; k < 3; ++k)
        d_v[k] = -(2.0 / m) * (z[k] - a.z_hat[k]) * tanh_prime(a.v[k]);   // (1), (2)
    add_outer(g.dW3, 1.0, d_v, a.H_star);                                  // (3)
    const Vec d_H = matvec_transposed(w.W3, d_v);                          // (4)
    const double d_H0 = d_v[0] + d_v[1] + d_v[2];
    Vec d_u(4);
    for (std::size_t j = 0; j < 4; ++j) d_u[j] = d_H[j] * tanh_prime(a.u[j]);   // (5)
    d_u[0] += d_H0 * tanh_prime(a.u[0]);
    add_outer(g.dW2, 1.0, d_u, a.h_star);                                  // (6)
    Vec d_h = matvec_transposed(w.W2, d_u);                                // (7)
    const double d_h0 = d_u[0] + d_u[1] + d_u[2] + d_u[3];
    d_h[0] += d_h0 * a.h0 * sigmoid(-a.h_star[0]);                         // (8): σ′ = σ(s)σ(−s)
    add_outer(g.dW1, 1.0, d_h, y);                                         // (9)
}

// The report's derivation (000 §3): h0 and H0 held constant, i.e. steps (1)–(9) without the
// terms in δH0 and δh0. Exact for W3; wrong for W2's first row and for W1.
inline void backward_simplified(const Weights& w, const Activations& a, const Vec& y, const Vec& z,
                                double m, Gradient& g) {
    Vec d_v(3);
    for (std::size_t k = 0; k < 3; ++k) d_v[k] = -(2.0 / m) * (z[k] - a.z_hat[k]) * tanh_prime(a.v[k]);
    add_outer(g.dW3, 1.0, d_v, a.H_star);
    const Vec d_H = matvec_transposed(w.W3, d_v);
    Vec d_u(4);
    for (std::size_t j = 0; j < 4; ++j) d_u[j] = d_H[j] * tanh_prime(a.u[j]);
    add_outer(g.dW2, 1.0, d_u, a.h_star);
    const Vec d_h = matvec_transposed(w.W2, d_u);
    add_outer(g.dW1, 1.0, d_h, y);
}

// ∇f over the whole data set: zero the gradient, then accumulate every sample's share.
inline Gradient gradient(const Weights& w, const Data& d, bool full = true) {
    Gradient g;
    const double m = static_cast<double>(d.y.size());
    for (std::size_t i = 0; i < d.y.size(); ++i) {
        const Activations a = forward(w, d.y[i]);
        if (full) backward_full(w, a, d.y[i], d.z[i], m, g);
        else backward_simplified(w, a, d.y[i], d.z[i], m, g);
    }
    return g;
}

inline Vec pack(const Gradient& g) { return pack(Weights{g.dW1, g.dW2, g.dW3}); }

// f and ∇f as functions of x (62 numbers): what BFGS and gradient descent see. `d` must outlive
// the returned function.
inline optim::Objective make_objective(const Data& d) {
    return [&d](const Vec& x, Vec& grad) {
        const Weights w = unpack(x);
        grad = pack(gradient(w, d));
        return objective(w, d);
    };
}

// ---------------------------------------------------------------------------------------------
// Plain gradient descent, the baseline BFGS is measured against: x_{k+1} = x_k − η ∇f(x_k), with
// η the learning rate (--lr). It records every iterate, and stops at the first iterate where f or
// ∇f is not finite ("diverged at iteration k"), which is then not recorded. (f is bounded here,
// f ≤ (1/m) Σ‖z − ẑ‖² ≤ 12, so a non-finite value is the only way it can diverge: weights large
// enough to overflow W2 h* or W3 H*.)

struct DescentResult {
    std::vector<double> f;   // f(x_k), k = 0 … iterations(): finite values only
    std::vector<Vec> path;   // x_k, the same rows
    bool diverged = false;
    std::string reason;      // "reached the iteration limit" or "diverged at iteration k: …"
    int iterations() const { return static_cast<int>(f.size()) - 1; }
};

inline bool all_finite(double f, const Vec& g) { return std::isfinite(f) && optim::all_finite(g); }

inline DescentResult gradient_descent(const optim::Objective& f, Vec x, double eta, int iterations) {
    DescentResult r;
    Vec g(x.size());
    for (int k = 0; k <= iterations; ++k) {
        const double fx = f(x, g);
        if (!all_finite(fx, g)) {
            r.diverged = true;
            r.reason = "diverged at iteration " + std::to_string(k) + ": f or its gradient is not finite";
            return r;
        }
        r.f.push_back(fx);
        r.path.push_back(x);
        if (k < iterations)
            for (std::size_t i = 0; i < x.size(); ++i) x[i] -= eta * g[i];
    }
    r.reason = "reached the iteration limit";
    return r;
}

// ---------------------------------------------------------------------------------------------
// Teacher data. 000 §3 gives no data, so we make some the network can fit exactly: inputs
// y ~ N(0, I₆), targets z = ẑ_teacher(y) from a network of the same architecture whose weights
// are drawn N(0, 1/fan_in) (fan_in = 6, 5, 4 for W1, W2, W3), so that every layer's input to
// σ and tanh has roughly unit variance: neither linear nor saturated. Noise-free: the teacher
// reaches f = 0, the floor the student is measured against.

struct TeacherData {
    Weights teacher;
    Data train, test;
};

inline TeacherData make_teacher_data(std::uint64_t seed, std::size_t m = 200, std::size_t m_train = 150) {
    Rng rng = Rng::stream(seed, 0);   // stream 0: the data; the student's start uses stream 1
    TeacherData t;
    const double fan_in[] = {6, 5, 4};
    int layer = 0;
    for (Matrix* M : {&t.teacher.W1, &t.teacher.W2, &t.teacher.W3}) {
        const double sd = 1.0 / std::sqrt(fan_in[layer++]);
        for (double& v : M->data) v = sd * rng.normal();
    }
    for (std::size_t i = 0; i < m; ++i) {
        Vec y(6);
        for (double& v : y) v = rng.normal();
        Data& part = i < m_train ? t.train : t.test;
        part.z.push_back(forward(t.teacher, y).z_hat);
        part.y.push_back(std::move(y));
    }
    return t;
}

}  // namespace ch2
