// main.cpp — chapter 4: 001's MNIST experiments (Methods and Results, Figs. 8 and 9), fast.
//
// Trains softmax regression ("logistic") and the 784-128-10 ReLU MLP ("mlp") with mini-batch
// SGD on MNIST, records loss and accuracy on the training and test sets after every epoch, and
// writes metrics.csv, the figures (loss and accuracy curves, confusion matrices, misclassified
// digits) and summary.md. Two presets (presets.hpp): `default`, accurate and quick, and `report`,
// 001's own set-up, for comparison with its 93 % and 89 %. Every flag given explicitly overrides
// the preset. `--reference` trains with the plain reference step instead of the threaded one.
// A trained model is kept: the study of off-centre digits, draw.html for the MLP and, with
// `--save`, the model file; `--load` evaluates a saved one, `--predict` classifies one picture.
//
// Reading order: training (train, record_epoch) → one function per result — the curves of
// Figs. 8 and 9, the confusion matrices, the misclassified digits, the headline table — with
// their CSV and plotting helpers → summary.md → the kept model (keep_trained, run_loaded) →
// --tune → main.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "chapters/chapter4_mnist_softmax/draw_page.hpp"
#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/model_file.hpp"
#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "chapters/chapter4_mnist_softmax/off_centre.hpp"
#include "chapters/chapter4_mnist_softmax/options.hpp"
#include "chapters/chapter4_mnist_softmax/predict.hpp"
#include "chapters/chapter4_mnist_softmax/presets.hpp"
#include "chapters/chapter4_mnist_softmax/run_size.hpp"
#include "chapters/chapter4_mnist_softmax/selection.hpp"
#include "chapters/chapter4_mnist_softmax/trainer.hpp"
#include "chapters/chapter4_mnist_softmax/training.hpp"
#include "common/cli.hpp"
#include "common/csv.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"
#include "common/plot/heat_map.hpp"
#include "common/plot/image_grid.hpp"
#include "common/plot/line_plot.hpp"
#include "common/plot/panels.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/summary.hpp"
#include "common/table.hpp"

namespace {

using namespace ch4;
namespace fs = std::filesystem;

// 001 Results: final test accuracies of its MLP (Fig. 8) and its logistic regression (Fig. 9),
// both with its own set-up (--preset report).
constexpr double kReportMlpAccuracy = 0.93, kReportLogisticAccuracy = 0.89;

// A model that ends with a test accuracy below twice that of guessing (2 × 1/10) has not
// learned: guessing scores 10 %, a model that predicts one digit for everything 8.9–11.4 %
// (the digits' shares of the test set), and one epoch of the default preset reaches 91 % (softmax
// regression) and 96 % (MLP).
constexpr double kLearnedAccuracy = 2.0 / kClasses;

double report_accuracy(const std::string& model) {
    return model == "mlp" ? kReportMlpAccuracy : kReportLogisticAccuracy;
}

const char* model_title(const std::string& model) {
    return model == "mlp" ? "MLP" : "softmax regression";
}

// ---------------------------------------------------------------------------------------------
// Training.

struct EpochRow {
    std::size_t epoch;          // 1, 2, …
    double train_loss, train_acc, test_loss, test_acc;
    double seconds;             // wall time of the epoch's training pass (not the evaluation)
    double val_loss = NAN, val_acc = NAN;   // on the held-out validation set (--validation)
};

struct Run {
    std::string model;          // "mlp" or "logistic"
    HyperParameters hyper;
    bool report_setup = false;  // 001's own set-up (--preset report, nothing overridden, all data)
    bool validation = false;    // trained without the validation set, and scored on it
    std::vector<EpochRow> rows;
    std::size_t diverged_at = 0;   // the epoch at which it diverged, 0 if it did not
    Evaluation final_test;      // the last epoch's model on the test set (empty if diverged)
    Network<float> net;         // the final parameters

    bool diverged() const { return diverged_at > 0; }
    bool learned() const { return !diverged() && !rows.empty() && rows.back().test_acc >= kLearnedAccuracy; }
};

// Record one epoch's evaluation; false when the run has diverged (and must stop).
bool record_epoch(Run& run, const EpochRow& row, Evaluation test, std::size_t samples, Progress& progress) {
    if (diverged(row.train_loss)) {
        // Diverged: the epoch's row has empty cells, and no final model is shown.
        run.diverged_at = row.epoch;
        run.rows.push_back({row.epoch, NAN, NAN, NAN, NAN, row.seconds});
        run.final_test = Evaluation{};
        progress.step(1, "diverged");
        const std::string why = std::isfinite(row.train_loss)
                                    ? "training loss " + table::sig(row.train_loss) + ", over ten times that of guessing"
                                    : std::string("training loss not finite");
        std::fprintf(stderr, "chapter4: %s diverged at epoch %zu (%s); lower --lr\n", run.model.c_str(), row.epoch,
                     why.c_str());
        return false;
    }
    run.rows.push_back(row);
    progress.step(1, "test acc " + table::percent(test.accuracy) + ", loss " + table::fixed(test.loss, 4) +
                         "; " + table::fixed(row.seconds, 3) + " s/epoch, " +
                         table::fixed(static_cast<double>(samples) / row.seconds, 0) + " samples/s");
    run.final_test = std::move(test);
    return true;
}

// Train one model with its hyper-parameters, evaluating it after every epoch on the training
// set, the test set and, when one is held out, the validation set.
Run train(const std::string& model, const Options& o, const Mnist& data, const Dataset* validation,
          ThreadPool& pool) {
    Run run;
    run.model = model;
    run.hyper = hyper_parameters(o, model);
    run.report_setup = o.preset == "report" && !any_hyper_parameter_given(o) && o.train_size == 0 &&
                       o.test_size == 0 && !validation && (model != "mlp" || o.hidden == 128);
    run.validation = validation != nullptr;
    SgdOptions sgd = run.hyper.sgd();
    sgd.penalise_bias = o.penalise_bias;
    ModelRun m(model, data.train.pixels_per_image(), static_cast<std::size_t>(o.hidden), sgd, o.seed, o.reference,
               pool);
    const auto epochs = static_cast<std::size_t>(run.hyper.epochs);
    Progress progress("chapter4: " + model + (o.reference ? " (reference step)" : ""), epochs);
    for (std::size_t e = 0; e < epochs; ++e) {
        const double seconds = m.epoch(data.train);
        const Evaluation train = evaluate(pool, m.network(), data.train);
        Evaluation test = evaluate(pool, m.network(), data.test);
        EpochRow row{e + 1, train.loss, train.accuracy, test.loss, test.accuracy, seconds};
        if (validation) {
            const Evaluation v = evaluate(pool, m.network(), *validation);
            row.val_loss = v.loss;
            row.val_acc = v.accuracy;
        }
        if (!record_epoch(run, row, std::move(test), data.train.count, progress)) break;
    }
    if (!run.diverged() && !run.learned())
        std::fprintf(stderr,
                     "chapter4: %s did not learn: test accuracy %s after %zu epoch%s, below %s (twice "
                     "that of guessing); try a smaller --lr\n",
                     model.c_str(), table::percent(run.rows.back().test_acc).c_str(), run.rows.size(),
                     run.rows.size() == 1 ? "" : "s", table::percent(kLearnedAccuracy, 0).c_str());
    run.net = m.network();
    return run;
}

// ---------------------------------------------------------------------------------------------
// 001 Fig. 8: loss and accuracy per epoch, on the training and the test set (and the validation
// set when one is held out).

// metrics.csv: the numbers behind both figures, one row per model and epoch; with a held-out
// set, two more columns at the end.
void write_metrics(const fs::path& path, const std::vector<Run>& runs) {
    const bool validation = !runs.empty() && runs.front().validation;
    std::vector<std::string> header{"model", "epoch", "train_loss", "train_acc", "test_loss", "test_acc",
                                    "epoch_seconds"};
    if (validation) header.insert(header.end(), {"val_loss", "val_acc"});
    csv::Writer w(header);
    for (const Run& r : runs)
        for (const EpochRow& row : r.rows) {
            std::vector<std::string> cells{r.model, std::to_string(row.epoch), csv::num(row.train_loss),
                                           csv::num(row.train_acc), csv::num(row.test_loss),
                                           csv::num(row.test_acc), csv::num(row.seconds)};
            if (validation) cells.insert(cells.end(), {csv::num(row.val_loss), csv::num(row.val_acc)});
            w.row(cells);
        }
    w.save(path);
}

enum class Set { training, test, validation };

// One curve of a run: loss or accuracy on the training set (solid), the test set (dashed) or
// the validation set (another dash).
plot::Series curve(const Run& r, Set set, bool accuracy, const char* color) {
    plot::Series s;
    s.label = std::string(model_title(r.model)) +
              (set == Set::training ? ", training" : set == Set::test ? ", test" : ", validation");
    s.dashed = set != Set::training;
    s.color = color;
    for (const EpochRow& row : r.rows) {
        s.x.push_back(static_cast<double>(row.epoch));
        const double loss = set == Set::training ? row.train_loss : set == Set::test ? row.test_loss : row.val_loss;
        const double acc = set == Set::training ? row.train_acc : set == Set::test ? row.test_acc : row.val_acc;
        s.y.push_back(accuracy ? acc : loss);
    }
    return s;
}

// Loss (log scale, as cross-entropy falls over decades) and accuracy against epoch, one colour
// per model; 001's final accuracies as reference lines beside a run of its own set-up.
void loss_and_accuracy_curves(const fs::path& out, const std::vector<Run>& runs) {
    write_metrics(out / "metrics.csv", runs);
    plot::LinePlot loss, acc;
    loss.title = "Cross-entropy on MNIST (001 Fig. 8)";
    acc.title = "Accuracy on MNIST (001 Fig. 8)";
    loss.xlabel = acc.xlabel = "epoch";
    loss.ylabel = "mean cross-entropy";
    acc.ylabel = "accuracy";
    loss.log_y = true;
    const char* colors[] = {"#0072B2", "#D55E00"};
    for (std::size_t m = 0; m < runs.size(); ++m) {
        for (const Set set : {Set::training, Set::test, Set::validation}) {
            if (set == Set::validation && !runs[m].validation) continue;
            loss.series.push_back(curve(runs[m], set, false, colors[m % 2]));
            acc.series.push_back(curve(runs[m], set, true, colors[m % 2]));
        }
        if (runs[m].report_setup)
            acc.hlines.push_back({report_accuracy(runs[m].model), std::string("001: ") + model_title(runs[m].model)});
    }
    plot::save(out / "loss.svg", plot::to_svg(loss));
    plot::save(out / "accuracy.svg", plot::to_svg(acc));
}

// ---------------------------------------------------------------------------------------------
// The confusion matrix of the final model on the test set (rows: true digit, columns: predicted).

std::vector<std::vector<double>> confusion_counts(const Run& r, const Dataset& test) {
    std::vector<std::vector<double>> counts(kClasses, std::vector<double>(kClasses, 0));
    for (std::size_t n = 0; n < test.count; ++n) counts[test.labels[n]][r.final_test.predicted[n]] += 1;
    return counts;
}

void write_confusion_csv(const fs::path& path, const std::vector<std::vector<double>>& counts) {
    std::vector<std::string> header{"true_digit"};
    for (std::size_t k = 0; k < kClasses; ++k) header.push_back("predicted_" + std::to_string(k));
    csv::Writer w(header);
    for (std::size_t t = 0; t < kClasses; ++t) {
        std::vector<std::string> row{std::to_string(t)};
        for (double c : counts[t]) row.push_back(csv::num(c));
        w.row(row);
    }
    w.save(path);
}

void confusion_matrix(const fs::path& out, const Run& r, const Dataset& test) {
    const std::vector<std::vector<double>> counts = confusion_counts(r, test);
    write_confusion_csv(out / ("confusion_" + r.model + ".csv"), counts);
    plot::HeatMap h;
    h.title = std::string("Confusion matrix, ") + model_title(r.model) + ", test set";
    h.xlabel = "predicted digit";
    h.ylabel = "true digit";
    h.colorbar_label = "test images (log scale)";
    for (std::size_t k = 0; k < kClasses; ++k) h.row_labels.push_back(std::to_string(k));
    h.col_labels = h.row_labels;
    h.values = counts;
    h.log_color = true;          // the diagonal holds ~1000, most errors a handful
    h.low_is_good = false;
    h.missing_text = "0";        // log colour: a cell with no image is drawn blank
    h.value_format = "%.0f";
    h.outline_best = false;      // the largest count is no "best" cell
    plot::save(out / ("confusion_" + r.model + ".svg"), plot::to_svg(h));
}

// ---------------------------------------------------------------------------------------------
// The misclassified test digits: all of them in a CSV, the first 40 as images.

void misclassified_digits(const fs::path& out, const Run& r, const Dataset& test) {
    constexpr std::size_t kShown = 40;
    const std::vector<std::uint8_t>& predicted = r.final_test.predicted;
    csv::Writer w({"index", "true_digit", "predicted_digit"});
    plot::ImageGrid g;
    g.title = std::string("Misclassified test digits, ") + model_title(r.model) + " (true → predicted)";
    g.rows_px = test.rows;
    g.cols_px = test.cols;
    for (std::size_t n = 0; n < test.count; ++n) {
        if (predicted[n] == test.labels[n]) continue;
        w.row({std::to_string(n), std::to_string(test.labels[n]), std::to_string(predicted[n])});
        if (g.images.size() == kShown) continue;
        std::vector<float> image(test.pixels_per_image());
        for (std::size_t p = 0; p < image.size(); ++p) image[p] = static_cast<float>(test.image(n)[p]) / 255.0f;
        g.images.push_back(std::move(image));
        g.captions.push_back(std::to_string(test.labels[n]) + " → " + std::to_string(predicted[n]));
    }
    w.save(out / ("misclassified_" + r.model + ".csv"));
    plot::save(out / ("misclassified_" + r.model + ".svg"), plot::to_svg(g));
}

// ---------------------------------------------------------------------------------------------
// 001 Fig. 9: softmax regression under 001's set-up (η = 10⁻³, B = 50, 50 epochs, no momentum)
// for each λ of kReportLambdas, scored on the test set after every epoch, with the penalty on the
// weights only (as everywhere else here) and on the weights and the biases (as 001's Discussion
// says its runs had it). λ = 0 is one run: without a penalty the two are the same.

struct SweepRow {
    std::size_t epoch;
    double test_loss, test_acc;   // NaN from the epoch at which the run diverged
};

struct SweepRun {
    double lambda = 0;
    bool penalise_bias = false;
    std::vector<SweepRow> rows;
    double bias_norm = NAN;       // ‖bo‖ at the end
};

SweepRun sweep_run(double lambda, bool penalise_bias, const Mnist& data, const Options& o, ThreadPool& pool,
                   const StepReport& report) {
    SgdOptions sgd = kReport.sgd();
    sgd.lambda = lambda;
    sgd.penalise_bias = penalise_bias;
    ModelRun m("logistic", data.train.pixels_per_image(), 0, sgd, o.seed, o.reference, pool);
    SweepRun r{lambda, penalise_bias, {}};
    const auto epochs = static_cast<std::size_t>(kReport.epochs);
    const std::string name = "λ = " + table::param(lambda) + (penalise_bias ? " (biases too)" : "");
    for (std::size_t e = 1; e <= epochs; ++e) {
        m.epoch(data.train);
        const Evaluation t = evaluate(pool, m.network(), data.test);
        // (A test loss that is not finite or over ten times that of guessing stops the run.)
        if (diverged(t.loss)) {
            r.rows.push_back({e, NAN, NAN});
            report(epochs - e + 1, name + ": diverged at epoch " + std::to_string(e));
            return r;
        }
        r.rows.push_back({e, t.loss, t.accuracy});
        report(1, name + ", epoch " + std::to_string(e) + ": test acc " + table::percent(t.accuracy));
    }
    double b2 = 0;
    for (std::size_t k = 0; k < m.network().bo.size(); ++k)
        b2 += static_cast<double>(m.network().bo[k]) * m.network().bo[k];
    r.bias_norm = std::sqrt(b2);
    return r;
}

// Every λ with the weights penalised, then every λ with the biases too; the runs side by side,
// one thread each (training.hpp, side_by_side).
std::vector<SweepRun> lambda_sweep_runs(const Mnist& data, const Options& o) {
    std::vector<std::pair<double, bool>> trained;   // (λ, penalise_bias); λ = 0 once
    for (const bool penalise_bias : {false, true})
        for (const double lambda : kReportLambdas)
            if (!(penalise_bias && lambda == 0)) trained.push_back({lambda, penalise_bias});
    Progress progress("chapter4: λ sweep, softmax regression (001 Fig. 9)",
                      trained.size() * static_cast<std::size_t>(kReport.epochs));
    std::vector<SweepRun> done(trained.size());
    side_by_side(trained.size(), static_cast<std::size_t>(o.threads), progress,
                 [&](std::size_t k, ThreadPool& pool, const StepReport& report) {
                     done[k] = sweep_run(trained[k].first, trained[k].second, data, o, pool, report);
                 });
    std::vector<SweepRun> runs(done.begin(), done.begin() + static_cast<std::ptrdiff_t>(kReportLambdas.size()));
    runs.push_back(runs.front());   // λ = 0: the same run with or without the biases
    runs.back().penalise_bias = true;
    runs.insert(runs.end(), done.begin() + static_cast<std::ptrdiff_t>(kReportLambdas.size()), done.end());
    return runs;
}

// lambda_sweep.csv: one row per run and epoch; penalise_bias is 1 where the biases were
// penalised too (the λ = 0 rows are the same run under both values).
void write_lambda_sweep(const fs::path& path, const std::vector<SweepRun>& runs) {
    csv::Writer w({"lambda", "epoch", "test_loss", "test_acc", "penalise_bias"});
    for (const SweepRun& r : runs)
        for (const SweepRow& row : r.rows)
            w.row({csv::num(r.lambda), std::to_string(row.epoch), csv::num(row.test_loss), csv::num(row.test_acc),
                   r.penalise_bias ? "1" : "0"});
    w.save(path);
}

// Two panels, test loss and test accuracy against epoch: one colour per λ, solid with the
// weights penalised, dashed with the biases too; the legend of the first serves both.
void lambda_sweep_figure(const fs::path& path, const std::vector<SweepRun>& runs) {
    const char* colors[] = {"#000000", "#0072B2", "#009E73", "#D55E00"};
    plot::Panels f;
    f.title = "Softmax regression for several λ, 001's set-up (001 Fig. 9)";
    f.panel_width = 480;
    f.panel_height = 380;
    plot::LinePlot loss, acc;
    loss.title = "test cross-entropy";
    acc.title = "test accuracy";
    loss.xlabel = acc.xlabel = "epoch";
    loss.ylabel = "mean cross-entropy";
    acc.ylabel = "accuracy";
    for (const SweepRun& r : runs) {
        if (r.penalise_bias && r.lambda == 0) continue;   // drawn once
        const auto k = static_cast<std::size_t>(
            std::find(kReportLambdas.begin(), kReportLambdas.end(), r.lambda) - kReportLambdas.begin());
        plot::Series s;
        s.label = "λ = " + table::param(r.lambda) + (r.penalise_bias ? ", biases too" : "");
        s.color = colors[k % 4];
        s.dashed = r.penalise_bias;
        s.markers = false;
        for (const SweepRow& row : r.rows) s.x.push_back(static_cast<double>(row.epoch));
        plot::Series a = s;
        a.label = "";   // one legend, in the loss panel, for both
        for (const SweepRow& row : r.rows) s.y.push_back(row.test_loss), a.y.push_back(row.test_acc);
        loss.series.push_back(s);
        acc.series.push_back(a);
    }
    f.panels = {loss, acc};
    plot::save(path, plot::to_svg(f));
}

// ---------------------------------------------------------------------------------------------
// The headline table: each model's final accuracies and loss, how the run ended, its speed, and
// 001's accuracy beside a run of 001's own set-up.

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n == 0 ? NAN : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string outcome(const Run& r) {
    if (r.diverged()) return "diverged at epoch " + std::to_string(r.diverged_at);
    return r.learned() ? "learned" : "did not learn";
}

bool all_report_setups(const std::vector<Run>& runs) {
    return std::all_of(runs.begin(), runs.end(), [](const Run& r) { return r.report_setup; });
}

table::Text headline_table(const std::vector<Run>& runs, std::size_t samples) {
    const bool with_001 = all_report_setups(runs);
    const bool with_val = !runs.empty() && runs.front().validation;
    table::Text t({"model", "epochs", "outcome", "train acc"});
    if (with_val) t.header.push_back("val acc");
    for (const char* h : {"test acc", "test loss"}) t.header.push_back(h);
    if (with_001) t.header.push_back("001");
    for (const char* h : {"s/epoch (best)", "s/epoch (median)", "samples/s"}) t.header.push_back(h);
    for (const Run& r : runs) {
        std::vector<double> seconds;
        for (const EpochRow& row : r.rows) seconds.push_back(row.seconds);
        const double best = seconds.empty() ? NAN : *std::min_element(seconds.begin(), seconds.end());
        const EpochRow* last = r.rows.empty() || r.diverged() ? nullptr : &r.rows.back();
        std::vector<std::string> row{r.model, std::to_string(r.rows.size()), outcome(r),
                                     last ? table::percent(last->train_acc) : "—"};
        if (with_val) row.push_back(last ? table::percent(last->val_acc) : "—");
        row.push_back(last ? table::percent(last->test_acc) : "—");
        row.push_back(last ? table::fixed(last->test_loss, 4) : "—");
        if (with_001) row.push_back(table::percent(report_accuracy(r.model), 0));
        row.push_back(table::fixed(best, 3));
        row.push_back(table::fixed(median(seconds), 3));
        row.push_back(table::fixed(static_cast<double>(samples) / best, 0));
        t.add(row);
    }
    return t;
}

// ---------------------------------------------------------------------------------------------
// summary.md

std::string setup_text(const std::vector<Run>& runs, const Options& o, const Mnist& data, std::size_t validation_count,
                       std::size_t threads) {
    std::string s = "Preset `" + o.preset + "`; " + std::to_string(data.train.count) + " training and " +
                    std::to_string(data.test.count) + " test images" +
                    (validation_count ? " (the validation set, " + std::to_string(validation_count) +
                                            " more training images, held out and scored after every epoch)"
                                      : "") +
                    "; seed " + std::to_string(o.seed) + "; " +
                    (o.reference ? "the reference SGD step on one thread" : std::to_string(threads) + " threads") +
                    ". Hyper-parameters (η_e = η/(1 + κe) in epoch e = 0, 1, …):\n\n";
    for (const Run& r : runs) {
        const HyperParameters& h = r.hyper;
        s += "- " + r.model + ": η = " + table::param(h.eta) + ", momentum ω = " + table::param(h.omega) +
             ", decay κ = " + table::param(h.decay) + ", λ = " + table::param(h.lambda) +
             (o.penalise_bias ? " (on the biases too)" : "") + ", batch " + std::to_string(h.batch) + ", epochs " +
             std::to_string(h.epochs) + (r.model == "mlp" ? ", " + std::to_string(o.hidden) + " hidden ReLU units" : "") +
             "\n";
    }
    s += "\nThe report preset's values are 001's own (Methods). The default preset's were chosen by `chapter4 "
         "--tune`: the highest accuracy on 10 000 images held out of the 60 000 training images (seed 2020), over "
         "a small grid; the final models are trained on all 60 000, and the test set, which chose nothing, "
         "scores them once (it is also evaluated after every epoch, only to draw 001's curves).";
    if (any_hyper_parameter_given(o)) s += " Values given on the command line replace the preset's.";
    return s;
}

std::string headline_notes(bool with_001) {
    std::string s = "Losses are the mean cross-entropy, accuracies the fraction of images whose largest output is "
                    "the label, after the last epoch. A model *did not learn* when its test accuracy ends below " +
                    table::percent(kLearnedAccuracy, 0) + ", twice that of guessing. s/epoch is the wall time of "
                    "an epoch's training pass.";
    s += with_001 ? " The column 001 is the report's final test accuracy with this same set-up."
                  : " 001 reports 93 % (MLP) and 89 % (softmax regression) with its own set-up, "
                    "`--preset report`.";
    return s;
}

// The sweep's last epoch, one row per λ: test accuracy and loss with the weights penalised and
// with the biases too, and 001's accuracy where it states one (λ = 0: 0.89; λ = 1: "around
// 0.76"), when the sweep ran on all of MNIST.
std::string lambda_sweep_section(const std::vector<SweepRun>& runs, bool all_data) {
    table::Text t({"λ", "test acc (weights)", "test acc (weights and biases)", "test loss (weights)",
                   "test loss (weights and biases)", "‖bo‖ (weights)", "‖bo‖ (weights and biases)"});
    if (all_data) t.header.push_back("001");
    const std::size_t n = kReportLambdas.size();
    for (std::size_t k = 0; k < n && runs.size() == 2 * n; ++k) {
        const SweepRun &w = runs[k], &b = runs[n + k];
        auto acc = [](const SweepRun& r) { return std::isfinite(r.rows.back().test_acc) ? table::percent(r.rows.back().test_acc) : "diverged"; };
        auto loss = [](const SweepRun& r) { return std::isfinite(r.rows.back().test_loss) ? table::fixed(r.rows.back().test_loss, 4) : "—"; };
        auto norm = [](const SweepRun& r) { return std::isfinite(r.bias_norm) ? table::fixed(r.bias_norm, 3) : "—"; };
        std::vector<std::string> row{table::param(w.lambda), acc(w), acc(b), loss(w), loss(b), norm(w), norm(b)};
        if (all_data) row.push_back(w.lambda == 0 ? "89 %" : w.lambda == 1 ? "≈ 76 %" : "—");
        t.add(row);
    }
    return "Softmax regression with 001's set-up (η = 0.001, batch 50, " + std::to_string(kReport.epochs) +
           " epochs, no momentum, no decay) for each λ, after the last epoch; the penalty λ‖Wo‖² on the "
           "weights only, or λ(‖Wo‖² + ‖bo‖²) on the biases too, as 001's Discussion describes its runs. "
           "λ = 0 is one run. 001's Fig. 9 prints no number for λ = 0.01 and 0.1.\n\n" + t.markdown();
}

struct Results {
    std::vector<Run> runs;
    std::vector<SweepRun> sweep;       // empty when softmax regression was not trained
    std::size_t validation_count = 0;  // images held out (--validation), else 0
};

void write_summary(const fs::path& path, const Results& results, const table::Text& headline, const Options& o,
                   const cli::Flags& flags, const Mnist& data, std::size_t threads,
                   const std::vector<summary::Section>& sections) {
    summary::Summary s;
    s.title = "Chapter 4 — MNIST: softmax regression and a one-hidden-layer MLP (001)";
    s.sources = "001, §Backpropagation (eqs. 1–4), §Choice of loss and activation functions (softmax, "
                "cross-entropy, eq. 5; ReLU, Table 1), Methods and Results on MNIST (Figs. 8 and 9)";
    s.setup = setup_text(results.runs, o, data, results.validation_count, threads);
    s.headline = headline;
    s.headline_notes = headline_notes(all_report_setups(results.runs));
    const std::string sets = std::string("training set solid, test set dashed") +
                             (results.validation_count ? ", validation set dotted" : "") + ".";
    s.figures = {{"loss.svg", "Mean cross-entropy per epoch, " + sets, "001 Fig. 8"},
                 {"accuracy.svg", "Accuracy per epoch, " + sets, "001 Fig. 8"}};
    for (const Run& r : results.runs) {
        if (r.final_test.predicted.empty()) continue;
        s.figures.push_back({"confusion_" + r.model + ".svg",
                             std::string("Confusion matrix of the final ") + model_title(r.model) + " on the test set."});
        s.figures.push_back({"misclassified_" + r.model + ".svg",
                             std::string("The first misclassified test digits of the ") + model_title(r.model) + "."});
    }
    if (!results.sweep.empty()) {
        s.figures.push_back({"lambda_sweep.svg",
                             "Softmax regression with 001's set-up for λ = 0, 0.01, 0.1, 1: test loss and accuracy "
                             "per epoch, the weights penalised (solid) or the biases too (dashed).",
                             "001 Fig. 9"});
        s.sections.push_back({"L2 penalty on softmax regression (001 Fig. 9)",
                              lambda_sweep_section(results.sweep, o.train_size == 0 && o.test_size == 0)});
    }
    s.sections.insert(s.sections.end(), sections.begin(), sections.end());
    s.command = flags.command_line();
    summary::save(path, s);
}

// ---------------------------------------------------------------------------------------------
// A trained model kept: the study of off-centre digits (off_centre.hpp), draw.html for an MLP
// (draw_page.hpp) and, with --save, the model file (model_file.hpp). The same for a --load run.
// Which run produced the weights is its exact command line and its test accuracy — no date, so
// that the same command writes the same files, bit for bit.

// The model --save writes: the MLP, or the softmax regression when it is the only model.
const Run* run_to_save(const std::vector<Run>& runs) {
    for (const Run& r : runs)
        if (r.model == "mlp") return &r;
    return runs.empty() ? nullptr : &runs.front();
}

// After training: the study, draw.html for the MLP, and --save's file. Returns the sections they
// add to summary.md; `not_saved` says why --save wrote nothing (the model diverged).
std::vector<summary::Section> keep_trained(const fs::path& out, const Options& o, const cli::Flags& flags,
                                           const std::vector<Run>& runs, const Dataset& test, ThreadPool& pool,
                                           std::string& not_saved) {
    std::vector<Trained> models;
    for (const Run& r : runs)
        if (!r.diverged()) models.push_back({r.model, &r.net});
    std::vector<summary::Section> sections = off_centre_study(out, models, test, o.seed, pool);
    const auto accuracy = [&](const Run& r) {
        return table::percent(r.final_test.accuracy) + " on " + std::to_string(test.count) + " test images";
    };
    for (const Run& r : runs)
        if (r.model == "mlp" && !r.diverged())
            sections.push_back(draw_page_section(out, r.net, {flags.command_line(), accuracy(r), "", ""}));
    const Run* kept = run_to_save(runs);
    if (o.save.empty() || !kept) return sections;
    if (kept->diverged()) {
        not_saved = "--save " + o.save + ": not written: the " + kept->model + " diverged at epoch " +
                     std::to_string(kept->diverged_at) + ", so there is no model to save";
        return sections;
    }
    save_model(o.save, kept->net, model_note(flags.command_line(), accuracy(*kept)));
    return sections;
}

// Before training: --save must be able to take the model, so that no training is lost.
void check_save(const Options& o, const Dataset& train) {
    if (o.save.empty()) return;
    files::check_output_file(o.save);
    if (!savable(train.pixels_per_image(), static_cast<std::size_t>(o.hidden)))
        throw DataError("--save " + o.save + ": images of " + std::to_string(train.pixels_per_image()) +
                        " pixels; a model file takes at most " + std::to_string(kMaxModelInputs) + " inputs");
}

// --load: the saved model evaluated on both sets, with its confusion matrix, misclassified
// digits, the study of off-centre digits and (for an MLP) draw.html. Nothing is trained.
int run_loaded(const Options& o, const cli::Flags& flags, const SavedModel& saved, const Mnist& data) {
    const Network<float>& net = saved.net;
    if (net.inputs != data.test.pixels_per_image())
        throw DataError(o.load + ": the model takes " + std::to_string(net.inputs) + " inputs, but the images of " +
                        o.data + " have " + std::to_string(data.test.pixels_per_image()) + " pixels");
    files::ResultFolder folder(o.out);
    ThreadPool pool(static_cast<std::size_t>(o.threads));
    Run r;
    r.model = net.hidden ? "mlp" : "logistic";
    const Evaluation train = evaluate(pool, net, data.train);
    r.final_test = evaluate(pool, net, data.test);
    confusion_matrix(folder.path(), r, data.test);
    misclassified_digits(folder.path(), r, data.test);
    table::Text headline({"model", "saved in", "train acc", "test acc", "test loss"});
    headline.add({r.model, o.load, table::percent(train.accuracy), table::percent(r.final_test.accuracy),
                  table::fixed(r.final_test.loss, 4)});
    std::vector<summary::Section> sections = off_centre_study(folder.path(), {{r.model, &net}}, data.test, o.seed, pool);
    const PageRun page{shown(note_value(saved.note, "trained by"), 400), shown(note_value(saved.note, "test accuracy")),
                       o.load, flags.command_line()};
    if (net.hidden) sections.push_back(draw_page_section(folder.path(), net, page));
    summary::Summary s;
    s.title = "Chapter 4 — a saved " + std::string(model_title(r.model)) + ", evaluated (001)";
    s.sources = "001, Methods and Results on MNIST";
    s.setup = "The " + model_shape_text(net.inputs, net.hidden, net.classes) + " saved in `" + o.load +
              "`, trained by `" + page.trained_by + "`" +
              (page.test_accuracy.empty() ? "" : " (test accuracy " + page.test_accuracy + ")") + "; evaluated on " +
              std::to_string(data.train.count) + " training and " + std::to_string(data.test.count) +
              " test images, not trained.";
    s.headline = headline;
    s.headline_notes = "Losses are the mean cross-entropy, accuracies the fraction of images whose largest output is the label.";
    s.figures = {{"confusion_" + r.model + ".svg", std::string("Confusion matrix of the saved ") + model_title(r.model) + " on the test set."},
                 {"misclassified_" + r.model + ".svg", std::string("The first misclassified test digits of the saved ") + model_title(r.model) + "."}};
    s.sections = sections;
    s.command = flags.command_line();
    summary::save(folder / "summary.md", s);
    folder.publish();
    std::cout << headline.aligned();
    return 0;
}

// ---------------------------------------------------------------------------------------------
// The data.

// The first n samples of a data set (n = 0: all).
Dataset first(const Dataset& d, std::size_t n) {
    if (n == 0 || n >= d.count) return d;
    Dataset s{n, d.rows, d.cols, {}, {}};
    s.pixels.assign(d.pixels.begin(), d.pixels.begin() + static_cast<std::ptrdiff_t>(n * d.pixels_per_image()));
    s.labels.assign(d.labels.begin(), d.labels.begin() + static_cast<std::ptrdiff_t>(n));
    return s;
}

// ---------------------------------------------------------------------------------------------
// --tune: the validation search of selection.hpp, on the training images alone.

struct TunedModel {
    std::string model;
    TuningGrid grid;
    const Candidate* chosen;   // null if every run diverged
    double seconds;
};

// The search's table: each model's chosen values, its validation accuracy, and whether the
// default preset holds them.
table::Text tuning_table(const std::vector<TunedModel>& tuned) {
    table::Text t({"model", "η", "ω", "κ", "λ", "B", "epochs", "val acc", "default preset", "candidates",
                   "search time"});
    for (const TunedModel& m : tuned) {
        const std::size_t candidates = m.grid.eta.size() * m.grid.decay.size() * m.grid.lambda.size() *
                                       static_cast<std::size_t>(m.grid.epochs);
        if (!m.chosen) {
            t.add({m.model, "—", "—", "—", "—", "—", "—", "every run diverged", "—", std::to_string(candidates),
                   table::seconds(m.seconds)});
            continue;
        }
        const HyperParameters& h = m.chosen->h;
        const HyperParameters d = preset_values("default", m.model);
        const bool same = h.eta == d.eta && h.omega == d.omega && h.decay == d.decay && h.lambda == d.lambda &&
                          h.batch == d.batch && h.epochs == d.epochs;
        t.add({m.model, table::param(h.eta), table::param(h.omega), table::param(h.decay), table::param(h.lambda),
               std::to_string(h.batch), std::to_string(h.epochs), table::percent(m.chosen->val_acc),
               same ? "holds these" : "differs", std::to_string(candidates), table::seconds(m.seconds)});
    }
    return t;
}

// For each grid point of a model, its best epoch and that epoch's validation accuracy.
std::string grid_points_table(const std::vector<Candidate>& all, const std::string& model) {
    table::Text t({"η", "κ", "λ", "best epochs", "val acc", "val loss"});
    const Candidate* best = nullptr;
    auto flush = [&] {
        if (best) t.add({table::param(best->h.eta), table::param(best->h.decay), table::param(best->h.lambda),
                         std::to_string(best->h.epochs), table::percent(best->val_acc), table::fixed(best->val_loss, 4)});
        best = nullptr;
    };
    const Candidate* previous = nullptr;
    for (const Candidate& c : all) {
        if (c.model != model) continue;
        const bool same_point = previous && previous->h.eta == c.h.eta && previous->h.decay == c.h.decay &&
                                previous->h.lambda == c.h.lambda;
        if (!same_point) flush();
        previous = &c;
        if (!c.diverged() && (!best || c.val_acc > best->val_acc)) best = &c;
    }
    flush();
    return t.markdown();
}

void write_tuning_summary(const fs::path& path, const std::vector<TunedModel>& tuned,
                          const std::vector<Candidate>& all, const table::Text& headline, const HeldOut& sets,
                          const Options& o, const cli::Flags& flags) {
    summary::Summary s;
    s.title = "Chapter 4 — choosing the hyper-parameters on a validation set (001's MNIST models)";
    s.sources = "001, Methods and Results on MNIST; the search is ours (001 fixes its set-up)";
    s.setup = std::to_string(sets.fit.count) + " training images to fit, " + std::to_string(sets.validation.count) +
              " held out to validate (one in six of the training file, drawn with seed " + std::to_string(o.seed) +
              "); the test files are not read. Each model is trained with every combination of its grid, SGD "
              "with momentum, and scored on the validation set after every epoch; every (η, κ, λ, epochs) is a "
              "candidate, and the one with the highest validation accuracy is chosen (among equals, fewer "
              "epochs, then the first in the grid's order). Grids:\n\n";
    for (const TunedModel& m : tuned) s.setup += "- " + m.model + ": " + tuning_grid_text(m.grid) + "\n";
    s.headline = headline;
    s.headline_notes = "*default preset* says whether presets.hpp's default preset holds the chosen values. The "
                       "validation accuracy of the chosen candidate is the maximum over many and so a little "
                       "optimistic; the test set, trained on all training images, gives the honest estimate "
                       "(`chapter4 --preset default`).";
    for (const TunedModel& m : tuned)
        s.sections.push_back({std::string("Every grid point of the ") + model_title(m.model) + ", at its best epoch",
                              grid_points_table(all, m.model)});
    s.command = flags.command_line();
    summary::save(path, s);
}

// The flags that --tune chooses itself, that have no meaning without training, or that need a
// final model, which --tune does not train: an error.
void check_tuning_flags(const cli::Flags& flags) {
    for (const char* name : {"lr", "momentum", "decay", "lambda", "preset", "reference", "test-size",
                             "penalise-bias"})
        if (flags.given(name))
            throw UsageError(std::string("--") + name + " has no meaning with --tune, which chooses η, κ and λ "
                             "itself on the training images alone; leave it out");
    for (const char* name : {"save", "load", "predict", "predict-index", "predict-out"})
        if (flags.given(name))
            throw UsageError(std::string("--") + name + " has no meaning with --tune, which chooses hyper-parameters "
                             "and trains no final model; run --tune first, then train with --save FILE");
}

int run_tuning(Options& o, const cli::Flags& flags) {
    check_tuning_flags(flags);
    read_hyper_parameter_flags(o, flags);
    workload::check(estimate(o), size_bounds(), o.allow_large);   // before MNIST is read
    const Dataset training_set = first(read_training_set(o.data), static_cast<std::size_t>(o.train_size));
    if (training_set.count < kValidationShare)
        throw UsageError("--tune needs at least " + std::to_string(kValidationShare) + " training images");
    const HeldOut sets = hold_out(training_set, o.seed);
    std::vector<TunedModel> tuned;
    for (const std::string model : {"mlp", "logistic"}) {
        if (o.model != model && o.model != "both") continue;
        TuningGrid grid = tuning_grid(model);
        const HyperParameters given = hyper_parameters(o, model);   // --batch and --epochs, if given
        if (flags.given("batch")) grid.batch = given.batch;
        if (flags.given("epochs")) grid.epochs = given.epochs;
        if (static_cast<std::size_t>(grid.batch) > sets.fit.count)
            throw UsageError("--batch " + std::to_string(grid.batch) + " is larger than the fitting set (" +
                             std::to_string(sets.fit.count) + " images); lower --batch");
        tuned.push_back({model, grid, nullptr, 0});
    }
    files::ResultFolder folder(o.out);
    std::vector<Candidate> all;
    for (TunedModel& m : tuned) {
        const std::size_t points = m.grid.eta.size() * m.grid.decay.size() * m.grid.lambda.size();
        Progress progress("chapter4: --tune " + m.model, points * static_cast<std::size_t>(m.grid.epochs));
        Timer timer;
        const std::vector<Candidate> found = search(m.model, m.grid, sets, static_cast<std::size_t>(o.hidden),
                                                    o.seed, static_cast<std::size_t>(o.threads), progress);
        m.seconds = timer.seconds();
        all.insert(all.end(), found.begin(), found.end());
    }
    for (TunedModel& m : tuned) m.chosen = choose(all, m.model);   // (pointers into `all`, now complete)
    write_tuning(folder / "tuning.csv", all);
    const table::Text headline = tuning_table(tuned);
    write_tuning_summary(folder / "summary.md", tuned, all, headline, sets, o, flags);
    folder.publish();
    std::cout << headline.aligned();
    return 0;
}

// ---------------------------------------------------------------------------------------------

// The models to train, after checking each one's batch against the training set.
std::vector<std::string> models_to_train(const Options& o, const Dataset& train) {
    std::vector<std::string> models;
    for (const std::string model : {"mlp", "logistic"})
        if (o.model == model || o.model == "both") models.push_back(model);
    for (const std::string& model : models)
        if (static_cast<std::size_t>(hyper_parameters(o, model).batch) > train.count)
            throw UsageError("--batch " + std::to_string(hyper_parameters(o, model).batch) +
                             " is larger than the training set (" + std::to_string(train.count) +
                             " images); lower --batch");
    return models;
}

// Check the flags and read the data; only then create the result folder, train and write.
int run_chapter(Options& o, const cli::Flags& flags) {
    if (o.tune) return run_tuning(o, flags);
    read_hyper_parameter_flags(o, flags);
    read_model_flags(o, flags);
    if (o.predicting()) return run_predict(o);
    if (o.load.empty()) workload::check(estimate(o), size_bounds(), o.allow_large);   // before MNIST is read
    std::optional<SavedModel> saved;
    if (!o.load.empty()) saved = load_model(o.load);   // the model's problems first, then the data's
    Mnist data = read_mnist(o.data);
    data.train = first(data.train, static_cast<std::size_t>(o.train_size));
    data.test = first(data.test, static_cast<std::size_t>(o.test_size));
    if (saved) return run_loaded(o, flags, *saved, data);
    std::optional<Dataset> validation;
    if (o.validation) {
        if (data.train.count < kValidationShare)
            throw UsageError("--validation needs at least " + std::to_string(kValidationShare) + " training images");
        HeldOut sets = hold_out(data.train, o.seed);
        data.train = std::move(sets.fit);
        validation = std::move(sets.validation);
    }
    const std::vector<std::string> models = models_to_train(o, data.train);
    check_save(o, data.train);

    files::ResultFolder folder(o.out);
    ThreadPool pool(static_cast<std::size_t>(o.threads));
    Results results;
    results.validation_count = validation ? validation->count : 0;
    for (const std::string& model : models)
        results.runs.push_back(train(model, o, data, validation ? &*validation : nullptr, pool));
    if (std::find(models.begin(), models.end(), "logistic") != models.end())
        results.sweep = lambda_sweep_runs(data, o);

    loss_and_accuracy_curves(folder.path(), results.runs);
    for (const Run& r : results.runs) {
        if (r.final_test.predicted.empty()) continue;
        confusion_matrix(folder.path(), r, data.test);
        misclassified_digits(folder.path(), r, data.test);
    }
    if (!results.sweep.empty()) {
        write_lambda_sweep(folder / "lambda_sweep.csv", results.sweep);
        lambda_sweep_figure(folder / "lambda_sweep.svg", results.sweep);
    }
    const table::Text headline = headline_table(results.runs, data.train.count);
    std::string not_saved;
    const std::vector<summary::Section> kept =
        keep_trained(folder.path(), o, flags, results.runs, data.test, pool, not_saved);
    write_summary(folder / "summary.md", results, headline, o, flags, data, pool.size(), kept);
    folder.publish();
    std::cout << headline.aligned();
    if (!not_saved.empty()) std::fprintf(stderr, "chapter4: %s\n", not_saved.c_str());
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    cli::Flags flags = make_flags(o);
    return cli::run(flags, argc, argv, [&] { return run_chapter(o, flags); });
}
