// Tests of chapter 4's model selection (selection.hpp, training.hpp): the validation split
// partitions the training set and depends on the seed alone; a run of E epochs is the first E
// epochs of a longer one, so the search may read every epoch count off one run; the chooser
// takes the highest validation accuracy, breaks ties as documented and never takes a diverged
// candidate; tuning.csv has its columns and no "nan". That the search reads only training images
// is asserted by the command-line test chapter4.tune_reads_no_test_file (CMakeLists.txt).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "chapters/chapter4_mnist_softmax/selection.hpp"
#include "chapters/chapter4_mnist_softmax/training.hpp"
#include "common/files.hpp"
#include "common/random.hpp"
#include "testing.hpp"

using namespace ch4;

namespace {

// `count` random "images" of 4×5 pixels with random labels.
Dataset random_dataset(std::size_t count, std::uint64_t seed) {
    Rng rng(seed);
    Dataset d{count, 4, 5, std::vector<std::uint8_t>(count * 20), std::vector<std::uint8_t>(count)};
    for (auto& p : d.pixels) p = static_cast<std::uint8_t>(rng.below(256));
    for (auto& l : d.labels) l = static_cast<std::uint8_t>(rng.below(kClasses));
    return d;
}

// Image n of `d` as bytes, with its label last: what identifies a sample.
std::vector<std::uint8_t> sample(const Dataset& d, std::size_t n) {
    std::vector<std::uint8_t> s(d.image(n), d.image(n) + d.pixels_per_image());
    s.push_back(d.labels[n]);
    return s;
}

// A StepReport that reports nowhere.
const StepReport kSilent = [](std::size_t, const std::string&) {};

Candidate candidate(const std::string& model, double eta, int epochs, double val_acc) {
    return {model, HyperParameters{eta, 0.9, 0.0, 0.0, 50, epochs}, val_acc, val_acc == val_acc ? 0.5 : NAN};
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (std::size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1)
        lines.push_back(text.substr(start, end - start));
    return lines;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The split.

// Every position 0 … n−1 is in exactly one of the two sets; the validation set holds ⌊n/6⌋ of
// them; each set is in increasing order. n = 60 000 is MNIST's training set.
TEST_CASE(validation_split_partitions_the_training_set) {
    for (std::size_t n : {6u, 7u, 100u, 60000u}) {
        const Split s = validation_split(n, 2020);
        CHECK_EQ(s.validation.size(), n / kValidationShare);
        CHECK_EQ(s.fit.size() + s.validation.size(), n);
        CHECK(std::is_sorted(s.fit.begin(), s.fit.end()));
        CHECK(std::is_sorted(s.validation.begin(), s.validation.end()));
        std::vector<std::size_t> all = s.fit;
        all.insert(all.end(), s.validation.begin(), s.validation.end());
        std::sort(all.begin(), all.end());
        std::vector<std::size_t> expected(n);
        for (std::size_t k = 0; k < n; ++k) expected[k] = k;
        CHECK(all == expected);   // disjoint (no repeat) and together all of them
    }
}

// The same seed gives the same split, another seed another one; the split is not the file's
// first or last sixth (it is drawn at random).
TEST_CASE(validation_split_is_fixed_by_the_seed) {
    const Split a = validation_split(60000, 2020), b = validation_split(60000, 2020), c = validation_split(60000, 1);
    CHECK(a.fit == b.fit && a.validation == b.validation);
    CHECK(a.validation != c.validation);
    // Drawn at random, the validation set's images are spread over the file: about a sixth of
    // each tenth of it (1 000 ± 4·30, 30 being the binomial standard deviation, √(6000·5/36)).
    for (std::size_t tenth = 0; tenth < 10; ++tenth) {
        const auto in = std::count_if(a.validation.begin(), a.validation.end(),
                                      [&](std::size_t p) { return p / 6000 == tenth; });
        CHECK_LT(std::abs(static_cast<double>(in) - 1000.0), 120.0);
    }
}

// hold_out cuts the images and their labels together: each set's sample k is the training set's
// sample at the split's position k.
TEST_CASE(hold_out_keeps_images_and_labels_together) {
    const Dataset d = random_dataset(61, 3);
    const Split s = validation_split(d.count, 7);
    const HeldOut sets = hold_out(d, 7);
    CHECK_EQ(sets.fit.count, s.fit.size());
    CHECK_EQ(sets.validation.count, s.validation.size());
    CHECK_EQ(sets.fit.pixels.size(), s.fit.size() * 20);
    for (std::size_t k = 0; k < s.fit.size(); ++k) CHECK(sample(sets.fit, k) == sample(d, s.fit[k]));
    for (std::size_t k = 0; k < s.validation.size(); ++k)
        CHECK(sample(sets.validation, k) == sample(d, s.validation[k]));
}

// The search's inputs are the training set cut in two, and nothing else: HeldOut is two data
// sets, the fitting and the validation set, so a test set cannot reach `search` (checked when
// this file compiles).
static_assert(sizeof(HeldOut) == 2 * sizeof(Dataset));
static_assert(std::is_same_v<decltype(HeldOut::fit), Dataset>);
static_assert(std::is_same_v<decltype(HeldOut::validation), Dataset>);

// ---------------------------------------------------------------------------------------------
// Runs and candidates.

// Training E epochs and then E′ more gives, after E, the bits of a run of E epochs: the learning
// rate of epoch e does not depend on how many follow, and each model's streams are its own. So a
// candidate (η, κ, λ, E) read off a longer run is the model that E epochs would train.
TEST_CASE(a_run_of_e_epochs_is_the_start_of_a_longer_run) {
    const Dataset d = random_dataset(40, 5);
    ThreadPool pool(1);
    for (const char* model : {"logistic", "mlp"}) {
        const SgdOptions sgd{0.05, 0.9, 0.5, 1e-3, 7};
        ModelRun longer(model, 20, 6, sgd, 11, false, pool), shorter(model, 20, 6, sgd, 11, false, pool);
        for (int e = 0; e < 4; ++e) longer.epoch(d);
        for (int e = 0; e < 2; ++e) shorter.epoch(d);
        ModelRun again(model, 20, 6, sgd, 11, false, pool);
        for (int e = 0; e < 2; ++e) again.epoch(d);
        const Network<float>&a = shorter.network(), &b = again.network();
        CHECK(a.Wo.size() == b.Wo.size() && std::memcmp(a.Wo.data(), b.Wo.data(), a.Wo.size() * 4) == 0);
        CHECK(std::memcmp(a.bo.data(), b.bo.data(), a.bo.size() * 4) == 0);
        // … and the longer run, evaluated after its epochs 2 and 4, is the candidate list's.
        const HeldOut sets{d, random_dataset(30, 6)};
        const std::vector<Candidate> c =
            grid_point_candidates(model, {0.05, 0.9, 0.5, 1e-3, 7, 0}, 4, sets, 6, 11, pool, kSilent);
        CHECK_EQ(c.size(), 4u);
        const Evaluation v2 = evaluate(pool, shorter.network(), sets.validation);
        const Evaluation v4 = evaluate(pool, longer.network(), sets.validation);
        if (c.size() == 4) {
            CHECK_EQ(c[1].h.epochs, 2);
            CHECK_EQ(c[1].val_acc, v2.accuracy);
            CHECK_EQ(c[1].val_loss, v2.loss);
            CHECK_EQ(c[3].val_loss, v4.loss);
        }
    }
}

// A step far too large: the run's validation loss passes ten times that of guessing in its
// first epoch; that epoch is a candidate with no scores, no later epoch is one, the chooser
// passes it over, and tuning.csv leaves its val_acc empty.
TEST_CASE(a_diverged_run_is_never_chosen_nor_written_as_nan) {
    const Dataset d = random_dataset(60, 8);
    ThreadPool pool(1);
    const HeldOut sets = hold_out(d, 9);
    std::vector<Candidate> all =
        grid_point_candidates("mlp", {1e4, 0.9, 0.0, 0.0, 5, 0}, 5, sets, 6, 11, pool, kSilent);
    CHECK_EQ(all.size(), 1u);
    CHECK(!all.empty() && all.front().diverged() && std::isnan(all.front().val_loss));
    CHECK(choose(all, "mlp") == nullptr);   // every run diverged: nothing is chosen
    all.push_back(candidate("mlp", 0.01, 3, 0.25));
    CHECK(choose(all, "mlp") == &all.back());

    const auto dir = testing::scratch_dir("ch4_tuning_csv");
    write_tuning(dir / "tuning.csv", all);
    const std::string text = files::read_all(dir / "tuning.csv", 1 << 20);
    const std::vector<std::string> lines = lines_of(text);
    CHECK_EQ(lines.size(), 3u);
    if (lines.size() == 3) {
        CHECK_EQ(lines[0], std::string("model,lr,momentum,decay,lambda,epochs,val_acc"));
        CHECK_EQ(lines[1], std::string("mlp,10000,0.9,0,0,1,"));
        CHECK_EQ(lines[2], std::string("mlp,0.01,0.9,0,0,3,0.25"));
    }
    std::string lower = text;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return std::tolower(ch); });
    CHECK(lower.find("nan") == std::string::npos && lower.find("inf") == std::string::npos);
}

// ---------------------------------------------------------------------------------------------
// The chooser.

// The highest validation accuracy wins, wherever it is in the list; only the given model's
// candidates count.
TEST_CASE(the_chooser_takes_the_highest_validation_accuracy) {
    const std::vector<Candidate> c{candidate("mlp", 0.1, 1, 0.90), candidate("logistic", 0.1, 1, 0.99),
                                   candidate("mlp", 0.3, 2, 0.95), candidate("mlp", 0.03, 5, 0.93)};
    CHECK(choose(c, "mlp") == &c[2]);
    CHECK(choose(c, "logistic") == &c[1]);
    CHECK(choose(c, "svm") == nullptr);
}

// Among equal validation accuracies: fewer epochs first, then the first in the grid's order —
// whichever of the two comes first in the list.
TEST_CASE(the_chooser_breaks_ties_by_epochs_then_grid_order) {
    const std::vector<Candidate> fewer_epochs_later{candidate("mlp", 0.1, 7, 0.95), candidate("mlp", 0.3, 4, 0.95),
                                                    candidate("mlp", 0.03, 4, 0.95), candidate("mlp", 0.3, 9, 0.95)};
    CHECK(choose(fewer_epochs_later, "mlp") == &fewer_epochs_later[1]);
    const std::vector<Candidate> fewer_epochs_first{candidate("mlp", 0.1, 2, 0.95), candidate("mlp", 0.3, 3, 0.95),
                                                    candidate("mlp", 0.03, 2, 0.95)};
    CHECK(choose(fewer_epochs_first, "mlp") == &fewer_epochs_first[0]);
}

// A candidate without a score (its run had diverged by then) is never chosen, even before or
// between scored ones; a diverged run's earlier epochs keep theirs and may be chosen.
TEST_CASE(the_chooser_passes_over_diverged_candidates) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::vector<Candidate> c{candidate("mlp", 1.0, 1, nan), candidate("mlp", 0.3, 1, 0.80),
                                   candidate("mlp", 0.3, 2, nan), candidate("mlp", 0.1, 1, 0.70)};
    CHECK(choose(c, "mlp") == &c[1]);
    const std::vector<Candidate> none{candidate("mlp", 1.0, 1, nan), candidate("mlp", 3.0, 1, nan)};
    CHECK(choose(none, "mlp") == nullptr);
}

// The grid's points in its documented order, η outermost, then κ, then λ.
TEST_CASE(grid_points_come_in_the_grid_order) {
    const TuningGrid g{{0.1, 0.3}, {0.5, 1.0}, {0.0, 1e-4}, 0.9, 50, 3};
    const std::vector<HyperParameters> p = grid_points(g);
    CHECK_EQ(p.size(), 8u);
    if (p.size() == 8) {
        CHECK(p[0].eta == 0.1 && p[0].decay == 0.5 && p[0].lambda == 0.0);
        CHECK(p[1].eta == 0.1 && p[1].decay == 0.5 && p[1].lambda == 1e-4);
        CHECK(p[2].eta == 0.1 && p[2].decay == 1.0 && p[2].lambda == 0.0);
        CHECK(p[4].eta == 0.3 && p[4].decay == 0.5 && p[4].lambda == 0.0);
        for (const HyperParameters& h : p) CHECK(h.omega == 0.9 && h.batch == 50);
    }
}

// The whole search on two workers gives the candidates of each grid point, in the grid's order,
// with the bits of the point trained alone: independent runs side by side share nothing.
TEST_CASE(the_search_lists_every_candidate_in_grid_order) {
    const HeldOut sets = hold_out(random_dataset(48, 12), 13);
    const TuningGrid g{{0.01, 0.1}, {0.0, 1.0}, {0.0, 1e-3}, 0.9, 8, 3};
    std::FILE* nowhere = std::fopen("/dev/null", "w");
    std::vector<Candidate> found;
    {
        Progress progress("search", 8 * 3, nowhere);
        found = search("logistic", g, sets, 0, 14, 2, progress);
    }
    std::fclose(nowhere);
    CHECK_EQ(found.size(), 8u * 3u);
    ThreadPool pool(1);
    const std::vector<HyperParameters> points = grid_points(g);
    for (std::size_t p = 0; p < points.size() && found.size() == 24; ++p) {
        const std::vector<Candidate> alone =
            grid_point_candidates("logistic", points[p], 3, sets, 0, 14, pool, kSilent);
        for (std::size_t e = 0; e < 3; ++e) {
            const Candidate& c = found[3 * p + e];
            CHECK(c.model == "logistic" && c.h.eta == points[p].eta && c.h.decay == points[p].decay &&
                  c.h.lambda == points[p].lambda && c.h.epochs == static_cast<int>(e + 1));
            CHECK_EQ(c.val_loss, alone[e].val_loss);
        }
    }
}
