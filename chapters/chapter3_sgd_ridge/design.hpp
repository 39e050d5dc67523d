// design.hpp — the design matrices chapter 3 builds from the Franke data.
//
// 001, Methods: 1000 points (x, y) uniform in [0, 1]², z = Franke(x, y) + 0.2·N(0, 1), 75 % for
// training and 25 % for testing, inputs and targets centred by the training means. The function
// and the data recipe are common/franke.hpp's, shared with chapter 5 (same seed, same points).
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
#include "common/franke.hpp"

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
// A design: centred (and optionally scaled) training and test matrices, and centred targets.
//
// Column t becomes (X_t − mean_t) / scale_t with the training mean and, when scaling is on, the
// training standard deviation (else scale 1); z becomes z − z̄_train. A model then predicts
// ẑ = X_c β + z̄_train. Scaling changes what β means: a coefficient of a scaled column is
// β'_t = scale_t · β_t, so the same prediction has β_t = β'_t / scale_t in the original units,
// and a Ridge penalty λ‖β'‖² = λ Σ scale_t² β_t² penalises the original coefficients unevenly:
// Ridge on a scaled design is a different model (OLS is not: its predictions do not change).

struct Design {
    std::vector<Monomial> terms;
    Matrix X_train, X_test;   // n_train×k, n_test×k, centred (and scaled)
    Vector z_train, z_test;   // centred by the training mean
    Vector mean, scale;       // k: the column transformation
    double z_mean = 0;        // z̄_train, added back to predict z itself
};

// The training mean of every column and, when scaling is on, its training standard deviation
// (1 for a constant column, and for every column when scaling is off).
inline void column_statistics(const Matrix& X_train, bool scale_columns, Vector& mean, Vector& scale) {
    const std::size_t k = X_train.cols, n = X_train.rows;
    mean.assign(k, 0.0);
    scale.assign(k, 1.0);
    for (std::size_t t = 0; t < k; ++t) {
        double sum = 0;
        for (std::size_t r = 0; r < n; ++r) sum += X_train(r, t);
        mean[t] = sum / static_cast<double>(n);
        if (!scale_columns) continue;
        double ss = 0;
        for (std::size_t r = 0; r < n; ++r) ss += (X_train(r, t) - mean[t]) * (X_train(r, t) - mean[t]);
        const double sd = std::sqrt(ss / static_cast<double>(n));
        scale[t] = sd > 0 ? sd : 1.0;
    }
}

inline Design make_design(const FrankeData& d, Basis basis, int degree, bool scale_columns) {
    Design D;
    D.terms = monomials(basis, degree);
    const Matrix X = design_matrix(d.x, d.y, D.terms);
    D.X_train = select_rows(X, d.train);
    D.X_test = select_rows(X, d.test);
    D.z_train = select(d.z, d.train);
    D.z_test = select(d.z, d.test);

    // Column t becomes (X_t − mean_t) / scale_t, on the test rows with the training numbers.
    column_statistics(D.X_train, scale_columns, D.mean, D.scale);
    const std::size_t k = D.terms.size();
    for (Matrix* M : {&D.X_train, &D.X_test})
        for (std::size_t r = 0; r < M->rows; ++r)
            for (std::size_t t = 0; t < k; ++t) (*M)(r, t) = ((*M)(r, t) - D.mean[t]) / D.scale[t];

    // z becomes z − z̄_train.
    double zsum = 0;
    for (double v : D.z_train) zsum += v;
    D.z_mean = zsum / static_cast<double>(D.z_train.size());
    for (double& v : D.z_train) v -= D.z_mean;
    for (double& v : D.z_test) v -= D.z_mean;
    return D;
}
