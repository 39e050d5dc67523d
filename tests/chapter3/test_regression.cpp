// Tests of chapter 3's loss, gradient and scores (regression.hpp) and of its design matrices (design.hpp).
#include "chapters/chapter3_sgd_ridge/design.hpp"
#include "chapters/chapter3_sgd_ridge/regression.hpp"

#include <cmath>
#include <cstdio>
#include <numeric>

#include "common/finite_difference.hpp"
#include "common/random.hpp"
#include "testing.hpp"

namespace {
// C(β) is a quadratic, so central differences have no truncation error: what is left is
// rounding, about ε·|C|/h ≈ 1e-11 relative to the gradient. 1e-8 leaves room and still catches
// a factor or a sign (a missing 2 is a 50 % error).
constexpr double kGradTol = 1e-8;

// A small real problem: 80 Franke points, total degree 3 (9 centred columns).
Design small_design() { return make_design(make_franke_data(80, 7), Basis::total, 3, false); }

Vector random_vector(std::size_t k, double scale, Rng& rng) {
    Vector v(k);
    for (double& x : v) x = scale * rng.normal();
    return v;
}

bool gradient_matches(const Design& D, const Vector& beta, double lambda) {
    const auto f = [&](const fd::Vector& b) { return cost(D.X_train, D.z_train, b, lambda); };
    const Vector analytic = cost_gradient(D.X_train, D.z_train, beta, lambda);
    const fd::Vector numeric = fd::gradient(f, beta);
    const fd::Report r = fd::compare(analytic, numeric);
    if (!r.passes(kGradTol)) std::fprintf(stderr, "%s", fd::mismatches(analytic, numeric, kGradTol).c_str());
    return r.passes(kGradTol);
}
}  // namespace

// 001: ∇C = (2/n)Xᵀ(Xβ − z), at β = 0, at random β and far from the optimum (huge β, where the
// loss is ~1e8: a linear model has no saturation, this is its extreme).
TEST_CASE(gradient_of_ols_loss_matches_finite_differences) {
    const Design D = small_design();
    Rng rng(11);
    const std::size_t k = D.X_train.cols;
    CHECK(gradient_matches(D, Vector(k, 0.0), 0));
    CHECK(gradient_matches(D, random_vector(k, 1.0, rng), 0));
    CHECK(gradient_matches(D, random_vector(k, 1e4, rng), 0));
}

// 001: ∇C_Ridge = (2/n)Xᵀ(Xβ − z) + 2λβ, for small and large λ.
TEST_CASE(gradient_of_ridge_loss_matches_finite_differences) {
    const Design D = small_design();
    Rng rng(12);
    const std::size_t k = D.X_train.cols;
    for (double lambda : {1e-4, 0.1, 10.0}) {
        CHECK(gradient_matches(D, random_vector(k, 1.0, rng), lambda));
        CHECK(gradient_matches(D, random_vector(k, 1e3, rng), lambda));
    }
}

// A mini-batch gradient is the mean of the single-row gradients (plus 2λβ once, not per row).
TEST_CASE(batch_gradient_is_the_mean_of_row_gradients) {
    const Design D = small_design();
    Rng rng(13);
    const Vector beta = random_vector(D.X_train.cols, 1.0, rng);
    const double lambda = 0.05;
    const std::vector<std::size_t> batch = {3, 17, 42, 8, 59};
    Vector g_batch, g_row, mean(D.X_train.cols, 0.0);
    cost_gradient(D.X_train, D.z_train, beta, lambda, batch, g_batch);
    for (std::size_t r : batch) {
        cost_gradient(D.X_train, D.z_train, beta, lambda, std::span<const std::size_t>(&r, 1), g_row);
        for (std::size_t t = 0; t < mean.size(); ++t) mean[t] += g_row[t] / static_cast<double>(batch.size());
    }
    for (std::size_t t = 0; t < mean.size(); ++t) CHECK_NEAR(g_batch[t], mean[t], 1e-12);
}

// The gradient SGD uses, four rows at a time, is cost_gradient bit for bit: for every batch size
// (a multiple of four or not, one row, all rows), with and without λ.
TEST_CASE(gradient_four_rows_at_a_time_is_the_row_by_row_gradient_bit_for_bit) {
    const Design D = small_design();
    Rng rng(14);
    const Vector beta = random_vector(D.X_train.cols, 1.0, rng);
    std::vector<std::size_t> order = all_rows(D.X_train.rows);
    rng.shuffle(order);
    for (const double lambda : {0.0, 0.05})
        for (const std::size_t M : {std::size_t{1}, std::size_t{3}, std::size_t{4}, std::size_t{7}, std::size_t{10},
                                    std::size_t{13}, order.size()}) {
            Vector plain, fours;
            cost_gradient(D.X_train, D.z_train, beta, lambda, {order.data(), M}, plain);
            cost_gradient_by_fours(D.X_train, D.z_train, beta, lambda, {order.data(), M}, fours);
            CHECK(plain == fours);
        }
}

TEST_CASE(r2_is_one_for_a_perfect_prediction_and_zero_for_the_mean) {
    const Vector z = {0.3, -1.2, 2.5, 0.7, 1.1};
    const double z_bar = std::accumulate(z.begin(), z.end(), 0.0) / 5;
    CHECK_NEAR(r2(z, z), 1.0, 1e-15);
    CHECK_NEAR(r2(z, Vector(5, z_bar)), 0.0, 1e-15);
    CHECK_NEAR(mse(z, z), 0.0, 0.0);
    // MSE by hand: residuals 1, 0, 0, 0, −2 → (1 + 4)/5.
    CHECK_NEAR(mse(z, {z[0] - 1, z[1], z[2], z[3], z[4] + 2}), 1.0, 1e-15);
    CHECK(std::isnan(r2({1, 1, 1}, {1, 1, 1})));   // constant z: R² undefined, not 1 or 0
}

TEST_CASE(bootstrap_with_a_fixed_seed_is_deterministic) {
    Rng rng(14);
    Vector z(250), z_hat(250);
    for (std::size_t i = 0; i < z.size(); ++i) {
        z[i] = rng.normal();
        z_hat[i] = z[i] + 0.2 * rng.normal();
    }
    const BootstrapScores a = bootstrap_scores(z, z_hat, 100, Rng(5));
    const BootstrapScores b = bootstrap_scores(z, z_hat, 100, Rng(5));
    const BootstrapScores c = bootstrap_scores(z, z_hat, 100, Rng(6));
    CHECK_EQ(a.mse.mean, b.mse.mean);
    CHECK_EQ(a.mse.sd, b.mse.sd);
    CHECK_EQ(a.r2.mean, b.r2.mean);
    CHECK_EQ(a.r2.sd, b.r2.sd);
    CHECK(a.mse.mean != c.mse.mean);   // another seed, other resamples
    // The spread is the sampling error of a mean of 250 squared errors: sd ≈ √(2/250)·0.04 ≈ 0.0036
    // for normal errors of variance 0.04; 100 resamples estimate it to about ±15 %.
    CHECK_NEAR(a.mse.mean, mse(z, z_hat), 0.002);
    CHECK(a.mse.sd > 0.0025 && a.mse.sd < 0.0050);
}

// ---------------------------------------------------------------------------------------------
// The design matrices

TEST_CASE(bases_have_the_expected_monomials) {
    CHECK_EQ(monomials(Basis::tensor, 14).size(), 224u);   // (p+1)² − 1
    CHECK_EQ(monomials(Basis::total, 14).size(), 119u);    // (p+1)(p+2)/2 − 1
    const auto total = monomials(Basis::total, 2);         // x, y, x², xy, y²
    CHECK_EQ(total.size(), 5u);
    CHECK(total[0].i == 1 && total[0].j == 0 && total[4].i == 0 && total[4].j == 2);
    for (const auto& m : monomials(Basis::tensor, 3)) CHECK(m.i + m.j > 0 && m.i <= 3 && m.j <= 3);
}

// Centred columns and z have zero training mean; scaled columns unit training variance; the test
// set is transformed with the training statistics, not its own.
TEST_CASE(problem_is_centred_and_scaled_by_training_statistics) {
    const FrankeData d = make_franke_data(200, 3);
    const Design D = make_design(d, Basis::total, 4, true);
    const double n = static_cast<double>(D.X_train.rows);
    for (std::size_t t = 0; t < D.X_train.cols; ++t) {
        double s = 0, ss = 0;
        for (std::size_t r = 0; r < D.X_train.rows; ++r) {
            s += D.X_train(r, t);
            ss += D.X_train(r, t) * D.X_train(r, t);
        }
        CHECK_NEAR(s / n, 0.0, 1e-13);
        CHECK_NEAR(ss / n, 1.0, 1e-12);
    }
    CHECK_NEAR(std::accumulate(D.z_train.begin(), D.z_train.end(), 0.0), 0.0, 1e-12);
    // First test row, first column (x): (x − mean) / scale with the training numbers.
    const std::size_t i = d.test[0];
    CHECK_NEAR(D.X_test(0, 0), (d.x[i] - D.mean[0]) / D.scale[0], 1e-15);
    CHECK_NEAR(D.z_test[0], d.z[i] - D.z_mean, 1e-15);
}
