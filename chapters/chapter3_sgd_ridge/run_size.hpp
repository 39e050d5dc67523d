// run_size.hpp — how much work and memory a run of this chapter takes, worked out from its
// flags before any file is created: a run far beyond the defaults says first what it will cost,
// and one beyond all reason is refused unless the user asks for it (--allow-large). The policy is
// common/workload.hpp's; the counting is here.
//
// With n_t = 0.75 n training points, K folds (each fit on n_f = n_t − ⌈n_t/K⌉ of them), k columns
// and E epochs, the run does, in the order of main.cpp:
//   closed forms   for each basis and degree p = 1 … --max-degree (k = its columns): κ of the
//                  training design (QR, then one-sided Jacobi on R), on each fold and for OLS and
//                  each λ a QR fit of n_f (+ k) rows, then on the whole training set a QR fit
//                  of n_t (+ k) rows per λ, scored on the test set
//   SGD grids      the OLS grid (2 schedules × batch sizes × η) and the Ridge grid (λ × η),
//                  each setting E epochs on every fold and then E epochs on all n_t points
//   momentum       three runs of E epochs on n_t points, together
//   optimisers     5 rules × 2 batch sizes × 4 η, E epochs on every fold; the 10 chosen runs
//                  again on n_t points, together
//   scores         every fitted model scored on the n − n_t test points and on --bootstrap
//                  resamples of them
// Multiply-adds: a QR fit of m × k (Householder: each column's reflector applied to the ones to
// its right) m k² − k³/3; Jacobi 3.5 k³ per sweep (k²/2 pairs, three dot products and a rotation
// of length k), sweeps(k) of them; an SGD epoch on m rows in batches of M, 2 m k for the batch
// gradients (X_B β and X_Bᵀ r), step(rule) · k per batch for the update, m k for the training loss
// (after every epoch, or every tenth in a cross-validation search). Besides multiply-adds, the
// designs' entries (two powers each) and the random draws (shuffles, bootstrap resamples) are
// counted and timed at their own rates. Runs that diverge, and OLS on an ill-conditioned design,
// stop or are skipped; the estimate counts them all, so it errs on the long side.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "chapters/chapter3_sgd_ridge/experiments.hpp"
#include "chapters/chapter3_sgd_ridge/optimizer_comparison.hpp"
#include "common/workload.hpp"

// Rates on one core, measured on the AMD EPYC (2 cores, AVX-512) the chapter's times were taken
// on, by timing each kind of work of the default run alone (processor time, std::clock) and
// dividing the count below by it:
//   QR fits (householder_solve) 3.3e9 multiply-adds/s for k ≥ 20 (less for tiny k, where the
//   calls cost more than their arithmetic); Jacobi 5.1e9; the SGD searches and grids 3.7–6.4e9
//   (the Ridge grid's runs on the whole training set, with their scores, the slowest); the design
//   entries 3.6e7/s (two std::pow each); random draws (Rng::below, a shuffle's swap, a bootstrap
//   sample's squared error) 1.5e8/s.
// The estimate takes each at or a little below the slowest measured, so it errs on the long side:
// 10.6 s for the default run, which takes 8.3–9.5 s of processor time in all (its files included).
constexpr double kQrMultiplyAddsPerSecond = 3e9;
constexpr double kJacobiMultiplyAddsPerSecond = 4.5e9;
constexpr double kSgdMultiplyAddsPerSecond = 3.5e9;
constexpr double kDesignEntriesPerSecond = 3e7;
constexpr double kDrawsPerSecond = 1.2e8;

// Jacobi sweeps until every pair of columns of R is orthogonal: they grow with k, as the designs
// get worse conditioned (measured on the Franke designs: 10 at k = 20, 26 at k = 119, 45 at
// k = 224); 8 + k/5 lies above every measured count, and singular_values stops at 60.
inline double jacobi_sweeps(double k) { return std::min(60.0, 8 + k / 5); }

// Multiply-adds of one update of k coefficients, the batch gradient's scaling included (sgd.hpp,
// optimizers.hpp): plain 2 + 2, momentum one more, Adagrad, RMSprop and Adam their square roots
// and divisions (measured against the plain rule: about 10).
inline double step_multiply_adds(Method m) {
    switch (m) {
        case Method::sgd: return 4;
        case Method::momentum: return 5;
        default: return 10;
    }
}

// A run estimated above 2 min is announced (work, time, memory) and reports its epochs. The
// default run is estimated at 10.6 s, so this is 11 times beyond it.
constexpr double kNoticeSeconds = 120;
// A run above an hour, or 4 GB of memory (more than many laptops can spare for one program; the
// default run is estimated at 24 MB and holds 14 MB), is refused unless --allow-large.
constexpr double kLimitSeconds = 3600;
constexpr double kLimitBytes = 4e9;

// The parts of the count, each at its own rate.
struct Work {
    double qr = 0, jacobi = 0, sgd = 0;   // multiply-adds
    double design_entries = 0, draws = 0;

    double multiply_adds() const { return qr + jacobi + sgd; }
    double seconds() const {
        return qr / kQrMultiplyAddsPerSecond + jacobi / kJacobiMultiplyAddsPerSecond + sgd / kSgdMultiplyAddsPerSecond +
               design_entries / kDesignEntriesPerSecond + draws / kDrawsPerSecond;
    }
};

inline double qr_multiply_adds(double m, double k) { return m * k * k - k * k * k / 3; }
inline double kappa_multiply_adds(double m, double k) { return qr_multiply_adds(m, k); }
inline double jacobi_multiply_adds(double k) { return jacobi_sweeps(k) * 3.5 * k * k * k; }

// The sizes every count uses.
struct Sizes {
    double n, n_train, n_test, n_fit, folds, bootstrap, epochs;
};

inline Sizes sizes_of(const Config& c) {
    Sizes s;
    s.n = c.n;
    s.n_train = std::round(0.75 * c.n);
    s.n_test = s.n - s.n_train;
    s.folds = c.folds;
    s.n_fit = s.n_train - std::ceil(s.n_train / s.folds);
    s.bootstrap = c.bootstrap;
    s.epochs = c.epochs;
    return s;
}

// One scored model: ẑ on every point, the scores, and --bootstrap resamples of the test set.
inline void add_scoring(Work& w, const Sizes& s, double k) {
    w.qr += s.n * k;
    w.draws += s.bootstrap * s.n_test;
}

// The closed forms of one basis and degree with k columns (experiments.hpp: closed_form_search,
// closed_form_fits).
inline void add_closed_forms(Work& w, const Sizes& s, double k, double lambdas) {
    w.design_entries += s.n_train * k * (1 + s.folds) + s.n * k;   // training design, fold designs, all points
    w.qr += kappa_multiply_adds(s.n_train, k);
    w.jacobi += jacobi_multiply_adds(k);
    for (double ridge : {0.0, 1.0}) {
        const double fits = ridge ? lambdas : 1;   // OLS, then each λ on the augmented system
        w.qr += fits * s.folds * (qr_multiply_adds(s.n_fit + ridge * k, k) + (s.n_train - s.n_fit) * k);
        w.qr += fits * qr_multiply_adds(s.n_train + ridge * k, k);
        for (int f = 0; f < fits; ++f) add_scoring(w, s, k);
    }
}

// E epochs of one SGD run on m rows with k columns; loss_every as in sgd.hpp.
inline double sgd_multiply_adds(const SgdOptions& o, double m, double k, double epochs, double loss_every) {
    const double M = o.batch_size == 0 || static_cast<double>(o.batch_size) > m ? m : static_cast<double>(o.batch_size);
    const double batches = std::ceil(m / M);
    const double losses = std::ceil(epochs / loss_every);
    return epochs * (2 * m * k + step_multiply_adds(o.method) * k * batches) + losses * m * k;
}

// A grid of settings: K-fold cross-validation (the shuffles drawn once per epoch and fold), then
// every setting on the whole training set, each scored. `refit` adds the runs repeated on the
// whole training set (the optimiser comparison repeats only its chosen ones: `refit` of them).
inline void add_sgd_grid(Work& w, const Sizes& s, double k, const std::vector<SgdOptions>& settings, double refit) {
    w.design_entries += s.folds * s.n_train * k;
    w.draws += s.epochs * s.folds * s.n_fit + s.epochs * s.n_train;
    for (const SgdOptions& o : settings) w.sgd += s.folds * sgd_multiply_adds(o, s.n_fit, k, s.epochs, 10);
    const double share = refit / static_cast<double>(settings.size());   // of every setting's cost
    for (const SgdOptions& o : settings) w.sgd += share * sgd_multiply_adds(o, s.n_train, k, s.epochs, 1);
    for (int r = 0; r < refit; ++r) add_scoring(w, s, k);
}

// The optimiser comparison runs again the choice of each rule and batch size (optimizer_comparison.hpp).
constexpr double kChosenRules = 2.0 * std::size(kMethods);

inline Work count_work(const Config& c) {
    Work w;
    const Sizes s = sizes_of(c);
    const double lambdas = static_cast<double>(c.lambdas.size());
    for (Basis b : {Basis::total, Basis::tensor})
        for (int p = 1; p <= c.max_degree; ++p) add_closed_forms(w, s, static_cast<double>(column_count(b, p)), lambdas);
    const double k = static_cast<double>(column_count(parse_basis(c.sgd_basis), c.sgd_degree));
    w.design_entries += s.n * k;   // the SGD design
    // κ of the SGD design four times: for summary.md, the OLS grid's closed form, and the
    // optimisers' conditioning (X, and X with its columns scaled).
    for (int kappas = 0; kappas < 4; ++kappas) {
        w.qr += kappa_multiply_adds(s.n_train, k);
        w.jacobi += jacobi_multiply_adds(k);
    }
    const std::vector<SgdOptions> ols = sgd_ols_settings(c), ridge = sgd_ridge_settings(c);
    add_sgd_grid(w, s, k, ols, static_cast<double>(ols.size()));
    add_sgd_grid(w, s, k, ridge, static_cast<double>(ridge.size()));
    for (int closed = 0; closed < 1 + c.grid_points; ++closed) {   // each grid λ's closed form, scored
        w.qr += qr_multiply_adds(s.n_train + k, k);
        add_scoring(w, s, k);
    }
    SgdOptions plain;
    plain.batch_size = 10;
    plain.method = Method::momentum;
    w.sgd += 3 * sgd_multiply_adds(plain, s.n_train, k, s.epochs, 1);   // the momentum curves
    w.draws += s.epochs * s.n_train;   // the three share their shuffles (sgd_together)
    w.qr += 2 * qr_multiply_adds(s.n_train, k);   // β* of the momentum curves and of the optimisers
    const std::vector<SgdOptions> rules = optimizer_candidates(c);
    const double chosen = kChosenRules;           // one chosen run per rule and batch size
    add_sgd_grid(w, s, k, rules, chosen);   // the chosen runs, too, share their shuffles
    w.sgd += chosen * (s.epochs + 1) * k;             // its distance to β* after every epoch
    return w;
}

// Memory, in bytes: the program with its data (kProgramBytes, and 8 doubles a point); the designs
// alive at once, of the largest basis: its training design, its K fold designs and the design of
// all points, with their QR copies; each grid's runs, which keep their training loss after every
// epoch until they are scored (every tenth in a cross-validation search); the optimiser
// comparison's paths (β, its distance to β* and the loss after every epoch of its 10 runs); and
// the CSV text of every curve written per epoch (momentum.csv, optimizers.csv: 60–70 bytes a
// row, and up to twice that as the text grows), and the points of those curves in their figures
// (momentum.svg: 3 curves, optimizers.svg: 2 panels of 10; a point's coordinates and its SVG text).
// Measured: 14 MB at the default (estimated 24 MB); 253 MB for 50,000 epochs on 200 points
// (estimated 290 MB), where the per-epoch curves are nearly all of it.
constexpr double kProgramBytes = 5e6;
constexpr double kCsvRowBytes = 150;
constexpr double kSvgPointBytes = 64;
constexpr double kCurvesDrawnPerEpoch = 3 + 2 * kChosenRules;

inline double peak_bytes(const Config& c) {
    const Sizes s = sizes_of(c);
    const double k_max = static_cast<double>(column_count(Basis::tensor, c.max_degree));
    const double k = static_cast<double>(column_count(parse_basis(c.sgd_basis), c.sgd_degree));
    const double designs = 8 * k_max * (s.n_train * (s.folds + 3) + s.n + k_max);
    const double grid_runs = static_cast<double>(std::max(sgd_ols_settings(c).size(), sgd_ridge_settings(c).size()));
    const double losses = 8 * grid_runs * (s.epochs + 1);
    const double paths = 8 * kChosenRules * (s.epochs + 1) * (k + 7);   // β (k and its vector's size), distance, loss
    const double csv_rows = kCsvRowBytes * (3 + kChosenRules) * (s.epochs + 1);
    const double svg_points = kSvgPointBytes * kCurvesDrawnPerEpoch * (s.epochs + 1);
    return kProgramBytes + 64 * s.n + designs + losses + paths + csv_rows + svg_points;
}

inline workload::Estimate estimate(const Config& c) {
    const Work w = count_work(c);
    workload::Estimate e;
    e.work = w.multiply_adds();
    e.seconds = w.seconds();
    e.bytes = peak_bytes(c);
    return e;
}

inline workload::Bounds size_bounds() {
    workload::Bounds b;
    b.unit = "multiply-adds";
    b.rate = "at this code's measured rates";
    b.notice_seconds = kNoticeSeconds;
    b.limit_seconds = kLimitSeconds;
    b.limit_bytes = kLimitBytes;
    b.smaller = "--n, --epochs, --max-degree, --sgd-degree, --grid-points, --folds, --bootstrap";
    b.step = "epoch";
    return b;
}
