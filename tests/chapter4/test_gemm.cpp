// Tests of chapter 4's GEMM (matrix.hpp, and its threaded form in trainer.hpp): the blocked,
// threaded product equals the definition.
//
// Two kinds of check.
// 1. Bit for bit. gemm sums every element in a fixed order (k ascending, in blocks of KC), the
//    same for every register tile, so it must equal gemm_naive — the definition, applied to each
//    block of KC terms in turn — exactly, whatever the tile. Every tile of matrix.hpp's table
//    (5×64, 5×16, 5×8, whichever this build uses) is run here, on shapes that leave edge tiles
//    of every kind (rows, columns, both; K = 1, K < KC, K = KC and K > KC), on inputs with exact
//    zeros of both signs so that the sign of a zero sum is checked too; 1, 2 and 3 threads must
//    give the one-thread result bit for bit.
// 2. Accuracy. The reference is the product of the same float inputs computed in double
//    (gemm_naive<double>), exact to ~1e-16. A float product summed in any order satisfies
//    Higham's bound (Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.1):
//      |fl(C_ij) − C_ij| ≤ γ_n · (|α| Σ_k |op(A)_ik| |op(B)_kj| + |β| |C_ij|),  γ_n = n·u / (1 − n·u),
//    with u = 2⁻²⁴ and n = K + 3 (K products and sums, then α·, β·, +); the naive float loop and
//    the blocked kernel must both meet it.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "chapters/chapter4_mnist_softmax/matrix.hpp"
#include "chapters/chapter4_mnist_softmax/trainer.hpp"
#include "common/random.hpp"
#include "testing.hpp"

using namespace ch4;

namespace {

// A rows×cols view into a matrix that is `pad` columns wider, so the product must respect ld.
struct Padded {
    Matrix<float> storage;
    View<float> v;
    Padded(std::size_t rows, std::size_t cols, std::size_t pad, Rng& rng)
        : storage(rows, cols + pad) {
        for (std::size_t k = 0; k < storage.size(); ++k) storage[k] = static_cast<float>(rng.uniform(-1, 1));
        v = storage.view().columns(0, cols);
    }
};

Matrix<double> to_double(View<const float> A) {
    Matrix<double> D(A.rows, A.cols);
    for (std::size_t i = 0; i < A.rows; ++i)
        for (std::size_t j = 0; j < A.cols; ++j) D(i, j) = A(i, j);
    return D;
}

double gamma(std::size_t n) {
    const double u = std::ldexp(1.0, -24);
    return n * u / (1 - n * u);
}

const char* name(Op op) { return op == Op::N ? "N" : "T"; }

// ---------------------------------------------------------------------------------------------
// Bit for bit.

// The definition applied to each block of KC terms in turn, as gemm sums:
//   C ← α·Σ_{k in block} op(A)_ik op(B)_kj + β_b·C,  β_b = β for the first block, 1 after it.
void naive_in_blocks_of_KC(Op opA, Op opB, float alpha, View<const float> A, View<const float> B,
                           float beta, View<float> C) {
    const std::size_t K = op_cols(opA, A);
    if (K == 0) return gemm_naive<float>(opA, opB, alpha, A, B, beta, C);
    for (std::size_t k0 = 0; k0 < K; k0 += KC) {
        const std::size_t k1 = std::min(K, k0 + KC);
        const View<const float> Ak = opA == Op::N ? A.columns(k0, k1) : A.row_range(k0, k1);
        const View<const float> Bk = opB == Op::N ? B.row_range(k0, k1) : B.columns(k0, k1);
        gemm_naive<float>(opA, opB, alpha, Ak, Bk, k0 == 0 ? beta : 1.0f, C);
    }
}

// Entries uniform in [−1, 1], about one in five an exact zero, half of those −0: products and
// sums that are exactly ±0 then occur, and their signs are compared too.
void fill_with_zeros(Matrix<float>& m, Rng& rng) {
    for (std::size_t k = 0; k < m.size(); ++k)
        m[k] = rng.below(5) == 0 ? (rng.below(2) ? 0.0f : -0.0f) : static_cast<float>(rng.uniform(-1, 1));
}

// How many rows of `got` differ in any bit from `expected`; the first difference is printed.
std::size_t rows_differing(View<const float> got, View<const float> expected, const std::string& what) {
    std::size_t differ = 0;
    for (std::size_t i = 0; i < got.rows; ++i) {
        if (std::memcmp(got.row(i), expected.row(i), got.cols * sizeof(float)) == 0) continue;
        if (differ++ == 0)
            for (std::size_t j = 0; j < got.cols; ++j)
                if (std::memcmp(&got(i, j), &expected(i, j), sizeof(float)) != 0) {
                    std::fprintf(stderr, "  %s: C(%zu,%zu) = %.9g, the definition gives %.9g\n", what.c_str(),
                                 i, j, got(i, j), expected(i, j));
                    break;
                }
    }
    return differ;
}

// The product with an MR×NR tile, against the definition, bit for bit (views with a leading
// dimension; β = 0 with NaN in C, which must not be read).
template <std::size_t MR, std::size_t NR>
void check_tile_bits(std::size_t M, std::size_t N, std::size_t K, Op opA, Op opB, float alpha, float beta,
                     Rng& rng) {
    Matrix<float> A(opA == Op::N ? M : K, (opA == Op::N ? K : M) + 3), B(opB == Op::N ? K : N, (opB == Op::N ? N : K) + 2);
    Matrix<float> expected(M, N + 5);
    fill_with_zeros(A, rng);
    fill_with_zeros(B, rng);
    fill_with_zeros(expected, rng);
    Matrix<float> got = expected;
    if (beta == 0.0f) got.fill(std::numeric_limits<float>::quiet_NaN());
    const View<const float> Av = A.view().columns(0, A.cols() - 3), Bv = B.view().columns(0, B.cols() - 2);
    naive_in_blocks_of_KC(opA, opB, alpha, Av, Bv, beta, expected.view().columns(0, N));
    detail::gemm_blocked<MR, NR, float>(opA, opB, alpha, Av, Bv, beta, got.view().columns(0, N));
    const std::string what = std::to_string(MR) + "x" + std::to_string(NR) + " tile, " + std::to_string(M) + "x" +
                             std::to_string(N) + "x" + std::to_string(K) + " " + name(opA) + name(opB);
    CHECK_EQ(rows_differing(got.view().columns(0, N), expected.view().columns(0, N), what), 0u);
}

// Shapes that leave every kind of edge tile — a partial block of rows, of columns, both — with
// K = 1, K < KC, K = KC, K = KC + 1; then several blocks of k, whole panels read in place, more
// columns than NC, and 001's layer; all four transposes, α, β ∉ {0, 1} and β = 0.
template <std::size_t MR, std::size_t NR>
void check_tile_on_odd_shapes() {
    Rng rng(100 * MR + NR);
    auto both = [&](std::size_t M, std::size_t N, std::size_t K) {
        for (Op opA : {Op::N, Op::T})
            for (Op opB : {Op::N, Op::T}) {
                check_tile_bits<MR, NR>(M, N, K, opA, opB, 0.75f, -1.5f, rng);
                check_tile_bits<MR, NR>(M, N, K, opA, opB, 1.0f, 0.0f, rng);
            }
    };
    for (std::size_t M : {std::size_t{1}, MR - 1, MR + 1, 2 * MR + 3})
        for (std::size_t N : {std::size_t{1}, NR - 1, NR + 1, 2 * NR + 3})
            for (std::size_t K : {std::size_t{1}, std::size_t{7}, KC, KC + 1}) both(M, N, K);
    both(MR + 2, NR + 5, 2 * KC + 3);
    both(2 * MR, 2 * NR, 9);
    both(3, NC + NR + 1, 5);
    both(50, 10, 128);
    both(50, 64, 784);
}

// ---------------------------------------------------------------------------------------------
// The public product, with this build's tiles.

// One case: the naive and the blocked float products meet the bound (the first few failing
// elements are printed), the blocked one equals the definition bit for bit, and 1, 2, 3 threads
// give the one-thread result bit for bit.
void check_case(std::size_t M, std::size_t N, std::size_t K, Op opA, Op opB, float alpha, float beta,
                std::uint64_t seed) {
    Rng rng(seed);
    Padded A(opA == Op::N ? M : K, opA == Op::N ? K : M, 3, rng);
    Padded B(opB == Op::N ? K : N, opB == Op::N ? N : K, 2, rng);
    Padded C0(M, N, 5, rng);   // C's initial value (used when β ≠ 0)

    // The reference in double, and the bound's scale Σ_k |a||b|.
    const auto Ad = to_double(A.v), Bd = to_double(B.v), Cd0 = to_double(C0.v);
    Matrix<double> ref = Cd0, scale(M, N);
    gemm_naive<double>(opA, opB, alpha, Ad.view(), Bd.view(), beta, ref.view());
    for (std::size_t i = 0; i < M; ++i)
        for (std::size_t j = 0; j < N; ++j) {
            double s = 0;
            for (std::size_t k = 0; k < K; ++k)
                s += std::fabs(op_at<double>(opA, Ad.view(), i, k) * op_at<double>(opB, Bd.view(), k, j));
            scale(i, j) = std::fabs(alpha) * s + std::fabs(beta) * std::fabs(Cd0(i, j));
        }

    // β = 0 must not read C: start from NaN then.
    auto fresh_C = [&] {
        Padded C = C0;
        C.v = C.storage.view().columns(0, N);
        if (beta == 0.0f) C.storage.fill(std::numeric_limits<float>::quiet_NaN());
        return C;
    };
    auto count_bad = [&](View<const float> C, const char* what) {
        std::size_t bad = 0;
        for (std::size_t i = 0; i < M; ++i)
            for (std::size_t j = 0; j < N; ++j) {
                const double err = std::fabs(C(i, j) - ref(i, j));
                const double bound = gamma(K + 3) * scale(i, j);
                if (!(err <= bound)) {
                    if (bad++ < 3)
                        std::fprintf(stderr, "  %s %zux%zux%zu %s%s: C(%zu,%zu) = %.9g, exact %.9g, bound %.3g\n",
                                     what, M, N, K, name(opA), name(opB), i, j, C(i, j), ref(i, j), bound);
                }
            }
        return bad;
    };

    Padded naive = fresh_C();
    gemm_naive<float>(opA, opB, alpha, A.v, B.v, beta, naive.v);
    CHECK_EQ(count_bad(naive.v, "naive"), 0u);

    Padded fast = fresh_C();
    gemm<float>(opA, opB, alpha, A.v, B.v, beta, fast.v);
    CHECK_EQ(count_bad(fast.v, "blocked"), 0u);
    Padded definition = fresh_C();
    naive_in_blocks_of_KC(opA, opB, alpha, A.v, B.v, beta, definition.v);
    CHECK_EQ(rows_differing(fast.v, definition.v, "gemm against the definition"), 0u);

    for (std::size_t threads : {1, 2, 3}) {
        ThreadPool pool(threads);
        Padded par = fresh_C();
        gemm<float>(pool, opA, opB, alpha, A.v, B.v, beta, par.v, 0);   // shared, however small
        std::size_t differ = 0;
        for (std::size_t i = 0; i < M; ++i)
            differ += std::memcmp(par.v.row(i), fast.v.row(i), N * sizeof(float)) != 0;
        if (differ)
            std::fprintf(stderr, "  %zu threads, %zux%zux%zu %s%s: %zu rows differ from one thread\n",
                         threads, M, N, K, name(opA), name(opB), differ);
        CHECK_EQ(differ, 0u);
        // The padding columns beside C are never touched.
        for (std::size_t i = 0; i < M; ++i)
            for (std::size_t j = N; j < N + 5; ++j)
                if (!(std::isnan(par.storage(i, j)) || par.storage(i, j) == C0.storage(i, j)))
                    CHECK(!"gemm wrote outside C");
    }
}

// Every combination of transposes, with α, β ∉ {0, 1} and with β = 0.
void check_all_ops(std::size_t M, std::size_t N, std::size_t K) {
    std::uint64_t seed = 1000 * M + 100 * N + K;
    for (Op opA : {Op::N, Op::T})
        for (Op opB : {Op::N, Op::T}) {
            check_case(M, N, K, opA, opB, 0.75f, -1.5f, ++seed);
            check_case(M, N, K, opA, opB, 1.0f, 0.0f, ++seed);
        }
}

}  // namespace

// Every tile of matrix.hpp's table, whichever vector width this build targets (a tile meant for
// wider vectors than the build's is slower here, but sums the same way), and the 6×16 tile that
// the table does not use.
TEST_CASE(tile_5x64_equals_the_definition_bit_for_bit) { check_tile_on_odd_shapes<5, 64>(); }
TEST_CASE(tile_5x16_equals_the_definition_bit_for_bit) { check_tile_on_odd_shapes<5, 16>(); }
TEST_CASE(tile_5x8_equals_the_definition_bit_for_bit) { check_tile_on_odd_shapes<5, 8>(); }
TEST_CASE(tile_6x16_equals_the_definition_bit_for_bit) { check_tile_on_odd_shapes<6, 16>(); }

TEST_CASE(one_by_one_by_one) { check_all_ops(1, 1, 1); }

TEST_CASE(small_awkward_sizes) {
    constexpr std::size_t MR = kWideTile.rows, NR = kWideTile.cols;
    check_all_ops(7, 13, 5);
    check_all_ops(3, 2, 11);
    check_all_ops(MR + 1, NR + 1, 1);                    // one more than a tile, wide …
    check_all_ops(MR + 1, kNarrowTile.cols, 3);          // … and narrow tiles (at most 16 columns)
    check_all_ops(2 * MR - 1, kNarrowTile.cols + 1, 2);
    check_all_ops(MR + 2, 2 * NR, 9);                    // whole panels: op(B) = B is read in place
}

// 001's layer: a batch of 50 images times the 784×128 weights, and its transposed partners
// (eq. 2's Xᵀ·Γ is 784×128 with K = 50).
TEST_CASE(mnist_layer_sizes) {
    check_all_ops(50, 128, 784);
    check_all_ops(784, 128, 50);
    check_all_ops(50, 10, 128);
}

// Sizes not multiples of the blocks: K > KC (several k blocks), M > MC, N > NC.
TEST_CASE(sizes_across_block_boundaries) {
    constexpr std::size_t MR = kWideTile.rows, NR = kWideTile.cols;
    check_all_ops(KC + 1, NR + 7, 2 * KC + 3);
    check_all_ops(3 * NR + MR + 2, 9, 17);
    check_all_ops(4, NC + NR + 1, 7);
}

// K = 0 is an empty sum: C = β·C (and exactly 0 for β = 0, whatever C held).
TEST_CASE(empty_inner_dimension) {
    Matrix<float> A(3, 0), B(0, 4), C(3, 4, std::numeric_limits<float>::quiet_NaN());
    gemm<float>(Op::N, Op::N, 1.0f, A.view(), B.view(), 0.0f, C.view());
    for (std::size_t k = 0; k < C.size(); ++k) CHECK_EQ(C[k], 0.0f);
    Matrix<float> D(3, 4, 2.0f);
    gemm<float>(Op::N, Op::N, 1.0f, A.view(), B.view(), 0.5f, D.view());
    for (std::size_t k = 0; k < D.size(); ++k) CHECK_EQ(D[k], 1.0f);
}

// The double instantiation (used by the finite-difference tests) is the same algorithm.
TEST_CASE(double_blocked_equals_double_naive) {
    Rng rng(7);
    Matrix<double> A(37, 300), B(300, 45), C1(37, 45), C2(37, 45);
    for (std::size_t k = 0; k < A.size(); ++k) A[k] = rng.uniform(-1, 1);
    for (std::size_t k = 0; k < B.size(); ++k) B[k] = rng.uniform(-1, 1);
    gemm<double>(Op::N, Op::N, 1.0, A.view(), B.view(), 0.0, C1.view());
    gemm_naive<double>(Op::N, Op::N, 1.0, A.view(), B.view(), 0.0, C2.view());
    constexpr double kTol = 1e-12;   // 300 terms of size ≤ 1: γ_300 ≈ 3e-14 in double, with margin
    for (std::size_t k = 0; k < C1.size(); ++k) CHECK_NEAR(C1[k], C2[k], kTol);
}
