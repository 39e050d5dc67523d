// Tests of common/franke.hpp: the function, the recipe step by step, golden values, the CSV.
#include "common/franke.hpp"

#include <algorithm>
#include <cmath>

#include "testing.hpp"

TEST_CASE(franke_function_at_known_points) {
    // (0, 0): ¾e^{−1−1} + ¾e^{−1/49−1/10} + ½e^{−49/4−9/4} − ⅕e^{−16−49}, term by term.
    const double at_origin = 0.75 * std::exp(-2.0) + 0.75 * std::exp(-1.0 / 49 - 0.1) +
                             0.5 * std::exp(-14.5) - 0.2 * std::exp(-65.0);
    CHECK_NEAR(franke(0, 0), at_origin, 1e-15);
    CHECK_NEAR(franke(0, 0), 0.76642059128492, 1e-13);   // the same, evaluated independently (Python)
    // (2/9, 2/9) is the centre of the first bump: its term is exactly ¾.
    const double c = 2.0 / 9;
    CHECK_NEAR(franke(c, c), 0.75 + 0.75 * std::exp(-9.0 / 49 - 0.3) + 0.5 * std::exp(-6.25 - 0.25) -
                                 0.2 * std::exp(-4.0 - 25.0), 1e-14);
}

TEST_CASE(data_follow_the_recipe_step_by_step) {
    const std::size_t n = 1000;
    const FrankeData d = make_franke_data(n, 2020);
    Rng rng(2020);
    bool same = true;
    for (std::size_t i = 0; i < n; ++i) {
        same = same && d.x[i] == rng.uniform();
        same = same && d.y[i] == rng.uniform();
    }
    for (std::size_t i = 0; i < n; ++i) same = same && d.z[i] == franke(d.x[i], d.y[i]) + 0.2 * rng.normal();
    const std::vector<std::size_t> perm = rng.permutation(n);
    CHECK(same);
    CHECK_EQ(d.train.size(), 750u);
    CHECK_EQ(d.test.size(), 250u);
    CHECK(std::equal(d.train.begin(), d.train.end(), perm.begin()));
    CHECK(std::equal(d.test.begin(), d.test.end(), perm.begin() + 750));
}

TEST_CASE(golden_values_of_seed_2020) {
    // A change of the recipe or of Rng shows here first.
    const FrankeData d = make_franke_data(1000, 2020);
    CHECK_EQ(d.x[0], 0.46281908868525967);
    CHECK_EQ(d.y[0], 0.88909128752308964);
    CHECK_EQ(d.z[0], -0.0081708461694683654);
    CHECK_EQ(d.train[0], 140u);
    CHECK_EQ(d.test[0], 508u);
    // The noise has the stated size: its sd over 1000 points is 0.2 within 0.02 (standard error
    // 0.2/√2000 ≈ 0.0045); this test set's own noise floor is 0.0448.
    double ss = 0;
    for (std::size_t i = 0; i < 1000; ++i) ss += (d.z[i] - franke(d.x[i], d.y[i])) * (d.z[i] - franke(d.x[i], d.y[i]));
    CHECK_NEAR(std::sqrt(ss / 1000), 0.2, 0.02);
    CHECK_NEAR(franke_test_noise(d), 0.0448, 5e-5);
}

TEST_CASE(csv_round_trips_exactly) {
    const FrankeData d = make_franke_data(50, 7);
    const auto dir = testing::scratch_dir("franke_csv");
    save_franke_data(dir / "franke_data.csv", d);
    const std::string text = files::read_all(dir / "franke_data.csv");
    CHECK(text.rfind("x,y,z,split\n", 0) == 0);
    std::size_t rows = 0, train = 0, pos = text.find('\n') + 1;
    bool exact = true;
    while (pos < text.size()) {
        const std::size_t end = text.find('\n', pos);
        const std::string line = text.substr(pos, end - pos);
        const auto c1 = line.find(','), c2 = line.find(',', c1 + 1), c3 = line.find(',', c2 + 1);
        exact = exact && std::stod(line.substr(0, c1)) == d.x[rows] && std::stod(line.substr(c2 + 1, c3 - c2 - 1)) == d.z[rows];
        train += line.substr(c3 + 1) == "train";
        ++rows;
        pos = end + 1;
    }
    CHECK_EQ(rows, 50u);
    CHECK_EQ(train, d.train.size());
    CHECK(exact);
}
