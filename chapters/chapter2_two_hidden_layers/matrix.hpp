// matrix.hpp — chapter 2's linear algebra: a small dense matrix of doubles and the three
// operations its equations use, one sample at a time:
//   A x        forward:  h* = W1 y,  W2 h*,  W3 H*
//   Aᵀ x       backward: the error sent back through a weight matrix (W3ᵀ δ, W2ᵀ δ)
//   G += c a bᵀ  a weight gradient: error times input, accumulated over the samples
#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

using Vec = std::vector<double>;

struct Matrix {
    std::size_t rows = 0, cols = 0;
    std::vector<double> data;   // row-major: element (i, j) at data[i * cols + j]

    Matrix() = default;
    Matrix(std::size_t r, std::size_t c, double fill = 0.0) : rows(r), cols(c), data(r * c, fill) {}

    double& operator()(std::size_t i, std::size_t j) { return data[i * cols + j]; }
    double operator()(std::size_t i, std::size_t j) const { return data[i * cols + j]; }
};

// A x
inline Vec matvec(const Matrix& A, const Vec& x) {
    assert(A.cols == x.size());
    Vec y(A.rows, 0.0);
    for (std::size_t i = 0; i < A.rows; ++i)
        for (std::size_t j = 0; j < A.cols; ++j) y[i] += A(i, j) * x[j];
    return y;
}

// Aᵀ x
inline Vec matvec_transposed(const Matrix& A, const Vec& x) {
    assert(A.rows == x.size());
    Vec y(A.cols, 0.0);
    for (std::size_t i = 0; i < A.rows; ++i)
        for (std::size_t j = 0; j < A.cols; ++j) y[j] += A(i, j) * x[i];
    return y;
}

// G += c · a bᵀ
inline void add_outer(Matrix& G, double c, const Vec& a, const Vec& b) {
    assert(G.rows == a.size() && G.cols == b.size());
    for (std::size_t i = 0; i < G.rows; ++i)
        for (std::size_t j = 0; j < G.cols; ++j) G(i, j) += c * a[i] * b[j];
}
