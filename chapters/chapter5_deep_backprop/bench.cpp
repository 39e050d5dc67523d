// bench.cpp — `make bench` for chapter 5: the rate of the training loop in multiply-adds per
// second, the figure run_size.hpp turns into the time estimate a large run prints first.
//
// For networks from 001's narrow 2-128-1 (mini-batches of 10) to 2-4096-4096-1, it trains on
// random data of the two-moons shape (750 training and 250 test samples, as the default split)
// with the chapter's own train_with_curve, and prints the multiply-adds counted by run_size.hpp,
// the processor time (best of three; one run for the widest), the measured rate, and the estimate's time beside the
// measured one. The estimate is meant to err on the long side for wide networks.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/experiments.hpp"
#include "chapters/chapter5_deep_backprop/run_size.hpp"
#include "common/random.hpp"
#include "common/table.hpp"

namespace {

struct Case {
    std::vector<std::size_t> widths;
    std::size_t batch, epochs;
    Activation hidden = Activation::relu;
};

std::vector<Activation> activations(const Case& c) {
    std::vector<Activation> f(c.widths.size() - 1, c.hidden);
    f.back() = Activation::linear;
    return f;
}

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

Data random_data(std::size_t inputs, std::size_t n, Rng& rng) {
    Data d{Matrix(inputs, n), Matrix(1, n)};
    for (double& x : d.X.data) x = rng.normal();
    for (double& y : d.Y.data) y = rng.normal();
    return d;
}

// Processor seconds of one training run (best of `repeats`).
double time_case(const Case& c, int repeats) {
    double best = 1e300;
    for (int r = 0; r < repeats; ++r) {
        Rng rng(1);
        const Data train = random_data(c.widths.front(), 750, rng), test = random_data(c.widths.front(), 250, rng);
        std::vector<LayerSpec> specs;
        for (std::size_t l = 1; l < c.widths.size(); ++l)
            specs.push_back({c.widths[l], activations(c)[l - 1], {Init::glorot, 0.05, 0.0}});
        Network net = make_network(c.widths.front(), specs, Loss::mse, 0.01, rng);
        const double start = cpu_seconds();
        train_with_curve(net, train, test, {1e-4, 0.0, 0.0, c.batch}, c.epochs, Metric::mse, rng);
        best = std::min(best, cpu_seconds() - start);
    }
    return best;
}

std::string widths_text(const std::vector<std::size_t>& w) {
    std::string s;
    for (std::size_t l = 0; l < w.size(); ++l) s += (l ? "-" : "") + std::to_string(w[l]);
    return s;
}

}  // namespace

int main() {
    const std::vector<Case> cases{
        {{2, 128, 1}, 10, 40},                  // 001's Franke network, its batch size
        {{2, 128, 1}, 10, 40, Activation::sigmoid},
        {{2, 25, 50, 50, 25, 1}, 32, 100},      // 004's network, the default two-moons run
        {{2, 50, 50, 50, 50, 50, 1}, 10, 20},   // a deep RandomNet-like network
        {{2, 256, 256, 256, 1}, 32, 10},
        {{2, 1024, 1024, 1}, 32, 3},
        {{2, 2048, 2048, 1}, 32, 1},
        {{2, 4096, 4096, 1}, 32, 1},            // beyond the caches: (BP2) reads W from memory
    };
    table::Text t{"network", "hidden units", "batch", "epochs", "multiply-adds", "processor time", "multiply-adds/s", "estimated time"};
    for (const Case& c : cases) {
        const RunSize size{"bench", c.widths, activations(c), 750, 250, c.batch, c.epochs, 750};
        const double work = multiply_adds(size), seconds = time_case(c, work > 5e10 ? 1 : 3);
        t.add({widths_text(c.widths), name_of(c.hidden), std::to_string(c.batch), std::to_string(c.epochs), table::sci(work, 2),
               table::seconds(seconds), table::sci(work / seconds, 2), table::seconds(estimated_seconds(size))});
        std::fprintf(stderr, "bench5: %s done\n", widths_text(c.widths).c_str());
    }
    std::printf("Chapter 5: training rate (one thread, processor time, best of 3 or 1); the estimate uses %s "
                "multiply-adds/s, %s for a layer of more than %s weights\n\n%s",
                table::sci(kMultiplyAddsPerSecond, 1).c_str(), table::sci(kWideMultiplyAddsPerSecond, 1).c_str(),
                table::sci(kCacheWeights, 0).c_str(), t.aligned().c_str());
    return 0;
}
