// Tests of common/random.hpp. The golden values below were reproduced independently (a Python
// transcription of uniform(), below() and the polar method applied to the same engine words),
// so they pin both the engine and our transformations: any compiler must print these numbers.
#include "common/random.hpp"

#include <algorithm>
#include <cmath>

#include "testing.hpp"

TEST_CASE(engine_matches_the_standard) {
    // [rand.predef]: the 10000th output of a default-constructed mt19937_64 is this value.
    std::mt19937_64 e;
    e.discard(9999);
    CHECK_EQ(e(), 9981545732273789042ull);
    Rng r(42);
    CHECK_EQ(r.bits(), 13930160852258120406ull);
    CHECK_EQ(r.bits(), 11788048577503494824ull);
}

TEST_CASE(uniform_golden_values) {
    Rng r(42);
    CHECK_EQ(r.uniform(), 0.75515553295453897);
    CHECK_EQ(r.uniform(), 0.63903139385469743);
    CHECK_EQ(r.uniform(), 0.7521452007480266);
}

TEST_CASE(normal_golden_values) {
    Rng r(42);
    CHECK_EQ(r.normal(), 1.2938204232729367);
    CHECK_EQ(r.normal(), 0.70498826642085988);
    CHECK_EQ(r.normal(), 0.39797739618378869);
    CHECK_EQ(r.normal(), -0.57409480672026136);
}

TEST_CASE(below_and_shuffle_golden_values) {
    Rng r(42);
    std::vector<std::uint64_t> draws;
    for (int i = 0; i < 5; ++i) draws.push_back(r.below(10));
    CHECK(draws == (std::vector<std::uint64_t>{6, 4, 0, 2, 1}));
    Rng s(42);
    CHECK(s.permutation(10) == (std::vector<std::size_t>{1, 7, 9, 0, 3, 8, 4, 2, 5, 6}));
    CHECK_EQ(Rng::stream(42, 1).bits(), 11572511668999661906ull);
}

TEST_CASE(uniform_and_normal_moments) {
    // 10⁶ draws: the standard error of the mean is 1e-3 (normal) and 2.9e-4 (uniform), so
    // 5e-3 is a five-sigma band; the variance band is as wide.
    const int n = 1000000;
    const double tol = 5e-3;
    Rng r(7);
    double su = 0, su2 = 0, sn = 0, sn2 = 0, sn4 = 0;
    double umin = 1, umax = 0;
    for (int i = 0; i < n; ++i) {
        const double u = r.uniform(), z = r.normal();
        su += u, su2 += u * u, sn += z, sn2 += z * z, sn4 += z * z * z * z;
        umin = std::min(umin, u), umax = std::max(umax, u);
    }
    CHECK_NEAR(su / n, 0.5, tol);
    CHECK_NEAR(su2 / n - 0.25, 1.0 / 12, tol);
    CHECK_NEAR(sn / n, 0.0, tol);
    CHECK_NEAR(sn2 / n, 1.0, 2 * tol);
    CHECK_NEAR(sn4 / n, 3.0, 10 * tol);   // kurtosis of a normal: a check of the tails
    CHECK(umin >= 0.0 && umax < 1.0);
}

TEST_CASE(below_is_unbiased_and_in_range) {
    // 3 does not divide 2⁶⁴: plain modulo would be (imperceptibly) biased; rejection is not.
    Rng r(3);
    std::vector<int> count(3);
    const int n = 300000;
    for (int i = 0; i < n; ++i) ++count[r.below(3)];
    for (int c : count) CHECK_NEAR(c, n / 3.0, 5 * std::sqrt(n * (1.0 / 3) * (2.0 / 3)));
    CHECK_EQ(r.below(1), 0u);
}

TEST_CASE(shuffle_is_a_permutation_with_uniform_positions) {
    Rng r(11);
    const int trials = 60000;
    std::vector<int> first_position(5);
    for (int t = 0; t < trials; ++t) {
        auto p = r.permutation(5);
        auto sorted = p;
        std::sort(sorted.begin(), sorted.end());
        CHECK(sorted == (std::vector<std::size_t>{0, 1, 2, 3, 4}));
        ++first_position[p[0]];
    }
    for (int c : first_position) CHECK_NEAR(c, trials / 5.0, 5 * std::sqrt(trials * 0.2 * 0.8));
}

TEST_CASE(glorot_uniform_has_the_right_limit_and_variance) {
    // U(−r, r) with r = √(6/(fan_in+fan_out)) has variance r²/3 = 2/(fan_in+fan_out).
    Rng r(5);
    const std::size_t fan_in = 784, fan_out = 128;
    const double limit = std::sqrt(6.0 / 912);
    CHECK_EQ(Rng::glorot_limit(fan_in, fan_out), limit);
    double s2 = 0, worst = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        const double w = r.glorot_uniform(fan_in, fan_out);
        s2 += w * w;
        worst = std::max(worst, std::fabs(w));
    }
    CHECK_LE(worst, limit);
    CHECK_REL(s2 / n, 2.0 / 912, 0.01);
}

TEST_CASE(streams_are_reproducible_and_distinct) {
    Rng a = Rng::stream(1, 0), b = Rng::stream(1, 0), c = Rng::stream(1, 1), d = Rng::stream(2, 0);
    const auto x = a.bits();
    CHECK_EQ(x, b.bits());
    CHECK(x != c.bits());
    CHECK(x != d.bits());
}
