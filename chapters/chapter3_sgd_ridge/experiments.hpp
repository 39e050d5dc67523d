// experiments.hpp — the computations behind chapter 3's figures and tables (001, Methods and
// Results, Franke part), shared by the program (main.cpp writes and draws them) and the
// benchmark (bench.cpp times them). Nothing here writes a file.
//
//   closed_form_search   κ and the 5-fold CV MSE of every closed-form setting (training set only)
//   closed_form_fits     OLS and Ridge by QR against polynomial degree, both bases, scored on test
//   sgd_ols_settings     SGD for OLS: η × batch size × (constant | decaying η)   (001, Fig. 3)
//   sgd_ridge_settings   SGD for Ridge: η × λ, batch size 10                     (001, Fig. 4)
//   sgd_grid_search      the 5-fold CV MSE of every setting of a grid (training set only)
//   sgd_grid             every setting of a grid run on the whole training set, scored on test
//   momentum_curves      training loss against epoch, plain SGD against momentum
// Every search takes TrainingPoints (model_selection.hpp) and so cannot read the test set; every
// fitted model is then scored on the test set and on bootstrap resamples of it (regression.hpp).
// The CSV layouts of these results are at the end.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "chapters/chapter3_sgd_ridge/design.hpp"
#include "chapters/chapter3_sgd_ridge/least_squares.hpp"
#include "chapters/chapter3_sgd_ridge/matrix.hpp"
#include "chapters/chapter3_sgd_ridge/model_selection.hpp"
#include "chapters/chapter3_sgd_ridge/regression.hpp"
#include "chapters/chapter3_sgd_ridge/sgd.hpp"
#include "common/csv.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/table.hpp"

// Everything the command line sets; the defaults are the chapter's experiments.
struct Config {
    std::uint64_t seed = 2020;           // data (the shared Franke recipe), SGD shuffles, bootstrap
    int n = 1000;                        // points, 75 % of them for training (001, Methods)
    int max_degree = 14;                 // closed form for p = 1 … max_degree (the report's p = 14)
    std::vector<double> lambdas = {1e-4, 1e-3, 1e-2};   // closed-form Ridge curves, beside OLS
    std::string sgd_basis = "total";     // the design SGD works on …
    int sgd_degree = 5;                  // … and its degree
    bool scale = false;                  // divide the SGD design's columns by their training sd
    int epochs = 1000;                   // per SGD run
    int grid_points = 7;                 // η and λ geometric in [1e-4, 0.1] (001, Methods)
    std::vector<int> batch_sizes = {10, 50, 100, 0};    // 0: the whole training set
    int ridge_batch_size = 10;           // the Ridge grid's batch size (001, Methods)
    double omega = 0.9;                  // momentum ω of the momentum curves
    double momentum_eta = 1e-3;          // η of the momentum curves
    int bootstrap = 100;                 // resamples of the test set (001, Methods)
    int folds = 5;                       // K of the K-fold cross-validation that chooses every setting
    int optimizer_batch_size = 10;       // the mini-batch of the optimiser comparison (beside the full set)
    double sigma = 0.2;                  // noise of the data (shared recipe; noise floor σ²)
};

// Random streams: the data use Rng(seed) itself (shared recipe); these are independent of it.
constexpr std::uint64_t kSgdStream = 1, kBootstrapStream = 2, kFoldStream = 3;

// The K folds of the training set (stream kFoldStream).
inline Folds training_folds(std::size_t n_train, const Config& c) {
    return cv_folds(n_train, static_cast<std::size_t>(c.folds), Rng::stream(c.seed, kFoldStream));
}

inline Basis parse_basis(const std::string& name) { return name == "tensor" ? Basis::tensor : Basis::total; }

// The number of columns of a basis of degree p (the constant left out).
inline std::size_t column_count(Basis b, int p) { return monomials(b, p).size(); }

// lo, …, hi with a constant ratio (count ≥ 2): the report's "geometrically spaced" η and λ.
inline Vector geometric_grid(double lo, double hi, int count) {
    Vector v(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        v[static_cast<std::size_t>(i)] = lo * std::pow(hi / lo, static_cast<double>(i) / (count - 1));
    return v;
}

// 001, Methods: η and λ geometric in [1e-4, 0.1].
inline Vector eta_grid(const Config& c) { return geometric_grid(1e-4, 0.1, c.grid_points); }
inline Vector lambda_grid(const Config& c) { return geometric_grid(1e-4, 0.1, c.grid_points); }

// ---------------------------------------------------------------------------------------------
// The scores of a fitted β

struct FitScores {
    double train_mse = NAN, test_mse = NAN, test_r2 = NAN;   // NaN: no answer (diverged, meaningless)
    BootstrapScores boot{{NAN, NAN}, {NAN, NAN}};
};

inline FitScores score_fit(const Design& design, const Vector& beta, const Config& c) {
    FitScores f;
    const Vector train_hat = matvec(design.X_train, beta), test_hat = matvec(design.X_test, beta);
    f.train_mse = mse(design.z_train, train_hat);
    f.test_mse = mse(design.z_test, test_hat);
    f.test_r2 = r2(design.z_test, test_hat);
    f.boot = bootstrap_scores(design.z_test, test_hat, static_cast<std::size_t>(c.bootstrap),
                              Rng::stream(c.seed, kBootstrapStream));
    return f;
}

// The realised noise floor: the test MSE and R² of the Franke function itself, the perfect model.
inline FitScores franke_itself_scores(const FrankeData& d, const Config& c) {
    Vector z, f;
    for (std::size_t i : d.test) {
        z.push_back(d.z[i]);
        f.push_back(franke(d.x[i], d.y[i]));
    }
    FitScores s;
    s.test_mse = mse(z, f);
    s.test_r2 = r2(z, f);
    s.boot = bootstrap_scores(z, f, static_cast<std::size_t>(c.bootstrap), Rng::stream(c.seed, kBootstrapStream));
    return s;
}

// ---------------------------------------------------------------------------------------------
// Closed form against degree

struct ClosedFormFit {
    Basis basis;
    int degree;
    double lambda;         // 0: OLS
    double kappa;          // κ of the (centred) training design
    double cv_mse = NAN;   // K-fold CV MSE on the training set; NaN for OLS on an ill-conditioned design
    bool chosen = false;   // the CV choice of its search: OLS over basis and degree, Ridge also over λ
    FitScores scores;      // on the test set; left NaN for OLS on an ill-conditioned design
};

// 0 (OLS), then the --lambdas values.
inline Vector closed_form_lambdas(const Config& c) {
    Vector lambdas = {0.0};
    lambdas.insert(lambdas.end(), c.lambdas.begin(), c.lambdas.end());
    return lambdas;
}

// An OLS answer on an ill-conditioned design is rounding noise: it is neither a candidate nor shown.
inline bool has_answer(const ClosedFormFit& f) { return f.lambda > 0 || !ill_conditioned(f.kappa); }

// Marks the CV choice of each search: the lowest CV MSE among the OLS fits, and among the Ridge fits.
inline void mark_closed_form_choices(std::vector<ClosedFormFit>& fits) {
    for (bool ridge : {false, true}) {
        Vector cv;
        std::vector<bool> eligible;
        for (const auto& f : fits) {
            cv.push_back(f.cv_mse);
            eligible.push_back((f.lambda > 0) == ridge);
        }
        const std::size_t best = lowest_cv(cv, eligible);
        if (best < fits.size()) fits[best].chosen = true;
    }
}

// 001, Methods: polynomials up to p = 14, OLS and Ridge. The search, on the training set alone:
// κ of each design and the K-fold CV MSE of each (basis, degree, λ), in the order of closed_form.csv.
inline std::vector<ClosedFormFit> closed_form_search(const TrainingPoints& t, const Folds& folds, const Config& c) {
    std::vector<ClosedFormFit> fits;
    Progress progress("closed form: κ and " + std::to_string(folds.size()) + "-fold CV",
                      2 * static_cast<std::size_t>(c.max_degree));
    for (Basis basis : {Basis::total, Basis::tensor})
        for (int p = 1; p <= c.max_degree; ++p) {
            const double kappa = condition_number(training_design(t, basis, p, false).X_train);
            const std::vector<Design> parts = fold_designs(t, folds, basis, p, false);
            for (double lambda : closed_form_lambdas(c)) {
                ClosedFormFit fit{basis, p, lambda, kappa, NAN, false, {}};
                if (has_answer(fit)) fit.cv_mse = closed_form_cv_mse(parts, lambda);
                fits.push_back(fit);
            }
            progress.step(1, std::string(basis_name(basis)) + " p=" + std::to_string(p));
        }
    mark_closed_form_choices(fits);
    return fits;
}

// Every searched setting fitted by QR on the whole training set and scored on the test set.
inline void closed_form_fits(const FrankeData& d, std::vector<ClosedFormFit>& fits, const Config& c) {
    Progress progress("closed form: fits", fits.size());
    Design design;
    for (std::size_t i = 0; i < fits.size(); ++i) {
        ClosedFormFit& fit = fits[i];
        if (i == 0 || fit.basis != fits[i - 1].basis || fit.degree != fits[i - 1].degree)
            design = make_design(d, fit.basis, fit.degree, false);
        if (has_answer(fit)) fit.scores = score_fit(design, ridge(design.X_train, design.z_train, fit.lambda).beta, c);
        progress.step();
    }
}

// ---------------------------------------------------------------------------------------------
// The SGD grids

struct SgdRun {
    SgdOptions options;
    bool diverged = false;
    std::size_t diverged_epoch = 0, epochs_run = 0;
    double cv_mse = NAN;             // K-fold CV MSE on the training set; NaN when it diverged on a fold
    bool chosen = false;             // the CV choice of its grid
    FitScores scores;                // on the test set; NaN when diverged
    FitScores closed_form;           // the QR answer for the same design and λ, scored alike
};

// The SGD design of the configuration, fitted on the whole training set.
inline Design sgd_design(const FrankeData& d, const Config& c) {
    return make_design(d, parse_basis(c.sgd_basis), c.sgd_degree, c.scale);
}

// The shuffles every SGD run starts from: stream kSgdStream, the same for every run, so that runs
// differ only in their settings.
inline Rng sgd_shuffles(const Config& c) { return Rng::stream(c.seed, kSgdStream); }

// An SGD result scored like every other fit, beside its closed-form reference.
inline SgdRun scored_run(const Design& design, const SgdOptions& o, const SgdResult& r, const Config& c,
                         const FitScores& closed_form) {
    SgdRun run{o, r.diverged, r.diverged_epoch, r.loss.size() - 1, NAN, false, {}, closed_form};
    if (!r.diverged) run.scores = score_fit(design, r.beta, c);
    return run;
}

// One SGD run from β = 0 on the whole training set, scored.
inline SgdRun run_sgd(const Design& design, const SgdOptions& o, const Config& c, const FitScores& closed_form) {
    Rng rng = sgd_shuffles(c);
    return scored_run(design, o, sgd(design.X_train, design.z_train, o, rng), c, closed_form);
}

// The closed-form reference of an SGD run; no answer (NaN) for OLS on an ill-conditioned design.
inline FitScores closed_form_scores(const Design& design, double lambda, const Config& c) {
    if (lambda == 0 && ill_conditioned(condition_number(design.X_train))) return {};
    return score_fit(design, ridge(design.X_train, design.z_train, lambda).beta, c);
}

// 001, Methods and Fig. 3: η geometric in [1e-4, 0.1] × batch sizes, with and without decay; λ = 0.
// Ordered as the heat map's rows: schedule, then batch size, then η.
inline std::vector<SgdOptions> sgd_ols_settings(const Config& c) {
    std::vector<SgdOptions> settings;
    for (bool decay : {false, true})
        for (int M : c.batch_sizes)
            for (double eta : eta_grid(c)) {
                SgdOptions o;
                o.eta = eta;
                o.batch_size = static_cast<std::size_t>(M);
                o.epochs = static_cast<std::size_t>(c.epochs);
                o.decay = decay;
                settings.push_back(o);
            }
    return settings;
}

// 001, Methods and Fig. 4: λ × η, both geometric in [1e-4, 0.1], batch size 10, constant η.
inline std::vector<SgdOptions> sgd_ridge_settings(const Config& c) {
    std::vector<SgdOptions> settings;
    for (double lambda : lambda_grid(c))
        for (double eta : eta_grid(c)) {
            SgdOptions o;
            o.eta = eta;
            o.batch_size = static_cast<std::size_t>(c.ridge_batch_size);
            o.epochs = static_cast<std::size_t>(c.epochs);
            o.lambda = lambda;
            settings.push_back(o);
        }
    return settings;
}

// The SGD design of every fold of the training set.
inline std::vector<Design> sgd_fold_designs(const TrainingPoints& t, const Folds& folds, const Config& c) {
    return fold_designs(t, folds, parse_basis(c.sgd_basis), c.sgd_degree, c.scale);
}

// The search, on the training set alone: the K-fold CV MSE of every setting.
inline Vector sgd_grid_search(const TrainingPoints& t, const Folds& folds, const std::vector<SgdOptions>& settings,
                              const Config& c, const std::string& grid) {
    Progress progress(grid + ": " + std::to_string(folds.size()) + "-fold CV", folds.size() * static_cast<std::size_t>(c.epochs));
    return sgd_cv_mse(sgd_fold_designs(t, folds, c), settings, sgd_shuffles(c), [&] { progress.step(); });
}

// Every setting run on the whole training set (all together, sharing their shuffles) and scored on
// the test set, beside the closed form of its λ; the run with the lowest CV MSE is the grid's choice.
inline std::vector<SgdRun> sgd_grid(const Design& design, const std::vector<SgdOptions>& settings, const Vector& cv,
                                    const Config& c, const std::string& grid) {
    std::vector<SgdResult> results;
    {
        Progress progress(grid, static_cast<std::size_t>(c.epochs));
        results = sgd_together(design.X_train, design.z_train, settings, sgd_shuffles(c),
                               [&](std::size_t) { progress.step(); });
    }
    std::vector<SgdRun> runs;
    FitScores reference;
    for (std::size_t i = 0; i < settings.size(); ++i) {
        if (i == 0 || settings[i].lambda != settings[i - 1].lambda)
            reference = closed_form_scores(design, settings[i].lambda, c);
        runs.push_back(scored_run(design, settings[i], results[i], c, reference));
        runs.back().cv_mse = cv[i];
    }
    const std::size_t best = lowest_cv(cv, std::vector<bool>(cv.size(), true));
    if (best < runs.size()) runs[best].chosen = true;
    return runs;
}

// "η = 0.032, λ = 0.0001, M = 10, decaying η": the settings of one run (batch size 0 shown as
// the number of training rows it stands for).
inline std::string run_settings(const SgdOptions& o, std::size_t n_train) {
    std::string s = "η = " + table::sig(o.eta, 2);
    if (o.lambda > 0) s += ", λ = " + table::sig(o.lambda, 2);
    s += ", M = " + std::to_string(o.batch_size == 0 ? n_train : o.batch_size);
    if (o.decay) s += ", decaying η";
    return s;
}

// "test MSE 0.0463 ± 0.0038" (bootstrap sd) or "diverged at epoch k".
inline std::string describe_run(const SgdRun& r) {
    if (r.diverged) return "diverged at epoch " + std::to_string(r.diverged_epoch);
    return "test MSE " + table::fixed(r.scores.test_mse, 4) + " ± " + table::fixed(r.scores.boot.mse.sd, 4);
}

// ---------------------------------------------------------------------------------------------
// Momentum against plain SGD

struct LossCurve {
    std::string id;      // short name for the CSV: plain, momentum, plain_large_eta
    std::string label;   // legend text
    SgdOptions options;
    SgdResult result;    // result.loss: C(β) at the start and after each epoch
};

struct MomentumCurves {
    double minimum_loss;             // C(β̂) of the closed-form OLS answer: the floor of every curve
    std::vector<LossCurve> curves;   // plain η, momentum (η, ω), plain η/(1 − ω)
};

// OLS, batch size 10. Momentum with ω takes steps of about η/(1 − ω) once v has built up, so the
// third curve, plain SGD with that larger η, tells "momentum" apart from "a larger step".
inline MomentumCurves momentum_curves(const Design& design, const Config& c) {
    MomentumCurves m;
    m.minimum_loss = cost(design.X_train, design.z_train, ols(design.X_train, design.z_train).beta, 0);
    SgdOptions plain;
    plain.eta = c.momentum_eta;
    plain.batch_size = 10;
    plain.epochs = static_cast<std::size_t>(c.epochs);
    SgdOptions momentum = plain;
    momentum.method = Method::momentum;
    momentum.params.omega = c.omega;
    SgdOptions larger = plain;
    larger.eta = c.momentum_eta / (1 - c.omega);
    const std::string eta = table::param(plain.eta);
    const std::vector<LossCurve> runs = {
        {"plain", "plain, η = " + eta, plain, {}},
        {"momentum", "momentum ω = " + table::param(c.omega) + ", η = " + eta, momentum, {}},
        {"plain_large_eta", "plain, η = " + table::param(larger.eta) + " = η/(1−ω)", larger, {}}};
    // The three run together on the same shuffles: each gets what sgd() alone would give it.
    std::vector<SgdOptions> options;
    for (const LossCurve& curve : runs) options.push_back(curve.options);
    Progress progress("momentum curves", static_cast<std::size_t>(c.epochs));
    std::vector<SgdResult> results = sgd_together(design.X_train, design.z_train, options, sgd_shuffles(c),
                                                  [&](std::size_t) { progress.step(); });
    for (std::size_t k = 0; k < runs.size(); ++k) {
        m.curves.push_back(runs[k]);
        m.curves.back().result = std::move(results[k]);
    }
    return m;
}

// ---------------------------------------------------------------------------------------------
// CSV layouts. csv::num writes nothing for a non-finite value, so a missing answer (a diverged
// run, OLS on an ill-conditioned design) is an empty cell, never "nan".

inline std::size_t column_of(const std::vector<std::string>& columns, const std::string& name) {
    for (std::size_t j = 0; j < columns.size(); ++j)
        if (columns[j] == name) return j;
    throw std::logic_error("no column " + name);
}

// closed_form.csv: one row per closed-form fit; cv_mse is its K-fold CV MSE on the training set,
// chosen_by_cv says which fit each search chose (one OLS row, one Ridge row).
inline std::vector<std::string> closed_form_columns() {
    return {"basis", "degree", "lambda", "train_mse", "test_mse", "test_r2", "cv_mse", "chosen_by_cv"};
}
inline std::vector<std::string> closed_form_cells(const ClosedFormFit& f) {
    return {basis_name(f.basis), std::to_string(f.degree), csv::num(f.lambda), csv::num(f.scores.train_mse),
            csv::num(f.scores.test_mse), csv::num(f.scores.test_r2), csv::num(f.cv_mse), f.chosen ? "yes" : "no"};
}

// closed_form_bootstrap.csv: the bootstrap mean and spread of the same fits.
inline std::vector<std::string> bootstrap_columns() {
    return {"basis", "degree", "lambda", "test_mse_boot_mean", "test_mse_boot_sd", "test_r2_boot_mean",
            "test_r2_boot_sd"};
}
inline std::vector<std::string> bootstrap_cells(const ClosedFormFit& f) {
    const BootstrapScores& b = f.scores.boot;
    return {basis_name(f.basis), std::to_string(f.degree), csv::num(f.lambda), csv::num(b.mse.mean),
            csv::num(b.mse.sd), csv::num(b.r2.mean), csv::num(b.r2.sd)};
}

// condition_numbers.csv: κ of each design (one row per OLS fit), or "ill-conditioned".
inline std::vector<std::string> condition_columns() {
    return {"basis", "degree", "columns", "condition_number", "status"};
}
inline std::vector<std::string> condition_cells(const ClosedFormFit& f) {
    const bool ill = ill_conditioned(f.kappa);
    return {basis_name(f.basis), std::to_string(f.degree), std::to_string(column_count(f.basis, f.degree)),
            ill ? "" : csv::num(f.kappa), ill ? "ill-conditioned" : "ok"};
}

// sgd_ols_grid.csv and sgd_ridge_grid.csv: one row per SGD run. A diverged run has its epoch in
// diverged_at_epoch and empty score cells; cv_mse is empty when the setting diverged on a fold.
inline std::vector<std::string> sgd_columns() {
    return {"lambda", "eta", "batch_size", "decay", "epochs_run", "diverged_at_epoch",
            "train_mse", "test_mse", "test_r2", "test_mse_boot_mean", "test_mse_boot_sd",
            "test_r2_boot_mean", "test_r2_boot_sd", "closed_form_test_mse", "closed_form_test_r2",
            "cv_mse", "chosen_by_cv"};
}
inline std::vector<std::string> sgd_cells(const SgdRun& r) {
    const FitScores& f = r.scores;
    return {csv::num(r.options.lambda), csv::num(r.options.eta),
            std::to_string(r.options.batch_size), r.options.decay ? "yes" : "no",
            std::to_string(r.epochs_run), r.diverged ? std::to_string(r.diverged_epoch) : "",
            csv::num(f.train_mse), csv::num(f.test_mse), csv::num(f.test_r2),
            csv::num(f.boot.mse.mean), csv::num(f.boot.mse.sd), csv::num(f.boot.r2.mean),
            csv::num(f.boot.r2.sd), csv::num(r.closed_form.test_mse), csv::num(r.closed_form.test_r2),
            csv::num(r.cv_mse), r.chosen ? "yes" : "no"};
}

// momentum.csv: one row per curve and epoch. The loss of the epoch that diverged, if it
// overflowed, is an empty cell.
inline std::vector<std::string> momentum_columns() {
    return {"run", "eta", "omega", "epoch", "train_loss", "excess_loss"};
}
inline std::vector<std::string> momentum_cells(const LossCurve& c, std::size_t epoch, double minimum_loss) {
    const double loss = c.result.loss[epoch];
    return {c.id, csv::num(c.options.eta), csv::num(c.options.params.omega), std::to_string(epoch), csv::num(loss),
            csv::num(loss - minimum_loss)};
}
