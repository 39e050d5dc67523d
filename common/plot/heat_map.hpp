// heat_map.hpp — a grid-search table drawn as a heat map (HeatMap): one coloured cell per
// (row, column) with its value printed, missing cells (diverged runs) hatched grey, the best
// cell (or one the caller chooses) outlined, and a colour bar with at least four evenly spaced
// round ticks. Row 0 is drawn at the top, as in a printed table. Colours are viridis: the best
// values yellow.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/plot/color.hpp"
#include "common/plot/colorbar.hpp"
#include "common/plot/svg.hpp"

namespace plot {

struct HeatMap {
    std::string title, xlabel, ylabel, colorbar_label = "value";
    std::vector<std::string> col_labels, row_labels;   // tick labels ("1e-4", "10", ...)
    std::vector<std::vector<double>> values;           // values[row][col]; NaN or ±inf = missing
    std::string missing_text = "diverged";             // printed in missing cells (hatched grey)
    bool log_color = false;        // colour by log10(value); a value ≤ 0 is then missing
    bool low_is_good = true;       // MSE: low is good; accuracy, R²: set false. Best = yellow.
    std::string value_format = "%.3g";                 // printf format (one double) for each cell
    bool outline_best = true;      // outline the best cell (off where "best" means nothing, e.g.
                                   // a confusion matrix or a table of errors)
    // A cell to outline instead of the best one, {row, column}: e.g. the setting chosen on
    // validation data, in a table of test scores. Set, it replaces outline_best.
    std::optional<std::pair<std::size_t, std::size_t>> outlined;
    double width = 0, height = 0;  // 0 = size from the number of cells
};

namespace detail {

// The table's cells, row-major: each value (NaN when missing or not colourable), its text, the
// range of the colourable values and the best cell.
struct HeatCells {
    std::size_t R = 0, C = 0;
    std::vector<double> v;
    std::vector<std::string> text;
    Range range;
    std::size_t best = 0;
    bool any = false;
};

inline HeatCells heat_cells(const HeatMap& m) {
    HeatCells c;
    c.R = std::max(m.values.size(), m.row_labels.size());
    c.C = m.col_labels.size();
    for (const auto& row : m.values) c.C = std::max(c.C, row.size());
    for (std::size_t r = 0; r < c.R; ++r)
        for (std::size_t k = 0; k < c.C; ++k) {
            double v = r < m.values.size() && k < m.values[r].size() ? m.values[r][k] : kNaN;
            if (!std::isfinite(v) || (m.log_color && !(v > 0))) v = kNaN;
            c.v.push_back(v);
            c.text.push_back(std::isfinite(v) ? fmt(m.value_format, v) : m.missing_text);
            if (!std::isfinite(v)) continue;
            c.range.add(v);
            if (!c.any || (m.low_is_good ? v < c.v[c.best] : v > c.v[c.best])) c.best = c.v.size() - 1;
            c.any = true;
        }
    return c;
}

// Where the table, its labels and the colour bar go.
struct HeatLayout {
    Rect figure, grid, bar;
    double cw = 56, ch = 32, row_label_w = 0;
    ColorBar scale;
};

inline HeatLayout heat_layout(const HeatMap& m, const HeatCells& c) {
    HeatLayout L;
    if (c.any) L.scale = color_bar(c.range.lo, c.range.hi, m.log_color);
    double text_w = text_width(m.missing_text, kTickFont), col_label_w = 0;
    for (const auto& s : c.text) text_w = std::max(text_w, text_width(s, kLegendFont));
    for (const auto& s : m.col_labels) col_label_w = std::max(col_label_w, text_width(s, kTickFont));
    for (const auto& s : m.row_labels) L.row_label_w = std::max(L.row_label_w, text_width(s, kTickFont));
    const double top = m.title.empty() ? 14 : 40;
    const double bottom = 6 + kTickFont + 8 + (m.xlabel.empty() ? 0 : kLabelFont + 10);
    double left = 12 + (m.ylabel.empty() ? 0 : kLabelFont + 12) + L.row_label_w + 8;
    const double bar_gap = 16, bar_w = 14;
    const double right = c.any ? bar_gap + color_bar_width(L.scale, m.colorbar_label, bar_w) + 10 : 14;
    L.cw = std::max({56.0, text_w + 14, col_label_w + 10});
    const double R = static_cast<double>(c.R), C = static_cast<double>(c.C);
    // The colour bar is at least 100 px tall, so that its four or more ticks keep apart.
    const double bar_h = c.any ? 100.0 : 0.0;
    double W = left + C * L.cw + right, H = top + std::max(R * L.ch, bar_h) + bottom;
    if (m.width > 0) {
        W = m.width;
        if (c.C) L.cw = std::max(4.0, (W - left - right) / C);
    }
    if (m.height > 0) {
        H = m.height;
        if (c.R) L.ch = std::max(4.0, (H - top - bottom) / R);
    }
    // A long title or axis label widens a small table; the table is then centred.
    const double need = std::max(text_width(m.title, 11) + 24, text_width(m.xlabel, 11) + 24);
    if (m.width <= 0 && W < need) {
        left += (need - W) / 2;
        W = need;
    }
    L.figure = {0, 0, W, H};
    L.grid = {left, top, C * L.cw, R * L.ch};
    L.bar = {L.grid.right() + bar_gap, top, bar_w, std::max(L.grid.h, bar_h)};
    return L;
}

inline Rgb heat_color(const HeatMap& m, const HeatLayout& L, double v) {
    const double t = L.scale.frac(v);
    return viridis(m.low_is_good ? 1 - t : t);
}

// The cell to outline, if any: the caller's `outlined` cell, else the best one when outline_best.
inline std::optional<std::size_t> outlined_cell(const HeatMap& m, const HeatCells& c) {
    if (m.outlined) {
        if (m.outlined->first < c.R && m.outlined->second < c.C) return m.outlined->first * c.C + m.outlined->second;
        return std::nullopt;
    }
    if (c.any && m.outline_best) return c.best;
    return std::nullopt;
}

// Each cell in its colour with black or white text to suit; missing cells hatched, in grey
// italics; the outlined cell (the best one, unless the caller chose another) bold.
inline void draw_cells(std::string& o, const HeatMap& m, const HeatCells& c, const HeatLayout& L) {
    const std::optional<std::size_t> mark = outlined_cell(m, c);
    for (std::size_t r = 0; r < c.R; ++r)
        for (std::size_t k = 0; k < c.C; ++k) {
            const std::size_t i = r * c.C + k;
            const Rect cell{L.grid.x + static_cast<double>(k) * L.cw, L.grid.y + static_cast<double>(r) * L.ch, L.cw, L.ch};
            const bool ok = std::isfinite(c.v[i]);
            const double size = fit_font(c.text[i], ok ? kLegendFont : kTickFont, L.cw - 6);
            std::string fill = "url(#hatch)", font = "fill=\"#666666\" font-style=\"italic\"";
            if (ok) {
                const Rgb col = heat_color(m, L, c.v[i]);
                fill = hex(col);
                font = brightness(col) > 0.55 ? "fill=\"#000000\"" : "fill=\"#ffffff\"";
                if (mark && i == *mark) font += " font-weight=\"bold\"";
            }
            rect(o, cell, fill, "stroke=\"#ffffff\" stroke-width=\"1\"");
            text(o, cell.x + L.cw / 2, cell.y + L.ch / 2 + 0.36 * size, escape(c.text[i]), size, "middle", font);
        }
    if (mark) {
        const double x = L.grid.x + static_cast<double>(*mark % c.C) * L.cw;
        const double y = L.grid.y + static_cast<double>(*mark / c.C) * L.ch;
        rect(o, {x + 1.5, y + 1.5, L.cw - 3, L.ch - 3}, "none",
             std::string(m.outlined ? "class=\"outlined\"" : "class=\"best\"") + " stroke=\"#d62728\" stroke-width=\"3\"");
    }
}

inline void draw_heat_labels(std::string& o, const HeatMap& m, const HeatLayout& L) {
    const Rect& g = L.grid;
    for (std::size_t r = 0; r < m.row_labels.size(); ++r)
        text(o, g.x - 8, g.y + (static_cast<double>(r) + 0.5) * L.ch + 0.36 * kTickFont, escape(m.row_labels[r]),
             kTickFont, "end");
    for (std::size_t c = 0; c < m.col_labels.size(); ++c)
        text(o, g.x + (static_cast<double>(c) + 0.5) * L.cw, g.bottom() + 6 + kTickFont, escape(m.col_labels[c]), kTickFont);
    if (!m.xlabel.empty()) {
        const double size = fit_font(m.xlabel, kLabelFont, L.figure.w - 16);
        double cx = g.x + g.w / 2;
        const double w = text_width(m.xlabel, size);
        if (cx - w / 2 < 8) cx = 8 + w / 2;
        text(o, cx, g.bottom() + 6 + kTickFont + 8 + size, escape(m.xlabel), size);
    }
    if (!m.ylabel.empty()) {
        const double size = fit_font(m.ylabel, kLabelFont, L.figure.h - 8);
        vertical_text(o, g.x - 8 - L.row_label_w - 12, g.y + g.h / 2, escape(m.ylabel), size);
    }
}

}  // namespace detail

inline std::string to_svg(const HeatMap& m) {
    using namespace detail;
    const HeatCells c = heat_cells(m);
    const HeatLayout L = heat_layout(m, c);
    std::string o;
    o.reserve(4096 + c.v.size() * 200);
    open_svg(o, L.figure.w, L.figure.h);
    o += "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eeeeee\"/>"
         "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#d0d0d0\" stroke-width=\"2\"/>"
         "</pattern></defs>\n";
    title(o, m.title, L.grid, L.figure, 24);
    draw_cells(o, m, c, L);
    draw_heat_labels(o, m, L);
    if (c.R == 0 || c.C == 0) note(o, L.figure.w / 2, L.grid.y + 30, "no data");
    if (c.any) {
        // The bar's colours, bottom to top, sampled finely enough to follow viridis' knots.
        std::vector<std::string> stops;
        for (int k = 0; k <= 20; ++k) stops.push_back(hex(viridis(m.low_is_good ? 1 - k / 20.0 : k / 20.0)));
        draw_color_bar(o, L.scale, L.bar, stops, m.colorbar_label);
    }
    close_svg(o);
    return o;
}

}  // namespace plot
