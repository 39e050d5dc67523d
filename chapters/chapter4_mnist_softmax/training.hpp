// training.hpp — one model trained by mini-batch SGD, epoch by epoch, and independent runs side
// by side: what the default run (main.cpp), the λ sweep of 001's Fig. 9 and the validation
// search (selection.hpp) share.
//
// A model draws its initial weights and each epoch's order of the training images from random
// streams of its own, derived from the seed and the model (softmax regression and the MLP never
// share one), so one model's numbers do not depend on whether the other one ran, and two runs of
// the same model with the same seed start from the same weights and see the images in the same
// orders — only the hyper-parameters differ. The epoch e (0, 1, …) is trained with η_e =
// η/(1 + κe), which does not depend on how many epochs follow: a run of E epochs is the first E
// epochs of any longer run, bit for bit (the search relies on it, test_selection checks it).
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "chapters/chapter4_mnist_softmax/thread_pool.hpp"
#include "chapters/chapter4_mnist_softmax/trainer.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"

namespace ch4 {

// A run whose loss is not finite or exceeds ten times that of guessing (ln 10 per sample) has
// diverged: it is stopped and reported as such.
inline const double kDivergedLoss = 10 * std::log(10.0);

inline bool diverged(double loss) { return !std::isfinite(loss) || loss > kDivergedLoss; }

// The streams of each model (Rng::stream ids; selection.hpp's split uses the next one).
inline std::uint64_t initial_weights_stream(const std::string& model) { return model == "mlp" ? 0 : 2; }
inline std::uint64_t epoch_order_stream(const std::string& model) { return initial_weights_stream(model) + 1; }

// One model ("mlp" with `hidden` ReLU units, or "logistic": softmax regression, hidden = 0)
// under SGD with `sgd`, trained with the fast Trainer on `pool` or, with `reference`, with
// network.hpp's ReferenceSgd. It holds the network its trainer updates, so it stays in place.
class ModelRun {
public:
    ModelRun(const std::string& model, std::size_t inputs, std::size_t hidden, const SgdOptions& sgd,
             std::uint64_t seed, bool reference, ThreadPool& pool)
        : sgd_(sgd), shuffle_(Rng::stream(seed, epoch_order_stream(model))),
          net_(initial_network(model, inputs, model == "mlp" ? hidden : 0, seed)) {
        if (reference) reference_.emplace(net_, sgd_);
        else fast_.emplace(net_, pool, sgd_);
    }
    ModelRun(const ModelRun&) = delete;
    ModelRun& operator=(const ModelRun&) = delete;

    // The next epoch over `train` (always the same images): a fresh shuffle of the order, then
    // one pass with η_e. Returns the wall time of the pass, in seconds.
    double epoch(const Dataset& train) {
        if (order_.size() != train.count) {
            order_.resize(train.count);
            for (std::size_t n = 0; n < order_.size(); ++n) order_[n] = n;
        }
        shuffle_.shuffle(order_);
        const auto eta = static_cast<float>(learning_rate(sgd_, epochs_done_));
        Timer timer;
        if (reference_) reference_->epoch(train, order_, eta);
        else fast_->epoch(train, order_, eta);
        ++epochs_done_;
        return timer.seconds();
    }

    const Network<float>& network() const { return net_; }
    std::size_t epochs_done() const { return epochs_done_; }

private:
    // 001 Methods: Glorot uniform weights and zero biases, from the model's own stream.
    static Network<float> initial_network(const std::string& model, std::size_t inputs, std::size_t hidden,
                                          std::uint64_t seed) {
        Rng init = Rng::stream(seed, initial_weights_stream(model));
        return make_network<float>(inputs, hidden, kClasses, init);
    }

    SgdOptions sgd_;
    Rng shuffle_;
    Network<float> net_;
    std::vector<std::size_t> order_;   // the epoch's order: a permutation of the training images
    std::optional<Trainer> fast_;
    std::optional<ReferenceSgd<float>> reference_;
    std::size_t epochs_done_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Independent runs side by side (the λ sweep, the grid points of the search): each on a thread of
// its own, with a ThreadPool of one. A run gives the same bits on any number of threads
// (trainer.hpp), and independent runs never wait for each other, as the threads of one run must
// twice per batch — which costs most for small models and on a busy machine.

// Reports `epochs` more epochs done, with a note; may throw (an interrupt, or to stop a worker).
using StepReport = std::function<void(std::size_t epochs, const std::string& note)>;

// job(k, pool, report) for k = 0 … n−1, `workers` at a time (the caller's thread among them),
// returning when all are done. The first exception thrown by a job stops the others at their
// next report and is rethrown here.
inline void side_by_side(std::size_t n, std::size_t workers, Progress& progress,
                         const std::function<void(std::size_t, ThreadPool&, const StepReport&)>& job) {
    std::mutex lock;
    std::exception_ptr error;
    std::atomic<bool> failed{false};
    std::atomic<std::size_t> next{0};
    struct Stopped {};   // thrown into the other workers once one has failed
    const StepReport report = [&](std::size_t epochs, const std::string& note) {
        if (failed) throw Stopped{};
        const std::lock_guard<std::mutex> hold(lock);
        progress.step(epochs, note);
    };
    auto work = [&] {
        try {
            ThreadPool pool(1);   // (no threads of its own: it runs on this one)
            for (std::size_t k; !failed && (k = next++) < n;) job(k, pool, report);
        } catch (const Stopped&) {
        } catch (...) {
            const std::lock_guard<std::mutex> hold(lock);
            if (!error) error = std::current_exception();
            failed = true;
        }
    };
    std::vector<std::thread> threads;
    for (std::size_t w = 1; w < std::min(workers, n); ++w) threads.emplace_back(work);
    work();
    for (std::thread& t : threads) t.join();
    if (error) std::rethrow_exception(error);
}

}  // namespace ch4
