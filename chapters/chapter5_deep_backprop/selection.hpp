// selection.hpp — choosing the Franke network's set-up without looking at the test set (003
// "Fine-tuning neural network hyperparameters": a grid search scored on held-out data), and the
// comparison of the update rules of optimizers.hpp on that network, each at the learning rate
// its own validation runs chose.
//
//   the 750 training points → 600 to fit + 150 to validate, drawn at random   split_for_validation
//   each (η, λ) of a small grid trained on the 600; its validation MSE near
//   each checkpoint epoch; the smallest of all (η, λ, epochs) is chosen        search_franke_setup
//   the chosen set-up trained again on all 750 points, tested once             run_franke_network
//   each rule with each η of its ladder on the 600, 100 epochs; the smallest
//   validation MSE at the end chooses its η; that network is tested once        run_optimizer_comparison
//
// Every search here takes the training data only, so it cannot read the test set; a test
// replaces the test targets by NaN and finds the same choices.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "chapters/chapter5_deep_backprop/experiments.hpp"
#include "chapters/chapter5_deep_backprop/optimizers.hpp"
#include "chapters/chapter5_deep_backprop/sgd.hpp"
#include "common/random.hpp"

namespace streams {
constexpr std::uint64_t validation_split = 2000, franke_search = 2100, optimizer_comparison = 2200;
}

// ---------------------------------------------------------------------------------------------
// The validation split

struct ValidationSplit {
    Data fit, validation;
};

// The samples `idx[first … first + count)` of a data set.
inline Data samples_of(const Data& d, const std::vector<std::size_t>& idx, std::size_t first, std::size_t count) {
    Data out;
    gather_columns(out.X, d.X, idx, first, count);
    gather_columns(out.Y, d.Y, idx, first, count);
    return out;
}

// A random `fraction` of the training samples held out for validation, the rest to fit. The
// split is drawn from its own stream, so it is the same for every search of a run.
inline ValidationSplit split_for_validation(const Data& train, double fraction, std::uint64_t seed) {
    Rng rng = Rng::stream(seed, streams::validation_split);
    const std::vector<std::size_t> perm = rng.permutation(train.size());
    const std::size_t n_validation = train_count(train.size(), fraction);
    const std::size_t n_fit = train.size() - n_validation;
    return {samples_of(train, perm, 0, n_fit), samples_of(train, perm, n_fit, n_validation)};
}

// What a run is judged by at epoch e: the mean validation MSE over epochs e − 4 … e. The value
// after one epoch jitters with the last few mini-batches — by about ±0.002 on this data, as much
// as the differences between good set-ups — and a mean over five epochs takes out most of that
// jitter while still describing the network of epoch e (the one that is kept).
constexpr std::size_t kSettleEpochs = 5;

// `per_epoch[k]` is the validation MSE after epoch k + 1; NaN when the run did not reach epoch e.
inline double settled_mse(const std::vector<double>& per_epoch, std::size_t e) {
    if (e == 0 || per_epoch.size() < e) return std::numeric_limits<double>::quiet_NaN();
    const std::size_t first = e > kSettleEpochs ? e - kSettleEpochs : 0;
    double sum = 0;
    for (std::size_t k = first; k < e; ++k) sum += per_epoch[k];
    return sum / static_cast<double>(e - first);
}

// ---------------------------------------------------------------------------------------------
// The learning rates tried for each rule

// Seven rates in 1-2-5 steps over two decades, centred where each rule is usually started:
//   sgd       0.005 … 0.5    around our 0.05; 001's best rate, 0.1 (our 0.2), is the
//                            second largest, and 001 reports blow-ups beyond it
//   momentum  0.0005 … 0.05  sgd's ladder ÷ 10: with ω = 0.9 the long-run step η/(1 − ω) is the same
//   adagrad   0.001 … 0.1    around 0.01, the customary start (Duchi et al. give none)
//   rmsprop   1e-4 … 1e-2    around 0.001 (Tieleman & Hinton's lecture)
//   adam      1e-4 … 1e-2    around α = 0.001 (Kingma & Ba's default)
// A choice at either end of its ladder is reported as such (the optimum may lie beyond).
inline std::vector<double> eta_ladder(Optimizer o) {
    switch (o) {
        case Optimizer::sgd: return {0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5};
        case Optimizer::momentum: return {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05};
        case Optimizer::adagrad: return {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1};
        case Optimizer::rmsprop:
        case Optimizer::adam: return {1e-4, 2e-4, 5e-4, 1e-3, 2e-3, 5e-3, 1e-2};
    }
    return {};
}

// ---------------------------------------------------------------------------------------------
// The search for the headline set-up

// One point of the grid: (η, λ) trained for `epochs` epochs.
struct Candidate {
    double eta = 0, lambda = 0;
    std::size_t epochs = 0;
    double validation_mse = std::numeric_limits<double>::quiet_NaN();   // settled_mse; NaN: diverged before
    std::size_t diverged_epoch = 0;                                      // 0: did not diverge
};

struct SearchResult {
    std::vector<Candidate> candidates;   // η outermost, then λ, then the checkpoint epochs
    Candidate chosen;
    bool any_finished = false;           // false: every candidate diverged
};

// The rule of the headline network, as FrankeConfig sets it.
inline SgdOptions franke_options(const FrankeConfig& c, double eta, double lambda) {
    return {eta, c.omega, lambda, c.batch, c.optimizer};
}

// One training run of the search: (η, λ) on split.fit for the last checkpoint's epochs, the
// validation MSE taken after every epoch and judged at each checkpoint (settled_mse); a
// checkpoint at or after the epoch of divergence keeps NaN.
inline std::vector<Candidate> search_run(const FrankeConfig& c, const ValidationSplit& split, double eta,
                                         double lambda, Rng& rng, const EpochHook& after_epoch) {
    Network net = franke_network(c.hidden, Activation::relu, {c.init, c.normal_sd, 0.0}, rng);
    const std::size_t last = c.search_epochs.back();
    const double work = epoch_multiply_adds({2, c.hidden, 1}, {Activation::relu, Activation::linear},
                                            split.fit.size(), split.validation.size(), c.batch);
    std::vector<double> curve;
    const TrainResult r = train(net, split.fit, franke_options(c, eta, lambda), last, rng, [&](std::size_t epoch, double) {
        if (after_epoch) after_epoch(epoch, last, work);
        const double v = mean_squared_error(predict(net, split.validation.X), split.validation.Y);
        if (!std::isfinite(v)) return false;
        curve.push_back(v);
        return true;
    });
    std::vector<Candidate> out;
    for (std::size_t e : c.search_epochs)
        out.push_back({eta, lambda, e, settled_mse(curve, e), r.diverged && e >= r.diverged_epoch ? r.diverged_epoch : 0});
    return out;
}

// 003's grid search on held-out data: every η of the rule's ladder × every λ of
// c.search_lambda × every checkpoint of c.search_epochs, on a validation split of `train`.
// The candidate of smallest validation MSE is chosen (the first in grid order on a tie); if all
// diverged, the first (smallest η, first λ, fewest epochs), whose run then reports its divergence.
inline SearchResult search_franke_setup(const FrankeConfig& c, const Data& train, std::uint64_t seed,
                                        const EpochHook& after_epoch = {}) {
    const ValidationSplit split = split_for_validation(train, c.validation_fraction, seed);
    SearchResult result;
    std::size_t run = 0;
    for (double eta : eta_ladder(c.optimizer))
        for (double lambda : c.search_lambda) {
            Rng rng = Rng::stream(seed, streams::franke_search + run++);
            for (const Candidate& k : search_run(c, split, eta, lambda, rng, after_epoch))
                result.candidates.push_back(k);
        }
    result.chosen = result.candidates.front();
    for (const Candidate& k : result.candidates)
        if (std::isfinite(k.validation_mse) && (!result.any_finished || k.validation_mse < result.chosen.validation_mse)) {
            result.chosen = k;
            result.any_finished = true;
        }
    return result;
}

// The configuration with the chosen set-up in place of the searched settings.
inline FrankeConfig with_choice(FrankeConfig c, const Candidate& chosen) {
    c.eta = chosen.eta;
    c.lambda = chosen.lambda;
    c.epochs = chosen.epochs;
    return c;
}

// The headline network as the chapter runs it: the search sees the training points only; the
// chosen set-up (or the one fixed by hand, c.search = false) is then trained on all of them and
// scored on the test set, which only this last step is given.
struct FrankeHeadline {
    SearchResult search;   // empty when c.search is false
    FrankeConfig chosen;
    TrainingRun run;
};

inline FrankeHeadline run_franke_headline(const FrankeConfig& c, const FrankeSets& sets, std::uint64_t seed,
                                          const EpochHook& search_hook = {}, const EpochHook& run_hook = {}) {
    FrankeHeadline h;
    h.chosen = c;
    if (c.search) {
        h.search = search_franke_setup(c, sets.train, seed, search_hook);
        h.chosen = with_choice(c, h.search.chosen);
    }
    h.run = run_franke_network(h.chosen, sets, seed, run_hook);
    return h;
}

// The training runs of the search (for the estimate of work and memory, run_size.hpp).
inline std::vector<RunSize> franke_search_plan(const FrankeConfig& c) {
    if (!c.search) return {};
    const std::size_t n_train = train_count(c.n, 0.75);
    const std::size_t n_validation = train_count(n_train, c.validation_fraction);
    const std::size_t runs = eta_ladder(c.optimizer).size() * c.search_lambda.size();
    const RunSize one{"Franke search", {2, c.hidden, 1}, {Activation::relu, Activation::linear}, n_train - n_validation,
                      n_validation, c.batch, c.search_epochs.back(), 0};
    return std::vector<RunSize>(runs, one);
}

// ---------------------------------------------------------------------------------------------
// The update rules compared on the Franke network

struct RuleRun {
    double eta = 0;
    TrainingRun run;   // its history's test_metric is the validation MSE
    double validation_mse = std::numeric_limits<double>::quiet_NaN();   // settled_mse at the end
};

struct RuleComparison {
    Optimizer rule = Optimizer::sgd;
    std::vector<RuleRun> runs;    // one per η of the ladder
    std::size_t chosen = 0;       // index into runs: the smallest validation_mse
    bool any_finished = false;
    Network network;              // the chosen run's network, as trained: to be tested once
};

struct OptimizerComparisonConfig {
    std::size_t epochs = 100;    // 001's budget for its grid (Fig. 6)
    double omega = 0.9;          // momentum's ω, the usual value (001 leaves it open)
};

// Each rule of optimizers.hpp on the headline network (128 ReLU, Glorot, batch 10, λ = 0), at
// every η of its ladder, trained on the fit part of the validation split; the learning curve
// records the training MSE and the validation MSE after every epoch, and the η of smallest
// settled validation MSE at the last epoch is chosen. All rules start from the
// same weights and visit the batches in the same order (one stream for all).
inline std::vector<RuleComparison> run_optimizer_comparison(const FrankeConfig& c, const OptimizerComparisonConfig& oc,
                                                            const Data& train, std::uint64_t seed,
                                                            const EpochHook& after_epoch = {}) {
    const ValidationSplit split = split_for_validation(train, c.validation_fraction, seed);
    std::vector<RuleComparison> out;
    for (const std::string& name : optimizer_names()) {
        RuleComparison cmp;
        cmp.rule = optimizer_from_name(name);
        for (double eta : eta_ladder(cmp.rule)) {
            Rng rng = Rng::stream(seed, streams::optimizer_comparison);
            Network net = franke_network(c.hidden, Activation::relu, {Init::glorot, c.normal_sd, 0.0}, rng);
            const SgdOptions opt{eta, oc.omega, 0.0, c.batch, cmp.rule};
            RuleRun r{eta, train_with_curve(net, split.fit, split.validation, opt, oc.epochs, Metric::mse, rng, after_epoch)};
            std::vector<double> curve;
            for (const EpochRow& row : r.run.history) curve.push_back(row.test_metric);
            r.validation_mse = r.run.result.diverged ? r.validation_mse : settled_mse(curve, oc.epochs);
            const double v = r.validation_mse;
            if (std::isfinite(v) && (!cmp.any_finished || v < cmp.runs[cmp.chosen].validation_mse)) {
                cmp.chosen = cmp.runs.size();
                cmp.any_finished = true;
                cmp.network = net;
            }
            cmp.runs.push_back(std::move(r));
        }
        out.push_back(std::move(cmp));
    }
    return out;
}

inline std::vector<RunSize> optimizer_comparison_plan(const FrankeConfig& c, const OptimizerComparisonConfig& oc) {
    const std::size_t n_train = train_count(c.n, 0.75);
    const std::size_t n_validation = train_count(n_train, c.validation_fraction);
    std::vector<RunSize> runs;
    for (const std::string& name : optimizer_names())
        for (std::size_t k = 0; k < eta_ladder(optimizer_from_name(name)).size(); ++k)
            runs.push_back({"optimiser comparison", {2, c.hidden, 1}, {Activation::relu, Activation::linear},
                            n_train - n_validation, n_validation, c.batch, oc.epochs, n_train});
    return runs;
}
