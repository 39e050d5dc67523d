// network.hpp — 001's two MNIST classifiers, their back-propagation, and mini-batch SGD written
// plainly: the equations, and the reference step that the fast trainer (trainer.hpp) is held to.
//
//   softmax regression  z = x·B + β₀ → softmax → cross-entropy     (001 Methods: the "FFNN with
//                       no hidden layer"; its B and intercepts β₀ are our Wo and bo)
//   MLP                 784 → H ReLU → 10 softmax → cross-entropy    (001 Methods: H = 128)
//
// Notation. A batch holds B samples as the rows of a matrix; D = 784 inputs, H hidden units,
// K = 10 classes, F = the inputs of the output layer (H, or D without a hidden layer).
// 001 writes one sample as a column, z^l = W^l a^{l−1} + b^l with W^l of size out×in. With
// samples as rows this reads Z = A·W + 1·bᵀ, so our W (in×out) is 001's (W^l)ᵀ, and 001's
// (W^{l+1})ᵀ γ^{l+1} in eq. (1) becomes Γ·Wᵀ here. Γ is the batch's γ, one row per sample.
//
// The loss is the mean over the batch, C = (1/B) Σ_i C_i + λ(‖Wh‖² + ‖Wo‖²), so every γ carries
// a factor 1/B (001's ∇C ≈ mean of the samples' ∇C_i). L2 acts on weights only, not biases,
// unless `penalise_bias` asks for 001's Discussion variant, λ(‖Wh‖² + ‖bh‖² + ‖Wo‖² + ‖bo‖²).
//
// Reading order: helpers → layers (forward and backward side by side) → the network and its
// gradient (what the finite-difference tests check) → SGD and the reference step → evaluation.
// Everything here runs on the calling thread; nothing here knows about threads.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/matrix.hpp"
#include "common/random.hpp"

namespace ch4 {

// ---------------------------------------------------------------------------------------------
// Helpers.

// Z_ij += b_j (the bias of every sample).
template <class T>
void add_bias(View<T> Z, const T* b) {
    for (std::size_t i = 0; i < Z.rows; ++i) {
        T* z = Z.row(i);
        for (std::size_t j = 0; j < Z.cols; ++j) z[j] += b[j];
    }
}

// out_j = Σ_i G_ij (a sum over the batch).
template <class T>
void column_sums(T* out, In<T> G) {
    for (std::size_t j = 0; j < G.cols; ++j) out[j] = T(0);
    for (std::size_t i = 0; i < G.rows; ++i) {
        const T* g = G.row(i);
        for (std::size_t j = 0; j < G.cols; ++j) out[j] += g[j];
    }
}

// to = from, two views of the same shape.
template <class T>
void copy(View<T> to, In<T> from) {
    for (std::size_t i = 0; i < to.rows; ++i) std::copy_n(from.row(i), to.cols, to.row(i));
}

// Rows `index[0…B)` of the data set as a B×D batch, pixels scaled to [0, 1] by 1/255 (001).
template <class T>
void load_batch(View<T> X, const Dataset& data, const std::size_t* index) {
    for (std::size_t i = 0; i < X.rows; ++i) {
        const std::uint8_t* p = data.image(index[i]);
        T* x = X.row(i);
        for (std::size_t j = 0; j < X.cols; ++j) x[j] = static_cast<T>(p[j]) / T(255);
    }
}

// Rows [first, first + X.rows) of the data set, scaled as by load_batch.
template <class T>
void load_rows(View<T> X, const Dataset& data, std::size_t first) {
    for (std::size_t i = 0; i < X.rows; ++i) {
        const std::uint8_t* p = data.image(first + i);
        T* x = X.row(i);
        for (std::size_t j = 0; j < X.cols; ++j) x[j] = static_cast<T>(p[j]) / T(255);
    }
}

// ---------------------------------------------------------------------------------------------
// Dense layer (001 §Backpropagation): forward and backward.

// Z (B×out) = X (B×in) · W (in×out) + 1·bᵀ;  b may be null (no bias).
template <class T>
void dense_forward(View<T> Z, In<T> X, In<T> W, const std::type_identity_t<T>* b) {
    gemm(Op::N, Op::N, T(1), X, W, T(0), Z);
    if (b) add_bias(Z, b);
}

// 001 eq. (2): ∂C/∂w_ij = γ_i a_j, summed over the batch: dW (in×out) = Xᵀ·Γ.
// 001 eq. (3): ∂C/∂b_i = γ_i, summed over the batch:      db (out)    = Σ_samples Γ.
// db may be null (not wanted).
template <class T>
void dense_backward(View<T> dW, std::type_identity_t<T>* db, In<T> Gamma, In<T> X) {
    gemm(Op::T, Op::N, T(1), X, Gamma, T(0), dW);
    if (db) column_sums(db, Gamma);
}

// ---------------------------------------------------------------------------------------------
// ReLU (001 Table 1): R(z) = max(0, z), R'(z) = 1 for z > 0 and 0 for z < 0 (we take R'(0) = 0).

template <class T>
void relu_forward(View<T> A, In<T> Z) {
    for (std::size_t i = 0; i < Z.rows; ++i)
        for (std::size_t j = 0; j < Z.cols; ++j) A(i, j) = Z(i, j) > T(0) ? Z(i, j) : T(0);
}

// 001 eq. (1): γ^l = (W^{l+1})ᵀ γ^{l+1} ⊙ σ'(z^l); for the batch Γh = (Γo·Woᵀ) ⊙ R'(Zh).
// Gamma_h, Zh: B×n; Gamma_o: B×K; Wo: n×K (the rows of Wo that belong to these n units).
template <class T>
void relu_backward(View<T> Gamma_h, In<T> Gamma_o, In<T> Wo, In<T> Zh) {
    gemm(Op::N, Op::T, T(1), Gamma_o, Wo, T(0), Gamma_h);
    for (std::size_t i = 0; i < Zh.rows; ++i)
        for (std::size_t j = 0; j < Zh.cols; ++j)
            if (!(Zh(i, j) > T(0))) Gamma_h(i, j) = T(0);
}

// ---------------------------------------------------------------------------------------------
// Softmax and cross-entropy (001 §Choice of loss): forward and backward.

// a_ij = exp(z_ij) / Σ_k exp(z_ik), computed as exp(z_ij − max_k z_ik) so nothing overflows.
template <class T>
void softmax_forward(View<T> A, In<T> Z) {
    for (std::size_t i = 0; i < Z.rows; ++i) {
        const T* z = Z.row(i);
        T* a = A.row(i);
        const T m = *std::max_element(z, z + Z.cols);
        T sum = 0;
        for (std::size_t j = 0; j < Z.cols; ++j) sum += a[j] = std::exp(z[j] - m);
        for (std::size_t j = 0; j < Z.cols; ++j) a[j] /= sum;
    }
}

// Cross-entropy of one sample, C_i = −ln a_{i,y} = ln Σ_k exp(z_ik) − z_iy (001's C_i with a
// one-hot y), as m + ln Σ_k exp(z_ik − m), m = max_k z_ik: no overflow, no ln 0.
template <class T>
double cross_entropy(const T* z, std::size_t K, std::uint8_t y) {
    const double m = *std::max_element(z, z + K);
    double sum = 0;
    for (std::size_t k = 0; k < K; ++k) sum += std::exp(static_cast<double>(z[k]) - m);
    return m + std::log(sum) - static_cast<double>(z[y]);
}

// 001 eq. (5): γ_i = a_i − y_i for softmax followed by cross-entropy; times `scale` (1/B for
// the mean over the batch). Gamma and A are B×K; y holds the B labels.
template <class T>
void softmax_cross_entropy_backward(View<T> Gamma, In<T> A, const std::uint8_t* y,
                                    std::type_identity_t<T> scale) {
    for (std::size_t i = 0; i < A.rows; ++i)
        for (std::size_t k = 0; k < A.cols; ++k)
            Gamma(i, k) = (A(i, k) - (k == y[i] ? T(1) : T(0))) * scale;
}

// 001 Methods: a sample is classified as the class of its largest output (the first, on a tie).
template <class T>
std::uint8_t predicted_class(const T* z, std::size_t K) {
    return static_cast<std::uint8_t>(std::max_element(z, z + K) - z);
}

// ---------------------------------------------------------------------------------------------
// The network.

template <class T>
struct Network {
    std::size_t inputs = 0, hidden = 0, classes = 0;   // D, H (0: softmax regression), K
    Matrix<T> Wh, bh;   // Wh: D×H, bh: 1×H — the hidden layer (empty when hidden = 0)
    Matrix<T> Wo, bo;   // Wo: F×K, bo: 1×K — the output layer; F = H, or D without hidden layer

    std::size_t features() const { return hidden ? hidden : inputs; }   // F
};

// The same shapes, all zero (gradients, velocities).
template <class T>
Network<T> zeros_like(const Network<T>& net) {
    Network<T> z = net;
    for (auto* m : {&z.Wh, &z.bh, &z.Wo, &z.bo}) m->fill(T(0));
    return z;
}

// 001 Methods: weights Glorot uniform, U(−r, r) with r = √6 / √(n_in + n_out); biases zero.
template <class T>
Network<T> make_network(std::size_t inputs, std::size_t hidden, std::size_t classes, Rng& rng) {
    Network<T> net;
    net.inputs = inputs;
    net.hidden = hidden;
    net.classes = classes;
    if (hidden) {
        net.Wh = Matrix<T>(inputs, hidden);
        net.bh = Matrix<T>(1, hidden);
        for (std::size_t k = 0; k < net.Wh.size(); ++k)
            net.Wh[k] = static_cast<T>(rng.glorot_uniform(inputs, hidden));
    }
    net.Wo = Matrix<T>(net.features(), classes);
    net.bo = Matrix<T>(1, classes);
    for (std::size_t k = 0; k < net.Wo.size(); ++k)
        net.Wo[k] = static_cast<T>(rng.glorot_uniform(net.features(), classes));
    return net;
}

// λ(‖Wh‖² + ‖Wo‖²), 001's Ridge penalty applied to every weight of the network; with
// penalise_bias, λ(‖Wh‖² + ‖bh‖² + ‖Wo‖² + ‖bo‖²), the biases penalised too (001, Discussion).
template <class T>
double l2_penalty(const Network<T>& net, double lambda, bool penalise_bias = false) {
    double s = 0;
    for (const auto* m : {&net.Wh, &net.Wo, &net.bh, &net.bo}) {
        if (!penalise_bias && (m == &net.bh || m == &net.bo)) continue;
        for (std::size_t k = 0; k < m->size(); ++k) s += static_cast<double>((*m)[k]) * (*m)[k];
    }
    return lambda * s;
}

// The penalty's gradient added to a parameter's: g += 2λθ (§SGD & linear regression, ∇λΣβ² =
// 2λβ), with two_lambda = 2λ as the caller rounds it. g and theta have the same shape.
template <class T>
void add_l2_gradient(View<T> g, In<T> theta, std::type_identity_t<T> two_lambda) {
    for (std::size_t i = 0; i < g.rows; ++i)
        for (std::size_t j = 0; j < g.cols; ++j) g(i, j) += two_lambda * theta(i, j);
}

// Loss C of a batch (X: B×D, labels y) and, if `grad` is given, its gradient ∇C, by one
// forward and one backward pass on the calling thread: the equations as written, each result
// stored. The finite-difference tests check this function; the reference SGD step below uses it.
// With penalise_bias the penalty covers the biases too (l2_penalty).
template <class T>
double loss_and_gradient(const Network<T>& net, In<T> X, const std::uint8_t* y,
                         double lambda, Network<T>* grad, bool penalise_bias = false) {
    const std::size_t B = X.rows, K = net.classes;
    Matrix<T> Zh, Ah;
    if (net.hidden) {   // forward through the hidden layer: Zh = X·Wh + bh, Ah = R(Zh)
        Zh = Matrix<T>(B, net.hidden);
        Ah = Matrix<T>(B, net.hidden);
        dense_forward(Zh.view(), X, net.Wh.view(), net.bh.data());
        relu_forward(Ah.view(), Zh.view());
    }
    const View<const T> output_input = net.hidden ? Ah.view() : X;   // Ah, or X without hidden layer
    Matrix<T> Zo(B, K), Ao(B, K), Gamma_o(B, K);
    dense_forward(Zo.view(), output_input, net.Wo.view(), net.bo.data());
    double loss = 0;
    for (std::size_t i = 0; i < B; ++i) loss += cross_entropy(Zo.view().row(i), K, y[i]);
    loss = loss / static_cast<double>(B) + l2_penalty(net, lambda, penalise_bias);
    if (!grad) return loss;

    *grad = zeros_like(net);
    softmax_forward(Ao.view(), Zo.view());
    softmax_cross_entropy_backward(Gamma_o.view(), Ao.view(), y, T(1) / static_cast<T>(B));
    dense_backward(grad->Wo.view(), grad->bo.data(), Gamma_o.view(), output_input);
    if (net.hidden) {
        Matrix<T> Gamma_h(B, net.hidden);
        relu_backward(Gamma_h.view(), Gamma_o.view(), net.Wo.view(), Zh.view());
        dense_backward(grad->Wh.view(), grad->bh.data(), Gamma_h.view(), X);
    }
    // d(λ‖W‖²)/dW = 2λW (and d(λ‖b‖²)/db = 2λb when the biases are penalised).
    const T two_lambda = static_cast<T>(2 * lambda);
    add_l2_gradient(grad->Wh.view(), net.Wh.view(), two_lambda);
    add_l2_gradient(grad->Wo.view(), net.Wo.view(), two_lambda);
    if (penalise_bias) {
        add_l2_gradient(grad->bh.view(), net.bh.view(), two_lambda);
        add_l2_gradient(grad->bo.view(), net.bo.view(), two_lambda);
    }
    return loss;
}

// ---------------------------------------------------------------------------------------------
// Mini-batch SGD (001 §Gradient descent), with momentum and learning-rate decay.

struct SgdOptions {
    double eta = 0.1;        // η, the learning rate of the first epoch
    double omega = 0;        // ω, the momentum in v ← ω v + η ∇C, θ ← θ − v  (0: plain SGD)
    double decay = 0;        // κ in η_e = η / (1 + κ e) for epoch e = 0, 1, …
    double lambda = 0;       // λ, the L2 penalty on weights
    std::size_t batch = 50;  // B, samples per step
    bool penalise_bias = false;   // the penalty on the biases too (001, Discussion)
};

// 001 Methods' schedule η0 / (e·m + 1) generalised: η_e = η0 / (1 + κ e) (001's is κ = m,
// the number of batches per epoch).
inline double learning_rate(const SgdOptions& o, std::size_t epoch) {
    return o.eta / (1.0 + o.decay * static_cast<double>(epoch));
}

// 001 eq. (4) on a block of parameters, with momentum (001 §Gradient descent):
//   ω = 0:  θ ← θ − η ∇C
//   ω > 0:  v ← ω v + η ∇C,  θ ← θ − v
// theta, grad and v have the same shape; v is unused (and may be empty) when ω = 0.
template <class T>
void sgd_update(View<T> theta, In<T> grad, View<std::type_identity_t<T>> v, std::type_identity_t<T> eta,
                std::type_identity_t<T> omega) {
    for (std::size_t i = 0; i < theta.rows; ++i) {
        T* th = theta.row(i);
        const T* g = grad.row(i);
        if (omega == T(0)) {
            for (std::size_t j = 0; j < theta.cols; ++j) th[j] -= eta * g[j];
        } else {
            T* vi = v.row(i);
            for (std::size_t j = 0; j < theta.cols; ++j) {
                vi[j] = omega * vi[j] + eta * g[j];
                th[j] -= vi[j];
            }
        }
    }
}

// The four parameter matrices of a network, in one order.
template <class T>
std::array<Matrix<T>*, 4> parameters(Network<T>& net) {
    return {&net.Wh, &net.bh, &net.Wo, &net.bo};
}

// The reference trainer: mini-batch SGD as 001 writes it, one batch after another on the
// calling thread. Each step computes ∇C with loss_and_gradient (the penalty's 2λW included) and
// applies sgd_update to every parameter. trainer.hpp's Trainer takes the same steps, threaded
// and fused; test_network holds the two equal (`chapter4 --reference` trains with this one).
template <class T>
class ReferenceSgd {
public:
    ReferenceSgd(Network<T>& net, const SgdOptions& opt) : net_(net), opt_(opt), velocity_(zeros_like(net)) {}

    // One step on the batch X (B×D) with labels y; returns the batch's loss C before the step.
    double step(In<T> X, const std::uint8_t* y, T eta) {
        Network<T> grad;
        const double loss = loss_and_gradient(net_, X, y, opt_.lambda, &grad, opt_.penalise_bias);
        const auto theta = parameters(net_), g = parameters(grad), v = parameters(velocity_);
        for (std::size_t p = 0; p < theta.size(); ++p)
            sgd_update(theta[p]->view(), std::as_const(*g[p]).view(), v[p]->view(), eta, static_cast<T>(opt_.omega));
        return loss;
    }

    // One pass over `data` in the order `order` (a permutation of its samples), in batches of B
    // (the last may be smaller), with learning rate eta.
    void epoch(const Dataset& data, const std::vector<std::size_t>& order, T eta) {
        for (std::size_t start = 0; start < order.size(); start += opt_.batch) {
            const std::size_t rows = std::min(opt_.batch, order.size() - start);
            Matrix<T> X(rows, data.pixels_per_image());
            load_batch(X.view(), data, order.data() + start);
            std::vector<std::uint8_t> y(rows);
            for (std::size_t i = 0; i < rows; ++i) y[i] = data.labels[order[start + i]];
            step(std::as_const(X).view(), y.data(), eta);
        }
    }

private:
    Network<T>& net_;
    SgdOptions opt_;
    Network<T> velocity_;   // v of every parameter (all zero, and unused, when ω = 0)
};

// ---------------------------------------------------------------------------------------------
// Evaluation: loss and accuracy on a whole data set (001 Methods: accuracy is the fraction of
// samples whose largest output is the target digit).

struct Evaluation {
    double loss = 0;       // mean cross-entropy (the data term of C, without λ)
    double accuracy = 0;   // fraction classified correctly
    std::vector<std::uint8_t> predicted;   // each sample's class: the index of its largest z
};

// Samples [r0, r0 + X.rows) of `data`: each one's loss C_i into loss[r0 + i] and its class into
// predicted[r0 + i]. X, Zh, Zo are scratch of X.rows rows (Zh is unused without hidden layer).
template <class T>
void evaluate_rows(const Network<T>& net, const Dataset& data, std::size_t r0, View<T> X, View<T> Zh,
                   View<T> Zo, std::vector<double>& loss, std::vector<std::uint8_t>& predicted) {
    load_rows(X, data, r0);
    View<const T> output_input = X;
    if (net.hidden) {
        dense_forward(Zh, output_input, net.Wh.view(), net.bh.data());
        relu_forward(Zh, Zh);   // in place: Ah overwrites Zh
        output_input = Zh;
    }
    dense_forward(Zo, output_input, net.Wo.view(), net.bo.data());
    for (std::size_t i = 0; i < X.rows; ++i) {
        loss[r0 + i] = cross_entropy(Zo.row(i), net.classes, data.labels[r0 + i]);
        predicted[r0 + i] = predicted_class(Zo.row(i), net.classes);
    }
}

// The mean of the samples' losses, summed in sample order, and the fraction classified right.
inline Evaluation summarise(const std::vector<double>& loss, std::vector<std::uint8_t> predicted,
                            const std::vector<std::uint8_t>& labels) {
    Evaluation e;
    std::size_t correct = 0;
    for (std::size_t n = 0; n < loss.size(); ++n) {
        e.loss += loss[n];
        correct += predicted[n] == labels[n];
    }
    e.loss /= static_cast<double>(loss.size());
    e.accuracy = static_cast<double>(correct) / static_cast<double>(loss.size());
    e.predicted = std::move(predicted);
    return e;
}

}  // namespace ch4
