// diagram.hpp — a box-and-arrow diagram (Diagram): labelled boxes at given grid positions and
// straight arrows between them, e.g. a computation graph whose nodes show their value and
// gradient under their name. An arrow may be highlighted (thick, red: the path a gradient
// takes) or dashed (a backward edge); two arrows joining the same pair of boxes are drawn side
// by side, not on top of each other.
//
// Deliberately left out: automatic placement of the boxes and curved arrows; the caller places
// the boxes on a grid (column, row) so that arrows do not cross them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/plot/svg.hpp"

namespace plot {

struct DiagramBox {
    std::string label;             // e.g. "×" or "z = w x + b"
    double x = 0, y = 0;           // centre, in grid units: column and row (row 0 at the top)
    std::string sub_label;         // a smaller second line, e.g. "value 6, grad 1" ("" = none)
    bool highlighted = false;      // a thick red border
    std::string fill;              // the box's colour, e.g. by the kind of node ("" = light blue-grey)
};

struct DiagramArrow {
    std::size_t from = 0, to = 0;  // indices into boxes
    std::string label;             // beside the arrow's middle ("" = none)
    bool highlighted = false;      // thick and red
    bool dashed = false;
};

struct Diagram {
    std::string title;
    std::vector<DiagramBox> boxes;
    std::vector<DiagramArrow> arrows;
    double column_width = 150, row_height = 90;   // pixels per grid unit
    std::string note;              // a line of small text under the diagram: its key ("" = none)
};

// Where each box and arrow went, in pixels.
struct DiagramLayout {
    double width = 0, height = 0;
    std::vector<Rect> boxes;
    struct Line {
        double x0, y0, x1, y1;     // from the border of one box to the tip at the other's
    };
    std::vector<Line> arrows;
    std::vector<Rect> labels;      // one per arrow: its label's box (empty: no label)
};

namespace detail {

constexpr double kBoxFont = 13, kSubFont = 11, kHeadLength = 9, kArrowGap = 2;
constexpr const char* kHighlight = "#c0282d";

// Where the ray from (x, y), inside r, towards (dx, dy) leaves r, as a multiple of (dx, dy).
inline double exit_parameter(const Rect& r, double x, double y, double dx, double dy) {
    const double tx = dx > 0 ? (r.right() - x) / dx : dx < 0 ? (r.x - x) / dx : kInf;
    const double ty = dy > 0 ? (r.bottom() - y) / dy : dy < 0 ? (r.y - y) / dy : kInf;
    return std::min(tx, ty);
}

inline DiagramLayout::Line arrow_line(const Diagram& d, const std::vector<Rect>& boxes, const DiagramArrow& a) {
    const Rect &p = boxes[a.from], &q = boxes[a.to];
    const double cx0 = p.x + p.w / 2, cy0 = p.y + p.h / 2, cx1 = q.x + q.w / 2, cy1 = q.y + q.h / 2;
    const double dx = cx1 - cx0, dy = cy1 - cy0, len = std::hypot(dx, dy);
    // Another arrow between the same two boxes: each moves 5 px to its own left, so that a
    // forward and a backward edge sit side by side.
    double shift = 0;
    for (const DiagramArrow& b : d.arrows)
        if (&b != &a && ((b.from == a.from && b.to == a.to) || (b.from == a.to && b.to == a.from))) shift = 5;
    const double nx = len > 0 ? -dy / len * shift : 0, ny = len > 0 ? dx / len * shift : 0;
    const double x0 = cx0 + nx, y0 = cy0 + ny, x1 = cx1 + nx, y1 = cy1 + ny;
    const double t0 = exit_parameter(p, x0, y0, dx, dy), t1 = exit_parameter(q, x1, y1, -dx, -dy);
    const double gap = len > 0 ? kArrowGap / len : 0;
    return {x0 + (t0 + gap) * dx, y0 + (t0 + gap) * dy, x1 - (t1 + gap) * dx, y1 - (t1 + gap) * dy};
}

// An arrow's label beside it, on its left or right, at its middle or further towards either
// end: the first such spot that overlaps no box and no label placed before.
inline Rect arrow_label_box(const DiagramLayout& L, const DiagramLayout::Line& l, const std::string& label) {
    const double w = text_width(label, kSubFont) + 4, h = kSubFont + 4;
    const double dx = l.x1 - l.x0, dy = l.y1 - l.y0, len = std::max(1e-9, std::hypot(dx, dy));
    const double nx = -dy / len, ny = dx / len;
    const double off = std::fabs(nx) * w / 2 + std::fabs(ny) * h / 2 + 4;  // clears the line
    Rect first;
    for (double t : {0.5, 0.35, 0.65, 0.2, 0.8})
        for (double side : {1.0, -1.0, 2.0, -2.0}) {   // beside the line, or twice as far
            const double cx = l.x0 + t * dx + side * off * nx, cy = l.y0 + t * dy + side * off * ny;
            const Rect r{cx - w / 2, cy - h / 2, w, h};
            if (first.empty()) first = r;
            bool free = true;
            for (const Rect& b : L.boxes) free = free && !overlap(r, b);
            for (const Rect& b : L.labels) free = free && !overlap(r, b);
            if (free) return r;
        }
    return first;
}

}  // namespace detail

// Box sizes from their text; grid positions scaled by column_width and row_height and shifted
// so that the leftmost box starts 20 px from the left edge and the top one under the title.
inline DiagramLayout layout(const Diagram& d) {
    using namespace detail;
    for (const DiagramArrow& a : d.arrows)
        if (a.from >= d.boxes.size() || a.to >= d.boxes.size() || a.from == a.to)
            throw std::invalid_argument("plot::to_svg: a Diagram arrow joins box " + std::to_string(a.from) + " to box " +
                                        std::to_string(a.to) + " of " + std::to_string(d.boxes.size()));
    DiagramLayout L;
    double min_x = kInf, min_y = kInf;
    for (const DiagramBox& b : d.boxes) {
        const double w = std::max({60.0, text_width(b.label, kBoxFont) + 20, text_width(b.sub_label, kSubFont) + 16});
        const double h = b.sub_label.empty() ? 30 : 46;
        L.boxes.push_back({b.x * d.column_width - w / 2, b.y * d.row_height - h / 2, w, h});
        min_x = std::min(min_x, L.boxes.back().x);
        min_y = std::min(min_y, L.boxes.back().y);
    }
    const double top = d.title.empty() ? 20 : 48;
    L.width = std::max(120.0, text_width(d.title, kTitleFont) + 24);
    L.height = top + 20;
    for (Rect& r : L.boxes) {
        r.x += 20 - min_x;
        r.y += top - min_y;
        L.width = std::max(L.width, r.right() + 20);
        L.height = std::max(L.height, r.bottom() + 20);
    }
    if (!d.note.empty()) {
        L.width = std::max(L.width, text_width(d.note, kSubFont) + 40);
        L.height += 2 * kSubFont;
    }
    for (const DiagramArrow& a : d.arrows) L.arrows.push_back(arrow_line(d, L.boxes, a));
    for (std::size_t k = 0; k < d.arrows.size(); ++k)
        L.labels.push_back(d.arrows[k].label.empty() ? Rect{} : arrow_label_box(L, L.arrows[k], d.arrows[k].label));
    return L;
}

namespace detail {

// A line ending in a filled triangular head whose tip is at (x1, y1).
inline void draw_arrow(std::string& o, const DiagramLayout::Line& l, const DiagramArrow& a) {
    const double dx = l.x1 - l.x0, dy = l.y1 - l.y0, len = std::max(1e-9, std::hypot(dx, dy));
    const double ux = dx / len, uy = dy / len;
    const double head = std::min(kHeadLength + (a.highlighted ? 2 : 0), 0.6 * len), half = head * 0.45;
    const std::string color = a.highlighted ? kHighlight : "#444444";
    std::string extra = "class=\"arrow\"";
    if (a.dashed) extra += " stroke-dasharray=\"5 4\"";
    line(o, l.x0, l.y0, l.x1 - ux * head, l.y1 - uy * head, color, a.highlighted ? 2.6 : 1.4, extra);
    std::string d;
    path_cmd(d, 'M', l.x1, l.y1);
    path_cmd(d, 'L', l.x1 - ux * head - uy * half, l.y1 - uy * head + ux * half);
    path_cmd(d, 'L', l.x1 - ux * head + uy * half, l.y1 - uy * head - ux * half);
    d += 'z';
    path(o, color, d, "class=\"arrowhead\"");
}

}  // namespace detail

inline std::string to_svg(const Diagram& d) {
    using namespace detail;
    const DiagramLayout L = layout(d);
    std::string o;
    open_svg(o, L.width, L.height);
    title(o, d.title, {0, 0, L.width, L.height}, {0, 0, L.width, L.height}, 28);
    for (std::size_t k = 0; k < d.arrows.size(); ++k) draw_arrow(o, L.arrows[k], d.arrows[k]);
    for (std::size_t k = 0; k < d.boxes.size(); ++k) {
        const DiagramBox& b = d.boxes[k];
        const Rect& r = L.boxes[k];
        rect(o, r, !b.fill.empty() ? b.fill : b.highlighted ? "#fdeceb" : "#f4f7fb",
             std::string("class=\"node\" rx=\"5\" stroke=\"") + (b.highlighted ? kHighlight : "#4a6a8a") +
                 "\" stroke-width=\"" + (b.highlighted ? "2.6" : "1.2") + "\"");
        const double cx = r.x + r.w / 2;
        const double base = b.sub_label.empty() ? r.y + r.h / 2 + 0.36 * kBoxFont : r.y + 19;
        text(o, cx, base, escape(b.label), kBoxFont, "middle", "font-weight=\"bold\"");
        if (!b.sub_label.empty())
            text(o, cx, r.y + 37, escape(b.sub_label), kSubFont, "middle", "class=\"sub-label\" fill=\"#555555\"");
    }
    // Labels last, with a white halo, over whatever lies beneath.
    for (std::size_t k = 0; k < d.arrows.size(); ++k)
        if (!L.labels[k].empty())
            text(o, L.labels[k].x + L.labels[k].w / 2, L.labels[k].bottom() - 4.5, escape(d.arrows[k].label), kSubFont,
                 "middle", std::string("class=\"arrow-label\" fill=\"") + (d.arrows[k].highlighted ? kHighlight : "#333333") +
                               "\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\"");
    if (!d.note.empty())
        text(o, 20, L.height - kSubFont, escape(d.note), kSubFont, "start", "class=\"diagram-note\" fill=\"#444444\"");
    if (d.boxes.empty()) note(o, L.width / 2, L.height / 2, "no boxes");
    close_svg(o);
    return o;
}

}  // namespace plot
