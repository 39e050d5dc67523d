// Tests of chapter 6's estimate of a run's work and memory (run_size.hpp): a small run counted by
// hand, and where the default run and much larger ones fall against the bounds.
#include "chapters/chapter6_computation_graphs/run_size.hpp"
#include "testing.hpp"

using namespace ch6;

// By hand, for M = 4, K = 2 (180 training and 60 validation points), 100 iterations, two η and
// the cost study up to width 8 (M = 2, 4, 8), in passes of one sample through one hidden unit:
//   training       2 · (101 · 4 · 180 + (100/20 + 2) · 4 · 60)   = 2 · (72,720 + 1,680) = 148,800
//   decision map   131² · 4                                      = 68,644
//   cost study     3 widths · 1.2 · (0.03 + 0.1) s · 1.5e7 a second = 7,020,000
// 7,237,444 in all; memory 10 MB, the decision map's 2 · 8 · 68,644 bytes and its 8 MB, and two
// runs' 7 recorded losses at 212 bytes each.
TEST_CASE(estimate_of_a_small_run_counted_by_hand) {
    const RunSize s{4, 2, 100, 2, 8};
    const workload::Estimate e = estimate(s);
    CHECK_REL(e.work, 148800.0 + 68644.0 + 7020000.0, 1e-12);
    CHECK_REL(e.seconds, e.work / 1.5e7, 1e-15);
    CHECK_REL(e.bytes, 10e6 + 2 * 8 * 68644.0 + 8e6 + 2 * 7 * 212.0, 1e-12);
    CHECK_EQ(cost_widths(512), std::size_t{9});
    CHECK_EQ(cost_widths(1023), std::size_t{9});
}

// The default run is far below the notice bound; 4096 hidden units (8 min) or a million
// iterations (15 min) are announced and run; 4096 hidden units on 8 spirals for 10,000 iterations
// (1.7 h) are refused. No run the flags allow needs 4 GB: the largest, M = 4096 and K = 8, holds
// the graph of a gradient on 720 points, 1.2 GB.
TEST_CASE(default_run_is_quiet_and_large_runs_are_caught) {
    const workload::Bounds b = size_bounds();
    const workload::Estimate defaults = estimate(RunSize{});
    CHECK(!workload::needs_notice(defaults, b));
    CHECK_LE(10 * defaults.seconds, kNoticeSeconds);
    CHECK_LT(defaults.bytes, 30e6);
    const RunSize wide{4096, 3, 2000, 3, 512}, longer{16, 3, 1000000, 3, 512}, huge{4096, 8, 10000, 3, 512};
    CHECK(workload::needs_notice(estimate(wide), b));
    CHECK(!workload::beyond_limits(estimate(wide), b));
    CHECK(workload::needs_notice(estimate(longer), b));
    CHECK(!workload::beyond_limits(estimate(longer), b));
    CHECK(workload::beyond_limits(estimate(huge), b));
    CHECK_LT(estimate(RunSize{4096, 8, 1, 1, 2048}).bytes, kLimitBytes);
}
