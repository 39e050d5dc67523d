// panels.hpp — several LinePlots in one figure, in a grid under a common title (Panels): a
// function beside its derivative, or one panel per activation function. Each panel keeps its own
// title (smaller), axes, legend and labels, placed by the same rules as a lone LinePlot.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "common/plot/line_plot.hpp"
#include "common/plot/svg.hpp"

namespace plot {

struct Panels {
    std::string title;
    std::vector<LinePlot> panels;  // row by row; their own width and height are not used
    std::size_t columns = 2;
    double panel_width = 360, panel_height = 300;
    bool same_y = false;           // one y range for all panels, so that they compare by eye
};

namespace detail {

// The panels with one y range when same_y: the union of their data's limits plus the usual
// 4 % (in log units on log axes), unless a panel fixes its own.
inline std::vector<LinePlot> with_same_y(const Panels& f) {
    std::vector<LinePlot> out = f.panels;
    if (!f.same_y || out.empty()) return out;
    Range r;
    for (const LinePlot& p : out) {
        const Limits lim = data_limits(p);
        if (!lim.no_data) r.add(lim.y.lo), r.add(lim.y.hi);
    }
    if (r.empty()) return out;
    const double pad = 0.04 * (r.hi - r.lo);
    for (LinePlot& p : out) {
        if (std::isfinite(p.y_min) || std::isfinite(p.y_max)) continue;
        p.y_min = p.log_y ? std::pow(10.0, r.lo - pad) : r.lo - pad;
        p.y_max = p.log_y ? std::pow(10.0, r.hi + pad) : r.hi + pad;
    }
    return out;
}

constexpr double kPanelsTop = 40;   // room for the common title

}  // namespace detail

// The layout of each panel, in the order of f.panels.
inline std::vector<LineLayout> layout(const Panels& f) {
    const std::vector<LinePlot> panels = detail::with_same_y(f);
    const std::size_t cols = std::max<std::size_t>(1, std::min(f.columns, std::max<std::size_t>(1, panels.size())));
    const double top = f.title.empty() ? 0 : detail::kPanelsTop;
    std::vector<LineLayout> out;
    for (std::size_t k = 0; k < panels.size(); ++k) {
        const Rect cell{static_cast<double>(k % cols) * f.panel_width, top + static_cast<double>(k / cols) * f.panel_height,
                        f.panel_width, f.panel_height};
        out.push_back(layout(panels[k], cell));
    }
    return out;
}

inline std::string to_svg(const Panels& f) {
    using namespace detail;
    const std::vector<LinePlot> panels = with_same_y(f);
    const std::vector<LineLayout> L = layout(f);
    const std::size_t cols = std::max<std::size_t>(1, std::min(f.columns, std::max<std::size_t>(1, panels.size())));
    const std::size_t rows = (panels.size() + cols - 1) / cols;
    const double W = static_cast<double>(cols) * f.panel_width;
    const double H = (f.title.empty() ? 0 : kPanelsTop) + static_cast<double>(std::max<std::size_t>(1, rows)) * f.panel_height;
    std::string o;
    open_svg(o, W, H);
    title(o, f.title, {0, 0, W, H}, {0, 0, W, H}, 26, kTitleFont + 1);
    for (std::size_t k = 0; k < panels.size(); ++k) {
        o += "<g class=\"panel\">\n";
        draw(o, panels[k], L[k], kLabelFont);
        o += "</g>\n";
    }
    if (panels.empty()) note(o, W / 2, H / 2, "no panels");
    close_svg(o);
    return o;
}

}  // namespace plot
