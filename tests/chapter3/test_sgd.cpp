// Tests of chapter 3's SGD (sgd.hpp): it finds the closed-form answer, its schedules are the
// report's, and a diverging run is caught and reported without a single "nan".
#include "chapters/chapter3_sgd_ridge/sgd.hpp"

#include <cmath>
#include <string>
#include <vector>

#include "chapters/chapter3_sgd_ridge/experiments.hpp"
#include "chapters/chapter3_sgd_ridge/least_squares.hpp"
#include "common/random.hpp"
#include "testing.hpp"

namespace {
// A well-conditioned Ridge problem: 200 rows of N(0, 1) features (κ(X) ≈ 1.3), noisy targets.
struct Toy {
    Matrix X{200, 4};
    Vector z = Vector(200);
};
Toy toy() {
    Toy t;
    Rng rng(31);
    for (double& v : t.X.data) v = rng.normal();
    const Vector beta = {1.5, -2.0, 0.5, 3.0};
    t.z = matvec(t.X, beta);
    for (double& v : t.z) v += 0.3 * rng.normal();
    return t;
}

double relative_distance(const Vector& a, const Vector& b) {
    double d = 0, n = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        d += (a[i] - b[i]) * (a[i] - b[i]);
        n += b[i] * b[i];
    }
    return std::sqrt(d / n);
}
}  // namespace

// With every row in one batch SGD is gradient descent: it converges linearly to the Ridge
// answer: each step multiplies the error by at most max |1 − ηh| over the eigenvalues h of the
// Hessian (2/n)XᵀX + 2λI, which lie near 2 for these features, so below 0.9 at η = 0.1; after
// 500 steps only rounding is left, and 1e-10 is far above it.
TEST_CASE(full_batch_converges_to_the_closed_form_ridge_answer) {
    const Toy t = toy();
    const double lambda = 0.05;
    SgdOptions o;
    o.eta = 0.1;
    o.batch_size = 0;   // all rows
    o.epochs = 500;
    o.lambda = lambda;
    Rng rng(32);
    const SgdResult r = sgd(t.X, t.z, o, rng);
    CHECK(!r.diverged);
    CHECK_LE(relative_distance(r.beta, ridge(t.X, t.z, lambda).beta), 1e-10);
}

// Mini-batches of 10 with a small η: the iterate jitters around the minimum by O(η·batch noise);
// at η = 1e-4 that jitter, and the distance still to go after 3000 epochs, are both ≲ 1e-5.
TEST_CASE(minibatch_sgd_with_small_eta_converges_to_the_closed_form_ridge_answer) {
    const Toy t = toy();
    const double lambda = 0.05;
    SgdOptions o;
    o.eta = 1e-4;
    o.batch_size = 10;
    o.epochs = 3000;
    o.lambda = lambda;
    Rng rng(33);
    const SgdResult r = sgd(t.X, t.z, o, rng);
    CHECK(!r.diverged);
    CHECK_LE(relative_distance(r.beta, ridge(t.X, t.z, lambda).beta), 1e-4);
}

// Momentum reaches the same minimum; momentum with ω = 0 is plain SGD bit for bit.
TEST_CASE(momentum_converges_to_the_same_answer_and_omega_zero_is_plain) {
    const Toy t = toy();
    SgdOptions o;
    o.method = Method::momentum;
    o.eta = 0.01;
    o.batch_size = 0;
    o.epochs = 1000;
    o.params.omega = 0.9;
    Rng rng(34);
    const SgdResult m = sgd(t.X, t.z, o, rng);
    CHECK_LE(relative_distance(m.beta, ols(t.X, t.z).beta), 1e-10);

    SgdOptions a;
    a.eta = 0.02;
    a.epochs = 5;
    SgdOptions b = a;
    b.method = Method::momentum;
    b.params.omega = 0.0;
    Rng r1(35), r2(35);
    CHECK(sgd(t.X, t.z, a, r1).beta == sgd(t.X, t.z, b, r2).beta);
}

// Runs made together share each epoch's shuffle; every one of them is bit for bit the run sgd()
// makes alone from the same generator state — whatever its rule, batch size, schedule or λ, and
// also when another run of the group diverges and stops early.
TEST_CASE(runs_made_together_equal_the_same_runs_made_alone) {
    const Toy t = toy();
    std::vector<SgdOptions> runs(6);
    for (SgdOptions& o : runs) o.epochs = 25;
    runs[0].eta = 0.05;
    runs[1].method = Method::momentum, runs[1].params.omega = 0.9, runs[1].batch_size = 7;
    runs[2].method = Method::adam, runs[2].batch_size = 0, runs[2].decay = true;
    runs[3].method = Method::rmsprop, runs[3].lambda = 0.1, runs[3].epochs = 40;
    runs[4].method = Method::adagrad, runs[4].eta = 0.5;
    runs[5].eta = 10;   // diverges in its first epoch
    std::size_t epochs_seen = 0;
    const std::vector<SgdResult> together = sgd_together(t.X, t.z, runs, Rng(40), [&](std::size_t) { ++epochs_seen; });
    CHECK_EQ(epochs_seen, 40u);
    CHECK(together[5].diverged);
    for (std::size_t k = 0; k < runs.size(); ++k) {
        Rng alone(40);
        const SgdResult r = sgd(t.X, t.z, runs[k], alone);
        CHECK(together[k].beta == r.beta || (r.diverged && together[k].diverged));
        CHECK(together[k].loss == r.loss || (r.diverged && together[k].diverged));
        CHECK_EQ(together[k].diverged_epoch, r.diverged_epoch);
    }
}

// A search evaluates C(β) only every tenth epoch: the final β is the same bit for bit, the
// losses are the ones at epochs 10, 20, … and the last.
TEST_CASE(evaluating_the_loss_less_often_changes_no_step) {
    const Toy t = toy();
    SgdOptions every;
    every.epochs = 25;
    SgdOptions sparse = every;
    sparse.loss_every = 10;
    Rng r1(41), r2(41);
    const SgdResult a = sgd(t.X, t.z, every, r1), b = sgd(t.X, t.z, sparse, r2);
    CHECK(a.beta == b.beta);
    CHECK_EQ(b.loss.size(), 4u);   // start, epochs 10, 20, 25
    CHECK_EQ(b.loss[1], a.loss[10]);
    CHECK_EQ(b.loss[3], a.loss[25]);
}

TEST_CASE(same_seed_same_run_other_seed_other_run) {
    const Toy t = toy();
    SgdOptions o;
    o.eta = 0.01;
    o.epochs = 3;
    Rng a(36), b(36), c(37);
    const Vector ba = sgd(t.X, t.z, o, a).beta;
    CHECK(ba == sgd(t.X, t.z, o, b).beta);
    CHECK(ba != sgd(t.X, t.z, o, c).beta);
}

// 001, Methods: η(e) = η₀ / (e·d + 1) with d mini-batches per epoch, e = 0, 1, ….
TEST_CASE(decay_schedule_is_the_reports) {
    SgdOptions o;
    o.eta = 0.1;
    CHECK_EQ(learning_rate(o, 3, 75), 0.1);   // no decay: constant
    o.decay = true;
    CHECK_EQ(learning_rate(o, 0, 75), 0.1);
    CHECK_NEAR(learning_rate(o, 1, 75), 0.1 / 76, 1e-17);
    CHECK_NEAR(learning_rate(o, 10, 1), 0.1 / 11, 1e-17);
}

// η = 10 on the Franke design: the loss explodes in the first epoch. The run stops, says when,
// and its CSV cells and table entries carry no number at all rather than "nan" or "inf".
TEST_CASE(divergence_is_detected_and_reported_not_printed_as_nan) {
    Config c;
    c.bootstrap = 10;
    const FrankeData d = make_franke_data(200, 2020);
    const Design D = make_design(d, Basis::total, 5, false);
    SgdOptions o;
    o.eta = 10;
    o.epochs = 50;
    Rng rng(38);
    const SgdResult r = sgd(D.X_train, D.z_train, o, rng);
    CHECK(r.diverged);
    CHECK_EQ(r.diverged_epoch, 1u);
    CHECK_EQ(r.loss.size(), 2u);   // the start and the epoch that blew up, nothing after

    const FitScores reference = closed_form_scores(D, 0, c);
    const SgdRun run = run_sgd(D, o, c, reference);
    CHECK(run.diverged);
    CHECK_EQ(run.diverged_epoch, 1u);
    const auto cells = sgd_cells(run);
    CHECK_EQ(cells.size(), sgd_columns().size());
    for (const auto& cell : cells) {
        CHECK(cell.find("nan") == std::string::npos);
        CHECK(cell.find("inf") == std::string::npos);
    }
    CHECK_EQ(cells[column_of(sgd_columns(), "diverged_at_epoch")], std::string("1"));
    CHECK_EQ(cells[column_of(sgd_columns(), "test_mse")], std::string(""));
    CHECK_EQ(cells[column_of(sgd_columns(), "test_r2_boot_sd")], std::string(""));
    CHECK_EQ(describe_run(run), std::string("diverged at epoch 1"));
    CHECK(describe_run(run).find("nan") == std::string::npos);

    // A converging run at a small η is not flagged, and its cells are numbers.
    o.eta = 1e-3;
    const SgdRun fine = run_sgd(D, o, c, reference);
    CHECK(!fine.diverged);
    const auto fine_cells = sgd_cells(fine);
    CHECK(fine_cells[column_of(sgd_columns(), "test_mse")] != "");
    CHECK_EQ(fine_cells[column_of(sgd_columns(), "diverged_at_epoch")], std::string(""));
    CHECK(describe_run(fine).rfind("test MSE 0.", 0) == 0);
    // The diverged run still carries its closed-form reference.
    CHECK_EQ(cells[column_of(sgd_columns(), "closed_form_test_mse")], csv::num(reference.test_mse));
}

// η = 1e300: the first steps overflow, the loss after epoch 1 is inf or NaN, not merely large.
// A non-finite loss is divergence too, caught at the end of the epoch in which it appears.
TEST_CASE(non_finite_loss_is_divergence) {
    const Toy t = toy();
    SgdOptions o;
    o.eta = 1e300;
    o.epochs = 20;
    Rng rng(39);
    const SgdResult r = sgd(t.X, t.z, o, rng);
    CHECK(r.diverged);
    CHECK_EQ(r.diverged_epoch, 1u);
    CHECK_EQ(r.loss.size(), 2u);
    CHECK(!std::isfinite(r.loss.back()));
}

// Momentum is stopped like plain SGD: ω = 0.99 at η = 1 on the Franke design explodes in the first
// epoch, and the momentum.csv rows of that curve hold no "nan" or "inf" (an overflowed loss is an
// empty cell).
TEST_CASE(momentum_divergence_is_detected_and_written_without_nan) {
    Config c;
    c.bootstrap = 2;
    c.epochs = 5;
    c.momentum_eta = 1;
    c.omega = 0.99;
    const Design D = make_design(make_franke_data(1000, 2020), Basis::total, 5, false);
    const MomentumCurves m = momentum_curves(D, c);
    CHECK_EQ(m.curves.size(), 3u);
    const LossCurve& momentum = m.curves[1];
    CHECK_EQ(momentum.id, std::string("momentum"));
    CHECK(momentum.result.diverged);
    CHECK_EQ(momentum.result.diverged_epoch, 1u);
    CHECK_EQ(momentum.result.loss.size(), 2u);
    const LossCurve& larger = m.curves[2];   // plain SGD at η/(1 − ω) = 100
    CHECK(larger.result.diverged);
    for (const LossCurve* curve : {&momentum, &larger})
        for (std::size_t e = 0; e < curve->result.loss.size(); ++e)
            for (const auto& cell : momentum_cells(*curve, e, m.minimum_loss)) {
                CHECK(cell.find("nan") == std::string::npos);
                CHECK(cell.find("inf") == std::string::npos);
            }
    // With the default ω = 0.9 and η = 1e-3 nothing diverges.
    const MomentumCurves calm = momentum_curves(D, Config{});
    for (const auto& curve : calm.curves) CHECK(!curve.result.diverged);
}
