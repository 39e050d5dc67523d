// svg.hpp — the pieces every figure is written with: numbers and text as SVG markup, estimated
// text widths, the elements (line, rect, circle, path, text), rectangles for layout, and save().
//
// Every document has a fixed size (width/height and viewBox), a white background and sans-serif
// text, and shows the same in a browser and in rsvg-convert. All text is XML-escaped (UTF-8 such
// as η, λ, ‖∇f‖ is kept). Coordinates have at most two decimals and are never "nan": the same
// input gives the same bytes.
//
// Deliberately left out: real text measurement (label widths are estimated from character
// counts, generously), raster <image>s, CSS.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>

#include "common/files.hpp"

namespace plot {

// A rectangle in pixels, y downwards: the plot area, a legend box, the box of a label.
struct Rect {
    double x = 0, y = 0, w = 0, h = 0;
    bool empty() const { return !(w > 0 && h > 0); }
    double right() const { return x + w; }
    double bottom() const { return y + h; }
};

// True when the two rectangles share more than an edge.
inline bool overlap(const Rect& a, const Rect& b) {
    return a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom();
}

namespace detail {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ───────────────────────────────────── numbers and text ─────────────────────────────────────

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

// The length of the UTF-8 sequence that starts at s[i], or 0 when it is not valid UTF-8: the
// second byte's range excludes overlong forms, surrogates and code points above U+10FFFF, and
// U+FFFE, U+FFFF are not XML characters either.
inline std::size_t utf8_length(std::string_view s, std::size_t i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
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
    if (len == 0 || i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned char b = static_cast<unsigned char>(s[i + k]);
        if (k == 1 ? (b < lo2 || b > hi2) : (b & 0xC0) != 0x80) return 0;
    }
    if (len == 3 && c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
        static_cast<unsigned char>(s[i + 2]) >= 0xBE)
        return 0;
    return len;
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
        } else if (const std::size_t len = utf8_length(s, i); len > 0) {
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

// ──────────────────────────────────────── elements ──────────────────────────────────────────

constexpr double kTickFont = 11, kLabelFont = 13, kTitleFont = 15, kLegendFont = 12;
constexpr const char* kText = "#222222";
constexpr const char* kFrame = "#333333";

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

inline void rect(std::string& o, const Rect& r, std::string_view fill, std::string_view extra = "") {
    o += "<rect";
    attr(o, "x", r.x);
    attr(o, "y", r.y);
    attr(o, "width", std::max(0.0, r.w));
    attr(o, "height", std::max(0.0, r.h));
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
inline void path(std::string& o, std::string_view fill, std::string_view d, std::string_view extra = "") {
    o += "<path";
    attr(o, "fill", fill);
    extra_attrs(o, extra);
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

// A title, centred over `area` when it fits there, else over `figure`; shrunk to fit the figure.
// y is the baseline.
inline void title(std::string& o, const std::string& t, const Rect& area, const Rect& figure, double y,
                  double size = kTitleFont) {
    if (t.empty()) return;
    size = fit_font(t, size, figure.w - 16);
    const double w = text_width(t, size);
    double cx = area.x + area.w / 2;
    if (cx - w / 2 < figure.x + 8 || cx + w / 2 > figure.right() - 8) cx = figure.x + figure.w / 2;
    text(o, cx, y, escape(t), size, "middle", "font-weight=\"bold\"");
}

// Grey italics in an empty figure: "no data", "no images".
inline void note(std::string& o, double cx, double cy, std::string_view what) {
    text(o, cx, cy, what, 14, "middle", "fill=\"#888888\" font-style=\"italic\"");
}

}  // namespace detail

// Write an SVG document atomically (a temporary beside it, then a rename); IoError on failure.
inline void save(const std::filesystem::path& path, const std::string& svg) {
    files::write_atomic(path, svg);
}

}  // namespace plot
