// main.cpp — chapter 5: deep feed-forward networks and back-propagation in general.
//
// Runs the experiments of four documents on the one general network of network.hpp:
//   moons      two moons (004): 2-25-50-50-25-1 ReLU network, sigmoid output, cross-entropy
//   franke     Franke regression (001): 128 ReLU units and a linear output; activation ×
//              initialisation study; learning rate × L2 grid
//   randomnet  RandomNet (001): ten networks of random depth, activations and initialisations
//   mse_vs_ce  MSE vs cross-entropy (002): one sigmoid unit from a saturated start
// and writes a CSV per curve and table, an SVG per figure, summary.csv and summary.md to --out.
// Flags: --help. The experiments' settings and their reasons are in experiments.hpp.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/data.hpp"
#include "chapters/chapter5_deep_backprop/experiments.hpp"
#include "chapters/chapter5_deep_backprop/network.hpp"
#include "common/cli.hpp"
#include "common/csv.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"
#include "common/plot/decision_map.hpp"
#include "common/plot/heat_map.hpp"
#include "common/plot/line_plot.hpp"
#include "common/progress.hpp"
#include "common/table.hpp"

namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kExperiments{"moons", "franke", "randomnet", "mse_vs_ce"};

// What the experiments hand over for summary.md, summary.csv and standard output.
struct Report {
    table::Text headlines{"quantity", "ours", "document"};
    csv::Writer summary{{"experiment", "test_accuracy", "test_mse"}};
    std::string body;   // Markdown: figures and tables, in the order of the experiments
};

std::string pct(double x) { return table::fmt("%.1f %%", 100 * x); }
std::string fixed4(double x) { return table::fmt("%.4f", x); }
std::string short_num(double x) { return table::fmt("%.3g", x); }

std::string loss_label(Loss loss) {
    return loss == Loss::bce ? "binary cross-entropy" : loss == Loss::ce ? "cross-entropy" : "½ squared error";
}

std::vector<double> epochs_of(const std::vector<EpochRow>& h) {
    std::vector<double> x;
    for (const auto& row : h) x.push_back(static_cast<double>(row.epoch));
    return x;
}
std::vector<double> field(const std::vector<EpochRow>& h, double EpochRow::*member) {
    std::vector<double> y;
    for (const auto& row : h) y.push_back(row.*member);
    return y;
}

std::string diverged_note(const Run& run) {
    return run.result.diverged ? "diverged at epoch " + std::to_string(run.result.diverged_epoch) : "";
}

// Save a figure and return its Markdown embedding.
std::string figure(const fs::path& out, const std::string& file, const std::string& svg,
                   const std::string& caption) {
    plot::save(out / file, svg);
    return "![" + caption + "](" + file + ")\n\n";
}

// ---------------------------------------------------------------------------------------------
// 1. Two moons (004)

void moons_experiment(const MoonsConfig& c, std::uint64_t seed, const fs::path& out, Report& rep) {
    const MoonsResult r = run_moons(c, seed);

    std::vector<bool> in_train(r.data.size(), false);
    for (std::size_t i : r.train_idx) in_train[i] = true;
    csv::Writer data({"x1", "x2", "label", "split"});
    for (std::size_t i = 0; i < r.data.size(); ++i)
        data.row({csv::num(r.data.x1[i]), csv::num(r.data.x2[i]), std::to_string(r.data.label[i]),
                  in_train[i] ? "train" : "test"});
    data.save(out / "moons_data.csv");

    const auto& h = r.run.history;
    csv::Writer hist({"epoch", "train_cost", "test_cost", "train_accuracy", "test_accuracy"});
    for (const auto& row : h)
        hist.row({std::to_string(row.epoch), csv::num(row.train_cost), csv::num(row.test_cost),
                  csv::num(row.train_metric), csv::num(row.test_metric)});
    hist.save(out / "moons_history.csv");

    std::string arch;
    for (std::size_t l = 0; l < c.widths.size(); ++l) arch += (l ? "-" : "") + std::to_string(c.widths[l]);
    const std::string setting = std::to_string(c.n) + " points, noise " + short_num(c.noise) + ", " +
                                std::to_string(r.train_idx.size()) + "/" +
                                std::to_string(r.test_idx.size()) + " train/test";
    rep.body += "## 1. Two moons (004)\n\nNetwork " + arch + " (" + name_of(c.f.front()) + " … " +
                name_of(c.f.back()) + ", " + loss_label(r.net.loss) + "), " + setting +
                "; mini-batch SGD, η = " + short_num(c.eta) + ", momentum " + short_num(c.momentum) +
                ", batch " + std::to_string(c.batch) + ", " + std::to_string(c.epochs) + " epochs.\n\n";

    const double test_acc = r.run.final_test_metric();
    if (r.run.result.diverged) {
        std::cerr << "chapter5: warning: two moons: " << diverged_note(r.run) << " (try a smaller --eta)\n";
        rep.body += "The run **" + diverged_note(r.run) + "**; no decision boundary to draw.\n\n";
    } else {
        const double x_min = -1.5, x_max = 2.5, y_min = -1.0, y_max = 1.5;   // 004's plotting grid
        const std::size_t nx = 100, ny = 100;
        const auto prob = class1_probability_grid(r.net, x_min, x_max, y_min, y_max, nx, ny);
        csv::Writer grid({"x1", "x2", "p_class1"});
        for (std::size_t q = 0; q < ny; ++q)
            for (std::size_t p = 0; p < nx; ++p)
                grid.row({csv::num(x_min + (x_max - x_min) * static_cast<double>(p) / (nx - 1)),
                          csv::num(y_min + (y_max - y_min) * static_cast<double>(q) / (ny - 1)),
                          csv::num(prob[q * nx + p])});
        grid.save(out / "moons_decision.csv");
        plot::DecisionMap map;
        map.title = "Two moons: P(class 1) after " + std::to_string(h.size()) + " epochs, test points";
        map.xlabel = "x1";
        map.ylabel = "x2";
        map.x_min = x_min;
        map.x_max = x_max;
        map.y_min = y_min;
        map.y_max = y_max;
        map.nx = nx;
        map.ny = ny;
        map.prob = prob;
        for (std::size_t i : r.test_idx) map.points.push_back({r.data.x1[i], r.data.x2[i], r.data.label[i]});
        map.class_labels = {"class 0 (upper moon)", "class 1 (lower moon)"};
        rep.body += figure(out, "moons_decision.svg", plot::to_svg(map),
                           "Two moons: the network's probability of class 1, its 0.5 contour, and the test points");
    }
    plot::LinePlot loss;
    loss.title = "Two moons: " + loss_label(r.net.loss);
    loss.xlabel = "epoch";
    loss.ylabel = "cost";
    loss.log_y = true;
    loss.series.push_back({"training (mean over the epoch's mini-batches)", epochs_of(h),
                           field(h, &EpochRow::train_cost), false, true});
    loss.series.push_back({"test (after the epoch)", epochs_of(h), field(h, &EpochRow::test_cost), false, true, true});
    rep.body += figure(out, "moons_loss.svg", plot::to_svg(loss), "Two moons: cost against epoch");

    const bool finished = !h.empty() && !r.run.result.diverged;
    rep.headlines.add({"two moons: test accuracy (" + setting + ")",
                       r.run.result.diverged ? diverged_note(r.run) : pct(test_acc), "100 % (004)"});
    rep.headlines.add({"two moons: final cost, training / test",
                       finished ? short_num(h.back().train_cost) + " / " + short_num(h.back().test_cost)
                                : r.run.result.diverged ? diverged_note(r.run) : "—",
                       "0.002 after 10 000 full-batch iterations (004)"});
    rep.summary.row({"moons", csv::num(test_acc), ""});
}

// ---------------------------------------------------------------------------------------------
// 2. Franke regression (001)

// The variance of the targets of a set: the MSE of predicting their mean.
double target_variance(const Data& set) {
    double mean = 0, var = 0;
    for (double y : set.Y.data) mean += y;
    mean /= static_cast<double>(set.Y.size());
    for (double y : set.Y.data) var += (y - mean) * (y - mean);
    return var / static_cast<double>(set.Y.size());
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

void franke_experiment(const FrankeConfig& c, const FrankeData& d, const FrankeSets& sets, std::uint64_t seed,
                       const fs::path& out, Report& rep, Progress& progress) {
    const double true_mse = franke_test_noise(d);
    rep.body += "## 2. Franke regression (001)\n\n" + std::to_string(d.x.size()) +
                " points, noise σ = " + short_num(c.sigma) + ", " + std::to_string(sets.train.size()) + "/" +
                std::to_string(sets.test.size()) +
                " train/test, inputs and targets centred on the training means (franke_data.csv). "
                "The noise floor is σ² = " + short_num(c.sigma * c.sigma) +
                "; on this test set the true function itself scores " + fixed4(true_mse) + ".\n\n";

    // The headline network.
    const Run ffnn = run_franke_ffnn(c, sets, seed);
    progress.step();
    {
        const auto& h = ffnn.history;
        csv::Writer w({"epoch", "train_cost", "train_mse", "test_mse"});
        for (const auto& row : h)
            w.row({std::to_string(row.epoch), csv::num(row.train_cost), csv::num(row.train_metric),
                   csv::num(row.test_metric)});
        w.save(out / "franke_ffnn_history.csv");
        plot::LinePlot p;
        p.title = "Franke: 2-" + std::to_string(c.hidden) + "-1 ReLU network, linear output, MSE";
        p.xlabel = "epoch";
        p.ylabel = "mean squared error";
        p.series.push_back({"training", epochs_of(h), field(h, &EpochRow::train_metric), false, true});
        p.series.push_back({"test", epochs_of(h), field(h, &EpochRow::test_metric), false, true});
        p.hlines.push_back({c.sigma * c.sigma, "noise floor σ²"});
        p.hlines.push_back({0.046, "001's best test MSE"});
        rep.body += "Headline network: " + std::to_string(c.hidden) + " ReLU units, " + name_of(c.init) +
                    " weights, zero biases, SGD η = " + short_num(c.eta) + ", batch " +
                    std::to_string(c.batch) + ", " + std::to_string(c.epochs) + " epochs.\n\n" +
                    figure(out, "franke_ffnn.svg", plot::to_svg(p), "Franke: MSE of the 128-unit ReLU network against epoch");
    }
    const double mse = ffnn.final_test_metric();
    if (ffnn.result.diverged) std::cerr << "chapter5: warning: Franke network " << diverged_note(ffnn) << "\n";
    rep.headlines.add({"Franke FFNN (128 ReLU): test MSE", fixed4(mse), "0.046 (001, best of its grid)"});
    rep.headlines.add({"Franke FFNN: test R²", table::fmt("%.2f", 1 - mse / target_variance(sets.test)), "0.68 (001)"});
    rep.headlines.add({"Franke: noise floor σ² (true function on this test set)",
                       short_num(c.sigma * c.sigma) + " (" + fixed4(true_mse) + ")", "—"});
    rep.summary.row({"franke_ffnn", "", csv::num(mse)});

    // Activation × initialisation.
    const auto study = run_activation_study(c, sets, seed, [&] { progress.step(); });
    {
        csv::Writer w({"activation", "init", "epoch", "train_mse", "test_mse"});
        plot::LinePlot p;
        p.title = "Franke: hidden activation × weight initialisation (test MSE)";
        p.xlabel = "epoch";
        p.ylabel = "test mean squared error";
        const std::string colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#7f7f7f"};
        const StudyRun* best = nullptr;
        table::Text t{"activation", "weights", "test MSE after " + std::to_string(c.study_epochs) + " epochs"};
        for (std::size_t k = 0; k < study.size(); ++k) {
            const StudyRun& s = study[k];
            for (const auto& row : s.run.history)
                w.row({name_of(s.f), name_of(s.init), std::to_string(row.epoch), csv::num(row.train_metric),
                       csv::num(row.test_metric)});
            p.series.push_back({activation_label(s.f) + ", " + name_of(s.init), epochs_of(s.run.history),
                                field(s.run.history, &EpochRow::test_metric), false, true,
                                s.init == Init::normal, colors[k / 2]});
            const double final = s.run.final_test_metric();
            t.add({activation_label(s.f), name_of(s.init), s.run.result.diverged ? diverged_note(s.run) : fixed4(final)});
            if (std::isfinite(final) && (!best || final < best->run.final_test_metric())) best = &s;
        }
        p.hlines.push_back({c.sigma * c.sigma, "noise floor σ²"});
        w.save(out / "franke_activation_init.csv");
        rep.body += "Activation × initialisation (001 Fig. 7): " + std::to_string(c.study_epochs) +
                    " epochs at η = " + short_num(c.study_eta) + " (001's 1e-3), batch " +
                    std::to_string(c.batch) + "; normal = N(0, " + short_num(c.normal_sd) +
                    "²) dashed, Glorot uniform solid.\n\n" +
                    figure(out, "franke_activation_init.svg", plot::to_svg(p),
                           "Franke: test MSE against epoch for each hidden activation and initialisation") +
                    t.markdown() + "\n";
        if (best)
            rep.headlines.add({"activation study: best after " + std::to_string(c.study_epochs) + " epochs",
                               activation_label(best->f) + ", " + name_of(best->init) + ": " +
                                   fixed4(best->run.final_test_metric()),
                               "ReLU: 0.049 (001 Fig. 7)"});
        double sigmoid_best = NAN;
        for (const auto& s : study)
            if (s.f == Activation::sigmoid && std::isfinite(s.run.final_test_metric()))
                sigmoid_best = std::isfinite(sigmoid_best) ? std::min(sigmoid_best, s.run.final_test_metric())
                                                           : s.run.final_test_metric();
        rep.headlines.add({"activation study: best sigmoid", fixed4(sigmoid_best), "≈ 0.06 (001 Fig. 7)"});
    }

    // Learning rate × λ.
    const auto grid = run_rate_lambda_grid(c, sets, seed, [&] { progress.step(); });
    {
        csv::Writer w({"eta", "lambda", "train_mse", "test_mse", "diverged_epoch"});
        plot::HeatMap hm;
        hm.title = "Franke: test MSE after " + std::to_string(c.grid_epochs) + " epochs (128 ReLU, N(0, 0.05²))";
        hm.xlabel = "learning rate η (ours; 001's η is half)";
        hm.ylabel = "L2 strength λ";
        hm.colorbar_label = "test MSE";
        hm.log_color = true;
        for (double eta : c.grid_eta) hm.col_labels.push_back(short_num(eta));
        for (double lambda : c.grid_lambda) hm.row_labels.push_back(short_num(lambda));
        hm.values.assign(c.grid_lambda.size(), std::vector<double>(c.grid_eta.size(), NAN));
        const GridCell* best = nullptr;
        for (std::size_t k = 0; k < grid.size(); ++k) {
            const GridCell& g = grid[k];
            const double test = g.run.final_test_metric();
            const double train = g.run.result.diverged || g.run.history.empty() ? NAN : g.run.history.back().train_metric;
            w.row({csv::num(g.eta), csv::num(g.lambda), csv::num(train), csv::num(test),
                   g.run.result.diverged ? std::to_string(g.run.result.diverged_epoch) : ""});
            hm.values[k / c.grid_eta.size()][k % c.grid_eta.size()] = test;
            if (g.run.result.diverged)
                std::cerr << "chapter5: note: Franke grid η = " << short_num(g.eta) << ", λ = "
                          << short_num(g.lambda) << ": " << diverged_note(g.run) << "\n";
            if (std::isfinite(test) && (!best || test < best->run.final_test_metric())) best = &g;
        }
        w.save(out / "franke_grid.csv");
        rep.body += "Learning rate × L2 strength (001 Fig. 6), " + std::to_string(c.grid_epochs) +
                    " epochs each; grey cells diverged.\n\n" +
                    figure(out, "franke_grid.svg", plot::to_svg(hm), "Franke: test MSE over learning rate and L2 strength");
        if (best)
            rep.headlines.add({"η × λ grid: best", fixed4(best->run.final_test_metric()) + " at η = " +
                                                       short_num(best->eta) + ", λ = " + short_num(best->lambda),
                               "0.046 at η = 0.1, i.e. our 0.2 (001 Fig. 6)"});
    }
}

// ---------------------------------------------------------------------------------------------
// 3. RandomNet (001)

void randomnet_experiment(const RandomNetConfig& c, const FrankeSets& sets, std::uint64_t seed,
                          const fs::path& out, Report& rep, Progress& progress) {
    const auto runs = run_randomnet(c, sets, seed, [&] { progress.step(); });
    csv::Writer table_csv({"net", "hidden_layers", "widths", "activations", "weight_inits", "bias_inits",
                           "parameters", "initial_gradient_norms", "train_mse", "test_mse", "diverged_epoch"});
    csv::Writer hist({"net", "epoch", "train_mse", "test_mse"});
    table::Text t{"net", "hidden layers", "widths", "activations", "weights", "‖∂C/∂W¹‖ / ‖∂C/∂Wᴸ‖ at start", "test MSE"};
    plot::LinePlot p;
    p.title = "RandomNet on Franke: test MSE of ten random networks";
    p.xlabel = "epoch";
    p.ylabel = "test mean squared error";
    double best = NAN;
    std::size_t best_depth = 0;
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const auto& r = runs[k];
        std::string widths, acts, winit, binit;
        std::size_t params = 0, fan_in = 2;
        for (std::size_t l = 0; l < r.spec.layers.size(); ++l) {
            const LayerSpec& s = r.spec.layers[l];
            params += s.width * fan_in + s.width;
            fan_in = s.width;
            const std::string sep = l ? " " : "";
            winit += sep + name_of(s.init.weights);
            binit += sep + (s.init.bias_sd > 0 ? "normal" : "zero");
            if (l + 1 == r.spec.layers.size()) continue;   // the linear output layer
            widths += sep + std::to_string(s.width);
            acts += sep + name_of(s.f);
        }
        const std::size_t depth = r.spec.layers.size() - 1;
        const double test = r.run.final_test_metric();
        const double train = r.run.result.diverged || r.run.history.empty() ? NAN : r.run.history.back().train_metric;
        std::string norms;
        for (std::size_t l = 0; l < r.initial_gradient.size(); ++l) norms += (l ? " " : "") + csv::num(r.initial_gradient[l]);
        const std::string id = std::to_string(k + 1);
        table_csv.row({id, std::to_string(depth), widths, acts, winit, binit, std::to_string(params), norms,
                       csv::num(train), csv::num(test),
                       r.run.result.diverged ? std::to_string(r.run.result.diverged_epoch) : ""});
        for (const auto& row : r.run.history)
            hist.row({id, std::to_string(row.epoch), csv::num(row.train_metric), csv::num(row.test_metric)});
        t.add({id, std::to_string(depth), widths, acts, winit,
               short_num(r.initial_gradient.front()) + " / " + short_num(r.initial_gradient.back()),
               r.run.result.diverged ? diverged_note(r.run) : fixed4(test)});
        p.series.push_back({"net " + id + " (" + std::to_string(depth) + " hidden)", epochs_of(r.run.history),
                            field(r.run.history, &EpochRow::test_metric), false, true});
        if (std::isfinite(test) && !(test >= best)) {
            best = test;
            best_depth = depth;
        }
    }
    table_csv.save(out / "randomnet.csv");
    hist.save(out / "randomnet_history.csv");
    rep.body += "## 3. RandomNet (001)\n\nTen networks on the Franke data, each with 1–" +
                std::to_string(c.max_depth) + " hidden layers of " + std::to_string(c.min_width) + "–" +
                std::to_string(c.max_width) +
                " units, each layer with a random activation (ReLU, leaky ReLU, sigmoid, linear), "
                "weights (normal or Glorot) and biases (zero or normal); linear output, η = " +
                short_num(c.eta) + ", batch " + std::to_string(c.batch) + ", " + std::to_string(c.epochs) +
                " epochs. Weights are listed per layer, output layer last. A test MSE of " +
                fixed4(target_variance(sets.test)) +
                " is what predicting the mean gives. The networks stuck there are deep ones: with narrow "
                "weights each layer shrinks both the signal on its way up and the error on its way down "
                "(003's vanishing gradients), so the gradient reaching their first layer is tiny (sixth "
                "column, before training) and in " + std::to_string(c.epochs) +
                " epochs at this η their lower layers barely move.\n\n" +
                figure(out, "randomnet.svg", plot::to_svg(p), "RandomNet: test MSE against epoch") + t.markdown() + "\n";
    rep.headlines.add({"RandomNet: best test MSE",
                       std::isfinite(best) ? fixed4(best) + " (" + std::to_string(best_depth) + " hidden layer" +
                                                 (best_depth == 1 ? ")" : "s)") : "—",
                       "0.057, 7 hidden layers (001)"});
    rep.summary.row({"randomnet_best", "", csv::num(best)});
}

// ---------------------------------------------------------------------------------------------
// 4. MSE vs cross-entropy on one sigmoid unit (002)

// The first iteration at which the training accuracy reaches `level`, or "never".
std::string first_reaching(const std::vector<double>& acc, double level) {
    for (std::size_t k = 0; k < acc.size(); ++k)
        if (acc[k] >= level) return std::to_string(k);
    return "never";
}

void sigmoid_unit_experiment(const SigmoidUnitConfig& c, std::uint64_t seed, const fs::path& out, Report& rep) {
    const SigmoidUnitResult r = run_sigmoid_unit(c, seed);
    csv::Writer w({"iteration", "mse_run_loss", "mse_run_train_mse", "mse_run_grad_norm", "mse_run_train_accuracy",
                   "ce_run_loss", "ce_run_train_mse", "ce_run_grad_norm", "ce_run_train_accuracy"});
    std::vector<double> it;
    for (std::size_t k = 0; k < r.mse.loss.size(); ++k) {
        it.push_back(static_cast<double>(k));
        w.row({std::to_string(k), csv::num(r.mse.loss[k]), csv::num(r.mse.train_mse[k]), csv::num(r.mse.grad_norm[k]),
               csv::num(r.mse.train_accuracy[k]), csv::num(r.ce.loss[k]), csv::num(r.ce.train_mse[k]),
               csv::num(r.ce.grad_norm[k]), csv::num(r.ce.train_accuracy[k])});
    }
    w.save(out / "sigmoid_unit.csv");

    plot::LinePlot p;
    p.title = "One sigmoid unit from a saturated start: mean squared error of its outputs";
    p.xlabel = "gradient-descent iteration";
    p.ylabel = "training mean (ŷ − y)²";
    p.series.push_back({"trained on MSE", it, r.mse.train_mse, false, true});
    p.series.push_back({"trained on cross-entropy", it, r.ce.train_mse, false, true});
    plot::LinePlot g;
    g.title = "One sigmoid unit: length of the gradient";
    g.xlabel = "gradient-descent iteration";
    g.ylabel = "‖∇E‖";
    g.log_y = true;
    g.series.push_back({"MSE: ∝ (ŷ − y) σ′(a), σ′ ≈ 0 when saturated", it, r.mse.grad_norm, false, true});
    g.series.push_back({"cross-entropy: ∝ (ŷ − y)", it, r.ce.grad_norm, false, true});

    const std::size_t k100 = std::min<std::size_t>(100, c.iterations);
    rep.body += "## 4. MSE vs cross-entropy (002)\n\nOne sigmoid unit ŷ = σ(w x + w₀) on two Gaussian classes "
                "(x ~ N(∓1, 1), " + std::to_string(c.n) + " training and " + std::to_string(c.n) +
                " test points), started confidently wrong at w = " + short_num(c.w) + ", w₀ = " + short_num(c.w0) +
                ", full-batch gradient descent with η = " + short_num(c.eta) +
                ". The cross-entropy run converges within a few dozen steps; the MSE run crawls while the unit "
                "is saturated, because its gradient carries the factor σ′(a) ≈ 0.\n\n" +
                figure(out, "sigmoid_unit_mse.svg", plot::to_svg(p), "MSE vs cross-entropy: squared error against iteration") +
                figure(out, "sigmoid_unit_gradient.svg", plot::to_svg(g), "MSE vs cross-entropy: gradient length against iteration");
    rep.headlines.add({"sigmoid unit: training accuracy after " + std::to_string(k100) + " steps, MSE / CE",
                       pct(r.mse.train_accuracy[k100]) + " / " + pct(r.ce.train_accuracy[k100]),
                       "MSE stalls when saturated, CE does not (002)"});
    rep.headlines.add({"sigmoid unit: steps to 80 % training accuracy, MSE / CE",
                       first_reaching(r.mse.train_accuracy, 0.8) + " / " + first_reaching(r.ce.train_accuracy, 0.8), "—"});
    rep.summary.row({"sigmoid_unit_mse", csv::num(r.mse.test_accuracy), csv::num(r.mse.test_mse)});
    rep.summary.row({"sigmoid_unit_ce", csv::num(r.ce.test_accuracy), csv::num(r.ce.test_mse)});
}

}  // namespace

int main(int argc, char** argv) {
    MoonsConfig moons;
    FrankeConfig franke;
    RandomNetConfig randomnet;
    SigmoidUnitConfig unit;
    std::string out = files::default_results_dir("chapter5").string();
    std::uint64_t seed = 2020;
    std::vector<std::string> experiments = kExperiments;
    std::vector<int> layers(moons.widths.begin(), moons.widths.end());
    std::vector<std::string> activations;
    for (Activation f : moons.f) activations.push_back(name_of(f));
    std::string init = name_of(moons.init);
    int epochs = static_cast<int>(moons.epochs), batch = static_cast<int>(moons.batch);
    int moons_n = static_cast<int>(moons.n), franke_n = static_cast<int>(franke.n);

    cli::Flags flags("chapter5",
                     "Deep feed-forward networks and back-propagation in general (003), run on the experiments of "
                     "004 (two moons), 001 (Franke regression, RandomNet) and 002 (MSE vs cross-entropy).");
    flags.add("out", out, "output folder for CSV files, SVG figures, summary.csv and summary.md");
    flags.add("seed", seed, "seed of every random draw: data, weights, mini-batch order");
    flags.add("experiments", experiments, "the experiments to run", kExperiments);
    flags.add("layers", layers,
              "two-moons network: widths n0,...,nL (n0 = 2 inputs; nL = 1, or 2 with a softmax output)",
              cli::between(1, 4096));
    flags.add("activations", activations,
              "two-moons network: activation of each layer after the input; the output's picks the loss "
              "(sigmoid: binary cross-entropy, softmax: cross-entropy, other: MSE)",
              activation_names());
    flags.add("init", init, "two-moons network: weights N(0, 0.1^2) as 004 (normal), Glorot uniform, or He normal",
              init_names());
    flags.add("leaky-slope", moons.alpha, "two-moons network: slope of leaky_relu for z < 0", cli::between(0, 1));
    flags.add("eta", moons.eta, "two-moons network: learning rate", cli::positive());
    flags.add("momentum", moons.momentum, "two-moons network: momentum (0 = plain SGD)", cli::Bounds{0, 1, false, true});
    flags.add("lambda", moons.lambda, "two-moons network: L2 strength", cli::non_negative());
    flags.add("batch", batch, "two-moons network: mini-batch size", cli::between(1, 1000000));
    flags.add("epochs", epochs, "two-moons network: training epochs", cli::between(1, 1000000));
    flags.add("moons-n", moons_n, "two-moons data: number of points (75 % train, 25 % test)", cli::between(4, 1000000));
    flags.add("moons-noise", moons.noise, "two-moons data: standard deviation of the noise per coordinate",
              cli::non_negative());
    flags.add("franke-n", franke_n, "Franke data: number of points (75 % train, 25 % test)", cli::between(4, 1000000));
    flags.add("franke-noise", franke.sigma, "Franke data: standard deviation of the noise", cli::non_negative());

    return cli::run(flags, argc, argv, [&] {
        auto selected = [&](const std::string& e) {
            return std::find(experiments.begin(), experiments.end(), e) != experiments.end();
        };
        for (const char* f : {"layers", "activations", "init", "leaky-slope", "eta", "momentum", "lambda", "batch",
                              "epochs", "moons-n", "moons-noise"})
            if (flags.given(f) && !selected("moons"))
                throw UsageError(std::string("--") + f + " sets up the two-moons experiment: add moons to --experiments");
        for (const char* f : {"franke-n", "franke-noise"})
            if (flags.given(f) && !selected("franke") && !selected("randomnet"))
                throw UsageError(std::string("--") + f + " needs franke or randomnet in --experiments");

        moons.widths.assign(layers.begin(), layers.end());
        moons.f.clear();
        for (const auto& a : activations) moons.f.push_back(activation_from_name(a));
        if (const std::string problem = architecture_problem(moons.widths, moons.f, loss_for_output(moons.f.back()));
            !problem.empty())
            throw UsageError("--layers/--activations: " + problem);
        if (moons.widths.front() != 2)
            throw UsageError("--layers must start with 2: the two-moons points have 2 coordinates");
        const std::size_t outputs = moons.f.back() == Activation::softmax ? 2 : 1;
        if (moons.widths.back() != outputs)
            throw UsageError("--layers must end with " + std::to_string(outputs) + " for a " +
                             name_of(moons.f.back()) + " output (" +
                             (outputs == 2 ? "one unit per class" : "one unit, P(class 1) or a score") + ")");
        moons.init = init == "normal" ? Init::normal : init == "glorot" ? Init::glorot : Init::he;
        moons.epochs = static_cast<std::size_t>(epochs);
        moons.batch = static_cast<std::size_t>(batch);
        moons.n = static_cast<std::size_t>(moons_n);
        franke.n = static_cast<std::size_t>(franke_n);

        files::ResultFolder folder(out);
        const fs::path dir = folder.path();
        Timer timer;
        Report rep;
        std::size_t runs = 0;   // training runs, for the progress report
        if (selected("moons")) runs += 1;
        if (selected("franke")) runs += 1 + 8 + franke.grid_eta.size() * franke.grid_lambda.size();
        if (selected("randomnet")) runs += randomnet.count;
        if (selected("mse_vs_ce")) runs += 1;
        Progress progress("chapter5", runs);

        if (selected("moons")) {
            moons_experiment(moons, seed, dir, rep);
            progress.step();
        }
        if (selected("franke") || selected("randomnet")) {
            const FrankeData data = make_franke_data(franke.n, seed, franke.sigma);
            const FrankeSets sets = franke_sets(data);
            save_franke_data(dir / "franke_data.csv", data);
            if (selected("franke")) franke_experiment(franke, data, sets, seed, dir, rep, progress);
            if (selected("randomnet")) randomnet_experiment(randomnet, sets, seed, dir, rep, progress);
        }
        if (selected("mse_vs_ce")) {
            sigmoid_unit_experiment(unit, seed, dir, rep);
            progress.step();
        }
        progress.finish();

        rep.summary.save(dir / "summary.csv");
        files::write_atomic(dir / "summary.md",
                            "# Chapter 5 — Deep feed-forward networks and back-propagation\n\n"
                            "Seed " + std::to_string(seed) + ". Numbers beside the documents' own.\n\n" +
                                rep.headlines.markdown() + "\n" + rep.body);
        folder.publish();
        std::cout << rep.headlines.aligned();
        std::cerr << "chapter5: wrote " << folder.shown() << " in " << table::fmt("%.1f", timer.seconds()) << " s\n";
        return 0;
    });
}
