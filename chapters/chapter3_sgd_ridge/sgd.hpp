// sgd.hpp — mini-batch stochastic gradient descent for linear (OLS / Ridge) regression, with any
// of the update rules of optimizers.hpp.
//
// 001, "Gradient Descent" and "Stochastic Gradient Descent & Linear Regression":
//   each epoch: shuffle the n training rows, cut them into d = ⌈n/M⌉ mini-batches of (at most)
//   M rows, and for each batch B take one step with the batch gradient
//       ∇C_B(β) = (2/|B|) X_Bᵀ(X_B β − z_B) + 2λβ
//   plain:     β ← β − η ∇C_B
//   momentum:  v ← ω v + η ∇C_B,   β ← β − v
//   (Adagrad, RMSprop, Adam: optimizers.hpp)
//   decay:     η(e) = η₀ / (e·d + 1) in epoch e = 0, 1, … (001, Methods; the report calls the
//              number of mini-batches m there, and the batch size m in the SGD section: we write
//              M for the batch size and d for the number of batches throughout)
// β starts at 0, i.e. at predicting the training mean of z. After each epoch the full training
// loss C(β) is evaluated; a run whose loss is non-finite or more than a million times its
// starting value is stopped and reported as diverged at that epoch. A cross-validation search
// needs only where a run ends: it evaluates C(β) after every 10th epoch and the last one
// (loss_every = 10), which saves a third of the work and still stops a diverging run within ten
// epochs of its blowing up.
//
// Runs of a grid share their shuffles (they differ only in their settings), and drawing a shuffle
// costs more than the epoch's arithmetic (two 64-bit divisions per row for unbiased integers):
// sgd_together advances several runs on the same rows epoch by epoch, drawing each epoch's order
// once. Each of its runs is bit for bit the run that sgd() makes alone with the same generator.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

#include "chapters/chapter3_sgd_ridge/matrix.hpp"
#include "chapters/chapter3_sgd_ridge/optimizers.hpp"
#include "chapters/chapter3_sgd_ridge/regression.hpp"
#include "common/random.hpp"

struct SgdOptions {
    Method method = Method::sgd; // the update rule (optimizers.hpp)
    double eta = 0.01;           // η₀, the (initial) learning rate
    std::size_t batch_size = 10; // M rows per mini-batch (the last one may be smaller); 0: all rows
    std::size_t epochs = 100;
    bool decay = false;          // η(e) = η₀ / (e·d + 1) instead of a constant η₀
    double lambda = 0;           // Ridge penalty λ; 0 is OLS
    MethodParameters params;     // momentum ω (set it for Method::momentum), ρ, β₁, β₂, ε
    bool keep_path = false;      // also keep β at the start and after every epoch (SgdResult::path)
    std::size_t loss_every = 1;  // C(β) after every loss_every-th epoch and the last (1: every epoch)
};

struct SgdResult {
    Vector beta;                 // k: the final coefficients (meaningless when diverged)
    Vector loss;                 // C(β) on the training set at the start and after each epoch
                                 // (loss_every > 1: after each epoch at which it was evaluated)
    bool diverged = false;
    std::size_t diverged_epoch = 0;   // the epoch (1-based) after which the loss blew up
    std::vector<Vector> path;    // with keep_path: β at the start and after each epoch (as loss)
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

// One run between epochs: its result so far and what its update rule remembers.
struct SgdState {
    SgdResult res;
    OptimizerState memory;
    double limit = 0;            // kDivergenceFactor × the starting loss
    bool done = false;           // diverged, or every epoch taken
};

// β = 0, and the starting loss C(0).
inline SgdState sgd_start(const Matrix& X, const Vector& z, const SgdOptions& o) {
    SgdState s{{Vector(X.cols, 0.0), {}, false, 0, {}}, OptimizerState(X.cols), 0, o.epochs == 0};
    const double start = cost(X, z, s.res.beta, o.lambda, all_rows(X.rows));
    s.res.loss.push_back(start);
    if (o.keep_path) s.res.path.push_back(s.res.beta);
    s.limit = kDivergenceFactor * std::max(start, 1e-300);
    return s;
}

// Epoch e (0-based) with the rows in `order`: d mini-batch steps, then (after every
// loss_every-th epoch and the last) the training loss and the divergence check.
inline void sgd_epoch(const Matrix& X, const Vector& z, const SgdOptions& o, std::size_t e,
                      const std::vector<std::size_t>& order, SgdState& s, Vector& grad) {
    const std::size_t n = X.rows;
    const std::size_t M = (o.batch_size == 0 || o.batch_size > n) ? n : o.batch_size;   // 0: all rows
    const std::size_t d = (n + M - 1) / M;   // mini-batches per epoch
    const double eta = learning_rate(o, e, d);
    for (std::size_t b = 0; b < d; ++b) {
        const std::size_t first = b * M, count = std::min(M, n - first);
        // 001, SGD & Linear Regression: ∇C_B = (2/|B|) X_Bᵀ(X_B β − z_B) + 2λβ (cost_gradient's sums,
        // four rows at a time)
        cost_gradient_by_fours(X, z, s.res.beta, o.lambda, {order.data() + first, count}, grad);
        optimizer_step(o.method, s.res.beta, s.memory, grad, eta, o.params);
    }
    const bool last = e + 1 == o.epochs;
    s.done = last;
    if (o.loss_every > 1 && (e + 1) % o.loss_every != 0 && !last) return;
    const double C = cost(X, z, s.res.beta, o.lambda, all_rows(n));
    s.res.loss.push_back(C);
    if (o.keep_path) s.res.path.push_back(s.res.beta);
    if (!std::isfinite(C) || C > s.limit) {
        s.res.diverged = true;
        s.res.diverged_epoch = e + 1;
        s.done = true;
    }
}

inline SgdResult sgd(const Matrix& X, const Vector& z, const SgdOptions& o, Rng& rng) {
    SgdState s = sgd_start(X, z, o);
    std::vector<std::size_t> order = all_rows(X.rows);
    Vector grad(X.cols);
    for (std::size_t e = 0; !s.done; ++e) {
        rng.shuffle(order);   // a new order of the rows every epoch
        sgd_epoch(X, z, o, e, order, s, grad);
    }
    return s.res;
}

// Several runs on the same rows, in lockstep: each epoch's order is drawn once from `rng` and
// used by every run still going. Result k is what sgd(X, z, runs[k], rng) gives alone.
// after_epoch(e) is called after each epoch (progress, interruption).
template <class AfterEpoch>
std::vector<SgdResult> sgd_together(const Matrix& X, const Vector& z, const std::vector<SgdOptions>& runs, Rng rng,
                                    AfterEpoch after_epoch) {
    std::vector<SgdState> states;
    for (const SgdOptions& o : runs) states.push_back(sgd_start(X, z, o));
    std::vector<std::size_t> order = all_rows(X.rows);
    Vector grad(X.cols);
    for (std::size_t e = 0; std::any_of(states.begin(), states.end(), [](const SgdState& s) { return !s.done; }); ++e) {
        rng.shuffle(order);
        for (std::size_t k = 0; k < runs.size(); ++k)
            if (!states[k].done) sgd_epoch(X, z, runs[k], e, order, states[k], grad);
        after_epoch(e);
    }
    std::vector<SgdResult> results;
    for (SgdState& s : states) results.push_back(std::move(s.res));
    return results;
}
