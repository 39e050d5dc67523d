// franke.hpp — the data of chapter 3 and the design matrices built from it.
//
// 001, Methods: 1000 points (x, y) uniform in [0, 1]², z = Franke(x, y) + 0.2·N(0, 1), 75 % for
// training and 25 % for testing, inputs and targets centred by the training means. The exact
// recipe (order of random draws, split) is the project's shared Franke recipe, so chapter 5
// builds the very same points from the same seed.
//
// Design matrices: the report's "tensor" basis x^i y^j, 0 ≤ i, j ≤ p (001, Methods), and the
// usual "total-degree" basis i + j ≤ p. The constant column x⁰y⁰ is left out: centring every
// column and z by their training means is the same as fitting an intercept that is not
// penalised (the report's "subtracting the mean").
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "chapters/chapter3_sgd_ridge/matrix.hpp"
#include "common/random.hpp"

// ---------------------------------------------------------------------------------------------
// The Franke function and the data set

// Franke(x, y) = ¾ exp(−(9x−2)²/4 − (9y−2)²/4) + ¾ exp(−(9x+1)²/49 − (9y+1)/10)
//              + ½ exp(−(9x−7)²/4 − (9y−3)²/4) − ⅕ exp(−(9x−4)² − (9y−7)²)
inline double franke(double x, double y) {
    const double a = 9 * x, b = 9 * y;
    return 0.75 * std::exp(-(a - 2) * (a - 2) / 4 - (b - 2) * (b - 2) / 4) +
           0.75 * std::exp(-(a + 1) * (a + 1) / 49 - (b + 1) / 10) +
           0.5 * std::exp(-(a - 7) * (a - 7) / 4 - (b - 3) * (b - 3) / 4) -
           0.2 * std::exp(-(a - 4) * (a - 4) - (b - 7) * (b - 7));
}

struct FrankeData {
    Vector x, y, z;                       // n points, in generation order i = 0 … n−1
    std::vector<std::size_t> train, test; // indices into x, y, z (in permutation order)
};

// The shared recipe: all x_i, y_i first (x then y per point), then all the noise, then one
// permutation whose first round(0.75·n) entries are the training set.
inline FrankeData make_franke_data(std::size_t n, std::uint64_t seed, double sigma = 0.2) {
    Rng rng(seed);
    FrankeData d;
    d.x.resize(n);
    d.y.resize(n);
    d.z.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        d.x[i] = rng.uniform();
        d.y[i] = rng.uniform();
    }
    for (std::size_t i = 0; i < n; ++i) d.z[i] = franke(d.x[i], d.y[i]) + sigma * rng.normal();
    const std::vector<std::size_t> perm = rng.permutation(n);
    const auto n_train = static_cast<std::size_t>(std::lround(0.75 * static_cast<double>(n)));
    d.train.assign(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(n_train));
    d.test.assign(perm.begin() + static_cast<std::ptrdiff_t>(n_train), perm.end());
    return d;
}

// ---------------------------------------------------------------------------------------------
// Bases of monomials

enum class Basis { tensor, total };

inline const char* basis_name(Basis b) { return b == Basis::tensor ? "tensor" : "total"; }

struct Monomial {
    int i, j;   // x^i y^j
};

// The monomials of a basis of degree p, without the constant:
//   tensor  x^i y^j, 0 ≤ i, j ≤ p     ((p+1)² − 1 terms; 001, Methods)
//   total   x^i y^j, i + j ≤ p        ((p+1)(p+2)/2 − 1 terms), ordered by total degree
inline std::vector<Monomial> monomials(Basis basis, int p) {
    std::vector<Monomial> terms;
    if (basis == Basis::tensor) {
        for (int i = 0; i <= p; ++i)
            for (int j = 0; j <= p; ++j)
                if (i + j > 0) terms.push_back({i, j});
    } else {
        for (int d = 1; d <= p; ++d)
            for (int i = d; i >= 0; --i) terms.push_back({i, d - i});
    }
    return terms;
}

// X: n×k with X(r, t) = x_r^i y_r^j for the t-th monomial (i, j).
inline Matrix design_matrix(const Vector& x, const Vector& y, const std::vector<Monomial>& terms) {
    Matrix X(x.size(), terms.size());
    for (std::size_t r = 0; r < x.size(); ++r)
        for (std::size_t t = 0; t < terms.size(); ++t)
            X(r, t) = std::pow(x[r], terms[t].i) * std::pow(y[r], terms[t].j);
    return X;
}

// ---------------------------------------------------------------------------------------------
// A regression problem: centred (and optionally scaled) training and test matrices.
//
// Column t becomes (X_t − mean_t) / scale_t with the training mean and, when scaling is on, the
// training standard deviation (else scale 1); z becomes z − z̄_train. A model then predicts
// ẑ = X_c β + z̄_train. Scaling changes what β means: a coefficient of a scaled column is
// β'_t = scale_t · β_t, so the same prediction has β_t = β'_t / scale_t in the original units,
// and a Ridge penalty λ‖β'‖² = λ Σ scale_t² β_t² penalises the original coefficients unevenly:
// Ridge on a scaled design is a different model (OLS is not: its predictions do not change).

struct Problem {
    std::vector<Monomial> terms;
    Matrix X_train, X_test;   // n_train×k, n_test×k, centred (and scaled)
    Vector z_train, z_test;   // centred by the training mean
    Vector mean, scale;       // k: the column transformation
    double z_mean = 0;        // z̄_train, added back to predict z itself
};

inline Problem make_problem(const FrankeData& d, Basis basis, int degree, bool scale_columns) {
    Problem P;
    P.terms = monomials(basis, degree);
    const Matrix X = design_matrix(d.x, d.y, P.terms);
    P.X_train = select_rows(X, d.train);
    P.X_test = select_rows(X, d.test);
    P.z_train = select(d.z, d.train);
    P.z_test = select(d.z, d.test);

    const std::size_t k = P.terms.size(), n = P.X_train.rows;
    P.mean.assign(k, 0.0);
    P.scale.assign(k, 1.0);
    for (std::size_t t = 0; t < k; ++t) {
        double sum = 0;
        for (std::size_t r = 0; r < n; ++r) sum += P.X_train(r, t);
        P.mean[t] = sum / static_cast<double>(n);
        if (scale_columns) {
            double ss = 0;
            for (std::size_t r = 0; r < n; ++r)
                ss += (P.X_train(r, t) - P.mean[t]) * (P.X_train(r, t) - P.mean[t]);
            const double sd = std::sqrt(ss / static_cast<double>(n));
            P.scale[t] = sd > 0 ? sd : 1.0;
        }
    }
    for (Matrix* M : {&P.X_train, &P.X_test})
        for (std::size_t r = 0; r < M->rows; ++r)
            for (std::size_t t = 0; t < k; ++t) (*M)(r, t) = ((*M)(r, t) - P.mean[t]) / P.scale[t];

    double zsum = 0;
    for (double v : P.z_train) zsum += v;
    P.z_mean = zsum / static_cast<double>(n);
    for (double& v : P.z_train) v -= P.z_mean;
    for (double& v : P.z_test) v -= P.z_mean;
    return P;
}
