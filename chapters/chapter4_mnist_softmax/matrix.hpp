// matrix.hpp — chapter 4's linear algebra: a row-major matrix, views into it, and the one
// heavy operation of the chapter, the matrix product C = α·op(A)·op(B) + β·C (GEMM).
//
// Every product of 001's back-propagation for a batch of samples is a GEMM:
//   forward   Z = X·W           (op = N, N)
//   eq. (1)   Γ·Wᵀ              (N, T)
//   eq. (2)   Xᵀ·Γ              (T, N)
// Two implementations sit side by side and tests hold them equal, bit for bit:
//   gemm_naive  three plain loops, the definition;
//   gemm        the same product, cache-blocked and register-blocked after Goto & van de Geijn,
//               "Anatomy of high-performance matrix multiplication" (ACM TOMS 2008): copy ("pack")
//               a block of op(B) into contiguous panels that stay in cache (unless B already is
//               laid out that way: then it is read in place), then let a small kernel keep an
//               MR×NR tile of C in registers while it runs down the k dimension, reading op(A)
//               in place (our op(A) is at most a few hundred rows: it stays in the level-2
//               cache without packing). The tile is chosen for the vector width the build
//               targets (see Tile).
//               Plain C++: with -O3 -march=native the compiler turns the kernel's inner loops
//               into vector instructions. No fused multiply-add (the build forbids contraction),
//               so the arithmetic is the same with every compiler.
// Each element of C is summed in the same order — k ascending, in blocks of KC: C ← α·(sum of
// the block) + β·C for the first block, C ← α·(sum of the block) + C for each later one — however
// the product is cut into tiles or into blocks of rows or columns, so every tile, every machine
// and every number of threads (trainer.hpp) gives the same bits. For K ≤ KC this is gemm_naive.
//
// Deliberately left out: everything the chapter's equations do not use (inverses, norms, …).
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <vector>

namespace ch4 {

// ---------------------------------------------------------------------------------------------
// Views and the matrix.

// A row-major window into memory: element (i, j) is data[i·ld + j]. ld ≥ cols lets a view show
// a block of columns of a wider matrix.
template <class T>
struct View {
    T* data = nullptr;
    std::size_t rows = 0, cols = 0, ld = 0;

    T& operator()(std::size_t i, std::size_t j) const { return data[i * ld + j]; }
    T* row(std::size_t i) const { return data + i * ld; }
    // Columns [c0, c1) or rows [r0, r1) of this view.
    View columns(std::size_t c0, std::size_t c1) const {
        assert(c0 <= c1 && c1 <= cols);
        return {data + c0, rows, c1 - c0, ld};
    }
    View row_range(std::size_t r0, std::size_t r1) const {
        assert(r0 <= r1 && r1 <= rows);
        return {data + r0 * ld, r1 - r0, cols, ld};
    }
    operator View<const T>() const
        requires(!std::is_const_v<T>)
    {
        return {data, rows, cols, ld};
    }
};

// An input view in a function template: View<T> converts to it, and T is deduced from the
// other arguments (alpha, or the output view).
template <class T>
using In = std::type_identity_t<View<const T>>;

// Storage aligned to a cache line (64 bytes): rows of a multiple of 16 floats then start on a
// line, vector loads do not straddle two lines, and two threads that update neighbouring blocks
// of columns (the trainer's Wh) do not share a line at the boundary.
template <class T>
struct CacheAligned {
    using value_type = T;
    static constexpr std::align_val_t kAlign{64};
    CacheAligned() = default;
    template <class U>
    CacheAligned(const CacheAligned<U>&) {}
    T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlign)); }
    void deallocate(T* p, std::size_t) { ::operator delete(p, kAlign); }
    template <class U>
    bool operator==(const CacheAligned<U>&) const { return true; }
};

template <class T>
class Matrix {
public:
    Matrix() = default;
    Matrix(std::size_t rows, std::size_t cols, T value = T(0))
        : rows_(rows), cols_(cols), data_(rows * cols, value) {}

    std::size_t rows() const { return rows_; }
    std::size_t cols() const { return cols_; }
    std::size_t size() const { return data_.size(); }
    T* data() { return data_.data(); }
    const T* data() const { return data_.data(); }
    T& operator()(std::size_t i, std::size_t j) { return data_[i * cols_ + j]; }
    const T& operator()(std::size_t i, std::size_t j) const { return data_[i * cols_ + j]; }
    T& operator[](std::size_t k) { return data_[k]; }
    const T& operator[](std::size_t k) const { return data_[k]; }

    View<T> view() { return {data_.data(), rows_, cols_, cols_}; }
    View<const T> view() const { return {data_.data(), rows_, cols_, cols_}; }
    void fill(T value) { std::fill(data_.begin(), data_.end(), value); }

private:
    std::size_t rows_ = 0, cols_ = 0;
    std::vector<T, CacheAligned<T>> data_;
};

// ---------------------------------------------------------------------------------------------
// GEMM: C (M×N) = α·op(A)·op(B) + β·C, op(A) M×K, op(B) K×N. As in BLAS, β = 0 means C is not
// read (it may hold anything, even NaN).

enum class Op { N, T };   // use the matrix as it is, or its transpose

// op(A)(i, k) without copying: A(i, k) or A(k, i).
template <class T>
T op_at(Op op, View<const T> A, std::size_t i, std::size_t k) {
    return op == Op::N ? A(i, k) : A(k, i);
}
template <class T>
std::size_t op_rows(Op op, View<const T> A) { return op == Op::N ? A.rows : A.cols; }
template <class T>
std::size_t op_cols(Op op, View<const T> A) { return op == Op::N ? A.cols : A.rows; }

template <class T>
void check_shapes(Op opA, View<const T> A, Op opB, View<const T> B, View<T> C) {
    (void)opA, (void)A, (void)opB, (void)B, (void)C;
    assert(op_rows(opA, A) == C.rows && op_cols(opB, B) == C.cols);
    assert(op_cols(opA, A) == op_rows(opB, B));
}

// The definition: C_ij = α Σ_k op(A)_ik op(B)_kj + β C_ij, k ascending. The sum starts from
// its first term (0 + t would turn a term t = −0 into +0), and β = 0 adds nothing: so each
// element is rounded exactly as in gemm below, which test_gemm checks bit for bit.
template <class T>
void gemm_naive(Op opA, Op opB, T alpha, In<T> A, In<T> B, std::type_identity_t<T> beta,
                View<std::type_identity_t<T>> C) {
    check_shapes(opA, A, opB, B, C);
    const std::size_t K = op_cols(opA, A);
    for (std::size_t i = 0; i < C.rows; ++i)
        for (std::size_t j = 0; j < C.cols; ++j) {
            T sum = K > 0 ? op_at(opA, A, i, 0) * op_at(opB, B, 0, j) : T(0);
            for (std::size_t k = 1; k < K; ++k) sum += op_at(opA, A, i, k) * op_at(opB, B, k, j);
            C(i, j) = beta == T(0) ? alpha * sum : alpha * sum + beta * C(i, j);
        }
}

// Block sizes of the fast GEMM. The kernel keeps an MR×NR tile of C in vector registers and,
// per step of k, loads the NR values of a row of op(B) (NR/L vectors of L lanes) and broadcasts
// the MR values of a column of op(A), one at a time. Without fused multiply-add each product
// needs a register of its own before it is added, so a tile needs MR·NR/L accumulators, NR/L
// vectors of op(B), one broadcast value and one product. The tile is chosen for the vector width
// the build targets (-march):
//   512 bits (AVX-512: 32 registers of 16 floats)  5×64: 20 accumulators, 26 registers in all;
//   256 bits (AVX, AVX2: 16 registers of 8 floats) 5×16: 10 accumulators, 14 registers;
//   128 bits (SSE: 16 registers of 4 floats)       5×8:  10 accumulators, 14 registers.
// The 6×16 tile of the classic AVX2 kernels counts on fused multiply-add (12 accumulators, 2
// vectors of op(B), 1 broadcast: 15 registers); here it needs all 16, and then leaves the
// compiler no register to spare. Built for AVX2 (-march=x86-64-v3) and timed on the Zen 4 of
// the README's Speed section (processor time of one thread, median of five rounds, X·Wh of
// 001's MLP), 6×16 ran at 71 GFLOP/s against 5×16's 87 with GCC 12, and at 40 against 77 with
// Clang 14; 4×16, 7×16 and 3×32 were slower than 5×16 too (3×32 with Clang: 51). A product
// with at most 16 columns (the output layer's 10 classes) uses a 5×16 tile where the wide tile
// is wider, so as not to compute 64 columns for 10. MR = 5 divides the batch of 50 of 001's experiments. A KC×NR panel of packed op(B)
// stays in the level-1 or level-2 cache while the kernel sweeps the rows of op(A); NC bounds
// the packing buffer (KC·NC floats = 1 MB per thread).
// The sums depend on none of MR, NR or NC, only on KC: every machine and every tile computes
// the same bits (test_gemm holds every tile of this table to gemm_naive, bit for bit).
struct Tile {
    std::size_t rows, cols;   // MR, NR
};
#if defined(__AVX512F__)
inline constexpr std::size_t kVectorBits = 512;
#elif defined(__AVX__)
inline constexpr std::size_t kVectorBits = 256;
#else
inline constexpr std::size_t kVectorBits = 128;
#endif
inline constexpr Tile kTile512{5, 64}, kTile256{5, 16}, kTile128{5, 8};
inline constexpr Tile kWideTile = kVectorBits == 512 ? kTile512 : kVectorBits == 256 ? kTile256 : kTile128;
// The tile of products with at most 16 columns: 5×16 if the wide tile is wider, else the wide one.
inline constexpr Tile kNarrowTile = kWideTile.cols > 16 ? Tile{5, 16} : kWideTile;
inline constexpr std::size_t KC = 256, NC = 1024;

// The tile gemm uses for a product with N columns.
constexpr Tile tile_for(std::size_t N) {
    return N <= kNarrowTile.cols ? kNarrowTile : kWideTile;
}

namespace detail {

// Round n up to a multiple of m.
constexpr std::size_t round_up(std::size_t n, std::size_t m) { return (n + m - 1) / m * m; }

// Pack op(B)[k0 : k0+kc, j0 : j0+nc] as ⌈nc/W⌉ panels of width W; panel q holds, for each k,
// the W values op(B)(k0 + k, j0 + q·W + c), c = 0…W−1 (columns past nc are zero).
template <std::size_t W, class T>
void pack_B(Op opB, View<const T> B, std::size_t k0, std::size_t kc, std::size_t j0,
            std::size_t nc, T* out) {
    for (std::size_t q = 0; q < nc; q += W) {
        const std::size_t n = std::min(W, nc - q);
        for (std::size_t k = 0; k < kc; ++k, out += W) {
            for (std::size_t c = 0; c < n; ++c)
                out[c] = opB == Op::N ? B(k0 + k, j0 + q + c) : B(j0 + q + c, k0 + k);
            for (std::size_t c = n; c < W; ++c) out[c] = T(0);
        }
    }
}

// What it takes for GCC and Clang alike to keep the tile in registers. Every loop over the tile
// has a constant trip count, every index into it is a constant once the loops are unrolled
// (a variable one — the edge tiles' stores — would make Clang keep the whole tile in memory, so
// those go through a copy), and both compilers are told to unroll the loops over the tile's rows
// and vectors completely (`#pragma GCC unroll`, which Clang reads too). On the innermost loop,
// over the L lanes of one vector, they need opposite hints. GCC must vectorise it as a loop:
// unrolled first, its L scalar statements are never put back together and the tile stays in
// memory (X·Wh on one core of the Zen 4 of the README's Speed section: 3.5 GFLOP/s instead
// of 90). Clang must unroll it as well: its scalar replacement of aggregates then gives every
// element of the tile a value of its own, and its SLP vectoriser packs them into vector
// registers; vectorised as a loop instead, the tile stays in memory (29 GFLOP/s instead of 92).
#if defined(__clang__)
#define CH4_LANES_LOOP _Pragma("GCC unroll 64")
#else
#define CH4_LANES_LOOP _Pragma("GCC unroll 1")
#endif

// The kernel: one MR×NR tile of C, kept in registers while k runs over the block:
//   tile = Σ_k a_k b_kᵀ,  then  C_tile = α·tile + β·C_tile  (β = 0: C is not read),
// where a_k holds op(A)(i, k) for the tile's MR rows i — read in place, row r at a[r][k·step] —
// and b_k, the NR values at b + k·ldb, is step k of a panel of op(B) (ldb = NR when packed).
// tile[r][v][l] is column v·L + l of row r: vector v of the row, lane l.
// Only the first m ≤ MR rows and n ≤ NR columns are stored (edge tiles; their missing rows repeat
// the last row, so nothing is read out of bounds). Compiled once, not inlined into each caller
// (where GCC may again choose memory).
template <std::size_t MR, std::size_t NR, class T>
[[gnu::noinline]] void kernel(std::size_t kc, const T* const (&a)[MR], std::size_t step, const T* __restrict b,
                              std::size_t ldb, T alpha, T beta, T* c, std::size_t ldc, std::size_t m,
                              std::size_t n) {
    constexpr std::size_t L = std::min(NR, kVectorBits / (8 * sizeof(T))), V = NR / L;
    static_assert(NR % L == 0);
    T tile[MR][V][L];   // the first step sets it (kc ≥ 1): zero-filling it would cost a memset
#pragma GCC unroll 64
    for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 64
        for (std::size_t v = 0; v < V; ++v)
            CH4_LANES_LOOP
            for (std::size_t l = 0; l < L; ++l) tile[r][v][l] = a[r][0] * b[v * L + l];
    for (std::size_t k = 1; k < kc; ++k) {
        const T* bk = b + k * ldb;
#pragma GCC unroll 64
        for (std::size_t r = 0; r < MR; ++r) {
            const T ark = a[r][k * step];
#pragma GCC unroll 64
            for (std::size_t v = 0; v < V; ++v)
                CH4_LANES_LOOP
                for (std::size_t l = 0; l < L; ++l) tile[r][v][l] += ark * bk[v * L + l];
        }
    }
    T out[MR][NR];   // the tile in memory, for the stores of edge tiles (variable m, n)
#pragma GCC unroll 64
    for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 64
        for (std::size_t v = 0; v < V; ++v)
            CH4_LANES_LOOP
            for (std::size_t l = 0; l < L; ++l) out[r][v * L + l] = tile[r][v][l];
    for (std::size_t r = 0; r < m; ++r, c += ldc) {
        if (beta == T(0))
            for (std::size_t j = 0; j < n; ++j) c[j] = alpha * out[r][j];
        else
            for (std::size_t j = 0; j < n; ++j) c[j] = alpha * out[r][j] + beta * c[j];
    }
}

#undef CH4_LANES_LOOP

// The packing buffer for op(B), one per thread, sized once for the largest block (no allocation
// after the first call on each thread), and aligned to a cache line so that no vector load of a
// panel straddles two lines.
template <class T>
T* pack_buffer() {
    thread_local std::vector<T> storage(KC * round_up(NC, kWideTile.cols) + 64 / sizeof(T));
    const auto address = reinterpret_cast<std::uintptr_t>(storage.data());
    return storage.data() + (round_up(address, 64) - address) / sizeof(T);
}

// The blocked product with MR×NR tiles (gemm below chooses them).
template <std::size_t MR, std::size_t NR, class T>
void gemm_blocked(Op opA, Op opB, T alpha, View<const T> A, View<const T> B, T beta, View<T> C) {
    const std::size_t M = C.rows, N = C.cols, K = op_cols(opA, A);
    T* const Bp = pack_buffer<T>();
    // op(A)(i, k) is A(i, k) = A.data[i·ld + k], or A(k, i) = A.data[k·ld + i].
    const std::size_t row_stride = opA == Op::N ? A.ld : 1, k_stride = opA == Op::N ? 1 : A.ld;
    for (std::size_t j0 = 0; j0 < N; j0 += NC) {
        const std::size_t nc = std::min(NC, N - j0);
        for (std::size_t k0 = 0; k0 < K; k0 += KC) {
            const std::size_t kc = std::min(KC, K - k0);
            // A block of op(B) = B whose panels are all full is already laid out as panels, one
            // row of B per step, ld apart: the kernel reads it in place (packing would copy it).
            const bool in_place = opB == Op::N && nc % NR == 0;
            if (!in_place) pack_B<NR>(opB, B, k0, kc, j0, nc, Bp);
            // The first block of k scales C by β; the later ones add to it.
            const T beta_k = k0 == 0 ? beta : T(1);
            for (std::size_t q = 0; q < nc; q += NR) {        // a panel of op(B) stays in cache …
                for (std::size_t i = 0; i < M; i += MR) {   // … while the rows of op(A) stream by
                    const std::size_t m = std::min(MR, M - i);
                    const T* a[MR];
                    for (std::size_t r = 0; r < MR; ++r)
                        a[r] = A.data + (i + std::min(r, m - 1)) * row_stride + k0 * k_stride;
                    const T* b = in_place ? B.row(k0) + j0 + q : Bp + q * kc;
                    kernel<MR, NR>(kc, a, k_stride, b, in_place ? B.ld : NR, alpha, beta_k,
                                   C.row(i) + j0 + q, C.ld, m, std::min(NR, nc - q));
                }
            }
        }
    }
}

}  // namespace detail

// The fast product, on the calling thread. Same contract as gemm_naive.
template <class T>
void gemm(Op opA, Op opB, T alpha, In<T> A, In<T> B, std::type_identity_t<T> beta,
          View<std::type_identity_t<T>> C) {
    check_shapes(opA, A, opB, B, C);
    const std::size_t M = C.rows, N = C.cols, K = op_cols(opA, A);
    if (M == 0 || N == 0) return;
    if (K == 0) {   // an empty sum: C = β·C
        for (std::size_t i = 0; i < M; ++i)
            for (std::size_t j = 0; j < N; ++j) C(i, j) = beta == T(0) ? T(0) : beta * C(i, j);
        return;
    }
    if (N <= kNarrowTile.cols)
        detail::gemm_blocked<kNarrowTile.rows, kNarrowTile.cols, T>(opA, opB, alpha, A, B, beta, C);
    else
        detail::gemm_blocked<kWideTile.rows, kWideTile.cols, T>(opA, opB, alpha, A, B, beta, C);
}

}  // namespace ch4
