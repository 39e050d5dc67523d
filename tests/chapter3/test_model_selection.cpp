// Tests of chapter 3's model selection (model_selection.hpp and the searches of experiments.hpp,
// optimizer_comparison.hpp): the folds partition the training set, cross-validation scores what
// it should, and no search ever reads a test point.
#include "chapters/chapter3_sgd_ridge/model_selection.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "chapters/chapter3_sgd_ridge/experiments.hpp"
#include "chapters/chapter3_sgd_ridge/optimizer_comparison.hpp"
#include "testing.hpp"

namespace {
// Every index 0 … n−1 in exactly one fold, and fold sizes ⌊n/K⌋ or ⌈n/K⌉.
bool partitions(const Folds& folds, std::size_t n) {
    std::vector<int> seen(n, 0);
    std::size_t smallest = n, largest = 0;
    for (const auto& f : folds) {
        smallest = std::min(smallest, f.size());
        largest = std::max(largest, f.size());
        for (std::size_t i : f) {
            if (i >= n) return false;
            ++seen[i];
        }
    }
    return std::all_of(seen.begin(), seen.end(), [](int s) { return s == 1; }) && largest - smallest <= 1;
}

// A quick configuration: total degree ≤ 3, 20 epochs, 2 × 2 grids.
Config quick() {
    Config c;
    c.max_degree = 3;
    c.sgd_degree = 3;
    c.epochs = 20;
    c.grid_points = 2;
    c.batch_sizes = {10, 0};
    c.bootstrap = 5;
    return c;
}

// The same bits (NaN equal to NaN): a search run twice on data that differ only where it must not
// look gives the very same numbers.
bool same_bits(const Vector& a, const Vector& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

// Every number the three searches produce, in one list.
Vector search_numbers(const FrankeData& d, const Config& c) {
    const TrainingPoints t = training_points(d);
    const Folds folds = training_folds(t.size(), c);
    Vector out;
    for (const ClosedFormFit& f : closed_form_search(t, folds, c)) out.insert(out.end(), {f.kappa, f.cv_mse});
    for (bool ridge : {false, true}) {
        const Vector cv = sgd_grid_search(t, folds, ridge ? sgd_ridge_settings(c) : sgd_ols_settings(c), c, "grid");
        out.insert(out.end(), cv.begin(), cv.end());
    }
    for (const OptimizerCandidate& o : optimizer_search(t, folds, c)) out.push_back(o.cv_mse);
    return out;
}
}  // namespace

TEST_CASE(folds_partition_the_training_set_in_folds_of_equal_size) {
    for (const auto& [n, K] : {std::pair<std::size_t, std::size_t>{750, 5}, {151, 5}, {7, 3}, {10, 10}}) {
        const Folds folds = cv_folds(n, K, Rng(3));
        CHECK_EQ(folds.size(), K);
        CHECK(partitions(folds, n));
    }
    // 750 training points, 5 folds: 150 each.
    for (const auto& f : cv_folds(750, 5, Rng(3))) CHECK_EQ(f.size(), 150u);
}

TEST_CASE(folds_are_seeded) {
    const Config c;
    CHECK(training_folds(750, c) == training_folds(750, c));
    Config other = c;
    other.seed = c.seed + 1;
    CHECK(training_folds(750, c) != training_folds(750, other));
}

// Split k fits on the other folds and holds fold k out; its design is centred by the means of the
// rows it fits on, so those columns sum to zero.
TEST_CASE(each_split_fits_on_the_other_folds_and_holds_one_out) {
    const TrainingPoints t = training_points(make_franke_data(200, 2020));
    const Folds folds = cv_folds(t.size(), 5, Rng(3));
    for (std::size_t k = 0; k < folds.size(); ++k) {
        const FrankeData s = fold_split(t, folds, k);
        CHECK(s.test == folds[k]);
        CHECK_EQ(s.train.size() + s.test.size(), t.size());
        for (std::size_t i : s.test) CHECK(std::find(s.train.begin(), s.train.end(), i) == s.train.end());
        const Design D = make_design(s, Basis::total, 2, false);
        for (std::size_t j = 0; j < D.X_train.cols; ++j) {
            double sum = 0;
            for (std::size_t r = 0; r < D.X_train.rows; ++r) sum += D.X_train(r, j);
            CHECK_NEAR(sum, 0.0, 1e-12);   // rounding of 120 centred entries of order 1
        }
    }
}

// Targets that are exactly a polynomial of total degree 2: OLS of degree ≥ 2 fitted on any four
// folds predicts the fifth exactly, so its CV MSE is rounding (≤ 1e-20); degree 1 cannot, and a
// Ridge penalty shrinks the answer away from the exact one.
TEST_CASE(cross_validation_of_an_exact_model_is_zero) {
    TrainingPoints t = training_points(make_franke_data(200, 2020));
    for (std::size_t i = 0; i < t.size(); ++i) t.z[i] = 1 + 2 * t.x[i] - 3 * t.y[i] * t.y[i] + t.x[i] * t.y[i];
    const Folds folds = cv_folds(t.size(), 5, Rng(3));
    CHECK_LE(closed_form_cv_mse(fold_designs(t, folds, Basis::total, 2, false), 0), 1e-20);
    CHECK_LE(closed_form_cv_mse(fold_designs(t, folds, Basis::total, 4, false), 0), 1e-20);
    CHECK(closed_form_cv_mse(fold_designs(t, folds, Basis::total, 1, false), 0) > 1e-3);
    CHECK(closed_form_cv_mse(fold_designs(t, folds, Basis::total, 2, false), 0.1) > 1e-3);
}

// A setting that diverges on a fold has no CV MSE (NaN) and is never chosen; the finite lowest is.
TEST_CASE(a_diverging_setting_is_not_a_candidate) {
    const TrainingPoints t = training_points(make_franke_data(200, 2020));
    const Folds folds = cv_folds(t.size(), 5, Rng(3));
    std::vector<SgdOptions> settings(3);
    settings[0].eta = 1e-3, settings[1].eta = 10, settings[2].eta = 0.05;
    for (SgdOptions& o : settings) o.epochs = 20;
    const Vector cv = sgd_cv_mse(fold_designs(t, folds, Basis::total, 3, false), settings, Rng(4), [] {});
    CHECK(std::isfinite(cv[0]) && std::isfinite(cv[2]));
    CHECK(std::isnan(cv[1]));
    CHECK_EQ(lowest_cv(cv, {true, true, true}), cv[2] < cv[0] ? 2u : 0u);
    CHECK_EQ(lowest_cv(cv, {true, true, false}), 0u);
    CHECK_EQ(lowest_cv({NAN, NAN}, {true, true}), 2u);   // none: the size of the list
}

// Each search chooses exactly one setting: one OLS and one Ridge closed form, one run per SGD
// grid, one η per update rule and batch size; each the lowest CV MSE of its candidates.
TEST_CASE(every_search_chooses_its_lowest_cv_mse) {
    const Config c = quick();
    const FrankeData d = make_franke_data(200, 2020);
    const TrainingPoints t = training_points(d);
    const Folds folds = training_folds(t.size(), c);
    const std::vector<ClosedFormFit> fits = closed_form_search(t, folds, c);
    for (bool ridge : {false, true}) {
        std::size_t chosen = 0;
        double lowest = INFINITY;
        for (const auto& f : fits)
            if ((f.lambda > 0) == ridge) lowest = std::min(lowest, std::isfinite(f.cv_mse) ? f.cv_mse : INFINITY);
        for (const auto& f : fits)
            if ((f.lambda > 0) == ridge && f.chosen) {
                ++chosen;
                CHECK_EQ(f.cv_mse, lowest);
            }
        CHECK_EQ(chosen, 1u);
    }
    const std::vector<SgdOptions> settings = sgd_ols_settings(c);
    const Vector cv = sgd_grid_search(t, folds, settings, c, "grid");
    const std::vector<SgdRun> runs = sgd_grid(sgd_design(d, c), settings, cv, c, "grid");
    CHECK_EQ(std::count_if(runs.begin(), runs.end(), [](const SgdRun& r) { return r.chosen; }), 1);
    for (const auto& r : runs)
        if (r.chosen) {
            CHECK_EQ(r.cv_mse, *std::min_element(cv.begin(), cv.end()));
        }
    const std::vector<OptimizerCandidate> search = optimizer_search(t, folds, c);
    CHECK_EQ(std::count_if(search.begin(), search.end(), [](const OptimizerCandidate& o) { return o.chosen; }),
             static_cast<std::ptrdiff_t>(std::size(kMethods) * 2));
}

// The test points are never read while a setting is chosen: with every test point poisoned (x, y
// and z NaN), every κ and CV MSE of the closed-form, SGD and optimiser searches is the same, bit
// for bit, and finite where it was. Poisoning one training point instead does change them, so the
// comparison would catch a search that reads the data it is given.
TEST_CASE(the_test_set_is_never_read_during_a_search) {
    const Config c = quick();
    const FrankeData clean = make_franke_data(200, 2020);
    FrankeData poisoned = clean;
    for (std::size_t i : poisoned.test) poisoned.x[i] = poisoned.y[i] = poisoned.z[i] = NAN;
    const Vector a = search_numbers(clean, c), b = search_numbers(poisoned, c);
    CHECK(same_bits(a, b));
    CHECK(std::count_if(a.begin(), a.end(), [](double v) { return std::isfinite(v); }) > 0);

    FrankeData training_poisoned = clean;
    training_poisoned.z[clean.train.front()] = NAN;
    CHECK(!same_bits(a, search_numbers(training_poisoned, c)));
}
