// Tests of chapter 3's closed-form solvers (least_squares.hpp): Householder QR least squares,
// Ridge through the augmented system, singular values and the condition number.
#include "chapters/chapter3_sgd_ridge/least_squares.hpp"

#include <cmath>
#include <cstdio>

#include "chapters/chapter3_sgd_ridge/design.hpp"
#include "chapters/chapter3_sgd_ridge/regression.hpp"
#include "common/random.hpp"
#include "testing.hpp"

namespace {
Matrix random_matrix(std::size_t n, std::size_t k, Rng& rng) {
    Matrix X(n, k);
    for (double& v : X.data) v = rng.normal();
    return X;
}

// The independent reference: the normal equations AᵀA β = Aᵀb (+ shift·I) solved by Cholesky.
// Fine on a well-conditioned A; the chapter itself never does this.
Vector normal_equations(const Matrix& A, const Vector& b, double shift) {
    const std::size_t k = A.cols;
    Matrix G(k, k);
    Vector rhs(k, 0.0);
    for (std::size_t i = 0; i < k; ++i) {
        for (std::size_t j = 0; j < k; ++j)
            for (std::size_t r = 0; r < A.rows; ++r) G(i, j) += A(r, i) * A(r, j);
        G(i, i) += shift;
        for (std::size_t r = 0; r < A.rows; ++r) rhs[i] += A(r, i) * b[r];
    }
    Matrix L(k, k);   // G = LLᵀ
    for (std::size_t j = 0; j < k; ++j) {
        double d = G(j, j);
        for (std::size_t p = 0; p < j; ++p) d -= L(j, p) * L(j, p);
        L(j, j) = std::sqrt(d);
        for (std::size_t i = j + 1; i < k; ++i) {
            double s = G(i, j);
            for (std::size_t p = 0; p < j; ++p) s -= L(i, p) * L(j, p);
            L(i, j) = s / L(j, j);
        }
    }
    Vector y(k), x(k);
    for (std::size_t i = 0; i < k; ++i) {
        double s = rhs[i];
        for (std::size_t p = 0; p < i; ++p) s -= L(i, p) * y[p];
        y[i] = s / L(i, i);
    }
    for (std::size_t i = k; i-- > 0;) {
        double s = y[i];
        for (std::size_t p = i + 1; p < k; ++p) s -= L(p, i) * x[p];
        x[i] = s / L(i, i);
    }
    return x;
}

double max_abs_diff(const Vector& a, const Vector& b) {
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
    return m;
}
}  // namespace

// z is exactly a polynomial of total degree 4 in the (centred) monomials: OLS must give back its
// coefficients. κ of this design is ~4e2, so rounding costs ~κε ≈ 1e-13 on coefficients of size
// ≤ 3; 1e-8 leaves five orders of magnitude of room and still catches any wrong step.
TEST_CASE(recovers_the_coefficients_of_a_noiseless_polynomial) {
    const Design D = make_design(make_franke_data(300, 21), Basis::total, 4, false);
    Rng rng(22);
    Vector beta_true(D.X_train.cols);
    for (double& b : beta_true) b = rng.uniform(-3, 3);
    const Vector z = matvec(D.X_train, beta_true);
    const QRSolution s = ols(D.X_train, z);
    CHECK_LE(max_abs_diff(s.beta, beta_true), 1e-8);
}

// On a well-conditioned problem QR and the normal equations agree (both are accurate there).
TEST_CASE(equals_the_normal_equation_solution_when_well_conditioned) {
    Rng rng(23);
    const Matrix X = random_matrix(120, 6, rng);
    Vector z(120);
    for (double& v : z) v = rng.normal();
    const Vector qr = ols(X, z).beta, ne = normal_equations(X, z, 0);
    for (std::size_t t = 0; t < qr.size(); ++t) CHECK_REL(qr[t], ne[t], 1e-12);
    // And a least-squares residual is orthogonal to the columns: Xᵀ(Xβ − z) = 0.
    Vector r = matvec(X, qr);
    for (std::size_t i = 0; i < r.size(); ++i) r[i] -= z[i];
    for (double g : matvec_transposed(X, r)) CHECK_NEAR(g, 0.0, 1e-12);
}

// Ridge from the augmented system satisfies its normal equations (XᵀX + nλI)β = Xᵀz, here on
// the Franke design of degree 5 (κ ≈ 3e3), to 1e-10 relative: a backward-stable QR solve leaves
// a relative residual of about κε ≈ 6e-13 there, so 1e-10 has room and still catches a wrong √(nλ).
TEST_CASE(ridge_satisfies_its_normal_equations) {
    const Design D = make_design(make_franke_data(1000, 2020), Basis::total, 5, false);
    const Matrix& X = D.X_train;
    const double n = static_cast<double>(X.rows);
    for (double lambda : {1e-6, 1e-3, 0.1}) {
        const Vector beta = ridge(X, D.z_train, lambda).beta;
        // (XᵀX + nλI)β − Xᵀz = Xᵀ(Xβ − z) + nλβ: the gradient of C times n/2, without forming XᵀX.
        Vector r = matvec(X, beta);
        for (std::size_t i = 0; i < r.size(); ++i) r[i] -= D.z_train[i];
        Vector lhs = matvec_transposed(X, r);
        const Vector rhs = matvec_transposed(X, D.z_train);
        double num = 0, den = 0;
        for (std::size_t t = 0; t < beta.size(); ++t) {
            lhs[t] += n * lambda * beta[t];
            num += lhs[t] * lhs[t];
            den += rhs[t] * rhs[t];
        }
        CHECK_LE(std::sqrt(num / den), 1e-10);
    }
}

// One column x: β = xᵀz / (xᵀx + nλ) by hand; and λ = 0 is OLS.
TEST_CASE(ridge_in_one_dimension_and_at_lambda_zero) {
    Matrix X(4, 1);
    X.data = {1, 2, -1, 3};
    const Vector z = {2, 3, 0, 7};
    const double lambda = 0.5;   // xᵀz = 2 + 6 + 0 + 21 = 29, xᵀx = 15, nλ = 2
    CHECK_NEAR(ridge(X, z, lambda).beta[0], 29.0 / 17.0, 1e-14);
    CHECK_NEAR(ridge(X, z, 0).beta[0], 29.0 / 15.0, 1e-14);
    Rng rng(24);
    const Matrix Y = random_matrix(50, 5, rng);
    Vector w(50);
    for (double& v : w) v = rng.normal();
    CHECK_LE(max_abs_diff(ridge(Y, w, 0).beta, ols(Y, w).beta), 0.0);
    CHECK_LE(max_abs_diff(ridge(Y, w, 0.3).beta, normal_equations(Y, w, 50 * 0.3)), 1e-12);
}

// A matrix with known singular values: diag(s) mixed by plane rotations from both sides
// (orthogonal, so the singular values stay s). Jacobi on R must give them back.
TEST_CASE(singular_values_and_condition_number_of_a_known_matrix) {
    const Vector s = {50.0, 7.0, 3.0, 1.0, 0.01};
    const std::size_t n = 9, k = s.size();
    Matrix X(n, k);
    for (std::size_t j = 0; j < k; ++j) X(j, j) = s[j];
    Rng rng(25);
    for (int rot = 0; rot < 60; ++rot) {
        const double th = rng.uniform(0, 6.283185307179586), c = std::cos(th), sn = std::sin(th);
        const std::size_t a = rng.below(n), b = (a + 1 + rng.below(n - 1)) % n;   // two rows
        for (std::size_t j = 0; j < k; ++j) {
            const double u = X(a, j), v = X(b, j);
            X(a, j) = c * u - sn * v;
            X(b, j) = sn * u + c * v;
        }
        const std::size_t p = rng.below(k), q = (p + 1 + rng.below(k - 1)) % k;     // two columns
        for (std::size_t i = 0; i < n; ++i) {
            const double u = X(i, p), v = X(i, q);
            X(i, p) = c * u - sn * v;
            X(i, q) = sn * u + c * v;
        }
    }
    const Vector sigma = singular_values(ols(X, Vector(n, 0.0)).R);
    // Jacobi finds small singular values to high relative accuracy; 1e-12 is ~5000ε.
    for (std::size_t j = 0; j < k; ++j) CHECK_REL(sigma[j], s[j], 1e-12);
    CHECK_REL(condition_number(X), 5000.0, 1e-12);
    CHECK(!ill_conditioned(condition_number(X)));
}

// Two equal columns: X is rank deficient, κ is infinite (or astronomically large after
// rounding), and the chapter must say "ill-conditioned" rather than print a number.
TEST_CASE(rank_deficient_design_is_ill_conditioned) {
    Rng rng(26);
    Matrix X = random_matrix(30, 4, rng);
    for (std::size_t i = 0; i < X.rows; ++i) X(i, 3) = X(i, 1);
    CHECK(ill_conditioned(condition_number(X)));
    // The report's own basis at p = 14 is numerically rank deficient on these data.
    const Design D = make_design(make_franke_data(1000, 2020), Basis::tensor, 14, false);
    CHECK(ill_conditioned(condition_number(D.X_train)));
}
