// lectures_output.hpp — the experiments of lectures.hpp as files: for each one a CSV per curve
// and table, an SVG per figure, a section of summary.md and its rows of the headline table, all
// written through a Report (the run's output folder, summary and progress, as main.cpp hands
// them over). One function per experiment, the name it has in --experiments:
//
//   activations              activations.csv, activations.svg                       (001 Fig. 2)
//   posterior                posterior.csv, posterior.svg                           (002)
//   activation_speed         activation_speed.csv, activation_speed_curves.csv, .svg (002)
//   dying_relu               dying_relu.csv, dying_relu.svg                         (001 Table 1, 002)
//   vanishing_gradients      vanishing_gradients.csv, .svg, vanishing_gradients_training.csv,
//                            randomnet_glorot.csv, randomnet_glorot.svg             (003, 001)
//   universal_approximation  universal_approximation.csv, _fits.csv, _steep_unit.csv, .svg (002, 003)
//   symmetry                 symmetry.csv, symmetry.svg                             (004)
//   moons_animation          moons_data.svg, moons_training.svg, moons_training.csv (004)
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <iostream>
#include <limits>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/lectures.hpp"
#include "common/csv.hpp"
#include "common/plot/animation.hpp"
#include "common/plot/decision_map.hpp"
#include "common/plot/line_plot.hpp"
#include "common/plot/panels.hpp"
#include "common/summary.hpp"
#include "common/table.hpp"

// The figure of a document that each of this chapter's figures reproduces ("" for the
// experiments no document draws): the results page lists them side by side.
inline std::string document_figure(const std::string& file) {
    static const std::pair<const char*, const char*> kFigures[] = {
        {"moons_data.svg", "004 Fig. 1"},         {"moons_decision.svg", "004 Fig. 2"},
        {"moons_training.svg", "004 Figs. 2–3 (animations)"}, {"moons_loss.svg", "004 Appendix (loss plot)"},
        {"activations.svg", "001 Fig. 2"},        {"franke_ffnn.svg", "001 Fig. 5"},
        {"franke_grid.svg", "001 Fig. 6"},        {"franke_activation_init.svg", "001 Fig. 7"},
    };
    for (const auto& [ours, theirs] : kFigures)
        if (file == ours) return theirs;
    return "";
}

// What an experiment writes into, and what it reads from the run.
struct Report {
    std::filesystem::path dir;                             // the output folder (staging)
    summary::Summary& md;                                  // summary.md, with the headline table
    std::uint64_t seed;                                    // --seed
    const MoonsConfig& moons;                              // the two-moons experiment's settings
    const FrankeConfig& franke_config;
    const RandomNetConfig& randomnet;
    std::function<const FrankeSets&()> franke;             // the shared Franke sets, made when first needed
    std::function<EpochHook(const std::string&)> progress; // the progress bar's hook for a run

    void figure(const std::string& file, const std::string& svg, const std::string& caption) {
        plot::save(dir / file, svg);
        md.figures.push_back({file, caption, document_figure(file)});
    }
    void headline(const std::string& quantity, const std::string& ours, const std::string& document) {
        md.headline.add({quantity, ours, document});
    }
    void section(const std::string& heading, const std::string& text) { md.sections.push_back({heading, text}); }
};

namespace lectures {

// ---------------------------------------------------------------------------------------------
// Small helpers

inline std::string label_of(Activation f) {
    switch (f) {
        case Activation::sigmoid: return "sigmoid";
        case Activation::tanh: return "tanh";
        case Activation::relu: return "ReLU";
        case Activation::leaky_relu: return "leaky ReLU";
        case Activation::linear: return "linear";
        case Activation::softmax: return "softmax";
    }
    return "";
}

inline std::string label_of(WeightRule rule) {
    switch (rule) {
        case WeightRule::normal1: return "N(0, 1)";
        case WeightRule::normal005: return "N(0, 0.05²)";
        case WeightRule::glorot: return "Glorot";
        case WeightRule::he: return "He";
    }
    return "";
}

inline std::string diverged_text(const TrainResult& r) { return "diverged at epoch " + std::to_string(r.diverged_epoch); }

// A run that diverged is named on standard error, as the other experiments do.
inline void note_if_diverged(const std::string& run, const TrainResult& r) {
    if (r.diverged) std::cerr << "chapter5: note: " << run << ": " << diverged_text(r) << "\n";
}

// A value, or the epoch at which its run diverged.
inline std::string value_or_diverged(const TrainResult& r, const std::string& value) {
    return r.diverged ? diverged_text(r) : value;
}

inline plot::Series line(const std::string& label, std::vector<double> x, std::vector<double> y, bool dashed = false,
                         const std::string& color = "") {
    return {label, std::move(x), std::move(y), false, true, dashed, color};
}

inline double median(std::vector<double> v) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// ---------------------------------------------------------------------------------------------
// 5. Activation functions and their derivatives (001 Fig. 2)

inline void save_activations_csv(const ActivationCurves& a, const std::filesystem::path& path) {
    std::vector<std::string> header{"x"};
    for (const ActivationCurve& c : a.curves) {
        header.push_back(name_of(c.f));
        header.push_back("d_" + name_of(c.f));
    }
    csv::Writer w(header);
    for (std::size_t i = 0; i < a.x.size(); ++i) {
        std::vector<std::string> row{csv::num(a.x[i])};
        for (const ActivationCurve& c : a.curves) {
            row.push_back(csv::num(c.value[i]));
            row.push_back(csv::num(c.slope[i]));
        }
        w.row(row);
    }
    w.save(path);
}

constexpr double kShownRange = 1.5;   // the function panel's |f| (the CSV holds every value)

inline void activations(Report& out) {
    const ActivationCurvesConfig c;
    const ActivationCurves a = activation_curves(c);
    save_activations_csv(a, out.dir / "activations.csv");
    plot::Panels fig;
    fig.title = "Activation functions and their derivatives (001 Fig. 2; leaky slope α = " + table::param(c.alpha) + ")";
    fig.panel_width = 520;
    fig.panel_height = 380;
    plot::LinePlot f, d;
    f.title = "f(x); the unbounded ones cut at |f| = " + table::param(kShownRange);
    d.title = "f′(x), by the chapter's derivative()";
    f.xlabel = d.xlabel = "x";
    f.ylabel = "f(x)";
    d.ylabel = "f′(x)";
    for (const ActivationCurve& k : a.curves) {
        std::vector<double> shown = k.value;   // ReLU and the linear function reach 5: keep σ and tanh readable
        for (double& v : shown)
            if (std::fabs(v) > kShownRange) v = NAN;
        f.series.push_back(line(label_of(k.f), a.x, shown));
        d.series.push_back(line(label_of(k.f), a.x, k.slope));
    }
    fig.panels = {f, d};
    out.figure("activations.svg", plot::to_svg(fig),
               "The five activation functions on [−5, 5] and their derivatives, as the network computes them");
    out.section("5. Activation functions and their derivatives (001 Fig. 2, 002, 003)",
                std::to_string(c.points) + " points on [" + table::param(c.x_min) + ", " + table::param(c.x_max) +
                    "] (activations.csv), each f from `activate` and f′ from `derivative` (activations.hpp), with the "
                    "leaky slope α = " + table::param(c.alpha) + " that 001 Fig. 2 draws. Against a central "
                    "difference at every point off the kink the largest |f′ − difference| is " +
                    table::sci(a.worst_difference) + ", the size of the difference's own error (about 10⁻¹⁰). "
                    "σ′ never exceeds ¼ (at 0) and tanh′ never exceeds 1: a sigmoid layer shrinks the error it "
                    "passes back by at least 4 (experiment 9). At x = 0 ReLU and leaky ReLU take their left "
                    "derivative, 0 and α. Settings of this and the following experiments: lectures.hpp, one struct "
                    "each with its reasons.");
    out.headline("activation derivatives: worst |f′ − central difference| on [−5, 5]", table::sci(a.worst_difference),
                 "derivatives of 001 Table 1");
}

// ---------------------------------------------------------------------------------------------
// 6. A sigmoid output estimates the posterior (002)

// "σ(1.989 x − 0.006)"
inline std::string unit_formula(const SigmoidFit& f) {
    return "σ(" + table::fixed(f.w, 3) + " x " + (f.w0 < 0 ? "− " : "+ ") + table::fixed(std::fabs(f.w0), 3) + ")";
}

inline std::string fit_text(const SigmoidFit& f) {
    return f.result.diverged ? diverged_text(f.result) : "(" + table::fixed(f.w, 3) + ", " + table::fixed(f.w0, 3) + ")";
}

inline void posterior(Report& out) {
    const PosteriorConfig c;
    const PosteriorResult r = run_posterior(c, out.seed);
    csv::Writer w({"x", "true", "ce", "mse"});
    for (std::size_t i = 0; i < r.x.size(); ++i)
        w.row({csv::num(r.x[i]), csv::num(r.truth[i]), csv::num(r.p_ce[i]), csv::num(r.p_mse[i])});
    w.save(out.dir / "posterior.csv");
    plot::LinePlot p;
    p.title = "A sigmoid unit trained on two Gaussian classes estimates P(C₁ | x) = σ(2x)";
    p.xlabel = "x";
    p.ylabel = "P(C₁ | x)";
    p.series.push_back(line("true posterior σ(2x)", r.x, r.truth, true, "#7f7f7f"));
    p.series.push_back(line("trained on cross-entropy: " + unit_formula(r.ce), r.x, r.p_ce));
    p.series.push_back(line("trained on squared error: " + unit_formula(r.mse), r.x, r.p_mse));
    out.figure("posterior.svg", plot::to_svg(p), "The posterior σ(2x) and the two trained units' outputs");
    const double rel = (r.ce.w - 2) / 2;
    out.section(
        "6. A sigmoid output estimates the posterior (002)",
        std::to_string(c.n) + " points, half from N(−1, 1) (y = 0) and half from N(+1, 1) (y = 1), whose posterior is "
        "σ(2x) (002, \"Output of logistic sigmoid activation function\"). One unit σ(wx + w₀) from (0, 0), " +
            "full-batch gradient descent: " + std::to_string(c.iterations_ce) + " steps of η = " + table::param(c.eta_ce) +
            " on the cross-entropy, " + std::to_string(c.iterations_mse) + " of η = " + table::param(c.eta_mse) +
            " on the squared error (each step within its criterion's curvature bound). Cross-entropy: (w, w₀) = " + fit_text(r.ce) + ", the slope " +
            table::change(rel, 1) + " from 2 with a standard error of " + table::fixed(r.standard_error, 4) +
            " (‖∇E‖ = " + table::sci(r.ce.gradient_norm) + " at the end). Squared error: " + fit_text(r.mse) +
            " (‖∇E‖ = " + table::sci(r.mse.gradient_norm) + "). Both criteria are minimised in the population by "
            "the true posterior when it is a σ of a line, as here; the squared error weights the samples by σ′ and "
            "so estimates it less efficiently.");
    out.headline("posterior: fitted (w, w₀), cross-entropy / squared error", fit_text(r.ce) + " / " + fit_text(r.mse),
                 "σ(2x): (2, 0) (002)");
    out.headline("posterior: cross-entropy slope against 2 (standard error)",
                 r.ce.result.diverged ? diverged_text(r.ce.result)
                                      : table::change(rel, 1) + " (± " + table::percent(r.standard_error / 2, 1) + ")",
                 "—");
}

// ---------------------------------------------------------------------------------------------
// 7. tanh vs sigmoid vs ReLU (002)

// The runs of one activation.
inline std::vector<const SpeedRun*> runs_of(const ActivationSpeedResult& r, Activation f) {
    std::vector<const SpeedRun*> out;
    for (const SpeedRun& s : r.runs)
        if (s.f == f) out.push_back(&s);
    return out;
}

struct SpeedSummary {
    std::size_t reached = 0, runs = 0;
    double epochs = NAN, seconds = NAN, final_cost = NAN;   // medians; ∞ when most runs missed the target
};

// Medians over the seeds, a run that missed the target counting as slower than every other
// (+∞): the median is finite while more than half of the runs reached it.
inline SpeedSummary summarise(const std::vector<const SpeedRun*>& runs) {
    SpeedSummary s;
    std::vector<double> e, t, f;
    const double never = std::numeric_limits<double>::infinity();
    for (const SpeedRun* r : runs) {
        ++s.runs;
        const bool met = !std::isnan(r->epochs_to_target);
        s.reached += met;
        e.push_back(met ? r->epochs_to_target : never);
        t.push_back(met ? r->seconds_to_target : never);
        if (!std::isnan(r->final_cost)) f.push_back(r->final_cost);
    }
    s.epochs = median(e);
    s.seconds = median(t);
    s.final_cost = median(f);
    return s;
}

inline void save_speed_csvs(const ActivationSpeedResult& r, const std::filesystem::path& dir) {
    csv::Writer w({"activation", "seed", "epochs_to_target", "seconds_to_target", "final_cost"});
    csv::Writer curves({"activation", "seed", "epoch", "train_cost"});
    for (const SpeedRun& s : r.runs) {
        note_if_diverged("activation speed " + name_of(s.f) + ", seed " + std::to_string(s.seed), s.result);
        w.row({name_of(s.f), std::to_string(s.seed), csv::num(s.epochs_to_target), csv::num(s.seconds_to_target),
               csv::num(s.final_cost)});
        for (const CostPoint& p : s.curve)
            curves.row({name_of(s.f), std::to_string(s.seed), csv::num(p.epoch), csv::num(p.cost)});
    }
    w.save(dir / "activation_speed.csv");
    curves.save(dir / "activation_speed_curves.csv");
}

inline std::string speed_figure(const ActivationSpeedConfig& c, const ActivationSpeedResult& r) {
    plot::Panels fig;
    fig.title = "Two moons, 004's network with each hidden activation: training cost (Glorot weights, 5 seeds)";
    fig.columns = 3;
    fig.same_y = true;
    fig.panel_width = 420;
    for (const Activation f : c.activations) {
        plot::LinePlot p;
        p.title = label_of(f);
        p.xlabel = "epoch";
        p.ylabel = "training cost (nats)";
        p.log_y = true;
        for (const SpeedRun* s : runs_of(r, f)) {
            std::vector<double> x, y;
            for (const CostPoint& q : s->curve) x.push_back(q.epoch), y.push_back(q.cost);
            p.series.push_back(line("seed " + std::to_string(s->seed), x, y));
        }
        p.hlines.push_back({c.target, "target " + table::param(c.target)});
        fig.panels.push_back(p);
    }
    return plot::to_svg(fig);
}

inline std::string epochs_cell(const SpeedSummary& s) {
    return std::isfinite(s.epochs) ? table::fixed(s.epochs, 2) : "not reached (" + std::to_string(s.reached) + " of " +
                                                                     std::to_string(s.runs) + ")";
}

inline void activation_speed(Report& out) {
    const ActivationSpeedConfig c;
    const MoonsConfig m;   // the chapter's two moons and 004's network, whatever the moons flags say
    const ActivationSpeedResult r = run_activation_speed(c, m, out.seed, out.progress("activation speed"));
    save_speed_csvs(r, out.dir);
    out.figure("activation_speed.svg", speed_figure(c, r),
               "Training cost against epoch for sigmoid, tanh and ReLU hidden layers, five seeds each");
    table::Text t{"hidden activation", "seeds reaching it", "epochs to cost " + table::param(c.target) + " (median)",
                  "processor seconds (median)", "cost after " + std::to_string(c.epochs) + " epochs (median)"};
    std::vector<SpeedSummary> sums;
    for (const Activation f : c.activations) {
        sums.push_back(summarise(runs_of(r, f)));
        const SpeedSummary& s = sums.back();
        t.add({label_of(f), std::to_string(s.reached) + " of " + std::to_string(s.runs), epochs_cell(s),
               std::isfinite(s.seconds) ? table::seconds(s.seconds) : "—", table::sig(s.final_cost)});
    }
    std::string text =
        "004's network 2-25-50-50-25-1 on the two moons (the moons experiment's data), every hidden layer the same "
        "activation, sigmoid output and binary cross-entropy; Glorot uniform weights and zero biases for all; the "
        "moons experiment's SGD (η = " + table::param(m.eta) + ", ω = " + table::param(m.omega) + ", batch " +
        std::to_string(m.batch) + ", " + std::to_string(c.epochs) + " epochs); seeds 1 … " + std::to_string(c.seeds) +
        " for weights and batch order. Target: training cost " + table::param(c.target) + ", looked at every " +
        std::to_string(c.check_every) + " mini-batches. A straight boundary (logistic regression on x₁, x₂) gets no "
        "lower than " + table::sig(r.linear.cost) + "; chance is ln 2 = 0.693.\n\n" + t.markdown();
    out.section("7. tanh vs sigmoid vs ReLU (002)", text);
    std::string cells;
    for (std::size_t k = 0; k < sums.size(); ++k) cells += (k ? " / " : "") + epochs_cell(sums[k]);
    std::string names;
    for (std::size_t k = 0; k < c.activations.size(); ++k) names += (k ? " / " : "") + label_of(c.activations[k]);
    out.headline("epochs to training cost " + table::param(c.target) + " (median of " + std::to_string(c.seeds) +
                     " seeds): " + names,
                 cells, "tanh faster than sigmoid; ReLU several times faster than tanh (002)");
}

// ---------------------------------------------------------------------------------------------
// 8. Dying ReLU and the leaky fix (001 Table 1, 002)

inline const DyingReluRun* find_run(const std::vector<DyingReluRun>& runs, double eta, Activation f) {
    for (const DyingReluRun& r : runs)
        if (r.eta == eta && r.f == f) return &r;
    return nullptr;
}

inline std::string dying_figure(const DyingReluConfig& c, const std::vector<DyingReluRun>& runs) {
    plot::Panels fig;
    fig.title = "001's Franke network (128 units, N(0, 0.05²), 100 epochs) across learning rates";
    fig.panel_width = 520;
    fig.panel_height = 360;
    plot::LinePlot dead, cost;
    dead.title = "units with z ≤ 0 for every training sample";
    cost.title = "training cost after 100 epochs";
    dead.xlabel = cost.xlabel = "learning rate η (ours; 001's is half)";
    dead.ylabel = "fraction of the 128 hidden units";
    cost.ylabel = "C = ½ · MSE";
    dead.log_x = cost.log_x = cost.log_y = true;
    for (const Activation f : c.activations) {
        std::vector<double> x, y, z;
        for (const double eta : c.eta) {
            const DyingReluRun* r = find_run(runs, eta, f);
            x.push_back(eta);
            y.push_back(r ? r->dead_fraction : NAN);
            z.push_back(r ? r->final_cost : NAN);
        }
        dead.series.push_back({label_of(f), x, y, true, true, f == Activation::leaky_relu});
        cost.series.push_back({label_of(f), x, z, true, true, f == Activation::leaky_relu});
    }
    fig.panels = {dead, cost};
    return plot::to_svg(fig);
}

inline std::string dead_count(const DyingReluRun* r, std::size_t hidden) {
    if (!r) return "—";
    if (r->result.diverged) return diverged_text(r->result);
    return std::to_string(std::lround(r->dead_fraction * static_cast<double>(hidden)));
}

inline void dying_relu(Report& out) {
    const DyingReluConfig c;
    const FrankeConfig& fc = out.franke_config;
    const auto runs = run_dying_relu(c, fc, out.franke(), out.seed, out.progress("dying ReLU"));
    csv::Writer w({"eta", "activation", "dead_fraction", "final_cost"});
    for (const DyingReluRun& r : runs) {
        note_if_diverged("dying ReLU " + name_of(r.f) + ", η = " + table::param(r.eta), r.result);
        w.row({csv::num(r.eta), name_of(r.f), csv::num(r.dead_fraction), csv::num(r.final_cost)});
    }
    w.save(out.dir / "dying_relu.csv");
    out.figure("dying_relu.svg", dying_figure(c, runs),
               "Hidden units on the negative side for every training sample, and the training cost, against η");
    table::Text t{"η", "ReLU: dead units", "leaky ReLU: units with z ≤ 0 everywhere", "ReLU: cost", "leaky ReLU: cost"};
    for (const double eta : c.eta) {
        const DyingReluRun* a = find_run(runs, eta, Activation::relu);
        const DyingReluRun* b = find_run(runs, eta, Activation::leaky_relu);
        t.add({table::param(eta), dead_count(a, fc.hidden), dead_count(b, fc.hidden),
               a && !a->result.diverged ? table::sig(a->final_cost) : "—",
               b && !b->result.diverged ? table::sig(b->final_cost) : "—"});
    }
    const double at_start = runs.empty() ? NAN : runs.front().dead_at_start;
    out.section("8. Dying ReLU and the leaky fix (001 Table 1, 002)",
                "001's Franke network: " + std::to_string(fc.hidden) + " hidden units, N(0, " + table::param(fc.normal_sd) +
                    "²) weights, zero biases, batch " + std::to_string(fc.batch) + ", " + std::to_string(fc.grid_epochs) +
                    " epochs; for each η ReLU and leaky ReLU (α = 0.01) start from the same weights and see the same "
                    "batches. A unit counts when its z is ≤ 0 for all " + std::to_string(train_count(fc.n, 0.75)) +
                    " training points: a ReLU unit there outputs 0 and receives no gradient again (dead), a leaky "
                    "unit still passes 1 % of its error. Before training " + table::percent(at_start, 1) +
                    " of the units are there.\n\n" + t.markdown());
    const DyingReluRun* lo = find_run(runs, c.eta.front(), Activation::relu);
    const DyingReluRun* hi = find_run(runs, 1.0, Activation::relu);
    const DyingReluRun* lo_l = find_run(runs, c.eta.front(), Activation::leaky_relu);
    const DyingReluRun* hi_l = find_run(runs, 1.0, Activation::leaky_relu);
    out.headline("dead ReLU units of " + std::to_string(fc.hidden) + " at η = " + table::param(c.eta.front()) +
                     " / 1 (leaky: z ≤ 0 everywhere)",
                 dead_count(lo, fc.hidden) + " / " + dead_count(hi, fc.hidden) + " (leaky " + dead_count(lo_l, fc.hidden) +
                     " / " + dead_count(hi_l, fc.hidden) + ")",
                 "dying ReLU; leaky ReLU instead (002)");
}

// ---------------------------------------------------------------------------------------------
// 9. Vanishing and exploding gradients, Glorot's argument (003), and RandomNet again (001)

inline void save_vanishing_csvs(const std::vector<VanishingRun>& runs, const std::filesystem::path& dir) {
    csv::Writer w({"activation", "init", "layer", "activation_sd", "gradient_rms"});
    csv::Writer t({"activation", "init", "train_mse", "test_mse", "train_r2", "diverged_epoch"});
    for (const VanishingRun& r : runs) {
        note_if_diverged("deep network " + name_of(r.f) + ", " + name_of(r.rule), r.result);
        for (std::size_t l = 0; l < r.before.gradient_rms.size(); ++l)
            w.row({name_of(r.f), name_of(r.rule), std::to_string(l + 1), csv::num(r.before.activation_sd[l]),
                   csv::num(r.before.gradient_rms[l])});
        t.row({name_of(r.f), name_of(r.rule), csv::num(r.train_mse), csv::num(r.test_mse), csv::num(r.train_r2),
               r.result.diverged ? std::to_string(r.result.diverged_epoch) : ""});
    }
    w.save(dir / "vanishing_gradients.csv");
    t.save(dir / "vanishing_gradients_training.csv");
}

inline std::string vanishing_figure(const VanishingConfig& c, const std::vector<VanishingRun>& runs) {
    plot::Panels fig;
    fig.title = "10 hidden layers of 100 units before training: RMS entry of ∂C/∂Wˡ (layer 11 = output)";
    fig.columns = 3;
    fig.same_y = true;
    fig.panel_width = 420;
    fig.panel_height = 380;
    for (const Activation f : c.activations) {
        plot::LinePlot p;
        p.title = label_of(f);
        p.xlabel = "layer l";
        p.ylabel = "RMS of ∂C/∂Wˡ";
        p.log_y = true;
        for (const VanishingRun& r : runs) {
            if (r.f != f) continue;
            std::vector<double> x;
            for (std::size_t l = 1; l <= r.before.gradient_rms.size(); ++l) x.push_back(static_cast<double>(l));
            p.series.push_back({label_of(r.rule), x, r.before.gradient_rms, true, true});
        }
        fig.panels.push_back(p);
    }
    return plot::to_svg(fig);
}

inline bool learns(const VanishingConfig& c, const VanishingRun& r) { return !r.result.diverged && r.train_r2 >= c.learns_r2; }

inline table::Text vanishing_table(const VanishingConfig& c, const std::vector<VanishingRun>& runs) {
    table::Text t{"activation", "weights", "sd of a¹ / a¹⁰", "RMS ∂C/∂W¹ / ∂C/∂W¹⁰", "ratio", "training R² after " +
                  std::to_string(c.epochs) + " epochs", "learns"};
    for (const VanishingRun& r : runs) {
        const auto& s = r.before;
        const std::size_t last = c.depth - 1;
        t.add({label_of(r.f), label_of(r.rule), table::sig(s.activation_sd[0], 2) + " / " + table::sig(s.activation_sd[last], 2),
               table::sci(s.gradient_rms[0], 1) + " / " + table::sci(s.gradient_rms[last], 1),
               table::sci(s.gradient_rms[0] / s.gradient_rms[last], 1), value_or_diverged(r.result, table::fixed(r.train_r2, 2)),
               learns(c, r) ? "yes" : "no"});
    }
    return t;
}

inline std::string joined(const std::vector<std::string>& parts) {
    std::string s;
    for (std::size_t k = 0; k < parts.size(); ++k) s += (k ? " " : "") + parts[k];
    return s;
}

// RandomNet with Glorot weights everywhere: a CSV as randomnet.csv's (the same net numbers), a
// figure as randomnet.svg, and its table. "At the mean": a test MSE within 5 % of the test
// targets' variance, i.e. R² < 0.05.
inline std::string randomnet_glorot_part(Report& out, const FrankeSets& sets) {
    const RandomNetConfig& c = out.randomnet;
    const auto runs = run_randomnet_glorot(c, sets, out.seed, out.progress("RandomNet, Glorot"));
    double mean = 0, var = 0;
    for (double y : sets.test.Y.data) mean += y;
    mean /= static_cast<double>(sets.test.size());
    for (double y : sets.test.Y.data) var += (y - mean) * (y - mean);
    var /= static_cast<double>(sets.test.size());
    csv::Writer w({"net", "hidden_layers", "widths", "activations", "bias_inits", "initial_gradient_norms", "train_mse",
                   "test_mse", "diverged_epoch"});
    table::Text t{"net", "hidden layers", "activations", "‖∂C/∂W¹‖ / ‖∂C/∂Wᴸ‖ at start", "test MSE"};
    plot::LinePlot curves;
    curves.title = "RandomNet on Franke with Glorot weights in every layer: test MSE";
    curves.xlabel = "epoch";
    curves.ylabel = "test mean squared error";
    curves.hlines.push_back({var, "predicting the mean"});
    std::size_t at_mean = 0, best = runs.size();
    for (std::size_t k = 0; k < runs.size(); ++k) {
        const RandomNetRun& r = runs[k];
        std::vector<std::string> widths, fs, biases, norms;
        for (std::size_t l = 0; l + 1 < r.spec.layers.size(); ++l) {
            widths.push_back(std::to_string(r.spec.layers[l].width));
            fs.push_back(name_of(r.spec.layers[l].f));
        }
        for (const LayerSpec& s : r.spec.layers) biases.push_back(s.init.bias_sd > 0 ? "normal" : "zero");
        for (double g : r.initial_gradient) norms.push_back(csv::num(g));
        const double test = r.run.final_test_metric();
        at_mean += std::isfinite(test) && test > 0.95 * var;
        if (std::isfinite(test) && (best == runs.size() || test < runs[best].run.final_test_metric())) best = k;
        const std::string id = std::to_string(k + 1), depth = std::to_string(r.spec.layers.size() - 1);
        note_if_diverged("RandomNet with Glorot weights, net " + id, r.run.result);
        w.row({id, depth, joined(widths), joined(fs), joined(biases), joined(norms), csv::num(r.run.final_train_metric()),
               csv::num(test), r.run.result.diverged ? std::to_string(r.run.result.diverged_epoch) : ""});
        t.add({id, depth, joined(fs), table::sig(r.initial_gradient.front()) + " / " + table::sig(r.initial_gradient.back()),
               value_or_diverged(r.run.result, table::fixed(test, 4))});
        std::vector<double> x, y;
        for (const EpochRow& row : r.run.history) x.push_back(static_cast<double>(row.epoch)), y.push_back(row.test_metric);
        curves.series.push_back(line("net " + id + " (" + depth + " hidden)", x, y));
    }
    w.save(out.dir / "randomnet_glorot.csv");
    out.figure("randomnet_glorot.svg", plot::to_svg(curves), "RandomNet with Glorot weights in every layer: test MSE against epoch");
    out.headline("RandomNet, Glorot weights in every layer: best test MSE; networks at the mean (R² < 0.05)",
                 (best < runs.size() ? table::fixed(runs[best].run.final_test_metric(), 4) + " (" +
                                           std::to_string(runs[best].spec.layers.size() - 1) + " hidden layers)"
                                     : std::string("every network diverged")) +
                     "; " + std::to_string(at_mean) + " of " + std::to_string(runs.size()),
                 "0.057, 7 hidden layers (001)");
    return "RandomNet's ten networks again (the same depths, widths, activations and biases, drawn from the same "
           "streams; randomnet_glorot.csv), now with Glorot uniform weights in every layer, trained as before. " +
           std::to_string(at_mean) + " of " + std::to_string(runs.size()) + " end at the mean (test MSE above 95 % of "
           "the test targets' variance " + table::sig(var) + "); compare the table of section 3.\n\n" + t.markdown();
}

inline void vanishing_gradients(Report& out) {
    const VanishingConfig c;
    const FrankeSets& sets = out.franke();
    const auto runs = run_vanishing_gradients(c, sets, out.seed, out.progress("deep networks"));
    save_vanishing_csvs(runs, out.dir);
    out.figure("vanishing_gradients.svg", vanishing_figure(c, runs),
               "The gradient of each layer's weights before training, for three activations and four weight rules");
    std::string learners;
    std::size_t n_learn = 0;
    for (const VanishingRun& r : runs)
        if (learns(c, r)) learners += std::string(n_learn++ ? ", " : "") + label_of(r.f) + " " + label_of(r.rule);
    const std::string text =
        "A network of " + std::to_string(c.depth) + " hidden layers of " + std::to_string(c.width) +
        " units and a linear output on the Franke training set, every layer drawn by one rule, biases zero. Before "
        "training: the standard deviation of each layer's activations (over units and samples) and the RMS entry of "
        "∂C/∂Wˡ on the whole training set (vanishing_gradients.csv, one row per layer, 11 = the output). Then " +
        std::to_string(c.epochs) + " epochs of SGD at η = " + table::param(c.eta) + ", batch " + std::to_string(c.batch) +
        "; \"learns\" means a training R² of at least " + table::param(c.learns_r2) + ". Learning: " +
        (n_learn ? learners : "none") + ".\n\n" + vanishing_table(c, runs).markdown();
    auto ratio = [&](Activation f, WeightRule rule) {
        for (const VanishingRun& r : runs)
            if (r.f == f && r.rule == rule) return table::sci(r.before.gradient_rms[0] / r.before.gradient_rms[c.depth - 1], 1);
        return std::string("—");
    };
    out.headline("gradient RMS, layer 1 / layer 10 at the start: sigmoid N(0, 0.05²); tanh Glorot; ReLU He",
                 ratio(Activation::sigmoid, WeightRule::normal005) + "; " + ratio(Activation::tanh, WeightRule::glorot) +
                     "; " + ratio(Activation::relu, WeightRule::he),
                 "vanishing towards the input; Glorot keeps it level (003)");
    out.headline("10 × 100 networks that learn in " + std::to_string(c.epochs) + " epochs (training R² ≥ " +
                     table::param(c.learns_r2) + ")",
                 std::to_string(n_learn) + " of " + std::to_string(runs.size()), "—");
    const std::string randomnet = randomnet_glorot_part(out, sets);
    out.section("9. Vanishing and exploding gradients, and Glorot's argument (003)", text + "\n\n" + randomnet);
}

// ---------------------------------------------------------------------------------------------
// 10. Universal approximation (002, 003)

inline void save_universal_csvs(const UniversalResult& r, const std::filesystem::path& dir) {
    csv::Writer w({"target", "width", "train_mse", "test_mse", "max_error"});
    csv::Writer fits({"target", "width", "x", "target_value", "network"});
    for (const UniversalRun& u : r.runs) {
        note_if_diverged("universal approximation " + name_of(u.target) + ", " + std::to_string(u.width) + " units", u.result);
        w.row({name_of(u.target), std::to_string(u.width), csv::num(u.train_mse), csv::num(u.test_mse), csv::num(u.max_error)});
        for (std::size_t i = 0; i < u.fit.size(); ++i)
            fits.row({name_of(u.target), std::to_string(u.width), csv::num(r.plot_x[i]),
                      csv::num(target_value(u.target, r.plot_x[i])), csv::num(u.fit[i])});
    }
    w.save(dir / "universal_approximation.csv");
    fits.save(dir / "universal_approximation_fits.csv");
    csv::Writer k({"k", "mse", "max_error"});
    for (const StepConstruction& s : r.construction) k.row({csv::num(s.k), csv::num(s.mse), csv::num(s.max_error)});
    k.save(dir / "universal_approximation_steep_unit.csv");
}

inline plot::LinePlot fits_panel(const UniversalResult& r, Target t) {
    plot::LinePlot p;
    p.title = t == Target::smooth ? "smooth target sin(2πx)" : "unit step at x = 0";
    p.xlabel = "x";
    p.ylabel = "f(x)";
    std::vector<double> y;
    for (const double x : r.plot_x) y.push_back(target_value(t, x));
    p.series.push_back(line("target", r.plot_x, y, true, "#7f7f7f"));
    for (const UniversalRun& u : r.runs)
        if (u.target == t && !u.fit.empty()) p.series.push_back(line(std::to_string(u.width) + (u.width == 1 ? " unit" : " units"), r.plot_x, u.fit));
    return p;
}

inline std::string universal_figure(const UniversalResult& r) {
    plot::Panels fig;
    fig.title = "One hidden layer of n sigmoid units: fits of a few widths, and the errors of all";
    fig.columns = 3;
    fig.panel_width = 520;
    fig.panel_height = 400;
    plot::LinePlot err;
    err.title = "error against width";
    err.xlabel = "hidden units n";
    err.ylabel = "error";
    err.log_x = err.log_y = true;
    for (const Target t : {Target::smooth, Target::step}) {
        std::vector<double> n, rms, worst;
        for (const UniversalRun& u : r.runs)
            if (u.target == t) n.push_back(static_cast<double>(u.width)), rms.push_back(std::sqrt(u.test_mse)), worst.push_back(u.max_error);
        err.series.push_back({name_of(t) + ": max |F − f|", n, worst, true, true});
        err.series.push_back({name_of(t) + ": √(test MSE)", n, rms, true, true, true});
    }
    err.hlines.push_back({0.5, "½: the step's bound"});
    fig.panels = {fits_panel(r, Target::smooth), fits_panel(r, Target::step), err};
    return plot::to_svg(fig);
}

inline const UniversalRun* find_run(const UniversalResult& r, Target t, std::size_t width) {
    for (const UniversalRun& u : r.runs)
        if (u.target == t && u.width == width) return &u;
    return nullptr;
}

inline std::string max_error_text(const UniversalRun* u) {
    return !u ? "—" : value_or_diverged(u->result, table::fixed(u->max_error, 2));
}

inline void universal_approximation(Report& out) {
    const UniversalConfig c;
    const UniversalResult r = run_universal_approximation(c, out.seed, out.progress("universal approximation"));
    save_universal_csvs(r, out.dir);
    out.figure("universal_approximation.svg", universal_figure(r),
               "Fits of a smooth target and a step by one hidden layer of 1 … 256 sigmoid units, and their errors");
    table::Text t{"width", "smooth: test MSE", "smooth: max error", "step: test MSE", "step: max error"};
    for (const std::size_t n : c.widths) {
        const UniversalRun* a = find_run(r, Target::smooth, n);
        const UniversalRun* b = find_run(r, Target::step, n);
        t.add({std::to_string(n), a ? value_or_diverged(a->result, table::sci(a->test_mse, 1)) : "—", max_error_text(a),
               b ? value_or_diverged(b->result, table::sci(b->test_mse, 1)) : "—", max_error_text(b)});
    }
    table::Text k{"k", "mean square error of σ(kx) over [−1, 1]", "max error"};
    for (const StepConstruction& s : r.construction) k.add({table::param(s.k), table::sci(s.mse, 1), table::fixed(s.max_error, 3)});
    out.section("10. Universal approximation (002, 003)",
                "f(x) = Σⱼ αⱼ σ(wⱼx + bⱼ) + β with n = 1, 2, 4, …, 256 sigmoid units, fitted by SGD (batch " +
                    std::to_string(c.batch) + ", momentum " + table::param(c.omega) + ", η = min(" + table::param(c.eta) +
                    ", 4/n), " + std::to_string(c.epochs) + " epochs) to " + std::to_string(c.n_train) +
                    " noise-free points uniform on [−1, 1]; test MSE on " + std::to_string(c.n_test) +
                    " fresh points, max error on a grid of " + std::to_string(c.grid) + " points with x = 0 among "
                    "them. Units start switching at points uniform in [−1, 1] with slopes N(0, " + table::param(c.slope_sd) +
                    "²).\n\n" + t.markdown() + "\n\nOne steep unit σ(kx), set by hand, against the step:\n\n" + k.markdown());
    out.headline("universal approximation: max error at n = 1 / 256, smooth; step",
                 max_error_text(find_run(r, Target::smooth, 1)) + " / " + max_error_text(find_run(r, Target::smooth, 256)) +
                     "; " + max_error_text(find_run(r, Target::step, 1)) + " / " + max_error_text(find_run(r, Target::step, 256)),
                 "continuous: any accuracy (003); step: not uniformly (003) vs \"and discontinuous\" (002)");
    const StepConstruction& steep = r.construction.back();
    out.headline("one unit σ(kx) against the step, k = " + table::param(steep.k) + ": MSE / max error",
                 table::sci(steep.mse, 1) + " / " + table::fixed(steep.max_error, 2), "in mean square: yes (Hornik in 003)");
}

// ---------------------------------------------------------------------------------------------
// 11. Breaking symmetry (004)

inline void symmetry(Report& out) {
    const SymmetryConfig c;
    const auto runs = run_symmetry(c, out.seed, out.progress("breaking symmetry"));
    csv::Writer w({"init", "epoch", "max_unit_difference", "train_accuracy"});
    plot::Panels fig;
    fig.title = "004's network on the two moons from equal and from random weights";
    fig.panel_width = 520;
    fig.panel_height = 360;
    plot::LinePlot acc, diff;
    acc.title = "training accuracy";
    diff.title = "largest difference between two units of a layer";
    acc.xlabel = diff.xlabel = "epoch";
    acc.ylabel = "fraction classified right";
    diff.ylabel = "max |θⱼ − θ₁| over hidden layers";
    for (const SymmetryRun& r : runs) {
        const std::string name = r.equal ? "equal" : "random";
        note_if_diverged("breaking symmetry, " + name + " start", r.result);
        std::vector<double> x, a, d;
        for (const SymmetryRow& row : r.rows) {
            w.row({name, std::to_string(row.epoch), csv::num(row.max_unit_difference), csv::num(row.train_accuracy)});
            x.push_back(static_cast<double>(row.epoch));
            a.push_back(row.train_accuracy);
            d.push_back(row.max_unit_difference);
        }
        const std::string label = r.equal ? "equal weights √2/nₗ₋₁ in layer l" : "random (He)";
        acc.series.push_back(line(label, x, a, r.equal));
        diff.series.push_back(line(label, x, d, r.equal));
    }
    w.save(out.dir / "symmetry.csv");
    fig.panels = {acc, diff};
    out.figure("symmetry.svg", plot::to_svg(fig), "Breaking symmetry: accuracy and the spread of the hidden units, equal against random start");
    const SymmetryRun& eq = runs[0];
    const SymmetryRun& rnd = runs[1];
    double worst = 0;
    for (const SymmetryRow& row : eq.rows) worst = std::max(worst, row.max_unit_difference);
    const std::string eq_acc = value_or_diverged(eq.result, table::percent(eq.rows.back().train_accuracy, 1));
    const std::string spread = worst == 0 ? "0 (exactly)" : table::sci(worst, 1);
    const std::string rnd_acc = value_or_diverged(rnd.result, table::percent(rnd.rows.back().train_accuracy, 1));
    std::string dead;
    for (std::size_t l = 0; l < eq.dead_after.size(); ++l)
        dead += (l ? ", " : "") + table::percent(eq.dead_after[l], 0);
    std::string widths;
    for (std::size_t l = 0; l < c.moons.widths.size(); ++l) widths += (l ? "-" : "") + std::to_string(c.moons.widths[l]);
    out.section("11. Breaking symmetry (004)",
                "004's network " + widths + " trained as the moons experiment (" + std::to_string(c.moons.epochs) +
                    " epochs), once from He weights and once with every weight of layer l equal to √2/nₗ₋₁ (each "
                    "unit's z then has the size He's weights give it), biases 0, with the same mini-batches. Equal "
                    "start: the largest difference between two units of a hidden layer is " + spread +
                    " in every epoch, since each unit's sums run over the same numbers in the same order; "
                    "so each layer acts as one unit and the network as a chain 2-1-1-1-1-1, whose boundary could only "
                    "be a straight line. Training accuracy " + eq_acc + ", test " + table::percent(eq.test_accuracy, 1) +
                    "; dead units per hidden layer at the end (z ≤ 0 for every training point): " + dead +
                    " (a layer whose one unit dies is dead whole, and the output is then the same for every point). "
                    "Random start: " + rnd_acc + ", test " + table::percent(rnd.test_accuracy, 1) + ".");
    out.headline("breaking symmetry: largest unit difference from an equal start; training accuracy equal / random",
                 spread + "; " + eq_acc + " / " + rnd_acc, "equal weights stay equal, never learn (004)");
}

// ---------------------------------------------------------------------------------------------
// 12. 004's data (its Figure 1) and the moons network's decision region in frames

inline std::string moons_data_figure(const MoonsSets& s) {
    plot::LinePlot p;
    p.title = "Two moons: the " + std::to_string(s.data.size()) + " points (004 Fig. 1)";
    p.xlabel = "x1";
    p.ylabel = "x2";
    p.width = 760;
    p.height = 460;
    for (int cls = 0; cls < 2; ++cls) {
        std::vector<double> x, y;
        for (std::size_t i = 0; i < s.data.size(); ++i)
            if (s.data.label[i] == cls) x.push_back(s.data.x1[i]), y.push_back(s.data.x2[i]);
        p.series.push_back({cls ? "class 1 (lower moon)" : "class 0 (upper moon)", x, y, true, false, false,
                            cls ? "#d62728" : "#1f77b4"});
    }
    return plot::to_svg(p);
}

inline plot::DecisionMap frame_map(const AnimationResult& r, const AnimationFrame& f) {
    plot::DecisionMap map;
    map.title = "Two moons after " + std::to_string(f.step) + " SGD steps (epoch " + table::fixed(f.epoch, 2) +
                "): training accuracy " + table::percent(f.train_accuracy, 1);
    map.xlabel = "x1";
    map.ylabel = "x2";
    map.x_min = r.grid.x_min;
    map.x_max = r.grid.x_max;
    map.y_min = r.grid.y_min;
    map.y_max = r.grid.y_max;
    map.nx = r.grid.nx;
    map.ny = r.grid.ny;
    map.prob = f.prob;
    for (std::size_t i : r.sets.train_idx) map.points.push_back({r.sets.data.x1[i], r.sets.data.x2[i], r.sets.data.label[i]});
    map.class_labels = {"class 0 (upper moon)", "class 1 (lower moon)"};
    return map;
}

inline void moons_animation(Report& out) {
    const AnimationConfig c;
    const AnimationResult r = run_moons_animation(out.moons, c, out.seed, out.progress("moons animation"));
    note_if_diverged("moons animation", r.result);
    out.figure("moons_data.svg", moons_data_figure(r.sets), "Two moons: the data set (004 Fig. 1)");
    csv::Writer w({"step", "epoch", "train_accuracy"});
    plot::AnimatedMap anim;
    for (const AnimationFrame& f : r.frames) {
        if (!std::all_of(f.prob.begin(), f.prob.end(), [](double p) { return std::isfinite(p); })) continue;
        w.row({std::to_string(f.step), csv::num(f.epoch), csv::num(f.train_accuracy)});
        anim.frames.push_back(frame_map(r, f));
    }
    w.save(out.dir / "moons_training.csv");
    if (!anim.frames.empty())
        out.figure("moons_training.svg", plot::to_svg(anim),
                   "Two moons: the decision region after 0, 1, 2, 4, … SGD steps (animated in a browser; the last frame elsewhere)");
    std::string first_full = "in no frame";
    for (std::size_t k = 0; k < r.frames.size(); ++k)
        if (r.frames[k].train_accuracy == 1.0) {
            first_full = "from the frame after " + std::to_string(r.frames[k].step) + " steps (epoch " +
                         table::fixed(r.frames[k].epoch, 2) + ")" +
                         (k ? "; the frame before, after " + std::to_string(r.frames[k - 1].step) + " steps, has " +
                                  table::percent(r.frames[k - 1].train_accuracy, 1)
                            : std::string());
            break;
        }
    out.section("12. 004's data and the decision region in frames (004 Figs. 1–3)",
                "moons_data.svg shows the data set (004's Figure 1). moons_training.svg animates the moons experiment's "
                "own training (the same data, weights and batches, " + std::to_string(r.frames.size()) +
                    " frames after 0, 1, 2, 4, … steps, on a " + std::to_string(c.nx) + " × " + std::to_string(c.ny) +
                    " grid; moons_training.csv lists each frame's training accuracy)" +
                    (r.result.diverged ? "; the run " + diverged_text(r.result) : "") +
                    ". Every training point is classified right " + first_full + ". Settings: lectures.hpp, "
                    "AnimationConfig; the network's: the moons flags.");
    out.headline("two moons in frames: 100 % training accuracy first", first_full.substr(0, first_full.find(';')),
                 "around 7000 full-batch iterations (004)");
}

}  // namespace lectures
