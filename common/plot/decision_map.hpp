// decision_map.hpp — the decision region of a two-class classifier (DecisionMap): the plane
// coloured blue ↔ red by p(class 1), its p = 0.5 boundary traced by marching squares, the data
// points on top, a colour bar for p and a legend below the plot (the coloured region is data
// everywhere, so no spot inside it is free).
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
#include "common/plot/colorbar.hpp"
#include "common/plot/legend.hpp"
#include "common/plot/svg.hpp"

namespace plot {

struct Point {
    double x, y;
    int cls;                       // 0 or 1 (more classes take palette colours)
};

// A scatter plot over a filled decision region. prob holds samples on the nodes of a regular
// grid that includes the edges: prob[j*nx + i] is p(class 1) at
//   x = x_min + i·(x_max − x_min)/(nx − 1),   y = y_min + j·(y_max − y_min)/(ny − 1),
// so row 0 is y = y_min. Each sample fills the cell around its node.
struct DecisionMap {
    std::string title, xlabel, ylabel;
    double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
    std::size_t nx = 0, ny = 0;    // grid resolution
    std::vector<double> prob;      // ny*nx values in [0,1], row-major, row 0 = y_min
    std::vector<Point> points;
    double contour = 0.5;          // this level set of prob is drawn as a line (marching squares)
    std::vector<std::string> class_labels = {"class 0", "class 1"};
    double width = 680, height = 620;
    std::string colorbar_label = "P(class 1)";
};

// One piece of a contour line, in data coordinates.
struct Segment {
    double x0, y0, x1, y1;
};

// The level set f = level of samples f[j*nx + i] on the grid nodes
// (x_min + i·(x_max − x_min)/(nx − 1), y_min + j·(y_max − y_min)/(ny − 1)), as line segments
// in data coordinates: marching squares, with the crossing on each cell edge placed by linear
// interpolation, t = (level − f_p) / (f_q − f_p). A saddle cell (two opposite corners above the
// level) is resolved by the mean of its four corners. Cells with a non-finite corner are skipped.
inline std::vector<Segment> contour_segments(const std::vector<double>& f, std::size_t nx,
                                             std::size_t ny, double level, double x_min,
                                             double x_max, double y_min, double y_max) {
    if (f.size() != nx * ny)
        throw std::invalid_argument("plot::contour_segments: " + std::to_string(f.size()) +
                                    " values for a " + std::to_string(nx) + " × " +
                                    std::to_string(ny) + " grid");
    std::vector<Segment> out;
    if (nx < 2 || ny < 2 || !std::isfinite(level)) return out;
    const double dx = (x_max - x_min) / static_cast<double>(nx - 1);
    const double dy = (y_max - y_min) / static_cast<double>(ny - 1);
    for (std::size_t j = 0; j + 1 < ny; ++j)
        for (std::size_t i = 0; i + 1 < nx; ++i) {
            // Corners counter-clockwise from the bottom left: a (i,j), b (i+1,j), c (i+1,j+1), d (i,j+1).
            const double v[4] = {f[j * nx + i], f[j * nx + i + 1], f[(j + 1) * nx + i + 1],
                                 f[(j + 1) * nx + i]};
            if (!std::isfinite(v[0]) || !std::isfinite(v[1]) || !std::isfinite(v[2]) ||
                !std::isfinite(v[3]))
                continue;
            const bool above[4] = {v[0] > level, v[1] > level, v[2] > level, v[3] > level};
            const int n_above = above[0] + above[1] + above[2] + above[3];
            if (n_above == 0 || n_above == 4) continue;
            const double cx[4] = {0, 1, 1, 0}, cy[4] = {0, 0, 1, 1};  // corner offsets in cells
            // Crossing on edge e, between corner e and corner e+1 (bottom, right, top, left).
            auto crossing = [&](int e) {
                const int p = e, q = (e + 1) % 4;
                const double t = (level - v[p]) / (v[q] - v[p]);
                const double ux = cx[p] + t * (cx[q] - cx[p]), uy = cy[p] + t * (cy[q] - cy[p]);
                return std::pair<double, double>{x_min + (static_cast<double>(i) + ux) * dx,
                                                 y_min + (static_cast<double>(j) + uy) * dy};
            };
            auto segment = [&](int e0, int e1) {
                const auto [x0, y0] = crossing(e0);
                const auto [x1, y1] = crossing(e1);
                out.push_back({x0, y0, x1, y1});
            };
            const bool saddle = n_above == 2 && above[0] == above[2];
            if (!saddle) {
                int e[2] = {0, 0}, n = 0;
                for (int k = 0; k < 4; ++k)
                    if (above[k] != above[(k + 1) % 4]) e[n++] = k;
                segment(e[0], e[1]);
            } else {
                // Corners on the other side of the centre are cut off, each by its own segment:
                // corner k touches edges k−1 and k.
                const bool centre = (v[0] + v[1] + v[2] + v[3]) / 4 > level;
                for (int k = 0; k < 4; ++k)
                    if (above[k] != centre) segment((k + 3) % 4, k);
            }
        }
    return out;
}

namespace detail {

// Where the plot area, the colour bar and the legend of a DecisionMap (or of every frame of an
// AnimatedMap) go.
struct MapLayout {
    Rect figure, frame, bar, legend;
    Axis ax, ay;
    ColorBar scale;
    std::vector<LegendEntry> entries;
    std::size_t legend_columns = 1;
};

inline void check_map(const DecisionMap& d) {
    if (!(std::isfinite(d.x_min) && std::isfinite(d.x_max) && d.x_max > d.x_min &&
          std::isfinite(d.y_min) && std::isfinite(d.y_max) && d.y_max > d.y_min))
        throw std::invalid_argument("plot::to_svg: a DecisionMap needs finite x_min < x_max and y_min < y_max");
    if (d.prob.size() != d.nx * d.ny)
        throw std::invalid_argument("plot::to_svg: DecisionMap has " + std::to_string(d.prob.size()) +
                                    " probabilities for an nx × ny = " + std::to_string(d.nx) + " × " +
                                    std::to_string(d.ny) + " grid");
}

inline bool has_contour(const DecisionMap& d) { return std::isfinite(d.contour) && d.contour > 0 && d.contour < 1; }

inline std::vector<LegendEntry> map_entries(const DecisionMap& d) {
    std::vector<LegendEntry> e;
    for (std::size_t c = 0; c < d.class_labels.size(); ++c)
        if (!d.class_labels[c].empty())
            e.push_back({d.class_labels[c], class_color(static_cast<int>(c)), false, "", true, true, 'o'});
    if (has_contour(d)) e.push_back({"p = " + fmt("%g", d.contour), "#111111", true, "", false, false, 'o'});
    return e;
}

// The legend in a row (or as few rows as the width allows) under the x label; the colour bar
// right of the plot area, as tall as it.
inline MapLayout map_layout(const DecisionMap& d) {
    check_map(d);
    MapLayout L;
    L.figure = {0, 0, d.width > 0 ? d.width : 680, d.height > 0 ? d.height : 620};
    const double W = L.figure.w, H = L.figure.h;
    L.entries = map_entries(d);
    std::size_t cols = std::max<std::size_t>(1, L.entries.size());
    while (cols > 1 && legend_size(L.entries, cols).w > W - 16) --cols;
    L.legend_columns = cols;
    const Rect size = legend_size(L.entries, cols);
    const double top = top_margin(d.title);
    const double ph = std::max(40.0, H - top - bottom_margin(d.xlabel) - (L.entries.empty() ? 0 : size.h + 6));
    L.ay = fitted_axis(d.y_min, d.y_max, false, 0, ph, false);
    const double left = left_margin(d.ylabel, L.ay);
    L.scale = linear_bar(0, 1);
    const double pw = std::max(40.0, W - left - 18 - color_bar_width(L.scale, d.colorbar_label, 14) - 8);
    L.ax = fitted_axis(d.x_min, d.x_max, false, 0, pw, true);
    L.frame = {left, top, pw, ph};
    L.bar = {L.frame.right() + 18, top, 14, ph};
    const double lx = std::clamp(L.frame.x + pw / 2 - size.w / 2, 8.0, std::max(8.0, W - 8 - size.w));
    if (!L.entries.empty()) L.legend = {lx, L.frame.bottom() + bottom_margin(d.xlabel) - 2, size.w, size.h};
    return L;
}

// The region filled cell by cell: node (i, j) fills [x_i − dx/2, x_i + dx/2] × [y_j − dy/2,
// y_j + dy/2]. Runs of equal colour are merged, one path per colour (p quantised to 1/64), and
// cell edges are whole pixels: neighbouring cells share a rounded edge, so there is neither gap
// nor overlap, and the file is a third smaller.
inline void draw_region(std::string& o, const DecisionMap& d, const MapLayout& L) {
    if (d.nx == 0 || d.ny == 0) return;
    const double dx = d.nx > 1 ? (d.x_max - d.x_min) / static_cast<double>(d.nx - 1) : 0;
    const double dy = d.ny > 1 ? (d.y_max - d.y_min) / static_cast<double>(d.ny - 1) : 0;
    auto edge = [](std::size_t i, std::size_t n, double lo, double hi, double step) {  // i = n: the far end
        if (i == 0) return lo;
        if (i >= n) return hi;
        return lo + (static_cast<double>(i) - 0.5) * step;
    };
    constexpr int kLevels = 64;
    auto level = [&](double p) {  // −1 = not a probability (drawn grey)
        return std::isfinite(p) ? static_cast<int>(std::lround(std::clamp(p, 0.0, 1.0) * kLevels)) : -1;
    };
    std::map<int, std::string> paths;
    for (std::size_t j = 0; j < d.ny; ++j) {
        const double y0 = std::round(py(L.ay, L.frame, edge(j + 1, d.ny, d.y_min, d.y_max, dy)));
        const double y1 = std::round(py(L.ay, L.frame, edge(j, d.ny, d.y_min, d.y_max, dy)));
        for (std::size_t i = 0; i < d.nx;) {
            const int lv = level(d.prob[j * d.nx + i]);
            std::size_t e = i + 1;
            while (e < d.nx && level(d.prob[j * d.nx + e]) == lv) ++e;
            const double x0 = std::round(px(L.ax, L.frame, edge(i, d.nx, d.x_min, d.x_max, dx)));
            const double x1 = std::round(px(L.ax, L.frame, edge(e, d.nx, d.x_min, d.x_max, dx)));
            std::string& s = paths[lv];
            path_cmd(s, 'M', x0, y0);
            path_cmd(s, 'H', x1);
            path_cmd(s, 'V', y1);
            path_cmd(s, 'H', x0);
            s += 'z';
            i = e;
        }
    }
    o += "<g shape-rendering=\"crispEdges\">\n";
    for (const auto& [lv, s] : paths) path(o, lv < 0 ? "#cccccc" : hex(blue_red(lv / static_cast<double>(kLevels))), s);
    o += "</g>\n";
}

inline void draw_contour(std::string& o, const DecisionMap& d, const MapLayout& L) {
    if (!has_contour(d)) return;
    const auto segs = contour_segments(d.prob, d.nx, d.ny, d.contour, d.x_min, d.x_max, d.y_min, d.y_max);
    if (segs.empty()) return;
    o += "<path class=\"contour\" fill=\"none\" stroke=\"#111111\" stroke-width=\"1.8\" stroke-linecap=\"round\" d=\"";
    for (const Segment& s : segs) {
        path_cmd(o, 'M', px(L.ax, L.frame, s.x0), py(L.ay, L.frame, s.y0));
        path_cmd(o, 'L', px(L.ax, L.frame, s.x1), py(L.ay, L.frame, s.y1));
    }
    o += "\"/>\n";
}

// The points with a white edge; those outside the limits or not finite are not drawn.
inline void draw_points(std::string& o, const DecisionMap& d, const MapLayout& L) {
    o += "<g class=\"points\" stroke=\"#ffffff\" stroke-width=\"1\">\n";
    for (const Point& q : d.points) {
        if (!(std::isfinite(q.x) && std::isfinite(q.y) && q.x >= d.x_min && q.x <= d.x_max && q.y >= d.y_min &&
              q.y <= d.y_max))
            continue;
        circle(o, px(L.ax, L.frame, q.x), py(L.ay, L.frame, q.y), 4, class_color(q.cls));
    }
    o += "</g>\n";
}

// Axes, colour bar and legend: what every frame of an animation shares.
inline void draw_map_keys(std::string& o, const DecisionMap& d, const MapLayout& L) {
    draw_axes(o, L.ax, L.ay, L.frame, d.xlabel, d.ylabel, L.figure.w - 16);
    std::vector<std::string> stops;
    for (int k = 0; k <= 20; ++k) stops.push_back(hex(blue_red(k / 20.0)));
    draw_color_bar(o, L.scale, L.bar, stops, d.colorbar_label);
    draw_legend(o, L.entries, L.legend, L.legend_columns);
}

}  // namespace detail

inline std::string to_svg(const DecisionMap& d) {
    using namespace detail;
    const MapLayout L = map_layout(d);
    std::string o;
    o.reserve(8192 + d.nx * d.ny * 8);
    open_svg(o, L.figure.w, L.figure.h);
    title(o, d.title, L.frame, L.figure, 24);
    draw_region(o, d, L);
    draw_contour(o, d, L);
    draw_points(o, d, L);
    draw_map_keys(o, d, L);
    close_svg(o);
    return o;
}

}  // namespace plot
