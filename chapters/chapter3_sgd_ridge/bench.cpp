// bench.cpp — times chapter 3's default experiments (experiments.hpp) one by one, on one
// thread, and prints the times. Writes no file; `make bench` runs it.

#include <cstddef>
#include <iostream>
#include <string>

#include "chapters/chapter3_sgd_ridge/experiments.hpp"
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

    FrankeData data;
    timed("data", std::to_string(c.n) + " Franke points", [&] { data = make_franke_data(c.n, c.seed, c.sigma); });
    timed("Franke itself", "its test scores, bootstrap", [&] { (void)franke_itself_scores(data, c); });
    timed("closed form", "2 bases × " + std::to_string(c.max_degree) + " degrees × " +
                             std::to_string(1 + c.lambdas.size()) + " fits, κ, bootstrap",
          [&] { (void)closed_form_fits(data, c); });
    Design design;
    timed("SGD design", c.sgd_basis + " basis, degree " + std::to_string(c.sgd_degree) + ", κ",
          [&] { design = sgd_design(data, c); (void)condition_number(design.X_train); });
    const std::size_t runs_ols = 2 * c.batch_sizes.size() * static_cast<std::size_t>(c.grid_points);
    const std::size_t runs_ridge = static_cast<std::size_t>(c.grid_points * c.grid_points);
    timed("SGD OLS grid", std::to_string(runs_ols) + " runs × " + std::to_string(c.epochs) + " epochs",
          [&] { (void)sgd_ols_grid(design, c); });
    timed("SGD Ridge grid", std::to_string(runs_ridge) + " runs × " + std::to_string(c.epochs) + " epochs",
          [&] { (void)sgd_ridge_grid(design, c); });
    timed("momentum", "3 runs × " + std::to_string(c.epochs) + " epochs", [&] { (void)momentum_curves(design, c); });
    t.add({"total", table::fixed(total, 3), "the whole chapter"});
    std::cout << "chapter 3, default experiments (one thread):\n" << t.aligned();
    return 0;
}
