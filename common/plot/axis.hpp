// axis.hpp — axes chosen from the data: limits that hug the data (no empty bands), "nice" ticks
// (1-2-5 steps on a linear axis; every decade on a log axis, with 2, 3, 5 … in between when the
// axis spans less than two decades), tick labels that never touch, and the drawn frame.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "common/plot/svg.hpp"

namespace plot {

// "Nice" ticks for the range [lo, hi]: equally spaced by a step of 1, 2 or 5 × 10^k, the
// smallest such step that covers the range with at most max_count ticks: the first tick is ≤ lo
// and the last ≥ hi. max_count below 3 counts as 3 (a range around zero needs −s, 0, s). A
// single value (lo == hi) is widened to ± 10 % (± 1 around zero). Non-finite bounds: no ticks.
inline std::vector<double> nice_ticks(double lo, double hi, int max_count) {
    if (!std::isfinite(lo) || !std::isfinite(hi)) return {};
    if (lo > hi) std::swap(lo, hi);
    if (max_count < 3) max_count = 3;
    if (!(hi - lo > 1e-12 * std::max(std::fabs(lo), std::fabs(hi)))) {
        const double pad = lo == 0 && hi == 0 ? 1 : 0.1 * std::max(std::fabs(lo), std::fabs(hi));
        lo -= pad;
        hi += pad;
    }
    const double raw = (hi - lo) / (max_count - 1);
    double mag = std::pow(10.0, std::floor(std::log10(raw)));
    if (!std::isfinite(raw) || !std::isfinite(mag) || !(mag > 0)) return {lo, hi};
    for (int decade = 0; decade < 4; ++decade, mag *= 10) {
        for (const double m : {1.0, 2.0, 5.0}) {
            const double step = m * mag;
            // The 1e-9 slack keeps a bound that is a multiple of step from gaining a tick.
            const double k0 = std::floor(lo / step + 1e-9), k1 = std::ceil(hi / step - 1e-9);
            if (k1 - k0 + 1 > max_count) continue;
            std::vector<double> ticks;
            for (double k = k0; k <= k1; ++k) {
                const double t = k * step;
                ticks.push_back(std::fabs(t) < 1e-9 * step ? 0.0 : t);
            }
            return ticks;
        }
    }
    return {lo, hi};
}

namespace detail {

// One axis: its limits and ticks in axis units (log10 of the value on a log axis).
struct Axis {
    bool log = false;
    double lo = 0, hi = 1;
    std::vector<double> major, minor;
    std::vector<std::string> labels;  // SVG markup of each major tick's label
    std::vector<double> widths;       // their estimated widths at kTickFont
    double frac(double t) const { return (t - lo) / (hi - lo); }
    double max_width() const {
        double w = 0;
        for (double x : widths) w = std::max(w, x);
        return w;
    }
};

struct Range {
    double lo = kInf, hi = -kInf;
    void add(double v) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    bool empty() const { return lo > hi; }
};

// True when neighbouring tick labels keep clear of each other along an axis `length` pixels
// long: a line of text plus a gap on a vertical axis, half of each width plus 12 px on a
// horizontal one.
inline bool labels_fit(const Axis& a, double length, bool horizontal) {
    for (std::size_t k = 1; k < a.major.size(); ++k) {
        const double gap = std::fabs(a.frac(a.major[k]) - a.frac(a.major[k - 1])) * length;
        const double need = horizontal ? (a.widths[k] + a.widths[k - 1]) / 2 + 12 : kTickFont + 4;
        if (gap < need) return false;
    }
    return true;
}

// "1.5e-05" → "1.5e-5", "2e+06" → "2e6".
inline std::string short_exponent(std::string s) {
    const std::size_t p = s.find('e');
    if (p == std::string::npos) return s;
    std::string mant = s.substr(0, p), ex = s.substr(p + 1);
    const bool neg = ex[0] == '-';
    ex = ex.substr(1);
    while (ex.size() > 1 && ex[0] == '0') ex.erase(0, 1);
    return mant + "e" + (neg ? "-" : "") + ex;
}

// Labels of linear ticks: as many decimals as the step needs; scientific ("2e-5", "1.5e6") for
// very small steps or large values; a typographic minus.
inline void label_linear(Axis& a) {
    if (a.major.empty()) return;
    const double step = a.major.size() > 1 ? a.major[1] - a.major[0]
                                           : std::max(std::fabs(a.major[0]), 1e-300);
    const int step_exp = static_cast<int>(std::floor(std::log10(step) + 1e-9));
    double biggest = 0;
    for (double t : a.major) biggest = std::max(biggest, std::fabs(t));
    const bool sci = step_exp < -4 || biggest >= 1e6;
    for (double t : a.major) {
        char b[48];
        if (t == 0 && sci) std::snprintf(b, sizeof b, "0");
        else if (sci) {
            const int e = static_cast<int>(std::floor(std::log10(std::fabs(t)) + 1e-9));
            std::snprintf(b, sizeof b, "%.*e", std::clamp(e - step_exp, 0, 6), t);
        } else {
            std::snprintf(b, sizeof b, "%.*f", std::max(0, -step_exp), t);
        }
        const std::string s = minus(short_exponent(b));
        a.widths.push_back(text_width(s, kTickFont));
        a.labels.push_back(s);
    }
}

// A linear axis over [lo, hi] widened by pad (a fraction of the range) on each side, with nice
// ticks inside it: about max_count of them.
inline Axis linear_axis(double lo, double hi, int max_count, double pad) {
    Axis a;
    if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;   // callers pass finite data
    if (!(hi - lo > 1e-12 * std::max(std::fabs(lo), std::fabs(hi)))) {
        const double h = lo == 0 ? 1 : 0.1 * std::fabs(lo);
        lo -= h;
        hi += h;
    }
    const double span = hi - lo;
    a.lo = lo - pad * span;
    a.hi = hi + pad * span;
    const double slack = 1e-9 * (a.hi - a.lo);
    for (double t : nice_ticks(a.lo, a.hi, max_count + 2))
        if (t >= a.lo - slack && t <= a.hi + slack) a.major.push_back(t);
    label_linear(a);
    return a;
}

// ───────────────────────────────────────── log axes ─────────────────────────────────────────

// The label of the tick m × 10^k on a log axis: "10^k" (superscript) for a decade, "m×10^k"
// otherwise, or the plain number ("0.05", "20") when `plain`. Returns markup and width.
inline std::pair<std::string, double> log_label(double m, int k, bool plain) {
    if (plain) {
        char b[32];
        std::snprintf(b, sizeof b, "%.6g", m * std::pow(10.0, k));
        return {b, text_width(b, kTickFont)};
    }
    const double sup = kTickFont * 0.75;
    const std::string e = minus(std::to_string(k));
    const std::string base = m == 1 ? "10" : fmt("%g", m) + "\xC3\x97" "10";
    return {base + "<tspan dy=\"-" + num(kTickFont * 0.4) + "\" font-size=\"" + num(sup) + "\">" + e +
                "</tspan>",
            text_width(base, kTickFont) + text_width(e, sup)};
}

// Ticks m × 10^k for every m of `mantissas` (always including 1, so that every decade is a major
// tick) inside [a.lo, a.hi]; the other integer mantissas 2 … 9 become minor ticks.
inline void mantissa_ticks(Axis& a, const std::vector<int>& mantissas) {
    a.major.clear(), a.minor.clear(), a.labels.clear(), a.widths.clear();
    const bool all_plain = a.lo >= -4.0001 && a.hi <= 5.0001;
    for (double d = std::floor(a.lo); d <= std::ceil(a.hi); ++d)
        for (int m = 1; m <= 9; ++m) {
            const double t = d + std::log10(static_cast<double>(m));
            if (t < a.lo - 1e-9 || t > a.hi + 1e-9) continue;
            if (std::find(mantissas.begin(), mantissas.end(), m) == mantissas.end()) {
                a.minor.push_back(t);
                continue;
            }
            const auto [label, width] = log_label(m, static_cast<int>(d), all_plain);
            a.major.push_back(t);
            a.labels.push_back(label);
            a.widths.push_back(width);
        }
}

// Ticks at every `every`-th decade (labelled 10^k), the other decades as minor ticks, and 2 … 9
// as minor ticks while a decade is tall enough to show them.
inline void decade_ticks(Axis& a, int every, double px_per_decade) {
    a.major.clear(), a.minor.clear(), a.labels.clear(), a.widths.clear();
    for (double d = std::ceil(a.lo - 1e-9); d <= a.hi + 1e-9; ++d) {
        if (std::fmod(std::fabs(d), every) == 0) {
            const auto [label, width] = log_label(1, static_cast<int>(d), false);
            a.major.push_back(d);
            a.labels.push_back(label);
            a.widths.push_back(width);
        } else {
            a.minor.push_back(d);
        }
    }
    if (every > 1 || px_per_decade < 40) return;
    for (double d = std::floor(a.lo); d <= a.hi; ++d)
        for (int m = 2; m <= 9; ++m) {
            const double t = d + std::log10(static_cast<double>(m));
            if (t >= a.lo && t <= a.hi) a.minor.push_back(t);
        }
}

// A log axis over [lo, hi] (log10 of the values) widened by pad, `length` pixels long. Spanning
// two decades or more: every decade labelled, or every 2nd, 5th, 10th … where their labels would
// touch. Under two decades: the finest of 1 … 9, 1-2-3-5 and 1-2-5 whose labels keep apart (and
// are at most one per 35 px), if it gives at least four labels; else, over less than a factor
// of about three, linear 1-2-5 steps of the value itself.
inline Axis log_axis(double lo, double hi, double pad, double length, bool horizontal) {
    Axis a;
    a.log = true;
    if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;   // callers pass finite data
    if (!(hi - lo > 1e-9)) lo -= 0.1, hi += 0.1;                      // one value: ± 26 %
    const double span = hi - lo;
    a.lo = lo - pad * span;
    a.hi = hi + pad * span;
    if (a.hi - a.lo >= 2) {
        for (int every : {1, 2, 5, 10, 20, 50, 100}) {
            decade_ticks(a, every, length / (a.hi - a.lo));
            if (labels_fit(a, length, horizontal)) break;
        }
        return a;
    }
    const std::vector<std::vector<int>> sets = {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 5}, {1, 2, 5}};
    const double most = std::max(4.0, length / 35);
    for (const auto& set : sets) {
        mantissa_ticks(a, set);
        const double n = static_cast<double>(a.major.size());
        if (n >= 4 && n <= most && labels_fit(a, length, horizontal)) return a;
    }
    for (int count = 7; count >= 3; --count) {  // a narrow range: linear steps of the value
        const Axis lin = linear_axis(std::pow(10.0, a.lo), std::pow(10.0, a.hi), count, 0);
        Axis b = a;
        b.major.clear(), b.minor.clear(), b.labels = lin.labels, b.widths = lin.widths;
        for (double t : lin.major) b.major.push_back(std::log10(t));
        if (labels_fit(b, length, horizontal) || count == 3) return b;
    }
    return a;
}

// An axis over [lo, hi] plus pad, `length` pixels long, with as many ticks as fit.
inline Axis fitted_axis(double lo, double hi, bool log, double pad, double length, bool horizontal) {
    if (log) return log_axis(lo, hi, pad, length, horizontal);
    const int most = std::max(3, static_cast<int>(length / (horizontal ? 70 : 45)) + 1);
    for (int n = most;; --n) {
        Axis a = linear_axis(lo, hi, n, pad);
        if (n <= 2 || labels_fit(a, length, horizontal)) return a;
    }
}

// ───────────────────────────────────────── drawing ──────────────────────────────────────────

inline double px(const Axis& a, const Rect& b, double t) { return b.x + a.frac(t) * b.w; }
inline double py(const Axis& a, const Rect& b, double t) { return b.y + b.h - a.frac(t) * b.h; }

// Margins around a plot area: room for the title above; the x tick labels and x label below;
// the y label and the widest y tick label on the left.
inline double top_margin(const std::string& title) { return title.empty() ? 16 : 40; }
inline double bottom_margin(const std::string& xlabel) {
    return 8 + kTickFont + 10 + (xlabel.empty() ? 0 : kLabelFont + 10);
}
inline double left_margin(const std::string& ylabel, const Axis& ay) {
    return 12 + (ylabel.empty() ? 0 : kLabelFont + 10) + ay.max_width() + 8;
}

// Vertical light grid lines at the x ticks and horizontal ones at the y ticks.
inline void draw_grid(std::string& o, const Axis& ax, const Axis& ay, const Rect& b) {
    for (double t : ax.major) {
        const double x = px(ax, b, t);
        line(o, x, b.y, x, b.bottom(), "#e6e6e6", 1);
    }
    for (double t : ay.major) {
        const double y = py(ay, b, t);
        line(o, b.x, y, b.right(), y, "#e6e6e6", 1);
    }
}

// The frame, tick marks (outside), tick labels (class xtick / ytick) and axis labels.
inline void draw_axes(std::string& o, const Axis& ax, const Axis& ay, const Rect& b,
                      const std::string& xlabel, const std::string& ylabel, double max_label_w) {
    rect(o, b, "none", "class=\"frame\" stroke=\"#333333\" stroke-width=\"1\"");
    const double bottom = b.bottom();
    for (double t : ax.minor) line(o, px(ax, b, t), bottom, px(ax, b, t), bottom + 3, kFrame, 0.8);
    for (double t : ay.minor) line(o, b.x - 3, py(ay, b, t), b.x, py(ay, b, t), kFrame, 0.8);
    for (std::size_t k = 0; k < ax.major.size(); ++k) {
        const double x = px(ax, b, ax.major[k]);
        line(o, x, bottom, x, bottom + 5, kFrame, 1);
        text(o, x, bottom + 8 + kTickFont, ax.labels[k], kTickFont, "middle", "class=\"xtick\"");
    }
    for (std::size_t k = 0; k < ay.major.size(); ++k) {
        const double y = py(ay, b, ay.major[k]);
        line(o, b.x - 5, y, b.x, y, kFrame, 1);
        text(o, b.x - 8, y + 0.36 * kTickFont, ay.labels[k], kTickFont, "end", "class=\"ytick\"");
    }
    if (!xlabel.empty()) {
        const double size = fit_font(xlabel, kLabelFont, max_label_w);
        text(o, b.x + b.w / 2, bottom + 8 + kTickFont + 8 + size, escape(xlabel), size);
    }
    if (!ylabel.empty()) {
        const double size = fit_font(ylabel, kLabelFont, b.h + 40);
        const double x = b.x - 8 - ay.max_width() - 10;
        vertical_text(o, x, b.y + b.h / 2, escape(ylabel), size);
    }
}

}  // namespace detail
}  // namespace plot
