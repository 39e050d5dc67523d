// bench.cpp — `make bench` for chapter 4: how fast is an epoch, and how fast is the GEMM?
//
// 0. A machine check: how many cores' worth of arithmetic do all threads get right now?
// 1. The GEMM alone, on the shapes of 001's MLP with a batch of 50: the naive loops, the
//    blocked kernel on one thread, and the blocked kernel shared by all threads.
// 2. Whole training epochs (60 000 images; the training pass only, as epoch_seconds in
//    metrics.csv) for 001's set-up (`--preset report`: 784-128-10, batch 50, plain SGD) and for
//    the default preset, MLP and softmax regression, on all threads and on one.
// Every figure is the best and the median of several repetitions, since other programs running
// at the same time make single timings noisy; the processor time of an epoch (all threads) is
// printed beside its wall time, as a measure of the work that depends less on what else runs.
// GEMM GFLOP/s counts the multiply-adds of the products of an epoch (2 flops each) divided by
// the epoch's wall time: the rate the whole step achieves, not only the kernel. Uses datasets/mnist when present, else random images of the same shape (the timing
// does not depend on the pixels).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/matrix.hpp"
#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "chapters/chapter4_mnist_softmax/presets.hpp"
#include "chapters/chapter4_mnist_softmax/trainer.hpp"
#include "common/files.hpp"
#include "common/progress.hpp"
#include "common/random.hpp"
#include "common/table.hpp"

namespace {

using namespace ch4;

struct Timing {
    double best, median;   // wall seconds
    double cpu;            // median processor seconds of the whole process (all threads)
};

// Best and median wall time of `reps` calls of f (after one untimed warm-up call), and the
// median processor time: while other programs run, the wall time depends on what else runs, the
// processor time much less (on an idle machine, wall ≈ processor time / threads).
template <class F>
Timing time_it(int reps, F f) {
    f();
    std::vector<double> wall, cpu;
    for (int r = 0; r < reps; ++r) {
        const std::clock_t c0 = std::clock();
        Timer t;
        f();
        wall.push_back(t.seconds());
        cpu.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
    }
    std::sort(wall.begin(), wall.end());
    std::sort(cpu.begin(), cpu.end());
    return {wall.front(), wall[wall.size() / 2], cpu[cpu.size() / 2]};
}

// Peak resident memory of this process (Linux; "n/a" elsewhere).
std::string peak_memory() {
    std::ifstream in("/proc/self/status");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("VmHWM:", 0) == 0) return line.substr(6);
    return "n/a";
}

// The processor's name (Linux: /proc/cpuinfo; "an unknown processor" elsewhere).
std::string processor() {
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("model name", 0) == 0 && line.find(':') != std::string::npos)
            return line.substr(line.find(':') + 2);
    return "an unknown processor";
}

Mnist load_or_synthesise(bool& real) {
    const auto dir = files::datasets_dir() / "mnist";
    try {
        real = true;
        return read_mnist(dir);
    } catch (const std::exception&) {
        real = false;
        Rng rng(1);
        Mnist m;
        for (auto [d, n] : {std::pair{&m.train, 60000}, std::pair{&m.test, 10000}}) {
            *d = Dataset{static_cast<std::size_t>(n), 28, 28, std::vector<std::uint8_t>(n * 784),
                         std::vector<std::uint8_t>(n)};
            for (auto& p : d->pixels) p = static_cast<std::uint8_t>(rng.below(256));
            for (auto& l : d->labels) l = static_cast<std::uint8_t>(rng.below(10));
        }
        return m;
    }
}

// How much arithmetic the machine gives us right now: every thread multiplies its own private
// matrices (50×784 · 784×64, no sharing, no synchronisation); the total rate of all threads is
// compared with one thread's. On an idle machine with independent cores the ratio is close to
// the number of threads; when other programs run, or virtual cores share a physical core, it is
// lower, and so is every multi-threaded figure below.
void bench_machine(ThreadPool& pool) {
    struct PrivateProduct {
        Matrix<float> X, W, Z;
    };
    std::vector<PrivateProduct> data;
    Rng rng(4);
    for (std::size_t t = 0; t < pool.size(); ++t) {
        PrivateProduct p{Matrix<float>(50, 784), Matrix<float>(784, 64), Matrix<float>(50, 64)};
        for (std::size_t k = 0; k < p.X.size(); ++k) p.X[k] = static_cast<float>(rng.uniform(-1, 1));
        for (std::size_t k = 0; k < p.W.size(); ++k) p.W[k] = static_cast<float>(rng.uniform(-1, 1));
        data.push_back(std::move(p));
    }
    constexpr int kCalls = 400;
    const double flops = 2.0 * 50 * 784 * 64 * kCalls;
    auto work = [&](std::size_t t) {
        for (int i = 0; i < kCalls; ++i)
            gemm<float>(Op::N, Op::N, 1.0f, data[t].X.view(), data[t].W.view(), 0.0f, data[t].Z.view());
    };
    const Timing one = time_it(7, [&] { work(0); });
    const Timing all = time_it(7, [&] { pool.run(work); });
    const double r1 = flops / one.best / 1e9, rn = flops * static_cast<double>(pool.size()) / all.best / 1e9;
    std::printf("Machine check: the GEMM kernel on private data delivers %.1f GFLOP/s on one thread, "
                "%.1f GFLOP/s on %zu threads together (%.2fx).\n\n", r1, rn, pool.size(), rn / r1);
}

void bench_gemm(ThreadPool& pool) {
    std::printf("GEMM on the MLP's shapes (batch 50), GFLOP/s, best / median of 20 x 50 calls:\n");
    Rng rng(2);
    auto random = [&](std::size_t r, std::size_t c) {
        Matrix<float> m(r, c);
        for (std::size_t k = 0; k < m.size(); ++k) m[k] = static_cast<float>(rng.uniform(-1, 1));
        return m;
    };
    const Matrix<float> X = random(50, 784), W = random(784, 128), G = random(50, 128);
    Matrix<float> Z(50, 128), dW(784, 128);
    table::Text t({"product", "shape", "naive", "blocked, 1 thread",
                   "blocked, " + std::to_string(pool.size()) + " threads"});
    struct Case {
        const char* name;
        const char* shape;
        Op opA;
        const Matrix<float>* A;
        const Matrix<float>* B;
        Matrix<float>* C;
    };
    for (const Case& c : {Case{"forward X·Wh", "50x784 · 784x128", Op::N, &X, &W, &Z},
                          Case{"eq. (2) Xᵀ·Γh", "784x50 · 50x128", Op::T, &X, &G, &dW}}) {
        const double flops = 2.0 * 50 * 784 * 128;
        auto rate = [&](auto product, int calls) {
            const Timing s = time_it(20, [&] {
                for (int i = 0; i < calls; ++i) product();
            });
            return table::fixed(flops * calls / s.best / 1e9, 1) + " / " +
                   table::fixed(flops * calls / s.median / 1e9, 1);
        };
        t.add({c.name, c.shape,
               rate([&] { gemm_naive<float>(c.opA, Op::N, 1.0f, c.A->view(), c.B->view(), 0.0f, c.C->view()); }, 2),
               rate([&] { gemm<float>(c.opA, Op::N, 1.0f, c.A->view(), c.B->view(), 0.0f, c.C->view()); }, 50),
               rate([&] { gemm<float>(pool, c.opA, Op::N, 1.0f, c.A->view(), c.B->view(), 0.0f, c.C->view()); }, 50)});
    }
    std::printf("%s\n", t.aligned().c_str());
}

struct EpochConfiguration {
    const char* name;
    std::size_t hidden;
    SgdOptions sgd;
};

void bench_epochs(const Mnist& data, std::size_t threads) {
    constexpr int kReps = 7;
    std::printf("Training epochs (%zu images, training pass only), best / median of %d after one "
                "warm-up epoch;\nprocessor s/epoch: processor time of all threads, median; samples/s and "
                "GFLOP/s from the best wall time:\n", data.train.count, kReps);
    table::Text t({"configuration", "threads", "s/epoch (best / median)", "processor s/epoch",
                   "samples/s", "GEMM GFLOP/s"});
    for (const EpochConfiguration& c : {EpochConfiguration{"report: MLP 784-128-10, B 50, SGD", 128, kReport.sgd()},
                            EpochConfiguration{"default: MLP 784-128-10, B 50, momentum", 128, kDefaultMlp.sgd()},
                            EpochConfiguration{"report: softmax regression, B 50, SGD", 0, kReport.sgd()},
                            EpochConfiguration{"default: softmax regression, B 50, momentum", 0, kDefaultLogistic.sgd()}})
        for (std::size_t n : {threads, std::size_t{1}}) {
            ThreadPool pool(n);
            Rng rng(3);
            Network<float> net = make_network<float>(784, c.hidden, kClasses, rng);
            Trainer trainer(net, pool, c.sgd);
            std::vector<std::size_t> order = rng.permutation(data.train.count);
            const Timing s = time_it(kReps, [&] {
                rng.shuffle(order);
                trainer.epoch(data.train, order, static_cast<float>(c.sgd.eta));
            });
            // Multiply-adds per sample: MLP X·Wh and Xᵀ·Γh (D·H each), Ah·Wo, Ahᵀ·Γo and Γo·Woᵀ
            // (H·K each); softmax regression X·Wo and Xᵀ·Γo (D·K each).
            const double D = 784, H = static_cast<double>(c.hidden), K = 10, N = static_cast<double>(data.train.count);
            const double flops = 2 * N * (c.hidden ? 2 * D * H + 3 * H * K : 2 * D * K);
            t.add({c.name, std::to_string(n), table::fixed(s.best, 3) + " / " + table::fixed(s.median, 3),
                   table::fixed(s.cpu, 3), table::fixed(N / s.best, 0),
                   table::fixed(flops / s.best / 1e9, 1)});
            if (threads == 1) break;
        }
    std::printf("%s\n", t.aligned().c_str());
}

}  // namespace

int main() {
    const std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
    bool real = false;
    const Mnist data = load_or_synthesise(real);
    std::printf("chapter 4 benchmark on %s, %zu hardware threads; data: %s\n\n", processor().c_str(), threads,
                real ? "datasets/mnist" : "random images (run `make mnist` for MNIST)");
    ThreadPool pool(threads);
    bench_machine(pool);
    bench_gemm(pool);
    bench_epochs(data, threads);
    std::printf("For comparison, the same network (report preset) in numpy + OpenBLAS on this machine; run the two\n"
                "alternately, as other programs running at the same time slow either:\n"
                "  python3 chapters/chapter4_mnist_softmax/numpy_baseline.py datasets/mnist 8\n"
                "Peak memory of this benchmark:%s\n", peak_memory().c_str());
    return 0;
}
