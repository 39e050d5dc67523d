// Tests of common/bfgs.hpp: problems whose answers are known, the update formula against its
// product form, quadratic termination, and every stop reason.
#include "common/bfgs.hpp"

#include <cmath>

#include "common/random.hpp"
#include "testing.hpp"

using optim::SquareMatrix;
using optim::Vector;

namespace {

double rosenbrock(const Vector& v, Vector& g) {
    const double a = 1 - v[0], b = v[1] - v[0] * v[0];
    g[0] = -2 * a - 400 * v[0] * b;
    g[1] = 200 * b;
    return a * a + 100 * b * b;
}

double himmelblau(const Vector& v, Vector& g) {
    const double a = v[0] * v[0] + v[1] - 11, b = v[0] + v[1] * v[1] - 7;
    g[0] = 4 * a * v[0] + 2 * b;
    g[1] = 2 * a + 4 * b * v[1];
    return a * a + b * b;
}

// Cholesky succeeds exactly when a symmetric matrix is positive definite.
bool positive_definite(const SquareMatrix& A, std::size_t n) {
    SquareMatrix L(n * n, 0.0);
    for (std::size_t j = 0; j < n; ++j) {
        double d = A[j * n + j];
        for (std::size_t k = 0; k < j; ++k) d -= L[j * n + k] * L[j * n + k];
        if (!(d > 0)) return false;
        L[j * n + j] = std::sqrt(d);
        for (std::size_t i = j + 1; i < n; ++i) {
            double s = A[i * n + j];
            for (std::size_t k = 0; k < j; ++k) s -= L[i * n + k] * L[j * n + k];
            L[i * n + j] = s / L[j * n + j];
        }
    }
    return true;
}

SquareMatrix matmul(const SquareMatrix& A, const SquareMatrix& B, std::size_t n) {
    SquareMatrix C(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < n; ++k)
            for (std::size_t j = 0; j < n; ++j) C[i * n + j] += A[i * n + k] * B[k * n + j];
    return C;
}

// A random SPD matrix Q = AᵀA + n·I (eigenvalues ≥ n, condition number modest).
SquareMatrix random_spd(std::size_t n, Rng& rng) {
    SquareMatrix A(n * n);
    for (auto& a : A) a = rng.normal();
    SquareMatrix Q(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) {
            for (std::size_t k = 0; k < n; ++k) Q[i * n + j] += A[k * n + i] * A[k * n + j];
            if (i == j) Q[i * n + j] += static_cast<double>(n);
        }
    return Q;
}

// Inverse of an SPD matrix by Gauss–Jordan elimination (no pivoting needed for SPD).
SquareMatrix inverse(SquareMatrix A, std::size_t n) {
    SquareMatrix I = optim::identity(n);
    for (std::size_t c = 0; c < n; ++c) {
        const double piv = A[c * n + c];
        for (std::size_t j = 0; j < n; ++j) A[c * n + j] /= piv, I[c * n + j] /= piv;
        for (std::size_t r = 0; r < n; ++r) {
            if (r == c) continue;
            const double m = A[r * n + c];
            for (std::size_t j = 0; j < n; ++j) A[r * n + j] -= m * A[c * n + j], I[r * n + j] -= m * I[c * n + j];
        }
    }
    return I;
}

double max_abs_diff(const SquareMatrix& A, const SquareMatrix& B) {
    double m = 0;
    for (std::size_t i = 0; i < A.size(); ++i) m = std::max(m, std::fabs(A[i] - B[i]));
    return m;
}

}  // namespace

TEST_CASE(rosenbrock_from_the_classic_start) {
    // (−1.2, 1) → (1, 1); a trusted BFGS needs about 34 iterations, we allow 60.
    optim::BfgsOptions o;
    o.max_iterations = 60;
    o.gtol = 1e-8;
    const auto r = optim::bfgs(rosenbrock, {-1.2, 1.0}, o);
    std::fprintf(stderr, "  Rosenbrock: %d iterations, %s, f = %.3e\n", r.iterations(), r.reason.c_str(), r.f);
    CHECK(r.success());
    CHECK_LE(optim::max_abs(r.grad), 1e-8);
    CHECK_NEAR(r.x[0], 1.0, 1e-7);
    CHECK_NEAR(r.x[1], 1.0, 1e-7);
    CHECK_LE(r.iterations(), 60);
}

TEST_CASE(himmelblau_from_the_origin) {
    const auto r = optim::bfgs(himmelblau, {0.0, 0.0});
    CHECK(r.success());
    CHECK_LT(r.f, 1e-12);
    // It reaches one of the four minima; from (0, 0) it is (3, 2).
    CHECK_NEAR(r.x[0], 3.0, 1e-6);
    CHECK_NEAR(r.x[1], 2.0, 1e-6);
}

TEST_CASE(update_equals_the_product_form_and_keeps_the_secant_equation) {
    // H⁺ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ computed literally, against bfgs_update.
    Rng rng(3);
    const std::size_t n = 6;
    SquareMatrix H = random_spd(n, rng);
    for (int k = 0; k < 20; ++k) {
        Vector s(n), y(n);
        for (std::size_t i = 0; i < n; ++i) s[i] = rng.normal(), y[i] = s[i] + 0.3 * rng.normal();
        if (optim::dot(y, s) <= 0) continue;
        const double rho = 1 / optim::dot(y, s);
        SquareMatrix left = optim::identity(n), right = optim::identity(n), ss(n * n);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j) {
                left[i * n + j] -= rho * s[i] * y[j];
                right[i * n + j] -= rho * y[i] * s[j];
                ss[i * n + j] = rho * s[i] * s[j];
            }
        SquareMatrix expected = matmul(matmul(left, H, n), right, n);
        for (std::size_t i = 0; i < n * n; ++i) expected[i] += ss[i];
        CHECK(optim::bfgs_update(H, s, y));
        CHECK_LE(max_abs_diff(H, expected), 1e-10 * (1 + optim::max_abs(expected)));
        Vector Hy(n, 0.0);
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j) Hy[i] += H[i * n + j] * y[j];
        for (std::size_t i = 0; i < n; ++i) CHECK_NEAR(Hy[i], s[i], 1e-10 * (1 + optim::max_abs(s)));
        CHECK(positive_definite(H, n));
    }
}

TEST_CASE(inverse_hessian_stays_spd_and_secant_along_a_run) {
    // Every update of a Rosenbrock run: B⁻¹ symmetric, positive definite, and B⁻¹y = s.
    int updates = 0;
    bool symmetric = true, spd = true;
    double worst_secant = 0;
    optim::BfgsOptions o;
    o.on_update = [&](const Vector& s, const Vector& y, const SquareMatrix& H) {
        const std::size_t n = s.size();
        ++updates;
        for (std::size_t i = 0; i < n; ++i)
            for (std::size_t j = 0; j < n; ++j)
                symmetric = symmetric && std::fabs(H[i * n + j] - H[j * n + i]) <= 1e-12 * (1 + std::fabs(H[i * n + j]));
        spd = spd && positive_definite(H, n);
        for (std::size_t i = 0; i < n; ++i) {
            double Hy = 0;
            for (std::size_t j = 0; j < n; ++j) Hy += H[i * n + j] * y[j];
            worst_secant = std::max(worst_secant, std::fabs(Hy - s[i]) / (optim::max_abs(s) + 1e-300));
        }
    };
    const auto r = optim::bfgs(rosenbrock, {-1.2, 1.0}, o);
    CHECK(r.success());
    CHECK_LT(20, updates);
    CHECK(symmetric);
    CHECK(spd);
    CHECK_LE(worst_secant, 1e-8);
}

TEST_CASE(quadratic_termination_with_exact_line_search) {
    // f = ½ xᵀQx − bᵀx. With exact steps α = −gᵀp / pᵀQp, BFGS from B⁻¹ = I finds the minimum
    // in at most n iterations and then B⁻¹ = Q⁻¹ (Nocedal & Wright, Theorem 6.4 and its proof).
    for (std::size_t n : {2u, 6u, 10u}) {
        Rng rng(100 + n);
        const SquareMatrix Q = random_spd(n, rng);
        Vector b(n), x0(n);
        for (std::size_t i = 0; i < n; ++i) b[i] = rng.normal(), x0[i] = rng.normal();
        optim::Objective f = [&](const Vector& x, Vector& g) {
            double v = 0;
            for (std::size_t i = 0; i < n; ++i) {
                double Qx = 0;
                for (std::size_t j = 0; j < n; ++j) Qx += Q[i * n + j] * x[j];
                g[i] = Qx - b[i];
                v += 0.5 * x[i] * Qx - b[i] * x[i];
            }
            return v;
        };
        optim::BfgsOptions o;
        o.gtol = 1e-9;
        o.line_search = [&](const optim::Objective& fn, const Vector& x, double, const Vector& g,
                            const Vector& p) {
            double pQp = 0;
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = 0; j < n; ++j) pQp += p[i] * Q[i * n + j] * p[j];
            optim::LineSearchResult r;
            r.alpha = -optim::dot(g, p) / pQp;
            r.x = x;
            for (std::size_t i = 0; i < n; ++i) r.x[i] += r.alpha * p[i];
            r.grad.assign(n, 0.0);
            r.f = fn(r.x, r.grad);
            r.trials = 1;
            return r;
        };
        const auto r = optim::bfgs(f, x0, o);
        CHECK(r.success());
        CHECK_LE(r.iterations(), static_cast<int>(n));
        const SquareMatrix Qinv = inverse(Q, n);
        CHECK_LE(max_abs_diff(r.inverse_hessian, Qinv), 1e-10);
    }
}

TEST_CASE(no_finite_minimiser_ends_with_a_failure_reason) {
    int evaluations = 0;
    optim::Objective f = [&](const Vector& x, Vector& g) {
        ++evaluations;
        g[0] = 1;
        return x[0];
    };
    const auto r = optim::bfgs(f, {0.0});
    CHECK(!r.success());
    CHECK(r.stop == optim::StopReason::line_search_failed);
    CHECK(r.reason.find("largest allowed step") != std::string::npos);   // α doubled up to α_max
    CHECK_LE(evaluations, 1 + 100 * 60);   // within its budget
}

TEST_CASE(nan_at_the_start_diverges_at_iteration_zero) {
    int evaluations = 0;
    optim::Objective f = [&](const Vector&, Vector& g) {
        ++evaluations;
        g[0] = 0;
        return static_cast<double>(NAN);
    };
    const auto r = optim::bfgs(f, {1.0});
    CHECK(r.stop == optim::StopReason::diverged);
    CHECK(r.reason.rfind("diverged at iteration 0: ", 0) == 0);
    CHECK_EQ(evaluations, 1);
    CHECK_EQ(r.iterations(), 0);
}

namespace {
// f = Σ (x_i − 3)² where x₀ < 2 and NaN beyond: the minimum lies past a wall of NaN.
double walled_quadratic(const Vector& x, Vector& g) {
    if (x[0] >= 2) {
        g[0] = g[1] = std::nan("");
        return std::nan("");
    }
    g[0] = 2 * (x[0] - 3);
    g[1] = 2 * (x[1] - 3);
    return (x[0] - 3.0) * (x[0] - 3.0) + (x[1] - 3.0) * (x[1] - 3.0);
}
}  // namespace

TEST_CASE(report_search_into_a_non_finite_region_diverges) {
    // From (0, 0), p = −∇f = (6, 6): the report's first trial, α = 1, lands at (6, 6), beyond the
    // wall. Its rule has no way back, so BFGS stops in iteration 1 and says it diverged.
    optim::BfgsOptions o;
    o.line_search = optim::report_line_search({});
    const auto r = optim::bfgs(walled_quadratic, {0.0, 0.0}, o);
    CHECK(r.stop == optim::StopReason::diverged);
    CHECK(r.reason.rfind("diverged at iteration 1: ", 0) == 0);
    CHECK_EQ(r.iterations(), 0);
    CHECK_EQ(r.f, 18.0);   // the last finite point is kept
}

TEST_CASE(zero_gradient_at_the_start_is_success_at_iteration_zero) {
    optim::Objective f = [](const Vector& x, Vector& g) {
        g[0] = 2 * x[0];
        g[1] = 2 * x[1];
        return x[0] * x[0] + x[1] * x[1];
    };
    optim::BfgsOptions o;
    o.gtol = 0;   // even with no tolerance at all
    const auto r = optim::bfgs(f, {0.0, 0.0}, o);
    CHECK(r.success());
    CHECK_EQ(r.iterations(), 0);
}

TEST_CASE(ascent_direction_resets_the_inverse_hessian) {
    // Start from B⁻¹ = −I: p = +∇f is uphill. BFGS must reset to I, never search uphill.
    optim::BfgsOptions o;
    o.inverse_hessian0 = optim::identity(2);
    for (auto& h : o.inverse_hessian0) h = -h;
    bool searched_uphill = false;
    const auto wolfe = optim::wolfe_line_search({});
    o.line_search = [&](const optim::Objective& fn, const Vector& x, double fx, const Vector& g,
                        const Vector& p) {
        searched_uphill = searched_uphill || optim::dot(g, p) >= 0;
        return wolfe(fn, x, fx, g, p);
    };
    const auto r = optim::bfgs(himmelblau, {0.0, 0.0}, o);
    CHECK(!searched_uphill);
    CHECK_EQ(r.resets, 1);
    CHECK(r.history[1].reset);
    CHECK(r.success());
}

TEST_CASE(non_finite_region_is_never_accepted) {
    // The walled quadratic with strong Wolfe: the search steps back from the wall each time, so
    // no step may ever land beyond it.
    optim::BfgsOptions o;
    o.max_iterations = 30;
    const auto r = optim::bfgs(walled_quadratic, {0.0, 0.0}, o);
    bool all_finite = true;
    for (const auto& it : r.history) all_finite = all_finite && std::isfinite(it.f);
    CHECK(all_finite);
    std::fprintf(stderr, "  stopped after %d iterations at (%g, %g), f = %g: %s\n", r.iterations(),
                 r.x[0], r.x[1], r.f, r.reason.c_str());
    CHECK(r.x[0] < 2);
    // From (0, 0) the steps run along the diagonal towards (3, 3), so the wall is met near
    // (2, 2) where f = 2 (from f = 18 at the start). There every trial the search can still take
    // lands on the wall, so BFGS stops, and names the non-finite value as the reason.
    CHECK_LT(r.f, 2.1);
    CHECK(r.stop == optim::StopReason::diverged);
    CHECK(r.reason.find("non-finite") != std::string::npos);
}
