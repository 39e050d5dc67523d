// network.hpp — 001's two MNIST classifiers, their back-propagation, and mini-batch SGD.
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
// a factor 1/B (001's ∇C ≈ mean of the samples' ∇C_i). L2 acts on weights only, not biases.
//
// Reading order: helpers → layers (forward and backward side by side) → the network and its
// reference gradient (what the finite-difference tests check) → the threaded trainer (what
// the program runs; tests hold it equal to the reference) → evaluation.
#pragma once

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/matrix.hpp"
#include "chapters/chapter4_mnist_softmax/thread_pool.hpp"
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

// λ(‖Wh‖² + ‖Wo‖²), 001's Ridge penalty applied to every weight of the network.
template <class T>
double l2_penalty(const Network<T>& net, double lambda) {
    double s = 0;
    for (const auto* m : {&net.Wh, &net.Wo})
        for (std::size_t k = 0; k < m->size(); ++k) s += static_cast<double>((*m)[k]) * (*m)[k];
    return lambda * s;
}

// The reference: loss C of a batch (X: B×D, labels y) and, if `grad` is given, its gradient,
// by one forward and one backward pass on the calling thread. The finite-difference tests check
// this function, and the trainer below is held equal to it.
template <class T>
double loss_and_gradient(const Network<T>& net, In<T> X, const std::uint8_t* y,
                         double lambda, Network<T>* grad) {
    const std::size_t B = X.rows, K = net.classes;
    Matrix<T> Zh, Ah;
    if (net.hidden) {   // forward through the hidden layer: Zh = X·Wh + bh, Ah = R(Zh)
        Zh = Matrix<T>(B, net.hidden);
        Ah = Matrix<T>(B, net.hidden);
        dense_forward(Zh.view(), X, net.Wh.view(), net.bh.data());
        relu_forward(Ah.view(), Zh.view());
    }
    const View<const T> Hf = net.hidden ? Ah.view() : X;   // the output layer's input
    Matrix<T> Zo(B, K), Ao(B, K), Go(B, K);
    dense_forward(Zo.view(), Hf, net.Wo.view(), net.bo.data());
    double loss = 0;
    for (std::size_t i = 0; i < B; ++i) loss += cross_entropy(Zo.view().row(i), K, y[i]);
    loss = loss / static_cast<double>(B) + l2_penalty(net, lambda);
    if (!grad) return loss;

    *grad = zeros_like(net);
    softmax_forward(Ao.view(), Zo.view());
    softmax_cross_entropy_backward(Go.view(), Ao.view(), y, T(1) / static_cast<T>(B));
    dense_backward(grad->Wo.view(), grad->bo.data(), Go.view(), Hf);
    if (net.hidden) {
        Matrix<T> Gh(B, net.hidden);
        relu_backward(Gh.view(), Go.view(), net.Wo.view(), Zh.view());
        dense_backward(grad->Wh.view(), grad->bh.data(), Gh.view(), X);
    }
    // d(λ‖W‖²)/dW = 2λW.
    for (auto [g, w] : {std::pair{&grad->Wh, &net.Wh}, std::pair{&grad->Wo, &net.Wo}})
        for (std::size_t k = 0; k < w->size(); ++k) (*g)[k] += static_cast<T>(2 * lambda) * (*w)[k];
    return loss;
}

// ---------------------------------------------------------------------------------------------
// Mini-batch SGD (001 §Gradient descent), with momentum and learning-rate decay.

struct SgdOptions {
    double eta = 0.1;        // η, the learning rate of the first epoch
    double momentum = 0;     // ω in v ← ω v + η ∇C, θ ← θ − v  (0: plain SGD)
    double decay = 0;        // κ in η_e = η / (1 + κ e) for epoch e = 0, 1, …
    double lambda = 0;       // λ, the L2 penalty on weights
    std::size_t batch = 50;  // B, samples per step
};

// 001 Methods' schedule η0 / (e·m + 1) generalised: η_e = η0 / (1 + κ e) (001's is κ = m,
// the number of batches per epoch).
inline double learning_rate(const SgdOptions& o, std::size_t epoch) {
    return o.eta / (1.0 + o.decay * static_cast<double>(epoch));
}

// θ ← θ − η (∇C + 2λθ), or with momentum v ← ω v + η (∇C + 2λθ), θ ← θ − v, on a block of
// parameters (theta, grad and v have the same shape; v is unused when ω = 0).
template <class T>
void sgd_update(View<T> theta, In<T> grad, View<std::type_identity_t<T>> v, std::type_identity_t<T> eta,
                std::type_identity_t<T> omega, std::type_identity_t<T> two_lambda) {
    for (std::size_t i = 0; i < theta.rows; ++i) {
        T* th = theta.row(i);
        const T* g = grad.row(i);
        if (omega == T(0)) {
            for (std::size_t j = 0; j < theta.cols; ++j) th[j] -= eta * (g[j] + two_lambda * th[j]);
        } else {
            T* vi = v.row(i);
            for (std::size_t j = 0; j < theta.cols; ++j) {
                vi[j] = omega * vi[j] + eta * (g[j] + two_lambda * th[j]);
                th[j] -= vi[j];
            }
        }
    }
}

// The same step for a weight matrix whose gradient is eq. (2), ∇W = Xᵀ·Γ, with the product
// folded into the update, so the gradient is never stored (GEMM computes α·XᵀΓ + β·C):
//   ω = 0:  W ← (1 − 2ηλ)·W − η·XᵀΓ                          one GEMM, β = 1 − 2ηλ
//   ω > 0:  v ← ω·v + η·XᵀΓ (one GEMM, β = ω);  v ← v + 2ηλ·W;  W ← W − v
template <class T>
void sgd_update_dense(View<T> W, View<std::type_identity_t<T>> v, In<T> X, In<T> Gamma,
                      std::type_identity_t<T> eta, std::type_identity_t<T> omega,
                      std::type_identity_t<T> two_lambda) {
    if (omega == T(0)) {
        gemm(Op::T, Op::N, -eta, X, Gamma, T(1) - eta * two_lambda, W);
        return;
    }
    gemm(Op::T, Op::N, eta, X, Gamma, omega, v);
    for (std::size_t i = 0; i < W.rows; ++i) {
        T* w = W.row(i);
        T* vi = v.row(i);
        if (two_lambda != T(0))
            for (std::size_t j = 0; j < W.cols; ++j) vi[j] += eta * two_lambda * w[j];
        for (std::size_t j = 0; j < W.cols; ++j) w[j] -= vi[j];
    }
}

// The threaded trainer. The threads share every step two ways:
//   by units    each thread owns a block of the F inputs of the output layer — hidden units for
//               the MLP, pixels for softmax regression — with everything that belongs to them:
//               their columns of Wh and bh and their rows of Wo;
//   by samples  each thread owns a block of the batch's rows.
// One step on a batch, for thread t:
//   0. its own copy of the batch: the images, scaled by 1/255, as the rows of X
//   1. MLP: its units' columns of Zh = X·Wh + bh and Ah = R(Zh)                     (units)
//      BARRIER 1 — Ah is complete, and every update of the previous step is done;
//   2. its samples' rows of Zo = H·Wo + bo (H = Ah, or X without hidden layer), of
//      Ao = softmax(Zo) and of Γo = (Ao − Y)/B, eq. (5)                               (samples)
//      BARRIER 2 — Γo is complete;
//   3. MLP: its units' columns of Γh = (Γo·Woᵀ) ⊙ R'(Zh), eq. (1), with Wo before this step;
//   4. SGD on what it owns, gradients by eqs. (2) and (3): its rows of Wo (∇ = Hᵀ·Γo), for the
//      MLP its columns of Wh (∇ = Xᵀ·Γh) and of bh; thread 0 also bo.                 (units)
// Why two barriers are enough: between them every thread reads all of Ah, Wo and bo and writes
// only rows of its samples; outside them it writes only what belongs to its units (and reads
// all of Γo, which is written only between them).
// Only step 0 is done by every thread: converting the other threads' samples costs less than
// fetching their converted rows from the other cores' caches (measured). A thread's columns of
// Wh, Zh and Γh live in its own matrices during an epoch (net.Wh is written back at its end): as
// columns of one matrix they would sit beside the other threads' in every row, and the
// prefetchers, which also fetch the lines next to those a core reads, would make the cores take
// each other's lines all the time (the products with Wh ran 10–20 % slower that way).
// Every sum has a fixed order that does not depend on how the work is shared, so 1, 2, 3 or 17
// threads give the same bits.
class Trainer {
public:
    // Units are handed out in blocks of 16 — a cache line of floats — so that two threads never
    // write the same line of bh or Ah.
    static constexpr std::size_t kUnitBlock = 16;

    Trainer(Network<float>& net, ThreadPool& pool, const SgdOptions& opt)
        : net_(net), pool_(pool), opt_(opt), B_(opt.batch), F_(net.features()),
          dbh_(1, net.hidden), dbo_(1, net.classes),
          velocity_(opt.momentum > 0 ? zeros_like(net) : Network<float>{}),
          Ah_(B_, net.hidden), Zo_(B_, net.classes), Ao_(B_, net.classes), Go_(B_, net.classes) {
        velocity_.Wh = Matrix<float>();   // it lives in own_
        for (std::size_t t = 0; t < pool.size(); ++t) {
            const auto [f0, f1] = units(t);
            const std::size_t n = net.hidden ? f1 - f0 : 0, D = net.inputs;   // n hidden units
            own_.push_back({Matrix<float>(B_, D), Matrix<float>(D, n),
                            Matrix<float>(opt.momentum > 0 ? D : 0, n), Matrix<float>(B_, n),
                            Matrix<float>(B_, n)});
        }
    }

    // One pass over `data` in the order `order` (a permutation of its samples), in batches of B
    // (the last may be smaller), with learning rate eta.
    void epoch(const Dataset& data, const std::vector<std::size_t>& order, float eta) {
        const std::size_t N = order.size(), D = data.pixels_per_image();
        if (shuffled_.count != N || shuffled_.pixels.size() != N * D) {   // first epoch only
            shuffled_ = Dataset{N, data.rows, data.cols, std::vector<std::uint8_t>(N * D),
                                std::vector<std::uint8_t>(N)};
            rows_.resize(N);
            for (std::size_t n = 0; n < N; ++n) rows_[n] = n;
        }
        pool_.run([&](std::size_t t) {
            const auto [f0, f1] = units(t);
            if (net_.hidden) copy(own_[t].Wh.view(), net_.Wh.view().columns(f0, f1));
            // The epoch's images in the epoch's order, so that a batch is B consecutive images
            // (memory the processor streams: gathering them image by image in each step would
            // wait for memory in every step, and cost twice as much).
            const auto [n0, n1] = share(N, t, pool_.size());
            for (std::size_t n = n0; n < n1; ++n) {
                std::copy_n(data.image(order[n]), D, shuffled_.pixels.data() + n * D);
                shuffled_.labels[n] = data.labels[order[n]];
            }
            pool_.barrier();
            for (std::size_t start = 0; start < N; start += B_)
                step(t, start, std::min(B_, N - start), eta);
            if (net_.hidden) copy(net_.Wh.view().columns(f0, f1), own_[t].Wh.view());
        });
    }

private:
    // Thread t's share of `rows` samples: [begin, end).
    std::pair<std::size_t, std::size_t> samples(std::size_t rows, std::size_t t) const {
        return share(rows, t, pool_.size());
    }
    // Thread t's share of the F units: [begin, end), whole blocks of kUnitBlock (but the last).
    std::pair<std::size_t, std::size_t> units(std::size_t t) const {
        const auto [b0, b1] = share((F_ + kUnitBlock - 1) / kUnitBlock, t, pool_.size());
        return {std::min(F_, b0 * kUnitBlock), std::min(F_, b1 * kUnitBlock)};
    }

    // Zo = H·Wo + bo for a block of samples (as dense_forward).
    void output_layer(View<float> Zo, In<float> H) const {
        gemm(Op::N, Op::N, 1.0f, H, net_.Wo.view(), 0.0f, Zo);
        add_bias(Zo, net_.bo.data());
    }

    // One step on the batch of `rows` samples from `start` in the epoch's order.
    void step(std::size_t t, std::size_t start, std::size_t rows, float eta) {
        Network<float>& net = net_;
        Own& own = own_[t];
        const std::size_t f0 = units(t).first, f1 = units(t).second;   // (captured below)
        const auto [i0, i1] = samples(rows, t);
        const View<float> X = own.X.view().row_range(0, rows);
        const std::uint8_t* y = shuffled_.labels.data() + start;   // the batch's labels
        const View<float> Zh = own.Zh.view().row_range(0, rows), Gh = own.Gh.view().row_range(0, rows);
        const View<float> Ah = Ah_.view().row_range(0, rows), Go = Go_.view().row_range(0, rows);
        const View<const float> H = net.hidden ? View<const float>(Ah) : View<const float>(X);

        // 0–1. the batch, and this thread's hidden units
        load_batch(X, shuffled_, rows_.data() + start);
        if (net.hidden && f0 < f1) {
            dense_forward(Zh, X, own.Wh.view(), net.bh.data() + f0);
            relu_forward(Ah.columns(f0, f1), Zh);
        }
        pool_.barrier();
        // 2. the output layer and its error, eq. (5), for this thread's samples
        if (i0 < i1) {
            const View<float> Zo = Zo_.view().row_range(i0, i1), Ao = Ao_.view().row_range(i0, i1);
            output_layer(Zo, H.row_range(i0, i1));
            softmax_forward(Ao, Zo);
            softmax_cross_entropy_backward(Go.row_range(i0, i1), Ao, y + i0, 1.0f / static_cast<float>(rows));
        }
        pool_.barrier();

        const float omega = static_cast<float>(opt_.momentum);
        const float two_lambda = static_cast<float>(2 * opt_.lambda);
        if (t == 0) {   // bo, eq. (3)
            column_sums(dbo_.data(), Go);
            sgd_update(net.bo.view(), dbo_.view(), velocity_.bo.size() ? velocity_.bo.view() : View<float>{},
                       eta, omega, 0.0f);
        }
        if (f0 == f1) return;   // more threads than blocks of units: this one owns none
        auto velocity = [&](Matrix<float>& v, bool by_rows) {   // this thread's block of v
            if (v.size() == 0) return View<float>{};             // (none without momentum)
            return by_rows ? v.view().row_range(f0, f1) : v.view().columns(f0, f1);
        };
        // 3. the hidden layer's error, eq. (1)
        if (net.hidden)
            relu_backward(Gh, Go, net.Wo.view().row_range(f0, f1), Zh);
        // 4. SGD: output layer, eq. (2) …
        sgd_update_dense(net.Wo.view().row_range(f0, f1), velocity(velocity_.Wo, true),
                         H.columns(f0, f1), Go, eta, omega, two_lambda);
        // … and hidden layer, eqs. (2), (3)
        if (net.hidden) {
            sgd_update_dense(own.Wh.view(), own.vWh.size() ? own.vWh.view() : View<float>{}, X, Gh,
                             eta, omega, two_lambda);
            column_sums(dbh_.data() + f0, Gh);
            sgd_update(net.bh.view().columns(f0, f1), dbh_.view().columns(f0, f1),
                       velocity(velocity_.bh, false), eta, omega, 0.0f);
        }
    }

    struct Own {                // what one thread works on alone, in its own memory
        Matrix<float> X;        // B×D: the batch
        Matrix<float> Wh, vWh;  // D×n: its n hidden units' columns of Wh and of their velocity v
        Matrix<float> Zh, Gh;   // B×n: their columns of Zh and Γh
    };

    Network<float>& net_;
    ThreadPool& pool_;
    SgdOptions opt_;
    std::size_t B_, F_;
    Matrix<float> dbh_, dbo_;              // 1×H, 1×K: bias gradients (eq. 3)
    Network<float> velocity_;              // v of bh, Wo and bo (empty without momentum)
    std::vector<Own> own_;                 // [thread]
    Matrix<float> Ah_;                     // B×H: each thread writes the columns of its units
    Matrix<float> Zo_, Ao_, Go_;           // B×K: each thread writes the rows of its samples
    Dataset shuffled_;                     // the epoch's samples in the epoch's order
    std::vector<std::size_t> rows_;        // 0, 1, …, N−1: rows of shuffled_
};

// ---------------------------------------------------------------------------------------------
// Evaluation: loss and accuracy on a whole data set (001 Methods: accuracy is the fraction of
// samples whose largest output is the target digit).

struct Evaluation {
    double loss = 0;       // mean cross-entropy (the data term of C, without λ)
    double accuracy = 0;   // fraction classified correctly
    std::vector<std::uint8_t> predicted;   // each sample's class: the index of its largest z
};

// The threads share the samples in blocks of kEvalRows; each sample's loss is stored and the
// losses are summed in sample order, so the result does not depend on the number of threads.
inline Evaluation evaluate(ThreadPool& pool, const Network<float>& net, const Dataset& data) {
    constexpr std::size_t kEvalRows = 250;
    const std::size_t N = data.count, K = net.classes, blocks = (N + kEvalRows - 1) / kEvalRows;
    std::vector<std::size_t> index(N);
    for (std::size_t n = 0; n < N; ++n) index[n] = n;
    std::vector<double> loss(N);
    Evaluation e;
    e.predicted.resize(N);
    struct Buffers {
        Matrix<float> X, Zh, Zo;   // kEvalRows × D, H, K: one thread's block of samples
    };
    std::vector<Buffers> buffers;   // allocated here: a job must not throw
    for (std::size_t t = 0; t < pool.size(); ++t)
        buffers.push_back({Matrix<float>(kEvalRows, net.inputs), Matrix<float>(kEvalRows, net.hidden),
                           Matrix<float>(kEvalRows, K)});
    pool.run([&](std::size_t t) {
        const auto [b0, b1] = share(blocks, t, pool.size());
        auto& [X, Zh, Zo] = buffers[t];
        for (std::size_t b = b0; b < b1; ++b) {
            const std::size_t r0 = b * kEvalRows, rows = std::min(kEvalRows, N - r0);
            const View<float> Xb = X.view().row_range(0, rows), Zhb = Zh.view().row_range(0, rows),
                              Zob = Zo.view().row_range(0, rows);
            load_batch(Xb, data, index.data() + r0);
            View<const float> H = Xb;
            if (net.hidden) {
                dense_forward(Zhb, H, net.Wh.view(), net.bh.data());
                relu_forward(Zhb, Zhb);   // in place: Ah overwrites Zh
                H = Zhb;
            }
            dense_forward(Zob, H, net.Wo.view(), net.bo.data());
            for (std::size_t i = 0; i < rows; ++i) {
                const float* z = Zob.row(i);
                loss[r0 + i] = cross_entropy(z, K, data.labels[r0 + i]);
                e.predicted[r0 + i] = static_cast<std::uint8_t>(std::max_element(z, z + K) - z);
            }
        }
    });
    std::size_t correct = 0;
    for (std::size_t n = 0; n < N; ++n) {
        e.loss += loss[n];
        correct += e.predicted[n] == data.labels[n];
    }
    e.loss /= static_cast<double>(N);
    e.accuracy = static_cast<double>(correct) / static_cast<double>(N);
    return e;
}

}  // namespace ch4
