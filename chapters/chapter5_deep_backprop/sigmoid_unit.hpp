// sigmoid_unit.hpp — 002's single sigmoid unit ŷ = σ(w x + w₀) on a two-class problem, trained
// by full-batch gradient descent with either training criterion, from a saturated start.
//
// 002 ("Another training criterion – cross-entropy error"): with MSE the gradient is
//   ∂E/∂w = Σ (ŷ − y) g′(a) x,  g′(a) = g(a)(1 − g(a)) ≈ 0 where g(a) ≈ 0 or 1,
// so a unit that starts confidently wrong (|a| large, ŷ on the wrong side) hardly moves; with the
// cross-entropy the factor g′ cancels, ∂E/∂w = (1/N) Σ (ŷ − y) x, and the step is largest exactly
// when the unit is most wrong. Both runs here use the same network code, only the loss differs
// (MSE: (BP1) with f′ = σ′; BCE: the simplified a − y).
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "chapters/chapter5_deep_backprop/network.hpp"
#include "chapters/chapter5_deep_backprop/sgd.hpp"

struct SigmoidUnitHistory {
    std::vector<double> loss;        // the run's own training cost, before each step
    std::vector<double> train_mse;   // mean (ŷ − y)² on the training set (a common yardstick)
    std::vector<double> grad_norm;   // ‖(∂E/∂w, ∂E/∂w₀)‖₂ before each step
    std::vector<double> train_accuracy;
    double test_accuracy = 0, test_mse = 0;   // after the last step (NaN if diverged)
    bool diverged = false;
    std::size_t diverged_iteration = 0;       // the step (1-based) after which E or ∇E was not finite
};

// `iterations` full-batch steps w ← w − η ∂E/∂w from (w, w₀) with the given loss (mse or bce);
// history entry k is measured before step k + 1, and one more entry after the last step. A
// loss or gradient that is not finite stops the run as diverged at that step; the history then
// holds only the finite entries before it.
inline SigmoidUnitHistory train_sigmoid_unit(Loss loss, const Data& train, const Data& test,
                                             double w, double w0, double eta,
                                             std::size_t iterations) {
    Network net;
    net.loss = loss;
    net.layers.push_back({Matrix(1, train.X.rows, w), Matrix(1, 1, w0), Activation::sigmoid});
    Cache cache;
    Workspace work;
    Gradients grad;
    SigmoidUnitHistory h;
    for (std::size_t k = 0; k <= iterations; ++k) {
        const double E = cost(net, train.X, train.Y, 0.0, cache);
        const double mse = mean_squared_error(cache.a.back(), train.Y);
        const double acc = accuracy(cache.a.back(), train.Y);
        backward(grad, net, cache, train.Y, 0.0, work);
        double g2 = grad.db[0](0, 0) * grad.db[0](0, 0);
        for (double g : grad.dW[0].data) g2 += g * g;
        if (!std::isfinite(E) || !std::isfinite(mse) || !std::isfinite(g2)) {
            h.diverged = true;
            h.diverged_iteration = k;
            h.test_accuracy = h.test_mse = std::numeric_limits<double>::quiet_NaN();
            return h;
        }
        h.loss.push_back(E);
        h.train_mse.push_back(mse);
        h.train_accuracy.push_back(acc);
        h.grad_norm.push_back(std::sqrt(g2));
        if (k == iterations) break;
        Layer& unit = net.layers[0];
        for (std::size_t i = 0; i < unit.W.size(); ++i) unit.W.data[i] -= eta * grad.dW[0].data[i];
        unit.b(0, 0) -= eta * grad.db[0](0, 0);
    }
    const Matrix a = predict(net, test.X);
    h.test_accuracy = accuracy(a, test.Y);
    h.test_mse = mean_squared_error(a, test.Y);
    return h;
}
