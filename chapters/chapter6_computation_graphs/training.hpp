// training.hpp — 002's network trained by gradient descent with gradients from the graph only,
// on a seeded two-dimensional data set of K classes.
//
// 002, "Training single layer neural network with MSE (cont.)": w ← w − η ∇_w E(w), η > 0, here
// for every parameter of the network at once (full batch: each step uses every training sample),
// with ∇L from backward() on graph_002 — no derivative written by hand.
//
// The data: K spiral arms around the origin (the points of class k at angles 2πk/K + 3.5 t, radius
// t, for t uniform in [0.1, 1], then Gaussian noise of sd 0.07 on each coordinate). No straight line
// separates two neighbouring arms, so the hidden layer has to do the work; the arms' ends touch
// a little, so 100 % is not to be expected.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "chapters/chapter6_computation_graphs/graph.hpp"
#include "chapters/chapter6_computation_graphs/matrix.hpp"
#include "chapters/chapter6_computation_graphs/networks.hpp"
#include "common/random.hpp"

namespace ch6 {

struct Dataset {
    Matrix x;                        // 2×n, one point per column
    std::vector<std::size_t> c;      // n class indices 0 … K−1
    std::size_t size() const { return c.size(); }
};

struct SpiralRecipe {
    double turn = 3.5;               // radians swept by an arm from its inner to its outer end
    double r_min = 0.1, r_max = 1;   // radius range of the points on an arm
    double noise = 0.07;             // sd of the Gaussian noise on each coordinate
};

// K arms of `per_class` points each, class by class (the order in data.csv).
inline Dataset make_spirals(std::size_t K, std::size_t per_class, std::uint64_t seed, const SpiralRecipe& s = {}) {
    Rng rng = Rng::stream(seed, 10);   // stream 10: the data
    const double two_pi = 8.0 * std::atan(1.0);
    Dataset d{Matrix(2, K * per_class), {}};
    for (std::size_t k = 0; k < K; ++k)
        for (std::size_t i = 0; i < per_class; ++i) {
            const double t = rng.uniform(s.r_min, s.r_max);
            const double theta = two_pi * static_cast<double>(k) / static_cast<double>(K) + s.turn * t;
            const std::size_t j = d.c.size();
            d.x(0, j) = t * std::cos(theta) + s.noise * rng.normal();
            d.x(1, j) = t * std::sin(theta) + s.noise * rng.normal();
            d.c.push_back(k);
        }
    return d;
}

// The columns `idx` of a data set.
inline Dataset subset(const Dataset& d, const std::vector<std::size_t>& idx) {
    Dataset s{Matrix(d.x.rows, idx.size()), {}};
    for (std::size_t j = 0; j < idx.size(); ++j) {
        for (std::size_t i = 0; i < d.x.rows; ++i) s.x(i, j) = d.x(i, idx[j]);
        s.c.push_back(d.c[idx[j]]);
    }
    return s;
}

// A seeded shuffle into 60 % training, 20 % validation, 20 % test. split[j] names the part of
// point j: 0 training, 1 validation, 2 test.
struct Split {
    Dataset train, validation, test;
    std::vector<int> part;
};
inline Split split_60_20_20(const Dataset& d, std::uint64_t seed) {
    Rng rng = Rng::stream(seed, 11);   // stream 11: the split
    const std::vector<std::size_t> order = rng.permutation(d.size());
    const std::size_t n_train = d.size() * 6 / 10, n_val = d.size() * 2 / 10;
    std::vector<std::size_t> parts[3];
    Split s;
    s.part.assign(d.size(), 0);
    for (std::size_t k = 0; k < order.size(); ++k) {
        const int p = k < n_train ? 0 : k < n_train + n_val ? 1 : 2;
        parts[p].push_back(order[k]);
        s.part[order[k]] = p;
    }
    s.train = subset(d, parts[0]);
    s.validation = subset(d, parts[1]);
    s.test = subset(d, parts[2]);
    return s;
}

// The mean cross-entropy L of a data set: the forward pass only (building the graph).
inline double loss(const Net002& net, const Dataset& d) {
    const Graph002 n = graph_002(net, d.x, d.c);
    return n.g.value(n.L)(0, 0);
}

// The fraction of points whose largest logit x₆ is their class's.
inline double accuracy(const Net002& net, const Dataset& d) {
    const Graph002 n = graph_002(net, d.x, d.c);
    const Matrix& x6 = n.g.value(n.x6);
    std::size_t right = 0;
    for (std::size_t j = 0; j < x6.cols; ++j) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < x6.rows; ++k)
            if (x6(k, j) > x6(best, j)) best = k;
        right += best == d.c[j];
    }
    return static_cast<double>(right) / static_cast<double>(d.size());
}

struct Run {
    double eta = 0;
    std::vector<std::size_t> iteration;            // where the losses were recorded
    std::vector<double> train_loss, validation_loss;
    Net002 net;                                    // the parameters after the last step
    bool diverged = false;
    std::size_t diverged_at = 0;                   // the iteration whose loss was not acceptable
};

// 002: θ ← θ − η ∇_θ L(θ) for `iterations` steps, ∇L from the graph. The losses are recorded every
// `every` steps and at the end. A loss that is not finite or above 100 · max(L₀, 10⁻³) stops the
// run as diverged; its recorded curve ends at the last acceptable loss. after_step(k), if given,
// is called after the gradient of step k (progress, interruption).
inline Run gradient_descent(Net002 net, const Dataset& train, const Dataset& validation, double eta,
                            std::size_t iterations, std::size_t every,
                            const std::function<void(std::size_t)>& after_step = {}) {
    Run run;
    run.eta = eta;
    double L0 = 0;
    for (std::size_t k = 0; k <= iterations; ++k) {
        const LossAndGradient lg = graph_gradient_002(net, train.x, train.c);
        if (after_step) after_step(k);
        if (k == 0) L0 = lg.L;
        if (!std::isfinite(lg.L) || lg.L > 100.0 * std::max(L0, 1e-3)) {
            run.diverged = true;
            run.diverged_at = k;
            break;
        }
        if (k % every == 0 || k == iterations) {
            run.iteration.push_back(k);
            run.train_loss.push_back(lg.L);
            run.validation_loss.push_back(loss(net, validation));
        }
        if (k == iterations) break;
        Matrix* P[] = {&net.W1, &net.w10, &net.W2, &net.w20};
        const Matrix* G[] = {&lg.grad.W1, &lg.grad.w10, &lg.grad.W2, &lg.grad.w20};
        for (int p = 0; p < 4; ++p)
            for (std::size_t q = 0; q < P[p]->size(); ++q) P[p]->data[q] -= eta * G[p]->data[q];
    }
    run.net = net;
    return run;
}

// ŷ = softmax(x₆) on the nodes of an nx × ny grid over [lo, hi]², row-major from (lo, lo):
// probabilities[k][j·nx + i] is class k's at (lo + i·step, lo + j·step).
inline std::vector<std::vector<double>> grid_probabilities(const Net002& net, double lo, double hi, std::size_t nx,
                                                           std::size_t ny) {
    Matrix points(2, nx * ny);
    for (std::size_t j = 0; j < ny; ++j)
        for (std::size_t i = 0; i < nx; ++i) {
            points(0, j * nx + i) = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(nx - 1);
            points(1, j * nx + i) = lo + (hi - lo) * static_cast<double>(j) / static_cast<double>(ny - 1);
        }
    const Forward002 f = forward_002(net, points, std::vector<std::size_t>(nx * ny, 0));
    std::vector<std::vector<double>> p(f.y_hat.rows, std::vector<double>(nx * ny));
    for (std::size_t k = 0; k < f.y_hat.rows; ++k)
        for (std::size_t q = 0; q < nx * ny; ++q) p[k][q] = f.y_hat(k, q);
    return p;
}

}  // namespace ch6
