// sgd.hpp — mini-batch stochastic gradient descent for linear (OLS / Ridge) regression.
//
// 001, "Gradient Descent" and "Stochastic Gradient Descent & Linear Regression":
//   each epoch: shuffle the n training rows, cut them into d = ⌈n/M⌉ mini-batches of (at most)
//   M rows, and for each batch B take one step with the batch gradient
//       ∇C_B(β) = (2/|B|) X_Bᵀ(X_B β − z_B) + 2λβ
//   plain:     β ← β − η ∇C_B
//   momentum:  v ← ω v + η ∇C_B,   β ← β − v
//   decay:     η(e) = η₀ / (e·d + 1) in epoch e = 0, 1, … (001, Methods; the report calls the
//              number of mini-batches m there, and the batch size m in the SGD section: we write
//              M for the batch size and d for the number of batches throughout)
// β starts at 0, i.e. at predicting the training mean of z. After each epoch the full training
// loss C(β) is evaluated; a run whose loss is non-finite or more than a million times its
// starting value is stopped and reported as diverged at that epoch.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "chapters/chapter3_sgd_ridge/matrix.hpp"
#include "chapters/chapter3_sgd_ridge/regression.hpp"
#include "common/random.hpp"

struct SgdOptions {
    double eta = 0.01;           // η₀, the (initial) learning rate
    std::size_t batch_size = 10; // M rows per mini-batch (the last one may be smaller); 0: all rows
    std::size_t epochs = 100;
    bool decay = false;          // η(e) = η₀ / (e·d + 1) instead of a constant η₀
    double omega = 0;            // momentum ω; 0 is plain SGD
    double lambda = 0;           // Ridge penalty λ; 0 is OLS
};

struct SgdResult {
    Vector beta;                 // k: the final coefficients (meaningless when diverged)
    Vector loss;                 // C(β) on the training set at the start and after each epoch
    bool diverged = false;
    std::size_t diverged_epoch = 0;   // the epoch (1-based) after which the loss blew up
};

// A loss this many times its starting value counts as exploded. From β = 0 the starting loss is
// the variance of z; a converging run only lowers it, while a step too large for the curvature
// (η above 2/λ_max of the Hessian) multiplies the error along that direction by |1 − ηλ_max| > 1
// at every step, so a millionfold growth is geometric growth that would overflow soon after.
constexpr double kDivergenceFactor = 1e6;

// 001, Methods: η(e) = η₀ / (e·d + 1) in epoch e (0-based) with d mini-batches per epoch.
inline double learning_rate(const SgdOptions& o, std::size_t e, std::size_t d) {
    return o.decay ? o.eta / (static_cast<double>(e * d) + 1) : o.eta;
}

inline SgdResult sgd(const Matrix& X, const Vector& z, const SgdOptions& o, Rng& rng) {
    const std::size_t n = X.rows, k = X.cols;
    const std::size_t M = (o.batch_size == 0 || o.batch_size > n) ? n : o.batch_size;   // 0: all rows
    const std::size_t d = (n + M - 1) / M;   // mini-batches per epoch
    SgdResult res{Vector(k, 0.0), {}, false, 0};
    Vector v(k, 0.0), grad(k);
    const std::vector<std::size_t> everyone = all_rows(n);
    const double start = cost(X, z, res.beta, o.lambda, everyone);
    res.loss.push_back(start);
    const double limit = kDivergenceFactor * std::max(start, 1e-300);

    std::vector<std::size_t> order = everyone;
    for (std::size_t e = 0; e < o.epochs; ++e) {
        rng.shuffle(order);
        const double eta = learning_rate(o, e, d);
        for (std::size_t b = 0; b < d; ++b) {
            const std::size_t first = b * M, count = std::min(M, n - first);
            // 001, SGD & Linear Regression: ∇C_B = (2/|B|) X_Bᵀ(X_B β − z_B) + 2λβ
            cost_gradient(X, z, res.beta, o.lambda, {order.data() + first, count}, grad);
            // 001, Gradient Descent: v ← ωv + η∇C, β ← β − v
            for (std::size_t t = 0; t < k; ++t) {
                v[t] = o.omega * v[t] + eta * grad[t];   // ω = 0: v = η∇C, the plain step
                res.beta[t] -= v[t];
            }
        }
        const double C = cost(X, z, res.beta, o.lambda, everyone);
        res.loss.push_back(C);
        if (!std::isfinite(C) || C > limit) {
            res.diverged = true;
            res.diverged_epoch = e + 1;
            break;
        }
    }
    return res;
}
