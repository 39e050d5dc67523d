// Tests of 002's network as a graph: the quiz Jacobians in closed form against the graph and
// against central differences, slide 12's gradient, and the graph's gradient against the
// hand-derived back-propagation of the same network and against differences.
#include <cmath>
#include <cstdio>
#include <vector>

#include "chapters/chapter6_computation_graphs/experiments.hpp"
#include "chapters/chapter6_computation_graphs/graph.hpp"
#include "chapters/chapter6_computation_graphs/networks.hpp"
#include "chapters/chapter6_computation_graphs/quizzes.hpp"
#include "common/finite_difference.hpp"
#include "common/random.hpp"
#include "testing.hpp"

using namespace ch6;

namespace {

// The graph's Jacobians are the closed forms computed by other arithmetic (sums of the same
// products, or the same product in another order): equal to a few rounding errors.
constexpr double kExact = 1e-14;
// Central differences with h = ∛ε·max(1, |θ|): truncation and rounding errors ≈ 1e-11 relative
// to the Jacobian's scale; a wrong entry (a missing factor x₄ⱼ, the wrong σ′) is off by O(1).
constexpr double kDifferences = 1e-7;
// The graph and the hand-derived back-propagation do the same arithmetic in the same order;
// the bound the chapter claims is 1e-12 relative.
constexpr double kSameArithmetic = 1e-12;

Point002 point(std::uint64_t seed, std::size_t M, std::size_t K) { return seeded_point(seed, M, K); }

}  // namespace

// 002, quiz: ∂x₆/∂w₂₀ = I_K, ∂x₅/∂W₂ = I_K ⊗ x₄ᵀ, ∂x₄/∂x₃ = diag(x₄ ⊙ (1 − x₄)) — each by the graph
// (one backward pass per row) and by differences, for several sizes.
TEST_CASE(quiz_jacobians_closed_form_graph_and_differences_agree) {
    for (std::uint64_t seed : {1u, 2u, 3u})
        for (const auto& [M, K] : std::vector<std::pair<std::size_t, std::size_t>>{{4, 3}, {7, 2}, {3, 5}}) {
            const std::vector<QuizRow> rows = quizzes(point(seed, M, K));
            CHECK_EQ(rows.size(), 3u);
            for (const QuizRow& r : rows) {
                CHECK_LE(r.graph_vs_closed, kExact);
                CHECK_LE(r.fd_vs_closed, kDifferences);
            }
            CHECK_EQ(rows[0].shape, std::to_string(K) + "×" + std::to_string(K));
            CHECK_EQ(rows[1].shape, std::to_string(K) + "×" + std::to_string(K * M));
            CHECK_EQ(rows[2].shape, std::to_string(M) + "×" + std::to_string(M));
        }
}

// The closed forms themselves, entry by entry, on a hand-made example.
TEST_CASE(quiz_closed_forms_entry_by_entry) {
    Matrix x4(2, 1);
    x4(0, 0) = 0.25, x4(1, 0) = 0.75;
    const Matrix J = jacobian_x5_W2(x4, 3);   // 3 × 6: row k holds x₄ᵀ in columns 2k, 2k+1
    for (std::size_t k = 0; k < 3; ++k)
        for (std::size_t p = 0; p < 6; ++p) CHECK_EQ(J(k, p), p / 2 == k ? x4(p % 2, 0) : 0.0);
    Matrix x3(2, 1);
    x3(0, 0) = 0.0, x3(1, 0) = 40.0;
    const Matrix D = jacobian_x4_x3(x3);
    CHECK_EQ(D(0, 0), 0.25);                  // σ′(0) = ¼
    CHECK_REL(D(1, 1), std::exp(-40.0), 1e-14);   // σ′(40) = e^{−40}/(1 + e^{−40})², not 0
    CHECK_EQ(D(0, 1), 0.0);
    const Matrix I = jacobian_x6_w20(3);
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j) CHECK_EQ(I(i, j), i == j ? 1.0 : 0.0);
}

// 002, slide 12: ∂E_H/∂w_i = (1/N) Σ (ŷ − y) x_i against central differences, at ordinary
// weights and at weights large enough that most ŷ round to 0 or 1 (E_H still finite: it is
// computed from a = wᵀx, never from log ŷ).
TEST_CASE(slide_12_cross_entropy_gradient) {
    for (std::uint64_t seed : {1u, 4u, 9u}) CHECK_LE(slide12_check(seed), kDifferences);
    Rng rng(620);
    Matrix X(3, 30, 1.0);
    for (std::size_t n = 0; n < 30; ++n) X(1, n) = rng.normal(), X(2, n) = rng.normal();
    std::vector<double> y(30);
    for (double& v : y) v = rng.uniform() < 0.5 ? 0.0 : 1.0;
    const std::vector<double> w{0.5, 60.0, -45.0};   // |a| of tens: σ(a) saturates
    const double E = cross_entropy_E_H(w, X, y);
    CHECK(std::isfinite(E) && E > 1.0);
    const auto numeric = fd::gradient([&](const std::vector<double>& v) { return cross_entropy_E_H(v, X, y); }, w);
    CHECK_LE(scaled_difference(gradient_E_H(w, X, y), numeric), kDifferences);
}

// Back-propagation is reverse-mode automatic differentiation: the graph of 002's network gives
// the hand-derived gradient, for several widths, class counts and batch sizes.
TEST_CASE(graph_equals_hand_derived_backprop_of_002) {
    Rng rng(621);
    for (int t = 0; t < 12; ++t) {
        const std::size_t d = 1 + rng.below(4), M = 1 + rng.below(9), K = 2 + rng.below(4), m = 1 + rng.below(10);
        const Net002 net = random_net_002(d, M, K, 1.0 + 2.0 * rng.uniform(), rng);
        Matrix x(d, m);
        for (double& v : x.data) v = rng.normal();
        std::vector<std::size_t> c(m);
        for (auto& v : c) v = static_cast<std::size_t>(rng.below(K));
        const LossAndGradient lg = graph_gradient_002(net, x, c);
        const Net002 hand = backprop_002(net, x, c);
        CHECK_REL(lg.L, forward_002(net, x, c).L, kSameArithmetic);
        using Pair = std::pair<const Matrix*, const Matrix*>;
        for (const auto& [a, b] : std::vector<Pair>{{&lg.grad.W1, &hand.W1}, {&lg.grad.w10, &hand.w10},
                                                    {&lg.grad.W2, &hand.W2}, {&lg.grad.w20, &hand.w20}})
            CHECK_LE(scaled_difference(a->data, b->data), kSameArithmetic);
    }
}

// And both against central differences of L, at the seeded point and with the hidden layer
// pushed into saturation (W₁ × 8).
TEST_CASE(graph_of_002_matches_differences) {
    for (double scale : {1.0, 8.0}) {
        Point002 p = point(5, 6, 3);
        for (double& w : p.net.W1.data) w *= scale;
        const LossAndGradient lg = graph_gradient_002(p.net, p.x, p.c);
        const auto numeric = fd::gradient(
            [&](const std::vector<double>& theta) {
                Net002 n = p.net;
                unflatten(n, theta);
                return forward_002(n, p.x, p.c).L;
            },
            flatten(p.net));
        CHECK_LE(scaled_difference(flatten(lg.grad), numeric), kDifferences);
    }
}
