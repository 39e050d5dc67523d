// image_grid.hpp — small grey-scale images in a grid, each in a thin frame with its caption
// under it (ImageGrid), e.g. the misclassified digits of a test set. Ink is quantised to 1/32 and
// each grey level drawn as one path of horizontal runs; white pixels (≤ 0.02) are not drawn.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/plot/color.hpp"
#include "common/plot/svg.hpp"

namespace plot {

struct ImageGrid {
    std::string title;
    std::size_t rows_px = 0, cols_px = 0;     // size of each image (e.g. 28 × 28)
    std::vector<std::vector<float>> images;   // each rows_px*cols_px values in [0,1], row-major;
                                              // 1 = ink (drawn dark)
    std::vector<std::string> captions;        // one per image, under it (e.g. "7 → 1"); may be empty
    std::size_t columns = 10;
    double scale = 3;              // pixels per image pixel
};

namespace detail {

// The grid's geometry: cells of cell_w × (ih + cap_h) pixels, `gap` apart, after a title.
struct GridLayout {
    std::size_t cols = 1, rows = 0;
    double s = 3, iw = 0, ih = 0, cap_h = 0, cell_w = 0, top = 0, x_shift = 0, W = 0, H = 0;
    static constexpr double gap = 10, pad = 12, caption_font = 11;
};

inline GridLayout grid_layout(const ImageGrid& g) {
    GridLayout L;
    const std::size_t n = g.images.size();
    L.cols = std::max<std::size_t>(1, std::min(g.columns ? g.columns : 10, std::max<std::size_t>(n, 1)));
    L.rows = (n + L.cols - 1) / L.cols;
    L.s = g.scale > 0 ? g.scale : 3;
    L.iw = static_cast<double>(g.cols_px) * L.s;
    L.ih = static_cast<double>(g.rows_px) * L.s;
    double caption_w = 0;
    for (std::size_t k = 0; k < std::min(n, g.captions.size()); ++k)
        caption_w = std::max(caption_w, text_width(g.captions[k], GridLayout::caption_font));
    L.cap_h = caption_w > 0 ? GridLayout::caption_font + 6 : 0;
    L.cell_w = std::max(L.iw, caption_w + 4);
    L.top = g.title.empty() ? GridLayout::pad : 40;
    const double cols = static_cast<double>(L.cols), rows = static_cast<double>(L.rows);
    L.W = 2 * GridLayout::pad + cols * L.cell_w + (cols - 1) * GridLayout::gap;
    L.H = L.top + rows * (L.ih + L.cap_h) + std::max(0.0, rows - 1) * GridLayout::gap + GridLayout::pad;
    if (n == 0) L.H = L.top + 40;
    const double need = text_width(g.title, 11) + 2 * GridLayout::pad;
    L.x_shift = L.W < need ? (need - L.W) / 2 : 0;
    L.W = std::max({L.W, need, 120.0});
    return L;
}

}  // namespace detail

inline std::string to_svg(const ImageGrid& g) {
    using namespace detail;
    const std::size_t npx = g.rows_px * g.cols_px;
    for (std::size_t k = 0; k < g.images.size(); ++k)
        if (g.images[k].size() != npx)
            throw std::invalid_argument("plot::to_svg: image " + std::to_string(k) + " has " +
                                        std::to_string(g.images[k].size()) + " pixels, not " +
                                        std::to_string(g.rows_px) + " × " + std::to_string(g.cols_px));
    const GridLayout L = grid_layout(g);
    std::string o;
    o.reserve(4096 + g.images.size() * 2000);
    open_svg(o, L.W, L.H);
    title(o, g.title, {0, 0, L.W, L.H}, {0, 0, L.W, L.H}, 24);
    if (g.images.empty()) note(o, L.W / 2, L.top + 20, "no images");
    constexpr int kLevels = 32;
    std::map<int, std::string> paths;  // grey level (1 … 32 = black) → runs of that level
    std::string frames;                // frames and captions, drawn over the pixels
    for (std::size_t k = 0; k < g.images.size(); ++k) {
        const double ox = L.x_shift + GridLayout::pad + static_cast<double>(k % L.cols) * (L.cell_w + GridLayout::gap) +
                          (L.cell_w - L.iw) / 2;
        const double oy = L.top + static_cast<double>(k / L.cols) * (L.ih + L.cap_h + GridLayout::gap);
        const auto& img = g.images[k];
        auto level = [&](std::size_t idx) {
            const double v = img[idx];
            if (!(v > 0.02)) return 0;                     // white, or NaN
            return std::max(1, static_cast<int>(std::lround(std::min(v, 1.0) * kLevels)));
        };
        for (std::size_t r = 0; r < g.rows_px; ++r)
            for (std::size_t c = 0; c < g.cols_px;) {
                const int lv = level(r * g.cols_px + c);
                std::size_t e = c + 1;
                while (e < g.cols_px && level(r * g.cols_px + e) == lv) ++e;
                if (lv > 0) {
                    std::string& p = paths[lv];
                    path_cmd(p, 'M', ox + static_cast<double>(c) * L.s, oy + static_cast<double>(r) * L.s);
                    path_cmd(p, 'h', static_cast<double>(e - c) * L.s);
                    path_cmd(p, 'v', L.s);
                    path_cmd(p, 'h', -static_cast<double>(e - c) * L.s);
                    p += 'z';
                }
                c = e;
            }
        rect(frames, {ox - 0.5, oy - 0.5, L.iw + 1, L.ih + 1}, "none", "stroke=\"#999999\" stroke-width=\"0.8\"");
        if (k < g.captions.size() && !g.captions[k].empty())
            text(frames, ox + L.iw / 2, oy + L.ih + 4 + GridLayout::caption_font, escape(g.captions[k]),
                 GridLayout::caption_font);
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

}  // namespace plot
