// Tests of common/table.hpp and common/progress.hpp: what the user reads on the terminal.
#include "common/progress.hpp"
#include "common/table.hpp"

#include <cmath>

#include "testing.hpp"

TEST_CASE(fmt_never_prints_nan) {
    CHECK_EQ(table::fmt("%.3f", 1.23456), std::string("1.235"));
    CHECK_EQ(table::fmt("%.3f", NAN), std::string("—"));
    CHECK_EQ(table::fmt("%g", -INFINITY), std::string("—"));
}

TEST_CASE(aligned_table_pads_by_characters_not_bytes) {
    table::Text t({"run", "‖∇f‖"});
    t.add({"μ=1e-4", "0.5"});
    t.add({"long name", "12.25"});
    const std::string s = t.aligned();
    CHECK_EQ(s, std::string("run         ‖∇f‖\n"
                            "---------  -----\n"
                            "μ=1e-4       0.5\n"
                            "long name  12.25\n"));
    CHECK_EQ(t.markdown(), std::string("| run | ‖∇f‖ |\n|---|---|\n| μ=1e-4 | 0.5 |\n| long name | 12.25 |\n"));
    CHECK_THROWS(t.add({"one cell"}), std::logic_error, "wrong width");
}

TEST_CASE(progress_prints_a_line_per_quarter_off_terminal) {
    std::FILE* f = std::tmpfile();
    CHECK(f != nullptr);
    {
        Progress p("grid", 100, f);
        for (int i = 0; i < 100; ++i) p.step(1, "mse 0.04");
    }
    std::rewind(f);
    int lines = 0;
    char buf[256];
    std::string last;
    while (std::fgets(buf, sizeof buf, f)) {
        ++lines;
        last = buf;
    }
    std::fclose(f);
    CHECK_EQ(lines, 4);
    CHECK(last.rfind("grid 100/100", 0) == 0);
    CHECK(last.find("mse 0.04") != std::string::npos);
}

TEST_CASE(timer_measures_elapsed_time) {
    Timer t;
    double x = 0;
    for (int i = 0; i < 2000000; ++i) x += std::sqrt(static_cast<double>(i));
    const double s = t.seconds();
    CHECK(s > 0 && s < 60);
    CHECK(x > 0);
    CHECK_LE(s, t.seconds());   // monotone
}

TEST_CASE(one_format_per_kind_of_number) {
    CHECK_EQ(table::fixed(0.044873, 4), std::string("0.0449"));
    CHECK_EQ(table::sig(2.3456e-31), std::string("2.35e-31"));
    CHECK_EQ(table::sci(0.000123, 2), std::string("1.23e-04"));
    CHECK_EQ(table::param(1e-4), std::string("0.0001"));
    CHECK_EQ(table::percent(0.98114), std::string("98.11 %"));
    CHECK_EQ(table::percent(0.5, 1), std::string("50.0 %"));
    CHECK_EQ(table::change(0.0012), std::string("+0.1 %"));
    CHECK_EQ(table::change(-0.25), std::string("-25.0 %"));
    CHECK_EQ(table::seconds(12.34), std::string("12.3 s"));
    CHECK_EQ(table::seconds(0.171), std::string("0.17 s"));
    CHECK_EQ(table::seconds(0.042), std::string("42.0 ms"));
    CHECK_EQ(table::seconds(0.0042), std::string("4.20 ms"));
    for (double bad : {NAN, INFINITY})
        for (const std::string& s : {table::fixed(bad, 2), table::sig(bad), table::sci(bad), table::percent(bad),
                                     table::change(bad), table::seconds(bad)})
            CHECK_EQ(s, std::string("—"));
}
