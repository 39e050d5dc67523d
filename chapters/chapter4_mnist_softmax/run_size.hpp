// run_size.hpp — how much work and memory a run of this chapter takes, worked out from its flags
// before MNIST is read or any file is created: a run far beyond the defaults says first what it
// will cost, and one beyond all reason is refused unless the user asks for it (--allow-large).
// The policy is common/workload.hpp's; the counting is here.
//
// The work is counted in multiply-adds. With D = 784 pixels, K = 10 classes, H hidden units and
// P = DH + HK parameters (softmax regression: H = 0 and P = DK), one sample costs
//   a step of SGD   2DH + 3HK: X·Wh and Xᵀ·Γh, then Ah·Wo, Ahᵀ·Γo and Γo·Woᵀ (trainer.hpp);
//                   softmax regression 2DK: X·Wo and Xᵀ·Γo
//   an evaluation   P: one forward pass
// and a run does, per model, E epochs of steps over the training images, each followed by an
// evaluation of the training, test (and validation) images; with softmax regression also 001's
// λ sweep (7 runs of 50 epochs, the test set scored after each); with --tune, per model, every
// point of its grid for the grid's epochs on five sixths of the training images, the validation
// sixth scored after each epoch.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <thread>
#include <vector>

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/options.hpp"
#include "chapters/chapter4_mnist_softmax/presets.hpp"
#include "chapters/chapter4_mnist_softmax/selection.hpp"
#include "common/workload.hpp"

namespace ch4 {

// MNIST's files, and the shape of the models (idx.hpp checks the files against these).
inline constexpr double kTrainImages = 60000, kTestImages = 10000, kPixels = 784;
inline constexpr double kDigits = kClasses;   // K, idx.hpp

// The whole default run, build aside, takes ≈ 25 s on 2 cores of a Zen 4 EPYC (AVX-512) with
// dense products for its ≈ 8.3e11 multiply-adds, 1.7e10 a second and core, and ≈ 13 s on a
// Zen 5, whose MLP skips the zero pixels (sparse.hpp: the work is still counted as if dense);
// softmax regression's small products run slower, so the rate below errs on the long side
// (≈ 40 s for the default run).
inline constexpr double kMultiplyAddsPerSecondAndCore = 1e10;

// The cores a run's threads can use.
inline double cores_used(int threads) {
    const double cores = std::max(1u, std::thread::hardware_concurrency());
    return std::min<double>(threads, cores);
}

// A run estimated above 2 minutes (3 times the default's estimate; `--tune`, ≈ 6 min, is
// announced) is announced and reports every epoch; one above an hour or 4 GB is refused unless
// --allow-large is given.
inline constexpr double kNoticeSeconds = 120, kLimitSeconds = 3600, kLimitBytes = 4e9;

// Whether the hyper-parameter flag --name was given.
inline bool given(const Options& o, const std::string& name) {
    for (std::size_t k = 0; k < kColumns.size(); ++k)
        if (kColumns[k].flag == name) return o.hyper_given[k].has_value();
    return false;
}

// One model's share of a run: its sizes per sample.
struct ModelSize {
    double step, parameters, hidden;
};

inline ModelSize model_size(const std::string& model, double hidden) {
    if (model == "mlp") return {2 * kPixels * hidden + 3 * hidden * kDigits, kPixels * hidden + hidden * kDigits, hidden};
    return {2 * kPixels * kDigits, kPixels * kDigits, 0};
}

// The models a run trains.
inline std::vector<std::string> models_of(const Options& o) {
    if (o.model == "both") return {"mlp", "logistic"};
    return {o.model};
}

// Memory held by one training at a time: its parameters, velocity and gradients (float); the
// epoch's shuffled copy of the images (bytes), or for the MLP on mostly-zero images the lists of
// their nonzero pixels, of the data set and in the epoch's order (8 bytes an entry, at most a
// third of the pixels: trainer.hpp, choose_products); and each thread's batch (float, and its
// list) and activations (float).
inline double training_bytes(const ModelSize& m, double images, double batch, double threads) {
    const double per_image = m.hidden ? 2 * 8 * kPixels / 3 : kPixels, batch_list = m.hidden ? 8 * kPixels : 0;
    return 4 * 3 * m.parameters + images * per_image +
           threads * batch * (4 * (kPixels + 3 * m.hidden + 3 * kDigits) + batch_list);
}

inline workload::Estimate estimate(const Options& o) {
    const double train = o.train_size ? std::min<double>(o.train_size, kTrainImages) : kTrainImages;
    const double test = o.test_size ? std::min<double>(o.test_size, kTestImages) : kTestImages;
    const double threads = o.threads;
    workload::Estimate e;
    double peak = 0;   // the largest training's own memory
    for (const std::string& model : models_of(o)) {
        const ModelSize m = model_size(model, o.hidden);
        const HyperParameters h = hyper_parameters(o, model);
        if (o.tune) {
            const TuningGrid g = tuning_grid(model);
            const double points = static_cast<double>(g.eta.size() * g.decay.size() * g.lambda.size());
            const double epochs = given(o, "epochs") ? h.epochs : g.epochs;
            const double fit = train - std::floor(train / kValidationShare);
            e.work += points * epochs * (fit * m.step + (train - fit) * m.parameters);
            peak = std::max(peak, std::min(threads, points) * training_bytes(m, fit, given(o, "batch") ? h.batch : g.batch, 1));
            continue;
        }
        e.work += h.epochs * (train * m.step + (train + test) * m.parameters);
        peak = std::max(peak, training_bytes(m, train, h.batch, threads));
        if (model == "logistic") {   // 001's λ sweep: λ = 0 once, the others twice; side by side, one thread each
            const double runs = 2.0 * static_cast<double>(kReportLambdas.size()) - 1;
            e.work += runs * kReport.epochs * (train * m.step + test * m.parameters);
            peak = std::max(peak, std::min(threads, runs) * training_bytes(m, train, kReport.batch, 1));
        }
    }
    e.seconds = e.work / (kMultiplyAddsPerSecondAndCore * cores_used(o.threads));
    // The four files as read (bytes) and their validation split's copy, and the largest training.
    e.bytes = (2 * train + test) * kPixels + peak;
    return e;
}

inline workload::Bounds size_bounds() {
    workload::Bounds b;
    b.unit = "multiply-adds";
    b.rate = "at this code's measured rate";
    b.notice_seconds = kNoticeSeconds;
    b.limit_seconds = kLimitSeconds;
    b.limit_bytes = kLimitBytes;
    b.smaller = "--epochs, --hidden, --batch, --train-size";
    b.step = "epoch";
    return b;
}

}  // namespace ch4
