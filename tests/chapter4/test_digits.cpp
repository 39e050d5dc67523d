// Tests of chapter 4's pictures: the PGM reader and writer (pgm.hpp) — plain and raw files,
// comments, 16-bit samples, every truncation, bad headers, absurd sizes, random mutations,
// special files — and MNIST's preprocessing and draw.html's pen (digits.hpp): which side is
// ink, the bounding box, the fit to 20×20 with the aspect ratio kept and the ink conserved, the
// centre of mass at the centre, a moved picture giving the same bytes, and the example pictures
// of the README being exactly their strokes.
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <numbers>
#include <string>
#include <vector>

#include <sys/stat.h>   // mkfifo

#include "chapters/chapter4_mnist_softmax/digits.hpp"
#include "chapters/chapter4_mnist_softmax/pgm.hpp"
#include "common/files.hpp"
#include "common/random.hpp"
#include "testing.hpp"

using namespace ch4;

namespace {

Pgm parse(const std::string& s) { return parse_pgm(s, "x.pgm"); }

using Size = std::pair<std::size_t, std::size_t>;

// A picture (Pgm, maxval 255) from ink levels, as light ink on dark or dark ink on light paper.
Pgm picture(const std::vector<std::uint8_t>& ink, std::size_t width, std::size_t height, bool on_paper) {
    Pgm p{width, height, 255, '5', {}};
    for (const std::uint8_t v : ink) p.samples.push_back(static_cast<std::uint16_t>(on_paper ? 255 - v : v));
    return p;
}

Preprocessed preprocessed(const Pgm& p) {
    Preprocessed out;
    CHECK(preprocess(ink_of(p, light_border(p)), out));
    return out;
}

// A "4" of three strokes on the 280×280 canvas, shifted by (dx, dy).
std::vector<Stroke> four(double dx, double dy) {
    return {{{60 + dx, 40 + dy}, {40 + dx, 120 + dy}, {110 + dx, 120 + dy}},
            {{95 + dx, 60 + dy}, {95 + dx, 190 + dy}}};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// PGM files

TEST_CASE(plain_and_raw_files_are_read) {
    const Pgm a = parse("P2 # a comment after the magic\n3\t2\r\n# another\n15\n0 1 2\n13 14 15\n");
    CHECK_EQ(a.width, 3u);
    CHECK_EQ(a.height, 2u);
    CHECK_EQ(a.maxval, 15u);
    CHECK(a.samples == (std::vector<std::uint16_t>{0, 1, 2, 13, 14, 15}));
    const Pgm b = parse(std::string("P5\n2 2\n255\n") + std::string("\x00\x7f\x80\xff", 4));
    CHECK(b.samples == (std::vector<std::uint16_t>{0, 127, 128, 255}));
    // maxval ≥ 256: two bytes per sample, the most significant first.
    const Pgm c = parse(std::string("P5 2 1 1000\n") + std::string("\x03\xe8\x01\x00", 4));
    CHECK(c.samples == (std::vector<std::uint16_t>{1000, 256}));
    CHECK_EQ(c.format, '5');
    // The writers read back.
    const std::vector<std::uint8_t> px{0, 9, 99, 255, 7, 70};
    for (const std::string& s : {pgm_p5(3, 2, px.data(), "raw"), pgm_p2(3, 2, px.data(), "plain")}) {
        const Pgm d = parse(s);
        CHECK_EQ(d.width, 3u);
        CHECK_EQ(d.height, 2u);
        CHECK(d.samples == (std::vector<std::uint16_t>{0, 9, 99, 255, 7, 70}));
    }
}

TEST_CASE(bad_files_are_rejected_with_their_problem) {
    CHECK_THROWS(parse("hello"), DataError, "x.pgm: not a PGM image: it begins with 'he', not P2 or P5");
    CHECK_THROWS(parse("P6\n1 1\n255\nabc"), DataError, "another Netpbm format (PBM, PPM or PAM)");
    CHECK_THROWS(parse("P2\n3\n"), DataError, "x.pgm: offset 5: the file ends where the height should be: truncated");
    CHECK_THROWS(parse("P2\n3"), DataError, "x.pgm: offset 4: the file ends inside the header: truncated");
    CHECK_THROWS(parse("P2\nx 2 255\n"), DataError, "offset 3: expected the width (a whole number), found 'x'");
    CHECK_THROWS(parse("P2 2 2 0\n"), DataError, "maxval 0 is out of range (1 to 65535)");
    CHECK_THROWS(parse("P2 2 2 65536\n"), DataError, "maxval 65536 is out of range");
    CHECK_THROWS(parse("P2 0 2 255\n"), DataError, "the image is 0×2: no pixels");
    CHECK_THROWS(parse("P2 1234567890 1 255\n"), DataError, "the width has more than 9 digits");
    CHECK_THROWS(parse("P5 2 2 255\n\x01\x02\x03"), DataError, "the header promises 2×2 pixels of 1 byte (4 bytes), but 3 follow");
    CHECK_THROWS(parse("P5 2 1 100\n\x10\xc8"), DataError, "pixel (row 0, column 1) is 200, above maxval 100");
    CHECK_THROWS(parse("P5 2 1 255x\x10\x20"), DataError, "expected one whitespace character after maxval");
    CHECK_THROWS(parse("P5 1 1 255\n\x10xyz"), DataError, "3 bytes after the last pixel; a file holds one image");
    CHECK_THROWS(parse("P2 2 1 9\n3 12\n"), DataError, "pixel (row 0, column 1) is 12, above maxval 9");
    CHECK_THROWS(parse("P2 2 1 9\n3 x\n"), DataError, "expected the pixel value (a whole number), found 'x'");
    CHECK_THROWS(parse("P2 2 1 9\n3,4\n"), DataError, "expected whitespace before pixel (row 0, column 1), found ','");
    CHECK_THROWS(parse("P2 3 1 9\n1 2   "), DataError, "the file ends after 2 of 3 pixels: truncated file");
    CHECK_THROWS(parse("P2 1 1 9\n1 2\n"), DataError, "2 bytes after the last pixel");
}

// Every proper prefix is rejected — but, for the plain file, the one without its final newline,
// which is a whole file.
TEST_CASE(every_truncation_is_rejected) {
    std::vector<std::uint8_t> px(35);
    for (std::size_t k = 0; k < px.size(); ++k) px[k] = static_cast<std::uint8_t>(37 * k % 251);
    px.back() = 7;   // one digit: cutting into it cannot leave another valid number
    const std::string raw = pgm_p5(7, 5, px.data(), "c"), plain = pgm_p2(7, 5, px.data(), "c");
    for (std::size_t n = 0; n < raw.size(); ++n) CHECK_THROWS(parse(raw.substr(0, n)), DataError, "x.pgm: ");
    for (std::size_t n = 0; n + 1 < plain.size(); ++n) CHECK_THROWS(parse(plain.substr(0, n)), DataError, "x.pgm: ");
    CHECK_EQ(parse(plain.substr(0, plain.size() - 1)).samples.size(), 35u);
}

// Sizes in a header that no file of this size could hold are refused before any allocation.
TEST_CASE(absurd_headers_allocate_nothing) {
    CHECK_THROWS(parse("P5 999999999 999999999 255\n"), DataError, "more than the 16777216 this reader takes");
    CHECK_THROWS(parse("P5 4096 4096 65535\nab"), DataError, "(33554432 bytes), but 2 follow: truncated file");
    CHECK_THROWS(parse("P2 4096 4096 65535\n1 2 3"), DataError, "more numbers than the 6 bytes that follow can hold");
}

// Random damage: a DataError, or an image whose sizes agree and whose samples are ≤ maxval.
TEST_CASE(random_mutations_are_rejected_or_consistent) {
    Rng rng(18);
    std::vector<std::uint8_t> px(24);
    for (std::size_t k = 0; k < px.size(); ++k) px[k] = static_cast<std::uint8_t>(11 * k);
    const std::string files[] = {pgm_p5(6, 4, px.data(), "m"), pgm_p2(6, 4, px.data(), "m"),
                                 std::string("P5 3 2 1000\n") + std::string(12, '\x01')};
    std::size_t rejected = 0, accepted = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        std::string s = files[rng.below(3)];
        switch (rng.below(3)) {
        case 0:
            for (int k = 0; k < 1 + static_cast<int>(rng.below(3)); ++k) s[rng.below(s.size())] = static_cast<char>(rng.below(256));
            break;
        case 1: s.resize(rng.below(s.size())); break;
        default: s.insert(rng.below(s.size()), std::string(1 + rng.below(5), static_cast<char>(rng.below(256))));
        }
        try {
            const Pgm p = parse(s);
            CHECK_EQ(p.samples.size(), p.width * p.height);
            for (const std::uint16_t v : p.samples) CHECK_LE(std::uint32_t{v}, p.maxval);
            ++accepted;
        } catch (const DataError&) {
            ++rejected;
        }
    }
    CHECK_LT(1000u, rejected);
    CHECK_LT(100u, accepted);   // most changed pixels are still pixels
}

TEST_CASE(special_files_are_named_and_not_read) {
    const auto dir = testing::scratch_dir("ch4_pgm_special");
    CHECK_EQ(::mkfifo((dir / "fifo").c_str(), 0600), 0);
    std::filesystem::create_directory(dir / "folder");
    CHECK_THROWS(read_pgm(dir / "fifo"), IoError, "fifo: it is a FIFO (named pipe), not a regular file");
    CHECK_THROWS(read_pgm(dir / "folder"), IoError, "folder: it is a folder, not a regular file");
    CHECK_THROWS(read_pgm(dir / "none.pgm"), FileNotFound, "none.pgm: no such file");
}

// ---------------------------------------------------------------------------------------------
// MNIST's preprocessing

TEST_CASE(the_border_says_which_side_is_ink) {
    const std::vector<std::uint8_t> ink = render_strokes(four(0, 0));
    const Pgm paper = picture(ink, kCanvas, kCanvas, true), dark = picture(ink, kCanvas, kCanvas, false);
    CHECK(light_border(paper));
    CHECK(!light_border(dark));
    // The same digit either way gives the same bytes.
    CHECK(preprocessed(paper).image == preprocessed(dark).image);
}

// The box of the pixels with at least 10 % ink; fainter ones are paper.
TEST_CASE(the_box_bounds_the_ink) {
    InkImage ink{10, 8, 255, std::vector<std::uint16_t>(80, 0)};
    ink.level[2 * 10 + 3] = 255;   // (row 2, column 3)
    ink.level[6 * 10 + 7] = 26;    // 10.2 %: ink
    ink.level[7 * 10 + 9] = 25;    // 9.8 %: paper
    const Box b = ink_box(ink);
    CHECK_EQ(b.x0, 3u);
    CHECK_EQ(b.y0, 2u);
    CHECK_EQ(b.width, 5u);
    CHECK_EQ(b.height, 5u);
    CHECK_EQ(ink_box(InkImage{4, 4, 255, std::vector<std::uint16_t>(16, 20)}).width, 0u);   // no ink
}

TEST_CASE(the_fit_keeps_the_aspect_ratio) {
    CHECK((fit_size(10, 40) == Size{5, 20}));
    CHECK((fit_size(40, 10) == Size{20, 5}));
    CHECK((fit_size(3, 3) == Size{20, 20}));
    CHECK((fit_size(30, 41) == Size{15, 20}));   // 20·30/41 = 14.6
    CHECK((fit_size(1, 250) == Size{1, 20}));    // 0.08: at least one pixel
    CHECK((fit_size(20, 20) == Size{20, 20}));
}

// Area averaging: each output's weights sum to 1, each input gives n_out/n_in in all, so the
// fitted digit holds the box's ink times the ratio of the areas.
TEST_CASE(area_averaging_conserves_the_ink) {
    for (auto [n_in, n_out] : {std::pair{7u, 20u}, std::pair{250u, 20u}, std::pair{20u, 20u}, std::pair{41u, 15u}}) {
        const auto taps = area_weights(n_in, n_out);
        std::vector<double> given(n_in, 0.0);
        for (const auto& t : taps) {
            double sum = 0;
            for (const Tap& tap : t) {
                sum += tap.weight;
                given[tap.index] += tap.weight;
            }
            CHECK_NEAR(sum, 1.0, 1e-12);   // a few roundings of numbers ≤ 1
        }
        for (const double g : given) CHECK_NEAR(g, static_cast<double>(n_out) / n_in, 1e-12);
    }
    const Pgm p = picture(render_strokes(four(0, 0)), kCanvas, kCanvas, false);
    const InkImage ink = ink_of(p, false);
    const Preprocessed out = preprocessed(p);
    double box_ink = 0, fitted_ink = 0;
    for (std::size_t k = 0; k < ink.level.size(); ++k) box_ink += ink_value(ink, k);
    for (const double f : out.fitted) fitted_ink += f;
    const double area_ratio = static_cast<double>(out.box.width * out.box.height) / (out.fit_width * out.fit_height);
    CHECK_REL(fitted_ink * area_ratio, box_ink, 1e-12);
}

// The centre of mass lands within half a pixel of (14, 14) (whole-pixel moves), for digits of
// every shape; the bytes' own centre of mass too, within the rounding to 0 … 255.
TEST_CASE(the_centre_of_mass_lands_at_the_centre) {
    Rng rng(4);
    for (int trial = 0; trial < 50; ++trial) {
        std::vector<Stroke> strokes(1 + rng.below(3));
        for (Stroke& s : strokes)
            for (std::size_t k = 0; k < 2 + rng.below(4); ++k) s.push_back({rng.uniform(20, 260), rng.uniform(20, 260)});
        const Preprocessed p = preprocessed(picture(render_strokes(strokes), kCanvas, kCanvas, true));
        CHECK_LE(std::fabs(p.cx + p.dx - 14), 0.5);
        CHECK_LE(std::fabs(p.cy + p.dy - 14), 0.5);
        CHECK_EQ(std::max(p.fit_width, p.fit_height), kFit);
        double m = 0, sx = 0, sy = 0;
        for (std::size_t k = 0; k < p.image.size(); ++k) {
            m += p.image[k];
            sx += p.image[k] * static_cast<double>(k % kField);
            sy += p.image[k] * static_cast<double>(k / kField);
        }
        CHECK_LE(std::fabs(sx / m - 14), 0.6);   // 0.5, and the rounding of the bytes
        CHECK_LE(std::fabs(sy / m - 14), 0.6);
    }
}

// The point of the preprocessing: where the digit was drawn, and on how large a canvas, does
// not matter — the bytes are the same.
TEST_CASE(a_moved_digit_gives_the_same_bytes) {
    const auto image = preprocessed(picture(render_strokes(four(0, 0)), kCanvas, kCanvas, true)).image;
    CHECK(preprocessed(picture(render_strokes(four(150, 60)), kCanvas, kCanvas, true)).image == image);
    CHECK(preprocessed(picture(render_strokes(four(300, 10), 700, 300), 700, 300, true)).image == image);
    CHECK(!(preprocessed(picture(render_strokes(four(0.5, 0)), kCanvas, kCanvas, true)).image == image));   // not a whole pixel
}

// ---------------------------------------------------------------------------------------------
// draw.html's pen

TEST_CASE(the_pen_draws_a_disc_and_a_band) {
    const std::vector<std::uint8_t> dot = render_strokes({{{140, 140}}});
    double ink = 0;
    for (const std::uint8_t v : dot) ink += v / 255.0;
    // Coverage r + ½ − d integrates to π r² (plus the rounding of each pixel to 1/255).
    CHECK_REL(ink, std::numbers::pi * kPenRadius * kPenRadius, 0.01);
    CHECK_EQ(int{dot[140 * kCanvas + 140]}, 255);
    CHECK_EQ(int{dot[140 * kCanvas + 140 + 13]}, 0);
    // A segment is the same drawn either way, and 2r pixels wide in its middle.
    CHECK(render_strokes({{{50, 100}, {200, 180}}}) == render_strokes({{{200, 180}, {50, 100}}}));
    const std::vector<std::uint8_t> band = render_strokes({{{40, 100}, {240, 100}}});
    int wide = 0;
    for (std::size_t i = 0; i < kCanvas; ++i) wide += band[i * kCanvas + 140] > 0;
    CHECK_EQ(wide, 2 * static_cast<int>(kPenRadius));   // the pixels whose centres lie within r + ½ of the line
}

// The README's example pictures are exactly these strokes, drawn by render_strokes: a centred 7
// (plain PGM, light on dark, as MNIST) and a small 3 in the corner of a page (raw PGM, dark ink
// on white paper). A changed rendering writes the new file beside the test and says so.
TEST_CASE(the_example_pictures_are_their_strokes) {
    const std::vector<Stroke> seven{{{15, 13}, {41, 13}, {36, 24}, {30, 35}, {25, 46}}, {{21, 29}, {37, 29}}};
    const std::vector<Stroke> three{{{131, 22}, {145, 14}, {161, 15}, {170, 26}, {165, 39}, {150, 46}},
                                    {{150, 46}, {166, 53}, {172, 66}, {166, 79}, {150, 85}, {133, 79}}};
    const std::vector<std::uint8_t> seven_ink = render_strokes(seven, 56, 56, 2.5);
    std::vector<std::uint8_t> three_paper = render_strokes(three, 200, 150, 6);
    for (std::uint8_t& v : three_paper) v = static_cast<std::uint8_t>(255 - v);
    const std::pair<const char*, std::string> examples[] = {
        {"seven_centred.pgm", pgm_p2(56, 56, seven_ink.data(), "a 7, centred, light on dark as MNIST (tests/chapter4/test_digits.cpp)")},
        {"three_off_centre.pgm", pgm_p5(200, 150, three_paper.data(), "a small 3 near the corner of a white page (tests/chapter4/test_digits.cpp)")}};
    const auto dir = files::source_dir() / "chapters/chapter4_mnist_softmax/examples";
    const auto fresh = testing::scratch_dir("ch4_examples");
    for (const auto& [name, bytes] : examples) {
        std::string committed;
        try {
            committed = files::read_all(dir / name);
        } catch (const IoError&) {
        }
        if (committed != bytes) {
            files::write_atomic(fresh / name, bytes);
            testing::fail(__FILE__, __LINE__, (dir / name).string() + " is not its strokes' rendering; the rendering is " +
                                                  (fresh / name).string());
        }
    }
}
