// bench.cpp — times chapter 3's default experiments (experiments.hpp, optimizer_comparison.hpp)
// one by one, on one thread, and prints the times. Writes no file; `make bench` runs it.

#include <cstddef>
#include <iostream>
#include <string>

#include "chapters/chapter3_sgd_ridge/experiments.hpp"
#include "chapters/chapter3_sgd_ridge/optimizer_comparison.hpp"
#include "common/progress.hpp"
#include "common/table.hpp"

int main() {
    const Config c;   // the defaults: exactly what `make run` does
    table::Text t({"part", "seconds", "what"});
    double total = 0;
    auto timed = [&](const std::string& part, const std::string& what, auto&& work) {
        Timer timer;
        work();
        const double s = timer.seconds();
        total += s;
        t.add({part, table::fixed(s, 3), what});
    };
    const std::string K = std::to_string(c.folds) + "-fold CV";
    const std::string epochs = std::to_string(c.epochs) + " epochs";

    FrankeData data;
    timed("data", std::to_string(c.n) + " Franke points", [&] { data = make_franke_data(c.n, c.seed, c.sigma); });
    const TrainingPoints training = training_points(data);
    const Folds folds = training_folds(training.size(), c);
    timed("Franke itself", "its test scores, bootstrap", [&] { (void)franke_itself_scores(data, c); });
    std::vector<ClosedFormFit> fits;
    const std::string designs = "2 bases × " + std::to_string(c.max_degree) + " degrees";
    timed("closed form: search", designs + ": κ, " + K + " of " + std::to_string(1 + c.lambdas.size()) + " fits",
          [&] { fits = closed_form_search(training, folds, c); });
    timed("closed form: fits", designs + " × " + std::to_string(1 + c.lambdas.size()) + " fits, bootstrap",
          [&] { closed_form_fits(data, fits, c); });
    Design design;
    timed("SGD design", c.sgd_basis + " basis, degree " + std::to_string(c.sgd_degree) + ", κ",
          [&] { design = sgd_design(data, c); (void)condition_number(design.X_train); });
    for (bool ridge : {false, true}) {
        const std::string grid = ridge ? "SGD Ridge grid" : "SGD OLS grid";
        const std::vector<SgdOptions> settings = ridge ? sgd_ridge_settings(c) : sgd_ols_settings(c);
        const std::string runs = std::to_string(settings.size()) + " settings × ";
        Vector cv;
        timed(grid + ": CV", runs + K + " × " + epochs, [&] { cv = sgd_grid_search(training, folds, settings, c, grid); });
        timed(grid, runs + epochs + ", scored", [&] { (void)sgd_grid(design, settings, cv, c, grid); });
    }
    timed("momentum", "3 runs × " + epochs, [&] { (void)momentum_curves(design, c); });
    std::vector<OptimizerCandidate> search;
    timed("optimisers: CV", std::to_string(optimizer_candidates(c).size()) + " settings × " + K + " × " + epochs,
          [&] { search = optimizer_search(training, folds, c); });
    timed("optimisers: runs", "10 chosen runs × " + epochs + ", β* and distances",
          [&] { (void)optimizer_runs(design, exact_optimum(design), search, c); });
    t.add({"total", table::fixed(total, 3), "the whole chapter"});
    std::cout << "chapter 3, default experiments (one thread):\n" << t.aligned();
    return 0;
}
