// main.cpp — chapter 6: computation graphs and reverse-mode automatic differentiation (002, 003).
//
// Default run (results/chapter6/):
//   1. 002's network as its graph at a seeded point: the nodes, their shapes and norms
//                                                         nodes.csv, graph.svg
//   2. 002's quizzes: three Jacobians and slide 12's gradient, by the graph, in closed form and
//      by central differences                             (summary.md)
//   3. back-propagation is reverse mode: the graph against 002's hand-derived back-propagation,
//      and 000 §1's and §3's networks against central differences; for §3 also the report's
//      gradient, which holds h₀ and H₀ fixed            nodes_000_s3.csv, graph_000_s3.svg
//   4. why reverse mode: one gradient by the graph against central differences as the network
//      grows                                              cost.csv, cost.svg
//   5. 002's network trained through the graph on K spiral arms
//                                                         data.csv, training.csv, training.svg,
//                                                         decision.csv, decision.svg
//   plus summary.md. --dump-gradient FILE writes the seeded point and its gradient as JSON and
//   does nothing else.
// Before anything is read or created, the work of a run is estimated from its flags
// (run_size.hpp): a run far beyond the defaults says so first and reports every iteration, and one
// beyond the hard bounds is refused unless --allow-large. One progress meter counts the whole
// run's work.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/chapter6_computation_graphs/experiments.hpp"
#include "chapters/chapter6_computation_graphs/figures.hpp"
#include "chapters/chapter6_computation_graphs/graph.hpp"
#include "chapters/chapter6_computation_graphs/networks.hpp"
#include "chapters/chapter6_computation_graphs/run_size.hpp"
#include "chapters/chapter6_computation_graphs/training.hpp"
#include "common/cli.hpp"
#include "common/csv.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"
#include "common/plot/line_plot.hpp"
#include "common/plot/region_map.hpp"
#include "common/summary.hpp"
#include "common/table.hpp"
#include "common/workload.hpp"

namespace {

namespace fs = std::filesystem;
using namespace ch6;

struct Options {
    std::string out = files::default_results_dir("chapter6").string();
    std::uint64_t seed = 1;
    int hidden = 16;          // M
    int classes = 3;          // K
    int iterations = 2000;    // gradient-descent steps
    std::vector<double> etas{1, 3, 10};
    int max_width = 512;      // largest M of the cost study
    std::string dump_gradient;
    bool allow_large = false;
};

RunSize run_size(const Options& o) {
    return {static_cast<std::size_t>(o.hidden), static_cast<std::size_t>(o.classes),
            static_cast<std::size_t>(o.iterations), o.etas.size(), static_cast<std::size_t>(o.max_width)};
}

std::string e2(double x) { return table::sci(x, 1); }
std::string pct(double x) { return table::percent(x, 1); }

// ---------------------------------------------------------------------------------------------
// Output. Every file of a run is written by these four functions, into one staging folder
// (files::ResultFolder), published as a whole at the end.

struct Output {
    fs::path dir;
    summary::Summary summary;
    std::string stdout_text;
};

void save_csv(const Output& out, const std::string& file, const csv::Writer& w) { w.save(out.dir / file); }

// An SVG figure, and its place in summary.md.
void save_figure(Output& out, const std::string& file, const std::string& svg, const std::string& caption,
                 const std::string& document = "") {
    plot::save(out.dir / file, svg);
    out.summary.figures.push_back({file, caption, document});
}

// A section of summary.md: markdown that starts with "## heading" opens one, other text is added
// to the last one.
void add_section(Output& out, const std::string& markdown) {
    if (markdown.rfind("## ", 0) == 0 || out.summary.sections.empty()) {
        const std::size_t eol = markdown.find('\n');
        const bool titled = markdown.rfind("## ", 0) == 0;
        out.summary.sections.push_back({titled ? markdown.substr(3, eol - 3) : "Notes",
                                        titled && eol != std::string::npos ? markdown.substr(eol + 1) : markdown});
    } else {
        out.summary.sections.back().markdown += "\n" + markdown;
    }
}

void save_summary(Output& out, const std::string& command) {
    summary::Summary& s = out.summary;
    s.title = "Chapter 6 — Computation graphs and reverse-mode automatic differentiation";
    s.sources = "002 (slides \"Computation graph\", \"Quizzes\", slide 12), 003 (back-propagation as reverse-mode "
                "automatic differentiation), 000 §1 and §3 (the networks of chapters 1 and 2)";
    s.headline_notes = "A difference of two lists a, b is max_i |a_i − b_i| / max_i |b_i|: tiny entries of a gradient "
                       "are judged against its scale. Timings are processor seconds.";
    for (auto& sec : s.sections) {   // the builder puts the blank lines between parts
        sec.markdown.erase(0, sec.markdown.find_first_not_of('\n'));
        sec.markdown.erase(sec.markdown.find_last_not_of('\n') + 1);
    }
    s.command = command;
    summary::save(out.dir / "summary.md", s);
}

// ---------------------------------------------------------------------------------------------
// Tables of nodes

std::string input_names(const Graph& g, const Node& n) {
    std::string s;
    for (Id u : n.inputs) s += (s.empty() ? "" : " ") + g.nodes[u].name;
    return s;
}

// The nodes `output` depends on, in the order they were computed (leaves first, then f₁, f₂, …):
// also a topological order, since a node's inputs always exist before it.
std::vector<Id> in_forward_order(const Graph& g, Id output) {
    std::vector<Id> order = topological_order(g, output);
    std::sort(order.begin(), order.end());
    return order;
}

csv::Writer nodes_csv(const Graph& g, Id output) {
    csv::Writer w({"node", "op", "inputs", "rows", "cols", "value_norm", "grad_norm"});
    for (Id v : in_forward_order(g, output)) {
        const Node& n = g.nodes[v];
        w.row({n.name, n.op, input_names(g, n), std::to_string(n.value.rows), std::to_string(n.value.cols),
               csv::num(norm(n.value)), csv::num(norm(n.grad))});
    }
    return w;
}

table::Text nodes_table(const Graph& g, Id output) {
    table::Text t{"node", "op", "inputs", "shape", "‖value‖", "‖∂L/∂value‖"};
    for (Id v : in_forward_order(g, output)) {
        const Node& n = g.nodes[v];
        t.add({n.name, n.op, input_names(g, n), shape_text(n.value), table::fmt("%.4g", norm(n.value)),
               table::fmt("%.4g", norm(n.grad))});
    }
    return t;
}

// ---------------------------------------------------------------------------------------------
// 1 and 3a. 002's network at the seeded point, and the hand-derived back-propagation

void network_002(const Options& o, const Point002& p, Output& out) {
    Graph002 n = graph_002(p.net, p.x, p.c);
    backward(n.g, n.L);
    const double L = n.g.value(n.L)(0, 0);
    const std::string setting = "m = " + std::to_string(p.x.cols) + ", d = " + std::to_string(p.x.rows) +
                                ", M = " + std::to_string(o.hidden) + ", K = " + std::to_string(o.classes);
    const table::Text t = nodes_table(n.g, n.L);
    out.stdout_text += "002's network as a graph at seed " + std::to_string(o.seed) + " (" + setting + "):\n" +
                       t.aligned() + "\n";
    save_csv(out, "nodes.csv", nodes_csv(n.g, n.L));
    add_section(out, "## 1. 002's network as a computation graph\n\nAt seed " + std::to_string(o.seed) + " (" + setting +
                         "; x ~ N(0, I), W1 and w10 ~ N(0, 1), W2 and w20 ~ N(0, 1/M)). One box per node: its "
                         "operation and shape, the norms of its value and of ∂L/∂value.\n\n" + t.markdown());
    save_figure(out, "graph.svg", graph_svg(n.g, n.L, {"002's network as a computation graph (" + setting + ")", {}, ""}),
                "002's network as a computation graph", "002 slide \"Computation graph\"");

    const double diff = scaled_difference(flatten(parameter_gradients(n)), flatten(backprop_002(p.net, p.x, p.c)));
    out.summary.headline.add({"002 network at the seed: L (" + setting + ")", csv::num(L), "—"});
    out.summary.headline.add({"002 network: graph vs hand-derived back-propagation",
                       e2(diff), "back-propagation = reverse mode (003)"});
}

// ---------------------------------------------------------------------------------------------
// 2. 002's quizzes

void quiz_section(const Options& o, const Point002& p, Output& out) {
    const std::vector<QuizRow> rows = quizzes(p);
    table::Text t{"Jacobian", "shape", "closed form", "graph vs closed form", "differences vs closed form"};
    double worst_graph = 0, worst_fd = 0;
    for (const auto& r : rows) {
        t.add({r.jacobian, r.shape, r.closed_form, e2(r.graph_vs_closed), e2(r.fd_vs_closed)});
        worst_graph = std::max(worst_graph, r.graph_vs_closed);
        worst_fd = std::max(worst_fd, r.fd_vs_closed);
    }
    const double slide12 = slide12_check(o.seed);
    add_section(out, "## 2. 002's quizzes\n\nThe three Jacobians of the quiz on the graph slide, at the seeded point's "
                     "first sample (m = 1): by the graph (one backward pass per row, seeded with a unit vector), in "
                     "closed form (`quizzes.hpp`), and by central differences. Differences are max |a − b| / max |b|.\n\n" +
                         t.markdown() +
                         "\nSlide 12: ∂E_H/∂w_i = (1/N) Σ_n (ŷ_n − y_n) x_ni against central differences of E_H "
                         "(N = 50, d = 3): " + e2(slide12) + ".\n");
    out.summary.headline.add({"002 quiz Jacobians vs closed form: graph / differences",
                       e2(worst_graph) + " / " + e2(worst_fd), "asked, not answered (002, Quizzes)"});
    out.summary.headline.add({"002 slide 12: (1/N) Σ (ŷ − y) x vs differences", e2(slide12), "\"it can be shown\" (002)"});
}

// ---------------------------------------------------------------------------------------------
// 3b. 000 §1 and §3 as graphs

void networks_000(const Options& o, const Matrix& Y1, const Matrix& Z1, Output& out) {
    const Check000s1 s1 = check_000_s1(Y1, Z1, o.seed);
    out.summary.headline.add({"000 §1 layer, 6 samples: graph vs differences", e2(s1.graph_vs_fd), "—"});

    const Problem000s3 p = problem_000_s3(o.seed);
    const auto full = gradient_000_s3(p, false), fixed = gradient_000_s3(p, true), numeric = fd_gradient_000_s3(p);
    table::Text t{"gradient", "W1", "W2 row 1", "W2 rows 2–4", "W3"};
    std::vector<std::string> a{"graph, h0 and H0 free"}, b{"graph, h0 and H0 held fixed (000 §3's printed)"};
    for (const Block& blk : blocks_000_s3()) {
        a.push_back(e2(block_difference(full, numeric, blk)));
        b.push_back(e2(block_difference(fixed, numeric, blk)));
    }
    t.add(a);
    t.add(b);
    out.summary.headline.add({"000 §3 network: graph vs differences", e2(scaled_difference(full, numeric)),
                       "—"});
    out.summary.headline.add({"000 §3's printed gradient vs differences: W1 / W2 row 1",
                       pct(block_difference(fixed, numeric, blocks_000_s3()[0])) + " / " +
                           pct(block_difference(fixed, numeric, blocks_000_s3()[1])),
                       "h0, H0 held fixed (000 §3)"});

    Graph000s3 n = graph_000_s3(p.w, p.Y, p.Z);
    backward(n.g, n.f);
    save_csv(out, "nodes_000_s3.csv", nodes_csv(n.g, n.f));
    GraphFigure fig{"000 §3's network as a computation graph (m = 20): not a chain", {}, "paths through h0 and H0 — dropped by 000 §3's printed gradient"};
    fig.highlighted = {{n.h_star, n.h_star_1}, {n.h_star_1, n.h0}, {n.h0, n.u}, {n.u, n.u_1}, {n.u_1, n.H0}, {n.H0, n.v}};
    add_section(out, "## 3. Back-propagation is reverse-mode automatic differentiation\n\n"
                     "The graph of 002's network gives the same gradient as its hand-derived back-propagation "
                     "(`backprop_002`): see the headline table. 000 §1's layer and 000 §3's network as graphs, "
                     "against central differences (max |a − b| / max |b| per block of 000 §3's weights; 20 samples "
                     "y ~ N(0, I), targets uniform in (−0.9, 0.9), weights N(0, 0.5²)). Holding h0 and H0 fixed — "
                     "cutting the red edges below — gives 000 §3's printed derivatives: right for W3 and W2's "
                     "rows 2–4, wrong for W2's first row and for W1.\n\n" + t.markdown());
    save_figure(out, "graph_000_s3.svg", graph_svg(n.g, n.f, fig), "000 §3's network as a computation graph", "000 Fig. 5");
}

// ---------------------------------------------------------------------------------------------
// 4. Why reverse mode

void cost_experiment(const Options& o, Output& out, workload::Meter& meter) {
    std::vector<CostRow> rows;
    const double width_work = cost_study_work(run_size(o)) / static_cast<double>(cost_widths(static_cast<std::size_t>(o.max_width)));
    for (int M = 2; M <= o.max_width; M *= 2) {
        rows.push_back(measure_cost(static_cast<std::size_t>(M), o.seed));
        meter.advance(width_work, "cost study: M = " + std::to_string(M) + " of at most " + std::to_string(o.max_width));
    }
    csv::Writer w({"parameters", "ad_seconds", "fd_seconds", "ratio"});
    table::Text t{"M", "parameters n", "graph (s)", "differences (s)", "ratio", "parameters differenced", "differences vs graph"};
    std::vector<double> n, ad, fd, big_n, big_ad, big_fd;
    double worst = 0;
    for (const auto& r : rows) {
        const double ratio = r.fd_seconds / r.ad_seconds;
        w.row({std::to_string(r.parameters), csv::num(r.ad_seconds), csv::num(r.fd_seconds), csv::num(ratio)});
        t.add({std::to_string(r.M), std::to_string(r.parameters), e2(r.ad_seconds), e2(r.fd_seconds), e2(ratio),
               r.fd_timed == r.parameters ? "all" : std::to_string(r.fd_timed), e2(r.fd_vs_graph)});
        n.push_back(static_cast<double>(r.parameters));
        ad.push_back(r.ad_seconds);
        fd.push_back(r.fd_seconds);
        worst = std::max(worst, r.fd_vs_graph);
        if (r.parameters >= 1000) big_n.push_back(n.back()), big_ad.push_back(ad.back()), big_fd.push_back(fd.back());
    }
    save_csv(out, "cost.csv", w);
    const double slope_ad = big_n.size() >= 2 ? log_log_slope(big_n, big_ad) : NAN;
    const double slope_fd = big_n.size() >= 2 ? log_log_slope(big_n, big_fd) : NAN;

    plot::LinePlot p;
    p.title = "One gradient: the graph against central differences";
    p.xlabel = "parameters n";
    p.ylabel = "processor seconds per gradient";
    p.log_x = p.log_y = true;
    p.series.push_back({"central differences: 2n forward passes", n, fd});
    p.series.push_back({"graph: one forward and one backward pass", n, ad});
    const CostRow& last = rows.back();
    const double nl = static_cast<double>(last.parameters);
    p.series.push_back({"∝ n² (through the last point)", {n.front(), nl}, {last.fd_seconds * (n.front() / nl) * (n.front() / nl), last.fd_seconds}, false, true, true, "#999999"});
    p.series.push_back({"∝ n (through the last point)", {n.front(), nl}, {last.ad_seconds * n.front() / nl, last.ad_seconds}, false, true, true, "#bbbbbb"});
    add_section(out, "## 4. Why reverse mode\n\n002's network with d = M inputs, M hidden units, K = 3 classes and a "
                     "batch of 16; n = (M + 1)(M + 3). Differences were timed on as many parameters as fit in " +
                         table::sig(kFdSeconds) + " s (in a seeded random order) and scaled to all n — each parameter costs the "
                         "same two forward passes; \"all\" means nothing was scaled. Slopes of log time against log n "
                         "for n ≥ 1000: graph " + table::fmt("%.2f", slope_ad) + ", differences " +
                         table::fmt("%.2f", slope_fd) + ".\n\n" + t.markdown());
    save_figure(out, "cost.svg", plot::to_svg(p), "Seconds per gradient against the number of parameters");
    out.summary.headline.add({"one gradient, n = " + std::to_string(last.parameters) + ": graph / differences",
                       e2(last.ad_seconds) + " s / " + e2(last.fd_seconds) + " s" +
                           (last.fd_timed < last.parameters ? " (from " + std::to_string(last.fd_timed) + " parameters)" : ""),
                       "differences: 2n forward passes"});
    out.summary.headline.add({"slope of log time vs log n, n ≥ 1000: graph / differences",
                       table::fmt("%.2f", slope_ad) + " / " + table::fmt("%.2f", slope_fd), "1 / 2 expected"});
    out.summary.headline.add({"cost study: differences vs graph, worst", e2(worst), "—"});
}

// ---------------------------------------------------------------------------------------------
// 5. Training through the graph

std::string run_label(const Run& r) { return "η = " + table::fmt("%g", r.eta); }

void save_training(const TrainingResult& r, Output& out) {
    csv::Writer data({"x1", "x2", "class", "split"});
    const char* part_names[] = {"train", "validation", "test"};
    for (std::size_t j = 0; j < r.data.size(); ++j)
        data.row({csv::num(r.data.x(0, j)), csv::num(r.data.x(1, j)), std::to_string(r.data.c[j]), part_names[r.split.part[j]]});
    save_csv(out, "data.csv", data);

    csv::Writer curve({"eta", "iteration", "train_loss", "validation_loss"});
    plot::LinePlot p;
    p.title = "Gradient descent through the graph: cross-entropy L";
    p.xlabel = "iteration";
    p.ylabel = "L (mean over the set)";
    p.log_y = true;
    for (std::size_t k = 0; k < r.runs.size(); ++k) {
        const Run& run = r.runs[k];
        std::vector<double> it;
        for (std::size_t q = 0; q < run.iteration.size(); ++q) {
            it.push_back(static_cast<double>(run.iteration[q]));
            curve.row({csv::num(run.eta), std::to_string(run.iteration[q]), csv::num(run.train_loss[q]),
                       csv::num(run.validation_loss[q])});
        }
        const std::string color = plot::detail::palette(k);
        const std::string label = run_label(run) + (static_cast<int>(k) == r.chosen ? " (chosen)" : "") +
                                  (run.diverged ? " (diverged at iteration " + std::to_string(run.diverged_at) + ")" : "");
        p.series.push_back({label + ", training", it, run.train_loss, false, true, false, color});
        p.series.push_back({label + ", validation", it, run.validation_loss, false, true, true, color});
    }
    save_csv(out, "training.csv", curve);
    save_figure(out, "training.svg", plot::to_svg(p), "Training and validation loss against iteration");
}

void save_decision(const TrainingResult& r, std::size_t K, Output& out) {
    const Net002& net = r.runs[r.chosen].net;
    plot::RegionMap m;
    m.title = "Decision regions after training (" + run_label(r.runs[r.chosen]) + "), test points";
    m.x_min = m.y_min = kMapLo;
    m.x_max = m.y_max = kMapHi;
    m.nx = m.ny = kMapNodes;
    m.prob = grid_probabilities(net, kMapLo, kMapHi, kMapNodes, kMapNodes);
    for (std::size_t j = 0; j < r.split.test.size(); ++j)
        m.points.push_back({r.split.test.x(0, j), r.split.test.x(1, j), static_cast<int>(r.split.test.c[j])});
    for (std::size_t k = 0; k < K; ++k) m.class_labels.push_back("class " + std::to_string(k));
    std::vector<std::string> header{"x1", "x2", "predicted"};
    for (std::size_t k = 0; k < K; ++k) header.push_back("p" + std::to_string(k));
    csv::Writer w(header);
    for (std::size_t q = 0; q < kMapNodes * kMapNodes; ++q) {
        std::size_t best = 0;
        for (std::size_t k = 1; k < K; ++k)
            if (m.prob[k][q] > m.prob[best][q]) best = k;
        std::vector<std::string> row{csv::num(kMapLo + (kMapHi - kMapLo) * static_cast<double>(q % kMapNodes) / (kMapNodes - 1)),
                                     csv::num(kMapLo + (kMapHi - kMapLo) * static_cast<double>(q / kMapNodes) / (kMapNodes - 1)),
                                     std::to_string(best)};
        for (std::size_t k = 0; k < K; ++k) row.push_back(csv::num(m.prob[k][q]));
        w.row(row);
    }
    save_csv(out, "decision.csv", w);
    save_figure(out, "decision.svg", plot::to_svg(m), "Decision regions of the trained network, with the test points");
}

// On the meter: each gradient as it is taken, then the rest of the run's planned work
// (run_size.hpp) when it ends, the validation losses and the steps a diverged run did not take.
TrainingResult counted_training(const Options& o, workload::Meter& meter) {
    const RunSize size = run_size(o);
    const auto iterations = static_cast<std::size_t>(o.iterations);
    double done = 0;
    const auto after_step = [&](std::size_t i, std::size_t k) {
        const std::string run = "η = " + table::fmt("%g", o.etas[i]) + " (" + std::to_string(i + 1) + " of " +
                                std::to_string(o.etas.size()) + ")";
        if (k <= iterations) {
            meter.advance(gradient_work(size), run + ": iteration " + std::to_string(k) + " of " + std::to_string(iterations));
            done += gradient_work(size);
        } else {
            meter.advance(training_run_work(size) - done, run + ": done");
            done = 0;
        }
    };
    return train_spirals(size.hidden, size.classes, o.etas, iterations, o.seed, after_step);
}

void training_experiment(const Options& o, Output& out, workload::Meter& meter) {
    const auto M = static_cast<std::size_t>(o.hidden), K = static_cast<std::size_t>(o.classes);
    const TrainingResult r = counted_training(o, meter);
    table::Text t{"η", "final training L", "final validation L", "validation accuracy", "note"};
    std::string diverged;
    for (std::size_t k = 0; k < r.runs.size(); ++k) {
        const Run& run = r.runs[k];
        const std::string note = run.diverged ? "diverged at iteration " + std::to_string(run.diverged_at)
                                 : static_cast<int>(k) == r.chosen ? "chosen (lowest validation L)" : "";
        if (run.diverged) {
            std::cerr << "chapter6: warning: " << run_label(run) << " diverged at iteration " << run.diverged_at << "\n";
            if (diverged.empty()) diverged = run_label(run) + " diverged at iteration " + std::to_string(run.diverged_at);
        }
        t.add({table::fmt("%g", run.eta), run.diverged ? "—" : table::fmt("%.4f", run.train_loss.back()),
               run.diverged ? "—" : table::fmt("%.4f", run.validation_loss.back()),
               run.diverged ? "—" : pct(accuracy(run.net, r.split.validation)), note});
    }
    add_section(out, "## 5. Training through the graph\n\n" + std::to_string(K) + " spiral arms, " +
                         std::to_string(kPerClass) + " points each (`data.csv`: angle 2πk/K + 3.5 t at radius t, t uniform in "
                         "[0.1, 1], noise sd 0.07), split 60/20/20 into " + std::to_string(r.split.train.size()) + " training, " +
                         std::to_string(r.split.validation.size()) + " validation and " + std::to_string(r.split.test.size()) +
                         " test points. 002's network with M = " + std::to_string(M) + " sigmoid units, full-batch gradient "
                         "descent for " + std::to_string(o.iterations) + " steps with gradients from the graph only, from "
                         "one seeded start for every η. The learning rate is the one with the lowest validation loss; the "
                         "test set is used once, for that model.\n\n" + t.markdown());
    save_training(r, out);
    std::string accuracy_text;
    if (r.chosen >= 0) {
        save_decision(r, K, out);
        meter.advance(decision_work(run_size(o)), "decision map");
        accuracy_text = pct(r.test_accuracy) + " (" + run_label(r.runs[r.chosen]) + ")";
        add_section(out, "Chosen " + run_label(r.runs[r.chosen]) + ": accuracy " + pct(r.train_accuracy) + " on the training set, " +
                             pct(r.validation_accuracy) + " on validation, **" + pct(r.test_accuracy) + " on the test set**.\n");
    } else {
        accuracy_text = "every η diverged (" + diverged + ")";
        add_section(out, "Every learning rate diverged (" + diverged + "): no model to test, no decision regions.\n");
    }
    out.summary.headline.add({std::to_string(K) + " spirals, M = " + std::to_string(M) + ": test accuracy", accuracy_text, "—"});
}

// ---------------------------------------------------------------------------------------------
// --dump-gradient: the seeded point and the graph's gradient as JSON

std::string json_matrix(const Matrix& A) {   // rows of numbers
    std::string s = "[";
    for (std::size_t i = 0; i < A.rows; ++i) {
        s += i ? ", [" : "[";
        for (std::size_t j = 0; j < A.cols; ++j) s += (j ? ", " : "") + csv::num(A(i, j));
        s += "]";
    }
    return s + "]";
}

std::string json_column(const Matrix& b) {   // an n×1 matrix as a flat list
    std::string s = "[";
    for (std::size_t i = 0; i < b.rows; ++i) s += (i ? ", " : "") + csv::num(b(i, 0));
    return s + "]";
}

int dump_gradient(const Options& o) {
    files::check_output_file(o.dump_gradient);
    const Point002 p = seeded_point(o.seed, static_cast<std::size_t>(o.hidden), static_cast<std::size_t>(o.classes));
    const LossAndGradient lg = graph_gradient_002(p.net, p.x, p.c);
    std::string c = "[";
    for (std::size_t j = 0; j < p.c.size(); ++j) c += (j ? ", " : "") + std::to_string(p.c[j]);
    const std::string json = "{\n  \"x\": " + json_matrix(transpose(p.x)) + ",\n  \"c\": " + c + "],\n  \"W1\": " +
                             json_matrix(p.net.W1) + ",\n  \"w10\": " + json_column(p.net.w10) + ",\n  \"W2\": " +
                             json_matrix(p.net.W2) + ",\n  \"w20\": " + json_column(p.net.w20) + ",\n  \"L\": " +
                             csv::num(lg.L) + ",\n  \"dW1\": " + json_matrix(lg.grad.W1) + ",\n  \"dw10\": " +
                             json_column(lg.grad.w10) + ",\n  \"dW2\": " + json_matrix(lg.grad.W2) + ",\n  \"dw20\": " +
                             json_column(lg.grad.w20) + "\n}\n";
    files::write_atomic(o.dump_gradient, json);
    std::cout << "wrote " << o.dump_gradient << ": m = " << p.x.cols << " samples, d = " << p.x.rows << ", M = " << o.hidden
              << ", K = " << o.classes << ", L = " << csv::num(lg.L) << "\n";
    return 0;
}

// ---------------------------------------------------------------------------------------------

// 000 §1's six samples (datasets/single_layer.csv), as columns: Y 3×6, Z 2×6.
void load_000_s1(Matrix& Y, Matrix& Z) {
    const fs::path path = files::datasets_dir() / "single_layer.csv";
    const csv::Table t = csv::read_numeric(path, std::uintmax_t{1} << 20);   // 000 §1's six samples take 200 bytes
    const char* names[] = {"y1", "y2", "y3", "z1", "z2"};
    std::size_t col[5];
    for (int k = 0; k < 5; ++k) {
        try {
            col[k] = t.column(names[k]);
        } catch (const DataError&) {
            throw DataError(path.string() + ": no column '" + names[k] + "' (expected y1,y2,y3,z1,z2)");
        }
    }
    Y = Matrix(3, t.rows.size());
    Z = Matrix(2, t.rows.size());
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        for (std::size_t r = 0; r < 3; ++r) Y(r, i) = t.rows[i][col[r]];
        for (std::size_t r = 0; r < 2; ++r) Z(r, i) = t.rows[i][col[3 + r]];
    }
    if (t.rows.empty()) throw DataError(path.string() + ": no samples");
}

int run(const Options& o, const std::string& command) {
    const workload::Estimate size = estimate(run_size(o));
    workload::check(size, size_bounds(), o.allow_large);
    Matrix Y1, Z1;
    load_000_s1(Y1, Z1);   // before anything is written: a data error leaves no file
    files::ResultFolder folder(o.out);   // every flag, the run's size and the data have been checked
    Output out;
    out.summary.headline = table::Text({"quantity", "ours", "documents"});
    out.dir = folder.path();
    workload::Meter meter(size.work);

    const Point002 point = seeded_point(o.seed, static_cast<std::size_t>(o.hidden), static_cast<std::size_t>(o.classes));
    network_002(o, point, out);
    quiz_section(o, point, out);
    networks_000(o, Y1, Z1, out);
    cost_experiment(o, out, meter);
    training_experiment(o, out, meter);
    meter.finish();

    save_summary(out, command);
    folder.publish();
    std::cout << out.stdout_text << out.summary.headline.aligned();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    cli::Flags flags("chapter6",
                     "Computation graphs and reverse-mode automatic differentiation (002, 003): 002's network as a\n"
                     "graph, its quizzes, the graph against hand-derived back-propagation and against 000's networks,\n"
                     "its cost against finite differences, and training through the graph.");
    flags.add("out", o.out, "output folder for CSV files, SVG figures and summary.md");
    flags.add("seed", o.seed, "seed of every random draw: the point, the 000 problems, the data, the start");
    flags.add("hidden", o.hidden, "M, hidden units of 002's network (the seeded point and the trained network)",
              cli::between(1, 4096));
    flags.add("classes", o.classes, "K, classes of 002's network and spiral arms of the data", cli::between(2, 8));
    flags.add("iterations", o.iterations, "gradient-descent steps of the training", cli::between(1, 1000000));
    flags.add("etas", o.etas, "learning rates tried; the lowest validation loss picks one", cli::positive());
    flags.add("max-width", o.max_width, "largest hidden width M of the cost study (widths 2, 4, 8, ... up to it)",
              cli::between(2, 2048));
    flags.add("dump-gradient", o.dump_gradient,
              "write x, c, W1, w10, W2, w20, L, dW1, dw10, dW2, dw20 at the seeded point as JSON to this file, and do "
              "nothing else");
    flags.add("allow-large", o.allow_large,
              "run even when the estimated time exceeds " + workload::duration_text(kLimitSeconds) + " or the memory " +
                  workload::bytes_text(kLimitBytes) + " (see the chapter README, Large runs)");
    return cli::run(flags, argc, argv, [&] {
        if (!o.dump_gradient.empty()) return dump_gradient(o);
        return run(o, flags.command_line());
    });
}
