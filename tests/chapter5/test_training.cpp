// Tests of chapter 5's training and data: determinism, the two-moons network fitting a small set,
// cross-entropy ahead of MSE from a saturated start (002), divergence being caught in every
// experiment's training, the decision grid, and the data recipes (two moons, RandomNet's draw;
// the Franke recipe is tested in tests/common).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "chapters/chapter5_deep_backprop/data.hpp"
#include "chapters/chapter5_deep_backprop/experiments.hpp"
#include "chapters/chapter5_deep_backprop/network.hpp"
#include "chapters/chapter5_deep_backprop/sgd.hpp"
#include "chapters/chapter5_deep_backprop/sigmoid_unit.hpp"
#include "common/random.hpp"
#include "testing.hpp"

namespace {

// A small two-moons problem: 120 points, 90 for training.
MoonsConfig small_moons() {
    MoonsConfig c;
    c.n = 120;
    c.epochs = 60;
    c.batch = 16;
    return c;
}

// The Franke sets of a small data set, for the divergence tests.
FrankeSets small_franke_sets(double sigma = 0.2) { return franke_sets(make_franke_data(200, 2020, sigma)); }

// What every diverged run must show: the epoch at which it failed, a curve of finite numbers up
// to the epoch before, and a final metric that is NaN (so tables print "—" or the epoch).
void check_diverged_run(const TrainingRun& run) {
    CHECK(run.result.diverged);
    CHECK_LE(1u, run.result.diverged_epoch);
    CHECK_EQ(run.history.size(), run.result.diverged_epoch - 1);
    for (const auto& row : run.history) {
        CHECK(std::isfinite(row.train_cost));
        CHECK(std::isfinite(row.train_metric));
        CHECK(std::isfinite(row.test_metric));
        CHECK(std::isfinite(row.test_cost));
    }
    CHECK(std::isnan(run.final_test_metric()));
    CHECK(std::isnan(run.final_train_metric()));
}

}  // namespace

// Same seed → the same data, weights, mini-batch order and hence bit-identical parameters and
// learning curve; another seed → a different run.
TEST_CASE(same_seed_gives_identical_training_run) {
    MoonsConfig c = small_moons();
    c.epochs = 5;
    const MoonsResult a = run_moons(c, 7), b = run_moons(c, 7), other = run_moons(c, 8);
    CHECK(parameters(a.net) == parameters(b.net));
    CHECK_EQ(a.run.history.size(), b.run.history.size());
    for (std::size_t e = 0; e < a.run.history.size() && e < b.run.history.size(); ++e) {
        CHECK_EQ(a.run.history[e].train_cost, b.run.history[e].train_cost);
        CHECK_EQ(a.run.history[e].test_cost, b.run.history[e].test_cost);
    }
    CHECK(parameters(a.net) != parameters(other.net));
}

// 004's network (2-25-50-50-25-1, ReLU, sigmoid output, binary cross-entropy) with the chapter's
// default training settings separates a small two-moons set completely.
TEST_CASE(moons_network_reaches_full_training_accuracy) {
    const MoonsConfig c = small_moons();
    const MoonsResult r = run_moons(c, 2020);
    CHECK(!r.run.result.diverged);
    CHECK_EQ(r.train_idx.size(), 90u);
    CHECK_EQ(r.net.layers.size(), 5u);
    CHECK(r.net.loss == Loss::bce);
    CHECK_EQ(r.run.history.back().train_metric, 1.0);
    CHECK_LT(r.run.history.back().train_cost, r.run.history.front().train_cost);
}

// The same experiment with a softmax output of two units and cross-entropy (one-hot targets).
TEST_CASE(moons_network_with_softmax_output_learns) {
    MoonsConfig c = small_moons();
    c.widths.back() = 2;
    c.f.back() = Activation::softmax;
    const MoonsResult r = run_moons(c, 2020);
    CHECK(r.net.loss == Loss::ce);
    CHECK_EQ(r.run.history.back().train_metric, 1.0);
    CHECK_EQ(r.run.history.back().test_metric, 1.0);
}

// 002: from a saturated, confidently wrong start, the cross-entropy run learns at once while the
// MSE run hardly moves, because its gradient carries σ′(a) ≈ 0.
TEST_CASE(cross_entropy_ahead_of_mse_from_saturated_start) {
    SigmoidUnitConfig c;
    c.iterations = 100;
    const SigmoidUnitResult r = run_sigmoid_unit(c, 2020);
    const double mse_acc = r.mse.train_accuracy.back(), ce_acc = r.ce.train_accuracy.back();
    std::fprintf(stderr, "after %zu steps: accuracy MSE %.3f, CE %.3f; squared error MSE %.3f, CE %.3f\n",
                 c.iterations, mse_acc, ce_acc, r.mse.train_mse.back(), r.ce.train_mse.back());
    // Both start from the same point, and there the MSE gradient is > 100 times shorter.
    CHECK_EQ(r.mse.train_mse.front(), r.ce.train_mse.front());
    CHECK_LT(100 * r.mse.grad_norm.front(), r.ce.grad_norm.front());
    // After 100 steps the CE run classifies at least 80 % right, the MSE run still below half …
    CHECK_LE(0.8, ce_acc);
    CHECK_LT(mse_acc, 0.5);
    // … and is ahead even on the MSE run's own criterion.
    CHECK_LT(r.ce.train_mse.back() + 0.3, r.mse.train_mse.back());
}

// A learning rate far too large makes the cost explode: the run stops, says at which epoch,
// and its curve holds only finite numbers.
TEST_CASE(divergence_is_detected_and_reported) {
    const FrankeSets sets = small_franke_sets();
    Rng rng(3);
    Network net = franke_network(32, Activation::relu, {Init::glorot, 0.05, 0.0}, rng);
    check_diverged_run(train_with_curve(net, sets.train, sets.test, {50.0, 0.0, 0.0, 10}, 20, Metric::mse, rng));
}

// A measurement that is not finite stops the run too, even while the training cost is finite:
// here a test input of 10³⁰⁰ overflows the test MSE at the first epoch.
TEST_CASE(non_finite_measurement_counts_as_divergence) {
    FrankeSets sets = small_franke_sets();
    sets.test.X(0, 0) = 1e300;
    Rng rng(4);
    Network net = franke_network(16, Activation::relu, {Init::glorot, 0.05, 0.0}, rng);
    const TrainingRun run = train_with_curve(net, sets.train, sets.test, {0.01, 0.0, 0.0, 10}, 5, Metric::mse, rng);
    check_diverged_run(run);
    CHECK_EQ(run.result.diverged_epoch, 1u);
}

// Each experiment's training stops as diverged: the two moons at a huge η (with momentum), and
// the Franke network, its activation study, the η × λ grid and RandomNet on targets whose noise
// (sd 10¹⁰⁰) makes the very first steps overshoot. Runs that cannot overshoot are allowed to
// finish (a sigmoid layer saturates and bounds its gradient), but never with a non-finite number.
TEST_CASE(every_experiments_training_stops_on_divergence) {
    MoonsConfig moons = small_moons();
    moons.eta = 100;
    check_diverged_run(run_moons(moons, 2020).run);

    const FrankeSets noisy = small_franke_sets(1e100);
    FrankeConfig franke;
    franke.epochs = franke.study_epochs = franke.grid_epochs = 3;
    check_diverged_run(run_franke_network(franke, noisy, 2020));
    std::size_t diverged = 0;
    for (const auto& s : run_activation_init_study(franke, noisy, 2020)) {
        if (s.run.result.diverged) {
            check_diverged_run(s.run);
            ++diverged;
        } else {
            CHECK(std::isfinite(s.run.final_test_metric()));
        }
    }
    CHECK_LE(1u, diverged);   // at least the ReLU and linear networks
    for (const auto& cell : run_rate_lambda_grid(franke, noisy, 2020)) check_diverged_run(cell.run);

    RandomNetConfig random;
    random.count = 3;
    random.eta = 1e3;
    for (const auto& r : run_randomnet(random, small_franke_sets(), 2020)) check_diverged_run(r.run);
}

// 002's sigmoid unit with a step far too large: the cross-entropy run's w overflows and the run
// stops as diverged, keeping only finite entries; the squared error's gradient carries σ′ and
// vanishes as the unit saturates, so that run ends finite. No number it reports is NaN but the
// diverged run's test measures.
TEST_CASE(sigmoid_unit_stops_on_divergence) {
    SigmoidUnitConfig c;
    c.eta = 1e308;
    c.iterations = 50;
    const SigmoidUnitResult r = run_sigmoid_unit(c, 2020);
    CHECK(r.ce.diverged);
    CHECK_LE(1u, r.ce.diverged_iteration);
    CHECK_EQ(r.ce.loss.size(), r.ce.diverged_iteration);
    for (double x : r.ce.loss) CHECK(std::isfinite(x));
    for (double x : r.ce.grad_norm) CHECK(std::isfinite(x));
    CHECK(std::isnan(r.ce.test_accuracy));
    for (const SigmoidUnitHistory* h : {&r.mse, &r.ce})
        for (const auto* v : {&h->loss, &h->train_mse, &h->grad_norm, &h->train_accuracy})
            for (double x : *v) CHECK(std::isfinite(x));
    if (!r.mse.diverged) CHECK(std::isfinite(r.mse.test_accuracy));
}

// The decision grid goes through the network in chunks: the probabilities equal one forward
// pass over all points, bit for bit (each column is computed on its own).
TEST_CASE(decision_grid_in_chunks_equals_one_pass) {
    MoonsConfig c = small_moons();
    c.epochs = 3;
    const MoonsResult r = run_moons(c, 2020);
    const DecisionGrid g;
    const std::vector<double> chunked = class1_probability_grid(r.net, g);
    Matrix X(2, g.nx * g.ny);
    for (std::size_t q = 0; q < g.ny; ++q)
        for (std::size_t p = 0; p < g.nx; ++p) {
            X(0, q * g.nx + p) = g.x(p);
            X(1, q * g.nx + p) = g.y(q);
        }
    const Matrix A = predict(r.net, X);
    CHECK_EQ(chunked.size(), A.cols);
    std::size_t differ = 0;
    for (std::size_t j = 0; j < A.cols && j < chunked.size(); ++j) differ += chunked[j] != A(0, j);
    CHECK_EQ(differ, 0u);
    CHECK_EQ(g.x(0), -1.5);
    CHECK_EQ(g.x(g.nx - 1), 2.5);
    CHECK_EQ(g.y(g.ny - 1), 1.5);
}

// Two moons: half the points per class, each within a few noise widths of its half circle.
TEST_CASE(moons_lie_on_their_half_circles) {
    Rng rng(11);
    const double noise = 0.05;
    const Moons m = make_moons(201, noise, rng);
    CHECK_EQ(m.size(), 201u);
    std::size_t ones = 0;
    double worst = 0;
    for (std::size_t i = 0; i < m.size(); ++i) {
        ones += m.label[i];
        // distance from the centre of the point's circle, compared with the radius 1
        const double cx = m.label[i] ? 1.0 : 0.0, cy = m.label[i] ? 0.5 : 0.0;
        worst = std::max(worst, std::fabs(std::hypot(m.x1[i] - cx, m.x2[i] - cy) - 1.0));
    }
    CHECK_EQ(ones, 101u);
    CHECK_LT(worst, 5 * noise * std::sqrt(2.0));
}

// RandomNet draws 1–10 hidden layers of 10–50 units, from the four activations, and a linear output.
TEST_CASE(randomnet_draws_within_its_ranges) {
    RandomNetConfig c;
    Rng rng(12);
    std::vector<int> depth_seen(c.max_depth + 1, 0);
    for (int k = 0; k < 300; ++k) {
        const RandomNetSpec s = draw_random_net(c, rng);
        const std::size_t depth = s.layers.size() - 1;
        CHECK(depth >= 1 && depth <= c.max_depth);
        depth_seen[depth] = 1;
        CHECK_EQ(s.layers.back().width, 1u);
        CHECK(s.layers.back().f == Activation::linear);
        for (std::size_t l = 0; l < depth; ++l) {
            CHECK(s.layers[l].width >= c.min_width && s.layers[l].width <= c.max_width);
            CHECK(s.layers[l].f != Activation::softmax && s.layers[l].f != Activation::tanh);
        }
    }
    for (std::size_t d = 1; d <= c.max_depth; ++d) CHECK_EQ(depth_seen[d], 1);
}
