// optimizers.hpp — the update rules of 003's list of optimisers ("Other ingredients of a neural
// network": plain gradient descent, momentum, ADAGRAD, RMSprop, ADAM), each written as the
// equations of the paper that introduced it. Every rule acts entry by entry on each parameter
// array θ (every Wˡ and bˡ) with g = ∂C/∂θ of the current mini-batch, and t = 1, 2, … counts
// the steps taken:
//
//   sgd       θ ← θ − η g                                        003 "Updating the gradients", 001 eq. (4)
//   momentum  v ← ω v + η g,  θ ← θ − v                          001 "Gradient Descent"
//   adagrad   r ← r + g²,  θ ← θ − η g / (√r + ε)                Duchi, Hazan & Singer (2011)
//   rmsprop   r ← ρ r + (1 − ρ) g²,  θ ← θ − η g / (√r + ε)      Tieleman & Hinton (2012)
//   adam      m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g²,
//             m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ),
//             θ ← θ − η m̂ / (√v̂ + ε)                            Kingma & Ba (2015), Algorithm 1
//
// The accumulators v, r, m start at 0. The adaptive rules divide each entry's step by a running
// size of its own gradient, so η is no longer a step along −g but (roughly) the size of each
// entry's step: their η is not comparable with plain SGD's, and each needs its own learning
// rate (experiment 2's comparison chooses one per rule on validation data). 003 expands ADAM
// as "adaptive gradient with momentum"; it is adaptive *moment* estimation (README, "Where the
// documents slip"). Left out: learning-rate schedules, Nesterov momentum, AMSGrad, weight decay
// inside the rule (L2 enters through the gradient, network.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/matrix.hpp"
#include "chapters/chapter5_deep_backprop/network.hpp"

enum class Optimizer { sgd, momentum, adagrad, rmsprop, adam };

inline const std::vector<std::string>& optimizer_names() {
    static const std::vector<std::string> names{"sgd", "momentum", "adagrad", "rmsprop", "adam"};
    return names;
}
inline std::string name_of(Optimizer o) { return optimizer_names()[static_cast<std::size_t>(o)]; }
// The optimiser called `name` (one of optimizer_names(); the caller has checked it).
inline Optimizer optimizer_from_name(const std::string& name) {
    const auto& names = optimizer_names();
    return static_cast<Optimizer>(std::find(names.begin(), names.end(), name) - names.begin());
}

// The constants of the adaptive rules, each at the value its paper recommends.
struct AdaptiveConstants {
    double rho = 0.9;        // RMSprop: decay of the running mean of g² (Tieleman & Hinton: 0.9)
    double beta1 = 0.9;      // Adam: decay of the first-moment estimate m (Kingma & Ba: 0.9)
    double beta2 = 0.999;    // Adam: decay of the second-moment estimate v (Kingma & Ba: 0.999)
    double epsilon = 1e-8;   // added to the root, so that an entry whose gradients have all been
                             // 0 gets a zero step instead of 0/0 (Kingma & Ba: 1e-8)
};

// One step's rule and its settings.
struct UpdateRule {
    Optimizer method = Optimizer::sgd;
    double eta = 0.01;        // learning rate η (Kingma & Ba's step size α)
    double omega = 0.0;       // momentum ω (momentum only)
    AdaptiveConstants c;
};

// What a rule keeps between steps: per parameter array (W¹, b¹, W², b², … in this order) its
// first accumulator (momentum's v, Adam's m) and its second (Adagrad's and RMSprop's r, Adam's
// v), each of θ's shape, allocated (as zeros) at the first step of a rule that uses it.
struct OptimizerState {
    std::vector<Matrix> first, second;
    std::size_t t = 0;   // steps taken
};

// ---------------------------------------------------------------------------------------------
// The five rules, on one parameter array θ with its gradient g

// 003 "Updating the gradients", 001 eq. (4): θ ← θ − η g.
inline void sgd_update(Matrix& theta, const Matrix& g, double eta) {
    for (std::size_t k = 0; k < theta.size(); ++k) theta.data[k] -= eta * g.data[k];
}

// 001 "Gradient Descent": v ← ω v + η g, θ ← θ − v (heavy-ball momentum; v is a running sum of
// past steps, so a steady gradient g moves θ by η g / (1 − ω) per step in the long run).
inline void momentum_update(Matrix& theta, const Matrix& g, Matrix& v, double eta, double omega) {
    for (std::size_t k = 0; k < theta.size(); ++k) {
        v.data[k] = omega * v.data[k] + eta * g.data[k];
        theta.data[k] -= v.data[k];
    }
}

// Duchi, Hazan & Singer (2011), the diagonal update: r ← r + g², θ ← θ − η g / (√r + ε).
// r only grows, so every entry's step shrinks like 1/√t under gradients of steady size.
inline void adagrad_update(Matrix& theta, const Matrix& g, Matrix& r, double eta, double epsilon) {
    for (std::size_t k = 0; k < theta.size(); ++k) {
        r.data[k] += g.data[k] * g.data[k];
        theta.data[k] -= eta * g.data[k] / (std::sqrt(r.data[k]) + epsilon);
    }
}

// Tieleman & Hinton (2012, lecture 6.5): r ← ρ r + (1 − ρ) g², θ ← θ − η g / (√r + ε): Adagrad
// with a running mean in place of the growing sum, so the step does not decay.
inline void rmsprop_update(Matrix& theta, const Matrix& g, Matrix& r, double eta, double rho, double epsilon) {
    for (std::size_t k = 0; k < theta.size(); ++k) {
        r.data[k] = rho * r.data[k] + (1 - rho) * g.data[k] * g.data[k];
        theta.data[k] -= eta * g.data[k] / (std::sqrt(r.data[k]) + epsilon);
    }
}

// Kingma & Ba (2015), Algorithm 1, at step t ≥ 1: m ← β₁ m + (1 − β₁) g, v ← β₂ v + (1 − β₂) g²,
// m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ) (the bias correction of accumulators that start at 0),
// θ ← θ − η m̂ / (√v̂ + ε).
inline void adam_update(Matrix& theta, const Matrix& g, Matrix& m, Matrix& v, std::size_t t, double eta,
                        const AdaptiveConstants& c) {
    const double correction1 = 1 - std::pow(c.beta1, static_cast<double>(t));
    const double correction2 = 1 - std::pow(c.beta2, static_cast<double>(t));
    for (std::size_t k = 0; k < theta.size(); ++k) {
        m.data[k] = c.beta1 * m.data[k] + (1 - c.beta1) * g.data[k];
        v.data[k] = c.beta2 * v.data[k] + (1 - c.beta2) * g.data[k] * g.data[k];
        const double m_hat = m.data[k] / correction1, v_hat = v.data[k] / correction2;
        theta.data[k] -= eta * m_hat / (std::sqrt(v_hat) + c.epsilon);
    }
}

// ---------------------------------------------------------------------------------------------
// One step of a rule for the whole network

// Zeros of each parameter array's shape, if not there yet.
inline void zeros_like(std::vector<Matrix>& acc, const Network& net) {
    if (acc.size() == 2 * net.layers.size()) return;
    acc.clear();
    for (const Layer& layer : net.layers) {
        acc.emplace_back(layer.W.rows, layer.W.cols);
        acc.emplace_back(layer.b.rows, layer.b.cols);
    }
}

// θ ← the rule's step from θ, for every Wˡ and bˡ, with the gradients `grad` of this mini-batch.
inline void apply_update(Network& net, const Gradients& grad, OptimizerState& state, const UpdateRule& rule) {
    ++state.t;
    const Optimizer o = rule.method;
    if (o == Optimizer::momentum || o == Optimizer::adam) zeros_like(state.first, net);
    if (o == Optimizer::adagrad || o == Optimizer::rmsprop || o == Optimizer::adam) zeros_like(state.second, net);
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
        Matrix* theta[2] = {&net.layers[l].W, &net.layers[l].b};
        const Matrix* g[2] = {&grad.dW[l], &grad.db[l]};
        for (std::size_t p = 0; p < 2; ++p) {
            const std::size_t k = 2 * l + p;   // index of the array in the accumulators
            switch (o) {
                case Optimizer::sgd: sgd_update(*theta[p], *g[p], rule.eta); break;
                case Optimizer::momentum: momentum_update(*theta[p], *g[p], state.first[k], rule.eta, rule.omega); break;
                case Optimizer::adagrad: adagrad_update(*theta[p], *g[p], state.second[k], rule.eta, rule.c.epsilon); break;
                case Optimizer::rmsprop:
                    rmsprop_update(*theta[p], *g[p], state.second[k], rule.eta, rule.c.rho, rule.c.epsilon);
                    break;
                case Optimizer::adam:
                    adam_update(*theta[p], *g[p], state.first[k], state.second[k], state.t, rule.eta, rule.c);
                    break;
            }
        }
    }
}

// The arrays a rule keeps beside θ and its gradient (for the estimate of memory, run_size.hpp).
inline std::size_t accumulator_count(Optimizer o) {
    return o == Optimizer::sgd ? 0 : o == Optimizer::adam ? 2 : 1;
}
