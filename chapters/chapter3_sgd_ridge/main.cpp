// main.cpp — chapter 3: SGD, OLS and Ridge regression on the Franke function (001, "Gradient
// Descent", "Stochastic Gradient Descent & Linear Regression", Methods and Results).
//
// Runs the four experiments of experiments.hpp and writes, to --out:
//   franke_data.csv                 the data (x,y,z,split), so any number can be redone elsewhere
//   closed_form.csv                 basis,degree,lambda,train_mse,test_mse,test_r2 per QR fit
//   closed_form_bootstrap.csv       their bootstrap mean and spread
//   condition_numbers.csv           κ of every design ("ill-conditioned" when meaningless)
//   sgd_ols_grid.csv, sgd_ridge_grid.csv, momentum.csv
//   closed_form_{mse,r2}_{total,tensor}.svg, sgd_{ols,ridge}_{mse,r2}.svg, momentum.svg
//   summary.md                      headline numbers beside the report's, targets, figures
// Standard output: the headline table. Standard error: progress.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/chapter3_sgd_ridge/experiments.hpp"
#include "common/cli.hpp"
#include "common/csv.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"
#include "common/plot/heat_map.hpp"
#include "common/plot/line_plot.hpp"
#include "common/progress.hpp"
#include "common/table.hpp"

namespace fs = std::filesystem;

namespace {

// The report's numbers (001, Results) and the targets.
constexpr double kReportOlsMse = 0.046, kReportOlsR2 = 0.63;     // reference OLS model
constexpr double kReportSgdMse = 0.053, kReportSgdR2 = 0.55;     // best SGD, OLS grid
constexpr double kReportRidgeSgdMse = 0.055, kReportRidgeSgdR2 = 0.52;   // best SGD, Ridge grid
constexpr double kTargetBestMse = 0.042;    // within 5 % of the noise floor 0.04
constexpr double kTargetSgdGap = 0.02;      // SGD within 2 % of the closed form
constexpr double kTargetSeconds = 20;

std::string f4(double x) { return table::fmt("%.4f", x); }
std::string f3(double x) { return table::fmt("%.3f", x); }
std::string g3(double x) { return table::fmt("%.3g", x); }
std::string percent(double x) { return table::fmt("%+.1f %%", 100 * x); }

std::string kappa_text(double kappa) { return ill_conditioned(kappa) ? "ill-conditioned" : g3(kappa); }

std::string lambda_text(double lambda) { return lambda == 0 ? "OLS" : "Ridge λ = " + table::fmt("%g", lambda); }

std::size_t training_size(int n) { return static_cast<std::size_t>(std::lround(0.75 * n)); }

std::size_t columns_of(Basis b, int p) { return monomials(b, p).size(); }

// Cross-flag checks: every design must have fewer columns than there are training points (OLS
// needs it), and no batch can be larger than the training set.
void check_config(const Config& c) {
    const std::size_t n_train = training_size(c.n);
    const std::string have = " training points, but --n " + std::to_string(c.n) + " gives " +
                             std::to_string(n_train);
    if (columns_of(Basis::tensor, c.max_degree) >= n_train)
        throw UsageError("--max-degree " + std::to_string(c.max_degree) + " needs more than " +
                         std::to_string(columns_of(Basis::tensor, c.max_degree)) + have +
                         " (raise --n or lower --max-degree)");
    const Basis b = parse_basis(c.sgd_basis);
    if (columns_of(b, c.sgd_degree) >= n_train)
        throw UsageError("--sgd-degree " + std::to_string(c.sgd_degree) + " (" + c.sgd_basis +
                         " basis) needs more than " + std::to_string(columns_of(b, c.sgd_degree)) +
                         have + " (raise --n or lower --sgd-degree)");
    for (int M : c.batch_sizes)
        if (static_cast<std::size_t>(M) > n_train)
            throw UsageError("--batch-sizes: " + std::to_string(M) + " is more than the " +
                             std::to_string(n_train) + " training points (0 means all of them)");
}

// ---------------------------------------------------------------------------------------------
// Files

void write_closed_form(const fs::path& out, const std::vector<ClosedFormRow>& rows) {
    csv::Writer fits({"basis", "degree", "lambda", "train_mse", "test_mse", "test_r2"});
    csv::Writer boot({"basis", "degree", "lambda", "test_mse_boot_mean", "test_mse_boot_sd",
                      "test_r2_boot_mean", "test_r2_boot_sd"});
    csv::Writer cond({"basis", "degree", "columns", "condition_number", "status"});
    for (const auto& r : rows) {
        const std::string basis = basis_name(r.basis), degree = std::to_string(r.degree);
        fits.row({basis, degree, csv::num(r.lambda), csv::num(r.fit.train_mse),
                  csv::num(r.fit.test_mse), csv::num(r.fit.test_r2)});
        boot.row({basis, degree, csv::num(r.lambda), csv::num(r.fit.boot.mse.mean),
                  csv::num(r.fit.boot.mse.sd), csv::num(r.fit.boot.r2.mean), csv::num(r.fit.boot.r2.sd)});
        if (r.lambda == 0)
            cond.row({basis, degree, std::to_string(columns_of(r.basis, r.degree)),
                      ill_conditioned(r.kappa) ? "" : csv::num(r.kappa),
                      ill_conditioned(r.kappa) ? "ill-conditioned" : "ok"});
    }
    fits.save(out / "closed_form.csv");
    boot.save(out / "closed_form_bootstrap.csv");
    cond.save(out / "condition_numbers.csv");
}

void write_runs(const fs::path& path, const std::vector<SgdRun>& runs) {
    csv::Writer w(sgd_columns());
    for (const auto& r : runs) w.row(sgd_cells(r));
    w.save(path);
}

void write_momentum(const fs::path& out, const MomentumExperiment& m) {
    csv::Writer w({"run", "eta", "omega", "epoch", "train_loss", "excess_loss"});
    for (const auto& c : m.curves)
        for (std::size_t e = 0; e < c.result.loss.size(); ++e)
            w.row({c.id, csv::num(c.options.eta), csv::num(c.options.omega), std::to_string(e),
                   csv::num(c.result.loss[e]), csv::num(c.result.loss[e] - m.minimum_loss)});
    w.save(out / "momentum.csv");
}

// ---------------------------------------------------------------------------------------------
// Figures

// Test MSE (log scale) or R² against degree for one basis: OLS train and test, Ridge test per λ,
// the noise floor σ² and what the Franke function itself scores on this test set.
plot::LinePlot degree_plot(const std::vector<ClosedFormRow>& rows, Basis basis, bool r2_plot,
                           const Config& c, const Fit& truth) {
    plot::LinePlot p;
    const std::string b = basis_name(basis);
    p.title = std::string(r2_plot ? "Test R²" : "Test MSE (and OLS train MSE)") + " of the closed-form fits, " +
              b + " basis";
    p.height = 520;
    p.xlabel = basis == Basis::tensor ? "degree p (x^i y^j, 0 ≤ i, j ≤ p)" : "degree p (x^i y^j, i + j ≤ p)";
    p.ylabel = r2_plot ? "test R²" : "MSE (log scale)";
    p.log_y = !r2_plot;
    Vector lambdas = {0.0};
    lambdas.insert(lambdas.end(), c.lambdas.begin(), c.lambdas.end());
    auto series = [&](double lambda, bool train) {
        plot::Series s;
        s.label = lambda_text(lambda) + (train ? ", train" : "");
        s.dashed = train;
        for (const auto& r : rows)
            if (r.basis == basis && r.lambda == lambda) {
                s.x.push_back(r.degree);
                s.y.push_back(r2_plot ? r.fit.test_r2 : train ? r.fit.train_mse : r.fit.test_mse);
            }
        return s;
    };
    for (double lambda : lambdas) p.series.push_back(series(lambda, false));
    // Say in the legend from which degree on the OLS answer is left out (ill-conditioned design).
    for (const auto& r : rows)
        if (r.basis == basis && r.lambda == 0 && !std::isfinite(r.fit.test_mse)) {
            p.series.front().label += " (p ≥ " + std::to_string(r.degree) + ": ill-conditioned)";
            break;
        }
    // Reference levels as flat dashed lines with legend entries (their values are too close to
    // each other for labels on the lines).
    auto level = [&](double y, const std::string& label, const char* color) {
        plot::Series s;
        s.label = label;
        s.x = {1.0, static_cast<double>(c.max_degree)};
        s.y = {y, y};
        s.markers = false;
        s.dashed = true;
        s.color = color;
        return s;
    };
    if (!r2_plot) {
        plot::Series train = series(0, true);
        train.color = "#777777";
        p.series.push_back(train);
        p.series.push_back(level(c.sigma * c.sigma, "noise floor σ² = " + g3(c.sigma * c.sigma), "#000000"));
        p.series.push_back(level(truth.test_mse, "Franke itself on this test set: " + f4(truth.test_mse), "#d62728"));
    } else {
        p.series.push_back(level(truth.test_r2, "Franke itself on this test set: " + f3(truth.test_r2), "#d62728"));
    }
    return p;
}

std::string eta_label(double eta) { return table::fmt("%.2g", eta); }

plot::HeatMap grid_heat_map(const std::vector<SgdRun>& runs, bool ridge_grid, bool r2_map,
                            const Config& c, std::size_t n_train) {
    plot::HeatMap h;
    const Vector etas = geometric(1e-4, 0.1, c.grid_points);
    for (double eta : etas) h.col_labels.push_back(eta_label(eta));
    const std::string what = r2_map ? "test R²" : "test MSE";
    h.xlabel = "learning rate η";
    h.colorbar_label = what;
    h.low_is_good = !r2_map;
    h.value_format = r2_map ? "%.3f" : "%.4f";
    if (ridge_grid) {
        h.title = "SGD for Ridge: " + what + " after " + std::to_string(c.epochs) + " epochs, batch " +
                  std::to_string(c.ridge_batch_size);
        h.ylabel = "λ (closed-form " + what + ")";
    } else {
        h.title = "SGD for OLS: " + what + " after " + std::to_string(c.epochs) +
                  " epochs (closed form: " +
                  (r2_map ? f3(runs.front().closed_form.test_r2) : f4(runs.front().closed_form.test_mse)) + ")";
        h.ylabel = "batch size M, learning rate schedule";
    }
    for (std::size_t r = 0; r < runs.size(); r += etas.size()) {
        const SgdOptions& o = runs[r].options;
        if (ridge_grid) {
            h.row_labels.push_back("λ = " + table::fmt("%.2g", o.lambda) + " (" +
                                   (r2_map ? f3(runs[r].closed_form.test_r2)
                                           : f4(runs[r].closed_form.test_mse)) + ")");
        } else {
            const std::size_t M = o.batch_size == 0 ? n_train : o.batch_size;
            h.row_labels.push_back("M = " + std::to_string(M) + (o.batch_size == 0 ? " (all)" : "") +
                                   (o.decay ? ", decaying η" : ""));
        }
        std::vector<double> row;
        for (std::size_t j = 0; j < etas.size(); ++j)
            row.push_back(r2_map ? runs[r + j].fit.test_r2 : runs[r + j].fit.test_mse);
        h.values.push_back(row);
    }
    return h;
}

plot::LinePlot momentum_plot(const MomentumExperiment& m) {
    plot::LinePlot p;
    p.title = "OLS by SGD (batch 10): training loss above the closed-form minimum";
    p.xlabel = "epoch";
    p.ylabel = "C(β) − C(β̂)";
    p.log_y = true;
    for (const auto& curve : m.curves) {
        plot::Series s;
        s.label = curve.label;
        if (curve.result.diverged)
            s.label += " — diverged at epoch " + std::to_string(curve.result.diverged_epoch);
        s.markers = false;
        s.dashed = &curve == &m.curves.back();   // it lies on the momentum curve: dashed shows both
        for (std::size_t e = 0; e < curve.result.loss.size(); ++e) {
            const double excess = curve.result.loss[e] - m.minimum_loss;
            s.x.push_back(static_cast<double>(e));
            s.y.push_back(excess > 0 ? excess : NAN);   // ≤ 0 only by rounding: not drawable on a log axis
        }
        p.series.push_back(s);
    }
    return p;
}

// ---------------------------------------------------------------------------------------------
// Headline numbers

const SgdRun* best_run(const std::vector<SgdRun>& runs) {
    const SgdRun* best = nullptr;
    for (const auto& r : runs)
        if (!r.diverged && std::isfinite(r.fit.test_mse) && (!best || r.fit.test_mse < best->fit.test_mse))
            best = &r;
    return best;
}

const ClosedFormRow* best_fit(const std::vector<ClosedFormRow>& rows, bool ols_only) {
    const ClosedFormRow* best = nullptr;
    for (const auto& r : rows)
        if ((!ols_only || r.lambda == 0) && std::isfinite(r.fit.test_mse) &&
            (!best || r.fit.test_mse < best->fit.test_mse))
            best = &r;
    return best;
}

std::string run_settings(const SgdRun& r, std::size_t n_train) {
    const SgdOptions& o = r.options;
    std::string s = "η = " + table::fmt("%.2g", o.eta);
    if (o.lambda > 0) s += ", λ = " + table::fmt("%.2g", o.lambda);
    s += ", M = " + std::to_string(o.batch_size == 0 ? n_train : o.batch_size);
    if (o.decay) s += ", decaying η";
    return s;
}

std::string mse_pm(const Fit& f) { return f4(f.test_mse) + " ± " + f4(f.boot.mse.sd); }
std::string r2_pm(const Fit& f) { return f3(f.test_r2) + " ± " + f3(f.boot.r2.sd); }

}  // namespace

int main(int argc, char** argv) {
    Config c;
    std::string out = files::default_results_dir("chapter3").string();
    cli::Flags flags("chapter3",
                     "SGD, OLS and Ridge regression on the Franke function: closed form against "
                     "degree, SGD grids over η, batch size, decay and λ, momentum (001).");
    flags.add("out", out, "folder for the CSV files, SVG figures and summary.md");
    flags.add("seed", c.seed, "seed of the data (shared Franke recipe), SGD shuffles and bootstrap");
    flags.add("n", c.n, "number of Franke points; 75 % train, 25 % test", cli::between(20, 100000));
    flags.add("max-degree", c.max_degree, "closed-form fits for degrees 1 … this, both bases",
              cli::between(1, 20));
    flags.add("lambdas", c.lambdas, "Ridge λ of the closed-form curves (OLS is always fitted)",
              cli::positive());
    flags.add("sgd-basis", c.sgd_basis, "basis of the SGD experiments", {"total", "tensor"});
    flags.add("sgd-degree", c.sgd_degree, "degree of the SGD experiments' basis", cli::between(1, 20));
    flags.add("scale", c.scale,
              "divide the SGD design's centred columns by their training sd (changes what β and a "
              "Ridge penalty mean; see README)");
    flags.add("epochs", c.epochs, "epochs of every SGD run", cli::between(1, 1000000));
    flags.add("grid-points", c.grid_points, "values of η and of λ, geometric in [1e-4, 0.1]",
              cli::between(2, 30));
    flags.add("batch-sizes", c.batch_sizes, "batch sizes of the OLS grid; 0 = the whole training set",
              cli::non_negative());
    flags.add("momentum", c.omega, "momentum ω of the momentum experiment", cli::Bounds{0, 1, false, true});
    flags.add("momentum-eta", c.momentum_eta, "learning rate η of the momentum experiment",
              cli::Bounds{0, 1, true, false});
    flags.add("bootstrap", c.bootstrap, "bootstrap resamples of the test set per fitted model",
              cli::between(2, 100000));

    return cli::run(flags, argc, argv, [&] {
        check_config(c);
        const fs::path dir(out);
        files::prepare_output_dir(dir);
        Timer timer;

        // The data, and the best any model could do on this test set.
        const FrankeData data = make_franke_data(static_cast<std::size_t>(c.n), c.seed, c.sigma);
        const std::size_t n_train = data.train.size();
        save_franke_data(dir / "franke_data.csv", data);
        const Fit truth = true_function_fit(data, c);

        // 1. Closed form against degree.
        const std::vector<ClosedFormRow> cf = closed_form_sweep(data, c);
        write_closed_form(dir, cf);
        std::vector<std::string> figures;   // "caption|file"
        for (Basis b : {Basis::total, Basis::tensor})
            for (bool r2_plot : {false, true}) {
                const std::string file = std::string("closed_form_") + (r2_plot ? "r2_" : "mse_") +
                                         basis_name(b) + ".svg";
                plot::save(dir / file, plot::to_svg(degree_plot(cf, b, r2_plot, c, truth)));
                figures.push_back(std::string(r2_plot ? "Test R²" : "Train and test MSE") +
                                  " against degree, " + basis_name(b) + " basis|" + file);
            }

        // 2–3. SGD grids on one design.
        const Problem P = sgd_problem(data, c);
        const double kappa_sgd = condition_number(P.X_train);
        const std::vector<SgdRun> ols_runs = sgd_ols_grid(P, c);
        const std::vector<SgdRun> ridge_runs = sgd_ridge_grid(P, c);
        write_runs(dir / "sgd_ols_grid.csv", ols_runs);
        write_runs(dir / "sgd_ridge_grid.csv", ridge_runs);
        for (bool ridge_grid : {false, true})
            for (bool r2_map : {false, true}) {
                const std::string file = std::string("sgd_") + (ridge_grid ? "ridge_" : "ols_") +
                                         (r2_map ? "r2" : "mse") + ".svg";
                plot::save(dir / file, plot::to_svg(grid_heat_map(ridge_grid ? ridge_runs : ols_runs,
                                                                  ridge_grid, r2_map, c, n_train)));
                figures.push_back(std::string("SGD ") + (ridge_grid ? "Ridge" : "OLS") + " grid, " +
                                  (r2_map ? "test R²" : "test MSE") + "|" + file);
            }

        // 4. Momentum.
        const MomentumExperiment mom = momentum_curves(P, c);
        write_momentum(dir, mom);
        plot::save(dir / "momentum.svg", plot::to_svg(momentum_plot(mom)));
        figures.push_back("Momentum against plain SGD: training loss above its minimum|momentum.svg");
        const double seconds = timer.seconds();

        // Headline numbers.
        const ClosedFormRow* best_cf = best_fit(cf, false);
        const ClosedFormRow* best_ols = best_fit(cf, true);
        const SgdRun* best_ols_sgd = best_run(ols_runs);
        const SgdRun* best_ridge_sgd = best_run(ridge_runs);
        const SgdRun* best_sgd = best_ols_sgd;
        if (best_ridge_sgd && (!best_sgd || best_ridge_sgd->fit.test_mse < best_sgd->fit.test_mse))
            best_sgd = best_ridge_sgd;
        const std::string sgd_design = c.sgd_basis + " basis, degree " + std::to_string(c.sgd_degree) +
                                       (c.scale ? ", scaled columns" : "");

        table::Text head({"model", "test MSE", "test R²", "report (001): MSE, R²"});
        auto cf_row = [&](const std::string& what, const ClosedFormRow* r, const std::string& report) {
            if (!r) return;
            head.add({what + ": " + basis_name(r->basis) + " p = " + std::to_string(r->degree) + ", " +
                          lambda_text(r->lambda),
                      mse_pm(r->fit), r2_pm(r->fit), report});
        };
        auto sgd_row = [&](const std::string& what, const SgdRun* r, const std::string& report) {
            if (r) head.add({what + ": " + run_settings(*r, n_train), mse_pm(r->fit), r2_pm(r->fit), report});
            else head.add({what, "every run diverged", "—", report});
        };
        head.add({"noise floor σ² (a perfect model, on average)", f4(c.sigma * c.sigma), "—", "—"});
        head.add({"Franke itself, on this test set", mse_pm(truth), r2_pm(truth), "—"});
        cf_row("best closed form", best_cf, "—");
        cf_row("best closed-form OLS", best_ols,
               f3(kReportOlsMse) + ", " + table::fmt("%.2f", kReportOlsR2) + " (normal equations)");
        sgd_row("best SGD, OLS grid", best_ols_sgd,
                f3(kReportSgdMse) + ", " + table::fmt("%.2f", kReportSgdR2) + " (η = 0.01, M = 10)");
        sgd_row("best SGD, Ridge grid", best_ridge_sgd,
                f3(kReportRidgeSgdMse) + ", " + table::fmt("%.2f", kReportRidgeSgdR2) + " (η = 0.1)");

        // Targets of the issue.
        double best_model = NAN;
        for (double v : {best_cf ? best_cf->fit.test_mse : NAN, best_sgd ? best_sgd->fit.test_mse : NAN})
            if (std::isfinite(v) && !(best_model <= v)) best_model = v;
        const double gap = best_sgd ? best_sgd->fit.test_mse / best_sgd->closed_form.test_mse - 1 : NAN;
        auto verdict = [](bool met) { return met ? std::string("met") : std::string("NOT met"); };
        table::Text targets({"target (issue)", "ours", "verdict"});
        targets.add({"best model's test MSE ≤ " + f3(kTargetBestMse),
                     f4(best_model) + " (Franke itself: " + f4(truth.test_mse) + ")",
                     verdict(best_model <= kTargetBestMse)});
        targets.add({"best SGD run within " + table::fmt("%.0f", 100 * kTargetSgdGap) +
                         " % of the closed form (same design and λ)",
                     best_sgd ? f4(best_sgd->fit.test_mse) + " vs " + f4(best_sgd->closed_form.test_mse) +
                                    " (" + percent(gap) + ")"
                              : std::string("every run diverged"),
                     verdict(std::fabs(gap) <= kTargetSgdGap)});
        targets.add({"whole run ≤ " + table::fmt("%.0f", kTargetSeconds) + " s",
                     table::fmt("%.1f", seconds) + " s", verdict(seconds <= kTargetSeconds)});

        // summary.md
        std::string md = "# Chapter 3 — SGD and Ridge regression on the Franke function\n\n";
        md += "Source: 001, \"Gradient Descent\", \"Stochastic Gradient Descent & Linear Regression\", "
              "Methods and Results (Franke function). " + std::to_string(c.n) +
              " points z = Franke(x, y) + " + g3(c.sigma) + "·N(0, 1), seed " + std::to_string(c.seed) +
              ", " + std::to_string(n_train) + " train / " + std::to_string(data.test.size()) +
              " test; inputs and z centred by the training means. SGD design: " + sgd_design + " (" +
              std::to_string(P.X_train.cols) + " columns, κ = " + kappa_text(kappa_sgd) + "), " +
              std::to_string(c.epochs) + " epochs per run, β₀ = 0. Test scores: value on the test set ± "
              "standard deviation over " + std::to_string(c.bootstrap) + " bootstrap resamples of it.\n\n";
        md += "## Headline numbers\n\n" + head.markdown() + "\n## Targets\n\n" + targets.markdown() +
              "\nThe noise floor σ² is an average over noise draws. The " + std::to_string(data.test.size()) +
              " noise values actually drawn for this test set have a mean square of " + f4(truth.test_mse) +
              " (± " + f4(truth.boot.mse.sd) + " bootstrap sd): that is the test MSE of the Franke "
              "function itself, the best any model can expect here. Run time: the whole program, as "
              "measured by itself; `make bench` times the experiments one by one.\n";
        md += "\n## Diverged runs\n\n";
        std::size_t diverged = 0;
        for (const auto* grid : {&ols_runs, &ridge_runs})
            for (const auto& r : *grid)
                if (r.diverged) {
                    md += std::string("- SGD ") + (grid == &ols_runs ? "OLS" : "Ridge") + " grid, " +
                          run_settings(r, n_train) + ": " + describe_run(r) + "\n";
                    ++diverged;
                }
        for (const auto& curve : mom.curves)
            if (curve.result.diverged) {
                md += "- momentum experiment, " + curve.label + ": diverged at epoch " +
                      std::to_string(curve.result.diverged_epoch) + "\n";
                ++diverged;
            }
        if (diverged == 0) md += "None: every SGD run kept its loss finite and below 1e6 × its start.\n";
        md += "\n## Figures\n\n";
        for (const auto& f : figures) {
            const auto bar = f.find('|');
            md += "![" + f.substr(0, bar) + "](" + f.substr(bar + 1) + ")\n\n";
        }
        table::Text cond({"degree", "total: columns", "total: κ", "tensor: columns", "tensor: κ"});
        for (int p = 1; p <= c.max_degree; ++p) {
            double kt = NAN, kx = NAN;
            for (const auto& r : cf)
                if (r.degree == p && r.lambda == 0) (r.basis == Basis::total ? kt : kx) = r.kappa;
            cond.add({std::to_string(p), std::to_string(columns_of(Basis::total, p)), kappa_text(kt),
                      std::to_string(columns_of(Basis::tensor, p)), kappa_text(kx)});
        }
        md += "## Condition numbers of the centred training designs\n\n" + cond.markdown() +
              "\n\"ill-conditioned\": κ ≥ 1e-3/ε ≈ 4.5e12, where neither κ nor the OLS answer can be "
              "trusted in double precision; those OLS fits are left out of the tables and figures.\n";
        files::write_atomic(dir / "summary.md", md);

        std::cout << head.aligned() << "\n" << targets.aligned();
        if (diverged > 0)
            std::cout << "\n" << diverged << " SGD run" << (diverged == 1 ? "" : "s")
                      << " diverged (stopped, listed in summary.md; their cells are marked, not drawn)\n";
        std::cout << "\nresults in " << dir.string() << "\n";
        return 0;
    });
}
