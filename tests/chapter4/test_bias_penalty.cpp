// Tests of the L2 penalty on the biases too (001, Discussion; `--penalise-bias`, the second half
// of the λ sweep): C = (1/B) Σ_i C_i + λ(‖Wh‖² + ‖bh‖² + ‖Wo‖² + ‖bo‖²). Its gradient against
// central differences in double; against the weights-only penalty it must add exactly λ‖b‖² to
// the loss and 2λb to each bias gradient, and change no weight gradient; the threaded trainer
// with it must follow the reference step as it does with the weights-only penalty.
#include <algorithm>
#include <cmath>
#include <cstdio>
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

// kFdTol (gradient_check.hpp) fails any wrong term, such as a missing or doubled 2λb: with
// λ = 0.1 and |b| ≈ 0.5 that is 0.1 off, against components of ~0.1.

// A network with biases well away from zero (so that 2λb is not negligible), a batch and labels.
struct Problem {
    Network<double> net;
    Matrix<double> X;
    std::vector<std::uint8_t> y;
};

Problem problem(std::size_t hidden, std::uint64_t seed) {
    Rng rng(seed);
    const std::size_t B = 8, D = 12, K = 10;
    Problem p{make_network<double>(D, hidden, K, rng), Matrix<double>(B, D), std::vector<std::uint8_t>(B)};
    for (auto* m : {&p.net.bh, &p.net.bo})
        for (std::size_t k = 0; k < m->size(); ++k) (*m)[k] = rng.uniform(-1, 1);
    for (std::size_t k = 0; k < p.X.size(); ++k) p.X[k] = rng.uniform(-1, 1);
    for (auto& label : p.y) label = static_cast<std::uint8_t>(rng.below(K));
    return p;
}

double sum_of_squares(const Matrix<double>& m) {
    double s = 0;
    for (std::size_t k = 0; k < m.size(); ++k) s += m[k] * m[k];
    return s;
}

}  // namespace

// ∇C with the biases penalised, every parameter, both models, against central differences.
TEST_CASE(bias_penalty_gradient_matches_finite_differences) {
    constexpr double lambda = 0.1;
    for (std::size_t hidden : {0u, 6u}) {
        Problem p = problem(hidden, 31 + hidden);
        Network<double> grad;
        loss_and_gradient(p.net, std::as_const(p.X).view(), p.y.data(), lambda, &grad, true);
        auto f = [&] {
            return loss_and_gradient<double>(p.net, std::as_const(p.X).view(), p.y.data(), lambda, nullptr, true);
        };
        check_gradient("dWo", p.net.Wo, f, grad.Wo);
        check_gradient("dbo", p.net.bo, f, grad.bo);
        if (hidden) {
            check_gradient("dWh", p.net.Wh, f, grad.Wh);
            check_gradient("dbh", p.net.bh, f, grad.bh);
        }
    }
}

// Against the weights-only penalty: the loss grows by λ(‖bh‖² + ‖bo‖²), each bias gradient by
// 2λb, and the weight gradients do not change by a bit. The bias gradient with the penalty is
// the same data term g plus 2λb, so (with − without) is 2λb up to three roundings (the product,
// the sum and the difference), each at most u = 2⁻⁵³ of max(|g + 2λb|, |2λb|): 4u of that. The
// losses are sums of squares of fewer than 200 terms, which round within 200u ≈ 2e-14 of the
// loss (Higham's bound for a sum of positive terms); 1e-12 of the loss leaves room, while a
// missing or doubled term would be off by λ‖b‖², at least 1e-5 here.
TEST_CASE(bias_penalty_adds_exactly_two_lambda_b_to_the_bias_gradient) {
    constexpr double u = 0x1.0p-53, kLossTol = 1e-12;
    for (double lambda : {0.1, 1e-4})
        for (std::size_t hidden : {0u, 6u}) {
            const Problem p = problem(hidden, 41 + hidden);
            Network<double> without, with;
            const double c0 = loss_and_gradient(p.net, p.X.view(), p.y.data(), lambda, &without, false);
            const double c1 = loss_and_gradient(p.net, p.X.view(), p.y.data(), lambda, &with, true);
            const double bias_squares = sum_of_squares(p.net.bh) + sum_of_squares(p.net.bo);
            CHECK_NEAR(c1 - c0, lambda * bias_squares, kLossTol * c1);
            CHECK_NEAR(l2_penalty(p.net, lambda, true) - l2_penalty(p.net, lambda, false), lambda * bias_squares,
                       kLossTol * c1);
            for (auto b : {&Network<double>::bh, &Network<double>::bo})
                for (std::size_t k = 0; k < (p.net.*b).size(); ++k) {
                    const double two_lambda_b = 2 * lambda * (p.net.*b)[k];
                    CHECK_NEAR((with.*b)[k] - (without.*b)[k], two_lambda_b,
                               4 * u * std::max(std::fabs((with.*b)[k]), std::fabs(two_lambda_b)));
                }
            for (auto w : {&Network<double>::Wh, &Network<double>::Wo})
                for (std::size_t k = 0; k < (p.net.*w).size(); ++k) CHECK_EQ((with.*w)[k], (without.*w)[k]);
        }
}

// The threaded trainer with the biases penalised against the reference step, fifteen steps of
// both models, plain SGD and momentum with decay. As with the weights-only penalty
// (test_network: trainer_equals_the_reference_step_within_float_rounding_with_penalty) the two
// round the penalty in another order, so they agree within float rounding: differences of a
// rounding or two of |θ| per step (u = 2⁻²⁴ ≈ 6e-8), summed over fifteen steps, well below 1e-6;
// a missing or doubled 2ηλb would show at ηλ|b| ≈ 0.3·0.05·0.5 ≈ 7e-3 per step.
TEST_CASE(trainer_follows_the_reference_step_with_the_bias_penalty) {
    constexpr double kTol = 1e-6;
    constexpr std::size_t kSamples = 23, kEpochs = 3;
    struct Case {
        std::size_t hidden;
        double eta, omega, decay;
    };
    for (const Case& c : {Case{0, 0.5, 0, 0}, Case{0, 0.5, 0.9, 0.5}, Case{40, 0.3, 0, 0}, Case{40, 0.3, 0.9, 1},
                          Case{3, 0.3, 0.9, 1}}) {
        Rng rng(51 + c.hidden);
        Dataset d{kSamples, 4, 5, std::vector<std::uint8_t>(kSamples * 20), std::vector<std::uint8_t>(kSamples)};
        for (auto& px : d.pixels) px = static_cast<std::uint8_t>(rng.below(256));
        for (auto& l : d.labels) l = static_cast<std::uint8_t>(rng.below(kClasses));
        Network<float> start = make_network<float>(20, c.hidden, kClasses, rng);
        for (auto* b : {&start.bh, &start.bo})   // biases away from zero, so the penalty acts at once
            for (std::size_t k = 0; k < b->size(); ++k) (*b)[k] = static_cast<float>(rng.uniform(-0.5, 0.5));
        const std::vector<std::size_t> order = rng.permutation(kSamples);
        SgdOptions o{c.eta, c.omega, c.decay, 0.05, 5};
        o.penalise_bias = true;
        Network<float> fast = start, reference = start, weights_only = start;
        ThreadPool pool(2);
        Trainer trainer(fast, pool, o);
        ReferenceSgd<float> sgd(reference, o);
        SgdOptions o_weights = o;
        o_weights.penalise_bias = false;
        ReferenceSgd<float> sgd_weights(weights_only, o_weights);
        for (std::size_t e = 0; e < kEpochs; ++e) {
            const auto eta = static_cast<float>(learning_rate(o, e));
            trainer.epoch(d, order, eta);
            sgd.epoch(d, order, eta);
            sgd_weights.epoch(d, order, eta);
        }
        double worst = 0, moved = 0;
        for (auto m : {&Network<float>::Wh, &Network<float>::bh, &Network<float>::Wo, &Network<float>::bo})
            for (std::size_t k = 0; k < (fast.*m).size(); ++k) {
                worst = std::max(worst, std::fabs(static_cast<double>((fast.*m)[k]) - (reference.*m)[k]));
                moved = std::max(moved, std::fabs(static_cast<double>((reference.*m)[k]) - (weights_only.*m)[k]));
            }
        if (!(worst <= kTol)) std::fprintf(stderr, "hidden %zu, omega %g: largest difference %.3g\n", c.hidden, c.omega, worst);
        CHECK_LE(worst, kTol);
        CHECK_LT(1000 * kTol, moved);   // and the bias penalty made a difference
    }
}
