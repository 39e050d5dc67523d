// progress.hpp — a wall-clock timer and a progress report on standard error.
//
// On a terminal, Progress redraws one line in place: label, bar, count, elapsed time, ETA and a
// note (e.g. the current loss). When standard error is a file or a pipe (CI, `make run > log`),
// it prints a plain line at every quarter of the work instead, so logs stay short and readable.
// Standard output is never touched: it carries the program's table of results.
// Every step is also a safe point to stop at after Ctrl-C (interrupt.hpp).
//
// Every line has one form in every program: "chapterN: <what> k/n  1.2 s  ETA 3.4 s  <note>",
// the program's name set once by cli::run (progress::program()).
//
// A run announced as large before it starts (workload.hpp) must show progress from its first
// epoch: off a terminal, every Progress then also prints a line after its first step and then
// whenever kAnnouncedLineSeconds have passed since its last line (progress::announced()).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

#include "common/interrupt.hpp"

#if __has_include(<unistd.h>)
#include <unistd.h>
#endif

class Timer {
public:
    Timer() : start_(std::chrono::steady_clock::now()) {}
    void reset() { start_ = std::chrono::steady_clock::now(); }
    double seconds() const {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }

private:
    std::chrono::steady_clock::time_point start_;
};

inline bool stderr_is_terminal() {
#if __has_include(<unistd.h>)
    return isatty(2) == 1;
#else
    return false;
#endif
}

namespace progress {
// The running program's name, the first word of every progress line ("chapter5").
inline std::string& program() {
    static std::string name;
    return name;
}

// Set by workload::check when it announces a large run; read by every Progress made after it.
inline bool& announced() {
    static bool on = false;
    return on;
}

// In an announced run, the longest a Progress off a terminal stays silent between two lines.
constexpr double kAnnouncedLineSeconds = 10;
}  // namespace progress

class Progress {
public:
    // `out` defaults to standard error; any other stream gets the plain (non-terminal) lines.
    Progress(std::string label, std::size_t total, std::FILE* out = stderr)
        : label_(std::move(label)), total_(total ? static_cast<double>(total) : 1.0), out_(out),
          terminal_(out == stderr && stderr_is_terminal()), often_(progress::announced()) {}
    ~Progress() { finish(); }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // Record `n` more units of work done; `note` is shown after the bar.
    void step(std::size_t n = 1, const std::string& note = "") { advance(static_cast<double>(n), note); }

    // The same for a fraction of a unit (a share of the planned work: workload::Meter). The
    // count shows whole units; the ETA uses the exact share done.
    void advance(double n, const std::string& note = "") {
        interrupt::check();
        done_ = std::min(total_, done_ + std::max(n, 0.0));
        if (terminal_) {
            // Redraw at most ~20 times a second, and always at the end.
            const double now = timer_.seconds();
            if (now - last_draw_ < 0.05 && done_ < total_) return;
            last_draw_ = now;
            std::fprintf(out_, "\r%s\033[K", line(note).c_str());
        } else {
            const auto quarter = static_cast<std::size_t>(done_ * 4 / total_);
            const bool due = often_ && (lines_ == 0 || timer_.seconds() - last_line_ >= progress::kAnnouncedLineSeconds);
            if (quarter > reported_quarter_ || due) {
                reported_quarter_ = std::max(reported_quarter_, quarter);
                ++lines_;
                last_line_ = timer_.seconds();
                std::fprintf(out_, "%s\n", line(note).c_str());
            }
        }
        std::fflush(out_);
    }

    // End the line on a terminal (called by the destructor too).
    void finish() {
        if (terminal_ && !finished_ && last_draw_ >= 0) std::fprintf(out_, "\n");
        finished_ = true;
    }

    double seconds() const { return timer_.seconds(); }

private:
    std::string line(const std::string& note) const {
        const double elapsed = timer_.seconds();
        const double fraction = done_ / total_;
        const int width = 24, filled = static_cast<int>(fraction * width);
        std::string bar = "[" + std::string(filled, '#') + std::string(width - filled, '.') + "]";
        const auto done = static_cast<std::size_t>(done_), total = static_cast<std::size_t>(total_);
        char buf[160];
        if (done_ < total_ && done_ > 0)
            std::snprintf(buf, sizeof buf, " %zu/%zu  %.1f s  ETA %.1f s", done, total, elapsed,
                          elapsed / fraction - elapsed);
        else
            std::snprintf(buf, sizeof buf, " %zu/%zu  %.1f s", done, total, elapsed);
        const std::string& program = progress::program();
        std::string head = label_;                          // "chapter2: random starts"
        if (label_ == program) head += ":";                 // "chapter5:"
        else if (!program.empty() && label_.rfind(program + ":", 0) != 0) head = program + ": " + label_;
        return head + (terminal_ ? " " + bar : std::string()) + buf + (note.empty() ? "" : "  " + note);
    }

    std::string label_;
    double total_, done_ = 0;
    std::size_t reported_quarter_ = 0, lines_ = 0;
    std::FILE* out_;
    bool terminal_, often_, finished_ = false;
    double last_draw_ = -1, last_line_ = 0;
    Timer timer_;
};
