// run_size.hpp — how much work and memory a run of this chapter takes, worked out from its flags
// before any file is created: a run far beyond the defaults says first what it will cost, and one
// beyond all reason is refused unless the user asks for it (--allow-large). The policy is
// common/workload.hpp's; the counting is here.
//
// The work is counted in passes of one sample through one hidden unit (forward, or forward and
// backward: the graph's cost per unit and sample is nearly the same either way, dominated by the
// sigmoid and the nodes' bookkeeping, since d = 2 inputs and K ≤ 8 outputs are few). With M hidden
// units, K classes, n_t = 0.6 · 150 K training and n_v = 0.2 · 150 K validation points, I
// iterations and E learning rates, a run does:
//   training       E runs of I + 1 gradients on the n_t points, M n_t each, and the validation
//                  loss at every 20th step and the last, M n_v each
//   decision map   one forward pass of the chosen network over the 131 × 131 map's points
//   cost study     per width 2, 4, … ≤ --max-width, timing loops of at most kAdSeconds +
//                  kFdSeconds of processor time (experiments.hpp: measure_cost) and one gradient
//                  or two forward passes beyond them: counted as 1.2 times that time, at the rate
// The seeded point, the quizzes and 000's networks take milliseconds and are left out.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>

#include "chapters/chapter6_computation_graphs/experiments.hpp"
#include "common/workload.hpp"

namespace ch6 {

// The flags that size a run (main.cpp's Options): M, K, iterations, how many η, the widest M of
// the cost study.
struct RunSize {
    std::size_t hidden = 16, classes = 3, iterations = 2000, etas = 3, max_width = 512;
};

// One core of the AMD EPYC (2 cores, shared) the chapter's times were taken on, processor time
// (user and system) of whole runs: 27 ns a sample and hidden unit for the default training
// (M = 16), 15 ns at M = 1024 (100 iterations, one η), 61 ns at M = 128, K = 8 (1000
// iterations, one η; half of it in the system, allocating the graph's nodes), 66 ns for the
// decision map at M = 4096; 67 ns lies at or above each, so the estimate errs on the long side:
// 3.2 s for the default run, which takes 1.4–1.6 s.
constexpr double kUnitSamplesPerSecond = 1.5e7;
constexpr double kCostStudyWidthSeconds = 1.2 * (kAdSeconds + kFdSeconds);

// A run estimated above 45 s (14 times the default's 3.2 s) is announced and reports every
// iteration; one above an hour, or 4 GB of memory, is refused unless --allow-large is given.
constexpr double kNoticeSeconds = 45;
constexpr double kLimitSeconds = 3600;
constexpr double kLimitBytes = 4e9;

inline std::size_t training_points(std::size_t K) { return kPerClass * K * 6 / 10; }     // split_60_20_20
inline std::size_t validation_points(std::size_t K) { return kPerClass * K * 2 / 10; }

// The widths of the cost study: 2, 4, 8, … up to max_width.
inline std::size_t cost_widths(std::size_t max_width) {
    std::size_t n = 0;
    for (std::size_t M = 2; M <= max_width; M *= 2) ++n;
    return n;
}

// One gradient on the training set, and one validation loss.
inline double gradient_work(const RunSize& s) { return static_cast<double>(s.hidden * training_points(s.classes)); }
inline double validation_work(const RunSize& s) { return static_cast<double>(s.hidden * validation_points(s.classes)); }

// The losses recorded by one training run: every kRecordEvery-th step and the last.
inline double recorded_losses(const RunSize& s) { return static_cast<double>(s.iterations / kRecordEvery + 2); }

// One training run of I iterations (training.hpp: gradient_descent): I + 1 gradients.
inline double training_run_work(const RunSize& s) {
    return static_cast<double>(s.iterations + 1) * gradient_work(s) + recorded_losses(s) * validation_work(s);
}

inline double cost_study_work(const RunSize& s) {
    return static_cast<double>(cost_widths(s.max_width)) * kCostStudyWidthSeconds * kUnitSamplesPerSecond;
}

inline double decision_work(const RunSize& s) { return static_cast<double>(kMapNodes * kMapNodes * s.hidden); }

inline double run_work(const RunSize& s) {
    return cost_study_work(s) + static_cast<double>(s.etas) * training_run_work(s) + decision_work(s);
}

// Memory, in bytes, measured on whole runs: the program and its small experiments take 10 MB
// (--max-width 2 --iterations 1); then the largest of the graph of one training gradient (its
// nodes' values and gradients, about 50 matrices of M × n_t: 400 MB at M = 4096, K = 3), the
// decision map's forward pass (σ's input and output, M × 17,161 each, and 8 MB for the map's
// probabilities and its CSV text: 295 MB at M = 1024, 1.1 GB at M = 4096) and
// the cost study's widest network with its copies and gradients (about 5 M² doubles: 170 MB at
// M = 2048); and the recorded losses with their CSV rows and figure points.
constexpr double kProgramBytes = 10e6;
constexpr double kGraphBytesPerUnitSample = 400;
constexpr double kMapBytes = 8e6;
constexpr double kRecordBytes = 3 * 8 + 60 + 2 * 64;   // the losses, a CSV row, two figure points

inline double peak_bytes(const RunSize& s) {
    const double training = kGraphBytesPerUnitSample * gradient_work(s);
    const double decision = 2 * 8 * decision_work(s) + kMapBytes;
    const double widest = std::ldexp(1.0, static_cast<int>(cost_widths(s.max_width)));   // 2, 4, … ≤ max_width
    const double cost_study = 48 * widest * widest;
    const double curves = static_cast<double>(s.etas) * recorded_losses(s) * kRecordBytes;
    return kProgramBytes + std::max({training, decision, cost_study}) + curves;
}

inline workload::Estimate estimate(const RunSize& s) {
    workload::Estimate e;
    e.work = run_work(s);
    e.seconds = e.work / kUnitSamplesPerSecond;
    e.bytes = peak_bytes(s);
    return e;
}

inline workload::Bounds size_bounds() {
    workload::Bounds b;
    b.unit = "passes of one sample through one hidden unit";
    b.rate = "at 1.5e7 a second";
    b.notice_seconds = kNoticeSeconds;
    b.limit_seconds = kLimitSeconds;
    b.limit_bytes = kLimitBytes;
    b.smaller = "--hidden, --iterations, --etas, --classes, --max-width";
    b.step = "iteration";
    return b;
}

}  // namespace ch6
