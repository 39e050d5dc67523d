// Tests of chapter 5's update rules (optimizers.hpp): each rule against its published equations
// on two steps computed by hand, each driving a well-conditioned convex problem to its known
// minimum, the defaults the papers give, and divergence caught for every rule.
#include <cmath>
#include <cstdio>
#include <vector>

#include "chapters/chapter5_deep_backprop/experiments.hpp"
#include "chapters/chapter5_deep_backprop/optimizers.hpp"
#include "chapters/chapter5_deep_backprop/sgd.hpp"
#include "common/random.hpp"
#include "testing.hpp"

namespace {

// The hand computations below are exact decimals (or square roots of them) of numbers of order
// 1; the code reaches them in a handful of roundings of at most ε/2 ≈ 1.1e-16 each (0.1 and
// 1 − 0.9 are themselves rounded), so they agree to a few units in the last place.
constexpr double kFewUlps = 2e-15;

// One parameter θ₀ = 1, η = 0.1, two steps with the gradients g₁ = 0.5 and g₂ = −0.25. ε is
// taken as 0.01 here (not the default 10⁻⁸), so that where it is added — to √r, not to r — makes
// a difference in the third decimal; the defaults are checked on their own below.
struct TwoSteps {
    double theta1, theta2;
};

TwoSteps two_steps(Optimizer o) {
    UpdateRule rule{o, 0.1, 0.9, AdaptiveConstants{}};
    rule.c.epsilon = 0.01;
    Network net;
    net.layers.push_back({Matrix(1, 1, 1.0), Matrix(1, 1, 0.0), Activation::linear});   // W = θ, b = 0
    Gradients g{{Matrix(1, 1, 0.5)}, {Matrix(1, 1, 0.0)}};
    OptimizerState state;
    apply_update(net, g, state, rule);
    const double theta1 = net.layers[0].W(0, 0);
    g.dW[0](0, 0) = -0.25;
    apply_update(net, g, state, rule);
    return {theta1, net.layers[0].W(0, 0)};
}

// A convex problem whose minimum is known: y = w*ᵀx + b* exactly, w* = (2, −1), b* = 0.5, on 64
// points x uniform in [−1, 1]²; one linear unit with the squared error, full batch (exact
// gradients). The Hessian of C = ½ mean (wᵀx + b − y)² is the second-moment matrix of (x, 1),
// about diag(1/3, 1/3, 1): condition number about 3.
struct Convex {
    Data data;
    Convex() : data{Matrix(2, 64), Matrix(1, 64)} {
        Rng rng(5);
        for (std::size_t j = 0; j < 64; ++j) {
            data.X(0, j) = rng.uniform(-1, 1);
            data.X(1, j) = rng.uniform(-1, 1);
            data.Y(0, j) = 2 * data.X(0, j) - data.X(1, j) + 0.5;
        }
    }
    // ‖θ − θ*‖ after `steps` full-batch steps of the rule from N(0, 0.5²) weights.
    double distance_after(Optimizer o, double eta, double omega, std::size_t steps) const {
        Rng rng(1);
        Network net = make_network(2, {{1, Activation::linear, {Init::normal, 0.5, 0.0}}}, Loss::mse, 0.01, rng);
        const TrainResult r = train(net, data, {eta, omega, 0.0, data.size(), o}, steps, rng);
        CHECK(!r.diverged);
        const Layer& layer = net.layers[0];
        return std::sqrt(std::pow(layer.W(0, 0) - 2, 2) + std::pow(layer.W(0, 1) + 1, 2) + std::pow(layer.b(0, 0) - 0.5, 2));
    }
};

}  // namespace

// 003 "Updating the gradients": θ₁ = 1 − 0.1·0.5 = 0.95, θ₂ = 0.95 + 0.1·0.25 = 0.975.
TEST_CASE(sgd_two_steps_by_hand) {
    const TwoSteps s = two_steps(Optimizer::sgd);
    CHECK_NEAR(s.theta1, 0.95, kFewUlps);
    CHECK_NEAR(s.theta2, 0.975, kFewUlps);
}

// 001 "Gradient Descent", ω = 0.9: v₁ = 0.1·0.5 = 0.05, θ₁ = 0.95; v₂ = 0.9·0.05 − 0.1·0.25 =
// 0.02, θ₂ = 0.93 (plain SGD would give 0.975: the old step carries on).
TEST_CASE(momentum_two_steps_by_hand) {
    const TwoSteps s = two_steps(Optimizer::momentum);
    CHECK_NEAR(s.theta1, 0.95, kFewUlps);
    CHECK_NEAR(s.theta2, 0.93, kFewUlps);
}

// Duchi, Hazan & Singer: r₁ = 0.25, θ₁ = 1 − 0.1·0.5/(0.5 + 0.01) = 1 − 0.05/0.51
// = 0.90196078431372549…; r₂ = 0.25 + 0.0625 = 0.3125, θ₂ = θ₁ + 0.1·0.25/(√0.3125 + 0.01)
// = θ₁ + 0.025/0.56901699437494742 = 0.94589620319776418…
TEST_CASE(adagrad_two_steps_by_hand) {
    const TwoSteps s = two_steps(Optimizer::adagrad);
    CHECK_NEAR(s.theta1, 0.90196078431372549, kFewUlps);
    CHECK_NEAR(s.theta2, 0.94589620319776418, kFewUlps);
    // ε inside the root, √(r + ε), would give 1 − 0.05/√0.26 = 0.90194…: a different fifth decimal.
    CHECK_LT(1e-5, std::fabs(s.theta1 - (1 - 0.05 / std::sqrt(0.26))));
}

// Tieleman & Hinton, ρ = 0.9: r₁ = 0.1·0.25 = 0.025, θ₁ = 1 − 0.05/(√0.025 + 0.01)
// = 1 − 0.05/0.16811388300841898 = 0.70258256424012256…; r₂ = 0.9·0.025 + 0.1·0.0625 = 0.02875,
// θ₂ = θ₁ + 0.025/(√0.02875 + 0.01) = 0.84181314851423399…
TEST_CASE(rmsprop_two_steps_by_hand) {
    const TwoSteps s = two_steps(Optimizer::rmsprop);
    CHECK_NEAR(s.theta1, 0.70258256424012256, kFewUlps);
    CHECK_NEAR(s.theta2, 0.84181314851423399, kFewUlps);
}

// Kingma & Ba, Algorithm 1, β₁ = 0.9, β₂ = 0.999: m₁ = 0.05, v₁ = 0.00025; corrected m̂₁ = 0.5,
// v̂₁ = 0.25, θ₁ = 1 − 0.1·0.5/(0.5 + 0.01) = 0.90196078431372549… (the first step has the size
// η whatever g is); m₂ = 0.045 − 0.025 = 0.02, v₂ = 0.00024975 + 0.0000625 = 0.00031225,
// m̂₂ = 0.02/0.19 = 0.10526315789473684…, v̂₂ = 0.00031225/0.001999 = 0.15620310155077539…,
// θ₂ = θ₁ − 0.1·m̂₂/(√v̂₂ + 0.01) = 0.87598433690747729…
TEST_CASE(adam_two_steps_by_hand) {
    const TwoSteps s = two_steps(Optimizer::adam);
    CHECK_NEAR(s.theta1, 0.90196078431372549, kFewUlps);
    CHECK_NEAR(s.theta2, 0.87598433690747729, kFewUlps);
    // Without the bias correction the first step would be 0.1·0.05/(√0.00025 + 0.01) = 0.19…
    CHECK_LT(0.05, std::fabs((1 - s.theta1) - 0.1 * 0.05 / (std::sqrt(0.00025) + 0.01)));
}

// The constants are the papers' defaults.
TEST_CASE(adaptive_constants_are_the_papers_defaults) {
    const AdaptiveConstants c;
    CHECK_EQ(c.rho, 0.9);
    CHECK_EQ(c.beta1, 0.9);
    CHECK_EQ(c.beta2, 0.999);
    CHECK_EQ(c.epsilon, 1e-8);
    for (const std::string& name : optimizer_names()) CHECK(name_of(optimizer_from_name(name)) == name);
}

// Plain SGD, momentum, Adagrad and Adam reach the minimum to rounding (1e-12: the iterates
// contract geometrically, and nothing stops them before the last bits). RMSprop's step is about
// η in every coordinate once r tracks g² (g/√r ≈ ±1), whatever the size of g, so with a constant
// η it settles into a band of width about η around the minimum: within 2η, and ten times closer
// for a ten times smaller η.
TEST_CASE(each_rule_reaches_the_known_minimum_of_a_convex_problem) {
    const Convex p;
    const double sgd = p.distance_after(Optimizer::sgd, 1.0, 0.0, 500);
    const double momentum = p.distance_after(Optimizer::momentum, 0.5, 0.5, 500);
    const double adagrad = p.distance_after(Optimizer::adagrad, 0.5, 0.0, 500);
    const double adam = p.distance_after(Optimizer::adam, 0.01, 0.0, 3000);
    const double rms_coarse = p.distance_after(Optimizer::rmsprop, 0.01, 0.0, 2000);
    const double rms_fine = p.distance_after(Optimizer::rmsprop, 0.001, 0.0, 20000);
    std::fprintf(stderr, "distance to the minimum: sgd %.2g, momentum %.2g, adagrad %.2g, adam %.2g, "
                         "rmsprop %.2g (η = 0.01), %.2g (η = 0.001)\n",
                 sgd, momentum, adagrad, adam, rms_coarse, rms_fine);
    CHECK_LT(sgd, 1e-12);
    CHECK_LT(momentum, 1e-12);
    CHECK_LT(adagrad, 1e-12);
    CHECK_LT(adam, 1e-12);
    CHECK_LT(rms_coarse, 2 * 0.01);
    CHECK_LT(rms_fine, 2 * 0.001);
    CHECK_LT(5 * rms_fine, rms_coarse);
}

// Momentum with ω = 0 is plain SGD bit for bit (v = 0·v + η g = η g); the four-argument
// SgdOptions picks momentum exactly when ω > 0.
TEST_CASE(momentum_without_omega_is_plain_sgd) {
    CHECK(SgdOptions(0.1, 0.0, 0.0, 10).optimizer == Optimizer::sgd);
    CHECK(SgdOptions(0.1, 0.9, 0.0, 10).optimizer == Optimizer::momentum);
    const FrankeSets sets = franke_sets(make_franke_data(200, 2020));
    std::vector<double> theta[2];
    for (int k = 0; k < 2; ++k) {
        Rng rng(9);
        Network net = franke_network(16, Activation::relu, {Init::glorot, 0.05, 0.0}, rng);
        train(net, sets.train, {0.05, 0.0, 0.0, 10, k ? Optimizer::momentum : Optimizer::sgd}, 5, rng);
        theta[k] = parameters(net);
    }
    CHECK(theta[0] == theta[1]);
}

// A learning rate far too large stops every rule as diverged at an epoch, with a finite curve
// before it. The adaptive rules move each weight by about η per step whatever the gradient, so
// η = 10⁴ blows the weights up within the first epoch.
TEST_CASE(every_rule_reports_divergence) {
    const FrankeSets sets = franke_sets(make_franke_data(200, 2020));
    for (const std::string& name : optimizer_names()) {
        Rng rng(3);
        Network net = franke_network(32, Activation::relu, {Init::glorot, 0.05, 0.0}, rng);
        const TrainingRun run = train_with_curve(net, sets.train, sets.test,
                                                 {1e4, 0.9, 0.0, 10, optimizer_from_name(name)}, 20, Metric::mse, rng);
        std::fprintf(stderr, "%s: diverged %d at epoch %zu\n", name.c_str(), run.result.diverged, run.result.diverged_epoch);
        CHECK(run.result.diverged);
        CHECK_LE(1u, run.result.diverged_epoch);
        CHECK_EQ(run.history.size(), run.result.diverged_epoch - 1);
        for (const auto& row : run.history) CHECK(std::isfinite(row.test_metric));
        CHECK(std::isnan(run.final_test_metric()));
    }
}
