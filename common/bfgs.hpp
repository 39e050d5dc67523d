// bfgs.hpp — the BFGS quasi-Newton method on the inverse Hessian, as 000 §1 describes it.
//
//   B⁻¹₀ = I;  for k = 0, 1, …:
//     p = −B⁻¹ ∇f(x)                                  search direction
//     α from a line search (line_search.hpp)          step length
//     x ← x + α p;  s = Δx,  y = Δ∇f,  ρ = 1 / (yᵀs)
//     B⁻¹ ← (I − ρ s yᵀ) B⁻¹ (I − ρ y sᵀ) + ρ s sᵀ    (Nocedal & Wright eq. 6.17)
//
// The optimiser takes the objective as a callable giving f and ∇f, updates a copy of x and
// always says why it stopped. What 000 §1's code does not handle is handled and recorded:
//   - a direction that is not a descent direction (∇fᵀp ≥ 0): B⁻¹ is reset to I (p = −∇f);
//   - yᵀs ≤ 1e-12·‖y‖‖s‖ (no usable curvature): the update is skipped, B⁻¹ kept;
//   - a line search that fails (trial limit, largest step, collapsed bracket): stop, with the
//     line search's reason;
//   - a non-finite f or ∇f, at the start or at a step the line search could not avoid: stop at
//     once, "diverged at iteration k". Every row of the history after the start holds finite
//     values; only row 0 can hold the non-finite f of a start that diverged at iteration 0.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "common/line_search.hpp"

namespace optim {

// A dense n×n matrix, row-major: the inverse-Hessian approximation.
using SquareMatrix = std::vector<double>;

inline SquareMatrix identity(std::size_t n) {
    SquareMatrix m(n * n, 0.0);
    for (std::size_t i = 0; i < n; ++i) m[i * n + i] = 1.0;
    return m;
}

// p = −H g
inline Vector descent_direction(const SquareMatrix& H, const Vector& g) {
    const std::size_t n = g.size();
    Vector p(n, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        double s = 0;
        for (std::size_t j = 0; j < n; ++j) s += H[i * n + j] * g[j];
        p[i] = -s;
    }
    return p;
}

// The BFGS update H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1/(yᵀs), in O(n²):
// multiplying out (H symmetric, Hy = H y),
//   H ← H − ρ (s (Hy)ᵀ + (Hy) sᵀ) + (ρ² yᵀHy + ρ) s sᵀ.
// The test holds this equal to the product form. Returns false (and leaves H unchanged) when
// yᵀs ≤ 1e-12·‖y‖‖s‖: then there is no curvature information to use.
inline bool bfgs_update(SquareMatrix& H, const Vector& s, const Vector& y) {
    const std::size_t n = s.size();
    const double ys = dot(y, s);
    if (!(ys > 1e-12 * std::sqrt(dot(y, y) * dot(s, s)))) return false;
    const double rho = 1.0 / ys;
    Vector Hy(n, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j) Hy[i] += H[i * n + j] * y[j];
    const double yHy = dot(y, Hy);
    const double c = rho * rho * yHy + rho;
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
            H[i * n + j] += -rho * (s[i] * Hy[j] + Hy[i] * s[j]) + c * s[i] * s[j];
    return true;
}

enum class StopReason { converged, max_iterations, line_search_failed, diverged };

inline const char* describe(StopReason r) {
    switch (r) {
        case StopReason::converged: return "converged (gradient below tolerance)";
        case StopReason::max_iterations: return "reached the iteration limit";
        case StopReason::line_search_failed: return "line search failed";
        case StopReason::diverged: return "diverged";
    }
    return "?";
}

// One row of the convergence history. Row 0 is the start (alpha = 0, trials = 0).
struct Iteration {
    int iteration = 0;
    double f = 0;
    double grad_norm = 0;    // ‖∇f‖₂
    double alpha = 0;        // the accepted step length
    int trials = 0;          // evaluations the line search needed
    bool reset = false;      // B⁻¹ was reset to I because p was not a descent direction
    bool skipped = false;    // the update was skipped because yᵀs was not positive enough
};

struct BfgsOptions {
    int max_iterations = 100;
    double gtol = 1e-8;            // stop when ‖∇f‖∞ ≤ gtol; 0 runs all iterations (as 000 §1 does)
    LineSearch line_search;        // empty: strong Wolfe with LineSearchOptions' defaults
    SquareMatrix inverse_hessian0; // empty: the identity, as 000 §1
    bool keep_path = false;        // keep x of every iteration in BfgsResult::path (e.g. to
                                   // evaluate a test loss along the way)
    // Called after every accepted step with s, y and the updated B⁻¹ (for tests and teaching).
    std::function<void(const Vector& s, const Vector& y, const SquareMatrix& H)> on_update;
};

struct BfgsResult {
    Vector x;                        // the last accepted point
    double f = 0;
    Vector grad;
    StopReason stop = StopReason::max_iterations;
    std::string reason;              // human-readable, with the iteration and the line search's
                                     // own reason ("diverged at iteration 3: …")
    std::vector<Iteration> history;  // rows 0 … iterations
    std::vector<Vector> path;        // x at rows 0 … iterations, if options.keep_path
    SquareMatrix inverse_hessian;    // the final B⁻¹
    int evaluations = 0;             // of f and ∇f, all line searches included (failed ones too)
    int resets = 0, skipped_updates = 0;

    bool success() const { return stop == StopReason::converged; }
    int iterations() const { return static_cast<int>(history.size()) - 1; }
};

inline double max_abs(const Vector& v) {
    double m = 0;
    for (double x : v) m = std::max(m, std::fabs(x));
    return m;
}

inline BfgsResult bfgs(const Objective& f, Vector x0, const BfgsOptions& options = {}) {
    const std::size_t n = x0.size();
    const LineSearch search =
        options.line_search ? options.line_search : wolfe_line_search(LineSearchOptions{});
    BfgsResult r;
    r.x = std::move(x0);
    r.grad.assign(n, 0.0);
    r.f = f(r.x, r.grad);
    r.evaluations = 1;
    r.inverse_hessian = options.inverse_hessian0.empty() ? identity(n) : options.inverse_hessian0;
    r.history.push_back({0, r.f, std::sqrt(dot(r.grad, r.grad)), 0, 0, false, false});
    if (options.keep_path) r.path.push_back(r.x);
    auto stop = [&r](StopReason why, int k, const std::string& what) {
        r.stop = why;
        r.reason = std::string(describe(why)) + " at iteration " + std::to_string(k) + ": " + what;
        return r;
    };
    if (!std::isfinite(r.f) || !all_finite(r.grad))
        return stop(StopReason::diverged, 0, "f or its gradient is not finite at the start");

    SquareMatrix& H = r.inverse_hessian;
    for (int k = 1;; ++k) {
        if (max_abs(r.grad) <= options.gtol) {
            r.stop = StopReason::converged;
            break;
        }
        if (k > options.max_iterations) {
            r.stop = StopReason::max_iterations;
            break;
        }
        Iteration it{k, 0, 0, 0, 0, false, false};
        // p = −B⁻¹∇f, and if that is not downhill, start again from B⁻¹ = I (p = −∇f).
        Vector p = descent_direction(H, r.grad);
        if (!(dot(p, r.grad) < 0)) {
            H = identity(n);
            p = descent_direction(H, r.grad);
            it.reset = true;
            ++r.resets;
        }
        if (!all_finite(p)) return stop(StopReason::diverged, k, "the search direction is not finite");
        LineSearchResult step = search(f, r.x, r.f, r.grad, p);
        r.evaluations += step.trials;
        if (step.status == SearchStatus::non_finite ||
            (step.status == SearchStatus::ok && !(std::isfinite(step.f) && all_finite(step.grad))))
            return stop(StopReason::diverged, k, describe(SearchStatus::non_finite));
        if (step.status != SearchStatus::ok)
            return stop(StopReason::line_search_failed, k, describe(step.status));
        // s = x_{k+1} − x_k,  y = ∇f_{k+1} − ∇f_k
        Vector s(n), y(n);
        for (std::size_t i = 0; i < n; ++i) {
            s[i] = step.x[i] - r.x[i];
            y[i] = step.grad[i] - r.grad[i];
        }
        if (bfgs_update(H, s, y)) {
            if (options.on_update) options.on_update(s, y, H);
        } else {
            it.skipped = true;
            ++r.skipped_updates;
        }
        r.x = std::move(step.x);
        r.f = step.f;
        r.grad = std::move(step.grad);
        it.f = r.f;
        it.grad_norm = std::sqrt(dot(r.grad, r.grad));
        it.alpha = step.alpha;
        it.trials = step.trials;
        r.history.push_back(it);
        if (options.keep_path) r.path.push_back(r.x);
    }
    r.reason = describe(r.stop);
    return r;
}

}  // namespace optim
