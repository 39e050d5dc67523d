// experiments.hpp — the chapter's experiments as functions that return numbers; main.cpp writes
// them out. Settings and their reasons are here, next to the code that uses them.
//
//   seeded_point         002's network and a small batch at a seed (the node table, the dump)
//   quiz_*               002's quiz Jacobians by the graph, in closed form, by differences
//   check_000_s1/_s3     000's networks: the graph's gradient against central differences,
//                        and for §3 the report's gradient (h₀, H₀ held fixed) against them too
//   cost_study           one gradient by the graph against central differences as n grows
//   train_spirals        gradient descent through the graph, η chosen on a validation split
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "chapters/chapter6_computation_graphs/graph.hpp"
#include "chapters/chapter6_computation_graphs/matrix.hpp"
#include "chapters/chapter6_computation_graphs/networks.hpp"
#include "chapters/chapter6_computation_graphs/quizzes.hpp"
#include "chapters/chapter6_computation_graphs/training.hpp"
#include "common/finite_difference.hpp"
#include "common/random.hpp"

namespace ch6 {

// ---------------------------------------------------------------------------------------------
// The seeded point of 002's network: d = 2 inputs (the dimension of the spirals), m = 8 samples
// x ~ N(0, I), classes uniform in 0 … K−1, W₁ and w₁₀ ~ N(0, 1), W₂ and w₂₀ ~ N(0, 1/M).

constexpr std::size_t kPointInputs = 2, kPointSamples = 8;

struct Point002 {
    Net002 net;
    Matrix x;                    // d×m
    std::vector<std::size_t> c;  // m classes
};

inline Point002 seeded_point(std::uint64_t seed, std::size_t M, std::size_t K) {
    Rng rng = Rng::stream(seed, 0);   // stream 0: the point
    Point002 p;
    p.x = Matrix(kPointInputs, kPointSamples);
    for (double& v : p.x.data) v = rng.normal();
    for (std::size_t j = 0; j < kPointSamples; ++j) p.c.push_back(static_cast<std::size_t>(rng.below(K)));
    p.net = random_net_002(kPointInputs, M, K, 1.0, rng);
    return p;
}

// The largest difference of two lists relative to the largest entry of the second:
// max_i |a_i − b_i| / max_i |b_i| (0 when both are 0). A gradient's tiny entries are judged
// against its scale, not against themselves.
inline double scaled_difference(const std::vector<double>& a, const std::vector<double>& b) {
    double diff = 0, scale = 0;
    for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
        diff = std::max(diff, std::fabs(a[i] - b[i]));
        scale = std::max(scale, std::fabs(b[i]));
    }
    if (a.size() != b.size() || !std::isfinite(diff)) return INFINITY;
    return scale > 0 ? diff / scale : diff;
}

// ---------------------------------------------------------------------------------------------
// 002's quizzes at the seeded point's first sample (m = 1)

struct QuizRow {
    std::string jacobian, shape, closed_form;
    double graph_vs_closed;   // scaled_difference(graph, closed form)
    double fd_vs_closed;      // scaled_difference(central differences, closed form)
};

// Central differences of every entry of node `out` with respect to every entry of leaf `in`,
// rebuilding the graph for each step: J(k, p) ≈ (out_k(θ + h e_p) − out_k(θ − h e_p)) / 2h.
inline Matrix fd_jacobian(const std::function<Matrix(const Matrix&)>& out_of, Matrix in) {
    const Matrix out = out_of(in);
    Matrix J(out.size(), in.size());
    for (std::size_t p = 0; p < in.size(); ++p) {
        const double v = in.data[p], h = fd::step(v);
        in.data[p] = v + h;
        const Matrix plus = out_of(in);
        in.data[p] = v - h;
        const Matrix minus = out_of(in);
        in.data[p] = v;
        for (std::size_t k = 0; k < out.size(); ++k) J(k, p) = (plus.data[k] - minus.data[k]) / ((v + h) - (v - h));
    }
    return J;
}

inline std::vector<QuizRow> quizzes(const Point002& point) {
    const Matrix x1 = [&] {   // the first sample alone
        Matrix x(point.x.rows, 1);
        for (std::size_t i = 0; i < x.rows; ++i) x(i, 0) = point.x(i, 0);
        return x;
    }();
    const std::vector<std::size_t> c1{point.c[0]};
    Graph002 n = graph_002(point.net, x1, c1);
    const std::size_t K = point.net.W2.rows, M = point.net.W2.cols;
    auto node = [&](Net002 net, Id Graph002::*which) {   // a node's value at changed parameters
        const Graph002 m = graph_002(net, x1, c1);
        return m.g.value(m.*which);
    };
    std::vector<QuizRow> rows;
    {
        const Matrix closed = jacobian_x6_w20(K);
        const Matrix fd = fd_jacobian([&](const Matrix& w20) { Net002 t = point.net; t.w20 = w20; return node(t, &Graph002::x6); }, point.net.w20);
        rows.push_back({"∂x6/∂w20", std::to_string(K) + "×" + std::to_string(K), "I_K",
                        scaled_difference(jacobian(n.g, n.x6, n.w20).data, closed.data), scaled_difference(fd.data, closed.data)});
    }
    {
        const Matrix closed = jacobian_x5_W2(n.g.value(n.x4), K);
        const Matrix fd = fd_jacobian([&](const Matrix& W2) { Net002 t = point.net; t.W2 = W2; return node(t, &Graph002::x5); }, point.net.W2);
        rows.push_back({"∂x5/∂W2", std::to_string(K) + "×" + std::to_string(K * M), "I_K ⊗ x4ᵀ",
                        scaled_difference(jacobian(n.g, n.x5, n.W2).data, closed.data), scaled_difference(fd.data, closed.data)});
    }
    {
        const Matrix closed = jacobian_x4_x3(n.g.value(n.x3));
        // x₄ as a function of x₃ alone: the sigmoid node on its own.
        auto x4_of = [](const Matrix& x3) {
            Graph g;
            return g.value(sigmoid(g, input(g, x3, "x3")));
        };
        const Matrix fd = fd_jacobian(x4_of, n.g.value(n.x3));
        rows.push_back({"∂x4/∂x3", std::to_string(M) + "×" + std::to_string(M), "diag(x4 ⊙ (1 − x4))",
                        scaled_difference(jacobian(n.g, n.x4, n.x3).data, closed.data), scaled_difference(fd.data, closed.data)});
    }
    return rows;
}

// 002, slide 12 at a seeded logistic-regression problem (d = 3 features plus x₀ = 1, N = 50):
// the closed form (1/N) Σ (ŷ − y) x against central differences of E_H.
inline double slide12_check(std::uint64_t seed) {
    Rng rng = Rng::stream(seed, 2);
    const std::size_t d = 3, N = 50;
    Matrix X(d + 1, N, 1.0);
    for (std::size_t i = 1; i <= d; ++i)
        for (std::size_t n = 0; n < N; ++n) X(i, n) = rng.normal();
    std::vector<double> y(N), w(d + 1);
    for (double& v : y) v = rng.uniform() < 0.5 ? 0.0 : 1.0;
    for (double& v : w) v = rng.normal();
    const auto numeric = fd::gradient([&](const std::vector<double>& v) { return cross_entropy_E_H(v, X, y); }, w);
    return scaled_difference(gradient_E_H(w, X, y), numeric);
}

// ---------------------------------------------------------------------------------------------
// 000's networks against central differences

// The gradient of a graph's loss with respect to some of its parameter leaves, as one list, and
// the same by central differences of `loss_at` (which rebuilds the graph from such a list).
inline std::vector<double> concat(const std::vector<const Matrix*>& blocks) {
    std::vector<double> v;
    for (const Matrix* b : blocks) v.insert(v.end(), b->data.begin(), b->data.end());
    return v;
}

struct Check000s1 {
    double f;
    double graph_vs_fd;
};

// 000 §1 with the report's six samples (Y: 3×6, Z: 2×6) and W ~ N(0, 1).
inline Check000s1 check_000_s1(const Matrix& Y, const Matrix& Z, std::uint64_t seed) {
    Rng rng = Rng::stream(seed, 3);
    Matrix W(3, 2);
    for (double& w : W.data) w = rng.normal();
    Graph000s1 n = graph_000_s1(W, Y, Z);
    backward(n.g, n.f);
    const auto numeric = fd::gradient(
        [&](const std::vector<double>& w) {
            Matrix V(3, 2);
            V.data = w;
            const Graph000s1 m = graph_000_s1(V, Y, Z);
            return m.g.value(m.f)(0, 0);
        },
        W.data);
    return {n.g.value(n.f)(0, 0), scaled_difference(n.g.grad(n.W).data, numeric)};
}

// 000 §3 gives no data: m = 20 inputs y ~ N(0, I₆), targets z uniform in (−0.9, 0.9)³, weights
// N(0, 0.5²) (chapter 2's start).
struct Problem000s3 {
    Weights000s3 w;
    Matrix Y{6, 20};   // the inputs y, one sample per column
    Matrix Z{3, 20};   // the targets z
};

inline Problem000s3 problem_000_s3(std::uint64_t seed) {
    Rng rng = Rng::stream(seed, 4);
    Problem000s3 p;
    for (double& v : p.Y.data) v = rng.normal();
    for (double& v : p.Z.data) v = rng.uniform(-0.9, 0.9);
    for (Matrix* M : {&p.w.W1, &p.w.W2, &p.w.W3})
        for (double& v : M->data) v = 0.5 * rng.normal();
    return p;
}

// The gradient (W₁, W₂, W₃ row-major) by the graph, with h₀ and H₀ free or held fixed.
inline std::vector<double> gradient_000_s3(const Problem000s3& p, bool biases_constant) {
    Graph000s3 n = graph_000_s3(p.w, p.Y, p.Z, biases_constant);
    backward(n.g, n.f);
    return concat({&n.g.grad(n.W1), &n.g.grad(n.W2), &n.g.grad(n.W3)});
}

inline std::vector<double> fd_gradient_000_s3(const Problem000s3& p) {
    return fd::gradient(
        [&](const std::vector<double>& theta) {
            Weights000s3 w;
            std::size_t k = 0;
            for (Matrix* M : {&w.W1, &w.W2, &w.W3})
                for (double& v : M->data) v = theta[k++];
            const Graph000s3 n = graph_000_s3(w, p.Y, p.Z);
            return n.g.value(n.f)(0, 0);
        },
        concat({&p.w.W1, &p.w.W2, &p.w.W3}));
}

// The blocks of 000 §3's 62 weights in which the report's gradient is right or wrong.
struct Block {
    std::string name;
    std::size_t offset, size;
};
inline const std::vector<Block>& blocks_000_s3() {
    static const std::vector<Block> b{{"W1", 0, 30}, {"W2 row 1", 30, 5}, {"W2 rows 2–4", 35, 15}, {"W3", 50, 12}};
    return b;
}

inline double block_difference(const std::vector<double>& a, const std::vector<double>& b, const Block& blk) {
    return scaled_difference(std::vector<double>(a.begin() + blk.offset, a.begin() + blk.offset + blk.size),
                             std::vector<double>(b.begin() + blk.offset, b.begin() + blk.offset + blk.size));
}

// ---------------------------------------------------------------------------------------------
// Why reverse mode: the cost of one gradient

// Processor time used by this program (std::clock), not wall-clock time: on a shared machine
// the wall clock also counts the time other programs had the processor.
class CpuTimer {
public:
    CpuTimer() : start_(std::clock()) {}
    double seconds() const { return static_cast<double>(std::clock() - start_) / CLOCKS_PER_SEC; }

private:
    std::clock_t start_;
};

// The network of the study is 002's with as many inputs as hidden units (d = M) and K = 3, so
// that n = (M + 1)(M + 3) grows like M²: 15 parameters at M = 2, 264 195 at M = 512. A batch of
// m = 16 samples. One gradient by the graph is one forward and one backward pass; by central
// differences it is 2n forward passes. Both are timed in processor seconds: the graph over
// repeated gradients for at least kAdSeconds; the differences over as many parameters (in a
// seeded random order) as fit in kFdSeconds, their time then scaled to all n parameters:
// fd_seconds = elapsed · n / timed.
// Each parameter costs the same two forward passes, so the scaling is exact up to timing noise;
// where timed = n, nothing is extrapolated.
constexpr std::size_t kCostSamples = 16, kCostClasses = 3;
constexpr double kAdSeconds = 0.03, kFdSeconds = 0.1;

struct CostRow {
    std::size_t M, parameters;
    double ad_seconds, fd_seconds;
    std::size_t fd_timed;      // parameters actually differenced
    double fd_vs_graph;        // scaled_difference on those parameters
};

inline double& parameter_entry(Net002& n, std::size_t k) {
    for (Matrix* P : {&n.W1, &n.w10, &n.W2, &n.w20}) {
        if (k < P->size()) return P->data[k];
        k -= P->size();
    }
    return n.w20.data.back();   // not reached: k < parameter_count(n)
}

inline CostRow measure_cost(std::size_t M, std::uint64_t seed) {
    Rng rng = Rng::stream(seed, 100 + M);
    Net002 net = random_net_002(M, M, kCostClasses, 1.0 / std::sqrt(static_cast<double>(M)), rng);
    Dataset batch{Matrix(M, kCostSamples), {}};
    for (double& v : batch.x.data) v = rng.normal();
    for (std::size_t j = 0; j < kCostSamples; ++j) batch.c.push_back(static_cast<std::size_t>(rng.below(kCostClasses)));
    CostRow row{M, parameter_count(net), 0, 0, 0, 0};

    CpuTimer ad;
    std::size_t repeats = 0;
    LossAndGradient lg;
    do {
        lg = graph_gradient_002(net, batch.x, batch.c);
        ++repeats;
    } while (ad.seconds() < kAdSeconds);
    row.ad_seconds = ad.seconds() / static_cast<double>(repeats);

    const std::vector<double> graph = flatten(lg.grad);
    const std::vector<std::size_t> order = rng.permutation(row.parameters);
    std::vector<double> numeric, analytic;
    CpuTimer fd;
    while (row.fd_timed < row.parameters && (row.fd_timed == 0 || fd.seconds() < kFdSeconds)) {
        const std::size_t k = order[row.fd_timed++];
        double& theta = parameter_entry(net, k);
        const double v = theta, h = fd::step(v);
        theta = v + h;
        const double plus = loss(net, batch);
        theta = v - h;
        const double minus = loss(net, batch);
        theta = v;
        numeric.push_back((plus - minus) / ((v + h) - (v - h)));
        analytic.push_back(graph[k]);
    }
    row.fd_seconds = fd.seconds() * static_cast<double>(row.parameters) / static_cast<double>(row.fd_timed);
    row.fd_vs_graph = scaled_difference(analytic, numeric);
    return row;
}

// Least-squares slope of log y against log x.
inline double log_log_slope(const std::vector<double>& x, const std::vector<double>& y) {
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < x.size(); ++i) mx += std::log(x[i]), my += std::log(y[i]);
    mx /= static_cast<double>(x.size());
    my /= static_cast<double>(x.size());
    double sxy = 0, sxx = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sxy += (std::log(x[i]) - mx) * (std::log(y[i]) - my);
        sxx += (std::log(x[i]) - mx) * (std::log(x[i]) - mx);
    }
    return sxx > 0 ? sxy / sxx : NAN;
}

// ---------------------------------------------------------------------------------------------
// Training through the graph

// 150 points per class (270 training, 90 validation, 90 test for K = 3). The start: W₁, w₁₀ ~
// N(0, 3²) — the points lie within radius ~1.1, so each hidden sigmoid then changes over a
// distance of about 1/3, sharp enough to follow an arm — and W₂, w₂₀ ~ N(0, 1/M).
// Full-batch gradient descent; the learning rates tried and the number of steps are fixed
// settings, and the rate is chosen by the validation loss after the last step.
constexpr std::size_t kPerClass = 150;
constexpr double kInputScale = 3.0;
constexpr std::size_t kRecordEvery = 20;
// The decision map: the chosen network's class probabilities on kMapNodes² points of [kMapLo, kMapHi]².
constexpr double kMapLo = -1.3, kMapHi = 1.3;
constexpr std::size_t kMapNodes = 131;

struct TrainingResult {
    Dataset data;
    Split split;
    std::vector<Run> runs;     // one per learning rate, in the order given
    int chosen = -1;           // the run with the lowest final validation loss; −1: all diverged
    double test_accuracy = NAN, train_accuracy = NAN, validation_accuracy = NAN;
};

// after_step(i, k) is called after the gradient of step k of the run of etas[i], and
// after_step(i, iterations + 1) when that run has ended (progress, interruption).
inline TrainingResult train_spirals(std::size_t M, std::size_t K, const std::vector<double>& etas,
                                    std::size_t iterations, std::uint64_t seed,
                                    const std::function<void(std::size_t, std::size_t)>& after_step) {
    TrainingResult r;
    r.data = make_spirals(K, kPerClass, seed);
    r.split = split_60_20_20(r.data, seed);
    for (std::size_t i = 0; i < etas.size(); ++i) {
        Rng rng = Rng::stream(seed, 1);   // stream 1: the start, the same for every η
        const Net002 start = random_net_002(2, M, K, kInputScale, rng);
        r.runs.push_back(gradient_descent(start, r.split.train, r.split.validation, etas[i], iterations, kRecordEvery,
                                          [&](std::size_t k) { after_step(i, k); }));
        after_step(i, iterations + 1);
    }
    for (std::size_t k = 0; k < r.runs.size(); ++k)
        if (!r.runs[k].diverged &&
            (r.chosen < 0 || r.runs[k].validation_loss.back() < r.runs[r.chosen].validation_loss.back()))
            r.chosen = static_cast<int>(k);
    if (r.chosen >= 0) {
        const Net002& net = r.runs[r.chosen].net;
        r.train_accuracy = accuracy(net, r.split.train);
        r.validation_accuracy = accuracy(net, r.split.validation);
        r.test_accuracy = accuracy(net, r.split.test);   // the test set's one use
    }
    return r;
}

}  // namespace ch6
