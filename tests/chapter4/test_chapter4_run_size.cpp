// Tests of chapter 4's estimate of a run's work and memory (run_size.hpp): the default run
// counted by hand, and where the default, --tune and much larger runs fall against the bounds.
#include "chapters/chapter4_mnist_softmax/run_size.hpp"
#include "testing.hpp"

using namespace ch4;

namespace {

Options with_threads(int threads) {
    Options o;
    o.threads = threads;
    return o;
}

// A hyper-parameter flag as read_hyper_parameter_flags leaves it.
void give(Options& o, const std::string& name, double value) {
    for (std::size_t k = 0; k < kColumns.size(); ++k)
        if (kColumns[k].flag == name) o.hyper_given[k] = value;
}

}  // namespace

// By hand, in multiply-adds, for the default preset on all of MNIST (D = 784, K = 10, H = 128):
//   MLP, 22 epochs           22 · (60,000 · 204,544 + 70,000 · 101,632)   = 4.2652e11
//   softmax regression, 29   29 · (60,000 · 15,680 + 70,000 · 7,840)      = 4.3200e10
//   λ sweep, 7 runs of 50    350 · (60,000 · 15,680 + 10,000 · 7,840)     = 3.5672e11
// 8.2644e11 in all.
TEST_CASE(default_run_counted_by_hand) {
    const workload::Estimate e = estimate(with_threads(1));
    const double mlp = 22 * (60000.0 * 204544 + 70000.0 * 101632);
    const double logistic = 29 * (60000.0 * 15680 + 70000.0 * 7840);
    const double sweep = 350 * (60000.0 * 15680 + 10000.0 * 7840);
    CHECK_REL(e.work, mlp + logistic + sweep, 1e-12);
    CHECK_REL(e.seconds, e.work / kMultiplyAddsPerSecondAndCore, 1e-12);
    CHECK_LT(e.bytes, 400e6);
}

// The default run (on 1 or 2 cores) is well below the notice bound; --tune (≈ 6.7e12
// multiply-adds) and 200 epochs are announced; 4096 hidden units for 200 epochs (≈ 2 h) and
// batches of 60,000 with 4096 hidden units (each thread's activations alone ≈ 3 GB) are refused.
TEST_CASE(default_run_is_quiet_and_large_runs_are_caught) {
    const workload::Bounds b = size_bounds();
    for (const int threads : {1, 2}) CHECK(!workload::needs_notice(estimate(with_threads(threads)), b));

    Options tune = with_threads(1);
    tune.tune = true;
    CHECK(workload::needs_notice(estimate(tune), b));
    CHECK(!workload::beyond_limits(estimate(tune), b));

    Options longer = with_threads(1);
    give(longer, "epochs", 200);
    CHECK(workload::needs_notice(estimate(longer), b));
    CHECK(!workload::beyond_limits(estimate(longer), b));

    Options wide = with_threads(2);
    wide.hidden = 4096;
    give(wide, "epochs", 200);
    CHECK(workload::beyond_limits(estimate(wide), b));
    CHECK_LT(kLimitSeconds, estimate(wide).seconds);

    Options big_batches = with_threads(2);
    big_batches.model = "mlp";
    big_batches.hidden = 4096;
    give(big_batches, "batch", 60000);
    give(big_batches, "epochs", 1);
    CHECK_LT(kLimitBytes, estimate(big_batches).bytes);
    CHECK_LT(estimate(big_batches).seconds, kLimitSeconds);
}

// Work grows linearly in the epochs, and a smaller training set makes a smaller run.
TEST_CASE(work_is_linear_in_epochs_and_images) {
    Options one = with_threads(1), two = with_threads(1);
    one.model = two.model = "mlp";
    give(one, "epochs", 10);
    give(two, "epochs", 20);
    CHECK_REL(estimate(two).work, 2 * estimate(one).work, 1e-12);
    Options small = one;
    small.train_size = 6000;
    small.test_size = 1000;
    CHECK_REL(estimate(small).work, estimate(one).work / 10, 1e-12);
}
