// Tests of common/finite_difference.hpp: the reference must itself be right before it judges.
#include "common/finite_difference.hpp"

#include <cmath>

#include "testing.hpp"

namespace {
// Rosenbrock: f = (1 − x)² + 100 (y − x²)², ∇f = (−2(1 − x) − 400x(y − x²), 200(y − x²)).
double rosenbrock(const fd::Vector& v) {
    return (1 - v[0]) * (1 - v[0]) + 100 * (v[1] - v[0] * v[0]) * (v[1] - v[0] * v[0]);
}
fd::Vector rosenbrock_gradient(const fd::Vector& v) {
    return {-2 * (1 - v[0]) - 400 * v[0] * (v[1] - v[0] * v[0]), 200 * (v[1] - v[0] * v[0])};
}
// A correct gradient agrees with central differences to about 1e-9; 1e-7 leaves a margin.
constexpr double kTol = 1e-7;
}  // namespace

TEST_CASE(central_differences_match_a_known_gradient) {
    for (const fd::Vector& x : {fd::Vector{-1.2, 1.0}, fd::Vector{0.3, -0.7}, fd::Vector{25.0, 3.0}}) {
        const auto numeric = fd::gradient(rosenbrock, x);
        const auto report = fd::compare(rosenbrock_gradient(x), numeric);
        if (!report.passes(kTol)) std::fprintf(stderr, "%s", fd::mismatches(rosenbrock_gradient(x), numeric, kTol).c_str());
        CHECK(report.passes(kTol));
    }
}

TEST_CASE(exact_on_quadratics_up_to_rounding) {
    // For a quadratic the central difference has no truncation error at all.
    auto f = [](const fd::Vector& v) { return 3 * v[0] * v[0] - 2 * v[0] * v[1] + 5 * v[1] + 1; };
    const auto g = fd::gradient(f, {1.5, -2.0});
    CHECK_NEAR(g[0], 6 * 1.5 + 4, 1e-9);
    CHECK_NEAR(g[1], -3 + 5, 1e-9);
}

TEST_CASE(a_wrong_gradient_is_caught_and_located) {
    fd::Vector x{0.5, 0.5};
    auto wrong = rosenbrock_gradient(x);
    wrong[1] *= 1.001;   // a 0.1 % error in one component
    const auto r = fd::compare(wrong, fd::gradient(rosenbrock, x));
    CHECK(!r.passes(kTol));
    CHECK_EQ(r.worst, 1u);
    CHECK_NEAR(r.max_rel_error, 1e-3 / 1.001, 1e-6);
    CHECK(fd::mismatches(wrong, fd::gradient(rosenbrock, x), kTol).find("[1] analytic") != std::string::npos);
}

TEST_CASE(non_finite_values_never_pass) {
    const auto r = fd::compare({1.0, NAN}, {1.0, 2.0});
    CHECK(!r.passes(1e300));
    CHECK_EQ(r.worst, 1u);
    CHECK(!fd::compare({1.0}, {1.0, 2.0}).passes(1.0));   // size mismatch
}

TEST_CASE(floor_judges_tiny_components_against_the_gradient_scale) {
    // A component that is 0 analytically and 1e-12 numerically (rounding noise) is no error
    // when the gradient's scale is 1; without a floor it would be a 100 % relative error.
    const auto r = fd::compare({1.0, 0.0}, {1.0, 1e-12});
    CHECK(r.passes(1e-4));
    CHECK_LE(r.max_rel_error, 1e-5 + 1e-12);
    const auto strict = fd::compare({1.0, 0.0}, {1.0, 1e-12}, 0.0);
    CHECK_EQ(strict.max_rel_error, 1.0);
}

TEST_CASE(step_scales_with_the_component) {
    CHECK_NEAR(fd::step(0.0), 6.055454452393343e-06, 1e-18);
    CHECK_REL(fd::step(1000.0), 1000 * fd::step(0.0), 1e-15);
}
