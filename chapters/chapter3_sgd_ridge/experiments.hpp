// experiments.hpp — the four experiments of chapter 3 (001, Methods and Results, Franke part),
// shared by the program (main.cpp writes their results) and the benchmark (bench.cpp times them).
//
//   1. closed_form_sweep   OLS and Ridge by QR against polynomial degree, both bases
//   2. sgd_ols_grid        SGD for OLS: η × batch size × (constant | decaying η)
//   3. sgd_ridge_grid      SGD for Ridge: η × λ, batch size 10
//   4. momentum_curves     training loss against epoch, plain SGD against momentum
// Every fitted model is scored on the test set and on bootstrap resamples of it (regression.hpp).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/chapter3_sgd_ridge/franke.hpp"
#include "chapters/chapter3_sgd_ridge/least_squares.hpp"
#include "chapters/chapter3_sgd_ridge/matrix.hpp"
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
    double omega = 0.9;                  // momentum of experiment 4
    double momentum_eta = 1e-3;          // η of experiment 4
    int bootstrap = 100;                 // resamples of the test set (001, Methods)
    double sigma = 0.2;                  // noise of the data (shared recipe; noise floor σ²)
};

// Random streams: the data use Rng(seed) itself (shared recipe); these are independent of it.
constexpr std::uint64_t kSgdStream = 1, kBootstrapStream = 2;

inline Basis parse_basis(const std::string& name) { return name == "tensor" ? Basis::tensor : Basis::total; }

// lo, …, hi with a constant ratio (count ≥ 2).
inline Vector geometric(double lo, double hi, int count) {
    Vector v(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        v[static_cast<std::size_t>(i)] = lo * std::pow(hi / lo, static_cast<double>(i) / (count - 1));
    return v;
}

// ---------------------------------------------------------------------------------------------
// Scoring a fitted β

struct Fit {
    double train_mse = NAN, test_mse = NAN, test_r2 = NAN;   // NaN: no answer (diverged, meaningless)
    BootstrapScores boot{{NAN, NAN}, {NAN, NAN}};
};

inline Fit score(const Problem& P, const Vector& beta, const Config& c) {
    Fit f;
    const Vector train_hat = matvec(P.X_train, beta), test_hat = matvec(P.X_test, beta);
    f.train_mse = mse(P.z_train, train_hat);
    f.test_mse = mse(P.z_test, test_hat);
    f.test_r2 = r2(P.z_test, test_hat);
    f.boot = bootstrap_scores(P.z_test, test_hat, static_cast<std::size_t>(c.bootstrap),
                              Rng::stream(c.seed, kBootstrapStream));
    return f;
}

// The realised noise floor: the test MSE and R² of the Franke function itself, the perfect model.
inline Fit true_function_fit(const FrankeData& d, const Config& c) {
    Vector z, f;
    for (std::size_t i : d.test) {
        z.push_back(d.z[i]);
        f.push_back(franke(d.x[i], d.y[i]));
    }
    Fit fit;
    fit.test_mse = mse(z, f);
    fit.test_r2 = r2(z, f);
    fit.boot = bootstrap_scores(z, f, static_cast<std::size_t>(c.bootstrap),
                                Rng::stream(c.seed, kBootstrapStream));
    return fit;
}

// ---------------------------------------------------------------------------------------------
// 1. Closed form against degree

struct ClosedFormRow {
    Basis basis;
    int degree;
    double lambda;   // 0: OLS
    double kappa;    // κ of the (centred) training design
    Fit fit;         // left NaN for OLS on an ill-conditioned design
};

inline std::vector<ClosedFormRow> closed_form_sweep(const FrankeData& d, const Config& c) {
    std::vector<ClosedFormRow> rows;
    Progress progress("closed form", 2 * static_cast<std::size_t>(c.max_degree));
    for (Basis basis : {Basis::total, Basis::tensor})
        for (int p = 1; p <= c.max_degree; ++p) {
            const Problem P = make_problem(d, basis, p, false);
            const double kappa = condition_number(P.X_train);
            Vector lambdas = {0.0};
            lambdas.insert(lambdas.end(), c.lambdas.begin(), c.lambdas.end());
            for (double lambda : lambdas) {
                ClosedFormRow row{basis, p, lambda, kappa, {}};
                // An OLS answer on an ill-conditioned design is rounding noise: leave it out.
                if (lambda > 0 || !ill_conditioned(kappa))
                    row.fit = score(P, ridge(P.X_train, P.z_train, lambda).beta, c);
                rows.push_back(row);
            }
            progress.step(1, std::string(basis_name(basis)) + " p=" + std::to_string(p));
        }
    return rows;
}

// ---------------------------------------------------------------------------------------------
// 2 and 3. SGD grids

struct SgdRun {
    SgdOptions options;
    bool diverged = false;
    std::size_t diverged_epoch = 0, epochs_run = 0;
    Fit fit;                         // NaN when diverged
    Fit closed_form;                 // the QR answer for the same design and λ, scored alike
};

// The SGD design of the configuration.
inline Problem sgd_problem(const FrankeData& d, const Config& c) {
    return make_problem(d, parse_basis(c.sgd_basis), c.sgd_degree, c.scale);
}

// One SGD run from β = 0, with the shuffles of stream kSgdStream (the same for every run, so runs
// differ only in their settings), scored like every other fit.
inline SgdRun run_sgd(const Problem& P, const SgdOptions& o, const Config& c, const Fit& closed_form) {
    Rng rng = Rng::stream(c.seed, kSgdStream);
    const SgdResult r = sgd(P.X_train, P.z_train, o, rng);
    SgdRun run{o, r.diverged, r.diverged_epoch, r.loss.size() - 1, {}, closed_form};
    if (!r.diverged) run.fit = score(P, r.beta, c);
    return run;
}

// The closed-form reference of an SGD run; no answer (NaN) for OLS on an ill-conditioned design.
inline Fit closed_form_fit(const Problem& P, double lambda, const Config& c) {
    if (lambda == 0 && ill_conditioned(condition_number(P.X_train))) return {};
    return score(P, ridge(P.X_train, P.z_train, lambda).beta, c);
}

// 001, Methods: η geometric in [1e-4, 0.1] × batch sizes, with and without decay; λ = 0.
inline std::vector<SgdRun> sgd_ols_grid(const Problem& P, const Config& c) {
    const Vector etas = geometric(1e-4, 0.1, c.grid_points);
    const Fit reference = closed_form_fit(P, 0, c);
    std::vector<SgdRun> runs;
    Progress progress("SGD OLS grid", 2 * c.batch_sizes.size() * etas.size());
    for (bool decay : {false, true})
        for (int M : c.batch_sizes)
            for (double eta : etas) {
                SgdOptions o;
                o.eta = eta;
                o.batch_size = static_cast<std::size_t>(M);
                o.epochs = static_cast<std::size_t>(c.epochs);
                o.decay = decay;
                runs.push_back(run_sgd(P, o, c, reference));
                progress.step();
            }
    return runs;
}

// 001, Methods: η × λ, both geometric in [1e-4, 0.1], batch size 10, constant η.
inline std::vector<SgdRun> sgd_ridge_grid(const Problem& P, const Config& c) {
    const Vector etas = geometric(1e-4, 0.1, c.grid_points);
    const Vector lambdas = geometric(1e-4, 0.1, c.grid_points);
    std::vector<SgdRun> runs;
    Progress progress("SGD Ridge grid", lambdas.size() * etas.size());
    for (double lambda : lambdas) {
        const Fit reference = closed_form_fit(P, lambda, c);
        for (double eta : etas) {
            SgdOptions o;
            o.eta = eta;
            o.batch_size = static_cast<std::size_t>(c.ridge_batch_size);
            o.epochs = static_cast<std::size_t>(c.epochs);
            o.lambda = lambda;
            runs.push_back(run_sgd(P, o, c, reference));
            progress.step();
        }
    }
    return runs;
}

// One CSV layout for both grids (sgd_ols_grid.csv, sgd_ridge_grid.csv). A diverged run has its
// epoch in diverged_at_epoch and empty score cells (csv::num writes nothing for NaN).
inline std::vector<std::string> sgd_columns() {
    return {"lambda", "eta", "batch_size", "decay", "epochs_run", "diverged_at_epoch",
            "train_mse", "test_mse", "test_r2", "test_mse_boot_mean", "test_mse_boot_sd",
            "test_r2_boot_mean", "test_r2_boot_sd", "closed_form_test_mse", "closed_form_test_r2"};
}

inline std::vector<std::string> sgd_cells(const SgdRun& r) {
    const Fit& f = r.fit;
    return {csv::num(r.options.lambda), csv::num(r.options.eta),
            std::to_string(r.options.batch_size), r.options.decay ? "yes" : "no",
            std::to_string(r.epochs_run), r.diverged ? std::to_string(r.diverged_epoch) : "",
            csv::num(f.train_mse), csv::num(f.test_mse), csv::num(f.test_r2),
            csv::num(f.boot.mse.mean), csv::num(f.boot.mse.sd), csv::num(f.boot.r2.mean),
            csv::num(f.boot.r2.sd), csv::num(r.closed_form.test_mse), csv::num(r.closed_form.test_r2)};
}

inline std::size_t column_of(const std::vector<std::string>& columns, const std::string& name) {
    for (std::size_t j = 0; j < columns.size(); ++j)
        if (columns[j] == name) return j;
    throw std::logic_error("no column " + name);
}

// "test MSE 0.0463 ± 0.0038" (bootstrap sd) or "diverged at epoch k".
inline std::string describe_run(const SgdRun& r) {
    if (r.diverged) return "diverged at epoch " + std::to_string(r.diverged_epoch);
    return "test MSE " + table::fmt("%.4f", r.fit.test_mse) + " ± " + table::fmt("%.4f", r.fit.boot.mse.sd);
}

// ---------------------------------------------------------------------------------------------
// 4. Momentum against plain SGD

struct LossCurve {
    std::string id;      // short name for the CSV: plain, momentum, plain_large_eta
    std::string label;   // legend text
    SgdOptions options;
    SgdResult result;   // result.loss: C(β) at the start and after each epoch
};

struct MomentumExperiment {
    double minimum_loss;             // C(β̂) of the closed-form OLS answer: the floor of every curve
    std::vector<LossCurve> curves;   // plain η, momentum (η, ω), plain η/(1 − ω)
};

// OLS, batch size 10. Momentum with ω takes steps of about η/(1 − ω) once v has built up, so the
// third curve, plain SGD with that larger η, tells "momentum" apart from "a larger step".
inline MomentumExperiment momentum_curves(const Problem& P, const Config& c) {
    MomentumExperiment m;
    m.minimum_loss = cost(P.X_train, P.z_train, ols(P.X_train, P.z_train).beta, 0);
    SgdOptions plain;
    plain.eta = c.momentum_eta;
    plain.batch_size = 10;
    plain.epochs = static_cast<std::size_t>(c.epochs);
    SgdOptions momentum = plain;
    momentum.omega = c.omega;
    SgdOptions larger = plain;
    larger.eta = c.momentum_eta / (1 - c.omega);
    char eta_text[32], omega_text[32], larger_text[32];
    std::snprintf(eta_text, sizeof eta_text, "%g", plain.eta);
    std::snprintf(omega_text, sizeof omega_text, "%g", c.omega);
    std::snprintf(larger_text, sizeof larger_text, "%g", larger.eta);
    const std::vector<LossCurve> runs = {
        {"plain", std::string("plain, η = ") + eta_text, plain, {}},
        {"momentum", std::string("momentum ω = ") + omega_text + ", η = " + eta_text, momentum, {}},
        {"plain_large_eta", std::string("plain, η = ") + larger_text + " = η/(1−ω)", larger, {}}};
    for (LossCurve curve : runs) {
        Rng rng = Rng::stream(c.seed, kSgdStream);
        curve.result = sgd(P.X_train, P.z_train, curve.options, rng);
        m.curves.push_back(curve);
    }
    return m;
}
