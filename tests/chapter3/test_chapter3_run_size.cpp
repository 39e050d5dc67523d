// Tests of chapter 3's estimate of a run's work and memory (run_size.hpp): its pieces counted by
// hand, and where the default run and much larger ones fall against the bounds.
#include <cmath>

#include "chapters/chapter3_sgd_ridge/run_size.hpp"
#include "testing.hpp"

// A QR fit of m × k by Householder: m k² − k³/3 multiply-adds. 100 × 3: 900 − 9 = 891.
TEST_CASE(qr_fit_counted_by_hand) {
    CHECK_REL(qr_multiply_adds(100, 3), 891.0, 1e-15);
    CHECK_REL(jacobi_multiply_adds(20), 12 * 3.5 * 8000, 1e-15);   // 8 + 20/5 = 12 sweeps of 3.5 k³
}

// Two epochs of plain SGD on 100 rows and 3 columns in batches of 10:
//   each epoch   2·100·3 for X_B β and X_Bᵀ r, 4·3 for each of the 10 updates  = 720
//   losses       100·3 after each epoch (every epoch), or once (every tenth: the last)
// so 2·720 + 2·300 = 2040, or 2·720 + 300 = 1740 in a cross-validation search. The whole set as
// one batch: one update an epoch, 2·(600 + 12) + 600 = 1824.
TEST_CASE(sgd_epochs_counted_by_hand) {
    SgdOptions o;
    o.batch_size = 10;
    CHECK_REL(sgd_multiply_adds(o, 100, 3, 2, 1), 2040.0, 1e-15);
    CHECK_REL(sgd_multiply_adds(o, 100, 3, 2, 10), 1740.0, 1e-15);
    o.batch_size = 0;
    CHECK_REL(sgd_multiply_adds(o, 100, 3, 2, 1), 1824.0, 1e-15);
    o.batch_size = 10;
    o.method = Method::adam;   // Adam's update costs about 10 multiply-adds a coefficient
    CHECK_REL(sgd_multiply_adds(o, 100, 3, 2, 1), 2 * (600 + 10 * 3 * 10) + 600.0, 1e-15);
}

// The SGD grids dominate the default run; its work grows with the epochs by the same amount
// from 1000 to 2000 as from 2000 to 3000 (every count is linear in the epochs).
TEST_CASE(work_grows_linearly_with_the_epochs) {
    Config c;
    const double w1 = count_work(c).sgd;
    c.epochs = 2000;
    const double w2 = count_work(c).sgd;
    c.epochs = 3000;
    const double w3 = count_work(c).sgd;
    CHECK_REL(w3 - w2, w2 - w1, 1e-12);
    CHECK_LT(0.5 * count_work(Config{}).multiply_adds(), w1);
}

// The default run is estimated at 10.6 s and 24 MB: more than ten times below the notice bound.
// 20,000 epochs (3 min) or 100,000 points (16 min, 1.3 GB) are announced and run; a million
// epochs (2.1 h, 6 GB: every epoch of the ten optimiser runs keeps β for the figure) is refused,
// by time and by memory.
TEST_CASE(default_run_is_quiet_and_large_runs_are_caught) {
    const workload::Bounds b = size_bounds();
    const workload::Estimate defaults = estimate(Config{});
    CHECK(!workload::needs_notice(defaults, b));
    CHECK_LE(10 * defaults.seconds, kNoticeSeconds);
    CHECK_LT(defaults.bytes, 30e6);
    Config longer;
    longer.epochs = 20000;
    CHECK(workload::needs_notice(estimate(longer), b));
    CHECK(!workload::beyond_limits(estimate(longer), b));
    Config more_points;
    more_points.n = 100000;
    CHECK(workload::needs_notice(estimate(more_points), b));
    CHECK(!workload::beyond_limits(estimate(more_points), b));
    Config longest;
    longest.epochs = 1000000;
    const workload::Estimate e = estimate(longest);
    CHECK(workload::beyond_limits(e, b));
    CHECK_LT(kLimitSeconds, e.seconds);
    CHECK_LT(kLimitBytes, e.bytes);
}
