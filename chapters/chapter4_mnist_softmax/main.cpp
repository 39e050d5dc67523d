// main.cpp — chapter 4: 001's MNIST experiments (Methods and Results, Figs. 8 and 9), fast.
//
// Trains softmax regression ("logistic") and the 784-128-10 ReLU MLP ("mlp") with mini-batch
// SGD on MNIST, records loss and accuracy on the training and test sets after every epoch, and
// writes metrics.csv, the figures (loss and accuracy curves, confusion matrices, misclassified
// digits) and summary.md. Two presets: `default`, tuned to be accurate and quick, and `report`,
// 001's own set-up (η = 1e-3, B = 50, 50 epochs, no momentum), for comparison with its 93 % and
// 89 %. Every flag given explicitly overrides the preset.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "chapters/chapter4_mnist_softmax/presets.hpp"
#include "common/cli.hpp"
#include "common/csv.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"
#include "common/plot/heat_map.hpp"
#include "common/plot/image_grid.hpp"
#include "common/plot/line_plot.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/table.hpp"

namespace {

using namespace ch4;
namespace fs = std::filesystem;

// 001 Results: final test accuracies of its MLP (Fig. 8) and its logistic regression (Fig. 9).
constexpr double kReportMlpAccuracy = 0.93, kReportLogisticAccuracy = 0.89;

// A run whose training loss is not finite or exceeds ten times that of guessing (ln 10 per
// sample) has diverged: it is stopped and reported as such.
const double kDivergedLoss = 10 * std::log(10.0);

struct Options {
    std::string preset = "default", model = "both", data, out;
    int hidden = 128;
    Hyper h = kDefaultMlp;   // the flags; those given explicitly override the preset
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    int train_size = 0, test_size = 0;
    std::uint64_t seed = 2020;
};

// The hyper-parameters of `model` under the options: the preset's, overridden by every flag
// given on the command line.
Hyper hyper(const Options& o, const cli::Flags& flags, const std::string& model) {
    Hyper h = preset_hyper(o.preset, model);
    if (flags.given("lr")) h.lr = o.h.lr;
    if (flags.given("momentum")) h.momentum = o.h.momentum;
    if (flags.given("decay")) h.decay = o.h.decay;
    if (flags.given("lambda")) h.lambda = o.h.lambda;
    if (flags.given("batch")) h.batch = o.h.batch;
    if (flags.given("epochs")) h.epochs = o.h.epochs;
    return h;
}

// ---------------------------------------------------------------------------------------------
// One model's training.

struct EpochRow {
    std::size_t epoch;          // 1, 2, …
    double train_loss, train_acc, test_loss, test_acc;
    double seconds;             // wall time of the epoch's training pass (not the evaluation)
};

struct Run {
    std::string model;          // "mlp" or "logistic"
    Hyper h;
    std::vector<EpochRow> rows;
    std::size_t diverged_at = 0;   // the epoch at which it diverged, 0 if it did not
    Evaluation final_test;      // the last epoch's model on the test set, with its predictions
};

const char* model_title(const std::string& model) {
    return model == "mlp" ? "MLP" : "softmax regression";
}

Run train(const std::string& model, std::size_t hidden, const Hyper& h, const Mnist& data,
          std::uint64_t seed, ThreadPool& pool) {
    Run run;
    run.model = model;
    run.h = h;
    const SgdOptions sgd = h.sgd();
    const auto epochs = static_cast<std::size_t>(h.epochs);
    // Independent streams for the initial weights and the epochs' orders, per model, so that
    // one model's numbers do not depend on whether the other one ran.
    const std::uint64_t id = model == "mlp" ? 0 : 2;
    Rng init = Rng::stream(seed, id), shuffle = Rng::stream(seed, id + 1);
    Network<float> net = make_network<float>(data.train.pixels_per_image(), hidden, kClasses, init);
    Trainer trainer(net, pool, sgd);
    std::vector<std::size_t> order(data.train.count);
    for (std::size_t n = 0; n < order.size(); ++n) order[n] = n;

    Progress progress(std::string("chapter4: ") + model, epochs);
    for (std::size_t e = 0; e < epochs; ++e) {
        shuffle.shuffle(order);
        Timer timer;
        trainer.epoch(data.train, order, static_cast<float>(learning_rate(sgd, e)));
        const double seconds = timer.seconds();
        const Evaluation tr = evaluate(pool, net, data.train);
        Evaluation te = evaluate(pool, net, data.test);
        if (!std::isfinite(tr.loss) || tr.loss > kDivergedLoss) {
            // Diverged: the epoch's row has empty cells, and the model shows no errors.
            run.diverged_at = e + 1;
            run.rows.push_back({e + 1, NAN, NAN, NAN, NAN, seconds});
            progress.step(1, "diverged");
            std::fprintf(stderr, "chapter4: %s diverged at epoch %zu (training loss %s); lower --lr\n",
                         model.c_str(), e + 1, table::fmt("%.3g", tr.loss).c_str());
            break;
        }
        run.rows.push_back({e + 1, tr.loss, tr.accuracy, te.loss, te.accuracy, seconds});
        char note[160];
        std::snprintf(note, sizeof note, "test acc %.2f %%, loss %.4f; %.3f s/epoch, %.0f samples/s",
                      100 * te.accuracy, te.loss, seconds, static_cast<double>(data.train.count) / seconds);
        progress.step(1, note);
        run.final_test = std::move(te);
    }
    return run;
}

// ---------------------------------------------------------------------------------------------
// Output.

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n == 0 ? NAN : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

void write_metrics(const fs::path& out, const std::vector<Run>& runs) {
    csv::Writer w({"model", "epoch", "train_loss", "train_acc", "test_loss", "test_acc", "epoch_seconds"});
    for (const Run& r : runs)
        for (const EpochRow& row : r.rows)
            w.row({r.model, std::to_string(row.epoch), csv::num(row.train_loss), csv::num(row.train_acc),
                   csv::num(row.test_loss), csv::num(row.test_acc), csv::num(row.seconds)});
    w.save(out / "metrics.csv");
}

// Loss (log scale, as cross-entropy falls over decades) and accuracy against epoch, training
// set solid and test set dashed, one colour per model; 001's final accuracies as reference lines.
void plot_curves(const fs::path& out, const std::vector<Run>& runs) {
    plot::LinePlot loss, acc;
    loss.title = "Cross-entropy on MNIST (001 Fig. 8)";
    acc.title = "Accuracy on MNIST (001 Figs. 8 and 9)";
    loss.xlabel = acc.xlabel = "epoch";
    loss.ylabel = "mean cross-entropy";
    acc.ylabel = "accuracy";
    loss.log_y = true;
    const char* colors[] = {"#0072B2", "#D55E00"};
    for (std::size_t m = 0; m < runs.size(); ++m) {
        const Run& r = runs[m];
        for (int set = 0; set < 2; ++set) {
            plot::Series l, a;
            l.label = a.label = std::string(model_title(r.model)) + (set ? ", test" : ", training");
            l.dashed = a.dashed = set == 1;
            l.color = a.color = colors[m % 2];
            for (const EpochRow& row : r.rows) {
                l.x.push_back(static_cast<double>(row.epoch));
                a.x.push_back(static_cast<double>(row.epoch));
                l.y.push_back(set ? row.test_loss : row.train_loss);
                a.y.push_back(set ? row.test_acc : row.train_acc);
            }
            loss.series.push_back(l);
            acc.series.push_back(a);
        }
        acc.hlines.push_back({r.model == "mlp" ? kReportMlpAccuracy : kReportLogisticAccuracy,
                              std::string("001: ") + model_title(r.model)});
    }
    plot::save(out / "loss.svg", plot::to_svg(loss));
    plot::save(out / "accuracy.svg", plot::to_svg(acc));
}

// The confusion matrix of the final model on the test set (rows: true digit, columns: predicted),
// as CSV and heat map, and the first misclassified test digits as CSV and image grid.
void write_errors(const fs::path& out, const Run& r, const Dataset& test) {
    std::vector<std::vector<double>> counts(kClasses, std::vector<double>(kClasses, 0));
    for (std::size_t n = 0; n < test.count; ++n) counts[test.labels[n]][r.final_test.predicted[n]] += 1;
    std::vector<std::string> header{"true_digit"}, digits;
    for (std::size_t k = 0; k < kClasses; ++k) {
        header.push_back("predicted_" + std::to_string(k));
        digits.push_back(std::to_string(k));
    }
    csv::Writer cw(header);
    for (std::size_t t = 0; t < kClasses; ++t) {
        std::vector<std::string> row{std::to_string(t)};
        for (double c : counts[t]) row.push_back(csv::num(c));
        cw.row(row);
    }
    cw.save(out / ("confusion_" + r.model + ".csv"));

    plot::HeatMap h;
    h.title = std::string("Confusion matrix, ") + model_title(r.model) + ", test set";
    h.xlabel = "predicted digit";
    h.ylabel = "true digit";
    h.colorbar_label = "test images (log scale)";
    h.row_labels = h.col_labels = digits;
    h.values = counts;
    h.log_color = true;          // the diagonal holds ~1000, most errors a handful
    h.low_is_good = false;
    h.missing_text = "0";        // log colour: a cell with no image is drawn blank
    h.value_format = "%.0f";
    h.outline_best = false;      // the largest count is no "best" cell
    plot::save(out / ("confusion_" + r.model + ".svg"), plot::to_svg(h));

    constexpr std::size_t kShown = 40;
    csv::Writer mw({"index", "true_digit", "predicted_digit"});
    plot::ImageGrid g;
    g.title = std::string("Misclassified test digits, ") + model_title(r.model) + " (true → predicted)";
    g.rows_px = test.rows;
    g.cols_px = test.cols;
    for (std::size_t n = 0; n < test.count; ++n) {
        if (r.final_test.predicted[n] == test.labels[n]) continue;
        mw.row({std::to_string(n), std::to_string(test.labels[n]), std::to_string(r.final_test.predicted[n])});
        if (g.images.size() == kShown) continue;
        std::vector<float> img(test.pixels_per_image());
        for (std::size_t p = 0; p < img.size(); ++p) img[p] = static_cast<float>(test.image(n)[p]) / 255.0f;
        g.images.push_back(std::move(img));
        g.captions.push_back(std::to_string(test.labels[n]) + " → " +
                             std::to_string(r.final_test.predicted[n]));
    }
    mw.save(out / ("misclassified_" + r.model + ".csv"));
    plot::save(out / ("misclassified_" + r.model + ".svg"), plot::to_svg(g));
}

std::string percent(double x) { return table::fmt("%.2f %%", 100 * x); }

table::Text headline(const std::vector<Run>& runs, const Mnist& data) {
    table::Text t({"model", "epochs", "train acc", "test acc", "test loss", "001 reports",
                   "s/epoch (best)", "s/epoch (median)", "samples/s"});
    for (const Run& r : runs) {
        std::vector<double> seconds;
        for (const EpochRow& row : r.rows) seconds.push_back(row.seconds);
        const double best = seconds.empty() ? NAN : *std::min_element(seconds.begin(), seconds.end());
        const EpochRow* last = r.rows.empty() || r.diverged_at ? nullptr : &r.rows.back();
        t.add({r.model,
               r.diverged_at ? "diverged at " + std::to_string(r.diverged_at) : std::to_string(r.rows.size()),
               last ? percent(last->train_acc) : "—", last ? percent(last->test_acc) : "—",
               last ? table::fmt("%.4f", last->test_loss) : "—",
               r.model == "mlp" ? "93 %" : "89 %", table::fmt("%.3f", best),
               table::fmt("%.3f", median(seconds)),
               table::fmt("%.0f", static_cast<double>(data.train.count) / best)});
    }
    return t;
}

void write_summary(const fs::path& out, const std::vector<Run>& runs, const table::Text& t,
                   const Options& o, const Mnist& data, std::size_t threads) {
    std::string s = "# Chapter 4 — MNIST: softmax regression and a one-hidden-layer MLP (001)\n\n";
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "Preset `%s`; %zu training and %zu test images; seed %llu; %zu threads. "
                  "Hyper-parameters (η_e = η/(1 + κe) in epoch e = 0, 1, …):\n\n",
                  o.preset.c_str(), data.train.count, data.test.count,
                  static_cast<unsigned long long>(o.seed), threads);
    s += buf;
    for (const Run& r : runs) {
        std::snprintf(buf, sizeof buf,
                      "- %s: η = %g, momentum ω = %g, decay κ = %g, λ = %g, batch %d, epochs %d%s\n",
                      r.model.c_str(), r.h.lr, r.h.momentum, r.h.decay, r.h.lambda, r.h.batch, r.h.epochs,
                      r.model == "mlp" ? (", " + std::to_string(o.hidden) + " hidden ReLU units").c_str() : "");
        s += buf;
    }
    s += "\n";
    s += t.markdown();
    s += "\n\"001 reports\" is the report's final test accuracy with its own set-up (`--preset report`: "
         "η = 1e-3, batch 50, 50 epochs, no momentum). Losses are mean cross-entropy; s/epoch is the "
         "wall time of an epoch's training pass.\n\n";
    s += "![Cross-entropy per epoch](loss.svg)\n\n![Accuracy per epoch](accuracy.svg)\n\n";
    for (const Run& r : runs) {
        if (r.final_test.predicted.empty()) continue;
        s += "![Confusion matrix, " + r.model + "](confusion_" + r.model + ".svg)\n\n";
        s += "![Misclassified test digits, " + r.model + "](misclassified_" + r.model + ".svg)\n\n";
    }
    files::write_atomic(out / "summary.md", s);
}

// The first n samples of a data set (n = 0: all).
Dataset first(const Dataset& d, std::size_t n) {
    if (n == 0 || n >= d.count) return d;
    Dataset s{n, d.rows, d.cols, {}, {}};
    s.pixels.assign(d.pixels.begin(), d.pixels.begin() + static_cast<std::ptrdiff_t>(n * d.pixels_per_image()));
    s.labels.assign(d.labels.begin(), d.labels.begin() + static_cast<std::ptrdiff_t>(n));
    return s;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    o.data = (files::datasets_dir() / "mnist").string();
    o.out = files::default_results_dir("chapter4").string();
    cli::Flags flags("chapter4",
                     "MNIST with softmax regression and a 784-H-10 ReLU MLP, mini-batch SGD on all "
                     "cores (001, Methods and Results).");
    flags.add("preset", o.preset,
              "hyper-parameters: 'default' (fast and accurate, per model) or 'report' (001's set-up: "
              "lr 0.001, batch 50, 50 epochs, no momentum); flags given explicitly override it",
              {"default", "report"});
    flags.add("model", o.model, "which model(s) to train", {"mlp", "logistic", "both"});
    flags.add("hidden", o.hidden, "hidden ReLU units of the MLP", cli::between(1, 4096));
    flags.add("lr", o.h.lr,
              "learning rate eta of the first epoch; presets: default 0.05 (MLP) / 0.1 (softmax "
              "regression), report 0.001", cli::positive());
    flags.add("momentum", o.h.momentum,
              "momentum omega in v <- omega v + eta grad, theta <- theta - v; presets: default 0.9, "
              "report 0",
              cli::Bounds{0, 1, false, true});
    flags.add("decay", o.h.decay,
              "learning-rate decay kappa, eta_e = eta / (1 + kappa e) in epoch e = 0, 1, ...; presets: "
              "default 0.5 (MLP) / 1 (softmax regression), report 0", cli::non_negative());
    flags.add("lambda", o.h.lambda, "L2 penalty lambda ||W||^2 on the weights; presets: 0", cli::non_negative());
    flags.add("batch", o.h.batch, "mini-batch size; presets: 50", cli::between(1, 60000));
    flags.add("epochs", o.h.epochs,
              "epochs; presets: default 20 (MLP) / 40 (softmax regression), report 50", cli::between(1, 100000));
    flags.add("threads", o.threads, "threads (the default is the number of cores)", cli::between(1, 256));
    flags.add("train-size", o.train_size, "use only the first N training images (0: all)", cli::non_negative());
    flags.add("test-size", o.test_size, "use only the first N test images (0: all)", cli::non_negative());
    flags.add("seed", o.seed, "seed of the initial weights and of the epochs' orders");
    flags.add("data", o.data, "folder with the four MNIST IDX files (fetch them with `make mnist`)");
    flags.add("out", o.out, "output folder");

    return cli::run(flags, argc, argv, [&] {
        Mnist data = read_mnist(o.data);
        data.train = first(data.train, static_cast<std::size_t>(o.train_size));
        data.test = first(data.test, static_cast<std::size_t>(o.test_size));
        std::vector<std::string> models;
        for (const std::string model : {"mlp", "logistic"})
            if (o.model == model || o.model == "both") models.push_back(model);
        for (const std::string& model : models)
            if (static_cast<std::size_t>(hyper(o, flags, model).batch) > data.train.count)
                throw UsageError("--batch " + std::to_string(hyper(o, flags, model).batch) +
                                 " is larger than the training set (" + std::to_string(data.train.count) +
                                 " images); lower --batch");

        files::ResultFolder folder(o.out);
        const fs::path out = folder.path();
        ThreadPool pool(static_cast<std::size_t>(o.threads));
        std::vector<Run> runs;
        for (const std::string& model : models)
            runs.push_back(train(model, model == "mlp" ? static_cast<std::size_t>(o.hidden) : 0,
                                 hyper(o, flags, model), data, o.seed, pool));

        write_metrics(out, runs);
        plot_curves(out, runs);
        for (const Run& r : runs)
            if (!r.final_test.predicted.empty()) write_errors(out, r, data.test);
        const table::Text t = headline(runs, data);
        write_summary(out, runs, t, o, data, pool.size());
        folder.publish();
        std::cout << t.aligned();
        return 0;
    });
}
