// table.hpp — number formatting and small tables for standard output and summary.md.
//
//   table::fmt("%.4g", x)   printf-style formatting into a std::string ("—" for NaN/inf, so no
//                           table ever shows "nan")
//   table::Text t({"run", "f", "‖∇f‖"});  t.add({...});  t.aligned()  /  t.markdown()
#pragma once

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

namespace table {

// printf-style formatting of one number; a non-finite value prints as "—".
inline std::string fmt(const char* format, double x) {
    if (!std::isfinite(x)) return "—";
    char buf[64];
    std::snprintf(buf, sizeof buf, format, x);
    return buf;
}

// Display width of UTF-8 text: code points, not bytes (for ‖, η, λ, — in headers).
inline std::size_t width(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

struct Text {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;

    Text(std::initializer_list<std::string> h) : header(h) {}
    explicit Text(std::vector<std::string> h) : header(std::move(h)) {}

    void add(std::vector<std::string> row) {
        if (row.size() != header.size()) throw std::logic_error("table row of the wrong width");
        rows.push_back(std::move(row));
    }

    // Columns padded to equal width; a column whose cells all look numeric is right-aligned,
    // header included.
    std::string aligned() const {
        std::vector<std::size_t> w(header.size());
        std::vector<bool> right(header.size(), !rows.empty());
        for (std::size_t j = 0; j < header.size(); ++j) {
            w[j] = width(header[j]);
            for (const auto& r : rows) {
                w[j] = std::max(w[j], width(r[j]));
                right[j] = right[j] && (numeric(r[j]) || r[j] == "—");
            }
        }
        std::string out = line(header, w, right);
        std::string rule;
        for (std::size_t j = 0; j < w.size(); ++j) rule += (j ? "  " : "") + std::string(w[j], '-');
        out += rule + "\n";
        for (const auto& r : rows) out += line(r, w, right);
        return out;
    }

    // A GitHub-flavoured Markdown table.
    std::string markdown() const {
        std::string out = "|";
        for (const auto& h : header) out += " " + h + " |";
        out += "\n|";
        for (std::size_t j = 0; j < header.size(); ++j) out += "---|";
        out += "\n";
        for (const auto& r : rows) {
            out += "|";
            for (const auto& c : r) out += " " + c + " |";
            out += "\n";
        }
        return out;
    }

private:
    static bool numeric(const std::string& s) {
        return !s.empty() && (std::isdigit(static_cast<unsigned char>(s[0])) ||
                              ((s[0] == '-' || s[0] == '+' || s[0] == '.') && s.size() > 1));
    }
    static std::string line(const std::vector<std::string>& cells, const std::vector<std::size_t>& w,
                            const std::vector<bool>& right) {
        std::string out;
        for (std::size_t j = 0; j < cells.size(); ++j) {
            const std::string pad(w[j] - width(cells[j]), ' ');
            out += (j ? "  " : "") + (right[j] ? pad + cells[j] : cells[j] + pad);
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        return out + "\n";
    }
};

}  // namespace table
