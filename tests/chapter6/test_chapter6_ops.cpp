// Tests of chapter 6's graph operations: every backward rule against central differences, at
// random points and near saturation; values used twice; a graph that is not a chain; the
// backward pass's bookkeeping (zeroed once, reverse topological order, seeds, Jacobians).
//
// Each operation is checked alone with a random upstream gradient R: backward() seeded with R
// gives ∂(Σ R ⊙ out)/∂(inputs), and the differences are taken of f = Σ R ⊙ out, the graph
// rebuilt at every step.
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "chapters/chapter6_computation_graphs/graph.hpp"
#include "chapters/chapter6_computation_graphs/networks.hpp"
#include "common/finite_difference.hpp"
#include "common/random.hpp"
#include "testing.hpp"

using namespace ch6;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();
// At ordinary points the step is fd::step, h = ∛ε·max(1, |θ|) ≈ 6e-6: the truncation error
// h²f‴/6 and the rounding error ε|f|/h are both about 1e-11 relative, so a right rule agrees to
// ~1e-9; a wrong one (a missing factor, a transposed index) is off by O(1).
constexpr double kTol = 1e-7;
// Near saturation the derivative is tiny beside the value (σ′(20) ≈ 2e-9 while σ(20) ≈ 1), so the
// rounding error ε|f|/h of a difference is large relative to it and the step must be larger: an
// absolute h = 1e-2 makes it ≈ 3e-5 relative for σ at 20, while the truncation error h²f‴/(6f′)
// stays at h²/6 ≈ 2e-5 for σ (f‴ ≈ f′ there) and 4h²/6 ≈ 7e-5 for tanh (f‴ ≈ 4f′).
constexpr double kSaturatedStep = 1e-2;
constexpr double kSaturatedTol = 1e-3;

Matrix random_matrix(std::size_t r, std::size_t c, Rng& rng, double sd = 1.0, double mean = 0.0) {
    Matrix M(r, c);
    for (double& v : M.data) v = mean + sd * rng.normal();
    return M;
}

// An operation under test: it builds its node from leaves holding `inputs`.
using Op = std::function<Id(Graph&, const std::vector<Id>&)>;

// The value of f = Σ R ⊙ op(inputs).
double upstream_sum(const Op& op, const std::vector<Matrix>& inputs, const Matrix& R) {
    Graph g;
    std::vector<Id> leaves;
    for (const Matrix& M : inputs) leaves.push_back(input(g, M, ""));
    const Matrix& out = g.value(op(g, leaves));
    double f = 0;
    for (std::size_t k = 0; k < out.size(); ++k) f += R.data[k] * out.data[k];
    return f;
}

// backward() seeded with R against central differences of Σ R ⊙ op, for every entry of every
// input. step < 0: fd::step(θ); otherwise the absolute step h = step. An entry passes when |a − n| ≤ tol·max(|a|, |n|) + floor, where
// floor = 8ε·(|f| + Σ|R|)/h is the rounding error a difference of f can carry.
bool check_op(const std::string& name, const Op& op, std::vector<Matrix> inputs, Rng& rng, double tol = kTol,
              double step = -1) {
    Graph g;
    std::vector<Id> leaves;
    for (const Matrix& M : inputs) leaves.push_back(input(g, M, ""));
    const Id out = op(g, leaves);
    const Matrix R = random_matrix(g.value(out).rows, g.value(out).cols, rng);
    backward(g, out, R);
    double sum_r = 0;
    for (double r : R.data) sum_r += std::fabs(r);
    bool ok = true;
    double worst = 0;
    for (std::size_t i = 0; i < inputs.size(); ++i)
        for (std::size_t k = 0; k < inputs[i].size(); ++k) {
            const double v = inputs[i].data[k], h = step > 0 ? step : fd::step(v);
            inputs[i].data[k] = v + h;
            const double plus = upstream_sum(op, inputs, R);
            inputs[i].data[k] = v - h;
            const double minus = upstream_sum(op, inputs, R);
            inputs[i].data[k] = v;
            const double n = (plus - minus) / ((v + h) - (v - h));
            const double a = g.grad(leaves[i]).data[k];
            const double floor = 8 * kEps * (std::fabs(plus) + sum_r) / h;
            const double excess = std::fabs(a - n) - floor;
            const double rel = excess <= 0 ? 0 : excess / std::max(std::fabs(a), std::fabs(n));
            worst = std::max(worst, rel);
            if (!(rel <= tol) || !std::isfinite(a)) {
                if (ok) std::fprintf(stderr, "%s: input %zu entry %zu: graph %.12g differences %.12g\n", name.c_str(), i, k, a, n);
                ok = false;
            }
        }
    if (!ok) std::fprintf(stderr, "%s: worst relative error %.2e (tolerance %.0e)\n", name.c_str(), worst, tol);
    return ok;
}

// Entries away from ReLU's kink at 0 by at least 1e-3: a step of ~6e-6 never crosses it.
Matrix away_from_zero(Matrix M) {
    for (double& v : M.data)
        if (std::fabs(v) < 1e-3) v = v < 0 ? -0.5 : 0.5;
    return M;
}

}  // namespace

TEST_CASE(matmul_backward_matches_differences) {
    Rng rng(601);
    for (int t = 0; t < 5; ++t) {
        const std::size_t n = 1 + rng.below(4), k = 1 + rng.below(4), m = 1 + rng.below(4);
        CHECK(check_op("matmul", [](Graph& g, const std::vector<Id>& in) { return matmul(g, in[0], in[1]); },
                       {random_matrix(n, k, rng), random_matrix(k, m, rng)}, rng));
    }
}

TEST_CASE(linear_operations_backward_match_differences) {
    Rng rng(602);
    CHECK(check_op("transpose", [](Graph& g, const std::vector<Id>& in) { return transpose(g, in[0]); },
                   {random_matrix(3, 2, rng)}, rng));
    CHECK(check_op("add_to_columns", [](Graph& g, const std::vector<Id>& in) { return add_to_columns(g, in[0], in[1]); },
                   {random_matrix(4, 5, rng), random_matrix(4, 1, rng)}, rng));
    CHECK(check_op("add_to_rows", [](Graph& g, const std::vector<Id>& in) { return add_to_rows(g, in[0], in[1]); },
                   {random_matrix(4, 5, rng), random_matrix(1, 5, rng)}, rng));
    CHECK(check_op("row", [](Graph& g, const std::vector<Id>& in) { return row(g, in[0], 2); }, {random_matrix(4, 3, rng)}, rng));
    CHECK(check_op("sum", [](Graph& g, const std::vector<Id>& in) { return sum(g, in[0]); }, {random_matrix(3, 4, rng)}, rng));
}

TEST_CASE(activations_backward_match_differences) {
    Rng rng(603);
    CHECK(check_op("sigmoid", [](Graph& g, const std::vector<Id>& in) { return sigmoid(g, in[0]); },
                   {random_matrix(3, 4, rng, 2.0)}, rng));
    CHECK(check_op("tanh", [](Graph& g, const std::vector<Id>& in) { return tanh(g, in[0]); },
                   {random_matrix(3, 4, rng, 2.0)}, rng));
    CHECK(check_op("relu", [](Graph& g, const std::vector<Id>& in) { return relu(g, in[0]); },
                   {away_from_zero(random_matrix(3, 4, rng, 2.0))}, rng));
}

TEST_CASE(losses_backward_match_differences) {
    Rng rng(604);
    const Matrix Y = random_matrix(3, 5, rng);
    for (double w : {1.0, 0.5})
        CHECK(check_op("squared_error", [&](Graph& g, const std::vector<Id>& in) { return squared_error(g, in[0], Y, w); },
                       {random_matrix(3, 5, rng)}, rng));
    const std::vector<std::size_t> c{0, 2, 1, 3, 3, 0};
    CHECK(check_op("softmax_cross_entropy",
                   [&](Graph& g, const std::vector<Id>& in) { return softmax_cross_entropy(g, in[0], c); },
                   {random_matrix(4, 6, rng, 3.0)}, rng));
}

// σ at |z| ≈ 20: σ′ ≈ 2e-9, computed without cancellation (σ(20)·e^{−20}·σ(20), not σ(1 − σ)).
TEST_CASE(sigmoid_backward_near_saturation) {
    Rng rng(605);
    for (double centre : {20.0, -20.0}) {
        Matrix Z = random_matrix(2, 3, rng, 0.5, centre);
        CHECK(check_op("sigmoid at " + std::to_string(centre), [](Graph& g, const std::vector<Id>& in) { return sigmoid(g, in[0]); },
                       {Z}, rng, kSaturatedTol, kSaturatedStep));
        // The rule itself against σ′(z) = e^{−|z|}/(1 + e^{−|z|})², a form without cancellation.
        Graph g;
        const Id z = input(g, Z, "z");
        backward(g, sigmoid(g, z), Matrix(2, 3, 1.0));
        for (std::size_t k = 0; k < Z.size(); ++k) {
            const double e = std::exp(-std::fabs(Z.data[k]));
            CHECK_REL(g.grad(z).data[k], e / ((1 + e) * (1 + e)), 1e-14);
        }
    }
}

// tanh at |z| ≈ 8 (tanh′ ≈ 4.5e-7, still resolvable by a difference) and at |z| ≈ 20, where
// tanh′ ≈ 1.7e-17 lies below the spacing of doubles near ±1: tanh(20 ± h) both round to 1, the
// difference is 0, and the rule must give its tiny positive value, not 0 − 0 noise or NaN.
TEST_CASE(tanh_backward_near_saturation) {
    Rng rng(606);
    for (double centre : {8.0, -8.0})
        CHECK(check_op("tanh at " + std::to_string(centre), [](Graph& g, const std::vector<Id>& in) { return tanh(g, in[0]); },
                       {random_matrix(2, 3, rng, 0.3, centre)}, rng, kSaturatedTol, kSaturatedStep));
    for (double centre : {20.0, -20.0}) {
        const Matrix Z = random_matrix(2, 3, rng, 0.5, centre);
        CHECK(check_op("tanh at " + std::to_string(centre), [](Graph& g, const std::vector<Id>& in) { return tanh(g, in[0]); },
                       {Z}, rng, kSaturatedTol, kSaturatedStep));
        Graph g;
        const Id z = input(g, Z, "z");
        backward(g, tanh(g, z), Matrix(2, 3, 1.0));
        for (std::size_t k = 0; k < Z.size(); ++k) {
            const double e = std::exp(-2 * std::fabs(Z.data[k]));   // tanh′ = 4e^{−2|z|}/(1 + e^{−2|z|})²
            CHECK_REL(g.grad(z).data[k], 4 * e / ((1 + e) * (1 + e)), 1e-13);
            CHECK(g.grad(z).data[k] > 0);
        }
    }
}

// Logits 700 apart: e^{1400} would overflow and e^{−1400} underflows to 0, so a softmax formed
// from exponentials of the raw logits fails; from the logits (log-sum-exp) L and its gradient
// stay exact.
TEST_CASE(softmax_cross_entropy_with_logits_700_apart) {
    Rng rng(607);
    Matrix Z(3, 2);
    Z(0, 0) = 700, Z(1, 0) = 0, Z(2, 0) = -700;   // sample 0, true class 1: L = 700
    Z(0, 1) = 1400, Z(1, 1) = 700, Z(2, 1) = 0;   // sample 1, true class 0: L = e^{−700}·… ≈ 0
    const std::vector<std::size_t> c{1, 0};
    Graph g;
    const Id z = input(g, Z, "z");
    const Id L = softmax_cross_entropy(g, z, c);
    backward(g, L);
    CHECK_REL(g.value(L)(0, 0), 700.0 / 2, 1e-15);   // the mean of 700 and ≈ 1e-304
    const Matrix& d = g.grad(z);
    CHECK_REL(d(0, 0), 0.5, 1e-15);   // (ŷ − y)/m: ŷ ≈ (1, e^{−700}, e^{−1400})
    CHECK_REL(d(1, 0), -0.5, 1e-15);
    CHECK(d(2, 0) >= 0 && d(2, 0) < 1e-300);
    CHECK(std::fabs(d(0, 1)) < 1e-300 && d(1, 1) >= 0 && d(1, 1) < 1e-300);
    for (double v : d.data) CHECK(std::isfinite(v));
    CHECK(check_op("softmax_cross_entropy at logits 700 apart",
                   [&](Graph& h, const std::vector<Id>& in) { return softmax_cross_entropy(h, in[0], c); }, {Z}, rng));
}

// constant() passes its value on and stops the gradient.
TEST_CASE(constant_stops_the_gradient) {
    Rng rng(608);
    Graph g;
    const Id x = input(g, random_matrix(2, 2, rng), "x");
    const Id s = sum(g, add_to_rows(g, constant(g, x), row(g, x, 0)));
    backward(g, s);
    // Only the row(x, 0) path remains: ∂s/∂x = 2 (one per row of the sum) in row 0, 0 in row 1.
    CHECK_EQ(g.grad(x)(0, 0), 2.0);
    CHECK_EQ(g.grad(x)(0, 1), 2.0);
    CHECK_EQ(g.grad(x)(1, 0), 0.0);
    CHECK_EQ(g.grad(x)(1, 1), 0.0);
}

// One value feeding two nodes gets both contributions: s = Σ (tanh(X) + 1 X₁) has
// ∂s/∂X = 1/cosh²(X) + n·[row 0] (row 0 of X is added to each of the n rows); and A used twice
// in one node: s = Σ (AA) = 1ᵀAA1 has ∂s/∂A = 1(A1)ᵀ + (Aᵀ1)1ᵀ.
TEST_CASE(a_value_used_twice_gets_both_contributions) {
    Rng rng(609);
    const Matrix X = random_matrix(3, 4, rng);
    Graph g;
    const Id x = input(g, X, "X");
    backward(g, sum(g, add_to_rows(g, tanh(g, x), row(g, x, 0))));
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 4; ++j) {
            const double c = std::cosh(X(i, j));
            CHECK_REL(g.grad(x)(i, j), 1 / (c * c) + (i == 0 ? 3.0 : 0.0), 1e-14);
        }

    const Matrix A = random_matrix(3, 3, rng);
    Graph h;
    const Id a = input(h, A, "A");
    backward(h, sum(h, matmul(h, a, a)));
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j) {
            const double row_sum = A(j, 0) + A(j, 1) + A(j, 2), col_sum = A(0, i) + A(1, i) + A(2, i);
            CHECK_REL(h.grad(a)(i, j), row_sum + col_sum, 1e-14);
        }
    CHECK(check_op("sum(A A)", [](Graph& k, const std::vector<Id>& in) { return sum(k, matmul(k, in[0], in[0])); }, {A}, rng));
}

// 000 §3's graph is not a chain: h₀ feeds every unit of H (through h₀𝟏₄), h* feeds h₀ and W₂h*,
// u feeds H* and H₀. Its gradient against differences, at ordinary and at saturated weights;
// and h₀'s gradient is the sum over the four units of ∂f/∂u, as the broadcast demands.
TEST_CASE(graph_that_is_not_a_chain_000_s3) {
    Rng rng(610);
    for (double scale : {0.5, 1.0, 3.0}) {
        Weights000s3 w;
        for (Matrix* M : {&w.W1, &w.W2, &w.W3}) *M = random_matrix(M->rows, M->cols, rng, scale);
        const Matrix Y = random_matrix(6, 7, rng), Z = random_matrix(3, 7, rng, 0.5);
        Graph000s3 n = graph_000_s3(w, Y, Z);
        backward(n.g, n.f);
        for (std::size_t j = 0; j < 7; ++j) {
            double s = 0;
            for (std::size_t i = 0; i < 4; ++i) s += n.g.grad(n.u)(i, j);
            CHECK_REL(n.g.grad(n.h0)(0, j), s, 1e-14);
        }
        CHECK(check_op("000 §3 at weight scale " + std::to_string(scale),
                       [&](Graph& g, const std::vector<Id>& in) {
                           // The network with its three weight matrices as the inputs under test.
                           const Id y = input(g, Y, "y");
                           const Id h = matmul(g, in[0], y);
                           const Id h0 = sigmoid(g, row(g, h, 0));
                           const Id u = add_to_rows(g, matmul(g, in[1], h), h0);
                           const Id H0 = tanh(g, row(g, u, 0));
                           return squared_error(g, tanh(g, add_to_rows(g, matmul(g, in[2], tanh(g, u)), H0)), Z, 1.0);
                       },
                       {w.W1, w.W2, w.W3}, rng));
    }
}

// Every node's gradient is zeroed once per backward pass: two passes give the same numbers, not
// twice them; and the order visits every node after all of its users.
TEST_CASE(backward_twice_gives_the_same_gradient_and_order_is_topological) {
    Rng rng(611);
    Net002 net = random_net_002(2, 5, 3, 1.0, rng);
    Graph002 n = graph_002(net, random_matrix(2, 4, rng), {0, 1, 2, 1});
    backward(n.g, n.L);
    const Matrix first = n.g.grad(n.W1);
    backward(n.g, n.L);
    CHECK(first.data == n.g.grad(n.W1).data);
    const std::vector<Id> order = topological_order(n.g, n.L);
    CHECK_EQ(order.size(), n.g.nodes.size());
    CHECK_EQ(order.back(), n.L);
    std::vector<std::size_t> position(n.g.nodes.size());
    for (std::size_t k = 0; k < order.size(); ++k) position[order[k]] = k;
    for (Id v : order)
        for (Id u : n.g.nodes[v].inputs) CHECK_LT(position[u], position[v]);
}

// A Jacobian by reverse mode, one backward pass per row, against differences: x₂ = W₁x.
TEST_CASE(jacobian_rows_by_seeded_backward_passes) {
    Rng rng(612);
    const Matrix W = random_matrix(3, 2, rng), x = random_matrix(2, 1, rng);
    Graph g;
    const Id w = parameter(g, W, "W");
    const Id out = matmul(g, w, input(g, x, "x"));
    const Matrix J = jacobian(g, out, w);
    CHECK_EQ(J.rows, 3u);
    CHECK_EQ(J.cols, 6u);
    for (std::size_t k = 0; k < 3; ++k)
        for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t j = 0; j < 2; ++j) CHECK_EQ(J(k, i * 2 + j), k == i ? x(j, 0) : 0.0);   // ∂(Wx)_k/∂W_ij
}

// Shapes that do not fit are refused with a message, not read out of bounds.
TEST_CASE(mismatched_shapes_are_refused) {
    Graph g;
    const Id a = input(g, Matrix(2, 3), "a"), b = input(g, Matrix(2, 3), "b");
    CHECK_THROWS(matmul(g, a, b), std::invalid_argument, "matmul");
    CHECK_THROWS(add_to_columns(g, a, b), std::invalid_argument, "column");
    CHECK_THROWS(softmax_cross_entropy(g, a, {0, 1}), std::invalid_argument, "one class per column");
    CHECK_THROWS(softmax_cross_entropy(g, a, {0, 1, 2}), std::invalid_argument, "class index");
    CHECK_THROWS(backward(g, a), std::invalid_argument, "1×1");
}
