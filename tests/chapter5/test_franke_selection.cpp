// Tests of chapter 5's model selection (selection.hpp) and of 001's open questions
// (open_questions.hpp): the validation split partitions the training set, the search never reads
// the test set and chooses its smallest validation score, the comparisons choose likewise, the
// momentum study's ω = 0 is Fig. 7's run, the [0, 1] scaling of the targets, and the RandomNet
// classifier's draws.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "chapters/chapter5_deep_backprop/experiments.hpp"
#include "chapters/chapter5_deep_backprop/open_questions.hpp"
#include "chapters/chapter5_deep_backprop/selection.hpp"
#include "testing.hpp"

namespace {

// A Franke set-up small enough for a test: 200 points (150 training, 30 of them held out),
// 16 hidden units, a search over 5 and 10 epochs.
FrankeConfig small_franke() {
    FrankeConfig c;
    c.n = 200;
    c.hidden = 16;
    c.search_epochs = {5, 10};
    c.study_epochs = 4;
    return c;
}

FrankeSets small_sets(double sigma = 0.2) { return franke_sets(make_franke_data(200, 2020, sigma)); }

// The test set with every input and target replaced by NaN: whatever reads it gets NaN.
FrankeSets with_poisoned_test(FrankeSets s) {
    for (double& x : s.test.X.data) x = std::numeric_limits<double>::quiet_NaN();
    for (double& y : s.test.Y.data) y = std::numeric_limits<double>::quiet_NaN();
    return s;
}

bool same_bits(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

}  // namespace

// 20 % of 150 training points held out: 30 to validate, 120 to fit, and together exactly the
// training samples, each once (the inputs are distinct, so a column is known by its x).
TEST_CASE(validation_split_partitions_the_training_set) {
    const FrankeSets sets = small_sets();
    const ValidationSplit split = split_for_validation(sets.train, 0.2, 2020);
    CHECK_EQ(split.validation.size(), 30u);
    CHECK_EQ(split.fit.size(), 120u);
    std::vector<double> seen, all;
    for (const Data* d : {&split.fit, &split.validation})
        for (std::size_t j = 0; j < d->size(); ++j) seen.push_back(d->X(0, j));
    for (std::size_t j = 0; j < sets.train.size(); ++j) all.push_back(sets.train.X(0, j));
    std::sort(seen.begin(), seen.end());
    std::sort(all.begin(), all.end());
    CHECK(seen == all);
    CHECK(std::adjacent_find(all.begin(), all.end()) == all.end());
}

// The search is given the training points only. With every test input and target replaced by
// NaN it scores every candidate identically and makes the same choice; only the final run,
// which is handed the test set, meets the NaN (and stops as diverged at its first epoch).
TEST_CASE(search_never_reads_the_test_set) {
    const FrankeConfig c = small_franke();
    const FrankeSets sets = small_sets();
    const FrankeHeadline clean = run_franke_headline(c, sets, 2020);
    const FrankeHeadline poisoned = run_franke_headline(c, with_poisoned_test(sets), 2020);
    CHECK_EQ(clean.search.candidates.size(), eta_ladder(c.optimizer).size() * c.search_lambda.size() * 2);
    CHECK_EQ(clean.search.candidates.size(), poisoned.search.candidates.size());
    std::size_t differ = 0;
    for (std::size_t k = 0; k < clean.search.candidates.size() && k < poisoned.search.candidates.size(); ++k)
        differ += !same_bits(clean.search.candidates[k].validation_mse, poisoned.search.candidates[k].validation_mse);
    CHECK_EQ(differ, 0u);
    CHECK(clean.search.any_finished);
    CHECK_EQ(clean.chosen.eta, poisoned.chosen.eta);
    CHECK_EQ(clean.chosen.lambda, poisoned.chosen.lambda);
    CHECK_EQ(clean.chosen.epochs, poisoned.chosen.epochs);
    CHECK(std::isfinite(clean.run.final_test_metric()));
    CHECK(poisoned.run.result.diverged);
    CHECK_EQ(poisoned.run.result.diverged_epoch, 1u);
}

// The chosen candidate has the smallest validation score of all, and the headline run trains
// the chosen set-up for its epochs on all training points.
TEST_CASE(search_chooses_the_smallest_validation_score) {
    const FrankeConfig c = small_franke();
    const FrankeHeadline h = run_franke_headline(c, small_sets(), 2020);
    for (const Candidate& k : h.search.candidates)
        if (std::isfinite(k.validation_mse)) CHECK_LE(h.search.chosen.validation_mse, k.validation_mse);
    CHECK_EQ(h.run.history.size(), h.chosen.epochs);
    CHECK_EQ(h.chosen.eta, h.search.chosen.eta);
}

// Targets of noise 10¹⁰⁰ make every candidate diverge: the search says so, falls back to its
// first candidate (smallest η, λ = 0, fewest epochs), and that run reports its divergence.
TEST_CASE(search_where_every_candidate_diverges) {
    const FrankeConfig c = small_franke();
    const FrankeHeadline h = run_franke_headline(c, small_sets(1e100), 2020);
    const std::vector<double> ladder = eta_ladder(c.optimizer);
    CHECK(!h.search.any_finished);
    CHECK_EQ(h.chosen.eta, ladder.front());
    CHECK_EQ(h.chosen.lambda, c.search_lambda.front());
    CHECK_EQ(h.chosen.epochs, c.search_epochs.front());
    for (const Candidate& k : h.search.candidates) CHECK_LE(1u, k.diverged_epoch);
    CHECK(h.run.result.diverged);
}

// settled_mse is the mean of the last five epochs up to e (fewer at the start), NaN beyond the run.
TEST_CASE(settled_mse_by_hand) {
    const std::vector<double> v{1, 2, 3, 4, 5, 6, 7};
    CHECK_EQ(settled_mse(v, 7), (3.0 + 4 + 5 + 6 + 7) / 5);
    CHECK_EQ(settled_mse(v, 2), 1.5);
    CHECK(std::isnan(settled_mse(v, 8)));
    CHECK(std::isnan(settled_mse(v, 0)));
}

// Each rule gets every rate of its ladder, and the smallest settled validation MSE wins.
TEST_CASE(optimizer_comparison_chooses_on_validation) {
    const FrankeConfig c = small_franke();
    OptimizerComparisonConfig oc;
    oc.epochs = 6;
    const auto rules = run_optimizer_comparison(c, oc, small_sets().train, 2020);
    CHECK_EQ(rules.size(), optimizer_names().size());
    for (const RuleComparison& r : rules) {
        CHECK_EQ(r.runs.size(), eta_ladder(r.rule).size());
        CHECK(r.any_finished);
        for (const RuleRun& run : r.runs)
            if (std::isfinite(run.validation_mse)) CHECK_LE(r.runs[r.chosen].validation_mse, run.validation_mse);
        CHECK_EQ(r.runs[r.chosen].run.history.size(), oc.epochs);
    }
}

// ω = 0 in the momentum study is Fig. 7's ReLU network with Glorot weights, bit for bit: the same
// stream, the same weights, the same batches.
TEST_CASE(momentum_study_without_momentum_is_fig7s_run) {
    const FrankeConfig c = small_franke();
    const FrankeSets sets = small_sets();
    MomentumStudyConfig mc;
    mc.omega = {0.0, 0.9};
    const auto momentum = run_momentum_study(c, mc, sets, 2020);
    const auto study = run_activation_init_study(c, sets, 2020);
    const ActivationInitRun* fig7 = nullptr;
    for (const auto& s : study)
        if (s.f == Activation::relu && s.init == Init::glorot) fig7 = &s;
    CHECK(fig7 != nullptr);
    if (!fig7) return;
    CHECK_EQ(momentum[0].run.history.size(), fig7->run.history.size());
    for (std::size_t e = 0; e < momentum[0].run.history.size() && e < fig7->run.history.size(); ++e)
        CHECK_EQ(momentum[0].run.history[e].test_metric, fig7->run.history[e].test_metric);
    CHECK(momentum[1].run.history.back().test_metric != fig7->run.history.back().test_metric);
}

// The fitted targets scaled by their own minimum and range lie in [0, 1], with both ends met;
// the sigmoid output's predictions, mapped back, stay inside the range of the fitted targets.
TEST_CASE(sigmoid_output_targets_and_predictions) {
    const FrankeConfig c = small_franke();
    const FrankeSets sets = small_sets();
    const TargetScale s = scale_of(sets.train);
    const Data y = scaled(sets.train, s);
    CHECK_EQ(*std::min_element(y.Y.data.begin(), y.Y.data.end()), 0.0);
    CHECK_EQ(*std::max_element(y.Y.data.begin(), y.Y.data.end()), 1.0);
    OutputStudyConfig oc;
    oc.epochs = 6;
    const auto study = run_output_study(c, oc, sets.train, 2020);
    CHECK_EQ(study.size(), 2u);
    const OutputChoice& bce = study[1];
    CHECK(bce.output == Output::sigmoid_bce);
    CHECK(bce.any_finished);
    CHECK(bce.network.loss == Loss::bce);
    const Matrix a = predict_original(bce.network, sets.test.X, bce.scale);
    for (double v : a.data) CHECK(v > bce.scale.lo && v < bce.scale.lo + bce.scale.range);
    for (const OutputChoice& o : study)
        for (const OutputRun& run : o.runs)
            if (std::isfinite(run.final_validation())) CHECK_LE(o.runs[o.chosen].final_validation(), run.final_validation());
}

// The classifier RandomNets are experiment 3's draws (same widths and activations, from the
// same streams) with a sigmoid output; the last run is the simple 2-128-1 ReLU network.
TEST_CASE(randomnet_classifier_reuses_the_draws) {
    RandomNetConfig c;
    c.count = 3;
    MoonsConfig mc;
    mc.n = 120;
    mc.epochs = 2;
    const auto runs = run_randomnet_moons(c, mc, 2020);
    CHECK_EQ(runs.size(), 4u);
    for (std::size_t k = 0; k < 3; ++k) {
        Rng rng = Rng::stream(2020, streams::randomnet + k);
        const RandomNetSpec franke = draw_random_net(c, rng);
        CHECK(widths_of(runs[k].spec) == widths_of(franke));
        std::vector<Activation> f = activations_of(franke);
        f.back() = Activation::sigmoid;
        CHECK(activations_of(runs[k].spec) == f);
        CHECK_EQ(runs[k].run.history.size(), 2u);
    }
    CHECK(widths_of(runs.back().spec) == (std::vector<std::size_t>{2, 128, 1}));
}
