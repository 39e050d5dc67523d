// sgd.hpp — mini-batch stochastic gradient descent (001 "Gradient Descent"; 003 "Setting up the
// back propagation algorithm, part 3") with any of the update rules of optimizers.hpp, and the
// training loop that stops a run whose cost becomes non-finite or explodes.
//
//   plain step (003):     Wˡ ← Wˡ − η ∂C/∂Wˡ,   bˡ ← bˡ − η ∂C/∂bˡ
//   with momentum (001):  v ← ω v + η ∇C,   θ ← θ − v
//   Adagrad, RMSprop, Adam: optimizers.hpp
// Each epoch visits the training samples in a fresh random order, in mini-batches of `batch`
// samples (the last one may be smaller); the gradient of a batch is the mean over its samples.
// 001 writes this mean as (1/d) Σᵢ ∇Cᵢ with d the number of batches; it is over the m samples of
// the batch (README, "Where the documents slip").
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <vector>

#include "chapters/chapter5_deep_backprop/matrix.hpp"
#include "chapters/chapter5_deep_backprop/network.hpp"
#include "chapters/chapter5_deep_backprop/optimizers.hpp"
#include "common/random.hpp"

// A data set with one sample per column: X is n₀ × N, Y is n_L × N.
struct Data {
    Matrix X, Y;
    std::size_t size() const { return X.cols; }
};

// Written {η, ω, λ, m}: 001's SGD, with momentum when ω > 0; or {η, ω, λ, m, rule} for any rule.
struct SgdOptions {
    double eta = 0.01;        // learning rate η
    double omega = 0.0;       // momentum ω (Optimizer::momentum only)
    double lambda = 0.0;      // L2 strength λ: C gains (λ/2) Σ ‖Wˡ‖²
    std::size_t batch = 10;   // mini-batch size m (001 uses 10)
    Optimizer optimizer = Optimizer::sgd;   // the update rule (optimizers.hpp)
    AdaptiveConstants constants;            // ρ, β₁, β₂, ε of the adaptive rules (their defaults)

    SgdOptions() = default;
    SgdOptions(double eta_, double omega_, double lambda_, std::size_t batch_)
        : SgdOptions(eta_, omega_, lambda_, batch_, omega_ > 0 ? Optimizer::momentum : Optimizer::sgd) {}
    SgdOptions(double eta_, double omega_, double lambda_, std::size_t batch_, Optimizer rule)
        : eta(eta_), omega(omega_), lambda(lambda_), batch(batch_), optimizer(rule) {}
};

// Everything one run of SGD keeps between steps, allocated once.
struct SgdState {
    SgdOptions opt;
    Gradients grad;
    OptimizerState rule_state;         // the update rule's accumulators
    Cache cache;
    Workspace work;
    Matrix Xb, Yb;                     // the current mini-batch
    std::vector<std::size_t> order;    // the visiting order of the samples

    explicit SgdState(const SgdOptions& o) : opt(o) {}
};

// The columns `idx[first … first + m)` of `from`, side by side.
inline void gather_columns(Matrix& to, const Matrix& from, const std::vector<std::size_t>& idx,
                           std::size_t first, std::size_t m) {
    to.resize(from.rows, m);
    for (std::size_t i = 0; i < from.rows; ++i)
        for (std::size_t j = 0; j < m; ++j) to(i, j) = from(i, idx[first + j]);
}

// One update of every Wˡ and bˡ by the chosen rule, from the gradients of the current batch.
inline void sgd_step(Network& net, SgdState& sgd) {
    const SgdOptions& o = sgd.opt;
    apply_update(net, sgd.grad, sgd.rule_state, UpdateRule{o.optimizer, o.eta, o.omega, o.constants});
}

// One epoch of mini-batch SGD over `train`. Returns the mean cost of the mini-batches as they
// were met (each taken before its own step, weighted by its size): the usual running training
// loss, which costs no extra forward pass.
inline double sgd_epoch(Network& net, SgdState& sgd, const Data& train, Rng& rng) {
    const std::size_t N = train.size();
    if (sgd.order.size() != N) {
        sgd.order.resize(N);
        for (std::size_t i = 0; i < N; ++i) sgd.order[i] = i;
    }
    rng.shuffle(sgd.order);
    double total = 0.0;
    for (std::size_t first = 0; first < N; first += sgd.opt.batch) {
        const std::size_t m = std::min(sgd.opt.batch, N - first);
        gather_columns(sgd.Xb, train.X, sgd.order, first, m);
        gather_columns(sgd.Yb, train.Y, sgd.order, first, m);
        total += static_cast<double>(m) * cost(net, sgd.Xb, sgd.Yb, sgd.opt.lambda, sgd.cache);
        backward(sgd.grad, net, sgd.cache, sgd.Yb, sgd.opt.lambda, sgd.work);
        sgd_step(net, sgd);
    }
    return total / static_cast<double>(N);
}

// A run is stopped as diverged when its cost is not finite or exceeds kExplodeFactor ·
// max(C₀, kCostFloor), C₀ the cost before training: a hundredfold rise means the steps overshoot
// (a converging run never gets there), and the floor keeps a start at nearly zero cost from
// being flagged for any rise at all.
constexpr double kExplodeFactor = 100;
constexpr double kCostFloor = 1e-3;

struct TrainResult {
    std::size_t epochs = 0;          // epochs completed
    bool diverged = false;
    std::size_t diverged_epoch = 0;  // the epoch (1-based) whose cost failed, if diverged
};

// Train for `epochs` epochs; after each one, `after_epoch(epoch, train_cost)` (epoch 1-based)
// lets the caller record whatever it measures, and returns false when a measurement is not
// finite. Stops early, and says so, on divergence: a cost that is not finite or explodes, or a
// measurement that is not finite (the run then counts as diverged at that epoch).
inline TrainResult train(Network& net, const Data& data, const SgdOptions& opt, std::size_t epochs,
                         Rng& rng, const std::function<bool(std::size_t, double)>& after_epoch = {}) {
    SgdState sgd(opt);
    // C₀ over the whole training set, in a cache of its own that is freed at once (the
    // mini-batch cache would keep the full set's allocation for the whole run).
    const double c0 = [&] {
        Cache whole_set;
        return cost(net, data.X, data.Y, opt.lambda, whole_set);
    }();
    const double limit = std::isfinite(c0) ? kExplodeFactor * std::max(c0, kCostFloor)
                                           : std::numeric_limits<double>::infinity();
    TrainResult result;
    for (std::size_t e = 1; e <= epochs; ++e) {
        const double c = sgd_epoch(net, sgd, data, rng);
        if (!std::isfinite(c) || c > limit || (after_epoch && !after_epoch(e, c))) {
            result.diverged = true;
            result.diverged_epoch = e;
            return result;
        }
        result.epochs = e;
    }
    return result;
}

// ---------------------------------------------------------------------------------------------
// Measuring a trained network

// The outputs aᴸ for the samples in the columns of X.
inline Matrix predict(const Network& net, const Matrix& X) {
    Cache cache;
    forward(cache, net, X);
    return cache.a.back();
}

// Mean over samples and outputs of (a − y)²: the MSE the documents report (no ½).
inline double mean_squared_error(const Matrix& A, const Matrix& Y) {
    double sum = 0.0;
    for (std::size_t k = 0; k < A.size(); ++k) sum += (A.data[k] - Y.data[k]) * (A.data[k] - Y.data[k]);
    return sum / static_cast<double>(A.size());
}

// Fraction of samples classified right: one output → class 1 when a > 0.5 (004's rule);
// several outputs → the class of the largest output (001).
inline double accuracy(const Matrix& A, const Matrix& Y) {
    std::size_t right = 0;
    for (std::size_t j = 0; j < A.cols; ++j) {
        if (A.rows == 1) {
            right += (A(0, j) > 0.5) == (Y(0, j) > 0.5);
        } else {
            std::size_t best_a = 0, best_y = 0;
            for (std::size_t k = 1; k < A.rows; ++k) {
                if (A(k, j) > A(best_a, j)) best_a = k;
                if (Y(k, j) > Y(best_y, j)) best_y = k;
            }
            right += best_a == best_y;
        }
    }
    return static_cast<double>(right) / static_cast<double>(A.cols);
}
