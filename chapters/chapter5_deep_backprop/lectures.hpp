// lectures.hpp — what the lectures teach beside the reports, run as experiments on the chapter's
// network: the activation functions of 001 Fig. 2, 002's sigmoid output as a posterior
// probability and its claims about tanh, ReLU and dying units, 003's vanishing gradients and
// Glorot's argument, the universal approximation theorem of 002 and 003, and 004's breaking
// symmetry and its animated decision region. One settings struct per experiment (every default
// with its reason), the runs that return numbers, and each one's plan of training runs for the
// estimate of work (run_size.hpp). lectures_output.hpp turns the numbers into files; the tests
// run the same code.
//
//    5. activation functions (001 Fig. 2)       activation_curves
//    6. a sigmoid output as posterior (002)     run_posterior
//    7. tanh vs sigmoid vs ReLU (002)           run_activation_speed                activation_speed_plan
//    8. dying ReLU (001 Table 1, 002)           run_dying_relu                      dying_relu_plan
//    9. vanishing gradients (003)               layer_statistics, run_vanishing_gradients,
//                                               run_randomnet_glorot                vanishing_gradients_plan
//   10. universal approximation (002, 003)      run_universal_approximation         universal_approximation_plan
//   11. breaking symmetry (004)                 run_symmetry                        symmetry_plan
//   12. the moons in frames (004)               run_moons_animation                 moons_animation_plan
//
// Every one of them trains with the chapter's own pieces (make_network, forward, backward,
// sgd_step); only sgd_epoch_watched below adds a look at the network between two steps.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/activations.hpp"
#include "chapters/chapter5_deep_backprop/data.hpp"
#include "chapters/chapter5_deep_backprop/experiments.hpp"
#include "chapters/chapter5_deep_backprop/network.hpp"
#include "chapters/chapter5_deep_backprop/run_size.hpp"
#include "chapters/chapter5_deep_backprop/sgd.hpp"
#include "common/random.hpp"

// Random streams of these experiments, beside those of experiments.hpp (which end below 500).
namespace lecture_streams {
constexpr std::uint64_t posterior = 500, activation_speed = 600, dying_relu = 700, vanishing_gradients = 800,
                        universal_approximation = 900, symmetry = 1000;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

// Processor time of this program in seconds: what a run costs, whatever else the machine does.
inline double processor_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// sgd_epoch (sgd.hpp) one step at a time: the same visiting order, mini-batches and updates, bit
// for bit (a test holds the two equal), with after_step(k) called after the k-th step of the
// epoch (k = 1, 2, …), e.g. to measure the network between two steps.
inline void sgd_epoch_watched(Network& net, SgdState& sgd, const Data& train, Rng& rng,
                              const std::function<void(std::size_t)>& after_step) {
    const std::size_t N = train.size();
    if (sgd.order.size() != N) {
        sgd.order.resize(N);
        for (std::size_t i = 0; i < N; ++i) sgd.order[i] = i;
    }
    rng.shuffle(sgd.order);
    std::size_t k = 0;
    for (std::size_t first = 0; first < N; first += sgd.opt.batch) {
        const std::size_t m = std::min(sgd.opt.batch, N - first);
        gather_columns(sgd.Xb, train.X, sgd.order, first, m);
        gather_columns(sgd.Yb, train.Y, sgd.order, first, m);
        forward(sgd.cache, net, sgd.Xb);
        backward(sgd.grad, net, sgd.cache, sgd.Yb, sgd.opt.lambda, sgd.work);
        sgd_step(net, sgd);
        after_step(++k);
    }
}

// The training cost C (without the L2 term) of `net` on a whole set; `cache` keeps the forward
// pass (and its allocation, for the next call).
inline double set_cost(const Network& net, const Data& set, Cache& cache) { return cost(net, set.X, set.Y, 0.0, cache); }
inline double set_cost(const Network& net, const Data& set) {
    Cache cache;
    return set_cost(net, set, cache);
}

// The fraction of the samples of `set` that `net` classifies right; `cache` as above.
inline double set_accuracy(const Network& net, const Data& set, Cache& cache) {
    forward(cache, net, set.X);
    return accuracy(cache.a.back(), set.Y);
}

// The cost above which a run counts as diverged, as train() (sgd.hpp) rules: 100 · max(C₀, 10⁻³).
inline double explode_limit(double c0) {
    return std::isfinite(c0) ? kExplodeFactor * std::max(c0, kCostFloor) : std::numeric_limits<double>::infinity();
}

// The multiply-adds of one epoch of a planned run (for the progress bar).
inline double work_per_epoch(const RunSize& r) { return r.epochs ? multiply_adds(r) / static_cast<double>(r.epochs) : 0; }

// The layers of a network of the given widths n₀ … n_L and activations f¹ … f^L, all initialised
// by one rule.
inline std::vector<LayerSpec> layers_of(const std::vector<std::size_t>& widths, const std::vector<Activation>& f,
                                        const InitSpec& init) {
    std::vector<LayerSpec> specs;
    for (std::size_t l = 1; l < widths.size(); ++l) specs.push_back({widths[l], f[l - 1], init});
    return specs;
}

// The two-moons data of run_moons (experiments.hpp): the same points and the same split.
struct MoonsSets {
    Moons data;
    std::vector<std::size_t> train_idx, test_idx;
    Data train, test;
};

inline MoonsSets make_moons_sets(const MoonsConfig& c, std::uint64_t seed) {
    MoonsSets s;
    Rng data_rng = Rng::stream(seed, streams::moons_data);
    s.data = make_moons(c.n, c.noise, data_rng);
    const std::vector<std::size_t> perm = data_rng.permutation(c.n);
    const std::size_t n_train = train_count(c.n, c.train_fraction);
    s.train_idx.assign(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(n_train));
    s.test_idx.assign(perm.begin() + static_cast<std::ptrdiff_t>(n_train), perm.end());
    s.train = moons_targets(s.data, s.train_idx, c.widths.back());
    s.test = moons_targets(s.data, s.test_idx, c.widths.back());
    return s;
}

// 004's network with every hidden layer's activation replaced by `hidden` (the output as c has it).
inline std::vector<Activation> with_hidden(const MoonsConfig& c, Activation hidden) {
    std::vector<Activation> f(c.f.size() - 1, hidden);
    f.push_back(c.f.back());
    return f;
}

// ---------------------------------------------------------------------------------------------
// 5. Activation functions and their derivatives (001 Fig. 2 and Table 1, 002, 003)

struct ActivationCurvesConfig {
    double x_min = -5, x_max = 5;   // 001 Fig. 2's interval
    std::size_t points = 201;       // steps of 0.05, x = 0 among them (the kink of ReLU)
    double alpha = 0.05;            // the leaky slope 001 Fig. 2 draws (Table 1's 0.01 would lie
                                    // within a few pixels of ReLU)
};

// The functions plotted, in the columns' order.
inline const std::vector<Activation>& plotted_activations() {
    static const std::vector<Activation> f{Activation::sigmoid, Activation::tanh, Activation::relu,
                                           Activation::leaky_relu, Activation::linear};
    return f;
}

struct ActivationCurve {
    Activation f;
    std::vector<double> value, slope;   // f(x) by activate, f′(x) by derivative (activations.hpp)
};

struct ActivationCurves {
    std::vector<double> x;
    std::vector<ActivationCurve> curves;
    double worst_difference = 0;   // max |f′ − central difference| over the points off the kink
};

// The central difference (f(x + h) − f(x − h)) / 2h with h = ∛ε · max(1, |x|) (fd::step), whose
// error is about ε^(2/3) ≈ 4·10⁻¹¹ for these functions, whose values are at most 5.
inline double central_difference(Activation f, double x, double alpha) {
    const double h = std::cbrt(std::numeric_limits<double>::epsilon()) * std::max(1.0, std::fabs(x));
    return (activate(f, x + h, alpha) - activate(f, x - h, alpha)) / ((x + h) - (x - h));
}

// 001 Fig. 2: each function and its derivative on [−5, 5], from the chapter's own activate and
// derivative; the derivative is compared with a central difference at every point that is not
// within a step of the kink z = 0 (where ReLU has no derivative and the code takes the left one).
inline ActivationCurves activation_curves(const ActivationCurvesConfig& c) {
    ActivationCurves out;
    for (std::size_t i = 0; i < c.points; ++i)
        out.x.push_back(c.x_min + (c.x_max - c.x_min) * static_cast<double>(i) / static_cast<double>(c.points - 1));
    for (const Activation f : plotted_activations()) {
        ActivationCurve curve{f, {}, {}};
        for (const double x : out.x) {
            curve.value.push_back(activate(f, x, c.alpha));
            curve.slope.push_back(derivative(f, x, c.alpha));
            if (std::fabs(x) > 1e-3)
                out.worst_difference = std::max(out.worst_difference,
                                                std::fabs(curve.slope.back() - central_difference(f, x, c.alpha)));
        }
        out.curves.push_back(std::move(curve));
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// 6. A sigmoid output estimates the posterior (002, "Output of logistic sigmoid activation
//    function", "Approximation of posterior probabilities")
//
// Two classes with equal priors, x ~ N(−1, 1) (C₂, y = 0) and x ~ N(+1, 1) (C₁, y = 1). 002's
// posterior is σ(a) with a = log p(x|C₁)P(C₁) / (p(x|C₂)P(C₂)) = (−(x − 1)² + (x + 1)²)/2 = 2x,
// so P(C₁|x) = σ(2x): one sigmoid unit σ(wx + w₀) holds it exactly at (w, w₀) = (2, 0).

struct PosteriorConfig {
    // Logistic regression's slope has the asymptotic standard error 1/√(N·I_ww), the Fisher
    // information I_ww = E[σ′(2x) x²] = 0.0665 for these classes (σ′ is even and x symmetric, so
    // the information matrix is diagonal; numerical integration). N = 25 000 makes it 0.0245, so
    // that 5 % of the slope, 0.1, is 4.1 standard errors: a seed misses it with probability 4·10⁻⁵.
    std::size_t n = 25000;
    // Full-batch gradient descent from (0, 0), each criterion with a step from its own curvature.
    // The mean cross-entropy's curvature is at most σ′(0)·E[x²] = ¼·2 = 0.5, so η = 2 is stable
    // (below 2/0.5); near (2, 0) it is I_ww = 0.0665, and each step shrinks the error by
    // 1 − 2·0.0665: after 300 steps by 10⁻¹⁸. The squared error's curvature is at most
    // (σ′² + |σ − y|·|σ″|)·E[x²] ≤ (1/16 + 0.1)·2 = 0.32, so η = 4 is stable; near (2, 0) it is only
    // E[σ′(2x)² x²] = 0.0058, and 1500 steps shrink the error by 10⁻¹⁵.
    double eta_ce = 2.0, eta_mse = 4.0;
    std::size_t iterations_ce = 300, iterations_mse = 1500;
    double x_min = -4, x_max = 4;   // the grid of posterior.csv
    std::size_t grid = 161;
};

struct SigmoidFit {
    double w = 0, w0 = 0;        // the fitted unit σ(w x + w₀) (w: the first input's weight)
    double cost = NAN;           // its training cost at the end
    double gradient_norm = NAN;  // ‖∇E‖ at the end: how far from the minimiser
    TrainResult result;
};

// One sigmoid unit σ(wᵀx + w₀) started at w = 0, w₀ = 0, fitted by full-batch gradient descent
// (002, "Gradient descent": w ← w − η ∇E(w)) on the cross-entropy (Loss::bce) or the squared
// error (Loss::mse), the gradient from the chapter's back-propagation. A gradient that is not
// finite stops the run as diverged at that iteration.
inline SigmoidFit fit_sigmoid_unit(Loss loss, const Data& data, double eta, std::size_t iterations) {
    Network net;
    net.loss = loss;
    net.layers.push_back({Matrix(1, data.X.rows, 0.0), Matrix(1, 1, 0.0), Activation::sigmoid});
    Layer& unit = net.layers[0];
    SigmoidFit fit;
    Cache cache;
    Workspace work;
    Gradients grad;
    auto gradient_norm = [&] {
        forward(cache, net, data.X);
        backward(grad, net, cache, data.Y, 0.0, work);
        double g2 = grad.db[0](0, 0) * grad.db[0](0, 0);
        for (double g : grad.dW[0].data) g2 += g * g;
        return std::sqrt(g2);
    };
    for (std::size_t k = 1; k <= iterations; ++k) {
        if (!std::isfinite(gradient_norm())) {
            fit.result = {k - 1, true, k};
            return fit;
        }
        for (std::size_t i = 0; i < unit.W.size(); ++i) unit.W.data[i] -= eta * grad.dW[0].data[i];
        unit.b(0, 0) -= eta * grad.db[0](0, 0);
        fit.result.epochs = k;
    }
    fit.gradient_norm = gradient_norm();
    fit.cost = loss_value(loss, cache.z.back(), cache.a.back(), data.Y);
    fit.w = unit.W(0, 0);
    fit.w0 = unit.b(0, 0);
    return fit;
}

struct PosteriorResult {
    SigmoidFit ce, mse;
    double standard_error = 0;   // of the slope, 1/√(N·I_ww) (see PosteriorConfig)
    std::vector<double> x, truth, p_ce, p_mse;   // on the grid: σ(2x) and the two units' outputs
};

// I_ww = E[σ′(2x) x²] under the mixture ½N(−1, 1) + ½N(1, 1), by the midpoint rule on [−12, 12]
// with 24 000 cells (the integrand is smooth and below 10⁻²⁵ beyond): the information of the slope.
inline double slope_information() {
    const double pi = std::acos(-1.0), a = -12, b = 12;
    const std::size_t cells = 24000;
    const double dx = (b - a) / static_cast<double>(cells);
    double sum = 0;
    for (std::size_t i = 0; i < cells; ++i) {
        const double x = a + (static_cast<double>(i) + 0.5) * dx;
        const double p = 0.5 * (std::exp(-0.5 * (x - 1) * (x - 1)) + std::exp(-0.5 * (x + 1) * (x + 1))) / std::sqrt(2 * pi);
        sum += derivative(Activation::sigmoid, 2 * x, 0.0) * x * x * p * dx;
    }
    return sum;
}

inline PosteriorResult run_posterior(const PosteriorConfig& c, std::uint64_t seed) {
    Rng rng = Rng::stream(seed, lecture_streams::posterior);
    const Data data = two_gaussians(c.n, rng);
    PosteriorResult r;
    r.ce = fit_sigmoid_unit(Loss::bce, data, c.eta_ce, c.iterations_ce);
    r.mse = fit_sigmoid_unit(Loss::mse, data, c.eta_mse, c.iterations_mse);
    r.standard_error = 1.0 / std::sqrt(static_cast<double>(c.n) * slope_information());
    for (std::size_t i = 0; i < c.grid; ++i) {
        const double x = c.x_min + (c.x_max - c.x_min) * static_cast<double>(i) / static_cast<double>(c.grid - 1);
        r.x.push_back(x);
        r.truth.push_back(sigmoid(2 * x));
        r.p_ce.push_back(sigmoid(r.ce.w * x + r.ce.w0));
        r.p_mse.push_back(sigmoid(r.mse.w * x + r.mse.w0));
    }
    return r;
}

// ---------------------------------------------------------------------------------------------
// 7. tanh vs sigmoid vs ReLU (002, "Other activation functions": tanh is zero-centred and
//    converges faster than the sigmoid; ReLU is "several times faster than tanh")

struct ActivationSpeedConfig {
    // The same network, data and weight rule for all three, only the hidden activation changes:
    // 004's 2-25-50-50-25-1 with a sigmoid output and binary cross-entropy on the chapter's two
    // moons (MoonsConfig), trained exactly as the moons experiment (η = 0.05, ω = 0.9, batch 32),
    // every layer Glorot uniform with zero biases (the rule derived for symmetric activations,
    // Keras's default; He's would be ReLU's own).
    std::vector<Activation> activations{Activation::sigmoid, Activation::tanh, Activation::relu};
    std::size_t seeds = 5;        // weight and batch-order seeds 1 … 5; the data stay the same
    // The target: a training cost of 0.1 nats, e^(−0.1) ≈ 0.9 for the geometric mean probability
    // of the true class. Chance is ln 2 = 0.69, and the best straight boundary stays far above
    // it (the output reports its cost), so a network below 0.1 has bent its boundary around the moons.
    double target = 0.1;
    std::size_t epochs = 40;      // ten times the 4 epochs the moons network needs for 100 %
    std::size_t check_every = 4;  // mini-batches between two looks at the training cost
                                  // (1/6 epoch), until the target is met
};

struct CostPoint {
    double epoch, cost;
};

struct SpeedRun {
    Activation f;
    std::size_t seed;
    double epochs_to_target = NAN;     // NaN: the target was not reached within the budget
    double seconds_to_target = NAN;    // processor time of the training steps up to then
    double final_cost = NAN;           // training cost after the last epoch (NaN if diverged)
    std::vector<CostPoint> curve;      // at every look before the target, then after each epoch
    TrainResult result;
};

// The plan of one run: its epochs, and the looks at the whole training set (at most one per
// check_every steps and one per epoch) as forward passes outside them.
inline RunSize speed_run_size(const ActivationSpeedConfig& c, const MoonsConfig& m, Activation f) {
    const std::size_t n_train = train_count(m.n, m.train_fraction);
    const std::size_t looks = c.epochs * ((n_train + m.batch - 1) / m.batch / c.check_every + 1) + 2;
    return {"activation speed", m.widths, with_hidden(m, f), n_train, 0, m.batch, c.epochs, looks * n_train};
}

// One run of the comparison. The training cost is looked at every check_every steps until it
// meets the target, then after every epoch; the looks are not counted in seconds_to_target.
inline SpeedRun run_speed(const ActivationSpeedConfig& c, const MoonsConfig& m, const Data& train, Activation f,
                          std::size_t seed, std::uint64_t run_seed, const EpochHook& after_epoch = {}) {
    Rng rng = Rng::stream(run_seed, lecture_streams::activation_speed + seed);
    Network net = make_network(2, layers_of(m.widths, with_hidden(m, f), {Init::glorot, 0.0, 0.0}),
                               loss_for_output(m.f.back()), m.alpha, rng);
    SpeedRun run{f, seed, NAN, NAN, NAN, {}, {}};
    SgdState sgd({m.eta, m.omega, 0.0, m.batch});
    const double steps_per_epoch = std::ceil(static_cast<double>(train.size()) / static_cast<double>(m.batch));
    const double work = work_per_epoch(speed_run_size(c, m, f));
    Cache cache;
    const double c0 = set_cost(net, train, cache), limit = explode_limit(c0);
    run.curve.push_back({0.0, c0});
    double steps = 0, seconds = 0, since = processor_seconds();
    bool bad = false;
    auto look = [&] {
        seconds += processor_seconds() - since;
        const double C = set_cost(net, train, cache);
        bad = bad || !std::isfinite(C) || C > limit;
        if (!bad) run.curve.push_back({steps / steps_per_epoch, C});
        if (!bad && std::isnan(run.epochs_to_target) && C <= c.target) {
            run.epochs_to_target = steps / steps_per_epoch;
            run.seconds_to_target = seconds;
        }
        since = processor_seconds();
    };
    for (std::size_t e = 1; e <= c.epochs && !bad; ++e) {
        sgd_epoch_watched(net, sgd, train, rng, [&](std::size_t k) {
            steps += 1;
            if (std::isnan(run.epochs_to_target) && k % c.check_every == 0 && k < steps_per_epoch) look();
        });
        look();
        run.result = bad ? TrainResult{e - 1, true, e} : TrainResult{e, false, 0};
        if (after_epoch) after_epoch(e, c.epochs, work);
    }
    if (!bad) run.final_cost = run.curve.back().cost;
    return run;
}

struct ActivationSpeedResult {
    std::vector<SpeedRun> runs;   // activation-major, seeds 1 … seeds
    SigmoidFit linear;            // logistic regression on the two coordinates: a straight boundary's best
};

inline ActivationSpeedResult run_activation_speed(const ActivationSpeedConfig& c, const MoonsConfig& m,
                                                  std::uint64_t run_seed, const EpochHook& after_epoch = {}) {
    const MoonsSets sets = make_moons_sets(m, run_seed);
    ActivationSpeedResult r;
    // Logistic regression is convex: 3000 full-batch steps of η = 1 (its curvature is at most
    // σ′(0)·E[‖x‖²] ≈ 0.25·1.6, so steps up to 5 are stable) reach its minimum.
    if (m.widths.back() == 1) r.linear = fit_sigmoid_unit(Loss::bce, sets.train, 1.0, 3000);
    for (const Activation f : c.activations)
        for (std::size_t s = 1; s <= c.seeds; ++s) r.runs.push_back(run_speed(c, m, sets.train, f, s, run_seed, after_epoch));
    return r;
}

inline std::vector<RunSize> activation_speed_plan(const ActivationSpeedConfig& c, const MoonsConfig& m) {
    std::vector<RunSize> runs;
    for (const Activation f : c.activations)
        for (std::size_t s = 1; s <= c.seeds; ++s) runs.push_back(speed_run_size(c, m, f));
    return runs;
}

// ---------------------------------------------------------------------------------------------
// 8. Dying ReLU and the leaky fix (001 Table 1 and the paragraph after it; 002, "Other
//    activation functions": a unit that outputs 0 always; use leaky ReLU instead)

struct DyingReluConfig {
    // 001's Franke network and training (FrankeConfig: 128 units, N(0, 0.05²) weights, zero
    // biases, batch 10, 100 epochs as its grid), only η varies: 001's decades (its 10⁻³ … 0.1,
    // our 0.002 … 0.2) and on to where the grid of Fig. 6 diverges (our η = 2). ReLU and leaky
    // ReLU (α = 0.01, 001 Table 1) start from the same weights and see the same batches.
    std::vector<double> eta{0.002, 0.02, 0.1, 0.2, 0.5, 1.0, 2.0};
    std::vector<Activation> activations{Activation::relu, Activation::leaky_relu};
};

struct DyingReluRun {
    double eta;
    Activation f;
    double dead_fraction = NAN;   // hidden units with zˡ ≤ 0 for every training sample
    double dead_at_start = NAN;   // the same before training
    double final_cost = NAN;      // training cost C = ½·MSE after the last epoch
    TrainResult result;
};

// The fraction of the units of hidden layer l (1-based) whose weighted input is ≤ 0 for every
// sample of `set`. For ReLU such a unit outputs exactly 0 and its f′ is 0 for every sample, so
// no gradient ever reaches its weights again: it is dead. A leaky unit there still passes α.
inline double dead_fraction(const Network& net, const Data& set, std::size_t l) {
    Cache cache;
    forward(cache, net, set.X);
    const Matrix& z = cache.z[l];
    std::size_t dead = 0;
    for (std::size_t j = 0; j < z.rows; ++j) {
        const double* row = z.row(j);
        dead += std::all_of(row, row + z.cols, [](double v) { return v <= 0; });
    }
    return static_cast<double>(dead) / static_cast<double>(z.rows);
}

inline std::vector<DyingReluRun> run_dying_relu(const DyingReluConfig& c, const FrankeConfig& fc, const FrankeSets& sets,
                                                std::uint64_t seed, const EpochHook& after_epoch = {}) {
    std::vector<DyingReluRun> runs;
    for (std::size_t k = 0; k < c.eta.size(); ++k)
        for (const Activation f : c.activations) {
            Rng rng = Rng::stream(seed, lecture_streams::dying_relu + k);   // the same start for both
            Network net = franke_network(fc.hidden, f, {Init::normal, fc.normal_sd, 0.0}, rng);
            DyingReluRun run{c.eta[k], f, NAN, dead_fraction(net, sets.train, 1), NAN, {}};
            const RunSize size{"dying ReLU", {2, fc.hidden, 1}, {f, Activation::linear}, sets.train.size(), 0,
                               fc.batch, fc.grid_epochs, 2 * sets.train.size()};
            run.result = train(net, sets.train, {c.eta[k], 0.0, 0.0, fc.batch}, fc.grid_epochs, rng,
                               [&](std::size_t e, double) {
                                   if (after_epoch) after_epoch(e, fc.grid_epochs, work_per_epoch(size));
                                   return true;
                               });
            if (!run.result.diverged) {
                run.dead_fraction = dead_fraction(net, sets.train, 1);
                run.final_cost = set_cost(net, sets.train);
            }
            runs.push_back(run);
        }
    return runs;
}

inline std::vector<RunSize> dying_relu_plan(const DyingReluConfig& c, const FrankeConfig& fc) {
    const std::size_t n_train = train_count(fc.n, 0.75);
    std::vector<RunSize> runs;
    for (std::size_t k = 0; k < c.eta.size() * c.activations.size(); ++k)
        runs.push_back({"dying ReLU", {2, fc.hidden, 1}, {Activation::relu, Activation::linear}, n_train, 0, fc.batch,
                        fc.grid_epochs, 3 * n_train});
    return runs;
}

// ---------------------------------------------------------------------------------------------
// 9. Vanishing and exploding gradients, and Glorot's argument (003, "Which activation function
//    should I use?", "Is the Logistic activation function (Sigmoid) our choice?", "The
//    derivative of the Logistic function", "Insights from the paper by Glorot and Bengio")
//
// Why the gradients shrink or grow: by (BP2), δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ f′(zˡ), so with independent
// weights of variance v in a layer of n units, Var δˡ ≈ n·v·E[f′(zˡ)²]·Var δˡ⁺¹ per layer. For the
// sigmoid near z = 0, f′ = ¼: with 001's N(0, 0.05²) weights and n = 100 the factor is
// 100·0.0025/16 = 1/64, a standard deviation 8 times smaller per layer. Glorot and Bengio ask for
// n·v·E[f′²] = 1 in both directions, which for f′ ≈ 1 (tanh near 0) gives v = 2/(nₗ₋₁ + nₗ) (their
// uniform rule); for ReLU E[f′²] = ½, which He's v = 2/nₗ₋₁ makes up for.

// The weight rules compared, as they are named in vanishing_gradients.csv.
enum class WeightRule { normal1, normal005, glorot, he };
inline const std::vector<std::string>& weight_rule_names() {
    static const std::vector<std::string> names{"normal1", "normal005", "glorot", "he"};
    return names;
}
inline std::string name_of(WeightRule rule) { return weight_rule_names()[static_cast<std::size_t>(rule)]; }
inline InitSpec init_of(WeightRule rule) {
    switch (rule) {
        case WeightRule::normal1: return {Init::normal, 1.0, 0.0};    // 003: N(0, 1), "the most popular at the time"
        case WeightRule::normal005: return {Init::normal, 0.05, 0.0}; // 001's N(0, 0.05²)
        case WeightRule::glorot: return {Init::glorot, 0.0, 0.0};
        case WeightRule::he: return {Init::he, 0.0, 0.0};
    }
    return {};
}

struct VanishingConfig {
    // The network: 10 hidden layers of 100 units, a linear output, on the Franke training set.
    std::size_t depth = 10, width = 100;
    std::vector<Activation> activations{Activation::sigmoid, Activation::tanh, Activation::relu};
    std::vector<WeightRule> rules{WeightRule::normal1, WeightRule::normal005, WeightRule::glorot, WeightRule::he};
    // The fixed budget: the step of the chapter's Franke network (η = 0.05, batch 10, no
    // momentum), for 5 epochs (375 steps), the most the processor-time budget allows for twelve
    // networks of 90 000 weights. A network "learns" when its training R² reaches 0.25 (a
    // quarter of the targets' variance explained; predicting the mean gives 0, the best plane ≈ 0.5).
    double eta = 0.05;
    std::size_t batch = 10, epochs = 5;
    double learns_r2 = 0.25;
};

// Per layer l = 1 … L (index l − 1): the standard deviation of the activations aˡ over all units
// and samples, and the root-mean-square entry of ∂C/∂Wˡ on the whole set.
struct LayerStatistics {
    std::vector<double> activation_sd, gradient_rms;
};

inline LayerStatistics layer_statistics(const Network& net, const Data& set) {
    Cache cache;
    Workspace work;
    Gradients grad;
    forward(cache, net, set.X);
    backward(grad, net, cache, set.Y, 0.0, work);
    LayerStatistics s;
    for (std::size_t l = 1; l <= net.layers.size(); ++l) {
        const std::vector<double>& a = cache.a[l].data;
        double mean = 0, var = 0, g2 = 0;
        for (double v : a) mean += v;
        mean /= static_cast<double>(a.size());
        for (double v : a) var += (v - mean) * (v - mean);
        for (double g : grad.dW[l - 1].data) g2 += g * g;
        s.activation_sd.push_back(std::sqrt(var / static_cast<double>(a.size())));
        s.gradient_rms.push_back(std::sqrt(g2 / static_cast<double>(grad.dW[l - 1].size())));
    }
    return s;
}

inline Network deep_network(const VanishingConfig& c, Activation f, WeightRule rule, Rng& rng) {
    std::vector<LayerSpec> specs(c.depth, LayerSpec{c.width, f, init_of(rule)});
    specs.push_back({1, Activation::linear, init_of(rule)});
    return make_network(2, specs, Loss::mse, 0.01, rng);
}

struct VanishingRun {
    Activation f;
    WeightRule rule;
    LayerStatistics before;          // at the start, before any step
    TrainResult result;
    double train_mse = NAN, test_mse = NAN, train_r2 = NAN;   // after the budget (NaN if diverged)
};

inline RunSize deep_run_size(const VanishingConfig& c, Activation f, std::size_t n_train, std::size_t n_test) {
    std::vector<std::size_t> widths{2};
    widths.insert(widths.end(), c.depth, c.width);
    widths.push_back(1);
    std::vector<Activation> fs(c.depth, f);
    fs.push_back(Activation::linear);
    return {"deep network", widths, fs, n_train, 0, c.batch, c.epochs, 4 * n_train + n_test};
}

inline std::vector<VanishingRun> run_vanishing_gradients(const VanishingConfig& c, const FrankeSets& sets,
                                                         std::uint64_t seed, const EpochHook& after_epoch = {}) {
    const double target_var = [&] {
        double mean = 0, var = 0;
        for (double y : sets.train.Y.data) mean += y;
        mean /= static_cast<double>(sets.train.size());
        for (double y : sets.train.Y.data) var += (y - mean) * (y - mean);
        return var / static_cast<double>(sets.train.size());
    }();
    std::vector<VanishingRun> runs;
    for (const Activation f : c.activations)
        for (const WeightRule rule : c.rules) {
            Rng rng = Rng::stream(seed, lecture_streams::vanishing_gradients + runs.size());
            Network net = deep_network(c, f, rule, rng);
            VanishingRun run{f, rule, layer_statistics(net, sets.train), {}};
            const double work = work_per_epoch(deep_run_size(c, f, sets.train.size(), sets.test.size()));
            run.result = train(net, sets.train, {c.eta, 0.0, 0.0, c.batch}, c.epochs, rng, [&](std::size_t e, double) {
                if (after_epoch) after_epoch(e, c.epochs, work);
                return true;
            });
            if (!run.result.diverged) {
                run.train_mse = mean_squared_error(predict(net, sets.train.X), sets.train.Y);
                run.test_mse = mean_squared_error(predict(net, sets.test.X), sets.test.Y);
                run.train_r2 = 1.0 - run.train_mse / target_var;
            }
            runs.push_back(run);
        }
    return runs;
}

// 001's RandomNet again (experiments.hpp, the same draws of depth, widths, activations and
// biases from the same streams), with Glorot uniform weights in every layer instead of the drawn
// mix of N(0, 0.05²) and Glorot; trained as before.
inline std::vector<RandomNetRun> run_randomnet_glorot(const RandomNetConfig& c, const FrankeSets& sets,
                                                      std::uint64_t seed, const EpochHook& after_epoch = {}) {
    std::vector<RandomNetRun> runs;
    for (std::size_t k = 0; k < c.count; ++k) {
        Rng rng = Rng::stream(seed, streams::randomnet + k);
        RandomNetSpec spec = draw_random_net(c, rng);
        for (LayerSpec& layer : spec.layers) layer.init.weights = Init::glorot;
        Network net = make_network(2, spec.layers, Loss::mse, 0.01, rng);
        const std::vector<double> initial = layer_gradient_norms(net, sets.train);
        runs.push_back({spec, initial, train_with_curve(net, sets.train, sets.test, {c.eta, 0.0, 0.0, c.batch},
                                                        c.epochs, Metric::mse, rng, after_epoch)});
    }
    return runs;
}

// The twelve deep networks' statistics (three passes over the training set each) and budgets,
// then RandomNet's ten networks a second time.
inline std::vector<RunSize> vanishing_gradients_plan(const VanishingConfig& c, const RandomNetConfig& rc,
                                                     std::size_t franke_n, std::uint64_t seed) {
    const std::size_t n_train = train_count(franke_n, 0.75), n_test = franke_n - n_train;
    std::vector<RunSize> runs;
    for (const Activation f : c.activations)
        for (std::size_t k = 0; k < c.rules.size(); ++k) runs.push_back(deep_run_size(c, f, n_train, n_test));
    for (RunSize& r : randomnet_plan(rc, franke_n, seed)) runs.push_back(r);
    return runs;
}

// ---------------------------------------------------------------------------------------------
// 10. Universal approximation (002, "Recap: Ability of neural networks"; 003, "Universal
//     approximation theorem", "Class of functions we can approximate")
//
// One hidden layer of n sigmoid units and a linear output, f(x) = Σⱼ αⱼ σ(wⱼx + bⱼ) + β (Cybenko's
// form), fitted to a smooth target and to a unit step on [−1, 1] (003's unit cube, moved: the
// theorem holds on any interval). f is continuous, so near the jump of height 1 it misses the step
// by at least ½ on one side or the other, however wide: no uniform approximation. Its mean square
// error, though, can be made as small as one likes (Hornik), e.g. by one steep unit σ(kx).

enum class Target { smooth, step };
inline std::string name_of(Target t) { return t == Target::smooth ? "smooth" : "step"; }
inline double target_value(Target t, double x) {
    return t == Target::smooth ? std::sin(2 * std::acos(-1.0) * x) : (x >= 0 ? 1.0 : 0.0);
}

struct UniversalConfig {
    std::vector<std::size_t> widths{1, 2, 4, 8, 16, 32, 64, 128, 256};
    std::size_t n_train = 200;    // uniform on [−1, 1], no noise: approximation, not estimation
    std::size_t n_test = 1000;    // fresh uniform points
    std::size_t grid = 2001;      // max_error over x = −1, −0.999, …, 1 (x = 0 included)
    std::size_t plot_points = 401;
    std::vector<std::size_t> drawn{1, 4, 16, 256};   // the widths whose fits the figure draws
    // The hidden units start where a constructive proof puts them: unit j switches at a point cⱼ
    // drawn uniformly in [−1, 1] (bⱼ = −wⱼcⱼ), with a slope wⱼ ~ N(0, 10²), so that a typical
    // switch is about 4/|w| ≈ 0.4 wide, a fifth of the interval. The chapter's Glorot rule with
    // zero biases would start every unit nearly linear and switching at 0, from where SGD takes
    // far longer than this budget to spread them. Output layer: Glorot, zero bias.
    double slope_sd = 10.0;
    // SGD with momentum, batch 10, 300 epochs (6000 steps). The output layer's curvature grows as
    // n·E[σ]² ≈ n/4, and momentum 0.9 is stable only for η·curvature < 2(1 + ω) = 3.8, so
    // η = min(0.05, 4/n) keeps η·curvature ≤ 1 at every width.
    double eta = 0.05, eta_width = 4.0, omega = 0.9;
    std::size_t batch = 10, epochs = 300;
    std::vector<double> steepness{1, 10, 100, 1000, 10000};   // the hand-made step σ(kx)
};

struct UniversalRun {
    Target target;
    std::size_t width;
    double train_mse = NAN, test_mse = NAN, max_error = NAN;
    std::vector<double> fit;   // on the plot grid (drawn widths only)
    TrainResult result;
};

struct StepConstruction {
    double k, mse, max_error;   // one unit σ(kx) against the step: its mean square error over
                                // [−1, 1] (by quadrature) and its largest error on the grid
};

struct UniversalResult {
    std::vector<double> plot_x;
    std::vector<UniversalRun> runs;           // target-major, widths in order
    std::vector<StepConstruction> construction;
};

inline Data target_data(Target t, const std::vector<double>& x) {
    Data d{Matrix(1, x.size()), Matrix(1, x.size())};
    for (std::size_t j = 0; j < x.size(); ++j) {
        d.X(0, j) = x[j];
        d.Y(0, j) = target_value(t, x[j]);
    }
    return d;
}

inline std::vector<double> evenly_spaced(double a, double b, std::size_t n) {
    std::vector<double> x;
    for (std::size_t i = 0; i < n; ++i) x.push_back(a + (b - a) * static_cast<double>(i) / static_cast<double>(n - 1));
    return x;
}

inline double max_abs_error(const Matrix& A, const Matrix& Y) {
    double worst = 0;
    for (std::size_t k = 0; k < A.size(); ++k) worst = std::max(worst, std::fabs(A.data[k] - Y.data[k]));
    return worst;
}

inline RunSize universal_run_size(const UniversalConfig& c, std::size_t width) {
    return {"universal approximation", {1, width, 1}, {Activation::sigmoid, Activation::linear}, c.n_train, 0, c.batch,
            c.epochs, c.n_train + c.n_test + c.grid + c.plot_points};
}

inline UniversalRun fit_width(const UniversalConfig& c, Target t, std::size_t width, const std::vector<double>& plot_x,
                              std::uint64_t seed, const EpochHook& after_epoch) {
    Rng rng = Rng::stream(seed, lecture_streams::universal_approximation + width);
    std::vector<double> xs(c.n_train), xt(c.n_test);
    for (double& x : xs) x = rng.uniform(-1, 1);
    for (double& x : xt) x = rng.uniform(-1, 1);
    const Data train_set = target_data(t, xs), test = target_data(t, xt), grid = target_data(t, evenly_spaced(-1, 1, c.grid));
    Network net = make_network(1, {{width, Activation::sigmoid, {Init::normal, c.slope_sd, 0.0}},
                                   {1, Activation::linear, {Init::glorot, 0.0, 0.0}}},
                               Loss::mse, 0.01, rng);
    Layer& hidden = net.layers[0];
    for (std::size_t j = 0; j < width; ++j) hidden.b(j, 0) = -hidden.W(j, 0) * rng.uniform(-1, 1);
    const double eta = std::min(c.eta, c.eta_width / static_cast<double>(width));
    const double work = work_per_epoch(universal_run_size(c, width));
    UniversalRun run{t, width, NAN, NAN, NAN, {}, {}};
    run.result = train(net, train_set, {eta, c.omega, 0.0, c.batch}, c.epochs, rng, [&](std::size_t e, double) {
        if (after_epoch) after_epoch(e, c.epochs, work);
        return true;
    });
    if (run.result.diverged) return run;
    run.train_mse = mean_squared_error(predict(net, train_set.X), train_set.Y);
    run.test_mse = mean_squared_error(predict(net, test.X), test.Y);
    run.max_error = max_abs_error(predict(net, grid.X), grid.Y);
    if (std::find(c.drawn.begin(), c.drawn.end(), width) != c.drawn.end()) {
        const Matrix fit = predict(net, target_data(t, plot_x).X);
        run.fit = fit.data;
    }
    return run;
}

// σ(kx) against the step H(x): its error is largest at the jump (½ at x = 0, for every k), while
// its mean square error over [−1, 1], ½∫(σ(kx) − H(x))² dx = (1/k)∫₀^k σ(−u)² du, tends to
// (ln 2 − ½)/k: as small as one likes. The integral by the midpoint rule in cells of 10⁻³ up to
// u = min(k, 40) (beyond, σ(−u)² < 10⁻³⁴).
inline std::vector<StepConstruction> step_construction(const UniversalConfig& c) {
    const std::vector<double> grid = evenly_spaced(-1, 1, c.grid);
    std::vector<StepConstruction> out;
    for (const double k : c.steepness) {
        const double top = std::min(k, 40.0), du = 1e-3;
        const auto cells = static_cast<std::size_t>(std::ceil(top / du));
        double integral = 0, worst = 0;
        for (std::size_t i = 0; i < cells; ++i) {
            const double u0 = static_cast<double>(i) * du, u1 = std::min(top, u0 + du), s = sigmoid(-0.5 * (u0 + u1));
            integral += s * s * (u1 - u0);
        }
        for (const double x : grid) worst = std::max(worst, std::fabs(sigmoid(k * x) - target_value(Target::step, x)));
        out.push_back({k, integral / k, worst});
    }
    return out;
}

inline UniversalResult run_universal_approximation(const UniversalConfig& c, std::uint64_t seed,
                                                   const EpochHook& after_epoch = {}) {
    UniversalResult r;
    r.plot_x = evenly_spaced(-1, 1, c.plot_points);
    for (const Target t : {Target::smooth, Target::step})
        for (const std::size_t width : c.widths) r.runs.push_back(fit_width(c, t, width, r.plot_x, seed, after_epoch));
    r.construction = step_construction(c);
    return r;
}

inline std::vector<RunSize> universal_approximation_plan(const UniversalConfig& c) {
    std::vector<RunSize> runs;
    for (std::size_t t = 0; t < 2; ++t)
        for (const std::size_t width : c.widths) runs.push_back(universal_run_size(c, width));
    return runs;
}

// ---------------------------------------------------------------------------------------------
// 11. Breaking symmetry (004, Optimization item 4(b) and Analysis)
//
// If every unit of a layer starts with the same incoming weights and bias, they compute the same
// zⱼ and aⱼ for every sample; (BP2) then gives them the same δⱼ (the columns of Wˡ⁺¹ that they
// feed are equal too), and (BP3), (BP4) the same gradients, so they stay equal after every step
// — to the last bit, since each unit's sums run over the same numbers in the same order
// (matrix.hpp). The layer acts as one unit, and 004's network as a chain 2-1-1-1-1-1, whose
// decision boundary is a level set of one linear function of x: a straight line.

struct SymmetryConfig {
    // The moons experiment's network and training (MoonsConfig: He weights, η = 0.05, ω = 0.9,
    // batch 32, 100 epochs), once as it is and once with every weight of layer l equal to
    // √2/nₗ₋₁ and zero biases. That value gives each unit's z the size He's random weights give
    // it: nₗ₋₁ equal inputs a add up coherently to nₗ₋₁·c·a, where random ones add up to about
    // √(nₗ₋₁·2/nₗ₋₁)·a = √2·a. (Equal weights of He's own size √(2/nₗ₋₁) would multiply the signal
    // by √(2nₗ₋₁) in every layer, 4900 in all, and the first steps would kill every unit.)
    MoonsConfig moons;
};

struct SymmetryRow {
    std::size_t epoch;
    double max_unit_difference;   // max over hidden layers and units j of |θⱼ − θ₁|, θ = (wⱼ, bⱼ)
    double train_accuracy;
};

struct SymmetryRun {
    bool equal;
    std::vector<SymmetryRow> rows;   // epoch 0 (the start) … epochs
    double test_accuracy = NAN;
    std::vector<double> dead_after;  // per hidden layer: the fraction of dead units (dead_fraction) at the end
    TrainResult result;
};

// The largest difference between the incoming weights and bias of any unit and those of the
// first unit of its layer, over the hidden layers: 0 exactly when each layer's units are equal.
inline double max_unit_difference(const Network& net) {
    double worst = 0;
    for (std::size_t l = 0; l + 1 < net.layers.size(); ++l) {
        const Layer& layer = net.layers[l];
        for (std::size_t j = 1; j < layer.W.rows; ++j) {
            for (std::size_t k = 0; k < layer.W.cols; ++k) worst = std::max(worst, std::fabs(layer.W(j, k) - layer.W(0, k)));
            worst = std::max(worst, std::fabs(layer.b(j, 0) - layer.b(0, 0)));
        }
    }
    return worst;
}

inline RunSize symmetry_run_size(const MoonsConfig& m) {
    const std::size_t n_train = train_count(m.n, m.train_fraction);
    return {"breaking symmetry", m.widths, m.f, n_train, m.n - n_train, m.batch, m.epochs, 3 * n_train};
}

inline SymmetryRun run_symmetry_case(const SymmetryConfig& c, const MoonsSets& sets, bool equal, std::uint64_t seed,
                                     const EpochHook& after_epoch) {
    const MoonsConfig& m = c.moons;
    Rng rng = Rng::stream(seed, lecture_streams::symmetry);   // the same batches for both
    Network net = make_network(m.widths[0], layers_of(m.widths, m.f, {Init::he, 0.0, 0.0}), loss_for_output(m.f.back()),
                               m.alpha, rng);
    if (equal)
        for (Layer& layer : net.layers) {
            layer.W.fill(std::sqrt(2.0) / static_cast<double>(layer.W.cols));
            layer.b.fill(0.0);
        }
    SymmetryRun run{equal, {}, NAN, {}, {}};
    Cache cache;
    auto record = [&](std::size_t epoch) {
        run.rows.push_back({epoch, max_unit_difference(net), set_accuracy(net, sets.train, cache)});
    };
    record(0);
    const double work = work_per_epoch(symmetry_run_size(m));
    run.result = train(net, sets.train, {m.eta, m.omega, m.lambda, m.batch}, m.epochs, rng, [&](std::size_t e, double) {
        record(e);
        if (after_epoch) after_epoch(e, m.epochs, work);
        return true;
    });
    if (run.result.diverged) return run;
    run.test_accuracy = set_accuracy(net, sets.test, cache);
    for (std::size_t l = 1; l < net.layers.size(); ++l) run.dead_after.push_back(dead_fraction(net, sets.train, l));
    return run;
}

inline std::vector<SymmetryRun> run_symmetry(const SymmetryConfig& c, std::uint64_t seed, const EpochHook& after_epoch = {}) {
    const MoonsSets sets = make_moons_sets(c.moons, seed);
    return {run_symmetry_case(c, sets, true, seed, after_epoch), run_symmetry_case(c, sets, false, seed, after_epoch)};
}

inline std::vector<RunSize> symmetry_plan(const SymmetryConfig& c) { return {symmetry_run_size(c.moons), symmetry_run_size(c.moons)}; }

// ---------------------------------------------------------------------------------------------
// 12. 004's data and its animation: the decision region of the moons experiment's network
//     (run_moons: the same data, weights and batches) after a doubling number of SGD steps,
//     in the spirit of the GIFs behind 004's Figures 2 and 3.

struct AnimationConfig {
    // Frames after 0, 1, 2, 4, … steps: the region changes fastest at the start (004's network
    // is at 100 % after 4 epochs, 96 steps), so the frames double in steps; the last one is the
    // trained network.
    std::vector<std::size_t> frame_steps{0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
    std::size_t nx = 50, ny = 50;   // a coarse grid: the SVG holds every frame
};

struct AnimationFrame {
    std::size_t step;
    double epoch;            // steps / steps per epoch
    double train_accuracy;
    std::vector<double> prob;   // P(class 1) on the grid, row-major, row 0 = y_min
};

struct AnimationResult {
    MoonsSets sets;
    DecisionGrid grid;
    std::vector<AnimationFrame> frames;
    Network net;             // after the last step: run_moons's network
    TrainResult result;
};

inline RunSize animation_run_size(const MoonsConfig& m, const AnimationConfig& c) {
    const std::size_t n_train = train_count(m.n, m.train_fraction);
    return {"moons animation", m.widths, m.f, n_train, 0, m.batch, m.epochs,
            (c.frame_steps.size() + 1) * (c.nx * c.ny + n_train) + n_train};
}

inline AnimationResult run_moons_animation(const MoonsConfig& m, const AnimationConfig& c, std::uint64_t seed,
                                           const EpochHook& after_epoch = {}) {
    AnimationResult r;
    r.sets = make_moons_sets(m, seed);
    r.grid = m.grid;
    r.grid.nx = c.nx;
    r.grid.ny = c.ny;
    Rng rng = Rng::stream(seed, streams::moons_training);   // run_moons's weights and batches
    std::vector<LayerSpec> specs;
    for (std::size_t l = 1; l < m.widths.size(); ++l) specs.push_back({m.widths[l], m.f[l - 1], InitSpec{m.init, m.normal_sd, 0.0}});
    r.net = make_network(m.widths[0], specs, loss_for_output(m.f.back()), m.alpha, rng);
    const double steps_per_epoch = std::ceil(static_cast<double>(r.sets.train.size()) / static_cast<double>(m.batch));
    std::size_t step = 0;
    Cache cache;
    auto frame = [&] {
        r.frames.push_back({step, static_cast<double>(step) / steps_per_epoch, set_accuracy(r.net, r.sets.train, cache),
                            class1_probability_grid(r.net, r.grid)});
    };
    frame();
    SgdState sgd({m.eta, m.omega, m.lambda, m.batch});
    const double limit = explode_limit(set_cost(r.net, r.sets.train, cache)), work = work_per_epoch(animation_run_size(m, c));
    for (std::size_t e = 1; e <= m.epochs; ++e) {
        sgd_epoch_watched(r.net, sgd, r.sets.train, rng, [&](std::size_t) {
            ++step;
            if (std::find(c.frame_steps.begin(), c.frame_steps.end(), step) != c.frame_steps.end()) frame();
        });
        const double C = set_cost(r.net, r.sets.train, cache);
        if (!std::isfinite(C) || C > limit) {
            r.result = {e - 1, true, e};
            return r;
        }
        r.result.epochs = e;
        if (after_epoch) after_epoch(e, m.epochs, work);
    }
    if (r.frames.back().step != step) frame();
    return r;
}

inline std::vector<RunSize> moons_animation_plan(const MoonsConfig& m, const AnimationConfig& c) {
    return {animation_run_size(m, c)};
}
