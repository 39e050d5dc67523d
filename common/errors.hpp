// errors.hpp — the kinds of failure every program reports, and their exit statuses.
//
//   UsageError    a bad command line: one line naming the problem, then the usage; exit status 2
//   DataError     a malformed data file (names file and position); exit status 1
//   IoError       a file that cannot be read or written; exit status 1
//   FileNotFound  an IoError for a path that does not exist (a program may add how to get it)
//   Interrupted   SIGINT or SIGTERM arrived; exit status 128 + the signal (130, 143)
//
// Programs throw these and let cli::run (cli.hpp) turn them into a message and a status, so no
// stack trace or half-written file ever reaches the user.
#pragma once

#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct DataError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct IoError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct FileNotFound : IoError {
    using IoError::IoError;
};
struct Interrupted : std::runtime_error {
    int signal;
    Interrupted(int sig, const std::string& name) : std::runtime_error(name), signal(sig) {}
};

// Text from the user or from a file, made safe to show in a one-line message: at most
// `max_chars` characters (then "…"), and every byte that is not printable ASCII or part of valid
// UTF-8 written as \xNN, so that a 100 kB argument or raw binary cannot flood or garble a
// terminal. quoted_text() adds single quotes around it.
inline std::string shown(std::string_view text, std::size_t max_chars = 80) {
    std::string out;
    std::size_t shown = 0, i = 0;
    auto hex = [&](unsigned char c) {
        char buf[5];
        std::snprintf(buf, sizeof buf, "\\x%02X", c);
        out += buf;
    };
    while (i < text.size() && shown < max_chars) {
        const auto c = static_cast<unsigned char>(text[i]);
        // Length of a well-formed UTF-8 sequence starting here (0: not one).
        std::size_t n = c >= 0x20 && c < 0x7F ? 1 : (c & 0xE0) == 0xC0 && c >= 0xC2 ? 2
                      : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 && c <= 0xF4 ? 4 : 0;
        for (std::size_t k = 1; n > 1 && k < n; ++k)
            if (i + k >= text.size() || (static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) n = 0;
        if (n == 0) {
            hex(c);
            ++i;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
        ++shown;
    }
    if (i < text.size()) out += "…";
    return out;
}
inline std::string quoted_text(std::string_view text) { return "'" + shown(text) + "'"; }
