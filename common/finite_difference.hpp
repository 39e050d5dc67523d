// finite_difference.hpp — the independent reference every analytic gradient is checked against.
//
// Central differences:  ∂f/∂x_i ≈ (f(x + h e_i) − f(x − h e_i)) / (2h),  h = ∛ε · max(1, |x_i|).
// The truncation error is O(h²) and the rounding error O(ε|f|/h); the cube root of machine
// epsilon (≈ 6e-6) balances the two, so a correct gradient typically agrees to 1e-9 or better.
//
// compare() reports the worst component, with relative error |a − n| / max(|a|, |n|, floor),
// and the norm-wise error ‖a − n‖ / max(‖a‖, ‖n‖). The floor keeps components that are zero up
// to rounding (a dead ReLU, a saturated sigmoid) from dividing noise by noise: by default it is
// 1e-7 of the largest component, i.e. such components are judged against the gradient's scale.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace fd {

using Vector = std::vector<double>;

// The default step for component value x: ∛ε · max(1, |x|).
inline double step(double x) {
    return std::cbrt(std::numeric_limits<double>::epsilon()) * std::max(1.0, std::fabs(x));
}

// Central-difference gradient of f at x.
inline Vector gradient(const std::function<double(const Vector&)>& f, Vector x) {
    Vector g(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double xi = x[i];
        const double h = step(xi);
        x[i] = xi + h;
        const double f_plus = f(x);
        x[i] = xi - h;
        const double f_minus = f(x);
        x[i] = xi;
        // Divide by the step actually taken: (xi + h) − (xi − h) is not always exactly 2h.
        g[i] = (f_plus - f_minus) / ((xi + h) - (xi - h));
    }
    return g;
}

struct Report {
    double max_rel_error = 0;   // worst component: |a − n| / max(|a|, |n|, floor)
    std::size_t worst = 0;      // its index
    double analytic = 0, numeric = 0;   // the two values there
    double norm_rel_error = 0;  // ‖a − n‖₂ / max(‖a‖₂, ‖n‖₂)
    std::size_t size = 0;

    bool passes(double tol) const { return max_rel_error <= tol && norm_rel_error <= tol; }
};

// The floor of the relative error: `floor` if ≥ 0, else 1e-7 · max(‖a‖∞, ‖n‖∞).
inline double error_floor(const Vector& analytic, const Vector& numeric, double floor) {
    if (floor < 0) {
        double scale = 0;
        for (std::size_t i = 0; i < analytic.size() && i < numeric.size(); ++i)
            scale = std::max({scale, std::fabs(analytic[i]), std::fabs(numeric[i])});
        floor = 1e-7 * scale;
    }
    return std::max(floor, std::numeric_limits<double>::min());
}

// |a − n| / max(|a|, |n|, floor); a non-finite value on either side is an infinite error,
// never a silent pass.
inline double relative_error(double a, double n, double floor) {
    if (!std::isfinite(a) || !std::isfinite(n)) return std::numeric_limits<double>::infinity();
    return std::fabs(a - n) / std::max({std::fabs(a), std::fabs(n), floor});
}

// Compare an analytic gradient with a numerical one (floor < 0: the default floor).
inline Report compare(const Vector& analytic, const Vector& numeric, double floor = -1) {
    Report r;
    r.size = analytic.size();
    if (analytic.size() != numeric.size()) {
        r.max_rel_error = r.norm_rel_error = std::numeric_limits<double>::infinity();
        return r;
    }
    floor = error_floor(analytic, numeric, floor);
    double diff2 = 0, a2 = 0, n2 = 0;
    for (std::size_t i = 0; i < analytic.size(); ++i) {
        const double a = analytic[i], n = numeric[i];
        const double rel = relative_error(a, n, floor);
        if (rel > r.max_rel_error || i == 0) {
            r.max_rel_error = rel;
            r.worst = i;
            r.analytic = a;
            r.numeric = n;
        }
        diff2 += (a - n) * (a - n);
        a2 += a * a;
        n2 += n * n;
    }
    const double denom = std::sqrt(std::max(a2, n2));
    r.norm_rel_error = denom > 0 ? std::sqrt(diff2) / denom : std::sqrt(diff2);
    if (!std::isfinite(r.max_rel_error)) r.norm_rel_error = r.max_rel_error;
    return r;
}

// One line: "worst rel. error 3.1e-10 at [4] (analytic 0.1234, numeric 0.1234), norm-wise 1.2e-10".
inline std::string describe(const Report& r) {
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "worst rel. error %.2e at [%zu] (analytic %.10g, numeric %.10g), norm-wise %.2e",
                  r.max_rel_error, r.worst, r.analytic, r.numeric, r.norm_rel_error);
    return buf;
}

// The first `count` components whose relative error exceeds tol, one per line, then the
// summary line: what a failing test prints.
inline std::string mismatches(const Vector& analytic, const Vector& numeric, double tol,
                              std::size_t count = 5, double floor = -1) {
    const double fl = error_floor(analytic, numeric, floor);
    std::string out;
    std::size_t shown = 0;
    for (std::size_t i = 0; i < analytic.size() && i < numeric.size() && shown < count; ++i) {
        const double rel = relative_error(analytic[i], numeric[i], fl);
        if (!(rel <= tol)) {
            char buf[160];
            std::snprintf(buf, sizeof buf, "  [%zu] analytic %.12g numeric %.12g rel %.2e\n", i,
                          analytic[i], numeric[i], rel);
            out += buf;
            ++shown;
        }
    }
    return out + "  " + describe(compare(analytic, numeric, floor)) + "\n";
}

}  // namespace fd
