// workload.hpp — work the user can foresee: a run far beyond a program's defaults says what it
// will cost before it starts, and one beyond all reason is refused unless the user asks for it.
//
// Each program counts the work of a run from its flags alone, before it reads data or creates
// any file (in multiply-adds, or in a unit of its own such as "evaluations of f and ∇f over one
// sample"), turns the count into time at a rate measured for its own code on a named processor,
// and adds up the memory the run will hold at its peak: an Estimate. The policy, the same for
// every program, is check():
//   below the notice bounds    nothing is said;
//   beyond a notice bound      one line on standard error gives the estimated work, time and
//                              memory before the run starts, and from then on every Progress
//                              reports from its first step (progress::announced()): off a
//                              terminal a line after its first step, then one whenever 10 s have
//                              passed since the last;
//   beyond a hard bound        (work, time or memory) the run is refused at once, before anything
//                              is created: a UsageError (exit status 2) whose one line names the
//                              estimate, the bound, the flags that make the run smaller and
//                              --allow-large, the flag that lifts the bound.
// Meter is a Progress counted in the estimate's own units, so that its ETA weighs each step by
// its share of the planned work.
#pragma once

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <limits>
#include <string>

#include "common/errors.hpp"
#include "common/progress.hpp"
#include "common/table.hpp"

namespace workload {

constexpr double kNone = std::numeric_limits<double>::infinity();   // no bound of that kind

// A run's cost, worked out from its flags.
struct Estimate {
    double work = 0;            // the whole run, in Bounds::unit
    double seconds = 0;         // the work at the rate(s) measured for the program's code
    double bytes = 0;           // the most memory the run holds at once
    bool at_most = false;       // work, time and memory are upper bounds ("at most"), not
                                // expectations ("about"): e.g. every line search at its trial limit
    double notice_work = -1;    // what the notice bound on work is compared with (< 0: work);
                                // chapter 5 compares its largest training run
    std::string detail;         // added to the announcement: "the largest training run is …"
};

// A program's bounds, with what its numbers mean.
struct Bounds {
    std::string unit = "multiply-adds";   // what Estimate::work counts
    std::string rate;                      // how the time was reckoned: "at this code's measured rates"
    double notice_work = kNone, notice_seconds = kNone;                   // beyond either: announced
    double limit_work = kNone, limit_seconds = kNone, limit_bytes = kNone;  // beyond any: refused
    std::string smaller;                   // the flags that make a run smaller: "--layers, --epochs"
    std::string step = "epoch";            // what progress is reported after: "epoch", "iteration"
};

// ---------------------------------------------------------------------------------------------
// Words for durations and sizes

inline std::string duration_text(double s) {
    if (s < 60) return table::seconds(s);
    if (s < 3600) return table::fixed(s / 60, 0) + " min";
    if (s < 48 * 3600) return table::fixed(s / 3600, 1) + " h";
    return table::fixed(s / 86400, 0) + " days";
}

inline std::string bytes_text(double b) {
    return b < 1e9 ? table::fixed(b / 1e6, 0) + " MB" : table::fixed(b / 1e9, 1) + " GB";
}

// "about 3.1e+10 multiply-adds (about 8.0 s at this code's measured rates) and about 20 MB of memory"
inline std::string cost_text(const Estimate& e, const Bounds& b) {
    const std::string about = e.at_most ? "at most " : "about ";
    return about + table::sci(e.work, 1) + " " + b.unit + " (" + about + duration_text(e.seconds) + " " + b.rate +
           ") and " + about + bytes_text(e.bytes) + " of memory";
}

// ---------------------------------------------------------------------------------------------
// The policy

inline double compared_work(const Estimate& e) { return e.notice_work < 0 ? e.work : e.notice_work; }

inline bool beyond_limits(const Estimate& e, const Bounds& b) {
    return e.work > b.limit_work || e.seconds > b.limit_seconds || e.bytes > b.limit_bytes;
}

inline bool needs_notice(const Estimate& e, const Bounds& b) {
    return compared_work(e) > b.notice_work || e.seconds > b.notice_seconds || beyond_limits(e, b);
}

// The first hard bound the estimate exceeds: "the bound of 1e+13 multiply-adds".
inline std::string exceeded_bound(const Estimate& e, const Bounds& b) {
    if (e.work > b.limit_work) return "the bound of " + table::sci(b.limit_work, 0) + " " + b.unit;
    if (e.seconds > b.limit_seconds) return "the bound of " + duration_text(b.limit_seconds);
    return "the bound of " + bytes_text(b.limit_bytes) + " of memory";
}

// Refuse a run beyond the hard bounds (unless allow_large), announce one beyond the notice
// bounds. Returns whether the run was announced; every Progress made afterwards then reports
// from its first step. Call it after the flags and before anything is read or created.
inline bool check(const Estimate& e, const Bounds& b, bool allow_large) {
    if (beyond_limits(e, b) && !allow_large)
        throw UsageError("this run needs " + cost_text(e, b) + ", beyond " + exceeded_bound(e, b) +
                         ": make it smaller (" + b.smaller + ") or add --allow-large");
    if (!needs_notice(e, b)) return false;
    const std::string& program = progress::program();
    std::cerr << (program.empty() ? "" : program + ": ") << "a large run: " << cost_text(e, b)
              << (e.detail.empty() ? "" : "; " + e.detail) << "; progress from the first " << b.step << "\n";
    progress::announced() = true;
    return true;
}

// ---------------------------------------------------------------------------------------------
// Progress over the planned work: a bar of per cent, each step weighed by its work.

class Meter {
public:
    explicit Meter(double total_work, std::string label = progress::program(), std::FILE* out = stderr)
        : total_(std::max(total_work, 1e-300)), bar_(std::move(label), kSteps, out) {}

    // `work` more units of the estimate done; `note` says where the run is ("two moons: epoch 3 of 100").
    void advance(double work, const std::string& note = "") { bar_.advance(kSteps * work / total_, note); }
    // A safe point to stop at (Ctrl-C) in work too small to count.
    void tick() { bar_.advance(0); }
    // The planned work is done (a run that stopped early jumps to the end).
    void finish() {
        bar_.advance(kSteps);
        bar_.finish();
    }

private:
    static constexpr std::size_t kSteps = 100;   // the bar counts per cent of the planned work
    double total_;
    Progress bar_;
};

}  // namespace workload
