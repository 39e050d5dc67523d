// Tests of chapter 3's program as a whole: a small run writes every file the README lists, with
// their exact columns, the very data of the shared recipe, and no "nan" anywhere; a bad
// combination of flags, or a run beyond the bounds of run_size.hpp, is refused before anything is
// created; a large run is announced and reports from its first epoch.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "chapters/chapter3_sgd_ridge/design.hpp"
#include "common/csv.hpp"
#include "common/files.hpp"
#include "testing.hpp"

namespace {
// A quick run: 200 points, degrees 1–3, 2 × 2 grids of 30 epochs, 10 resamples. Each case runs
// it in its own folder (CTest may run the cases in parallel).
std::filesystem::path small_run(const std::string& name) {
    static const std::filesystem::path dir = [&] {
        const auto d = testing::scratch_dir("chapter3_" + name) / "out";
        const std::string cmd = std::string("\"") + CHAPTER3_PROGRAM + "\" --out \"" + d.string() +
                                "\" --n 200 --max-degree 3 --sgd-degree 3 --epochs 30 --grid-points 2 "
                                "--batch-sizes 10,0 --bootstrap 10 > \"" + (d.parent_path() / "stdout.txt").string() +
                                "\" 2> \"" + (d.parent_path() / "stderr.txt").string() + "\"";
        if (std::system(cmd.c_str()) != 0) std::fprintf(stderr, "command failed: %s\n", cmd.c_str());
        return d;
    }();
    return dir;
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

std::size_t lines(const std::string& text) {
    std::size_t n = 0;
    for (char ch : text) n += ch == '\n';
    return n;
}
}  // namespace

TEST_CASE(data_file_has_the_recipes_points_and_split) {
    const std::string text = files::read_all(small_run("data") / "franke_data.csv");
    CHECK_EQ(first_line(text), std::string("x,y,z,split"));
    CHECK_EQ(lines(text), 201u);
    const FrankeData d = make_franke_data(200, 2020);
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    std::size_t i = 0, train = 0;
    bool exact = true;
    while (std::getline(in, line)) {
        // Written with the shortest round-trip text, so it reads back bit for bit.
        exact = exact && line.rfind(csv::num(d.x[i]) + "," + csv::num(d.y[i]) + "," + csv::num(d.z[i]) + ",", 0) == 0;
        train += line.ends_with(",train");
        ++i;
    }
    CHECK(exact);
    CHECK_EQ(train, 150u);
}

TEST_CASE(closed_form_file_has_one_row_per_fit_with_its_columns) {
    const std::string text = files::read_all(small_run("closed_form") / "closed_form.csv");
    CHECK_EQ(first_line(text), std::string("basis,degree,lambda,train_mse,test_mse,test_r2,cv_mse,chosen_by_cv"));
    CHECK_EQ(lines(text), 1u + 2 * 3 * 4);   // 2 bases × 3 degrees × (OLS + 3 λ)
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    std::size_t ols = 0, chosen_ols = 0, chosen_ridge = 0;
    while (std::getline(in, line)) {
        std::vector<std::string> cell;
        std::istringstream row(line);
        for (std::string c; std::getline(row, c, ',');) cell.push_back(c);
        CHECK_EQ(cell.size(), 8u);
        if (cell.size() != 8) continue;
        CHECK(cell[0] == "total" || cell[0] == "tensor");
        ols += cell[2] == "0";
        // Low degrees are well-conditioned, so every fit has numbers, and sensible ones: above the
        // noise level 0.04 give or take the sampling error of 50 test points (or of 30 held-out
        // points per fold), below var(z) ≈ 0.12.
        const double train = std::stod(cell[3]), test = std::stod(cell[4]), r2 = std::stod(cell[5]);
        const double cv = std::stod(cell[6]);
        CHECK(train > 0.02 && train < 0.12);
        CHECK(test > 0.02 && test < 0.12);
        CHECK(cv > 0.02 && cv < 0.12);
        CHECK(r2 > 0 && r2 < 1);
        CHECK(cell[7] == "yes" || cell[7] == "no");
        (cell[2] == "0" ? chosen_ols : chosen_ridge) += cell[7] == "yes";
    }
    CHECK_EQ(ols, 6u);
    CHECK_EQ(chosen_ols, 1u);     // one OLS model chosen by CV …
    CHECK_EQ(chosen_ridge, 1u);   // … and one Ridge model
}

TEST_CASE(every_output_file_is_written_and_none_shows_nan) {
    const std::vector<std::string> names = {
        "franke_data.csv", "closed_form.csv", "closed_form_bootstrap.csv", "condition_numbers.csv",
        "sgd_ols_grid.csv", "sgd_ridge_grid.csv", "momentum.csv", "optimizer_search.csv", "optimizers.csv",
        "sgd_design.csv", "summary.md", "optimizers.svg",
        "closed_form_mse_total.svg", "closed_form_mse_tensor.svg", "closed_form_r2_total.svg",
        "closed_form_r2_tensor.svg", "sgd_ols_mse.svg", "sgd_ols_r2.svg", "sgd_ridge_mse.svg",
        "sgd_ridge_r2.svg", "momentum.svg"};
    for (const auto& name : names) {
        const auto path = small_run("files") / name;
        CHECK(std::filesystem::exists(path));
        if (!std::filesystem::exists(path)) continue;
        const std::string text = files::read_all(path);
        CHECK(text.find("nan") == std::string::npos);
        CHECK(text.find("inf,") == std::string::npos);
    }
    const std::string summary = files::read_all(small_run("files") / "summary.md");
    CHECK(summary.rfind("# Chapter 3 — SGD and Ridge regression on the Franke function", 0) == 0);
    CHECK(summary.find("![") != std::string::npos && summary.find("](momentum.svg)") != std::string::npos);
    // 2 schedules × 2 batch sizes × 2 η, and 2 λ × 2 η.
    CHECK_EQ(lines(files::read_all(small_run("files") / "sgd_ols_grid.csv")), 1u + 8);
    CHECK_EQ(lines(files::read_all(small_run("files") / "sgd_ridge_grid.csv")), 1u + 4);
}

// The headline tables compare, they do not judge: the report's numbers and the noise floor stand
// beside ours, each SGD run beside its closed form, and summary.md records the command line.
TEST_CASE(summary_shows_comparisons_and_the_command_line) {
    const auto dir = small_run("summary");
    const std::string summary = files::read_all(dir / "summary.md");
    for (const char* text : {"| noise floor σ² (a perfect model, on average) | — | 0.0400 |",
                             "| Franke itself, on this test set | — | 0.04", "0.046, 0.63 (normal equations)",
                             "## SGD against the closed form", "## Condition numbers of the centred training designs",
                             "## Five update rules against the exact optimum", "5-fold cross-validation on the 150 training points",
                             "Written by `", "--grid-points 2"})
        CHECK(summary.find(text) != std::string::npos);
    const std::string out = files::read_all(dir.parent_path() / "stdout.txt");
    CHECK(out.rfind("model (settings chosen by 5-fold CV on the training set)", 0) == 0);
    CHECK(out.find("SGD run (chosen by CV in its grid)") != std::string::npos);
    for (const char* word : {"target", "verdict"}) CHECK(out.find(word) == std::string::npos);
}

// optimizers.csv: exactly its columns, every update rule with mini-batches (10) and the whole
// training set (0), one row per epoch 0 … 30, the distance 1 at β₀ = 0 and below it at the end.
TEST_CASE(optimizers_file_has_every_rule_and_epoch) {
    const std::string text = files::read_all(small_run("optimizers") / "optimizers.csv");
    CHECK_EQ(first_line(text), std::string("optimizer,batch,eta,epoch,train_mse,distance_to_optimum"));
    CHECK_EQ(lines(text), 1u + 5 * 2 * 31);
    for (const char* rule : {"sgd", "momentum", "adagrad", "rmsprop", "adam"})
        for (const char* batch : {",10,", ",0,"})
            CHECK(text.find(std::string("\n") + rule + batch) != std::string::npos);
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    std::size_t starts = 0, ends = 0;
    while (std::getline(in, line)) {
        std::vector<std::string> cell;
        std::istringstream row(line);
        for (std::string c; std::getline(row, c, ',');) cell.push_back(c);
        CHECK_EQ(cell.size(), 6u);
        if (cell.size() != 6) continue;
        if (cell[3] == "0") starts += std::stod(cell[5]) == 1.0;
        if (cell[3] == "30") ends += std::stod(cell[5]) < 1.0;
    }
    CHECK_EQ(starts, 10u);
    CHECK_EQ(ends, 10u);
    const std::string search = files::read_all(small_run("optimizers") / "optimizer_search.csv");
    CHECK_EQ(first_line(search), std::string("optimizer,batch,eta,cv_mse,chosen_by_cv"));
    CHECK_EQ(lines(search), 1u + 5 * 2 * 4);   // 4 values of η per rule and batch size
}

// sgd_design.csv is the very problem the SGD runs solve: z, then one column per monomial named
// x^i*y^j, the centred training rows; it reads back with csv::read_numeric (no cell needs quotes),
// bit for bit.
TEST_CASE(sgd_design_file_is_the_training_design_and_reads_back_exactly) {
    const auto path = small_run("design") / "sgd_design.csv";
    CHECK(first_line(files::read_all(path)).find('"') == std::string::npos);
    const csv::Table t = csv::read_numeric(path);
    const Design D = make_design(make_franke_data(200, 2020), Basis::total, 3, false);
    std::vector<std::string> header = {"z"};
    for (const Monomial& m : D.terms) header.push_back("x^" + std::to_string(m.i) + "*y^" + std::to_string(m.j));
    CHECK(t.header == header);
    CHECK_EQ(t.header[1], std::string("x^1*y^0"));
    CHECK_EQ(t.rows.size(), D.X_train.rows);
    bool exact = t.rows.size() == D.X_train.rows;
    for (std::size_t r = 0; exact && r < t.rows.size(); ++r) {
        exact = t.rows[r][0] == D.z_train[r];
        for (std::size_t j = 0; j < D.X_train.cols; ++j) exact = exact && t.rows[r][j + 1] == D.X_train(r, j);
    }
    CHECK(exact);
}

// Each grid marks one run as chosen by CV, the one with the lowest CV MSE, and its heat maps
// outline that cell (not the cell of lowest test MSE).
TEST_CASE(grids_mark_the_cross_validated_choice) {
    for (const char* grid : {"sgd_ols", "sgd_ridge"}) {
        const std::string file = std::string(grid) + "_grid.csv";
        const std::string text = files::read_all(small_run("grids") / file);
        std::istringstream in(text);
        std::string line;
        std::getline(in, line);
        std::size_t yes = 0;
        double lowest = 1e300, chosen = -1;
        while (std::getline(in, line)) {
            std::vector<std::string> cell;
            std::istringstream row(line);
            for (std::string c; std::getline(row, c, ',');) cell.push_back(c);
            if (cell.size() < 17 || cell[15].empty()) continue;
            lowest = std::min(lowest, std::stod(cell[15]));
            if (cell[16] == "yes") {
                ++yes;
                chosen = std::stod(cell[15]);
            }
        }
        CHECK_EQ(yes, 1u);
        CHECK_EQ(chosen, lowest);
        for (const char* map : {"_mse.svg", "_r2.svg"}) {
            const std::string svg = files::read_all(small_run("grids") / (std::string(grid) + map));
            CHECK(svg.find("class=\"outlined\"") != std::string::npos);
            CHECK(svg.find("class=\"outlined\"", svg.find("class=\"outlined\"") + 1) == std::string::npos);
            CHECK(svg.find("class=\"best\"") == std::string::npos);
        }
    }
}

// Flags that contradict each other are found before the output folder, or any folder above it, is
// created: the run leaves nothing behind.
TEST_CASE(bad_flags_create_no_folder) {
    const auto scratch = testing::scratch_dir("chapter3_bad_flags");
    const auto out = scratch / "a" / "b" / "out";
    const std::string cmd = std::string("\"") + CHAPTER3_PROGRAM + "\" --out \"" + out.string() +
                            "\" --n 100 > /dev/null 2> \"" + (scratch / "stderr.txt").string() + "\"";
    CHECK(std::system(cmd.c_str()) != 0);
    CHECK(files::read_all(scratch / "stderr.txt").find("--max-degree 14 needs more than 224 training points") !=
          std::string::npos);
    CHECK(!std::filesystem::exists(scratch / "a"));
}

// ---------------------------------------------------------------------------------------------
// Work the user can foresee (run_size.hpp)

// A run beyond the hard bounds (a million epochs: about 2.1 h) is refused with exit status 2 and
// the flag that lifts the bound, before the output folder or any folder above it is created.
TEST_CASE(too_large_a_run_is_refused_before_any_folder_exists) {
    const auto scratch = testing::scratch_dir("chapter3_refused");
    const auto out = scratch / "a" / "b" / "out";
    const std::string cmd = std::string("\"") + CHAPTER3_PROGRAM + "\" --out \"" + out.string() +
                            "\" --epochs 1000000 > /dev/null 2> \"" + (scratch / "stderr.txt").string() + "\"";
    const int status = std::system(cmd.c_str());
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    const std::string err = files::read_all(scratch / "stderr.txt");
    CHECK(first_line(err).find("beyond the bound of 1.0 h") != std::string::npos);
    CHECK(first_line(err).find("or add --allow-large") != std::string::npos);
    CHECK(!std::filesystem::exists(scratch / "a"));
}

// A run far beyond the defaults (100,000 epochs at degree 2: about 13 min) says so on its first
// line, and every stage reports from its first step: the test waits for the first epoch of the
// SGD OLS grid's cross-validation, then stops the run with SIGINT, which publishes nothing.
TEST_CASE(large_run_is_announced_and_reports_from_its_first_epoch) {
    const auto scratch = testing::scratch_dir("chapter3_announced");
    const auto out = scratch / "out", err = scratch / "stderr.txt";
    const std::string cmd = "\"" + std::string(CHAPTER3_PROGRAM) + "\" --out \"" + out.string() +
                            "\" --max-degree 2 --epochs 100000 > /dev/null 2> \"" + err.string() +
                            "\" & pid=$!; i=0; while [ $i -lt 1200 ] && ! grep -q 'SGD OLS grid: 5-fold CV 1/' \"" +
                            err.string() + "\"; do sleep 0.1; i=$((i+1)); done; kill -INT $pid; wait $pid";
    const int status = std::system(cmd.c_str());
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 130);
    const std::string text = files::read_all(err);
    CHECK(first_line(text).rfind("chapter3: a large run: about 2.7e+12 multiply-adds (about 13 min at this code's "
                                 "measured rates) and about ", 0) == 0);
    CHECK(first_line(text).find("of memory; progress from the first epoch") != std::string::npos);
    const std::string second = first_line(text.substr(text.find('\n') + 1));
    CHECK(second.rfind("chapter3: closed form: κ and 5-fold CV 1/4  ", 0) == 0);
    CHECK(text.find("chapter3: SGD OLS grid: 5-fold CV 1/500000  ") != std::string::npos);
    CHECK(text.find("interrupted by SIGINT; no result was written") != std::string::npos);
    CHECK(!std::filesystem::exists(out));
}

// The quick run of the cases above is far below the notice bound: nothing is announced.
TEST_CASE(a_small_run_is_not_announced) {
    const std::string err = files::read_all(small_run("quiet").parent_path() / "stderr.txt");
    CHECK(err.find("a large run") == std::string::npos);
    CHECK(std::filesystem::exists(small_run("quiet") / "summary.md"));
}
