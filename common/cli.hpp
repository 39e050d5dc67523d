// cli.hpp — typed command-line flags with defaults, bounds and help text, and the guarded
// main that turns every failure into one clear line and an exit status.
//
//   cli::Flags flags("chapter1", "Single-layer sigmoid network trained with BFGS (000 §1).");
//   flags.add("mu", opt.mu, "Armijo constant", cli::open_interval(0, 1));
//   return cli::run(flags, argc, argv, [&] { ...; return 0; });
//
// Accepted forms: `--name value` and `--name=value`; switches take no value. A flag may be given
// once. Numbers must be finite and inside the flag's bounds; lists are comma-separated.
// Errors (exit status 2): unknown flag, missing or malformed value, out-of-range value, a flag
// given twice, a stray argument. `--help` prints the usage and exits with status 0.
#pragma once

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <iostream>
#include <limits>
#include <new>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <stdexcept>
#include <system_error>
#include <type_traits>
#include <vector>

#include "common/errors.hpp"
#include "common/progress.hpp"

namespace cli {

// ---------------------------------------------------------------------------------------------
// Bounds of a numeric flag: lo ≤ x ≤ hi, with either end optionally strict.

struct Bounds {
    double lo = -std::numeric_limits<double>::infinity();
    double hi = std::numeric_limits<double>::infinity();
    bool lo_strict = false, hi_strict = false;

    bool contains(double x) const {
        return (lo_strict ? x > lo : x >= lo) && (hi_strict ? x < hi : x <= hi);
    }
    std::string describe() const;   // "must be > 0", "must be in (0, 1)", "" when unbounded
};

inline Bounds any() { return {}; }
inline Bounds positive() { return {0, Bounds{}.hi, true, false}; }
inline Bounds non_negative() { return {0, Bounds{}.hi, false, false}; }
inline Bounds at_least(double lo) { return {lo, Bounds{}.hi, false, false}; }
inline Bounds between(double lo, double hi) { return {lo, hi, false, false}; }
inline Bounds open_interval(double lo, double hi) { return {lo, hi, true, true}; }

inline std::string number_text(double x) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", x);
    return buf;
}

inline std::string Bounds::describe() const {
    const bool has_lo = std::isfinite(lo), has_hi = std::isfinite(hi);
    if (has_lo && has_hi)
        return std::string("must be in ") + (lo_strict ? "(" : "[") + number_text(lo) + ", " +
               number_text(hi) + (hi_strict ? ")" : "]");
    if (has_lo) return std::string("must be ") + (lo_strict ? "> " : ">= ") + number_text(lo);
    if (has_hi) return std::string("must be ") + (hi_strict ? "< " : "<= ") + number_text(hi);
    return "";
}

// ---------------------------------------------------------------------------------------------
// Parsing one value. Each returns an error text ("" on success) so the caller can name the flag.

inline std::string parse_value(std::string_view text, double& out) {
    // std::from_chars accepts "nan" and "inf"; a flag value must be a finite number.
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    if (text.empty() || ec == std::errc::invalid_argument || ptr != end)
        return quoted_text(text) + " is not a number";
    if (ec == std::errc::result_out_of_range) {
        // Out of range either way: too large (overflow) or too close to 0 (underflow).
        const bool tiny = std::fabs(std::strtod(std::string(text).c_str(), nullptr)) < 1;
        return quoted_text(text) + (tiny ? " is too close to 0 for a double (smallest: 2.2e-308)"
                                    : " is too large for a double (largest: 1.8e308)");
    }
    if (!std::isfinite(out)) return quoted_text(text) + " is not a finite number";
    return "";
}

template <class Int>
std::string parse_integer(std::string_view text, Int& out) {
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (!text.empty() && text[0] == '+') ++begin;
    auto [ptr, ec] = std::from_chars(begin, end, out);
    if (text.empty() || ec == std::errc::invalid_argument || ptr != end)
        return quoted_text(text) + " is not a whole number";
    if (ec == std::errc::result_out_of_range) return quoted_text(text) + " is too large";
    return "";
}
inline std::string parse_value(std::string_view text, int& out) { return parse_integer(text, out); }
inline std::string parse_value(std::string_view text, std::uint64_t& out) {
    if (!text.empty() && text[0] == '-') {
        if (text.size() > 1 && text.find_first_not_of('0', 1) == std::string_view::npos) {
            out = 0;   // "-0" is zero
            return "";
        }
        return quoted_text(text) + " is negative (must be >= 0)";
    }
    return parse_integer(text, out);
}

inline std::vector<std::string_view> split_commas(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t comma = text.find(',', start);
        parts.push_back(text.substr(start, comma == std::string_view::npos ? std::string_view::npos
                                                                             : comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    for (auto& p : parts) {   // tolerate spaces around items: "1, 2, 3"
        while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
        while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
    }
    return parts;
}

inline std::string join(const std::vector<std::string>& items, const char* sep) {
    std::string s;
    for (std::size_t i = 0; i < items.size(); ++i) s += (i ? sep : "") + items[i];
    return s;
}

// ---------------------------------------------------------------------------------------------
// The flag set.

class Flags {
public:
    Flags(std::string program, std::string about)
        : program_(std::move(program)), about_(std::move(about)) {}

    const std::string& program() const { return program_; }

    // A number (double, int or std::uint64_t) inside `bounds`.
    template <class Number>
    void add(const std::string& name, Number& value, const std::string& help,
             Bounds bounds = any()) {
        add_flag(name, "X", help, show(value), bounds.describe(),
                 [&value, bounds](std::string_view text) {
                     Number v{};
                     std::string err = parse_value(text, v);
                     if (err.empty() && !bounds.contains(static_cast<double>(v)))
                         err = show(v) + " is out of range (" + bounds.describe() + ")";
                     if (err.empty()) value = v;
                     return err;
                 });
    }

    // Free text (a path, a name).
    void add(const std::string& name, std::string& value, const std::string& help) {
        add_flag(name, "TEXT", help, value.empty() ? "" : value, "", [&value](std::string_view t) {
            if (t.empty()) return std::string("the value is empty");
            value = std::string(t);
            return std::string();
        });
    }

    // One of a fixed set of names.
    void add(const std::string& name, std::string& value, const std::string& help,
             std::vector<std::string> choices) {
        const std::string list = join(choices, "|");
        add_flag(name, list, help, value, "", [&value, choices, list](std::string_view t) {
            for (const auto& c : choices)
                if (t == c) {
                    value = c;
                    return std::string();
                }
            return quoted_text(t) + " is not one of " + list;
        });
    }

    // A switch: present means true.
    void add(const std::string& name, bool& value, const std::string& help) {
        add_flag(name, "", help, "", "", [&value](std::string_view) {
            value = true;
            return std::string();
        });
    }

    // A comma-separated list of numbers, each inside `bounds`; `count` > 0 demands exactly
    // that many.
    template <class Number>
    void add(const std::string& name, std::vector<Number>& values, const std::string& help,
             Bounds bounds = any(), std::size_t count = 0) {
        std::vector<std::string> shown;
        for (auto v : values) shown.push_back(show(v));
        add_flag(name, "X,X,...", help, join(shown, ","), bounds.describe(),
                 [&values, bounds, count](std::string_view text) {
                     std::vector<Number> parsed;
                     for (auto part : split_commas(text)) {
                         Number v{};
                         std::string err = parse_value(part, v);
                         if (!err.empty()) return "item " + err;
                         if (!bounds.contains(static_cast<double>(v)))
                             return "item " + show(v) + " is out of range (" +
                                    bounds.describe() + ")";
                         parsed.push_back(v);
                     }
                     if (count > 0 && parsed.size() != count)
                         return "expected " + std::to_string(count) + " comma-separated numbers, got " +
                                std::to_string(parsed.size());
                     values = std::move(parsed);
                     return std::string();
                 });
    }

    // A comma-separated list of names, each one of `choices`.
    void add(const std::string& name, std::vector<std::string>& values, const std::string& help,
             std::vector<std::string> choices) {
        const std::string list = join(choices, "|");
        add_flag(name, "NAME,NAME,...", help, join(values, ","), "each one of " + list,
                 [&values, choices, list](std::string_view text) {
                     std::vector<std::string> parsed;
                     for (auto part : split_commas(text)) {
                         bool known = false;
                         for (const auto& c : choices) known = known || part == c;
                         if (!known)
                             return "item " + quoted_text(part) + " is not one of " + list;
                         parsed.emplace_back(part);
                     }
                     values = std::move(parsed);
                     return std::string();
                 });
    }

    // The command line as parsed, each word quoted as a POSIX shell needs it, so that it can be
    // pasted back into a shell (summary.md records it).
    const std::string& command_line() const { return command_line_; }

    // Was the flag on the command line (as opposed to left at its default)?
    bool given(const std::string& name) const { return given_.count(name) > 0; }

    // Parse argv; throws UsageError on any problem. Returns false when --help was asked for
    // (the usage has then been printed to stdout).
    bool parse(int argc, char** argv) {
        command_line_.clear();
        for (int i = 0; i < argc; ++i) command_line_ += (i ? " " : "") + shell_word(argv[i]);
        for (int i = 1; i < argc; ++i) {
            std::string_view arg = argv[i];
            if (arg == "--help" || arg == "-h") {
                std::cout << usage();
                return false;
            }
            if (arg.size() < 3 || arg.substr(0, 2) != "--")
                throw UsageError("unexpected argument " + quoted_text(arg) + " (flags start with --; see --help)");
            std::string name(arg.substr(2));
            std::string value;
            bool has_value = false;
            if (auto eq = name.find('='); eq != std::string::npos) {
                value = name.substr(eq + 1);
                name = name.substr(0, eq);
                has_value = true;
            }
            const Flag* flag = find(name);
            if (!flag) throw UsageError("unknown flag --" + shown(name) + suggestion(name));
            if (given_.count(name)) throw UsageError("--" + name + " is given twice");
            given_.insert(name);
            if (flag->metavar.empty()) {   // switch
                if (has_value) throw UsageError("--" + name + " takes no value");
                flag->set("");
                continue;
            }
            if (!has_value) {
                if (i + 1 >= argc || std::string_view(argv[i + 1]).substr(0, 2) == "--")
                    throw UsageError("--" + name + " needs a value (" + flag->metavar + ")");
                value = argv[++i];
            }
            if (std::string err = flag->set(value); !err.empty())
                throw UsageError("--" + name + ": " + err);
        }
        return true;
    }

    std::string usage() const {
        std::ostringstream s;
        s << "usage: " << program_ << " [flags]\n\n" << about_ << "\n\nflags:\n";
        std::size_t width = 0;
        for (const auto& f : flags_) width = std::max(width, left(f).size());
        for (const auto& f : flags_) {
            const std::string l = left(f);
            s << "  " << l << std::string(width - l.size() + 2, ' ') << f.help;
            std::vector<std::string> notes;
            if (!f.default_text.empty()) notes.push_back("default " + f.default_text);
            if (!f.bounds_text.empty()) notes.push_back(f.bounds_text);
            if (!notes.empty()) s << " (" << join(notes, "; ") << ")";
            s << "\n";
        }
        s << "  --help" << std::string(width - 6 + 2, ' ') << "print this help and exit\n";
        return s.str();
    }

private:
    struct Flag {
        std::string name, metavar, help, default_text, bounds_text;
        std::function<std::string(std::string_view)> set;
    };

    template <class Number>
    static std::string show(Number v) {
        if constexpr (std::is_floating_point_v<Number>) return number_text(v);
        else return std::to_string(v);
    }

    void add_flag(const std::string& name, std::string metavar, const std::string& help,
                  std::string default_text, std::string bounds_text,
                  std::function<std::string(std::string_view)> set) {
        if (find(name)) throw std::logic_error("flag --" + name + " registered twice");
        flags_.push_back({name, std::move(metavar), help, std::move(default_text),
                          std::move(bounds_text), std::move(set)});
    }

    const Flag* find(const std::string& name) const {
        for (const auto& f : flags_)
            if (f.name == name) return &f;
        return nullptr;
    }

    static std::string left(const Flag& f) {
        return "--" + f.name + (f.metavar.empty() ? "" : " " + f.metavar);
    }

    // " (did you mean --x?)" for the flags the typed name is a prefix of, or else for those a
    // typing slip away from it (one edit for short names, two for longer ones); " (see --help)"
    // when none is close.
    std::string suggestion(const std::string& name) const {
        std::vector<std::string> close;
        std::vector<std::string> names{"help"};
        for (const auto& f : flags_) names.push_back(f.name);
        for (const auto& n : names)
            if (n.rfind(name, 0) == 0) close.push_back("--" + n);
        const std::size_t slips = name.size() <= 4 ? 1 : 2;
        if (close.empty())
            for (const auto& n : names)
                if (edit_distance(name, n) <= slips && n.size() > slips) close.push_back("--" + n);
        if (close.empty() || close.size() > 3) return " (see --help)";
        return " (did you mean " + join(close, " or ") + "?)";
    }

    static std::size_t edit_distance(const std::string& a, const std::string& b) {
        std::vector<std::size_t> row(b.size() + 1);
        for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
        for (std::size_t i = 1; i <= a.size(); ++i) {
            std::size_t diag = row[0];
            row[0] = i;
            for (std::size_t j = 1; j <= b.size(); ++j) {
                const std::size_t up = row[j];
                row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
                diag = up;
            }
        }
        return row[b.size()];
    }

    static std::string shell_word(std::string_view w) {
        const std::string text = shown(w, w.size());
        if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                    "0123456789_./=,:+-@%") == std::string::npos)
            return text;
        std::string q = "'";
        for (char c : text) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
        return q + "'";
    }

    std::string program_, about_, command_line_;
    std::vector<Flag> flags_;
    std::set<std::string> given_;
};

// ---------------------------------------------------------------------------------------------
// The guarded main: parse, run `body`, and map every failure to one line and an exit status.
//   UsageError → "program: error: …", the usage, status 2
//   DataError, IoError, out of memory → "program: error: …", status 1
//   Interrupted (Ctrl-C, SIGTERM) → "program: interrupted by SIGINT; …", status 128 + signal

inline int run(Flags& flags, int argc, char** argv, const std::function<int()>& body) {
    const std::string& name = flags.program();
    progress::program() = name;
    try {
        if (!flags.parse(argc, argv)) return 0;
        return body();
    } catch (const UsageError& e) {
        std::cerr << name << ": error: " << e.what() << "\n\n" << flags.usage();
        return 2;
    } catch (const DataError& e) {
        std::cerr << name << ": error: " << e.what() << "\n";
    } catch (const IoError& e) {
        std::cerr << name << ": error: " << e.what() << "\n";
    } catch (const Interrupted& e) {
        std::cerr << name << ": interrupted by " << e.what() << "; no result was written\n";
        return 128 + e.signal;
    } catch (const std::bad_alloc&) {
        std::cerr << name << ": error: out of memory\n";
    } catch (const std::exception& e) {
        std::cerr << name << ": internal error: " << e.what() << "\n";
    }
    return 1;
}

}  // namespace cli
