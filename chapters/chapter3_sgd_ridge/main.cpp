// main.cpp — chapter 3: SGD, OLS and Ridge regression on the Franke function (001, "Gradient
// Descent", "Stochastic Gradient Descent & Linear Regression", Methods and Results).
//
// Reads like 001's Results: one function per figure or table it reproduces or adds,
//   closed_form_against_degree   closed_form.csv, closed_form_{mse,r2}_{total,tensor}.svg
//   closed_form_bootstrap        closed_form_bootstrap.csv (001, Methods: 100 bootstrap samples)
//   condition_numbers            condition_numbers.csv and its table in summary.md
//   figure3_sgd_ols_grid         sgd_ols_grid.csv, sgd_ols_{mse,r2}.svg          (001, Fig. 3)
//   figure4_sgd_ridge_grid       sgd_ridge_grid.csv, sgd_ridge_{mse,r2}.svg      (001, Fig. 4)
//   momentum_against_plain_sgd   momentum.csv, momentum.svg
//   optimizers_against_the_optimum  optimizer_search.csv, optimizers.csv, optimizers.svg (003's
//                                   Adagrad, RMSprop, Adam beside SGD and momentum)
//   headline_table               the reference OLS model and the grids' models (001, Results)
// plus franke_data.csv and sgd_design.csv (the data and the SGD problem, so any number can be
// redone elsewhere) and summary.md. Every setting behind a headline number is chosen by K-fold
// cross-validation on the training set (model_selection.hpp); the test set scores the chosen model.
// Standard output: the headline tables. Standard error: progress.
// Before anything is created, the work of a run is estimated from its flags (run_size.hpp): a
// run far beyond the defaults says so first and reports every stage from its first epoch, and one
// beyond the hard bounds is refused unless --allow-large.

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/chapter3_sgd_ridge/experiments.hpp"
#include "chapters/chapter3_sgd_ridge/figures.hpp"
#include "chapters/chapter3_sgd_ridge/run_size.hpp"
#include "common/cli.hpp"
#include "common/csv.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"
#include "common/summary.hpp"
#include "common/table.hpp"
#include "common/workload.hpp"

namespace fs = std::filesystem;

namespace {

// The report's numbers (001, Results).
constexpr double kReportOlsMse = 0.046, kReportOlsR2 = 0.63;             // reference OLS model
constexpr double kReportSgdMse = 0.053, kReportSgdR2 = 0.55;             // lowest of Fig. 3
constexpr double kReportRidgeSgdMse = 0.055, kReportRidgeSgdR2 = 0.52;   // lowest of Fig. 4

// ---------------------------------------------------------------------------------------------
// Checking the flags against each other, before anything is written

std::size_t training_size(int n) { return static_cast<std::size_t>(std::lround(0.75 * n)); }

// Every design must have fewer columns than there are training points (OLS needs it), and no
// batch can be larger than the training set.
void check_flags(const Config& c) {
    const std::size_t n_train = training_size(c.n);
    const std::string have = " training points, but --n " + std::to_string(c.n) + " gives " +
                             std::to_string(n_train);
    if (column_count(Basis::tensor, c.max_degree) >= n_train)
        throw UsageError("--max-degree " + std::to_string(c.max_degree) + " needs more than " +
                         std::to_string(column_count(Basis::tensor, c.max_degree)) + have +
                         " (raise --n or lower --max-degree)");
    const Basis b = parse_basis(c.sgd_basis);
    if (column_count(b, c.sgd_degree) >= n_train)
        throw UsageError("--sgd-degree " + std::to_string(c.sgd_degree) + " (" + c.sgd_basis +
                         " basis) needs more than " + std::to_string(column_count(b, c.sgd_degree)) +
                         have + " (raise --n or lower --sgd-degree)");
    for (int M : c.batch_sizes)
        if (static_cast<std::size_t>(M) > n_train)
            throw UsageError("--batch-sizes: " + std::to_string(M) + " is more than the " +
                             std::to_string(n_train) + " training points (0 means all of them)");
    // Cross-validation fits OLS on all folds but one: those rows must still outnumber the columns.
    const auto K = static_cast<std::size_t>(c.folds);
    const std::size_t fit_rows = n_train - (n_train + K - 1) / K;
    if (column_count(Basis::tensor, c.max_degree) >= fit_rows)
        throw UsageError("--max-degree " + std::to_string(c.max_degree) + " needs more than " +
                         std::to_string(column_count(Basis::tensor, c.max_degree)) + " points in every " +
                         "cross-validation fit, but --folds " + std::to_string(c.folds) + " leaves " +
                         std::to_string(fit_rows) + " of the " + std::to_string(n_train) +
                         " training points (raise --n or --folds, or lower --max-degree)");
}

// ---------------------------------------------------------------------------------------------
// Writing: every file goes into the run's staging folder; what summary.md shows is collected here

struct Report {
    fs::path dir;                              // files::ResultFolder::path()
    std::vector<summary::Figure> figures;
    std::vector<summary::Section> sections;
    std::vector<std::string> diverged;         // "SGD OLS grid, η = 0.1, M = 10: diverged at epoch 3"
};

// What every search may see: the training points and their K folds.
struct Selection {
    TrainingPoints training;
    Folds folds;
};

// One CSV file: a header of `columns`, then cells(r) for every row r.
template <class Row, class Cells>
void write_csv(const fs::path& path, const std::vector<std::string>& columns, const std::vector<Row>& rows,
               Cells cells) {
    csv::Writer w(columns);
    for (const Row& r : rows) w.row(cells(r));
    w.save(path);
}

// The figure of 001 that each of ours reproduces ("" for those 001 does not draw).
std::string document_figure(const std::string& file) {
    if (file.rfind("sgd_ols_", 0) == 0) return "001 Fig. 3";
    if (file.rfind("sgd_ridge_", 0) == 0) return "001 Fig. 4";
    return "";
}

void save_figure(Report& report, const std::string& file, const std::string& svg, const std::string& caption) {
    plot::save(report.dir / file, svg);
    report.figures.push_back({file, caption, document_figure(file)});
}

void note_diverged(Report& report, const std::string& grid, const std::vector<SgdRun>& runs, std::size_t n_train) {
    for (const SgdRun& r : runs)
        if (r.diverged) report.diverged.push_back(grid + ", " + run_settings(r.options, n_train) + ": " + describe_run(r));
}

// ---------------------------------------------------------------------------------------------
// The figures and tables, one function each

// 001, Methods (polynomials up to p = 14, OLS and Ridge) and Results (the reference OLS model):
// train and test MSE and test R² of the closed-form fits against degree, in both bases.
// Degree, basis and λ are chosen by K-fold CV on the training set; then every fit is scored on test.
std::vector<ClosedFormFit> closed_form_against_degree(const FrankeData& data, const Selection& sel, const Config& c,
                                                      const FitScores& franke_itself, Report& report) {
    std::vector<ClosedFormFit> fits = closed_form_search(sel.training, sel.folds, c);
    closed_form_fits(data, fits, c);
    write_csv(report.dir / "closed_form.csv", closed_form_columns(), fits, closed_form_cells);
    for (Basis b : {Basis::total, Basis::tensor})
        for (bool r2_plot : {false, true}) {
            const std::string basis = basis_name(b);
            const std::string file = std::string("closed_form_") + (r2_plot ? "r2_" : "mse_") + basis + ".svg";
            save_figure(report, file, plot::to_svg(degree_plot(fits, b, r2_plot, c, franke_itself)),
                        std::string(r2_plot ? "Test R²" : "Train, CV and test MSE") + " of the closed-form fits "
                        "against degree, " + basis + " basis, beside " + (r2_plot ? "" : "the noise floor and ") +
                            "Franke itself; in black the fit chosen by cross-validation" +
                            (r2_plot ? "" : " (a bar from its CV MSE to its test MSE)"));
        }
    return fits;
}

// 001, Methods ("100 bootstrap samples"): the mean and spread of every closed-form score over
// bootstrap resamples of the test set.
void closed_form_bootstrap(const std::vector<ClosedFormFit>& fits, Report& report) {
    write_csv(report.dir / "closed_form_bootstrap.csv", bootstrap_columns(), fits, bootstrap_cells);
}

std::string kappa_text(double kappa) { return ill_conditioned(kappa) ? "ill-conditioned" : table::sig(kappa); }

// κ of every centred training design: where OLS, and the report's normal equations, can be trusted.
void condition_numbers(const std::vector<ClosedFormFit>& fits, const Config& c, Report& report) {
    std::vector<ClosedFormFit> designs;   // one per design: its OLS fit carries its κ
    for (const auto& f : fits)
        if (f.lambda == 0) designs.push_back(f);
    write_csv(report.dir / "condition_numbers.csv", condition_columns(), designs, condition_cells);
    table::Text t({"degree", "total: columns", "total: κ", "tensor: columns", "tensor: κ"});
    for (int p = 1; p <= c.max_degree; ++p) {
        double k_total = NAN, k_tensor = NAN;
        for (const auto& f : fits)
            if (f.degree == p && f.lambda == 0) (f.basis == Basis::total ? k_total : k_tensor) = f.kappa;
        t.add({std::to_string(p), std::to_string(column_count(Basis::total, p)), kappa_text(k_total),
               std::to_string(column_count(Basis::tensor, p)), kappa_text(k_tensor)});
    }
    report.sections.push_back(
        {"Condition numbers of the centred training designs",
         t.markdown() + "\n\"ill-conditioned\": κ ≥ 1e-3/ε ≈ 4.5e12, where neither κ nor the OLS answer can be "
                        "trusted in double precision; those OLS fits are left out of the tables and figures."});
}

// 001, Fig. 3: SGD for OLS, test MSE and R² over η × batch size, constant and decaying η; the
// setting chosen by K-fold CV on the training set outlined.
std::vector<SgdRun> figure3_sgd_ols_grid(const Design& design, const Selection& sel, const Config& c, Report& report) {
    const std::vector<SgdOptions> settings = sgd_ols_settings(c);
    const Vector cv = sgd_grid_search(sel.training, sel.folds, settings, c, "SGD OLS grid");
    const std::vector<SgdRun> runs = sgd_grid(design, settings, cv, c, "SGD OLS grid");
    const std::size_t n_train = design.X_train.rows;
    write_csv(report.dir / "sgd_ols_grid.csv", sgd_columns(), runs, sgd_cells);
    for (bool r2_map : {false, true})
        save_figure(report, std::string("sgd_ols_") + (r2_map ? "r2" : "mse") + ".svg",
                    plot::to_svg(sgd_ols_map(runs, r2_map, c, n_train)),
                    std::string("SGD for OLS (001, Fig. 3): ") + (r2_map ? "test R²" : "test MSE") +
                        " over η × batch size, constant and decaying η; outlined: the run chosen by cross-validation");
    note_diverged(report, "SGD OLS grid", runs, n_train);
    return runs;
}

// 001, Fig. 4: SGD for Ridge, test MSE and R² over η × λ at batch size 10; the CV choice outlined.
std::vector<SgdRun> figure4_sgd_ridge_grid(const Design& design, const Selection& sel, const Config& c, Report& report) {
    const std::vector<SgdOptions> settings = sgd_ridge_settings(c);
    const Vector cv = sgd_grid_search(sel.training, sel.folds, settings, c, "SGD Ridge grid");
    const std::vector<SgdRun> runs = sgd_grid(design, settings, cv, c, "SGD Ridge grid");
    write_csv(report.dir / "sgd_ridge_grid.csv", sgd_columns(), runs, sgd_cells);
    for (bool r2_map : {false, true})
        save_figure(report, std::string("sgd_ridge_") + (r2_map ? "r2" : "mse") + ".svg",
                    plot::to_svg(sgd_ridge_map(runs, r2_map, c)),
                    std::string("SGD for Ridge (001, Fig. 4): ") + (r2_map ? "test R²" : "test MSE") +
                        " over η × λ, beside each λ's closed form; outlined: the run chosen by cross-validation");
    note_diverged(report, "SGD Ridge grid", runs, design.X_train.rows);
    return runs;
}

// 001, "Gradient Descent" (momentum): the training loss of plain SGD, SGD with momentum ω, and
// plain SGD with the step η/(1 − ω) that momentum amounts to.
void momentum_against_plain_sgd(const Design& design, const Config& c, Report& report) {
    const MomentumCurves m = momentum_curves(design, c);
    csv::Writer w(momentum_columns());
    for (const auto& curve : m.curves)
        for (std::size_t e = 0; e < curve.result.loss.size(); ++e) w.row(momentum_cells(curve, e, m.minimum_loss));
    w.save(report.dir / "momentum.csv");
    save_figure(report, "momentum.svg", plot::to_svg(momentum_plot(m)),
                "Momentum against plain SGD: the training loss above its minimum, against epoch");
    for (const auto& curve : m.curves)
        if (curve.result.diverged)
            report.diverged.push_back("momentum curves, " + curve.label + ": diverged at epoch " +
                                      std::to_string(curve.result.diverged_epoch));
}

// sgd_design.csv: the exact training design and targets of every SGD run, so that any other tool
// can rerun any update rule on the very same problem.
void write_sgd_design(const Design& design, Report& report) {
    csv::Writer w(sgd_design_columns(design));
    for (std::size_t r = 0; r < design.X_train.rows; ++r) w.row(sgd_design_cells(design, r));
    w.save(report.dir / "sgd_design.csv");
}

// Each update rule's chosen run: its η, CV MSE, and after the last epoch its distance to β*, its
// training MSE above C(β*) and its test MSE.
table::Text optimizer_table(const std::vector<OptimizerRun>& runs, const Optimum& optimum, std::size_t n_train) {
    table::Text t({"update rule", "batch", "η (CV)", "CV MSE", "‖β − β*‖/‖β*‖", "C(β) − C(β*)", "test MSE"});
    for (const auto& r : runs) {
        const bool ok = !r.result.diverged;
        t.add({method_name(r.options.method), batch_text(r.options.batch_size, n_train), table::param(r.options.eta),
               table::fixed(r.cv_mse, 4), ok ? table::fixed(r.distance.back(), 3) : "diverged",
               ok ? table::sci(r.result.loss.back() - optimum.train_mse) : "—",
               ok ? table::fixed(r.scores.test_mse, 4) : "—"});
    }
    return t;
}

// Why no rule gets near β*: the spectrum of the Hessian, and what a diagonal rescaling could do.
std::string conditioning_text(const Design& design, const std::vector<OptimizerRun>& runs, const Config& c) {
    const Conditioning k = conditioning(design);
    std::string text = "Each update rule ran " + std::to_string(c.epochs) + " epochs from β₀ = 0 at the η that " +
                       std::to_string(c.folds) + "-fold cross-validation chose from its grid (optimizer_search.csv), then "
                       "was scored once on the test set; β* is the closed-form OLS answer on the same design. The "
                       "design has κ(X) = " + table::sig(k.kappa) + ", so the Hessian H = (2/n)XᵀX of the training loss "
                       "has eigenvalues from h_min = " + table::sci(k.h_min) + " to h_max = " + table::sci(k.h_max) +
                       ", κ(H) = " + table::sci(k.kappa * k.kappa) + ". A plain gradient step is stable only for η < "
                       "2/h_max = " + table::sig(2 / k.h_max) + ", and it shrinks the error along the eigenvector of "
                       "eigenvalue h by the factor 1 − ηh.";
    for (const OptimizerRun& r : runs)
        if (r.options.method == Method::sgd && r.options.batch_size > 0) {
            const double steps = static_cast<double>(c.epochs) *
                                 std::ceil(static_cast<double>(design.X_train.rows) / static_cast<double>(r.options.batch_size));
            text += " At the chosen η = " + table::param(r.options.eta) + ", the " + table::param(steps) +
                    " mini-batch steps of plain SGD shrink it along the flattest direction by (1 − η·h_min)^t = " +
                    table::fixed(std::pow(1 - r.options.eta * k.h_min, steps), 4) + ": there, SGD has not moved.";
        }
    return text + " Adagrad, RMSprop and Adam rescale each coordinate, much like a diagonal preconditioner D; with "
                  "every column scaled to the same norm κ(X D⁻¹) = " + table::sig(k.kappa_scaled) + ", and by van der "
                  "Sluis's theorem no diagonal scaling gets below that divided by √k, " +
                  table::sig(k.kappa_diagonal_floor) + ": the columns of a polynomial design are strongly correlated, "
                  "and no rescaling of single coordinates undoes that.";
}

// The five update rules on the SGD experiments' OLS problem, each at its cross-validated η, with
// mini-batches and with the whole training set: how far each gets from the exact optimum β*.
void optimizers_against_the_optimum(const Design& design, const Selection& sel, const Config& c, Report& report) {
    const std::vector<OptimizerCandidate> search = optimizer_search(sel.training, sel.folds, c);
    write_csv(report.dir / "optimizer_search.csv", optimizer_search_columns(), search, optimizer_search_cells);
    const Optimum optimum = exact_optimum(design);
    const std::vector<OptimizerRun> runs = optimizer_runs(design, optimum, search, c);
    csv::Writer w(optimizers_columns());
    for (const auto& r : runs)
        for (std::size_t e = 0; e < r.result.loss.size(); ++e) w.row(optimizers_cells(r, e));
    w.save(report.dir / "optimizers.csv");
    const std::size_t n_train = design.X_train.rows;
    save_figure(report, "optimizers.svg", plot::to_svg(optimizers_plot(runs, optimum, c, n_train)),
                "SGD, momentum, Adagrad, RMSprop and Adam, each at its cross-validated η: distance to the exact "
                "optimum β* (top) and training MSE above C(β*) (bottom, same colours), against epoch");
    report.sections.push_back({"Five update rules against the exact optimum",
                               optimizer_table(runs, optimum, n_train).markdown() + "\n" + conditioning_text(design, runs, c)});
    for (const auto& r : runs)
        if (r.result.diverged)
            report.diverged.push_back("optimisers, " + std::string(method_name(r.options.method)) + ", " +
                                      batch_text(r.options.batch_size, n_train) + ": " + "diverged at epoch " +
                                      std::to_string(r.result.diverged_epoch));
}

// ---------------------------------------------------------------------------------------------
// Headline numbers: each search's cross-validated choice, scored once on the test set, beside the
// report's numbers and the noise floor

const SgdRun* chosen(const std::vector<SgdRun>& runs) {
    for (const auto& r : runs)
        if (r.chosen) return &r;
    return nullptr;
}

const ClosedFormFit* chosen(const std::vector<ClosedFormFit>& fits, bool ridge) {
    for (const auto& f : fits)
        if (f.chosen && (f.lambda > 0) == ridge) return &f;
    return nullptr;
}

// For comparison only: the lowest test MSE of a grid, the number that choosing by the test score
// would report.
double lowest_test_mse(const std::vector<SgdRun>& runs) {
    double low = NAN;
    for (const auto& r : runs)
        if (std::isfinite(r.scores.test_mse) && !(r.scores.test_mse >= low)) low = r.scores.test_mse;
    return low;
}
double lowest_test_mse(const std::vector<ClosedFormFit>& fits, bool ridge) {
    double low = NAN;
    for (const auto& f : fits)
        if ((f.lambda > 0) == ridge && std::isfinite(f.scores.test_mse) && !(f.scores.test_mse >= low))
            low = f.scores.test_mse;
    return low;
}

struct Results {
    FitScores franke_itself;
    std::vector<ClosedFormFit> closed_form;
    std::vector<SgdRun> ols_runs, ridge_runs;
    std::size_t n_train = 0;
};

std::string mse_with_spread(const FitScores& f) { return table::fixed(f.test_mse, 4) + " ± " + table::fixed(f.boot.mse.sd, 4); }
std::string r2_with_spread(const FitScores& f) { return table::fixed(f.test_r2, 3) + " ± " + table::fixed(f.boot.r2.sd, 3); }

std::string report_text(double mse, double r2, const std::string& where) {
    return table::fixed(mse, 3) + ", " + table::fixed(r2, 2) + " (" + where + ")";
}

std::string headline_title(const Config& c) {
    return "model (settings chosen by " + std::to_string(c.folds) + "-fold CV on the training set)";
}

// 001, Results: the reference OLS model and the SGD grids (Figs. 3, 4); each row the model its
// search chose by cross-validation, scored once on the test set.
table::Text headline_table(const Results& r, const Config& c) {
    table::Text t({headline_title(c), "CV MSE", "test MSE", "test R²", "report (001): MSE, R²"});
    t.add({"noise floor σ² (a perfect model, on average)", "—", table::fixed(c.sigma * c.sigma, 4), "—", "—"});
    t.add({"Franke itself, on this test set", "—", mse_with_spread(r.franke_itself), r2_with_spread(r.franke_itself), "—"});
    for (bool ridge : {false, true}) {
        const std::string model = ridge ? "closed-form Ridge" : "closed-form OLS";
        const std::string report = ridge ? "—" : report_text(kReportOlsMse, kReportOlsR2, "normal equations");
        if (const ClosedFormFit* f = chosen(r.closed_form, ridge))
            t.add({model + ": " + basis_name(f->basis) + " p = " + std::to_string(f->degree) +
                       (ridge ? ", λ = " + table::param(f->lambda) : ""),
                   table::fixed(f->cv_mse, 4), mse_with_spread(f->scores), r2_with_spread(f->scores), report});
        else
            t.add({model, "no candidate", "—", "—", report});
    }
    auto sgd_row = [&](const std::string& grid, const std::vector<SgdRun>& runs, const std::string& report) {
        if (const SgdRun* s = chosen(runs))
            t.add({grid + ": " + run_settings(s->options, r.n_train), table::fixed(s->cv_mse, 4),
                   s->diverged ? describe_run(*s) : mse_with_spread(s->scores), s->diverged ? "—" : r2_with_spread(s->scores),
                   report});
        else
            t.add({grid, "every setting diverged", "—", "—", report});
    };
    sgd_row("SGD, OLS grid", r.ols_runs, report_text(kReportSgdMse, kReportSgdR2, "η = 0.01, M = 10"));
    sgd_row("SGD, Ridge grid", r.ridge_runs, report_text(kReportRidgeSgdMse, kReportRidgeSgdR2, "η = 0.1"));
    return t;
}

// Each grid's cross-validated SGD run against the closed-form answer on the same design and λ.
table::Text sgd_against_closed_form_table(const Results& r) {
    table::Text t({"SGD run (chosen by CV in its grid)", "SGD test MSE", "closed form, same design and λ",
                   "SGD − closed form"});
    for (const auto* runs : {&r.ols_runs, &r.ridge_runs})
        if (const SgdRun* s = chosen(*runs); s && !s->diverged)
            t.add({std::string(runs == &r.ols_runs ? "OLS grid: " : "Ridge grid: ") + run_settings(s->options, r.n_train),
                   table::fixed(s->scores.test_mse, 4), table::fixed(s->closed_form.test_mse, 4),
                   table::change(s->scores.test_mse / s->closed_form.test_mse - 1)});
    return t;
}

std::string fixed_or_dash(double x) { return std::isfinite(x) ? table::fixed(x, 4) : "—"; }

std::string headline_notes(const Results& r, const Config& c, std::size_t n_test) {
    const std::string K = std::to_string(c.folds);
    return "How each model row was chosen: " + K + "-fold cross-validation on the " + std::to_string(r.n_train) +
           " training points picked the basis and degree of closed-form OLS; basis, degree and λ of closed-form "
           "Ridge; η, batch size and schedule in the SGD OLS grid; η and λ in the SGD Ridge grid: each the setting "
           "with the lowest CV MSE (the mean MSE on the held-out fold, fitted on the other " +
           std::to_string(c.folds - 1) + "). The test set then scored each chosen model, fitted on the whole "
           "training set, once. Choosing by the test score instead would have reported the grids' lowest test "
           "MSEs, " + fixed_or_dash(lowest_test_mse(r.closed_form, false)) + ", " +
           fixed_or_dash(lowest_test_mse(r.closed_form, true)) + ", " + fixed_or_dash(lowest_test_mse(r.ols_runs)) +
           " and " + fixed_or_dash(lowest_test_mse(r.ridge_runs)) + ": numbers flattered by the choice. ± is the "
           "standard deviation of the score over " + std::to_string(c.bootstrap) + " bootstrap resamples of the "
           "test set. The noise floor σ² is an average over noise draws; the " + std::to_string(n_test) +
           " noise values drawn for this test set have a mean square of " + table::fixed(r.franke_itself.test_mse, 4) +
           ", the test MSE of the Franke function itself, so no model can expect to do much better here.";
}

std::string sgd_against_closed_form_notes() {
    return "A negative difference means SGD scores better on the test set than the exact minimiser of its "
           "training loss: it stopped before reaching that minimum along the flattest directions of the design, "
           "and stopping early regularises much as Ridge does. A difference near zero means SGD reached the "
           "closed-form answer; a positive one, that it is still on its way there.";
}

std::string diverged_text(const Report& report) {
    if (report.diverged.empty()) return "None: every SGD run kept its loss finite and below 1e6 × its start.";
    std::string md;
    for (const auto& line : report.diverged) md += "- " + line + "\n";
    return md;
}

// ---------------------------------------------------------------------------------------------
// The program

std::string setup_text(const Config& c, const FrankeData& data, const Design& design) {
    return std::to_string(c.n) + " points z = Franke(x, y) + " + table::sig(c.sigma) + "·N(0, 1), seed " +
           std::to_string(c.seed) + ", " + std::to_string(data.train.size()) + " train / " +
           std::to_string(data.test.size()) + " test; inputs and z centred by the training means. SGD design: " +
           c.sgd_basis + " basis, degree " + std::to_string(c.sgd_degree) + (c.scale ? ", scaled columns" : "") +
           " (" + std::to_string(design.X_train.cols) + " columns, κ = " +
           kappa_text(condition_number(design.X_train)) + "), " + std::to_string(c.epochs) +
           " epochs per run, β₀ = 0. Every setting behind a headline number chosen by " + std::to_string(c.folds) +
           "-fold cross-validation on the training set. Test scores: value on the test set ± standard deviation "
           "over " + std::to_string(c.bootstrap) + " bootstrap resamples of it.";
}

int run_chapter(const Config& c, const std::string& out, const std::string& command, bool allow_large) {
    check_flags(c);
    workload::check(estimate(c), size_bounds(), allow_large);
    files::ResultFolder folder(out);   // every flag and the run's size have been checked
    Report report{folder.path(), {}, {}, {}};

    const FrankeData data = make_franke_data(static_cast<std::size_t>(c.n), c.seed, c.sigma);
    save_franke_data(report.dir / "franke_data.csv", data);
    Selection sel{training_points(data), {}};
    sel.folds = training_folds(sel.training.size(), c);
    Results r;
    r.franke_itself = franke_itself_scores(data, c);
    r.closed_form = closed_form_against_degree(data, sel, c, r.franke_itself, report);
    closed_form_bootstrap(r.closed_form, report);
    condition_numbers(r.closed_form, c, report);
    const Design design = sgd_design(data, c);
    r.n_train = design.X_train.rows;
    write_sgd_design(design, report);
    r.ols_runs = figure3_sgd_ols_grid(design, sel, c, report);
    r.ridge_runs = figure4_sgd_ridge_grid(design, sel, c, report);
    momentum_against_plain_sgd(design, c, report);
    optimizers_against_the_optimum(design, sel, c, report);

    summary::Summary s;
    s.title = "Chapter 3 — SGD and Ridge regression on the Franke function";
    s.sources = "001, \"Gradient Descent\", \"Stochastic Gradient Descent & Linear Regression\", Methods and "
                "Results (Franke function, Figs. 3 and 4); 003, \"Other ingredients of a neural network\" (Adagrad, "
                "RMSprop, Adam: Duchi, Hazan & Singer 2011; Tieleman & Hinton 2012; Kingma & Ba 2015)";
    s.setup = setup_text(c, data, design);
    s.headline = headline_table(r, c);
    s.headline_notes = headline_notes(r, c, data.test.size());
    s.figures = report.figures;
    const table::Text comparison = sgd_against_closed_form_table(r);
    s.sections.push_back({"SGD against the closed form", comparison.markdown() + "\n" + sgd_against_closed_form_notes()});
    s.sections.push_back({"Diverged runs", diverged_text(report)});
    s.sections.insert(s.sections.end(), report.sections.begin(), report.sections.end());
    s.command = command;
    summary::save(report.dir / "summary.md", s);
    folder.publish();

    std::cout << s.headline.aligned()
              << "note: each model's settings were chosen by " << c.folds << "-fold cross-validation on the "
              << r.n_train << " training points; the test set scored each chosen model once (see summary.md)\n\n"
              << comparison.aligned();
    if (!report.diverged.empty()) {
        std::cout << "\ndiverged runs (stopped; no score; marked in the figures, not drawn):\n";
        for (const auto& line : report.diverged) std::cout << "  " << line << "\n";
    }
    return 0;
}

void add_flags(cli::Flags& flags, Config& c, std::string& out, bool& allow_large) {
    flags.add("out", out, "folder for the CSV files, SVG figures and summary.md");
    flags.add("seed", c.seed, "seed of the data (shared Franke recipe), SGD shuffles and bootstrap");
    flags.add("n", c.n, "number of Franke points; 75 % train, 25 % test", cli::between(20, 100000));
    flags.add("max-degree", c.max_degree, "closed-form fits for degrees 1 … this, both bases", cli::between(1, 20));
    flags.add("lambdas", c.lambdas, "Ridge λ of the closed-form curves (OLS is always fitted)", cli::positive());
    flags.add("sgd-basis", c.sgd_basis, "basis of the SGD experiments", {"total", "tensor"});
    flags.add("sgd-degree", c.sgd_degree, "degree of the SGD experiments' basis", cli::between(1, 20));
    flags.add("scale", c.scale,
              "divide the SGD design's centred columns by their training sd (changes what β and a "
              "Ridge penalty mean; see README)");
    flags.add("epochs", c.epochs, "epochs of every SGD run", cli::between(1, 1000000));
    flags.add("grid-points", c.grid_points, "values of η and of λ, geometric in [1e-4, 0.1]", cli::between(2, 30));
    flags.add("batch-sizes", c.batch_sizes, "batch sizes of the OLS grid; 0 = the whole training set",
              cli::non_negative());
    flags.add("momentum", c.omega, "momentum ω of the momentum curves", cli::Bounds{0, 1, false, true});
    flags.add("momentum-eta", c.momentum_eta, "learning rate η of the momentum curves", cli::Bounds{0, 1, true, false});
    flags.add("bootstrap", c.bootstrap, "bootstrap resamples of the test set per fitted model",
              cli::between(2, 100000));
    flags.add("folds", c.folds, "K of the K-fold cross-validation on the training set that chooses every setting",
              cli::between(2, 20));
    flags.add("allow-large", allow_large,
              "run even when the estimated time exceeds " + workload::duration_text(kLimitSeconds) +
                  " or the memory " + workload::bytes_text(kLimitBytes) + " (see the chapter README, Large runs)");
}

}  // namespace

int main(int argc, char** argv) {
    Config c;
    std::string out = files::default_results_dir("chapter3").string();
    bool allow_large = false;
    cli::Flags flags("chapter3",
                     "SGD, OLS and Ridge regression on the Franke function: closed form against "
                     "degree, SGD grids over η, batch size, decay and λ, momentum; SGD, momentum, Adagrad, "
                     "RMSprop and Adam against the exact optimum; every setting chosen by cross-validation "
                     "on the training set (001, 003).");
    add_flags(flags, c, out, allow_large);
    return cli::run(flags, argc, argv, [&] { return run_chapter(c, out, flags.command_line(), allow_large); });
}
