// chapter1 — the single-layer sigmoid network of 000 §1 trained with BFGS.
//
// Default: the report's three convergence experiments (its Figures 2, 3 and 4), 20 iterations
// each from x0 = scale · N(0, 1), plus both line searches side by side, one function each:
//   figure2_convergence      μ = 1e-4, η = 0.1, scale 0.01       figure2_*.csv, figure2_convergence.svg
//   figure3_wolfe_constants  (μ, η) = (1e-4, 0.1), (1e-5, 0.3), (1e-6, 0.5)
//                                                                figure3_*.csv, figure3_wolfe_constants.svg
//   figure4_starting_points  scale 0.01, 1 and 100 (one N(0, 1) draw, scaled)
//                                                                figure4_*.csv, figure4_starting_points.svg
//   line_search_comparison   scales 0.01 and 100 with the `report` and the `wolfe` search
//                                                                line_search_*.csv, line_searches.svg
// With --x0: one BFGS run from that point, written to history.csv (and history.svg).
// Every run: summary.md, the table printed on standard output with the figures and the command.
// Before anything is created, the work a run may take is estimated (run_size.hpp): a run far
// beyond the defaults says so first and reports its iterations, and one beyond the hard bounds
// is refused unless --allow-large.
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "chapters/chapter1_single_layer_bfgs/network.hpp"
#include "chapters/chapter1_single_layer_bfgs/run_size.hpp"
#include "common/bfgs.hpp"
#include "common/cli.hpp"
#include "common/csv.hpp"
#include "common/files.hpp"
#include "common/plot/line_plot.hpp"
#include "common/random.hpp"
#include "common/summary.hpp"
#include "common/table.hpp"
#include "common/workload.hpp"

namespace {

using ch1::Vector;
namespace fs = std::filesystem;

struct Options {
    std::string data = (files::datasets_dir() / "single_layer.csv").string();
    std::string out = files::default_results_dir("chapter1").string();
    std::string line_search = "report";
    double mu = 1e-4;
    double eta = 0.1;
    int iterations = 20;
    std::uint64_t seed = 1;
    std::vector<double> x0;
    bool allow_large = false;
};

// ---------------------------------------------------------------------------------------------
// One BFGS run, and how it ended, in words.

// The progress of a run announced as large (run_size.hpp): one step per BFGS iteration, counted
// where the line search returns (BFGS calls it once per iteration).
optim::LineSearch counted(optim::LineSearch search, workload::Meter& meter, const std::string& what, int iterations) {
    return [search, &meter, what, iterations, k = 0](const optim::Objective& f, const Vector& x, double fx,
                                                     const Vector& gx, const Vector& p) mutable {
        optim::LineSearchResult r = search(f, x, fx, gx, p);
        meter.advance(1, what + ": iteration " + std::to_string(++k) + " of " + std::to_string(iterations));
        return r;
    };
}

// One BFGS run with gtol = 0: all iterations are run, as in the report (unless ∇f is exactly 0,
// the line search fails or a value becomes non-finite, which the result then says). `meter`
// (announced runs only) counts its iterations, `what` names the run there.
optim::BfgsResult run_bfgs(const ch1::Samples& samples, const Vector& x0, double mu, double eta,
                           const std::string& search, int iterations, workload::Meter* meter = nullptr,
                           const std::string& what = "") {
    optim::LineSearchOptions ls;
    ls.mu = mu;
    ls.eta = eta;
    optim::BfgsOptions o;
    o.max_iterations = iterations;
    o.gtol = 0;
    o.line_search = search == "report" ? optim::report_line_search(ls) : optim::wolfe_line_search(ls);
    if (meter) o.line_search = counted(o.line_search, *meter, what, iterations);
    optim::BfgsResult r = optim::bfgs(ch1::make_objective(samples), x0, o);
    if (meter) meter->advance(iterations - r.iterations(), what + ": stopped at iteration " + std::to_string(r.iterations()));
    return r;
}

// A gradient this small next to f cannot be told from zero by evaluating f: central differences
// resolve ∂f/∂x only down to the rounding of f over their step, ε·f/h ≈ 2.2e-16·f/6e-6 ≈ 4e-11·f.
// At such a point every output is saturated (σ′ ≈ 0), and no method that follows ∇f can move.
constexpr double kVanishingGradient = 1e-10;

bool gradient_vanishes(const optim::Iteration& it) { return it.grad_norm < kVanishingGradient * it.f; }

// Why a run stopped. A run that stops early where the gradient vanishes says so, with the
// iteration: such a start is saturated, not converged. `numbers` adds ‖∇f‖ and f there (the
// table of experiments has them in columns of their own).
std::string stop_text(const optim::BfgsResult& r, bool numbers = false) {
    if (r.stop == optim::StopReason::max_iterations) return "all iterations";
    const optim::Iteration& last = r.history.back();
    if (r.stop == optim::StopReason::diverged || !gradient_vanishes(last)) return r.reason;
    const std::string vanishes =
        "the gradient vanishes at iteration " + std::to_string(last.iteration) +
        (numbers ? " (‖∇f‖ = " + table::sig(last.grad_norm, 2) + " while f = " + table::sig(last.f) + ")" : "") +
        ": the outputs are saturated";
    if (r.stop == optim::StopReason::converged) return vanishes;
    return r.reason + "; " + vanishes;
}

// ---------------------------------------------------------------------------------------------
// Words, CSV and figures.

std::string mu_eta(double mu, double eta) { return "μ = " + table::param(mu) + ", η = " + table::param(eta); }
std::string start_label(double scale) { return "x0 = " + table::param(scale) + "·N(0, 1)"; }
std::string search_name(const std::string& search) {
    return search == "report" ? "the report's line search" : "strong Wolfe line search";
}

void write_history(const fs::path& path, const optim::BfgsResult& r) {
    csv::Writer w({"iteration", "f", "grad_norm", "alpha", "trials"});
    for (const auto& it : r.history)
        w.row({std::to_string(it.iteration), csv::num(it.f), csv::num(it.grad_norm), csv::num(it.alpha),
               std::to_string(it.trials)});
    w.save(path);
}

plot::Series f_series(const std::string& label, const optim::BfgsResult& r, bool dashed = false) {
    plot::Series s;
    s.label = label;
    s.dashed = dashed;
    for (const auto& it : r.history) {
        s.x.push_back(it.iteration);
        s.y.push_back(it.f);
    }
    return s;
}

// A figure of f (log scale) against iteration, one curve per run, as the report draws them.
void save_figure(const fs::path& path, const std::string& title, const std::vector<plot::Series>& series) {
    plot::LinePlot p;
    p.title = title;
    p.xlabel = "iteration";
    p.ylabel = "objective f(x)";
    p.log_y = true;
    p.series = series;
    plot::save(path, plot::to_svg(p));
}

// ---------------------------------------------------------------------------------------------
// The report's experiments: each function runs one figure's BFGS runs, writes their CSV files
// and the figure, and adds one row per run to the table.

struct Run {
    std::string experiment, label, search;
    optim::BfgsResult result;
};

struct Experiments {
    const Options& o;
    const ch1::Samples& samples;
    fs::path out;
    Vector normal;            // one N(0, 1) draw; every start is a multiple of it
    workload::Meter* meter;   // the progress of an announced run, else null
    std::vector<Run> runs;    // in the order of the table

    // One run from scale·normal, written to `file`.
    const Run& run(const std::string& experiment, const std::string& label, const std::string& file,
                   double mu, double eta, double scale, const std::string& search) {
        Vector x0 = normal;
        for (double& v : x0) v *= scale;
        runs.push_back({experiment, label, search,
                        run_bfgs(samples, x0, mu, eta, search, o.iterations, meter, experiment + ", " + label)});
        write_history(out / file, runs.back().result);
        return runs.back();
    }
};

// One N(0, 1) draw, scaled for each experiment (the report draws each start afresh).
Vector standard_normal_start(std::uint64_t seed) {
    Rng rng(seed);
    Vector normal(6);
    for (double& v : normal) v = rng.normal();
    return normal;
}

// 000 §1, Figure 2: BFGS from a start near 0 with the given (μ, η).
plot::Series figure2_convergence(Experiments& e) {
    const Options& o = e.o;
    const Run& r = e.run("figure 2", mu_eta(o.mu, o.eta), "figure2_history.csv", o.mu, o.eta, 0.01, o.line_search);
    plot::Series curve = f_series(r.label, r.result);
    save_figure(e.out / "figure2_convergence.svg", "Convergence of BFGS (" + search_name(o.line_search) + ")",
                {curve});
    return curve;
}

// 000 §1, Figure 3: the same start with the two (μ, η) pairs the report calls stronger.
void figure3_wolfe_constants(Experiments& e, const plot::Series& figure2_curve) {
    std::vector<plot::Series> curves{figure2_curve};
    for (auto [mu, eta] : {std::pair{1e-5, 0.3}, std::pair{1e-6, 0.5}}) {
        const std::string file = "figure3_mu" + table::param(mu) + "_eta" + table::param(eta) + ".csv";
        const Run& r = e.run("figure 3", mu_eta(mu, eta), file, mu, eta, 0.01, e.o.line_search);
        curves.push_back(f_series(r.label, r.result));
    }
    save_figure(e.out / "figure3_wolfe_constants.svg",
                "BFGS with different Wolfe constants (" + search_name(e.o.line_search) + ")", curves);
}

// 000 §1, Figure 4: starting points further from 0.
void figure4_starting_points(Experiments& e) {
    std::vector<plot::Series> curves;
    for (double scale : {0.01, 1.0, 100.0}) {
        const Run& r = e.run("figure 4", start_label(scale), "figure4_scale" + table::param(scale) + ".csv",
                             e.o.mu, e.o.eta, scale, e.o.line_search);
        curves.push_back(f_series(r.label, r.result));
    }
    save_figure(e.out / "figure4_starting_points.svg",
                "BFGS from different starting points (" + search_name(e.o.line_search) + ")", curves);
}

// Both line searches, from Figure 2's start and from Figure 4's saturated one.
// Where both searches take the very same steps, one curve stands for both (a dashed one drawn on
// top of it would hide it).
void line_search_comparison(Experiments& e) {
    std::vector<plot::Series> curves;
    for (double scale : {0.01, 100.0}) {
        std::vector<double> f_report;
        for (const std::string search : {"report", "wolfe"}) {
            const std::string suffix = scale == 0.01 ? "" : "_scale" + table::param(scale);
            const Run& r = e.run("line searches", search + ", " + start_label(scale),
                                 "line_search_" + search + suffix + ".csv", e.o.mu, e.o.eta, scale, search);
            plot::Series s = f_series(r.label, r.result, search == "wolfe");
            if (search == "report") f_report = s.y;
            if (search == "wolfe" && s.y == f_report) {
                curves.back().label = "report and wolfe (the same steps), " + start_label(scale);
                continue;
            }
            curves.push_back(s);
        }
    }
    save_figure(e.out / "line_searches.svg",
                "The report's line search and strong Wolfe (" + mu_eta(e.o.mu, e.o.eta) + ")", curves);
}

// ---------------------------------------------------------------------------------------------
// The table (standard output and summary.md) and the summaries.

table::Text runs_table(const std::vector<Run>& runs, int iterations) {
    table::Text t({"experiment", "run", "search", "f(x0)", "f(x" + std::to_string(iterations) + ")",
                   "‖∇f‖ at end", "evaluations", "stopped"});
    for (const auto& r : runs)
        t.add({r.experiment, r.label, r.search, table::sci(r.result.history.front().f, 4),
               table::sci(r.result.f, 4), table::sci(r.result.history.back().grad_norm, 2),
               std::to_string(r.result.evaluations), stop_text(r.result)});
    return t;
}

summary::Summary experiments_summary(const Options& o, table::Text table) {
    summary::Summary s;
    s.title = "Chapter 1 — a single-layer sigmoid network trained with BFGS";
    s.sources = "000 §1 (Figures 2–4) and its appendix code";
    s.setup = "The six samples of 000 §1, f(x) = (1/m) Σ‖z − σ(Wᵀy)‖², BFGS from x0 = scale·N(0, 1) (seed " +
              std::to_string(o.seed) + "), " + std::to_string(o.iterations) + " iterations, " +
              search_name(o.line_search) + " unless the row says otherwise. The report prints no numbers, "
              "only its Figures 2–4: exponential decrease of f for starts near 0, slower for the (μ, η) "
              "pairs it calls stronger (they are in fact looser: see the chapter README), and no "
              "convergence from the start scaled by 100. Ours show the same three shapes.";
    s.headline = std::move(table);
    s.headline_notes = "`evaluations` counts the evaluations of f and ∇f in a run, all line searches included.";
    s.figures = {
        {"figure2_convergence.svg", "Figure 2: f against iteration from x0 = 0.01·N(0, 1), " + mu_eta(o.mu, o.eta),
         "000 Fig. 2"},
        {"figure3_wolfe_constants.svg",
         "Figure 3: the same start with (μ, η) = (1e-5, 0.3) and (1e-6, 0.5), the pairs the report calls stronger",
         "000 Fig. 3"},
        {"figure4_starting_points.svg", "Figure 4: the start scaled by 0.01, 1 and 100", "000 Fig. 4"},
        {"line_searches.svg", "The report's line search (solid) and strong Wolfe (dashed), from the starts "
                              "scaled by 0.01 and by 100"}};
    return s;
}

int run_experiments(const Options& o, const ch1::Samples& samples, const fs::path& out, const std::string& command,
                    workload::Meter* meter) {
    Experiments e{o, samples, out, standard_normal_start(o.seed), meter, {}};
    const plot::Series figure2_curve = figure2_convergence(e);
    figure3_wolfe_constants(e, figure2_curve);
    figure4_starting_points(e);
    line_search_comparison(e);
    if (e.runs.size() != ch1::kExperimentRuns)   // the estimate (run_size.hpp) counts them
        throw std::logic_error("the experiments ran " + std::to_string(e.runs.size()) + " BFGS runs, the estimate counts " +
                               std::to_string(ch1::kExperimentRuns));
    const table::Text t = runs_table(e.runs, o.iterations);
    std::cout << t.aligned();
    summary::Summary s = experiments_summary(o, t);
    s.command = command;
    summary::save(out / "summary.md", s);
    return 0;
}

// --x0: one run, its history as the table.
int run_single(const Options& o, const ch1::Samples& samples, const fs::path& out, const std::string& command,
               workload::Meter* meter) {
    const auto r = run_bfgs(samples, o.x0, o.mu, o.eta, o.line_search, o.iterations, meter, "the run from --x0");
    write_history(out / "history.csv", r);
    save_figure(out / "history.svg", "BFGS from the given x0 (" + search_name(o.line_search) + ")",
                {f_series(mu_eta(o.mu, o.eta), r)});
    table::Text t({"iteration", "f", "‖∇f‖", "α", "trials"});
    for (const auto& it : r.history)
        t.add({std::to_string(it.iteration), table::sci(it.f, 6), table::sci(it.grad_norm, 3),
               table::sig(it.alpha, 4), std::to_string(it.trials)});
    const std::string stopped = "stopped: " + stop_text(r, true);
    std::cout << t.aligned() << stopped << "\n";

    summary::Summary s;
    s.title = "Chapter 1 — one BFGS run from a given x0";
    s.sources = "000 §1";
    std::string x0;
    for (double v : o.x0) x0 += (x0.empty() ? "" : ", ") + table::param(v);
    s.setup = "The six samples of 000 §1, BFGS from x0 = (w11, w21, w31, w12, w22, w32) = (" + x0 + "), " +
              search_name(o.line_search) + ", " + mu_eta(o.mu, o.eta) + ", at most " +
              std::to_string(o.iterations) + " iterations.";
    s.headline = t;
    s.headline_notes = stopped + ".";
    s.figures = {{"history.svg", "f against iteration"}};
    s.command = command;
    summary::save(out / "summary.md", s);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    cli::Flags flags("chapter1",
                     "The single-layer sigmoid network of 000 §1 trained with BFGS. Without --x0 it runs\n"
                     "the report's three convergence experiments (Figures 2-4) and compares both line\n"
                     "searches; with --x0 it runs one BFGS from that point and writes history.csv.");
    flags.add("data", o.data, "the samples: CSV with columns y1,y2,y3,z1,z2");
    flags.add("out", o.out, "folder for CSV, SVG and summary.md");
    flags.add("line-search", o.line_search,
              "report = the report's rule (Armijo + curvature, α/1.5 or 2α); wolfe = strong Wolfe, "
              "bracketing and zoom (Nocedal & Wright 3.5/3.6)",
              {"report", "wolfe"});
    flags.add("mu", o.mu, "Armijo constant μ: f(x+αp) <= f(x) + μα∇fᵀp", cli::open_interval(0, 1));
    flags.add("eta", o.eta, "curvature constant η: ∇f(x+αp)ᵀp >= η∇fᵀp (needs μ < η)", cli::open_interval(0, 1));
    flags.add("iterations", o.iterations, "BFGS iterations per run", cli::between(0, 1e9));
    flags.add("seed", o.seed, "seed of the random start x0 = scale·N(0, 1)");
    flags.add("x0", o.x0, "run once from x = (w11,w21,w31,w12,w22,w32), the columns of W", cli::any(), 6);
    flags.add("allow-large", o.allow_large,
              "run even when the work may exceed " + workload::duration_text(ch1::kLimitSeconds) + " or the memory " +
                  workload::bytes_text(ch1::kLimitBytes) + " (see the chapter README, Large runs)");
    return cli::run(flags, argc, argv, [&] {
        if (o.mu >= o.eta)
            throw UsageError("--mu must be smaller than --eta (the Wolfe conditions need 0 < μ < η < 1; got μ = " +
                             table::param(o.mu) + ", η = " + table::param(o.eta) + ")");
        const ch1::Samples samples = ch1::load_samples(o.data);
        ch1::RunSize size;
        size.runs = o.x0.empty() ? ch1::kExperimentRuns : 1;
        size.iterations = static_cast<std::size_t>(o.iterations);
        size.samples = samples.Y.rows;
        size.single = !o.x0.empty();
        const bool announced = workload::check(ch1::estimate(size), ch1::size_bounds(), o.allow_large);
        files::ResultFolder folder(o.out);   // only now: every flag, the data and the size have been checked
        std::optional<workload::Meter> meter;   // an announced run reports every iteration
        if (announced) meter.emplace(static_cast<double>(size.runs) * o.iterations);
        workload::Meter* m = meter ? &*meter : nullptr;
        const int status = o.x0.empty() ? run_experiments(o, samples, folder.path(), flags.command_line(), m)
                                        : run_single(o, samples, folder.path(), flags.command_line(), m);
        if (meter) meter->finish();
        folder.publish();
        return status;
    });
}
