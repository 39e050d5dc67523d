// off_centre.hpp — why MNIST's preprocessing matters: a network trained on centred digits, shown
// the same test digits moved off centre, and the same moved digits after the preprocessing
// (digits.hpp) has centred them again.
//
// Each test image is moved by 4, 5 or 6 pixels in one of the eight compass directions (a diagonal
// move of r pixels is round(r/√2) along each axis), drawn with common/random.hpp from the run's
// seed; ink moved out of the 28×28 field is lost. Four accuracies per model: the test set as it
// is, the test set preprocessed (the preprocessing is not quite the identity on MNIST's own
// images: their boxes are re-measured and re-fitted), the moved digits, and the moved digits
// preprocessed.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "chapters/chapter4_mnist_softmax/digits.hpp"
#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "chapters/chapter4_mnist_softmax/trainer.hpp"
#include "common/csv.hpp"
#include "common/random.hpp"
#include "common/summary.hpp"
#include "common/table.hpp"

namespace ch4 {

// The three data sets the study needs besides the test set itself, made once for every model.
struct OffCentreImages {
    Dataset preprocessed, shifted, shifted_preprocessed;
    std::size_t clipped = 0;   // moved images that lost ink at the field's edge
};

struct OffCentreAccuracy {
    std::string model;
    double test = 0, preprocessed = 0, shifted = 0, shifted_preprocessed = 0;
};

// Every image of `d` (28×28) through MNIST's preprocessing; an image without ink stays as it is.
inline Dataset preprocessed_copy(const Dataset& d) {
    Dataset p = d;
    Preprocessed steps;
    for (std::size_t n = 0; n < d.count; ++n)
        if (preprocess(ink_of_bytes(d.image(n), d.cols, d.rows), steps))
            std::copy(steps.image.begin(), steps.image.end(), p.pixels.begin() + static_cast<std::ptrdiff_t>(n * kField * kField));
    return p;
}

// Image n of `d` moved by (dx, dy) into `out`; true if some ink fell outside the field.
inline bool move_image(const Dataset& d, std::size_t n, int dx, int dy, std::uint8_t* out) {
    bool lost = false;
    std::fill(out, out + d.pixels_per_image(), std::uint8_t{0});
    for (std::size_t i = 0; i < d.rows; ++i)
        for (std::size_t j = 0; j < d.cols; ++j) {
            const std::uint8_t v = d.image(n)[i * d.cols + j];
            const long ti = static_cast<long>(i) + dy, tj = static_cast<long>(j) + dx;
            if (ti >= 0 && tj >= 0 && ti < static_cast<long>(d.rows) && tj < static_cast<long>(d.cols))
                out[static_cast<std::size_t>(ti) * d.cols + static_cast<std::size_t>(tj)] = v;
            else lost = lost || v > 0;
        }
    return lost;
}

// The moved test set and both preprocessed sets; the moves drawn from stream 10 of `seed` (the
// models' initial weights and orders use streams 0–3).
inline OffCentreImages off_centre_images(const Dataset& test, std::uint64_t seed) {
    constexpr int kDirections[8][2] = {{1, 0}, {1, 1}, {0, 1}, {-1, 1}, {-1, 0}, {-1, -1}, {0, -1}, {1, -1}};
    Rng rng = Rng::stream(seed, 10);
    OffCentreImages s;
    s.shifted = test;
    for (std::size_t n = 0; n < test.count; ++n) {
        const int* dir = kDirections[rng.below(8)];
        const int r = 4 + static_cast<int>(rng.below(3));
        const int step = dir[0] && dir[1] ? static_cast<int>(std::lround(r / std::sqrt(2.0))) : r;
        s.clipped += move_image(test, n, dir[0] * step, dir[1] * step,
                                s.shifted.pixels.data() + n * test.pixels_per_image());
    }
    s.preprocessed = preprocessed_copy(test);
    s.shifted_preprocessed = preprocessed_copy(s.shifted);
    return s;
}

inline OffCentreAccuracy off_centre_accuracy(ThreadPool& pool, const Network<float>& net, const std::string& model,
                                             const Dataset& test, const OffCentreImages& s) {
    return {model, evaluate(pool, net, test).accuracy, evaluate(pool, net, s.preprocessed).accuracy,
            evaluate(pool, net, s.shifted).accuracy, evaluate(pool, net, s.shifted_preprocessed).accuracy};
}

// off_centre.csv: one row per model, the four accuracies.
inline void write_off_centre_csv(const std::filesystem::path& path, const std::vector<OffCentreAccuracy>& rows) {
    csv::Writer w({"model", "test_acc", "test_preprocessed_acc", "shifted_acc", "shifted_preprocessed_acc"});
    for (const OffCentreAccuracy& r : rows)
        w.row({r.model, csv::num(r.test), csv::num(r.preprocessed), csv::num(r.shifted), csv::num(r.shifted_preprocessed)});
    w.save(path);
}

// The section of summary.md: the table and what it shows.
inline std::string off_centre_markdown(const std::vector<OffCentreAccuracy>& rows, const OffCentreImages& s,
                                       std::size_t count) {
    table::Text t({"model", "test images", "preprocessed", "moved 4–6 pixels", "moved, then preprocessed"});
    for (const OffCentreAccuracy& r : rows)
        t.add({r.model, table::percent(r.test), table::percent(r.preprocessed), table::percent(r.shifted),
               table::percent(r.shifted_preprocessed)});
    return "Test accuracy of the final models on the test images as they are, after MNIST's preprocessing "
           "(ink box scaled to fit 20×20, centre of mass at the centre of 28×28), moved off centre by 4–6 "
           "pixels in one of eight directions, and moved then preprocessed. The networks learned digits "
           "centred as MNIST centres them; the preprocessing puts a moved digit back where they expect it. " +
           std::to_string(s.clipped) + " of the " + std::to_string(count) +
           " moved digits lost some ink at the field's edge (off_centre.csv).\n\n" + t.markdown();
}

// A trained model to study: its name ("mlp" or "logistic") and its parameters.
struct Trained {
    std::string model;
    const Network<float>* net;
};

// The study for each model: off_centre.csv in `out` and the section of summary.md (nothing for
// images other than 28×28, which the preprocessing does not make).
inline std::vector<summary::Section> off_centre_study(const std::filesystem::path& out, const std::vector<Trained>& models,
                                                      const Dataset& test, std::uint64_t seed, ThreadPool& pool) {
    if (models.empty() || test.rows != kField || test.cols != kField) return {};
    const OffCentreImages images = off_centre_images(test, seed);
    std::vector<OffCentreAccuracy> rows;
    for (const Trained& t : models) rows.push_back(off_centre_accuracy(pool, *t.net, t.model, test, images));
    write_off_centre_csv(out / "off_centre.csv", rows);
    return {{"Off-centre digits and MNIST's preprocessing", off_centre_markdown(rows, images, test.count)}};
}

}  // namespace ch4
