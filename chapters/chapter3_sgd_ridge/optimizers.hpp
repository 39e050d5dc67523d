// optimizers.hpp — the five update rules that turn a (mini-batch) gradient g = ∇C_B(β) into a
// step of the coefficients β: plain SGD, momentum, Adagrad, RMSprop and Adam. 003 ("Other
// ingredients of a neural network") lists them among the ways to train a network; each is
// written here as its paper prints it, one small function per rule, so that a test can hold a
// step against the published equations computed by hand.
//
//   sgd       β ← β − η g                                                     (001, "Gradient Descent")
//   momentum  v ← ω v + η g,   β ← β − v                                      (001, "Gradient Descent")
//   adagrad   G ← G + g⊙g,     β ← β − η g / (√G + ε)                         (Duchi, Hazan & Singer 2011)
//   rmsprop   s ← ρ s + (1 − ρ) g⊙g,   β ← β − η g / (√s + ε)                 (Tieleman & Hinton 2012)
//   adam      t ← t + 1,  m ← β₁ m + (1 − β₁) g,  v ← β₂ v + (1 − β₂) g⊙g,
//             m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ),  β ← β − η m̂ / (√v̂ + ε)   (Kingma & Ba 2015, Alg. 1)
// Squares, roots and divisions are element by element; every accumulator starts at 0.
//
// Names: the regression coefficients are 001's β (the papers' θ or x); Adam's decay rates β₁, β₂
// are `beta1`, `beta2`. Deliberately left out: Adagrad's full-matrix form, AMSGrad, Nesterov
// momentum, weight decay inside the optimiser (the Ridge penalty is part of the gradient).
#pragma once

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

#include "chapters/chapter3_sgd_ridge/matrix.hpp"

enum class Method { sgd, momentum, adagrad, rmsprop, adam };

// The names used in optimizers.csv and on the command line.
inline const char* method_name(Method m) {
    switch (m) {
        case Method::sgd: return "sgd";
        case Method::momentum: return "momentum";
        case Method::adagrad: return "adagrad";
        case Method::rmsprop: return "rmsprop";
        case Method::adam: return "adam";
    }
    return "?";
}

constexpr Method kMethods[] = {Method::sgd, Method::momentum, Method::adagrad, Method::rmsprop, Method::adam};

// The hyper-parameters besides η, with the papers' defaults.
struct MethodParameters {
    double omega = 0;          // momentum ω (001); 0 leaves momentum a plain step
    double rho = 0.9;          // RMSprop's decay of the running mean of g² (Tieleman & Hinton)
    double beta1 = 0.9;        // Adam's decay of the first moment (Kingma & Ba, Alg. 1)
    double beta2 = 0.999;      // Adam's decay of the second moment (Kingma & Ba, Alg. 1)
    double epsilon = 1e-8;     // Adagrad, RMSprop: added to the root; Adam: added to √v̂
};

// What a rule remembers from step to step (k entries each, 0 at the start).
struct OptimizerState {
    Vector v;                  // momentum: the velocity v;  Adam: the second moment v
    Vector G;                  // Adagrad: the sum of squared gradients
    Vector s;                  // RMSprop: the running mean of squared gradients
    Vector m;                  // Adam: the first moment m
    std::size_t t = 0;         // Adam: steps taken
    double beta1_t = 1, beta2_t = 1;   // Adam: β₁ᵗ and β₂ᵗ, kept as running products
    explicit OptimizerState(std::size_t k = 0) : v(k, 0.0), G(k, 0.0), s(k, 0.0), m(k, 0.0) {}
};

// 001, "Gradient Descent": β ← β − η g
inline void sgd_step(Vector& beta, const Vector& g, double eta) {
    for (std::size_t j = 0; j < beta.size(); ++j) beta[j] -= eta * g[j];
}

// 001, "Gradient Descent" (heavy-ball momentum, Polyak 1964): v ← ωv + ηg, β ← β − v
inline void momentum_step(Vector& beta, Vector& v, const Vector& g, double eta, double omega) {
    for (std::size_t j = 0; j < beta.size(); ++j) {
        v[j] = omega * v[j] + eta * g[j];
        beta[j] -= v[j];
    }
}

// Duchi, Hazan & Singer, "Adaptive Subgradient Methods for Online Learning and Stochastic
// Optimization", JMLR 12 (2011), the diagonal update (their δ is our ε):
//   G ← G + g⊙g,   β ← β − η g / (√G + ε)
inline void adagrad_step(Vector& beta, Vector& G, const Vector& g, double eta, double epsilon) {
    for (std::size_t j = 0; j < beta.size(); ++j) {
        G[j] += g[j] * g[j];
        beta[j] -= eta * g[j] / (std::sqrt(G[j]) + epsilon);
    }
}

// Tieleman & Hinton, "Lecture 6.5 — rmsprop: divide the gradient by a running average of its
// recent magnitude", Neural Networks for Machine Learning (Coursera, 2012):
//   s ← ρ s + (1 − ρ) g⊙g,   β ← β − η g / (√s + ε)
inline void rmsprop_step(Vector& beta, Vector& s, const Vector& g, double eta, double rho, double epsilon) {
    for (std::size_t j = 0; j < beta.size(); ++j) {
        s[j] = rho * s[j] + (1 - rho) * g[j] * g[j];
        beta[j] -= eta * g[j] / (std::sqrt(s[j]) + epsilon);
    }
}

// Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015, Algorithm 1:
//   t ← t + 1
//   m ← β₁ m + (1 − β₁) g,        v ← β₂ v + (1 − β₂) g⊙g
//   m̂ = m / (1 − β₁ᵗ),            v̂ = v / (1 − β₂ᵗ)          (bias correction: m, v start at 0)
//   β ← β − η m̂ / (√v̂ + ε)
inline void adam_step(Vector& beta, OptimizerState& st, const Vector& g, double eta, const MethodParameters& p) {
    ++st.t;
    st.beta1_t *= p.beta1;
    st.beta2_t *= p.beta2;
    for (std::size_t j = 0; j < beta.size(); ++j) {
        st.m[j] = p.beta1 * st.m[j] + (1 - p.beta1) * g[j];
        st.v[j] = p.beta2 * st.v[j] + (1 - p.beta2) * g[j] * g[j];
        const double m_hat = st.m[j] / (1 - st.beta1_t), v_hat = st.v[j] / (1 - st.beta2_t);
        beta[j] -= eta * m_hat / (std::sqrt(v_hat) + p.epsilon);
    }
}

// One step of `method` with learning rate η from the gradient g.
inline void optimizer_step(Method method, Vector& beta, OptimizerState& st, const Vector& g, double eta,
                           const MethodParameters& p) {
    switch (method) {
        case Method::sgd: sgd_step(beta, g, eta); return;
        case Method::momentum: momentum_step(beta, st.v, g, eta, p.omega); return;
        case Method::adagrad: adagrad_step(beta, st.G, g, eta, p.epsilon); return;
        case Method::rmsprop: rmsprop_step(beta, st.s, g, eta, p.rho, p.epsilon); return;
        case Method::adam: adam_step(beta, st, g, eta, p); return;
    }
}
