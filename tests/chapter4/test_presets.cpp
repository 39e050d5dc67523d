// Tests of chapter 4's presets (presets.hpp) and command line (options.hpp): the help states
// exactly the values that the program uses, the program uses exactly the table's values, a flag
// replaces one value and no other, and the README's copy of the table is the table.
#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "chapters/chapter4_mnist_softmax/options.hpp"
#include "chapters/chapter4_mnist_softmax/presets.hpp"
#include "common/files.hpp"
#include "common/table.hpp"
#include "testing.hpp"

using namespace ch4;

namespace {

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> w;
    for (std::string s; in >> s;) w.push_back(s);
    return w;
}

std::string help_text() {
    Options o;
    return make_flags(o).usage();
}

// The line of the help text that starts (after its indent) with `start`.
std::string help_line(const std::string& start) {
    std::istringstream in(help_text());
    for (std::string line; std::getline(in, line);)
        if (line.find_first_not_of(' ') != std::string::npos && line.substr(line.find_first_not_of(' ')).rfind(start, 0) == 0)
            return line;
    return "";
}

Options parsed(std::vector<std::string> args) {
    args.insert(args.begin(), "chapter4");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    Options o;
    cli::Flags flags = make_flags(o);
    flags.parse(static_cast<int>(argv.size()), argv.data());
    read_hyper_parameter_flags(o, flags);
    return o;
}

bool equal(const HyperParameters& a, const HyperParameters& b) {
    return a.eta == b.eta && a.omega == b.omega && a.decay == b.decay && a.lambda == b.lambda &&
           a.batch == b.batch && a.epochs == b.epochs;
}

}  // namespace

// The rows of the help's preset table: the lines that start with a preset's name.
std::vector<std::vector<std::string>> help_table_rows() {
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(help_text());
    for (std::string line; std::getline(in, line);)
        if (line.rfind("default ", 0) == 0 || line.rfind("report ", 0) == 0) rows.push_back(words(line));
    return rows;
}

// Each row of the help's preset table names a preset and a model and then, in the order of the
// flags in its heading, the values of kPresets, as the user would type them (%g).
TEST_CASE(help_states_every_preset_value_of_the_table) {
    const std::vector<std::vector<std::string>> rows = help_table_rows();
    CHECK_EQ(rows.size(), kPresets.size());
    for (std::size_t r = 0; r < std::min(rows.size(), kPresets.size()); ++r) {
        const std::vector<std::string>& w = rows[r];
        const PresetRow& row = kPresets[r];
        CHECK_EQ(w.size(), 2 + kColumns.size());
        if (w.size() != 2 + kColumns.size()) continue;
        CHECK_EQ(w[0], std::string(row.preset));
        CHECK_EQ(w[1], std::string(row.model));
        for (std::size_t k = 0; k < kColumns.size(); ++k) {
            char typed[32];
            std::snprintf(typed, sizeof typed, "%g", value_of(row.values, kColumns[k]));
            CHECK_EQ(w[2 + k], std::string(typed));
        }
    }
    // The heading names each hyper-parameter's flag, in the same order.
    const std::vector<std::string> heading = words(help_line("preset "));
    std::size_t at = 0;
    for (const HyperParameterColumn& c : kColumns) {
        while (at < heading.size() && heading[at] != "--" + std::string(c.flag)) ++at;
        CHECK_LT(at, heading.size());
    }
}

// A hyper-parameter flag states no default of its own (which would hold for one preset and model
// only): its line says that the preset's value applies, and carries no number but its range.
TEST_CASE(hyper_parameter_flags_state_no_default_of_their_own) {
    for (const HyperParameterColumn& c : kColumns) {
        const std::string line = help_line("--" + std::string(c.flag) + " ");
        CHECK(line.find("default: the preset's") != std::string::npos);
        CHECK(line.find("(default ") == std::string::npos);
    }
}

// Without flags the program trains with the table's values; each flag replaces its value only.
TEST_CASE(the_program_uses_the_table_and_each_flag_replaces_one_value) {
    for (const PresetRow& row : kPresets) {
        const Options o = parsed({"--preset", row.preset});
        CHECK(equal(hyper_parameters(o, row.model), row.values));
    }
    const Options o = parsed({"--preset", "report", "--lr", "0.25", "--epochs", "7"});
    HyperParameters expected = kReport;
    expected.eta = 0.25;
    expected.epochs = 7;
    CHECK(equal(hyper_parameters(o, "mlp"), expected));
    CHECK(equal(hyper_parameters(o, "logistic"), expected));
    CHECK_THROWS(parsed({"--batch", "0"}), UsageError, "--batch: 0 is out of range (must be in [1, 60000])");
    CHECK_THROWS(parsed({"--momentum", "1"}), UsageError, "--momentum: 1 is out of range (must be in [0, 1))");
    CHECK_THROWS(parsed({"--lambda", "x"}), UsageError, "--lambda: 'x' is not a number");
}

// The chapter's README quotes the table: its copy is the table as summary.md and the help print it.
TEST_CASE(the_readme_quotes_the_table) {
    const std::string readme = files::read_all(files::source_dir() / "chapters/chapter4_mnist_softmax/README.md");
    const std::string table = preset_table().markdown();
    if (readme.find(table) == std::string::npos) std::fprintf(stderr, "the README should contain:\n%s", table.c_str());
    CHECK(readme.find(table) != std::string::npos);
}
