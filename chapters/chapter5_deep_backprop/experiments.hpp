// experiments.hpp — the experiments of 001, 002 and 004 run on the general network: their
// settings (one struct each, every default with its reason), the runs that return numbers, and
// the plan of each experiment's training runs for the estimate of work and memory (run_size.hpp).
// main.cpp turns the numbers into files, figures and tables; the tests run the same code.
//
//   1. two moons (004)               run_moons                                      moons_plan
//   2. Franke regression (001)       run_franke_network, run_activation_init_study,
//                                    run_rate_lambda_grid                           franke_plan
//   3. RandomNet (001)               draw_random_net, run_randomnet                 randomnet_plan
//   4. MSE vs cross-entropy (002)    run_sigmoid_unit, with train_sigmoid_unit (sigmoid_unit.hpp)
// The search for the Franke network's set-up and the comparison of the optimisers are in
// selection.hpp; 001's open questions (Glorot grid, sigmoid output, momentum, RandomNet as a
// classifier) in open_questions.hpp.
//
// Units of η: our MSE cost is ½‖a − y‖² (003), half of 001's (and Keras's) mean (y − a)², so our
// gradient is half of theirs and our η = 2 × 001's η takes the same steps. λ means the same in
// both: ours adds (λ/2)‖W‖² to the halved cost, 001 adds λ‖W‖² to the full one.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/data.hpp"
#include "chapters/chapter5_deep_backprop/network.hpp"
#include "chapters/chapter5_deep_backprop/optimizers.hpp"
#include "chapters/chapter5_deep_backprop/run_size.hpp"
#include "chapters/chapter5_deep_backprop/sgd.hpp"
#include "chapters/chapter5_deep_backprop/sigmoid_unit.hpp"
#include "common/random.hpp"

// Independent random streams (Rng::stream(seed, id)), so that e.g. changing the moons network
// does not change the moons data. The Franke data use Rng(seed) itself (the shared recipe).
namespace streams {
constexpr std::uint64_t moons_data = 1, moons_training = 2, franke_training = 3,
                        activation_init_study = 100, rate_lambda_grid = 200, randomnet = 300, sigmoid_unit = 400;
constexpr std::uint64_t rate_lambda_grid_glorot = 2300;
}

// One row of a learning curve, measured after the epoch with a full pass over each set.
struct EpochRow {
    std::size_t epoch;
    double train_cost;     // the running mean of the mini-batch costs during the epoch
    double train_metric;   // accuracy (classification) or MSE (regression) on the training set
    double test_metric;    // the same on the test set
    double test_cost;      // C on the test set (without the L2 term)
};

// A training run: its learning curve, and how it ended.
struct TrainingRun {
    std::vector<EpochRow> history;
    TrainResult result;
    // The test metric after the last epoch; NaN for a run that diverged (shown as "—").
    double final_test_metric() const {
        return result.diverged || history.empty() ? std::numeric_limits<double>::quiet_NaN()
                                                  : history.back().test_metric;
    }
    double final_train_metric() const {
        return result.diverged || history.empty() ? std::numeric_limits<double>::quiet_NaN()
                                                  : history.back().train_metric;
    }
};

// Called after every epoch of a training run, e.g. to show progress: the epoch (1-based), the
// run's number of epochs, and the multiply-adds the epoch took (run_size.hpp).
using EpochHook = std::function<void(std::size_t epoch, std::size_t epochs, double multiply_adds)>;

// What a learning curve measures: the fraction classified right (two moons, whatever the loss)
// or the mean squared error (Franke).
enum class Metric { accuracy, mse };
inline double measure(Metric metric, const Matrix& A, const Matrix& Y) {
    return metric == Metric::accuracy ? accuracy(A, Y) : mean_squared_error(A, Y);
}

inline std::vector<std::size_t> widths_of(const Network& net) {
    std::vector<std::size_t> widths{net.layers.empty() ? 0 : net.layers.front().W.cols};
    for (const Layer& layer : net.layers) widths.push_back(layer.W.rows);
    return widths;
}

// Train with mini-batch SGD and record a learning curve every epoch. A diverged run keeps the
// curve up to the last good epoch, and its result says at which epoch it failed.
inline TrainingRun train_with_curve(Network& net, const Data& train_set, const Data& test_set,
                                    const SgdOptions& opt, std::size_t epochs, Metric metric, Rng& rng,
                                    const EpochHook& after_epoch = {}) {
    TrainingRun run;
    Cache cache;
    std::vector<Activation> f;
    for (const Layer& layer : net.layers) f.push_back(layer.f);
    const double work = epoch_multiply_adds(widths_of(net), f, train_set.size(), test_set.size(), opt.batch);
    run.result = train(net, train_set, opt, epochs, rng, [&](std::size_t epoch, double train_cost) {
        forward(cache, net, train_set.X);
        const double train_metric = measure(metric, cache.a.back(), train_set.Y);
        const double test_cost = cost(net, test_set.X, test_set.Y, 0.0, cache);
        const EpochRow row{epoch, train_cost, train_metric, measure(metric, cache.a.back(), test_set.Y), test_cost};
        if (after_epoch) after_epoch(epoch, epochs, work);
        if (!std::isfinite(row.train_metric) || !std::isfinite(row.test_metric) || !std::isfinite(row.test_cost))
            return false;
        run.history.push_back(row);
        return true;
    });
    return run;
}

// The training and test sizes of n points split by `train_fraction` (as the data recipes do).
inline std::size_t train_count(std::size_t n, double train_fraction) {
    return static_cast<std::size_t>(std::llround(train_fraction * static_cast<double>(n)));
}

// ---------------------------------------------------------------------------------------------
// 1. Two moons (004)

// Where the decision map is drawn: a grid of nx × ny points. 004 draws its map on
// [−1.5, 2.5] × [−1, 2]; we stop at x₂ = 1.5, since no point of either moon lies above 1 + noise.
struct DecisionGrid {
    double x_min = -1.5, x_max = 2.5, y_min = -1.0, y_max = 1.5;
    std::size_t nx = 100, ny = 100;
    double x(std::size_t p) const { return x_min + (x_max - x_min) * static_cast<double>(p) / static_cast<double>(nx - 1); }
    double y(std::size_t q) const { return y_min + (y_max - y_min) * static_cast<double>(q) / static_cast<double>(ny - 1); }
};

struct MoonsConfig {
    std::size_t n = 1000;        // points, half per moon (004 does not say)
    double noise = 0.05;         // sd of the noise per coordinate: "little noise" (004); at 0.1
                                 // single points cross into the other moon for some seeds
    double train_fraction = 0.75;
    std::vector<std::size_t> widths{2, 25, 50, 50, 25, 1};   // 004's architecture
    std::vector<Activation> f{Activation::relu, Activation::relu, Activation::relu,
                              Activation::relu, Activation::sigmoid};
    Init init = Init::he;        // suits the ReLU layers; 004 uses N(0, 0.1²) (--init normal)
    double normal_sd = 0.1;      // sd of Init::normal, as 004's randn·0.1
    double alpha = 0.01;         // leaky-ReLU slope, if chosen
    Optimizer optimizer = Optimizer::momentum;   // --optimizer; 004 uses plain gradient descent
    double eta = 0.05;           // with momentum ω, mini-batches reach 100 % in 4 epochs, where
    double omega = 0.9;          //   004's full-batch GD (η = 0.01) needs ~7000 iterations
    double lambda = 0.0;
    std::size_t batch = 32;
    std::size_t epochs = 100;
    DecisionGrid grid;
};

struct MoonsResult {
    Moons data;
    std::vector<std::size_t> train_idx, test_idx;
    Network net;
    TrainingRun run;
};

// Labels as targets: one row (0/1) for a single output, one-hot rows for a softmax output.
inline Data moons_targets(const Moons& d, const std::vector<std::size_t>& idx, std::size_t outputs) {
    Data data = moons_data(d, idx);
    if (outputs == 1) return data;
    Matrix Y(outputs, idx.size());
    for (std::size_t j = 0; j < idx.size(); ++j) Y(static_cast<std::size_t>(d.label[idx[j]]), j) = 1.0;
    data.Y = Y;
    return data;
}

// The two-moons points of a run and their split, drawn from the data stream: the same for every
// experiment on the moons.
struct MoonsSplit {
    Moons data;
    std::vector<std::size_t> train_idx, test_idx;
};

inline MoonsSplit make_moons_split(const MoonsConfig& c, std::uint64_t seed) {
    MoonsSplit s;
    Rng data_rng = Rng::stream(seed, streams::moons_data);
    s.data = make_moons(c.n, c.noise, data_rng);
    const std::vector<std::size_t> perm = data_rng.permutation(c.n);
    const std::size_t n_train = train_count(c.n, c.train_fraction);
    s.train_idx.assign(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(n_train));
    s.test_idx.assign(perm.begin() + static_cast<std::ptrdiff_t>(n_train), perm.end());
    return s;
}

inline MoonsResult run_moons(const MoonsConfig& c, std::uint64_t seed, const EpochHook& after_epoch = {}) {
    MoonsResult r;
    MoonsSplit split = make_moons_split(c, seed);
    r.data = std::move(split.data);
    r.train_idx = std::move(split.train_idx);
    r.test_idx = std::move(split.test_idx);
    const Data train = moons_targets(r.data, r.train_idx, c.widths.back());
    const Data test = moons_targets(r.data, r.test_idx, c.widths.back());

    std::vector<LayerSpec> specs;
    for (std::size_t l = 1; l < c.widths.size(); ++l)
        specs.push_back({c.widths[l], c.f[l - 1], InitSpec{c.init, c.normal_sd, 0.0}});
    Rng rng = Rng::stream(seed, streams::moons_training);
    r.net = make_network(c.widths[0], specs, loss_for_output(c.f.back()), c.alpha, rng);
    r.run = train_with_curve(r.net, train, test, {c.eta, c.omega, c.lambda, c.batch, c.optimizer}, c.epochs,
                             Metric::accuracy, rng, after_epoch);
    return r;
}

// P(class 1) on the grid, row-major, row 0 = y_min. The points go through the network
// kGridChunk at a time: the same numbers (each column is computed on its own), a fraction of
// the memory of one pass over all nx·ny points.
inline std::vector<double> class1_probability_grid(const Network& net, const DecisionGrid& g) {
    std::vector<double> prob;
    prob.reserve(g.nx * g.ny);
    const std::size_t total = g.nx * g.ny;
    for (std::size_t first = 0; first < total; first += kGridChunk) {
        const std::size_t m = std::min(kGridChunk, total - first);
        Matrix X(2, m);
        for (std::size_t j = 0; j < m; ++j) {
            X(0, j) = g.x((first + j) % g.nx);
            X(1, j) = g.y((first + j) / g.nx);
        }
        const Matrix A = predict(net, X);
        const std::size_t row = A.rows == 1 ? 0 : 1;   // sigmoid: a = P(1); softmax: a₁ = P(1)
        prob.insert(prob.end(), A.row(row), A.row(row) + A.cols);
    }
    return prob;
}

// The one training run of the experiment, and the forward passes outside its epochs: the cost
// before training and the decision grid.
inline std::vector<RunSize> moons_plan(const MoonsConfig& c) {
    const std::size_t n_train = train_count(c.n, c.train_fraction);
    return {{"two moons", c.widths, c.f, n_train, c.n - n_train, c.batch, c.epochs, n_train + c.grid.nx * c.grid.ny}};
}

// ---------------------------------------------------------------------------------------------
// 2. Franke regression (001): one hidden layer of 128 ReLU units, linear output, MSE

struct FrankeConfig {
    std::size_t n = 1000;        // the shared recipe
    double sigma = 0.2;
    std::size_t hidden = 128;    // 001's network
    // The headline run (001 Fig. 5's network): ReLU, Glorot weights (001 finds them better than
    // N(0, 0.05²) for every activation, its Fig. 7), zero biases, 001's batch of 10; η, λ and the
    // epochs are chosen on a validation split of the training points (selection.hpp) from
    // eta_ladder(optimizer) × search_lambda × search_epochs, unless --franke-eta, --franke-lambda
    // or --franke-epochs fix them by hand (search = false). The values below are then used.
    Init init = Init::glorot;
    Optimizer optimizer = Optimizer::sgd;   // --optimizer; 001 trains with plain SGD
    double omega = 0.9;          // ω of --optimizer momentum
    double eta = 0.05;
    double lambda = 0.0;
    std::size_t batch = 10;      // 001's batch size throughout
    std::size_t epochs = 150;
    bool search = true;
    double validation_fraction = 0.2;   // 150 of the 750 training points, 600 left to fit
    // λ: none, or the smallest of 001's grid (its Fig. 6 finds 10⁻⁴ and 10⁻³ about equally good,
    // more harmful); epochs: half to three times 001's grid budget of 100, since a step chosen
    // smaller may need longer.
    std::vector<double> search_lambda{0.0, 1e-4};
    std::vector<std::size_t> search_epochs{50, 100, 200, 300};
    // The activation × initialisation study: 001's settings (500 epochs, its η = 1e-3).
    std::size_t study_epochs = 500;
    double study_eta = 2e-3;
    double normal_sd = 0.05;     // 001's N(0, 0.05) read as a standard deviation (Keras's stddev)
    // The η × λ grid: 001's ranges (η, λ in [1e-4, 0.1], 100 epochs), η in our units, one step
    // beyond 001's largest η to show divergence, and λ = 0 for reference.
    std::vector<double> grid_eta{2e-4, 2e-3, 2e-2, 2e-1, 2.0};
    std::vector<double> grid_lambda{0.0, 1e-4, 1e-3, 1e-2, 1e-1};
    std::size_t grid_epochs = 100;
};

// The hidden activations and weight initialisations of 001 Fig. 7, in the order they are run.
inline const std::vector<Activation>& study_activations() {
    static const std::vector<Activation> f{Activation::sigmoid, Activation::relu, Activation::leaky_relu,
                                           Activation::linear};
    return f;
}
inline const std::vector<Init>& study_inits() {
    static const std::vector<Init> inits{Init::normal, Init::glorot};
    return inits;
}

// 1 hidden layer of `hidden` units with activation f, linear output; both layers initialised alike.
inline Network franke_network(std::size_t hidden, Activation f, const InitSpec& init, Rng& rng) {
    return make_network(2, {{hidden, f, init}, {1, Activation::linear, init}}, Loss::mse, 0.01, rng);
}

// 001 Fig. 5's network: 128 ReLU units, with c's weights, rule, η, λ and epochs (see
// FrankeConfig), trained on all training points; the test MSE after each epoch is its learning
// curve, as 001 draws it (the set-up is fixed before this runs, so the curve decides nothing).
inline TrainingRun run_franke_network(const FrankeConfig& c, const FrankeSets& sets, std::uint64_t seed,
                                      const EpochHook& after_epoch = {}) {
    Rng rng = Rng::stream(seed, streams::franke_training);
    Network net = franke_network(c.hidden, Activation::relu, {c.init, c.normal_sd, 0.0}, rng);
    return train_with_curve(net, sets.train, sets.test, {c.eta, c.omega, c.lambda, c.batch, c.optimizer}, c.epochs,
                            Metric::mse, rng, after_epoch);
}

struct ActivationInitRun {
    Activation f;
    Init init;
    TrainingRun run;
};

// 001 Fig. 7: hidden activation (sigmoid, ReLU, leaky ReLU, linear) × weights (normal, Glorot).
inline std::vector<ActivationInitRun> run_activation_init_study(const FrankeConfig& c, const FrankeSets& sets,
                                                                std::uint64_t seed,
                                                                const EpochHook& after_epoch = {}) {
    std::vector<ActivationInitRun> runs;
    for (const Activation f : study_activations())
        for (const Init init : study_inits()) {
            Rng rng = Rng::stream(seed, streams::activation_init_study + runs.size());
            Network net = franke_network(c.hidden, f, {init, c.normal_sd, 0.0}, rng);
            runs.push_back({f, init, train_with_curve(net, sets.train, sets.test,
                                                      {c.study_eta, 0.0, 0.0, c.batch}, c.study_epochs,
                                                      Metric::mse, rng, after_epoch)});
        }
    return runs;
}

struct RateLambdaRun {
    double eta, lambda;
    TrainingRun run;
};

// 001 Fig. 6: final test MSE over η × λ (ReLU, N(0, 0.05²) weights as in 001's first network);
// with init = Init::glorot, the grid 001's Discussion asks for (from a stream of its own).
inline std::vector<RateLambdaRun> run_rate_lambda_grid(const FrankeConfig& c, const FrankeSets& sets,
                                                       std::uint64_t seed, const EpochHook& after_epoch = {},
                                                       Init init = Init::normal) {
    const std::uint64_t stream = init == Init::normal ? streams::rate_lambda_grid : streams::rate_lambda_grid_glorot;
    std::vector<RateLambdaRun> cells;
    for (const double lambda : c.grid_lambda)
        for (const double eta : c.grid_eta) {
            Rng rng = Rng::stream(seed, stream + cells.size());
            Network net = franke_network(c.hidden, Activation::relu, {init, c.normal_sd, 0.0}, rng);
            cells.push_back({eta, lambda, train_with_curve(net, sets.train, sets.test,
                                                           {eta, 0.0, lambda, c.batch}, c.grid_epochs,
                                                           Metric::mse, rng, after_epoch)});
        }
    return cells;
}

// The network of Fig. 5 (at most the search's longest run; the search itself is
// franke_search_plan's), the eight of Fig. 7 and the grid of Fig. 6 (a diverging cell stops
// early, so this is an upper bound).
inline std::vector<RunSize> franke_plan(const FrankeConfig& c) {
    const std::size_t n_train = train_count(c.n, 0.75), n_test = c.n - n_train;
    const std::vector<std::size_t> widths{2, c.hidden, 1};
    auto run = [&](const char* label, Activation f, std::size_t epochs) {
        return RunSize{label, widths, {f, Activation::linear}, n_train, n_test, c.batch, epochs, n_train};
    };
    std::vector<RunSize> runs{run("Franke network", Activation::relu, c.search ? c.search_epochs.back() : c.epochs)};
    for (const Activation f : study_activations())
        for (std::size_t k = 0; k < study_inits().size(); ++k)
            runs.push_back(run("activation × initialisation", f, c.study_epochs));
    for (std::size_t k = 0; k < c.grid_eta.size() * c.grid_lambda.size(); ++k)
        runs.push_back(run("η × λ grid", Activation::relu, c.grid_epochs));
    return runs;
}

// ---------------------------------------------------------------------------------------------
// 3. RandomNet (001): networks of random depth, widths, activations and initialisations

struct RandomNetConfig {
    std::size_t count = 10;          // 001 trains ten
    std::size_t max_depth = 10;      // hidden layers: uniform in 1 … 10 (001)
    std::size_t min_width = 10;      // units per hidden layer: uniform in [10, 50] (001 does not
    std::size_t max_width = 50;      //   give a range; this keeps ten networks to a few seconds)
    double eta = 2e-3;               // 001's η = 1e-3, 100 epochs, batch 10
    std::size_t epochs = 100;
    std::size_t batch = 10;
    double normal_sd = 0.05, bias_sd = 0.01;   // 001's N(0, 0.05) weights, N(0, 0.01) biases
};

struct RandomNetSpec {
    std::vector<LayerSpec> layers;   // the hidden layers, then the linear output
};

// Draw one RandomNet: depth, and per layer its width, activation (ReLU, leaky ReLU, sigmoid,
// linear), weight initialisation (normal or Glorot) and biases (zero or normal).
inline RandomNetSpec draw_random_net(const RandomNetConfig& c, Rng& rng) {
    const Activation choices[] = {Activation::relu, Activation::leaky_relu, Activation::sigmoid,
                                  Activation::linear};
    auto random_init = [&] {
        return InitSpec{rng.below(2) ? Init::glorot : Init::normal, c.normal_sd,
                        rng.below(2) ? c.bias_sd : 0.0};
    };
    RandomNetSpec spec;
    const std::size_t depth = 1 + rng.below(c.max_depth);
    for (std::size_t l = 0; l < depth; ++l) {
        const std::size_t width = c.min_width + rng.below(c.max_width - c.min_width + 1);
        const Activation f = choices[rng.below(4)];
        spec.layers.push_back({width, f, random_init()});
    }
    spec.layers.push_back({1, Activation::linear, random_init()});
    return spec;
}

// n₀ = 2, then the widths of the drawn layers.
inline std::vector<std::size_t> widths_of(const RandomNetSpec& spec) {
    std::vector<std::size_t> widths{2};
    for (const LayerSpec& layer : spec.layers) widths.push_back(layer.width);
    return widths;
}
inline std::vector<Activation> activations_of(const RandomNetSpec& spec) {
    std::vector<Activation> f;
    for (const LayerSpec& layer : spec.layers) f.push_back(layer.f);
    return f;
}

struct RandomNetRun {
    RandomNetSpec spec;
    std::vector<double> initial_gradient;   // ‖∂C/∂Wˡ‖ per layer before training (full training set)
    TrainingRun run;
};

// ‖∂C/∂Wˡ‖ (Frobenius) for l = 1 … L on the whole of `set`: how much each layer gets to learn.
// 003's vanishing gradients show as norms that shrink towards the input layer.
inline std::vector<double> layer_gradient_norms(const Network& net, const Data& set) {
    Cache cache;
    Workspace work;
    Gradients grad;
    forward(cache, net, set.X);
    backward(grad, net, cache, set.Y, 0.0, work);
    std::vector<double> norms;
    for (const Matrix& dW : grad.dW) {
        double sum = 0;
        for (double g : dW.data) sum += g * g;
        norms.push_back(std::sqrt(sum));
    }
    return norms;
}

inline std::vector<RandomNetRun> run_randomnet(const RandomNetConfig& c, const FrankeSets& sets,
                                               std::uint64_t seed, const EpochHook& after_epoch = {}) {
    std::vector<RandomNetRun> runs;
    for (std::size_t k = 0; k < c.count; ++k) {
        Rng rng = Rng::stream(seed, streams::randomnet + k);
        RandomNetSpec spec = draw_random_net(c, rng);
        Network net = make_network(2, spec.layers, Loss::mse, 0.01, rng);
        const std::vector<double> initial = layer_gradient_norms(net, sets.train);
        runs.push_back({spec, initial, train_with_curve(net, sets.train, sets.test, {c.eta, 0.0, 0.0, c.batch},
                                                        c.epochs, Metric::mse, rng, after_epoch)});
    }
    return runs;
}

// The ten drawn networks, drawn here from the same streams as run_randomnet; outside the epochs
// each has its cost before training and its initial gradient (a forward and a backward pass,
// counted as three forward passes).
inline std::vector<RunSize> randomnet_plan(const RandomNetConfig& c, std::size_t franke_n, std::uint64_t seed) {
    const std::size_t n_train = train_count(franke_n, 0.75), n_test = franke_n - n_train;
    std::vector<RunSize> runs;
    for (std::size_t k = 0; k < c.count; ++k) {
        Rng rng = Rng::stream(seed, streams::randomnet + k);
        const RandomNetSpec spec = draw_random_net(c, rng);
        runs.push_back({"RandomNet", widths_of(spec), activations_of(spec), n_train, n_test, c.batch, c.epochs,
                        4 * n_train});
    }
    return runs;
}

// ---------------------------------------------------------------------------------------------
// 4. MSE vs cross-entropy on one sigmoid unit (002)

struct SigmoidUnitConfig {
    std::size_t n = 200;        // per set (training and test), half per class
    double w = -6.0, w0 = 0.0;  // a saturated, confidently wrong start: σ(−6x) ≈ 0 for class 1
    double eta = 1.0;           // full-batch gradient descent
    std::size_t iterations = 1000;
};

struct SigmoidUnitResult {
    SigmoidUnitHistory mse, ce;   // the same unit, the same start, trained on each criterion
};

inline SigmoidUnitResult run_sigmoid_unit(const SigmoidUnitConfig& c, std::uint64_t seed) {
    Rng rng = Rng::stream(seed, streams::sigmoid_unit);
    const Data train = two_gaussians(c.n, rng);
    const Data test = two_gaussians(c.n, rng);
    return {train_sigmoid_unit(Loss::mse, train, test, c.w, c.w0, c.eta, c.iterations),
            train_sigmoid_unit(Loss::bce, train, test, c.w, c.w0, c.eta, c.iterations)};
}
