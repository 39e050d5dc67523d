// matrix.hpp — chapter 6's linear algebra: a small dense matrix of doubles and the few
// operations that the forward and backward rules of graph.hpp use.
//
// Samples are COLUMNS, as in 002's slides (x₂ = W₁x, one sample x per column): a batch of m
// inputs with d features is a d×m matrix, and W₁ (M×d) times it is M×m.
//
//   C = A B        forward of a matrix product                      multiply
//   C += Aᵀ B      its backward rule for the right factor (W₂ᵀ δ)   add_transposed_times
//   C += A Bᵀ      its backward rule for the left factor (δ x₄ᵀ)    add_times_transposed
//   Aᵀ             000 §1's z̄ = Wᵀ y                                transpose
//   ‖A‖            Frobenius norm, for the node tables              norm
//
// Every product's innermost loop runs along a contiguous row as c[j] += s·b[j], which the
// compiler vectorises without reordering any sum (no -ffast-math in this project).
#pragma once

#include <cassert>
#include <cmath>
#include <cstddef>
#include <vector>

namespace ch6 {

struct Matrix {
    std::size_t rows = 0, cols = 0;
    std::vector<double> data;   // row-major: element (i, j) at data[i * cols + j]

    Matrix() = default;
    Matrix(std::size_t r, std::size_t c, double fill = 0.0) : rows(r), cols(c), data(r * c, fill) {}

    double& operator()(std::size_t i, std::size_t j) { return data[i * cols + j]; }
    double operator()(std::size_t i, std::size_t j) const { return data[i * cols + j]; }
    std::size_t size() const { return data.size(); }
    bool same_shape(const Matrix& B) const { return rows == B.rows && cols == B.cols; }
};

// C = A B        (A: n×k, B: k×m, C: n×m)
inline Matrix multiply(const Matrix& A, const Matrix& B) {
    assert(A.cols == B.rows);
    Matrix C(A.rows, B.cols);
    for (std::size_t i = 0; i < A.rows; ++i) {
        double* c = &C.data[i * C.cols];
        for (std::size_t p = 0; p < A.cols; ++p) {
            const double a = A(i, p);
            const double* b = &B.data[p * B.cols];
            for (std::size_t j = 0; j < B.cols; ++j) c[j] += a * b[j];
        }
    }
    return C;
}

// C += Aᵀ B      (A: k×n, B: k×m, C: n×m)
inline void add_transposed_times(Matrix& C, const Matrix& A, const Matrix& B) {
    assert(A.rows == B.rows && C.rows == A.cols && C.cols == B.cols);
    for (std::size_t p = 0; p < A.rows; ++p) {
        const double* b = &B.data[p * B.cols];
        for (std::size_t i = 0; i < A.cols; ++i) {
            const double a = A(p, i);
            double* c = &C.data[i * C.cols];
            for (std::size_t j = 0; j < B.cols; ++j) c[j] += a * b[j];
        }
    }
}

// Aᵀ             (A: n×m → m×n)
inline Matrix transpose(const Matrix& A) {
    Matrix T(A.cols, A.rows);
    for (std::size_t i = 0; i < A.rows; ++i)
        for (std::size_t j = 0; j < A.cols; ++j) T(j, i) = A(i, j);
    return T;
}

// C += A Bᵀ      (A: n×m, B: k×m, C: n×k), as C += A (Bᵀ) with Bᵀ formed first, so that the
// rows added up are contiguous.
inline void add_times_transposed(Matrix& C, const Matrix& A, const Matrix& B) {
    assert(A.cols == B.cols && C.rows == A.rows && C.cols == B.rows);
    const Matrix Bt = transpose(B);
    for (std::size_t i = 0; i < A.rows; ++i) {
        double* c = &C.data[i * C.cols];
        for (std::size_t p = 0; p < A.cols; ++p) {
            const double a = A(i, p);
            const double* b = &Bt.data[p * Bt.cols];
            for (std::size_t j = 0; j < Bt.cols; ++j) c[j] += a * b[j];
        }
    }
}

// ‖A‖ = √(Σ a_ij²)
inline double norm(const Matrix& A) {
    double s = 0;
    for (double a : A.data) s += a * a;
    return std::sqrt(s);
}

}  // namespace ch6
