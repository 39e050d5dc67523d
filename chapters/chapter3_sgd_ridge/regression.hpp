// regression.hpp — the loss of linear regression, its gradient, and the scores of a fit.
//
// 001, "Stochastic Gradient Descent & Linear Regression" (Ridge paragraph):
//   C(β)  = (1/n) ‖Xβ − z‖² + λ ‖β‖²           (λ = 0: ordinary least squares)
//   ∇C(β) = (2/n) Xᵀ(Xβ − z) + 2λβ
// The report's middle formula for C puts the bracket around the two sums, (Σ y_i − Σ x_ij β_j)²,
// which is the square of one total, not the sum of squared residuals; its gradient is the right
// one for Σ (y_i − ỹ_i)², and that is what we implement (see the chapter README).
//
// Scores: MSE and R² = 1 − Σ(z − ẑ)² / Σ(z − z̄)², and their bootstrap spread: the report scores
// each trained model on 100 bootstrap resamples of the test set.
#pragma once

#include <cassert>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <span>
#include <vector>

#include "chapters/chapter3_sgd_ridge/matrix.hpp"
#include "common/random.hpp"

// ---------------------------------------------------------------------------------------------
// Loss and gradient over a set of rows (all rows for C itself, a mini-batch for SGD)

// C_B(β) = (1/|B|) Σ_{r∈B} (x_rᵀβ − z_r)² + λ‖β‖²
inline double cost(const Matrix& X, const Vector& z, const Vector& beta, double lambda,
                   std::span<const std::size_t> rows) {
    double ss = 0;
    for (std::size_t r : rows) {
        const double e = dot(X.row(r), beta.data(), X.cols) - z[r];
        ss += e * e;
    }
    return ss / static_cast<double>(rows.size()) + lambda * dot(beta, beta);
}

// ∇C_B(β) = (2/|B|) Σ_{r∈B} x_r (x_rᵀβ − z_r) + 2λβ, written into `grad` (size k, overwritten).
inline void cost_gradient(const Matrix& X, const Vector& z, const Vector& beta, double lambda,
                          std::span<const std::size_t> rows, Vector& grad) {
    const std::size_t k = X.cols;
    grad.assign(k, 0.0);   // zero the gradient, then accumulate Xᵀ(Xβ − z) over the rows
    for (std::size_t r : rows) {
        const double e = dot(X.row(r), beta.data(), k) - z[r];
        axpy(e, X.row(r), grad.data(), k);
    }
    const double two_over_n = 2.0 / static_cast<double>(rows.size());
    for (std::size_t t = 0; t < k; ++t) grad[t] = two_over_n * grad[t] + 2 * lambda * beta[t];
}

// The same gradient, the same sums in the same order, four rows at a time: each entry of Xᵀ(Xβ − z)
// is loaded once, gains four terms in a register, and is stored once, instead of making a round
// trip through memory for every row (what bounds the row-by-row loop on the small batches of
// SGD). Bit for bit equal to cost_gradient (a test holds them so); SGD uses this one.
inline void cost_gradient_by_fours(const Matrix& X, const Vector& z, const Vector& beta, double lambda,
                                   std::span<const std::size_t> rows, Vector& grad) {
    const std::size_t k = X.cols, n = rows.size();
    grad.assign(k, 0.0);
    double* g = grad.data();
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const double* x0 = X.row(rows[i]);
        const double* x1 = X.row(rows[i + 1]);
        const double* x2 = X.row(rows[i + 2]);
        const double* x3 = X.row(rows[i + 3]);
        const double e0 = dot(x0, beta.data(), k) - z[rows[i]], e1 = dot(x1, beta.data(), k) - z[rows[i + 1]];
        const double e2 = dot(x2, beta.data(), k) - z[rows[i + 2]], e3 = dot(x3, beta.data(), k) - z[rows[i + 3]];
        for (std::size_t t = 0; t < k; ++t) {
            double sum = g[t];
            sum += e0 * x0[t];
            sum += e1 * x1[t];
            sum += e2 * x2[t];
            sum += e3 * x3[t];
            g[t] = sum;
        }
    }
    for (; i < n; ++i) axpy(dot(X.row(rows[i]), beta.data(), k) - z[rows[i]], X.row(rows[i]), g, k);
    const double two_over_n = 2.0 / static_cast<double>(n);
    for (std::size_t t = 0; t < k; ++t) grad[t] = two_over_n * grad[t] + 2 * lambda * beta[t];
}

// 0, 1, …, n−1: "all rows"
inline std::vector<std::size_t> all_rows(std::size_t n) {
    std::vector<std::size_t> rows(n);
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    return rows;
}

// The full-data loss and gradient (001: C(β) and ∇C(β) above).
inline double cost(const Matrix& X, const Vector& z, const Vector& beta, double lambda) {
    return cost(X, z, beta, lambda, all_rows(X.rows));
}
inline Vector cost_gradient(const Matrix& X, const Vector& z, const Vector& beta, double lambda) {
    Vector grad;
    cost_gradient(X, z, beta, lambda, all_rows(X.rows), grad);
    return grad;
}

// ---------------------------------------------------------------------------------------------
// Scores

// MSE = (1/n) Σ (z − ẑ)²
inline double mse(const Vector& z, const Vector& z_hat) {
    assert(z.size() == z_hat.size() && !z.empty());
    double ss = 0;
    for (std::size_t i = 0; i < z.size(); ++i) ss += (z[i] - z_hat[i]) * (z[i] - z_hat[i]);
    return ss / static_cast<double>(z.size());
}

// R² = 1 − Σ (z − ẑ)² / Σ (z − z̄)²; NaN when z is constant (R² is then undefined).
inline double r2(const Vector& z, const Vector& z_hat) {
    assert(z.size() == z_hat.size() && !z.empty());
    const double z_bar = std::accumulate(z.begin(), z.end(), 0.0) / static_cast<double>(z.size());
    double ss_res = 0, ss_tot = 0;
    for (std::size_t i = 0; i < z.size(); ++i) {
        ss_res += (z[i] - z_hat[i]) * (z[i] - z_hat[i]);
        ss_tot += (z[i] - z_bar) * (z[i] - z_bar);
    }
    return ss_tot > 0 ? 1 - ss_res / ss_tot : std::numeric_limits<double>::quiet_NaN();
}

struct Spread {
    double mean = 0, sd = 0;   // over the resamples; sd with the (B − 1) denominator
};
struct BootstrapScores {
    Spread mse, r2;
};

inline Spread spread(const Vector& v) {
    Spread s;
    if (v.empty()) return s;
    s.mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    double ss = 0;
    for (double x : v) ss += (x - s.mean) * (x - s.mean);
    s.sd = v.size() > 1 ? std::sqrt(ss / static_cast<double>(v.size() - 1)) : 0.0;
    return s;
}

// Score a trained model on B bootstrap resamples of its test set (n points drawn with
// replacement, B times). `rng` is taken by value: callers pass the same generator state for
// every model, so all models of a run are scored on the very same B resamples (paired).
inline BootstrapScores bootstrap_scores(const Vector& z, const Vector& z_hat, std::size_t B, Rng rng) {
    const std::size_t n = z.size();
    Vector mses(B), r2s(B), zb(n), zhb(n);
    for (std::size_t b = 0; b < B; ++b) {
        for (std::size_t i = 0; i < n; ++i) {
            const auto pick = static_cast<std::size_t>(rng.below(n));
            zb[i] = z[pick];
            zhb[i] = z_hat[pick];
        }
        mses[b] = mse(zb, zhb);
        r2s[b] = r2(zb, zhb);
    }
    return {spread(mses), spread(r2s)};
}
