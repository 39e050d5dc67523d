// matrix.hpp — chapter 1's linear algebra: a small dense matrix of doubles and the two products
// its equations use. With m samples stored as rows,
//   Z̄ = Y W        (m×3 · 3×2): row i is z̄_iᵀ = (Wᵀ y_i)ᵀ, 000 §1
//   ∇_W f ∝ Yᵀ D   (3×m · m×2): Σ_i y_i d_iᵀ, the sum of outer products in ∇f
#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

struct Matrix {
    std::size_t rows = 0, cols = 0;
    std::vector<double> data;   // row-major: element (i, j) at data[i * cols + j]

    Matrix() = default;
    Matrix(std::size_t r, std::size_t c, double fill = 0.0) : rows(r), cols(c), data(r * c, fill) {}

    double& operator()(std::size_t i, std::size_t j) { return data[i * cols + j]; }
    double operator()(std::size_t i, std::size_t j) const { return data[i * cols + j]; }
};

// C = A B
inline Matrix matmul(const Matrix& A, const Matrix& B) {
    assert(A.cols == B.rows);
    Matrix C(A.rows, B.cols);
    for (std::size_t i = 0; i < A.rows; ++i)
        for (std::size_t k = 0; k < A.cols; ++k)
            for (std::size_t j = 0; j < B.cols; ++j) C(i, j) += A(i, k) * B(k, j);
    return C;
}

// C = Aᵀ B
inline Matrix matmul_transposed(const Matrix& A, const Matrix& B) {
    assert(A.rows == B.rows);
    Matrix C(A.cols, B.cols);
    for (std::size_t k = 0; k < A.rows; ++k)
        for (std::size_t i = 0; i < A.cols; ++i)
            for (std::size_t j = 0; j < B.cols; ++j) C(i, j) += A(k, i) * B(k, j);
    return C;
}
