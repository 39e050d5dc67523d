// Tests of common/csv.hpp: exact round trips out, clear errors in.
#include "common/csv.hpp"

#include <cmath>
#include <limits>

#include "common/random.hpp"
#include "testing.hpp"

TEST_CASE(numbers_round_trip_exactly) {
    Rng r(1);
    csv::Writer w({"a", "b"});
    std::vector<std::vector<double>> values;
    for (int i = 0; i < 200; ++i) {
        const double a = r.normal() * std::pow(10.0, r.uniform(-300, 300));
        const double b = r.uniform();
        values.push_back({a, b});
        w.row({csv::num(a), csv::num(b)});
    }
    values.push_back({std::numeric_limits<double>::denorm_min(), -0.0});
    w.row({csv::num(values.back()[0]), csv::num(values.back()[1])});
    const auto t = csv::parse_numeric(w.str(), "memory");
    CHECK(t.header == (std::vector<std::string>{"a", "b"}));
    CHECK_EQ(t.rows.size(), values.size());
    bool exact = true;
    for (std::size_t i = 0; i < values.size(); ++i)
        exact = exact && t.rows[i][0] == values[i][0] && t.rows[i][1] == values[i][1];
    CHECK(exact);
    CHECK_EQ(csv::num(0.1), std::string("0.1"));
}

TEST_CASE(non_finite_numbers_become_empty_cells) {
    CHECK_EQ(csv::num(NAN), std::string(""));
    CHECK_EQ(csv::num(INFINITY), std::string(""));
    csv::Writer w({"x", "label"});
    w.row({csv::num(-INFINITY), "a, \"b\""});
    CHECK_EQ(w.str(), std::string("x,label\n,\"a, \"\"b\"\"\"\n"));
}

TEST_CASE(comments_blank_lines_spaces_and_crlf_are_accepted) {
    const auto t = csv::parse_numeric("# the six samples\r\ny1, y2\r\n\r\n1.5, -2\r\n# mid\n+3,4e-2\n", "f.csv");
    CHECK_EQ(t.rows.size(), 2u);
    CHECK_EQ(t.rows[0][1], -2.0);
    CHECK_EQ(t.rows[1][0], 3.0);
    CHECK_EQ(t.rows[1][1], 0.04);
    CHECK_EQ(t.column("y2"), 1u);
    CHECK_THROWS(t.column("y3"), DataError, "no column 'y3'");
}

TEST_CASE(malformed_cells_name_file_line_and_column) {
    CHECK_THROWS(csv::parse_numeric("a,b\n1,2\n3,abc\n", "data.csv"), DataError,
                 "data.csv:3, column 2 (b): 'abc' is not a number");
    CHECK_THROWS(csv::parse_numeric("a,b\n1,nan\n", "d.csv"), DataError,
                 "d.csv:2, column 2 (b): 'nan' is not a finite number");
    CHECK_THROWS(csv::parse_numeric("a,b\n1e999,1\n", "d.csv"), DataError, "not a finite number");
    CHECK_THROWS(csv::parse_numeric("a,b\n1,2,3\n", "d.csv"), DataError, "d.csv:2: 3 cells, expected 2");
    CHECK_THROWS(csv::parse_numeric("a,b\n1,\n", "d.csv"), DataError, "empty cell");
    CHECK_THROWS(csv::parse_numeric("a,b\n1.5.2,1\n", "d.csv"), DataError, "'1.5.2' is not a number");
    CHECK_THROWS(csv::parse_numeric("# only a comment\n", "d.csv"), DataError, "no header line");
    CHECK_THROWS(csv::parse_numeric("a,,b\n", "d.csv"), DataError, "empty column name");
}

TEST_CASE(every_truncation_is_parsed_or_rejected_cleanly) {
    // Cutting a valid file anywhere gives either a consistent shorter table (a cut header is a
    // header with fewer columns) or a DataError; never a crash or another exception.
    const std::string text = "x,y,z\n0.25,1e-3,-7\n1,2,3\n";
    for (std::size_t n = 0; n <= text.size(); ++n) {
        bool clean = true;
        try {
            const auto t = csv::parse_numeric(text.substr(0, n), "cut.csv");
            clean = t.rows.size() <= 2;
            for (const auto& row : t.rows) clean = clean && row.size() == t.header.size();
        } catch (const DataError&) {
        } catch (...) {
            clean = false;
        }
        CHECK(clean);
    }
}

TEST_CASE(files_are_written_and_read_back) {
    const auto dir = testing::scratch_dir("csv_files");
    csv::Writer w({"iteration", "f"});
    w.row({"0", csv::num(0.5)});
    w.save(dir / "h.csv");
    const auto t = csv::read_numeric(dir / "h.csv");
    CHECK_EQ(t.rows.size(), 1u);
    CHECK_EQ(t.rows[0][1], 0.5);
    CHECK_THROWS(csv::read_numeric(dir / "missing.csv"), IoError, "missing.csv");
}

TEST_CASE(thousands_of_random_mutations_are_parsed_or_rejected_cleanly) {
    // 5000 seeded mutations of the chapter-1 data file — bit flips, inserted and deleted bytes,
    // repeated and cut stretches, stray commas, quotes and NUL bytes: each parse must give a
    // consistent table or a DataError naming the file; nothing else (run under ASan/UBSan by
    // `make sanitize`).
    const std::string valid = files::read_all(files::datasets_dir() / "single_layer.csv");
    Rng rng(2024);
    int rejected = 0, accepted = 0;
    bool clean = true;
    for (int trial = 0; trial < 5000; ++trial) {
        std::string text = valid;
        const int edits = 1 + static_cast<int>(rng.below(4));
        for (int e = 0; e < edits && !text.empty(); ++e) {
            const std::size_t pos = rng.below(text.size());
            switch (rng.below(6)) {
                case 0: text[pos] = static_cast<char>(text[pos] ^ (1 << rng.below(8))); break;  // bit flip
                case 1: text.insert(pos, 1, static_cast<char>(rng.below(256))); break;          // new byte
                case 2: text.erase(pos, 1 + rng.below(8)); break;                               // cut
                case 3: text.insert(pos, text.substr(pos, 1 + rng.below(40))); break;           // repeat
                case 4: text.insert(pos, 1, ",\"\n\0"[rng.below(4)]); break;                    // separators
                case 5: text.resize(pos); break;                                                // truncate
            }
        }
        try {
            const auto t = csv::parse_numeric(text, "mutant.csv");
            for (const auto& row : t.rows) {
                clean = clean && row.size() == t.header.size();
                for (double v : row) clean = clean && std::isfinite(v);
            }
            ++accepted;
        } catch (const DataError& e) {
            clean = clean && std::string(e.what()).rfind("mutant.csv", 0) == 0;
            ++rejected;
        } catch (...) {
            clean = false;
        }
    }
    std::fprintf(stderr, "  %d mutants rejected with a DataError, %d parsed to a consistent table\n", rejected, accepted);
    CHECK(clean);
    CHECK_LT(1000, rejected);   // the mutations do reach the error paths
}

TEST_CASE(every_file_the_writer_produces_reads_back) {
    // Header cells with commas, quotes and line breaks are quoted by the writer and read back
    // by the reader unchanged; numbers round-trip exactly.
    csv::Writer w({"x^2*y^1", "a,b", "say \"hi\"", "two\nlines"});
    w.row({csv::num(0.1), csv::num(-2e-300), csv::num(1.0 / 3), "7"});
    const auto t = csv::parse_numeric(w.str(), "w.csv");
    CHECK((t.header == std::vector<std::string>{"x^2*y^1", "a,b", "say \"hi\"", "two\nlines"}));
    CHECK_EQ(t.rows.size(), 1u);
    CHECK_EQ(t.rows[0][0], 0.1);
    CHECK_EQ(t.rows[0][1], -2e-300);
    CHECK_EQ(t.rows[0][2], 1.0 / 3);
    CHECK_EQ(t.rows[0][3], 7.0);
    const auto q = csv::parse_numeric("x\n\"7\"\n", "q.csv");
    CHECK_EQ(q.rows[0][0], 7.0);   // a quoted number is a number
}

TEST_CASE(byte_order_marks_repeated_names_and_open_quotes_are_named) {
    CHECK_THROWS(csv::parse_numeric("\xEF\xBB\xBFx,y\n1,2\n", "bom.csv"), DataError,
                 "bom.csv:1: the file starts with a UTF-8 byte-order mark (BOM)");
    CHECK_THROWS(csv::parse_numeric("x,y,x\n1,2,3\n", "dup.csv"), DataError,
                 "dup.csv:1: column name 'x' appears twice (columns 1 and 3)");
    CHECK_THROWS(csv::parse_numeric("x,y\n\"1,2\n", "open.csv"), DataError, "open.csv:2: a quoted cell is never closed");
    CHECK_THROWS(csv::parse_numeric("x\n\"1\"2\n", "after.csv"), DataError, "after.csv:2: text after the closing quote");
    CHECK_THROWS(csv::parse_numeric("x\n\x01\xff\n", "bin.csv"), DataError, "'\\x01\\xFF' is not a number");
}
