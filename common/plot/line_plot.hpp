// line_plot.hpp — curves over iterations or epochs (LinePlot): linear or log axes chosen from the
// data, one distinct (colour, dash) per curve, dashed grey reference lines (HLine, e.g. a noise
// floor) with their labels, and a legend.
//
// Nothing is hidden: the legend and the reference-line labels go where no curve, marker or
// reference line is drawn — inside the plot area when a free spot exists there, else in a
// column to its right. A point is drawable when x and y are finite (and positive on a log axis);
// a curve breaks at every point that is not. Fixed or robust y limits (y_min, y_max,
// clip_outliers) keep an interesting band readable: points beyond them are drawn as triangles
// on the edge and counted in the legend, with the farthest value.
//
// plot::layout() gives the boxes the writer chose (plot area, legend, labels), so that a test
// can hold them against the drawn curves; plot::to_svg() draws that layout.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/plot/axis.hpp"
#include "common/plot/color.hpp"
#include "common/plot/legend.hpp"
#include "common/plot/svg.hpp"

namespace plot {

struct Series {
    std::string label;             // legend entry ("" = not in legend)
    std::vector<double> x, y;      // same length
    bool markers = true;           // small circles at points (at most ~50 on a line: evenly thinned)
    bool line = true;              // polyline through consecutive drawable points
    bool dashed = false;
    std::string color = "";        // "" = the next free colour of the palette
};

// A horizontal reference line (e.g. a noise floor): dashed grey, labelled where the label hides
// nothing.
struct HLine {
    double y;
    std::string label;
};

struct LinePlot {
    std::string title, xlabel, ylabel;
    bool log_y = false, log_x = false;
    std::vector<Series> series;
    std::vector<HLine> hlines;
    double width = 720, height = 440;
    // Fixed y limits (NaN = from the data). Points beyond them are drawn on the edge, see above.
    double y_min = std::numeric_limits<double>::quiet_NaN();
    double y_max = std::numeric_limits<double>::quiet_NaN();
    // y limits from the bulk of the points: Tukey's far-out fences, Q1 − 3·IQR and Q3 + 3·IQR of
    // all y values (in log units on a log axis), so that one outlier does not flatten the rest.
    bool clip_outliers = false;
};

namespace detail {

using Pt = std::pair<double, double>;

// One series as drawn, in pixels.
struct Curve {
    std::vector<std::vector<Pt>> runs;   // polylines, cut where the curve leaves the plot area
    std::vector<Pt> markers;             // marker centres (thinned on a long line)
    std::vector<Pt> beyond;              // triangles on the edge for points beyond the y limits
    std::size_t n_above = 0, n_below = 0;
    double highest = -kInf, lowest = kInf;  // the farthest values beyond the limits
};

}  // namespace detail

// What the writer decided for a LinePlot: where everything goes, in pixels.
struct LineLayout {
    Rect figure;                    // the whole figure (or one panel of Panels)
    Rect frame;                     // the plot area
    Rect legend;                    // empty without a legend
    std::size_t legend_columns = 1;
    bool legend_outside = false;    // in the column right of the plot area
    std::vector<Rect> labels;       // one per HLine: its label's box (empty: no label or not drawn)
    std::vector<double> hline_y;    // one per HLine: its pixel row (NaN: not drawable)
    detail::Axis ax, ay;
    std::vector<detail::Style> styles;   // one per series
    std::vector<detail::Curve> curves;   // one per series
    std::vector<detail::LegendEntry> entries;
    bool no_data = false;
};

namespace detail {

// Data limits in axis units (log10 on a log axis): x from the drawable points, y from the points
// and the reference lines, or fixed / robust.
struct Limits {
    Range x, y;
    double y_pad = 0.04;
    bool no_data = true;
};

inline bool drawable(const LinePlot& p, double x, double y) {
    return std::isfinite(x) && std::isfinite(y) && (!p.log_x || x > 0) && (!p.log_y || y > 0);
}
inline double tx(const LinePlot& p, double x) { return p.log_x ? std::log10(x) : x; }
inline double ty(const LinePlot& p, double y) { return p.log_y ? std::log10(y) : y; }
inline bool hline_drawable(const LinePlot& p, const HLine& h) { return std::isfinite(h.y) && (!p.log_y || h.y > 0); }

// Q1 − 3·IQR … Q3 + 3·IQR of the values (quartiles by linear interpolation); ±inf when the
// quartiles coincide (then nothing is an outlier).
inline std::pair<double, double> far_out_fences(std::vector<double> v) {
    if (v.size() < 4) return {-kInf, kInf};
    std::sort(v.begin(), v.end());
    auto quantile = [&](double q) {
        const double f = q * static_cast<double>(v.size() - 1);
        const std::size_t k = static_cast<std::size_t>(f);
        return k + 1 < v.size() ? v[k] + (f - static_cast<double>(k)) * (v[k + 1] - v[k]) : v[k];
    };
    const double q1 = quantile(0.25), q3 = quantile(0.75);
    if (!(q3 > q1)) return {-kInf, kInf};
    return {q1 - 3 * (q3 - q1), q3 + 3 * (q3 - q1)};
}

inline Limits data_limits(const LinePlot& p) {
    Limits L;
    std::vector<double> ys;
    for (const Series& s : p.series)
        for (std::size_t k = 0; k < s.x.size(); ++k)
            if (drawable(p, s.x[k], s.y[k])) {
                L.x.add(tx(p, s.x[k]));
                ys.push_back(ty(p, s.y[k]));
            }
    L.no_data = ys.empty();
    for (const HLine& h : p.hlines)
        if (hline_drawable(p, h)) ys.push_back(ty(p, h.y));
    const auto [lo_fence, hi_fence] = p.clip_outliers ? far_out_fences(ys) : std::pair{-kInf, kInf};
    for (double y : ys)
        if (y >= lo_fence && y <= hi_fence) L.y.add(y);
    const bool fixed_lo = std::isfinite(p.y_min) && (!p.log_y || p.y_min > 0);
    const bool fixed_hi = std::isfinite(p.y_max) && (!p.log_y || p.y_max > 0);
    if (fixed_lo) L.y.lo = ty(p, p.y_min);
    if (fixed_hi) L.y.hi = ty(p, p.y_max);
    if (fixed_lo || fixed_hi) L.y_pad = 0;
    if (L.y.lo > L.y.hi) std::swap(L.y.lo, L.y.hi);
    if (L.x.empty()) L.x = {0, 1};
    if (!std::isfinite(L.y.lo) || !std::isfinite(L.y.hi)) L.y = {0, 1};
    return L;
}

inline std::vector<Style> series_styles(const LinePlot& p) {
    std::vector<StyleWish> wishes;
    for (const Series& s : p.series) wishes.push_back({s.color, s.dashed, s.line});
    return distinct_styles(wishes);
}

// The axes and the plot area inside L.figure, leaving `right` pixels on the right.
inline void frame_and_axes(LineLayout& L, const LinePlot& p, const Limits& lim, double right) {
    const Rect& f = L.figure;
    const double top = top_margin(p.title);
    const double ph = std::max(40.0, f.h - top - bottom_margin(p.xlabel));
    L.ay = fitted_axis(lim.y.lo, lim.y.hi, p.log_y, lim.y_pad, ph, false);
    const double left = left_margin(p.ylabel, L.ay);
    double pw = std::max(40.0, f.w - left - right);
    L.ax = fitted_axis(lim.x.lo, lim.x.hi, p.log_x, 0.04, pw, true);
    // Room for half of the last x tick label on the right.
    const double last_half = L.ax.widths.empty() ? 0 : L.ax.widths.back() / 2;
    const double edge_room = L.ax.major.empty() ? 0 : (1 - L.ax.frac(L.ax.major.back())) * pw;
    pw -= std::max(0.0, last_half + 4 - edge_room - right);
    L.frame = {f.x + left, f.y + top, pw, ph};
}

// The part of segment a–b between the rows y_lo and y_hi, as parameters [t0, t1] (t0 > t1:
// none of it).
inline std::pair<double, double> clip_rows(const Pt& a, const Pt& b, double y_lo, double y_hi) {
    const double dy = b.second - a.second;
    if (dy == 0) return a.second >= y_lo && a.second <= y_hi ? std::pair{0.0, 1.0} : std::pair{1.0, 0.0};
    double u = (y_lo - a.second) / dy, v = (y_hi - a.second) / dy;
    if (u > v) std::swap(u, v);
    return {std::max(0.0, u), std::min(1.0, v)};
}

// A series in pixels: its polylines cut at undrawable points and at the frame's top and bottom,
// its markers, and triangles on the edge for the points beyond the y limits.
inline Curve trace(const LinePlot& p, const Series& s, const LineLayout& L) {
    Curve c;
    const Rect& b = L.frame;
    std::vector<std::optional<Pt>> pts;
    for (std::size_t k = 0; k < s.x.size(); ++k)
        pts.push_back(drawable(p, s.x[k], s.y[k])
                          ? std::optional<Pt>{Pt{px(L.ax, b, tx(p, s.x[k])), py(L.ay, b, ty(p, s.y[k]))}}
                          : std::nullopt);
    auto inside = [&](const Pt& q) { return q.second >= b.y - 1e-9 && q.second <= b.bottom() + 1e-9; };
    bool open = false;  // whether the last run can be continued
    for (std::size_t k = 0; k < pts.size(); ++k) {
        if (!pts[k]) {
            open = false;
            continue;
        }
        const Pt& q = *pts[k];
        if (inside(q) && !(k > 0 && pts[k - 1])) {       // a run starts at an inside point
            c.runs.push_back({q});
            open = true;
        }
        if (k == 0 || !pts[k - 1]) continue;
        const Pt& a = *pts[k - 1];
        const auto [t0, t1] = clip_rows(a, q, b.y, b.bottom());
        if (t0 > t1) {
            open = false;
            continue;
        }
        auto at = [&](double t) { return Pt{a.first + t * (q.first - a.first), a.second + t * (q.second - a.second)}; };
        if (!open || t0 > 0) c.runs.push_back({at(t0)});
        c.runs.back().push_back(at(t1));
        open = t1 >= 1;
    }
    if (!s.line) c.runs.clear();
    return c;
}

// Markers (thinned to about 50 on a line; a scatter keeps all) and the points beyond the limits.
inline void mark_points(Curve& c, const LinePlot& p, const Series& s, const LineLayout& L) {
    const Rect& b = L.frame;
    std::size_t count = 0;
    for (std::size_t k = 0; k < s.x.size(); ++k) count += drawable(p, s.x[k], s.y[k]);
    const std::size_t every = s.line && count > 60 ? (count + 49) / 50 : 1;
    std::size_t seen = 0;
    for (std::size_t k = 0; k < s.x.size(); ++k) {
        if (!drawable(p, s.x[k], s.y[k])) continue;
        const double x = px(L.ax, b, tx(p, s.x[k])), y = py(L.ay, b, ty(p, s.y[k]));
        const bool shown = seen++ % every == 0;
        if (y < b.y - 1e-6 || y > b.bottom() + 1e-6) {
            const bool below = y > b.bottom();
            (below ? c.n_below : c.n_above) += 1;
            if (below) c.lowest = std::min(c.lowest, s.y[k]);
            else c.highest = std::max(c.highest, s.y[k]);
            if (shown) c.beyond.push_back({x, below ? b.bottom() - 6 : b.y + 6});
        } else if (s.markers && shown) {
            c.markers.push_back({x, y});
        }
    }
    if (s.line && !s.markers)            // an isolated point stays visible as a dot
        for (const auto& run : c.runs)
            if (run.size() == 1) c.markers.push_back(run[0]);
}

// A reference line beyond fixed or robust y limits is not drawn; the legend says where it is.
inline bool hline_inside(const LinePlot& p, const HLine& h, const LineLayout& L) {
    return hline_drawable(p, h) && ty(p, h.y) >= L.ay.lo - 1e-9 && ty(p, h.y) <= L.ay.hi + 1e-9;
}

// Half-widths of what is drawn, for keeping boxes off it: a line's stroke is 1.8 px, a marker
// 3 px with a 0.6 px edge, a triangle 4.5 px, a reference line 1.2 px.
constexpr double kLineHalf = 0.9, kMarkerHalf = 3.3, kBeyondHalf = 5, kHLineHalf = 0.6;

inline std::vector<Mark> marks_of(const LineLayout& L) {
    std::vector<Mark> m;
    for (const Curve& c : L.curves) {
        for (const auto& run : c.runs)
            for (std::size_t k = 1; k < run.size(); ++k)
                m.push_back({run[k - 1].first, run[k - 1].second, run[k].first, run[k].second, kLineHalf});
        for (const auto& [x, y] : c.markers) m.push_back({x, y, x, y, kMarkerHalf});
        for (const auto& [x, y] : c.beyond) m.push_back({x, y, x, y, kBeyondHalf});
    }
    for (double y : L.hline_y)
        if (std::isfinite(y)) m.push_back({L.frame.x, y, L.frame.right(), y, kHLineHalf});
    return m;
}

// "1.5e+03" → "1.5e3", "−1.66": a value for a note.
inline std::string short_value(double v) { return minus(short_exponent(fmt("%.3g", v))); }

inline std::vector<LegendEntry> legend_entries(const LinePlot& p, const LineLayout& L) {
    std::vector<LegendEntry> e;
    for (std::size_t k = 0; k < p.series.size(); ++k) {
        const Series& s = p.series[k];
        const Style& st = L.styles[k];
        if (!s.label.empty()) e.push_back({s.label, st.color, s.line, s.line ? st.dash : "", s.markers, false, 'o'});
    }
    for (const HLine& h : p.hlines)
        if (hline_drawable(p, h) && !hline_inside(p, h, L))
            e.push_back({(h.label.empty() ? std::string("reference line") : h.label) + " at " + short_value(h.y) +
                             (ty(p, h.y) > L.ay.hi ? ", above the axis" : ", below the axis"),
                         "#777777", true, "5 4", false, false, 'o'});
    for (std::size_t k = 0; k < p.series.size(); ++k) {
        const Curve& c = L.curves[k];
        const std::string who = p.series[k].label.empty() ? "curve " + std::to_string(k + 1) : p.series[k].label;
        auto points = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " point" : " points"); };
        if (c.n_above)
            e.push_back({who + ": " + points(c.n_above) + " above the axis (up to " + short_value(c.highest) + ")",
                         L.styles[k].color, false, "", true, false, '^'});
        if (c.n_below)
            e.push_back({who + ": " + points(c.n_below) + " below the axis (down to " + short_value(c.lowest) + ")",
                         L.styles[k].color, false, "", true, false, 'v'});
    }
    return e;
}

// ─────────────────────────────────── placing labels and legend ──────────────────────────────

constexpr double kLabelH = 14, kLabelGap = 3;   // a reference line's label box, and its gap to the line
constexpr double kLegendPad = 4, kLabelPad = 2; // clear space kept around a legend / a label

inline double label_width(const std::string& s) { return text_width(s, kTickFont) + 4; }

// Along its line, right to left, just above or just below it, inside the plot area.
inline std::vector<Rect> label_candidates(const Rect& b, double y, double w) {
    std::vector<Rect> c;
    for (double x = b.right() - 4 - w; x >= b.x + 4 - 1e-9; x -= 4)
        for (double top : {y - kLabelGap - kLabelH, y + kLabelGap})
            if (top >= b.y + 1 && top + kLabelH <= b.bottom() - 1) c.push_back({x, top, w, kLabelH});
    return c;
}

// Labels inside where they hide nothing, then the legend (one column, else two) likewise.
// Returns the width of the column right of the plot area that the rest needs (0: none).
inline double place_inside(LineLayout& L, const LinePlot& p, FreeSpace& space, std::vector<std::size_t>& outside_labels) {
    double need = 0;
    for (std::size_t k = 0; k < p.hlines.size(); ++k) {
        if (p.hlines[k].label.empty() || !std::isfinite(L.hline_y[k])) continue;
        const double w = label_width(p.hlines[k].label);
        if (auto r = first_free(space, label_candidates(L.frame, L.hline_y[k], w), kLabelPad)) {
            L.labels[k] = *r;
            space.taken.push_back(*r);
        } else {
            outside_labels.push_back(k);
            need = std::max(need, 6 + w + 8);
        }
    }
    if (L.entries.empty()) return need;
    for (std::size_t cols = 1; cols <= std::min<std::size_t>(2, L.entries.size()); ++cols) {
        const Rect size = legend_size(L.entries, cols);
        if (auto r = first_free(space, corner_first(L.frame, size.w, size.h, 6), kLegendPad)) {
            L.legend = *r;
            L.legend_columns = cols;
            return need;
        }
    }
    L.legend_outside = true;
    return std::max(need, 12 + legend_size(L.entries, 1).w + 8);
}

// The column right of the plot area: the legend at its top, labels at their lines' heights,
// moved down where they would meet the legend or each other.
inline void place_outside(LineLayout& L, const LinePlot& p, const std::vector<std::size_t>& outside_labels) {
    std::vector<Rect> taken;
    if (L.legend_outside) {
        const Rect size = legend_size(L.entries, 1);
        L.legend = {L.frame.right() + 12, L.frame.y, size.w, size.h};
        L.legend_columns = 1;
        taken.push_back(L.legend);
    }
    for (std::size_t k : outside_labels) {
        Rect r{L.frame.right() + 6, L.hline_y[k] - kLabelH / 2, label_width(p.hlines[k].label), kLabelH};
        for (bool moved = true; moved;) {
            moved = false;
            for (const Rect& t : taken)
                if (overlap(r, t)) r.y = t.bottom() + 2, moved = true;
        }
        L.labels[k] = r;
        taken.push_back(r);
    }
}

// Everything in pixels for a frame that leaves `right` pixels on the right; returns the width
// that the column on the right needs.
inline double arrange(LineLayout& L, const LinePlot& p, const Limits& lim, double right) {
    frame_and_axes(L, p, lim, right);
    L.curves.clear();
    for (const Series& s : p.series) {
        L.curves.push_back(trace(p, s, L));
        mark_points(L.curves.back(), p, s, L);
    }
    L.hline_y.clear();
    for (const HLine& h : p.hlines)
        L.hline_y.push_back(hline_inside(p, h, L) ? py(L.ay, L.frame, ty(p, h.y)) : kNaN);
    L.entries = legend_entries(p, L);
    L.labels.assign(p.hlines.size(), Rect{});
    L.legend = {};
    L.legend_outside = false;
    FreeSpace space = index_marks(marks_of(L), L.frame);
    std::vector<std::size_t> outside_labels;
    const double need = place_inside(L, p, space, outside_labels);
    if (need > 0) place_outside(L, p, outside_labels);
    return need;
}

}  // namespace detail

// The layout of a LinePlot drawn in `figure` (by default the figure's own width × height).
inline LineLayout layout(const LinePlot& p, std::optional<Rect> figure = std::nullopt) {
    using namespace detail;
    for (const Series& s : p.series)
        if (s.x.size() != s.y.size())
            throw std::invalid_argument("plot::to_svg: series '" + s.label + "' has " +
                                        std::to_string(s.x.size()) + " x values but " +
                                        std::to_string(s.y.size()) + " y values");
    LineLayout L;
    L.figure = figure ? *figure : Rect{0, 0, p.width > 0 ? p.width : 720, p.height > 0 ? p.height : 440};
    const Limits lim = data_limits(p);
    L.no_data = lim.no_data;
    L.styles = series_styles(p);
    // A column on the right only when something finds no free spot inside; it narrows the plot
    // area, which moves the curves, so the placement is redone (twice at most).
    double right = 16;
    for (int pass = 0; pass < 3; ++pass) {
        const double need = arrange(L, p, lim, right);
        if (need <= right) break;
        right = need;
    }
    return L;
}

namespace detail {

inline void draw_curves(std::string& o, const LinePlot& p, const LineLayout& L) {
    for (std::size_t k = 0; k < p.series.size(); ++k) {
        const Curve& c = L.curves[k];
        const Style& st = L.styles[k];
        for (const auto& run : c.runs) {
            if (run.size() < 2) continue;
            o += "<polyline class=\"series\" fill=\"none\" stroke=\"" + st.color +
                 "\" stroke-width=\"1.8\" stroke-linejoin=\"round\" stroke-linecap=\"round\"";
            if (!st.dash.empty()) o += " stroke-dasharray=\"" + st.dash + "\"";
            o += " points=\"";
            for (std::size_t i = 0; i < run.size(); ++i) {
                if (i) o += ' ';
                put(o, run[i].first);
                o += ',';
                put(o, run[i].second);
            }
            o += "\"/>\n";
        }
        if (!c.markers.empty()) {
            const bool dots = !p.series[k].markers;  // isolated points of a line without markers
            o += "<g class=\"markers\" fill=\"" + st.color + "\"" +
                 (dots ? std::string() : " stroke=\"#ffffff\" stroke-width=\"0.6\"") + ">\n";
            for (const auto& [x, y] : c.markers) circle(o, x, y, dots ? 2 : 3, st.color);
            o += "</g>\n";
        }
        for (const auto& [x, y] : c.beyond)
            triangle(o, x, y, 4.5, y > L.frame.y + L.frame.h / 2, st.color, "class=\"beyond\"");
    }
}

inline void draw_hlines(std::string& o, std::string& labels, const LinePlot& p, const LineLayout& L) {
    for (std::size_t k = 0; k < p.hlines.size(); ++k) {
        const double y = L.hline_y[k];
        if (!std::isfinite(y)) continue;
        line(o, L.frame.x, y, L.frame.right(), y, "#777777", 1.2, "class=\"hline\" stroke-dasharray=\"5 4\"");
        const Rect& r = L.labels[k];
        if (r.empty()) continue;
        text(labels, r.x + 2, r.bottom() - 3.5, escape(p.hlines[k].label), kTickFont, "start",
             "class=\"label\" fill=\"#555555\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\"");
    }
}

// The figure's content (everything but the document's opening and closing tags).
inline void draw(std::string& o, const LinePlot& p, const LineLayout& L, double title_size = kTitleFont) {
    title(o, p.title, L.frame, L.figure, L.figure.y + 24, title_size);
    draw_grid(o, L.ax, L.ay, L.frame);
    std::string labels;
    draw_hlines(o, labels, p, L);
    draw_curves(o, p, L);
    o += labels;
    draw_axes(o, L.ax, L.ay, L.frame, p.xlabel, p.ylabel, L.figure.w - 16);
    if (L.no_data) note(o, L.frame.x + L.frame.w / 2, L.frame.y + L.frame.h / 2, "no data");
    draw_legend(o, L.entries, L.legend, L.legend_columns);
}

}  // namespace detail

inline std::string to_svg(const LinePlot& p) {
    const LineLayout L = layout(p);
    std::string o;
    o.reserve(4096);
    detail::open_svg(o, L.figure.w, L.figure.h);
    detail::draw(o, p, L);
    detail::close_svg(o);
    return o;
}

}  // namespace plot
