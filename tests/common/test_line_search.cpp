// Tests of common/line_search.hpp on the classic one-dimensional test functions of Moré and
// Thuente (1994): every accepted `wolfe` step satisfies both strong Wolfe inequalities, from
// initial steps far too small to far too large; the `report` rule satisfies its weak conditions.
#include "common/line_search.hpp"

#include <cmath>

#include "testing.hpp"

using optim::Vector;

namespace {

// φ₁(α) = −α / (α² + 2): minimum at α = √2.
double phi1(const Vector& x, Vector& g) {
    const double a = x[0], d = a * a + 2;
    g[0] = (a * a - 2) / (d * d);
    return -a / d;
}
// φ₂(α) = (α + 0.004)⁵ − 2(α + 0.004)⁴: minimum at α = 1.596.
double phi2(const Vector& x, Vector& g) {
    const double t = x[0] + 0.004;
    g[0] = 5 * std::pow(t, 4) - 8 * std::pow(t, 3);
    return std::pow(t, 5) - 2 * std::pow(t, 4);
}

// Search from α = 0 along p = +1 and check the result against the strong Wolfe inequalities.
void check_strong_wolfe(const optim::Objective& phi, double alpha0, double mu, double eta) {
    Vector x{0.0}, g{0.0}, p{1.0};
    const double f0 = phi(x, g);
    const double slope0 = g[0];
    optim::LineSearchOptions o;
    o.mu = mu, o.eta = eta, o.alpha0 = alpha0;
    const auto r = optim::wolfe_search(phi, x, f0, g, p, o);
    CHECK(r.status == optim::SearchStatus::ok);
    if (r.status != optim::SearchStatus::ok) {
        std::fprintf(stderr, "  alpha0 %g eta %g: %s after %d trials\n", alpha0, eta,
                     optim::describe(r.status), r.trials);
        return;
    }
    CHECK_LE(r.f, f0 + mu * r.alpha * slope0);                    // sufficient decrease
    CHECK_LE(std::fabs(r.grad[0] * p[0]), eta * std::fabs(slope0)); // strong curvature
    CHECK_EQ(r.x[0], r.alpha);
    CHECK_LE(r.trials, 20);
}

}  // namespace

TEST_CASE(wolfe_steps_satisfy_strong_wolfe_on_phi1) {
    for (double eta : {0.9, 0.1})
        for (double a0 : {1e-3, 1e-1, 1e1, 1e3}) check_strong_wolfe(phi1, a0, 1e-3, eta);
}

TEST_CASE(wolfe_steps_satisfy_strong_wolfe_on_phi2) {
    for (double eta : {0.9, 0.1})
        for (double a0 : {1e-3, 1e-1, 1e1, 1e3}) check_strong_wolfe(phi2, a0, 1e-3, eta);
}

TEST_CASE(report_rule_satisfies_its_weak_wolfe_conditions) {
    for (auto phi : {phi1, phi2}) {
        Vector x{0.0}, g{0.0}, p{1.0};
        const double f0 = phi(x, g), slope0 = g[0];
        optim::LineSearchOptions o;
        o.mu = 1e-4, o.eta = 0.1;
        const auto r = optim::report_search(phi, x, f0, g, p, o);
        CHECK(r.status == optim::SearchStatus::ok);
        CHECK_LE(r.f, f0 + o.mu * r.alpha * slope0);
        CHECK(r.grad[0] >= o.eta * slope0);
    }
}

TEST_CASE(report_rule_follows_its_doubling_and_shrinking_steps) {
    // φ₁ from α₀ = 0.01: the slope stays negative, so α doubles 0.01, 0.02, …, 1.28 (8 trials)
    // until the curvature condition φ′(α) ≥ 0.1 φ′(0) first holds; Armijo holds throughout.
    Vector x{0.0}, g{0.0}, p{1.0};
    const double f0 = phi1(x, g);
    optim::LineSearchOptions o;
    o.mu = 1e-4, o.eta = 0.1, o.alpha0 = 0.01;
    const auto r = optim::report_search(phi1, x, f0, g, p, o);
    CHECK(r.status == optim::SearchStatus::ok);
    CHECK_EQ(r.alpha, 1.28);
    CHECK_EQ(r.trials, 8);
    // From α₀ = 100 the slope has changed sign, so α shrinks by 1.5 until both hold.
    o.alpha0 = 100;
    const auto s = optim::report_search(phi1, x, f0, g, p, o);
    CHECK(s.status == optim::SearchStatus::ok);
    double expect = 100;
    while (!(-expect / (expect * expect + 2) <= f0 + 1e-4 * expect * g[0] &&
             (expect * expect - 2) / ((expect * expect + 2) * (expect * expect + 2)) >= 0.1 * g[0]))
        expect /= 1.5;
    CHECK_EQ(s.alpha, expect);
}

TEST_CASE(ascent_directions_are_never_searched) {
    int evaluations = 0;
    optim::Objective f = [&](const Vector& x, Vector& g) {
        ++evaluations;
        g[0] = 2 * x[0];
        return x[0] * x[0];
    };
    Vector x{1.0}, g{2.0};
    for (const Vector& p : {Vector{1.0}, Vector{0.0}}) {   // uphill, and no direction at all
        CHECK(optim::wolfe_search(f, x, 1.0, g, p, {}).status == optim::SearchStatus::not_descent);
        CHECK(optim::report_search(f, x, 1.0, g, p, {}).status == optim::SearchStatus::not_descent);
    }
    CHECK_EQ(evaluations, 0);
}

TEST_CASE(unbounded_functions_exhaust_the_trial_limit) {
    // f(x) = x has no minimiser: φ′ = −1 everywhere, the curvature condition never holds.
    optim::Objective f = [](const Vector& x, Vector& g) {
        g[0] = 1;
        return x[0];
    };
    Vector x{0.0}, g{1.0}, p{-1.0};
    optim::LineSearchOptions o;
    o.max_trials = 30;
    const auto w = optim::wolfe_search(f, x, 0.0, g, p, o);
    const auto s = optim::report_search(f, x, 0.0, g, p, o);
    CHECK(w.status == optim::SearchStatus::max_trials);
    CHECK(s.status == optim::SearchStatus::max_trials);
    CHECK_EQ(s.trials, 30);
    CHECK_LE(w.trials, 30);
}

TEST_CASE(non_finite_points_are_never_accepted) {
    // f = (x − 3)² for x < 2 and NaN (or +∞) beyond: the minimum along p is at the wall.
    for (double wall_value : {NAN, INFINITY}) {
        optim::Objective f = [wall_value](const Vector& x, Vector& g) {
            if (x[0] >= 2) {
                g[0] = wall_value;
                return wall_value;
            }
            g[0] = 2 * (x[0] - 3);
            return (x[0] - 3) * (x[0] - 3);
        };
        Vector x{0.0}, g{0.0}, p{1.0};
        const double f0 = f(x, g);
        optim::LineSearchOptions o;
        o.alpha0 = 10;   // the first trial lands beyond the wall
        const auto w = optim::wolfe_search(f, x, f0, g, p, o);
        CHECK(w.status == optim::SearchStatus::ok);
        CHECK(w.x[0] < 2);
        CHECK(std::isfinite(w.f) && w.f < f0);
        // The report's rule has no way back from a non-finite value: it stops and says so.
        const auto s = optim::report_search(f, x, f0, g, p, o);
        CHECK(s.status == optim::SearchStatus::non_finite);
    }
}

TEST_CASE(a_direction_with_no_finite_step_is_reported_as_non_finite) {
    // f = (x − 3)² at x ≤ 0 and NaN at every x > 0: along p = +1 no step is finite. The wolfe
    // search steps back, halving towards 0 until its bracket collapses, and then names the
    // non-finite values as the reason; the report's rule stops at its first trial.
    optim::Objective f = [](const Vector& x, Vector& g) {
        if (x[0] > 0) {
            g[0] = NAN;
            return static_cast<double>(NAN);
        }
        g[0] = 2 * (x[0] - 3);
        return (x[0] - 3) * (x[0] - 3);
    };
    Vector x{0.0}, g{0.0}, p{1.0};
    const double f0 = f(x, g);
    const auto w = optim::wolfe_search(f, x, f0, g, p, {});
    CHECK(w.status == optim::SearchStatus::non_finite);
    CHECK_EQ(w.non_finite_trials, w.trials);
    CHECK_LE(w.trials, 60);
    const auto s = optim::report_search(f, x, f0, g, p, {});
    CHECK(s.status == optim::SearchStatus::non_finite);
    CHECK_EQ(s.trials, 1);
}
