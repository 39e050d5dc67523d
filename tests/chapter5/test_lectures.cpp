// Tests of the lectures' experiments (lectures.hpp): what each one claims where it is a property
// of the mathematics, not a measurement — the derivatives against central differences, 002's
// posterior σ(2x) recovered by the cross-entropy unit, 003's vanishing gradients and Glorot's
// level ones, dead ReLU units receiving no gradient, 004's equal units staying equal to the last
// bit, the steep unit's errors against the step — plus the bookkeeping the experiments rely on
// (the watched epoch equals sgd_epoch, the animation ends at the moons network, the speed runs'
// first time below the target) and the estimate of the whole default run.
#include <algorithm>
#include <cmath>
#include <tuple>
#include <vector>

#include "chapters/chapter5_deep_backprop/experiments.hpp"
#include "chapters/chapter5_deep_backprop/lectures.hpp"
#include "chapters/chapter5_deep_backprop/run_size.hpp"
#include "testing.hpp"

namespace {

// A central difference with step ∛ε carries an error of about ε^(2/3) ≈ 4·10⁻¹¹ times the
// function's size (at most 5 here); a wrong derivative is off by order 0.01 or more.
constexpr double kDerivativeTolerance = 1e-8;

const FrankeSets& franke_sets_2020() {
    static const FrankeSets sets = franke_sets(make_franke_data(1000, 2020, 0.2));
    return sets;
}

}  // namespace

// 001 Fig. 2: every derivative the chapter computes (and writes to activations.csv) agrees with
// a central difference of the function at every point off the kink, for 001's two leaky slopes;
// at the kink x = 0 the code takes the left derivatives 0 and α.
TEST_CASE(activation_derivatives_match_central_differences) {
    for (const double alpha : {0.01, 0.05}) {
        ActivationCurvesConfig c;
        c.alpha = alpha;
        const ActivationCurves a = activation_curves(c);
        CHECK_EQ(a.curves.size(), 5u);
        CHECK_LT(a.worst_difference, kDerivativeTolerance);
        const std::size_t zero = (c.points - 1) / 2;
        CHECK_EQ(a.x[zero], 0.0);
        for (const ActivationCurve& k : a.curves) {
            if (k.f == Activation::relu) CHECK_EQ(k.slope[zero], 0.0);
            if (k.f == Activation::leaky_relu) CHECK_EQ(k.slope[zero], alpha);
            if (k.f == Activation::sigmoid) CHECK_EQ(k.slope[zero], 0.25);
        }
    }
    // Far into saturation, where 1 − σ(z) would round to 0 but σ(z)σ(−z) keeps its precision: on
    // the left, where σ itself is tiny and a central difference is accurate in relative terms,
    // the two agree; on the right σ′ is the same product, σ(−z)σ(z), bit for bit. (A difference
    // of σ near 1 would only show rounding, ε/h ≈ 6·10⁻¹³ absolute.)
    for (const double x : {-30.0, -12.0}) {
        CHECK_REL(derivative(Activation::sigmoid, x, 0), central_difference(Activation::sigmoid, x, 0), 1e-6);
        CHECK_EQ(derivative(Activation::sigmoid, -x, 0), derivative(Activation::sigmoid, x, 0));
    }
}

// I_ww = E[σ′(2x) x²] for the two classes, against 0.0665221 from an independent trapezoidal
// integration with 200 000 cells on [−12, 12]; both rules are accurate far beyond 10⁻⁷ for this
// smooth, rapidly decaying integrand.
TEST_CASE(slope_information_of_the_two_gaussians) { CHECK_NEAR(slope_information(), 0.0665221, 1e-6); }

// 002: a sigmoid unit trained with cross-entropy on x ~ N(∓1, 1) recovers P(C₁|x) = σ(2x): on the
// seeded run the slope is within 5 % of 2 (4.1 of its standard errors, PosteriorConfig) and the
// intercept within 0.1 of 0 (4.2 of its standard errors, 1/√(N·E[σ′(2x)]) = 0.024); gradient
// descent has reached the minimiser (‖∇E‖ is rounding noise).
TEST_CASE(cross_entropy_unit_recovers_the_posterior) {
    const PosteriorConfig c;
    const PosteriorResult r = run_posterior(c, 2020);
    CHECK(!r.ce.result.diverged);
    CHECK_LT(std::fabs(r.ce.w - 2.0) / 2.0, 0.05);
    CHECK_LT(std::fabs(r.ce.w0), 0.1);
    CHECK_LT(r.ce.gradient_norm, 1e-10);
    CHECK_NEAR(r.standard_error, 0.0245, 5e-4);
    // On the grid the unit's output is σ(2x) within what a 5 % slope error allows: |Δw·x·σ′| ≤
    // 0.1·4·¼ at |x| = 4, far less near 0.
    for (std::size_t i = 0; i < r.x.size(); ++i) CHECK_LT(std::fabs(r.p_ce[i] - r.truth[i]), 0.1);
    CHECK_EQ(r.x.size(), c.grid);
}

// The watched epoch is sgd_epoch step by step: the same parameters bit for bit, one call per
// mini-batch.
TEST_CASE(watched_epoch_equals_sgd_epoch) {
    const MoonsConfig m;
    const MoonsSets sets = make_moons_sets(m, 3);
    Rng init_a(11), init_b(11);
    Network a = make_network(2, layers_of(m.widths, m.f, {Init::he, 0, 0}), Loss::bce, m.alpha, init_a);
    Network b = make_network(2, layers_of(m.widths, m.f, {Init::he, 0, 0}), Loss::bce, m.alpha, init_b);
    SgdState sa({m.eta, m.omega, 0.0, m.batch}), sb({m.eta, m.omega, 0.0, m.batch});
    Rng ra(5), rb(5);
    std::size_t steps = 0;
    for (int e = 0; e < 2; ++e) {
        sgd_epoch(a, sa, sets.train, ra);
        sgd_epoch_watched(b, sb, sets.train, rb, [&](std::size_t) { ++steps; });
    }
    CHECK(parameters(a) == parameters(b));
    CHECK_EQ(steps, 2 * ((sets.train.size() + m.batch - 1) / m.batch));
}

// 003: before training, with 001's N(0, 0.05²) weights the sigmoid network's gradient at layer 1
// is at least 1000 times smaller than at layer 10 (theory: 8⁹ ≈ 10⁸); with Glorot weights for
// tanh and He weights for ReLU it stays within a factor 10 over hidden layers 1 … 10 — for
// three seeds of the weights, on the Franke training set.
TEST_CASE(gradients_vanish_with_narrow_sigmoid_layers_and_stay_level_with_glorot_and_he) {
    const VanishingConfig c;
    const Data& train = franke_sets_2020().train;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        Rng r1(seed), r2(seed), r3(seed);
        const LayerStatistics sigmoid = layer_statistics(deep_network(c, Activation::sigmoid, WeightRule::normal005, r1), train);
        CHECK_EQ(sigmoid.gradient_rms.size(), c.depth + 1);
        CHECK_LE(1000 * sigmoid.gradient_rms[0], sigmoid.gradient_rms[9]);
        for (const auto& [f, rule, rng] : {std::tuple{Activation::tanh, WeightRule::glorot, &r2},
                                           std::tuple{Activation::relu, WeightRule::he, &r3}}) {
            const LayerStatistics s = layer_statistics(deep_network(c, f, rule, *rng), train);
            const auto [lo, hi] = std::minmax_element(s.gradient_rms.begin(), s.gradient_rms.begin() + 10);
            CHECK_LT(0.0, *lo);
            CHECK_LE(*hi, 10 * *lo);
        }
    }
}

// The RMS entry of ∂C/∂Wˡ is ‖∂C/∂Wˡ‖ (layer_gradient_norms, used by RandomNet) over √(nₗnₗ₋₁).
TEST_CASE(gradient_rms_agrees_with_the_gradient_norms) {
    const VanishingConfig c;
    Rng rng(4);
    const Network net = deep_network(c, Activation::tanh, WeightRule::glorot, rng);
    const Data& train = franke_sets_2020().train;
    const LayerStatistics s = layer_statistics(net, train);
    const std::vector<double> norms = layer_gradient_norms(net, train);
    for (std::size_t l = 0; l < norms.size(); ++l)
        CHECK_REL(s.gradient_rms[l] * std::sqrt(static_cast<double>(net.layers[l].W.size())), norms[l], 1e-12);
}

// A ReLU unit whose z is ≤ 0 for every sample gets exactly zero gradient in its weights and bias
// (it is dead: nothing can revive it); the same unit with leaky ReLU still gets α of its error.
// 001's Franke network starts with no such unit (zero biases: each unit's line passes through
// the centre of the centred inputs).
TEST_CASE(dead_relu_units_receive_no_gradient) {
    const Data& train = franke_sets_2020().train;
    for (const Activation f : {Activation::relu, Activation::leaky_relu}) {
        Rng rng(9);
        Network net = franke_network(16, f, {Init::normal, 0.05, 0.0}, rng);
        CHECK_EQ(dead_fraction(net, train, 1), 0.0);
        net.layers[0].b(3, 0) = -10.0;   // |w·x| ≤ 0.05·4·1 for these inputs, so z < 0 everywhere
        CHECK_EQ(dead_fraction(net, train, 1), 1.0 / 16);
        Cache cache;
        Workspace work;
        Gradients grad;
        forward(cache, net, train.X);
        backward(grad, net, cache, train.Y, 0.0, work);
        const double g = std::fabs(grad.dW[0](3, 0)) + std::fabs(grad.dW[0](3, 1)) + std::fabs(grad.db[0](3, 0));
        if (f == Activation::relu) CHECK_EQ(g, 0.0);
        else CHECK_LT(0.0, g);
    }
}

// 004: from equal weights the hidden units of every layer stay identical to the last bit, epoch
// after epoch (ReLU as 004, and tanh, whose units cannot die, so that the equality is not that
// of dead units); such a network does not fit the moons, the random one does.
TEST_CASE(equal_initialised_units_stay_identical) {
    SymmetryConfig c;
    c.moons.epochs = 20;
    const auto runs = run_symmetry(c, 2020);
    CHECK(runs[0].equal && !runs[1].equal);
    CHECK_EQ(runs[0].rows.size(), 21u);
    for (const SymmetryRow& row : runs[0].rows) CHECK_EQ(row.max_unit_difference, 0.0);
    CHECK_LT(runs[0].rows.back().train_accuracy, 0.9);
    CHECK_LT(0.0, runs[1].rows.back().max_unit_difference);
    CHECK_EQ(runs[1].rows.back().train_accuracy, 1.0);
    SymmetryConfig t;
    t.moons.epochs = 10;
    t.moons.f = {Activation::tanh, Activation::tanh, Activation::tanh, Activation::tanh, Activation::sigmoid};
    const auto tanh_runs = run_symmetry(t, 7);
    const std::vector<SymmetryRow>& rows = tanh_runs[0].rows;
    for (const SymmetryRow& row : rows) CHECK_EQ(row.max_unit_difference, 0.0);
    CHECK(!tanh_runs[0].result.diverged);
    CHECK(rows.back().train_accuracy != rows.front().train_accuracy);   // it did move
    CHECK_LT(rows.back().train_accuracy, 0.95);                         // along a straight boundary
}

// One unit σ(kx) against the unit step: the error at the jump is ½ for every k (σ(0) = ½, H(0) = 1),
// while the mean square error over [−1, 1] is (1/k)∫₀^k σ(−u)² du, which tends to (ln 2 − ½)/k
// (the rest, ∫_k^∞ σ(−u)² du < e^(−2k)/2, is below 10⁻⁸⁰ for k ≥ 100).
TEST_CASE(steep_unit_approximates_the_step_in_mean_square_not_uniformly) {
    const UniversalConfig c;
    const auto s = step_construction(c);
    CHECK_EQ(s.size(), c.steepness.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        CHECK_LE(0.5, s[i].max_error);
        if (s[i].k >= 100) CHECK_REL(s[i].mse, (std::log(2.0) - 0.5) / s[i].k, 1e-6);
        if (i > 0) CHECK_LT(s[i].mse, s[i - 1].mse);
    }
    CHECK_EQ(s.back().max_error, 0.5);
}

// The speed runs' bookkeeping: a run's epochs_to_target is the first look at which the training
// cost is at or below the target, and its curve starts at epoch 0 and ends after the budget.
TEST_CASE(speed_run_records_its_first_look_below_the_target) {
    ActivationSpeedConfig c;
    c.epochs = 8;
    const MoonsConfig m;
    const MoonsSets sets = make_moons_sets(m, 2020);
    const SpeedRun r = run_speed(c, m, sets.train, Activation::relu, 1, 2020);
    CHECK(!r.result.diverged);
    CHECK(!std::isnan(r.epochs_to_target));
    CHECK_EQ(r.curve.front().epoch, 0.0);
    CHECK_EQ(r.curve.back().epoch, static_cast<double>(c.epochs));
    CHECK_EQ(r.final_cost, r.curve.back().cost);
    for (const CostPoint& p : r.curve) {
        if (p.epoch < r.epochs_to_target) CHECK_LT(c.target, p.cost);
        if (p.epoch == r.epochs_to_target) CHECK_LE(p.cost, c.target);
    }
    CHECK_LT(0.0, r.seconds_to_target);
}

// The animation is the moons experiment's own training: its last network is run_moons's, bit
// for bit, and it has at least 10 frames.
TEST_CASE(moons_animation_ends_at_the_moons_network) {
    MoonsConfig m;
    m.epochs = 30;
    const AnimationConfig c;
    const AnimationResult a = run_moons_animation(m, c, 2020);
    const MoonsResult r = run_moons(m, 2020);
    CHECK(parameters(a.net) == parameters(r.net));
    CHECK_LE(10u, a.frames.size());
    CHECK_EQ(a.frames.front().step, 0u);
    CHECK_EQ(a.frames.back().epoch, 30.0);
    for (const AnimationFrame& f : a.frames) CHECK_EQ(f.prob.size(), c.nx * c.ny);
}

// The whole default run — the four experiments of the reports and the eight of the lectures —
// is neither announced nor refused, for several seeds.
TEST_CASE(default_run_with_the_lectures_stays_quiet) {
    for (std::uint64_t seed : {2020u, 1u, 7u}) {
        std::vector<RunSize> runs = moons_plan(MoonsConfig{});
        auto add = [&](const std::vector<RunSize>& more) { runs.insert(runs.end(), more.begin(), more.end()); };
        add(franke_plan(FrankeConfig{}));
        add(randomnet_plan(RandomNetConfig{}, FrankeConfig{}.n, seed));
        add(activation_speed_plan({}, MoonsConfig{}));
        add(dying_relu_plan({}, FrankeConfig{}));
        add(vanishing_gradients_plan({}, RandomNetConfig{}, FrankeConfig{}.n, seed));
        add(universal_approximation_plan({}));
        add(symmetry_plan({}));
        add(moons_animation_plan(MoonsConfig{}, {}));
        const Estimate e = estimate(runs);
        CHECK(!needs_notice(e));
        CHECK(!beyond_limits(e));
        CHECK_LT(e.multiply_adds, 2e11);
    }
}
