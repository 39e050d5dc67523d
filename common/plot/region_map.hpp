// region_map.hpp — the decision regions of a classifier of K classes (RegionMap): each cell of
// the plane coloured by its most probable class, paler where the classifier is less sure, the
// boundaries between classes (where the two largest probabilities are equal), the data points on
// top, and a legend below the plot. For two classes, DecisionMap (decision_map.hpp) shows the
// probability itself on a colour scale.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/plot/axis.hpp"
#include "common/plot/color.hpp"
#include "common/plot/decision_map.hpp"
#include "common/plot/legend.hpp"
#include "common/plot/svg.hpp"

namespace plot {

// prob[k][j*nx + i] is P(class k) at the grid node x = x_min + i·(x_max − x_min)/(nx − 1),
// y = y_min + j·(y_max − y_min)/(ny − 1) (row 0 = y_min), as in DecisionMap. Points carry their
// class in cls and are drawn in its colour.
struct RegionMap {
    std::string title, xlabel = "x1", ylabel = "x2";
    double x_min = -1, x_max = 1, y_min = -1, y_max = 1;
    std::size_t nx = 0, ny = 0;
    std::vector<std::vector<double>> prob;   // K × (ny·nx)
    std::vector<Point> points;
    std::vector<std::string> class_labels;   // K names for the legend
    double width = 620, height = 660;
};

namespace detail {

inline std::string region_class_color(std::size_t k) { return palette(k); }

// A class's colour mixed with white: `strength` 0 is white, 1 the full colour.
inline std::string pale(const std::string& color, double strength) {
    auto channel = [&](std::size_t at) { return std::stoi(color.substr(at, 2), nullptr, 16); };
    return hex({255 + strength * (channel(1) - 255), 255 + strength * (channel(3) - 255),
                255 + strength * (channel(5) - 255)});
}

inline void check_regions(const RegionMap& m) {
    if (!(m.x_max > m.x_min && m.y_max > m.y_min && m.nx >= 2 && m.ny >= 2 && !m.prob.empty()))
        throw std::invalid_argument("plot::to_svg: a RegionMap needs x_min < x_max, y_min < y_max, a grid of 2 × 2 "
                                    "nodes or more and at least one class");
    for (const auto& p : m.prob)
        if (p.size() != m.nx * m.ny)
            throw std::invalid_argument("plot::to_svg: RegionMap has " + std::to_string(p.size()) +
                                        " probabilities of a class for an nx × ny = " + std::to_string(m.nx) +
                                        " × " + std::to_string(m.ny) + " grid");
}

// The class of node q and how sure the classifier is of it, in six shades: 0 when the largest
// probability is 1/K (no preference), 6 when it is 1.
inline std::pair<std::size_t, int> region_key(const RegionMap& m, std::size_t q) {
    constexpr int kShades = 6;
    const std::size_t K = m.prob.size();
    std::size_t best = 0;
    for (std::size_t k = 1; k < K; ++k)
        if (m.prob[k][q] > m.prob[best][q]) best = k;
    const double chance = 1.0 / static_cast<double>(K);
    const double sure = K > 1 ? (m.prob[best][q] - chance) / (1 - chance) : 1;
    return {best, static_cast<int>(std::lround(std::clamp(sure, 0.0, 1.0) * kShades))};
}

// Node (i, j) fills the cell around it; runs of one colour along a row make one path, with
// whole-pixel edges shared by neighbours (no gap, no overlap).
inline void draw_region_cells(std::string& o, const RegionMap& m, const MapLayout& L) {
    const double dx = (m.x_max - m.x_min) / static_cast<double>(m.nx - 1);
    const double dy = (m.y_max - m.y_min) / static_cast<double>(m.ny - 1);
    auto edge = [](std::size_t i, std::size_t n, double lo, double hi, double step) {
        return i == 0 ? lo : i >= n ? hi : lo + (static_cast<double>(i) - 0.5) * step;
    };
    std::map<std::pair<std::size_t, int>, std::string> paths;
    for (std::size_t j = 0; j < m.ny; ++j) {
        const double y0 = std::round(py(L.ay, L.frame, edge(j + 1, m.ny, m.y_min, m.y_max, dy)));
        const double y1 = std::round(py(L.ay, L.frame, edge(j, m.ny, m.y_min, m.y_max, dy)));
        for (std::size_t i = 0, e = 0; i < m.nx; i = e) {
            const auto key = region_key(m, j * m.nx + i);
            for (e = i + 1; e < m.nx && region_key(m, j * m.nx + e) == key;) ++e;
            std::string& d = paths[key];
            path_cmd(d, 'M', std::round(px(L.ax, L.frame, edge(i, m.nx, m.x_min, m.x_max, dx))), y0);
            path_cmd(d, 'H', std::round(px(L.ax, L.frame, edge(e, m.nx, m.x_min, m.x_max, dx))));
            path_cmd(d, 'V', y1);
            path_cmd(d, 'H', std::round(px(L.ax, L.frame, edge(i, m.nx, m.x_min, m.x_max, dx))));
            d += 'z';
        }
    }
    o += "<g shape-rendering=\"crispEdges\">\n";
    for (const auto& [key, d] : paths) path(o, pale(region_class_color(key.first), 0.18 + 0.34 * key.second / 6.0), d);
    o += "</g>\n";
}

// For each class k, the level set p_k − max_{l≠k} p_l = 0 (marching squares).
inline void draw_region_boundaries(std::string& o, const RegionMap& m, const MapLayout& L) {
    std::string d;
    for (std::size_t k = 0; k < m.prob.size() && m.prob.size() > 1; ++k) {
        std::vector<double> margin(m.nx * m.ny);
        for (std::size_t q = 0; q < margin.size(); ++q) {
            double other = 0;
            for (std::size_t l = 0; l < m.prob.size(); ++l)
                if (l != k) other = std::max(other, m.prob[l][q]);
            margin[q] = m.prob[k][q] - other;
        }
        for (const Segment& s : contour_segments(margin, m.nx, m.ny, 0.0, m.x_min, m.x_max, m.y_min, m.y_max)) {
            path_cmd(d, 'M', px(L.ax, L.frame, s.x0), py(L.ay, L.frame, s.y0));
            path_cmd(d, 'L', px(L.ax, L.frame, s.x1), py(L.ay, L.frame, s.y1));
        }
    }
    if (!d.empty())
        o += "<path class=\"contour\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1.4\" stroke-linecap=\"round\" d=\"" +
             d + "\"/>\n";
}

// The plot area square-ish above a legend row, as DecisionMap's but without a colour bar.
inline MapLayout region_layout(const RegionMap& m) {
    check_regions(m);
    MapLayout L;
    L.figure = {0, 0, m.width, m.height};
    for (std::size_t k = 0; k < m.class_labels.size(); ++k)
        L.entries.push_back({m.class_labels[k], region_class_color(k), false, "", true, true, 'o'});
    L.entries.push_back({"boundary between classes", "#222222", true, "", false, false, 'o'});
    std::size_t cols = L.entries.size();
    while (cols > 1 && legend_size(L.entries, cols).w > m.width - 16) --cols;
    L.legend_columns = cols;
    const Rect size = legend_size(L.entries, cols);
    const double top = top_margin(m.title);
    const double ph = std::max(40.0, m.height - top - bottom_margin(m.xlabel) - size.h - 6);
    L.ay = fitted_axis(m.y_min, m.y_max, false, 0, ph, false);
    const double left = left_margin(m.ylabel, L.ay);
    const double pw = std::max(40.0, m.width - left - 20);
    L.ax = fitted_axis(m.x_min, m.x_max, false, 0, pw, true);
    L.frame = {left, top, pw, ph};
    const double lx = std::clamp(L.frame.x + pw / 2 - size.w / 2, 8.0, std::max(8.0, m.width - 8 - size.w));
    L.legend = {lx, L.frame.bottom() + bottom_margin(m.xlabel) - 2, size.w, size.h};
    return L;
}

}  // namespace detail

inline std::string to_svg(const RegionMap& m) {
    using namespace detail;
    const MapLayout L = region_layout(m);
    std::string o;
    open_svg(o, L.figure.w, L.figure.h);
    title(o, m.title, L.frame, L.figure, 24);
    draw_region_cells(o, m, L);
    draw_region_boundaries(o, m, L);
    o += "<g class=\"points\" stroke=\"#ffffff\" stroke-width=\"1\">\n";
    for (const Point& q : m.points)
        if (std::isfinite(q.x) && std::isfinite(q.y) && q.x >= m.x_min && q.x <= m.x_max && q.y >= m.y_min &&
            q.y <= m.y_max && q.cls >= 0)
            circle(o, px(L.ax, L.frame, q.x), py(L.ay, L.frame, q.y), 4.2,
                   region_class_color(static_cast<std::size_t>(q.cls)));
    o += "</g>\n";
    draw_axes(o, L.ax, L.ay, L.frame, m.xlabel, m.ylabel, L.figure.w - 16);
    draw_legend(o, L.entries, L.legend, L.legend_columns);
    close_svg(o);
    return o;
}

}  // namespace plot
