// The graph of 003's network of L layers, zˡ = Wˡaˡ⁻¹ + bˡ, aˡ = f(zˡ), built from chapter 6's
// operations, gives chapter 5's back-propagation — the four equations of 003 — on random
// architectures: random depth and widths, sigmoid, tanh, ReLU or linear hidden layers, and a
// linear output with ½‖a − y‖² or a softmax output with the cross-entropy.
//
// Chapter 5 and chapter 6 both hold samples as columns; their matrix classes are both called
// Matrix, chapter 5's in the global namespace and chapter 6's in ch6.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/network.hpp"
#include "chapters/chapter6_computation_graphs/experiments.hpp"
#include "chapters/chapter6_computation_graphs/graph.hpp"
#include "common/random.hpp"
#include "testing.hpp"

namespace {

// Two derivations of one gradient, summed in different orders: agreement to rounding, inside
// the 1e-12 relative the chapter claims.
constexpr double kTol = 1e-12;

ch6::Matrix copy(const Matrix& A) {
    ch6::Matrix B(A.rows, A.cols);
    B.data = A.data;
    return B;
}

// 003: zˡ = Wˡaˡ⁻¹ + bˡ, aˡ = f(zˡ) for l = 1 … L, then the loss — as a graph. W[l], b[l]: the
// parameter leaves of layer l + 1.
struct LayersGraph {
    ch6::Graph g;
    std::vector<ch6::Id> W, b;
    ch6::Id C = 0;
};

LayersGraph layers_graph(const Network& net, const Matrix& X, const Matrix& Y) {
    LayersGraph n;
    ch6::Id a = ch6::input(n.g, copy(X), "x");
    ch6::Id z = a;
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        n.W.push_back(ch6::parameter(n.g, copy(net.layers[l].W), "W" + std::to_string(l + 1)));
        n.b.push_back(ch6::parameter(n.g, copy(net.layers[l].b), "b" + std::to_string(l + 1)));
        z = ch6::add_to_columns(n.g, ch6::matmul(n.g, n.W.back(), a), n.b.back());
        switch (net.layers[l].f) {
            case Activation::sigmoid: a = ch6::sigmoid(n.g, z); break;
            case Activation::tanh: a = ch6::tanh(n.g, z); break;
            case Activation::relu: a = ch6::relu(n.g, z); break;
            default: a = z; break;   // linear, and the softmax output (its loss takes the logits)
        }
    }
    if (net.loss == Loss::ce) {
        std::vector<std::size_t> c(Y.cols);
        for (std::size_t j = 0; j < Y.cols; ++j)
            for (std::size_t k = 0; k < Y.rows; ++k)
                if (Y(k, j) == 1.0) c[j] = k;
        n.C = ch6::softmax_cross_entropy(n.g, z, c);
    } else {
        n.C = ch6::squared_error(n.g, a, copy(Y), 0.5);   // 003: C = ½‖a − y‖², averaged
    }
    return n;
}

}  // namespace

TEST_CASE(graph_equals_chapter5_backprop_on_random_architectures) {
    Rng rng(650);
    const Activation hidden[] = {Activation::sigmoid, Activation::tanh, Activation::relu, Activation::linear};
    int cases = 0;
    for (int t = 0; t < 24; ++t) {
        const bool softmax = t % 2 == 1;
        const std::size_t inputs = 1 + rng.below(4), depth = 1 + rng.below(4), m = 1 + rng.below(6);
        std::vector<LayerSpec> specs;
        for (std::size_t l = 0; l < depth; ++l)
            specs.push_back({1 + rng.below(6), hidden[rng.below(4)], InitSpec{Init::glorot, 0.0, 0.5}});
        const std::size_t outputs = softmax ? 2 + rng.below(3) : 1 + rng.below(3);
        specs.push_back({outputs, softmax ? Activation::softmax : Activation::linear, InitSpec{Init::glorot, 0.0, 0.5}});
        const Network net = make_network(inputs, specs, softmax ? Loss::ce : Loss::mse, 0.01, rng);
        Matrix X(inputs, m), Y(outputs, m);
        for (double& v : X.data) v = 2 * rng.normal();
        for (std::size_t j = 0; j < m; ++j)
            for (std::size_t k = 0; k < outputs; ++k) Y(k, j) = softmax ? 0.0 : rng.normal();
        if (softmax)
            for (std::size_t j = 0; j < m; ++j) Y(rng.below(outputs), j) = 1.0;

        Cache cache;
        const double C = cost(net, X, Y, 0.0, cache);
        Gradients grad;
        Workspace work;
        backward(grad, net, cache, Y, 0.0, work);

        LayersGraph n = layers_graph(net, X, Y);
        ch6::backward(n.g, n.C);
        CHECK_REL(n.g.value(n.C)(0, 0), C, kTol);
        for (std::size_t l = 0; l < net.layers.size(); ++l) {
            const double dW = ch6::scaled_difference(n.g.grad(n.W[l]).data, grad.dW[l].data);
            const double db = ch6::scaled_difference(n.g.grad(n.b[l]).data, grad.db[l].data);
            if (!(dW <= kTol && db <= kTol))
                std::fprintf(stderr, "case %d, layer %zu: dW differs by %.2e, db by %.2e\n", t, l + 1, dW, db);
            CHECK_LE(dW, kTol);
            CHECK_LE(db, kTol);
        }
        ++cases;
    }
    CHECK_EQ(cases, 24);
}
