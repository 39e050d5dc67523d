// Tests of chapter 3's update rules (optimizers.hpp): two steps of each rule against its
// published equations worked out by hand, and each rule run to the exact optimum of a
// well-conditioned least-squares problem.
#include "chapters/chapter3_sgd_ridge/optimizers.hpp"

#include <cmath>
#include <vector>

#include "chapters/chapter3_sgd_ridge/least_squares.hpp"
#include "chapters/chapter3_sgd_ridge/optimizer_comparison.hpp"
#include "chapters/chapter3_sgd_ridge/sgd.hpp"
#include "common/random.hpp"
#include "testing.hpp"

namespace {
// The hand-worked example: β₀ = (1, −2), then the gradients g₁ = (0.5, −1) and g₂ = (0.3, 0.2),
// η = 0.1 and the papers' defaults. The expected values below were worked out with 40-digit
// decimal arithmetic and rounded to 17 digits; a few roundings of double arithmetic on numbers
// of order 1 differ from them by a few 1e-16, so 1e-14 tells a right step from a wrong one (a
// missing bias correction or a misplaced ε changes the answer in the 9th digit or earlier).
constexpr double kHandTol = 1e-14;
const Vector kBeta0 = {1.0, -2.0}, kG1 = {0.5, -1.0}, kG2 = {0.3, 0.2};
constexpr double kEta = 0.1;

bool near_vector(const Vector& a, const Vector& b, double tol) {
    bool ok = a.size() == b.size();
    for (std::size_t j = 0; ok && j < a.size(); ++j) {
        if (!testing::near(a[j], b[j], tol))
            std::fprintf(stderr, "  entry %zu: %.17g, expected %.17g\n", j, a[j], b[j]);
        ok = ok && testing::near(a[j], b[j], tol);
    }
    return ok;
}

// Two steps of `method` from β₀ with g₁ then g₂; the state after the first and second step.
struct TwoSteps {
    Vector beta1, beta2;
    OptimizerState state;
};
TwoSteps two_steps(Method method, const MethodParameters& p) {
    TwoSteps r{kBeta0, {}, OptimizerState(2)};
    optimizer_step(method, r.beta1, r.state, kG1, kEta, p);
    r.beta2 = r.beta1;
    optimizer_step(method, r.beta2, r.state, kG2, kEta, p);
    return r;
}

// A well-conditioned least-squares problem: 200 rows of N(0, 1) features (κ(X) ≈ 1.3), so the
// Hessian (2/n)XᵀX has eigenvalues near 2, and noisy targets.
struct Toy {
    Matrix X{200, 4};
    Vector z = Vector(200);
};
Toy toy() {
    Toy t;
    Rng rng(31);
    for (double& v : t.X.data) v = rng.normal();
    t.z = matvec(t.X, {1.5, -2.0, 0.5, 3.0});
    for (double& v : t.z) v += 0.3 * rng.normal();
    return t;
}

// Full-batch runs (every step the exact gradient) of `method` at η, from β = 0.
double distance_after(Method method, double eta, std::size_t epochs, const Toy& t, double omega = 0) {
    SgdOptions o;
    o.method = method;
    o.eta = eta;
    o.batch_size = 0;
    o.epochs = epochs;
    o.params.omega = omega;
    Rng rng(7);
    const SgdResult r = sgd(t.X, t.z, o, rng);
    return r.diverged ? INFINITY : distance_to_optimum(r.beta, ols(t.X, t.z).beta);
}

// After convergence only rounding is left: about ε·κ relative, far below 1e-12.
constexpr double kConverged = 1e-12;
}  // namespace

// 001, "Gradient Descent": β ← β − ηg.  β₁ = (1 − 0.05, −2 + 0.1), β₂ = β₁ − 0.1·(0.3, 0.2).
TEST_CASE(sgd_two_steps_equal_the_update_by_hand) {
    const TwoSteps r = two_steps(Method::sgd, {});
    CHECK(near_vector(r.beta1, {0.95, -1.9}, kHandTol));
    CHECK(near_vector(r.beta2, {0.92, -1.92}, kHandTol));
}

// 001, "Gradient Descent": v ← ωv + ηg, β ← β − v with ω = 0.9.
// v₁ = 0.1·g₁ = (0.05, −0.1), β₁ = (0.95, −1.9); v₂ = 0.9·v₁ + 0.1·g₂ = (0.075, −0.07),
// β₂ = (0.875, −1.83).
TEST_CASE(momentum_two_steps_equal_the_update_by_hand) {
    MethodParameters p;
    p.omega = 0.9;
    const TwoSteps r = two_steps(Method::momentum, p);
    CHECK(near_vector(r.beta1, {0.95, -1.9}, kHandTol));
    CHECK(near_vector(r.state.v, {0.075, -0.07}, kHandTol));
    CHECK(near_vector(r.beta2, {0.875, -1.83}, kHandTol));
}

// Duchi, Hazan & Singer (2011): G ← G + g², β ← β − ηg/(√G + ε), ε = 1e-8, G₀ = 0.
// G₁ = (0.25, 1): β₁ = (1 − 0.1·0.5/(0.5 + 1e-8), −2 + 0.1·1/(1 + 1e-8)) = (0.900000002, −1.900000001);
// G₂ = (0.34, 1.04): β₂ = β₁ − 0.1·(0.3/(√0.34 + 1e-8), 0.2/(√1.04 + 1e-8)).
TEST_CASE(adagrad_two_steps_equal_the_update_by_hand) {
    const TwoSteps r = two_steps(Method::adagrad, {});
    CHECK(near_vector(r.beta1, {0.90000000199999997, -1.900000001}, kHandTol));
    CHECK(near_vector(r.state.G, {0.34, 1.04}, kHandTol));
    CHECK(near_vector(r.beta2, {0.84855042733960029, -1.9196116143215107}, kHandTol));
}

// Tieleman & Hinton (2012): s ← ρs + (1 − ρ)g², β ← β − ηg/(√s + ε), ρ = 0.9, ε = 1e-8, s₀ = 0.
// s₁ = 0.1·g₁² = (0.025, 0.1): the first step is η/√0.1 ≈ 3.16 η per coordinate, since s starts
// at 0; s₂ = 0.9·s₁ + 0.1·g₂² = (0.0315, 0.094).
TEST_CASE(rmsprop_two_steps_equal_the_update_by_hand) {
    const TwoSteps r = two_steps(Method::rmsprop, {});
    CHECK(near_vector(r.beta1, {0.68377225398316077, -1.6837722439831617}, kHandTol));
    CHECK(near_vector(r.state.s, {0.0315, 0.094}, kHandTol));
    CHECK(near_vector(r.beta2, {0.51474141256126649, -1.7490050491608464}, kHandTol));
}

// Kingma & Ba (2015), Algorithm 1, β₁ = 0.9, β₂ = 0.999, ε = 1e-8 added to √v̂.
// t = 1: m = 0.1·g₁, v = 0.001·g₁², and bias correction gives m̂ = g₁, v̂ = g₁², so the first step
// is η·g/(|g| + ε): η per coordinate, (0.900000002, −1.900000001).
// t = 2: m = (0.075, −0.07), v = (0.00033975, 0.001039), m̂ = m/(1 − 0.81), v̂ = v/(1 − 0.998001).
TEST_CASE(adam_two_steps_equal_the_update_by_hand) {
    const TwoSteps r = two_steps(Method::adam, {});
    CHECK(near_vector(r.beta1, {0.90000000199999997, -1.900000001}, kHandTol));
    CHECK(near_vector(r.state.m, {0.075, -0.07}, kHandTol));
    CHECK(near_vector(r.state.v, {0.00033975, 0.001039}, kHandTol));
    CHECK_EQ(r.state.t, 2u);
    CHECK(near_vector(r.beta2, {0.8042509867088754, -1.8488973939904942}, kHandTol));
}

// Plain gradient descent at η = 0.1: every error component shrinks by |1 − ηh| ≤ 0.9 per step
// (h ≈ 2), so 1000 steps leave only rounding.
TEST_CASE(sgd_reaches_the_optimum_of_a_well_conditioned_problem) {
    CHECK_LE(distance_after(Method::sgd, 0.1, 1000, toy()), kConverged);
}

// Heavy ball with ω = 0.9 at η = 0.01 (steps of about η/(1 − ω) = 0.1 once v has built up).
TEST_CASE(momentum_reaches_the_optimum_of_a_well_conditioned_problem) {
    CHECK_LE(distance_after(Method::momentum, 0.01, 1000, toy(), 0.9), kConverged);
}

// Adagrad at η = 0.5: with exact gradients G stops growing once they shrink geometrically, so
// its steps stop shrinking and it converges linearly.
TEST_CASE(adagrad_reaches_the_optimum_of_a_well_conditioned_problem) {
    CHECK_LE(distance_after(Method::adagrad, 0.5, 1000, toy()), kConverged);
}

// Adam at η = 0.01: near β* the gradient falls faster than √v̂ (a mean over ~1/(1 − β₂) = 1000
// steps of larger earlier gradients), so m̂/√v̂ and with it the step go to zero.
TEST_CASE(adam_reaches_the_optimum_of_a_well_conditioned_problem) {
    CHECK_LE(distance_after(Method::adam, 0.01, 3000, toy()), kConverged);
}

// RMSprop with a constant η does not settle: s follows g² within ~1/(1 − ρ) = 10 steps, so near β*
// each step is about η·g/|g|, η per coordinate, and the iterate ends up circling β* at about η/2
// per coordinate, ‖β − β*‖ ≈ η√k/2. It reaches that neighbourhood, and the neighbourhood shrinks
// in proportion to η (bound: η√k, twice the estimate).
TEST_CASE(rmsprop_reaches_the_optimum_to_within_its_step) {
    const Toy t = toy();
    const double norm = std::sqrt(dot(ols(t.X, t.z).beta, ols(t.X, t.z).beta)), root_k = 2;
    for (const double eta : {0.01, 0.001}) {
        const double d = distance_after(Method::rmsprop, eta, 10000, t) * norm;
        CHECK_LE(d, eta * root_k);
        CHECK(d > 0.1 * eta);   // it does circle: not converged below the scale of its step
    }
}

// distance = ‖β − β*‖/‖β*‖: 1 at β₀ = 0, 0 at β*, and scale-free.
TEST_CASE(distance_to_the_optimum_is_relative) {
    const Vector star = {3.0, -4.0};
    CHECK_EQ(distance_to_optimum({0.0, 0.0}, star), 1.0);
    CHECK_EQ(distance_to_optimum(star, star), 0.0);
    CHECK_NEAR(distance_to_optimum({3.0, -4.5}, star), 0.1, 1e-15);
}

// A step far too large for the problem is stopped and reported as diverged, with its epoch, for
// every rule that can diverge there. Adagrad cannot: its step is η·g/√(Σ g²), and the one huge
// gradient of its first overshoot stays in the sum, so every later step is divided by it and
// the run comes back (at η = 1e8 it ends near β*). Only a step that overflows at once stops it.
SgdResult run_at(Method m, double eta) {
    SgdOptions o;
    o.method = m;
    o.eta = eta;
    o.batch_size = 10;
    o.epochs = 50;
    o.params.omega = 0.9;
    Rng rng(7);
    const Toy t = toy();
    return sgd(t.X, t.z, o, rng);
}

TEST_CASE(every_rule_reports_divergence_with_its_epoch) {
    for (Method m : {Method::sgd, Method::momentum, Method::rmsprop, Method::adam}) {
        const SgdResult r = run_at(m, 1e8);
        CHECK(r.diverged);
        CHECK(r.diverged_epoch >= 1 && r.diverged_epoch <= 50);
        if (!r.diverged) std::fprintf(stderr, "  %s did not diverge\n", method_name(m));
    }
    const SgdResult calm = run_at(Method::adagrad, 1e8);
    CHECK(!calm.diverged);
    CHECK_LT(calm.loss.back(), calm.loss.front());
    const SgdResult overflow = run_at(Method::adagrad, 1e300);
    CHECK(overflow.diverged);
    CHECK_EQ(overflow.diverged_epoch, 1u);
}
