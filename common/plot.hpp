// plot.hpp — the project's figures, written as SVG files (standard library only).
//
// Four kinds of figure, each a plain struct filled in by the caller and turned into one
// self-contained SVG document by plot::to_svg():
//
//   LinePlot     curves over iterations or epochs: linear or log axes with "nice" 1-2-5 ticks,
//                legend, dashed reference lines (HLine, e.g. a noise floor)
//   HeatMap      a grid-search table: one coloured cell per (row, column) with its value printed,
//                diverged cells hatched grey, a colour bar, the best cell outlined
//   DecisionMap  the decision region of a two-class classifier (blue ↔ red by p(class 1)), its
//                p = 0.5 boundary by marching squares, and the data points on top
//   ImageGrid    small grey-scale images with captions, e.g. misclassified digits
//
// plot::save(path, svg) writes a document atomically (files::write_atomic).
//
// Every document has a fixed size (width/height and viewBox), a white background and sans-serif
// text, and shows the same in a browser and in rsvg-convert. All text is XML-escaped (UTF-8 such
// as η, λ, ‖∇f‖ is kept). A figure never contains "nan" or "inf": non-finite points are skipped
// (a curve breaks there), non-finite cells are drawn as missing. Coordinates have at most two
// decimals. Inconsistent sizes (x vs y, prob vs nx·ny, pixels per image) throw
// std::invalid_argument: they are bugs in the caller, not bad data.
//
// Deliberately left out: subplots, styling options the chapters do not need, real text
// measurement (label widths are estimated from character counts, generously), raster <image>s.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/files.hpp"

namespace plot {

// ───────────────────────────────────────── figures ─────────────────────────────────────────

struct Series {
    std::string label;             // legend entry ("" = not in legend)
    std::vector<double> x, y;      // same length
    bool markers = true;           // small circles at points (at most ~50 on a line: evenly thinned)
    bool line = true;              // polyline through consecutive drawable points
    bool dashed = false;
    std::string color = "";        // "" = next colour of the built-in colour-blind-safe palette
};

// A horizontal reference line (e.g. a noise floor): dashed grey, labelled at its right end.
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
};

// A grid-search table: rows × columns of values. Row 0 is drawn at the top, as in a printed table.
struct HeatMap {
    std::string title, xlabel, ylabel, colorbar_label;
    std::vector<std::string> col_labels, row_labels;   // tick labels ("1e-4", "10", ...)
    std::vector<std::vector<double>> values;           // values[row][col]; NaN or ±inf = missing
    std::string missing_text = "diverged";             // printed in missing cells (hatched grey)
    bool log_color = false;        // colour by log10(value); a value ≤ 0 is then missing
    bool low_is_good = true;       // MSE: low is good; accuracy, R²: set false. Best = yellow.
    std::string value_format = "%.3g";                 // printf format (one double) for each cell
    bool outline_best = true;      // outline the best cell (off where "best" means nothing, e.g.
                                   // a confusion matrix or a table of errors)
    double width = 0, height = 0;  // 0 = size from the number of cells
};

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
    double width = 600, height = 600;
};

// Small grey-scale images, e.g. misclassified digits.
struct ImageGrid {
    std::string title;
    std::size_t rows_px = 0, cols_px = 0;     // size of each image (e.g. 28 × 28)
    std::vector<std::vector<float>> images;   // each rows_px*cols_px values in [0,1], row-major;
                                              // 1 = ink (drawn dark)
    std::vector<std::string> captions;        // one per image, under it (e.g. "7 → 1"); may be empty
    std::size_t columns = 10;
    double scale = 3;              // pixels per image pixel
};

// One piece of a contour line, in data coordinates.
struct Segment {
    double x0, y0, x1, y1;
};

// ───────────────────────────────── numbers, text, colours ─────────────────────────────────

namespace detail {

constexpr double kInf = std::numeric_limits<double>::infinity();

// A coordinate or size: two decimals, trailing zeros dropped ("12.5", "300"). Never "nan":
// a non-finite value (which the callers never pass) would be written as 0.
inline void put(std::string& o, double v) {
    if (!std::isfinite(v)) v = 0;
    v = std::clamp(v, -1e6, 1e6);
    char b[32];
    int n = std::snprintf(b, sizeof b, "%.2f", v);
    while (n > 1 && b[n - 1] == '0') --n;
    if (b[n - 1] == '.') --n;
    if (n == 2 && b[0] == '-' && b[1] == '0') { b[0] = '0'; n = 1; }
    o.append(b, static_cast<std::size_t>(n));
}
inline std::string num(double v) {
    std::string s;
    put(s, v);
    return s;
}

// Text for an SVG document: & < > " ' escaped, control characters dropped, and each invalid
// UTF-8 byte replaced by U+FFFD, so that any input gives well-formed XML.
inline std::string escape(std::string_view s) {
    std::string o;
    o.reserve(s.size() + 8);
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
                case '&': o += "&amp;"; break;
                case '<': o += "&lt;"; break;
                case '>': o += "&gt;"; break;
                case '"': o += "&quot;"; break;
                case '\'': o += "&#39;"; break;
                case '\t': case '\n': case '\r': o += ' '; break;
                default: if (c >= 0x20 && c != 0x7F) o += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        // Lead byte → sequence length; the second byte's range excludes overlong forms,
        // surrogates and code points above U+10FFFF.
        std::size_t len = 0;
        unsigned char lo2 = 0x80, hi2 = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0) lo2 = 0xA0;
            if (c == 0xED) hi2 = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0) lo2 = 0x90;
            if (c == 0xF4) hi2 = 0x8F;
        }
        bool ok = len > 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k) {
            const unsigned char b = static_cast<unsigned char>(s[i + k]);
            ok = k == 1 ? (b >= lo2 && b <= hi2) : (b & 0xC0) == 0x80;
        }
        // U+FFFE and U+FFFF are not XML characters either.
        if (ok && len == 3 && c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
            static_cast<unsigned char>(s[i + 2]) >= 0xBE)
            ok = false;
        if (ok) {
            o.append(s.substr(i, len));
            i += len;
        } else {
            o += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return o;
}

// Estimated width in pixels of text at a font size (DejaVu Sans-like proportions, on the
// generous side so that nothing is cut off). Counts code points, not bytes.
inline double text_width(std::string_view s, double size) {
    double w = 0;
    for (const char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if ((c & 0xC0) == 0x80) continue;                     // UTF-8 continuation byte
        if (c >= 0x80) w += 0.66;
        else if (c == ' ') w += 0.32;
        else if (std::strchr("il.,:;'|!()[]", c) != nullptr) w += 0.34;
        else if (c == 'm' || c == 'w' || c == 'M' || c == 'W') w += 0.90;
        else if (c >= 'A' && c <= 'Z') w += 0.70;
        else w += 0.62;
    }
    return w * size;
}

// The largest font size ≤ size (and ≥ 8) at which text fits in max_width.
inline double fit_font(std::string_view s, double size, double max_width) {
    const double w = text_width(s, size);
    if (w <= max_width || w <= 0) return size;
    return std::max(8.0, std::floor(size * max_width / w * 10) / 10);
}

// printf-style formatting of one finite number.
inline std::string fmt(const std::string& format, double v) {
    char b[64];
    std::snprintf(b, sizeof b, format.c_str(), v);
    return b;
}

// Typographic minus for a leading '-' ("−0.5").
inline std::string minus(std::string s) {
    if (!s.empty() && s[0] == '-') s.replace(0, 1, "\xE2\x88\x92");
    return s;
}

struct Rgb {
    double r, g, b;  // 0 … 255
};

inline std::string hex(Rgb c) {
    auto q = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 255.0))); };
    char b[8];
    std::snprintf(b, sizeof b, "#%02x%02x%02x", q(c.r), q(c.g), q(c.b));
    return b;
}

// Piecewise-linear interpolation through n evenly spaced control colours, t ∈ [0, 1].
template <std::size_t N>
Rgb interpolate(const std::array<Rgb, N>& table, double t) {
    if (!(t > 0)) t = 0;                                   // also NaN → 0
    if (t > 1) t = 1;
    const double f = t * static_cast<double>(N - 1);
    const std::size_t k = std::min(static_cast<std::size_t>(f), N - 2);
    const double u = f - static_cast<double>(k);
    const Rgb& a = table[k];
    const Rgb& b = table[k + 1];
    return {a.r + u * (b.r - a.r), a.g + u * (b.g - a.g), a.b + u * (b.b - a.b)};
}

// Viridis (van der Walt & Smith, matplotlib), sampled at t = 0, 0.1, …, 1: perceptually uniform,
// readable in grey-scale and by colour-blind readers. Dark purple (0) → yellow (1).
inline Rgb viridis(double t) {
    static constexpr std::array<Rgb, 11> table = {{{68, 1, 84},    {72, 36, 117},  {65, 68, 135},
                                                   {53, 95, 141},  {42, 120, 142}, {33, 145, 140},
                                                   {34, 168, 132}, {68, 191, 112}, {122, 209, 81},
                                                   {189, 223, 38}, {253, 231, 37}}};
    return interpolate(table, t);
}

// A light blue ↔ white ↔ light red diverging map (ColorBrewer RdBu, lightened so that the data
// points drawn on top stay visible): p = 0 blue, p = 0.5 near white, p = 1 red.
inline Rgb blue_red(double p) {
    static constexpr std::array<Rgb, 5> table = {
        {{122, 170, 214}, {186, 213, 234}, {246, 246, 246}, {244, 196, 174}, {222, 128, 118}}};
    return interpolate(table, p);
}

// Perceived brightness in [0, 1] (Rec. 601 weights): chooses black or white text on a colour.
inline double brightness(Rgb c) { return (0.299 * c.r + 0.587 * c.g + 0.114 * c.b) / 255; }

// Okabe & Ito's colour-blind-safe palette, in the order curves receive it (yellow left out:
// unreadable on white).
inline const char* palette(std::size_t i) {
    static constexpr const char* colors[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                             "#e69f00", "#56b4e9", "#000000", "#999999"};
    return colors[i % (sizeof colors / sizeof colors[0])];
}

// Colours of the classes of a DecisionMap: class 0 blue and class 1 red, like the region.
inline std::string class_color(int cls) {
    if (cls == 0) return "#1f5fa8";
    if (cls == 1) return "#c0282d";
    if (cls < 0) return "#777777";
    return palette(static_cast<std::size_t>(cls) + 1);
}

// ───────────────────────────────────────── SVG pieces ────────────────────────────────────────

constexpr double kTickFont = 11, kLabelFont = 13, kTitleFont = 15, kLegendFont = 12;
constexpr const char* kText = "#222222";

// One attribute, ` name="value"`, with a leading space. A number is written by put(); a string
// must already be markup (escaped by the caller where it comes from the user).
inline void attr(std::string& o, std::string_view name, std::string_view v) {
    o += ' ';
    o += name;
    o += "=\"";
    o += v;
    o += '"';
}
inline void attr(std::string& o, std::string_view name, double v) { attr(o, name, num(v)); }
// Further attributes given as markup by the caller (e.g. `stroke-dasharray="6 4"`), if any.
inline void extra_attrs(std::string& o, std::string_view extra) {
    if (extra.empty()) return;
    o += ' ';
    o += extra;
}

inline void open_svg(std::string& o, double w, double h) {
    o += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"";
    attr(o, "width", w);
    attr(o, "height", h);
    attr(o, "viewBox", "0 0 " + num(w) + ' ' + num(h));
    attr(o, "font-family", "DejaVu Sans, Helvetica, Arial, sans-serif");
    attr(o, "fill", kText);
    o += ">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
}
inline void close_svg(std::string& o) { o += "</svg>\n"; }

// <text> with already-escaped markup; y is the baseline.
inline void text(std::string& o, double x, double y, std::string_view markup, double size,
                 std::string_view anchor = "middle", std::string_view extra = "") {
    o += "<text";
    attr(o, "x", x);
    attr(o, "y", y);
    attr(o, "font-size", size);
    if (anchor != "start") attr(o, "text-anchor", anchor);
    extra_attrs(o, extra);
    o += '>';
    o += markup;
    o += "</text>\n";
}

// Text rotated to read upwards, centred on (x, y); x is the baseline.
inline void vertical_text(std::string& o, double x, double y, std::string_view markup, double size) {
    std::string rot = "transform=\"rotate(-90 " + num(x) + ' ' + num(y) + ")\"";
    text(o, x, y, markup, size, "middle", rot);
}

inline void line(std::string& o, double x0, double y0, double x1, double y1, std::string_view stroke,
                 double width, std::string_view extra = "") {
    o += "<line";
    attr(o, "x1", x0);
    attr(o, "y1", y0);
    attr(o, "x2", x1);
    attr(o, "y2", y1);
    attr(o, "stroke", stroke);
    attr(o, "stroke-width", width);
    extra_attrs(o, extra);
    o += "/>\n";
}

inline void rect(std::string& o, double x, double y, double w, double h, std::string_view fill,
                 std::string_view extra = "") {
    o += "<rect";
    attr(o, "x", x);
    attr(o, "y", y);
    attr(o, "width", std::max(0.0, w));
    attr(o, "height", std::max(0.0, h));
    attr(o, "fill", fill);
    extra_attrs(o, extra);
    o += "/>\n";
}

inline void circle(std::string& o, double x, double y, double r, std::string_view fill,
                   std::string_view extra = "") {
    o += "<circle";
    attr(o, "cx", x);
    attr(o, "cy", y);
    attr(o, "r", r);
    attr(o, "fill", fill);
    extra_attrs(o, extra);
    o += "/>\n";
}

// A filled <path> (d holds its commands).
inline void path(std::string& o, std::string_view fill, std::string_view d) {
    o += "<path";
    attr(o, "fill", fill);
    attr(o, "d", d);
    o += "/>\n";
}

// One command of a path's d attribute, with its numbers: "M12 30", "H40".
inline void path_cmd(std::string& d, char cmd, double v) {
    d += cmd;
    put(d, v);
}
inline void path_cmd(std::string& d, char cmd, double x, double y) {
    d += cmd;
    put(d, x);
    d += ' ';
    put(d, y);
}

// The title, centred over the plot area when it fits there, else over the figure; shrunk to fit.
inline void title(std::string& o, const std::string& t, double area_x, double area_w, double fig_w) {
    if (t.empty()) return;
    const double size = fit_font(t, kTitleFont, fig_w - 16);
    const double w = text_width(t, size);
    double cx = area_x + area_w / 2;
    if (cx - w / 2 < 8 || cx + w / 2 > fig_w - 8) cx = fig_w / 2;
    text(o, cx, 24, escape(t), size, "middle", "font-weight=\"bold\"");
}

inline void note(std::string& o, double cx, double cy, std::string_view what) {
    text(o, cx, cy, what, 14, "middle", "fill=\"#888888\" font-style=\"italic\"");
}

}  // namespace detail

// ─────────────────────────────────────────── ticks ──────────────────────────────────────────

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
        std::string s;
        if (t == 0) {
            s = sci ? "0" : fmt("%." + std::to_string(std::max(0, -step_exp)) + "f", 0.0);
        } else if (sci) {
            const int e = static_cast<int>(std::floor(std::log10(std::fabs(t)) + 1e-9));
            char b[48];
            std::snprintf(b, sizeof b, "%.*e", std::clamp(e - step_exp, 0, 6), t);
            // "1.5e-05" → "1.5e-5", "2e+06" → "2e6"
            s = b;
            const std::size_t p = s.find('e');
            std::string mant = s.substr(0, p), ex = s.substr(p + 1);
            const bool neg = ex[0] == '-';
            ex = ex.substr(1);
            while (ex.size() > 1 && ex[0] == '0') ex.erase(0, 1);
            s = mant + "e" + (neg ? "-" : "") + ex;
        } else {
            char b[48];
            std::snprintf(b, sizeof b, "%.*f", std::max(0, -step_exp), t);
            s = b;
        }
        s = minus(s);
        a.widths.push_back(text_width(s, kTickFont));
        a.labels.push_back(std::move(s));
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

// A log axis over decades [lo, hi] (log10 of the values) widened by pad; ticks at powers of ten
// labelled 10^k (every k-th decade if there are many), minor ticks at 2…9 × 10^k. If fewer than
// two powers of ten fall inside, the axis is widened to whole decades.
inline Axis log_axis(double lo, double hi, int max_count, double pad) {
    Axis a;
    a.log = true;
    if (!std::isfinite(lo) || !std::isfinite(hi)) lo = 0, hi = 1;   // callers pass finite data
    if (!(hi - lo > 1e-9)) {
        lo -= 0.5;
        hi += 0.5;
    }
    const double span = hi - lo;
    a.lo = lo - pad * span;
    a.hi = hi + pad * span;
    double d0 = std::ceil(a.lo - 1e-9), d1 = std::floor(a.hi + 1e-9);
    if (d1 - d0 < 1) {
        a.lo = std::floor(lo + 1e-9);
        a.hi = std::ceil(hi - 1e-9);
        if (a.hi - a.lo < 1) a.hi = a.lo + 1;
        d0 = a.lo;
        d1 = a.hi;
    }
    double every = 1;
    while ((d1 - d0) / every + 1 > std::max(2, max_count)) ++every;
    for (double d = std::ceil(d0 / every) * every; d <= d1 + 1e-9; d += every) a.major.push_back(d);
    for (double d = std::floor(a.lo); d <= std::ceil(a.hi); ++d) {
        if (every > 1) {
            if (std::fmod(std::fabs(d), every) != 0 && d >= a.lo && d <= a.hi) a.minor.push_back(d);
        } else if (a.hi - a.lo <= 10) {
            for (int m = 2; m <= 9; ++m) {
                const double t = d + std::log10(static_cast<double>(m));
                if (t >= a.lo && t <= a.hi) a.minor.push_back(t);
            }
        }
    }
    const double sup = kTickFont * 0.75;
    for (double d : a.major) {
        const int k = static_cast<int>(std::lround(d));
        const std::string e = minus(std::to_string(k));
        a.labels.push_back("10<tspan dy=\"-" + num(kTickFont * 0.4) + "\" font-size=\"" + num(sup) +
                           "\">" + e + "</tspan>");
        a.widths.push_back(text_width("10", kTickFont) + text_width(e, sup));
    }
    return a;
}

inline Axis make_axis(const Range& r, bool log, int max_count, double pad) {
    return log ? log_axis(r.lo, r.hi, max_count, pad) : linear_axis(r.lo, r.hi, max_count, pad);
}

struct Box {
    double x, y, w, h;  // pixels; y downwards
};

inline double px(const Axis& a, const Box& b, double t) { return b.x + a.frac(t) * b.w; }
inline double py(const Axis& a, const Box& b, double t) { return b.y + b.h - a.frac(t) * b.h; }

// True when the x tick labels do not touch each other.
inline bool x_labels_fit(const Axis& a, double width) {
    for (std::size_t k = 1; k < a.major.size(); ++k) {
        const double gap = (a.frac(a.major[k]) - a.frac(a.major[k - 1])) * width;
        if (gap < (a.widths[k] + a.widths[k - 1]) / 2 + 12) return false;
    }
    return true;
}

// Margins around the plot area of a LinePlot or DecisionMap: room for the title above; the x
// tick labels and x label below; the y label and the widest y tick label on the left.
inline double top_margin(const std::string& title) { return title.empty() ? 16 : 40; }
inline double bottom_margin(const std::string& xlabel) {
    return 8 + kTickFont + 10 + (xlabel.empty() ? 0 : kLabelFont + 10);
}
inline double left_margin(const std::string& ylabel, const Axis& ay) {
    return 12 + (ylabel.empty() ? 0 : kLabelFont + 10) + ay.max_width() + 8;
}

// The x axis over r for a plot area `width` pixels wide: as many ticks as fit (one per 70 px at
// most) without their labels touching.
inline Axis fitted_x_axis(const Range& r, bool log, double width, double pad) {
    for (int n = std::max(3, static_cast<int>(width / 70) + 1);; --n) {
        Axis ax = make_axis(r, log, n, pad);
        if (n <= 2 || x_labels_fit(ax, width)) return ax;
    }
}

// Vertical light grid lines at the x ticks and horizontal ones at the y ticks.
inline void draw_grid(std::string& o, const Axis& ax, const Axis& ay, const Box& b) {
    for (double t : ax.major) {
        const double x = px(ax, b, t);
        line(o, x, b.y, x, b.y + b.h, "#e6e6e6", 1);
    }
    for (double t : ay.major) {
        const double y = py(ay, b, t);
        line(o, b.x, y, b.x + b.w, y, "#e6e6e6", 1);
    }
}

// The frame, tick marks (outside), tick labels and axis labels.
inline void draw_axes(std::string& o, const Axis& ax, const Axis& ay, const Box& b,
                      const std::string& xlabel, const std::string& ylabel, double fig_w) {
    rect(o, b.x, b.y, b.w, b.h, "none", "stroke=\"#333333\" stroke-width=\"1\"");
    const double bottom = b.y + b.h;
    for (double t : ax.minor) line(o, px(ax, b, t), bottom, px(ax, b, t), bottom + 3, "#333333", 0.8);
    for (double t : ay.minor) line(o, b.x - 3, py(ay, b, t), b.x, py(ay, b, t), "#333333", 0.8);
    for (std::size_t k = 0; k < ax.major.size(); ++k) {
        const double x = px(ax, b, ax.major[k]);
        line(o, x, bottom, x, bottom + 5, "#333333", 1);
        text(o, x, bottom + 8 + kTickFont, ax.labels[k], kTickFont);
    }
    for (std::size_t k = 0; k < ay.major.size(); ++k) {
        const double y = py(ay, b, ay.major[k]);
        line(o, b.x - 5, y, b.x, y, "#333333", 1);
        text(o, b.x - 8, y + 0.36 * kTickFont, ay.labels[k], kTickFont, "end");
    }
    if (!xlabel.empty()) {
        const double size = fit_font(xlabel, kLabelFont, fig_w - 16);
        text(o, b.x + b.w / 2, bottom + 8 + kTickFont + 8 + size, escape(xlabel), size);
    }
    if (!ylabel.empty()) {
        const double size = fit_font(ylabel, kLabelFont, b.h + 40);
        const double x = b.x - 8 - ay.max_width() - 10;
        vertical_text(o, x, b.y + b.h / 2, escape(ylabel), size);
    }
}

// ─────────────────────────────────────────── legend ─────────────────────────────────────────

struct LegendEntry {
    std::string label, color;
    bool line = true, marker = false, dashed = false, marker_edge = false;
};

constexpr double kLegendRow = 19, kLegendSample = 28;

inline std::pair<double, double> legend_size(const std::vector<LegendEntry>& entries) {
    double w = 0;
    for (const auto& e : entries) w = std::max(w, text_width(e.label, kLegendFont));
    return {10 + kLegendSample + 8 + w + 10, 8 + kLegendRow * static_cast<double>(entries.size()) + 2};
}

// The corner of the plot area (top-right, top-left, bottom-right, bottom-left, in that order of
// preference) where the legend box covers the fewest of the given pixel positions.
inline std::pair<double, double> place_legend(const Box& b, double w, double h,
                                              const std::vector<std::pair<double, double>>& marks) {
    const double inset = 8;
    const std::array<std::pair<double, double>, 4> corners = {{
        {b.x + b.w - inset - w, b.y + inset},
        {b.x + inset, b.y + inset},
        {b.x + b.w - inset - w, b.y + b.h - inset - h},
        {b.x + inset, b.y + b.h - inset - h},
    }};
    std::size_t best = 0, best_count = std::numeric_limits<std::size_t>::max();
    for (std::size_t c = 0; c < corners.size(); ++c) {
        const auto [x, y] = corners[c];
        std::size_t count = 0;
        for (const auto& [mx, my] : marks)
            count += mx >= x - 4 && mx <= x + w + 4 && my >= y - 4 && my <= y + h + 4;
        if (count < best_count) {
            best = c;
            best_count = count;
        }
    }
    return corners[best];
}

inline void draw_legend(std::string& o, const std::vector<LegendEntry>& entries, double x, double y) {
    const auto [w, h] = legend_size(entries);
    rect(o, x, y, w, h, "#ffffff",
         "fill-opacity=\"0.92\" stroke=\"#bbbbbb\" stroke-width=\"0.8\" rx=\"3\"");
    for (std::size_t k = 0; k < entries.size(); ++k) {
        const LegendEntry& e = entries[k];
        const double cy = y + 4 + kLegendRow * (static_cast<double>(k) + 0.5);
        const double x0 = x + 10, x1 = x0 + kLegendSample;
        if (e.line)
            line(o, x0, cy, x1, cy, e.color, 2,
                 e.dashed ? "stroke-dasharray=\"6 4\"" : "stroke-linecap=\"round\"");
        if (e.marker)
            circle(o, (x0 + x1) / 2, cy, e.marker_edge ? 4.5 : 3, e.color,
                   e.marker_edge ? "stroke=\"#ffffff\" stroke-width=\"1\"" : "");
        text(o, x1 + 8, cy + 0.36 * kLegendFont, escape(e.label), kLegendFont, "start");
    }
}

// Positions along the segment a → b every ~4 px, for legend placement.
inline void sample_segment(std::vector<std::pair<double, double>>& marks, double ax, double ay,
                           double bx, double by) {
    const double len = std::hypot(bx - ax, by - ay);
    const int n = std::min(400, static_cast<int>(std::ceil(len / 4)));
    for (int k = 1; k <= n; ++k) {
        const double u = static_cast<double>(k) / n;
        marks.push_back({ax + u * (bx - ax), ay + u * (by - ay)});
    }
}

}  // namespace detail

// ───────────────────────────────────────── LinePlot ─────────────────────────────────────────

// Curves with linear or log axes. A point is drawable when x and y are finite (and positive on a
// log axis); a curve's polyline breaks at every point that is not. Axis limits: the drawable
// data and the reference lines plus 4 % on each side; ticks at nice values inside them.
inline std::string to_svg(const LinePlot& p) {
    using namespace detail;
    const double W = p.width > 0 ? p.width : 720, H = p.height > 0 ? p.height : 440;
    for (const Series& s : p.series)
        if (s.x.size() != s.y.size())
            throw std::invalid_argument("plot::to_svg: series '" + s.label + "' has " +
                                        std::to_string(s.x.size()) + " x values but " +
                                        std::to_string(s.y.size()) + " y values");
    auto drawable = [&](double x, double y) {
        return std::isfinite(x) && std::isfinite(y) && (!p.log_x || x > 0) && (!p.log_y || y > 0);
    };
    auto tx = [&](double x) { return p.log_x ? std::log10(x) : x; };
    auto ty = [&](double y) { return p.log_y ? std::log10(y) : y; };

    // ── ranges ──
    Range rx, ry;
    for (const Series& s : p.series)
        for (std::size_t k = 0; k < s.x.size(); ++k)
            if (drawable(s.x[k], s.y[k])) {
                rx.add(tx(s.x[k]));
                ry.add(ty(s.y[k]));
            }
    const bool no_data = rx.empty();
    std::vector<const HLine*> hlines;
    for (const HLine& h : p.hlines)
        if (std::isfinite(h.y) && (!p.log_y || h.y > 0)) {
            hlines.push_back(&h);
            ry.add(ty(h.y));
        }
    if (rx.empty()) rx = {0, 1};
    if (ry.empty()) ry = {0, 1};

    // ── layout: y ticks first (they set the left margin), then x ticks that do not collide ──
    const double top = top_margin(p.title);
    const double ph = std::max(40.0, H - top - bottom_margin(p.xlabel));
    const Axis ay = make_axis(ry, p.log_y, std::max(3, static_cast<int>(ph / 45) + 1), 0.04);
    const double left = left_margin(p.ylabel, ay);
    double pw = std::max(40.0, W - left - 16);
    const Axis ax = fitted_x_axis(rx, p.log_x, pw, 0.04);
    // Room for half of the last x tick label on the right.
    const double last_half = ax.widths.empty() ? 0 : ax.widths.back() / 2;
    const double right_edge_room = ax.major.empty() ? 0 : (1 - ax.frac(ax.major.back())) * pw;
    pw -= std::max(0.0, last_half + 4 - right_edge_room - 16);
    const Box b{left, top, pw, ph};

    std::string o;
    o.reserve(4096);
    open_svg(o, W, H);
    title(o, p.title, b.x, b.w, W);
    draw_grid(o, ax, ay, b);

    std::vector<std::pair<double, double>> marks;  // pixels the legend should not cover

    // ── series, into `curves`: drawn over the reference lines ──
    std::string curves;
    std::vector<LegendEntry> legend;
    std::size_t auto_color = 0;
    for (const Series& s : p.series) {
        const std::string color = s.color.empty() ? palette(auto_color++) : escape(s.color);
        // Pixel positions of the drawable points, split into runs at the undrawable ones.
        std::vector<std::vector<std::pair<double, double>>> runs(1);
        std::size_t count = 0;
        for (std::size_t k = 0; k < s.x.size(); ++k) {
            if (!drawable(s.x[k], s.y[k])) {
                if (!runs.back().empty()) runs.emplace_back();
                continue;
            }
            runs.back().push_back({px(ax, b, tx(s.x[k])), py(ay, b, ty(s.y[k]))});
            ++count;
        }
        if (runs.back().empty()) runs.pop_back();
        for (const auto& run : runs) {
            if (s.line && run.size() >= 2) {
                curves += "<polyline fill=\"none\" stroke=\"" + color +
                          "\" stroke-width=\"1.8\" stroke-linejoin=\"round\" stroke-linecap=\"round\"";
                if (s.dashed) curves += " stroke-dasharray=\"6 4\"";
                curves += " points=\"";
                for (std::size_t k = 0; k < run.size(); ++k) {
                    if (k) curves += ' ';
                    put(curves, run[k].first);
                    curves += ',';
                    put(curves, run[k].second);
                    if (k) sample_segment(marks, run[k - 1].first, run[k - 1].second, run[k].first,
                                          run[k].second);
                }
                curves += "\"/>\n";
            }
            if (s.line && !s.markers && run.size() == 1)     // an isolated point stays visible
                circle(curves, run[0].first, run[0].second, 2, color);
        }
        if (s.markers) {
            // On a line, at most ~50 markers, evenly thinned; a scatter (no line) keeps all.
            const std::size_t every = s.line && count > 60 ? (count + 49) / 50 : 1;
            std::size_t k = 0;
            curves += "<g fill=\"" + color + "\" stroke=\"#ffffff\" stroke-width=\"0.6\">\n";
            for (const auto& run : runs)
                for (const auto& [x, y] : run) {
                    if (k++ % every == 0) circle(curves, x, y, 3, color);
                    marks.push_back({x, y});
                }
            curves += "</g>\n";
        }
        if (!s.label.empty())
            legend.push_back({s.label, color, s.line, s.markers, s.dashed && s.line, false});
    }

    // ── the legend goes to the corner where it hides the least of curves and reference lines ──
    std::vector<double> hline_y;
    for (const HLine* h : hlines) {
        hline_y.push_back(py(ay, b, ty(h->y)));
        sample_segment(marks, b.x, hline_y.back(), b.x + b.w, hline_y.back());
    }
    const auto [lw, lh] = legend_size(legend);
    const auto [lx, ly] = place_legend(b, lw, lh, marks);

    // ── reference lines under the curves, their labels over them: above the line's right end
    //    (left end if the legend is there) ──
    std::string labels;
    for (std::size_t k = 0; k < hlines.size(); ++k) {
        const double y = hline_y[k];
        line(o, b.x, y, b.x + b.w, y, "#777777", 1.2, "stroke-dasharray=\"5 4\"");
        const std::string& label = hlines[k]->label;
        if (label.empty()) continue;
        const double w = text_width(label, kTickFont);
        // Above the line, or below it when the line runs along the top of the frame.
        const double base = y - 5 - kTickFont < b.y ? y + 4 + kTickFont : y - 5;
        const bool under_legend = !legend.empty() && b.x + b.w - 6 - w < lx + lw &&
                                  b.x + b.w - 6 > lx && base - kTickFont < ly + lh && base + 3 > ly;
        text(labels, under_legend ? b.x + 6 : b.x + b.w - 6, base, escape(label), kTickFont,
             under_legend ? "start" : "end",
             "fill=\"#555555\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\"");
    }
    o += curves;
    o += labels;

    draw_axes(o, ax, ay, b, p.xlabel, p.ylabel, W);
    if (no_data) note(o, b.x + b.w / 2, b.y + b.h / 2, "no data");
    if (!legend.empty()) draw_legend(o, legend, lx, ly);
    close_svg(o);
    return o;
}

// ───────────────────────────────────────── HeatMap ──────────────────────────────────────────

// One cell per (row, column) coloured by viridis; the best cell (lowest or highest, see
// low_is_good) is yellow and outlined. Rows of different lengths are padded with missing cells.
inline std::string to_svg(const HeatMap& m) {
    using namespace detail;
    const std::size_t R = std::max(m.values.size(), m.row_labels.size());
    std::size_t C = m.col_labels.size();
    for (const auto& row : m.values) C = std::max(C, row.size());
    auto value = [&](std::size_t r, std::size_t c) {
        return r < m.values.size() && c < m.values[r].size() ? m.values[r][c]
                                                              : std::numeric_limits<double>::quiet_NaN();
    };
    auto usable = [&](double v) { return std::isfinite(v) && (!m.log_color || v > 0); };
    auto scale = [&](double v) { return m.log_color ? std::log10(v) : v; };

    // ── colour scale and best cell ──
    Range vr;
    std::size_t best_r = 0, best_c = 0;
    bool any = false;
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t c = 0; c < C; ++c) {
            const double v = value(r, c);
            if (!usable(v)) continue;
            vr.add(scale(v));
            const double bv = value(best_r, best_c);
            if (!any || (m.low_is_good ? v < bv : v > bv)) {
                best_r = r;
                best_c = c;
            }
            any = true;
        }
    // Position on the colour scale, 0 = worst … 1 = best (yellow).
    auto goodness = [&](double v) {
        const double t = vr.hi > vr.lo ? (scale(v) - vr.lo) / (vr.hi - vr.lo) : 0.5;
        return m.low_is_good ? 1 - t : t;
    };

    // ── layout ──
    std::vector<std::string> cell_text(R * C);
    double cell_text_w = text_width(m.missing_text, kTickFont);
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t c = 0; c < C; ++c) {
            const double v = value(r, c);
            cell_text[r * C + c] = usable(v) ? fmt(m.value_format, v) : m.missing_text;
            cell_text_w = std::max(cell_text_w, text_width(cell_text[r * C + c], kLegendFont));
        }
    double col_label_w = 0, row_label_w = 0;
    for (const auto& s : m.col_labels) col_label_w = std::max(col_label_w, text_width(s, kTickFont));
    for (const auto& s : m.row_labels) row_label_w = std::max(row_label_w, text_width(s, kTickFont));
    // Colour-bar ticks, all labelled in value_format: min (bottom) and max (top) always, nice
    // values (powers of ten with log_color) in between where they leave room (decided below).
    struct BarTick {
        double frac;  // 0 = bottom … 1 = top
        std::string label;
    };
    std::vector<BarTick> bar_ticks, bar_inner;
    if (any) {
        auto unscale = [&](double s) { return m.log_color ? std::pow(10.0, s) : s; };
        if (vr.hi > vr.lo) {
            bar_ticks.push_back({0, fmt(m.value_format, unscale(vr.lo))});
            bar_ticks.push_back({1, fmt(m.value_format, unscale(vr.hi))});
            const Axis inner = m.log_color ? log_axis(vr.lo, vr.hi, 6, 0) : linear_axis(vr.lo, vr.hi, 4, 0);
            for (double t : inner.major) {
                const double f = (t - vr.lo) / (vr.hi - vr.lo);
                if (f > 0 && f < 1) bar_inner.push_back({f, fmt(m.value_format, unscale(t))});
            }
        } else {
            bar_ticks.push_back({0.5, fmt(m.value_format, unscale(vr.lo))});
        }
    }
    double bar_label_w = 0;
    for (const auto* v : {&bar_ticks, &bar_inner})
        for (const auto& t : *v) bar_label_w = std::max(bar_label_w, text_width(t.label, kTickFont));

    const double top = m.title.empty() ? 14 : 40;
    const double bottom = 6 + kTickFont + 8 + (m.xlabel.empty() ? 0 : kLabelFont + 10);
    double left = 12 + (m.ylabel.empty() ? 0 : kLabelFont + 12) + row_label_w + 8;
    const double bar_gap = 16, bar_w = 14;
    const double right = any ? bar_gap + bar_w + 6 + bar_label_w +
                                   (m.colorbar_label.empty() ? 0 : kLabelFont + 14) + 10
                             : 14;
    double cw = std::max({56.0, cell_text_w + 14, col_label_w + 10});
    double ch = 32;
    double W = left + static_cast<double>(C) * cw + right;
    double H = top + static_cast<double>(R) * ch + bottom;
    if (m.width > 0) {
        W = m.width;
        if (C) cw = std::max(4.0, (W - left - right) / static_cast<double>(C));
    }
    if (m.height > 0) {
        H = m.height;
        if (R) ch = std::max(4.0, (H - top - bottom) / static_cast<double>(R));
    }
    // A long title or axis label widens a small table; the table is then centred.
    const double need = std::max(text_width(m.title, 11) + 24, text_width(m.xlabel, 11) + 24);
    if (m.width <= 0 && W < need) {
        left += (need - W) / 2;
        W = need;
    }
    const double grid_w = static_cast<double>(C) * cw, grid_h = static_cast<double>(R) * ch;

    std::string o;
    o.reserve(4096 + R * C * 200);
    open_svg(o, W, H);
    o += "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eeeeee\"/>"
         "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#d0d0d0\" stroke-width=\"2\"/>"
         "</pattern>";
    if (any && vr.hi > vr.lo) {
        // The colour bar's gradient, from its bottom (min) to its top (max).
        o += "<linearGradient id=\"bar\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">";
        for (int k = 0; k <= 10; ++k) {
            const double f = k / 10.0;
            o += "<stop offset=\"" + num(f) + "\" stop-color=\"" +
                 hex(viridis(m.low_is_good ? 1 - f : f)) + "\"/>";
        }
        o += "</linearGradient>";
    }
    o += "</defs>\n";
    title(o, m.title, left, grid_w, W);

    // ── cells ──
    for (std::size_t r = 0; r < R; ++r)
        for (std::size_t c = 0; c < C; ++c) {
            const double x = left + static_cast<double>(c) * cw, y = top + static_cast<double>(r) * ch;
            const bool ok = usable(value(r, c));
            const bool best = any && m.outline_best && r == best_r && c == best_c;
            const std::string& s = cell_text[r * C + c];
            const double size = fit_font(s, ok ? kLegendFont : kTickFont, cw - 6);
            // A value: its colour, and black or white text to suit; missing: hatched, grey italics.
            std::string fill = "url(#hatch)", font = "fill=\"#666666\" font-style=\"italic\"";
            if (ok) {
                const Rgb col = viridis(goodness(value(r, c)));
                fill = hex(col);
                font = brightness(col) > 0.55 ? "fill=\"#000000\"" : "fill=\"#ffffff\"";
                if (best) font += " font-weight=\"bold\"";
            }
            rect(o, x, y, cw, ch, fill, "stroke=\"#ffffff\" stroke-width=\"1\"");
            text(o, x + cw / 2, y + ch / 2 + 0.36 * size, escape(s), size, "middle", font);
        }
    if (any && m.outline_best) {
        const double x = left + static_cast<double>(best_c) * cw, y = top + static_cast<double>(best_r) * ch;
        rect(o, x + 1.5, y + 1.5, cw - 3, ch - 3, "none",
             "class=\"best\" stroke=\"#d62728\" stroke-width=\"3\"");
    }

    // ── row and column labels, axis labels ──
    for (std::size_t r = 0; r < m.row_labels.size(); ++r)
        text(o, left - 8, top + (static_cast<double>(r) + 0.5) * ch + 0.36 * kTickFont,
             escape(m.row_labels[r]), kTickFont, "end");
    for (std::size_t c = 0; c < m.col_labels.size(); ++c)
        text(o, left + (static_cast<double>(c) + 0.5) * cw, top + grid_h + 6 + kTickFont,
             escape(m.col_labels[c]), kTickFont);
    if (!m.xlabel.empty()) {
        const double size = fit_font(m.xlabel, kLabelFont, W - 16);
        double cx = left + grid_w / 2;
        const double w = text_width(m.xlabel, size);
        if (cx - w / 2 < 8) cx = 8 + w / 2;
        text(o, cx, top + grid_h + 6 + kTickFont + 8 + size, escape(m.xlabel), size);
    }
    if (!m.ylabel.empty()) {
        const double size = fit_font(m.ylabel, kLabelFont, grid_h + top + bottom - 8);
        vertical_text(o, left - 8 - row_label_w - 12, top + grid_h / 2, escape(m.ylabel), size);
    }
    if (R == 0 || C == 0) note(o, W / 2, top + 30, "no data");

    // ── colour bar ──
    if (any) {
        const double bx = left + grid_w + bar_gap, by = top, bh = std::max(grid_h, 1.0);
        rect(o, bx, by, bar_w, bh,
             vr.hi > vr.lo ? "url(#bar)" : hex(viridis(goodness(vr.lo))),
             "stroke=\"#333333\" stroke-width=\"0.8\"");
        // Inner ticks at least 20 px from the ends and from each other.
        double last = 0;
        for (const auto& t : bar_inner)
            if (t.frac * bh >= last + 20 && (1 - t.frac) * bh >= 20) {
                bar_ticks.push_back(t);
                last = t.frac * bh;
            }
        for (const auto& t : bar_ticks) {
            const double y = by + bh - t.frac * bh;
            line(o, bx + bar_w, y, bx + bar_w + 4, y, "#333333", 1);
            text(o, bx + bar_w + 7, y + 0.36 * kTickFont, escape(t.label), kTickFont, "start");
        }
        if (!m.colorbar_label.empty()) {
            const double size = fit_font(m.colorbar_label, kLabelFont, std::max(bh, 60.0) + 20);
            vertical_text(o, bx + bar_w + 7 + bar_label_w + 6 + size, by + bh / 2,
                          escape(m.colorbar_label), size);
        }
    }
    close_svg(o);
    return o;
}

// ───────────────────────────────────── marching squares ─────────────────────────────────────

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

// ──────────────────────────────────────── DecisionMap ───────────────────────────────────────

// The region filled cell by cell (runs of equal colour merged into one path per colour; the
// colour of p is quantised to 1/64, the cell edges to whole pixels), the contour in black, then the points with a white edge.
inline std::string to_svg(const DecisionMap& d) {
    using namespace detail;
    if (!(std::isfinite(d.x_min) && std::isfinite(d.x_max) && d.x_max > d.x_min &&
          std::isfinite(d.y_min) && std::isfinite(d.y_max) && d.y_max > d.y_min))
        throw std::invalid_argument("plot::to_svg: a DecisionMap needs finite x_min < x_max and y_min < y_max");
    if (d.prob.size() != d.nx * d.ny)
        throw std::invalid_argument("plot::to_svg: DecisionMap has " + std::to_string(d.prob.size()) +
                                    " probabilities for an nx × ny = " + std::to_string(d.nx) + " × " +
                                    std::to_string(d.ny) + " grid");
    const double W = d.width > 0 ? d.width : 600, H = d.height > 0 ? d.height : 600;

    // ── layout ──
    const double top = top_margin(d.title);
    const double ph = std::max(40.0, H - top - bottom_margin(d.xlabel));
    const Axis ay = linear_axis(d.y_min, d.y_max, std::max(3, static_cast<int>(ph / 60) + 1), 0);
    const double left = left_margin(d.ylabel, ay);
    const double pw = std::max(40.0, W - left - 20);
    const Axis ax = fitted_x_axis({d.x_min, d.x_max}, false, pw, 0);
    const Box b{left, top, pw, ph};
    auto X = [&](double x) { return px(ax, b, x); };
    auto Y = [&](double y) { return py(ay, b, y); };

    std::string o;
    o.reserve(8192 + d.nx * d.ny * 8);
    open_svg(o, W, H);
    title(o, d.title, b.x, b.w, W);

    // ── filled region: node (i, j) fills [x_i − dx/2, x_i + dx/2] × [y_j − dy/2, y_j + dy/2] ──
    if (d.nx > 0 && d.ny > 0) {
        const double dx = d.nx > 1 ? (d.x_max - d.x_min) / static_cast<double>(d.nx - 1) : 0;
        const double dy = d.ny > 1 ? (d.y_max - d.y_min) / static_cast<double>(d.ny - 1) : 0;
        auto x_edge = [&](std::size_t i) {  // left edge of column i; i = nx gives the right end
            if (i == 0) return d.x_min;
            if (i >= d.nx) return d.x_max;
            return d.x_min + (static_cast<double>(i) - 0.5) * dx;
        };
        auto y_edge = [&](std::size_t j) {
            if (j == 0) return d.y_min;
            if (j >= d.ny) return d.y_max;
            return d.y_min + (static_cast<double>(j) - 0.5) * dy;
        };
        constexpr int kLevels = 64;
        auto level = [&](double p) {  // −1 = not a probability (drawn grey)
            return std::isfinite(p) ? static_cast<int>(std::lround(std::clamp(p, 0.0, 1.0) * kLevels)) : -1;
        };
        std::map<int, std::string> paths;
        for (std::size_t j = 0; j < d.ny; ++j) {
            // Whole pixels: neighbouring cells share a rounded edge, so there is neither gap nor
            // overlap, and the file is a third smaller.
            const double y0 = std::round(Y(y_edge(j + 1))), y1 = std::round(Y(y_edge(j)));
            std::size_t i = 0;
            while (i < d.nx) {
                const int lv = level(d.prob[j * d.nx + i]);
                std::size_t e = i + 1;
                while (e < d.nx && level(d.prob[j * d.nx + e]) == lv) ++e;
                const double x0 = std::round(X(x_edge(i))), x1 = std::round(X(x_edge(e)));
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
        for (const auto& [lv, s] : paths)
            path(o, lv < 0 ? "#cccccc" : hex(blue_red(lv / static_cast<double>(kLevels))), s);
        o += "</g>\n";
    }

    // ── decision boundary ──
    std::vector<std::pair<double, double>> marks;
    const bool has_contour = std::isfinite(d.contour) && d.contour > 0 && d.contour < 1;
    if (has_contour) {
        const auto segs =
            contour_segments(d.prob, d.nx, d.ny, d.contour, d.x_min, d.x_max, d.y_min, d.y_max);
        if (!segs.empty()) {
            o += "<path class=\"contour\" fill=\"none\" stroke=\"#111111\" stroke-width=\"1.8\" "
                 "stroke-linecap=\"round\" d=\"";
            for (const Segment& s : segs) {
                path_cmd(o, 'M', X(s.x0), Y(s.y0));
                path_cmd(o, 'L', X(s.x1), Y(s.y1));
                sample_segment(marks, X(s.x0), Y(s.y0), X(s.x1), Y(s.y1));
            }
            o += "\"/>\n";
        }
    }

    // ── points (outside the limits or non-finite: not drawn) ──
    o += "<g stroke=\"#ffffff\" stroke-width=\"1\">\n";
    for (const Point& q : d.points) {
        if (!(std::isfinite(q.x) && std::isfinite(q.y) && q.x >= d.x_min && q.x <= d.x_max &&
              q.y >= d.y_min && q.y <= d.y_max))
            continue;
        circle(o, X(q.x), Y(q.y), 4, class_color(q.cls));
        marks.push_back({X(q.x), Y(q.y)});
    }
    o += "</g>\n";

    draw_axes(o, ax, ay, b, d.xlabel, d.ylabel, W);

    std::vector<LegendEntry> legend;
    for (std::size_t c = 0; c < d.class_labels.size(); ++c)
        if (!d.class_labels[c].empty())
            legend.push_back({d.class_labels[c], class_color(static_cast<int>(c)), false, true, false, true});
    if (has_contour) legend.push_back({"p = " + fmt("%g", d.contour), "#111111", true, false, false, false});
    if (!legend.empty()) {
        const auto [w, h] = legend_size(legend);
        const auto [x, y] = place_legend(b, w, h, marks);
        draw_legend(o, legend, x, y);
    }
    close_svg(o);
    return o;
}

// ───────────────────────────────────────── ImageGrid ────────────────────────────────────────

// Each image in a thin frame, its caption below. Ink is quantised to 1/32 and each grey level
// drawn as one path of horizontal runs; white pixels (≤ 0.02) are not drawn at all.
inline std::string to_svg(const ImageGrid& g) {
    using namespace detail;
    const std::size_t npx = g.rows_px * g.cols_px;
    for (std::size_t k = 0; k < g.images.size(); ++k)
        if (g.images[k].size() != npx)
            throw std::invalid_argument("plot::to_svg: image " + std::to_string(k) + " has " +
                                        std::to_string(g.images[k].size()) + " pixels, not " +
                                        std::to_string(g.rows_px) + " × " + std::to_string(g.cols_px));
    const std::size_t n = g.images.size();
    const std::size_t cols = std::max<std::size_t>(1, std::min(g.columns ? g.columns : 10, std::max<std::size_t>(n, 1)));
    const std::size_t rows = (n + cols - 1) / cols;
    const double s = g.scale > 0 ? g.scale : 3;
    const double iw = static_cast<double>(g.cols_px) * s, ih = static_cast<double>(g.rows_px) * s;
    constexpr double kCaptionFont = 11;
    double caption_w = 0;
    for (std::size_t k = 0; k < std::min(n, g.captions.size()); ++k)
        caption_w = std::max(caption_w, text_width(g.captions[k], kCaptionFont));
    const double cap_h = caption_w > 0 ? kCaptionFont + 6 : 0;
    const double gap = 10, pad = 12;
    const double cell_w = std::max(iw, caption_w + 4);
    const double top = g.title.empty() ? pad : 40;
    double W = 2 * pad + static_cast<double>(cols) * cell_w + static_cast<double>(cols - 1) * gap;
    double H = top + static_cast<double>(rows) * (ih + cap_h) +
               static_cast<double>(rows > 0 ? rows - 1 : 0) * gap + pad;
    if (n == 0) H = top + 40;
    const double need = text_width(g.title, 11) + 2 * pad;
    const double x_shift = W < need ? (need - W) / 2 : 0;
    W = std::max({W, need, 120.0});

    std::string o;
    o.reserve(4096 + n * 2000);
    open_svg(o, W, H);
    title(o, g.title, 0, W, W);
    if (n == 0) note(o, W / 2, top + 20, "no images");

    std::map<int, std::string> paths;  // grey level (1 … 32 = black) → runs of that level
    std::string frames;                // frames and captions, drawn over the pixels
    constexpr int kLevels = 32;
    for (std::size_t k = 0; k < n; ++k) {
        const double ox = x_shift + pad + static_cast<double>(k % cols) * (cell_w + gap) + (cell_w - iw) / 2;
        const double oy = top + static_cast<double>(k / cols) * (ih + cap_h + gap);
        const auto& img = g.images[k];
        auto level = [&](std::size_t idx) {
            const double v = img[idx];
            if (!(v > 0.02)) return 0;                     // white, or NaN
            return std::max(1, static_cast<int>(std::lround(std::min(v, 1.0) * kLevels)));
        };
        for (std::size_t r = 0; r < g.rows_px; ++r) {
            std::size_t c = 0;
            while (c < g.cols_px) {
                const int lv = level(r * g.cols_px + c);
                std::size_t e = c + 1;
                while (e < g.cols_px && level(r * g.cols_px + e) == lv) ++e;
                if (lv > 0) {
                    const double run_w = static_cast<double>(e - c) * s;
                    std::string& p = paths[lv];
                    path_cmd(p, 'M', ox + static_cast<double>(c) * s, oy + static_cast<double>(r) * s);
                    path_cmd(p, 'h', run_w);
                    path_cmd(p, 'v', s);
                    path_cmd(p, 'h', -run_w);
                    p += 'z';
                }
                c = e;
            }
        }
        rect(frames, ox - 0.5, oy - 0.5, iw + 1, ih + 1, "none",
             "stroke=\"#999999\" stroke-width=\"0.8\"");
        if (k < g.captions.size() && !g.captions[k].empty())
            text(frames, ox + iw / 2, oy + ih + 4 + kCaptionFont, escape(g.captions[k]), kCaptionFont);
    }
    o += "<g shape-rendering=\"crispEdges\">\n";
    for (const auto& [lv, p] : paths) {
        const double grey = 255.0 * (1 - lv / static_cast<double>(kLevels));
        path(o, hex({grey, grey, grey}), p);
    }
    o += "</g>\n";
    o += frames;
    close_svg(o);
    return o;
}

// ─────────────────────────────────────────── output ─────────────────────────────────────────

// Write an SVG document atomically (a temporary beside it, then a rename); IoError on failure.
inline void save(const std::filesystem::path& path, const std::string& svg) {
    files::write_atomic(path, svg);
}

}  // namespace plot
