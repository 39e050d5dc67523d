// run_size.hpp — how much work and memory a run of this chapter takes, worked out from its
// flags before any file is created: a run far beyond the defaults says first what it will cost,
// and one beyond all reason is refused unless the user asks for it (--allow-large). The policy is
// common/workload.hpp's; the counting is here.
//
// The work is counted in sample evaluations: one evaluation of f and ∇f over one sample
// (network.hpp: the forward pass, the full backward pass, and the forward pass of f). With
// m = 150 training and 50 test samples, N = --iterations and S = --starts:
//   gradient check      2 points × (62 × 2 central differences + 2 gradients), on the training set
//   BFGS from the start (1 + e·N) evaluations on the training set, and f on the test set at
//                       each of its N + 1 iterates
//   gradient descent    N + 1 evaluations on the training set, and f on the test set at each
//   S random starts     (1 + e·1000) evaluations each (BFGS, 1000 iterations at most), and f
//                       on the test set at the end
// where e = kEvaluationsPerIteration, the evaluations BFGS's strong Wolfe search takes per
// iteration. A forward pass alone on the test set is counted as a whole evaluation (it costs a
// third of one), and every start as if it ran all 1000 iterations (the default's ten took 6,264
// of their 10,000), so the estimate errs on the long side.
#pragma once

#include <cstddef>

#include "chapters/chapter2_two_hidden_layers/network.hpp"
#include "common/workload.hpp"

namespace ch2 {

// Evaluations of f and ∇f per BFGS iteration: the strong Wolfe search usually accepts its first
// trial, the quasi-Newton step. The default run's ten starts took 6,928 evaluations in 6,264
// iterations (1.11), BFGS from the student's start 244 in 242; the estimate takes 1.2.
constexpr double kEvaluationsPerIteration = 1.2;
// The iterations of each random start at most (main.cpp).
constexpr std::size_t kStartIterations = 1000;

// Sample evaluations per second on one core, measured on the AMD EPYC (2 cores, AVX-512) the
// chapter's times were taken on: f and ∇f over the 150 training samples, timed 20,000 times,
// take 5.7–5.9e-7 s a sample (1.7e6 a second), f alone 2.0e-7 s. The estimate takes 1.5e6.
constexpr double kSampleEvaluationsPerSecond = 1.5e6;

// A run estimated above 15 s is announced (work, time, memory) and reports its iterations. The
// default run is estimated at 2.0e6 sample evaluations, 1.3 s (it takes 0.8 s), so this is 11
// times beyond it.
constexpr double kNoticeSeconds = 15;
// A run above an hour, or 4 GB of memory (more than many laptops can spare for one program; the
// default run needs 5 MB), is refused unless --allow-large is given.
constexpr double kLimitSeconds = 3600;
constexpr double kLimitBytes = 4e9;

// Memory, in bytes: the program itself with the data, and for each of the N + 1 iterations of
// the two training curves the iterate x (62 doubles, which test f is computed along), f on both
// sets, its rows in training.csv and its points in training.svg: about 550 bytes per iteration
// and curve (`/usr/bin/time`: 100,000 iterations of gradient descent took 55 MB more than 300).
constexpr double kProgramBytes = 5e6;
constexpr double kBytesPerIteration = 2 * 600.0;

constexpr std::size_t kTrainSamples = 150, kTestSamples = 50;

struct RunSize {
    std::size_t iterations = 300;   // N, of BFGS and of gradient descent from the student's start
    std::size_t starts = 10;        // S
};

inline double gradient_check_work() {
    return 2.0 * (2.0 * static_cast<double>(kParameters) + 2.0) * kTrainSamples;
}
inline double bfgs_work(std::size_t iterations) {
    const double n = static_cast<double>(iterations);
    return (1 + kEvaluationsPerIteration * n) * kTrainSamples + (n + 1) * kTestSamples;
}
inline double descent_work(std::size_t iterations) {
    return (static_cast<double>(iterations) + 1) * (kTrainSamples + kTestSamples);
}
inline double start_work() {
    return (1 + kEvaluationsPerIteration * static_cast<double>(kStartIterations)) * kTrainSamples + kTestSamples;
}

inline double sample_evaluations(const RunSize& r) {
    return gradient_check_work() + bfgs_work(r.iterations) + descent_work(r.iterations) +
           static_cast<double>(r.starts) * start_work();
}

inline workload::Estimate estimate(const RunSize& r) {
    workload::Estimate e;
    e.work = sample_evaluations(r);
    e.seconds = e.work / kSampleEvaluationsPerSecond;
    e.bytes = kProgramBytes + kBytesPerIteration * (static_cast<double>(r.iterations) + 1);
    return e;
}

inline workload::Bounds size_bounds() {
    workload::Bounds b;
    b.unit = "evaluations of f and ∇f over one sample";
    b.rate = "at 1.5e6 a second";
    b.notice_seconds = kNoticeSeconds;
    b.limit_seconds = kLimitSeconds;
    b.limit_bytes = kLimitBytes;
    b.smaller = "--iterations, --starts";
    b.step = "iteration";
    return b;
}

}  // namespace ch2
