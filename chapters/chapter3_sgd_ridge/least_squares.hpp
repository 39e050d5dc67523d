// least_squares.hpp — the closed-form answers SGD is measured against, computed stably.
//
// OLS minimises ‖Xβ − z‖²; Ridge minimises (1/n)‖Xβ − z‖² + λ‖β‖² (001, Ridge paragraph), whose
// normal equations are (XᵀX + nλI)β = Xᵀz. Forming XᵀX squares the condition number, so we
// never do: both are solved as least-squares problems by Householder QR (Golub & Van Loan,
// Matrix Computations, Alg. 5.2.1), Ridge through the augmented system
//        ‖ [    X    ] β − [ z ] ‖²  =  ‖Xβ − z‖² + nλ‖β‖²,
//        ‖ [ √(nλ) I ]     [ 0 ] ‖
// whose normal equations are exactly the ones above.
//
// The condition number κ(X) = σ_max / σ_min comes from the singular values of R (X = QR with
// orthonormal Q has the same singular values as R), found by one-sided Jacobi rotations
// (Hestenes 1958; Demmel & Veselić 1992). Left out: column pivoting (a rank-deficient X gives a
// meaningless OLS answer here, and κ says so).
#pragma once

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "chapters/chapter3_sgd_ridge/matrix.hpp"

struct QRSolution {
    Vector beta;   // k: the least-squares solution
    Matrix R;      // k×k upper triangular factor of the (possibly augmented) matrix
};

// Householder QR of A (m×k, m ≥ k) applied to b at the same time; then back substitution
// R β = (Qᵀb)₁…ₖ. A is passed as its transpose At (k×m) so that each column is a contiguous row.
inline QRSolution householder_solve(Matrix At, Vector b) {
    const std::size_t k = At.rows, m = At.cols;
    assert(b.size() == m && m >= k);
    Vector v(m);
    QRSolution s{Vector(k, 0.0), Matrix(k, k)};
    for (std::size_t j = 0; j < k; ++j) {
        double* a = At.row(j);
        // The reflector H = I − 2vvᵀ/(vᵀv) maps a[j:] to α e₁, α = −sign(a_j)‖a[j:]‖ (no cancellation).
        const double norm = std::sqrt(dot(a + j, a + j, m - j));
        if (norm == 0) continue;   // the column is already zero below the diagonal: R_jj = 0
        const double alpha = a[j] > 0 ? -norm : norm;
        for (std::size_t i = j; i < m; ++i) v[i] = a[i];
        v[j] -= alpha;
        const double vtv = dot(v.data() + j, v.data() + j, m - j);
        // Apply H to the remaining columns and to b: y ← y − v (2 vᵀy / vᵀv).
        for (std::size_t c = j + 1; c < k; ++c) {
            double* y = At.row(c);
            axpy(-2 * dot(v.data() + j, y + j, m - j) / vtv, v.data() + j, y + j, m - j);
        }
        axpy(-2 * dot(v.data() + j, b.data() + j, m - j) / vtv, v.data() + j, b.data() + j, m - j);
        a[j] = alpha;
    }
    for (std::size_t r = 0; r < k; ++r)
        for (std::size_t c = r; c < k; ++c) s.R(r, c) = At(c, r);
    // Back substitution; a zero pivot leaves β_j = ±inf/NaN, which callers report, not hide.
    for (std::size_t r = k; r-- > 0;) {
        double sum = b[r];
        for (std::size_t c = r + 1; c < k; ++c) sum -= s.R(r, c) * s.beta[c];
        s.beta[r] = sum / s.R(r, r);
    }
    return s;
}

// OLS: argmin ‖Xβ − z‖² (X: n×k, z: n).
inline QRSolution ols(const Matrix& X, const Vector& z) { return householder_solve(transpose(X), z); }

// Ridge: argmin (1/n)‖Xβ − z‖² + λ‖β‖², by QR of the augmented (n+k)×k system [X; √(nλ) I].
// λ = 0 is OLS.
inline QRSolution ridge(const Matrix& X, const Vector& z, double lambda) {
    if (lambda == 0) return ols(X, z);
    const std::size_t n = X.rows, k = X.cols;
    Matrix At(k, n + k, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < k; ++j) At(j, i) = X(i, j);
    const double root = std::sqrt(static_cast<double>(n) * lambda);
    for (std::size_t j = 0; j < k; ++j) At(j, n + j) = root;
    Vector b(n + k, 0.0);
    std::copy(z.begin(), z.end(), b.begin());
    return householder_solve(std::move(At), std::move(b));
}

// ---------------------------------------------------------------------------------------------
// Singular values and the condition number

// Singular values of a square R (descending), by one-sided Jacobi: rotate pairs of columns
// g_p, g_q until every pair is orthogonal to working precision; the column norms are then the
// singular values. Each rotation zeroes g_pᵀg_q: with α = ‖g_p‖², β = ‖g_q‖², γ = g_pᵀg_q,
// ζ = (β − α)/(2γ), t = sign(ζ)/(|ζ| + √(1 + ζ²)), c = 1/√(1 + t²), s = ct.
inline Vector singular_values(const Matrix& R) {
    const std::size_t k = R.cols;
    Matrix G = transpose(R);   // row p of G is column p of R
    constexpr int kMaxSweeps = 60;   // Jacobi converges quadratically; 60 sweeps is never reached in practice
    const double eps = std::numeric_limits<double>::epsilon();
    for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
        bool rotated = false;
        for (std::size_t p = 0; p + 1 < k; ++p)
            for (std::size_t q = p + 1; q < k; ++q) {
                double* gp = G.row(p);
                double* gq = G.row(q);
                const double a = dot(gp, gp, k), b = dot(gq, gq, k), g = dot(gp, gq, k);
                if (std::fabs(g) <= eps * std::sqrt(a * b) || g == 0) continue;
                rotated = true;
                const double zeta = (b - a) / (2 * g);
                const double t = (zeta >= 0 ? 1.0 : -1.0) / (std::fabs(zeta) + std::sqrt(1 + zeta * zeta));
                const double c = 1 / std::sqrt(1 + t * t), s = c * t;
                for (std::size_t i = 0; i < k; ++i) {
                    const double x = gp[i], y = gq[i];
                    gp[i] = c * x - s * y;
                    gq[i] = s * x + c * y;
                }
            }
        if (!rotated) break;
    }
    Vector sigma(k);
    for (std::size_t p = 0; p < k; ++p) sigma[p] = std::sqrt(dot(G.row(p), G.row(p), k));
    std::sort(sigma.begin(), sigma.end(), [](double x, double y) { return x > y; });
    return sigma;
}

// κ(X) = σ_max / σ_min (+inf when σ_min = 0), from the R factor of X's QR factorisation.
inline double condition_number(const Matrix& X) {
    const Vector sigma = singular_values(ols(X, Vector(X.rows, 0.0)).R);
    if (sigma.empty()) return 1.0;
    return sigma.back() > 0 ? sigma.front() / sigma.back() : std::numeric_limits<double>::infinity();
}

// Above this κ we print "ill-conditioned" instead of κ, and leave the OLS answer out. A
// backward-stable solver guarantees the OLS coefficients only to a relative error of about κε
// (κ²ε when the residual is large; Higham, Accuracy and Stability of Numerical Algorithms,
// ch. 20), and the computed σ_min carries an error of about ε·σ_max, so beyond κε = 1e-3 neither
// κ nor the answer is trustworthy to 0.1 %. (On the Franke data, OLS coefficients computed in
// double and in 80-bit long double differ by 6e-4 at κ = 5e14 and by 16 % at κ = 2e16, where the
// two test MSEs are 6.2 and 4.9: rounding noise, not a result.)
constexpr double kIllConditioned = 1e-3 / std::numeric_limits<double>::epsilon();   // ≈ 4.5e12

inline bool ill_conditioned(double kappa) { return !(kappa < kIllConditioned); }
