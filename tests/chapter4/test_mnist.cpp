// End-to-end tests of chapter 4 on real MNIST (datasets/mnist, from `make mnist`): the reader
// on the real files, and a short training run on a subset that must beat chance clearly.
// Without the data each case prints "skipped" and exits with status 77 (CTest: skipped).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <vector>

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "chapters/chapter4_mnist_softmax/trainer.hpp"
#include "common/files.hpp"
#include "common/random.hpp"
#include "testing.hpp"

using namespace ch4;

namespace {

Mnist mnist_or_skip() {
    const auto dir = files::datasets_dir() / "mnist";
    if (!std::filesystem::exists(dir / "train-images-idx3-ubyte")) {
        std::fprintf(stderr, "skipped: no MNIST in %s (run `make mnist`)\n", dir.string().c_str());
        std::exit(77);
    }
    return read_mnist(dir);
}

Dataset first(const Dataset& d, std::size_t n) {
    Dataset s{n, d.rows, d.cols, {}, {}};
    s.pixels.assign(d.pixels.begin(), d.pixels.begin() + static_cast<std::ptrdiff_t>(n * d.pixels_per_image()));
    s.labels.assign(d.labels.begin(), d.labels.begin() + static_cast<std::ptrdiff_t>(n));
    return s;
}

// Train on the first 3000 training images for three epochs; accuracy on the first 1000 test images.
double subset_accuracy(const Mnist& m, std::size_t hidden) {
    const Dataset train = first(m.train, 3000), test = first(m.test, 1000);
    Rng rng(5);
    Network<float> net = make_network<float>(784, hidden, kClasses, rng);
    ThreadPool pool(2);
    const SgdOptions o{0.05, 0.9, 0.0, 0.0, 50};   // η, ω, κ, λ, B
    Trainer trainer(net, pool, o);
    std::vector<std::size_t> order = rng.permutation(train.count);
    for (int e = 0; e < 3; ++e) {
        rng.shuffle(order);
        trainer.epoch(train, order, static_cast<float>(o.eta));
    }
    const Evaluation ev = evaluate(pool, net, test);
    std::fprintf(stderr, "hidden %zu: test accuracy %.4f, loss %.4f\n", hidden, ev.accuracy, ev.loss);
    CHECK(std::isfinite(ev.loss));
    return ev.accuracy;
}

}  // namespace

// The files of `make mnist`: 60 000 + 10 000 images of 28×28 with the original class counts
// (the counts of LeCun, Cortes and Burges' distribution).
TEST_CASE(reads_the_real_mnist_files) {
    const Mnist m = mnist_or_skip();
    CHECK_EQ(m.train.count, 60000u);
    CHECK_EQ(m.test.count, 10000u);
    CHECK_EQ(m.train.rows, 28u);
    CHECK_EQ(m.train.cols, 28u);
    std::vector<std::size_t> counts(kClasses);
    for (auto l : m.train.labels) ++counts[l];
    const std::vector<std::size_t> original = {5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949};
    CHECK(counts == original);
    // Background is 0 and ink reaches 255; about a fifth of the pixels carry ink.
    const auto [lo, hi] = std::minmax_element(m.test.pixels.begin(), m.test.pixels.end());
    CHECK_EQ(static_cast<int>(*lo), 0);
    CHECK_EQ(static_cast<int>(*hi), 255);
    const double inked = static_cast<double>(std::count_if(m.test.pixels.begin(), m.test.pixels.end(),
                                                           [](std::uint8_t p) { return p > 0; })) /
                         static_cast<double>(m.test.pixels.size());
    CHECK(inked > 0.15 && inked < 0.25);
}

// Chance is 10 %; three epochs on 3000 images already reach ~90 %.
TEST_CASE(short_training_runs_beat_chance_clearly) {
    const Mnist m = mnist_or_skip();
    CHECK_LT(0.85, subset_accuracy(m, 64));   // MLP 784-64-10
    CHECK_LT(0.80, subset_accuracy(m, 0));    // softmax regression
}
