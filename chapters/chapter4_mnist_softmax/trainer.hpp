// trainer.hpp — the fast path: network.hpp's SGD step shared by a pool of threads, with the
// gradient of each weight matrix folded into its update; the matrix product and the evaluation
// shared the same way.
//
// Everything here computes what network.hpp computes, in the same order of summation:
//   gemm(pool, …)      matrix.hpp's gemm, its columns (or rows) cut between the threads;
//   Trainer            ReferenceSgd's steps (test_network holds the two equal), the MLP's
//                      products with the batch over its nonzero pixels only (sparse.hpp);
//   evaluate(pool, …)  evaluate_rows over blocks of samples, the losses summed in sample order.
// So the number of threads never changes a bit of the result.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/matrix.hpp"
#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "chapters/chapter4_mnist_softmax/sparse.hpp"
#include "chapters/chapter4_mnist_softmax/thread_pool.hpp"

namespace ch4 {

// ---------------------------------------------------------------------------------------------
// How much work is worth sharing. Every thread that takes part in a product or in a step of SGD
// must meet the others at a barrier, and on a busy machine a meeting is a sleep and a wake-up,
// tens of microseconds, on an idle one about a microsecond. So work is cut between threads only
// if each gets at least kMinSharedWork multiply-adds, about 6 µs of arithmetic on one core (at
// the kernel's 85 GFLOP/s on the Zen 4 of the README's Speed section); smaller work runs on
// one thread, and the others stay asleep. A step of softmax regression (784·10·2 multiply-adds
// per sample, 0.78 million per batch) is just worth sharing on an idle machine; whether it is
// on a busy one, the trainer measures (TeamChoice).
inline constexpr std::size_t kMinSharedWork = std::size_t{1} << 18;

// How many threads of `pool` share `work` multiply-adds: as many as get min_work each (at least
// one; min_work = 0: all of them, as the tests ask, to share even tiny products).
inline std::size_t team_for(const ThreadPool& pool, std::size_t work, std::size_t min_work) {
    return min_work == 0 ? pool.size() : std::clamp<std::size_t>(work / min_work, 1, pool.size());
}

// ---------------------------------------------------------------------------------------------
// The product shared by the threads of `pool`: each computes a contiguous block of columns of C
// (whole tiles of tile_for(C.cols)), or of rows when C has more rows of tiles than columns.
// Every element is computed exactly as by gemm() on one thread.
template <class T>
void gemm(ThreadPool& pool, Op opA, Op opB, T alpha, In<T> A, In<T> B, std::type_identity_t<T> beta,
          View<std::type_identity_t<T>> C, std::size_t min_shared_work = kMinSharedWork) {
    check_shapes(opA, A, opB, B, C);
    const std::size_t MR = tile_for(C.cols).rows, NR = tile_for(C.cols).cols;
    const std::size_t row_panels = (C.rows + MR - 1) / MR, col_panels = (C.cols + NR - 1) / NR;
    const bool by_rows = row_panels > col_panels;
    const std::size_t team = std::min(team_for(pool, C.rows * C.cols * op_cols(opA, A), min_shared_work),
                                      std::max(row_panels, col_panels));
    pool.run([&](std::size_t t) {
        if (by_rows) {
            auto [p0, p1] = share(row_panels, t, team);
            const std::size_t i0 = p0 * MR, i1 = std::min(C.rows, p1 * MR);
            if (i0 >= i1) return;
            const View<const T> Ai = opA == Op::N ? A.row_range(i0, i1) : A.columns(i0, i1);
            gemm(opA, opB, alpha, Ai, B, beta, C.row_range(i0, i1));
        } else {
            auto [q0, q1] = share(col_panels, t, team);
            const std::size_t j0 = q0 * NR, j1 = std::min(C.cols, q1 * NR);
            if (j0 >= j1) return;
            const View<const T> Bj = opB == Op::N ? B.columns(j0, j1) : B.row_range(j0, j1);
            gemm(opA, opB, alpha, A, Bj, beta, C.columns(j0, j1));
        }
    }, team);
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
// `product(α, β, C)` computes C ← α·XᵀΓ + β·C: gemm, or sparse_xt_times for the MLP's Wh.
template <class T, class Product>
void sgd_update_folded(View<T> W, View<T> v, Product product, T eta, T omega, T two_lambda) {
    if (omega == T(0)) {
        product(-eta, T(1) - eta * two_lambda, W);
        return;
    }
    product(eta, omega, v);
    for (std::size_t i = 0; i < W.rows; ++i) {
        T* w = W.row(i);
        T* vi = v.row(i);
        if (two_lambda != T(0))
            for (std::size_t j = 0; j < W.cols; ++j) vi[j] += eta * two_lambda * w[j];
        for (std::size_t j = 0; j < W.cols; ++j) w[j] -= vi[j];
    }
}

// ---------------------------------------------------------------------------------------------
// One thread or all of them? On an idle machine the whole pool is faster. On a busy one — other
// programs on every core — each of the trainer's threads runs only part of the time, and the
// team meets at a barrier twice per step: every meeting then waits for a thread that the
// scheduler has paused, up to a time slice (milliseconds) for 0.1 ms of work, and one thread
// alone, which waits for nobody, is faster. Which case holds changes as other programs start
// and stop, so the trainer measures it: it runs the steps in segments, times each, and gives the
// next segment to the team (one thread, or the whole pool) whose latest segment took less time
// per step. Now and then the other team runs a segment, to see whether the machine has changed:
// after `explore_every` segments, a number that doubles (up to kMaxExploreEvery) each time the
// other team is found slower again, so that on a steady machine almost every segment runs on
// the faster team. Either team computes the same bits.
// How long a segment lasts matters on a busy machine. The scheduler shares a core between
// programs in slices of a few milliseconds, so a short segment is timed within a slice or two,
// and its time per step depends on where the slices fell: on the Zen 5 of the README's Speed
// section with a busy loop per core, 10 steps of one thread took 110 µs each and 50 steps
// 160–280 µs; 10 steps of the pool 70–90 µs, or 1,600. So a segment runs in chunks of kChunk
// batches until it has lasted kSegmentSeconds, many slices. A segment that tries the other team,
// though, runs in chunks of kTryChunk and stops as soon as it has lasted kMinTrySeconds and is
// kGiveUp times slower per step than the faster team's latest: a short stretch errs towards
// looking fast, so one that looks that slow is slower, and stopping it bounds what a try costs
// on a busy machine. The pool has the first segment (on an idle machine it is the faster team);
// one thread's first is a try. (Short first segments would be timed while the caches and the
// pages of each team's memory are still cold.)
class TeamChoice {
public:
    static constexpr double kSegmentSeconds = 0.025, kMinTrySeconds = 0.002, kGiveUp = 1.5;
    static constexpr std::size_t kChunk = 10, kTryChunk = 2, kFirstExploreEvery = 4, kMaxExploreEvery = 16;

    // The team of the next segment: 0 (one thread) or 1 (the whole pool).
    std::size_t next() {
        exploring_ = false;
        if (seconds_per_step_[1] == 0) return current_ = 1;                     // the pool first, …
        if (seconds_per_step_[0] == 0) return exploring_ = true, current_ = 0;   // … then a try of one thread
        const std::size_t faster = seconds_per_step_[0] <= seconds_per_step_[1] ? 0 : 1;
        if (++since_exploring_ >= explore_every_) exploring_ = true, since_exploring_ = 0;
        return current_ = exploring_ ? 1 - faster : faster;
    }
    // The batches of the next chunk of the segment next() chose.
    std::size_t chunk() const { return exploring_ ? kTryChunk : kChunk; }
    // Whether the segment next() chose goes on after `steps` steps in `seconds`.
    bool go_on(double seconds, std::size_t steps) const {
        if (exploring_ && seconds >= kMinTrySeconds &&
            seconds > kGiveUp * seconds_per_step_[1 - current_] * static_cast<double>(steps))
            return false;
        return seconds < kSegmentSeconds;
    }
    // The segment just run took `seconds` for `steps` steps.
    void record(double seconds, std::size_t steps) {
        const double per_step = std::max(seconds, 1e-9) / static_cast<double>(steps);
        if (exploring_)
            explore_every_ = per_step >= seconds_per_step_[1 - current_]
                                 ? std::min(2 * explore_every_, kMaxExploreEvery) : kFirstExploreEvery;
        seconds_per_step_[current_] = per_step;
    }

private:
    double seconds_per_step_[2] = {0, 0};   // latest segment of each team (0: none yet)
    std::size_t current_ = 1, since_exploring_ = 0, explore_every_ = kFirstExploreEvery;
    bool exploring_ = false;
};

// ---------------------------------------------------------------------------------------------
// The threaded trainer. The threads of a team share every step two ways:
//   by units    each thread owns a block of the F inputs of the output layer — hidden units for
//               the MLP, pixels for softmax regression — with everything that belongs to them:
//               their columns of Wh and bh and their rows of Wo;
//   by samples  each thread owns a block of the batch's rows.
// One step on a batch, for thread t:
//   0. its own copy of the batch: the images, scaled by 1/255, as the rows of X; or, for the
//      MLP on images that are mostly 0 (as MNIST's), the lists of its nonzero pixels (sparse.hpp)
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
// fetching their converted rows from the other cores' caches. A thread's columns of Wh (and of
// their velocity), Zh and Γh live in its own matrices while its team runs (net.Wh is written
// back when the other team takes over, and at the end of each epoch): as columns of one matrix
// they would sit beside the other threads' in every row, and the prefetchers, which also fetch
// the lines next to those a core reads, would make the cores take each other's lines.
// Which team runs which steps — one thread, or the whole pool — is measured (TeamChoice).
class Trainer {
public:
    // Units are handed out in blocks of 16 — a cache line of floats — so that two threads never
    // write the same line of bh or Ah.
    static constexpr std::size_t kUnitBlock = 16;

    // How the steps are shared: `measured` — by one thread or by the whole pool, whichever is
    // faster at the time (TeamChoice), and by one thread only if a step is too small to share
    // (its threads would get less than kMinSharedWork multiply-adds each); `always` — by every
    // thread of the pool, however small the step (for the tests).
    enum class Sharing { measured, always };

    Trainer(Network<float>& net, ThreadPool& pool, const SgdOptions& opt, Sharing sharing = Sharing::measured)
        : net_(net), pool_(pool), opt_(opt), B_(opt.batch), F_(net.features()),
          dbh_(1, net.hidden), dbo_(1, net.classes),
          velocity_(opt.omega > 0 ? zeros_like(net) : Network<float>{}),
          Ah_(B_, net.hidden), Zo_(B_, net.classes), Ao_(B_, net.classes), Gamma_o_(B_, net.classes) {
        const std::size_t all = pool.size(), worth = largest_team_worth_sharing(pool, net, B_);
        if (sharing == Sharing::always) teams_.push_back(make_team(all));
        else {
            teams_.push_back(make_team(1));
            if (worth > 1) teams_.push_back(make_team(worth));
        }
    }

    // One pass over `data` in the order `order` (a permutation of its samples), in batches of B
    // (the last may be smaller), with learning rate eta.
    void epoch(const Dataset& data, const std::vector<std::size_t>& order, float eta) {
        const std::size_t N = order.size();
        shuffle(data, order);
        shared_steps_ = steps_ = 0;
        const bool choosing = teams_.size() > 1;
        for (std::size_t start = 0; start < N;) {   // a segment on one team …
            const std::size_t which = choosing ? choice_.next() : 0;
            Team& team = teams_[which];
            hold(which);
            const auto t0 = std::chrono::steady_clock::now();
            std::size_t steps = 0;
            double seconds = 0;
            do {   // … in chunks (TeamChoice), or all at once if there is no choice
                const std::size_t end = choosing ? std::min(N, start + choice_.chunk() * B_) : N;
                pool_.run([&](std::size_t t) {
                    for (std::size_t s = start; s < end; s += B_) step(team, t, s, std::min(B_, N - s), eta);
                }, team.size);
                steps += (end - start + B_ - 1) / B_;
                start = end;
                seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            } while (start < N && choice_.go_on(seconds, steps));
            if (choosing) choice_.record(seconds, steps);
            steps_ += steps;
            if (team.size > 1) shared_steps_ += steps;
        }
        hold(kNetwork);   // Wh back in net.Wh
    }

    // The most threads that share a step (1 if the steps are too small to share).
    std::size_t threads() const { return teams_.back().size; }
    // The fraction of the last epoch's steps that were shared by more than one thread.
    double shared_fraction() const { return steps_ ? static_cast<double>(shared_steps_) / steps_ : 0.0; }

private:
    // What one thread works on alone, in its own memory.
    struct ThreadColumns {
        Matrix<float> X;              // B×D: its copy of the batch (unless sparse_)
        BatchPixels pixels;           // or the batch's nonzero pixels (if sparse_; sized in shuffle)
        Matrix<float> Wh, vWh;        // D×n: its n hidden units' columns of Wh and of their velocity v
        Matrix<float> Zh, Gamma_h;    // B×n: their columns of Zh and Γh
    };
    // A team of `size` threads, each with its share of the units and its own memory.
    struct Team {
        std::size_t size;
        std::vector<ThreadColumns> columns;   // [thread]
    };

    // The most threads worth sharing a step: as many as get kMinSharedWork multiply-adds of it
    // each, and no more than there are blocks of units. A step on a batch of B is, in
    // multiply-adds, for the MLP X·Wh and Xᵀ·Γh (D·H each), Ah·Wo, Ahᵀ·Γo and Γo·Woᵀ (H·K
    // each); for softmax regression X·Wo and Xᵀ·Γo (D·K each).
    static std::size_t largest_team_worth_sharing(const ThreadPool& pool, const Network<float>& net,
                                                  std::size_t B) {
        const std::size_t D = net.inputs, H = net.hidden, K = net.classes;
        const std::size_t work = B * (H ? 2 * D * H + 3 * H * K : 2 * D * K);
        return std::min(team_for(pool, work, kMinSharedWork), (net.features() + kUnitBlock - 1) / kUnitBlock);
    }

    Team make_team(std::size_t size) const {
        Team team{size, {}};
        for (std::size_t t = 0; t < size; ++t) {
            const auto [f0, f1] = units(t, size);
            const std::size_t n = net_.hidden ? f1 - f0 : 0, D = net_.inputs;   // n hidden units
            team.columns.push_back({Matrix<float>(net_.hidden ? 0 : B_, D), BatchPixels{},
                                    Matrix<float>(D, n), Matrix<float>(opt_.omega > 0 ? D : 0, n),
                                    Matrix<float>(B_, n), Matrix<float>(B_, n)});
        }
        return team;
    }

    // The epoch's images in the epoch's order, so that a batch is B consecutive images (memory
    // the processor streams; gathering them image by image in each step would wait for memory
    // in every step): their lists of nonzero pixels when the steps read those (sparse_), else
    // their pixels. Copied by the largest team.
    void shuffle(const Dataset& data, const std::vector<std::size_t>& order) {
        const std::size_t N = order.size(), D = data.pixels_per_image();
        if (net_.hidden) choose_products(data, order);
        const std::size_t bytes = sparse_ ? 0 : N * D;
        if (shuffled_.count != N || shuffled_.pixels.size() != bytes) {   // first epoch only
            shuffled_ = Dataset{N, data.rows, data.cols, std::vector<std::uint8_t>(bytes),
                                std::vector<std::uint8_t>(N)};
            rows_.resize(N);
            for (std::size_t n = 0; n < N; ++n) rows_[n] = n;
        }
        const std::size_t threads = teams_.back().size;
        pool_.run([&](std::size_t t) {
            const auto [n0, n1] = share(N, t, threads);
            if (sparse_) copy_images(epoch_pixels_, image_pixels_, order, n0, n1);
            for (std::size_t n = n0; n < n1; ++n) {
                if (!sparse_) std::copy_n(data.image(order[n]), D, shuffled_.pixels.data() + n * D);
                shuffled_.labels[n] = data.labels[order[n]];
            }
        }, threads);
    }

    // The MLP's products with the batch: over its nonzero pixels (sparse.hpp) if at most a third
    // of the data set's pixels are nonzero (in MNIST a fifth), else dense, with gemm — the same
    // bits either way; the sparse products take more time per term, and beyond about a third of
    // the terms the dense ones are faster. Decided, and the data set's lists made, when the data
    // set is new to this trainer; then room in each thread's lists for the fullest batch of the
    // epoch (or its copy of the batch, X). All here, outside the jobs.
    void choose_products(const Dataset& data, const std::vector<std::size_t>& order) {
        if (&data != listed_.set || data.pixels.data() != listed_.pixels || data.count != listed_.count) {
            const auto zeros = static_cast<std::size_t>(std::count(data.pixels.begin(), data.pixels.end(), 0));
            sparse_ = 3 * (data.pixels.size() - zeros) <= data.pixels.size();
            image_pixels_ = sparse_ ? list_pixels(data) : ImagePixels{};
            listed_ = {&data, data.pixels.data(), data.count};
            for (Team& team : teams_)
                for (ThreadColumns& mine : team.columns)
                    if (!sparse_ && mine.X.rows() != B_) mine.X = Matrix<float>(B_, net_.inputs);
        }
        if (!sparse_) return;
        reorder_starts(epoch_pixels_, image_pixels_, order);
        std::size_t fullest = 0;
        for (std::size_t s = 0; s < order.size(); s += B_)
            fullest = std::max(fullest, epoch_pixels_.start[std::min(order.size(), s + B_)] - epoch_pixels_.start[s]);
        if (fullest <= pixels_room_) return;
        for (Team& team : teams_)
            for (ThreadColumns& mine : team.columns) mine.pixels = BatchPixels(net_.inputs, fullest);
        pixels_room_ = fullest;
    }

    // Give the hidden layer's weights Wh and their velocity to the threads of teams_[team] (or
    // back to net.Wh and velocity_.Wh: kNetwork), each thread its units' columns.
    void hold(std::size_t team) {
        if (team == holder_) return;
        if (net_.hidden)
            for (const bool take : {false, true}) {   // the old holder gives them back, the new one takes them
                const std::size_t which = take ? team : holder_;
                if (which == kNetwork) continue;
                Team& to = teams_[which];
                pool_.run([&](std::size_t t) {
                    const auto [f0, f1] = units(t, to.size);
                    ThreadColumns& mine = to.columns[t];
                    const View<float> Wh = net_.Wh.view().columns(f0, f1);
                    if (take) copy(mine.Wh.view(), Wh);
                    else copy(Wh, mine.Wh.view());
                    if (opt_.omega == 0) return;
                    const View<float> vWh = velocity_.Wh.view().columns(f0, f1);
                    if (take) copy(mine.vWh.view(), vWh);
                    else copy(vWh, mine.vWh.view());
                }, to.size);
            }
        holder_ = team;
    }

    // Thread t's share of `rows` samples in a team of n: [begin, end).
    static std::pair<std::size_t, std::size_t> samples(std::size_t rows, std::size_t t, std::size_t n) {
        return share(rows, t, n);
    }
    // Thread t's share of the F units in a team of n: [begin, end), whole blocks of kUnitBlock
    // (but the last).
    std::pair<std::size_t, std::size_t> units(std::size_t t, std::size_t n) const {
        const auto [b0, b1] = share((F_ + kUnitBlock - 1) / kUnitBlock, t, n);
        return {std::min(F_, b0 * kUnitBlock), std::min(F_, b1 * kUnitBlock)};
    }

    // This thread's block of a velocity matrix (empty without momentum): rows [f0, f1) of Wo's,
    // or columns [f0, f1) of bh's.
    static View<float> velocity_block(Matrix<float>& v, bool by_rows, std::size_t f0, std::size_t f1) {
        if (v.size() == 0) return View<float>{};
        return by_rows ? v.view().row_range(f0, f1) : v.view().columns(f0, f1);
    }

    // One step of thread t of `team` on the batch of `rows` samples from `start` in the
    // epoch's order.
    void step(Team& team, std::size_t t, std::size_t start, std::size_t rows, float eta) {
        Network<float>& net = net_;
        ThreadColumns& mine = team.columns[t];
        const std::size_t f0 = units(t, team.size).first, f1 = units(t, team.size).second;   // (captured below)
        const auto [i0, i1] = samples(rows, t, team.size);
        const View<float> X = mine.X.view().row_range(0, sparse_ ? 0 : rows);
        const std::uint8_t* y = shuffled_.labels.data() + start;   // the batch's labels
        const View<float> Zh = mine.Zh.view().row_range(0, rows);
        const View<float> Gamma_h = mine.Gamma_h.view().row_range(0, rows);
        const View<float> Ah = Ah_.view().row_range(0, rows), Gamma_o = Gamma_o_.view().row_range(0, rows);
        const View<const float> output_input = net.hidden ? View<const float>(Ah) : View<const float>(X);

        // 0–1. the batch, and this thread's hidden units
        if (sparse_) gather(mine.pixels, epoch_pixels_, start, rows);
        else load_batch(X, shuffled_, rows_.data() + start);
        if (net.hidden && f0 < f1) {
            if (sparse_) sparse_forward(Zh, mine.pixels, mine.Wh.view(), net.bh.data() + f0);
            else dense_forward(Zh, X, mine.Wh.view(), net.bh.data() + f0);
            relu_forward(Ah.columns(f0, f1), Zh);
        }
        pool_.barrier(t);
        // 2. the output layer and its error, eq. (5), for this thread's samples
        if (i0 < i1) {
            const View<float> Zo = Zo_.view().row_range(i0, i1), Ao = Ao_.view().row_range(i0, i1);
            dense_forward(Zo, output_input.row_range(i0, i1), net.Wo.view(), net.bo.data());
            softmax_forward(Ao, Zo);
            softmax_cross_entropy_backward(Gamma_o.row_range(i0, i1), Ao, y + i0,
                                           1.0f / static_cast<float>(rows));
        }
        pool_.barrier(t);

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
        const View<const float> A = output_input.columns(f0, f1);
        sgd_update_folded(net.Wo.view().row_range(f0, f1), velocity_block(velocity_.Wo, true, f0, f1),
                          [&](float a, float b, View<float> C) { gemm(Op::T, Op::N, a, A, Gamma_o, b, C); },
                          eta, omega, two_lambda);
        // … and hidden layer, eqs. (2), (3)
        if (net.hidden) {
            sgd_update_folded(mine.Wh.view(), mine.vWh.size() ? mine.vWh.view() : View<float>{},
                              [&](float a, float b, View<float> C) {
                                  if (sparse_) sparse_xt_times(C, mine.pixels, Gamma_h, a, b);
                                  else gemm(Op::T, Op::N, a, X, Gamma_h, b, C);
                              },
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
    Network<float> velocity_;                   // v of Wh, bh, Wo and bo (empty without momentum)
    Matrix<float> Ah_;                          // B×H: each thread writes the columns of its units
    Matrix<float> Zo_, Ao_, Gamma_o_;           // B×K: each thread writes the rows of its samples
    Dataset shuffled_;                          // the epoch's samples in the epoch's order
    std::vector<std::size_t> rows_;             // 0, 1, …, N−1: rows of shuffled_
    std::vector<Team> teams_;                   // one thread, and the largest team worth sharing
    static constexpr std::size_t kNetwork = static_cast<std::size_t>(-1);
    std::size_t holder_ = kNetwork;             // the team whose threads hold Wh (or net.Wh itself)
    bool sparse_ = false;                       // the MLP's products with X over its nonzero pixels?
    ImagePixels image_pixels_, epoch_pixels_;   // if so, those of each image, and in the epoch's order …
    struct {
        const Dataset* set = nullptr;
        const std::uint8_t* pixels = nullptr;
        std::size_t count = 0;
    } listed_;                                  // … of this data set
    std::size_t pixels_room_ = 0;               // the entries each BatchPixels has room for
    TeamChoice choice_;
    std::size_t steps_ = 0, shared_steps_ = 0;  // in the last epoch: all steps, those shared
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
