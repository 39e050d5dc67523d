// table.hpp — number formats and small tables for standard output and summary.md.
//
// One format per kind of number, shared by every chapter (a non-finite value prints as "—",
// so no table ever shows "nan"):
//   table::fixed(0.04487, 4)  "0.0449"     a number with a fixed count of decimals
//   table::sig(2.3e-31)       "2.3e-31"    a number with 3 significant digits (%g)
//   table::sci(0.000123, 2)   "1.23e-04"   scientific notation, for values over many decades
//   table::param(1e-4)        "0.0001"     a parameter as the user would type it (%g)
//   table::percent(0.9811)    "98.11 %"    a fraction shown as a percentage
//   table::change(0.001)      "+0.1 %"     a relative difference, signed
//   table::seconds(0.0042)    "4.2 ms"     a duration: ms below 0.1 s, then s
//   table::fmt("%.4g", x)     any other printf format, for the rare case
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

inline std::string fixed(double x, int decimals) {
    if (!std::isfinite(x)) return "—";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
    return buf;
}
inline std::string sig(double x, int digits = 3) {
    if (!std::isfinite(x)) return "—";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, x);
    return buf;
}
inline std::string sci(double x, int decimals = 2) {
    if (!std::isfinite(x)) return "—";
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*e", decimals, x);
    return buf;
}
inline std::string param(double x) { return fmt("%g", x); }
inline std::string percent(double fraction, int decimals = 2) {
    return std::isfinite(fraction) ? fixed(100 * fraction, decimals) + " %" : "—";
}
inline std::string change(double relative, int decimals = 1) {
    if (!std::isfinite(relative)) return "—";
    return (relative >= 0 ? "+" : "") + fixed(100 * relative, decimals) + " %";
}
inline std::string seconds(double s) {
    if (!std::isfinite(s)) return "—";
    if (s < 0.1) return fixed(1000 * s, s < 0.01 ? 2 : 1) + " ms";
    return fixed(s, s < 10 ? 2 : 1) + " s";
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

    Text() = default;
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
