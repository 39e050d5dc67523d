// The graph of 000 §3's network, with its computed biases h₀ and H₀, gives chapter 2's full
// hand-derived gradient; with h₀ and H₀ held fixed (constant() nodes) it gives chapter 2's
// "simplified" gradient — the derivatives 000 §3 prints — which differs where the red edges of
// graph_000_s3.svg carry gradient: W₂'s first row and W₁.
//
// Chapter 2 runs one sample at a time (vectors); chapter 6 holds the m samples as columns. Both
// matrix classes are called Matrix, chapter 2's in the global namespace and chapter 6's in ch6.
#include <cmath>
#include <vector>

#include "chapters/chapter2_two_hidden_layers/network.hpp"
#include "chapters/chapter6_computation_graphs/experiments.hpp"
#include "chapters/chapter6_computation_graphs/networks.hpp"
#include "common/random.hpp"
#include "testing.hpp"

namespace {

// Two derivations of one gradient, summed in different orders: agreement to rounding, inside
// the 1e-12 relative the chapter claims.
constexpr double kTol = 1e-12;

struct Both {
    ch2::Data data;
    ch6::Matrix Y{6, 0}, Z{3, 0};
};

Both sample_data(std::size_t m, Rng& rng) {
    Both b;
    b.Y = ch6::Matrix(6, m);
    b.Z = ch6::Matrix(3, m);
    for (std::size_t j = 0; j < m; ++j) {
        Vec y(6), z(3);
        for (std::size_t i = 0; i < 6; ++i) b.Y(i, j) = y[i] = rng.normal();
        for (std::size_t i = 0; i < 3; ++i) b.Z(i, j) = z[i] = rng.uniform(-0.9, 0.9);
        b.data.y.push_back(y);
        b.data.z.push_back(z);
    }
    return b;
}

ch6::Weights000s3 copy(const ch2::Weights& w) {
    ch6::Weights000s3 v;
    v.W1.data = w.W1.data;
    v.W2.data = w.W2.data;
    v.W3.data = w.W3.data;
    return v;
}

std::vector<double> graph_gradient(const ch2::Weights& w, const Both& b, bool biases_constant) {
    ch6::Graph000s3 n = ch6::graph_000_s3(copy(w), b.Y, b.Z, biases_constant);
    ch6::backward(n.g, n.f);
    CHECK_REL(n.g.value(n.f)(0, 0), ch2::objective(w, b.data), kTol);
    return ch6::concat({&n.g.grad(n.W1), &n.g.grad(n.W2), &n.g.grad(n.W3)});
}

}  // namespace

TEST_CASE(graph_equals_chapter2_full_gradient) {
    Rng rng(640);
    for (double scale : {0.1, 0.5, 1.0, 3.0}) {   // 3: most tanh units saturated
        const Both b = sample_data(15, rng);
        const ch2::Weights w = ch2::random_weights(rng, scale);
        CHECK_LE(ch6::scaled_difference(graph_gradient(w, b, false), ch2::pack(ch2::gradient(w, b.data, true))), kTol);
    }
}

TEST_CASE(graph_equals_chapter2_full_gradient_on_its_teacher_data) {
    const ch2::TeacherData t = ch2::make_teacher_data(1);
    Both b;
    b.data = t.train;
    b.Y = ch6::Matrix(6, t.train.y.size());
    b.Z = ch6::Matrix(3, t.train.y.size());
    for (std::size_t j = 0; j < t.train.y.size(); ++j) {
        for (std::size_t i = 0; i < 6; ++i) b.Y(i, j) = t.train.y[j][i];
        for (std::size_t i = 0; i < 3; ++i) b.Z(i, j) = t.train.z[j][i];
    }
    Rng rng = Rng::stream(1, 1);   // chapter 2's student start
    const ch2::Weights w = ch2::random_weights(rng, 0.5);
    CHECK_LE(ch6::scaled_difference(graph_gradient(w, b, false), ch2::pack(ch2::gradient(w, b.data, true))), kTol);
}

// Holding h₀ and H₀ fixed reproduces the report's derivatives exactly, and the report's
// derivatives are wrong exactly in W₁ and W₂'s first row: the blocks reached through h₀ and H₀.
TEST_CASE(graph_with_fixed_biases_equals_the_reports_gradient) {
    Rng rng(641);
    for (double scale : {0.5, 1.0}) {
        const Both b = sample_data(12, rng);
        const ch2::Weights w = ch2::random_weights(rng, scale);
        const auto fixed = graph_gradient(w, b, true), full = graph_gradient(w, b, false);
        CHECK_LE(ch6::scaled_difference(fixed, ch2::pack(ch2::gradient(w, b.data, false))), kTol);
        const auto& blocks = ch6::blocks_000_s3();   // W1, W2 row 1, W2 rows 2–4, W3
        CHECK(ch6::block_difference(fixed, full, blocks[0]) > 1e-3);
        CHECK(ch6::block_difference(fixed, full, blocks[1]) > 1e-3);
        CHECK_LE(ch6::block_difference(fixed, full, blocks[2]), 1e-14);
        CHECK_LE(ch6::block_difference(fixed, full, blocks[3]), 1e-14);
    }
}
