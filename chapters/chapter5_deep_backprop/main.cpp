// main.cpp — chapter 5: deep feed-forward networks and back-propagation in general.
//
// Runs the experiments of four documents on the one general network of network.hpp, and reads
// like their Results sections: one function per figure or table it reproduces, grouped by
// experiment; each experiment is one function and one name in --experiments (kExperiments):
//   moons      004: the decision regions of its Figure 2, and the loss plot of its Appendix
//   franke     001: Figure 5 (the 128-unit ReLU network, its set-up chosen on validation
//              data), Figure 7 (hidden activation × weight initialisation), Figure 6
//              (learning rate × L2 strength)
//   optimizers         003's optimisers on the Franke network, each at its validated η
//   franke_grid_glorot 001, Discussion: Figure 6's grid with Glorot weights
//   franke_bce         001, Discussion: a sigmoid output with binary cross-entropy
//   franke_momentum    001, Discussion: Figure 7's network with momentum
//   randomnet  001: the RandomNet results, a table of ten random networks
//   randomnet_moons    001, Discussion: RandomNet as a classifier, on the two moons
//   mse_vs_ce  002: slide "Another training criterion – cross-entropy error", on one sigmoid unit
// Every output goes to --out: a CSV per curve and table, an SVG per figure, summary.csv and
// summary.md. Before it starts, a run far beyond the defaults prints its estimated work, time
// and memory (run_size.hpp), and one beyond the hard bounds is refused unless --allow-large.
// The experiments' settings and their reasons are in experiments.hpp, selection.hpp and
// open_questions.hpp. Flags: --help.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/data.hpp"
#include "chapters/chapter5_deep_backprop/experiments.hpp"
#include "chapters/chapter5_deep_backprop/lectures_output.hpp"
#include "chapters/chapter5_deep_backprop/network.hpp"
#include "chapters/chapter5_deep_backprop/open_questions.hpp"
#include "chapters/chapter5_deep_backprop/optimizers.hpp"
#include "chapters/chapter5_deep_backprop/run_size.hpp"
#include "chapters/chapter5_deep_backprop/selection.hpp"
#include "common/cli.hpp"
#include "common/csv.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"
#include "common/plot/decision_map.hpp"
#include "common/plot/heat_map.hpp"
#include "common/plot/line_plot.hpp"
#include "common/plot/panels.hpp"
#include "common/progress.hpp"
#include "common/summary.hpp"
#include "common/table.hpp"

namespace {

namespace fs = std::filesystem;

// Every setting of a run, as the flags leave it.
struct Settings {
    std::uint64_t seed = 2020;
    MoonsConfig moons;
    FrankeConfig franke;
    OptimizerComparisonConfig optimizers;
    OutputStudyConfig outputs;
    MomentumStudyConfig momentum;
    RandomNetConfig randomnet;
    SigmoidUnitConfig unit;
    bool allow_large = false;
};

// ---------------------------------------------------------------------------------------------
// Progress, counted in multiply-adds (run_size.hpp), so that the ETA weighs each epoch by its
// work (common/workload.hpp). A run announced as large reports from its first epoch: on a
// terminal in the bar's note, otherwise as a line after its first epoch and then at most every 10 s.

class WorkMeter {
public:
    explicit WorkMeter(double total_multiply_adds) : meter_(total_multiply_adds) {}

    EpochHook hook(const std::string& run) {
        return [this, run](std::size_t epoch, std::size_t epochs, double work) {
            meter_.advance(work, run + ": epoch " + std::to_string(epoch) + " of " + std::to_string(epochs));
        };
    }
    // A safe point to stop at (Ctrl-C) in work too small to plan.
    void tick() { meter_.tick(); }
    void finish() { meter_.finish(); }

private:
    workload::Meter meter_;
};

// ---------------------------------------------------------------------------------------------
// What the experiments hand over: summary.md (common/summary.hpp), summary.csv and standard
// output (the headline table), and where the files go.

struct FrankeInputs {
    FrankeData data;
    FrankeSets sets;
    double true_mse;   // the true function's test MSE: this test set's noise floor
};

struct Context {
    const Settings& settings;
    fs::path dir;
    WorkMeter& meter;
    summary::Summary md;
    csv::Writer csv{{"experiment", "test_accuracy", "test_mse"}};   // summary.csv
    std::optional<FrankeInputs> franke_inputs;   // made, and saved, when first needed
    std::optional<MoonsSplit> moons_inputs;      // the same
    std::optional<std::vector<RateLambdaRun>> normal_grid;   // Fig. 6's grid, run once for both grids

    Context(const Settings& s, fs::path folder, WorkMeter& m, summary::Summary frame)
        : settings(s), dir(std::move(folder)), meter(m), md(std::move(frame)) {}

    // The Franke data of franke and randomnet: the shared recipe, centred (data.hpp).
    const FrankeInputs& franke() {
        if (!franke_inputs) {
            const FrankeConfig& c = settings.franke;
            FrankeData data = make_franke_data(c.n, settings.seed, c.sigma);
            save_franke_data(dir / "franke_data.csv", data);
            FrankeSets sets = franke_sets(data);
            const double true_mse = franke_test_noise(data);
            franke_inputs = FrankeInputs{std::move(data), std::move(sets), true_mse};
        }
        return *franke_inputs;
    }
    // The two-moons points of moons and randomnet_moons (experiments.hpp), saved when first made.
    const MoonsSplit& moons();
    // 001 Fig. 6's η × λ grid with N(0, 0.05²) weights, run when first needed.
    const std::vector<RateLambdaRun>& rate_lambda_grid() {
        if (!normal_grid)
            normal_grid = run_rate_lambda_grid(settings.franke, franke().sets, settings.seed, meter.hook("η × λ grid"));
        return *normal_grid;
    }
    void figure(const std::string& file, const std::string& svg, const std::string& caption) {
        plot::save(dir / file, svg);
        md.figures.push_back({file, caption, document_figure(file)});
    }
    void headline(const std::string& quantity, const std::string& ours, const std::string& document) {
        md.headline.add({quantity, ours, document});
    }
};

std::vector<double> epochs_of(const std::vector<EpochRow>& h) {
    std::vector<double> x;
    for (const auto& row : h) x.push_back(static_cast<double>(row.epoch));
    return x;
}
std::vector<double> column_of(const std::vector<EpochRow>& h, double EpochRow::*member) {
    std::vector<double> y;
    for (const auto& row : h) y.push_back(row.*member);
    return y;
}

// An error as the tables show it: a fixed count of decimals (four for an MSE, as the documents'
// 0.046 beside our 0.0437), in scientific notation when it is too large for that (data of
// enormous noise), so that no cell runs to hundreds of digits.
std::string error_text(double x, int decimals = 4) {
    return std::fabs(x) < 1e3 ? table::fixed(x, decimals) : table::sci(x, 2);
}

std::string diverged_note(const TrainingRun& run) {
    return "diverged at epoch " + std::to_string(run.result.diverged_epoch);
}
// A run's final number as a table shows it, or the epoch at which it diverged.
std::string final_or_diverged(const TrainingRun& run, double value, int decimals = 4) {
    return run.result.diverged ? diverged_note(run) : error_text(value, decimals);
}
std::string diverged_epoch_cell(const TrainingRun& run) {
    return run.result.diverged ? std::to_string(run.result.diverged_epoch) : "";
}

std::string loss_label(Loss loss) {
    return loss == Loss::bce ? "binary cross-entropy" : loss == Loss::ce ? "cross-entropy" : "½ squared error";
}

std::string activation_label(Activation f) {
    switch (f) {
        case Activation::sigmoid: return "sigmoid";
        case Activation::relu: return "ReLU";
        case Activation::leaky_relu: return "leaky ReLU";
        case Activation::linear: return "linear";
        default: return name_of(f);
    }
}

std::string widths_text(const std::vector<std::size_t>& widths, const char* sep) {
    std::string s;
    for (std::size_t l = 0; l < widths.size(); ++l) s += (l ? sep : "") + std::to_string(widths[l]);
    return s;
}

// The variance of the targets of a set: the MSE of predicting their mean.
double target_variance(const Data& set) {
    double mean = 0, var = 0;
    for (double y : set.Y.data) mean += y;
    mean /= static_cast<double>(set.Y.size());
    for (double y : set.Y.data) var += (y - mean) * (y - mean);
    return var / static_cast<double>(set.Y.size());
}

// ---------------------------------------------------------------------------------------------
// 1. Two moons (004)

void save_moons_data(const MoonsSplit& r, const fs::path& path) {
    std::vector<bool> in_train(r.data.size(), false);
    for (std::size_t i : r.train_idx) in_train[i] = true;
    csv::Writer data({"x1", "x2", "label", "split"});
    for (std::size_t i = 0; i < r.data.size(); ++i)
        data.row({csv::num(r.data.x1[i]), csv::num(r.data.x2[i]), std::to_string(r.data.label[i]),
                  in_train[i] ? "train" : "test"});
    data.save(path);
}

const MoonsSplit& Context::moons() {
    if (!moons_inputs) {
        moons_inputs = make_moons_split(settings.moons, settings.seed);
        save_moons_data(*moons_inputs, dir / "moons_data.csv");
    }
    return *moons_inputs;
}

void save_moons_history(const TrainingRun& run, const fs::path& path) {
    csv::Writer hist({"epoch", "train_cost", "test_cost", "train_accuracy", "test_accuracy"});
    for (const auto& row : run.history)
        hist.row({std::to_string(row.epoch), csv::num(row.train_cost), csv::num(row.test_cost),
                  csv::num(row.train_metric), csv::num(row.test_metric)});
    hist.save(path);
}

// 004, Figure 2 (the manual network's decision regions): P(class 1) over the plane, its 0.5
// contour and the test points.
void fig2_decision_regions(Context& ctx, const MoonsResult& r) {
    const DecisionGrid& g = ctx.settings.moons.grid;
    const std::vector<double> prob = class1_probability_grid(r.net, g);
    csv::Writer grid({"x1", "x2", "p_class1"});
    for (std::size_t q = 0; q < g.ny; ++q)
        for (std::size_t p = 0; p < g.nx; ++p) grid.row({csv::num(g.x(p)), csv::num(g.y(q)), csv::num(prob[q * g.nx + p])});
    grid.save(ctx.dir / "moons_decision.csv");
    plot::DecisionMap map;
    map.title = "Two moons: P(class 1) after " + std::to_string(r.run.history.size()) + " epochs, test points";
    map.xlabel = "x1";
    map.ylabel = "x2";
    map.x_min = g.x_min;
    map.x_max = g.x_max;
    map.y_min = g.y_min;
    map.y_max = g.y_max;
    map.nx = g.nx;
    map.ny = g.ny;
    map.prob = prob;
    for (std::size_t i : r.test_idx) map.points.push_back({r.data.x1[i], r.data.x2[i], r.data.label[i]});
    map.class_labels = {"class 0 (upper moon)", "class 1 (lower moon)"};
    ctx.figure("moons_decision.svg", plot::to_svg(map),
               "Two moons: the network's probability of class 1, its 0.5 contour, and the test points");
}

// 004, the loss plot of its Appendix: the cost against epoch, training and test.
void appendix_loss_plot(Context& ctx, const MoonsResult& r) {
    const auto& h = r.run.history;
    plot::LinePlot loss;
    loss.title = "Two moons: " + loss_label(r.net.loss);
    loss.xlabel = "epoch";
    loss.ylabel = "cost";
    loss.log_y = true;
    loss.series.push_back({"training (mean over the epoch's mini-batches)", epochs_of(h),
                           column_of(h, &EpochRow::train_cost), false, true});
    loss.series.push_back({"test (after the epoch)", epochs_of(h), column_of(h, &EpochRow::test_cost), false, true, true});
    ctx.figure("moons_loss.svg", plot::to_svg(loss), "Two moons: cost against epoch");
}

std::string moons_setting(const MoonsConfig& c, const MoonsResult& r) {
    return std::to_string(c.n) + " points, noise " + table::sig(c.noise) + ", " + std::to_string(r.train_idx.size()) +
           "/" + std::to_string(r.test_idx.size()) + " train/test";
}

void two_moons(Context& ctx) {
    const MoonsConfig& c = ctx.settings.moons;
    ctx.moons();   // saves moons_data.csv; run_moons draws the same points
    const MoonsResult r = run_moons(c, ctx.settings.seed, ctx.meter.hook("two moons"));
    save_moons_history(r.run, ctx.dir / "moons_history.csv");
    std::string text = "Network " + widths_text(c.widths, "-") + " (" + name_of(c.f.front()) + " … " +
                       name_of(c.f.back()) + ", " + loss_label(r.net.loss) + "), " + moons_setting(c, r) +
                       "; mini-batch SGD with the " + name_of(c.optimizer) + " rule, η = " + table::sig(c.eta) +
                       (c.optimizer == Optimizer::momentum ? ", ω = " + table::sig(c.omega) : "") + ", batch " +
                       std::to_string(c.batch) + ", " + std::to_string(c.epochs) + " epochs.";
    const bool diverged = r.run.result.diverged;
    if (diverged) {
        std::cerr << "chapter5: warning: two moons: " << diverged_note(r.run) << " (try a smaller --eta or --lambda)\n";
        text += " The run **" + diverged_note(r.run) + "**; no decision boundary to draw.";
    } else {
        fig2_decision_regions(ctx, r);
    }
    appendix_loss_plot(ctx, r);
    ctx.md.sections.push_back({"1. Two moons (004)", text});

    const auto& h = r.run.history;
    ctx.headline("two moons: test accuracy (" + moons_setting(c, r) + ")",
                 diverged ? diverged_note(r.run) : table::percent(r.run.final_test_metric(), 1), "100 % (004)");
    ctx.headline("two moons: final cost, training / test",
                 diverged   ? diverged_note(r.run)
                 : h.empty() ? "—"
                             : table::sig(h.back().train_cost) + " / " + table::sig(h.back().test_cost),
                 "0.002 after 10 000 full-batch iterations (004)");
    ctx.csv.row({"moons", csv::num(r.run.final_test_metric()), ""});
}

// ---------------------------------------------------------------------------------------------
// 2. Franke regression (001)

// "largest <what> tried" / "smallest <what> tried" when `value` sits at an end of its
// grid (the optimum may lie beyond it), else "".
template <class T>
std::string grid_end_note(T value, const std::vector<T>& grid, const std::string& what) {
    if (grid.size() < 2) return "";
    if (value == grid.back()) return "largest " + what + " tried";
    if (value == grid.front()) return "smallest " + what + " tried";
    return "";
}

template <class T>
std::string list_text(const std::vector<T>& values) {
    std::string text;
    for (const T& v : values) text += (text.empty() ? "" : ", ") + table::sig(static_cast<double>(v));
    return text;
}

std::string setup_text(const FrankeConfig& c) {
    return name_of(c.optimizer) + (c.optimizer == Optimizer::momentum ? " (ω = " + table::sig(c.omega) + ")" : "") +
           ", η = " + table::sig(c.eta) + ", λ = " + table::sig(c.lambda) + ", " + std::to_string(c.epochs) + " epochs";
}

void save_search_csv(const SearchResult& s, const fs::path& path) {
    csv::Writer w({"eta", "lambda", "epochs", "validation_mse", "diverged_epoch"});
    for (const Candidate& k : s.candidates)
        w.row({csv::num(k.eta), csv::num(k.lambda), std::to_string(k.epochs), csv::num(k.validation_mse),
               k.diverged_epoch ? std::to_string(k.diverged_epoch) : ""});
    w.save(path);
}

// The search as a heat map: for each (η, λ) its smallest validation MSE over the checkpoints.
plot::HeatMap search_heat_map(const FrankeConfig& c, const SearchResult& s) {
    const std::vector<double> etas = eta_ladder(c.optimizer);
    plot::HeatMap map;
    map.title = "Franke search (" + name_of(c.optimizer) + "): validation MSE at the best epoch";
    map.xlabel = "learning rate η (ours; 001's η is half)";
    map.ylabel = "L2 strength λ";
    map.colorbar_label = "validation MSE";
    map.log_color = true;
    for (double eta : etas) map.col_labels.push_back(table::sig(eta));
    for (double lambda : c.search_lambda) map.row_labels.push_back(table::sig(lambda));
    map.values.assign(c.search_lambda.size(), std::vector<double>(etas.size(), NAN));
    for (const Candidate& k : s.candidates) {
        const auto col = static_cast<std::size_t>(std::find(etas.begin(), etas.end(), k.eta) - etas.begin());
        const auto row = static_cast<std::size_t>(std::find(c.search_lambda.begin(), c.search_lambda.end(), k.lambda) -
                                                  c.search_lambda.begin());
        double& cell = map.values[row][col];
        if (std::isfinite(k.validation_mse) && !(cell <= k.validation_mse)) cell = k.validation_mse;
    }
    return map;
}

// The search for the headline set-up of 001 Fig. 5's network on a validation split of the
// training points (selection.hpp): its CSV, heat map and headline row.
void report_franke_search(Context& ctx, const FrankeHeadline& h) {
    const FrankeConfig& c = ctx.settings.franke;
    if (!c.search) {
        ctx.headline("Franke FFNN: set-up", setup_text(h.chosen) + " (fixed by the flags, no search)", "—");
        return;
    }
    const SearchResult& s = h.search;
    save_search_csv(s, ctx.dir / "franke_search.csv");
    ctx.figure("franke_search.svg", plot::to_svg(search_heat_map(c, s)),
               "Franke: the search for the headline set-up, validation MSE of each (η, λ) at its best checkpoint "
               "epoch; the outlined cell is chosen");
    const std::size_t n_validation = train_count(ctx.franke().sets.train.size(), c.validation_fraction);
    std::string note;
    for (const std::string& end : {grid_end_note(s.chosen.eta, eta_ladder(c.optimizer), "η"),
                                   grid_end_note(s.chosen.epochs, c.search_epochs, "epoch count")})
        if (!end.empty()) note += (note.empty() ? "; " : ", ") + end;
    if (!s.any_finished) std::cerr << "chapter5: warning: Franke search: every candidate diverged\n";
    ctx.headline("Franke FFNN: set-up chosen on " + std::to_string(n_validation) + " validation points",
                 s.any_finished ? setup_text(h.chosen) + " (validation MSE " + error_text(s.chosen.validation_mse) + note + ")"
                                : "every candidate diverged; " + setup_text(h.chosen) + " is trained",
                 "— (001 takes its grid's best test MSE)");
}

// 001, Figure 5: training and test MSE of the 128-unit ReLU network against epoch, with the
// set-up fixed before it ran, trained on all training points and tested once.
void fig5_franke_network(Context& ctx, const FrankeHeadline& headline) {
    const FrankeConfig& c = headline.chosen;
    const FrankeInputs& in = ctx.franke();
    const TrainingRun& run = headline.run;
    const auto& h = run.history;
    csv::Writer w({"epoch", "train_cost", "train_mse", "test_mse"});
    for (const auto& row : h)
        w.row({std::to_string(row.epoch), csv::num(row.train_cost), csv::num(row.train_metric), csv::num(row.test_metric)});
    w.save(ctx.dir / "franke_ffnn_history.csv");
    plot::LinePlot curve;
    curve.title = "Franke: 2-" + std::to_string(c.hidden) + "-1 ReLU network, " + setup_text(c);
    curve.xlabel = "epoch";
    curve.ylabel = "mean squared error";
    curve.series.push_back({"training", epochs_of(h), column_of(h, &EpochRow::train_metric), false, true});
    curve.series.push_back({"test", epochs_of(h), column_of(h, &EpochRow::test_metric), false, true});
    curve.hlines.push_back({c.sigma * c.sigma, "noise floor σ²"});
    curve.hlines.push_back({0.046, "001's best test MSE"});
    ctx.figure("franke_ffnn.svg", plot::to_svg(curve), "Franke: MSE of the 128-unit ReLU network against epoch");
    if (run.result.diverged) std::cerr << "chapter5: warning: Franke network " << diverged_note(run) << "\n";

    const double mse = run.final_test_metric();
    ctx.headline("Franke FFNN (128 ReLU): test MSE", final_or_diverged(run, mse), "0.046 (001, best of its grid)");
    ctx.headline("Franke FFNN: test R²", final_or_diverged(run, 1 - mse / target_variance(in.sets.test), 2), "0.68 (001)");
    ctx.headline("Franke: noise floor σ² (true function on this test set)",
                 table::sig(c.sigma * c.sigma) + " (" + table::sig(in.true_mse) + ")", "—");
    ctx.csv.row({"franke_ffnn", "", csv::num(mse)});
}

void save_activation_init_csv(const std::vector<ActivationInitRun>& study, const fs::path& path) {
    csv::Writer w({"activation", "init", "epoch", "train_mse", "test_mse"});
    for (const ActivationInitRun& s : study)
        for (const auto& row : s.run.history)
            w.row({name_of(s.f), name_of(s.init), std::to_string(row.epoch), csv::num(row.train_metric),
                   csv::num(row.test_metric)});
    w.save(path);
}

// The best final test MSE among the runs that `pick` accepts; null if none finished.
template <class Pick>
const ActivationInitRun* best_of(const std::vector<ActivationInitRun>& study, Pick pick) {
    const ActivationInitRun* best = nullptr;
    for (const ActivationInitRun& s : study) {
        const double final = s.run.final_test_metric();
        if (pick(s) && std::isfinite(final) && (!best || final < best->run.final_test_metric())) best = &s;
    }
    return best;
}

// 001, Figure 7: test MSE against epoch for each hidden activation and weight initialisation.
void fig7_activation_init(Context& ctx) {
    const FrankeConfig& c = ctx.settings.franke;
    const auto study = run_activation_init_study(c, ctx.franke().sets, ctx.settings.seed,
                                                 ctx.meter.hook("activation × initialisation"));
    save_activation_init_csv(study, ctx.dir / "franke_activation_init.csv");
    // 001's Fig. 7 shows the training and the test error: one panel each, on one scale.
    plot::Panels fig;
    fig.title = "Franke: hidden activation × weight initialisation";
    fig.same_y = true;
    fig.panel_width = 560;
    fig.panel_height = 340;
    const std::string colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#7f7f7f"};
    table::Text t{"activation", "weights", "test MSE after " + std::to_string(c.study_epochs) + " epochs"};
    for (double EpochRow::*metric : {&EpochRow::train_metric, &EpochRow::test_metric}) {
        plot::LinePlot curves;
        const bool train = metric == &EpochRow::train_metric;
        curves.title = train ? "training MSE" : "test MSE";
        curves.xlabel = "epoch";
        curves.ylabel = "mean squared error";
        for (std::size_t k = 0; k < study.size(); ++k) {
            const ActivationInitRun& s = study[k];
            curves.series.push_back({activation_label(s.f) + ", " + name_of(s.init), epochs_of(s.run.history),
                                     column_of(s.run.history, metric), false, true, s.init == Init::normal,
                                     colors[k / 2]});
        }
        curves.hlines.push_back({c.sigma * c.sigma, "noise floor σ²"});
        fig.panels.push_back(curves);
    }
    for (const ActivationInitRun& s : study) {
        t.add({activation_label(s.f), name_of(s.init), final_or_diverged(s.run, s.run.final_test_metric())});
        if (s.run.result.diverged)
            std::cerr << "chapter5: note: activation study " << name_of(s.f) << ", " << name_of(s.init) << ": "
                      << diverged_note(s.run) << "\n";
    }
    ctx.figure("franke_activation_init.svg", plot::to_svg(fig),
               "Franke: training and test MSE against epoch for each hidden activation and initialisation");
    ctx.md.sections.push_back({"Activation × initialisation (001 Fig. 7)",
                               std::to_string(c.study_epochs) + " epochs at η = " + table::sig(c.study_eta) +
                                   " (001's 1e-3), batch " + std::to_string(c.batch) + "; normal = N(0, " +
                                   table::sig(c.normal_sd) + "²) dashed, Glorot uniform solid.\n\n" + t.markdown()});

    const ActivationInitRun* best = best_of(study, [](const ActivationInitRun&) { return true; });
    const ActivationInitRun* sigmoid = best_of(study, [](const ActivationInitRun& s) { return s.f == Activation::sigmoid; });
    ctx.headline("activation study: best after " + std::to_string(c.study_epochs) + " epochs",
                 best ? activation_label(best->f) + ", " + name_of(best->init) + ": " +
                            error_text(best->run.final_test_metric())
                      : "every run diverged",
                 "ReLU: 0.049 (001 Fig. 7)");
    ctx.headline("activation study: best sigmoid",
                 sigmoid ? error_text(sigmoid->run.final_test_metric()) : "every run diverged", "≈ 0.06 (001 Fig. 7)");
}

plot::HeatMap rate_lambda_heat_map(const FrankeConfig& c, const std::vector<RateLambdaRun>& grid, Init init) {
    plot::HeatMap map;
    map.title = "Franke: test MSE after " + std::to_string(c.grid_epochs) + " epochs (128 ReLU, " +
                (init == Init::normal ? "N(0, 0.05²)" : "Glorot uniform") + ")";
    map.xlabel = "learning rate η (ours; 001's η is half)";
    map.ylabel = "L2 strength λ";
    map.colorbar_label = "test MSE";
    map.log_color = true;
    for (double eta : c.grid_eta) map.col_labels.push_back(table::sig(eta));
    for (double lambda : c.grid_lambda) map.row_labels.push_back(table::sig(lambda));
    map.values.assign(c.grid_lambda.size(), std::vector<double>(c.grid_eta.size(), NAN));
    for (std::size_t k = 0; k < grid.size(); ++k)
        map.values[k / c.grid_eta.size()][k % c.grid_eta.size()] = grid[k].run.final_test_metric();
    return map;
}

// The grid's CSV and heat map (`stem`.csv, `stem`.svg); returns its best cell (null if none
// finished). Its "best" is the best of the cells' test scores, as in 001's figure.
const RateLambdaRun* save_rate_lambda_grid(Context& ctx, const std::vector<RateLambdaRun>& grid, Init init,
                                           const std::string& stem) {
    const FrankeConfig& c = ctx.settings.franke;
    csv::Writer w({"eta", "lambda", "train_mse", "test_mse", "diverged_epoch"});
    const RateLambdaRun* best = nullptr;
    for (const RateLambdaRun& g : grid) {
        const double test = g.run.final_test_metric();
        w.row({csv::num(g.eta), csv::num(g.lambda), csv::num(g.run.final_train_metric()), csv::num(test),
               diverged_epoch_cell(g.run)});
        if (g.run.result.diverged)
            std::cerr << "chapter5: note: Franke grid" << (init == Init::normal ? "" : " (Glorot)") << " η = "
                      << table::sig(g.eta) << ", λ = " << table::sig(g.lambda) << ": " << diverged_note(g.run) << "\n";
        if (std::isfinite(test) && (!best || test < best->run.final_test_metric())) best = &g;
    }
    w.save(ctx.dir / (stem + ".csv"));
    ctx.figure(stem + ".svg", plot::to_svg(rate_lambda_heat_map(c, grid, init)),
               "Franke: test MSE over learning rate and L2 strength (001 Fig. 6" +
                   std::string(init == Init::normal ? "" : ", with Glorot weights") + "), " +
                   std::to_string(c.grid_epochs) + " epochs each; grey cells diverged");
    return best;
}

std::string best_cell_text(const RateLambdaRun* best) {
    return best ? error_text(best->run.final_test_metric()) + " at η = " + table::sig(best->eta) + ", λ = " +
                      table::sig(best->lambda)
                : "every cell diverged";
}

// 001, Figure 6: final test MSE over learning rate η × L2 strength λ.
void fig6_rate_lambda_grid(Context& ctx) {
    const RateLambdaRun* best = save_rate_lambda_grid(ctx, ctx.rate_lambda_grid(), Init::normal, "franke_grid");
    ctx.headline("η × λ grid: best", best_cell_text(best), "0.046 at η = 0.1, i.e. our 0.2 (001 Fig. 6)");
}

// 001, Discussion: "a new grid search similar to that shown in Fig. 6, only with Glorot uniform
// initialization". The same grid, cell by cell beside Fig. 6's (run here if franke did not).
void glorot_grid(Context& ctx) {
    const FrankeConfig& c = ctx.settings.franke;
    const auto& normal = ctx.rate_lambda_grid();
    const auto glorot = run_rate_lambda_grid(c, ctx.franke().sets, ctx.settings.seed,
                                             ctx.meter.hook("η × λ grid, Glorot"), Init::glorot);
    const RateLambdaRun* best = save_rate_lambda_grid(ctx, glorot, Init::glorot, "franke_grid_glorot");
    std::size_t better = 0, both = 0;
    table::Text t{"λ \\ η"};
    for (double eta : c.grid_eta) t.header.push_back(table::sig(eta));
    for (std::size_t r = 0; r < c.grid_lambda.size(); ++r) {
        std::vector<std::string> row{table::sig(c.grid_lambda[r])};
        for (std::size_t k = r * c.grid_eta.size(); k < (r + 1) * c.grid_eta.size(); ++k) {
            const double a = normal[k].run.final_test_metric(), b = glorot[k].run.final_test_metric();
            const bool finished = std::isfinite(a) && std::isfinite(b);
            both += finished;
            better += finished && b < a;
            row.push_back(final_or_diverged(normal[k].run, a) + " / " + final_or_diverged(glorot[k].run, b));
        }
        t.add(row);
    }
    ctx.md.sections.push_back(
        {"η × λ grid with Glorot weights (001, Discussion)",
         "The grid of 001 Fig. 6 again, " + std::to_string(c.grid_epochs) +
             " epochs per cell, with Glorot uniform weights in place of N(0, 0.05²). Each cell: test MSE with normal "
             "/ with Glorot weights.\n\n" + t.markdown()});
    ctx.headline("η × λ grid, Glorot weights: best", best_cell_text(best), "— (asked for in 001's Discussion)");
    ctx.headline("η × λ grid: cells where Glorot beats N(0, 0.05²)",
                 std::to_string(better) + " of " + std::to_string(both) + " that finished with both", "—");
}

void franke(Context& ctx) {
    const FrankeInputs& in = ctx.franke();
    const FrankeHeadline headline = run_franke_headline(ctx.settings.franke, in.sets, ctx.settings.seed,
                                                        ctx.meter.hook("Franke search"), ctx.meter.hook("Franke network"));
    report_franke_search(ctx, headline);
    const FrankeConfig& c = headline.chosen;
    const std::string how =
        c.search ? "chosen on a validation split: " + std::to_string(train_count(in.sets.train.size(), c.validation_fraction)) +
                       " of the training points held out, the rest trained with every η of {" +
                       list_text(eta_ladder(c.optimizer)) + "} × λ ∈ {" + list_text(c.search_lambda) +
                       "}, the validation MSE read after epochs {" + list_text(c.search_epochs) +
                       "} (franke_search.csv); the best is trained again on all " +
                       std::to_string(in.sets.train.size()) + " training points and tested once"
                 : "fixed by the flags";
    ctx.md.sections.push_back(
        {"2. Franke regression (001)",
         std::to_string(in.data.x.size()) + " points, noise σ = " + table::sig(c.sigma) + ", " +
             std::to_string(in.sets.train.size()) + "/" + std::to_string(in.sets.test.size()) +
             " train/test, inputs and targets centred on the training means (franke_data.csv). The noise floor is "
             "σ² = " + table::sig(c.sigma * c.sigma) + "; on this test set the true function itself scores " +
             table::sig(in.true_mse) + ".\n\nHeadline network (001 Fig. 5): " + std::to_string(c.hidden) +
             " ReLU units, " + name_of(c.init) + " weights, zero biases, batch " + std::to_string(c.batch) + ", " +
             setup_text(c) + ", " + how + "."});
    fig5_franke_network(ctx, headline);
    fig7_activation_init(ctx);
    fig6_rate_lambda_grid(ctx);
}

// ---------------------------------------------------------------------------------------------
// 2b. The optimisers of 003 on the Franke network

void save_optimizer_csvs(const std::vector<RuleComparison>& rules, const std::vector<double>& test_mse,
                         const fs::path& curves_path, const fs::path& search_path) {
    csv::Writer curves({"optimizer", "eta", "epoch", "train_mse", "validation_mse"});
    csv::Writer search({"optimizer", "eta", "validation_mse", "diverged_epoch", "chosen", "test_mse"});
    for (std::size_t r = 0; r < rules.size(); ++r)
        for (std::size_t k = 0; k < rules[r].runs.size(); ++k) {
            const RuleRun& run = rules[r].runs[k];
            const bool chosen = rules[r].any_finished && k == rules[r].chosen;
            for (const EpochRow& row : run.run.history)
                curves.row({name_of(rules[r].rule), csv::num(run.eta), std::to_string(row.epoch),
                            csv::num(row.train_metric), csv::num(row.test_metric)});
            search.row({name_of(rules[r].rule), csv::num(run.eta), csv::num(run.validation_mse),
                        diverged_epoch_cell(run.run), chosen ? "1" : "0", chosen ? csv::num(test_mse[r]) : ""});
        }
    curves.save(curves_path);
    search.save(search_path);
}

// Training and validation MSE against epoch of each rule at its chosen η, one panel each.
plot::Panels optimizer_figure(const std::vector<RuleComparison>& rules, double floor, std::size_t n_fit,
                             std::size_t n_validation) {
    plot::Panels fig;
    fig.title = "Franke: the update rules of 003, each at the η its validation runs chose";
    fig.same_y = true;
    fig.panel_width = 560;
    fig.panel_height = 340;
    for (double EpochRow::*metric : {&EpochRow::train_metric, &EpochRow::test_metric}) {
        plot::LinePlot p;
        p.title = metric == &EpochRow::train_metric ? "training MSE (" + std::to_string(n_fit) + " fit points)"
                                                    : "validation MSE (" + std::to_string(n_validation) + " held out)";
        p.xlabel = "epoch";
        p.ylabel = "mean squared error";
        for (const RuleComparison& r : rules) {
            if (!r.any_finished) continue;
            const TrainingRun& run = r.runs[r.chosen].run;
            p.series.push_back({name_of(r.rule) + ", η = " + table::sig(r.runs[r.chosen].eta), epochs_of(run.history),
                                column_of(run.history, metric), false, true});
        }
        p.hlines.push_back({floor, "noise floor σ²"});
        fig.panels.push_back(p);
    }
    return fig;
}

// 003's list of optimisers (plain SGD, momentum, Adagrad, RMSprop, Adam) on the headline
// network, each at the η of its ladder that its validation runs chose; that network, as
// trained on the fit points, is scored on the test set once.
void optimizer_comparison(Context& ctx) {
    const FrankeConfig& c = ctx.settings.franke;
    const OptimizerComparisonConfig& oc = ctx.settings.optimizers;
    const FrankeInputs& in = ctx.franke();
    const auto rules = run_optimizer_comparison(c, oc, in.sets.train, ctx.settings.seed, ctx.meter.hook("optimisers"));
    std::vector<double> test_mse;
    table::Text t{"rule", "η ladder", "chosen η", "validation MSE, last 5 epochs", "test MSE", "diverged at"};
    std::string tests, etas;
    for (const RuleComparison& r : rules) {
        const std::vector<double> ladder = eta_ladder(r.rule);
        std::string diverged;
        for (const RuleRun& run : r.runs)
            if (run.run.result.diverged) diverged += (diverged.empty() ? "η = " : ", ") + table::sig(run.eta);
        const double test = r.any_finished ? mean_squared_error(predict(r.network, in.sets.test.X), in.sets.test.Y) : NAN;
        test_mse.push_back(test);
        const std::string eta = r.any_finished ? table::sig(r.runs[r.chosen].eta) : "—";
        const std::string end = r.any_finished ? grid_end_note(r.runs[r.chosen].eta, ladder, "η") : "";
        t.add({name_of(r.rule), table::sig(ladder.front()) + " … " + table::sig(ladder.back()),
               eta + (end.empty() ? "" : " (" + end + ")"),
               r.any_finished ? error_text(r.runs[r.chosen].validation_mse) : "every η diverged",
               r.any_finished ? error_text(test) : "—", diverged.empty() ? "—" : diverged});
        tests += (tests.empty() ? "" : " · ") + name_of(r.rule) + " " + (r.any_finished ? error_text(test) : "—");
        etas += (etas.empty() ? "" : " · ") + name_of(r.rule) + " " + eta;
        ctx.csv.row({"optimizer_" + name_of(r.rule), "", csv::num(test)});
    }
    save_optimizer_csvs(rules, test_mse, ctx.dir / "optimizers_franke.csv", ctx.dir / "optimizers_franke_search.csv");
    const std::size_t n_validation = train_count(in.sets.train.size(), c.validation_fraction);
    ctx.figure("optimizers_franke.svg",
               plot::to_svg(optimizer_figure(rules, c.sigma * c.sigma, in.sets.train.size() - n_validation, n_validation)),
               "Franke: training and validation MSE against epoch of the five update rules, each at its chosen η");
    ctx.md.sections.push_back(
        {"The optimisers of 003 on the Franke network",
         "The headline network (" + std::to_string(c.hidden) + " ReLU, Glorot weights, batch " + std::to_string(c.batch) +
             ", λ = 0) trained for " + std::to_string(oc.epochs) + " epochs by each rule of optimizers.hpp (momentum ω = " +
             table::sig(oc.omega) + "; Adam β₁ = 0.9, β₂ = 0.999; RMSprop ρ = 0.9; ε = 10⁻⁸), at each η of its ladder, "
             "on the fit part of the validation split; all start from the same weights and batch order. The η of "
             "smallest final validation MSE is chosen, and that network, as trained, is tested once "
             "(optimizers_franke.csv, optimizers_franke_search.csv).\n\n" + t.markdown()});
    ctx.headline("optimisers, " + std::to_string(oc.epochs) + " epochs: test MSE at the η chosen on validation", tests,
                 "— (003 lists them)");
    ctx.headline("optimisers: the chosen η", etas, "—");
}

// ---------------------------------------------------------------------------------------------
// 2c. 001's open questions on the Franke network: a sigmoid output, and momentum

std::string output_label(Output o) { return o == Output::linear_mse ? "linear + MSE" : "sigmoid + BCE"; }

void save_output_csvs(const OutputStudyConfig& oc, const std::vector<OutputChoice>& study,
                      const std::vector<double>& test_mse, const fs::path& curves_path, const fs::path& search_path) {
    csv::Writer curves({"output", "eta", "epoch", "validation_mse"});
    csv::Writer search({"output", "eta", "eta_001", "validation_mse", "diverged_epoch", "chosen", "test_mse"});
    for (std::size_t s = 0; s < study.size(); ++s)
        for (std::size_t k = 0; k < study[s].runs.size(); ++k) {
            const OutputRun& run = study[s].runs[k];
            const bool chosen = study[s].any_finished && k == study[s].chosen;
            for (std::size_t e = 0; e < run.validation_mse.size(); ++e)
                curves.row({name_of(study[s].output), csv::num(run.eta), std::to_string(e + 1), csv::num(run.validation_mse[e])});
            search.row({name_of(study[s].output), csv::num(run.eta), csv::num(oc.eta_001[k]), csv::num(run.final_validation()),
                        run.result.diverged ? std::to_string(run.result.diverged_epoch) : "", chosen ? "1" : "0",
                        chosen ? csv::num(test_mse[s]) : ""});
        }
    curves.save(curves_path);
    search.save(search_path);
}

// Validation MSE against epoch of each output at 001's η (dashed) and at its chosen η.
plot::LinePlot output_figure(const std::vector<OutputChoice>& study, double floor) {
    plot::LinePlot p;
    p.title = "Franke, 128 sigmoid units: linear output + MSE or sigmoid output + BCE";
    p.xlabel = "epoch";
    p.ylabel = "validation MSE (original scale)";
    p.clip_outliers = true;
    for (const OutputChoice& s : study) {
        const std::string color = s.output == Output::linear_mse ? "#1f77b4" : "#d62728";
        std::vector<std::size_t> shown{0};
        if (s.any_finished && s.chosen != 0) shown.push_back(s.chosen);
        for (std::size_t k : shown) {
            const OutputRun& run = s.runs[k];
            const bool chosen = s.any_finished && k == s.chosen;
            std::vector<double> x;
            for (std::size_t e = 1; e <= run.validation_mse.size(); ++e) x.push_back(static_cast<double>(e));
            p.series.push_back({output_label(s.output) + ", η = " + table::sig(run.eta) +
                                    (k == 0 ? (chosen ? " (001's, chosen)" : " (001's)") : " (chosen)"),
                                x, run.validation_mse, false, true, !chosen, color});
        }
    }
    p.hlines.push_back({floor, "noise floor σ²"});
    return p;
}

// 001, Discussion: "use the binary cross-entropy loss and a sigmoid output activation", with
// the Franke targets scaled to [0, 1]. Fig. 7's sigmoid network with either output, each at the
// η of the ladder its validation runs chose; the chosen networks are tested once, on the
// original scale.
void sigmoid_output(Context& ctx) {
    const FrankeConfig& c = ctx.settings.franke;
    const OutputStudyConfig& oc = ctx.settings.outputs;
    const FrankeInputs& in = ctx.franke();
    const auto study = run_output_study(c, oc, in.sets.train, ctx.settings.seed, ctx.meter.hook("sigmoid output"));
    std::vector<double> test_mse;
    table::Text t{"output", "η (001's units)", "validation MSE, epochs " + std::to_string(oc.epochs - kSettleEpochs + 1) + "–" +
                                                   std::to_string(oc.epochs), "test MSE"};
    for (const OutputChoice& s : study) {
        const double test = s.any_finished ? mean_squared_error(predict_original(s.network, in.sets.test.X, s.scale),
                                                                in.sets.test.Y)
                                           : NAN;
        test_mse.push_back(test);
        for (std::size_t k = 0; k < s.runs.size(); ++k) {
            const OutputRun& run = s.runs[k];
            const bool chosen = s.any_finished && k == s.chosen;
            t.add({output_label(s.output), table::sig(oc.eta_001[k]) + (chosen ? " (chosen)" : ""),
                   run.result.diverged ? "diverged at epoch " + std::to_string(run.result.diverged_epoch)
                                       : error_text(run.final_validation()),
                   chosen ? error_text(test) : ""});
        }
        ctx.csv.row({"franke_" + name_of(s.output), "", csv::num(test)});
    }
    save_output_csvs(oc, study, test_mse, ctx.dir / "franke_bce.csv", ctx.dir / "franke_bce_search.csv");
    ctx.figure("franke_bce.svg", plot::to_svg(output_figure(study, c.sigma * c.sigma)),
               "Franke: validation MSE against epoch of a sigmoid network with a linear output (MSE) and with a "
               "sigmoid output (binary cross-entropy, targets in [0, 1])");
    ctx.md.sections.push_back(
        {"A sigmoid output with binary cross-entropy (001, Discussion)",
         std::to_string(c.hidden) + " sigmoid units, Glorot weights, batch " + std::to_string(c.batch) + ", " +
             std::to_string(oc.epochs) + " epochs, trained on the fit part of the validation split. The sigmoid "
             "output is trained on the targets scaled to [0, 1] by the fit points' minimum and range (" +
             table::sig(study.back().scale.lo) + ", " + table::sig(study.back().scale.range) +
             ") and judged after mapping back. η in 001's units: ours is twice that for the squared error (its ½), "
             "equal for the cross-entropy.\n\n" + t.markdown()});
    auto at_001 = [](const OutputChoice& s) {
        const OutputRun& run = s.runs.front();
        return run.result.diverged ? "diverged at epoch " + std::to_string(run.result.diverged_epoch)
                                   : error_text(run.final_validation());
    };
    ctx.headline("sigmoid network, " + std::to_string(oc.epochs) + " epochs at 001's η: validation MSE, linear + MSE / sigmoid + BCE",
                 at_001(study[0]) + " / " + at_001(study[1]), "BCE \"should improve training\" (001)");
    ctx.headline("… each at its η chosen on validation: test MSE, linear + MSE / sigmoid + BCE",
                 (study[0].any_finished ? error_text(test_mse[0]) : "—") + " / " +
                     (study[1].any_finished ? error_text(test_mse[1]) : "—"),
                 "—");
}

// 001, Discussion: Fig. 7's networks settle "to a slightly higher MSE, which might suggest that
// the learning rate of 10⁻³ is too low, or that the models easily become stuck in local minima.
// As such, it would be interesting to also study the effects of adding momentum." Fig. 7's
// ReLU network with Glorot weights, from the same start, with momentum ω.
void franke_momentum(Context& ctx) {
    const FrankeConfig& c = ctx.settings.franke;
    const MomentumStudyConfig& mc = ctx.settings.momentum;
    const auto runs = run_momentum_study(c, mc, ctx.franke().sets, ctx.settings.seed, ctx.meter.hook("momentum"));
    csv::Writer w({"omega", "epoch", "train_mse", "test_mse"});
    plot::Panels fig;
    fig.title = "Franke: Fig. 7's ReLU network (Glorot) at 001's η, with momentum ω";
    fig.same_y = true;
    fig.panel_width = 560;
    fig.panel_height = 340;
    for (double EpochRow::*metric : {&EpochRow::train_metric, &EpochRow::test_metric}) {
        plot::LinePlot p;
        p.title = metric == &EpochRow::train_metric ? "training MSE" : "test MSE";
        p.xlabel = "epoch";
        p.ylabel = "mean squared error";
        p.log_x = true;
        for (const MomentumRun& r : runs)
            p.series.push_back({"ω = " + table::sig(r.omega) + ", step η/(1 − ω) = " + table::sig(c.study_eta / (1 - r.omega)),
                                epochs_of(r.run.history), column_of(r.run.history, metric), false, true});
        p.hlines.push_back({c.sigma * c.sigma, "noise floor σ²"});
        fig.panels.push_back(p);
    }
    std::string finals;
    table::Text t{"ω", "long-run step η/(1 − ω)", "test MSE after 50 epochs", "after " + std::to_string(c.study_epochs)};
    for (const MomentumRun& r : runs) {
        for (const EpochRow& row : r.run.history)
            w.row({csv::num(r.omega), std::to_string(row.epoch), csv::num(row.train_metric), csv::num(row.test_metric)});
        const auto& h = r.run.history;
        t.add({table::sig(r.omega), table::sig(c.study_eta / (1 - r.omega)),
               h.size() >= 50 ? error_text(h[49].test_metric) : "—", final_or_diverged(r.run, r.run.final_test_metric())});
        finals += (finals.empty() ? "" : " / ") + final_or_diverged(r.run, r.run.final_test_metric());
        if (r.run.result.diverged) std::cerr << "chapter5: note: momentum ω = " << r.omega << ": " << diverged_note(r.run) << "\n";
        ctx.csv.row({"franke_momentum_" + csv::num(r.omega), "", csv::num(r.run.final_test_metric())});
    }
    w.save(ctx.dir / "franke_momentum.csv");
    ctx.figure("franke_momentum.svg", plot::to_svg(fig),
               "Franke: training and test MSE against epoch (log scale) of Fig. 7's ReLU network with momentum");
    ctx.md.sections.push_back(
        {"Momentum at 001's η (001, Discussion)",
         "Fig. 7's ReLU network with Glorot weights, η = " + table::sig(c.study_eta) + " (001's 10⁻³), batch " +
             std::to_string(c.batch) + ", " + std::to_string(c.study_epochs) +
             " epochs, from the same weights and batch order for every ω (ω = 0 is Fig. 7's run). Reported on the test "
             "set, as Fig. 7 is: a study of one factor, not a choice.\n\n" + t.markdown()});
    std::string omegas;
    for (double omega : mc.omega) omegas += (omegas.empty() ? "" : " / ") + table::sig(omega);
    ctx.headline("momentum at 001's η, " + std::to_string(c.study_epochs) + " epochs: test MSE for ω = " + omegas, finals,
                 "— (asked for in 001's Discussion)");
}

// ---------------------------------------------------------------------------------------------
// 3. RandomNet (001)

// One network's description: widths, activations, weight and bias initialisations (output
// layer last for the initialisations) and its parameter count.
struct RandomNetRow {
    std::string widths, activations, weight_inits, bias_inits;
    std::size_t parameters = 0, hidden_layers = 0;
};

RandomNetRow describe_random_net(const RandomNetSpec& spec) {
    RandomNetRow row;
    std::size_t fan_in = 2;
    for (std::size_t l = 0; l < spec.layers.size(); ++l) {
        const LayerSpec& s = spec.layers[l];
        row.parameters += s.width * fan_in + s.width;
        fan_in = s.width;
        const std::string sep = l ? " " : "";
        row.weight_inits += sep + name_of(s.init.weights);
        row.bias_inits += sep + (s.init.bias_sd > 0 ? "normal" : "zero");
        if (l + 1 == spec.layers.size()) continue;   // the linear output layer
        row.widths += sep + std::to_string(s.width);
        row.activations += sep + name_of(s.f);
    }
    row.hidden_layers = spec.layers.size() - 1;
    return row;
}

void save_randomnet_csv(const std::vector<RandomNetRun>& runs, const fs::path& table_path,
                        const fs::path& history_path) {
    csv::Writer table_csv({"net", "hidden_layers", "widths", "activations", "weight_inits", "bias_inits",
                           "parameters", "initial_gradient_norms", "train_mse", "test_mse", "diverged_epoch"});
    csv::Writer hist({"net", "epoch", "train_mse", "test_mse"});
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const RandomNetRun& r = runs[k];
        const RandomNetRow d = describe_random_net(r.spec);
        std::string norms;
        for (std::size_t l = 0; l < r.initial_gradient.size(); ++l) norms += (l ? " " : "") + csv::num(r.initial_gradient[l]);
        const std::string id = std::to_string(k + 1);
        table_csv.row({id, std::to_string(d.hidden_layers), d.widths, d.activations, d.weight_inits, d.bias_inits,
                       std::to_string(d.parameters), norms, csv::num(r.run.final_train_metric()),
                       csv::num(r.run.final_test_metric()), diverged_epoch_cell(r.run)});
        for (const auto& row : r.run.history)
            hist.row({id, std::to_string(row.epoch), csv::num(row.train_metric), csv::num(row.test_metric)});
    }
    table_csv.save(table_path);
    hist.save(history_path);
}

std::string randomnet_text(const RandomNetConfig& c, double target_var) {
    return "Ten networks on the Franke data, each with 1–" + std::to_string(c.max_depth) + " hidden layers of " +
           std::to_string(c.min_width) + "–" + std::to_string(c.max_width) +
           " units, each layer with a random activation (ReLU, leaky ReLU, sigmoid, linear), weights (normal or "
           "Glorot) and biases (zero or normal); linear output, η = " + table::sig(c.eta) + ", batch " +
           std::to_string(c.batch) + ", " + std::to_string(c.epochs) +
           " epochs. Weights are listed per layer, output layer last. A test MSE of " + table::sig(target_var) +
           " is what predicting the mean gives. The networks stuck there are deep ones: with narrow weights each "
           "layer shrinks both the signal on its way up and the error on its way down (003's vanishing "
           "gradients), so the gradient reaching their first layer is tiny (sixth column, before training) and "
           "in " + std::to_string(c.epochs) + " epochs at this η their lower layers barely move.";
}

// 001, Results, the RandomNet paragraph: ten random networks, their depth, layers and test MSE.
void randomnet_table(Context& ctx) {
    const RandomNetConfig& c = ctx.settings.randomnet;
    const FrankeSets& sets = ctx.franke().sets;
    const auto runs = run_randomnet(c, sets, ctx.settings.seed, ctx.meter.hook("RandomNet"));
    save_randomnet_csv(runs, ctx.dir / "randomnet.csv", ctx.dir / "randomnet_history.csv");
    table::Text t{"net", "hidden layers", "widths", "activations", "weights", "‖∂C/∂W¹‖ / ‖∂C/∂Wᴸ‖ at start", "test MSE"};
    plot::LinePlot curves;
    curves.title = "RandomNet on Franke: test MSE of ten random networks";
    curves.xlabel = "epoch";
    curves.ylabel = "test mean squared error";
    const RandomNetRun* best = nullptr;
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const RandomNetRun& r = runs[k];
        const RandomNetRow d = describe_random_net(r.spec);
        const std::string id = std::to_string(k + 1);
        const double test = r.run.final_test_metric();
        t.add({id, std::to_string(d.hidden_layers), d.widths, d.activations, d.weight_inits,
               table::sig(r.initial_gradient.front()) + " / " + table::sig(r.initial_gradient.back()),
               final_or_diverged(r.run, test)});
        if (r.run.result.diverged) std::cerr << "chapter5: note: RandomNet net " << id << ": " << diverged_note(r.run) << "\n";
        curves.series.push_back({"net " + id + " (" + std::to_string(d.hidden_layers) + " hidden)",
                                 epochs_of(r.run.history), column_of(r.run.history, &EpochRow::test_metric), false, true});
        if (std::isfinite(test) && (!best || !(test >= best->run.final_test_metric()))) best = &r;
    }
    ctx.figure("randomnet.svg", plot::to_svg(curves), "RandomNet: test MSE against epoch");
    ctx.md.sections.push_back({"3. RandomNet (001)", randomnet_text(c, target_variance(sets.test)) + "\n\n" + t.markdown()});
    const std::size_t depth = best ? best->spec.layers.size() - 1 : 0;
    ctx.headline("RandomNet: best test MSE",
                 best ? error_text(best->run.final_test_metric()) + " (" + std::to_string(depth) + " hidden layer" +
                            (depth == 1 ? ")" : "s)")
                      : "every network diverged",
                 "0.057, 7 hidden layers (001)");
    ctx.csv.row({"randomnet_best", "", csv::num(best ? best->run.final_test_metric() : NAN)});
}

// The ten classifiers' test accuracies in one line (median, range, how many are perfect), and
// the simple network's.
void randomnet_moons_headlines(Context& ctx, std::vector<double> accuracies, const TrainingRun& simple) {
    std::sort(accuracies.begin(), accuracies.end());
    const std::size_t perfect = static_cast<std::size_t>(std::count(accuracies.begin(), accuracies.end(), 1.0));
    const std::size_t n = accuracies.size();
    const double median = n ? (accuracies[(n - 1) / 2] + accuracies[n / 2]) / 2 : NAN;
    ctx.headline("RandomNet on the two moons: test accuracy of the ten, median (range)",
                 accuracies.empty() ? "every network diverged"
                                    : table::percent(median, 1) + " (" +
                                          table::percent(accuracies.front(), 1) + "–" + table::percent(accuracies.back(), 1) +
                                          "), " + std::to_string(perfect) + " at 100 %",
                 "— (asked for in 001's Discussion)");
    ctx.headline("… one hidden layer of 128 ReLU, the same training",
                 simple.result.diverged ? diverged_note(simple) : table::percent(simple.final_test_metric(), 1), "—");
}

// 001, Discussion: "it would be interesting to build a classifier using the RandomNet
// procedure, just to see whether a very complex model could outperform a simple one". The ten
// RandomNets above with a sigmoid output on the two moons, and the simple network beside them.
void randomnet_moons(Context& ctx) {
    const RandomNetConfig& c = ctx.settings.randomnet;
    const MoonsConfig& mc = ctx.settings.moons;
    const MoonsSplit& split = ctx.moons();   // saves moons_data.csv: the points of experiment 1
    const auto runs = run_randomnet_moons(c, mc, ctx.settings.seed, ctx.meter.hook("RandomNet on the moons"));
    csv::Writer table_csv({"net", "hidden_layers", "widths", "activations", "weight_inits", "bias_inits", "parameters",
                           "train_accuracy", "test_accuracy", "diverged_epoch"});
    csv::Writer hist({"net", "epoch", "train_accuracy", "test_accuracy"});
    table::Text t{"net", "hidden layers", "widths", "activations", "weights", "test accuracy"};
    plot::LinePlot curves;
    curves.title = "RandomNet on the two moons: test accuracy";
    curves.xlabel = "epoch";
    curves.ylabel = "test accuracy";
    double class1 = 0;
    for (std::size_t i : split.test_idx) class1 += split.data.label[i];
    class1 /= static_cast<double>(split.test_idx.size());
    curves.hlines.push_back({class1, "every point called class 1"});
    curves.hlines.push_back({1 - class1, "every point called class 0"});
    std::vector<double> accuracies;
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const RandomNetMoonsRun& r = runs[k];
        const RandomNetRow d = describe_random_net(r.spec);
        const bool reference = k + 1 == runs.size();
        const std::string id = reference ? "ref" : std::to_string(k + 1);
        const double test = r.run.final_test_metric();
        if (!reference && std::isfinite(test)) accuracies.push_back(test);
        table_csv.row({id, std::to_string(d.hidden_layers), d.widths, d.activations, d.weight_inits, d.bias_inits,
                       std::to_string(d.parameters), csv::num(r.run.final_train_metric()), csv::num(test),
                       diverged_epoch_cell(r.run)});
        for (const auto& row : r.run.history)
            hist.row({id, std::to_string(row.epoch), csv::num(row.train_metric), csv::num(row.test_metric)});
        t.add({id, std::to_string(d.hidden_layers), d.widths, d.activations, d.weight_inits,
               r.run.result.diverged ? diverged_note(r.run) : table::percent(test, 1)});
        if (r.run.result.diverged) std::cerr << "chapter5: note: RandomNet on the moons, net " << id << ": " << diverged_note(r.run) << "\n";
        curves.series.push_back({reference ? "one hidden layer of 128 ReLU" : "net " + id + " (" + std::to_string(d.hidden_layers) + " hidden)",
                                 epochs_of(r.run.history), column_of(r.run.history, &EpochRow::test_metric), false, true,
                                 reference, reference ? "#000000" : ""});
    }
    table_csv.save(ctx.dir / "randomnet_moons.csv");
    hist.save(ctx.dir / "randomnet_moons_history.csv");
    ctx.figure("randomnet_moons.svg", plot::to_svg(curves), "RandomNet on the two moons: test accuracy against epoch");
    ctx.md.sections.push_back(
        {"RandomNet as a classifier on the two moons (001, Discussion)",
         "The ten networks of experiment 3 (the same draws and initial weights) with a sigmoid output and binary "
         "cross-entropy, on the moons of experiment 1, with its training: the " + name_of(mc.optimizer) + " rule, η = " +
             table::sig(mc.eta) + (mc.optimizer == Optimizer::momentum ? ", ω = " + table::sig(mc.omega) : "") +
             ", batch " + std::to_string(mc.batch) + ", " + std::to_string(mc.epochs) +
             " epochs; \"ref\" is one hidden layer of 128 ReLU units with Glorot weights, trained alike. Each test "
             "accuracy is reported; none is chosen.\n\n" + t.markdown()});
    randomnet_moons_headlines(ctx, accuracies, runs.back().run);
    ctx.csv.row({"randomnet_moons_reference", csv::num(runs.back().run.final_test_metric()), ""});
}

// ---------------------------------------------------------------------------------------------
// 4. MSE vs cross-entropy on one sigmoid unit (002)

// Entry k of a history, or NaN beyond its end (a run that diverged is shorter).
double entry(const std::vector<double>& v, std::size_t k) { return k < v.size() ? v[k] : NAN; }

// The first iteration at which the training accuracy reaches `level`, or "never".
std::string first_iteration_reaching(const std::vector<double>& acc, double level) {
    for (std::size_t k = 0; k < acc.size(); ++k)
        if (acc[k] >= level) return std::to_string(k);
    return "never";
}

std::string unit_value_or_divergence(const SigmoidUnitHistory& h, const std::string& value) {
    return h.diverged ? "diverged at iteration " + std::to_string(h.diverged_iteration) : value;
}

void save_sigmoid_unit_csv(const SigmoidUnitResult& r, std::size_t iterations, const fs::path& path) {
    csv::Writer w({"iteration", "mse_run_loss", "mse_run_train_mse", "mse_run_grad_norm", "mse_run_train_accuracy",
                   "ce_run_loss", "ce_run_train_mse", "ce_run_grad_norm", "ce_run_train_accuracy"});
    for (std::size_t k = 0; k <= iterations && (k < r.mse.loss.size() || k < r.ce.loss.size()); ++k)
        w.row({std::to_string(k), csv::num(entry(r.mse.loss, k)), csv::num(entry(r.mse.train_mse, k)),
               csv::num(entry(r.mse.grad_norm, k)), csv::num(entry(r.mse.train_accuracy, k)),
               csv::num(entry(r.ce.loss, k)), csv::num(entry(r.ce.train_mse, k)), csv::num(entry(r.ce.grad_norm, k)),
               csv::num(entry(r.ce.train_accuracy, k))});
    w.save(path);
}

std::vector<double> iterations_of(const std::vector<double>& v) {
    std::vector<double> x;
    for (std::size_t k = 0; k < v.size(); ++k) x.push_back(static_cast<double>(k));
    return x;
}

void sigmoid_unit_figures(Context& ctx, const SigmoidUnitResult& r) {
    plot::LinePlot mse;
    mse.title = "One sigmoid unit from a saturated start: mean squared error of its outputs";
    mse.xlabel = "gradient-descent iteration";
    mse.ylabel = "training mean (ŷ − y)²";
    mse.series.push_back({"trained on MSE", iterations_of(r.mse.train_mse), r.mse.train_mse, false, true});
    mse.series.push_back({"trained on cross-entropy", iterations_of(r.ce.train_mse), r.ce.train_mse, false, true});
    plot::LinePlot grad;
    grad.title = "One sigmoid unit: length of the gradient";
    grad.xlabel = "gradient-descent iteration";
    grad.ylabel = "‖∇E‖";
    grad.log_y = true;
    grad.series.push_back({"MSE: ∝ (ŷ − y) σ′(a), σ′ ≈ 0 when saturated", iterations_of(r.mse.grad_norm),
                           r.mse.grad_norm, false, true});
    grad.series.push_back({"cross-entropy: ∝ (ŷ − y)", iterations_of(r.ce.grad_norm), r.ce.grad_norm, false, true});
    ctx.figure("sigmoid_unit_mse.svg", plot::to_svg(mse), "MSE vs cross-entropy: squared error against iteration");
    ctx.figure("sigmoid_unit_gradient.svg", plot::to_svg(grad), "MSE vs cross-entropy: gradient length against iteration");
}

// 002, slide "Another training criterion – cross-entropy error": the same saturated unit trained
// on either criterion; the squared error's gradient carries σ′(a) ≈ 0, the cross-entropy's not.
void another_training_criterion(Context& ctx) {
    const SigmoidUnitConfig& c = ctx.settings.unit;
    const SigmoidUnitResult r = run_sigmoid_unit(c, ctx.settings.seed);
    ctx.meter.tick();
    save_sigmoid_unit_csv(r, c.iterations, ctx.dir / "sigmoid_unit.csv");
    sigmoid_unit_figures(ctx, r);
    for (const SigmoidUnitHistory* h : {&r.mse, &r.ce})
        if (h->diverged) std::cerr << "chapter5: warning: sigmoid unit " << unit_value_or_divergence(*h, "") << "\n";
    ctx.md.sections.push_back(
        {"4. MSE vs cross-entropy (002)",
         "One sigmoid unit ŷ = σ(w x + w₀) on two Gaussian classes (x ~ N(∓1, 1), " + std::to_string(c.n) +
             " training and " + std::to_string(c.n) + " test points), started confidently wrong at w = " +
             table::sig(c.w) + ", w₀ = " + table::sig(c.w0) + ", full-batch gradient descent with η = " +
             table::sig(c.eta) +
             ". The cross-entropy run converges within a few dozen steps; the MSE run crawls while the unit is "
             "saturated, because its gradient carries the factor σ′(a) ≈ 0."});
    const std::size_t k100 = std::min<std::size_t>(100, c.iterations);
    ctx.headline("sigmoid unit: training accuracy after " + std::to_string(k100) + " steps, MSE / CE",
                 unit_value_or_divergence(r.mse, table::percent(entry(r.mse.train_accuracy, k100), 1)) + " / " +
                     unit_value_or_divergence(r.ce, table::percent(entry(r.ce.train_accuracy, k100), 1)),
                 "MSE stalls when saturated, CE does not (002)");
    ctx.headline("sigmoid unit: steps to 80 % training accuracy, MSE / CE",
                 first_iteration_reaching(r.mse.train_accuracy, 0.8) + " / " +
                     first_iteration_reaching(r.ce.train_accuracy, 0.8),
                 "—");
    ctx.csv.row({"sigmoid_unit_mse", csv::num(r.mse.test_accuracy), csv::num(r.mse.test_mse)});
    ctx.csv.row({"sigmoid_unit_ce", csv::num(r.ce.test_accuracy), csv::num(r.ce.test_mse)});
}

// ---------------------------------------------------------------------------------------------
// The experiments: a name in --experiments, the function that runs it, and the plan of its
// training runs for the estimate of work and memory (none for a run too small to matter).
// They run in this order, whatever the order in --experiments.

struct Experiment {
    const char* name;
    void (*run)(Context&);
    std::vector<RunSize> (*plan)(const Settings&);
};

std::vector<RunSize> plan_moons(const Settings& s) { return moons_plan(s.moons); }
std::vector<RunSize> plan_franke(const Settings& s) {
    std::vector<RunSize> runs = franke_search_plan(s.franke);
    for (RunSize& r : franke_plan(s.franke)) runs.push_back(std::move(r));
    return runs;
}
std::vector<RunSize> plan_optimizers(const Settings& s) { return optimizer_comparison_plan(s.franke, s.optimizers); }
// Without franke, the normal-weight grid runs here too and is not counted: the bar runs ahead.
std::vector<RunSize> plan_franke_grid_glorot(const Settings& s) { return glorot_grid_plan(s.franke); }
std::vector<RunSize> plan_franke_bce(const Settings& s) { return output_study_plan(s.franke, s.outputs); }
std::vector<RunSize> plan_franke_momentum(const Settings& s) { return momentum_study_plan(s.franke, s.momentum); }
std::vector<RunSize> plan_randomnet(const Settings& s) { return randomnet_plan(s.randomnet, s.franke.n, s.seed); }
std::vector<RunSize> plan_randomnet_moons(const Settings& s) { return randomnet_moons_plan(s.randomnet, s.moons, s.seed); }

// The lectures' experiments (lectures_output.hpp) write through a Report of the run's context.
void run_lecture(Context& ctx, void (*lecture)(Report&)) {
    Report report{ctx.dir, ctx.md, ctx.settings.seed, ctx.settings.moons, ctx.settings.franke, ctx.settings.randomnet,
                  [&ctx]() -> const FrankeSets& { return ctx.franke().sets; },
                  [&ctx](const std::string& run) { return ctx.meter.hook(run); }};
    lecture(report);
}
std::vector<RunSize> plan_activation_speed(const Settings&) { return activation_speed_plan({}, MoonsConfig{}); }
std::vector<RunSize> plan_dying_relu(const Settings& s) { return dying_relu_plan({}, s.franke); }
std::vector<RunSize> plan_vanishing(const Settings& s) {
    return vanishing_gradients_plan({}, s.randomnet, s.franke.n, s.seed);
}
std::vector<RunSize> plan_universal(const Settings&) { return universal_approximation_plan({}); }
std::vector<RunSize> plan_symmetry(const Settings&) { return symmetry_plan({}); }
std::vector<RunSize> plan_animation(const Settings& s) { return moons_animation_plan(s.moons, {}); }

const std::vector<Experiment> kExperiments{
    {"moons", two_moons, plan_moons},
    {"franke", franke, plan_franke},
    {"optimizers", optimizer_comparison, plan_optimizers},
    {"franke_grid_glorot", glorot_grid, plan_franke_grid_glorot},
    {"franke_bce", sigmoid_output, plan_franke_bce},
    {"franke_momentum", franke_momentum, plan_franke_momentum},
    {"randomnet", randomnet_table, plan_randomnet},
    {"randomnet_moons", randomnet_moons, plan_randomnet_moons},
    {"mse_vs_ce", another_training_criterion, nullptr},
    {"activations", [](Context& c) { run_lecture(c, lectures::activations); }, nullptr},
    {"posterior", [](Context& c) { run_lecture(c, lectures::posterior); }, nullptr},
    {"activation_speed", [](Context& c) { run_lecture(c, lectures::activation_speed); }, plan_activation_speed},
    {"dying_relu", [](Context& c) { run_lecture(c, lectures::dying_relu); }, plan_dying_relu},
    {"vanishing_gradients", [](Context& c) { run_lecture(c, lectures::vanishing_gradients); }, plan_vanishing},
    {"universal_approximation", [](Context& c) { run_lecture(c, lectures::universal_approximation); }, plan_universal},
    {"symmetry", [](Context& c) { run_lecture(c, lectures::symmetry); }, plan_symmetry},
    {"moons_animation", [](Context& c) { run_lecture(c, lectures::moons_animation); }, plan_animation},
};

std::vector<std::string> experiment_names() {
    std::vector<std::string> names;
    for (const Experiment& e : kExperiments) names.push_back(e.name);
    return names;
}

// ---------------------------------------------------------------------------------------------
// Flags, their checks, the estimate, and the run

// Flag values that need converting into Settings.
struct FlagValues {
    std::string out = files::default_results_dir("chapter5").string();
    std::vector<std::string> experiments = experiment_names();
    std::vector<int> layers;
    std::vector<std::string> activations;
    std::string init, optimizer, franke_init;
    int epochs = 0, batch = 0, moons_n = 0, franke_n = 0, franke_epochs = 0;
};

FlagValues defaults_of(const Settings& s) {
    FlagValues v;
    v.layers.assign(s.moons.widths.begin(), s.moons.widths.end());
    for (Activation f : s.moons.f) v.activations.push_back(name_of(f));
    v.init = name_of(s.moons.init);
    v.epochs = static_cast<int>(s.moons.epochs);
    v.batch = static_cast<int>(s.moons.batch);
    v.moons_n = static_cast<int>(s.moons.n);
    v.franke_n = static_cast<int>(s.franke.n);
    v.franke_init = name_of(s.franke.init);
    v.franke_epochs = static_cast<int>(s.franke.epochs);
    return v;
}

void add_flags(cli::Flags& flags, Settings& s, FlagValues& v) {
    flags.add("out", v.out, "output folder for CSV files, SVG figures, summary.csv and summary.md");
    flags.add("seed", s.seed, "seed of every random draw: data, weights, mini-batch order");
    flags.add("experiments", v.experiments, "the experiments to run", experiment_names());
    flags.add("layers", v.layers,
              "two-moons network: widths n0,...,nL (n0 = 2 inputs; nL = 1, or 2 with a softmax output)",
              cli::between(1, 4096));
    flags.add("activations", v.activations,
              "two-moons network: activation of each layer after the input; the output's picks the loss "
              "(sigmoid: binary cross-entropy, softmax: cross-entropy, other: MSE)",
              activation_names());
    flags.add("init", v.init, "two-moons network: weights N(0, 0.1^2) as 004 (normal), Glorot uniform, or He normal",
              init_names());
    flags.add("leaky-slope", s.moons.alpha, "two-moons network: slope of leaky_relu for z < 0", cli::between(0, 1));
    flags.add("optimizer", v.optimizer,
              "update rule of the two-moons and the Franke network (default: momentum for the two moons, sgd for "
              "Franke); give the two moons its --eta (Adam, RMSprop: about 0.001)",
              optimizer_names());
    flags.add("eta", s.moons.eta, "two-moons network: learning rate", cli::positive());
    flags.add("momentum", s.moons.omega, "momentum omega of the momentum rule (two moons; Franke with --optimizer momentum)",
              cli::Bounds{0, 1, false, true});
    flags.add("lambda", s.moons.lambda, "two-moons network: L2 strength", cli::non_negative());
    flags.add("batch", v.batch, "two-moons network: mini-batch size", cli::between(1, 1000000));
    flags.add("epochs", v.epochs, "two-moons network: training epochs", cli::between(1, 1000000));
    flags.add("moons-n", v.moons_n, "two-moons data: number of points (75 % train, 25 % test)", cli::between(4, 1000000));
    flags.add("moons-noise", s.moons.noise, "two-moons data: standard deviation of the noise per coordinate",
              cli::non_negative());
    flags.add("franke-n", v.franke_n, "Franke data: number of points (75 % train, 25 % test)", cli::between(4, 1000000));
    flags.add("franke-noise", s.franke.sigma, "Franke data: standard deviation of the noise", cli::non_negative());
    flags.add("franke-init", v.franke_init, "Franke network: weights N(0, 0.05^2) as 001 (normal), Glorot uniform, or He",
              init_names());
    flags.add("franke-eta", s.franke.eta,
              "Franke network: learning rate; --franke-eta, --franke-lambda or --franke-epochs fix the set-up by hand "
              "(no search on validation data)",
              cli::positive());
    flags.add("franke-lambda", s.franke.lambda, "Franke network: L2 strength (fixes the set-up, see --franke-eta)",
              cli::non_negative());
    flags.add("franke-epochs", v.franke_epochs, "Franke network: training epochs (fixes the set-up, see --franke-eta)",
              cli::between(1, 1000000));
    flags.add("allow-large", s.allow_large,
              "run even when the estimated work exceeds " + table::sci(kLimitMultiplyAdds, 0) +
                  " multiply-adds (40 to 80 min) or the memory " + workload::bytes_text(kLimitBytes));
}

bool selected(const FlagValues& v, const std::string& name) {
    return std::find(v.experiments.begin(), v.experiments.end(), name) != v.experiments.end();
}

bool any_selected(const FlagValues& v, std::initializer_list<const char*> names) {
    for (const char* name : names)
        if (selected(v, name)) return true;
    return false;
}

// The flags that set up one experiment only must come with it.
void check_flags_belong(const cli::Flags& flags, const FlagValues& v) {
    for (const char* f : {"layers", "activations", "init", "leaky-slope", "eta", "lambda", "batch", "epochs"})
        if (flags.given(f) && !selected(v, "moons"))
            throw UsageError(std::string("--") + f + " sets up the two-moons experiment: add moons to --experiments");
    for (const char* f : {"moons-n", "moons-noise"})
        if (flags.given(f) && !any_selected(v, {"moons", "randomnet_moons"}))
            throw UsageError(std::string("--") + f + " needs moons or randomnet_moons in --experiments");
    for (const char* f : {"franke-init", "franke-eta", "franke-lambda", "franke-epochs"})
        if (flags.given(f) && !selected(v, "franke"))
            throw UsageError(std::string("--") + f + " sets up the Franke network: add franke to --experiments");
    for (const char* f : {"franke-n", "franke-noise"})
        if (flags.given(f) &&
            !any_selected(v, {"franke", "optimizers", "franke_grid_glorot", "franke_bce", "franke_momentum", "randomnet",
                              "dying_relu", "vanishing_gradients"}))
            throw UsageError(std::string("--") + f + " needs an experiment on the Franke data in --experiments");
    if (flags.given("optimizer") && !any_selected(v, {"moons", "franke"}))
        throw UsageError("--optimizer sets the rule of the two-moons or the Franke network: add moons or franke to --experiments");
    // ω is used by the momentum rule only: the two moons' default, or --optimizer momentum.
    if (flags.given("momentum") && (flags.given("optimizer") ? v.optimizer != "momentum" : !selected(v, "moons")))
        throw UsageError("--momentum is the omega of the momentum rule: add --optimizer momentum" +
                         std::string(flags.given("optimizer") ? "" : " or moons to --experiments"));
}

// The Franke network's flags: its weights and rule, and a set-up fixed by hand.
void apply_franke_flags(const cli::Flags& flags, const FlagValues& v, Settings& s) {
    FrankeConfig& f = s.franke;
    f.n = static_cast<std::size_t>(v.franke_n);
    f.init = v.franke_init == "normal" ? Init::normal : v.franke_init == "glorot" ? Init::glorot : Init::he;
    f.epochs = static_cast<std::size_t>(v.franke_epochs);
    f.omega = s.moons.omega;
    if (flags.given("optimizer")) f.optimizer = s.moons.optimizer = optimizer_from_name(v.optimizer);
    f.search = !(flags.given("franke-eta") || flags.given("franke-lambda") || flags.given("franke-epochs"));
}

// Turn the flag values into the two-moons network's settings, or say what is wrong.
void apply_moons_flags(const FlagValues& v, Settings& s) {
    MoonsConfig& m = s.moons;
    m.widths.assign(v.layers.begin(), v.layers.end());
    m.f.clear();
    for (const auto& a : v.activations) m.f.push_back(activation_from_name(a));
    if (const std::string problem = architecture_problem(m.widths, m.f, loss_for_output(m.f.back())); !problem.empty())
        throw UsageError("--layers/--activations: " + problem);
    if (m.widths.front() != 2) throw UsageError("--layers must start with 2: the two-moons points have 2 coordinates");
    const std::size_t outputs = m.f.back() == Activation::softmax ? 2 : 1;
    if (m.widths.back() != outputs)
        throw UsageError("--layers must end with " + std::to_string(outputs) + " for a " + name_of(m.f.back()) +
                         " output (" + (outputs == 2 ? "one unit per class" : "one unit, P(class 1) or a score") + ")");
    m.init = v.init == "normal" ? Init::normal : v.init == "glorot" ? Init::glorot : Init::he;
    m.epochs = static_cast<std::size_t>(v.epochs);
    m.batch = static_cast<std::size_t>(v.batch);
    m.n = static_cast<std::size_t>(v.moons_n);
}

std::string describe_run(const RunSize& r) {
    return r.label + " " + widths_text(r.widths, "-") + ", " + std::to_string(r.epochs) +
           (r.epochs == 1 ? " epoch of " : " epochs of ") + std::to_string(r.n_train) + " samples";
}

// The estimate of the selected experiments; refused beyond the bounds, announced beyond the
// notice bound (run_size.hpp, common/workload.hpp).
Estimate check_size(const Settings& s, const FlagValues& v) {
    std::vector<RunSize> runs;
    for (const Experiment& e : kExperiments)
        if (selected(v, e.name) && e.plan)
            for (RunSize& r : e.plan(s)) runs.push_back(std::move(r));
    const Estimate e = estimate(runs);
    workload::Estimate w = as_workload(e);
    if (e.largest_multiply_adds > 0) w.detail = "the largest training run is " + describe_run(e.largest);
    workload::check(w, size_bounds(), s.allow_large);
    return e;
}

summary::Summary summary_frame(const Settings& s, const cli::Flags& flags) {
    summary::Summary md;
    md.title = "Chapter 5 — Deep feed-forward networks and back-propagation";
    md.sources = "003 (the four back-propagation equations, activations, vanishing gradients and Glorot's "
                 "argument, the optimisers, universal approximation), 004 (two moons, breaking symmetry), 001 (the "
                 "Franke network of Figs. 5–7, RandomNet, the activations of Fig. 2, the open questions of its "
                 "Discussion), 002 (the sigmoid output as a posterior, the squared error against the cross-entropy, "
                 "tanh, ReLU and dying units, universal approximation)";
    md.setup = "Seed " + std::to_string(s.seed) +
               ". Every setting is fixed in experiments.hpp, selection.hpp and open_questions.hpp, each with its "
               "reason. What is chosen — the Franke network's set-up, each optimiser's learning rate, each output's "
               "learning rate — is chosen on a validation split of the training points (150 of 750), never by a test "
               "score, and the chosen model is tested once. The studies that reproduce 001's figures (activation × "
               "initialisation, the η × λ grids, momentum, RandomNet) report every run on the test set, as 001 "
               "does, and choose nothing: where they name a \"best\", it is the best of several test scores, "
               "optimistic by about the SGD noise.";
    md.headline = table::Text{"quantity", "ours", "document"};
    md.headline_notes = "Ours beside the document's; \"—\" where the document gives no number. Our η is twice "
                        "001's (our squared error carries a factor ½).";
    md.command = flags.command_line();
    return md;
}

int run(const Settings& s, const FlagValues& v, const Estimate& e, const cli::Flags& flags) {
    files::ResultFolder folder(v.out);
    Timer timer;
    WorkMeter meter(e.multiply_adds);
    Context ctx(s, folder.path(), meter, summary_frame(s, flags));
    for (const Experiment& x : kExperiments)
        if (selected(v, x.name)) x.run(ctx);
    meter.finish();
    ctx.csv.save(ctx.dir / "summary.csv");
    summary::save(ctx.dir / "summary.md", ctx.md);
    folder.publish();
    std::cout << ctx.md.headline.aligned();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Settings settings;
    FlagValues values = defaults_of(settings);
    cli::Flags flags("chapter5",
                     "Deep feed-forward networks and back-propagation in general (003), run on the experiments of\n"
                     "004 (two moons), 001 (Franke regression, RandomNet, its open questions), 002 (MSE vs cross-entropy)\n"
                     "and on the lectures' lessons: activations, posteriors, dying ReLU, vanishing gradients, universal\n"
                     "approximation, breaking symmetry, the optimisers of 003.");
    add_flags(flags, settings, values);
    return cli::run(flags, argc, argv, [&] {
        check_flags_belong(flags, values);
        apply_moons_flags(values, settings);
        apply_franke_flags(flags, values, settings);
        const Estimate estimate = check_size(settings, values);
        return run(settings, values, estimate, flags);
    });
}
