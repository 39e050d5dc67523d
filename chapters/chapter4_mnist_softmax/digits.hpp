// digits.hpp — MNIST's preprocessing, which turns any picture of a digit into the 28×28 image
// the networks were trained on; and the pen of draw.html, which turns strokes into a picture.
//
// MNIST's description (LeCun, Cortes & Burges, "The MNIST database of handwritten digits"):
// NIST's black-and-white digits were scaled to fit a 20×20 box, keeping their aspect ratio, with
// anti-aliasing (hence the grey levels), then placed in a 28×28 field so that their centre of
// mass lies at the field's centre. Our steps, in this order:
//
//   1. ink       MNIST's digits are light (255) on dark (0). A digit on paper is dark on light:
//                when the picture's outermost pixels are light on average (above half of
//                maxval), it is inverted. Pixels with less than 10 % ink count as paper (ink 0),
//                so that a faint background cannot stretch the bounding box.
//   2. box       the bounding box of the pixels with ink.
//   3. fit       the box scaled to fit 20×20: its longer side becomes 20 pixels, the shorter
//                round(20·short/long); each new pixel is the mean ink of the part of the box it
//                covers (area averaging, an anti-aliasing filter).
//   4. centre    the centre of mass of the fitted digit, moved by a whole number of pixels to the
//                centre (14, 14) of the 28×28 field (a pixel (i, j) spans [j, j+1) × [i, i+1)).
//   5. bytes     ink in [0, 1] to 0 … 255, rounded, as MNIST stores it; the network then divides
//                by 255 as it does for every MNIST image (network.hpp, load_rows).
//
// draw.html runs the same steps in JavaScript, operation for operation in the same order and in
// the same (double) arithmetic, so that both give the same bytes for the same picture; the
// browser test holds them to it. Its pen (render_strokes below) is written here too, so that a
// test can draw the page's strokes into a PGM file for `--predict`.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <utility>
#include <vector>

#include "chapters/chapter4_mnist_softmax/pgm.hpp"

namespace ch4 {

inline constexpr std::size_t kField = 28;   // MNIST's images: 28×28
inline constexpr std::size_t kFit = 20;     // the box a digit is scaled to fit

// A picture as ink: levels 0 (paper) … maxval (full ink), row-major.
struct InkImage {
    std::size_t width = 0, height = 0;
    std::uint32_t maxval = 255;
    std::vector<std::uint16_t> level;
};

// Step 1. Is the picture light around its edge (paper), so that its ink is dark? The mean of
// its outermost pixels, each counted once, above half of maxval.
inline bool light_border(const Pgm& img) {
    std::uint64_t sum = 0, count = 0;
    for (std::size_t i = 0; i < img.height; ++i)
        for (std::size_t j = 0; j < img.width; ++j)
            if (i == 0 || j == 0 || i + 1 == img.height || j + 1 == img.width) {
                sum += img.samples[i * img.width + j];
                ++count;
            }
    return 2 * sum > count * img.maxval;
}

// Step 1. The picture's ink: its samples, or maxval minus them when its border is light.
inline InkImage ink_of(const Pgm& img, bool inverted) {
    InkImage ink{img.width, img.height, img.maxval, img.samples};
    if (inverted)
        for (std::uint16_t& v : ink.level) v = static_cast<std::uint16_t>(img.maxval - v);
    return ink;
}

// Step 1. The ink of pixel k in [0, 1], where less than 10 % is paper.
inline double ink_value(const InkImage& ink, std::size_t k) {
    const std::uint32_t v = ink.level[k];
    return 10 * v >= ink.maxval ? static_cast<double>(v) / ink.maxval : 0.0;
}

// Step 2. The bounding box of the pixels with ink (width 0 when there are none).
struct Box {
    std::size_t x0 = 0, y0 = 0, width = 0, height = 0;
};

inline Box ink_box(const InkImage& ink) {
    std::size_t x0 = ink.width, y0 = ink.height, x1 = 0, y1 = 0;   // [x0, x1) × [y0, y1)
    for (std::size_t i = 0; i < ink.height; ++i)
        for (std::size_t j = 0; j < ink.width; ++j)
            if (ink_value(ink, i * ink.width + j) > 0) {
                x0 = std::min(x0, j);
                x1 = std::max(x1, j + 1);
                y0 = std::min(y0, i);
                y1 = std::max(y1, i + 1);
            }
    if (x1 == 0) return {};
    return {x0, y0, x1 - x0, y1 - y0};
}

// Step 3. The size of a w×h box scaled to fit kFit×kFit: the longer side kFit, the shorter
// round(kFit·short/long), at least 1 — in integers, so that JavaScript gets the same.
inline std::pair<std::size_t, std::size_t> fit_size(std::size_t w, std::size_t h) {
    const std::size_t m = std::max(w, h);
    return {std::max<std::size_t>(1, (2 * kFit * w + m) / (2 * m)), std::max<std::size_t>(1, (2 * kFit * h + m) / (2 * m))};
}

// Step 3. Area averaging from n_in pixels to n_out along one axis: output pixel u covers
// [u·n_in/n_out, (u+1)·n_in/n_out) of the input, and input pixel c ∈ [c, c+1) enters it with the
// length of their overlap times n_out/n_in, so that each output's weights sum to 1.
struct Tap {
    std::size_t index;
    double weight;
};

inline std::vector<std::vector<Tap>> area_weights(std::size_t n_in, std::size_t n_out) {
    std::vector<std::vector<Tap>> taps(n_out);
    for (std::size_t u = 0; u < n_out; ++u) {
        const double a = static_cast<double>(u * n_in) / static_cast<double>(n_out);
        const double b = static_cast<double>((u + 1) * n_in) / static_cast<double>(n_out);
        for (auto c = static_cast<std::size_t>(std::floor(a)); static_cast<double>(c) < b && c < n_in; ++c) {
            const double overlap = std::min(static_cast<double>(c + 1), b) - std::max(static_cast<double>(c), a);
            if (overlap > 0) taps[u].push_back({c, overlap * static_cast<double>(n_out) / static_cast<double>(n_in)});
        }
    }
    return taps;
}

// The steps' results, each kept so that they can be shown (--predict, draw.html).
struct Preprocessed {
    Box box;                              // step 2, in the picture's pixels
    std::size_t fit_width = 0, fit_height = 0;
    std::vector<double> fitted;           // step 3: fit_height × fit_width, ink in [0, 1]
    double cx = 0, cy = 0;                // step 4: its centre of mass, in its own pixels
    int dx = 0, dy = 0;                   // step 4: where its top-left corner goes in the field
    std::array<std::uint8_t, kField * kField> image{};   // step 5: what the network sees
};

// Step 3: the box's ink, area-averaged to fit_width × fit_height, rows first, then columns.
inline void fit_box(Preprocessed& p, const InkImage& ink) {
    const Box& b = p.box;
    const auto wx = area_weights(b.width, p.fit_width), wy = area_weights(b.height, p.fit_height);
    std::vector<double> rows(b.height * p.fit_width, 0.0);   // each row of the box, narrowed
    for (std::size_t r = 0; r < b.height; ++r)
        for (std::size_t u = 0; u < p.fit_width; ++u) {
            double s = 0;
            for (const Tap& t : wx[u]) s += t.weight * ink_value(ink, (b.y0 + r) * ink.width + b.x0 + t.index);
            rows[r * p.fit_width + u] = s;
        }
    p.fitted.assign(p.fit_height * p.fit_width, 0.0);
    for (std::size_t v = 0; v < p.fit_height; ++v)
        for (std::size_t u = 0; u < p.fit_width; ++u) {
            double s = 0;
            for (const Tap& t : wy[v]) s += t.weight * rows[t.index * p.fit_width + u];
            p.fitted[v * p.fit_width + u] = s;
        }
}

// Steps 4 and 5: the centre of mass (cx, cy) of the fitted digit, the whole-pixel shift that
// brings it nearest to (14, 14), and the 28×28 bytes (what falls outside the field is dropped).
inline void centre_by_mass(Preprocessed& p) {
    double m = 0, sx = 0, sy = 0;
    for (std::size_t v = 0; v < p.fit_height; ++v)
        for (std::size_t u = 0; u < p.fit_width; ++u) {
            const double f = p.fitted[v * p.fit_width + u];
            m += f;
            sx += f * static_cast<double>(u);
            sy += f * static_cast<double>(v);
        }
    p.cx = sx / m;
    p.cy = sy / m;
    const double centre = static_cast<double>(kField) / 2;
    p.dx = static_cast<int>(std::floor(centre - p.cx + 0.5));
    p.dy = static_cast<int>(std::floor(centre - p.cy + 0.5));
    p.image.fill(0);
    for (std::size_t v = 0; v < p.fit_height; ++v)
        for (std::size_t u = 0; u < p.fit_width; ++u) {
            const long i = static_cast<long>(v) + p.dy, j = static_cast<long>(u) + p.dx;
            if (i < 0 || j < 0 || i >= static_cast<long>(kField) || j >= static_cast<long>(kField)) continue;
            const double q = std::floor(255 * p.fitted[v * p.fit_width + u] + 0.5);
            p.image[static_cast<std::size_t>(i) * kField + static_cast<std::size_t>(j)] =
                static_cast<std::uint8_t>(std::min(q, 255.0));
        }
}

// Steps 2–5 on a picture's ink. False (and nothing done) when it holds no ink at all.
inline bool preprocess(const InkImage& ink, Preprocessed& p) {
    p = Preprocessed{};
    p.box = ink_box(ink);
    if (p.box.width == 0) return false;
    std::tie(p.fit_width, p.fit_height) = fit_size(p.box.width, p.box.height);
    fit_box(p, ink);
    centre_by_mass(p);
    return true;
}

// MNIST's own bytes as ink (light on dark already): for the study of off-centre digits.
inline InkImage ink_of_bytes(const std::uint8_t* pixels, std::size_t width, std::size_t height) {
    return {width, height, 255, std::vector<std::uint16_t>(pixels, pixels + width * height)};
}

// ---------------------------------------------------------------------------------------------
// draw.html's pen: a round pen of radius kPenRadius on a kCanvas×kCanvas canvas. A pixel's ink is
// the pen's coverage of it, approximated by r + ½ − d (clamped to [0, 1]) where d is the
// distance from the pixel's centre to the stroke, in 0 … 255; where strokes cross, the larger.

inline constexpr std::size_t kCanvas = 280;     // 10 canvas pixels per MNIST pixel
inline constexpr double kPenRadius = 12;        // 24-pixel strokes: after fitting a digit drawn
                                                // 200 pixels tall into 20, about 2.4 pixels,
                                                // MNIST's stroke width

using Point = std::array<double, 2>;            // (x, y) in canvas pixels, y downwards
using Stroke = std::vector<Point>;

// Ink along the segment p–q (p = q: a dot) into `ink` (width×height levels, 0 … 255), with a
// pen of radius r.
inline void pen_segment(std::vector<std::uint8_t>& ink, std::size_t width, std::size_t height, Point p, Point q,
                        double r = kPenRadius) {
    const double ex = q[0] - p[0], ey = q[1] - p[1], len2 = ex * ex + ey * ey;
    const double lo_x = std::max(0.0, std::floor(std::min(p[0], q[0]) - r - 1));
    const double hi_x = std::min(static_cast<double>(width), std::ceil(std::max(p[0], q[0]) + r + 1));
    const double lo_y = std::max(0.0, std::floor(std::min(p[1], q[1]) - r - 1));
    const double hi_y = std::min(static_cast<double>(height), std::ceil(std::max(p[1], q[1]) + r + 1));
    for (double y = lo_y; y < hi_y; ++y)
        for (double x = lo_x; x < hi_x; ++x) {
            const double cx = x + 0.5, cy = y + 0.5;
            double t = len2 > 0 ? ((cx - p[0]) * ex + (cy - p[1]) * ey) / len2 : 0;
            t = std::min(1.0, std::max(0.0, t));
            const double ux = p[0] + t * ex - cx, uy = p[1] + t * ey - cy;
            const double c = std::min(1.0, std::max(0.0, r + 0.5 - std::sqrt(ux * ux + uy * uy)));
            const auto level = static_cast<std::uint8_t>(std::floor(255 * c + 0.5));
            std::uint8_t& v = ink[static_cast<std::size_t>(y) * width + static_cast<std::size_t>(x)];
            v = std::max(v, level);
        }
}

// The strokes on a blank width×height canvas: each stroke a dot at its first point, then a
// segment to each next point, as the page draws them while the pointer moves.
inline std::vector<std::uint8_t> render_strokes(const std::vector<Stroke>& strokes, std::size_t width = kCanvas,
                                                std::size_t height = kCanvas, double radius = kPenRadius) {
    std::vector<std::uint8_t> ink(width * height, 0);
    for (const Stroke& s : strokes)
        for (std::size_t k = 0; k < s.size(); ++k) pen_segment(ink, width, height, s[k == 0 ? 0 : k - 1], s[k], radius);
    return ink;
}

}  // namespace ch4
