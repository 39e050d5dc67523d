// legend.hpp — keeping legends and labels off the data: every drawn segment and marker is
// recorded as a Mark; a box may go only where it touches no Mark and no box placed before it.
// Also the legend itself: a framed list of samples (line, dash, marker) and their labels, in one
// or more columns.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/plot/svg.hpp"

namespace plot::detail {

// ─────────────────────────────────────── free space ─────────────────────────────────────────

// Something drawn, in pixels: the segment (x0, y0)–(x1, y1) with a half-width r. A marker is a
// segment of length zero whose r is the marker's radius.
struct Mark {
    double x0, y0, x1, y1, r;
};

// True when the segment a–b meets the rectangle r (Liang & Barsky's clipping: the segment's
// parameter interval inside each pair of edges, intersected).
inline bool segment_meets(double ax, double ay, double bx, double by, const Rect& r) {
    double t0 = 0, t1 = 1;
    const double d[2] = {bx - ax, by - ay}, p0[2] = {ax, ay};
    const double lo[2] = {r.x, r.y}, hi[2] = {r.right(), r.bottom()};
    for (int k = 0; k < 2; ++k) {
        if (d[k] == 0) {
            if (p0[k] < lo[k] || p0[k] > hi[k]) return false;
            continue;
        }
        double u = (lo[k] - p0[k]) / d[k], v = (hi[k] - p0[k]) / d[k];
        if (u > v) std::swap(u, v);
        t0 = std::max(t0, u);
        t1 = std::min(t1, v);
        if (t0 > t1) return false;
    }
    return true;
}

// True when the mark, widened by its half-width, touches the rectangle grown by pad.
inline bool mark_meets(const Mark& m, const Rect& r, double pad) {
    const double g = m.r + pad;
    return segment_meets(m.x0, m.y0, m.x1, m.y1, {r.x - g, r.y - g, r.w + 2 * g, r.h + 2 * g});
}

// The marks of a figure sorted into square cells, so that asking whether a box is free looks at
// the marks near it only. Boxes already placed (a legend, other labels) count as taken.
struct FreeSpace {
    static constexpr double kCell = 16;
    Rect area;
    std::size_t nx = 1, ny = 1;
    std::vector<Mark> marks;
    std::vector<std::vector<std::size_t>> cells;
    std::vector<Rect> taken;

    std::size_t cx(double x) const {
        return static_cast<std::size_t>(std::clamp((x - area.x) / kCell, 0.0, static_cast<double>(nx - 1)));
    }
    std::size_t cy(double y) const {
        return static_cast<std::size_t>(std::clamp((y - area.y) / kCell, 0.0, static_cast<double>(ny - 1)));
    }
};

inline FreeSpace index_marks(const std::vector<Mark>& marks, const Rect& area) {
    FreeSpace f;
    f.area = area;
    f.nx = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(area.w / FreeSpace::kCell)));
    f.ny = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(area.h / FreeSpace::kCell)));
    f.marks = marks;
    f.cells.assign(f.nx * f.ny, {});
    for (std::size_t k = 0; k < marks.size(); ++k) {
        const Mark& m = marks[k];
        const double g = m.r + 4;  // the widest pad asked for below
        for (std::size_t j = f.cy(std::min(m.y0, m.y1) - g); j <= f.cy(std::max(m.y0, m.y1) + g); ++j)
            for (std::size_t i = f.cx(std::min(m.x0, m.x1) - g); i <= f.cx(std::max(m.x0, m.x1) + g); ++i)
                f.cells[j * f.nx + i].push_back(k);
    }
    return f;
}

// True when the box, grown by pad (at most 4 px), touches no mark and no taken box.
inline bool is_free(const FreeSpace& f, const Rect& box, double pad) {
    for (const Rect& t : f.taken)
        if (overlap({box.x - pad, box.y - pad, box.w + 2 * pad, box.h + 2 * pad}, t)) return false;
    for (std::size_t j = f.cy(box.y - pad); j <= f.cy(box.bottom() + pad); ++j)
        for (std::size_t i = f.cx(box.x - pad); i <= f.cx(box.right() + pad); ++i)
            for (std::size_t k : f.cells[j * f.nx + i])
                if (mark_meets(f.marks[k], box, pad)) return false;
    return true;
}

// The first free box among the candidates, in their order.
inline std::optional<Rect> first_free(const FreeSpace& f, const std::vector<Rect>& candidates, double pad) {
    for (const Rect& c : candidates)
        if (is_free(f, c, pad)) return c;
    return std::nullopt;
}

// Every position of a w × h box inside `area` (inset by `inset`) on a 4-px lattice, ordered by
// how far the box is from the nearest corner (top right, top left, bottom right, bottom left
// win ties in that order): a legend sits in a corner when one is free, else as close to one as
// the data allow.
inline std::vector<Rect> corner_first(const Rect& area, double w, double h, double inset) {
    const double x0 = area.x + inset, x1 = area.right() - inset - w;
    const double y0 = area.y + inset, y1 = area.bottom() - inset - h;
    if (x1 < x0 || y1 < y0) return {};
    auto steps = [](double a, double b) {
        std::vector<double> v;
        for (double t = a; t < b; t += 4) v.push_back(t);
        v.push_back(b);
        return v;
    };
    struct Candidate {
        double cost;
        Rect r;
    };
    std::vector<Candidate> all;
    for (double y : steps(y0, y1))
        for (double x : steps(x0, x1)) {
            const double d[4] = {x1 - x + y - y0, x - x0 + y - y0, x1 - x + y1 - y, x - x0 + y1 - y};
            double cost = kInf;
            for (int c = 0; c < 4; ++c) cost = std::min(cost, d[c] + 0.01 * c);
            all.push_back({cost, {x, y, w, h}});
        }
    std::stable_sort(all.begin(), all.end(), [](const Candidate& a, const Candidate& b) { return a.cost < b.cost; });
    std::vector<Rect> out;
    out.reserve(all.size());
    for (const Candidate& c : all) out.push_back(c.r);
    return out;
}

// ───────────────────────────────────────── legend ───────────────────────────────────────────

struct LegendEntry {
    std::string label, color;
    bool line = true;
    std::string dash;              // stroke-dasharray of the sample line, "" = solid
    bool marker = false, marker_edge = false;
    char shape = 'o';              // marker: 'o' circle, 'v' / '^' a triangle pointing down / up
};

constexpr double kLegendRow = 19, kLegendSample = 28;

// Width of column c of a legend laid out row by row in `columns` columns.
inline double legend_column_width(const std::vector<LegendEntry>& entries, std::size_t columns, std::size_t c) {
    double w = 0;
    for (std::size_t k = c; k < entries.size(); k += columns) w = std::max(w, text_width(entries[k].label, kLegendFont));
    return kLegendSample + 8 + w;
}

inline Rect legend_size(const std::vector<LegendEntry>& entries, std::size_t columns) {
    if (entries.empty()) return {};
    columns = std::clamp<std::size_t>(columns, 1, entries.size());
    double w = 20 + 16 * static_cast<double>(columns - 1);
    for (std::size_t c = 0; c < columns; ++c) w += legend_column_width(entries, columns, c);
    const std::size_t rows = (entries.size() + columns - 1) / columns;
    return {0, 0, w, 8 + kLegendRow * static_cast<double>(rows) + 2};
}

// A small triangle centred on (x, y), pointing down or up: a point beyond the edge of the axis.
inline void triangle(std::string& o, double x, double y, double size, bool down, std::string_view color,
                     std::string_view extra = "") {
    const double s = down ? 1 : -1;
    std::string d;
    path_cmd(d, 'M', x - size, y - s * size * 0.6);
    path_cmd(d, 'L', x + size, y - s * size * 0.6);
    path_cmd(d, 'L', x, y + s * size * 0.8);
    d += 'z';
    path(o, color, d, extra);
}

inline void draw_legend(std::string& o, const std::vector<LegendEntry>& entries, const Rect& box,
                        std::size_t columns) {
    if (entries.empty()) return;
    columns = std::clamp<std::size_t>(columns, 1, entries.size());
    o += "<g class=\"legend\">\n";
    rect(o, box, "#ffffff", "class=\"legend-box\" fill-opacity=\"0.92\" stroke=\"#bbbbbb\" stroke-width=\"0.8\" rx=\"3\"");
    std::vector<double> col_x{box.x + 10};
    for (std::size_t c = 0; c + 1 < columns; ++c) col_x.push_back(col_x.back() + legend_column_width(entries, columns, c) + 16);
    for (std::size_t k = 0; k < entries.size(); ++k) {
        const LegendEntry& e = entries[k];
        const double cy = box.y + 4 + kLegendRow * (static_cast<double>(k / columns) + 0.5);
        const double x0 = col_x[k % columns], x1 = x0 + kLegendSample;
        if (e.line)
            line(o, x0, cy, x1, cy, e.color, 2,
                 e.dash.empty() ? "stroke-linecap=\"round\"" : "stroke-dasharray=\"" + e.dash + "\"");
        if (e.marker && e.shape == 'o')
            circle(o, (x0 + x1) / 2, cy, e.marker_edge ? 4.5 : 3, e.color,
                   e.marker_edge ? "stroke=\"#ffffff\" stroke-width=\"1\"" : "");
        else if (e.marker)
            triangle(o, (x0 + x1) / 2, cy, 4.5, e.shape == 'v', e.color);
        text(o, x1 + 8, cy + 0.36 * kLegendFont, escape(e.label), kLegendFont, "start");
    }
    o += "</g>\n";
}

}  // namespace plot::detail
