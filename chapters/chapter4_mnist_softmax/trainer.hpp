// trainer.hpp — the fast path: network.hpp's SGD step shared by a pool of threads, with the
// gradient of each weight matrix folded into its update; the matrix product and the evaluation
// shared the same way.
//
// Everything here computes what network.hpp computes, in the same order of summation:
//   gemm(pool, …)      matrix.hpp's gemm, its columns (or rows) cut between the threads;
//   Trainer            ReferenceSgd's steps (test_network holds the two equal);
//   evaluate(pool, …)  evaluate_rows over blocks of samples, the losses summed in sample order.
// So the number of threads never changes a bit of the result.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/matrix.hpp"
#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "chapters/chapter4_mnist_softmax/thread_pool.hpp"

namespace ch4 {

// ---------------------------------------------------------------------------------------------
// The product shared by the threads of `pool`: each computes a contiguous block of columns of C
// (multiples of NR), or of rows (multiples of MR) when C has more row panels than column panels.
// Every element is computed exactly as by gemm() on one thread.
template <class T>
void gemm(ThreadPool& pool, Op opA, Op opB, T alpha, In<T> A, In<T> B, std::type_identity_t<T> beta,
          View<std::type_identity_t<T>> C) {
    check_shapes(opA, A, opB, B, C);
    const std::size_t row_panels = (C.rows + MR - 1) / MR, col_panels = (C.cols + NR - 1) / NR;
    const bool by_rows = row_panels > col_panels;
    pool.run([&](std::size_t t) {
        if (by_rows) {
            auto [p0, p1] = share(row_panels, t, pool.size());
            const std::size_t i0 = p0 * MR, i1 = std::min(C.rows, p1 * MR);
            if (i0 >= i1) return;
            const View<const T> Ai = opA == Op::N ? A.row_range(i0, i1) : A.columns(i0, i1);
            gemm(opA, opB, alpha, Ai, B, beta, C.row_range(i0, i1));
        } else {
            auto [q0, q1] = share(col_panels, t, pool.size());
            const std::size_t j0 = q0 * NR, j1 = std::min(C.cols, q1 * NR);
            if (j0 >= j1) return;
            const View<const T> Bj = opB == Op::N ? B.columns(j0, j1) : B.row_range(j0, j1);
            gemm(opA, opB, alpha, A, Bj, beta, C.columns(j0, j1));
        }
    });
}

// ---------------------------------------------------------------------------------------------
// The fused step of a weight matrix.

// sgd_update for a weight matrix whose gradient is eq. (2) plus the penalty, ∇W = XᵀΓ + 2λW,
// with the product folded into the update, so the gradient is never stored (GEMM computes
// α·XᵀΓ + β·C):
//   ω = 0:  W ← (1 − 2ηλ)·W − η·XᵀΓ                          one GEMM, β = 1 − 2ηλ
//   ω > 0:  v ← ω·v + η·XᵀΓ (one GEMM, β = ω);  v ← v + 2ηλ·W;  W ← W − v
// With λ = 0 this rounds exactly as sgd_update on the stored gradient; with λ > 0 the penalty
// term is rounded in another order (see test_network).
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

// ---------------------------------------------------------------------------------------------
// The threaded trainer. The threads share every step two ways:
//   by units    each thread owns a block of the F inputs of the output layer — hidden units for
//               the MLP, pixels for softmax regression — with everything that belongs to them:
//               their columns of Wh and bh and their rows of Wo;
//   by samples  each thread owns a block of the batch's rows.
// One step on a batch, for thread t:
//   0. its own copy of the batch: the images, scaled by 1/255, as the rows of X
//   1. MLP: its units' columns of Zh = X·Wh + bh and Ah = R(Zh)                     (units)
//      BARRIER 1 — Ah is complete, and every update of the previous step is done;
//   2. its samples' rows of Zo = A·Wo + bo (A = Ah, or X without hidden layer), of
//      Ao = softmax(Zo) and of Γo = (Ao − Y)/B, eq. (5)                               (samples)
//      BARRIER 2 — Γo is complete;
//   3. MLP: its units' columns of Γh = (Γo·Woᵀ) ⊙ R'(Zh), eq. (1), with Wo before this step;
//   4. SGD on what it owns, gradients by eqs. (2) and (3): its rows of Wo (∇ = Aᵀ·Γo), for the
//      MLP its columns of Wh (∇ = Xᵀ·Γh) and of bh; thread 0 also bo.                 (units)
// So the threads meet twice per step. Two barriers are enough: between them every thread reads
// all of Ah, Wo and bo and writes only rows of its samples; outside them it writes only what
// belongs to its units (and reads all of Γo, which is written only between them).
// Only step 0 is done by every thread: converting the other threads' samples costs less than
// fetching their converted rows from the other cores' caches. A thread's columns of Wh, Zh and
// Γh live in its own matrices during an epoch (net.Wh is written back at its end): as columns of
// one matrix they would sit beside the other threads' in every row, and the prefetchers, which
// also fetch the lines next to those a core reads, would make the cores take each other's lines.
class Trainer {
public:
    // Units are handed out in blocks of 16 — a cache line of floats — so that two threads never
    // write the same line of bh or Ah.
    static constexpr std::size_t kUnitBlock = 16;

    Trainer(Network<float>& net, ThreadPool& pool, const SgdOptions& opt)
        : net_(net), pool_(pool), opt_(opt), B_(opt.batch), F_(net.features()),
          dbh_(1, net.hidden), dbo_(1, net.classes),
          velocity_(opt.omega > 0 ? zeros_like(net) : Network<float>{}),
          Ah_(B_, net.hidden), Zo_(B_, net.classes), Ao_(B_, net.classes), Gamma_o_(B_, net.classes) {
        velocity_.Wh = Matrix<float>();   // it lives in thread_columns_
        for (std::size_t t = 0; t < pool.size(); ++t) {
            const auto [f0, f1] = units(t);
            const std::size_t n = net.hidden ? f1 - f0 : 0, D = net.inputs;   // n hidden units
            thread_columns_.push_back({Matrix<float>(B_, D), Matrix<float>(D, n),
                                       Matrix<float>(opt.omega > 0 ? D : 0, n), Matrix<float>(B_, n),
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
            if (net_.hidden) copy(thread_columns_[t].Wh.view(), net_.Wh.view().columns(f0, f1));
            // The epoch's images in the epoch's order, so that a batch is B consecutive images
            // (memory the processor streams; gathering them image by image in each step would
            // wait for memory in every step).
            const auto [n0, n1] = share(N, t, pool_.size());
            for (std::size_t n = n0; n < n1; ++n) {
                std::copy_n(data.image(order[n]), D, shuffled_.pixels.data() + n * D);
                shuffled_.labels[n] = data.labels[order[n]];
            }
            pool_.barrier();
            for (std::size_t start = 0; start < N; start += B_)
                step(t, start, std::min(B_, N - start), eta);
            if (net_.hidden) copy(net_.Wh.view().columns(f0, f1), thread_columns_[t].Wh.view());
        });
    }

private:
    // What one thread works on alone, in its own memory.
    struct ThreadColumns {
        Matrix<float> X;              // B×D: its copy of the batch
        Matrix<float> Wh, vWh;        // D×n: its n hidden units' columns of Wh and of their velocity v
        Matrix<float> Zh, Gamma_h;    // B×n: their columns of Zh and Γh
    };

    // Thread t's share of `rows` samples: [begin, end).
    std::pair<std::size_t, std::size_t> samples(std::size_t rows, std::size_t t) const {
        return share(rows, t, pool_.size());
    }
    // Thread t's share of the F units: [begin, end), whole blocks of kUnitBlock (but the last).
    std::pair<std::size_t, std::size_t> units(std::size_t t) const {
        const auto [b0, b1] = share((F_ + kUnitBlock - 1) / kUnitBlock, t, pool_.size());
        return {std::min(F_, b0 * kUnitBlock), std::min(F_, b1 * kUnitBlock)};
    }

    // This thread's block of a velocity matrix (empty without momentum): rows [f0, f1) of Wo's,
    // or columns [f0, f1) of bh's.
    static View<float> velocity_block(Matrix<float>& v, bool by_rows, std::size_t f0, std::size_t f1) {
        if (v.size() == 0) return View<float>{};
        return by_rows ? v.view().row_range(f0, f1) : v.view().columns(f0, f1);
    }

    // One step on the batch of `rows` samples from `start` in the epoch's order.
    void step(std::size_t t, std::size_t start, std::size_t rows, float eta) {
        Network<float>& net = net_;
        ThreadColumns& mine = thread_columns_[t];
        const std::size_t f0 = units(t).first, f1 = units(t).second;   // (captured below)
        const auto [i0, i1] = samples(rows, t);
        const View<float> X = mine.X.view().row_range(0, rows);
        const std::uint8_t* y = shuffled_.labels.data() + start;   // the batch's labels
        const View<float> Zh = mine.Zh.view().row_range(0, rows);
        const View<float> Gamma_h = mine.Gamma_h.view().row_range(0, rows);
        const View<float> Ah = Ah_.view().row_range(0, rows), Gamma_o = Gamma_o_.view().row_range(0, rows);
        const View<const float> output_input = net.hidden ? View<const float>(Ah) : View<const float>(X);

        // 0–1. the batch, and this thread's hidden units
        load_batch(X, shuffled_, rows_.data() + start);
        if (net.hidden && f0 < f1) {
            dense_forward(Zh, X, mine.Wh.view(), net.bh.data() + f0);
            relu_forward(Ah.columns(f0, f1), Zh);
        }
        pool_.barrier();
        // 2. the output layer and its error, eq. (5), for this thread's samples
        if (i0 < i1) {
            const View<float> Zo = Zo_.view().row_range(i0, i1), Ao = Ao_.view().row_range(i0, i1);
            dense_forward(Zo, output_input.row_range(i0, i1), net.Wo.view(), net.bo.data());
            softmax_forward(Ao, Zo);
            softmax_cross_entropy_backward(Gamma_o.row_range(i0, i1), Ao, y + i0,
                                           1.0f / static_cast<float>(rows));
        }
        pool_.barrier();

        const float omega = static_cast<float>(opt_.omega);
        const float two_lambda = static_cast<float>(2 * opt_.lambda);
        if (t == 0) {   // bo, eq. (3)
            column_sums(dbo_.data(), Gamma_o);
            if (opt_.penalise_bias) add_l2_gradient(dbo_.view(), net.bo.view(), two_lambda);
            sgd_update(net.bo.view(), dbo_.view(), velocity_block(velocity_.bo, true, 0, 1), eta, omega);
        }
        if (f0 == f1) return;   // more threads than blocks of units: this one owns none
        // 3. the hidden layer's error, eq. (1)
        if (net.hidden) relu_backward(Gamma_h, Gamma_o, net.Wo.view().row_range(f0, f1), Zh);
        // 4. SGD: output layer, eq. (2) …
        sgd_update_dense(net.Wo.view().row_range(f0, f1), velocity_block(velocity_.Wo, true, f0, f1),
                         output_input.columns(f0, f1), Gamma_o, eta, omega, two_lambda);
        // … and hidden layer, eqs. (2), (3)
        if (net.hidden) {
            sgd_update_dense(mine.Wh.view(), mine.vWh.size() ? mine.vWh.view() : View<float>{}, X, Gamma_h,
                             eta, omega, two_lambda);
            column_sums(dbh_.data() + f0, Gamma_h);
            if (opt_.penalise_bias)
                add_l2_gradient(dbh_.view().columns(f0, f1), net.bh.view().columns(f0, f1), two_lambda);
            sgd_update(net.bh.view().columns(f0, f1), dbh_.view().columns(f0, f1),
                       velocity_block(velocity_.bh, false, f0, f1), eta, omega);
        }
    }

    Network<float>& net_;
    ThreadPool& pool_;
    SgdOptions opt_;
    std::size_t B_, F_;
    Matrix<float> dbh_, dbo_;                   // 1×H, 1×K: bias gradients (eq. 3)
    Network<float> velocity_;                   // v of bh, Wo and bo (empty without momentum)
    std::vector<ThreadColumns> thread_columns_; // [thread]
    Matrix<float> Ah_;                          // B×H: each thread writes the columns of its units
    Matrix<float> Zo_, Ao_, Gamma_o_;           // B×K: each thread writes the rows of its samples
    Dataset shuffled_;                          // the epoch's samples in the epoch's order
    std::vector<std::size_t> rows_;             // 0, 1, …, N−1: rows of shuffled_
};

// ---------------------------------------------------------------------------------------------
// Evaluation on all threads: blocks of kEvalRows samples shared between them, each sample's loss
// stored and the losses summed in sample order (network.hpp, summarise), so the result does not
// depend on the number of threads.
inline Evaluation evaluate(ThreadPool& pool, const Network<float>& net, const Dataset& data) {
    constexpr std::size_t kEvalRows = 250;
    const std::size_t N = data.count, blocks = (N + kEvalRows - 1) / kEvalRows;
    std::vector<double> loss(N);
    std::vector<std::uint8_t> predicted(N);
    struct Scratch {
        Matrix<float> X, Zh, Zo;   // kEvalRows × D, H, K: one thread's block of samples
    };
    std::vector<Scratch> scratch;   // allocated here: a job must not throw
    for (std::size_t t = 0; t < pool.size(); ++t)
        scratch.push_back({Matrix<float>(kEvalRows, net.inputs), Matrix<float>(kEvalRows, net.hidden),
                           Matrix<float>(kEvalRows, net.classes)});
    pool.run([&](std::size_t t) {
        const auto [b0, b1] = share(blocks, t, pool.size());
        auto& [X, Zh, Zo] = scratch[t];
        for (std::size_t b = b0; b < b1; ++b) {
            const std::size_t r0 = b * kEvalRows, rows = std::min(kEvalRows, N - r0);
            evaluate_rows(net, data, r0, X.view().row_range(0, rows), Zh.view().row_range(0, rows),
                          Zo.view().row_range(0, rows), loss, predicted);
        }
    });
    return summarise(loss, std::move(predicted), data.labels);
}

}  // namespace ch4
