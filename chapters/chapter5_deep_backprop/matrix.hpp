// matrix.hpp — chapter 5's small dense matrix: double precision, row-major, and only the
// operations the four back-propagation equations use.
//
// A mini-batch of m samples is stored with one sample per COLUMN, so every equation of 003 keeps
// its printed form with vectors replaced by matrices:
//   zˡ = Wˡ aˡ⁻¹ + bˡ        →  Zˡ (nₗ×m) = Wˡ (nₗ×nₗ₋₁) · Aˡ⁻¹ (nₗ₋₁×m) + bˡ 1ᵀ   multiply, add_to_columns
//   (Wˡ⁺¹)ᵀ δˡ⁺¹             →  (nₗ×m) = (Wˡ⁺¹)ᵀ · Δˡ⁺¹                              multiply_transposed_left
//   δˡ (aˡ⁻¹)ᵀ summed over m →  (nₗ×nₗ₋₁) = Δˡ · (Aˡ⁻¹)ᵀ                              multiply_transposed_right
//   Σ over the batch of δˡ   →  (nₗ×1) = Δˡ 1                                          row_sums
//   f′(z) ⊙ …                →  hadamard_in_place
//
// Speed without tricks: every product is written so that its innermost loop runs along a
// contiguous row as "c[j] += s · b[j]", which the compiler vectorises without reordering any
// sum (we build without -ffast-math, so a dot-product reduction would stay scalar). The results
// are bit-identical to the textbook triple loop in the same summation order (a test checks).
// Outputs come first and are resized in place, so a training loop allocates nothing per batch.
#pragma once

#include <cassert>
#include <cstddef>
#include <vector>

struct Matrix {
    std::size_t rows = 0, cols = 0;
    std::vector<double> data;   // row-major: element (i, j) at data[i * cols + j]

    Matrix() = default;
    Matrix(std::size_t r, std::size_t c, double value = 0.0) : rows(r), cols(c), data(r * c, value) {}

    double& operator()(std::size_t i, std::size_t j) { return data[i * cols + j]; }
    double operator()(std::size_t i, std::size_t j) const { return data[i * cols + j]; }
    double* row(std::size_t i) { return data.data() + i * cols; }
    const double* row(std::size_t i) const { return data.data() + i * cols; }
    std::size_t size() const { return data.size(); }

    // Change the shape; the contents are then unspecified (every caller overwrites them).
    // Keeps the allocation when it is large enough.
    void resize(std::size_t r, std::size_t c) {
        rows = r;
        cols = c;
        data.resize(r * c);
    }
    void fill(double value) {
        for (double& x : data) x = value;
    }
};

// The one kernel under all three products: c[·] += Σ_t s[t]·(row t of b) over `terms` rows of
// length `len`, the coefficients s[t] being `s_stride` apart and the rows `b_stride` apart. The
// terms are added one after another in order t = 0, 1, …, so the result is the naive loop's bit
// for bit; taking four rows at a time loads and stores c once per four terms instead of per term.
inline void add_scaled_rows(double* c, const double* s, std::size_t s_stride, const double* b,
                            std::size_t b_stride, std::size_t terms, std::size_t len) {
    std::size_t t = 0;
    for (; t + 4 <= terms; t += 4) {
        const double s0 = s[t * s_stride], s1 = s[(t + 1) * s_stride];
        const double s2 = s[(t + 2) * s_stride], s3 = s[(t + 3) * s_stride];
        const double* b0 = b + t * b_stride;
        const double *b1 = b0 + b_stride, *b2 = b1 + b_stride, *b3 = b2 + b_stride;
        for (std::size_t j = 0; j < len; ++j)
            c[j] = c[j] + s0 * b0[j] + s1 * b1[j] + s2 * b2[j] + s3 * b3[j];
    }
    for (; t < terms; ++t) {
        const double st = s[t * s_stride];
        const double* bt = b + t * b_stride;
        for (std::size_t j = 0; j < len; ++j) c[j] += st * bt[j];
    }
}

// C = A · B        (A: n×k, B: k×m, C: n×m):  C(i, ·) = Σ_p A(i, p) B(p, ·)
inline void multiply(Matrix& C, const Matrix& A, const Matrix& B) {
    assert(A.cols == B.rows);
    C.resize(A.rows, B.cols);
    C.fill(0.0);
    for (std::size_t i = 0; i < A.rows; ++i)
        add_scaled_rows(C.row(i), A.row(i), 1, B.data.data(), B.cols, A.cols, B.cols);
}

// C = Aᵀ · B       (A: k×n, B: k×m, C: n×m):  C(i, ·) = Σ_p A(p, i) B(p, ·)
inline void multiply_transposed_left(Matrix& C, const Matrix& A, const Matrix& B) {
    assert(A.rows == B.rows);
    C.resize(A.cols, B.cols);
    C.fill(0.0);
    for (std::size_t i = 0; i < A.cols; ++i)
        add_scaled_rows(C.row(i), A.data.data() + i, A.cols, B.data.data(), B.cols, A.rows, B.cols);
}

// Bᵀ (B: k×m → m×k)
inline void transpose(Matrix& T, const Matrix& B) {
    T.resize(B.cols, B.rows);
    for (std::size_t i = 0; i < B.rows; ++i)
        for (std::size_t j = 0; j < B.cols; ++j) T(j, i) = B(i, j);
}

// C = A · Bᵀ       (A: n×m, B: k×m, C: n×k):  C(i, ·) = Σ_j A(i, j) Bᵀ(j, ·). `scratch` receives
// Bᵀ, so that the rows added up are contiguous.
inline void multiply_transposed_right(Matrix& C, const Matrix& A, const Matrix& B, Matrix& scratch) {
    assert(A.cols == B.cols);
    transpose(scratch, B);
    multiply(C, A, scratch);
}

// Z(i, j) += b(i, 0) for every column j   (the bias bˡ added to every sample)
inline void add_to_columns(Matrix& Z, const Matrix& b) {
    assert(b.rows == Z.rows && b.cols == 1);
    for (std::size_t i = 0; i < Z.rows; ++i) {
        double* z = Z.row(i);
        const double bi = b(i, 0);
        for (std::size_t j = 0; j < Z.cols; ++j) z[j] += bi;
    }
}

// A ⊙= B (element-wise product)
inline void hadamard_in_place(Matrix& A, const Matrix& B) {
    assert(A.rows == B.rows && A.cols == B.cols);
    for (std::size_t k = 0; k < A.size(); ++k) A.data[k] *= B.data[k];
}

// s = A 1: the sum of each row (n×m → n×1)
inline void row_sums(Matrix& s, const Matrix& A) {
    s.resize(A.rows, 1);
    for (std::size_t i = 0; i < A.rows; ++i) {
        double sum = 0.0;
        const double* a = A.row(i);
        for (std::size_t j = 0; j < A.cols; ++j) sum += a[j];
        s(i, 0) = sum;
    }
}
