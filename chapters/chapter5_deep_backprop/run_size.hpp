// run_size.hpp — how much work and memory a training run of this chapter takes, estimated
// before it starts: a run far beyond the defaults says first what it will cost, and one beyond
// all reason is refused unless the user asks for it (--allow-large). The counting is this
// chapter's; the policy (what is said, what is refused, and how) is common/workload.hpp's.
//
// Work is counted in multiply-adds. One epoch of mini-batch SGD over N_train samples, then the
// learning-curve passes over the training and the test set (train_with_curve, experiments.hpp),
// costs per weight of Wˡ (nₗ × nₗ₋₁ of them):
//   forward   Zˡ = Wˡ Aˡ⁻¹      once per sample of each mini-batch, then again over the
//                               training and the test set          2 N_train + N_test
//   (BP2)     (Wˡ⁺¹)ᵀ Δˡ⁺¹      once per training sample           N_train
//   (BP3)     Δˡ (Aˡ⁻¹)ᵀ        once per training sample           N_train
// i.e. Σₗ nₗ nₗ₋₁ · (4 N_train + N_test). The element-wise work of each unit (bias, f, f′, ⊙) is
// counted as unit_multiply_adds(f) multiply-adds per unit and sample, the update of each
// parameter as 2 per mini-batch. Time is that count over the rate measured for this code:
// kMultiplyAddsPerSecond, and kWideMultiplyAddsPerSecond for the products of a layer whose Wˡ
// is too large for the caches.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/activations.hpp"
#include "common/workload.hpp"

// The rate of this code's training loop, in multiply-adds per second of one core: `make bench`
// (bench5) measures it for networks from 2-128-1 to 2-4096-4096-1. On the AMD EPYC (AVX-512,
// 2 cores) the chapter's times were measured on, networks whose weights fit in the caches run
// at 4–10·10⁹ (2-2048-2048-1, 4.2 million weights in one layer, 4–5·10⁹), so the estimate takes
// the low end and errs on the long side. A layer of more than kCacheWeights weights (64 MB)
// runs at about half that: its transposed product (BP2) reads Wˡ column by column, each weight
// from main memory (2-4096-4096-1, 16.8 million weights in one layer: 2–3·10⁹).
constexpr double kMultiplyAddsPerSecond = 4e9;
constexpr double kWideMultiplyAddsPerSecond = 2e9;
constexpr double kCacheWeights = 8e6;

// Element-wise work per unit and sample, in multiply-adds, measured on the 2-128-1 Franke
// network in mini-batches of 10, where this work dominates: a few for ReLU, leaky ReLU and
// linear units, about 35 for sigmoid and tanh, whose exponentials cost more than the products.
inline double unit_multiply_adds(Activation f) {
    return f == Activation::sigmoid || f == Activation::tanh || f == Activation::softmax ? 35.0 : 5.0;
}

// A run whose largest training run exceeds this is announced before it starts (estimated work,
// time and memory) and reports every epoch. The largest training run of the default set-up, a
// sigmoid network of 001's activation study, is 8·10⁹ multiply-adds (004's network on the two
// moons 2·10⁹), so this is 2.5 times beyond it: about 5 s at the first rate above.
constexpr double kNoticeMultiplyAdds = 2e10;
// A run beyond either bound is refused unless --allow-large is given: 10¹³ multiply-adds is
// 40 minutes to an hour and a half at the rates above (the default run of every experiment is 1.5·10¹¹,
// 36 s by this estimate, about 25 s measured), and 4 GB is more memory than many laptops can spare for one
// program (the default run needs about 10 MB).
constexpr double kLimitMultiplyAdds = 1e13;
constexpr double kLimitBytes = 4e9;

// One training run as the estimate sees it.
struct RunSize {
    std::string label;                 // what it is, for the announcement ("two moons")
    std::vector<std::size_t> widths;   // n₀ … n_L
    std::vector<Activation> f;         // f¹ … f^L
    std::size_t n_train = 0, n_test = 0, batch = 1, epochs = 0;
    std::size_t extra_columns = 0;     // samples of forward passes outside the epochs: the cost
                                       // before training, a decision grid, an initial gradient
};

// Σₗ nₗ nₗ₋₁, the weights of the network.
inline double weight_count(const std::vector<std::size_t>& widths) {
    double n = 0;
    for (std::size_t l = 1; l < widths.size(); ++l)
        n += static_cast<double>(widths[l]) * static_cast<double>(widths[l - 1]);
    return n;
}

// Σₗ nₗ for l = 1 … L, the units (and biases) of the network.
inline double unit_count(const std::vector<std::size_t>& widths) {
    double n = 0;
    for (std::size_t l = 1; l < widths.size(); ++l) n += static_cast<double>(widths[l]);
    return n;
}

// Multiply-adds of one forward pass per sample, the unit work included.
inline double forward_multiply_adds(const std::vector<std::size_t>& widths, const std::vector<Activation>& f) {
    double units = 0;
    for (std::size_t l = 1; l < widths.size() && l <= f.size(); ++l)
        units += static_cast<double>(widths[l]) * unit_multiply_adds(f[l - 1]);
    return weight_count(widths) + units;
}

// Multiply-adds of one epoch with its learning-curve passes (the count in the header comment).
inline double epoch_multiply_adds(const std::vector<std::size_t>& widths, const std::vector<Activation>& f,
                                  std::size_t n_train, std::size_t n_test, std::size_t batch) {
    const double samples = 4.0 * static_cast<double>(n_train) + static_cast<double>(n_test);
    const double batches = static_cast<double>((n_train + batch - 1) / std::max<std::size_t>(batch, 1));
    return forward_multiply_adds(widths, f) * samples + 2.0 * (weight_count(widths) + unit_count(widths)) * batches;
}

// The samples that pass forward through the network in a run, and its mini-batches.
inline double forward_samples(const RunSize& r) {
    return static_cast<double>(r.epochs) * (4.0 * static_cast<double>(r.n_train) + static_cast<double>(r.n_test)) +
           static_cast<double>(r.extra_columns);
}
inline double batch_count(const RunSize& r) {
    return static_cast<double>(r.epochs) *
           static_cast<double>((r.n_train + r.batch - 1) / std::max<std::size_t>(r.batch, 1));
}

inline double multiply_adds(const RunSize& r) {
    return static_cast<double>(r.epochs) * epoch_multiply_adds(r.widths, r.f, r.n_train, r.n_test, r.batch) +
           forward_multiply_adds(r.widths, r.f) * static_cast<double>(r.extra_columns);
}

// The same count, layer by layer, each at its rate.
inline double estimated_seconds(const RunSize& r) {
    const double samples = forward_samples(r), batches = batch_count(r);
    double seconds = 0;
    for (std::size_t l = 1; l < r.widths.size() && l <= r.f.size(); ++l) {
        const double weights = static_cast<double>(r.widths[l]) * static_cast<double>(r.widths[l - 1]);
        const double units = static_cast<double>(r.widths[l]);
        const double rate = weights > kCacheWeights ? kWideMultiplyAddsPerSecond : kMultiplyAddsPerSecond;
        seconds += (weights * samples + 2 * weights * batches) / rate +
                   (units * unit_multiply_adds(r.f[l - 1]) * samples + 2 * units * batches) / kMultiplyAddsPerSecond;
    }
    return seconds;
}

// Peak memory in bytes (doubles of 8 bytes):
//   parameters θ, their gradient and the update rule's          4 (weights + units)
//   accumulators (at most two: Adam's m and v, optimizers.hpp)
//   one forward pass over the largest set, zˡ and aˡ kept       2 (n₀ + units) · columns
//   a mini-batch: its pass, δˡ, f′ and a transposed Aˡ⁻¹          5 (n₀ + units) · min(batch, N_train)
//   the data: inputs, targets, indices, and the CSV text of      N · (n₀ + n_L + 16) + 120 N
//   the data file (about 120 bytes a row, growth included)
//   the program itself                                           kProgramBytes
// where columns = max(N_train, N_test, kGridChunk): the decision grid is evaluated in chunks,
// small enough that a chunk's activations stay in the caches while each row of Wˡ meets them
// (for 2-4096-4096-1 the map takes 24 s in chunks of 128 points, 95 s in chunks of 1000).
constexpr std::size_t kGridChunk = 128;
constexpr double kProgramBytes = 5e6;   // the resident size of a run with tiny data
inline double peak_bytes(const RunSize& r) {
    const double n0 = r.widths.empty() ? 0.0 : static_cast<double>(r.widths.front());
    const double nL = r.widths.empty() ? 0.0 : static_cast<double>(r.widths.back());
    const double rows = n0 + unit_count(r.widths);
    const double columns = static_cast<double>(std::max({r.n_train, r.n_test, kGridChunk}));
    const double n = static_cast<double>(r.n_train + r.n_test);
    const double batch = static_cast<double>(std::min(r.batch, r.n_train));   // the last batch may be smaller
    const double doubles = 4 * (weight_count(r.widths) + unit_count(r.widths)) + 2 * rows * columns +
                           5 * rows * batch + n * (n0 + nL + 16);
    return 8 * doubles + 120 * n + kProgramBytes;
}

// The estimate of a whole run: its training runs one after another.
struct Estimate {
    double multiply_adds = 0;   // all runs together
    double seconds = 0;         // at the measured rates
    double bytes = 0;           // the largest run's peak
    RunSize largest;            // the run with the most multiply-adds
    double largest_multiply_adds = 0;
};

inline Estimate estimate(const std::vector<RunSize>& runs) {
    Estimate e;
    for (const RunSize& r : runs) {
        const double work = multiply_adds(r);
        e.multiply_adds += work;
        e.seconds += estimated_seconds(r);
        e.bytes = std::max(e.bytes, peak_bytes(r));
        if (work > e.largest_multiply_adds) {
            e.largest_multiply_adds = work;
            e.largest = r;
        }
    }
    return e;
}

// The bounds above, for the common policy (workload::check).
inline workload::Bounds size_bounds() {
    workload::Bounds b;
    b.unit = "multiply-adds";
    b.rate = "at this code's measured rates";
    b.notice_work = kNoticeMultiplyAdds;
    b.limit_work = kLimitMultiplyAdds;
    b.limit_bytes = kLimitBytes;
    b.smaller = "--layers, --epochs, --moons-n, --franke-n";
    b.step = "epoch";
    return b;
}

// The estimate as the common policy reads it: the notice bound is compared with the largest
// training run, the hard bounds with the whole run.
inline workload::Estimate as_workload(const Estimate& e) {
    workload::Estimate w;
    w.work = e.multiply_adds;
    w.seconds = e.seconds;
    w.bytes = e.bytes;
    w.notice_work = e.largest_multiply_adds;
    return w;
}

inline bool needs_notice(const Estimate& e) { return workload::needs_notice(as_workload(e), size_bounds()); }
inline bool beyond_limits(const Estimate& e) { return workload::beyond_limits(as_workload(e), size_bounds()); }
