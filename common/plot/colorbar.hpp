// colorbar.hpp — the key to a colour map: a vertical bar of the map's colours from the smallest
// value (bottom) to the largest (top), with at least four evenly spaced ticks at round values
// and a label saying what the colour measures. Shared by HeatMap and DecisionMap.
#pragma once

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "common/plot/axis.hpp"
#include "common/plot/svg.hpp"

namespace plot::detail {

// The scale of a colour map and its bar. Colour units are the value itself, or log10 of the
// value when log; lo and hi are the values at the bottom and top of the bar.
struct ColorBar {
    bool log = false;
    double lo = 0, hi = 1;
    std::vector<double> ticks;             // colour units, evenly spaced, lo ≤ t ≤ hi
    std::vector<std::string> labels;       // markup
    std::vector<double> widths;            // the labels' estimated widths
    double frac(double v) const {          // a value's position on the bar, 0 (bottom) … 1 (top)
        const double u = log ? std::log10(v) : v;
        return hi > lo ? std::clamp((u - lo) / (hi - lo), 0.0, 1.0) : 0.5;
    }
    double label_width() const {
        double w = 0;
        for (double x : widths) w = std::max(w, x);
        return w;
    }
};

// A linear bar over [lo, hi]: the coarsest 1-2-5 step that puts at least four ticks inside.
inline ColorBar linear_bar(double lo, double hi) {
    ColorBar b;
    if (!(hi - lo > 1e-12 * std::max(std::fabs(lo), std::fabs(hi)))) {  // one value: ± 10 %
        const double h = lo == 0 ? 1 : 0.1 * std::fabs(lo);
        lo -= h;
        hi += h;
    }
    b.lo = lo;
    b.hi = hi;
    const double slack = 1e-9 * (hi - lo);
    for (int n = 4; n <= 12 && b.ticks.size() < 4; ++n) {
        b.ticks.clear();
        for (double t : nice_ticks(lo, hi, n))
            if (t >= lo - slack && t <= hi + slack) b.ticks.push_back(t);
    }
    Axis a;
    a.major = b.ticks;
    label_linear(a);
    b.labels = a.labels;
    b.widths = a.widths;
    return b;
}

// A bar for values from v_lo to v_hi (> 0 when log). A log bar has its ticks at decades (every
// 2nd, 5th … when there are many), so it needs four decades: it is widened to whole decades when
// that adds at most a quarter to its length, and over a narrower range the colours follow the
// value itself (there a log and a linear scale differ little, and the ticks stay round).
inline ColorBar color_bar(double v_lo, double v_hi, bool log) {
    if (!log || !(v_lo > 0)) return linear_bar(v_lo, v_hi);
    double lo = std::log10(v_lo), hi = std::log10(v_hi);
    auto decades = [](double a, double b) { return std::floor(b + 1e-9) - std::ceil(a - 1e-9) + 1; };
    if (decades(lo, hi) < 4) {
        const double wlo = std::floor(lo + 1e-9), whi = std::ceil(hi - 1e-9);
        if (decades(wlo, whi) < 4 || (hi - lo) < 0.75 * (whi - wlo)) return linear_bar(v_lo, v_hi);
        lo = wlo;
        hi = whi;
    }
    ColorBar b;
    b.log = true;
    b.lo = lo;
    b.hi = hi;
    const double n = decades(lo, hi);
    int every = 1;
    while (n / every > 7 && every < 1000) every = every == 1 ? 2 : every == 2 ? 5 : every * 2;
    // Every k-th decade counted from the first, so that at least four remain.
    for (double d = std::ceil(lo - 1e-9); d <= hi + 1e-9; d += every) {
        b.ticks.push_back(d);
        const auto [markup, width] = log_label(1, static_cast<int>(d), false);
        b.labels.push_back(markup);
        b.widths.push_back(width);
    }
    return b;
}

// The bar inside `box`: a gradient through `stops` (colours at evenly spaced positions from the
// bottom to the top), tick marks and labels on its right, and `label` read upwards beside them.
inline void draw_color_bar(std::string& o, const ColorBar& b, const Rect& box, const std::vector<std::string>& stops,
                           const std::string& label) {
    o += "<g class=\"colorbar\">\n<defs><linearGradient id=\"bar\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">";
    for (std::size_t k = 0; k < stops.size(); ++k)
        o += "<stop offset=\"" + num(static_cast<double>(k) / static_cast<double>(std::max<std::size_t>(1, stops.size() - 1))) +
             "\" stop-color=\"" + stops[k] + "\"/>";
    o += "</linearGradient></defs>\n";
    rect(o, box, "url(#bar)", "class=\"colorbar-box\" stroke=\"#333333\" stroke-width=\"0.8\"");
    for (std::size_t k = 0; k < b.ticks.size(); ++k) {
        const double f = b.hi > b.lo ? (b.ticks[k] - b.lo) / (b.hi - b.lo) : 0.5;
        const double y = box.bottom() - f * box.h;
        line(o, box.right(), y, box.right() + 4, y, kFrame, 1, "class=\"colorbar-tick\"");
        text(o, box.right() + 7, y + 0.36 * kTickFont, b.labels[k], kTickFont, "start", "class=\"colorbar-label\"");
    }
    if (!label.empty()) {
        const double size = fit_font(label, kLabelFont, std::max(box.h, 60.0) + 20);
        o += "<g class=\"colorbar-title\">";
        vertical_text(o, box.right() + 7 + b.label_width() + 6 + size, box.y + box.h / 2, escape(label), size);
        o += "</g>\n";
    }
    o += "</g>\n";
}

// Width the bar takes to the right of its left edge: the bar, its tick labels and its label.
inline double color_bar_width(const ColorBar& b, const std::string& label, double bar_w) {
    return bar_w + 7 + b.label_width() + (label.empty() ? 0 : 6 + kLabelFont + 4);
}

}  // namespace plot::detail
