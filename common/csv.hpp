// csv.hpp — comma-separated tables: writing results, reading numeric data.
//
// Writing: csv::Writer collects a header and rows of cells and saves them atomically. Numbers
// are written with csv::num, the shortest text that reads back to the same double (exact round
// trip); a non-finite number becomes an empty cell, so no "nan" or "inf" ever reaches a file.
//
// Reading: csv::read_numeric parses a file whose first non-comment line is a header and whose
// other lines are finite numbers. Lines starting with '#' and blank lines are skipped. Any
// problem is a DataError naming file, line and column: a malformed or non-finite cell, a row
// with the wrong number of cells, a missing, empty or repeated column name, a byte-order mark.
// Quoted cells are read as csv::quote writes them, so every file the Writer produces reads back.
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

inline std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// One record of CSV text starting at `pos`: its cells (quotes removed, "" read as ") and where
// the next record starts. A quoted cell may hold commas, quotes and line breaks, as
// csv::quote writes them; `lines` counts the line breaks the record spans (for messages).
struct Record {
    std::vector<std::string> cells;
    std::size_t next = 0, lines = 1;
};

inline Record next_record(std::string_view text, std::size_t pos, const std::string& where) {
    Record r;
    std::string cell;
    bool is_quoted = false, in_quotes = false;
    auto end_cell = [&] {
        r.cells.push_back(is_quoted ? cell : std::string(trim(cell)));
        cell.clear();
        is_quoted = false;
    };
    for (; pos < text.size(); ++pos) {
        const char c = text[pos];
        if (in_quotes && c == '"' && pos + 1 < text.size() && text[pos + 1] == '"') {
            cell += '"';   // "" inside quotes is one quote
            ++pos;
        } else if (in_quotes && c == '"') {
            in_quotes = false;
        } else if (in_quotes) {
            cell += c;
            r.lines += c == '\n';
        } else if (c == '"' && trim(cell).empty()) {
            cell.clear();
            is_quoted = in_quotes = true;
        } else if (c == ',') {
            end_cell();
        } else if (c == '\n') {
            break;
        } else if (is_quoted && c != ' ' && c != '\t' && c != '\r') {
            throw DataError(where + ": text after the closing quote of a cell");
        } else if (!is_quoted) {
            cell += c;
        }
    }
    if (in_quotes) throw DataError(where + ": a quoted cell is never closed");
    end_cell();
    r.next = pos + 1;
    return r;
}

// The header: names that are neither empty nor repeated.
inline std::vector<std::string> header_of(const Record& r, const std::string& where) {
    for (std::size_t j = 0; j < r.cells.size(); ++j) {
        if (r.cells[j].empty()) throw DataError(where + ": empty column name in header");
        for (std::size_t k = 0; k < j; ++k)
            if (r.cells[k] == r.cells[j])
                throw DataError(where + ": column name " + quoted_text(r.cells[j]) + " appears twice (columns " +
                                std::to_string(k + 1) + " and " + std::to_string(j + 1) + ")");
    }
    return r.cells;
}

// One cell as a finite number.
inline double number_of(const std::string& cell, const std::string& at) {
    if (cell.empty()) throw DataError(at + "empty cell");
    const char* b = cell.data();
    const char* e = b + cell.size();
    if (*b == '+') ++b;
    double v = 0;
    auto [ptr, ec] = std::from_chars(b, e, v);
    if (ec == std::errc::invalid_argument || ptr != e) throw DataError(at + quoted_text(cell) + " is not a number");
    if (ec == std::errc::result_out_of_range || !std::isfinite(v))
        throw DataError(at + quoted_text(cell) + " is not a finite number in double precision");
    return v;
}

}  // namespace detail

// Parse CSV text; `source` names it in error messages (usually the file path).
inline Table parse_numeric(std::string_view text, const std::string& source) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF")
        throw DataError(source + ":1: the file starts with a UTF-8 byte-order mark (BOM); "
                                 "save it as UTF-8 without BOM");
    Table t;
    bool have_header = false;
    std::size_t line_no = 1, pos = 0;
    while (pos < text.size()) {
        const std::size_t eol = text.find('\n', pos);
        const auto line = detail::trim(text.substr(pos, eol == std::string_view::npos ? eol : eol - pos));
        const std::string where = source + ":" + std::to_string(line_no);
        if (line.empty() || line.front() == '#') {   // blank line or comment
            pos = eol == std::string_view::npos ? text.size() : eol + 1;
            ++line_no;
            continue;
        }
        const detail::Record r = detail::next_record(text, pos, where);
        pos = r.next;
        line_no += r.lines;
        if (!have_header) {
            t.header = detail::header_of(r, where);
            have_header = true;
            continue;
        }
        if (r.cells.size() != t.header.size())
            throw DataError(where + ": " + std::to_string(r.cells.size()) + " cells, expected " +
                            std::to_string(t.header.size()) + " (as in the header)");
        std::vector<double> row(r.cells.size());
        for (std::size_t j = 0; j < r.cells.size(); ++j)
            row[j] = detail::number_of(r.cells[j], where + ", column " + std::to_string(j + 1) + " (" +
                                                       t.header[j] + "): ");
        t.rows.push_back(std::move(row));
    }
    if (!have_header) throw DataError(source + ": no header line (the file is empty)");
    return t;
}

// CSV text as rows of text cells (header included), quoted cells read as the Writer writes them:
// for tables of names and captions (figures.csv) rather than numbers.
inline std::vector<std::vector<std::string>> parse_text(std::string_view text, const std::string& source) {
    std::vector<std::vector<std::string>> rows;
    std::size_t pos = 0, line_no = 1;
    while (pos < text.size()) {
        const detail::Record r = detail::next_record(text, pos, source + ":" + std::to_string(line_no));
        pos = r.next;
        line_no += r.lines;
        if (!(r.cells.size() == 1 && r.cells[0].empty())) rows.push_back(r.cells);   // a blank line
    }
    return rows;
}

// Read and parse a numeric CSV file of at most max_bytes: IoError when it cannot be read,
// DataError when malformed.
inline Table read_numeric(const std::filesystem::path& path, std::uintmax_t max_bytes = files::kMaxReadBytes) {
    return parse_numeric(files::read_all(path, max_bytes), path.string());
}

}  // namespace csv
