// chapter2 — the two-hidden-layer network of 000 §3: its full gradient proven by finite
// differences, the report's simplified gradient shown wrong, and the network trained.
//
// Default run (results/chapter2/), one function per item:
//   gradient_check_experiment   the full gradient and the report's simplified one against central
//                               differences, per weight block, at the student's start and at a
//                               saturated point                 gradient_check.csv, gradient_check.svg
//   training_experiment         training on teacher data (150 train / 50 test) with BFGS (strong
//                               Wolfe) and with plain gradient descent from the same start
//                                                               training.csv, training.svg
//   multi_start_experiment      BFGS from several random starts: how often the student finds the
//                               teacher                         starts.csv
//   plus data.csv (the data), teacher.json (the teacher's weights) and summary.md.
// --dump-gradient FILE writes the data, the start weights, f and the full gradient as JSON.
// Before anything is created, the work of a run is estimated (run_size.hpp): a run far beyond
// the defaults says so first and reports its iterations, and one beyond the hard bounds is
// refused unless --allow-large. One progress meter counts the whole run's work.
#include <algorithm>
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "chapters/chapter2_two_hidden_layers/network.hpp"
#include "chapters/chapter2_two_hidden_layers/run_size.hpp"
#include "common/bfgs.hpp"
#include "common/cli.hpp"
#include "common/csv.hpp"
#include "common/files.hpp"
#include "common/finite_difference.hpp"
#include "common/plot/heat_map.hpp"
#include "common/plot/line_plot.hpp"
#include "common/progress.hpp"
#include "common/summary.hpp"
#include "common/table.hpp"
#include "common/workload.hpp"

namespace {

using ch2::Weights;
namespace fs = std::filesystem;

struct Options {
    std::string out = files::default_results_dir("chapter2").string();
    std::uint64_t seed = 1;
    int iterations = 300;
    double init_scale = 0.5;
    double lr = 0.5;
    int starts = 10;
    std::string dump_gradient;
    bool allow_large = false;
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
// --dump-gradient: everything checked before the one file is written.

int dump_gradient(const Options& o) {
    files::check_output_file(o.dump_gradient);
    const ch2::TeacherData t = ch2::make_teacher_data(o.seed);
    ch2::Data all = t.train;
    all.y.insert(all.y.end(), t.test.y.begin(), t.test.y.end());
    all.z.insert(all.z.end(), t.test.z.begin(), t.test.z.end());
    const Weights w = student_start(o.seed, o.init_scale);
    const ch2::Gradient g = ch2::gradient(w, all);
    const double f = ch2::objective(w, all);
    if (!ch2::all_finite(f, ch2::pack(g)))
        throw UsageError("--init-scale " + table::param(o.init_scale) + ": f or its gradient is not finite at "
                         "the student's start (the weights overflow the network); choose a smaller scale");
    const std::string json = "{\n  \"y\": " + json_rows(all.y) + ",\n  \"z\": " + json_rows(all.z) + ",\n" +
                             json_weights(w, "") + ",\n  \"f\": " + csv::num(f) + ",\n" +
                             json_weights(Weights{g.dW1, g.dW2, g.dW3}, "d") + "\n}\n";
    files::write_atomic(o.dump_gradient, json);
    std::cout << "wrote " << o.dump_gradient << ": m = " << all.y.size() << " samples, f = " << csv::num(f) << "\n";
    return 0;
}

// ---------------------------------------------------------------------------------------------
// The data and the teacher, so anyone can redo every number.

void write_data(const fs::path& out, const ch2::TeacherData& t) {
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
}

// ---------------------------------------------------------------------------------------------
// 000 §3's derivatives: the full gradient and the report's simplified one against central
// differences, per weight block.

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

void save_gradient_check(const fs::path& out, const std::vector<CheckRow>& rows) {
    csv::Writer check_csv({"point", "gradient", "block", "rel_error"});
    plot::HeatMap heat;
    heat.title = "Relative error ‖analytic − numeric‖ / ‖numeric‖ per weight block";
    heat.xlabel = "weight block";
    heat.ylabel = "gradient, at point";
    heat.colorbar_label = "relative error";
    heat.log_color = true;
    heat.value_format = "%.1e";
    heat.missing_text = "not finite";   // f overflows at the point: nothing to compare
    heat.outline_best = false;          // the smallest error is no "best" of anything
    for (const auto& b : kBlocks) heat.col_labels.push_back(b.name);
    for (const auto& r : rows) {
        for (std::size_t k = 0; k < kBlocks.size(); ++k)
            check_csv.row({r.point, r.gradient, kBlocks[k].name, csv::num(r.errors[k])});
        heat.row_labels.push_back(r.gradient.substr(0, r.gradient.find(' ')) + ", " + r.point);
        heat.values.push_back(r.errors);
    }
    check_csv.save(out / "gradient_check.csv");
    plot::save(out / "gradient_check.svg", plot::to_svg(heat));
}

// At the student's start and at a saturated point (the start scaled to N(0, 3²): most tanh
// units then have |input| > 2). Returns the table.
table::Text gradient_check_experiment(const Options& o, const ch2::TeacherData& t, const fs::path& out) {
    const auto rows = gradient_check(t.train, student_start(o.seed, o.init_scale), student_start(o.seed, 3.0));
    save_gradient_check(out, rows);
    std::vector<std::string> header{"point", "gradient"};
    for (const auto& b : kBlocks) header.push_back(b.name);
    table::Text check_table(header);
    for (const auto& r : rows) {
        std::vector<std::string> cells{r.point, r.gradient};
        for (double e : r.errors) cells.push_back(table::sci(e, 1));
        check_table.add(cells);
    }
    return check_table;
}

// ---------------------------------------------------------------------------------------------
// Training from the student's start, by BFGS and by gradient descent, f on both sets.

// The progress of BFGS on the meter: one step per iteration (BFGS calls its line search once
// per iteration), weighed by the evaluations that iteration took.
optim::LineSearch counted(workload::Meter& meter, const std::string& what, int iterations) {
    return [search = optim::wolfe_line_search(optim::LineSearchOptions{}), &meter, what, iterations, k = 0](
               const optim::Objective& f, const Vec& x, double fx, const Vec& gx, const Vec& p) mutable {
        optim::LineSearchResult r = search(f, x, fx, gx, p);
        meter.advance(static_cast<double>(r.trials) * ch2::kTrainSamples,
                      what + ": iteration " + std::to_string(++k) + " of at most " + std::to_string(iterations));
        return r;
    };
}

// BFGS with strong Wolfe (LineSearchOptions' defaults, as optim::bfgs chooses by itself).
optim::BfgsResult train_bfgs(const ch2::TeacherData& t, const Vec& x0, int iterations, bool keep_path,
                             workload::Meter& meter, const std::string& what) {
    optim::BfgsOptions o;
    o.max_iterations = iterations;
    o.gtol = 1e-10;
    o.keep_path = keep_path;
    o.line_search = counted(meter, what, iterations);
    return optim::bfgs(ch2::make_objective(t.train), x0, o);
}

// A start where BFGS stops at once although f is far from 0 is a saturated start: say so. (Not
// after a run of zero iterations, nor after a non-finite f: neither says anything of ∇f.)
std::string saturation_note(const optim::BfgsResult& r) {
    if (r.iterations() > 0 || !(r.f >= 1e-6) || r.stop == optim::StopReason::max_iterations ||
        r.stop == optim::StopReason::diverged)
        return "";
    return " at the start, where ‖∇f‖∞ = " + table::sci(optim::max_abs(r.grad), 1) + " although f = " +
           table::sig(r.f) + ": the units are saturated and the gradient vanishes, so no method can move from there";
}

struct Curve {
    std::string method;                // as in the table: "BFGS (strong Wolfe)"
    std::string name;                  // as in the legend: "BFGS"
    std::vector<double> train, test;   // f at iterations 0 … train.size() − 1
    std::string stopped;               // why it stopped
};

// f on the test set along a path of iterates.
std::vector<double> test_curve(const ch2::TeacherData& t, const std::vector<Vec>& path) {
    std::vector<double> test;
    for (const Vec& x : path) test.push_back(ch2::objective(ch2::unpack(x), t.test));
    return test;
}

// On the meter: the run's iterations as they are taken, then the rest of its planned work
// (run_size.hpp) at once, the test curve and the iterations it did not need included.
Curve bfgs_curve(const ch2::TeacherData& t, const Vec& x0, int iterations, workload::Meter& meter) {
    const auto r = train_bfgs(t, x0, iterations, true, meter, "BFGS from the student's start");
    Curve c{"BFGS (strong Wolfe)", "BFGS", {}, test_curve(t, r.path), r.reason + saturation_note(r)};
    for (const auto& it : r.history) c.train.push_back(it.f);
    meter.advance(ch2::bfgs_work(static_cast<std::size_t>(iterations)) -
                  static_cast<double>(r.evaluations - 1) * ch2::kTrainSamples, "BFGS: " + c.stopped);
    return c;
}

Curve gradient_descent_curve(const ch2::TeacherData& t, const Vec& x0, double lr, int iterations,
                             workload::Meter& meter) {
    const optim::Objective f = ch2::make_objective(t.train);
    int k = 0;
    const optim::Objective counted = [&](const Vec& x, Vec& g) {
        const double fx = f(x, g);
        meter.advance(ch2::kTrainSamples, "gradient descent: iteration " + std::to_string(k++) + " of " +
                                              std::to_string(iterations));
        return fx;
    };
    const auto r = ch2::gradient_descent(counted, x0, lr, iterations);
    Curve c{"gradient descent, lr " + table::param(lr), "gradient descent", r.f, test_curve(t, r.path), r.reason};
    meter.advance(ch2::descent_work(static_cast<std::size_t>(iterations)) - k * static_cast<double>(ch2::kTrainSamples),
                  "gradient descent: " + c.stopped);
    return c;
}

// Entry k of a curve, or NaN (an empty cell, a "—" in a table) past its end.
double value_at(const std::vector<double>& v, std::size_t k) { return k < v.size() ? v[k] : std::nan(""); }
double last_value(const std::vector<double>& v) { return v.empty() ? std::nan("") : v.back(); }

// Columns iteration, then train and test f of each curve; a curve's cells are empty after it
// has stopped.
void save_training(const fs::path& out, const std::vector<Curve>& curves) {
    csv::Writer training({"iteration", "bfgs_train", "bfgs_test", "gd_train", "gd_test"});
    std::size_t rows = 0;
    for (const auto& c : curves) rows = std::max(rows, c.train.size());
    for (std::size_t k = 0; k < rows; ++k) {
        std::vector<std::string> row{std::to_string(k)};
        for (const auto& c : curves) {
            row.push_back(csv::num(value_at(c.train, k)));
            row.push_back(csv::num(value_at(c.test, k)));
        }
        training.row(row);
    }
    training.save(out / "training.csv");
    plot::LinePlot fig;
    fig.title = "Training the 62-weight network on teacher data";
    fig.xlabel = "iteration";
    fig.ylabel = "f (mean squared error)";
    fig.log_y = true;
    for (const auto& c : curves)
        for (bool test : {false, true}) {
            plot::Series s;
            s.label = c.name + (test ? ", test" : ", train");
            s.y = test ? c.test : c.train;
            for (std::size_t k = 0; k < s.y.size(); ++k) s.x.push_back(static_cast<double>(k));
            s.markers = false;
            s.dashed = test;
            fig.series.push_back(s);
        }
    plot::save(out / "training.svg", plot::to_svg(fig));
}

std::vector<Curve> training_experiment(const Options& o, const ch2::TeacherData& t, const fs::path& out,
                                       workload::Meter& meter) {
    const Vec x0 = ch2::pack(student_start(o.seed, o.init_scale));
    std::vector<Curve> curves{bfgs_curve(t, x0, o.iterations, meter), gradient_descent_curve(t, x0, o.lr, o.iterations, meter)};
    save_training(out, curves);
    return curves;
}

table::Text training_table(const std::vector<Curve>& curves) {
    table::Text t({"method", "iterations", "train f (start)", "train f (end)", "test f (end)"});
    for (const auto& c : curves)
        t.add({c.method, std::to_string(c.train.empty() ? 0 : c.train.size() - 1), table::sci(value_at(c.train, 0), 3),
               table::sci(last_value(c.train), 3), table::sci(last_value(c.test), 3)});
    return t;
}

// ---------------------------------------------------------------------------------------------
// BFGS from several random starts: the problem is not convex.

std::string multi_start_experiment(const Options& o, const ch2::TeacherData& t, const fs::path& out,
                                   workload::Meter& meter) {
    csv::Writer starts({"start", "iterations", "train_f", "test_f", "stopped"});
    int found_teacher = 0, finite = 0;
    double best_test = 0, worst_test = 0;
    constexpr int kIterations = static_cast<int>(ch2::kStartIterations);
    for (int k = 0; k < o.starts; ++k) {
        const std::string what = "random start " + std::to_string(k + 1) + " of " + std::to_string(o.starts);
        const auto r = train_bfgs(t, ch2::pack(student_start(o.seed, o.init_scale, k)), kIterations, false, meter, what);
        const double test_f = ch2::objective(ch2::unpack(r.x), t.test);
        starts.row({std::to_string(k), std::to_string(r.iterations()), csv::num(r.f), csv::num(test_f), r.reason});
        meter.advance(ch2::start_work() - static_cast<double>(r.evaluations - 1) * ch2::kTrainSamples, what + ": done");
        if (!std::isfinite(test_f)) continue;
        found_teacher += test_f < 1e-12;
        best_test = finite ? std::min(best_test, test_f) : test_f;
        worst_test = finite ? std::max(worst_test, test_f) : test_f;
        ++finite;
    }
    starts.save(out / "starts.csv");
    const std::string head =
        "BFGS from " + std::to_string(o.starts) + " random starts (" + std::to_string(kIterations) + " iterations at most): ";
    if (finite == 0) return head + "none gives a finite f (see starts.csv).";
    return head + std::to_string(found_teacher) + " reach the teacher (test f < 1e-12); test f from " +
           table::sci(best_test, 3) + " to " + table::sci(worst_test, 3) + "." +
           (finite < o.starts ? " " + std::to_string(o.starts - finite) + " diverged (see starts.csv)." : "");
}

// ---------------------------------------------------------------------------------------------
// Standard output and summary.md.

// One line per method: why it stopped. `bullet` makes them a Markdown list.
std::string stop_lines(const std::vector<Curve>& curves, const std::string& bullet = "") {
    std::string s;
    for (const auto& c : curves) s += bullet + c.name + " stopped: " + c.stopped + "\n";
    return s;
}

summary::Summary chapter_summary(const Options& o, const table::Text& check, const table::Text& training,
                                 const std::string& stops, const std::string& starts_line) {
    summary::Summary s;
    s.title = "Chapter 2 — the two-hidden-layer network of 000 §3";
    s.sources = "000 §3 (the network with computed biases h0 and H0, and its derivatives)";
    s.setup = "150 training and 50 test samples, y ~ N(0, I₆), targets from a teacher network of the same "
              "architecture (its weights in `teacher.json`, the data in `data.csv`), seed " + std::to_string(o.seed) +
              ". The student starts from weights N(0, " + table::param(o.init_scale) + "²). The report trains "
              "nothing here; the teacher reaches f = 0.";
    s.headline = check;
    s.headline_notes = "Norm-wise relative error of each weight block's gradient against central differences, at "
                       "the student's start and at a saturated point (weights N(0, 3²)). The full gradient (every "
                       "path through the computed biases h0 and H0) agrees to rounding; the report's simplified "
                       "gradient is exact for W3 and for rows 2–4 of W2, and wrong for W2's first row and for W1.";
    s.figures = {{"gradient_check.svg", "The gradient check: relative error per weight block, full and simplified "
                                        "gradient, at the start and at the saturated point"},
                 {"training.svg", "f on the training and the test set along BFGS and gradient descent from the "
                                  "same start"}};
    s.sections = {{"Training on teacher data", training.markdown() + "\n" + stops + "\n" + starts_line}};
    return s;
}

int run(const Options& o, const fs::path& out, const std::string& command, double planned_work) {
    const ch2::TeacherData t = ch2::make_teacher_data(o.seed);
    workload::Meter meter(planned_work);
    write_data(out, t);
    const table::Text check = gradient_check_experiment(o, t, out);
    meter.advance(ch2::gradient_check_work(), "gradient check");
    const std::vector<Curve> curves = training_experiment(o, t, out, meter);
    const std::string starts_line = multi_start_experiment(o, t, out, meter);
    meter.finish();
    const table::Text training = training_table(curves);
    std::cout << "Gradient check (norm-wise relative error against central differences):\n"
              << check.aligned() << "\nTraining from the same start (x0 = " << table::param(o.init_scale)
              << "·N(0, 1), seed " << o.seed << "):\n"
              << training.aligned() << stop_lines(curves) << starts_line << "\n";
    summary::Summary s = chapter_summary(o, check, training, stop_lines(curves, "- "), starts_line);
    s.command = command;
    summary::save(out / "summary.md", s);
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
    flags.add("iterations", o.iterations, "iterations of BFGS and of gradient descent", cli::between(0, 1e9));
    flags.add("init-scale", o.init_scale, "the student starts from weights N(0, scale²)", cli::positive());
    flags.add("lr", o.lr, "learning rate η of gradient descent", cli::positive());
    flags.add("starts", o.starts, "random starts for the BFGS multi-start table", cli::between(1, 1e6));
    flags.add("dump-gradient", o.dump_gradient,
              "write y, z, W1, W2, W3, f, dW1, dW2, dW3 (the full gradient at the start) as JSON to this file, "
              "and do nothing else");
    flags.add("allow-large", o.allow_large,
              "run even when the estimated work exceeds " + workload::duration_text(ch2::kLimitSeconds) +
                  " or the memory " + workload::bytes_text(ch2::kLimitBytes) + " (see the chapter README, Large runs)");
    return cli::run(flags, argc, argv, [&] {
        if (!o.dump_gradient.empty()) return dump_gradient(o);
        const workload::Estimate size = ch2::estimate({static_cast<std::size_t>(o.iterations), static_cast<std::size_t>(o.starts)});
        workload::check(size, ch2::size_bounds(), o.allow_large);
        files::ResultFolder folder(o.out);   // every flag and the size have been checked; chapter 2 reads no data
        const int status = run(o, folder.path(), flags.command_line(), size.work);
        folder.publish();
        return status;
    });
}
