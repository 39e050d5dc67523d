// line_search.hpp — step lengths along a descent direction: the report's rule and strong Wolfe.
//
// Both searches look at φ(α) = f(x + αp) for a direction p with slope φ′(0) = ∇f(x)ᵀp < 0 and
// return a step α with the point, value and gradient there (so the optimiser does not evaluate
// them again), the number of trials (evaluations of f and ∇f) and why they stopped.
//
//   report 000 §1 (its appendix code), exactly: start at α = α₀ (1); accept when
//            Armijo     f(x + αp) ≤ f(x) + μ α ∇fᵀp        and
//            curvature  ∇f(x + αp)ᵀp ≥ η ∇fᵀp              (the weak Wolfe conditions);
//          otherwise α ← α / 1.5 if the slope changed sign, else α ← 2α.
//          (000 §1's prose swaps the roles of μ and η; its code, and this, use μ in Armijo.)
//   wolfe  the strong Wolfe conditions, Armijo and |∇f(x + αp)ᵀp| ≤ η |∇fᵀp|, by bracketing
//          and zoom with safeguarded cubic interpolation (Nocedal & Wright, Numerical
//          Optimization, 2nd ed., Algorithms 3.5 and 3.6; the interval safeguard as Moré & Thuente).
//
// What the report's code leaves out, handled: a direction that is not a descent direction is
// refused before any evaluation; a trial limit ends searches that would run forever (the report
// loops `while True`); a non-finite f or ∇f ends the `report` search at once, and makes the
// `wolfe` search step back. A non-finite point is never accepted: a search that met one and found
// no acceptable finite step returns `non_finite`, which the optimiser reports as divergence.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace optim {

using Vector = std::vector<double>;

// The objective: returns f(x) and writes ∇f(x) into `grad` (already sized like x).
using Objective = std::function<double(const Vector& x, Vector& grad)>;

inline double dot(const Vector& a, const Vector& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
}

inline bool all_finite(const Vector& v) {
    for (double x : v)
        if (!std::isfinite(x)) return false;
    return true;
}

struct LineSearchOptions {
    double mu = 1e-4;         // Armijo constant (c₁): demand a decrease of at least μ·α·|∇fᵀp|
    double eta = 0.9;         // curvature constant (c₂), μ < η < 1: 0.9 is the usual quasi-Newton choice
    double alpha0 = 1.0;      // first trial: the quasi-Newton step, which is right near the minimum
    double alpha_max = 1e10;  // the wolfe search never extrapolates beyond this
    int max_trials = 60;      // evaluations before giving up (2⁶⁰ covers any sane step range)
};

enum class SearchStatus { ok, not_descent, max_trials, max_step, non_finite, interval_collapsed };

inline const char* describe(SearchStatus s) {
    switch (s) {
        case SearchStatus::ok: return "ok";
        case SearchStatus::not_descent: return "not a descent direction";
        case SearchStatus::max_trials: return "exceeded its trial limit";
        case SearchStatus::max_step: return "no acceptable step up to its largest allowed step";
        case SearchStatus::non_finite: return "a trial step gave a non-finite f or gradient";
        case SearchStatus::interval_collapsed: return "its bracket collapsed to zero width";
    }
    return "?";
}

struct LineSearchResult {
    SearchStatus status = SearchStatus::ok;
    double alpha = 0;  // accepted step (when status is ok)
    Vector x;          // x + αp
    double f = 0;      // f(x + αp)
    Vector grad;       // ∇f(x + αp)
    int trials = 0;    // evaluations of f and ∇f
    int non_finite_trials = 0;   // of which gave a non-finite f or ∇fᵀp
};

// A line search as the optimiser sees it: (objective, x, f(x), ∇f(x), p) → result.
using LineSearch = std::function<LineSearchResult(const Objective&, const Vector& x, double fx,
                                                  const Vector& gx, const Vector& p)>;

namespace detail {
// Evaluate φ(α) = f(x + αp) and φ′(α) = ∇f(x + αp)ᵀp into r.
inline double evaluate(const Objective& f, const Vector& x, const Vector& p, double alpha,
                       LineSearchResult& r, double& slope) {
    r.x.resize(x.size());
    r.grad.assign(x.size(), 0.0);
    for (std::size_t i = 0; i < x.size(); ++i) r.x[i] = x[i] + alpha * p[i];
    r.f = f(r.x, r.grad);
    slope = dot(r.grad, p);
    ++r.trials;
    if (!std::isfinite(r.f) || !std::isfinite(slope)) ++r.non_finite_trials;
    return r.f;
}
}  // namespace detail

// The report's rule (000 §1, appendix code), with a trial limit and a stop on non-finite values.
inline LineSearchResult report_search(const Objective& f, const Vector& x, double fx, const Vector& gx,
                                    const Vector& p, const LineSearchOptions& o) {
    LineSearchResult r;
    const double slope0 = dot(gx, p);   // ∇fᵀp
    if (!(slope0 < 0)) {
        r.status = SearchStatus::not_descent;
        return r;
    }
    double alpha = o.alpha0;
    while (r.trials < o.max_trials) {
        double slope;
        const double f_new = detail::evaluate(f, x, p, alpha, r, slope);
        if (!std::isfinite(f_new) || !std::isfinite(slope)) {
            r.status = SearchStatus::non_finite;
            return r;
        }
        const bool armijo = f_new <= fx + o.mu * alpha * slope0;
        const bool curvature = slope >= o.eta * slope0;
        if (armijo && curvature) {
            r.alpha = alpha;
            return r;
        }
        // The slope changed sign: we stepped past a minimum along p, so shrink; else grow.
        alpha = slope * slope0 < 0 ? alpha / 1.5 : alpha * 2;
    }
    r.status = SearchStatus::max_trials;
    return r;
}

namespace detail {
// Minimiser of the cubic through (a, fa, da) and (b, fb, db) (Nocedal & Wright eq. 3.59), or
// the midpoint when that minimiser is undefined or not strictly inside the interval.
inline double cubic_step(double a, double fa, double da, double b, double fb, double db) {
    const double lo = std::min(a, b), hi = std::max(a, b);
    if (std::isfinite(fb) && std::isfinite(db)) {
        const double d1 = da + db - 3 * (fa - fb) / (a - b);
        const double disc = d1 * d1 - da * db;
        if (disc >= 0) {
            const double d2 = std::copysign(std::sqrt(disc), b - a);
            const double t = b - (b - a) * (db + d2 - d1) / (db - da + 2 * d2);
            if (std::isfinite(t) && t > lo && t < hi) return t;
        }
    }
    return 0.5 * (a + b);
}

// Strong Wolfe line search: Nocedal & Wright, Algorithm 3.5 (bracketing) and 3.6 (zoom).
inline LineSearchResult bracket_and_zoom(const Objective& f, const Vector& x, double fx, const Vector& gx,
                                         const Vector& p, const LineSearchOptions& o) {
    LineSearchResult r;
    const double slope0 = dot(gx, p);
    if (!(slope0 < 0)) {
        r.status = SearchStatus::not_descent;
        return r;
    }
    auto armijo_fails = [&](double alpha, double fa) { return fa > fx + o.mu * alpha * slope0; };
    auto curvature_holds = [&](double slope) { return std::fabs(slope) <= -o.eta * slope0; };

    // Zoom (Algorithm 3.6) between α_lo, which satisfies Armijo and has the lowest f so far,
    // and α_hi; the slope at α_lo points towards α_hi.
    // Safeguard (as Moré & Thuente 1994): if two trials did not shrink the interval to 2/3 of
    // its width, the next trial is the midpoint.
    auto zoom = [&](double lo, double f_lo, double d_lo, double hi, double f_hi, double d_hi) {
        double width_1 = 2 * std::fabs(hi - lo), width_2 = width_1;
        while (r.trials < o.max_trials) {
            const double width = std::fabs(hi - lo);
            if (width <= 1e-16 * std::max(1.0, std::fabs(lo))) {
                r.status = SearchStatus::interval_collapsed;
                return;
            }
            const bool bisect = width > 0.66 * width_2;
            width_2 = width_1, width_1 = width;
            const double alpha = bisect ? 0.5 * (lo + hi) : detail::cubic_step(lo, f_lo, d_lo, hi, f_hi, d_hi);
            double slope;
            const double fa = detail::evaluate(f, x, p, alpha, r, slope);
            if (!std::isfinite(fa) || !std::isfinite(slope) || armijo_fails(alpha, fa)) {
                hi = alpha, f_hi = fa, d_hi = slope;   // too far (or not finite): shrink from above
                continue;
            }
            // Both conditions hold: accept, even if f(α) ≥ f(α_lo) by rounding — near a flat
            // minimum f differences are noise, while the slope still tells the truth.
            if (curvature_holds(slope)) {
                r.alpha = alpha;
                return;
            }
            if (fa >= f_lo) {
                hi = alpha, f_hi = fa, d_hi = slope;
                continue;
            }
            if (slope * (hi - lo) >= 0) hi = lo, f_hi = f_lo, d_hi = d_lo;
            lo = alpha, f_lo = fa, d_lo = slope;
        }
        r.status = SearchStatus::max_trials;
    };

    // Bracketing (Algorithm 3.5): grow α until it satisfies both conditions, or a bracket
    // [previous α, α] is known to contain acceptable steps.
    double prev = 0, f_prev = fx, d_prev = slope0;
    double alpha = std::min(o.alpha0, o.alpha_max);
    while (r.trials < o.max_trials) {
        double slope;
        const double fa = detail::evaluate(f, x, p, alpha, r, slope);
        const bool finite = std::isfinite(fa) && std::isfinite(slope);
        if (finite && !armijo_fails(alpha, fa) && curvature_holds(slope)) {
            r.alpha = alpha;
            return r;
        }
        // (N&W test φ(α) ≥ φ(α_prev); we use >, so that a stretch where f is flat to rounding,
        // as at a saturated start, is crossed by extrapolation instead of a zoom into nothing.)
        if (!finite || armijo_fails(alpha, fa) || (r.trials > 1 && fa > f_prev)) {
            zoom(prev, f_prev, d_prev, alpha, fa, slope);
            return r;
        }
        if (slope >= 0) {
            zoom(alpha, fa, slope, prev, f_prev, d_prev);
            return r;
        }
        if (alpha >= o.alpha_max) {
            r.status = SearchStatus::max_step;
            return r;
        }
        prev = alpha, f_prev = fa, d_prev = slope;
        alpha = std::min(2 * alpha, o.alpha_max);   // extrapolate
    }
    r.status = SearchStatus::max_trials;
    return r;
}
}  // namespace detail

// The strong Wolfe search. It steps back from a non-finite trial; when it still finds no
// acceptable step after meeting one, the reason it failed is the non-finite value.
inline LineSearchResult wolfe_search(const Objective& f, const Vector& x, double fx, const Vector& gx,
                                     const Vector& p, const LineSearchOptions& o) {
    LineSearchResult r = detail::bracket_and_zoom(f, x, fx, gx, p, o);
    if (r.status != SearchStatus::ok && r.status != SearchStatus::not_descent && r.non_finite_trials > 0)
        r.status = SearchStatus::non_finite;
    return r;
}

// The two searches as the optimiser's LineSearch.
inline LineSearch report_line_search(LineSearchOptions o) {
    return [o](const Objective& f, const Vector& x, double fx, const Vector& gx, const Vector& p) {
        return report_search(f, x, fx, gx, p, o);
    };
}
inline LineSearch wolfe_line_search(LineSearchOptions o) {
    return [o](const Objective& f, const Vector& x, double fx, const Vector& gx, const Vector& p) {
        return wolfe_search(f, x, fx, gx, p, o);
    };
}

}  // namespace optim
