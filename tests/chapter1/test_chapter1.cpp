// Tests of chapter 1 (000 §1): the gradient against finite differences (also near saturation),
// the x ↔ W order, the data file and the files the reader refuses, a hand-computed first BFGS
// iteration, our BFGS with the `report` line search against a line-by-line transcription of
// the report's algorithm, and the estimate of a run's work and memory (run_size.hpp).
#include <cmath>

#include "chapters/chapter1_single_layer_bfgs/network.hpp"
#include "chapters/chapter1_single_layer_bfgs/run_size.hpp"
#include "common/bfgs.hpp"
#include "common/finite_difference.hpp"
#include "common/random.hpp"
#include "testing.hpp"

using ch1::Vector;

namespace {

// A correct gradient agrees with central differences to ~1e-10 here: with h = ∛ε ≈ 6e-6, the
// truncation error h² ≈ 4e-11 and the rounding error ε/h ≈ 4e-11 are both of that order. Near
// saturation ∇f is small next to f, so the rounding term relative to ∇f grows; 1e-7 leaves three
// orders of magnitude for it, while a wrong gradient (the report's code's, half the true one)
// is off by 0.5.
constexpr double kGradTol = 1e-7;

const ch1::Samples& report_samples() {
    static const ch1::Samples s = ch1::load_samples(files::datasets_dir() / "single_layer.csv");
    return s;
}

fd::Report check_gradient(const Vector& x) {
    const auto f = ch1::make_objective(report_samples());
    Vector g(6);
    f(x, g);
    const auto numeric = fd::gradient([&](const Vector& v) { Vector unused(6); return f(v, unused); }, x);
    const auto report = fd::compare(g, numeric);
    if (!report.passes(kGradTol)) std::fprintf(stderr, "%s", fd::mismatches(g, numeric, kGradTol).c_str());
    return report;
}

Vector scaled(Vector x, double k) {
    for (double& v : x) v *= k;
    return x;
}

// A near-perfect fit: 30 BFGS iterations from a small start (f ≈ 1e-9).
Vector fitted_weights() {
    Rng rng(1);
    Vector x0(6);
    for (double& v : x0) v = 0.01 * rng.normal();
    optim::BfgsOptions o;
    o.max_iterations = 30;
    o.gtol = 0;
    return optim::bfgs(ch1::make_objective(report_samples()), x0, o).x;
}

}  // namespace

TEST_CASE(data_file_holds_the_reports_six_samples) {
    const auto& s = report_samples();
    CHECK_EQ(s.Y.rows, 6u);
    CHECK_EQ(s.Y(0, 1), 2.4);
    CHECK_EQ(s.Y(5, 0), -1.2);
    CHECK_EQ(s.Z(1, 1), 1.0);
    CHECK_EQ(s.Z(3, 0), 1.0);
    const auto dir = testing::scratch_dir("ch1_data");
    files::write_atomic(dir / "bad.csv", "y1,y2,y3,z1\n1,2,3,4\n");
    CHECK_THROWS(ch1::load_samples(dir / "bad.csv"), DataError, "no column 'z2'");
}

TEST_CASE(samples_reader_takes_regular_files_of_at_most_one_mebibyte) {
    // Checked before a byte is read, so a FIFO cannot block and /dev/zero cannot fill memory.
    const auto dir = testing::scratch_dir("ch1_special");
    CHECK_THROWS(ch1::load_samples("/dev/zero"), IoError, "/dev/zero: it is a character device, not a regular file");
    CHECK_THROWS(ch1::load_samples(dir), IoError, "it is a folder, not a regular file");
    std::filesystem::create_symlink(dir / "b", dir / "a");
    std::filesystem::create_symlink(dir / "a", dir / "b");
    CHECK_THROWS(ch1::load_samples(dir / "a"), IoError, "a loop of symbolic links");
    CHECK_THROWS(ch1::load_samples(dir / "none.csv"), FileNotFound, "no such file");
    // One byte over the bound is refused, with the bound in the message; the bound itself is read.
    const std::string header = "y1,y2,y3,z1,z2\n", row = "0.1,0.2,0.3,1,0\n";
    std::string text = header;
    while (text.size() + row.size() <= ch1::kMaxSampleFileBytes) text += row;
    text.append(ch1::kMaxSampleFileBytes - text.size(), '\n');   // blank lines are skipped
    files::write_atomic(dir / "limit.csv", text);
    CHECK_EQ(ch1::load_samples(dir / "limit.csv").Y.rows, (ch1::kMaxSampleFileBytes - header.size()) / row.size());
    files::write_atomic(dir / "over.csv", text + "\n");
    CHECK_THROWS(ch1::load_samples(dir / "over.csv"), IoError, "more than the 1048576 bytes");
}

TEST_CASE(parameter_vector_is_the_columns_of_W) {
    // 000 §1: x = (w11, w21, w31, w12, w22, w32).
    const Matrix W = ch1::W_from_x({1, 2, 3, 4, 5, 6});
    CHECK_EQ(W(0, 0), 1.0);
    CHECK_EQ(W(1, 0), 2.0);
    CHECK_EQ(W(2, 0), 3.0);
    CHECK_EQ(W(0, 1), 4.0);
    CHECK_EQ(W(2, 1), 6.0);
    CHECK(ch1::x_from_W(W) == (Vector{1, 2, 3, 4, 5, 6}));
}

TEST_CASE(gradient_matches_finite_differences_at_random_points) {
    for (double scale : {0.01, 0.1, 1.0})
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            Rng rng(seed);
            Vector x(6);
            for (double& v : x) v = scale * rng.normal();
            CHECK(check_gradient(x).passes(kGradTol));
        }
}

TEST_CASE(gradient_matches_finite_differences_near_saturation) {
    // The fitted weights scaled by 2, 3, 5: every output saturated towards its target
    // (|z̄| up to ~100, f down to 1e-44). f is computed without cancellation (ch1::residual), so
    // even there central differences resolve the gradient to 1e-7.
    const Vector fit = fitted_weights();
    for (double k : {1.0, 2.0, 3.0, 5.0}) CHECK(check_gradient(scaled(fit, k)).passes(kGradTol));
}

TEST_CASE(saturated_against_the_targets_the_gradient_vanishes) {
    // Saturated the wrong way (weights −3× the fit): f ≈ 2 but σ′ ≈ 0, so ∇f ~ 1e-14 — below
    // what central differences can resolve (their noise is ε·f/h ≈ 1e-10). This is why the
    // report's start scaled by 100 does not converge. We assert the gradient is tiny, finite,
    // and agrees with finite differences to within that noise.
    const Vector x = scaled(fitted_weights(), -3.0);
    const auto f = ch1::make_objective(report_samples());
    Vector g(6);
    const double fx = f(x, g);
    const auto numeric = fd::gradient([&](const Vector& v) { Vector unused(6); return f(v, unused); }, x);
    CHECK_NEAR(fx, 2.0, 1e-6);
    CHECK_LT(optim::max_abs(g), 1e-12);
    for (std::size_t i = 0; i < 6; ++i) {
        const double noise = 10 * 2.2e-16 * fx / fd::step(x[i]);
        CHECK_LE(std::fabs(g[i] - numeric[i]), noise);
    }
}

TEST_CASE(sigmoid_and_objective_never_overflow) {
    CHECK_EQ(ch1::sigmoid(1000.0), 1.0);
    CHECK_EQ(ch1::sigmoid(-1000.0), 0.0);
    CHECK_EQ(ch1::sigmoid(0.0), 0.5);
    CHECK_REL(ch1::sigmoid(-30.0), std::exp(-30.0) / (1 + std::exp(-30.0)), 1e-15);
    const auto f = ch1::make_objective(report_samples());
    Vector g(6);
    const double fx = f({1e4, -1e4, 1e4, -1e4, 1e4, -1e4}, g);
    CHECK(std::isfinite(fx));
    CHECK(optim::all_finite(g));
}

TEST_CASE(report_search_reproduces_the_hand_computed_first_iteration) {
    // From x0 = 0: ẑ = ½ everywhere, so f0 = (1/6)·6·(¼ + ¼) = ½, and
    // ∇_W f = −(2/6)·¼·Σ y_i (z_i − ½)ᵀ = −(1/12)·[d, −d] with d = ½(y1 + y3 + y4 − y2 − y5 − y6)
    // = (2.1, 1.4, 1.85): ∇f = (−0.175, −0.11667, −0.15417, 0.175, 0.11667, 0.15417).
    // p = −∇f, ∇fᵀp = −‖∇f‖² = −0.136007. The report's rule tries α = 1, 2, 4 (Armijo holds, but
    // the slope is still steeper than 0.1·∇fᵀp) and accepts α = 8 with f = 0.117017044566 (these
    // trial values computed independently, by hand-written Python).
    const auto f = ch1::make_objective(report_samples());
    Vector x0(6, 0.0), g(6);
    const double f0 = f(x0, g);
    CHECK_EQ(f0, 0.5);
    const Vector expected_g{-0.175, -0.7 / 6, -1.85 / 12, 0.175, 0.7 / 6, 1.85 / 12};
    for (std::size_t i = 0; i < 6; ++i) CHECK_NEAR(g[i], expected_g[i], 1e-15);
    optim::LineSearchOptions o;
    o.mu = 1e-4, o.eta = 0.1;
    const auto r = optim::report_search(f, x0, f0, g, scaled(g, -1.0), o);
    CHECK(r.status == optim::SearchStatus::ok);
    CHECK_EQ(r.alpha, 8.0);
    CHECK_EQ(r.trials, 4);
    CHECK_REL(r.f, 0.11701704456620231, 1e-13);
}

namespace {
// The report's appendix algorithm, transcribed statement by statement (in x-space, with the
// true gradient ∇f, and a cap on its `while True` loop): the reference for our BFGS with the
// `report` search.
struct History {
    std::vector<double> f, alpha;
};
History report_bfgs(const Vector& x_start, int max_iter, double mu, double eta) {
    const auto obj = ch1::make_objective(report_samples());
    auto obj_f = [&](const Vector& W) { Vector g(6); return obj(W, g); };
    auto grad_f = [&](const Vector& W) { Vector g(6); obj(W, g); return g; };
    auto line_search = [&](const Vector& W, const Vector& p) {
        double alpha = 1;
        const double f_current = obj_f(W);
        const double grad_dot_p = optim::dot(grad_f(W), p);
        for (int guard = 0; guard < 60; ++guard) {
            Vector W_new(6);
            for (int i = 0; i < 6; ++i) W_new[i] = W[i] + alpha * p[i];
            const double f_new = obj_f(W_new);
            const Vector grad_new = grad_f(W_new);
            const bool armijo = f_new <= f_current + mu * alpha * grad_dot_p;
            const bool curvature = optim::dot(grad_new, p) >= eta * grad_dot_p;
            if (armijo && curvature) break;
            if (optim::dot(grad_new, p) * grad_dot_p < 0) alpha = alpha / 1.5;
            else alpha = alpha * 2;
        }
        return alpha;
    };
    Vector W = x_start;
    std::vector<double> B_inv = optim::identity(6);
    History hist{{obj_f(W)}, {0.0}};
    Vector grad = grad_f(W);
    for (int it = 0; it < max_iter; ++it) {
        Vector p(6, 0.0);
        for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 6; ++j) p[i] -= B_inv[i * 6 + j] * grad[j];
        const double alpha = line_search(W, p);
        Vector W_new(6), s(6), y_k(6);
        for (int i = 0; i < 6; ++i) W_new[i] = W[i] + alpha * p[i];
        const Vector grad_new = grad_f(W_new);
        for (int i = 0; i < 6; ++i) s[i] = W_new[i] - W[i], y_k[i] = grad_new[i] - grad[i];
        const double rho = 1 / optim::dot(y_k, s);
        // B_inv = (E − ρ s y_kᵀ) B_inv (E − ρ y_k sᵀ) + ρ s sᵀ, literally.
        std::vector<double> L(36), R(36), T(36, 0.0), N(36, 0.0);
        for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 6; ++j) {
                L[i * 6 + j] = (i == j) - rho * s[i] * y_k[j];
                R[i * 6 + j] = (i == j) - rho * y_k[i] * s[j];
            }
        for (int i = 0; i < 6; ++i)
            for (int k = 0; k < 6; ++k)
                for (int j = 0; j < 6; ++j) T[i * 6 + j] += L[i * 6 + k] * B_inv[k * 6 + j];
        for (int i = 0; i < 6; ++i)
            for (int k = 0; k < 6; ++k)
                for (int j = 0; j < 6; ++j) N[i * 6 + j] += T[i * 6 + k] * R[k * 6 + j];
        for (int i = 0; i < 6; ++i)
            for (int j = 0; j < 6; ++j) N[i * 6 + j] += rho * s[i] * s[j];
        B_inv = N;
        W = W_new;
        grad = grad_new;
        hist.f.push_back(obj_f(W));
        hist.alpha.push_back(alpha);
    }
    return hist;
}
}  // namespace

TEST_CASE(report_bfgs_matches_the_reports_algorithm_step_for_step) {
    // The three experiments' settings, 20 iterations each: the same step lengths, and f values
    // that agree to rounding (the only difference is the order of operations in the B⁻¹
    // update; over 20 iterations, as f falls to 1e-31, that drift stays below 1e-6 relative).
    struct Case { double scale, mu, eta; };
    for (const Case c : {Case{0.01, 1e-4, 0.1}, Case{0.01, 1e-5, 0.3}, Case{0.01, 1e-6, 0.5}, Case{1.0, 1e-4, 0.1}}) {
        Rng rng(1);
        Vector x0(6);
        for (double& v : x0) v = c.scale * rng.normal();
        const auto reference = report_bfgs(x0, 20, c.mu, c.eta);
        optim::LineSearchOptions ls;
        ls.mu = c.mu, ls.eta = c.eta;
        optim::BfgsOptions o;
        o.max_iterations = 20;
        o.gtol = 0;
        o.line_search = optim::report_line_search(ls);
        const auto ours = optim::bfgs(ch1::make_objective(report_samples()), x0, o);
        CHECK_EQ(ours.history.size(), reference.f.size());
        for (std::size_t k = 0; k < std::min(ours.history.size(), reference.f.size()); ++k) {
            CHECK_EQ(ours.history[k].alpha, reference.alpha[k]);
            CHECK_REL(ours.history[k].f, reference.f[k], 1e-6);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The estimate of work and memory (run_size.hpp)

// By hand: one run from --x0, 3 iterations, the six samples, a trial limit of 60: at most
// 1 + 3·60 = 181 evaluations of f and ∇f, 181·6 = 1086 sample evaluations, 1086 / 1e7 s; memory
// 5e6 (the program) + 250·6 (the samples) + (200 + 250)·4 (four history rows, also as a table).
TEST_CASE(estimate_of_a_small_run_counted_by_hand) {
    ch1::RunSize r;
    r.runs = 1;
    r.iterations = 3;
    r.samples = 6;
    r.single = true;
    CHECK_EQ(r.max_trials, 60);
    CHECK_EQ(ch1::max_evaluations(r), 181.0);
    const workload::Estimate e = ch1::estimate(r);
    CHECK_EQ(e.work, 1086.0);
    CHECK_REL(e.seconds, 1086.0 / 1e7, 1e-15);
    CHECK_EQ(e.bytes, 5e6 + 1500 + 1800);
    CHECK(e.at_most);
}

// The count is an upper bound in fact: no run of the report's experiments evaluates f and ∇f
// more often than 1 + N·T times, whichever line search, start and number of iterations.
TEST_CASE(estimate_bounds_the_evaluations_of_real_runs) {
    Rng rng(1);
    Vector normal(6);
    for (double& v : normal) v = rng.normal();
    for (int iterations : {20, 200})
        for (double scale : {0.01, 1.0, 100.0})
            for (bool report : {true, false}) {
                optim::LineSearchOptions ls;
                ls.mu = 1e-4;
                ls.eta = 0.1;
                optim::BfgsOptions o;
                o.max_iterations = iterations;
                o.gtol = 0;
                o.line_search = report ? optim::report_line_search(ls) : optim::wolfe_line_search(ls);
                Vector x0 = normal;
                for (double& v : x0) v *= scale;
                const optim::BfgsResult res = optim::bfgs(ch1::make_objective(report_samples()), x0, o);
                ch1::RunSize r;
                r.runs = 1;
                r.iterations = static_cast<std::size_t>(iterations);
                CHECK_LE(static_cast<double>(res.evaluations), ch1::max_evaluations(r));
            }
}

// The default run stays far below the notice bound; a million iterations are announced (at
// most 6 min), a hundred million refused (at most 10 h and 200 GB of history).
TEST_CASE(default_run_is_quiet_and_large_runs_are_caught) {
    const workload::Bounds b = ch1::size_bounds();
    const ch1::RunSize defaults;
    CHECK(!workload::needs_notice(ch1::estimate(defaults), b));
    CHECK_LE(ch1::estimate(defaults).seconds * 1000, ch1::kNoticeSeconds);
    ch1::RunSize many = defaults;
    many.iterations = 1000000;
    CHECK(workload::needs_notice(ch1::estimate(many), b));
    CHECK(!workload::beyond_limits(ch1::estimate(many), b));
    many.iterations = 100000000;
    CHECK(workload::beyond_limits(ch1::estimate(many), b));
    // 38,000 samples (a file of 1 MiB) for the default 20 iterations: announced, not refused.
    ch1::RunSize big = defaults;
    big.samples = 38000;
    CHECK(workload::needs_notice(ch1::estimate(big), b));
    CHECK(!workload::beyond_limits(ch1::estimate(big), b));
}
