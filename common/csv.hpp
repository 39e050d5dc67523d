// csv.hpp — comma-separated tables: writing results, reading numeric data.
//
// Writing: csv::Writer collects a header and rows of cells and saves them atomically. Numbers
// are written with csv::num, the shortest text that reads back to the same double (exact round
// trip); a non-finite number becomes an empty cell, so no "nan" or "inf" ever reaches a file.
//
// Reading: csv::read_numeric parses a file whose first non-comment line is a header and whose
// other lines are finite numbers. Lines starting with '#' and blank lines are skipped. Any
// problem is a DataError naming file, line and column: a malformed or non-finite cell, a row
// with the wrong number of cells, a missing header.
#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "common/errors.hpp"
#include "common/files.hpp"

namespace csv {

// Shortest round-trip text of x ("0.1", "1e-05", "42"); "" for NaN and ±inf.
inline std::string num(double x) {
    if (!std::isfinite(x)) return "";
    char buf[32];
    auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, x);
    return ec == std::errc() ? std::string(buf, ptr) : std::string();
}

// A cell as it must appear in the file: quoted when it holds a comma, quote or line break.
inline std::string quote(const std::string& cell) {
    if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
    std::string q = "\"";
    for (char c : cell) q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

class Writer {
public:
    explicit Writer(std::vector<std::string> header) : columns_(header.size()) { add(header); }

    // One row; it must have as many cells as the header.
    void row(const std::vector<std::string>& cells) {
        if (cells.size() != columns_)
            throw std::logic_error("csv row has " + std::to_string(cells.size()) +
                                   " cells, header has " + std::to_string(columns_));
        add(cells);
    }

    const std::string& str() const { return text_; }
    void save(const std::filesystem::path& path) const { files::write_atomic(path, text_); }

private:
    void add(const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) text_ += (i ? "," : "") + quote(cells[i]);
        text_ += "\n";
    }
    std::size_t columns_;
    std::string text_;
};

// A numeric table: named columns, rows of finite numbers.
struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<double>> rows;

    // Index of a column by name; DataError when absent.
    std::size_t column(const std::string& name) const {
        for (std::size_t j = 0; j < header.size(); ++j)
            if (header[j] == name) return j;
        throw DataError("no column '" + name + "' in table");
    }
};

namespace detail {
inline std::vector<std::string_view> split_line(std::string_view line) {
    std::vector<std::string_view> cells;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = line.find(',', start);
        if (comma == std::string_view::npos) {
            cells.push_back(line.substr(start));
            return cells;
        }
        cells.push_back(line.substr(start, comma - start));
        start = comma + 1;
    }
}
inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}
}  // namespace detail

// Parse CSV text; `source` names it in error messages (usually the file path).
inline Table parse_numeric(std::string_view text, const std::string& source) {
    Table t;
    bool have_header = false;
    std::size_t line_no = 0, pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view line = detail::trim(text.substr(pos, end - pos));
        pos = end + 1;
        ++line_no;
        if (line.empty() || line.front() == '#') continue;
        const std::string where = source + ":" + std::to_string(line_no);
        const auto cells = detail::split_line(line);
        if (!have_header) {
            for (auto c : cells) {
                const auto name = detail::trim(c);
                if (name.empty()) throw DataError(where + ": empty column name in header");
                t.header.emplace_back(name);
            }
            have_header = true;
            continue;
        }
        if (cells.size() != t.header.size())
            throw DataError(where + ": " + std::to_string(cells.size()) + " cells, expected " +
                            std::to_string(t.header.size()) + " (as in the header)");
        std::vector<double> row(cells.size());
        for (std::size_t j = 0; j < cells.size(); ++j) {
            const auto cell = detail::trim(cells[j]);
            const char* b = cell.data();
            const char* e = b + cell.size();
            if (!cell.empty() && *b == '+') ++b;
            auto [ptr, ec] = std::from_chars(b, e, row[j]);
            const std::string at = where + ", column " + std::to_string(j + 1) + " (" +
                                   t.header[j] + "): ";
            if (cell.empty()) throw DataError(at + "empty cell");
            if (ec == std::errc::invalid_argument || ptr != e)
                throw DataError(at + "'" + std::string(cell) + "' is not a number");
            if (ec == std::errc::result_out_of_range || !std::isfinite(row[j]))
                throw DataError(at + "'" + std::string(cell) + "' is not a finite number");
        }
        t.rows.push_back(std::move(row));
    }
    if (!have_header) throw DataError(source + ": no header line (the file is empty)");
    return t;
}

// Read and parse a numeric CSV file: IoError when it cannot be read, DataError when malformed.
inline Table read_numeric(const std::filesystem::path& path) {
    return parse_numeric(files::read_all(path), path.string());
}

}  // namespace csv
