// Tests of chapter 4's equations (network.hpp): every analytic gradient against central
// differences in double precision, at random points and near saturation; the threaded trainer
// (trainer.hpp) against the reference SGD step; evaluation against its definition.
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "chapters/chapter4_mnist_softmax/trainer.hpp"
#include "common/finite_difference.hpp"
#include "common/random.hpp"
#include "testing.hpp"
#include "tests/chapter4/gradient_check.hpp"

using namespace ch4;
using namespace ch4::gradient_test;

namespace {

Matrix<double> random_matrix(std::size_t rows, std::size_t cols, Rng& rng, double scale = 1) {
    Matrix<double> m(rows, cols);
    for (std::size_t k = 0; k < m.size(); ++k) m[k] = rng.uniform(-scale, scale);
    return m;
}

std::vector<std::uint8_t> random_labels(std::size_t n, std::size_t K, Rng& rng) {
    std::vector<std::uint8_t> y(n);
    for (auto& v : y) v = static_cast<std::uint8_t>(rng.below(K));
    return y;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Softmax + cross-entropy: 001 eq. (5), γ = a − y (here with the batch mean, (a − y)/B).

TEST_CASE(softmax_cross_entropy_error_matches_finite_differences) {
    Rng rng(1);
    const std::size_t B = 6, K = 10;
    Matrix<double> Z = random_matrix(B, K, rng, 3);
    // Near saturation: one row dominated by its label's logit, one by another class, one with
    // logits spread over ±40 (softmax outputs down to e^−80). Overflow is tested below.
    for (std::size_t k = 0; k < K; ++k) {
        Z(3, k) = k == 2 ? 25.0 : Z(3, k);
        Z(4, k) = k == 7 ? 30.0 : -Z(4, k);
        Z(5, k) = 40.0 / 3 * Z(5, k);
    }
    std::vector<std::uint8_t> y = random_labels(B, K, rng);
    y[3] = 2;
    y[4] = 1;
    auto loss = [&] {
        double s = 0;
        for (std::size_t i = 0; i < B; ++i) s += cross_entropy(Z.view().row(i), K, y[i]);
        return s / B;
    };
    Matrix<double> A(B, K), Gamma(B, K);
    softmax_forward(A.view(), std::as_const(Z).view());
    softmax_cross_entropy_backward(Gamma.view(), std::as_const(A).view(), y.data(), 1.0 / B);
    check_gradient("dC/dZ", Z, loss, Gamma);
    for (std::size_t k = 0; k < A.size(); ++k) CHECK(std::isfinite(A[k]) && std::isfinite(Gamma[k]));
}

TEST_CASE(softmax_and_cross_entropy_are_stable_far_out) {
    const double z[3] = {1000.0, -1000.0, 0.0};
    CHECK_NEAR(cross_entropy(z, 3, 0), 0.0, 1e-12);            // certain and right
    CHECK_NEAR(cross_entropy(z, 3, 1), 2000.0, 1e-9);          // certain and wrong: −ln e^{−2000}
    CHECK_NEAR(cross_entropy(z, 3, 2), 1000.0, 1e-9);
    Matrix<double> Z(1, 3), A(1, 3);
    for (std::size_t k = 0; k < 3; ++k) Z[k] = z[k];
    softmax_forward(A.view(), std::as_const(Z).view());
    CHECK_EQ(A[0], 1.0);
    CHECK_EQ(A[1], 0.0);
    // Float: z = 100 overflows exp in float (e^100 > 3.4e38) unless the maximum is subtracted.
    const float zf[2] = {100.0f, 0.0f};
    CHECK(std::isfinite(cross_entropy(zf, 2, 1)));
    CHECK_NEAR(cross_entropy(zf, 2, 1), 100.0, 1e-4);
}

// ---------------------------------------------------------------------------------------------
// The ReLU layer: f = Σ U ⊙ (R(X·Wh + bh)·Wo) for a random upstream gradient U, so that
// relu_backward (eq. 1) and dense_backward (eqs. 2, 3) are checked for every parameter and input.

TEST_CASE(relu_layer_backpropagation_matches_finite_differences) {
    Rng rng(2);
    const std::size_t B = 5, D = 7, H = 9, K = 4;
    Matrix<double> X = random_matrix(B, D, rng), Wh = random_matrix(D, H, rng), bh = random_matrix(1, H, rng),
                   Wo = random_matrix(H, K, rng), U = random_matrix(B, K, rng);
    // Dead units (z < 0: R' = 0, saturated) and live ones; keep every z away from the kink at 0
    // by more than the finite-difference step could move it.
    bh[0] = -20;   // unit 0 dead for every sample
    bh[1] = 20;    // unit 1 alive for every sample
    auto forward = [&](Matrix<double>& Zh, Matrix<double>& Ah, Matrix<double>& out) {
        dense_forward(Zh.view(), std::as_const(X).view(), std::as_const(Wh).view(), bh.data());
        relu_forward(Ah.view(), std::as_const(Zh).view());
        dense_forward(out.view(), std::as_const(Ah).view(), std::as_const(Wo).view(), nullptr);
    };
    Matrix<double> Zh(B, H), Ah(B, H), out(B, K);
    forward(Zh, Ah, out);
    double min_abs_z = 1e9;
    for (std::size_t k = 0; k < Zh.size(); ++k) min_abs_z = std::min(min_abs_z, std::fabs(Zh[k]));
    CHECK_LT(1e-3, min_abs_z);
    auto f = [&] {
        Matrix<double> Zh2(B, H), Ah2(B, H), out2(B, K);
        forward(Zh2, Ah2, out2);
        double s = 0;
        for (std::size_t k = 0; k < out2.size(); ++k) s += U[k] * out2[k];
        return s;
    };
    Matrix<double> Gh(B, H), dWh(D, H), dbh(1, H), dWo(H, K), dX(B, D);
    relu_backward(Gh.view(), std::as_const(U).view(), std::as_const(Wo).view(), std::as_const(Zh).view());
    dense_backward(dWh.view(), dbh.data(), std::as_const(Gh).view(), std::as_const(X).view());
    dense_backward(dWo.view(), static_cast<double*>(nullptr), std::as_const(U).view(), std::as_const(Ah).view());
    // ∂f/∂X = Γh·Whᵀ (eq. 1 once more, without σ': the inputs have no activation).
    gemm<double>(Op::N, Op::T, 1.0, std::as_const(Gh).view(), std::as_const(Wh).view(), 0.0, dX.view());
    check_gradient("dWh", Wh, f, dWh);
    check_gradient("dbh", bh, f, dbh);
    check_gradient("dWo", Wo, f, dWo);
    check_gradient("dX", X, f, dX);
    for (std::size_t i = 0; i < B; ++i) CHECK_EQ(Gh(i, 0), 0.0);   // the dead unit passes nothing back
}

// ---------------------------------------------------------------------------------------------
// The whole network: loss_and_gradient for both models, with and without L2.

void check_network(std::size_t hidden, double lambda, std::uint64_t seed) {
    Rng rng(seed);
    const std::size_t B = 8, D = 12, K = 10;
    Network<double> net = make_network<double>(D, hidden, K, rng);
    // Biases away from zero, and larger weights so that some softmax outputs saturate.
    for (auto* m : {&net.bh, &net.bo})
        for (std::size_t k = 0; k < m->size(); ++k) (*m)[k] = rng.uniform(-0.5, 0.5);
    for (std::size_t k = 0; k < net.Wo.size(); ++k) net.Wo[k] *= 4;
    const Matrix<double> X = random_matrix(B, D, rng);
    const std::vector<std::uint8_t> y = random_labels(B, K, rng);
    Network<double> grad;
    loss_and_gradient(net, X.view(), y.data(), lambda, &grad);
    auto f = [&] { return loss_and_gradient<double>(net, X.view(), y.data(), lambda, nullptr); };
    check_gradient("dWo", net.Wo, f, grad.Wo);
    check_gradient("dbo", net.bo, f, grad.bo);
    if (hidden) {
        check_gradient("dWh", net.Wh, f, grad.Wh);
        check_gradient("dbh", net.bh, f, grad.bh);
    }
}

TEST_CASE(softmax_regression_gradient_matches_finite_differences) {
    check_network(0, 0.0, 3);
    check_network(0, 0.1, 4);
}

TEST_CASE(mlp_gradient_matches_finite_differences) {
    check_network(6, 0.0, 5);
    check_network(6, 0.01, 6);
}

TEST_CASE(glorot_uniform_initialisation) {
    Rng rng(7);
    const Network<double> net = make_network<double>(784, 128, 10, rng);
    const double r1 = std::sqrt(6.0 / (784 + 128)), r2 = std::sqrt(6.0 / (128 + 10));
    double max1 = 0, max2 = 0, mean_sq = 0;
    for (std::size_t k = 0; k < net.Wh.size(); ++k) {
        max1 = std::max(max1, std::fabs(net.Wh[k]));
        mean_sq += net.Wh[k] * net.Wh[k] / net.Wh.size();
    }
    for (std::size_t k = 0; k < net.Wo.size(); ++k) max2 = std::max(max2, std::fabs(net.Wo[k]));
    CHECK_LE(max1, r1);
    CHECK_LE(max2, r2);
    CHECK_LT(0.99 * r1, max1);   // 100 352 draws reach the edge
    // The variance of U(−r, r) is r²/3; with 100 352 draws the mean square is within 1 %.
    CHECK_REL(mean_sq, r1 * r1 / 3, 0.01);
    for (const auto* b : {&net.bh, &net.bo})
        for (std::size_t k = 0; k < b->size(); ++k) CHECK_EQ((*b)[k], 0.0);
}

// ---------------------------------------------------------------------------------------------
// The threaded trainer (trainer.hpp) against the reference step (network.hpp).
//
// What to expect. Both compute the same sums in the same fixed order (the reference with GEMM,
// the trainer with GEMM and, for the MLP's products with the batch, over the nonzero pixels only,
// which gives the same bits: sparse.hpp), and the threads only cut the products into blocks. With λ = 0 the trainer's
// fused update rounds exactly as the reference's: W + (−η)·t equals W − η·t in IEEE arithmetic,
// and η·t + ω·v equals ω·v + η·t. So the two give the same bits, step after step. With λ > 0
// the trainer folds the penalty into the product, W ← (1 − 2ηλ)W − η·XᵀΓ (or v ← ωv + η·XᵀΓ, then
// v ← v + 2ηλ·W), while the reference adds 2λW to the stored gradient first: the same numbers
// rounded in another order, so the two agree within float rounding only.

namespace {

// A small data set of `count` random "images" of 4×5 pixels with random labels; three pixels in
// four are 0, as most of MNIST's are, so that the trainer's MLP runs its products over the
// nonzero pixels (sparse.hpp).
Dataset random_dataset(std::size_t count, Rng& rng) {
    Dataset d;
    d.count = count;
    d.rows = 4;
    d.cols = 5;
    d.pixels.resize(count * 20);
    d.labels.resize(count);
    for (auto& p : d.pixels) p = rng.below(4) < 3 ? 0 : static_cast<std::uint8_t>(1 + rng.below(255));
    for (auto& l : d.labels) l = static_cast<std::uint8_t>(rng.below(kClasses));
    return d;
}

template <class T>
Network<T> convert(const Network<float>& n) {
    Network<T> c;
    c.inputs = n.inputs, c.hidden = n.hidden, c.classes = n.classes;
    auto copy = [](const Matrix<float>& m) {
        Matrix<T> r(m.rows(), m.cols());
        for (std::size_t k = 0; k < m.size(); ++k) r[k] = m[k];
        return r;
    };
    c.Wh = copy(n.Wh), c.bh = copy(n.bh), c.Wo = copy(n.Wo), c.bo = copy(n.bo);
    return c;
}

// Three epochs of 23 samples in batches of 5 (four full, one of 3): fifteen steps.
constexpr std::size_t kSamples = 23, kEpochs = 3;

Network<float> train_fast(const Network<float>& start, const Dataset& d, const SgdOptions& o,
                          const std::vector<std::size_t>& order, std::size_t threads) {
    Network<float> net = start;
    ThreadPool pool(threads);
    Trainer trainer(net, pool, o, Trainer::Sharing::always);   // every thread, however small the step
    CHECK_EQ(trainer.threads(), threads);
    for (std::size_t e = 0; e < kEpochs; ++e) trainer.epoch(d, order, static_cast<float>(learning_rate(o, e)));
    return net;
}

// The same epochs with the reference step, in float (as the trainer) or in double.
template <class T>
Network<T> train_reference(const Network<float>& start, const Dataset& d, const SgdOptions& o,
                           const std::vector<std::size_t>& order) {
    Network<T> net = convert<T>(start);
    ReferenceSgd<T> sgd(net, o);
    for (std::size_t e = 0; e < kEpochs; ++e) sgd.epoch(d, order, static_cast<T>(learning_rate(o, e)));
    return net;
}

bool same_bits(const Network<float>& a, const Network<float>& b) {
    for (auto m : {&Network<float>::Wh, &Network<float>::bh, &Network<float>::Wo, &Network<float>::bo})
        if ((a.*m).size() != (b.*m).size() ||
            ((a.*m).size() > 0 &&   // (an empty matrix has no data pointer to compare)
             std::memcmp((a.*m).data(), (b.*m).data(), (a.*m).size() * sizeof(float)) != 0))
            return false;
    return true;
}

// The largest |a − b| over all parameters.
double max_difference(const Network<double>& a, const Network<double>& b) {
    double worst = 0;
    for (auto m : {&Network<double>::Wh, &Network<double>::bh, &Network<double>::Wo, &Network<double>::bo})
        for (std::size_t k = 0; k < (a.*m).size(); ++k) worst = std::max(worst, std::fabs((a.*m)[k] - (b.*m)[k]));
    return worst;
}

struct Case {
    std::size_t hidden;   // 0: softmax regression; 40: blocks of 16, 16 and 8; 3: less than a block
    SgdOptions sgd;
    std::uint64_t seed;
};

SgdOptions options(double eta, double omega, double decay, double lambda) {
    return {eta, omega, decay, lambda, 5};
}

// Both models, plain SGD and momentum with decay; λ as given.
std::vector<Case> cases(double lambda) {
    return {{0, options(0.5, 0, 0, lambda), 11}, {0, options(0.5, 0.9, 0.5, lambda), 12},
            {40, options(0.3, 0, 0, lambda), 13}, {40, options(0.3, 0.9, 1, lambda), 14},
            {3, options(0.3, 0.9, 1, lambda), 15}};
}

struct Start {
    Dataset data;
    Network<float> net;
    std::vector<std::size_t> order;
};

Start start_of(const Case& c) {
    Rng rng(c.seed);
    Dataset d = random_dataset(kSamples, rng);
    Network<float> net = make_network<float>(20, c.hidden, kClasses, rng);
    std::vector<std::size_t> order = rng.permutation(d.count);
    return {std::move(d), std::move(net), std::move(order)};
}

}  // namespace

// 1, 2, 3 or 17 threads (more than the blocks of units and the samples of a batch: some own
// nothing) give the same bits.
TEST_CASE(the_number_of_threads_changes_no_bit) {
    for (double lambda : {0.0, 0.01})
        for (const Case& c : cases(lambda)) {
            const Start s = start_of(c);
            const Network<float> one = train_fast(s.net, s.data, c.sgd, s.order, 1);
            for (std::size_t threads : {2, 3, 17}) CHECK(same_bits(one, train_fast(s.net, s.data, c.sgd, s.order, threads)));
        }
}

TEST_CASE(trainer_equals_the_reference_step_bit_for_bit_without_penalty) {
    for (const Case& c : cases(0.0)) {
        const Start s = start_of(c);
        const Network<float> fast = train_fast(s.net, s.data, c.sgd, s.order, 2);
        const Network<float> reference = train_reference<float>(s.net, s.data, c.sgd, s.order);
        CHECK(same_bits(fast, reference));
        CHECK(!same_bits(fast, s.net));   // (and training moved the parameters)
    }
}

// With Sharing::measured the trainer gives each segment of batches to one thread or to the
// whole pool, handing the hidden layer's columns (and their velocity) from one team to the
// other; its first segment goes to the pool, the next to one thread, so both teams run in the
// first two epochs. On 001's MLP, over 107 batches (the last chunk partial) and two epochs, with
// and without momentum, on dense images and on images mostly 0, it gives the reference step's
// bits.
TEST_CASE(handing_steps_between_teams_changes_no_bit) {
    // zeros in five pixels: 0, the dense products; 4, the products over the nonzero pixels
    for (const auto& [omega, zeros] : {std::pair{0.0, 0u}, std::pair{0.9, 0u}, std::pair{0.0, 4u}, std::pair{0.9, 4u}}) {
        Rng rng(31);
        const std::size_t N = (10 * TeamChoice::kChunk + 7) * 50;
        Dataset d{N, 28, 28, std::vector<std::uint8_t>(N * 784), std::vector<std::uint8_t>(N)};
        for (auto& p : d.pixels) p = rng.below(5) < zeros ? 0 : static_cast<std::uint8_t>(rng.below(256));
        for (auto& l : d.labels) l = static_cast<std::uint8_t>(rng.below(kClasses));
        const Network<float> start = make_network<float>(784, 128, kClasses, rng);
        const std::vector<std::size_t> order = rng.permutation(N);
        const SgdOptions o{0.05, omega, 0.5, 0.0, 50};
        Network<float> fast = start;
        ThreadPool pool(2);
        Trainer trainer(fast, pool, o);
        CHECK_EQ(trainer.threads(), 2u);   // 784-128-10 with batches of 50 is worth sharing
        double least = 1, most = 0;   // of the epochs' shared fractions
        for (std::size_t e = 0; e < 2; ++e) {
            trainer.epoch(d, order, static_cast<float>(learning_rate(o, e)));
            least = std::min(least, trainer.shared_fraction()), most = std::max(most, trainer.shared_fraction());
        }
        CHECK(most > 0 && least < 1);   // both teams ran
        Network<float> reference = start;
        ReferenceSgd<float> sgd(reference, o);
        for (std::size_t e = 0; e < 2; ++e) sgd.epoch(d, order, static_cast<float>(learning_rate(o, e)));
        CHECK(same_bits(fast, reference));
    }
}

// The choice of team, fed made-up times per step: the pool first, then a try of one thread; then
// the faster of the two, the other one again after 8 segments (4, doubled since the first try was
// slower), then every 16 while it stays slower; at once the other one if the chosen one becomes
// the slower.
TEST_CASE(the_faster_team_runs_and_the_other_is_tried_ever_more_rarely) {
    TeamChoice c;
    auto run = [&](double pool_seconds, double one_seconds) {   // one segment of 10 steps
        const std::size_t team = c.next();
        c.record(10 * (team == 1 ? pool_seconds : one_seconds), 10);
        return team;
    };
    CHECK_EQ(run(1, 2), 1u);
    CHECK_EQ(run(1, 2), 0u);
    std::vector<std::size_t> tries;   // segments at which one thread is tried again
    for (std::size_t k = 1; k <= 400; ++k)
        if (run(1, 2) == 0) tries.push_back(k);
    std::vector<std::size_t> expected;
    for (std::size_t k = 2 * TeamChoice::kFirstExploreEvery; k <= 400; k += TeamChoice::kMaxExploreEvery) expected.push_back(k);
    CHECK(tries == expected);
    CHECK_EQ(run(3, 2), 1u);   // the pool becomes slower (another program starts) …
    CHECK_EQ(run(3, 2), 0u);   // … and one thread takes over at once
    CHECK_EQ(run(3, 2), 0u);
}

// How long a segment goes on, in chunks: until it has lasted kSegmentSeconds; a try of the
// other team (one thread's first segment is one) stops once it has lasted kMinTrySeconds and is
// kGiveUp times slower per step, and not before.
TEST_CASE(a_segment_lasts_its_time_and_a_slow_try_stops_early) {
    TeamChoice c;
    const double fast = 1e-4, half = TeamChoice::kSegmentSeconds / 2;   // seconds per step; a time
    const auto steps = [](double seconds, double per_step) { return static_cast<std::size_t>(seconds / per_step); };
    CHECK_EQ(c.next(), 1u);                      // the pool's first segment: a whole one
    CHECK(c.go_on(half, steps(half, fast)));
    CHECK(!c.go_on(TeamChoice::kSegmentSeconds, steps(TeamChoice::kSegmentSeconds, fast)));
    c.record(TeamChoice::kSegmentSeconds, steps(TeamChoice::kSegmentSeconds, fast));
    CHECK_EQ(c.next(), 0u);                      // one thread's first: a try, 3 times slower
    CHECK(c.go_on(TeamChoice::kMinTrySeconds / 2, steps(TeamChoice::kMinTrySeconds / 2, 3 * fast)));
    CHECK(!c.go_on(TeamChoice::kMinTrySeconds, steps(TeamChoice::kMinTrySeconds, 3 * fast)));
    c.record(TeamChoice::kMinTrySeconds, steps(TeamChoice::kMinTrySeconds, 2 * fast));
    for (std::size_t k = 0; k < 2 * TeamChoice::kFirstExploreEvery - 1; ++k) {
        CHECK_EQ(c.next(), 1u);                  // the faster team, the pool
        CHECK(c.go_on(half, steps(half, fast)));
        CHECK(!c.go_on(TeamChoice::kSegmentSeconds, steps(TeamChoice::kSegmentSeconds, fast)));
        c.record(TeamChoice::kSegmentSeconds, steps(TeamChoice::kSegmentSeconds, fast));
    }
    CHECK_EQ(c.next(), 0u);                      // a try of one thread again, after 8 segments:
    const double early = TeamChoice::kMinTrySeconds / 2, tried = 2 * TeamChoice::kMinTrySeconds;
    CHECK(c.go_on(early, steps(early, 2 * fast)));    // too early to tell
    CHECK(!c.go_on(tried, steps(tried, 2 * fast)));   // 2 > kGiveUp times slower: stop
    CHECK(c.go_on(tried, steps(tried, 1.2 * fast)));  // 1.2 times slower: go on
}

// With λ > 0 the penalty is rounded in another order (see above): each step, the two updates of
// a parameter differ by a rounding or two of its size, u·|θ| ≈ 6e-8 for |θ| ≤ 1 (u = 2⁻²⁴), and
// over fifteen steps such differences add up without being amplified much (η ≤ 0.5 on a smooth
// loss); they come out at 1.3–2.4e-7. 1e-6 leaves room for that and still fails any difference
// in the equations, which would show at the size of a step, η·|∇C| ≈ 1e-2.
TEST_CASE(trainer_equals_the_reference_step_within_float_rounding_with_penalty) {
    constexpr double kTol = 1e-6;
    for (const Case& c : cases(0.01)) {
        const Start s = start_of(c);
        const Network<double> fast = convert<double>(train_fast(s.net, s.data, c.sgd, s.order, 2));
        const Network<double> reference = convert<double>(train_reference<float>(s.net, s.data, c.sgd, s.order));
        const double difference = max_difference(fast, reference);
        if (!(difference <= kTol))
            std::fprintf(stderr, "hidden %zu, omega %g: largest difference %.3g\n", c.hidden, c.sgd.omega, difference);
        CHECK_LE(difference, kTol);
        CHECK_LT(1000 * kTol, max_difference(fast, convert<double>(s.net)));   // training moved them
    }
}

// Float against the reference step in double: each step's float rounding (u ≈ 6e-8, times sums
// of up to 20 terms of size ~1) is ~1e-6 of the parameters' scale, and fifteen steps at η ≤ 0.5
// do not amplify it past 1e-5.
TEST_CASE(float_training_follows_double_precision) {
    constexpr double kTol = 1e-5;
    for (double lambda : {0.0, 0.01})
        for (const Case& c : cases(lambda)) {
            const Start s = start_of(c);
            const Network<double> fast = convert<double>(train_fast(s.net, s.data, c.sgd, s.order, 2));
            const Network<double> exact = train_reference<double>(s.net, s.data, c.sgd, s.order);
            CHECK_LE(max_difference(fast, exact), kTol);
            CHECK_LT(1000 * kTol, max_difference(exact, convert<double>(s.net)));
        }
}

// ---------------------------------------------------------------------------------------------
// Evaluation.

TEST_CASE(evaluation_matches_its_definition) {
    Rng rng(21);
    const Dataset d = random_dataset(613, rng);   // several blocks of 250, the last partial
    const Network<float> net = make_network<float>(20, 8, kClasses, rng);
    ThreadPool one(1), three(3);
    const Evaluation e1 = evaluate(one, net, d), e3 = evaluate(three, net, d);
    CHECK_EQ(e1.loss, e3.loss);
    CHECK_EQ(e1.accuracy, e3.accuracy);
    CHECK(e1.predicted == e3.predicted);
    // The loss is the reference loss of the whole set as one batch (λ = 0); the accuracy counts
    // the samples whose largest output is the label.
    const Network<double> nd = convert<double>(net);
    std::vector<std::size_t> all(d.count);
    for (std::size_t n = 0; n < d.count; ++n) all[n] = n;
    Matrix<double> X(d.count, 20);
    load_batch(X.view(), d, all.data());
    constexpr double kTol = 1e-5;   // float forward pass against double: ~1e-6 relative
    CHECK_REL(e1.loss, loss_and_gradient<double>(nd, std::as_const(X).view(), d.labels.data(), 0.0, nullptr), kTol);
    std::size_t correct = 0;
    for (std::size_t n = 0; n < d.count; ++n) correct += e1.predicted[n] == d.labels[n];
    CHECK_EQ(e1.accuracy, static_cast<double>(correct) / d.count);
    CHECK_LT(0.0, e1.accuracy);
}
