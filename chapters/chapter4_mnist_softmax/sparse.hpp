// sparse.hpp — the MLP's two products with the batch of images, with the zero pixels skipped.
//
// About four pixels in five of an MNIST image are 0: the white around the digit. In the two
// products of the hidden layer with the batch X (B×D), 001 §Backpropagation,
//   forward   Zh = X·Wh            Zh_ij = Σ_k x_ik w_kj   (z = W a + b, for a batch)
//   eq. (2)   ∇Wh = Xᵀ·Γh          ∇_kj  = Σ_i x_ik γ_ij   (∂C/∂w = γ a, summed over the batch)
// a term with x = 0 is a zero, and adding a zero to a sum leaves it as it was. So the trainer
// lists the nonzero pixels of every image once (ImagePixels), copies the lists into each epoch's
// order, lists each batch's pixels again pixel by pixel (BatchPixels, `gather`), and sums over
// those alone: for MNIST a fifth of the multiply-adds of the dense products. 001's equations do
// not change; only terms that are zero are not added.
//
// The same numbers, bit for bit. Each sum below runs over k (or i) ascending in blocks of KC,
// as gemm's do (matrix.hpp), and each block's sum starts from +0, then adds the nonzero terms in
// order. gemm adds the zero terms as well. Adding ±0 to a sum s ≠ 0 gives s exactly, and adding a
// term t ≠ 0 to ±0 gives t: so the two sums are equal whenever they are not zero, and when they
// are zero they differ at most in the sign of that zero. That sign never reaches a result here:
// R(z) and R'(z) are the same for +0 and −0 (network.hpp), so Ah and Γh are bit for bit gemm's;
// and a weight w − η·(±0) or a velocity ω·v + η·(±0) (v starts at +0) is the same number either
// way unless w itself is exactly 0. test_sparse holds these products to gemm's on images with
// MNIST's share of zeros, and test_network the trainer's weights to the reference step's, which
// uses gemm only, bit for bit.
//
// Like gemm's kernel, each product keeps kPanel columns of a row of its result in registers while
// it runs down a list: for Zh a row of X (an image's pixels, each reading a row of Wh), for ∇Wh
// a column of X (a pixel's images, each reading a row of Γh). Plain loops, vectorised by the
// compiler, no fused multiply-add. Each term reads a row of Wh or Γh from memory, where gemm's
// tiles reuse every value they load, so a term costs more than in gemm: the trainer uses these
// products only where at most a third of the pixels are nonzero (trainer.hpp, choose_products).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/matrix.hpp"

namespace ch4 {

// One nonzero x: where it is (its pixel k, or its image i) and its value.
struct Entry {
    std::uint32_t at;
    float value;
};

// The nonzero pixels of a set of images, image by image, each scaled by 1/255 exactly as
// load_batch scales it. Entries of image n: [start[n], start[n + 1]), pixels ascending.
struct ImagePixels {
    std::size_t pixels = 0;           // D, the pixels of an image
    std::vector<std::size_t> start;   // N + 1
    std::vector<Entry> entries;
};

// x = byte / 255 for each byte value, as load_batch computes it.
inline const std::array<float, 256>& pixel_values() {
    static const std::array<float, 256> table = [] {
        std::array<float, 256> t{};
        for (std::size_t b = 0; b < t.size(); ++b) t[b] = static_cast<float>(b) / 255.0f;
        return t;
    }();
    return table;
}

// The lists of all the images of a data set (a Trainer makes them once per data set).
inline ImagePixels list_pixels(const Dataset& data) {
    const std::size_t N = data.count, D = data.pixels_per_image();
    ImagePixels p{D, std::vector<std::size_t>(N + 1), {}};
    for (std::size_t n = 0; n < N; ++n)
        p.start[n + 1] = p.start[n] + D - static_cast<std::size_t>(std::count(data.image(n), data.image(n) + D, 0));
    p.entries.resize(p.start[N]);
    const std::array<float, 256>& value = pixel_values();
    for (std::size_t n = 0; n < N; ++n) {
        const std::uint8_t* image = data.image(n);
        Entry* e = p.entries.data() + p.start[n];
        for (std::size_t k = 0; k < D; ++k)
            if (image[k] != 0) *e++ = {static_cast<std::uint32_t>(k), value[image[k]]};
    }
    return p;
}

// The images of `from` in the order `order` (a permutation), in two parts, so that threads can
// share the copying: reorder_starts lays out `to`; then copy_images copies images [n0, n1) of
// the new order, for any cutting of [0, N) into ranges.
inline void reorder_starts(ImagePixels& to, const ImagePixels& from, const std::vector<std::size_t>& order) {
    to.pixels = from.pixels;
    to.start.resize(order.size() + 1);
    to.entries.resize(from.entries.size());
    for (std::size_t n = 0; n < order.size(); ++n)
        to.start[n + 1] = to.start[n] + from.start[order[n] + 1] - from.start[order[n]];
}
inline void copy_images(ImagePixels& to, const ImagePixels& from, const std::vector<std::size_t>& order,
                        std::size_t n0, std::size_t n1) {
    for (std::size_t n = n0; n < n1; ++n)
        std::copy(from.entries.begin() + static_cast<std::ptrdiff_t>(from.start[order[n]]),
                  from.entries.begin() + static_cast<std::ptrdiff_t>(from.start[order[n] + 1]),
                  to.entries.begin() + static_cast<std::ptrdiff_t>(to.start[n]));
}

// One batch of B consecutive images of an ImagePixels (the trainer's copy in the epoch's order),
// and its nonzero pixels listed again pixel by pixel: entries of pixel k are
// [pixel_start[k], pixel_start[k + 1]) of by_pixel, their `at` the image i in the batch, ascending.
struct BatchPixels {
    const ImagePixels* images = nullptr;
    std::size_t first = 0, rows = 0;          // images first … first + B − 1
    std::vector<std::uint32_t> pixel_start;   // D + 2 (one more, for gather's counting)
    std::vector<Entry> by_pixel;

    BatchPixels() = default;
    // Room for batches of D pixels with at most `max_entries` nonzero pixels in all: allocated
    // here, so that listing a batch (inside the trainer's jobs, which must not throw) never
    // allocates.
    BatchPixels(std::size_t D, std::size_t max_entries) : pixel_start(D + 2), by_pixel(max_entries) {}
};

// The batch of `rows` images from `first`, listed pixel by pixel by counting: pixel_start[k + 2]
// counts pixel k's entries, the running sums turn the counts into starts, and each entry goes to
// the next free place of its pixel (pixel_start[k + 1] moves up to its final value as it does).
// by_pixel must have room for them (the trainer makes it for the fullest batch of each epoch).
inline void gather(BatchPixels& b, const ImagePixels& images, std::size_t first, std::size_t rows) {
    b.images = &images, b.first = first, b.rows = rows;
    const std::size_t D = images.pixels;
    const Entry* begin = images.entries.data() + images.start[first];
    const Entry* end = images.entries.data() + images.start[first + rows];
    std::uint32_t* start = b.pixel_start.data();
    std::fill(start, start + D + 2, 0u);
    for (const Entry* e = begin; e < end; ++e) ++start[e->at + 2];
    for (std::size_t k = 2; k < D + 2; ++k) start[k] += start[k - 1];
    for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t e = images.start[first + i]; e < images.start[first + i + 1]; ++e)
            b.by_pixel[start[images.entries[e].at + 1]++] = {static_cast<std::uint32_t>(i), images.entries[e].value};
}

namespace detail {

// The columns a product keeps in registers at once: 64 floats are 4 registers of 512 bits or
// 8 of 256 (16 of 128 bits would be all of SSE's registers: 32 there).
inline constexpr std::size_t kPanel = kVectorBits == 128 ? 32 : 64;

// Where the compilers need opposite hints to keep a row in registers (matrix.hpp, the kernel).
#if defined(__clang__)
#define CH4_LANES_LOOP _Pragma("GCC unroll 64")
#else
#define CH4_LANES_LOOP _Pragma("GCC unroll 1")
#endif

// Columns [j, j + NR) of one row c of a product over a list of entries [e, end):
//   c ← α·Σ_e x_e·M(at_e, j…) + β·c   (β = 0: c is not read),
// the sum kept in registers, from +0, over the entries in order.
template <std::size_t NR>
[[gnu::noinline]] void sum_panel(const Entry* e, const Entry* end, In<float> M, std::size_t j, float alpha,
                                 float beta, float* c) {
    constexpr std::size_t L = std::min(NR, kVectorBits / 32), V = NR / L;
    float acc[V][L];
#pragma GCC unroll 64
    for (std::size_t v = 0; v < V; ++v)
        CH4_LANES_LOOP
        for (std::size_t l = 0; l < L; ++l) acc[v][l] = 0.0f;
    for (; e < end; ++e) {
        const float x = e->value;
        const float* m = M.row(e->at) + j;
#pragma GCC unroll 64
        for (std::size_t v = 0; v < V; ++v)
            CH4_LANES_LOOP
            for (std::size_t l = 0; l < L; ++l) acc[v][l] += x * m[v * L + l];
    }
    float out[NR];   // the sum in memory for the stores (as the kernel's edge tiles, matrix.hpp)
#pragma GCC unroll 64
    for (std::size_t v = 0; v < V; ++v)
        CH4_LANES_LOOP
        for (std::size_t l = 0; l < L; ++l) out[v * L + l] = acc[v][l];
    for (std::size_t k = 0; k < NR; ++k) c[k] = beta == 0.0f ? alpha * out[k] : alpha * out[k] + beta * c[k];
}
#undef CH4_LANES_LOOP

// One row c (n columns) of α·(a matrix whose row is listed in [e, last), `at` ascending, of
// `extent` columns)·M + β·c, summed as gemm sums: in blocks of KC, c = α·(first block's sum) + β·c,
// then c = α·(block's sum) + c for each later block (every block, empty or not).
inline void row_of_product(const Entry* e, const Entry* last, std::size_t extent, In<float> M, float alpha,
                           float beta, float* c, std::size_t n) {
    for (std::size_t k0 = 0; k0 < std::max<std::size_t>(extent, 1); k0 += KC) {
        const Entry* end = e;
        while (end < last && end->at < k0 + KC) ++end;
        const float beta_k = k0 == 0 ? beta : 1.0f;
        std::size_t j = 0;
        for (; j + kPanel <= n; j += kPanel) sum_panel<kPanel>(e, end, M, j, alpha, beta_k, c + j);
        for (; j < n; ++j) {   // the last columns, fewer than a panel
            float sum = 0.0f;
            for (const Entry* f = e; f < end; ++f) sum += f->value * M(f->at, j);
            c[j] = beta_k == 0.0f ? alpha * sum : alpha * sum + beta_k * c[j];
        }
        e = end;
    }
}

}  // namespace detail

// Z (B×n) = X·W + 1·bᵀ for the batch listed in x (X: B×D), W: D×n, b may be null: each row of
// Z over its image's list (1·s + 1·z is s + z, as gemm's later blocks add them).
inline void sparse_forward(View<float> Z, const BatchPixels& x, In<float> W, const float* b) {
    const ImagePixels& images = *x.images;
    const Entry* entries = images.entries.data();
    for (std::size_t i = 0; i < x.rows; ++i) {
        float* z = Z.row(i);
        detail::row_of_product(entries + images.start[x.first + i], entries + images.start[x.first + i + 1],
                               images.pixels, W, 1.0f, 0.0f, z, Z.cols);
        if (b)
            for (std::size_t j = 0; j < Z.cols; ++j) z[j] += b[j];
    }
}

// C (D×n) = α·Xᵀ·Γ + β·C for the batch listed in x, Γ: B×n — gemm(Op::T, Op::N, α, X, Γ, β, C)
// with the zero pixels skipped: each row of C over its pixel's list.
inline void sparse_xt_times(View<float> C, const BatchPixels& x, In<float> Gamma, float alpha, float beta) {
    const Entry* by_pixel = x.by_pixel.data();
    for (std::size_t k = 0; k < x.images->pixels; ++k)
        detail::row_of_product(by_pixel + x.pixel_start[k], by_pixel + x.pixel_start[k + 1], x.rows, Gamma, alpha,
                               beta, C.row(k), C.cols);
}

}  // namespace ch4
