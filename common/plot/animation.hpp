// animation.hpp — an animated figure (AnimatedMap): DecisionMap frames shown one after another,
// e.g. a decision boundary taking shape over the epochs of training. A browser plays it with
// SMIL (<animate> of each frame's visibility, looping); a viewer that ignores animation, such as
// rsvg-convert or a printed page, shows the last frame, the finished state.
//
// The frames share axes, colour bar and legend (those of the first frame); each frame shows its
// own title, region, boundary and points. Keep the grids coarse (say 50 × 50): the document
// holds every frame.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/plot/decision_map.hpp"
#include "common/plot/svg.hpp"

namespace plot {

struct AnimatedMap {
    std::vector<DecisionMap> frames;   // same limits and size; each frame's title goes with it
    double seconds_per_frame = 0.5;
    double hold_last = 2;              // the last frame stays this long before the loop restarts
};

namespace detail {

// When frame k of n is shown, as fractions of the loop: [begin, end).
struct Slot {
    double begin, end;
};
inline Slot frame_slot(const AnimatedMap& a, std::size_t k) {
    const double step = a.seconds_per_frame > 0 ? a.seconds_per_frame : 0.5;
    const double n = static_cast<double>(a.frames.size());
    const double total = (n - 1) * step + (a.hold_last > 0 ? a.hold_last : step);
    const double kk = static_cast<double>(k);
    return {kk * step / total, k + 1 == a.frames.size() ? 1.0 : (kk + 1) * step / total};
}

// The <animate> that shows frame k during its slot only (discrete: no fading in between).
inline std::string visibility_animation(const AnimatedMap& a, std::size_t k) {
    if (a.frames.size() < 2) return "";
    const double step = a.seconds_per_frame > 0 ? a.seconds_per_frame : 0.5;
    const double total = static_cast<double>(a.frames.size() - 1) * step + (a.hold_last > 0 ? a.hold_last : step);
    const Slot s = frame_slot(a, k);
    std::string values, times;
    if (s.begin > 0) values += "hidden;", times += "0;";
    values += "visible";
    times += fmt("%.5f", s.begin);   // finer than coordinates: slots of long animations are short
    if (s.end < 1) values += ";hidden", times += ";" + fmt("%.5f", s.end);
    return "<animate attributeName=\"visibility\" calcMode=\"discrete\" values=\"" + values + "\" keyTimes=\"" +
           times + "\" dur=\"" + num(total) + "s\" repeatCount=\"indefinite\"/>\n";
}

inline void check_frames(const AnimatedMap& a) {
    if (a.frames.empty()) throw std::invalid_argument("plot::to_svg: an AnimatedMap needs at least one frame");
    const DecisionMap& f = a.frames.front();
    for (std::size_t k = 1; k < a.frames.size(); ++k) {
        const DecisionMap& g = a.frames[k];
        if (g.x_min != f.x_min || g.x_max != f.x_max || g.y_min != f.y_min || g.y_max != f.y_max ||
            g.width != f.width || g.height != f.height)
            throw std::invalid_argument("plot::to_svg: frame " + std::to_string(k) +
                                        " of an AnimatedMap has other limits or size than frame 0");
    }
}

}  // namespace detail

inline std::string to_svg(const AnimatedMap& a) {
    using namespace detail;
    check_frames(a);
    const MapLayout L = map_layout(a.frames.front());
    for (const DecisionMap& f : a.frames) check_map(f);
    std::string o;
    open_svg(o, L.figure.w, L.figure.h);
    for (std::size_t k = 0; k < a.frames.size(); ++k) {
        const DecisionMap& f = a.frames[k];
        const bool last = k + 1 == a.frames.size();
        o += std::string("<g class=\"animation-frame\"") + (last ? "" : " visibility=\"hidden\"") + ">\n";
        o += visibility_animation(a, k);
        title(o, f.title, L.frame, L.figure, 24);
        draw_region(o, f, L);
        draw_contour(o, f, L);
        draw_points(o, f, L);
        o += "</g>\n";
    }
    draw_map_keys(o, a.frames.front(), L);
    close_svg(o);
    return o;
}

}  // namespace plot
