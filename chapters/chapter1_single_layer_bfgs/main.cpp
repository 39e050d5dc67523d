// chapter1 — the single-layer sigmoid network of 000 §1 trained with BFGS.
//
// Default: the report's three convergence experiments (its Figures 2, 3 and 4), 20 iterations
// each from x0 = scale · N(0, 1), plus both line searches side by side on the first:
//   1. μ = 1e-4, η = 0.1, scale 0.01                          figure2_*.csv, figure2_convergence.svg
//   2. (μ, η) = (1e-4, 0.1), (1e-5, 0.3), (1e-6, 0.5)         figure3_*.csv, figure3_wolfe_constants.svg
//   3. scale 0.01, 1 and 100 (one N(0, 1) draw, scaled)      figure4_*.csv, figure4_starting_points.svg
//   4. experiments 1 and 3 (scale 100) with the `seed` and the `wolfe` search
//                                                             line_search_*.csv, line_searches.svg
// With --x0: one BFGS run from that point, written to history.csv (and history.svg).
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/chapter1_single_layer_bfgs/network.hpp"
#include "common/bfgs.hpp"
#include "common/cli.hpp"
#include "common/csv.hpp"
#include "common/files.hpp"
#include "common/plot/line_plot.hpp"
#include "common/random.hpp"
#include "common/table.hpp"

namespace {

using ch1::Vector;

struct Options {
    std::string data = (files::datasets_dir() / "single_layer.csv").string();
    std::string out = files::default_results_dir("chapter1").string();
    std::string line_search = "seed";
    double mu = 1e-4;
    double eta = 0.1;
    int iterations = 20;
    std::uint64_t seed = 1;
    std::vector<double> x0;
};

// One BFGS run with gtol = 0: all iterations are run, as in the report (unless ∇f is exactly 0
// or the line search fails, which the result then says).
optim::BfgsResult run_bfgs(const ch1::Samples& samples, const Vector& x0, double mu, double eta,
                           const std::string& search, int iterations) {
    optim::LineSearchOptions ls;
    ls.mu = mu;
    ls.eta = eta;
    optim::BfgsOptions o;
    o.max_iterations = iterations;
    o.gtol = 0;
    o.line_search = search == "seed" ? optim::seed_line_search(ls) : optim::wolfe_line_search(ls);
    return optim::bfgs(ch1::make_objective(samples), x0, o);
}

void write_history(const std::filesystem::path& path, const optim::BfgsResult& r) {
    csv::Writer w({"iteration", "f", "grad_norm", "alpha", "trials"});
    for (const auto& it : r.history)
        w.row({std::to_string(it.iteration), csv::num(it.f), csv::num(it.grad_norm), csv::num(it.alpha),
               std::to_string(it.trials)});
    w.save(path);
}

plot::Series f_series(const std::string& label, const optim::BfgsResult& r) {
    plot::Series s;
    s.label = label;
    for (const auto& it : r.history) {
        s.x.push_back(it.iteration);
        s.y.push_back(it.f);
    }
    return s;
}

// A figure of f (log scale) against iteration, one curve per run, as the report draws them.
void save_figure(const std::filesystem::path& path, const std::string& title,
                 const std::vector<plot::Series>& series) {
    plot::LinePlot p;
    p.title = title;
    p.xlabel = "iteration";
    p.ylabel = "objective f(x)";
    p.log_y = true;
    p.series = series;
    plot::save(path, plot::to_svg(p));
}

struct Run {
    std::string experiment, label, file;
    double mu, eta, scale;
    std::string search;
    optim::BfgsResult result;
};

std::string stop_text(const optim::BfgsResult& r) {
    if (r.stop == optim::StopReason::max_iterations) return "all iterations";
    return r.reason;
}

int run_single(const Options& o, const ch1::Samples& samples) {
    const auto r = run_bfgs(samples, o.x0, o.mu, o.eta, o.line_search, o.iterations);
    const std::filesystem::path out(o.out);
    write_history(out / "history.csv", r);
    save_figure(out / "history.svg", "BFGS from the given x0 (" + o.line_search + " line search)",
                {f_series("μ = " + table::fmt("%g", o.mu) + ", η = " + table::fmt("%g", o.eta), r)});
    table::Text t({"iteration", "f", "‖∇f‖", "α", "trials"});
    for (const auto& it : r.history)
        t.add({std::to_string(it.iteration), table::fmt("%.6e", it.f), table::fmt("%.3e", it.grad_norm),
               table::fmt("%.4g", it.alpha), std::to_string(it.trials)});
    std::cout << t.aligned() << "stopped: " << stop_text(r) << "\n";
    return 0;
}

int run_experiments(const Options& o, const ch1::Samples& samples) {
    const std::filesystem::path out(o.out);
    // One N(0, 1) draw, scaled for each experiment (the report draws each start afresh).
    Rng rng(o.seed);
    Vector normal(6);
    for (double& v : normal) v = rng.normal();
    auto start = [&](double scale) {
        Vector x = normal;
        for (double& v : x) v *= scale;
        return x;
    };

    std::vector<Run> runs;
    auto add = [&](std::string experiment, std::string label, std::string file, double mu, double eta,
                   double scale, std::string search) {
        runs.push_back({std::move(experiment), std::move(label), std::move(file), mu, eta, scale, search,
                        run_bfgs(samples, start(scale), mu, eta, search, o.iterations)});
        write_history(out / runs.back().file, runs.back().result);
        return runs.size() - 1;
    };
    const std::string ls = o.line_search;
    auto mu_eta = [](double mu, double eta) {
        return "μ = " + table::fmt("%g", mu) + ", η = " + table::fmt("%g", eta);
    };

    // 1. The report's Figure 2.
    const auto fig2 = add("figure 2", mu_eta(o.mu, o.eta), "figure2_history.csv", o.mu, o.eta, 0.01, ls);
    save_figure(out / "figure2_convergence.svg", "Convergence of BFGS (" + ls + " line search)",
                {f_series(runs[fig2].label, runs[fig2].result)});

    // 2. The report's Figure 3: stronger Wolfe constants.
    std::vector<plot::Series> fig3{f_series(mu_eta(o.mu, o.eta), runs[fig2].result)};
    for (auto [mu, eta] : {std::pair{1e-5, 0.3}, std::pair{1e-6, 0.5}}) {
        const std::string file = "figure3_mu" + table::fmt("%g", mu) + "_eta" + table::fmt("%g", eta) + ".csv";
        const auto i = add("figure 3", mu_eta(mu, eta), file, mu, eta, 0.01, ls);
        fig3.push_back(f_series(runs[i].label, runs[i].result));
    }
    save_figure(out / "figure3_wolfe_constants.svg", "BFGS with different Wolfe constants (" + ls + ")", fig3);

    // 3. The report's Figure 4: starting points further from 0.
    std::vector<plot::Series> fig4;
    for (double scale : {0.01, 1.0, 100.0}) {
        const auto i = add("figure 4", "x0 = " + table::fmt("%g", scale) + "·N(0, 1)",
                           "figure4_scale" + table::fmt("%g", scale) + ".csv", o.mu, o.eta, scale, ls);
        fig4.push_back(f_series(runs[i].label, runs[i].result));
    }
    save_figure(out / "figure4_starting_points.svg", "BFGS from different starting points (" + ls + ")", fig4);

    // 4. Both line searches on experiment 1, and on the saturated start of experiment 3.
    std::vector<plot::Series> both;
    for (double scale : {0.01, 100.0})
        for (const std::string search : {"seed", "wolfe"}) {
            const std::string suffix = scale == 0.01 ? "" : "_scale" + table::fmt("%g", scale);
            const auto i = add("line searches", search + ", x0 = " + table::fmt("%g", scale) + "·N(0, 1)",
                               "line_search_" + search + suffix + ".csv", o.mu, o.eta, scale, search);
            both.push_back(f_series(runs[i].label, runs[i].result));
            both.back().dashed = search == "wolfe";
        }
    save_figure(out / "line_searches.svg", "The report's line search and strong Wolfe (" + mu_eta(o.mu, o.eta) + ")",
                both);

    // The table: standard output and summary.md.
    table::Text t({"experiment", "run", "search", "f(x0)", "f(x20)", "‖∇f‖ at end", "evaluations", "stopped"});
    t.header[4] = "f(x" + std::to_string(o.iterations) + ")";
    for (const auto& r : runs) {
        t.add({r.experiment, r.label, r.search, table::fmt("%.4e", r.result.history.front().f),
               table::fmt("%.4e", r.result.f), table::fmt("%.2e", r.result.history.back().grad_norm),
               std::to_string(r.result.evaluations), stop_text(r.result)});
    }
    std::cout << t.aligned();

    std::string md = "# Chapter 1 — a single-layer sigmoid network trained with BFGS (000 §1)\n\n";
    md += "The six samples of 000 §1, f(x) = (1/m) Σ‖z − σ(Wᵀy)‖², BFGS from x0 = scale·N(0, 1) (seed " +
          std::to_string(o.seed) + "), " + std::to_string(o.iterations) + " iterations. `evaluations` counts the "
          "evaluations of f and ∇f in a run, all line searches included. The report prints no numbers, only "
          "its Figures 2–4: exponential decrease of f for starts near 0, slower for the (μ, η) pairs "
          "it calls stronger (they are in fact looser: see the chapter README), and no convergence "
          "from the start scaled by 100. Ours show the same three shapes.\n\n";
    md += t.markdown() + "\n";
    md += "![Figure 2: convergence of BFGS](figure2_convergence.svg)\n\n";
    md += "![Figure 3: stronger Wolfe constants](figure3_wolfe_constants.svg)\n\n";
    md += "![Figure 4: starting points](figure4_starting_points.svg)\n\n";
    md += "![Both line searches](line_searches.svg)\n";
    files::write_atomic(out / "summary.md", md);
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
              "seed = the report's rule (Armijo + curvature, α/1.5 or 2α); wolfe = strong Wolfe, "
              "bracketing and zoom (Nocedal & Wright 3.5/3.6)",
              {"seed", "wolfe"});
    flags.add("mu", o.mu, "Armijo constant μ: f(x+αp) <= f(x) + μα∇fᵀp", cli::open_interval(0, 1));
    flags.add("eta", o.eta, "curvature constant η: ∇f(x+αp)ᵀp >= η∇fᵀp (needs μ < η)", cli::open_interval(0, 1));
    flags.add("iterations", o.iterations, "BFGS iterations per run", cli::between(0, 100000));
    flags.add("seed", o.seed, "seed of the random start x0 = scale·N(0, 1)");
    flags.add("x0", o.x0, "run once from x = (w11,w21,w31,w12,w22,w32), the columns of W", cli::any(), 6);
    return cli::run(flags, argc, argv, [&] {
        if (o.mu >= o.eta)
            throw UsageError("--mu must be smaller than --eta (the Wolfe conditions need 0 < μ < η < 1; got μ = " +
                             table::fmt("%g", o.mu) + ", η = " + table::fmt("%g", o.eta) + ")");
        const ch1::Samples samples = ch1::load_samples(o.data);
        files::prepare_output_dir(o.out);
        return o.x0.empty() ? run_experiments(o, samples) : run_single(o, samples);
    });
}
