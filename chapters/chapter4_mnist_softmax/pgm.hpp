// pgm.hpp — grey-scale images as PGM files (Netpbm's "portable graymap"), the simplest image
// format there is: what `--predict FILE` reads and `--predict-out FILE` writes.
//
// A PGM file is a text header and the pixels:
//   "P2" or "P5", whitespace, width, whitespace, height, whitespace, maxval (1 … 65535),
//   then the width×height samples row after row, 0 = black … maxval = white:
//     P2 ("plain"): decimal numbers separated by whitespace;
//     P5 ("raw"):   after exactly one whitespace character, one byte per sample (maxval < 256)
//                   or two, most significant first (maxval ≥ 256).
// A '#' begins a comment that runs to the end of its line, wherever whitespace may stand in the
// header (and, leniently, between P2 samples). One image per file: after the last sample only
// whitespace may follow.
//
// As the IDX reader, this one trusts nothing: the header's size is checked against the bytes that
// follow before any pixel is allocated, a file is at most kMaxPgmBytes and an image at most
// kMaxPgmPixels, and every problem is one DataError naming the file and the byte offset.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.hpp"
#include "common/files.hpp"

namespace ch4 {

struct Pgm {
    std::size_t width = 0, height = 0;
    std::uint32_t maxval = 255;
    char format = '5';                    // '2' plain, '5' raw
    std::vector<std::uint16_t> samples;   // height × width, row-major, each ≤ maxval
};

// Images of any size up to 16 777 216 pixels (4096×4096); files of at most 128 MiB (a P2 file
// of that many 16-bit samples in decimal would be larger: such an image must be raw, P5).
inline constexpr std::uintmax_t kMaxPgmPixels = std::uintmax_t{1} << 24;
inline constexpr std::uintmax_t kMaxPgmBytes = std::uintmax_t{1} << 27;

namespace detail {

// A cursor over the file's bytes, with the header's grammar.
struct PgmCursor {
    std::string_view b;
    const std::string& source;
    std::size_t pos = 0;

    [[noreturn]] void fail(const std::string& what) const {
        throw DataError(source + ": offset " + std::to_string(pos) + ": " + what);
    }
    static bool space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
    // Skip whitespace and comments; true if any was skipped.
    bool skip_space() {
        const std::size_t start = pos;
        while (pos < b.size()) {
            if (space(b[pos])) ++pos;
            else if (b[pos] == '#') while (pos < b.size() && b[pos] != '\n' && b[pos] != '\r') ++pos;
            else break;
        }
        return pos > start;
    }
    // A decimal number of at most 9 digits (the caller checks its range).
    std::uint32_t number(const char* what) {
        if (pos >= b.size()) fail("the file ends where the " + std::string(what) + " should be: truncated");
        std::uint32_t v = 0;
        std::size_t digits = 0;
        while (pos < b.size() && b[pos] >= '0' && b[pos] <= '9') {
            if (++digits > 9) fail("the " + std::string(what) + " has more than 9 digits");
            v = 10 * v + static_cast<std::uint32_t>(b[pos++] - '0');
        }
        if (digits == 0) fail("expected the " + std::string(what) + " (a whole number), found " + quoted_text(b.substr(pos, 1)));
        return v;
    }
};

inline char pgm_format(PgmCursor& c) {
    const std::string_view m = c.b.substr(0, 2);
    if (m.size() == 2 && m[0] == 'P' && (m[1] == '2' || m[1] == '5')) {
        c.pos = 2;
        return m[1];
    }
    const bool netpbm = m.size() == 2 && m[0] == 'P' && m[1] >= '1' && m[1] <= '7';
    throw DataError(c.source + ": not a PGM image: it begins with " + quoted_text(m) +
                    (netpbm ? ", another Netpbm format (PBM, PPM or PAM); save it as a grey-scale PGM, P2 or P5"
                            : ", not P2 or P5"));
}

// Width, height and maxval, each after whitespace, then (P5) the one whitespace character.
inline void pgm_header(PgmCursor& c, Pgm& img) {
    const char* names[] = {"width", "height", "maxval"};
    std::uint32_t v[3];
    for (int k = 0; k < 3; ++k) {
        if (!c.skip_space()) c.fail(c.pos >= c.b.size() ? "the file ends inside the header: truncated"
                                                        : "expected whitespace before the " + std::string(names[k]));
        v[k] = c.number(names[k]);
    }
    img.width = v[0];
    img.height = v[1];
    img.maxval = v[2];
    if (img.width == 0 || img.height == 0) c.fail("the image is " + std::to_string(v[0]) + "×" + std::to_string(v[1]) + ": no pixels");
    if (img.maxval < 1 || img.maxval > 65535) c.fail("maxval " + std::to_string(v[2]) + " is out of range (1 to 65535)");
    if (std::uintmax_t{v[0]} * v[1] > kMaxPgmPixels)
        c.fail("the image is " + std::to_string(v[0]) + "×" + std::to_string(v[1]) + " pixels, more than the " +
               std::to_string(kMaxPgmPixels) + " this reader takes");
    if (img.format == '5') {
        if (c.pos >= c.b.size() || !PgmCursor::space(c.b[c.pos])) c.fail("expected one whitespace character after maxval, then the pixels");
        ++c.pos;
    }
}

inline std::string pixel_name(std::size_t k, std::size_t width) {
    return "pixel (row " + std::to_string(k / width) + ", column " + std::to_string(k % width) + ")";
}

inline void pgm_raw_samples(PgmCursor& c, Pgm& img) {
    const std::size_t n = img.width * img.height, bytes = img.maxval < 256 ? 1 : 2;
    const std::size_t rest = c.b.size() - c.pos;
    if (rest / bytes < n)
        c.fail("the header promises " + std::to_string(img.width) + "×" + std::to_string(img.height) + " pixels of " +
               std::to_string(bytes) + " byte" + (bytes == 1 ? "" : "s") + " (" + std::to_string(n * bytes) +
               " bytes), but " + std::to_string(rest) + " follow: truncated file");
    img.samples.resize(n);
    for (std::size_t k = 0; k < n; ++k, c.pos += bytes) {
        const auto hi = static_cast<unsigned char>(c.b[c.pos]);
        img.samples[k] = static_cast<std::uint16_t>(bytes == 1 ? hi : hi << 8 | static_cast<unsigned char>(c.b[c.pos + 1]));
        if (img.samples[k] > img.maxval)
            c.fail(pixel_name(k, img.width) + " is " + std::to_string(img.samples[k]) + ", above maxval " + std::to_string(img.maxval));
    }
}

inline void pgm_plain_samples(PgmCursor& c, Pgm& img) {
    const std::size_t n = img.width * img.height;
    // Each sample needs a digit and each but the last a separator: check before allocating.
    if ((c.b.size() - c.pos + 1) / 2 < n)
        c.fail("the header promises " + std::to_string(n) + " pixels, more numbers than the " +
               std::to_string(c.b.size() - c.pos) + " bytes that follow can hold: truncated file");
    img.samples.resize(n);
    for (std::size_t k = 0; k < n; ++k) {
        const bool separated = c.skip_space();
        if (c.pos >= c.b.size())
            c.fail("the file ends after " + std::to_string(k) + " of " + std::to_string(n) + " pixels: truncated file");
        if (!separated) c.fail("expected whitespace before " + pixel_name(k, img.width) + ", found " + quoted_text(c.b.substr(c.pos, 1)));
        const std::uint32_t v = c.number("pixel value");
        if (v > img.maxval) c.fail(pixel_name(k, img.width) + " is " + std::to_string(v) + ", above maxval " + std::to_string(img.maxval));
        img.samples[k] = static_cast<std::uint16_t>(v);
    }
}

}  // namespace detail

// Parse a PGM file's bytes (tests, fuzzing); `source` names it in messages.
inline Pgm parse_pgm(std::string_view bytes, const std::string& source) {
    detail::PgmCursor c{bytes, source};
    Pgm img;
    img.format = detail::pgm_format(c);
    detail::pgm_header(c, img);
    if (img.format == '5') detail::pgm_raw_samples(c, img);
    else detail::pgm_plain_samples(c, img);
    if (img.format == '2') c.skip_space();
    else while (c.pos < bytes.size() && detail::PgmCursor::space(bytes[c.pos])) ++c.pos;
    if (c.pos < bytes.size())
        c.fail(std::to_string(bytes.size() - c.pos) + " bytes after the last pixel; a file holds one image");
    return img;
}

// Read the PGM file at `path` (a regular file of at most kMaxPgmBytes).
inline Pgm read_pgm(const std::filesystem::path& path) {
    return parse_pgm(files::read_all(path, kMaxPgmBytes), path.string());
}

// A raw PGM (P5, maxval 255) of width×height bytes, with a comment line after the magic.
inline std::string pgm_p5(std::size_t width, std::size_t height, const std::uint8_t* pixels, const std::string& comment) {
    std::string s = "P5\n# " + comment + "\n" + std::to_string(width) + " " + std::to_string(height) + "\n255\n";
    s.append(reinterpret_cast<const char*>(pixels), width * height);
    return s;
}

// A plain PGM (P2, maxval 255), one image row per line: readable in any text editor.
inline std::string pgm_p2(std::size_t width, std::size_t height, const std::uint8_t* pixels, const std::string& comment) {
    std::string s = "P2\n# " + comment + "\n" + std::to_string(width) + " " + std::to_string(height) + "\n255\n";
    for (std::size_t i = 0; i < height; ++i) {
        for (std::size_t j = 0; j < width; ++j) s += (j ? " " : "") + std::to_string(pixels[i * width + j]);
        s += "\n";
    }
    return s;
}

}  // namespace ch4
