// bench.cpp — `make bench` for chapter 4: how fast is an epoch, and how fast is the GEMM?
//
// 0. The build: vector width and register tiles (matrix.hpp, Tile).
// 1. The kernel's own rates, every thread on private data (no sharing, no synchronisation): on
//    one product of the MLP's shape (a machine check: how many cores' worth of arithmetic do all
//    threads get right now?) and on a large square (1000×1000·1000×1000), the kernel's practical
//    ceiling on this machine.
// 2. The GEMM alone, on the shapes of 001's MLP with a batch of 50: the naive loops, the
//    blocked kernel on one thread, and the blocked kernel shared by all threads, beside the
//    large square's rate.
// 3. Whole training epochs (60 000 images; the training pass only, as epoch_seconds in
//    metrics.csv) for 001's set-up (`--preset report`: 784-128-10, batch 50, plain SGD) and for
//    the default preset, MLP and softmax regression, on all threads and on one; the report's
//    epoch against the practical limit, 24.5 GFLOP (the dense products) at the large square's
//    rate on all threads, and against the work the epoch does (the MLP's products with the batch
//    run over its nonzero pixels only, sparse.hpp: for MNIST a fifth of the terms).
// 4. The report's epoch against numpy (numpy_baseline.py), when a python3 with numpy is found:
//    run alternately, several rounds, the ratio of the medians of each round; the BLAS numpy
//    multiplies with is named (the comparison is meant with OpenBLAS).
// Every figure is the best and the median of several repetitions, since other programs running
// at the same time make single timings noisy; the processor time of an epoch (all threads) is
// printed beside its wall time, as a measure of the work that depends less on what else runs.
// GEMM GFLOP/s of an epoch counts the multiply-adds of its dense products (2 flops each) divided
// by the epoch's wall time: the rate the whole step achieves, as if it did every product densely.
// Uses datasets/mnist when present, else random images of the same shape with four pixels in
// five 0, about as many as MNIST's.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <fstream>
#include <memory>
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
            for (auto& p : d->pixels) p = rng.below(5) < 4 ? 0 : static_cast<std::uint8_t>(1 + rng.below(255));
            for (auto& l : d->labels) l = static_cast<std::uint8_t>(rng.below(10));
        }
        return m;
    }
}

// The kernel's rate, GFLOP/s from the best of 7 timings, on one thread and on all threads
// together, each thread multiplying its own private M×K and K×N matrices `calls` times.
struct KernelRate {
    double one, all;
};
KernelRate kernel_rate(ThreadPool& pool, std::size_t M, std::size_t K, std::size_t N, int calls) {
    struct PrivateProduct {
        Matrix<float> A, B, C;
    };
    std::vector<PrivateProduct> data;
    Rng rng(4);
    for (std::size_t t = 0; t < pool.size(); ++t) {
        PrivateProduct p{Matrix<float>(M, K), Matrix<float>(K, N), Matrix<float>(M, N)};
        for (std::size_t k = 0; k < p.A.size(); ++k) p.A[k] = static_cast<float>(rng.uniform(-1, 1));
        for (std::size_t k = 0; k < p.B.size(); ++k) p.B[k] = static_cast<float>(rng.uniform(-1, 1));
        data.push_back(std::move(p));
    }
    const double flops = 2.0 * static_cast<double>(M * K * N) * calls;
    auto work = [&](std::size_t t) {
        for (int i = 0; i < calls; ++i)
            gemm<float>(Op::N, Op::N, 1.0f, data[t].A.view(), data[t].B.view(), 0.0f, data[t].C.view());
    };
    const Timing one = time_it(7, [&] { work(0); });
    const Timing all = time_it(7, [&] { pool.run(work); });
    return {flops / one.best / 1e9, flops * static_cast<double>(pool.size()) / all.best / 1e9};
}

// How much arithmetic the machine gives us right now, and the kernel's ceiling. On an idle
// machine with independent cores the ratio of all threads to one is close to the number of
// threads; when other programs run it is lower, and so is every multi-threaded figure below.
KernelRate bench_kernel(ThreadPool& pool) {
    const KernelRate mlp = kernel_rate(pool, 50, 784, 64, 400), square = kernel_rate(pool, 1000, 1000, 1000, 1);
    std::printf("Machine check: the GEMM kernel on private data (50x784 · 784x64) delivers %.1f GFLOP/s on one "
                "thread, %.1f GFLOP/s on %zu threads together (%.2fx).\n", mlp.one, mlp.all, pool.size(),
                mlp.all / mlp.one);
    std::printf("Large square (1000x1000 · 1000x1000, private data), the kernel's practical ceiling: %.1f GFLOP/s "
                "on one thread, %.1f GFLOP/s on %zu threads together.\n\n", square.one, square.all, pool.size());
    return square;
}

void bench_gemm(ThreadPool& pool, const KernelRate& square) {
    std::printf("GEMM on the MLP's shapes (batch 50), GFLOP/s, best / median of 20 x 50 calls; the blocked kernel's\n"
                "best against the large square's rate on as many threads:\n");
    Rng rng(2);
    auto random = [&](std::size_t r, std::size_t c) {
        Matrix<float> m(r, c);
        for (std::size_t k = 0; k < m.size(); ++k) m[k] = static_cast<float>(rng.uniform(-1, 1));
        return m;
    };
    const Matrix<float> X = random(50, 784), W = random(784, 128), G = random(50, 128);
    Matrix<float> Z(50, 128), dW(784, 128);
    table::Text t({"product", "shape", "naive", "blocked, 1 thread",
                   "blocked, " + std::to_string(pool.size()) + " threads", "of the square's rate (1 / " +
                   std::to_string(pool.size()) + " threads)"});
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
        double best = 0;   // GFLOP/s of the latest rate measured
        auto rate = [&](auto product, int calls) {
            const Timing s = time_it(20, [&] {
                for (int i = 0; i < calls; ++i) product();
            });
            best = flops * calls / s.best / 1e9;
            return table::fixed(best, 1) + " / " + table::fixed(flops * calls / s.median / 1e9, 1);
        };
        const std::string naive =
            rate([&] { gemm_naive<float>(c.opA, Op::N, 1.0f, c.A->view(), c.B->view(), 0.0f, c.C->view()); }, 2);
        const std::string one = rate([&] { gemm<float>(c.opA, Op::N, 1.0f, c.A->view(), c.B->view(), 0.0f, c.C->view()); }, 50);
        const double best_one = best;
        const std::string all =
            rate([&] { gemm<float>(pool, c.opA, Op::N, 1.0f, c.A->view(), c.B->view(), 0.0f, c.C->view()); }, 50);
        t.add({c.name, c.shape, naive, one, all,
               table::percent(best_one / square.one, 0) + " / " + table::percent(best / square.all, 0)});
    }
    std::printf("%s\n", t.aligned().c_str());
}

struct EpochConfiguration {
    const char* name;
    std::size_t hidden;
    SgdOptions sgd;
};

// Wall seconds of `reps` epochs (after one warm-up epoch) of configuration c on `threads`
// threads; the fraction of their steps that the trainer shared between threads.
struct Epochs {
    Timing time;
    double shared;
};
Epochs time_epochs(const Mnist& data, const EpochConfiguration& c, std::size_t threads, int reps) {
    ThreadPool pool(threads);
    Rng rng(3);
    Network<float> net = make_network<float>(784, c.hidden, kClasses, rng);
    Trainer trainer(net, pool, c.sgd);
    std::vector<std::size_t> order = rng.permutation(data.train.count);
    double shared = 0;
    const Timing s = time_it(reps, [&] {
        rng.shuffle(order);
        trainer.epoch(data.train, order, static_cast<float>(c.sgd.eta));
        shared += trainer.shared_fraction() / (reps + 1);
    });
    return {s, shared};
}

const EpochConfiguration kReportMlp{"report: MLP 784-128-10, B 50, SGD", 128, kReport.sgd()};

// The report's epoch on all threads and on one, medians (for the limit below).
struct ReportEpoch {
    double all, one;
};

ReportEpoch bench_epochs(const Mnist& data, std::size_t threads) {
    constexpr int kReps = 7;
    std::printf("Training epochs (%zu images, training pass only), best / median of %d after one "
                "warm-up epoch;\nprocessor s/epoch: processor time of all threads, median; samples/s and "
                "GFLOP/s from the best wall time;\nshared steps: the steps the trainer gave to all threads "
                "(the others ran on one, as measured faster at the time):\n", data.train.count, kReps);
    table::Text t({"configuration", "threads", "s/epoch (best / median)", "processor s/epoch",
                   "samples/s", "GEMM GFLOP/s", "shared steps"});
    ReportEpoch report{0, 0};
    for (const EpochConfiguration& c : {kReportMlp,
                            EpochConfiguration{"default: MLP 784-128-10, B 50, momentum", 128, kDefaultMlp.sgd()},
                            EpochConfiguration{"report: softmax regression, B 50, SGD", 0, kReport.sgd()},
                            EpochConfiguration{"default: softmax regression, B 50, momentum", 0, kDefaultLogistic.sgd()}})
        for (std::size_t n : {threads, std::size_t{1}}) {
            const auto [s, shared] = time_epochs(data, c, n, kReps);
            if (c.name == kReportMlp.name) (n == threads ? report.all : report.one) = s.median;
            // Multiply-adds per sample: MLP X·Wh and Xᵀ·Γh (D·H each), Ah·Wo, Ahᵀ·Γo and Γo·Woᵀ
            // (H·K each); softmax regression X·Wo and Xᵀ·Γo (D·K each).
            const double D = 784, H = static_cast<double>(c.hidden), K = 10, N = static_cast<double>(data.train.count);
            const double flops = 2 * N * (c.hidden ? 2 * D * H + 3 * H * K : 2 * D * K);
            t.add({c.name, std::to_string(n), table::fixed(s.best, 3) + " / " + table::fixed(s.median, 3),
                   table::fixed(s.cpu, 3), table::fixed(N / s.best, 0),
                   table::fixed(flops / s.best / 1e9, 1), table::percent(shared, 0)});
            if (threads == 1) break;
        }
    std::printf("%s\n", t.aligned().c_str());
    return report;
}

// A python3 that imports numpy ("" if none): the one on the PATH, else the system's.
std::string python_with_numpy() {
    for (const char* python : {"python3", "/usr/bin/python3"})
        if (std::system((std::string(python) + " -c 'import numpy' > /dev/null 2>&1").c_str()) == 0) return python;
    return "";
}

// The median epoch of numpy_baseline.py over `epochs` epochs (its last line: "best … s, median
// … s per epoch"), 0 if it failed; and the BLAS it named (its first line: "blas: path").
struct NumpyRun {
    double median = 0;
    std::string blas;
};
NumpyRun numpy_run(const std::string& python, int epochs) {
    const std::string command = python + " '" + (files::source_dir() / "chapters/chapter4_mnist_softmax/numpy_baseline.py").string() +
                                "' '" + (files::datasets_dir() / "mnist").string() + "' " + std::to_string(epochs) + " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    NumpyRun run;
    if (!pipe) return run;
    char line[512];
    double best = 0;
    while (std::fgets(line, sizeof line, pipe.get())) {
        std::string text(line);
        if (text.rfind("blas: ", 0) == 0) run.blas = text.substr(6, text.find_last_not_of("\n") - 5);
        if (std::sscanf(line, "best %lf s, median %lf s", &best, &run.median) == 2) {}
    }
    return run;
}

// What a BLAS library path is, in words.
std::string blas_name(const std::string& path) {
    if (path.find("openblas") != std::string::npos) return "OpenBLAS";
    if (path.find("/blas/libblas") != std::string::npos)
        return "the reference BLAS, not OpenBLAS: numpy is slow with it, and the ratio below means little "
               "(Debian: apt-get install libopenblas0-pthread)";
    return path.empty() ? "a BLAS it did not name" : path + ", not OpenBLAS";
}

// 001's MLP against numpy (with OpenBLAS, as meant): kRounds rounds, each our epoch on all threads (median of
// kEpochs) then numpy's (median of kEpochs), since what else runs changes from minute to minute.
void bench_numpy(const Mnist& data, std::size_t threads, bool real) {
    const std::string python = python_with_numpy();
    if (python.empty() || !real) {
        std::printf("numpy: not compared (%s).\n\n", python.empty() ? "no python3 with numpy found"
                                                                            : "needs datasets/mnist: run `make mnist`");
        return;
    }
    constexpr int kRounds = 3, kEpochs = 5;
    table::Text t({"round", "ours, " + std::to_string(threads) + " threads (s/epoch)", "numpy (s/epoch)", "ours / numpy"});
    std::vector<double> ratios;
    std::string blas;
    for (int r = 1; r <= kRounds; ++r) {
        const double ours = time_epochs(data, kReportMlp, threads, kEpochs).time.median;
        const NumpyRun run = numpy_run(python, kEpochs);
        const double numpy = run.median;
        if (numpy <= 0) {
            std::printf("numpy_baseline.py failed: not compared.\n\n");
            return;
        }
        blas = run.blas;
        ratios.push_back(ours / numpy);
        t.add({std::to_string(r), table::fixed(ours, 3), table::fixed(numpy, 3), table::fixed(ours / numpy, 2)});
    }
    std::sort(ratios.begin(), ratios.end());
    std::printf("The report's MLP against numpy (numpy_baseline.py, %s), run alternately, %d rounds, each the median of\n"
                "%d epochs (ours after one warm-up epoch); numpy multiplies with %s:\n%s\nOurs / numpy, median of the "
                "rounds: %.2f\n\n", python.c_str(), kRounds, kEpochs, blas_name(blas).c_str(), t.aligned().c_str(),
                ratios[ratios.size() / 2]);
}

}  // namespace

int main() {
    const std::size_t threads = std::max(1u, std::thread::hardware_concurrency());
    bool real = false;
    const Mnist data = load_or_synthesise(real);
    std::printf("chapter 4 benchmark on %s, %zu hardware threads; data: %s\n", processor().c_str(), threads,
                real ? "datasets/mnist" : "random images (run `make mnist` for MNIST)");
    std::printf("Vector width %zu bits; register tile %zux%zu (%zux%zu for products of at most %zu columns)\n\n",
                kVectorBits, kWideTile.rows, kWideTile.cols, kNarrowTile.rows, kNarrowTile.cols, kNarrowTile.cols);
    ThreadPool pool(threads);
    const KernelRate square = bench_kernel(pool);
    bench_gemm(pool, square);
    const ReportEpoch report = bench_epochs(data, threads);
    // 24.5 GFLOP per epoch of the report's MLP done densely (60 000 × 2 × (2·784·128 + 3·128·10)
    // flops); over the nonzero pixels, X·Wh and Xᵀ·Γh take 128 multiply-adds per nonzero pixel.
    const double N = 60000, D = 784, H = 128, K = 10;
    const auto zeros = static_cast<double>(std::count(data.train.pixels.begin(), data.train.pixels.end(), 0));
    const double nonzero = static_cast<double>(data.train.pixels.size()) - zeros;
    const double dense = 2 * N * (2 * D * H + 3 * H * K), done = 2 * (2 * nonzero * H + 3 * N * H * K);
    const double limit = dense / (square.all * 1e9), limit_done = done / (square.all * 1e9);
    std::printf("Practical limit of the report's epoch: %.1f GFLOP (the dense products) at the large square's %.1f GFLOP/s "
                "on %zu threads = %.3f s;\nthe report's epoch (median) on %zu threads: %.3f s = %.2fx the limit; on 1 "
                "thread: %.3f s.\n%.1f %% of the training images' pixels are nonzero, so the epoch does %.1f GFLOP "
                "(X·Wh and Xᵀ·Γh over the nonzero\npixels only): %.3f s at the large square's rate; the epoch takes %.2fx "
                "that (a product over a list of pixels reads\na row of Wh or Γh from memory for every term, where "
                "GEMM's tiles reuse each value they load).\n\n",
                dense / 1e9, square.all, threads, limit, threads, report.all, report.all / limit, report.one,
                100 * nonzero / static_cast<double>(data.train.pixels.size()), done / 1e9, limit_done,
                report.all / limit_done);
    bench_numpy(data, threads, real);
    std::printf("Peak memory of this benchmark:%s\n", peak_memory().c_str());
    return 0;
}
