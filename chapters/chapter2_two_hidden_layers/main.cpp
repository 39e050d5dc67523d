// chapter2 — the two-hidden-layer network of 000 §3: its full gradient proven by finite
// differences, the report's simplified gradient shown wrong, and the network trained.
//
// Default run (results/chapter2/):
//   1. gradient check at the student's start and at a saturated point: the full gradient and the
//      report's simplified one against central differences, per weight block
//                                         gradient_check.csv, gradient_check.svg
//   2. training on teacher data (150 train / 50 test) with BFGS (strong Wolfe) and with plain
//      gradient descent from the same start          training.csv, training.svg
//   3. BFGS from several random starts: how often the student finds the teacher   starts.csv
//   plus data.csv (the data), teacher.json (the teacher's weights) and summary.md.
// --dump-gradient FILE writes the data, the start weights, f and the full gradient as JSON.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/chapter2_two_hidden_layers/network.hpp"
#include "common/bfgs.hpp"
#include "common/cli.hpp"
#include "common/csv.hpp"
#include "common/files.hpp"
#include "common/finite_difference.hpp"
#include "common/plot/heat_map.hpp"
#include "common/plot/line_plot.hpp"
#include "common/progress.hpp"
#include "common/table.hpp"

namespace {


using ch2::Weights;

struct Options {
    std::string out = files::default_results_dir("chapter2").string();
    std::uint64_t seed = 1;
    int iterations = 300;
    double init_scale = 0.5;
    double lr = 0.5;
    int starts = 10;
    std::string dump_gradient;
};

// The student's start: every weight N(0, scale²), from the seed's stream 1 (+ k for start k).
Weights student_start(std::uint64_t seed, double scale, int k = 0) {
    Rng rng = Rng::stream(seed, 1 + static_cast<std::uint64_t>(k));
    return ch2::random_weights(rng, scale);
}

// ---------------------------------------------------------------------------------------------
// JSON: row-major nested arrays of shortest round-trip numbers.

std::string json_matrix(const Matrix& M) {
    std::string s = "[";
    for (std::size_t i = 0; i < M.rows; ++i) {
        s += i ? ", [" : "[";
        for (std::size_t j = 0; j < M.cols; ++j) s += (j ? ", " : "") + csv::num(M(i, j));
        s += "]";
    }
    return s + "]";
}

std::string json_rows(const std::vector<Vec>& rows) {
    Matrix M(rows.size(), rows.empty() ? 0 : rows[0].size());
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t j = 0; j < M.cols; ++j) M(i, j) = rows[i][j];
    return json_matrix(M);
}

std::string json_weights(const Weights& w, const std::string& prefix) {
    return "  \"" + prefix + "W1\": " + json_matrix(w.W1) + ",\n  \"" + prefix + "W2\": " + json_matrix(w.W2) +
           ",\n  \"" + prefix + "W3\": " + json_matrix(w.W3);
}

// ---------------------------------------------------------------------------------------------
// 1. The gradient check, per weight block.

struct Block {
    std::string name;
    std::size_t offset, size;   // within x = (W1, W2, W3)
};
const std::vector<Block> kBlocks = {
    {"W1", 0, 30}, {"W2 row 1", 30, 5}, {"W2 rows 2-4", 35, 15}, {"W3", 50, 12}};

// Norm-wise relative error of one block: ‖a − n‖ / max(‖a‖, ‖n‖).
double block_error(const Vec& analytic, const Vec& numeric, const Block& b) {
    return fd::compare(Vec(analytic.begin() + b.offset, analytic.begin() + b.offset + b.size),
                       Vec(numeric.begin() + b.offset, numeric.begin() + b.offset + b.size))
        .norm_rel_error;
}

struct CheckRow {
    std::string point, gradient;
    std::vector<double> errors;   // one per block
};

std::vector<CheckRow> gradient_check(const ch2::Data& train, const Weights& start, const Weights& saturated) {
    std::vector<CheckRow> rows;
    const auto f = ch2::make_objective(train);
    for (const auto& [point, w] : {std::pair{std::string("start"), start}, std::pair{std::string("saturated"), saturated}}) {
        const Vec x = ch2::pack(w);
        const Vec numeric = fd::gradient([&](const Vec& v) { Vec unused; return f(v, unused); }, x);
        const Vec full = ch2::pack(ch2::gradient(w, train, true));
        const Vec simplified = ch2::pack(ch2::gradient(w, train, false));
        CheckRow a{point, "full", {}}, b{point, "simplified (000 §3)", {}};
        for (const auto& blk : kBlocks) {
            a.errors.push_back(block_error(full, numeric, blk));
            b.errors.push_back(block_error(simplified, numeric, blk));
        }
        rows.push_back(a);
        rows.push_back(b);
    }
    return rows;
}

// ---------------------------------------------------------------------------------------------
// 2. Training: plain gradient descent x ← x − lr ∇f, recording f on both sets.

struct Curve {
    std::vector<double> train, test;
};

Curve gradient_descent(const ch2::TeacherData& t, Vec x, double lr, int iterations) {
    const auto f = ch2::make_objective(t.train);
    Curve c;
    Vec g(x.size());
    for (int k = 0; k <= iterations; ++k) {
        c.train.push_back(f(x, g));
        c.test.push_back(ch2::objective(ch2::unpack(x), t.test));
        if (k < iterations)
            for (std::size_t i = 0; i < x.size(); ++i) x[i] -= lr * g[i];
    }
    return c;
}

optim::BfgsResult train_bfgs(const ch2::TeacherData& t, const Vec& x0, int iterations, bool keep_path) {
    optim::BfgsOptions o;
    o.max_iterations = iterations;
    o.gtol = 1e-10;
    o.keep_path = keep_path;
    return optim::bfgs(ch2::make_objective(t.train), x0, o);
}

std::string sci(double x) { return table::fmt("%.3e", x); }

// A start where BFGS "converges" at once although f is far from 0 is a saturated start: say so.
std::string saturation_note(const optim::BfgsResult& r) {
    if (r.iterations() > 0 || r.f < 1e-6) return "";
    return " at the start, where ‖∇f‖∞ = " + table::fmt("%.1e", optim::max_abs(r.grad)) +
           " although f = " + table::fmt("%.3g", r.f) +
           ": the units are saturated and the gradient vanishes, so no method can move from there";
}

int dump_gradient(const Options& o) {
    const ch2::TeacherData t = ch2::make_teacher_data(o.seed);
    ch2::Data all = t.train;
    all.y.insert(all.y.end(), t.test.y.begin(), t.test.y.end());
    all.z.insert(all.z.end(), t.test.z.begin(), t.test.z.end());
    const Weights w = student_start(o.seed, o.init_scale);
    const ch2::Gradient g = ch2::gradient(w, all);
    std::string json = "{\n  \"y\": " + json_rows(all.y) + ",\n  \"z\": " + json_rows(all.z) + ",\n" +
                       json_weights(w, "") + ",\n  \"f\": " + csv::num(ch2::objective(w, all)) + ",\n" +
                       json_weights(Weights{g.dW1, g.dW2, g.dW3}, "d") + "\n}\n";
    files::write_atomic(o.dump_gradient, json);
    std::cout << "wrote " << o.dump_gradient << ": m = " << all.y.size() << " samples, f = "
              << csv::num(ch2::objective(w, all)) << "\n";
    return 0;
}

int run(const Options& o) {
    const std::filesystem::path out(o.out);
    const ch2::TeacherData t = ch2::make_teacher_data(o.seed);
    Timer timer;

    // The data and the teacher, so anyone can redo every number.
    csv::Writer data({"y1", "y2", "y3", "y4", "y5", "y6", "z1", "z2", "z3", "split"});
    for (const auto* part : {&t.train, &t.test})
        for (std::size_t i = 0; i < part->y.size(); ++i) {
            std::vector<std::string> row;
            for (double v : part->y[i]) row.push_back(csv::num(v));
            for (double v : part->z[i]) row.push_back(csv::num(v));
            row.push_back(part == &t.train ? "train" : "test");
            data.row(row);
        }
    data.save(out / "data.csv");
    files::write_atomic(out / "teacher.json", "{\n" + json_weights(t.teacher, "") + "\n}\n");

    // 1. Gradient check at the start and at a saturated point (the start scaled to N(0, 3²):
    //    most tanh units then have |input| > 2).
    const Weights start = student_start(o.seed, o.init_scale);
    const Weights saturated = student_start(o.seed, 3.0);
    const auto checks = gradient_check(t.train, start, saturated);
    std::vector<std::string> header{"point", "gradient"};
    for (const auto& b : kBlocks) header.push_back(b.name);
    table::Text check_table(header);
    csv::Writer check_csv({"point", "gradient", "block", "rel_error"});
    plot::HeatMap heat;
    heat.title = "Relative error against finite differences, per weight block";
    heat.xlabel = "weight block";
    heat.ylabel = "gradient, at point";
    heat.colorbar_label = "‖analytic − numeric‖ / ‖numeric‖";
    heat.log_color = true;
    heat.value_format = "%.1e";
    heat.outline_best = false;   // the smallest error is no "best" of anything
    for (const auto& b : kBlocks) heat.col_labels.push_back(b.name);
    for (const auto& r : checks) {
        std::vector<std::string> cells{r.point, r.gradient};
        for (std::size_t k = 0; k < kBlocks.size(); ++k) {
            cells.push_back(table::fmt("%.1e", r.errors[k]));
            check_csv.row({r.point, r.gradient, kBlocks[k].name, csv::num(r.errors[k])});
        }
        check_table.add(cells);
        heat.row_labels.push_back(r.gradient.substr(0, r.gradient.find(' ')) + ", " + r.point);
        heat.values.push_back(r.errors);
    }
    check_csv.save(out / "gradient_check.csv");
    plot::save(out / "gradient_check.svg", plot::to_svg(heat));

    // 2. BFGS and gradient descent from the same start.
    const Vec x0 = ch2::pack(start);
    const auto bfgs = train_bfgs(t, x0, o.iterations, true);
    Curve bfgs_curve;
    for (std::size_t k = 0; k < bfgs.history.size(); ++k) {
        bfgs_curve.train.push_back(bfgs.history[k].f);
        bfgs_curve.test.push_back(ch2::objective(ch2::unpack(bfgs.path[k]), t.test));
    }
    const Curve gd = gradient_descent(t, x0, o.lr, o.iterations);
    csv::Writer training({"iteration", "bfgs_train", "bfgs_test", "gd_train", "gd_test"});
    for (int k = 0; k <= o.iterations; ++k) {
        const bool has_bfgs = k < static_cast<int>(bfgs_curve.train.size());
        training.row({std::to_string(k), has_bfgs ? csv::num(bfgs_curve.train[k]) : "",
                      has_bfgs ? csv::num(bfgs_curve.test[k]) : "", csv::num(gd.train[k]), csv::num(gd.test[k])});
    }
    training.save(out / "training.csv");
    plot::LinePlot fig;
    fig.title = "Training the 62-weight network on teacher data";
    fig.xlabel = "iteration";
    fig.ylabel = "f (mean squared error)";
    fig.log_y = true;
    auto series = [](const std::string& label, const std::vector<double>& y, bool dashed) {
        plot::Series s;
        s.label = label;
        for (std::size_t k = 0; k < y.size(); ++k) s.x.push_back(static_cast<double>(k)), s.y.push_back(y[k]);
        s.markers = false;
        s.dashed = dashed;
        return s;
    };
    fig.series = {series("BFGS, train", bfgs_curve.train, false), series("BFGS, test", bfgs_curve.test, true),
                  series("gradient descent, train", gd.train, false), series("gradient descent, test", gd.test, true)};
    plot::save(out / "training.svg", plot::to_svg(fig));

    // 3. BFGS from several starts.
    csv::Writer starts({"start", "iterations", "train_f", "test_f", "stopped"});
    int found_teacher = 0;
    double best_test = 1e300, worst_test = 0;
    {
        Progress progress("chapter2: random starts", static_cast<std::size_t>(o.starts));
        for (int k = 0; k < o.starts; ++k) {
            const auto r = train_bfgs(t, ch2::pack(student_start(o.seed, o.init_scale, k)), 1000, false);
            const double test_f = ch2::objective(ch2::unpack(r.x), t.test);
            found_teacher += test_f < 1e-12;
            best_test = std::min(best_test, test_f);
            worst_test = std::max(worst_test, test_f);
            starts.row({std::to_string(k), std::to_string(r.iterations()), csv::num(r.f), csv::num(test_f), r.reason});
            progress.step();
        }
    }
    starts.save(out / "starts.csv");

    // Standard output and summary.md.
    table::Text train_table({"method", "iterations", "train f (start)", "train f (end)", "test f (end)"});
    train_table.add({"BFGS (strong Wolfe)", std::to_string(bfgs.iterations()), sci(bfgs_curve.train.front()),
                     sci(bfgs_curve.train.back()), sci(bfgs_curve.test.back())});
    train_table.add({"gradient descent, lr " + table::fmt("%g", o.lr), std::to_string(o.iterations),
                     sci(gd.train.front()), sci(gd.train.back()), sci(gd.test.back())});
    const std::string starts_line = "BFGS from " + std::to_string(o.starts) + " random starts (1000 iterations at most): " +
                                    std::to_string(found_teacher) + " reach the teacher (test f < 1e-12); test f from " +
                                    sci(best_test) + " to " + sci(worst_test) + ".";
    std::cout << "Gradient check (norm-wise relative error against central differences):\n"
              << check_table.aligned() << "\nTraining from the same start (x0 = " << table::fmt("%g", o.init_scale)
              << "·N(0, 1), seed " << o.seed << "):\n"
              << train_table.aligned() << "BFGS stopped: " << bfgs.reason << saturation_note(bfgs) << "\n"
              << starts_line << "\n";
    std::cerr << "chapter2: done in " << table::fmt("%.1f", timer.seconds()) << " s\n";

    std::string md = "# Chapter 2 — the two-hidden-layer network of 000 §3\n\n";
    md += "## The gradient check\n\nNorm-wise relative error of each weight block's gradient against central "
          "differences, at the student's start and at a saturated point. The full gradient (every path "
          "through the computed biases h0 and H0) agrees to rounding; the report's simplified gradient is "
          "exact for W3 and for rows 2–4 of W2, and wrong for W2's first row and for W1.\n\n";
    md += check_table.markdown() + "\n![gradient check](gradient_check.svg)\n\n";
    md += "## Training on teacher data\n\n150 training and 50 test samples, y ~ N(0, I₆), targets from a teacher "
          "network of the same architecture (its weights in `teacher.json`). The report trains nothing here; "
          "the teacher reaches f = 0.\n\n";
    md += train_table.markdown() + "\n" + starts_line + "\n\n![training](training.svg)\n";
    files::write_atomic(out / "summary.md", md);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    cli::Flags flags("chapter2",
                     "The two-hidden-layer network of 000 §3 (62 weights): its full gradient against finite\n"
                     "differences and the report's simplified one, and training on teacher data with BFGS\n"
                     "and gradient descent.");
    flags.add("out", o.out, "folder for CSV, SVG, JSON and summary.md");
    flags.add("seed", o.seed, "seed of the teacher, the data and the student's start");
    flags.add("iterations", o.iterations, "iterations of BFGS and of gradient descent", cli::between(0, 100000));
    flags.add("init-scale", o.init_scale, "the student starts from weights N(0, scale²)", cli::positive());
    flags.add("lr", o.lr, "learning rate of gradient descent", cli::positive());
    flags.add("starts", o.starts, "random starts for the BFGS multi-start table", cli::between(1, 1000));
    flags.add("dump-gradient", o.dump_gradient,
              "write y, z, W1, W2, W3, f, dW1, dW2, dW3 (the full gradient at the start) as JSON to this file, "
              "and do nothing else");
    return cli::run(flags, argc, argv, [&] {
        if (!o.dump_gradient.empty()) return dump_gradient(o);
        files::prepare_output_dir(o.out);
        return run(o);
    });
}
