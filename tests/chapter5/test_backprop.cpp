// Tests of chapter 5's back-propagation: the four equations of 003 against central differences
// for random architectures (every activation, every output/loss pair, with L2, and near
// saturation), one layer with a random upstream gradient, the simplified output errors against
// their full (BP1) products, the stable losses at extreme logits, and the matrix products.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/activations.hpp"
#include "chapters/chapter5_deep_backprop/matrix.hpp"
#include "chapters/chapter5_deep_backprop/network.hpp"
#include "common/finite_difference.hpp"
#include "common/random.hpp"
#include "testing.hpp"

namespace {

// The bound on the relative error of every gradient component. A central difference with step
// h ≈ ∛ε carries a truncation error ~h²·|f‴| and a rounding error ~ε·|C|/h, both about ε^(2/3)
// ≈ 4e-11 relative, so a correct gradient agrees to about 1e-9 on components of ordinary size;
// 1e-6 leaves a thousandfold margin, while a wrong term of back-propagation (a missing factor
// f′, a transposed W, a wrong index) is off by a relative error of order 1.
constexpr double kTol = 1e-6;
// The rounding noise of a central difference is about ε·|C|/h ≈ 4e-11·|C| (absolute), so a
// component much smaller than the cost cannot be judged to 1e-6 relative: components below
// kFloor·max(1, |C|) are judged against that floor instead, i.e. to ~1e-9·|C| absolute.
constexpr double kFloor = 1e-3;
// Every ReLU / leaky-ReLU pre-activation at a checked point is at least this far from the kink
// at 0; a finite-difference step moves a pre-activation by ~1e-5, so it never crosses.
constexpr double kKinkMargin = 1e-3;
// Identities evaluated two ways, in a handful of operations on numbers of order 1: each
// rounding costs at most ε/2 ≈ 1.1e-16, so a few units in the last place.
constexpr double kFewUlps = 1e-15;
// The softmax (BP1) product: K = 4 terms a_k(δ_ki − a_i)·(−y_k/a_k), each of order 1 however
// small a_k is (it cancels), so the sum carries a few roundings of order 1; 1e-13 absolute is a
// hundred times that.
constexpr double kSoftmaxProduct = 1e-13;
// The sigmoid (BP1) product divides by a(1 − a); at z = 9, 1 − a = 1.2e-4 is formed from a by
// cancellation, with a relative error up to ε/(1 − a) ≈ 2e-12: checked to 1e-11.
constexpr double kSigmoidProduct = 1e-11;
// Slope of leaky ReLU in the tests: large enough that its negative side is visibly checked.
constexpr double kAlpha = 0.1;

std::vector<double> flat(const Gradients& g) {
    std::vector<double> out;
    for (std::size_t l = 0; l < g.dW.size(); ++l) {
        out.insert(out.end(), g.dW[l].data.begin(), g.dW[l].data.end());
        out.insert(out.end(), g.db[l].data.begin(), g.db[l].data.end());
    }
    return out;
}

Matrix random_matrix(std::size_t rows, std::size_t cols, double sd, Rng& rng) {
    Matrix M(rows, cols);
    for (double& x : M.data) x = sd * rng.normal();
    return M;
}

// Targets that suit the loss: any real number (MSE), a probability (BCE), a probability vector
// per column (CE).
Matrix random_targets(Loss loss, std::size_t rows, std::size_t m, Rng& rng) {
    Matrix Y(rows, m);
    for (double& y : Y.data) y = loss == Loss::mse ? rng.normal() : rng.uniform();
    if (loss == Loss::ce)
        for (std::size_t j = 0; j < m; ++j) {
            double sum = 0;
            for (std::size_t k = 0; k < rows; ++k) sum += Y(k, j);
            for (std::size_t k = 0; k < rows; ++k) Y(k, j) /= sum;
        }
    return Y;
}

bool away_from_kinks(const Network& net, const Cache& cache) {
    for (std::size_t l = 1; l <= net.layers.size(); ++l) {
        const Activation f = net.layers[l - 1].f;
        if (f != Activation::relu && f != Activation::leaky_relu) continue;
        for (double z : cache.z[l].data)
            if (std::fabs(z) < kKinkMargin) return false;
    }
    return true;
}

struct Case {
    std::vector<std::size_t> widths;   // n₀ … n_L
    std::vector<Activation> f;         // f¹ … f^L
    Loss loss;
    double lambda = 0;
    double weight_scale = 1;           // > 1 pushes sigmoid/tanh units and logits into saturation
};

std::string describe(const Case& c) {
    std::string s;
    for (std::size_t i = 0; i < c.widths.size(); ++i) s += (i ? "-" : "") + std::to_string(c.widths[i]);
    s += " [";
    for (std::size_t i = 0; i < c.f.size(); ++i) s += (i ? "," : "") + name_of(c.f[i]);
    return s + "] " + name_of(c.loss) + " λ=" + std::to_string(c.lambda) +
           " scale=" + std::to_string(c.weight_scale);
}

// Back-propagation against central differences of the cost, for one case; true on success.
bool gradient_check(const Case& c, Rng& rng, double* worst = nullptr) {
    if (const std::string problem = architecture_problem(c.widths, c.f, c.loss); !problem.empty()) {
        std::fprintf(stderr, "bad test case %s: %s\n", describe(c).c_str(), problem.c_str());
        return false;
    }
    const std::size_t m = 3;   // samples in the batch
    std::vector<LayerSpec> specs;
    for (std::size_t l = 1; l < c.widths.size(); ++l)
        specs.push_back({c.widths[l], c.f[l - 1], InitSpec{Init::glorot, 0.0, 0.5}});
    Network net;
    Matrix X, Y;
    Cache cache;
    bool found = false;
    for (int attempt = 0; attempt < 1000 && !found; ++attempt) {
        net = make_network(c.widths[0], specs, c.loss, kAlpha, rng);
        for (auto& layer : net.layers)
            for (double& w : layer.W.data) w *= c.weight_scale;
        X = random_matrix(c.widths[0], m, 1.0, rng);
        Y = random_targets(c.loss, c.widths.back(), m, rng);
        forward(cache, net, X);
        found = away_from_kinks(net, cache);
    }
    if (!found) {
        std::fprintf(stderr, "no point away from the ReLU kinks for %s\n", describe(c).c_str());
        return false;
    }

    const double C = cost(net, X, Y, c.lambda, cache);
    Gradients grad;
    Workspace work;
    backward(grad, net, cache, Y, c.lambda, work);
    const std::vector<double> analytic = flat(grad);

    Network probe = net;
    Cache probe_cache;
    const auto numeric = fd::gradient(
        [&](const fd::Vector& theta) {
            set_parameters(probe, theta);
            return cost(probe, X, Y, c.lambda, probe_cache);
        },
        parameters(net));
    const double floor = kFloor * std::max(1.0, std::fabs(C));
    const fd::Report report = fd::compare(analytic, numeric, floor);
    if (worst) *worst = std::max(*worst, report.max_rel_error);
    if (!report.passes(kTol)) {
        std::fprintf(stderr, "%s (C = %g):\n%s", describe(c).c_str(), C,
                     fd::mismatches(analytic, numeric, kTol, 5, floor).c_str());
        return false;
    }
    return true;
}

const std::vector<Activation> kHidden{Activation::sigmoid, Activation::tanh, Activation::relu,
                                      Activation::leaky_relu, Activation::linear};
struct OutputPair {
    Activation f;
    Loss loss;
};
// The three simplified pairs, and MSE after each other element-wise output activation.
const std::vector<OutputPair> kOutputs{
    {Activation::linear, Loss::mse},  {Activation::sigmoid, Loss::bce},
    {Activation::softmax, Loss::ce},  {Activation::sigmoid, Loss::mse},
    {Activation::tanh, Loss::mse},    {Activation::relu, Loss::mse},
    {Activation::leaky_relu, Loss::mse}};

}  // namespace

// Every hidden activation with every output/loss pair, in random small architectures (one to
// three hidden layers of width 1–5, 1–4 inputs, 1–3 outputs), half of them with L2.
TEST_CASE(gradient_matches_finite_differences_for_every_activation_and_loss) {
    Rng rng(501);
    int failures = 0, cases = 0;
    double worst = 0;
    for (const Activation hidden : kHidden)
        for (const OutputPair& out : kOutputs) {
            Case c;
            c.widths.push_back(1 + rng.below(4));
            const std::size_t depth = 1 + rng.below(3);
            for (std::size_t l = 0; l < depth; ++l) {
                c.widths.push_back(1 + rng.below(5));
                c.f.push_back(hidden);
            }
            c.widths.push_back(out.f == Activation::softmax ? 2 + rng.below(2) : 1 + rng.below(3));
            c.f.push_back(out.f);
            c.loss = out.loss;
            c.lambda = cases % 2 ? 0.1 : 0.0;
            failures += !gradient_check(c, rng, &worst);
            ++cases;
        }
    std::fprintf(stderr, "%d cases, worst relative error %.2e\n", cases, worst);
    CHECK_EQ(failures, 0);
}

// Deeper networks whose every layer draws its own activation: the back-propagated error must
// pass correctly through any mixture.
TEST_CASE(gradient_matches_finite_differences_for_mixed_deep_networks) {
    Rng rng(502);
    int failures = 0;
    double worst = 0;
    for (int trial = 0; trial < 12; ++trial) {
        Case c;
        c.widths.push_back(1 + rng.below(3));
        const std::size_t depth = 3 + rng.below(4);
        for (std::size_t l = 0; l < depth; ++l) {
            c.widths.push_back(2 + rng.below(4));
            c.f.push_back(kHidden[rng.below(kHidden.size())]);
        }
        const OutputPair out = kOutputs[rng.below(kOutputs.size())];
        c.widths.push_back(out.f == Activation::softmax ? 3 : 2);
        c.f.push_back(out.f);
        c.loss = out.loss;
        c.lambda = trial % 3 == 0 ? 0.05 : 0.0;
        failures += !gradient_check(c, rng, &worst);
    }
    std::fprintf(stderr, "worst relative error %.2e\n", worst);
    CHECK_EQ(failures, 0);
}

// Weights scaled up until sigmoid and tanh units and the output logits saturate (|z| of order
// 10–40): the stable forms must still give the exact gradient, and no NaN.
TEST_CASE(gradient_matches_finite_differences_near_saturation) {
    Rng rng(503);
    int failures = 0;
    double worst = 0;
    for (const double scale : {6.0, 15.0})
        for (const Activation hidden : {Activation::sigmoid, Activation::tanh})
            for (const OutputPair& out : {OutputPair{Activation::sigmoid, Loss::bce},
                                          OutputPair{Activation::softmax, Loss::ce},
                                          OutputPair{Activation::sigmoid, Loss::mse}}) {
                Case c{{3, 4, 4, out.f == Activation::softmax ? 3u : 1u}, {hidden, hidden, out.f},
                       out.loss, 0.0, scale};
                failures += !gradient_check(c, rng, &worst);
            }
    std::fprintf(stderr, "worst relative error %.2e\n", worst);
    CHECK_EQ(failures, 0);
}

// One layer on its own, with a random upstream gradient: s = (1/m) Σ δ_next ⊙ (W_next aˡ), whose
// derivative with respect to zˡ⁺¹ is the random δ_next. Then (BP2) gives δˡ = ∂s/∂zˡ·m, and
// (BP3), (BP4) and Wᵀδ give ∂s/∂Wˡ, ∂s/∂bˡ and ∂s/∂aˡ⁻¹.
TEST_CASE(single_layer_with_random_upstream_gradient) {
    Rng rng(504);
    const std::size_t k = 4, n = 3, p = 2, m = 5;   // aˡ⁻¹: k×m, Wˡ: n×k, W_next: p×n
    int failures = 0;
    for (const Activation f : kHidden) {
        Matrix W, b, a_prev, z;
        const Matrix W_next = random_matrix(p, n, 1.0, rng);
        const Matrix delta_next = random_matrix(p, m, 1.0, rng);
        bool ok = false;
        while (!ok) {
            W = random_matrix(n, k, 1.0, rng);
            b = random_matrix(n, 1, 1.0, rng);
            a_prev = random_matrix(k, m, 1.0, rng);
            multiply(z, W, a_prev);
            add_to_columns(z, b);
            ok = true;
            for (double v : z.data) ok = ok && std::fabs(v) > kKinkMargin;
        }
        Matrix delta, dW, db, da_prev, fprime, scratch;
        backpropagate_error(delta, W_next, delta_next, z, f, kAlpha, fprime);   // (BP2)
        weight_gradient(dW, delta, a_prev, W, 0.0, scratch);                    // (BP3)
        bias_gradient(db, delta);                                               // (BP4)
        multiply_transposed_left(da_prev, W, delta);
        std::vector<double> analytic = dW.data;
        analytic.insert(analytic.end(), db.data.begin(), db.data.end());
        for (double v : da_prev.data) analytic.push_back(v / static_cast<double>(m));

        auto s = [&](const fd::Vector& v) {
            Matrix Wv(n, k), bv(n, 1), av(k, m), zv, act, out;
            std::size_t i = 0;
            for (double& x : Wv.data) x = v[i++];
            for (double& x : bv.data) x = v[i++];
            for (double& x : av.data) x = v[i++];
            multiply(zv, Wv, av);
            add_to_columns(zv, bv);
            activate(act, zv, f, kAlpha);
            multiply(out, W_next, act);
            double sum = 0;
            for (std::size_t q = 0; q < out.size(); ++q) sum += delta_next.data[q] * out.data[q];
            return sum / static_cast<double>(m);
        };
        fd::Vector point = W.data;
        point.insert(point.end(), b.data.begin(), b.data.end());
        point.insert(point.end(), a_prev.data.begin(), a_prev.data.end());
        const auto numeric = fd::gradient(s, point);
        const auto report = fd::compare(analytic, numeric, kFloor);
        if (!report.passes(kTol)) {
            std::fprintf(stderr, "%s layer:\n%s", name_of(f).c_str(),
                         fd::mismatches(analytic, numeric, kTol, 5, kFloor).c_str());
            ++failures;
        }
    }
    CHECK_EQ(failures, 0);
}

// 001 eq. (5), 002 "Computation graph – cross entropy layer": for softmax + cross-entropy the
// full (BP1) product — the softmax Jacobian ∂a_k/∂z_i = a_k(δ_ki − a_i) applied to
// ∂C/∂a_k = −y_k/a_k — equals a − y.
TEST_CASE(softmax_cross_entropy_error_equals_jacobian_product) {
    Rng rng(505);
    const std::size_t K = 4, m = 6;
    Network net;
    net.loss = Loss::ce;
    net.layers.push_back({Matrix(K, 1), Matrix(K, 1), Activation::softmax});
    const Matrix Z = random_matrix(K, m, 3.0, rng);
    Matrix Y = random_targets(Loss::ce, K, m, rng);
    for (std::size_t k = 0; k < K; ++k) Y(k, 0) = k == 2;   // one column one-hot, as in 001
    Matrix A, delta, fprime;
    softmax_columns(A, Z);
    output_error(delta, net, Z, A, Y, fprime);
    for (std::size_t j = 0; j < m; ++j)
        for (std::size_t i = 0; i < K; ++i) {
            double full = 0;
            for (std::size_t k = 0; k < K; ++k)
                full += A(k, j) * ((k == i) - A(i, j)) * loss_derivative(Loss::ce, A(k, j), Y(k, j));
            CHECK_NEAR(delta(i, j), full, kSoftmaxProduct);
            CHECK_NEAR(delta(i, j), A(i, j) - Y(i, j), kFewUlps);
        }
}

// 002 "Another training criterion – cross-entropy error", 004: for sigmoid + binary
// cross-entropy, σ′(z)·(a − y)/(a(1 − a)) = a − y.
TEST_CASE(sigmoid_cross_entropy_error_equals_bp1_product) {
    Network net;
    net.loss = Loss::bce;
    net.layers.push_back({Matrix(1, 1), Matrix(1, 1), Activation::sigmoid});
    Matrix Z(1, 5), Y(1, 5), A, delta, fprime;
    const double zs[] = {-6, -1.5, 0, 0.7, 9}, ys[] = {1, 0, 0.3, 1, 0};
    for (std::size_t j = 0; j < 5; ++j) {
        Z(0, j) = zs[j];
        Y(0, j) = ys[j];
    }
    activate(A, Z, Activation::sigmoid, 0);
    output_error(delta, net, Z, A, Y, fprime);
    for (std::size_t j = 0; j < 5; ++j) {
        const double full = derivative(Activation::sigmoid, Z(0, j), 0) *
                            loss_derivative(Loss::bce, A(0, j), Y(0, j));
        CHECK_REL(delta(0, j), full, kSigmoidProduct);
    }
}

// The losses where a naive log(ŷ) would give log 0 = −∞ (or an ε-shifted wrong value).
TEST_CASE(log_losses_are_exact_at_extreme_logits) {
    CHECK_EQ(bce_loss(-800, 1), 800.0);   // σ(−800) rounds to 0, the loss is 800 exactly
    CHECK_EQ(bce_loss(800, 0), 800.0);
    CHECK_EQ(bce_loss(800, 1), 0.0);
    CHECK_REL(bce_loss(-40, 0), std::exp(-40.0), kFewUlps);   // log(1 − σ(−40)) ≈ −e^(−40)
    CHECK_REL(softplus(-50), std::exp(-50.0), kFewUlps);
    CHECK_EQ(sigmoid(-1000), 0.0);
    CHECK_EQ(sigmoid(1000), 1.0);
    CHECK_REL(derivative(Activation::sigmoid, 40, 0), std::exp(-40.0), 10 * kFewUlps);   // σ(40)·σ(−40)

    Matrix Z(2, 1), Y(2, 1), A;
    Z(0, 0) = 1000;
    Z(1, 0) = 0;
    Y(1, 0) = 1;   // the true class has logit 0, 1000 below the other: C = 1000
    softmax_columns(A, Z);
    CHECK_EQ(A(0, 0), 1.0);
    CHECK_EQ(A(1, 0), 0.0);
    CHECK_EQ(loss_value(Loss::ce, Z, A, Y), 1000.0);
    CHECK(std::isfinite(loss_value(Loss::bce, Z, A, Y)));
}

// The products of matrix.hpp equal the textbook triple loop, bit for bit (same summation order).
TEST_CASE(matrix_products_equal_the_naive_loops) {
    Rng rng(506);
    const Matrix A = random_matrix(5, 7, 1.0, rng), B = random_matrix(7, 3, 1.0, rng);
    const Matrix P = random_matrix(5, 3, 1.0, rng), Q = random_matrix(4, 3, 1.0, rng);
    Matrix C, scratch;
    multiply(C, A, B);
    for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t j = 0; j < 3; ++j) {
            double s = 0;
            for (std::size_t p = 0; p < 7; ++p) s += A(i, p) * B(p, j);
            CHECK_EQ(C(i, j), s);
        }
    multiply_transposed_left(C, A, P);   // Aᵀ P: 7×3
    CHECK_EQ(C.rows, 7u);
    for (std::size_t i = 0; i < 7; ++i)
        for (std::size_t j = 0; j < 3; ++j) {
            double s = 0;
            for (std::size_t p = 0; p < 5; ++p) s += A(p, i) * P(p, j);
            CHECK_EQ(C(i, j), s);
        }
    multiply_transposed_right(C, P, Q, scratch);   // P Qᵀ: 5×4
    CHECK_EQ(C.cols, 4u);
    for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t j = 0; j < 4; ++j) {
            double s = 0;
            for (std::size_t p = 0; p < 3; ++p) s += P(i, p) * Q(j, p);
            CHECK_EQ(C(i, j), s);
        }
}

// Running forward and backward twice — with another batch in between — gives the same
// gradients: nothing is accumulated from one call into the next.
TEST_CASE(backward_twice_gives_identical_gradients) {
    Rng rng(507);
    std::vector<LayerSpec> specs{{6, Activation::tanh, {}}, {5, Activation::relu, {}}, {1, Activation::sigmoid, {}}};
    const Network net = make_network(3, specs, Loss::bce, kAlpha, rng);
    const Matrix X = random_matrix(3, 8, 1.0, rng), X2 = random_matrix(3, 4, 1.0, rng);
    const Matrix Y = random_targets(Loss::bce, 1, 8, rng), Y2 = random_targets(Loss::bce, 1, 4, rng);
    Cache cache;
    Workspace work;
    Gradients grad;
    cost(net, X, Y, 0.01, cache);
    backward(grad, net, cache, Y, 0.01, work);
    const std::vector<double> first = flat(grad);
    cost(net, X2, Y2, 0.01, cache);
    backward(grad, net, cache, Y2, 0.01, work);
    CHECK(flat(grad) != first);
    cost(net, X, Y, 0.01, cache);
    backward(grad, net, cache, Y, 0.01, work);
    CHECK(flat(grad) == first);
}

TEST_CASE(architecture_problems_are_named) {
    using A = Activation;
    CHECK_EQ(architecture_problem({2, 25, 1}, {A::relu, A::sigmoid}, Loss::bce), std::string());
    CHECK(architecture_problem({2, 3, 1}, {A::relu}, Loss::mse).find("3 widths need 2 activations") != std::string::npos);
    CHECK(architecture_problem({2, 0, 1}, {A::relu, A::linear}, Loss::mse).find("positive") != std::string::npos);
    CHECK(architecture_problem({2, 4, 2}, {A::softmax, A::softmax}, Loss::ce).find("only allowed as the output") != std::string::npos);
    CHECK(architecture_problem({2, 1}, {A::softmax}, Loss::ce).find("at least 2 units") != std::string::npos);
    CHECK(architecture_problem({2, 1}, {A::tanh}, Loss::bce).find("sigmoid output") != std::string::npos);
    CHECK(architecture_problem({2, 2}, {A::sigmoid}, Loss::ce).find("softmax output") != std::string::npos);
    CHECK(architecture_problem({2}, {}, Loss::mse).find("at least two widths") != std::string::npos);
}
