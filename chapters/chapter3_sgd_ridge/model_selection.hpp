// model_selection.hpp — choosing hyper-parameters on the training set alone: K-fold
// cross-validation (Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, 2nd ed.,
// §7.10).
//
// The training points are cut, in a seeded random order, into K folds of equal size (± 1). For
// each fold k a model is fitted on the other K − 1 folds — its design centred by *their* means —
// and scored on fold k; the cross-validation MSE of a setting is the mean of the K fold MSEs:
//     CV(setting) = (1/K) Σ_k MSE_k,   MSE_k = (1/|F_k|) Σ_{i∈F_k} (z_i − ẑ_i^{(−k)})²
// The setting with the lowest CV MSE is chosen; only then does the test set score the model
// fitted with it on the whole training set, once.
//
// The test points cannot leak into a search: every function here takes TrainingPoints, which
// holds the training points and nothing else.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "chapters/chapter3_sgd_ridge/design.hpp"
#include "chapters/chapter3_sgd_ridge/least_squares.hpp"
#include "chapters/chapter3_sgd_ridge/regression.hpp"
#include "chapters/chapter3_sgd_ridge/sgd.hpp"
#include "common/franke.hpp"
#include "common/random.hpp"

// The training points of a data set, in the order of its training list: all a search may see.
struct TrainingPoints {
    Vector x, y, z;
    std::size_t size() const { return z.size(); }
};

inline TrainingPoints training_points(const FrankeData& d) {
    return {select(d.x, d.train), select(d.y, d.train), select(d.z, d.train)};
}

// K folds of the positions 0 … n−1: a seeded random permutation cut into K consecutive pieces,
// piece k = positions [⌊kn/K⌋, ⌊(k+1)n/K⌋) of it, so the sizes are ⌊n/K⌋ or ⌈n/K⌉.
using Folds = std::vector<std::vector<std::size_t>>;

inline Folds cv_folds(std::size_t n, std::size_t K, Rng rng) {
    const std::vector<std::size_t> perm = rng.permutation(n);
    Folds folds(K);
    for (std::size_t k = 0; k < K; ++k)
        folds[k].assign(perm.begin() + static_cast<std::ptrdiff_t>(k * n / K),
                        perm.begin() + static_cast<std::ptrdiff_t>((k + 1) * n / K));
    return folds;
}

// Split k of the training points as a FrankeData: "train" = the other folds (in fold order),
// "test" = fold k, so that make_design centres by the other folds' means and holds fold k out.
inline FrankeData fold_split(const TrainingPoints& t, const Folds& folds, std::size_t k) {
    FrankeData d{t.x, t.y, t.z, {}, folds[k]};
    for (std::size_t j = 0; j < folds.size(); ++j)
        if (j != k) d.train.insert(d.train.end(), folds[j].begin(), folds[j].end());
    return d;
}

// The design of the whole training set (no rows held out): the matrix every final model is
// fitted on, and whose κ decides whether an OLS answer can be trusted.
inline Design training_design(const TrainingPoints& t, Basis basis, int degree, bool scale_columns) {
    const FrankeData d{t.x, t.y, t.z, all_rows(t.size()), {}};
    return make_design(d, basis, degree, scale_columns);
}

// One design per fold: fitted on the other folds, held-out rows = the fold.
inline std::vector<Design> fold_designs(const TrainingPoints& t, const Folds& folds, Basis basis, int degree,
                                        bool scale_columns) {
    std::vector<Design> designs;
    for (std::size_t k = 0; k < folds.size(); ++k)
        designs.push_back(make_design(fold_split(t, folds, k), basis, degree, scale_columns));
    return designs;
}

// CV MSE of the closed-form Ridge answer (λ = 0: OLS) on each fold's design.
inline double closed_form_cv_mse(const std::vector<Design>& folds, double lambda) {
    double sum = 0;
    for (const Design& f : folds) sum += mse(f.z_test, matvec(f.X_test, ridge(f.X_train, f.z_train, lambda).beta));
    return sum / static_cast<double>(folds.size());
}

// CV MSE of each SGD setting: on each fold every setting runs from β = 0, all of them together
// (sgd_together) with the shuffles of a fresh copy of `shuffles`, the generator state of every run
// on the whole training set. NaN for a setting that diverged on any fold: a setting that fails on
// some training data is not a candidate. after_epoch() is called after every epoch of every fold.
template <class AfterEpoch>
Vector sgd_cv_mse(const std::vector<Design>& folds, std::vector<SgdOptions> settings, const Rng& shuffles,
                  AfterEpoch after_epoch) {
    for (SgdOptions& o : settings) {
        o.loss_every = 10;      // only the final β counts (sgd.hpp)
        o.keep_path = false;
    }
    Vector sum(settings.size(), 0.0);
    for (const Design& f : folds) {
        const std::vector<SgdResult> runs = sgd_together(f.X_train, f.z_train, settings, shuffles,
                                                         [&](std::size_t) { after_epoch(); });
        for (std::size_t i = 0; i < runs.size(); ++i)
            sum[i] += runs[i].diverged ? NAN : mse(f.z_test, matvec(f.X_test, runs[i].beta));
    }
    for (double& v : sum) v /= static_cast<double>(folds.size());
    return sum;
}

// The position of the lowest finite CV MSE among the candidates (`eligible[i]` false: skipped);
// cv.size() when there is none.
inline std::size_t lowest_cv(const Vector& cv, const std::vector<bool>& eligible) {
    std::size_t best = cv.size();
    for (std::size_t i = 0; i < cv.size(); ++i)
        if (eligible[i] && std::isfinite(cv[i]) && (best == cv.size() || cv[i] < cv[best])) best = i;
    return best;
}
