// selection.hpp — choosing the hyper-parameters of each model on images held out of the training
// set (`chapter4 --tune`), so that the test set scores the chosen models once and chooses nothing.
//
// The split. The N training images are put in a random order drawn from the seed's own stream
// (Rng::stream(seed, 4): neither model's streams, training.hpp); the last ⌊N/6⌋ of that order
// — 10 000 of MNIST's 60 000, as many as the test set — are the validation set, the others the
// fitting set; each keeps the file's order. A random draw rather than the file's last 10 000: the
// file's order is not documented to be random (the test file's first and second halves, for
// instance, come from different groups of writers), and a seeded draw is as reproducible.
//
// The search. For each model, every combination of a small grid of η, κ and λ (presets.hpp,
// tuning_grid) is trained on the fitting set for the grid's number of epochs, and scored on the
// validation set after every epoch. Since a run of E epochs is the first E epochs of a longer
// one (training.hpp), every (η, κ, λ, E) with E up to that number is a candidate, and its
// validation accuracy is read off one run. The candidate with the highest validation accuracy is
// chosen; among equals, the one with fewer epochs, then the first in the grid's order.
//
// The test images cannot leak into the search: every function here takes the training set or
// sets cut from it, and `chapter4 --tune` does not even read the test files.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/presets.hpp"
#include "chapters/chapter4_mnist_softmax/thread_pool.hpp"
#include "chapters/chapter4_mnist_softmax/trainer.hpp"
#include "chapters/chapter4_mnist_softmax/training.hpp"
#include "common/csv.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/table.hpp"

namespace ch4 {

// ---------------------------------------------------------------------------------------------
// The split.

inline constexpr std::uint64_t kSplitStream = 4;   // Rng::stream id of the split
inline constexpr std::size_t kValidationShare = 6;  // one image in six is held out

// Positions 0 … n−1 of the training set in two sets: the fitting set and the validation set.
struct Split {
    std::vector<std::size_t> fit, validation;   // each in increasing order
};

inline Split validation_split(std::size_t n, std::uint64_t seed) {
    std::vector<std::size_t> order = Rng::stream(seed, kSplitStream).permutation(n);
    const std::size_t held = n / kValidationShare;
    Split s;
    s.fit.assign(order.begin(), order.end() - static_cast<std::ptrdiff_t>(held));
    s.validation.assign(order.end() - static_cast<std::ptrdiff_t>(held), order.end());
    std::sort(s.fit.begin(), s.fit.end());
    std::sort(s.validation.begin(), s.validation.end());
    return s;
}

// The images (and labels) of `d` at `positions`, in that order.
inline Dataset subset(const Dataset& d, const std::vector<std::size_t>& positions) {
    const std::size_t D = d.pixels_per_image();
    Dataset s{positions.size(), d.rows, d.cols, std::vector<std::uint8_t>(positions.size() * D),
              std::vector<std::uint8_t>(positions.size())};
    for (std::size_t i = 0; i < positions.size(); ++i) {
        std::copy_n(d.image(positions[i]), D, s.pixels.data() + i * D);
        s.labels[i] = d.labels[positions[i]];
    }
    return s;
}

// The training set cut in two by validation_split.
struct HeldOut {
    Dataset fit, validation;
};

inline HeldOut hold_out(const Dataset& training_set, std::uint64_t seed) {
    const Split s = validation_split(training_set.count, seed);
    return {subset(training_set, s.fit), subset(training_set, s.validation)};
}

// ---------------------------------------------------------------------------------------------
// The search.

// One candidate: a model, its hyper-parameters (h.epochs: how many epochs it was trained), and
// its validation accuracy and loss after them (NaN: the run had diverged by then).
struct Candidate {
    std::string model;
    HyperParameters h;
    double val_acc = 0, val_loss = 0;

    bool diverged() const { return !std::isfinite(val_acc); }
};

// The grid's points, in its order: η, then κ, then λ (epochs: 0, set per candidate).
inline std::vector<HyperParameters> grid_points(const TuningGrid& g) {
    std::vector<HyperParameters> points;
    for (double eta : g.eta)
        for (double decay : g.decay)
            for (double lambda : g.lambda) points.push_back({eta, g.omega, decay, lambda, g.batch, 0});
    return points;
}

// One grid point trained for `epochs` epochs on `pool`: one candidate per epoch. A run that
// diverges (its validation loss not finite or over ten times that of guessing) stops; its
// diverged epoch is a candidate with NaN scores, and no later epoch is.
inline std::vector<Candidate> grid_point_candidates(const std::string& model, HyperParameters h, int epochs,
                                                    const HeldOut& sets, std::size_t hidden, std::uint64_t seed,
                                                    ThreadPool& pool, const StepReport& report) {
    ModelRun run(model, sets.fit.pixels_per_image(), hidden, h.sgd(), seed, false, pool);
    std::vector<Candidate> out;
    for (int e = 1; e <= epochs; ++e) {
        run.epoch(sets.fit);
        const Evaluation v = evaluate(pool, run.network(), sets.validation);
        h.epochs = e;
        const bool stop = diverged(v.loss);
        out.push_back({model, h, stop ? NAN : v.accuracy, stop ? NAN : v.loss});
        report(stop ? static_cast<std::size_t>(epochs - e + 1) : 1,
               model + " η " + table::param(h.eta) + ", κ " + table::param(h.decay) + ", λ " +
                   table::param(h.lambda) + ", epoch " + std::to_string(e) + ": " +
                   (stop ? std::string("diverged") : "val acc " + table::percent(v.accuracy)));
        if (stop) break;
    }
    return out;
}

// Every candidate of the grid for one model, in the grid's order (η, then κ, then λ, then the
// epochs). The grid points are trained `workers` at a time, one thread each (side_by_side).
inline std::vector<Candidate> search(const std::string& model, const TuningGrid& grid, const HeldOut& sets,
                                     std::size_t hidden, std::uint64_t seed, std::size_t workers,
                                     Progress& progress) {
    const std::vector<HyperParameters> points = grid_points(grid);
    std::vector<std::vector<Candidate>> found(points.size());
    side_by_side(points.size(), workers, progress, [&](std::size_t p, ThreadPool& pool, const StepReport& report) {
        found[p] = grid_point_candidates(model, points[p], grid.epochs, sets, hidden, seed, pool, report);
    });
    std::vector<Candidate> out;
    for (const std::vector<Candidate>& f : found) out.insert(out.end(), f.begin(), f.end());
    return out;
}

// The chosen candidate of `model`: the highest validation accuracy; among equals, fewer epochs,
// then the first in the grid's order. Null if every run of the model diverged at once.
inline const Candidate* choose(const std::vector<Candidate>& candidates, const std::string& model) {
    const Candidate* best = nullptr;
    for (const Candidate& c : candidates) {
        if (c.model != model || c.diverged()) continue;
        if (!best || c.val_acc > best->val_acc || (c.val_acc == best->val_acc && c.h.epochs < best->h.epochs))
            best = &c;
    }
    return best;
}

// tuning.csv: every candidate, columns model,lr,momentum,decay,lambda,epochs,val_acc (val_acc
// empty where the run had diverged). The chosen one can be found again from this file alone.
inline void write_tuning(const std::filesystem::path& path, const std::vector<Candidate>& candidates) {
    csv::Writer w({"model", "lr", "momentum", "decay", "lambda", "epochs", "val_acc"});
    for (const Candidate& c : candidates)
        w.row({c.model, csv::num(c.h.eta), csv::num(c.h.omega), csv::num(c.h.decay), csv::num(c.h.lambda),
               std::to_string(c.h.epochs), csv::num(c.val_acc)});
    w.save(path);
}

}  // namespace ch4
