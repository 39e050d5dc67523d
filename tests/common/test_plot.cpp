// Tests of common/plot/: the SVG figures are well-formed XML whatever the labels and numbers,
// never show nan or inf, skip what a log axis cannot show, print the heat-map values, and draw
// the decision boundary where it is; nice ticks are 1-2-5 steps; marching squares is exact on
// a linear field.
#include "common/plot/decision_map.hpp"
#include "common/plot/heat_map.hpp"
#include "common/plot/image_grid.hpp"
#include "common/plot/line_plot.hpp"

#include <cmath>
#include <cstdint>
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
// The plot area's frame.
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

    return {plot::to_svg(lp), plot::to_svg(lg), plot::to_svg(hm), plot::to_svg(dm), plot::to_svg(ig)};
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
