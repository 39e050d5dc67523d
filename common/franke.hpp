// franke.hpp — the Franke function and the project's one recipe for noisy samples of it, the
// regression data of chapters 3 and 5 (001, Methods). One recipe in one place, so that both
// chapters fit the very same points from the same seed.
//
// Recipe, with Rng(seed): for i = 0 … n−1 draw x_i, then y_i, uniform in [0, 1); then for
// i = 0 … n−1, z_i = Franke(x_i, y_i) + σ·N(0, 1); then one permutation of 0 … n−1, whose
// first round(0.75·n) entries (in permutation order) are the training set, the rest the test set.
// The data are written as franke_data.csv (x,y,z,split) so any number can be redone elsewhere.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

#include "common/csv.hpp"
#include "common/random.hpp"

// Franke(x, y) = ¾ exp(−(9x−2)²/4 − (9y−2)²/4) + ¾ exp(−(9x+1)²/49 − (9y+1)/10)
//              + ½ exp(−(9x−7)²/4 − (9y−3)²/4) − ⅕ exp(−(9x−4)² − (9y−7)²)
inline double franke(double x, double y) {
    const double a = 9 * x, b = 9 * y;
    return 0.75 * std::exp(-(a - 2) * (a - 2) / 4 - (b - 2) * (b - 2) / 4) +
           0.75 * std::exp(-(a + 1) * (a + 1) / 49 - (b + 1) / 10) +
           0.5 * std::exp(-(a - 7) * (a - 7) / 4 - (b - 3) * (b - 3) / 4) -
           0.2 * std::exp(-(a - 4) * (a - 4) - (b - 7) * (b - 7));
}

struct FrankeData {
    std::vector<double> x, y, z;            // n points, in generation order i = 0 … n−1
    std::vector<std::size_t> train, test;   // indices into x, y, z, in permutation order
};

inline FrankeData make_franke_data(std::size_t n, std::uint64_t seed, double sigma = 0.2) {
    Rng rng(seed);
    FrankeData d;
    d.x.resize(n);
    d.y.resize(n);
    d.z.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        d.x[i] = rng.uniform();
        d.y[i] = rng.uniform();
    }
    for (std::size_t i = 0; i < n; ++i) d.z[i] = franke(d.x[i], d.y[i]) + sigma * rng.normal();
    const std::vector<std::size_t> perm = rng.permutation(n);
    const auto n_train = static_cast<std::size_t>(std::llround(0.75 * static_cast<double>(n)));
    d.train.assign(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(n_train));
    d.test.assign(perm.begin() + static_cast<std::ptrdiff_t>(n_train), perm.end());
    return d;
}

// Mean of (z − Franke(x, y))² over the test points: the test MSE of the true function, the
// noise floor this particular test set has (σ² only on average over noise draws).
inline double franke_test_noise(const FrankeData& d) {
    double sum = 0;
    for (std::size_t i : d.test) sum += (d.z[i] - franke(d.x[i], d.y[i])) * (d.z[i] - franke(d.x[i], d.y[i]));
    return sum / static_cast<double>(d.test.size());
}

// franke_data.csv: columns x,y,z,split (split = train or test), rows in generation order.
inline void save_franke_data(const std::filesystem::path& path, const FrankeData& d) {
    std::vector<bool> in_train(d.x.size(), false);
    for (std::size_t i : d.train) in_train[i] = true;
    csv::Writer w({"x", "y", "z", "split"});
    for (std::size_t i = 0; i < d.x.size(); ++i)
        w.row({csv::num(d.x[i]), csv::num(d.y[i]), csv::num(d.z[i]), in_train[i] ? "train" : "test"});
    w.save(path);
}
