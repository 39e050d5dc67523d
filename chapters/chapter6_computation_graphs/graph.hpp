// graph.hpp — reverse-mode automatic differentiation on matrices, written to be read.
//
// 002 (slides "Computation graph") writes a network as a directed graph of simple operations
// on vectors and matrices, runs a forward pass through it and then a backward pass, and calls
// the result automatic differentiation; 003 ("Mathematics of deep learning and neural
// networks") says that back-propagation is its reverse mode. This file is that machine.
//
// A graph is a list of nodes. Each node holds
//   value      the matrix the forward pass computed
//   grad       ∂L/∂value, the same shape, filled in by the backward pass
//   backward   the rule that passes grad on to the node's inputs, by ADDING to their grads
// An operation is one function: it computes its node's value (the forward rule) and, right
// below, stores the node's backward rule — forward and backward side by side, as micrograd does
// for scalars. Building the graph is the forward pass: each call computes its node at once.
//
// backward(g, L) is the chain rule run backwards: zero every grad once, set ∂L/∂L = 1, then
// visit the nodes in reverse topological order (every node after all the nodes that use it),
// each adding its share to its inputs' grads. Because shares are added, a value used by two
// nodes receives both: the sum over paths of the multivariate chain rule.
//
// Shapes: samples are columns (matrix.hpp). A bias is a column b (n×1) added to every column;
// 000 §3's computed biases h₀ and H₀ are rows (1×m) added to every row. A loss is 1×1.
//
// The operations, with G = ∂L/∂(the node's value):
//   matmul(A, B)            C = A B                        ∂A += G Bᵀ,   ∂B += Aᵀ G
//   transpose(A)            C = Aᵀ                         ∂A += Gᵀ
//   add_to_columns(X, b)    C = X + b 1ᵀ                   ∂X += G,      ∂b += G 1   (row sums)
//   add_to_rows(X, r)       C = X + 1 r                    ∂X += G,      ∂r += 1ᵀ G  (column sums)
//   row(X, i)               c = row i of X                 row i of ∂X += G
//   sum(X)                  s = Σ_ij x_ij                  ∂X += G (every entry)
//   sigmoid(X)              σ(X)                           ∂X += G ⊙ σ(X)(1 − σ(X))
//   tanh(X)                 tanh(X)                        ∂X += G ⊙ 1/cosh²(X)
//   relu(X)                 max(0, X)                      ∂X += G ⊙ [X > 0]
//   constant(X)             X                              nothing: the value is held fixed
//   squared_error(A, Y, w)  (w/m) Σ_j ‖a_j − y_j‖²         ∂A += G (2w/m)(A − Y)
//   softmax_cross_entropy(Z, c)
//                           (1/m) Σ_j −log softmax(z_j)_{c_j}   ∂Z += G (1/m)(softmax(Z) − Y_c)
//                           (Y_c: column j is the unit vector of class c_j)
//
// Deliberately left out: operations no network of the chapter uses, higher derivatives,
// in-place updates, and any cleverness in memory (every node keeps its value and its grad).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/chapter6_computation_graphs/matrix.hpp"

namespace ch6 {

using Id = std::size_t;   // a node's place in Graph::nodes
struct Graph;

struct Node {
    std::string op;           // "input", "parameter", or the operation that computed it
    std::string name;         // the document's symbol ("x2", "W1", "h0"); "" when it has none
    std::vector<Id> inputs;   // the nodes it was computed from, in argument order
    Matrix value;             // the forward pass's result
    Matrix grad;              // ∂L/∂value, same shape as value
    // Adds this node's grad, pulled back through its operation, into its inputs' grads.
    // Empty for leaves (inputs, parameters) and for constant().
    std::function<void(Graph&, const Node&)> backward;
};

struct Graph {
    std::vector<Node> nodes;   // in the order they were computed

    const Matrix& value(Id id) const { return nodes[id].value; }
    const Matrix& grad(Id id) const { return nodes[id].grad; }
    Matrix& grad(Id id) { return nodes[id].grad; }

    Id add(std::string op, std::vector<Id> inputs, Matrix value,
           std::function<void(Graph&, const Node&)> backward = {}) {
        for (Id in : inputs)
            if (in >= nodes.size()) throw std::invalid_argument(op + ": input node does not exist");
        nodes.push_back({std::move(op), "", std::move(inputs), std::move(value), Matrix(), std::move(backward)});
        return nodes.size() - 1;
    }
};

// Give a node the document's name (for tables and drawings); returns the node.
inline Id named(Graph& g, Id id, std::string name) {
    g.nodes[id].name = std::move(name);
    return id;
}

inline void require(bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument(what);
}

// ---------------------------------------------------------------------------------------------
// Leaves: the data (x, y) and the parameters (W₁, w₁₀, …). Both get gradients; the parameters'
// are the ones gradient descent uses.

inline Id input(Graph& g, Matrix value, std::string name) {
    return named(g, g.add("input", {}, std::move(value)), std::move(name));
}

inline Id parameter(Graph& g, Matrix value, std::string name) {
    return named(g, g.add("parameter", {}, std::move(value)), std::move(name));
}

// ---------------------------------------------------------------------------------------------
// Linear operations

// 002, "Computation graph": f₁: x₂ = W₁x and f₄: x₅ = W₂x₄.
// (C = AB, so ∂L/∂a_ip = Σ_j G_ij b_pj and ∂L/∂b_pj = Σ_i a_ip G_ij.)
inline Id matmul(Graph& g, Id A, Id B) {
    require(g.value(A).cols == g.value(B).rows, "matmul: shapes do not fit");
    return g.add("matmul", {A, B}, multiply(g.value(A), g.value(B)), [A, B](Graph& g, const Node& C) {
        add_times_transposed(g.grad(A), C.grad, g.value(B));   // ∂A += G Bᵀ
        add_transposed_times(g.grad(B), g.value(A), C.grad);   // ∂B += Aᵀ G
    });
}

// 000 §1: z̄ = Wᵀy needs the transpose of the parameter W.
inline Id transpose(Graph& g, Id A) {
    return g.add("transpose", {A}, transpose(g.value(A)), [A](Graph& g, const Node& C) {
        Matrix& dA = g.grad(A);
        for (std::size_t i = 0; i < dA.rows; ++i)
            for (std::size_t j = 0; j < dA.cols; ++j) dA(i, j) += C.grad(j, i);   // ∂A += Gᵀ
    });
}

// 002, "Computation graph": f₂: x₃ = x₂ + w₁₀ and f₅: x₆ = x₅ + w₂₀ — the bias column added to
// every sample. Every column uses b, so b's gradient is the sum of the columns of G.
inline Id add_to_columns(Graph& g, Id X, Id b) {
    const Matrix& x = g.value(X);
    const Matrix& bias = g.value(b);
    require(bias.rows == x.rows && bias.cols == 1, "add_to_columns: the bias must be a column of the same height");
    Matrix C = x;
    for (std::size_t i = 0; i < C.rows; ++i)
        for (std::size_t j = 0; j < C.cols; ++j) C(i, j) += bias(i, 0);
    return g.add("add_to_columns", {X, b}, std::move(C), [X, b](Graph& g, const Node& C) {
        Matrix& dX = g.grad(X);
        Matrix& db = g.grad(b);
        for (std::size_t i = 0; i < C.grad.rows; ++i)
            for (std::size_t j = 0; j < C.grad.cols; ++j) {
                dX(i, j) += C.grad(i, j);   // ∂X += G
                db(i, 0) += C.grad(i, j);   // ∂b += G 1
            }
    });
}

// 000 §3: W₂h* + h₀𝟏₄ and W₃H* + H₀𝟏₃ — one number per sample added to every unit of a layer.
// Every row uses r, so r's gradient is the sum of the rows of G.
inline Id add_to_rows(Graph& g, Id X, Id r) {
    const Matrix& x = g.value(X);
    const Matrix& add = g.value(r);
    require(add.rows == 1 && add.cols == x.cols, "add_to_rows: the addend must be a row of the same width");
    Matrix C = x;
    for (std::size_t i = 0; i < C.rows; ++i)
        for (std::size_t j = 0; j < C.cols; ++j) C(i, j) += add(0, j);
    return g.add("add_to_rows", {X, r}, std::move(C), [X, r](Graph& g, const Node& C) {
        Matrix& dX = g.grad(X);
        Matrix& dr = g.grad(r);
        for (std::size_t i = 0; i < C.grad.rows; ++i)
            for (std::size_t j = 0; j < C.grad.cols; ++j) {
                dX(i, j) += C.grad(i, j);   // ∂X += G
                dr(0, j) += C.grad(i, j);   // ∂r += 1ᵀ G
            }
    });
}

// 000 §3: h₀ = σ(h*₁) and H₀ = tanh(u₁) use the first component of a layer: row i of X.
inline Id row(Graph& g, Id X, std::size_t i) {
    const Matrix& x = g.value(X);
    require(i < x.rows, "row: no such row");
    Matrix C(1, x.cols);
    for (std::size_t j = 0; j < x.cols; ++j) C(0, j) = x(i, j);
    return g.add("row " + std::to_string(i + 1), {X}, std::move(C), [X, i](Graph& g, const Node& C) {
        Matrix& dX = g.grad(X);
        for (std::size_t j = 0; j < C.grad.cols; ++j) dX(i, j) += C.grad(0, j);   // row i of ∂X += G
    });
}

// s = Σ_ij x_ij: every entry moves s one for one.
inline Id sum(Graph& g, Id X) {
    double s = 0;
    for (double x : g.value(X).data) s += x;
    return g.add("sum", {X}, Matrix(1, 1, s), [X](Graph& g, const Node& S) {
        for (double& d : g.grad(X).data) d += S.grad(0, 0);   // ∂X += G
    });
}

// ---------------------------------------------------------------------------------------------
// Element-wise activations (002: sigmoid, tanh, ReLU)

// σ(s) = 1 / (1 + e^{−s}) without forming e^{|s|}: for s < 0 the equal form e^{s} / (1 + e^{s}).
inline double sigmoid(double s) {
    if (s >= 0) return 1.0 / (1.0 + std::exp(-s));
    const double e = std::exp(s);
    return e / (1.0 + e);
}

// σ′(s) = σ(s)(1 − σ(s)), from s and y = σ(s). For s ≤ 0, y ≤ ½ and 1 − y is exact to rounding;
// for s > 0, 1 − y would cancel (and round to 0 for s > 37), so we use the equal
// 1 − σ(s) = σ(−s) = e^{−s} y instead.
inline double sigmoid_prime(double s, double y) { return s > 0 ? y * (std::exp(-s) * y) : y * (1.0 - y); }

// 002, "Computation graph": f₃: x₄ = σ(x₃), element by element.
inline Id sigmoid(Graph& g, Id X) {
    Matrix Y = g.value(X);
    for (double& y : Y.data) y = sigmoid(y);
    return g.add("sigmoid", {X}, std::move(Y), [X](Graph& g, const Node& Y) {
        const Matrix& x = g.value(X);
        Matrix& dX = g.grad(X);
        for (std::size_t k = 0; k < dX.size(); ++k)
            dX.data[k] += Y.grad.data[k] * sigmoid_prime(x.data[k], Y.value.data[k]);   // G ⊙ σ′(X)
    });
}

// 002, "Other activation functions": tanh. tanh′(s) = 1 − tanh²(s) = 1/cosh²(s): from s, because
// 1 − tanh² of a rounded tanh keeps few digits for |s| > 10, and 1/cosh² becomes 0, not NaN,
// where cosh overflows.
inline Id tanh(Graph& g, Id X) {
    Matrix Y = g.value(X);
    for (double& y : Y.data) y = std::tanh(y);
    return g.add("tanh", {X}, std::move(Y), [X](Graph& g, const Node& Y) {
        const Matrix& x = g.value(X);
        Matrix& dX = g.grad(X);
        for (std::size_t k = 0; k < dX.size(); ++k) {
            const double c = std::cosh(x.data[k]);
            dX.data[k] += Y.grad.data[k] / (c * c);   // G ⊙ tanh′(X)
        }
    });
}

// 002, "Other activation functions": ReLU g(a) = max(0, a). At the kink a = 0 we take the
// derivative 0 (any value in [0, 1] is a subgradient).
inline Id relu(Graph& g, Id X) {
    Matrix Y = g.value(X);
    for (double& y : Y.data) y = y > 0 ? y : 0.0;
    return g.add("relu", {X}, std::move(Y), [X](Graph& g, const Node& Y) {
        const Matrix& x = g.value(X);
        Matrix& dX = g.grad(X);
        for (std::size_t k = 0; k < dX.size(); ++k)
            if (x.data[k] > 0) dX.data[k] += Y.grad.data[k];   // G ⊙ [X > 0]
    });
}

// The same value, but the backward pass stops here: the graph then differentiates as if this
// value were a fixed number. 000 §3's printed derivatives treat h₀ and H₀ this way.
inline Id constant(Graph& g, Id X) { return g.add("constant", {X}, g.value(X)); }

// ---------------------------------------------------------------------------------------------
// Losses (1×1 nodes)

// 000 §1 and §3: f = (1/m) Σ_i ‖z_i − ẑ_i‖² (weight 1); 003's C = ½‖a − y‖² averaged over the
// samples is weight ½. A: predictions, Y: targets, both n×m; m = number of columns.
inline Id squared_error(Graph& g, Id A, const Matrix& Y, double weight) {
    const Matrix& a = g.value(A);
    require(a.same_shape(Y), "squared_error: predictions and targets differ in shape");
    const double scale = weight / static_cast<double>(a.cols);
    double s = 0;
    for (std::size_t k = 0; k < a.size(); ++k) s += (a.data[k] - Y.data[k]) * (a.data[k] - Y.data[k]);
    return g.add("squared_error", {A}, Matrix(1, 1, scale * s), [A, Y, scale](Graph& g, const Node& L) {
        const Matrix& a = g.value(A);
        Matrix& dA = g.grad(A);
        for (std::size_t k = 0; k < dA.size(); ++k)
            dA.data[k] += L.grad(0, 0) * 2.0 * scale * (a.data[k] - Y.data[k]);   // G (2w/m)(A − Y)
    });
}

// 002, "Computation graph – cross entropy layer": L = −log ŷ_c = log Σ_j e^{a_j} − a_c with
// ∂L/∂a_i = ŷ_i − 1_{i=c}; here a = x₆, one column per sample, averaged over the m samples.
// From the logits, never from ŷ: log Σ_j e^{a_j} = a_max + log Σ_j e^{a_j − a_max}, where every
// exponent is ≤ 0 and one term is exactly 1, so nothing overflows and no log 0 can occur (logits
// 700 apart give L = 700, not ∞). ŷ = e^{a − log Σ e^{a}} is kept for the backward rule.
inline Id softmax_cross_entropy(Graph& g, Id Z, const std::vector<std::size_t>& c) {
    const Matrix& z = g.value(Z);
    require(c.size() == z.cols, "softmax_cross_entropy: one class per column needed");
    Matrix y_hat(z.rows, z.cols);
    double total = 0;
    for (std::size_t j = 0; j < z.cols; ++j) {
        require(c[j] < z.rows, "softmax_cross_entropy: class index out of range");
        double top = z(0, j);
        for (std::size_t k = 1; k < z.rows; ++k) top = std::max(top, z(k, j));
        double s = 0;
        for (std::size_t k = 0; k < z.rows; ++k) s += std::exp(z(k, j) - top);
        const double log_sum = top + std::log(s);
        for (std::size_t k = 0; k < z.rows; ++k) y_hat(k, j) = std::exp(z(k, j) - log_sum);
        total += log_sum - z(c[j], j);   // −log softmax(z_j)_{c_j}
    }
    const double inv_m = 1.0 / static_cast<double>(z.cols);
    return g.add("softmax_cross_entropy", {Z}, Matrix(1, 1, inv_m * total),
                 [Z, c, y_hat = std::move(y_hat), inv_m](Graph& g, const Node& L) {
                     Matrix& dZ = g.grad(Z);
                     for (std::size_t k = 0; k < dZ.rows; ++k)
                         for (std::size_t j = 0; j < dZ.cols; ++j)
                             dZ(k, j) += L.grad(0, 0) * inv_m * (y_hat(k, j) - (k == c[j] ? 1.0 : 0.0));
                 });
}

// ---------------------------------------------------------------------------------------------
// The backward pass

// The nodes that `output` depends on, each listed after all of its inputs: a depth-first walk
// from the output that appends a node once its inputs are done (micrograd's build_topo).
inline std::vector<Id> topological_order(const Graph& g, Id output) {
    std::vector<Id> order;
    std::vector<bool> visited(g.nodes.size(), false);
    std::function<void(Id)> visit = [&](Id v) {
        if (visited[v]) return;
        visited[v] = true;
        for (Id u : g.nodes[v].inputs) visit(u);
        order.push_back(v);
    };
    visit(output);
    return order;
}

// Reverse mode: given seed = ∂L/∂output, fill every node's grad with ∂L/∂(its value).
// Reverse topological order guarantees that a node's grad is complete — every node that uses
// it has added its share — before the node passes it on.
inline void backward(Graph& g, Id output, const Matrix& seed) {
    require(seed.same_shape(g.value(output)), "backward: the seed must have the output's shape");
    for (Node& n : g.nodes) n.grad = Matrix(n.value.rows, n.value.cols);   // zero every gradient, once
    g.grad(output) = seed;
    const std::vector<Id> order = topological_order(g, output);
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const Node& n = g.nodes[*it];
        if (n.backward) n.backward(g, n);
    }
}

// The gradient of a scalar L (a 1×1 node): ∂L/∂L = 1.
inline void backward(Graph& g, Id L) {
    require(g.value(L).rows == 1 && g.value(L).cols == 1, "backward: L must be a 1×1 node");
    backward(g, L, Matrix(1, 1, 1.0));
}

// The Jacobian ∂ vec(output) / ∂ vec(input) (entries row-major), one row per backward pass:
// seeding the output with the k-th unit matrix makes every grad the derivative of entry k.
// This is why reverse mode suits a scalar loss — one pass gives the whole gradient — and why a
// Jacobian with many rows costs many passes.
inline Matrix jacobian(Graph& g, Id output, Id input) {
    const Matrix& out = g.value(output);
    Matrix J(out.size(), g.value(input).size());
    for (std::size_t k = 0; k < out.size(); ++k) {
        Matrix seed(out.rows, out.cols);
        seed.data[k] = 1.0;
        backward(g, output, seed);
        for (std::size_t p = 0; p < J.cols; ++p) J(k, p) = g.grad(input).data[p];
    }
    return J;
}

}  // namespace ch6
