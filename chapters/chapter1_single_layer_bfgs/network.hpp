// network.hpp — the single-layer sigmoid network of 000 §1: data, forward pass, objective and
// its gradient, as functions of the parameter vector x that BFGS optimises.
//
//   z̄(y) = Wᵀ y,  W ∈ ℝ^{3×2}           (000 §1)
//   ẑ(y) = σ(z̄(y))  elementwise          σ(s) = 1 / (1 + e^{−s})
//   f(x) = (1/m) Σ_i ‖z_i − ẑ(y_i; x)‖²
//   ∇f   = −(2/m) Σ_i y_i ((z_i − ẑ_i) ⊙ ẑ_i ⊙ (1 − ẑ_i))ᵀ   (a 3×2 matrix, the shape of W)
//   x    = vec(W) = (w11, w21, w31, w12, w22, w32): the columns of W one after the other, as
//          000 §1's text defines it. (Its code reshapes x row by row instead, x = (w11, w12, w21,
//          …); that only relabels a random start, but matters for --x0.)
//
// Shapes, with m samples as rows: Y m×3, Z m×2, W 3×2, Z̄ = Y W m×2, Ẑ m×2.
#pragma once

#include <cmath>
#include <filesystem>
#include <string>

#include "chapters/chapter1_single_layer_bfgs/matrix.hpp"
#include "common/csv.hpp"
#include "common/errors.hpp"
#include "common/line_search.hpp"

namespace ch1 {

using optim::Vector;

// ---------------------------------------------------------------------------------------------
// Data: the report's six samples (datasets/single_layer.csv, columns y1,y2,y3,z1,z2).

struct Samples {
    Matrix Y;   // m×3 inputs, one sample per row
    Matrix Z;   // m×2 targets
};

// A samples file larger than this is refused before it is read. The report's six samples take
// 200 bytes; 1 MiB holds some 40,000 samples of three inputs and two targets, which the default
// run (about 1,000 evaluations of f and ∇f) still trains in a few seconds and ~10 MB. A bound of
// 64 MiB would let a file of short rows take 0.8 GB and 20 s only to be read.
inline constexpr std::uintmax_t kMaxSampleFileBytes = std::uintmax_t{1} << 20;

inline Samples load_samples(const std::filesystem::path& path) {
    const csv::Table t = csv::read_numeric(path, kMaxSampleFileBytes);
    Samples s;
    const char* names[] = {"y1", "y2", "y3", "z1", "z2"};
    std::size_t col[5];
    for (int k = 0; k < 5; ++k) {
        try {
            col[k] = t.column(names[k]);
        } catch (const DataError&) {
            throw DataError(path.string() + ": no column '" + names[k] +
                            "' (expected columns y1,y2,y3,z1,z2)");
        }
    }
    if (t.rows.empty()) throw DataError(path.string() + ": no samples");
    s.Y = Matrix(t.rows.size(), 3);
    s.Z = Matrix(t.rows.size(), 2);
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        for (std::size_t j = 0; j < 3; ++j) s.Y(i, j) = t.rows[i][col[j]];
        for (std::size_t j = 0; j < 2; ++j) s.Z(i, j) = t.rows[i][col[3 + j]];
    }
    return s;
}

// ---------------------------------------------------------------------------------------------
// x ↔ W: 000 §1, x = (w11, w21, w31, w12, w22, w32), i.e. x[i + 3j] = W(i, j).

inline Matrix W_from_x(const Vector& x) {
    Matrix W(3, 2);
    for (std::size_t j = 0; j < 2; ++j)
        for (std::size_t i = 0; i < 3; ++i) W(i, j) = x[i + 3 * j];
    return W;
}

inline Vector x_from_W(const Matrix& W) {
    Vector x(6);
    for (std::size_t j = 0; j < 2; ++j)
        for (std::size_t i = 0; i < 3; ++i) x[i + 3 * j] = W(i, j);
    return x;
}

// ---------------------------------------------------------------------------------------------
// σ(s) = 1 / (1 + e^{−s}), evaluated so that e^{|s|} is never formed: for s < 0 the equal form
// e^{s} / (1 + e^{s}). No overflow for any s; σ(s) underflows gracefully to 0 for s < −745.
inline double sigmoid(double s) {
    if (s >= 0) return 1.0 / (1.0 + std::exp(-s));
    const double e = std::exp(s);
    return e / (1.0 + e);
}

// ---------------------------------------------------------------------------------------------
// Forward pass: every intermediate, for the gradient to reuse.

struct Forward {
    Matrix z_bar;             // m×2, z̄_i = Wᵀ y_i
    Matrix z_hat;             // m×2, ẑ_i = σ(z̄_i)
    Matrix one_minus_z_hat;   // m×2, 1 − ẑ_i, computed as σ(−z̄_i) (no cancellation when ẑ ≈ 1)
};

inline Forward forward(const Matrix& Y, const Matrix& W) {
    Forward F;
    F.z_bar = matmul(Y, W);   // Z̄ = Y W: row i is (Wᵀ y_i)ᵀ
    F.z_hat = Matrix(F.z_bar.rows, F.z_bar.cols);
    F.one_minus_z_hat = Matrix(F.z_bar.rows, F.z_bar.cols);
    for (std::size_t k = 0; k < F.z_bar.data.size(); ++k) {
        F.z_hat.data[k] = sigmoid(F.z_bar.data[k]);
        F.one_minus_z_hat.data[k] = sigmoid(-F.z_bar.data[k]);
    }
    return F;
}

// The residual z − ẑ of one output, without cancellation: when ẑ > ½ its distance to 1 is
// known accurately as σ(−z̄), so z − ẑ = (z − 1) + σ(−z̄). Otherwise, near a saturated output
// (ẑ = 1 − 1e-14, say), z − ẑ would keep only a digit or two, and so would f.
inline double residual(const Forward& F, const Matrix& Z, std::size_t k) {
    return F.z_hat.data[k] > 0.5 ? (Z.data[k] - 1.0) + F.one_minus_z_hat.data[k] : Z.data[k] - F.z_hat.data[k];
}

// f = (1/m) Σ_i ‖z_i − ẑ_i‖²
inline double objective(const Matrix& Z, const Forward& F) {
    double sum = 0;
    for (std::size_t k = 0; k < Z.data.size(); ++k) {
        const double r = residual(F, Z, k);
        sum += r * r;
    }
    return sum / static_cast<double>(Z.rows);
}

// ∇_W f = −(2/m) Σ_i y_i d_iᵀ with d_i = (z_i − ẑ_i) ⊙ ẑ_i ⊙ (1 − ẑ_i), using σ′ = σ(1 − σ).
// In matrix form: −(2/m) Yᵀ D, a 3×2 matrix like W.
inline Matrix gradient(const Matrix& Y, const Matrix& Z, const Forward& F) {
    Matrix D(Z.rows, Z.cols);
    for (std::size_t k = 0; k < D.data.size(); ++k)
        D.data[k] = residual(F, Z, k) * F.z_hat.data[k] * F.one_minus_z_hat.data[k];
    Matrix G = matmul_transposed(Y, D);
    const double scale = -2.0 / static_cast<double>(Z.rows);
    for (double& g : G.data) g *= scale;
    return G;
}

// f and ∇f as functions of x = vec(W): what BFGS sees.
inline optim::Objective make_objective(const Samples& s) {
    return [&s](const Vector& x, Vector& grad) {
        const Forward F = forward(s.Y, W_from_x(x));
        grad = x_from_W(gradient(s.Y, s.Z, F));
        return objective(s.Z, F);
    };
}

}  // namespace ch1
