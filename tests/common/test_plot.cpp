// Tests of common/plot/: the SVG figures are well-formed XML whatever the labels and numbers,
// never show nan or inf, skip what a log axis cannot show, print the heat-map values, and draw
// the decision boundary where it is; nice ticks are 1-2-5 steps; marching squares is exact on
// a linear field. Read back from the SVG itself: no legend or label covers a drawn point or
// line, no two curves look alike, every decade of a log axis is labelled and the data fill the
// axis, every colour map has a colour bar with four or more even, round ticks. Panels, the
// animated map and the box-and-arrow diagram draw what they are given.
#include "common/plot/animation.hpp"
#include "common/plot/decision_map.hpp"
#include "common/plot/diagram.hpp"
#include "common/plot/heat_map.hpp"
#include "common/plot/image_grid.hpp"
#include "common/plot/line_plot.hpp"
#include "common/plot/panels.hpp"
#include "common/plot/region_map.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "testing.hpp"

namespace {

const double NaN = std::numeric_limits<double>::quiet_NaN();
const double Inf = std::numeric_limits<double>::infinity();

// ─────────────────────────────────── a small XML checker ────────────────────────────────────

// Entity references allowed in text and attribute values.
bool valid_entity(const std::string& e) {
    if (e == "amp" || e == "lt" || e == "gt" || e == "quot" || e == "apos") return true;
    if (e.size() < 2 || e[0] != '#') return false;
    for (std::size_t k = 1; k < e.size(); ++k)
        if (!std::isdigit(static_cast<unsigned char>(e[k]))) return false;
    return true;
}

// "" when [a, b) of s is character data without a raw '<' and with every '&' an entity.
std::string text_problem(const std::string& s, std::size_t a, std::size_t b) {
    for (std::size_t k = a; k < b; ++k) {
        if (s[k] == '<') return "raw < at " + std::to_string(k);
        if (s[k] == '&') {
            const std::size_t semi = s.find(';', k);
            if (semi == std::string::npos || semi >= b || !valid_entity(s.substr(k + 1, semi - k - 1)))
                return "raw & at " + std::to_string(k);
        }
    }
    return "";
}

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
}

// "" when s is well-formed XML as far as our SVG needs: an optional <?xml …?> declaration, one
// root element, properly nested start/end tags, attributes name="value" (each name once per
// tag), no raw '<' or stray '&' in text or values, nothing but white space outside the root.
std::string xml_problem(const std::string& s) {
    std::size_t i = 0;
    if (s.compare(0, 5, "<?xml") == 0) {
        i = s.find("?>");
        if (i == std::string::npos) return "unterminated declaration";
        i += 2;
    }
    std::vector<std::string> open;
    int roots = 0;
    while (i < s.size()) {
        const std::size_t lt = s.find('<', i);
        const std::size_t end = lt == std::string::npos ? s.size() : lt;
        if (open.empty()) {
            for (std::size_t k = i; k < end; ++k)
                if (!std::isspace(static_cast<unsigned char>(s[k]))) return "text outside the root";
        } else if (auto p = text_problem(s, i, end); !p.empty()) {
            return p;
        }
        if (lt == std::string::npos) break;
        i = lt + 1;
        if (i < s.size() && s[i] == '/') {  // end tag
            std::size_t k = ++i;
            while (k < s.size() && is_name_char(s[k])) ++k;
            const std::string name = s.substr(i, k - i);
            if (k >= s.size() || s[k] != '>') return "bad end tag " + name;
            if (open.empty() || open.back() != name) return "mismatched </" + name + ">";
            open.pop_back();
            i = k + 1;
            continue;
        }
        std::size_t k = i;  // start tag
        while (k < s.size() && is_name_char(s[k])) ++k;
        const std::string name = s.substr(i, k - i);
        if (name.empty()) return "empty tag name at " + std::to_string(lt);
        if (open.empty()) ++roots;
        std::vector<std::string> attrs;
        for (;;) {
            while (k < s.size() && std::isspace(static_cast<unsigned char>(s[k]))) ++k;
            if (k >= s.size()) return "unterminated <" + name;
            if (s[k] == '>') {
                open.push_back(name);
                ++k;
                break;
            }
            if (s.compare(k, 2, "/>") == 0) {
                k += 2;
                break;
            }
            const std::size_t a = k;
            while (k < s.size() && is_name_char(s[k])) ++k;
            const std::string attr = s.substr(a, k - a);
            if (attr.empty()) return "bad attribute in <" + name + ">";
            for (const auto& seen : attrs)
                if (seen == attr) return "duplicate attribute " + attr + " in <" + name + ">";
            attrs.push_back(attr);
            if (s.compare(k, 2, "=\"") != 0) return "unquoted attribute " + attr + " in <" + name + ">";
            const std::size_t v0 = k + 2, v1 = s.find('"', v0);
            if (v1 == std::string::npos) return "unterminated value of " + attr;
            if (auto p = text_problem(s, v0, v1); !p.empty()) return attr + ": " + p;
            k = v1 + 1;
        }
        i = k;
    }
    if (!open.empty()) return "unclosed <" + open.back() + ">";
    if (roots != 1) return std::to_string(roots) + " root elements";
    return "";
}

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + what.size())) ++n;
    return n;
}

bool has_nan_or_inf(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s.find("nan") != std::string::npos || s.find("inf") != std::string::npos;
}

// ─────────────────────────── reading numbers back out of a document ─────────────────────────

// Every tag "<name …>" (or "<name …/>") of the document, in order, as text.
std::vector<std::string> tags(const std::string& svg, const std::string& name) {
    std::vector<std::string> out;
    const std::string open = "<" + name + " ";
    for (std::size_t p = svg.find(open); p != std::string::npos; p = svg.find(open, p + 1))
        out.push_back(svg.substr(p, svg.find('>', p) - p + 1));
    return out;
}

// The value of attribute `name` in a tag ("" when absent).
std::string attr(const std::string& tag, const std::string& name) {
    const std::string key = " " + name + "=\"";
    const std::size_t p = tag.find(key);
    if (p == std::string::npos) return "";
    const std::size_t v = p + key.size();
    return tag.substr(v, tag.find('"', v) - v);
}
double num_attr(const std::string& tag, const std::string& name) {
    return std::strtod(attr(tag, name).c_str(), nullptr);
}

// The numbers in a text, reading anything that is not part of a number as a separator
// ("1.5,2 3,-4" → 1.5 2 3 −4; "M1 2L3 4" → 1 2 3 4).
std::vector<double> numbers(const std::string& s) {
    std::vector<double> out;
    const char* p = s.c_str();
    while (*p) {
        if (std::isdigit(static_cast<unsigned char>(*p)) || *p == '-' || *p == '.') {
            char* end = nullptr;
            const double v = std::strtod(p, &end);
            if (end == p) {  // a lone '-' or '.'
                ++p;
                continue;
            }
            out.push_back(v);
            p = end;
        } else {
            ++p;
        }
    }
    return out;
}

// The vertices of every <polyline> in order, one vector per polyline.
std::vector<std::vector<std::pair<double, double>>> polylines(const std::string& svg) {
    std::vector<std::vector<std::pair<double, double>>> out;
    for (const std::string& tag : tags(svg, "polyline")) {
        const std::vector<double> v = numbers(attr(tag, "points"));
        out.emplace_back();
        for (std::size_t k = 0; k + 1 < v.size(); k += 2) out.back().push_back({v[k], v[k + 1]});
    }
    return out;
}

struct Frame {
    double x = 0, y = 0, w = 0, h = 0;
};
// The plot area's frame (the first one, in a figure of panels).
Frame frame(const std::string& svg) {
    for (const std::string& tag : tags(svg, "rect"))
        if (attr(tag, "class") == "frame")
            return {num_attr(tag, "x"), num_attr(tag, "y"), num_attr(tag, "width"), num_attr(tag, "height")};
    return {};
}

// The position of the first <text> whose content is exactly `content`.
std::pair<double, double> text_at(const std::string& svg, const std::string& content) {
    const std::size_t p = svg.find(">" + content + "</text>");
    if (p == std::string::npos) return {-2, -2};
    const std::string tag = svg.substr(svg.rfind("<text ", p), p + 1 - svg.rfind("<text ", p));
    return {num_attr(tag, "x"), num_attr(tag, "y")};
}

// Every figure kind, with the given labels and a few non-finite numbers in the data.
std::vector<std::string> all_kinds(const std::string& label) {
    plot::LinePlot lp;
    lp.title = lp.xlabel = lp.ylabel = label;
    lp.series.push_back({label, {1, 2, 3, 4}, {1, NaN, 3, Inf}});
    lp.series.push_back({"", {1, 2, Inf}, {4, 5, 6}});
    lp.hlines.push_back({2, label});
    plot::LinePlot lg = lp;
    lg.log_y = true;

    plot::HeatMap hm;
    hm.title = hm.xlabel = hm.ylabel = hm.colorbar_label = hm.missing_text = label;
    hm.col_labels = {label, "b"};
    hm.row_labels = {label, "2"};
    hm.values = {{1, NaN}, {-Inf, 4}};

    plot::DecisionMap dm;
    dm.title = dm.xlabel = dm.ylabel = label;
    dm.nx = 3;
    dm.ny = 2;
    dm.prob = {0, 0.5, 1, 0.2, NaN, 0.9};
    dm.points = {{0.5, 0.5, 0}, {0.2, 0.8, 1}, {NaN, 0.1, 1}, {0.3, Inf, 0}};
    dm.class_labels = {label, label};

    plot::ImageGrid ig;
    ig.title = label;
    ig.rows_px = ig.cols_px = 2;
    ig.images = {{0, 1, 0.5f, std::numeric_limits<float>::quiet_NaN()}};
    ig.captions = {label};

    plot::Panels pn;
    pn.title = label;
    pn.panels = {lp, lg};

    plot::AnimatedMap am;
    am.frames = {dm, dm};
    am.frames[1].prob = {1, 0.5, 0, 0.8, 0.1, NaN};

    plot::Diagram dg;
    dg.title = label;
    dg.boxes = {{label, 0, 0, label, false, ""}, {"b", 1, 0, "", true, ""}};
    dg.arrows = {{0, 1, label, false, false}, {1, 0, label, true, true}};

    return {plot::to_svg(lp), plot::to_svg(lg), plot::to_svg(hm), plot::to_svg(dm), plot::to_svg(ig),
            plot::to_svg(pn), plot::to_svg(am), plot::to_svg(dg)};
}

}  // namespace

// ─────────────────────────────────────────── ticks ──────────────────────────────────────────

TEST_CASE(nice_ticks_are_1_2_5_steps_that_cover_the_range) {
    // Golden values.
    const std::vector<double> a = plot::nice_ticks(0, 1, 6);
    CHECK_EQ(a.size(), 6u);
    for (std::size_t k = 0; k < a.size(); ++k) CHECK_NEAR(a[k], 0.2 * static_cast<double>(k), 1e-12);
    const std::vector<double> b = plot::nice_ticks(-3.7, 12.2, 8);
    CHECK_EQ(b.size(), 5u);
    for (std::size_t k = 0; k < b.size(); ++k) CHECK_NEAR(b[k], -5 + 5 * static_cast<double>(k), 1e-12);
    CHECK_EQ(plot::nice_ticks(0, 10, 11).size(), 11u);
    CHECK(plot::nice_ticks(NaN, 1, 5).empty());
    CHECK(plot::nice_ticks(0, Inf, 5).empty());

    // Properties over ranges of many magnitudes (a fixed linear congruential sequence).
    std::uint64_t state = 12345;
    auto uniform = [&] {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(state >> 11) / 9007199254740992.0;
    };
    int checked = 0;
    for (int trial = 0; trial < 2000; ++trial) {
        const double scale = std::pow(10.0, std::floor(uniform() * 14) - 7);
        const double lo = (uniform() - 0.5) * 10 * scale;
        const double hi = lo + uniform() * 10 * scale;
        const int asked = 1 + static_cast<int>(uniform() * 12);
        const std::vector<double> t = plot::nice_ticks(lo, hi, asked);
        const int max_count = std::max(3, asked);  // fewer than 3 counts as 3
        const double span = std::max(hi - lo, 1e-300);
        bool ok = t.size() >= 2 && static_cast<int>(t.size()) <= max_count;
        ok = ok && t.front() <= lo + 1e-9 * span && t.back() >= hi - 1e-9 * span;
        const double step = t.size() >= 2 ? t[1] - t[0] : 0;
        for (std::size_t k = 1; ok && k < t.size(); ++k) ok = std::fabs(t[k] - t[k - 1] - step) <= 1e-9 * step;
        // step = m · 10^e with m ∈ {1, 2, 5}
        const double e = std::floor(std::log10(step) + 1e-9);
        const double m = step / std::pow(10.0, e);
        ok = ok && (std::fabs(m - 1) < 1e-9 || std::fabs(m - 2) < 1e-9 || std::fabs(m - 5) < 1e-9);
        // … and the next smaller 1-2-5 step would need more than max_count ticks (so the step
        // is the finest allowed). Only when the range is not a single value (then it is widened).
        if (ok && hi - lo > 1e-12 * std::max(std::fabs(lo), std::fabs(hi))) {
            const double smaller = std::fabs(m - 1) < 1e-9 ? 0.5 * step : (std::fabs(m - 2) < 1e-9 ? step / 2 : step * 0.4);
            const double n = std::ceil(hi / smaller - 1e-9) - std::floor(lo / smaller + 1e-9) + 1;
            ok = n > max_count;
        }
        if (!ok) {
            CHECK(ok);
            std::fprintf(stderr, "  lo %.17g hi %.17g max_count %d -> %zu ticks, step %g\n", lo, hi,
                         max_count, t.size(), step);
            break;
        }
        ++checked;
    }
    CHECK_EQ(checked, 2000);

    // A single value is widened, never divided by zero.
    for (double v : {0.0, 5.0, -3e-8, 1e12}) {
        const std::vector<double> t = plot::nice_ticks(v, v, 5);
        CHECK(t.size() >= 2);
        CHECK(t.front() < v && t.back() > v);
    }
}

// ──────────────────────────────────────── every figure ──────────────────────────────────────

TEST_CASE(the_xml_checker_rejects_what_it_should) {
    CHECK_EQ(xml_problem("<svg><g a=\"1\"/></svg>"), std::string(""));
    CHECK(!xml_problem("<svg><g></svg>").empty());
    CHECK(!xml_problem("<svg>a & b</svg>").empty());
    CHECK(!xml_problem("<svg>a < b</svg>").empty());
    CHECK(!xml_problem("<svg x=\"<\"/>").empty());
    CHECK(!xml_problem("<svg x=1/>").empty());
    CHECK(!xml_problem("<svg x=\"1\" x=\"2\"/>").empty());
    CHECK(!xml_problem("<svg/><svg/>").empty());
}

TEST_CASE(every_figure_is_well_formed_xml_with_markup_characters_in_labels) {
    // & < > " ' must be escaped; UTF-8 kept; invalid UTF-8 and control characters replaced.
    const std::string label = "a & b < c > d \"e\" 'f' \xCE\xB7 \xE2\x80\x96\xE2\x88\x87" "f\xE2\x80\x96 \xFF\x01";
    const auto svgs = all_kinds(label);
    for (std::size_t k = 0; k < svgs.size(); ++k) {
        const std::string& svg = svgs[k];
        const std::string problem = xml_problem(svg);
        CHECK_EQ(problem, std::string(""));
        CHECK(svg.find("a &amp; b &lt; c &gt; d &quot;e&quot; &#39;f&#39; η ‖∇f‖ \xEF\xBF\xBD") !=
              std::string::npos);
        CHECK(svg.find("viewBox=\"0 0 ") != std::string::npos);
        CHECK(svg.find("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>") != std::string::npos);
        CHECK(svg.find("sans-serif") != std::string::npos);
        if (!problem.empty()) std::fprintf(stderr, "  figure %zu: %s\n", k, problem.c_str());
    }
    // The same input gives the same bytes.
    CHECK(all_kinds(label) == svgs);
}

TEST_CASE(no_figure_ever_shows_nan_or_inf) {
    for (const auto& svg : all_kinds("loss")) CHECK(!has_nan_or_inf(svg));

    // Nothing finite at all.
    plot::LinePlot lp;
    lp.series.push_back({"all bad", {NaN, Inf, 1}, {1, 2, -Inf}});
    lp.hlines.push_back({NaN, "floor"});
    plot::HeatMap hm;
    hm.values = {{NaN, Inf}, {-Inf, NaN}};
    hm.log_color = true;
    plot::DecisionMap dm;
    dm.nx = dm.ny = 2;
    dm.prob = {NaN, NaN, NaN, NaN};
    dm.contour = NaN;
    for (const std::string& svg : {plot::to_svg(lp), plot::to_svg(hm), plot::to_svg(dm)}) {
        CHECK(!has_nan_or_inf(svg));
        CHECK_EQ(xml_problem(svg), std::string(""));
    }
    // Huge and tiny numbers do not overflow the formatting.
    plot::LinePlot big;
    big.series.push_back({"big", {0, 1e300}, {-1e300, 1e-300}});
    const std::string svg = plot::to_svg(big);
    CHECK(!has_nan_or_inf(svg));
    CHECK_EQ(xml_problem(svg), std::string(""));
}

TEST_CASE(mismatched_sizes_are_rejected_with_a_message) {
    plot::LinePlot lp;
    lp.series.push_back({"w", {1, 2, 3}, {1, 2}});
    CHECK_THROWS(plot::to_svg(lp), std::invalid_argument, "series 'w' has 3 x values but 2 y values");
    plot::DecisionMap dm;
    dm.nx = 3;
    dm.ny = 3;
    dm.prob.assign(8, 0.5);
    CHECK_THROWS(plot::to_svg(dm), std::invalid_argument, "8 probabilities");
    dm.prob.assign(9, 0.5);
    dm.x_max = dm.x_min;
    CHECK_THROWS(plot::to_svg(dm), std::invalid_argument, "x_min < x_max");
    plot::ImageGrid ig;
    ig.rows_px = ig.cols_px = 28;
    ig.images.assign(2, std::vector<float>(784));
    ig.images[1].resize(783);
    CHECK_THROWS(plot::to_svg(ig), std::invalid_argument, "image 1 has 783 pixels");
}

// ───────────────────────────────────────── LinePlot ─────────────────────────────────────────

TEST_CASE(log_axis_skips_nonpositive_and_nonfinite_points_and_breaks_the_line) {
    plot::LinePlot p;
    p.log_y = true;
    plot::Series s;
    s.x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    s.y = {1, 2, -1, 4, 8, NaN, 16, 0, 32, 64};
    s.markers = false;
    p.series = {s};
    // Drawable on a log axis: 1 2 | 4 8 | 16 | 32 64 → three polylines of two vertices, and a
    // dot for the isolated 16.
    std::string svg = plot::to_svg(p);
    auto lines = polylines(svg);
    CHECK_EQ(lines.size(), 3u);
    for (const auto& l : lines) CHECK_EQ(l.size(), 2u);
    CHECK_EQ(count(svg, "<circle"), 1u);
    // Log scale: every doubling rises by the same number of pixels.
    if (lines.size() == 3) {
        const double rise = lines[0][0].second - lines[0][1].second;
        CHECK(rise > 1);
        CHECK_NEAR(lines[1][0].second - lines[1][1].second, rise, 0.02);
        CHECK_NEAR(lines[2][0].second - lines[2][1].second, rise, 0.02);
        CHECK_NEAR(lines[1][0].second - lines[2][1].second, 4 * rise, 0.05);  // 4 → 64
    }
    // With markers: one circle per drawable point (7), no extra dot.
    p.series[0].markers = true;
    svg = plot::to_svg(p);
    CHECK_EQ(count(svg, "<circle"), 7u);

    // On a linear axis only the NaN breaks the line: 1 2 −1 4 8 | 16 0 32 64.
    p.log_y = false;
    lines = polylines(plot::to_svg(p));
    CHECK_EQ(lines.size(), 2u);
    if (lines.size() == 2) {
        CHECK_EQ(lines[0].size(), 5u);
        CHECK_EQ(lines[1].size(), 4u);
    }
    // 1 … 64 spans under two decades: plain labels 1, 2, 5, 10, 20, 50 (or finer). Over more
    // decades the labels are 10^k with a superscript.
    p.log_y = true;
    svg = plot::to_svg(p);
    for (const char* label : {">1<", ">2<", ">5<", ">10<", ">20<", ">50<"}) CHECK(svg.find(label) != std::string::npos);
    p.series[0].y = {1e-3, 1e-2, 0.1, 1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    svg = plot::to_svg(p);
    CHECK(svg.find(">10<tspan") != std::string::npos);
}

TEST_CASE(a_line_plot_without_data_or_with_one_value_is_still_a_figure) {
    plot::LinePlot empty;
    empty.title = "nothing yet";
    std::string svg = plot::to_svg(empty);
    CHECK(svg.find(">no data<") != std::string::npos);
    CHECK_EQ(xml_problem(svg), std::string(""));

    plot::LinePlot flat;
    flat.series.push_back({"flat", {0, 1, 2, 3}, {5, 5, 5, 5}});
    svg = plot::to_svg(flat);
    CHECK(svg.find("no data") == std::string::npos);
    CHECK(!has_nan_or_inf(svg));
    const auto lines = polylines(svg);
    const Frame f = frame(svg);
    CHECK_EQ(lines.size(), 1u);
    if (lines.size() == 1) {
        CHECK_EQ(lines[0].size(), 4u);
        for (const auto& [x, y] : lines[0]) {
            CHECK_NEAR(y, lines[0][0].second, 1e-9);
            CHECK(y > f.y && y < f.y + f.h);          // inside the frame, not on its edge
        }
    }
}

TEST_CASE(reference_lines_are_inside_the_y_range) {
    plot::LinePlot p;
    p.series.push_back({"loss", {0, 1, 2}, {1, 1.5, 2}});
    p.hlines.push_back({10, "ceiling"});
    p.hlines.push_back({-3, "floor"});
    const std::string svg = plot::to_svg(p);
    const Frame f = frame(svg);
    CHECK(f.h > 0);
    std::vector<double> ys;
    for (const std::string& tag : tags(svg, "line"))
        if (attr(tag, "stroke") == "#777777") ys.push_back(num_attr(tag, "y1"));
    CHECK_EQ(ys.size(), 2u);
    for (double y : ys) CHECK(y >= f.y && y <= f.y + f.h);
    CHECK(svg.find(">ceiling<") != std::string::npos);
    CHECK(svg.find(">floor<") != std::string::npos);
}

// ───────────────────────────────────────── HeatMap ──────────────────────────────────────────

TEST_CASE(heat_map_prints_each_value_in_its_format_and_marks_missing_cells) {
    plot::HeatMap h;
    h.col_labels = {"1e-3", "1e-2", "1e-1"};
    h.row_labels = {"0", "1e-4"};
    h.values = {{0.5, NaN, 0.25}, {Inf, 0.125, -1}};
    h.value_format = "%.2f";
    h.missing_text = "diverged";
    std::string svg = plot::to_svg(h);
    for (double v : {0.5, 0.25, 0.125, -1.0}) {
        char b[32];
        std::snprintf(b, sizeof b, "%.2f", v);
        CHECK(svg.find(std::string(">") + b + "<") != std::string::npos);
    }
    CHECK_EQ(count(svg, ">diverged<"), 2u);
    for (const char* label : {">1e-3<", ">1e-2<", ">1e-1<", ">0<", ">1e-4<"}) CHECK(svg.find(label) != std::string::npos);
    // Log colouring cannot show −1: it becomes missing too.
    h.log_color = true;
    svg = plot::to_svg(h);
    CHECK_EQ(count(svg, ">diverged<"), 3u);
    CHECK(svg.find(">-1.00<") == std::string::npos);
    CHECK(!has_nan_or_inf(svg));
}

TEST_CASE(heat_map_outlines_the_best_cell) {
    plot::HeatMap h;
    h.values = {{0.3, 0.2, 0.9}, {0.4, 0.05, NaN}};
    h.value_format = "%.2f";
    // The centre of the outlined rectangle.
    auto best_centre = [](const std::string& svg) {
        for (const std::string& tag : tags(svg, "rect"))
            if (attr(tag, "class") == "best")
                return std::pair<double, double>{num_attr(tag, "x") + num_attr(tag, "width") / 2,
                                                 num_attr(tag, "y") + num_attr(tag, "height") / 2};
        return std::pair<double, double>{-1, -1};
    };
    std::string svg = plot::to_svg(h);
    CHECK_EQ(count(svg, "class=\"best\""), 1u);
    auto box = best_centre(svg);
    auto txt = text_at(svg, "0.05");
    CHECK_NEAR(box.first, txt.first, 0.02);
    CHECK_NEAR(box.second, txt.second, 6);  // the text's baseline is a little below the centre
    CHECK(svg.find("font-weight=\"bold\">0.05<") != std::string::npos);
    // Colour direction: the best value gets viridis' bright yellow end, the worst its dark end.
    auto fill_of = [](const std::string& svg, const std::string& value) {
        const std::size_t p = svg.find(">" + value + "</text>");
        if (p == std::string::npos) return std::string("?");
        const std::size_t r = svg.rfind("<rect ", p);
        return attr(svg.substr(r, svg.find('>', r) - r + 1), "fill");
    };
    CHECK_EQ(fill_of(svg, "0.05"), std::string("#fde725"));
    CHECK_EQ(fill_of(svg, "0.90"), std::string("#440154"));

    h.low_is_good = false;  // accuracy-like: the largest is best
    svg = plot::to_svg(h);
    box = best_centre(svg);
    txt = text_at(svg, "0.90");
    CHECK_NEAR(box.first, txt.first, 0.02);
    CHECK_NEAR(box.second, txt.second, 6);
    CHECK_EQ(fill_of(svg, "0.90"), std::string("#fde725"));
    CHECK_EQ(fill_of(svg, "0.05"), std::string("#440154"));

    // Outline switched off (a confusion matrix): same colours, no outline, no bold.
    h.outline_best = false;
    svg = plot::to_svg(h);
    CHECK_EQ(count(svg, "class=\"best\""), 0u);
    CHECK(svg.find("font-weight=\"bold\"") == std::string::npos);
    CHECK_EQ(fill_of(svg, "0.90"), std::string("#fde725"));
    h.outline_best = true;

    // No finite cell: nothing outlined, no colour bar.
    h.values = {{NaN}};
    svg = plot::to_svg(h);
    CHECK_EQ(count(svg, "class=\"best\""), 0u);
    CHECK(svg.find("url(#bar)") == std::string::npos);
}

// ───────────────────────────────────── marching squares ─────────────────────────────────────

TEST_CASE(contour_of_prob_equal_to_x_lies_at_one_half) {
    // p(x, y) = x on [0, 1] × [−2, 3]: linear interpolation is exact, so the contour p = 0.5 is
    // the line x = 0.5, one segment per row of cells, from y = −2 to y = 3. An odd nx puts a
    // node on the line, an even nx does not.
    for (std::size_t nx : {11u, 10u}) {
        const std::size_t ny = 7;
        std::vector<double> f;
        for (std::size_t j = 0; j < ny; ++j)
            for (std::size_t i = 0; i < nx; ++i) f.push_back(static_cast<double>(i) / static_cast<double>(nx - 1));
        const auto segs = plot::contour_segments(f, nx, ny, 0.5, 0, 1, -2, 3);
        CHECK_EQ(segs.size(), ny - 1);
        double y_lo = 1e9, y_hi = -1e9;
        for (const auto& s : segs) {
            CHECK_NEAR(s.x0, 0.5, 1e-12);
            CHECK_NEAR(s.x1, 0.5, 1e-12);
            y_lo = std::min({y_lo, s.y0, s.y1});
            y_hi = std::max({y_hi, s.y0, s.y1});
        }
        CHECK_NEAR(y_lo, -2, 1e-12);
        CHECK_NEAR(y_hi, 3, 1e-12);
    }

    // The same through a DecisionMap: every contour vertex is at the pixel of x = 0.5.
    plot::DecisionMap d;
    d.x_min = 0;
    d.x_max = 1;
    d.y_min = -2;
    d.y_max = 3;
    d.nx = 20;
    d.ny = 15;
    for (std::size_t j = 0; j < d.ny; ++j)
        for (std::size_t i = 0; i < d.nx; ++i) d.prob.push_back(static_cast<double>(i) / 19.0);
    const std::string svg = plot::to_svg(d);
    std::string path;
    for (const std::string& tag : tags(svg, "path"))
        if (attr(tag, "class") == "contour") path = attr(tag, "d");
    const Frame f = frame(svg);
    const std::vector<double> v = numbers(path);  // M x y L x y, one per segment
    CHECK_EQ(v.size(), 4 * (d.ny - 1));
    for (std::size_t k = 0; k + 1 < v.size(); k += 2)
        CHECK_NEAR(v[k], f.x + 0.5 * f.w, 0.011);  // coordinates have two decimals
}

TEST_CASE(contour_of_a_circle_is_closed_and_has_the_right_radius) {
    // f = x² + y² on a 41 × 41 grid over [−1, 1]², level 0.3: the circle r = √0.3. (No node
    // lies on it: 0.3 / h² = 120 is not a sum of two squares.)
    const std::size_t n = 41;
    const double h = 2.0 / static_cast<double>(n - 1);
    std::vector<double> f;
    for (std::size_t j = 0; j < n; ++j)
        for (std::size_t i = 0; i < n; ++i) {
            const double x = -1 + static_cast<double>(i) * h, y = -1 + static_cast<double>(j) * h;
            f.push_back(x * x + y * y);
        }
    const auto segs = plot::contour_segments(f, n, n, 0.3, -1, 1, -1, 1);
    const double r = std::sqrt(0.3);
    // Linear interpolation of a quadratic along a cell edge errs by at most h²/(8 r) ≈ 6e-4.
    const double kRadiusTol = 1e-3;
    CHECK(segs.size() > 20);
    std::map<std::pair<long, long>, int> ends;  // endpoints rounded to 1e-9: each shared by two segments
    for (const auto& s : segs) {
        CHECK_NEAR(std::hypot(s.x0, s.y0), r, kRadiusTol);
        CHECK_NEAR(std::hypot(s.x1, s.y1), r, kRadiusTol);
        ++ends[{std::lround(s.x0 * 1e9), std::lround(s.y0 * 1e9)}];
        ++ends[{std::lround(s.x1 * 1e9), std::lround(s.y1 * 1e9)}];
    }
    for (const auto& [p, k] : ends) CHECK_EQ(k, 2);

    // A saddle cell (1 0 / 0 1 with the mean on the level): two segments, each cutting off one
    // corner through the midpoints of its two edges.
    const auto saddle = plot::contour_segments({1, 0, 0, 1}, 2, 2, 0.5, 0, 1, 0, 1);
    CHECK_EQ(saddle.size(), 2u);
    for (const auto& s : saddle) {
        CHECK_NEAR(std::fabs(s.x0 - s.x1), 0.5, 1e-12);
        CHECK_NEAR(std::fabs(s.y0 - s.y1), 0.5, 1e-12);
    }
    // Non-finite corners: those cells are skipped, the rest still contoured.
    const std::vector<double> g = {0, 1,  0, 1,  NaN, 1};  // 2 × 3, p = x with one hole
    CHECK_EQ(plot::contour_segments(g, 2, 3, 0.5, 0, 1, 0, 1).size(), 1u);
}

// ──────────────────────────────────── DecisionMap, ImageGrid ────────────────────────────────

TEST_CASE(decision_map_draws_the_points_inside_its_limits_and_a_class_legend) {
    plot::DecisionMap d;
    d.x_min = -1;
    d.x_max = 1;
    d.y_min = -1;
    d.y_max = 1;
    d.nx = d.ny = 4;
    d.prob.assign(16, 0.25);
    d.prob[5] = 0.75;
    d.points = {{0, 0, 0}, {0.5, -0.5, 1}, {2, 0, 1}, {NaN, 0, 0}, {0.9, 0.9, 1}};
    d.class_labels = {"negative", "positive"};
    const std::string svg = plot::to_svg(d);
    // 3 points inside the limits + 2 legend markers.
    CHECK_EQ(count(svg, "<circle"), 5u);
    CHECK(svg.find(">negative<") != std::string::npos);
    CHECK(svg.find(">positive<") != std::string::npos);
    CHECK(svg.find(">p = 0.5<") != std::string::npos);
    // The region: two colours (p = 0.25 and p = 0.75), both paths, in pure SVG (no <image>).
    CHECK_EQ(count(svg, "<path fill="), 2u);
    CHECK(svg.find("<image") == std::string::npos);
    CHECK_EQ(xml_problem(svg), std::string(""));
}

TEST_CASE(image_grid_draws_ink_only_with_a_frame_and_caption_per_image) {
    plot::ImageGrid g;
    g.rows_px = g.cols_px = 2;
    g.scale = 5;
    g.images = {{0, 1, 0.01f, 0.5f}, {0, 0, 0, 0}};
    g.captions = {"7 \xE2\x86\x92 1", "blank"};
    const std::string svg = plot::to_svg(g);
    // One black and one mid-grey pixel; the white (and the 0.01 near-white) ones are not drawn.
    std::map<std::string, std::string> ink;  // fill colour → path
    for (const std::string& tag : tags(svg, "path")) ink[attr(tag, "fill")] = attr(tag, "d");
    CHECK_EQ(ink.size(), 2u);
    CHECK_EQ(count(ink["#000000"], "M"), 1u);
    CHECK(ink["#000000"].find("h5v5h-5z") != std::string::npos);  // one pixel of 5 × 5
    CHECK_EQ(count(ink["#808080"], "M"), 1u);
    CHECK_EQ(count(svg, "stroke=\"#999999\""), 2u);  // a frame around each image
    CHECK(svg.find(">7 → 1<") != std::string::npos);
    CHECK(svg.find(">blank<") != std::string::npos);
    CHECK_EQ(xml_problem(svg), std::string(""));

    plot::ImageGrid none;
    none.title = "no mistakes";
    const std::string empty = plot::to_svg(none);
    CHECK(empty.find(">no images<") != std::string::npos);
    CHECK_EQ(xml_problem(empty), std::string(""));
}

TEST_CASE(large_figures_stay_small_files) {
    // A 100 × 100 decision map and 60 digits of 28 × 28: well under 400 kB each.
    plot::DecisionMap d;
    d.x_min = -2;
    d.x_max = 2;
    d.y_min = -2;
    d.y_max = 2;
    d.nx = d.ny = 100;
    for (std::size_t j = 0; j < 100; ++j)
        for (std::size_t i = 0; i < 100; ++i)
            d.prob.push_back(1 / (1 + std::exp(-3 * (std::sin(0.1 * static_cast<double>(i)) - 0.04 * static_cast<double>(j) + 1))));
    const std::string map = plot::to_svg(d);
    CHECK_LT(map.size(), 400000u);
    plot::ImageGrid g;
    g.rows_px = g.cols_px = 28;
    for (int k = 0; k < 60; ++k) {  // anti-aliased rings of different radii, like a digit 0
        std::vector<float> img(784);
        const double radius = 5 + 0.1 * k;
        for (std::size_t p = 0; p < 784; ++p) {
            const double dist = std::hypot(static_cast<double>(p % 28) - 13.5, static_cast<double>(p / 28) - 13.5);
            img[p] = static_cast<float>(std::clamp(1.5 - std::fabs(dist - radius), 0.0, 1.0));
        }
        g.images.push_back(img);
    }
    const std::string digits = plot::to_svg(g);
    CHECK_LT(digits.size(), 400000u);
    CHECK_EQ(xml_problem(map), std::string(""));
    CHECK_EQ(xml_problem(digits), std::string(""));
}

// ─────────────────────────────────────────── save ───────────────────────────────────────────

TEST_CASE(save_writes_the_file_and_leaves_no_temporary) {
    const auto dir = testing::scratch_dir("plot_save");
    plot::LinePlot p;
    p.series.push_back({"loss", {1, 2, 3}, {3, 2, 1}});
    const std::string svg = plot::to_svg(p);
    plot::save(dir / "loss.svg", svg);
    CHECK_EQ(files::read_all(dir / "loss.svg"), svg);
    std::size_t entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) entries += e.exists();
    CHECK_EQ(entries, 1u);
    CHECK(!std::filesystem::exists(dir / "loss.svg.tmp"));
    CHECK_THROWS(plot::save(dir / "missing" / "loss.svg", svg), IoError, "cannot write");
}

// ═══════════════════════════ figures that never hide their data ═══════════════════════════

namespace {

// A fixed linear congruential sequence in [0, 1): test data without a random library.
struct Lcg {
    std::uint64_t state;
    double operator()() {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        return static_cast<double>(state >> 11) / 9007199254740992.0;
    }
};

// Something a LinePlot drew for its data, read back from the SVG: a segment with the half-width
// of its stroke (a marker is a segment of length zero with its radius).
struct Drawn {
    double x0, y0, x1, y1, r;
};

// The contents of every <g class="cls" …> … </g> (such groups hold no nested groups).
std::vector<std::string> groups(const std::string& svg, const std::string& cls) {
    std::vector<std::string> out;
    const std::string open = "<g class=\"" + cls + "\"";
    for (std::size_t p = svg.find(open); p != std::string::npos; p = svg.find(open, p + 1))
        out.push_back(svg.substr(p, svg.find("</g>", p) - p));
    return out;
}

// Curve segments (class series), markers, triangles beyond the axis, reference lines.
std::vector<Drawn> drawn_data(const std::string& svg) {
    std::vector<Drawn> out;
    for (const std::string& tag : tags(svg, "polyline")) {
        if (attr(tag, "class") != "series") continue;
        const std::vector<double> v = numbers(attr(tag, "points"));
        for (std::size_t k = 2; k + 1 < v.size(); k += 2)
            out.push_back({v[k - 2], v[k - 1], v[k], v[k + 1], num_attr(tag, "stroke-width") / 2});
    }
    for (const std::string& g : groups(svg, "markers"))
        for (const std::string& tag : tags(g, "circle")) {
            const double x = num_attr(tag, "cx"), y = num_attr(tag, "cy");
            out.push_back({x, y, x, y, num_attr(tag, "r") + 0.3});  // + half the white edge
        }
    for (const std::string& tag : tags(svg, "path"))
        if (attr(tag, "class") == "beyond") {
            const std::vector<double> v = numbers(attr(tag, "d"));
            for (std::size_t k = 0; k + 1 < v.size(); k += 2) {
                const std::size_t n = (k + 2) % v.size();
                out.push_back({v[k], v[k + 1], v[n], v[n + 1], 0});
            }
        }
    for (const std::string& tag : tags(svg, "line"))
        if (attr(tag, "class") == "hline")
            out.push_back({num_attr(tag, "x1"), num_attr(tag, "y1"), num_attr(tag, "x2"), num_attr(tag, "y2"),
                           num_attr(tag, "stroke-width") / 2});
    return out;
}

bool inside(const plot::Rect& r, double x, double y) {
    return x >= r.x && x <= r.right() && y >= r.y && y <= r.bottom();
}
double turn(double ax, double ay, double bx, double by, double cx, double cy) {
    return (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
}
// True when the segments p–q and a–b cross or touch (orientation test).
bool cross(double px, double py, double qx, double qy, double ax, double ay, double bx, double by) {
    return turn(px, py, qx, qy, ax, ay) * turn(px, py, qx, qy, bx, by) <= 0 &&
           turn(ax, ay, bx, by, px, py) * turn(ax, ay, bx, by, qx, qy) <= 0;
}
// True when the mark, with its stroke, touches the box: an end inside the box grown by the
// half-width, or the segment crossing one of that grown box's edges.
bool touches(const Drawn& m, const plot::Rect& box) {
    const plot::Rect g{box.x - m.r, box.y - m.r, box.w + 2 * m.r, box.h + 2 * m.r};
    if (inside(g, m.x0, m.y0) || inside(g, m.x1, m.y1)) return true;
    const double c[5][2] = {{g.x, g.y}, {g.right(), g.y}, {g.right(), g.bottom()}, {g.x, g.bottom()}, {g.x, g.y}};
    for (int k = 0; k < 4; ++k)
        if (cross(m.x0, m.y0, m.x1, m.y1, c[k][0], c[k][1], c[k + 1][0], c[k + 1][1])) return true;
    return false;
}

// How many drawn marks the box touches; prints the first.
std::size_t covered(const std::vector<Drawn>& drawn, const plot::Rect& box, const char* what) {
    std::size_t n = 0;
    for (const Drawn& m : drawn)
        if (touches(m, box) && n++ == 0)
            std::fprintf(stderr, "  %s (%.1f %.1f %.1f × %.1f) touches (%.1f %.1f)–(%.1f %.1f)\n", what, box.x, box.y,
                         box.w, box.h, m.x0, m.y0, m.x1, m.y1);
    return n;
}

// The layout's legend and label boxes touch no drawn data, no each other, and stay inside the
// figure; the SVG draws the legend box and each label where the layout says.
void check_nothing_hidden(const plot::LinePlot& p) {
    const plot::LineLayout L = plot::layout(p);
    const std::string svg = plot::to_svg(p);
    const std::vector<Drawn> drawn = drawn_data(svg);
    CHECK(drawn.size() > 10);
    std::vector<plot::Rect> boxes;
    if (!L.entries.empty()) {
        CHECK(!L.legend.empty());
        CHECK_EQ(covered(drawn, L.legend, "legend"), 0u);
        const auto box = tags(svg, "rect");
        std::size_t found = 0;
        for (const std::string& tag : box)
            if (attr(tag, "class") == "legend-box") {
                ++found;
                CHECK_NEAR(num_attr(tag, "x"), L.legend.x, 0.01);
                CHECK_NEAR(num_attr(tag, "y"), L.legend.y, 0.01);
                CHECK_NEAR(num_attr(tag, "width"), L.legend.w, 0.01);
                CHECK_NEAR(num_attr(tag, "height"), L.legend.h, 0.01);
            }
        CHECK_EQ(found, 1u);
        boxes.push_back(L.legend);
    }
    const auto label_tags = tags(svg, "text");
    std::size_t k_label = 0;
    for (std::size_t k = 0; k < p.hlines.size(); ++k) {
        if (p.hlines[k].label.empty()) continue;
        const plot::Rect& r = L.labels[k];
        CHECK(!r.empty());
        CHECK_EQ(covered(drawn, r, "label"), 0u);
        CHECK(r.w >= plot::detail::text_width(p.hlines[k].label, plot::detail::kTickFont));
        for (; k_label < label_tags.size() && attr(label_tags[k_label], "class") != "label"; ++k_label) {}
        CHECK(k_label < label_tags.size());
        if (k_label < label_tags.size())
            CHECK(inside(r, num_attr(label_tags[k_label], "x"), num_attr(label_tags[k_label], "y")));
        ++k_label;
        boxes.push_back(r);
    }
    for (std::size_t a = 0; a < boxes.size(); ++a) {
        CHECK(boxes[a].x >= 0 && boxes[a].right() <= L.figure.w && boxes[a].y >= 0 && boxes[a].bottom() <= L.figure.h);
        for (std::size_t b = a + 1; b < boxes.size(); ++b) CHECK(!plot::overlap(boxes[a], boxes[b]));
    }
}

// MNIST-like accuracy curves: two models, training solid and test dashed, and the document's
// final accuracies as reference lines right among the curves.
plot::LinePlot accuracy_like() {
    plot::LinePlot p;
    p.title = "Accuracy";
    p.xlabel = "epoch";
    p.ylabel = "accuracy";
    Lcg u{7};
    const char* colors[] = {"#0072B2", "#D55E00"};
    for (int m = 0; m < 2; ++m)
        for (int set = 0; set < 2; ++set) {
            plot::Series s;
            s.label = std::string(m ? "softmax" : "MLP") + (set ? ", test" : ", training");
            s.dashed = set == 1;
            s.color = colors[m];
            for (int e = 1; e <= (m ? 40 : 30); ++e) {
                const double top = m ? 0.934 - 0.008 * set : 0.999 - 0.018 * set;
                s.x.push_back(e);
                s.y.push_back(top - 0.04 * std::exp(-e / 3.0) + 0.002 * u());
            }
            p.series.push_back(s);
        }
    p.hlines = {{0.93, "001: MLP"}, {0.89, "001: softmax regression"}};
    return p;
}

// Ten noisy curves, most flat near the top, one falling far, one slowly (as RandomNet's).
plot::LinePlot ten_nets() {
    plot::LinePlot p;
    p.title = "ten nets";
    Lcg u{11};
    for (int k = 0; k < 10; ++k) {
        plot::Series s;
        s.label = "net " + std::to_string(k + 1);
        s.markers = false;
        for (int e = 1; e <= 100; ++e) {
            double y = 0.116 + 0.004 * (u() - 0.5);
            if (k == 6) y = 0.058 + 0.064 * std::exp(-e / 18.0);
            if (k == 4) y = 0.119 - 0.00025 * e;
            s.x.push_back(e);
            s.y.push_back(y);
        }
        p.series.push_back(s);
    }
    return p;
}

}  // namespace

TEST_CASE(legends_and_labels_never_cover_a_drawn_point_or_line) {
    check_nothing_hidden(accuracy_like());
    check_nothing_hidden(ten_nets());

    // Fourteen waves fill the whole plot area: the legend must go to the right of it.
    plot::LinePlot waves;
    for (int k = 0; k < 14; ++k) {
        plot::Series s;
        s.label = "wave " + std::to_string(k);
        s.markers = false;
        for (int i = 0; i <= 200; ++i) {
            s.x.push_back(i * 0.05);
            s.y.push_back(std::sin(i * 0.05 * 3 + k * 0.45));
        }
        waves.series.push_back(s);
    }
    check_nothing_hidden(waves);
    const plot::LineLayout lw = plot::layout(waves);
    CHECK(lw.legend_outside);
    CHECK(lw.legend.x >= lw.frame.right());

    // A zigzag around a reference line leaves no room beside it: its label goes outside too,
    // at the line's height.
    plot::LinePlot zig;
    plot::Series z{"zigzag", {}, {}, false};
    for (int i = 0; i <= 100; ++i) z.x.push_back(i), z.y.push_back(i % 2 ? 0.56 : 0.44);
    zig.series = {z, {"low", {0, 100}, {0, 0}, false}, {"high", {0, 100}, {1, 1}, false}};
    zig.hlines = {{0.5, "the reference"}};
    check_nothing_hidden(zig);
    const plot::LineLayout lz = plot::layout(zig);
    CHECK(lz.labels[0].x >= lz.frame.right());
    CHECK(lz.labels[0].y <= lz.hline_y[0] && lz.labels[0].bottom() >= lz.hline_y[0]);

    // A log axis over sixteen decades with markers on every point.
    plot::LinePlot lg;
    lg.log_y = true;
    for (int k = 0; k < 3; ++k) {
        plot::Series s{"run " + std::to_string(k), {}, {}};
        for (int i = 0; i <= 30; ++i) s.x.push_back(i), s.y.push_back(std::pow(10.0, -i * (k + 1) / 6.0));
        lg.series.push_back(s);
    }
    lg.hlines = {{1e-8, "tolerance"}};
    check_nothing_hidden(lg);
}

namespace {

// (stroke, dash) of every curve's polyline, in order.
std::vector<std::pair<std::string, std::string>> curve_styles(const std::string& svg) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const std::string& tag : tags(svg, "polyline"))
        if (attr(tag, "class") == "series") out.push_back({attr(tag, "stroke"), attr(tag, "stroke-dasharray")});
    return out;
}

// CIELAB (D65) of a colour "#rrggbb".
std::array<double, 3> lab(const std::string& hex) {
    double c[3];
    for (int k = 0; k < 3; ++k) {
        const double v = std::strtol(hex.substr(1 + 2 * k, 2).c_str(), nullptr, 16) / 255.0;
        c[k] = v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    }
    const double X = (0.4124 * c[0] + 0.3576 * c[1] + 0.1805 * c[2]) / 0.95047;
    const double Y = 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    const double Z = (0.0193 * c[0] + 0.1192 * c[1] + 0.9505 * c[2]) / 1.08883;
    auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116; };
    return {116 * f(Y) - 16, 500 * (f(X) - f(Y)), 200 * (f(Y) - f(Z))};
}

}  // namespace

TEST_CASE(no_two_series_of_a_figure_share_colour_and_dash) {
    // Colours a reader can tell apart: CIELAB ΔE of at least 20 between any two of the palette.
    const double kMinDeltaE = 20;
    CHECK(plot::detail::kPalette.size() >= 10);
    for (std::size_t a = 0; a < plot::detail::kPalette.size(); ++a)
        for (std::size_t b = a + 1; b < plot::detail::kPalette.size(); ++b) {
            const auto p = lab(plot::detail::kPalette[a]), q = lab(plot::detail::kPalette[b]);
            CHECK(std::hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]) >= kMinDeltaE);
        }

    // Thirty automatic curves: the palette's colours first, then dash patterns.
    plot::LinePlot many;
    for (int k = 0; k < 30; ++k) many.series.push_back({"", {0, 1, 2}, {1.0 * k, k + 0.5, 1.0 * k}, false});
    auto styles = curve_styles(plot::to_svg(many));
    CHECK_EQ(styles.size(), 30u);
    for (std::size_t a = 0; a < styles.size(); ++a)
        for (std::size_t b = a + 1; b < styles.size(); ++b) {
            CHECK(styles[a] != styles[b]);
            if (b < plot::detail::kPalette.size()) CHECK(styles[a].first != styles[b].first);
        }

    // Curves that ask for the same colour keep it and differ by dash; automatic colours avoid it.
    plot::LinePlot same;
    for (bool dashed : {false, false, true}) same.series.push_back({"", {0, 1}, {0, 1}, false, true, dashed, "#0072B2"});
    same.series.push_back({"", {0, 1}, {1, 0}, false});
    styles = curve_styles(plot::to_svg(same));
    CHECK_EQ(styles.size(), 4u);
    for (std::size_t a = 0; a < styles.size(); ++a)
        for (std::size_t b = a + 1; b < styles.size(); ++b) CHECK(styles[a] != styles[b]);
    CHECK(styles[0] == (std::pair<std::string, std::string>{"#0072b2", ""}));
    CHECK_EQ(styles[1].second, std::string("6 4"));   // the second keeps its colour, gets dashes
    CHECK(!styles[2].second.empty());                 // and the third, dashed, the next pattern
    CHECK(styles[3].first != "#0072b2");

    // The chapters' own choices (a colour per model, test dashed) are kept as they are, and each
    // legend sample is drawn like its curve.
    const std::string svg = plot::to_svg(accuracy_like());
    styles = curve_styles(svg);
    const std::vector<std::pair<std::string, std::string>> asked = {
        {"#0072b2", ""}, {"#0072b2", "6 4"}, {"#d55e00", ""}, {"#d55e00", "6 4"}};
    CHECK(styles == asked);
    std::vector<std::pair<std::string, std::string>> samples;
    for (const std::string& tag : tags(groups(svg, "legend").at(0), "line"))
        samples.push_back({attr(tag, "stroke"), attr(tag, "stroke-dasharray")});
    CHECK(samples == asked);
}

namespace {

// The value a tick label shows: "0.05", "−2", "10<tspan …>−3</tspan>", "2×10<tspan …>5</tspan>".
double label_value(std::string s) {
    for (std::size_t p; (p = s.find("\xE2\x88\x92")) != std::string::npos;) s.replace(p, 3, "-");
    const std::size_t t = s.find("<tspan");
    if (t == std::string::npos) return std::strtod(s.c_str(), nullptr);
    const std::size_t times = s.find("\xC3\x97");
    const double m = times == std::string::npos ? 1 : std::strtod(s.substr(0, times).c_str(), nullptr);
    const std::size_t e0 = s.find('>', t) + 1;
    return m * std::pow(10.0, std::strtod(s.substr(e0, s.find('<', e0) - e0).c_str(), nullptr));
}

// (value, pixel row of the tick) of every label of the y axis (class ytick).
std::vector<std::pair<double, double>> y_ticks(const std::string& svg) {
    std::vector<std::pair<double, double>> out;
    for (std::size_t p = svg.find("class=\"ytick\">"); p != std::string::npos; p = svg.find("class=\"ytick\">", p + 1)) {
        const std::string tag = svg.substr(svg.rfind("<text ", p), p - svg.rfind("<text ", p));
        const std::size_t c0 = svg.find('>', p) + 1;
        const double baseline = num_attr(tag, "y");
        out.push_back({label_value(svg.substr(c0, svg.find("</text>", c0) - c0)), baseline - 0.36 * 11});
    }
    return out;
}

// A log-axis figure of one curve from lo to hi: labels where the scale puts them, every decade
// labelled (every k-th where decades are closer than a label's height), four labels or more
// under two decades, and the curve spanning at least 90 % of the plot area's height.
void check_log_axis(double lo, double hi) {
    plot::LinePlot p;
    p.log_y = true;
    plot::Series s{"curve", {}, {}, false};
    for (int k = 0; k <= 50; ++k) s.x.push_back(k), s.y.push_back(lo * std::pow(hi / lo, k / 50.0));
    p.series = {s};
    const std::string svg = plot::to_svg(p);
    const auto ticks = y_ticks(svg);
    const Frame f = frame(svg);
    CHECK(ticks.size() >= 2);
    if (ticks.size() < 2) return;
    // Pixel row = a + b · log10(value), from the first and last label; every label on that line.
    const double b = (ticks.back().second - ticks.front().second) / (std::log10(ticks.back().first) - std::log10(ticks.front().first));
    const double a = ticks.front().second - b * std::log10(ticks.front().first);
    for (const auto& [v, y] : ticks) CHECK_NEAR(a + b * std::log10(v), y, 0.05);
    const double top = (f.y - a) / b, bottom = (f.y + f.h - a) / b;   // log10 of the axis limits
    CHECK(bottom < top);
    const double px_per_decade = std::fabs(b);
    std::vector<double> decades;
    for (double d = std::ceil(bottom - 1e-9); d <= top + 1e-9; ++d) decades.push_back(d);
    std::vector<double> labelled;
    for (const auto& [v, y] : ticks)
        if (std::fabs(std::log10(v) - std::round(std::log10(v))) < 1e-9) labelled.push_back(std::round(std::log10(v)));
    if (px_per_decade >= 15) {
        CHECK_EQ(labelled.size(), decades.size());
    } else {  // crowded: every k-th decade, evenly
        CHECK(labelled.size() >= 3);
        for (std::size_t k = 2; k < labelled.size(); ++k) CHECK_NEAR(labelled[k] - labelled[k - 1], labelled[1] - labelled[0], 1e-9);
    }
    if (top - bottom < 2) CHECK(ticks.size() >= 4);
    double y_lo = 1e9, y_hi = -1e9;
    for (const auto& line : polylines(svg))
        for (const auto& [x, y] : line) y_lo = std::min(y_lo, y), y_hi = std::max(y_hi, y);
    CHECK(y_hi - y_lo >= 0.9 * f.h);
}

}  // namespace

TEST_CASE(every_decade_of_a_log_axis_is_labelled_and_the_data_fill_it) {
    // Three decades, the narrow bands of MSE and loss curves, 1 … 64, thirty-one decades of a
    // BFGS objective, a 5 % band, and both directions of each.
    for (const auto& [lo, hi] : std::vector<std::pair<double, double>>{{1e-3, 1}, {0.036, 0.29}, {0.009, 0.08}, {0.015, 0.31},
                                                                        {1, 64}, {1e-31, 1}, {0.1, 0.105}, {3e-7, 2e-4}}) {
        check_log_axis(lo, hi);
        check_log_axis(hi, lo);
    }
}

namespace {

// A colour map's bar, read back: its box, the rows of its ticks, their labels' values and the
// bar's own label.
struct Bar {
    Frame box;
    std::vector<double> tick_y, values;
    std::string title;
    bool log = false;   // labelled 10^k
};
Bar colour_bar(const std::string& svg) {
    Bar b;
    const std::size_t p = svg.find("<g class=\"colorbar\">");
    if (p == std::string::npos) return b;
    const std::string part = svg.substr(p);
    for (const std::string& tag : tags(part, "rect"))
        if (attr(tag, "class") == "colorbar-box")
            b.box = {num_attr(tag, "x"), num_attr(tag, "y"), num_attr(tag, "width"), num_attr(tag, "height")};
    for (const std::string& tag : tags(part, "line"))
        if (attr(tag, "class") == "colorbar-tick") b.tick_y.push_back(num_attr(tag, "y1"));
    for (std::size_t q = part.find("class=\"colorbar-label\">"); q != std::string::npos;
         q = part.find("class=\"colorbar-label\">", q + 1)) {
        const std::size_t c0 = part.find('>', q) + 1;
        const std::string label = part.substr(c0, part.find("</text>", c0) - c0);
        b.values.push_back(label_value(label));
        b.log = label.find("<tspan") != std::string::npos;
    }
    const std::size_t t = part.find("<g class=\"colorbar-title\">");
    if (t != std::string::npos) {
        const std::size_t c0 = part.find('>', part.find("<text", t)) + 1;
        b.title = part.substr(c0, part.find("</text>", c0) - c0);
    }
    return b;
}

// True when step = m · 10^e with m ∈ {1, 2, 5}.
bool round_step(double step) {
    const double m = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    return std::fabs(m - 1) < 1e-6 || std::fabs(m - 2) < 1e-6 || std::fabs(m - 5) < 1e-6;
}

// At least four ticks inside the bar, evenly spaced in pixels, labelled with values rising
// upwards in equal round steps (of the value, or of whole decades on a log bar), and a label.
void check_colour_bar(const std::string& svg, const std::string& title) {
    const Bar b = colour_bar(svg);
    CHECK(b.box.h >= 100);
    CHECK_EQ(b.title, title);
    CHECK(b.tick_y.size() >= 4);
    CHECK_EQ(b.values.size(), b.tick_y.size());
    if (b.tick_y.size() < 4 || b.values.size() != b.tick_y.size()) return;
    const double gap = b.tick_y[0] - b.tick_y[1];
    CHECK(gap > 14);   // room for a label
    for (std::size_t k = 0; k < b.tick_y.size(); ++k) {
        CHECK(b.tick_y[k] >= b.box.y - 0.01 && b.tick_y[k] <= b.box.y + b.box.h + 0.01);
        if (k) CHECK_NEAR(b.tick_y[k - 1] - b.tick_y[k], gap, 0.02);   // two decimals in the file
    }
    auto unit = [&](double v) { return b.log ? std::log10(v) : v; };
    const double step = unit(b.values[1]) - unit(b.values[0]);
    CHECK(step > 0);
    CHECK(round_step(step));
    for (std::size_t k = 1; k < b.values.size(); ++k)
        CHECK_NEAR(unit(b.values[k]) - unit(b.values[k - 1]), step, 1e-6 * std::max(1.0, std::fabs(step)));
}

plot::HeatMap heat(const std::vector<std::vector<double>>& values, bool log_color) {
    plot::HeatMap h;
    h.values = values;
    h.log_color = log_color;
    h.colorbar_label = "test MSE";
    return h;
}

}  // namespace

TEST_CASE(colour_maps_have_a_labelled_colour_bar_with_even_round_ticks) {
    // A Franke-like grid (log colour over less than a factor of three: coloured linearly), a
    // gradient check over ten decades, a confusion matrix of counts 1 … 1126, counts 2 … 500
    // (widened to whole decades), a single row, a single value (widened by ± 10 %).
    struct Case {
        std::vector<std::vector<double>> values;
        bool log_color, bar_ends_at_best;
    };
    const std::vector<Case> maps = {{{{0.112, 0.0729, 0.0494}, {0.108, 0.0438, NaN}}, true, true},
                                    {{{4.1e-10, 0.89}, {1.9e-8, 0.25}}, true, true},
                                    {{{1126, 3, 1}, {2, 970, 12}}, true, true},
                                    {{{2, 40}, {500, 7}}, true, false},
                                    {{{0.5, 0.25, 0.125}}, false, true},
                                    {{{0.3}}, false, false},
                                    {{{-0.3, 0.7}, {0.1, 0.2}}, false, true}};
    for (const Case& c : maps) {
        const std::string svg = plot::to_svg(heat(c.values, c.log_color));
        check_colour_bar(svg, "test MSE");
        // Cells take the bar's colour at their value: where the bar ends at the best value,
        // that cell is viridis' yellow end.
        CHECK_EQ(svg.find("fill=\"#fde725\"") != std::string::npos, c.bar_ends_at_best);
    }
    // The log bar of the ten-decade map has its ticks at powers of ten.
    const Bar wide = colour_bar(plot::to_svg(heat(maps[1].values, true)));
    CHECK(wide.log);
    for (double v : wide.values) CHECK_NEAR(std::log10(v), std::round(std::log10(v)), 1e-9);

    // The decision map's probability bar: 0 … 1, labelled.
    plot::DecisionMap d;
    d.x_min = -1;
    d.nx = d.ny = 3;
    d.prob = {0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1};
    d.points = {{0.5, 0.5, 1}};
    const std::string svg = plot::to_svg(d);
    check_colour_bar(svg, "P(class 1)");
    const Bar b = colour_bar(svg);
    if (!b.values.empty()) {
        CHECK_NEAR(b.values.front(), 0, 1e-12);
        CHECK_NEAR(b.values.back(), 1, 1e-12);
    }
    // Its legend sits below the plot area: the region is data everywhere.
    const Frame f = frame(svg);
    for (const std::string& tag : tags(svg, "rect"))
        if (attr(tag, "class") == "legend-box") CHECK(num_attr(tag, "y") > f.y + f.h);
}

TEST_CASE(fixed_or_robust_y_limits_mark_the_points_beyond_the_edge) {
    // R² against degree: one curve dives to −1.66 and would flatten the band where the others
    // differ. The far-out fences leave the four dive points beyond the axis.
    plot::LinePlot p;
    const std::vector<double> ols = {0.5, 0.53, 0.6, 0.58, 0.57, 0.57, 0.56, 0.56, 0.55, 0.45, 0.29, -0.32, -1.66, -1.15};
    plot::Series a{"OLS", {}, ols}, r{"Ridge", {}, {}};
    for (std::size_t k = 0; k < ols.size(); ++k) {
        a.x.push_back(static_cast<double>(k + 1));
        r.x.push_back(static_cast<double>(k + 1));
        r.y.push_back(0.5 + 0.1 * (1 - std::exp(-static_cast<double>(k) / 3)));
    }
    p.series = {a, r};
    for (int mode = 0; mode < 3; ++mode) {
        p.clip_outliers = mode == 1;
        p.y_min = mode == 2 ? 0.4 : NaN;
        const std::string svg = plot::to_svg(p);
        const Frame f = frame(svg);
        std::vector<std::pair<double, double>> tips;
        for (const std::string& tag : tags(svg, "path"))
            if (attr(tag, "class") == "beyond") {
                const std::vector<double> v = numbers(attr(tag, "d"));
                tips.push_back({v[4], v[5]});   // the tip of the triangle
            }
        const std::size_t expected = mode == 0 ? 0 : 4;   // 0.29, −0.32, −1.66, −1.15
        CHECK_EQ(tips.size(), expected);
        for (const auto& [x, y] : tips) CHECK(y <= f.y + f.h && y > f.y + f.h - 12);   // on the bottom edge
        // Every drawn vertex inside the plot area; the line to a point beyond ends on the edge.
        for (const auto& line : polylines(svg))
            for (const auto& [x, y] : line) CHECK(y >= f.y - 0.01 && y <= f.y + f.h + 0.01);
        const bool noted = svg.find("OLS: 4 points below the axis (down to \xE2\x88\x92" "1.66)") != std::string::npos;
        CHECK_EQ(noted, mode != 0);
        // The band that remains: the lowest y tick at or above 0.4, not −1.5.
        const auto ticks = y_ticks(svg);
        CHECK(!ticks.empty());
        if (!ticks.empty()) CHECK_EQ(ticks.front().first >= 0.4, mode != 0);
        check_nothing_hidden(p);
    }
    // A reference line beyond fixed limits is not drawn; the legend says where it is.
    p.y_max = 0.58;
    p.hlines = {{0.611, "Franke itself"}};
    const std::string svg = plot::to_svg(p);
    CHECK(tags(svg, "line").size() > 0);
    for (const std::string& tag : tags(svg, "line")) CHECK(attr(tag, "class") != "hline");
    CHECK(svg.find(">Franke itself at 0.611, above the axis<") != std::string::npos);
}

// ───────────────────────────────── panels, animation, diagram ───────────────────────────────

TEST_CASE(panels_put_each_line_plot_in_its_own_cell_under_one_title) {
    // Functions | derivatives, as a two-panel figure.
    plot::LinePlot f, d;
    f.title = "f(x)";
    d.title = "f\xE2\x80\xB2(x)";
    for (int k = 0; k < 3; ++k) {
        plot::Series s{"f" + std::to_string(k), {}, {}, false}, ds{"f" + std::to_string(k), {}, {}, false};
        for (int i = -40; i <= 40; ++i) {
            const double x = i / 10.0, t = std::tanh((k + 1) * x);
            s.x.push_back(x), s.y.push_back(t * (k + 1));
            ds.x.push_back(x), ds.y.push_back((k + 1) * (k + 1) * (1 - t * t));
        }
        f.series.push_back(s);
        d.series.push_back(ds);
    }
    plot::Panels pn;
    pn.title = "Three functions and their derivatives";
    pn.panels = {f, d};
    const std::string svg = plot::to_svg(pn);
    CHECK_EQ(xml_problem(svg), std::string(""));
    CHECK_EQ(count(svg, "<g class=\"panel\">"), 2u);
    CHECK(svg.find(">Three functions and their derivatives<") != std::string::npos);
    CHECK(svg.find(">f(x)<") != std::string::npos && svg.find(">f\xE2\x80\xB2(x)<") != std::string::npos);
    CHECK(svg.find("width=\"720\" height=\"340\"") != std::string::npos);   // 2 × 360, 40 + 300
    const auto L = plot::layout(pn);
    CHECK_EQ(L.size(), 2u);
    if (L.size() != 2) return;
    // Each panel's plot area and legend inside its own cell; nothing of one panel's data under
    // the other's legend or under its own.
    const std::vector<Drawn> drawn = drawn_data(svg);
    for (std::size_t k = 0; k < 2; ++k) {
        const plot::Rect cell{360.0 * static_cast<double>(k), 40, 360, 300};
        for (const plot::Rect& r : {L[k].frame, L[k].legend}) {
            CHECK(r.x >= cell.x && r.right() <= cell.right() && r.y >= cell.y && r.bottom() <= cell.bottom());
        }
        CHECK_EQ(covered(drawn, L[k].legend, "panel legend"), 0u);
    }
    // same_y: both panels get one y range, so their y ticks are the same.
    pn.same_y = true;
    const auto both = plot::layout(pn);
    CHECK(both[0].ay.major == both[1].ay.major);
    CHECK(both[0].ay.lo == both[1].ay.lo && both[0].ay.hi == both[1].ay.hi);
    CHECK(!(L[0].ay.lo == L[1].ay.lo && L[0].ay.hi == L[1].ay.hi));
}

TEST_CASE(an_animated_map_plays_its_frames_in_turn_and_shows_the_last_when_still) {
    plot::AnimatedMap a;
    a.seconds_per_frame = 0.5;
    a.hold_last = 2;
    for (int e = 0; e < 5; ++e) {
        plot::DecisionMap m;
        m.title = "epoch " + std::to_string(10 * e);
        m.x_min = m.y_min = -1;
        m.nx = m.ny = 4;
        for (int k = 0; k < 16; ++k) m.prob.push_back(std::clamp(0.1 * e + 0.05 * k, 0.0, 1.0));
        m.points = {{0, 0, e % 2}};
        a.frames.push_back(m);
    }
    const std::string svg = plot::to_svg(a);
    CHECK_EQ(xml_problem(svg), std::string(""));
    const auto frames = tags(svg, "g");
    std::vector<std::string> frame_tags;
    for (const std::string& tag : frames)
        if (attr(tag, "class") == "animation-frame") frame_tags.push_back(tag);
    CHECK_EQ(frame_tags.size(), 5u);
    // Still (no animation): every frame hidden but the last.
    for (std::size_t k = 0; k < frame_tags.size(); ++k)
        CHECK_EQ(attr(frame_tags[k], "visibility"), std::string(k + 1 < frame_tags.size() ? "hidden" : ""));
    // Animated: one loop of 4 × 0.5 + 2 = 4 s; frame k visible from k/8 of the loop to (k+1)/8,
    // the last from 1/2 to the end; the slots follow each other without gap or overlap.
    const auto anims = tags(svg, "animate");
    CHECK_EQ(anims.size(), 5u);
    double end = 0;
    for (std::size_t k = 0; k < anims.size(); ++k) {
        const std::string& t = anims[k];
        CHECK_EQ(attr(t, "attributeName"), std::string("visibility"));
        CHECK_EQ(attr(t, "calcMode"), std::string("discrete"));
        CHECK_EQ(attr(t, "dur"), std::string("4s"));
        CHECK_EQ(attr(t, "repeatCount"), std::string("indefinite"));
        const std::vector<double> times = numbers(attr(t, "keyTimes"));
        const std::string values = attr(t, "values");
        CHECK_EQ(times.size(), static_cast<std::size_t>(count(values, ";") + 1));
        CHECK_NEAR(times.front(), 0, 1e-12);
        const double begin = k == 0 ? 0 : times[1];
        CHECK_NEAR(begin, end, 1e-9);
        CHECK_NEAR(begin, 0.125 * static_cast<double>(k), 1e-9);
        end = k + 1 < anims.size() ? times.back() : 1.0;
        CHECK(values.find("visible") != std::string::npos);
    }
    // Each frame's title once; one colour bar and one legend for all.
    for (int e = 0; e < 5; ++e) CHECK_EQ(count(svg, ">epoch " + std::to_string(10 * e) + "<"), 1u);
    CHECK_EQ(count(svg, "<g class=\"colorbar\">"), 1u);
    CHECK_EQ(count(svg, "<g class=\"legend\">"), 1u);
    a.frames[3].x_max = 2;
    CHECK_THROWS(plot::to_svg(a), std::invalid_argument, "frame 3");
    a.frames.clear();
    CHECK_THROWS(plot::to_svg(a), std::invalid_argument, "at least one frame");
}

TEST_CASE(a_diagram_joins_its_boxes_with_arrows_from_border_to_border) {
    // z = (x + y) · w as a computation graph, with the gradient flowing back along a dashed,
    // highlighted arrow beside the forward one.
    plot::Diagram g;
    g.title = "z = (x + y) w";
    g.boxes = {{"x", 0, 0, "value 2, grad 3", false, ""}, {"y", 0, 1, "value 1, grad 3", false, ""},
               {"+", 1, 0.5, "value 3, grad 3", false, ""}, {"w", 1, 1.5, "", false, ""},
               {"\xC3\x97", 2, 1, "value 9, grad 1", true, ""}};
    g.arrows = {{0, 2, "", false, false}, {1, 2, "", false, false}, {2, 4, "3", false, false},
                {3, 4, "", false, false}, {4, 2, "\xE2\x88\x82z/\xE2\x88\x82(x + y) = w", true, true}};
    const std::string svg = plot::to_svg(g);
    CHECK_EQ(xml_problem(svg), std::string(""));
    const plot::DiagramLayout L = plot::layout(g);
    CHECK_EQ(L.boxes.size(), 5u);
    CHECK_EQ(count(svg, "class=\"node\""), 5u);
    for (std::size_t k = 0; k < L.boxes.size(); ++k) {
        CHECK(L.boxes[k].w >= plot::detail::text_width(g.boxes[k].sub_label, 11));
        for (std::size_t j = k + 1; j < L.boxes.size(); ++j) CHECK(!plot::overlap(L.boxes[k], L.boxes[j]));
    }
    // Distance from a point to the border of a box (0 on it).
    auto to_border = [](const plot::Rect& r, double x, double y) {
        const double dx = std::max({r.x - x, 0.0, x - r.right()}), dy = std::max({r.y - y, 0.0, y - r.bottom()});
        const double out = std::hypot(dx, dy);
        const double in = std::min({x - r.x, r.right() - x, y - r.y, r.bottom() - y});
        return out > 0 ? out : in;
    };
    const auto lines = tags(svg, "line");
    const auto heads = tags(svg, "path");
    CHECK_EQ(lines.size(), g.arrows.size());
    for (std::size_t k = 0; k < g.arrows.size() && k < lines.size(); ++k) {
        const auto& l = L.arrows[k];
        CHECK(to_border(L.boxes[g.arrows[k].from], l.x0, l.y0) <= 3);   // 2 px gap, two decimals
        CHECK(to_border(L.boxes[g.arrows[k].to], l.x1, l.y1) <= 3);
        CHECK_NEAR(num_attr(lines[k], "x1"), l.x0, 0.01);
        const std::vector<double> tip = numbers(attr(heads[k], "d"));
        CHECK_NEAR(tip[0], l.x1, 0.01);   // the head's first vertex is the tip
        CHECK_NEAR(tip[1], l.y1, 0.01);
        CHECK_EQ(attr(lines[k], "stroke-dasharray").empty(), !g.arrows[k].dashed);
        CHECK_EQ(attr(lines[k], "stroke") == "#c0282d", g.arrows[k].highlighted);
    }
    // The forward and the backward arrow between + and × lie side by side, 10 px apart.
    CHECK_NEAR(std::hypot(L.arrows[2].x0 - L.arrows[4].x1, L.arrows[2].y0 - L.arrows[4].y1), 10, 0.5);
    // Labels and sub-labels are there; an arrow's label overlaps no box.
    CHECK(svg.find(">\xE2\x88\x82z/\xE2\x88\x82(x + y) = w<") != std::string::npos);
    CHECK_EQ(count(svg, "class=\"sub-label\""), 4u);
    for (const plot::Rect& r : L.labels)
        for (const plot::Rect& b : L.boxes) CHECK(r.empty() || !plot::overlap(r, b));
    g.arrows.push_back({0, 7, "", false, false});
    CHECK_THROWS(plot::to_svg(g), std::invalid_argument, "box 0 to box 7 of 5");
}

TEST_CASE(region_map_colours_each_class_and_draws_the_boundaries) {
    // Three classes in three sectors of the plane around the origin: P(class k) is a softmax of
    // the angle's closeness to the sector's centre. Every class gets its own colour, each
    // point is drawn in its class's colour, and the boundaries are traced.
    plot::RegionMap m;
    m.title = "three sectors";
    m.nx = m.ny = 41;
    m.prob.assign(3, std::vector<double>(m.nx * m.ny));
    for (std::size_t q = 0; q < m.nx * m.ny; ++q) {
        const double x = -1 + 2.0 * static_cast<double>(q % m.nx) / 40, y = -1 + 2.0 * static_cast<double>(q / m.nx) / 40;
        double e[3], sum = 0;
        for (int k = 0; k < 3; ++k) sum += e[k] = std::exp(4 * (x * std::cos(2.1 * k) + y * std::sin(2.1 * k)));
        for (int k = 0; k < 3; ++k) m.prob[static_cast<std::size_t>(k)][q] = e[k] / sum;
    }
    m.points = {{0.5, 0.0, 0}, {-0.3, 0.5, 1}, {-0.3, -0.5, 2}};
    m.class_labels = {"a", "b", "c"};
    const std::string svg = plot::to_svg(m);
    CHECK(svg.find("class=\"contour\"") != std::string::npos);
    for (std::size_t k = 0; k < 3; ++k) CHECK(svg.find("fill=\"" + std::string(plot::detail::palette(k)) + "\"") != std::string::npos);
    CHECK(svg.find(">a<") != std::string::npos && svg.find(">c<") != std::string::npos);
    m.prob[1].pop_back();
    CHECK_THROWS(plot::to_svg(m), std::invalid_argument, "probabilities of a class");
}
