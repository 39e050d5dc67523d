// Tests of chapter 5's estimate of work and memory (run_size.hpp): the counts for a network
// small enough to count by hand, the plans of the experiments against their settings,
// and where the default run and a few large ones fall against the notice and hard bounds.
#include <cmath>
#include <vector>

#include "chapters/chapter5_deep_backprop/experiments.hpp"
#include "chapters/chapter5_deep_backprop/open_questions.hpp"
#include "chapters/chapter5_deep_backprop/run_size.hpp"
#include "chapters/chapter5_deep_backprop/selection.hpp"
#include "testing.hpp"

namespace {

// The counts are sums of products of whole numbers far below 2⁵³: exact in double.
constexpr double kExact = 0;

std::vector<RunSize> default_plan(std::uint64_t seed = 2020) {
    const FrankeConfig franke;
    std::vector<RunSize> runs = moons_plan(MoonsConfig{});
    for (const auto& plan : {franke_search_plan(franke), franke_plan(franke),
                             optimizer_comparison_plan(franke, OptimizerComparisonConfig{}), glorot_grid_plan(franke),
                             output_study_plan(franke, OutputStudyConfig{}), momentum_study_plan(franke, MomentumStudyConfig{}),
                             randomnet_plan(RandomNetConfig{}, franke.n, seed),
                             randomnet_moons_plan(RandomNetConfig{}, MoonsConfig{}, seed)})
        for (auto& r : plan) runs.push_back(r);
    return runs;
}

RunSize wide_moons(std::size_t width, std::size_t epochs) {
    MoonsConfig c;
    c.widths = {2, width, width, 1};
    c.f = {Activation::relu, Activation::relu, Activation::sigmoid};
    c.epochs = epochs;
    return moons_plan(c).front();
}

}  // namespace

// 2-3-1 with a ReLU hidden layer and a linear output: 2·3 + 3·1 = 9 weights, 4 units. One
// epoch over 8 training and 4 test samples in batches of 3 (3 batches):
//   forward per sample 9 + 5·3 + 5·1 = 29,  samples 4·8 + 4 = 36,  updates 2·(9 + 4)·3 = 78
// so 29·36 + 78 = 1122 multiply-adds.
TEST_CASE(work_of_a_small_network_counted_by_hand) {
    const std::vector<std::size_t> widths{2, 3, 1};
    const std::vector<Activation> f{Activation::relu, Activation::linear};
    CHECK_EQ(weight_count(widths), 9.0);
    CHECK_EQ(unit_count(widths), 4.0);
    CHECK_EQ(forward_multiply_adds(widths, f), 29.0);
    CHECK_NEAR(epoch_multiply_adds(widths, f, 8, 4, 3), 1122.0, kExact);
    const RunSize r{"small", widths, f, 8, 4, 3, 10, 5};
    CHECK_NEAR(multiply_adds(r), 10 * 1122.0 + 5 * 29.0, kExact);
    // Every layer fits the caches: the time is the count over the first rate.
    CHECK_REL(estimated_seconds(r), multiply_adds(r) / kMultiplyAddsPerSecond, 1e-14);   // one sum in two orders
    // A sigmoid unit costs 35 instead of 5: the exponentials.
    CHECK_EQ(forward_multiply_adds(widths, {Activation::sigmoid, Activation::linear}), 9.0 + 35 * 3 + 5);
}

// Memory: 4·(9 + 4) parameter doubles (θ, ∂C/∂θ and two accumulators of the update rule),
// 2·(2 + 4)·128 for a pass over a grid chunk (more than
// the 12 samples), 5·(2 + 4)·3 for a mini-batch, 12·(2 + 1 + 16) for the data; 8 bytes each,
// plus 120 bytes of CSV per sample and the program itself.
TEST_CASE(memory_of_a_small_network_counted_by_hand) {
    const RunSize r{"small", {2, 3, 1}, {Activation::relu, Activation::linear}, 8, 4, 3, 10, 5};
    const double doubles = 4 * 13 + 2 * 6 * 128 + 5 * 6 * 3 + 12 * 19;
    CHECK_NEAR(peak_bytes(r), 8 * doubles + 120 * 12 + kProgramBytes, kExact);
    // A batch larger than the training set is the training set: no more memory than batch 8.
    RunSize huge_batch = r, whole_set = r;
    huge_batch.batch = 1000000;
    whole_set.batch = 8;
    CHECK_EQ(peak_bytes(huge_batch), peak_bytes(whole_set));
}

// The plans follow the settings: one moons run with its grid, 1 + 8 + 25 Franke runs (001's
// Figs. 5, 7 and 6), ten RandomNets drawn exactly as run_randomnet draws them.
TEST_CASE(plans_follow_the_experiments_settings) {
    const MoonsConfig moons;
    const auto m = moons_plan(moons);
    CHECK_EQ(m.size(), 1u);
    CHECK(m.front().widths == moons.widths);
    CHECK_EQ(m.front().n_train, 750u);
    CHECK_EQ(m.front().n_test, 250u);
    CHECK_EQ(m.front().extra_columns, 750u + 100u * 100u);

    const FrankeConfig franke;
    const auto f = franke_plan(franke);
    CHECK_EQ(f.size(), 1u + 8u + 25u);
    CHECK_EQ(f[0].epochs, franke.search_epochs.back());   // at most the search's longest run
    const auto search = franke_search_plan(franke);
    CHECK_EQ(search.size(), eta_ladder(franke.optimizer).size() * franke.search_lambda.size());
    CHECK_EQ(search.front().n_train, 600u);
    CHECK_EQ(search.front().n_test, 150u);
    CHECK_EQ(f[1].epochs, franke.study_epochs);
    CHECK_EQ(f.back().epochs, franke.grid_epochs);

    const RandomNetConfig rc;
    const auto r = randomnet_plan(rc, 1000, 2020);
    CHECK_EQ(r.size(), rc.count);
    Rng rng = Rng::stream(2020, streams::randomnet + 3);
    CHECK(r[3].widths == widths_of(draw_random_net(rc, rng)));
}

// The default run is neither announced nor refused, for several seeds (RandomNet's draw
// depends on the seed); 004's network made 4096 wide is announced, and refused once it runs
// 2000 epochs (work) or on a million points (memory); a million Franke points are refused too.
TEST_CASE(default_run_is_quiet_and_large_runs_are_caught) {
    for (std::uint64_t seed : {2020u, 1u, 7u, 12345u}) {
        const Estimate e = estimate(default_plan(seed));
        CHECK(!needs_notice(e));
        CHECK(!beyond_limits(e));
        CHECK_LT(e.multiply_adds, 3e11);   // about 1.5·10¹¹: half a minute at the rates above
        CHECK_LT(e.bytes, 5e7);
    }
    const Estimate wide = estimate({wide_moons(4096, 100)});
    CHECK(needs_notice(wide));
    CHECK(!beyond_limits(wide));
    // 4096² weights × (4·750 + 250 per epoch): at least 5.4·10¹² multiply-adds, and the four
    // copies of the 16.8 million parameters alone take 0.5 GB.
    CHECK_LT(5.4e12, wide.multiply_adds);
    CHECK_LT(0.5e9, wide.bytes);
    CHECK(beyond_limits(estimate({wide_moons(4096, 2000)})));
    // Its 4096 × 4096 layer is beyond the caches and is timed at the lower rate: the estimate
    // exceeds the count over the first rate.
    CHECK_LT(wide.multiply_adds / kMultiplyAddsPerSecond, wide.seconds);

    MoonsConfig many;
    many.n = 1000000;
    many.widths = {2, 4096, 1};
    many.f = {Activation::relu, Activation::sigmoid};
    many.epochs = 1;
    const Estimate big_data = estimate(moons_plan(many));
    CHECK_LT(big_data.multiply_adds, kLimitMultiplyAdds);
    CHECK_LT(kLimitBytes, big_data.bytes);

    FrankeConfig franke;
    franke.n = 1000000;
    CHECK(beyond_limits(estimate(franke_plan(franke))));
}
