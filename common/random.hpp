// random.hpp — one seeded generator whose numbers are the same with every compiler.
//
// std::mt19937_64 is specified bit for bit by the C++ standard, but the standard library's
// distributions (uniform real, normal, …) and its shuffle algorithm are not: each library may
// turn the same bits into different numbers. So we take raw 64-bit words from the engine and do
// every transformation here, with basic IEEE arithmetic (and std::log and std::sqrt for normals):
//   uniform()   53 random bits scaled to [0, 1)
//   below(n)    an unbiased integer in [0, n) by rejection
//   normal()    Marsaglia's polar method (a rejection form of Box–Muller without sin/cos)
//   shuffle()   Fisher–Yates, drawing positions with below()
//   glorot_uniform(fan_in, fan_out)   U(−r, r), r = √(6 / (fan_in + fan_out))  (Glorot & Bengio 2010)
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

class Rng {
public:
    explicit Rng(std::uint64_t seed) : engine_(seed) {}

    // A generator for an independent stream (e.g. "data" vs "initial weights"), derived from a
    // seed and a stream number by the SplitMix64 finaliser, so streams do not overlap visibly.
    static Rng stream(std::uint64_t seed, std::uint64_t stream_id) {
        std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (stream_id + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return Rng(z ^ (z >> 31));
    }

    std::uint64_t bits() { return engine_(); }

    // Uniform in [0, 1): the top 53 bits of one word times 2⁻⁵³ (exact in double).
    double uniform() { return static_cast<double>(bits() >> 11) * 0x1.0p-53; }
    double uniform(double a, double b) { return a + (b - a) * uniform(); }

    // Uniform integer in [0, n), n ≥ 1, without modulo bias: reject the top partial block.
    std::uint64_t below(std::uint64_t n) {
        const std::uint64_t limit = UINT64_MAX - UINT64_MAX % n;   // a multiple of n
        std::uint64_t x;
        do x = bits();
        while (x >= limit);
        return x % n;
    }

    // Standard normal N(0, 1) by the polar method: draw (u, v) uniform in the unit disc,
    // s = u² + v²; then u·√(−2 ln s / s) and v·√(−2 ln s / s) are independent normals.
    // The second one is kept for the next call.
    double normal() {
        if (has_spare_) {
            has_spare_ = false;
            return spare_;
        }
        double u, v, s;
        do {
            u = 2.0 * uniform() - 1.0;
            v = 2.0 * uniform() - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        const double factor = std::sqrt(-2.0 * std::log(s) / s);
        spare_ = v * factor;
        has_spare_ = true;
        return u * factor;
    }
    double normal(double mean, double sd) { return mean + sd * normal(); }

    // Fisher–Yates: for i = n−1 … 1 swap element i with a uniform element of [0, i].
    template <class T>
    void shuffle(std::vector<T>& v) {
        for (std::size_t i = v.size(); i > 1; --i) {
            const std::size_t j = static_cast<std::size_t>(below(i));
            std::swap(v[i - 1], v[j]);
        }
    }

    // A uniformly random permutation of 0 … n−1.
    std::vector<std::size_t> permutation(std::size_t n) {
        std::vector<std::size_t> p(n);
        std::iota(p.begin(), p.end(), std::size_t{0});
        shuffle(p);
        return p;
    }

    // Glorot (Xavier) uniform: U(−r, r) with r = √(6 / (fan_in + fan_out)), which keeps the
    // variance of activations and of back-propagated errors roughly constant across layers.
    double glorot_uniform(std::size_t fan_in, std::size_t fan_out) {
        const double r = glorot_limit(fan_in, fan_out);
        return uniform(-r, r);
    }
    static double glorot_limit(std::size_t fan_in, std::size_t fan_out) {
        return std::sqrt(6.0 / static_cast<double>(fan_in + fan_out));
    }

private:
    std::mt19937_64 engine_;
    bool has_spare_ = false;
    double spare_ = 0.0;
};
