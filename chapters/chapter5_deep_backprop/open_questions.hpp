// open_questions.hpp — the experiments 001's Discussion asks for and leaves undone, run on the
// chapter's network:
//
//   the η × λ grid again with Glorot weights ("It would therefore be interesting to perform a
//   new grid search similar to that shown in Fig. 6, only with Glorot uniform initialization")
//                                                       run_rate_lambda_grid(…, Init::glorot)
//   a sigmoid output with binary cross-entropy, the targets scaled to [0, 1] (001's remedy for
//   its slow sigmoid networks)                          run_output_study
//   momentum on the Fig. 7 network at 001's η ("it would be interesting to also study the
//   effects of adding momentum")                        run_momentum_study
//   a RandomNet classifier ("it would be interesting to build a classifier using the RandomNet
//   procedure"), here on the two moons                  run_randomnet_moons
//
// Each returns numbers; main.cpp writes them. What each shows is in the README.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/experiments.hpp"
#include "chapters/chapter5_deep_backprop/selection.hpp"

namespace streams {
constexpr std::uint64_t output_study = 2400, randomnet_moons_reference = 2500;
}

// ---------------------------------------------------------------------------------------------
// The η × λ grid with Glorot weights: run_rate_lambda_grid(c, sets, seed, hook, Init::glorot).

inline std::vector<RunSize> glorot_grid_plan(const FrankeConfig& c) {
    const std::size_t n_train = train_count(c.n, 0.75);
    const RunSize one{"η × λ grid, Glorot", {2, c.hidden, 1}, {Activation::relu, Activation::linear}, n_train,
                      c.n - n_train, c.batch, c.grid_epochs, n_train};
    return std::vector<RunSize>(c.grid_eta.size() * c.grid_lambda.size(), one);
}

// ---------------------------------------------------------------------------------------------
// A sigmoid output with binary cross-entropy on targets scaled to [0, 1] (001, Discussion)

// y ↦ (y − lo) / range, with lo and range those of the targets the network is fitted to, so that
// every fitted target lies in [0, 1]; a prediction a ∈ (0, 1) means lo + range · a.
struct TargetScale {
    double lo = 0, range = 1;
};

inline TargetScale scale_of(const Data& fit) {
    const auto [lo, hi] = std::minmax_element(fit.Y.data.begin(), fit.Y.data.end());
    return {*lo, *hi > *lo ? *hi - *lo : 1.0};
}

inline Data scaled(Data d, const TargetScale& s) {
    for (double& y : d.Y.data) y = (y - s.lo) / s.range;
    return d;
}

// The two outputs compared on 001 Fig. 7's sigmoid network (128 sigmoid units, Glorot weights):
// 001's linear output with the squared error, and the remedy its Discussion proposes.
enum class Output { linear_mse, sigmoid_bce };
inline std::string name_of(Output o) { return o == Output::linear_mse ? "linear_mse" : "sigmoid_bce"; }

struct OutputStudyConfig {
    std::size_t epochs = 500;   // 001 Fig. 7's budget, after which its sigmoid networks are still slow
    // The learning rates in 001's units: its 10⁻³ and the two decades above it, up to the top of
    // 001's Fig. 6 grid. Ours are twice these for the squared error, whose cost carries a ½
    // (README, "Units of η"), and equal for the cross-entropy, which has none.
    std::vector<double> eta_001{1e-3, 1e-2, 1e-1};
};

inline double our_eta(Output o, double eta_001) { return o == Output::linear_mse ? 2 * eta_001 : eta_001; }

struct OutputRun {
    double eta = 0;                        // ours
    std::vector<double> validation_mse;    // after each epoch, on the targets' original scale
    TrainResult result;
    // settled_mse at the last epoch (selection.hpp); NaN for a run that diverged
    double final_validation() const {
        return result.diverged ? std::numeric_limits<double>::quiet_NaN() : settled_mse(validation_mse, validation_mse.size());
    }
};

struct OutputChoice {
    Output output = Output::linear_mse;
    TargetScale scale;              // identity for the linear output
    std::vector<OutputRun> runs;    // one per η
    std::size_t chosen = 0;         // the smallest final_validation()
    bool any_finished = false;
    Network network;                // the chosen run's network, as trained on the fit points
};

// The network's predictions on the targets' original scale.
inline Matrix predict_original(const Network& net, const Matrix& X, const TargetScale& s) {
    Matrix A = predict(net, X);
    for (double& a : A.data) a = s.lo + s.range * a;
    return A;
}

// One run: train on the fit points (targets scaled for the sigmoid output), the validation MSE
// on the original scale after every epoch.
inline OutputRun output_run(const FrankeConfig& c, const OutputStudyConfig& oc, Output o, double eta,
                            const ValidationSplit& split, const TargetScale& s, std::uint64_t seed,
                            Network& net, const EpochHook& after_epoch) {
    Rng rng = Rng::stream(seed, streams::output_study);
    const InitSpec glorot{Init::glorot, c.normal_sd, 0.0};
    const bool bce = o == Output::sigmoid_bce;
    net = make_network(2, {{c.hidden, Activation::sigmoid, glorot}, {1, bce ? Activation::sigmoid : Activation::linear, glorot}},
                       bce ? Loss::bce : Loss::mse, 0.01, rng);
    const Data fit = bce ? scaled(split.fit, s) : split.fit;
    const double work = epoch_multiply_adds({2, c.hidden, 1}, {Activation::sigmoid, net.layers.back().f}, fit.size(),
                                            split.validation.size(), c.batch);
    OutputRun run{eta, {}, {}};
    run.result = train(net, fit, {eta, 0.0, 0.0, c.batch}, oc.epochs, rng, [&](std::size_t epoch, double) {
        if (after_epoch) after_epoch(epoch, oc.epochs, work);
        const double v = mean_squared_error(predict_original(net, split.validation.X, s), split.validation.Y);
        if (!std::isfinite(v)) return false;
        run.validation_mse.push_back(v);
        return true;
    });
    return run;
}

// For each output, every η of the ladder on the fit part of the validation split; the smallest
// final validation MSE chooses the η, and that network, as trained, is tested once (main.cpp).
// All runs start from the same weights and batch order.
inline std::vector<OutputChoice> run_output_study(const FrankeConfig& c, const OutputStudyConfig& oc, const Data& train,
                                                  std::uint64_t seed, const EpochHook& after_epoch = {}) {
    const ValidationSplit split = split_for_validation(train, c.validation_fraction, seed);
    std::vector<OutputChoice> out;
    for (Output o : {Output::linear_mse, Output::sigmoid_bce}) {
        OutputChoice choice{o, o == Output::sigmoid_bce ? scale_of(split.fit) : TargetScale{}, {}, 0, false, {}};
        for (double eta_001 : oc.eta_001) {
            Network net;
            OutputRun run = output_run(c, oc, o, our_eta(o, eta_001), split, choice.scale, seed, net, after_epoch);
            const double v = run.final_validation();
            if (std::isfinite(v) && (!choice.any_finished || v < choice.runs[choice.chosen].final_validation())) {
                choice.chosen = choice.runs.size();
                choice.any_finished = true;
                choice.network = net;
            }
            choice.runs.push_back(std::move(run));
        }
        out.push_back(std::move(choice));
    }
    return out;
}

inline std::vector<RunSize> output_study_plan(const FrankeConfig& c, const OutputStudyConfig& oc) {
    const std::size_t n_train = train_count(c.n, 0.75);
    const std::size_t n_validation = train_count(n_train, c.validation_fraction);
    std::vector<RunSize> runs;
    for (Activation out : {Activation::linear, Activation::sigmoid})
        for (std::size_t k = 0; k < oc.eta_001.size(); ++k)
            runs.push_back({"sigmoid output", {2, c.hidden, 1}, {Activation::sigmoid, out}, n_train - n_validation,
                            n_validation, c.batch, oc.epochs, n_train});
    return runs;
}

// ---------------------------------------------------------------------------------------------
// Momentum on the Fig. 7 network at 001's η (001, Discussion)

struct MomentumStudyConfig {
    // 0: Fig. 7's run itself; 0.9, the usual value; 0.99: a long-run step η/(1 − ω) = 0.2, the
    // largest that converges in Fig. 6
    std::vector<double> omega{0.0, 0.9, 0.99};
};

struct MomentumRun {
    double omega;
    TrainingRun run;
};

// Fig. 7's ReLU network with Glorot weights, 001's η and 500 epochs, from the very weights and
// batch order of that run (its stream), once per ω: ω = 0 repeats it exactly.
inline std::vector<MomentumRun> run_momentum_study(const FrankeConfig& c, const MomentumStudyConfig& mc,
                                                   const FrankeSets& sets, std::uint64_t seed,
                                                   const EpochHook& after_epoch = {}) {
    const auto& fs = study_activations();
    const auto& inits = study_inits();
    const auto f_at = static_cast<std::size_t>(std::find(fs.begin(), fs.end(), Activation::relu) - fs.begin());
    const auto init_at = static_cast<std::size_t>(std::find(inits.begin(), inits.end(), Init::glorot) - inits.begin());
    const std::size_t index = f_at * inits.size() + init_at;   // Fig. 7 runs activation × init in this order
    std::vector<MomentumRun> runs;
    for (double omega : mc.omega) {
        Rng rng = Rng::stream(seed, streams::activation_init_study + index);
        Network net = franke_network(c.hidden, Activation::relu, {Init::glorot, c.normal_sd, 0.0}, rng);
        runs.push_back({omega, train_with_curve(net, sets.train, sets.test, {c.study_eta, omega, 0.0, c.batch},
                                                c.study_epochs, Metric::mse, rng, after_epoch)});
    }
    return runs;
}

inline std::vector<RunSize> momentum_study_plan(const FrankeConfig& c, const MomentumStudyConfig& mc) {
    const std::size_t n_train = train_count(c.n, 0.75);
    const RunSize one{"momentum study", {2, c.hidden, 1}, {Activation::relu, Activation::linear}, n_train,
                      c.n - n_train, c.batch, c.study_epochs, n_train};
    return std::vector<RunSize>(mc.omega.size(), one);
}

// ---------------------------------------------------------------------------------------------
// A RandomNet classifier on the two moons (001, Discussion)

struct RandomNetMoonsRun {
    RandomNetSpec spec;   // the hidden layers, then the sigmoid output
    TrainingRun run;      // accuracy on the training and the test moons
};

// The ten RandomNets of experiment 3 — the very draws, from the same streams, so the same
// architectures and initial weights — with a sigmoid output and binary cross-entropy, on the
// moons of experiment 1 and with its training (the moons network's η, ω, batch and epochs,
// fixed in advance for 004's network). Then the simple network they are to beat: one hidden
// layer of 128 ReLU units (001's Fig. 5 network), Glorot weights, the same training.
inline std::vector<RandomNetMoonsRun> run_randomnet_moons(const RandomNetConfig& c, const MoonsConfig& mc,
                                                          std::uint64_t seed, const EpochHook& after_epoch = {}) {
    const MoonsSplit split = make_moons_split(mc, seed);
    const Data train = moons_targets(split.data, split.train_idx, 1), test = moons_targets(split.data, split.test_idx, 1);
    const SgdOptions opt{mc.eta, mc.omega, mc.lambda, mc.batch, mc.optimizer};
    std::vector<RandomNetMoonsRun> runs;
    for (std::size_t k = 0; k <= c.count; ++k) {
        Rng rng = Rng::stream(seed, k < c.count ? streams::randomnet + k : streams::randomnet_moons_reference);
        RandomNetSpec spec;
        if (k < c.count) {
            spec = draw_random_net(c, rng);
        } else {
            const InitSpec glorot{Init::glorot, c.normal_sd, 0.0};
            spec.layers = {{128, Activation::relu, glorot}, {1, Activation::linear, glorot}};
        }
        spec.layers.back().f = Activation::sigmoid;
        Network net = make_network(2, spec.layers, Loss::bce, 0.01, rng);
        runs.push_back({spec, train_with_curve(net, train, test, opt, mc.epochs, Metric::accuracy, rng, after_epoch)});
    }
    return runs;
}

inline std::vector<RunSize> randomnet_moons_plan(const RandomNetConfig& c, const MoonsConfig& mc, std::uint64_t seed) {
    const std::size_t n_train = train_count(mc.n, mc.train_fraction), n_test = mc.n - n_train;
    std::vector<RunSize> runs;
    for (std::size_t k = 0; k <= c.count; ++k) {
        std::vector<std::size_t> widths{2, 128, 1};
        std::vector<Activation> f{Activation::relu, Activation::sigmoid};
        if (k < c.count) {
            Rng rng = Rng::stream(seed, streams::randomnet + k);
            const RandomNetSpec spec = draw_random_net(c, rng);
            widths = widths_of(spec);
            f = activations_of(spec);
            f.back() = Activation::sigmoid;
        }
        runs.push_back({"RandomNet on the moons", widths, f, n_train, n_test, mc.batch, mc.epochs, n_train});
    }
    return runs;
}
