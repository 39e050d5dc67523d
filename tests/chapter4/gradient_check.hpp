// The finite-difference check shared by chapter 4's gradient tests (test_network,
// test_bias_penalty): an analytic gradient against central differences in double precision.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

#include "chapters/chapter4_mnist_softmax/matrix.hpp"
#include "common/finite_difference.hpp"
#include "testing.hpp"

namespace ch4::gradient_test {

// Central differences in double agree with a correct gradient to ~1e-9 (finite_difference.hpp:
// truncation h² times the third derivative, rounding ε|C|/h); 1e-6 leaves room for the larger
// curvature of saturated points and still fails any wrong term, which is off by O(1) relative.
constexpr double kFdTol = 1e-6;

// Components whose true value is ~0 (a saturated softmax output, a dead unit) are judged against
// the gradient's scale instead of their own size: the relative error's denominator is at least
// 1e-3 of the largest component, so such a component may be off by 1e-9 of that scale. The
// rounding noise of a difference quotient is ε·|f|/h ≈ 1e-10 here (f ~ 5 summed from dozens
// of exp and log, h ≈ 1.5e-4 at z = 25); a wrong formula is off by far more.
constexpr double kFloorFraction = 1e-3;

inline fd::Vector flat(const Matrix<double>& m) { return fd::Vector(m.data(), m.data() + m.size()); }

// Check `analytic` against the central-difference gradient of f with respect to the entries of
// `param` (f reads `param`, which is left as it was); prints the worst mismatches on failure.
inline void check_gradient(const char* what, Matrix<double>& param, const std::function<double()>& f,
                           const Matrix<double>& analytic) {
    const fd::Vector x0 = flat(param);
    const fd::Vector numeric = fd::gradient(
        [&](const fd::Vector& x) {
            std::copy(x.begin(), x.end(), param.data());
            return f();
        },
        x0);
    std::copy(x0.begin(), x0.end(), param.data());
    const fd::Vector a = flat(analytic);
    double scale = 0;
    for (double v : a) scale = std::max(scale, std::fabs(v));
    const fd::Report r = fd::compare(a, numeric, kFloorFraction * scale);
    if (!r.passes(kFdTol))
        std::fprintf(stderr, "%s:\n%s", what,
                     fd::mismatches(a, numeric, kFdTol, 5, kFloorFraction * scale).c_str());
    CHECK(r.passes(kFdTol));
}

}  // namespace ch4::gradient_test
