// optimizer_comparison.hpp — the five update rules of optimizers.hpp on the OLS problem of the
// SGD experiments, scored against the exact optimum: linear regression is the one place where the
// minimiser β* = argmin C(β) is known in closed form (least_squares.hpp), so every epoch of every
// method can be measured by how far it still is from it,
//     distance(β) = ‖β − β*‖ / ‖β*‖        (1 at β₀ = 0, 0 at the optimum).
//
// Each method runs with mini-batches (Config::optimizer_batch_size) and with the whole training
// set, each at the learning rate that K-fold cross-validation on the training set chooses from
// the method's own small grid (optimizer_etas). The chosen runs are then repeated on the whole
// training set with β kept after every epoch, and scored on the test set once.
#pragma once

#include <cmath>
#include <cstddef>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "chapters/chapter3_sgd_ridge/experiments.hpp"
#include "chapters/chapter3_sgd_ridge/optimizers.hpp"

// The grid of η for each method: four decades around where its steps have a sensible size.
// Plain SGD and momentum step by η·g (momentum by about η·g/(1 − ω) once v has built up), Adam
// by about η per coordinate; RMSprop also by about η per coordinate, but its short memory
// (ρ = 0.9) keeps its steps that large to the end, so its grid lies a decade lower; Adagrad's
// steps shrink like η/√t as G accumulates, so its grid lies a decade higher.
inline Vector optimizer_etas(Method m) {
    switch (m) {
        case Method::rmsprop: return {1e-4, 1e-3, 1e-2, 1e-1};
        case Method::adagrad: return {1e-2, 1e-1, 1.0, 10.0};
        default: return {1e-3, 1e-2, 1e-1, 1.0};
    }
}

// The settings of one method at one batch size (0: the whole training set), one per η of its
// grid; momentum with the chapter's ω (Config::omega), the others with their papers' defaults.
inline std::vector<SgdOptions> optimizer_settings(Method m, std::size_t batch, const Config& c) {
    std::vector<SgdOptions> settings;
    for (double eta : optimizer_etas(m)) {
        SgdOptions o;
        o.method = m;
        o.eta = eta;
        o.batch_size = batch;
        o.epochs = static_cast<std::size_t>(c.epochs);
        if (m == Method::momentum) o.params.omega = c.omega;
        settings.push_back(o);
    }
    return settings;
}

// The two batch sizes of the comparison: mini-batches, then the whole training set (0).
inline std::vector<std::size_t> optimizer_batches(const Config& c) {
    return {static_cast<std::size_t>(c.optimizer_batch_size), 0};
}

struct OptimizerCandidate {
    SgdOptions options;
    double cv_mse = NAN;   // K-fold CV MSE on the training set; NaN when it diverged on a fold
    bool chosen = false;   // the CV choice of its method and batch size
};

// Every method × batch size × η of its grid, in the order of optimizer_search.csv.
inline std::vector<SgdOptions> optimizer_candidates(const Config& c) {
    std::vector<SgdOptions> all;
    for (Method m : kMethods)
        for (std::size_t batch : optimizer_batches(c))
            for (const SgdOptions& o : optimizer_settings(m, batch, c)) all.push_back(o);
    return all;
}

// The search, on the training set alone: the K-fold CV MSE of every candidate; the lowest of each
// method and batch size is chosen.
inline std::vector<OptimizerCandidate> optimizer_search(const TrainingPoints& t, const Folds& folds, const Config& c) {
    const std::vector<SgdOptions> settings = optimizer_candidates(c);
    Progress progress("optimisers: " + std::to_string(folds.size()) + "-fold CV", folds.size() * static_cast<std::size_t>(c.epochs));
    const Vector cv = sgd_cv_mse(sgd_fold_designs(t, folds, c), settings, sgd_shuffles(c), [&] { progress.step(); });
    std::vector<OptimizerCandidate> all;
    for (std::size_t i = 0; i < settings.size(); ++i) all.push_back({settings[i], cv[i], false});
    const std::size_t per_group = optimizer_etas(Method::sgd).size();
    for (std::size_t first = 0; first < all.size(); first += per_group) {
        const Vector group(cv.begin() + static_cast<std::ptrdiff_t>(first),
                           cv.begin() + static_cast<std::ptrdiff_t>(first + per_group));
        const std::size_t best = lowest_cv(group, std::vector<bool>(per_group, true));
        if (best < per_group) all[first + best].chosen = true;
    }
    return all;
}

// One chosen run on the whole training set: its path, distances to β* and test scores.
struct OptimizerRun {
    SgdOptions options;
    double cv_mse = NAN;
    SgdResult result;      // loss (= training MSE, λ = 0) and path β at the start and after each epoch
    Vector distance;       // ‖β − β*‖ / ‖β*‖ at the same epochs
    FitScores scores;      // of the final β on the test set; NaN when diverged
};

// The exact optimum the runs are measured against: OLS by QR on the same training design.
struct Optimum {
    Vector beta;           // β*
    double train_mse = 0;  // C(β*), the lowest training MSE any β can reach
};

inline Optimum exact_optimum(const Design& design) {
    Optimum o;
    o.beta = ols(design.X_train, design.z_train).beta;
    o.train_mse = cost(design.X_train, design.z_train, o.beta, 0);
    return o;
}

// ‖β − β*‖ / ‖β*‖
inline double distance_to_optimum(const Vector& beta, const Vector& beta_star) {
    double d = 0, n = 0;
    for (std::size_t j = 0; j < beta.size(); ++j) {
        d += (beta[j] - beta_star[j]) * (beta[j] - beta_star[j]);
        n += beta_star[j] * beta_star[j];
    }
    return std::sqrt(d / n);
}

// The chosen setting of every method and batch size, run on the whole training set, in the
// order of the search (method, then batch size). A method whose every η diverged is left out.
inline std::vector<OptimizerRun> optimizer_runs(const Design& design, const Optimum& optimum,
                                                const std::vector<OptimizerCandidate>& search, const Config& c) {
    std::vector<OptimizerRun> runs;
    std::vector<SgdOptions> options;
    for (const OptimizerCandidate& cand : search) {
        if (!cand.chosen) continue;
        runs.push_back({cand.options, cand.cv_mse, {}, {}, {}});
        runs.back().options.keep_path = true;
        options.push_back(runs.back().options);
    }
    // All together on the same shuffles: each run gets what sgd() alone would give it.
    Progress progress("optimisers", static_cast<std::size_t>(c.epochs));
    std::vector<SgdResult> results = sgd_together(design.X_train, design.z_train, options, sgd_shuffles(c),
                                                  [&](std::size_t) { progress.step(); });
    for (std::size_t k = 0; k < runs.size(); ++k) {
        OptimizerRun& run = runs[k];
        run.result = std::move(results[k]);
        for (const Vector& beta : run.result.path) run.distance.push_back(distance_to_optimum(beta, optimum.beta));
        if (!run.result.diverged) run.scores = score_fit(design, run.result.beta, c);
    }
    return runs;
}

// How hard the problem is for a gradient method. The Hessian of C(β) = (1/n)‖Xβ − z‖² is
// H = (2/n)XᵀX, with eigenvalues h = 2σ²/n for the singular values σ of X, so κ(H) = κ(X)². A
// gradient step shrinks the error along the eigenvector of h by the factor 1 − ηh, and is
// stable only for η < 2/h_max: along the flattest direction a step then gains at most
// η·h_min < 2/κ(H). Adagrad, RMSprop and Adam rescale each coordinate, much like preconditioning
// with a diagonal matrix D. Scaling every column to the same norm is nearly the best such D: by
// van der Sluis's theorem (Numer. Math. 14, 1969) its κ is within a factor √k of the smallest κ
// any diagonal scaling reaches, so no D gets κ(X D⁻¹) below kappa_scaled / √k.
struct Conditioning {
    double kappa = NAN;          // κ(X) of the training design
    double h_max = NAN, h_min = NAN;   // the largest and smallest eigenvalue of H = (2/n)XᵀX
    double kappa_scaled = NAN;   // κ(X D⁻¹) with D = the columns' norms
    double kappa_diagonal_floor = NAN;   // kappa_scaled / √k: below any diagonal scaling's κ
};

inline Conditioning conditioning(const Design& design) {
    const Matrix& X = design.X_train;
    const Vector sigma = singular_values(ols(X, Vector(X.rows, 0.0)).R);
    Conditioning c;
    const double n = static_cast<double>(X.rows);
    c.kappa = sigma.front() / sigma.back();
    c.h_max = 2 * sigma.front() * sigma.front() / n;
    c.h_min = 2 * sigma.back() * sigma.back() / n;
    Matrix S = X;
    for (std::size_t t = 0; t < X.cols; ++t) {
        double ss = 0;
        for (std::size_t r = 0; r < X.rows; ++r) ss += X(r, t) * X(r, t);
        for (std::size_t r = 0; r < X.rows; ++r) S(r, t) = X(r, t) / std::sqrt(ss);
    }
    c.kappa_scaled = condition_number(S);
    c.kappa_diagonal_floor = c.kappa_scaled / std::sqrt(static_cast<double>(X.cols));
    return c;
}

// "M = 10" or "all 750": the batch of a run, as a reader counts it.
inline std::string batch_text(std::size_t batch, std::size_t n_train) {
    return batch == 0 ? "all " + std::to_string(n_train) : "M = " + std::to_string(batch);
}

// ---------------------------------------------------------------------------------------------
// CSV layouts

// optimizers.csv: one row per chosen run and epoch (epoch 0 = β₀ = 0); batch 0 = the whole
// training set; a loss that overflowed in the epoch that diverged is an empty cell.
inline std::vector<std::string> optimizers_columns() {
    return {"optimizer", "batch", "eta", "epoch", "train_mse", "distance_to_optimum"};
}
inline std::vector<std::string> optimizers_cells(const OptimizerRun& r, std::size_t epoch) {
    return {method_name(r.options.method), std::to_string(r.options.batch_size), csv::num(r.options.eta),
            std::to_string(epoch), csv::num(r.result.loss[epoch]), csv::num(r.distance[epoch])};
}

// optimizer_search.csv: one row per candidate of the search.
inline std::vector<std::string> optimizer_search_columns() {
    return {"optimizer", "batch", "eta", "cv_mse", "chosen_by_cv"};
}
inline std::vector<std::string> optimizer_search_cells(const OptimizerCandidate& c) {
    return {method_name(c.options.method), std::to_string(c.options.batch_size), csv::num(c.options.eta),
            csv::num(c.cv_mse), c.chosen ? "yes" : "no"};
}

// sgd_design.csv: the training design the SGD experiments fit, z (centred) first, then one
// column per monomial named x^i*y^j (centred, and scaled with --scale), one row per training point.
inline std::vector<std::string> sgd_design_columns(const Design& design) {
    std::vector<std::string> columns = {"z"};
    for (const Monomial& m : design.terms) columns.push_back("x^" + std::to_string(m.i) + "*y^" + std::to_string(m.j));
    return columns;
}
inline std::vector<std::string> sgd_design_cells(const Design& design, std::size_t row) {
    std::vector<std::string> cells = {csv::num(design.z_train[row])};
    for (std::size_t t = 0; t < design.X_train.cols; ++t) cells.push_back(csv::num(design.X_train(row, t)));
    return cells;
}
