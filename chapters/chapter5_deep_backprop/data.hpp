// data.hpp — the three data sets of the chapter, generated from a seed with common/random.hpp.
//
//   two moons (004)       two interleaving half circles with Gaussian noise, labels 0 / 1
//   Franke (001)          common/franke.hpp's recipe (chapters 3 and 5 fit identical data),
//                         centred here
//   two Gaussian classes  a one-dimensional two-class problem for 002's single sigmoid unit
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/sgd.hpp"
#include "common/franke.hpp"
#include "common/random.hpp"

// ---------------------------------------------------------------------------------------------
// Two moons (004, "I used a dataset from the scikit library called moons")

// The usual construction (as scikit-learn's make_moons): n_out = n/2 points on the upper half of
// the unit circle, (cos t, sin t), and n − n_out on the lower half circle shifted to (1, 0.5),
// (1 − cos t, 0.5 − sin t), with t evenly spaced over [0, π] on each; class 0 and class 1. Every
// coordinate then gets N(0, noise²) noise. Rows are in generation order (class 0 first).
struct Moons {
    std::vector<double> x1, x2;
    std::vector<int> label;
    std::size_t size() const { return label.size(); }
};

inline Moons make_moons(std::size_t n, double noise, Rng& rng) {
    const double pi = std::acos(-1.0);
    Moons d;
    const std::size_t n_out = n / 2, n_in = n - n_out;
    auto t_at = [pi](std::size_t i, std::size_t count) {
        return count > 1 ? pi * static_cast<double>(i) / static_cast<double>(count - 1) : 0.0;
    };
    for (std::size_t i = 0; i < n_out; ++i) {
        d.x1.push_back(std::cos(t_at(i, n_out)));
        d.x2.push_back(std::sin(t_at(i, n_out)));
        d.label.push_back(0);
    }
    for (std::size_t i = 0; i < n_in; ++i) {
        d.x1.push_back(1.0 - std::cos(t_at(i, n_in)));
        d.x2.push_back(0.5 - std::sin(t_at(i, n_in)));
        d.label.push_back(1);
    }
    for (std::size_t i = 0; i < n; ++i) {
        d.x1[i] += noise * rng.normal();
        d.x2[i] += noise * rng.normal();
    }
    return d;
}

// The samples `idx` of the moons as network data: X = (x1, x2) per column, Y = label.
inline Data moons_data(const Moons& d, const std::vector<std::size_t>& idx) {
    Data out{Matrix(2, idx.size()), Matrix(1, idx.size())};
    for (std::size_t j = 0; j < idx.size(); ++j) {
        out.X(0, j) = d.x1[idx[j]];
        out.X(1, j) = d.x2[idx[j]];
        out.Y(0, j) = d.label[idx[j]];
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Franke (001 "Methods"): the function and the data recipe are common/franke.hpp's, shared
// with chapter 3 (same seed, same points).

// 001 "Methods": the data "normalized by subtracting the mean" of the training set. We subtract
// the training means of x, y and z from everything; the MSE is unchanged by the shift of z.
struct FrankeSets {
    Data train, test;
    double mean_x = 0, mean_y = 0, mean_z = 0;
};

inline FrankeSets franke_sets(const FrankeData& d) {
    FrankeSets s;
    for (std::size_t i : d.train) {
        s.mean_x += d.x[i];
        s.mean_y += d.y[i];
        s.mean_z += d.z[i];
    }
    const double n = static_cast<double>(d.train.size());
    s.mean_x /= n;
    s.mean_y /= n;
    s.mean_z /= n;
    auto fill = [&](Data& out, const std::vector<std::size_t>& idx) {
        out = Data{Matrix(2, idx.size()), Matrix(1, idx.size())};
        for (std::size_t j = 0; j < idx.size(); ++j) {
            out.X(0, j) = d.x[idx[j]] - s.mean_x;
            out.X(1, j) = d.y[idx[j]] - s.mean_y;
            out.Y(0, j) = d.z[idx[j]] - s.mean_z;
        }
    };
    fill(s.train, d.train);
    fill(s.test, d.test);
    return s;
}

// ---------------------------------------------------------------------------------------------
// Two Gaussian classes (002, "Approximation of posterior probabilities"): n/2 points x ~ N(−1, 1)
// of class 0 and n/2 of class 1 from N(+1, 1), one input.
inline Data two_gaussians(std::size_t n, Rng& rng) {
    Data d{Matrix(1, n), Matrix(1, n)};
    for (std::size_t j = 0; j < n; ++j) {
        const bool one = j >= n / 2;
        d.X(0, j) = (one ? 1.0 : -1.0) + rng.normal();
        d.Y(0, j) = one ? 1.0 : 0.0;
    }
    return d;
}
