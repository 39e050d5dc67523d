// run_size.hpp — how much work and memory a run of this chapter can take, worked out from its
// flags and the number of samples before any file is created: a run far beyond the defaults
// says first what it may cost, and one beyond all reason is refused unless the user asks for it
// (--allow-large). The policy is common/workload.hpp's; the counting is here.
//
// The work is counted in sample evaluations: one evaluation of f and ∇f over one sample
// (network.hpp: z̄ = Wᵀy, two sigmoids, the residual, its share of −(2/m) Yᵀ D). A BFGS run of
// N iterations evaluates f and ∇f once at the start and then as often as each iteration's line
// search tries a step; a search gives up after its trial limit T (LineSearchOptions::max_trials,
// 60), so a run takes at most 1 + N·T evaluations of m samples, and the whole run
//     work ≤ runs · (1 + N·T) · m        (runs = 10 for the report's experiments, 1 with --x0).
// The estimate is this upper bound ("at most"): the default run takes 1,050 of its 12,010
// allowed evaluations, and a run whose line search fails stops early. Time is the work over
// kSampleEvaluationsPerSecond.
#pragma once

#include <cstddef>

#include "common/line_search.hpp"
#include "common/workload.hpp"

namespace ch1 {

// Sample evaluations of f and ∇f per second on one core, measured on the AMD EPYC (2 cores,
// AVX-512) the chapter's times were taken on: `chapter1 --data` with 38,000 samples and
// --iterations 20 took 2.2 s of processor time for 1,188 evaluations (4.9e-8 s a sample); f and
// ∇f timed alone take 5–7e-8 s a sample for 6 to 600 samples (the per-evaluation overhead
// included) and 9e-8 s for 40,000 (the arrays leave the caches). The estimate takes 1e-7 s, so it
// errs on the long side.
constexpr double kSampleEvaluationsPerSecond = 1e7;

// A run whose upper bound exceeds 10 s is announced (estimated work, time and memory) and then
// reports its iterations. The default run's upper bound is 12,010 evaluations of 6 samples,
// 7.2·10⁴ sample evaluations or 7 ms, so this is 1,400 times beyond it.
constexpr double kNoticeSeconds = 10;
// A run whose upper bound exceeds an hour, or 4 GB of memory (more than many laptops can spare
// for one program; the default run needs 5 MB), is refused unless --allow-large is given.
constexpr double kLimitSeconds = 3600;
constexpr double kLimitBytes = 4e9;

// Memory, in bytes:
//   the program itself, with the six samples                            kProgramBytes
//   each sample: its CSV row, the parsed row, Y and Z, and one           kBytesPerSample
//   evaluation's intermediates (Z̄, Ẑ, 1 − Ẑ, D)
//   each iteration of each run: its history row (40 bytes), its point    kBytesPerIteration
//   in the figure (16), and while written its CSV and SVG text (about 150)
//   with --x0 also its row of the printed table and summary.md          kBytesPerTableRow
// measured with /usr/bin/time (the program with 6 and with 38,000 samples) and, per iteration,
// by building those structures for a million rows.
constexpr double kProgramBytes = 5e6;
constexpr double kBytesPerSample = 250;
constexpr double kBytesPerIteration = 200;
constexpr double kBytesPerTableRow = 250;

// The BFGS runs of the report's experiments: Figure 2 one, Figure 3 two more, Figure 4 three,
// the line-search comparison four (main.cpp).
constexpr std::size_t kExperimentRuns = 10;

struct RunSize {
    std::size_t runs = kExperimentRuns;   // BFGS runs: the report's experiments, or 1 with --x0
    std::size_t iterations = 20;   // N, per run
    std::size_t samples = 6;       // m
    int max_trials = optim::LineSearchOptions{}.max_trials;   // T, per line search
    bool single = false;           // --x0: one run, its history also as a table
};

// At most runs · (1 + N·T) evaluations of f and ∇f.
inline double max_evaluations(const RunSize& r) {
    return static_cast<double>(r.runs) *
           (1.0 + static_cast<double>(r.iterations) * static_cast<double>(r.max_trials));
}

inline double max_sample_evaluations(const RunSize& r) { return max_evaluations(r) * static_cast<double>(r.samples); }

inline double max_bytes(const RunSize& r) {
    const double rows = static_cast<double>(r.runs) * static_cast<double>(r.iterations + 1);
    return kProgramBytes + kBytesPerSample * static_cast<double>(r.samples) +
           (kBytesPerIteration + (r.single ? kBytesPerTableRow : 0.0)) * rows;
}

inline workload::Estimate estimate(const RunSize& r) {
    workload::Estimate e;
    e.work = max_sample_evaluations(r);
    e.seconds = e.work / kSampleEvaluationsPerSecond;
    e.bytes = max_bytes(r);
    e.at_most = true;
    return e;
}

inline workload::Bounds size_bounds() {
    workload::Bounds b;
    b.unit = "evaluations of f and ∇f over one sample";
    b.rate = "at 1e7 a second";
    b.notice_seconds = kNoticeSeconds;
    b.limit_seconds = kLimitSeconds;
    b.limit_bytes = kLimitBytes;
    b.smaller = "--iterations, --data";
    b.step = "iteration";
    return b;
}

}  // namespace ch1
