// figures.hpp — how chapter 3 draws its results (experiments.hpp computes them):
//   degree_plot      test MSE or R² of the closed-form fits against degree, one basis
//   sgd_ols_map      001, Fig. 3: the SGD OLS grid as a heat map, η × batch size × schedule
//   sgd_ridge_map    001, Fig. 4: the SGD Ridge grid as a heat map, η × λ
//   momentum_plot    training loss above its minimum against epoch, plain SGD against momentum
//   optimizers_plot  the five update rules: distance to β* and training MSE above C(β*), per epoch
// A missing answer (a diverged run, OLS on an ill-conditioned design) is never drawn as a number:
// heat-map cells say "diverged", curves leave the point out.
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "chapters/chapter3_sgd_ridge/experiments.hpp"
#include "chapters/chapter3_sgd_ridge/optimizer_comparison.hpp"
#include "common/plot/heat_map.hpp"
#include "common/plot/line_plot.hpp"
#include "common/plot/panels.hpp"
#include "common/table.hpp"

inline std::string lambda_text(double lambda) { return lambda == 0 ? "OLS" : "Ridge λ = " + table::param(lambda); }

// ---------------------------------------------------------------------------------------------
// Closed form against degree

// A flat dashed line with a legend entry: the noise floor, or what Franke itself scores (their
// values are too close to each other for labels on the lines).
inline plot::Series level_line(double y, const std::string& label, const char* color, int max_degree) {
    plot::Series s;
    s.label = label;
    s.x = {1.0, static_cast<double>(max_degree)};
    s.y = {y, y};
    s.markers = false;
    s.dashed = true;
    s.color = color;
    return s;
}

// One curve of a degree plot: test R², test MSE or (train) the training MSE of one λ.
inline plot::Series degree_series(const std::vector<ClosedFormFit>& fits, Basis basis, double lambda,
                                  bool r2_plot, bool train) {
    plot::Series s;
    s.label = lambda_text(lambda) + (train ? ", train" : "");
    s.dashed = train;
    for (const auto& f : fits)
        if (f.basis == basis && f.lambda == lambda) {
            s.x.push_back(f.degree);
            s.y.push_back(r2_plot ? f.scores.test_r2 : train ? f.scores.train_mse : f.scores.test_mse);
        }
    return s;
}

// The fits of this basis that cross-validation chose (OLS over basis and degree, Ridge also over
// λ), in black: on the MSE plot a bar from its CV MSE to its test MSE, on the R² plot its test R².
inline void add_cv_choices(plot::LinePlot& p, const std::vector<ClosedFormFit>& fits, Basis basis, bool r2_plot) {
    for (const auto& f : fits)
        if (f.chosen && f.basis == basis) {
            plot::Series s;
            s.label = "CV choice: " + lambda_text(f.lambda) + ", p = " + std::to_string(f.degree);
            s.x = {static_cast<double>(f.degree)};
            s.y = {r2_plot ? f.scores.test_r2 : f.scores.test_mse};
            if (!r2_plot) {
                s.x.push_back(f.degree);
                s.y.insert(s.y.begin(), f.cv_mse);
            }
            s.line = !r2_plot;
            s.color = "#000000";
            p.series.push_back(s);
        }
}

// The CV MSE of OLS against degree: the curve the choice was made on.
inline plot::Series ols_cv_series(const std::vector<ClosedFormFit>& fits, Basis basis, const Config& c) {
    plot::Series s;
    s.label = "OLS, " + std::to_string(c.folds) + "-fold CV";
    s.dashed = true;
    for (const auto& f : fits)
        if (f.basis == basis && f.lambda == 0) {
            s.x.push_back(f.degree);
            s.y.push_back(f.cv_mse);
        }
    return s;
}

// Test MSE (log scale) or R² against degree for one basis: OLS train and test, Ridge test per λ,
// the noise floor σ² and what the Franke function itself scores on this test set; OLS's CV MSE,
// and the cross-validated choices marked.
inline plot::LinePlot degree_plot(const std::vector<ClosedFormFit>& fits, Basis basis, bool r2_plot,
                                  const Config& c, const FitScores& franke_itself) {
    plot::LinePlot p;
    p.title = std::string(r2_plot ? "Test R²" : "Test MSE") +
              " of the closed-form fits, " + basis_name(basis) + " basis";
    p.height = r2_plot ? 600 : 520;   // room for the legend beside or below the curves
    p.xlabel = basis == Basis::tensor ? "degree p (x^i y^j, 0 ≤ i, j ≤ p)" : "degree p (x^i y^j, i + j ≤ p)";
    p.ylabel = r2_plot ? "test R²" : "MSE (log scale)";
    p.clip_outliers = r2_plot;   // an ill-fitting OLS degree would flatten the band of the others
    p.log_y = !r2_plot;
    for (double lambda : closed_form_lambdas(c)) p.series.push_back(degree_series(fits, basis, lambda, r2_plot, false));
    // Say in the title from which degree on the OLS answer is left out (ill-conditioned design).
    for (const auto& f : fits)
        if (f.basis == basis && f.lambda == 0 && !std::isfinite(f.scores.test_mse)) {
            p.title += " (no OLS from p = " + std::to_string(f.degree) + ": ill-conditioned)";
            break;
        }
    const char* red = "#d62728";
    if (r2_plot) {
        p.series.push_back(level_line(franke_itself.test_r2,
                                      "Franke itself on this test set: " + table::fixed(franke_itself.test_r2, 3),
                                      red, c.max_degree));
        add_cv_choices(p, fits, basis, true);
        return p;
    }
    plot::Series train = degree_series(fits, basis, 0, false, true);
    train.color = "#777777";
    p.series.push_back(train);
    p.series.push_back(ols_cv_series(fits, basis, c));
    add_cv_choices(p, fits, basis, false);
    const double floor = c.sigma * c.sigma;
    p.series.push_back(level_line(floor, "noise floor σ² = " + table::sig(floor), "#000000", c.max_degree));
    p.series.push_back(level_line(franke_itself.test_mse,
                                  "Franke itself on this test set: " + table::fixed(franke_itself.test_mse, 4),
                                  red, c.max_degree));
    return p;
}

// ---------------------------------------------------------------------------------------------
// The SGD grids as heat maps: rows of runs, one column per η

// The x label of a grid: η, and what the outline means.
inline std::string grid_xlabel(const Config& c) {
    return "learning rate η   (outlined: chosen by " + std::to_string(c.folds) + "-fold CV on the training set)";
}

// A heat map of test MSE or R² with one column per η of the grid; rows are filled by the caller.
inline plot::HeatMap eta_heat_map(const Config& c, bool r2_map) {
    plot::HeatMap h;
    for (double eta : eta_grid(c)) h.col_labels.push_back(table::sig(eta, 2));
    h.xlabel = grid_xlabel(c);
    h.colorbar_label = r2_map ? "test R²" : "test MSE";
    h.low_is_good = !r2_map;
    h.value_format = r2_map ? "%.3f" : "%.4f";
    return h;
}

// The closed-form score shown beside a grid: R² to 3 decimals, MSE to 4 (as in the cells).
inline std::string closed_form_text(const FitScores& f, bool r2_map) {
    return r2_map ? table::fixed(f.test_r2, 3) : table::fixed(f.test_mse, 4);
}

// Rows of `runs` (one per group of `columns` consecutive runs) as heat-map values, with the run
// chosen by cross-validation outlined: the cells show test scores, as 001's figures do, but the
// choice was made on the training set alone.
inline void fill_rows(plot::HeatMap& h, const std::vector<SgdRun>& runs, std::size_t columns, bool r2_map) {
    for (std::size_t r = 0; r < runs.size(); r += columns) {
        std::vector<double> row;
        for (std::size_t j = 0; j < columns; ++j)
            row.push_back(r2_map ? runs[r + j].scores.test_r2 : runs[r + j].scores.test_mse);
        h.values.push_back(row);
    }
    for (std::size_t i = 0; i < runs.size(); ++i)
        if (runs[i].chosen) h.outlined = std::make_pair(i / columns, i % columns);
}


// 001, Fig. 3: SGD for OLS, rows = batch size × schedule, columns = η.
inline plot::HeatMap sgd_ols_map(const std::vector<SgdRun>& runs, bool r2_map, const Config& c, std::size_t n_train) {
    plot::HeatMap h = eta_heat_map(c, r2_map);
    h.title = "SGD for OLS: " + h.colorbar_label + " after " + std::to_string(c.epochs) +
              " epochs (closed form: " + closed_form_text(runs.front().closed_form, r2_map) + ")";
    h.ylabel = "batch size M, learning rate schedule";
    const std::size_t columns = h.col_labels.size();
    for (std::size_t r = 0; r < runs.size(); r += columns) {
        const SgdOptions& o = runs[r].options;
        const std::size_t M = o.batch_size == 0 ? n_train : o.batch_size;
        h.row_labels.push_back("M = " + std::to_string(M) + (o.batch_size == 0 ? " (all)" : "") +
                               (o.decay ? ", decaying η" : ""));
    }
    fill_rows(h, runs, columns, r2_map);
    return h;
}

// 001, Fig. 4: SGD for Ridge, rows = λ (with its closed-form score), columns = η.
inline plot::HeatMap sgd_ridge_map(const std::vector<SgdRun>& runs, bool r2_map, const Config& c) {
    plot::HeatMap h = eta_heat_map(c, r2_map);
    h.title = "SGD for Ridge: " + h.colorbar_label + " after " + std::to_string(c.epochs) + " epochs, batch " +
              std::to_string(c.ridge_batch_size);
    h.ylabel = "λ (closed-form " + h.colorbar_label + ")";
    const std::size_t columns = h.col_labels.size();
    for (std::size_t r = 0; r < runs.size(); r += columns)
        h.row_labels.push_back("λ = " + table::sig(runs[r].options.lambda, 2) + " (" +
                               closed_form_text(runs[r].closed_form, r2_map) + ")");
    fill_rows(h, runs, columns, r2_map);
    return h;
}

// ---------------------------------------------------------------------------------------------
// Momentum against plain SGD

inline plot::LinePlot momentum_plot(const MomentumCurves& m) {
    plot::LinePlot p;
    p.title = "OLS by SGD (batch 10): training loss above the closed-form minimum";
    p.xlabel = "epoch";
    p.ylabel = "C(β) − C(β̂)";
    p.log_y = true;
    for (const auto& curve : m.curves) {
        plot::Series s;
        s.label = curve.label;
        if (curve.result.diverged) s.label += " — diverged at epoch " + std::to_string(curve.result.diverged_epoch);
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
// The five update rules against the exact optimum

// One panel: for every method at one batch size, the distance to β* (or the training MSE above
// C(β*), log scale) against epoch.
inline plot::LinePlot optimizer_panel(const std::vector<OptimizerRun>& runs, std::size_t batch, bool excess,
                                      const Optimum& optimum, std::size_t n_train) {
    plot::LinePlot p;
    p.title = (batch == 0 ? "whole training set (" + std::to_string(n_train) + ")" : "mini-batches, " + batch_text(batch, n_train)) +
              (excess ? ": training MSE above C(β*)" : ": distance to β*");
    p.xlabel = "epoch";
    p.ylabel = excess ? "C(β) − C(β*)" : "‖β − β*‖ / ‖β*‖";
    p.log_y = excess;
    for (const OptimizerRun& r : runs) {
        if (r.options.batch_size != batch) continue;
        plot::Series s;
        s.label = std::string(method_name(r.options.method)) + ", η = " + table::param(r.options.eta);
        if (r.result.diverged) s.label += " — diverged at epoch " + std::to_string(r.result.diverged_epoch);
        if (excess) s.label.clear();   // the panel above holds the legend: same curves, same colours
        s.markers = false;
        s.dashed = r.options.method == Method::momentum;   // it lies on plain SGD where η/(1 − ω) match
        for (std::size_t e = 0; e < r.result.loss.size(); ++e) {
            const double gap = r.result.loss[e] - optimum.train_mse;
            s.x.push_back(static_cast<double>(e));
            s.y.push_back(excess ? (gap > 0 ? gap : NAN) : r.distance[e]);   // gap ≤ 0 only by rounding
        }
        p.series.push_back(s);
    }
    return p;
}

// Distance to β* (top) and training MSE above C(β*) (bottom), mini-batches (left) and the whole
// training set (right), every method at its cross-validated η.
inline plot::Panels optimizers_plot(const std::vector<OptimizerRun>& runs, const Optimum& optimum, const Config& c,
                                    std::size_t n_train) {
    plot::Panels f;
    f.title = "OLS by five update rules, each at its cross-validated η: how far from the exact optimum β*";
    f.columns = 2;
    f.panel_width = 520;
    f.panel_height = 380;
    for (bool excess : {false, true})
        for (std::size_t batch : optimizer_batches(c)) f.panels.push_back(optimizer_panel(runs, batch, excess, optimum, n_train));
    return f;
}
