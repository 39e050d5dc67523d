// color.hpp — the colours of the figures: the palette that curves receive, the dash patterns
// that tell curves apart once the palette is used up, and the two colour maps (viridis for
// values, blue ↔ red for probabilities).
//
// Every curve of a figure gets its own (colour, dash) pair: a reader must never have to guess
// which of two identical-looking lines a legend entry means.
#pragma once

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "common/plot/svg.hpp"

namespace plot::detail {

struct Rgb {
    double r, g, b;  // 0 … 255
};

inline std::string hex(Rgb c) {
    auto q = [](double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 255.0))); };
    char b[8];
    std::snprintf(b, sizeof b, "#%02x%02x%02x", q(c.r), q(c.g), q(c.b));
    return b;
}

// Piecewise-linear interpolation through N evenly spaced control colours, t ∈ [0, 1].
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

// The colours curves receive, in order: Okabe & Ito's colour-blind-safe eight (yellow left out:
// unreadable on white), then brown, purple, olive and wine. Any two differ by at least 26 in
// CIELAB ΔE (sky blue and blue are the closest pair), so twelve curves stay apart.
constexpr std::array<const char*, 12> kPalette = {"#0072b2", "#d55e00", "#009e73", "#cc79a7",
                                                  "#e69f00", "#56b4e9", "#000000", "#999999",
                                                  "#8c564b", "#7b3fa0", "#a6a600", "#882255"};
inline const char* palette(std::size_t i) { return kPalette[i % kPalette.size()]; }

// Dash patterns ("" = solid), in the order a colour receives them once it is taken: plain dashes
// first, as the chapters use them for "test" beside a solid "training" curve.
constexpr std::array<const char*, 5> kDashes = {"", "6 4", "2 3", "9 3 2 3", "4 2 1 2 1 2"};

// Colours of the classes of a DecisionMap: class 0 blue and class 1 red, like the region.
inline std::string class_color(int cls) {
    if (cls == 0) return "#1f5fa8";
    if (cls == 1) return "#c0282d";
    if (cls < 0) return "#777777";
    return palette(static_cast<std::size_t>(cls) + 1);
}

// How one curve is drawn.
struct Style {
    std::string color;   // SVG markup ("#0072b2")
    std::string dash;    // a stroke-dasharray, "" = solid
};

// What a curve asks for: a colour ("" = the next free palette colour), dashed or not, and
// whether it is drawn as a line at all (a scatter of markers differs by colour only).
struct StyleWish {
    std::string color;
    bool dashed = false;
    bool line = true;
};

inline std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// One Style per wish, no two alike. Automatic colours skip those some curve asks for by name;
// when a (colour, dash) pair is already taken, the curve keeps its colour and gets the next dash
// pattern, and only when all patterns of that colour are taken does it move to another colour.
inline std::vector<Style> distinct_styles(const std::vector<StyleWish>& wishes) {
    std::vector<std::string> named, free_colors;
    for (const StyleWish& w : wishes)
        if (!w.color.empty()) named.push_back(lower(escape(w.color)));
    for (const char* c : kPalette)
        if (std::find(named.begin(), named.end(), c) == named.end()) free_colors.emplace_back(c);
    std::vector<std::pair<std::string, std::string>> taken;
    auto is_taken = [&](const std::string& c, const std::string& d) {
        return std::find(taken.begin(), taken.end(), std::pair{c, d}) != taken.end();
    };
    std::vector<Style> out;
    std::size_t next_auto = 0;
    for (const StyleWish& w : wishes) {
        const std::string wanted =
            w.color.empty() ? free_colors[next_auto++ % free_colors.size()] : lower(escape(w.color));
        std::vector<std::string> colors{wanted};
        for (const char* c : kPalette) colors.emplace_back(c);
        const std::size_t n_dash = w.line ? kDashes.size() : 1;
        const std::size_t first = w.line && w.dashed ? 1 : 0;
        Style s{wanted, kDashes[first]};
        for (std::size_t c = 0, found = 0; c < colors.size() && !found; ++c)
            for (std::size_t k = 0; k < n_dash && !found; ++k) {
                const std::string dash = kDashes[(first + k) % n_dash];
                if (!is_taken(colors[c], dash)) s = {colors[c], dash}, found = 1;
            }
        taken.emplace_back(s.color, s.dash);
        out.push_back(s);
    }
    return out;
}

}  // namespace plot::detail
