// matrix.hpp — chapter 3's small matrix: a row-major table of doubles with only the operations
// linear regression needs (001, "Stochastic Gradient Descent & Linear Regression"):
//   ẑ = Xβ            predictions from a design matrix                     (matvec)
//   g = Xᵀr           the gradient's back-projection of residuals          (matvec_transposed)
//   dot, axpy         the vector arithmetic around them
// The least-squares solver (least_squares.hpp) works on columns and takes the transpose once.
// Deliberately left out: matrix–matrix products and inverses. The chapter never forms XᵀX.
#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

using Vector = std::vector<double>;

// rows × cols, row-major: element (i, j) is data[i·cols + j]; row i is one sample.
struct Matrix {
    std::size_t rows = 0, cols = 0;
    Vector data;

    Matrix() = default;
    Matrix(std::size_t r, std::size_t c, double value = 0.0) : rows(r), cols(c), data(r * c, value) {}

    double& operator()(std::size_t i, std::size_t j) { return data[i * cols + j]; }
    double operator()(std::size_t i, std::size_t j) const { return data[i * cols + j]; }
    double* row(std::size_t i) { return data.data() + i * cols; }
    const double* row(std::size_t i) const { return data.data() + i * cols; }
};

// a·b over n entries. Four partial sums: the compiler may not reorder a floating-point sum on its
// own (no -ffast-math), so we give it independent chains to work on. The result is still one
// fixed order of additions, the same on every machine.
inline double dot(const double* a, const double* b, std::size_t n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += a[i] * b[i];
        s1 += a[i + 1] * b[i + 1];
        s2 += a[i + 2] * b[i + 2];
        s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; ++i) s0 += a[i] * b[i];
    return (s0 + s1) + (s2 + s3);
}
inline double dot(const Vector& a, const Vector& b) {
    assert(a.size() == b.size());
    return dot(a.data(), b.data(), a.size());
}

// y ← y + α x over n entries.
inline void axpy(double alpha, const double* x, double* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) y[i] += alpha * x[i];
}

// X: n×p, β: p → Xβ: n
inline Vector matvec(const Matrix& X, const Vector& beta) {
    assert(beta.size() == X.cols);
    Vector out(X.rows);
    for (std::size_t i = 0; i < X.rows; ++i) out[i] = dot(X.row(i), beta.data(), X.cols);
    return out;
}

// X: n×p, r: n → Xᵀr: p (accumulated row by row, so X is read in storage order)
inline Vector matvec_transposed(const Matrix& X, const Vector& r) {
    assert(r.size() == X.rows);
    Vector out(X.cols, 0.0);
    for (std::size_t i = 0; i < X.rows; ++i) axpy(r[i], X.row(i), out.data(), X.cols);
    return out;
}

// Xᵀ: p×n. The QR factorisation walks columns; as rows of Xᵀ they are contiguous.
inline Matrix transpose(const Matrix& X) {
    Matrix T(X.cols, X.rows);
    for (std::size_t i = 0; i < X.rows; ++i)
        for (std::size_t j = 0; j < X.cols; ++j) T(j, i) = X(i, j);
    return T;
}

// The rows of X listed in `idx`, in that order (a training or test set, a bootstrap sample).
inline Matrix select_rows(const Matrix& X, const std::vector<std::size_t>& idx) {
    Matrix S(idx.size(), X.cols);
    for (std::size_t k = 0; k < idx.size(); ++k)
        for (std::size_t j = 0; j < X.cols; ++j) S(k, j) = X(idx[k], j);
    return S;
}
inline Vector select(const Vector& v, const std::vector<std::size_t>& idx) {
    Vector s(idx.size());
    for (std::size_t k = 0; k < idx.size(); ++k) s[k] = v[idx[k]];
    return s;
}
