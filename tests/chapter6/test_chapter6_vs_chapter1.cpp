// The graph of 000 §1's single sigmoid layer gives chapter 1's hand-derived gradient
// ∇f = −(2/m) Σ_i y_i ((z_i − ẑ_i) ⊙ ẑ_i ⊙ (1 − ẑ_i))ᵀ: on the report's six samples and on random
// data, at ordinary and at saturated weights.
//
// Chapter 1 stores samples as rows (Y: m×3) and chapter 6 as columns (y: 3×m); both matrix
// classes are called Matrix, chapter 1's in the global namespace and chapter 6's in ch6.
#include <cmath>
#include <vector>

#include "chapters/chapter1_single_layer_bfgs/network.hpp"
#include "chapters/chapter6_computation_graphs/experiments.hpp"
#include "chapters/chapter6_computation_graphs/networks.hpp"
#include "common/files.hpp"
#include "common/random.hpp"
#include "testing.hpp"

namespace {

// Two derivations of one gradient, summed in different orders: they agree to rounding, far
// inside the 1e-12 relative the chapter claims.
constexpr double kTol = 1e-12;

ch6::Matrix columns_of(const Matrix& rows) {   // chapter 1's m×n samples as chapter 6's n×m
    ch6::Matrix T(rows.cols, rows.rows);
    for (std::size_t i = 0; i < rows.rows; ++i)
        for (std::size_t j = 0; j < rows.cols; ++j) T(j, i) = rows(i, j);
    return T;
}

ch6::Matrix copy(const Matrix& A) {
    ch6::Matrix B(A.rows, A.cols);
    B.data = A.data;
    return B;
}

// f and ∇_W f both ways; returns the scaled difference of the gradients.
double compare(const ch1::Samples& s, const Matrix& W) {
    const ch1::Forward F = ch1::forward(s.Y, W);
    const Matrix hand = ch1::gradient(s.Y, s.Z, F);
    ch6::Graph000s1 n = ch6::graph_000_s1(copy(W), columns_of(s.Y), columns_of(s.Z));
    ch6::backward(n.g, n.f);
    CHECK_REL(n.g.value(n.f)(0, 0), ch1::objective(s.Z, F), kTol);
    return ch6::scaled_difference(n.g.grad(n.W).data, hand.data);
}

}  // namespace

TEST_CASE(graph_equals_chapter1_gradient_on_the_report_samples) {
    const ch1::Samples s = ch1::load_samples(files::datasets_dir() / "single_layer.csv");
    CHECK_EQ(s.Y.rows, 6u);
    Rng rng(630);
    for (double scale : {0.01, 1.0, 10.0}) {   // 000 §1's three starts: near 0, N(0, 1), far out
        Matrix W(3, 2);
        for (double& w : W.data) w = scale * rng.normal();
        CHECK_LE(compare(s, W), kTol);
    }
}

TEST_CASE(graph_equals_chapter1_gradient_on_random_data) {
    Rng rng(631);
    for (int t = 0; t < 10; ++t) {
        ch1::Samples s{Matrix(1 + rng.below(20), 3), Matrix()};
        s.Z = Matrix(s.Y.rows, 2);
        for (double& v : s.Y.data) v = rng.normal();
        for (double& v : s.Z.data) v = rng.uniform();
        Matrix W(3, 2);
        for (double& w : W.data) w = 3 * rng.normal();
        CHECK_LE(compare(s, W), kTol);
    }
}
