// Tests of chapter 3's program as a whole: a small run writes every file the README lists, with
// their exact columns, the very data of the shared recipe, and no "nan" anywhere; a bad
// combination of flags is refused before anything is created.
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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
    CHECK_EQ(first_line(text), std::string("basis,degree,lambda,train_mse,test_mse,test_r2"));
    CHECK_EQ(lines(text), 1u + 2 * 3 * 4);   // 2 bases × 3 degrees × (OLS + 3 λ)
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    std::size_t ols = 0;
    while (std::getline(in, line)) {
        std::vector<std::string> cell;
        std::istringstream row(line);
        for (std::string c; std::getline(row, c, ',');) cell.push_back(c);
        CHECK_EQ(cell.size(), 6u);
        if (cell.size() != 6) continue;
        CHECK(cell[0] == "total" || cell[0] == "tensor");
        ols += cell[2] == "0";
        // Low degrees are well-conditioned, so every fit has numbers, and sensible ones: above the
        // noise level 0.04 give or take the sampling error of 50 test points, below var(z) ≈ 0.12.
        const double train = std::stod(cell[3]), test = std::stod(cell[4]), r2 = std::stod(cell[5]);
        CHECK(train > 0.02 && train < 0.12);
        CHECK(test > 0.02 && test < 0.12);
        CHECK(r2 > 0 && r2 < 1);
    }
    CHECK_EQ(ols, 6u);
}

TEST_CASE(every_output_file_is_written_and_none_shows_nan) {
    const std::vector<std::string> names = {
        "franke_data.csv", "closed_form.csv", "closed_form_bootstrap.csv", "condition_numbers.csv",
        "sgd_ols_grid.csv", "sgd_ridge_grid.csv", "momentum.csv", "summary.md",
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
    for (const char* text : {"| noise floor σ² (a perfect model, on average) | 0.0400 |",
                             "| Franke itself, on this test set | 0.04", "0.046, 0.63 (normal equations)",
                             "## SGD against the closed form", "## Condition numbers of the centred training designs",
                             "Written by `", "--grid-points 2"})
        CHECK(summary.find(text) != std::string::npos);
    const std::string out = files::read_all(dir.parent_path() / "stdout.txt");
    CHECK(out.rfind("model: lowest test MSE over the grid (chosen by test score; see the note)", 0) == 0);
    CHECK(out.find("SGD run (lowest test MSE of its grid)") != std::string::npos);
    for (const char* word : {"target", "verdict"}) CHECK(out.find(word) == std::string::npos);
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
