// Tests of chapter 2 (000 §3): the forward pass is the report's network, the full gradient
// agrees with finite differences (also near saturation), the report's simplified gradient is
// right exactly where it should be and wrong elsewhere, BFGS trains the network, and the estimate
// of a run's work and memory (run_size.hpp).
#include <cmath>

#include "chapters/chapter2_two_hidden_layers/network.hpp"
#include "chapters/chapter2_two_hidden_layers/run_size.hpp"
#include "common/bfgs.hpp"
#include "common/finite_difference.hpp"
#include "testing.hpp"


using ch2::Weights;

namespace {

// A correct gradient agrees with central differences to ~1e-9 at ordinary points (truncation
// h² and rounding ε·f/h, both ~1e-10 relative with h = ∛ε ≈ 6e-6) and ~1e-7 at saturated ones,
// where the tanh′ factors make ∇f small next to f and the rounding term grows. 1e-6 per weight
// matrix leaves a margin of ten over the worst of them, while the report's simplified gradient
// is off by 25 % or more in W1 and W2's first row.
constexpr double kGradTol = 1e-6;

const ch2::TeacherData& data() {
    static const ch2::TeacherData t = ch2::make_teacher_data(1);
    return t;
}

Weights start(double scale, std::uint64_t stream = 1) {
    Rng rng = Rng::stream(7, stream);
    return ch2::random_weights(rng, scale);
}

Vec numeric_gradient(const Weights& w) {
    const auto f = ch2::make_objective(data().train);
    return fd::gradient([&](const Vec& v) { Vec unused; return f(v, unused); }, ch2::pack(w));
}

// Norm-wise relative error of the block [offset, offset + size) of x = (W1, W2, W3).
double block_error(const Vec& a, const Vec& n, std::size_t offset, std::size_t size) {
    return fd::compare(Vec(a.begin() + offset, a.begin() + offset + size),
                       Vec(n.begin() + offset, n.begin() + offset + size))
        .norm_rel_error;
}
constexpr std::size_t W1 = 0, W2 = 30, W2_ROW2 = 35, W3 = 50;

void check_full_gradient(const Weights& w) {
    const Vec analytic = ch2::pack(ch2::gradient(w, data().train));
    const Vec numeric = numeric_gradient(w);
    const double e1 = block_error(analytic, numeric, W1, 30), e2 = block_error(analytic, numeric, W2, 20),
                 e3 = block_error(analytic, numeric, W3, 12);
    if (!(e1 < kGradTol && e2 < kGradTol && e3 < kGradTol))
        std::fprintf(stderr, "%s", fd::mismatches(analytic, numeric, kGradTol).c_str());
    CHECK_LT(e1, kGradTol);
    CHECK_LT(e2, kGradTol);
    CHECK_LT(e3, kGradTol);
}

double sigma(double s) { return 1 / (1 + std::exp(-s)); }

}  // namespace

TEST_CASE(forward_pass_is_the_reports_network) {
    // ẑ = tanh(W3·tanh(W2·(W1 y) + h0 𝟏) + H0 𝟏), h0 = σ(Σ_j W1_1j y_j), H0 = tanh(Σ_j W2_1j h*_j + h0),
    // written out with plain loops.
    const Weights w = start(0.7);
    const Vec y = data().train.y[3];
    double h[5], H[4], z[3];
    for (int i = 0; i < 5; ++i) {
        h[i] = 0;
        for (int j = 0; j < 6; ++j) h[i] += w.W1(i, j) * y[j];
    }
    double h0_in = 0;
    for (int j = 0; j < 6; ++j) h0_in += w.W1(0, j) * y[j];
    const double h0 = sigma(h0_in);
    double H0_in = h0;
    for (int j = 0; j < 5; ++j) H0_in += w.W2(0, j) * h[j];
    const double H0 = std::tanh(H0_in);
    for (int i = 0; i < 4; ++i) {
        double s = h0;
        for (int j = 0; j < 5; ++j) s += w.W2(i, j) * h[j];
        H[i] = std::tanh(s);
    }
    for (int i = 0; i < 3; ++i) {
        double s = H0;
        for (int j = 0; j < 4; ++j) s += w.W3(i, j) * H[j];
        z[i] = std::tanh(s);
    }
    const auto a = ch2::forward(w, y);
    for (int i = 0; i < 3; ++i) CHECK_NEAR(a.z_hat[i], z[i], 1e-15);
    CHECK_EQ(a.H0, a.H_star[0]);   // H0 is H*'s first component by definition
    CHECK_EQ(ch2::pack(w).size(), ch2::kParameters);
}

TEST_CASE(full_gradient_matches_finite_differences) {
    for (double scale : {0.1, 0.5, 1.0})
        for (std::uint64_t stream : {1u, 2u, 3u}) check_full_gradient(start(scale, stream));
}

TEST_CASE(full_gradient_matches_finite_differences_near_saturation) {
    // Weights N(0, 3²) and N(0, 5²): most tanh inputs have |s| > 2, many > 5. Check that this is
    // so, then check the gradient there.
    for (double scale : {3.0, 5.0}) {
        const Weights w = start(scale);
        int saturated = 0, units = 0;
        for (const auto& y : data().train.y) {
            const auto a = ch2::forward(w, y);
            for (double u : a.u) saturated += std::fabs(u) > 2, ++units;
            for (double v : a.v) saturated += std::fabs(v) > 2, ++units;
        }
        CHECK_LT(0.5 * units, saturated);
        check_full_gradient(w);
    }
}

TEST_CASE(simplified_gradient_is_right_only_where_h0_and_H0_play_no_part) {
    // Holding h0 and H0 constant (000 §3) drops the paths δH0 → W2's first row (and on to W1)
    // and δh0 → W1. So: W3 and W2's rows 2–4 equal the full gradient to rounding; W2's first
    // row and W1 are wrong by far more than any rounding (> 1e-3 relative).
    for (double scale : {0.5, 1.0}) {
        const Weights w = start(scale);
        const Vec full = ch2::pack(ch2::gradient(w, data().train, true));
        const Vec simplified = ch2::pack(ch2::gradient(w, data().train, false));
        const Vec numeric = numeric_gradient(w);
        CHECK_LT(block_error(simplified, full, W3, 12), 1e-14);
        CHECK_LT(block_error(simplified, full, W2_ROW2, 15), 1e-14);
        CHECK_LT(1e-3, block_error(simplified, numeric, W2, 5));
        CHECK_LT(1e-3, block_error(simplified, numeric, W1, 30));
        CHECK_LT(block_error(full, numeric, W2, 5), kGradTol);
    }
}

TEST_CASE(tanh_derivative_is_stable) {
    CHECK_EQ(ch2::tanh_prime(0.0), 1.0);
    CHECK_EQ(ch2::tanh_prime(1000.0), 0.0);   // cosh overflows to inf: 1/inf² = 0, not NaN
    CHECK_REL(ch2::tanh_prime(20.0), 4 * std::exp(-40.0), 1e-12);   // where 1 − tanh² would give 0
    CHECK_REL(ch2::tanh_prime(0.3), 1 - std::tanh(0.3) * std::tanh(0.3), 1e-14);
}

TEST_CASE(bfgs_lowers_the_loss_a_thousandfold_and_beats_gradient_descent) {
    // The chapter's default: seed 1, start N(0, 0.5²) (stream 1 of seed 1), 200 iterations.
    const auto& t = data();
    Rng rng = Rng::stream(1, 1);
    const Vec x0 = ch2::pack(ch2::random_weights(rng, 0.5));
    const auto f = ch2::make_objective(t.train);
    optim::BfgsOptions o;
    o.max_iterations = 200;
    o.gtol = 1e-10;
    const auto r = optim::bfgs(f, x0, o);
    const double f0 = r.history.front().f;
    std::fprintf(stderr, "  BFGS: f %.3e -> %.3e in %d iterations\n", f0, r.f, r.iterations());
    CHECK_LT(r.f, 1e-3 * f0);
    // Plain gradient descent, learning rate 0.5 (the best of 0.3, 0.5, 1), same start and budget.
    const auto gd = ch2::gradient_descent(f, x0, 0.5, 200);
    CHECK(!gd.diverged);
    CHECK_EQ(gd.iterations(), 200);
    const double f_gd = gd.f.back();
    std::fprintf(stderr, "  gradient descent: f %.3e -> %.3e in 200 iterations\n", f0, f_gd);
    CHECK_LT(r.f, 1e-3 * f_gd);   // BFGS is ahead by more than three orders of magnitude
}

TEST_CASE(teacher_data_is_reproducible) {
    const auto a = ch2::make_teacher_data(5), b = ch2::make_teacher_data(5), c = ch2::make_teacher_data(6);
    CHECK_EQ(a.train.y.size(), 150u);
    CHECK_EQ(a.test.y.size(), 50u);
    CHECK(a.train.y == b.train.y && a.test.z == b.test.z);
    CHECK(a.train.y != c.train.y);
    CHECK_NEAR(ch2::objective(a.teacher, a.train), 0.0, 0.0);   // the teacher fits its data exactly
}

TEST_CASE(gradient_descent_stops_at_the_first_non_finite_value) {
    // η = 1e308: the first step takes the weights to ~1e308, W2 h* overflows (∞ − ∞ = NaN), so f
    // at iteration 1 is not finite. The run stops there; only the start is recorded.
    const auto& t = data();
    const auto f = ch2::make_objective(t.train);
    const Vec x0 = ch2::pack(start(0.5));
    const auto r = ch2::gradient_descent(f, x0, 1e308, 300);
    CHECK(r.diverged);
    CHECK_EQ(r.reason, std::string("diverged at iteration 1: f or its gradient is not finite"));
    CHECK_EQ(r.iterations(), 0);
    CHECK(r.path.size() == 1 && r.path[0] == x0);
    CHECK(std::isfinite(r.f[0]));
    // A moderate η runs all its iterations, every value finite.
    const auto ok = ch2::gradient_descent(f, x0, 0.5, 10);
    CHECK(!ok.diverged);
    CHECK_EQ(ok.iterations(), 10);
    CHECK_EQ(ok.reason, std::string("reached the iteration limit"));
}

TEST_CASE(an_overflowing_start_diverges_at_iteration_zero_for_both_methods) {
    // Weights N(0, (1e200)²): W2 h* ~ 1e400 overflows, so f is NaN at the start itself.
    const auto f = ch2::make_objective(data().train);
    const Vec x0 = ch2::pack(start(1e200));
    Vec g(x0.size());
    CHECK(!std::isfinite(f(x0, g)));
    const auto gd = ch2::gradient_descent(f, x0, 0.5, 10);
    CHECK(gd.diverged && gd.f.empty());
    CHECK(gd.reason.rfind("diverged at iteration 0", 0) == 0);
    const auto bfgs = optim::bfgs(f, x0);
    CHECK(bfgs.stop == optim::StopReason::diverged);
    CHECK(bfgs.reason.rfind("diverged at iteration 0", 0) == 0);
}

// ---------------------------------------------------------------------------------------------
// The estimate of work and memory (run_size.hpp)

// By hand, for --iterations 10 --starts 2, in evaluations of f and ∇f over one sample:
//   gradient check      2 · (62·2 + 2) · 150           = 37,800
//   BFGS                (1 + 1.2·10) · 150 + 11 · 50    =  2,500
//   gradient descent    11 · (150 + 50)                 =  2,200
//   two random starts   2 · ((1 + 1.2·1000) · 150 + 50) = 360,400
// 402,900 in all, at 1.5e6 a second; memory 5e6 + 2·600·11 bytes.
TEST_CASE(estimate_of_a_small_run_counted_by_hand) {
    const workload::Estimate e = ch2::estimate({10, 2});
    CHECK_REL(e.work, 402900.0, 1e-15);
    CHECK_REL(e.seconds, 402900.0 / 1.5e6, 1e-15);
    CHECK_REL(e.bytes, 5e6 + 13200, 1e-15);
    CHECK(!e.at_most);
}

// What the estimate assumes of BFGS holds on the default run's ten random starts: they take
// fewer evaluations than the 1 + 1.2 · 1000 each that it counts.
TEST_CASE(estimate_counts_at_least_the_evaluations_of_the_random_starts) {
    int evaluations = 0;
    for (int k = 0; k < 10; ++k) {
        Rng rng = Rng::stream(1, 1 + static_cast<std::uint64_t>(k));   // main.cpp's student_start
        optim::BfgsOptions o;
        o.max_iterations = static_cast<int>(ch2::kStartIterations);
        o.gtol = 1e-10;
        evaluations += optim::bfgs(ch2::make_objective(ch2::make_teacher_data(1).train),
                                   ch2::pack(ch2::random_weights(rng, 0.5)), o).evaluations;
    }
    CHECK_LE(static_cast<double>(evaluations), 10 * (1 + ch2::kEvaluationsPerIteration * ch2::kStartIterations));
}

// The default run is far below the notice bound; 200 starts are announced, 100,000 refused, and
// so are 1e8 iterations (8 h, and 120 GB for the two curves).
TEST_CASE(default_run_is_quiet_and_large_runs_are_caught) {
    const workload::Bounds b = ch2::size_bounds();
    const workload::Estimate defaults = ch2::estimate({});
    CHECK(!workload::needs_notice(defaults, b));
    CHECK_LE(10 * defaults.seconds, ch2::kNoticeSeconds);
    CHECK(workload::needs_notice(ch2::estimate({300, 200}), b));
    CHECK(!workload::beyond_limits(ch2::estimate({300, 200}), b));
    CHECK(workload::beyond_limits(ch2::estimate({300, 100000}), b));
    CHECK(workload::beyond_limits(ch2::estimate({100000000, 10}), b));
}
