// networks.hpp — the documents' networks written as computation graphs (graph.hpp), and 002's
// network once more with its back-propagation derived by hand, for the graph to be checked against.
//
// 002, slides "Practical representations – computation graph" and "Computation graph":
//   z = σ(W₁x + w₁₀),  ŷ = softmax(W₂z + w₂₀),  L = −log ŷ_c, as the chain f₆ ∘ … ∘ f₁:
//   f₁: x₂ = W₁x   f₂: x₃ = x₂ + w₁₀   f₃: x₄ = σ(x₃)   f₄: x₅ = W₂x₄   f₅: x₆ = x₅ + w₂₀
//   f₆: L = −log softmax(x₆)_c        (for a batch: the mean over its m samples)
//   Shapes, with d inputs, M hidden units, K classes and m samples as columns:
//   x: d×m   W₁: M×d   w₁₀: M×1   x₂, x₃, x₄: M×m   W₂: K×M   w₂₀: K×1   x₅, x₆: K×m   L: 1×1
//
// 000 §1: z̄ = Wᵀy, ẑ = σ(z̄), f = (1/m) Σ_i ‖z_i − ẑ_i‖²      W: 3×2, y: 3×m, z and ẑ: 2×m
//
// 000 §3: h* = W₁y, h₀ = σ(h*₁), H* = tanh(W₂h* + h₀𝟏₄), H₀ = tanh(Σ_j W₂₁ⱼh*ⱼ + h₀) = tanh(u₁),
//         ẑ = tanh(W₃H* + H₀𝟏₃), f = (1/m) Σ_i ‖z_i − ẑ_i‖²
//         W₁: 5×6, W₂: 4×5, W₃: 3×4, y: 6×m, h*: 5×m, h₀ and H₀: 1×m, u and H*: 4×m, ẑ: 3×m
//         (the document counts components from 1: h*₁ is row 0 of h*.)
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "chapters/chapter6_computation_graphs/graph.hpp"
#include "chapters/chapter6_computation_graphs/matrix.hpp"
#include "common/random.hpp"

namespace ch6 {

// ---------------------------------------------------------------------------------------------
// 002's network

struct Net002 {
    Matrix W1;    // M×d, maps the input x (d) to x₂ (M)
    Matrix w10;   // M×1, the hidden layer's bias
    Matrix W2;    // K×M, maps x₄ (M) to x₅ (K)
    Matrix w20;   // K×1, the output layer's bias
};

// Every weight and bias of a layer drawn N(0, s²): s = input_scale for W₁ and w₁₀ (the inputs
// are of order 1, so s sets how sharp the hidden units' sigmoids are), s = 1/√M for W₂ and w₂₀
// (the logits then start of order 1 whatever M is).
inline Net002 random_net_002(std::size_t d, std::size_t M, std::size_t K, double input_scale, Rng& rng) {
    Net002 n{Matrix(M, d), Matrix(M, 1), Matrix(K, M), Matrix(K, 1)};
    const double out_scale = 1.0 / std::sqrt(static_cast<double>(M));
    for (double& w : n.W1.data) w = input_scale * rng.normal();
    for (double& w : n.w10.data) w = input_scale * rng.normal();
    for (double& w : n.W2.data) w = out_scale * rng.normal();
    for (double& w : n.w20.data) w = out_scale * rng.normal();
    return n;
}

inline std::size_t parameter_count(const Net002& n) {
    return n.W1.size() + n.w10.size() + n.W2.size() + n.w20.size();
}

// All parameters in one list (W₁, w₁₀, W₂, w₂₀, each row-major), and back.
inline std::vector<double> flatten(const Net002& n) {
    std::vector<double> theta;
    for (const Matrix* P : {&n.W1, &n.w10, &n.W2, &n.w20}) theta.insert(theta.end(), P->data.begin(), P->data.end());
    return theta;
}
inline void unflatten(Net002& n, const std::vector<double>& theta) {
    std::size_t k = 0;
    for (Matrix* P : {&n.W1, &n.w10, &n.W2, &n.w20})
        for (double& v : P->data) v = theta[k++];
}

// The graph of 002's network at one batch: the leaves, then one node per fᵢ.
struct Graph002 {
    Graph g;
    Id x, W1, w10, W2, w20;    // leaves
    Id x2, x3, x4, x5, x6, L;  // f₁ … f₆
};

// 002, "Computation graph": L = f₆(f₅(f₄(f₃(f₂(f₁(x)))))). x: d×m, c: the m class indices.
inline Graph002 graph_002(const Net002& net, const Matrix& x, const std::vector<std::size_t>& c) {
    Graph002 n;
    Graph& g = n.g;
    n.x = input(g, x, "x");
    n.W1 = parameter(g, net.W1, "W1");
    n.w10 = parameter(g, net.w10, "w10");
    n.W2 = parameter(g, net.W2, "W2");
    n.w20 = parameter(g, net.w20, "w20");
    n.x2 = named(g, matmul(g, n.W1, n.x), "x2");                    // f₁: x₂ = W₁x
    n.x3 = named(g, add_to_columns(g, n.x2, n.w10), "x3");          // f₂: x₃ = x₂ + w₁₀
    n.x4 = named(g, sigmoid(g, n.x3), "x4");                        // f₃: x₄ = σ(x₃)
    n.x5 = named(g, matmul(g, n.W2, n.x4), "x5");                   // f₄: x₅ = W₂x₄
    n.x6 = named(g, add_to_columns(g, n.x5, n.w20), "x6");          // f₅: x₆ = x₅ + w₂₀
    n.L = named(g, softmax_cross_entropy(g, n.x6, c), "L");         // f₆: L = −log softmax(x₆)_c
    return n;
}

// The gradients the backward pass left on the parameter leaves, in the shape of the network.
inline Net002 parameter_gradients(const Graph002& n) {
    return {n.g.grad(n.W1), n.g.grad(n.w10), n.g.grad(n.W2), n.g.grad(n.w20)};
}

// L and ∂L/∂(W₁, w₁₀, W₂, w₂₀) by the graph: build it (the forward pass), then backward.
struct LossAndGradient {
    double L;
    Net002 grad;
};
inline LossAndGradient graph_gradient_002(const Net002& net, const Matrix& x, const std::vector<std::size_t>& c) {
    Graph002 n = graph_002(net, x, c);
    backward(n.g, n.L);
    return {n.g.value(n.L)(0, 0), parameter_gradients(n)};
}

// ---------------------------------------------------------------------------------------------
// 002's network by hand: the forward pass with plain loops, and back-propagation derived on
// paper (002, "Error back propagation", with the softmax output of "cross entropy layer").
//   δ⁽²⁾ = ∂L/∂x₆ = (ŷ − y)/m                 y: the one-hot columns of c; 1/m from the mean
//   ∂L/∂W₂ = δ⁽²⁾ x₄ᵀ,  ∂L/∂w₂₀ = δ⁽²⁾ 1      (002: δ⁽²⁾_k z_j)
//   δ⁽¹⁾ = (W₂ᵀ δ⁽²⁾) ⊙ σ′(x₃)                (002: (Σ_k δ⁽²⁾_k w⁽²⁾_kj) h′(b_j))
//   ∂L/∂W₁ = δ⁽¹⁾ xᵀ,   ∂L/∂w₁₀ = δ⁽¹⁾ 1      (002: δ⁽¹⁾_j x_i)

struct Forward002 {
    Matrix x3;      // M×m, W₁x + w₁₀
    Matrix x4;      // M×m, σ(x₃)
    Matrix x6;      // K×m, W₂x₄ + w₂₀ (the logits)
    Matrix y_hat;   // K×m, softmax of each column of x₆
    double L = 0;   // mean of −log ŷ_c
};

inline Forward002 forward_002(const Net002& net, const Matrix& x, const std::vector<std::size_t>& c) {
    Forward002 f;
    f.x3 = multiply(net.W1, x);
    for (std::size_t i = 0; i < f.x3.rows; ++i)
        for (std::size_t j = 0; j < f.x3.cols; ++j) f.x3(i, j) += net.w10(i, 0);
    f.x4 = f.x3;
    for (double& v : f.x4.data) v = sigmoid(v);
    f.x6 = multiply(net.W2, f.x4);
    for (std::size_t k = 0; k < f.x6.rows; ++k)
        for (std::size_t j = 0; j < f.x6.cols; ++j) f.x6(k, j) += net.w20(k, 0);
    f.y_hat = Matrix(f.x6.rows, f.x6.cols);
    for (std::size_t j = 0; j < f.x6.cols; ++j) {   // log-sum-exp, as in softmax_cross_entropy
        double top = f.x6(0, j);
        for (std::size_t k = 1; k < f.x6.rows; ++k) top = std::max(top, f.x6(k, j));
        double s = 0;
        for (std::size_t k = 0; k < f.x6.rows; ++k) s += std::exp(f.x6(k, j) - top);
        const double log_sum = top + std::log(s);
        for (std::size_t k = 0; k < f.x6.rows; ++k) f.y_hat(k, j) = std::exp(f.x6(k, j) - log_sum);
        f.L += log_sum - f.x6(c[j], j);
    }
    f.L /= static_cast<double>(x.cols);
    return f;
}

inline Net002 backprop_002(const Net002& net, const Matrix& x, const std::vector<std::size_t>& c) {
    const Forward002 f = forward_002(net, x, c);
    const double inv_m = 1.0 / static_cast<double>(x.cols);
    Matrix delta2 = f.y_hat;                                       // δ⁽²⁾ = (ŷ − y)/m
    for (std::size_t j = 0; j < delta2.cols; ++j) delta2(c[j], j) -= 1.0;
    for (double& v : delta2.data) v *= inv_m;
    Net002 d{Matrix(net.W1.rows, net.W1.cols), Matrix(net.w10.rows, 1), Matrix(net.W2.rows, net.W2.cols),
             Matrix(net.w20.rows, 1)};
    add_times_transposed(d.W2, delta2, f.x4);                      // ∂L/∂W₂ = δ⁽²⁾ x₄ᵀ
    for (std::size_t k = 0; k < delta2.rows; ++k)
        for (std::size_t j = 0; j < delta2.cols; ++j) d.w20(k, 0) += delta2(k, j);   // ∂L/∂w₂₀ = δ⁽²⁾ 1
    Matrix delta1(net.W1.rows, x.cols);
    add_transposed_times(delta1, net.W2, delta2);                  // W₂ᵀ δ⁽²⁾ …
    for (std::size_t k = 0; k < delta1.size(); ++k)
        delta1.data[k] *= sigmoid(f.x3.data[k]) * sigmoid(-f.x3.data[k]);   // … ⊙ σ′(x₃)
    add_times_transposed(d.W1, delta1, x);                         // ∂L/∂W₁ = δ⁽¹⁾ xᵀ
    for (std::size_t i = 0; i < delta1.rows; ++i)
        for (std::size_t j = 0; j < delta1.cols; ++j) d.w10(i, 0) += delta1(i, j);   // ∂L/∂w₁₀ = δ⁽¹⁾ 1
    return d;
}

// ---------------------------------------------------------------------------------------------
// 000 §1: the single sigmoid layer

struct Graph000s1 {
    Graph g;
    Id y, W;              // leaves: the inputs (3×m) and the weights (3×2)
    Id Wt, z_bar, z_hat;  // Wᵀ, z̄ = Wᵀy, ẑ = σ(z̄)
    Id f;                 // (1/m) Σ ‖z − ẑ‖²
};

// 000 §1: z̄(y) = Wᵀy, ẑ = σ(z̄), f = (1/m) Σ_i ‖z_i − ẑ(y_i)‖². Y: 3×m, Z: 2×m.
inline Graph000s1 graph_000_s1(const Matrix& W, const Matrix& Y, const Matrix& Z) {
    Graph000s1 n;
    Graph& g = n.g;
    n.y = input(g, Y, "y");
    n.W = parameter(g, W, "W");
    n.Wt = named(g, transpose(g, n.W), "Wᵀ");
    n.z_bar = named(g, matmul(g, n.Wt, n.y), "z̄");
    n.z_hat = named(g, sigmoid(g, n.z_bar), "ẑ");
    n.f = named(g, squared_error(g, n.z_hat, Z, 1.0), "f");
    return n;
}

// ---------------------------------------------------------------------------------------------
// 000 §3: two hidden layers with the computed biases h₀ and H₀

struct Weights000s3 {
    Matrix W1{5, 6};   // maps y (6) to h* (5)
    Matrix W2{4, 5};   // maps h* (5) to H* (4)
    Matrix W3{3, 4};   // maps H* (4) to ẑ (3)
};

struct Graph000s3 {
    Graph g;
    Id y, W1, W2, W3;                 // leaves
    Id h_star, h_star_1, h0;          // h* = W₁y, its first row, h₀ = σ(h*₁)
    Id W2h, u, H_star, u_1, H0;       // W₂h*, u = W₂h* + h₀𝟏₄, H* = tanh u, u₁, H₀ = tanh u₁
    Id W3H, v, z_hat, f;              // W₃H*, v = W₃H* + H₀𝟏₃, ẑ = tanh v, the loss
};

// 000 §3, the network exactly as defined (62 weights, no free biases). h₀ feeds every unit of
// H through h₀𝟏₄, h* feeds both h₀ and W₂h*, u feeds both H* and H₀: not a chain. With
// biases_constant, h₀ and H₀ pass through constant() before they are used, so the backward pass
// drops every path through them — the derivatives 000 §3 prints.
inline Graph000s3 graph_000_s3(const Weights000s3& w, const Matrix& Y, const Matrix& Z, bool biases_constant = false) {
    Graph000s3 n;
    Graph& g = n.g;
    n.y = input(g, Y, "y");
    n.W1 = parameter(g, w.W1, "W1");
    n.W2 = parameter(g, w.W2, "W2");
    n.W3 = parameter(g, w.W3, "W3");
    n.h_star = named(g, matmul(g, n.W1, n.y), "h*");                 // h* = W₁y
    n.h_star_1 = named(g, row(g, n.h_star, 0), "h*₁");               // Σ_j W₁₁ⱼ y_j
    n.h0 = named(g, sigmoid(g, n.h_star_1), "h0");                   // h₀ = σ(h*₁)
    const Id h0_used = biases_constant ? named(g, constant(g, n.h0), "h0 fixed") : n.h0;
    n.W2h = named(g, matmul(g, n.W2, n.h_star), "W2 h*");
    n.u = named(g, add_to_rows(g, n.W2h, h0_used), "u");             // u = W₂h* + h₀𝟏₄
    n.H_star = named(g, tanh(g, n.u), "H*");                         // H* = tanh(u)
    n.u_1 = named(g, row(g, n.u, 0), "u₁");                          // Σ_j W₂₁ⱼ h*ⱼ + h₀
    n.H0 = named(g, tanh(g, n.u_1), "H0");                           // H₀ = tanh(u₁)
    const Id H0_used = biases_constant ? named(g, constant(g, n.H0), "H0 fixed") : n.H0;
    n.W3H = named(g, matmul(g, n.W3, n.H_star), "W3 H*");
    n.v = named(g, add_to_rows(g, n.W3H, H0_used), "v");             // v = W₃H* + H₀𝟏₃
    n.z_hat = named(g, tanh(g, n.v), "ẑ");                           // ẑ = tanh(v)
    n.f = named(g, squared_error(g, n.z_hat, Z, 1.0), "f");          // f = (1/m) Σ ‖z − ẑ‖²
    return n;
}

}  // namespace ch6
