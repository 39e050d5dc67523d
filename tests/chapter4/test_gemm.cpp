// Tests of chapter 4's GEMM (matrix.hpp, and its threaded form in trainer.hpp): the blocked,
// threaded product equals the definition.
//
// The reference is the product of the same float inputs computed in double (gemm_naive<double>),
// exact to ~1e-16. A float product summed in any order satisfies Higham's bound
// (Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.1):
//   |fl(C_ij) − C_ij| ≤ γ_n · (|α| Σ_k |op(A)_ik| |op(B)_kj| + |β| |C_ij|),  γ_n = n·u / (1 − n·u),
// with u = 2⁻²⁴ and n = K + 3 (K products and sums, then α·, β·, +). Both the naive float loop
// and the blocked kernel must meet it; the threaded product must equal the one-thread product
// bit for bit (every element is summed in the same order).
#include <cmath>
#include <cstring>
#include <limits>
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

// One case: the naive and the blocked float products meet the bound (the first few failing
// elements are printed), and 1, 2, 3 threads give the one-thread result bit for bit.
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

    for (std::size_t threads : {1, 2, 3}) {
        ThreadPool pool(threads);
        Padded par = fresh_C();
        gemm<float>(pool, opA, opB, alpha, A.v, B.v, beta, par.v);
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

TEST_CASE(one_by_one_by_one) { check_all_ops(1, 1, 1); }

TEST_CASE(small_awkward_sizes) {
    check_all_ops(7, 13, 5);
    check_all_ops(3, 2, 11);
    check_all_ops(MR + 1, NR + 1, 1);                 // one more than a tile, wide …
    check_all_ops(MR + 1, NR_NARROW, 3);              // … and narrow tiles (at most 16 columns)
    check_all_ops(2 * MR - 1, NR_NARROW + 1, 2);
    check_all_ops(MR + 2, 2 * NR, 9);                 // whole panels: op(B) = B is read in place
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
