// figures.hpp — the two figures of this chapter that common/plot.hpp has no kind for, drawn with
// its low-level SVG pieces (plot::detail):
//
//   graph_svg    a computation graph: a box per node (its name, operation and shape, the norms
//                of its value and its gradient), an arrow per input; chosen edges highlighted
//   regions_svg  the decision regions of a K-class classifier: each grid cell coloured by its
//                most probable class (paler where the network is less sure), the boundaries
//                between classes, and the data points
//
// The layout of a graph is computed, not drawn by hand: a node's column is its depth (one more
// than its deepest input; a leaf sits just left of its first user), its row that of its first
// computed input if free, else the nearest free one; data inputs sit in their user's row,
// parameters above it. Edges run from the right side of a box to the left side of the next.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "chapters/chapter6_computation_graphs/graph.hpp"
#include "common/plot.hpp"
#include "common/table.hpp"

namespace ch6 {

// ---------------------------------------------------------------------------------------------
// The computation graph

struct GraphFigure {
    std::string title;
    std::set<std::pair<Id, Id>> highlighted;   // edges (input, node) drawn in red
    std::string highlight_label;               // their legend entry
};

struct Place {
    int col = 0, row = 0;
};

// Columns and rows of the nodes that `output` depends on (see the file comment).
inline std::map<Id, Place> layout(const Graph& g, Id output) {
    const std::vector<Id> order = topological_order(g, output);
    std::map<Id, Place> at;
    std::map<Id, std::vector<Id>> users;
    for (Id v : order)
        for (Id u : g.nodes[v].inputs) users[u].push_back(v);
    std::set<std::pair<int, int>> taken;
    auto free_row = [&](int col, int want) {
        for (int k = 0;; ++k)
            for (int r : {want + k, want - k})
                if (!taken.count({col, r})) return r;
    };
    for (Id v : order) {   // computed nodes, inputs before users
        const Node& n = g.nodes[v];
        if (n.inputs.empty()) continue;
        int col = 1, want = 0;
        bool have_row = false;
        for (Id u : n.inputs) {
            const bool leaf = g.nodes[u].inputs.empty();
            col = std::max(col, leaf ? 1 : at[u].col + 1);
            if (!leaf && !have_row) want = at[u].row, have_row = true;
        }
        at[v] = {col, free_row(col, want)};
        taken.insert({at[v].col, at[v].row});
    }
    for (Id v : order) {   // leaves, next to their first user
        const Node& n = g.nodes[v];
        if (!n.inputs.empty()) continue;
        if (users[v].empty()) {   // a graph of one node
            at[v] = {0, 0};
            continue;
        }
        int col = at[users[v].front()].col - 1;
        for (Id w : users[v]) col = std::min(col, at[w].col - 1);
        const int want = at[users[v].front()].row - (n.op == "parameter" ? 1 : 0);
        at[v] = {col, free_row(col, want)};
        taken.insert({at[v].col, at[v].row});
    }
    return at;
}

inline std::string shape_text(const Matrix& M) { return std::to_string(M.rows) + "×" + std::to_string(M.cols); }

inline std::string graph_svg(const Graph& g, Id output, const GraphFigure& fig) {
    using namespace plot::detail;
    const std::map<Id, Place> at = layout(g, output);
    // Three lines per box: the name, "operation · shape", the two norms.
    std::map<Id, std::vector<std::string>> lines;
    double widest = 0;
    for (const auto& [v, p] : at) {
        const Node& n = g.nodes[v];
        lines[v] = {n.name.empty() ? n.op : n.name, n.op + " · " + shape_text(n.value),
                    "‖v‖ " + table::fmt("%.3g", norm(n.value)) + " · ‖∂L/∂v‖ " + table::fmt("%.3g", norm(n.grad))};
        for (const auto& s : lines[v]) widest = std::max(widest, text_width(s, 11));
    }
    const double box_w = std::max(118.0, widest + 16), box_h = 54, gap_x = 46, gap_y = 34;
    int max_col = 0, min_row = 0, max_row = 0;
    for (const auto& [v, p] : at) {
        max_col = std::max(max_col, p.col);
        min_row = std::min(min_row, p.row);
        max_row = std::max(max_row, p.row);
    }
    const double left = 16, top = 44;
    const double W = 2 * left + (max_col + 1) * box_w + max_col * gap_x;
    const double H = top + (max_row - min_row + 1) * (box_h + gap_y) + 40;
    auto X = [&](Id v) { return left + at.at(v).col * (box_w + gap_x); };
    auto Y = [&](Id v) { return top + (at.at(v).row - min_row) * (box_h + gap_y); };

    std::string o;
    open_svg(o, W, H);
    o += "<defs>\n"
         "<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" "
         "markerWidth=\"9\" markerHeight=\"9\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"#666666\"/></marker>\n"
         "<marker id=\"arrow_hi\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerUnits=\"userSpaceOnUse\" "
         "markerWidth=\"11\" markerHeight=\"11\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"#c0282d\"/></marker>\n</defs>\n";
    title(o, fig.title, 0, W, W);
    for (const auto& [v, p] : at)   // edges first, boxes over them
        for (Id u : g.nodes[v].inputs) {
            const bool hi = fig.highlighted.count({u, v}) > 0;
            line(o, X(u) + box_w, Y(u) + box_h / 2, X(v) - 1, Y(v) + box_h / 2, hi ? "#c0282d" : "#666666",
                 hi ? 2.6 : 1.3, hi ? "marker-end=\"url(#arrow_hi)\"" : "marker-end=\"url(#arrow)\"");
        }
    for (const auto& [v, p] : at) {
        const Node& n = g.nodes[v];
        const char* fill = n.op == "parameter" ? "#e3edf8" : n.op == "input" ? "#efefef"
                           : v == output       ? "#fbe3df" : "#fff6e0";
        rect(o, X(v), Y(v), box_w, box_h, fill, "stroke=\"#555555\" stroke-width=\"1\" rx=\"5\"");
        const auto& t = lines[v];
        text(o, X(v) + box_w / 2, Y(v) + 16, escape(t[0]), 12.5, "middle", "font-weight=\"bold\"");
        text(o, X(v) + box_w / 2, Y(v) + 31, escape(t[1]), 11);
        text(o, X(v) + box_w / 2, Y(v) + 46, escape(t[2]), 11, "middle", "fill=\"#444444\"");
    }
    std::string key = "boxes: name · operation and shape · ‖value‖ and ‖∂L/∂value‖ (Frobenius norms);  "
                      "blue: parameters, grey: data, red: the loss";
    text(o, left, H - 14, escape(key), 11, "start", "fill=\"#444444\"");
    if (!fig.highlighted.empty()) {
        const double x = W - left - text_width(fig.highlight_label, 11) - 40;
        line(o, x, H - 18, x + 30, H - 18, "#c0282d", 2.6);
        text(o, x + 36, H - 14, escape(fig.highlight_label), 11, "start", "fill=\"#c0282d\"");
    }
    close_svg(o);
    return o;
}

// ---------------------------------------------------------------------------------------------
// Decision regions of K classes

struct RegionMap {
    std::string title, xlabel = "x1", ylabel = "x2";
    double lo = -1, hi = 1;                  // the square [lo, hi]² shown
    std::size_t nx = 0, ny = 0;              // grid nodes, as in plot::DecisionMap
    std::vector<std::vector<double>> prob;   // prob[k][j·nx + i]: class k at node (i, j), row 0 = lo
    std::vector<plot::Point> points;         // cls = the class index
    std::vector<std::string> class_labels;
    double size = 600;
};

// Region colour: the class's palette colour mixed with white, stronger where the network is sure.
inline std::string region_color(std::size_t k, int level, int levels) {
    const std::string c = plot::detail::palette(k);
    auto channel = [&](std::size_t at) { return std::stoi(c.substr(at, 2), nullptr, 16); };
    const double strength = 0.18 + 0.34 * level / static_cast<double>(levels);
    return plot::detail::hex({255 + strength * (channel(1) - 255), 255 + strength * (channel(3) - 255),
                              255 + strength * (channel(5) - 255)});
}

// The filled cells: node (i, j) fills the square around it, in its most probable class's colour
// (six shades of sureness); runs of one colour along a row are merged into one path.
inline void region_cells(std::string& o, const RegionMap& m, const plot::detail::Axis& ax, const plot::detail::Axis& ay,
                         const plot::detail::Box& b) {
    using namespace plot::detail;
    constexpr int kLevels = 6;
    const std::size_t K = m.prob.size();
    const double dx = (m.hi - m.lo) / static_cast<double>(m.nx - 1), dy = (m.hi - m.lo) / static_cast<double>(m.ny - 1);
    auto edge = [&](std::size_t i, double d) { return i == 0 ? m.lo : std::min(m.hi, m.lo + (static_cast<double>(i) - 0.5) * d); };
    std::map<std::pair<std::size_t, int>, std::string> paths;   // (class, shade) → its cells
    for (std::size_t j = 0; j < m.ny; ++j) {
        auto key = [&](std::size_t q) {
            std::size_t best = 0;
            for (std::size_t k = 1; k < K; ++k)
                if (m.prob[k][j * m.nx + q] > m.prob[best][j * m.nx + q]) best = k;
            const double sure = (m.prob[best][j * m.nx + q] - 1.0 / K) / (1.0 - 1.0 / K);
            return std::pair{best, static_cast<int>(std::lround(std::clamp(sure, 0.0, 1.0) * kLevels))};
        };
        const double y0 = std::round(py(ay, b, edge(j + 1, dy))), y1 = std::round(py(ay, b, edge(j, dy)));
        for (std::size_t i = 0, e = 0; i < m.nx; i = e) {
            const auto k = key(i);
            for (e = i + 1; e < m.nx && key(e) == k;) ++e;
            std::string& d = paths[k];
            path_cmd(d, 'M', std::round(px(ax, b, edge(i, dx))), y0);
            path_cmd(d, 'H', std::round(px(ax, b, e >= m.nx ? m.hi : edge(e, dx))));
            path_cmd(d, 'V', y1);
            path_cmd(d, 'H', std::round(px(ax, b, edge(i, dx))));
            d += 'z';
        }
    }
    o += "<g shape-rendering=\"crispEdges\">\n";
    for (const auto& [k, d] : paths) path(o, region_color(k.first, k.second, kLevels), d);
    o += "</g>\n";
}

// The boundaries: for each class k the level set p_k = max_{l≠k} p_l (marching squares).
inline void region_boundaries(std::string& o, const RegionMap& m, const plot::detail::Axis& ax,
                              const plot::detail::Axis& ay, const plot::detail::Box& b) {
    using namespace plot::detail;
    std::string d;
    for (std::size_t k = 0; k < m.prob.size(); ++k) {
        std::vector<double> margin(m.nx * m.ny);
        for (std::size_t q = 0; q < margin.size(); ++q) {
            double other = 0;
            for (std::size_t l = 0; l < m.prob.size(); ++l)
                if (l != k) other = std::max(other, m.prob[l][q]);
            margin[q] = m.prob[k][q] - other;
        }
        for (const plot::Segment& s : plot::contour_segments(margin, m.nx, m.ny, 0.0, m.lo, m.hi, m.lo, m.hi)) {
            path_cmd(d, 'M', px(ax, b, s.x0), py(ay, b, s.y0));
            path_cmd(d, 'L', px(ax, b, s.x1), py(ay, b, s.y1));
        }
    }
    o += "<path fill=\"none\" stroke=\"#222222\" stroke-width=\"1.4\" stroke-linecap=\"round\" d=\"" + d + "\"/>\n";
}

inline std::string regions_svg(const RegionMap& m) {
    using namespace plot::detail;
    const double top = top_margin(m.title);
    const double ph = m.size - top - bottom_margin(m.xlabel);
    const Axis ay = linear_axis(m.lo, m.hi, 6, 0);
    const double lm = left_margin(m.ylabel, ay);
    const Axis ax = fitted_x_axis({m.lo, m.hi}, false, ph, 0);
    const Box b{lm, top, ph, ph};
    const double W = lm + ph + 20;
    std::string o;
    open_svg(o, W, m.size);
    title(o, m.title, b.x, b.w, W);
    region_cells(o, m, ax, ay, b);
    region_boundaries(o, m, ax, ay, b);
    std::vector<std::pair<double, double>> marks;   // what the legend should not cover
    o += "<g stroke=\"#ffffff\" stroke-width=\"1\">\n";
    for (const plot::Point& q : m.points)
        if (q.x >= m.lo && q.x <= m.hi && q.y >= m.lo && q.y <= m.hi) {
            circle(o, px(ax, b, q.x), py(ay, b, q.y), 4.2, palette(static_cast<std::size_t>(q.cls)));
            marks.push_back({px(ax, b, q.x), py(ay, b, q.y)});
        }
    o += "</g>\n";
    draw_axes(o, ax, ay, b, m.xlabel, m.ylabel, W);
    std::vector<LegendEntry> legend;
    for (std::size_t k = 0; k < m.class_labels.size(); ++k)
        legend.push_back({m.class_labels[k], palette(k), false, true, false, true});
    legend.push_back({"boundary between classes", "#222222", true, false, false, false});
    const auto [w, h] = legend_size(legend);
    const auto [lx, ly] = place_legend(b, w, h, marks);
    draw_legend(o, legend, lx, ly);
    close_svg(o);
    return o;
}

}  // namespace ch6
