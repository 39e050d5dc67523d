// Tests of sparse.hpp: the MLP's products with the batch over its nonzero pixels only.
//
// 1. The lists. Every nonzero pixel of every image of the batch appears once, with the value
//    load_batch gives it (byte / 255), pixels ascending in each image and images ascending in
//    each pixel; no zero pixel appears.
// 2. The products, bit for bit. sparse_forward must give dense_forward's Z and sparse_xt_times
//    gemm(Op::T, Op::N, …)'s C, bit for bit, except that an element that is exactly zero may be
//    the other zero (sparse.hpp says why): so every element is compared as a number, and every
//    nonzero one bit for bit; after the ReLU (what the trainer keeps) all of Ah is bit for bit.
//    The shapes leave partial panels of columns (n = 1, 63, 65, 130), blocks of KC pixels with no
//    nonzero pixel at all, blank images, and batches longer than KC (two blocks of the sum over
//    the images); β = 0 with NaN in C, which must not be read.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "chapters/chapter4_mnist_softmax/sparse.hpp"
#include "common/random.hpp"
#include "testing.hpp"

using namespace ch4;

namespace {

// `count` images of D pixels, about 4 in 5 pixels 0 as in MNIST: whole runs of zeros (every
// third image has its pixels [KC, 2·KC) all 0, so that block of the sum has no term), every
// seventh image blank, and the rest of the pixels 0 with probability 3/5 or any byte 1–255.
Dataset mnist_like(std::size_t count, std::size_t D, Rng& rng) {
    Dataset d{count, 1, D, std::vector<std::uint8_t>(count * D), std::vector<std::uint8_t>(count)};
    for (std::size_t n = 0; n < count; ++n) {
        std::uint8_t* image = d.pixels.data() + n * D;
        if (n % 7 == 3) continue;
        for (std::size_t k = 0; k < D; ++k) {
            const bool run_of_zeros = k < D / 5 || (n % 3 == 0 && k >= KC && k < 2 * KC);
            if (!run_of_zeros && rng.below(5) >= 3) image[k] = static_cast<std::uint8_t>(1 + rng.below(255));
        }
    }
    return d;
}

// Uniform in [−1, 1], one in five an exact zero of either sign.
void fill(Matrix<float>& m, Rng& rng) {
    for (std::size_t k = 0; k < m.size(); ++k)
        m[k] = rng.below(5) == 0 ? (rng.below(2) ? 0.0f : -0.0f) : static_cast<float>(rng.uniform(-1, 1));
}

// How many elements of `got` differ from `expected`: as numbers anywhere, or in any bit where
// they are not zero. The first difference is printed.
std::size_t differing(View<const float> got, View<const float> expected, const std::string& what) {
    std::size_t differ = 0;
    for (std::size_t i = 0; i < got.rows; ++i)
        for (std::size_t j = 0; j < got.cols; ++j) {
            const float g = got(i, j), e = expected(i, j);
            const bool same = g == 0.0f && e == 0.0f ? true : std::memcmp(&g, &e, sizeof g) == 0;
            if (!same && differ++ == 0)
                std::fprintf(stderr, "  %s: (%zu,%zu) = %.9g, gemm gives %.9g\n", what.c_str(), i, j, g, e);
        }
    return differ;
}

// The batch of `rows` images from `first` of the data set in the order `order`: listed, and as
// the rows of X (load_batch).
struct Batch {
    ImagePixels in_order;
    BatchPixels pixels;
    Matrix<float> X;
};
Batch batch(const Dataset& d, const std::vector<std::size_t>& order, std::size_t first, std::size_t rows) {
    Batch b{{}, BatchPixels(d.pixels_per_image(), rows * d.pixels_per_image()), Matrix<float>(rows, d.pixels_per_image())};
    const ImagePixels all = list_pixels(d);
    reorder_starts(b.in_order, all, order);
    copy_images(b.in_order, all, order, 0, order.size() / 2);   // in two ranges, as two threads would
    copy_images(b.in_order, all, order, order.size() / 2, order.size());
    gather(b.pixels, b.in_order, first, rows);
    load_batch(b.X.view(), d, order.data() + first);
    return b;
}

}  // namespace

TEST_CASE(every_nonzero_pixel_is_listed_once_in_order) {
    Rng rng(41);
    const std::size_t D = 2 * KC + 9;
    const Dataset d = mnist_like(40, D, rng);
    const std::vector<std::size_t> order = rng.permutation(d.count);
    const Batch b = batch(d, order, 5, 30);
    const BatchPixels& p = b.pixels;
    std::size_t nonzero = 0, listed = 0;
    for (std::size_t k = 0; k < D; ++k) {
        std::vector<Entry> expected;   // pixel k of the batch's images, in order
        for (std::size_t i = 0; i < 30; ++i)
            if (const std::uint8_t byte = d.image(order[5 + i])[k]; byte != 0)
                expected.push_back({static_cast<std::uint32_t>(i), b.X(i, k)});
        nonzero += expected.size();
        const std::size_t count = p.pixel_start[k + 1] - p.pixel_start[k];
        listed += count;
        CHECK_EQ(count, expected.size());
        for (std::size_t e = 0; e < std::min(count, expected.size()); ++e) {
            const Entry& got = p.by_pixel[p.pixel_start[k] + e];
            CHECK_EQ(got.at, expected[e].at);
            CHECK_EQ(got.value, expected[e].value);   // byte / 255, as load_batch
        }
    }
    CHECK_EQ(listed, nonzero);
    CHECK_EQ(b.in_order.start[5 + 30] - b.in_order.start[5], nonzero);
    // … and image by image, pixels ascending, the values of load_batch.
    for (std::size_t i = 0; i < 30; ++i) {
        std::size_t e = b.in_order.start[5 + i];
        for (std::size_t k = 0; k < D; ++k)
            if (b.X(i, k) != 0.0f) {
                CHECK_EQ(b.in_order.entries[e].at, k);
                CHECK_EQ(b.in_order.entries[e].value, b.X(i, k));
                ++e;
            }
        CHECK_EQ(e, b.in_order.start[5 + i + 1]);
    }
    CHECK_LT(nonzero, 30 * D / 2);   // the set is sparse, as MNIST is
}

TEST_CASE(forward_equals_dense_forward_bit_for_bit) {
    Rng rng(42);
    for (std::size_t D : {std::size_t{10}, 2 * KC + 9, std::size_t{784}})
        for (std::size_t n : {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{130}})
            for (std::size_t rows : {std::size_t{1}, std::size_t{21}}) {
                const Dataset d = mnist_like(30, D, rng);
                const std::vector<std::size_t> order = rng.permutation(d.count);
                const Batch b = batch(d, order, 30 - rows, rows);
                Matrix<float> W(D, n), bias(1, n), expected(rows, n), got(rows, n, std::numeric_limits<float>::quiet_NaN());
                fill(W, rng);
                fill(bias, rng);
                dense_forward(expected.view(), b.X.view(), W.view(), bias.data());
                sparse_forward(got.view(), b.pixels, W.view(), bias.data());
                const std::string what = "D " + std::to_string(D) + ", n " + std::to_string(n) + ", B " + std::to_string(rows);
                CHECK_EQ(differing(got.view(), expected.view(), what), 0u);
                Matrix<float> A_expected(rows, n), A_got(rows, n);   // after the ReLU: every bit
                relu_forward(A_expected.view(), expected.view());
                relu_forward(A_got.view(), got.view());
                CHECK(std::memcmp(A_expected.data(), A_got.data(), A_got.size() * sizeof(float)) == 0);
            }
}

TEST_CASE(xt_times_equals_gemm_bit_for_bit) {
    Rng rng(43);
    const std::size_t D = 2 * KC + 9;
    for (std::size_t rows : {std::size_t{1}, std::size_t{50}, KC + 30})   // KC + 30: two blocks of images
        for (std::size_t n : {std::size_t{1}, std::size_t{64}, std::size_t{65}, std::size_t{130}})
            for (const auto& [alpha, beta] : {std::pair{-0.01f, 1.0f}, std::pair{1.0f, 0.0f}, std::pair{0.1f, 0.9f}}) {
                const Dataset d = mnist_like(rows + 3, D, rng);
                const std::vector<std::size_t> order = rng.permutation(d.count);
                const Batch b = batch(d, order, 2, rows);
                Matrix<float> Gamma(rows, n), expected(D, n);
                fill(Gamma, rng);
                fill(expected, rng);
                Matrix<float> got = expected;
                if (beta == 0.0f) got.fill(std::numeric_limits<float>::quiet_NaN());
                gemm(Op::T, Op::N, alpha, b.X.view(), Gamma.view(), beta, expected.view());
                sparse_xt_times(got.view(), b.pixels, Gamma.view(), alpha, beta);
                const std::string what = "B " + std::to_string(rows) + ", n " + std::to_string(n) + ", beta " + std::to_string(beta);
                CHECK_EQ(differing(got.view(), expected.view(), what), 0u);
            }
}
