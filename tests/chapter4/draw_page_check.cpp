// The C++ side of the browser test of draw.html (draw_page_test.sh).
//
//   draw_page_check prepare MNIST_DIR FOLDER
//       writes FOLDER/draw_selftest.js — the first 100 test images and a stroke sequence, for
//       draw.html#selftest — and FOLDER/strokes.pgm, the same strokes drawn by digits.hpp's pen
//       (dark on white, as on paper), for `chapter4 --predict`;
//   draw_page_check compare MODEL MNIST_DIR PAGE_DOM PREDICT_OUT
//       reads what the page wrote into <pre id="selftest-output"> (PAGE_DOM: Chromium's --dump-dom) and
//       holds it to the C++ program: for each of the 100 images the same predicted digit and
//       probabilities within 1e-4 of predict.hpp's; for the strokes the same bounding box, fit and
//       shift as digits.hpp, and the same 28×28 bytes as `--predict-out` wrote (PREDICT_OUT).
//
// Tolerance: the page computes in double from the float32 parameters, the program in float32
// with its blocked products; for these networks the probabilities differ by ~1e-7, so 1e-4 can
// only fail through a wrong equation, a wrong parameter or a wrong image, never through rounding.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "chapters/chapter4_mnist_softmax/digits.hpp"
#include "chapters/chapter4_mnist_softmax/draw_page.hpp"
#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/model_file.hpp"
#include "chapters/chapter4_mnist_softmax/pgm.hpp"
#include "chapters/chapter4_mnist_softmax/predict.hpp"
#include "common/files.hpp"

using namespace ch4;
namespace fs = std::filesystem;

namespace {

constexpr std::size_t kImages = 100;
constexpr double kProbabilityTolerance = 1e-4;

// A 5 drawn small and high on the canvas, at fractional coordinates as a pointer gives them.
const std::vector<Stroke> kStrokes = {{{190.5, 30.25}, {140.75, 31.5}, {136.25, 80.5}, {160.5, 72.75}, {185.25, 84.5},
                                       {192.75, 110.25}, {180.5, 135.5}, {155.25, 142.75}, {132.5, 130.25}}};

Dataset test_set(const fs::path& mnist) {
    return read_idx(mnist / "t10k-images-idx3-ubyte", mnist / "t10k-labels-idx1-ubyte");
}

Pgm strokes_picture() {
    const std::vector<std::uint8_t> ink = render_strokes(kStrokes);
    Pgm p{kCanvas, kCanvas, 255, '5', {}};
    for (const std::uint8_t v : ink) p.samples.push_back(static_cast<std::uint16_t>(255 - v));
    return p;
}

int prepare(const fs::path& mnist, const fs::path& folder) {
    const Dataset test = test_set(mnist);
    std::string js = "var SELFTEST = {count: " + std::to_string(kImages) + ",\n  images: \"" +
                     base64(std::string_view(reinterpret_cast<const char*>(test.pixels.data()), kImages * 784)) +
                     "\",\n  strokes: [";
    for (std::size_t s = 0; s < kStrokes.size(); ++s) {
        js += s ? ", [" : "[";
        for (std::size_t k = 0; k < kStrokes[s].size(); ++k)
            js += (k ? ", [" : "[") + table::param(kStrokes[s][k][0]) + ", " + table::param(kStrokes[s][k][1]) + "]";
        js += "]";
    }
    files::write_atomic(folder / "draw_selftest.js", js + "]};\n");
    const Pgm p = strokes_picture();
    std::vector<std::uint8_t> bytes(p.samples.begin(), p.samples.end());
    files::write_atomic(folder / "strokes.pgm", pgm_p5(kCanvas, kCanvas, bytes.data(), "strokes of draw_page_check"));
    return 0;
}

// The lines of <pre id="selftest-output"> in Chromium's dump of the page.
std::vector<std::string> page_lines(const fs::path& dom) {
    const std::string html = files::read_all(dom);
    const std::size_t at = html.find("id=\"selftest-output\"");
    if (at == std::string::npos) return {};
    const std::size_t start = html.find('>', at) + 1, end = html.find("</pre>", start);
    std::vector<std::string> lines;
    std::istringstream in(html.substr(start, end - start));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// The digit and ten probabilities that come next in `in`, against p; the largest |Δp| into `worst`.
bool same_answer(std::istringstream& in, const Prediction& p, double& worst) {
    int digit = -1;
    in >> digit;
    for (std::size_t k = 0; k < kClasses; ++k) {
        double a = NAN;
        in >> a;
        const double d = std::fabs(a - p.a[k]);
        worst = std::isfinite(d) ? std::max(worst, d) : INFINITY;
    }
    return in && digit == p.digit;
}

int compare(const fs::path& model_file, const fs::path& mnist, const fs::path& dom, const fs::path& predict_out) {
    const Network<float> net = load_model(model_file).net;
    const Dataset test = test_set(mnist);
    const std::vector<std::string> lines = page_lines(dom);
    std::size_t agree = 0, images = 0;
    double worst = 0;
    bool strokes_ok = false, done = false;
    Preprocessed c;
    preprocess(ink_of(strokes_picture(), true), c);
    const Pgm seen = read_pgm(predict_out);
    for (const std::string& line : lines) {
        std::istringstream in(line);
        std::string word, what;
        in >> word;
        if (word == "image") {
            std::size_t n = 0;
            in >> n;
            ++images;
            if (n < kImages && same_answer(in, predict(net, test.image(n)), worst)) ++agree;
            else std::fprintf(stderr, "image %zu: the page says '%s'\n", n, line.c_str());
        } else if (word == "strokes") {
            in >> what;
            if (what == "box") {
                long v[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
                std::string fit, shift;   // "strokes box x0 y0 w h fit fw fh shift dx dy"
                in >> v[0] >> v[1] >> v[2] >> v[3] >> fit >> v[4] >> v[5] >> shift >> v[6] >> v[7];
                const long expected[8] = {static_cast<long>(c.box.x0), static_cast<long>(c.box.y0),
                                          static_cast<long>(c.box.width), static_cast<long>(c.box.height),
                                          static_cast<long>(c.fit_width), static_cast<long>(c.fit_height), c.dx, c.dy};
                strokes_ok = std::equal(v, v + 8, expected);
                std::printf("strokes: page's box, fit and shift %s digits.hpp's (%s)\n", strokes_ok ? "equal" : "DIFFER from",
                            line.c_str());
            } else if (what == "image") {
                std::size_t equal = 0;
                for (std::size_t k = 0; k < kField * kField; ++k) {
                    int v = -1;
                    in >> v;
                    equal += v == seen.samples[k] && v == c.image[k];
                }
                std::printf("strokes: %zu of 784 bytes of the page's 28x28 equal --predict-out's\n", equal);
                strokes_ok = strokes_ok && equal == kField * kField;
            } else if (what == "digit") {
                double w = 0;
                const bool same = same_answer(in, predict(net, c.image.data()), w);
                std::printf("strokes: the page says %s digit as --predict, probabilities within %.1e\n",
                            same ? "the same" : "ANOTHER", w);
                strokes_ok = strokes_ok && same && w <= kProbabilityTolerance;
            }
        } else if (word == "selftest") {
            done = line == "selftest done";
        }
    }
    std::printf("images: %zu of %zu predicted digits equal the program's; largest |page - program| "
                "probability difference %.2e (tolerance %.0e)\n", agree, images, worst, kProbabilityTolerance);
    const bool ok = done && images == kImages && agree == kImages && worst <= kProbabilityTolerance && strokes_ok;
    if (!done) std::fprintf(stderr, "the page did not finish its self-test: %s\n", lines.empty() ? "(no output)" : lines.back().c_str());
    return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        const std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "prepare" && argc == 4) return prepare(argv[2], argv[3]);
        if (mode == "compare" && argc == 6) return compare(argv[2], argv[3], argv[4], argv[5]);
        std::fprintf(stderr, "usage: draw_page_check prepare MNIST_DIR FOLDER | compare MODEL MNIST_DIR PAGE_DOM PREDICT_OUT\n");
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "draw_page_check: %s\n", e.what());
        return 1;
    }
}
