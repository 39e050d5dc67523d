// network.hpp — a feed-forward network of any depth and width, its cost, and back-propagation
// written as the four equations of 003 ("Setting up the equations for a neural network").
//
// Notation (001 "Backpropagation", and 003 "Setting up the equations" with its indices made
// consistent): layer l = 1 … L, nₗ units, n₀ inputs.
//   zˡ = Wˡ aˡ⁻¹ + bˡ,   aˡ = fˡ(zˡ),   a⁰ = x,   C = (1/m) Σ over the m samples of C(aᴸ, y)
//   Wˡ: nₗ × nₗ₋₁, row j holds the weights INTO unit j (001's w_ij, Nielsen's w_jk). 003 defines
//   zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ with the transposed matrix but derives its equations with this
//   indexing; we use the one that makes its equations true as printed (README, "Where the
//   documents slip").
// A mini-batch is a matrix with one sample per column (matrix.hpp), so δˡ, zˡ, aˡ are nₗ × m.
//
// (BP1)–(BP4) are our labels (Nielsen's order); 003 speaks of "the four equations" but numbers
// three, all for the output layer, and writes the fourth, the recursion, by components only:
//   (BP1) output error             δᴸ = f′(zᴸ) ⊙ ∂C/∂aᴸ          003 eq. (2)          output_error
//   (BP2) back-propagated error    δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ f′(zˡ)    001 eq. (1); 003 "Final
//                                                               back propagating equation",
//                                                               by components  backpropagate_error
//   (BP3) weight gradient          ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ            003 eq. (1), 001 eq. (2)  weight_gradient
//   (BP4) bias gradient            ∂C/∂bˡ = δˡ                    003 eq. (3), 001 eq. (3)  bias_gradient
//
// Output activation and loss come in the three pairs the documents use, each with its simplified
// output error a − y:
//   linear  + mean squared error    C = ½‖a − y‖²                    δᴸ = a − y    003
//   sigmoid + binary cross-entropy  C = −y log a − (1−y) log(1−a)    δᴸ = a − y    002 "Another
//                                                                    training criterion", 004
//   softmax + cross-entropy         C = −Σ_k y_k log a_k             δᴸ = a − y    002 "Computation
//                                                          graph – cross entropy layer", 001 eq. (5)
// and MSE may also follow any other element-wise output activation (002's sigmoid unit trained
// with MSE), with δᴸ = f′(zᴸ) ⊙ (a − y) from (BP1) as it stands.
// The log-losses are evaluated from the logits zᴸ, never from a = σ(z) or softmax(z), so no
// log 0 can occur and no ε is added (004 proposes log(ŷ + ε)): see bce_loss and loss_value.
//
// L2 regularisation adds (λ/2) Σₗ ‖Wˡ‖² to C (biases are not penalised), hence λWˡ to (BP3).
#pragma once

#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include "chapters/chapter5_deep_backprop/activations.hpp"
#include "chapters/chapter5_deep_backprop/matrix.hpp"
#include "common/random.hpp"

enum class Loss { mse, bce, ce };
inline std::string name_of(Loss loss) {
    return loss == Loss::mse ? "mse" : loss == Loss::bce ? "bce" : "ce";
}
// The loss that goes with an output activation: sigmoid → binary cross-entropy, softmax →
// cross-entropy, anything else → mean squared error.
inline Loss loss_for_output(Activation f) {
    return f == Activation::sigmoid ? Loss::bce : f == Activation::softmax ? Loss::ce : Loss::mse;
}

// ---------------------------------------------------------------------------------------------
// Initialisation (001 "Methods", 003 on Glorot & Bengio)

enum class Init { normal, glorot, he };
inline const std::vector<std::string>& init_names() {
    static const std::vector<std::string> names{"normal", "glorot", "he"};
    return names;
}
inline std::string name_of(Init init) { return init_names()[static_cast<std::size_t>(init)]; }

struct InitSpec {
    Init weights = Init::glorot;
    double weight_sd = 0.05;   // Init::normal: W ~ N(0, sd²); 001 uses sd 0.05, 004 uses 0.1
    double bias_sd = 0.0;      // b ~ N(0, sd²); 0 gives zero biases (001: zero or sd 0.01)
};

struct LayerSpec {
    std::size_t width;   // nₗ
    Activation f;
    InitSpec init;
};

// ---------------------------------------------------------------------------------------------
// The network

struct Layer {
    Matrix W;   // nₗ × nₗ₋₁
    Matrix b;   // nₗ × 1
    Activation f;
};

struct Network {
    std::vector<Layer> layers;   // layers[l − 1] is layer l = 1 … L
    Loss loss = Loss::mse;
    double alpha = 0.01;         // slope of leaky ReLU for z < 0 (001 Table 1)
};

// All weights and biases as one vector θ = (W¹, b¹, W², b², …), each row-major: what a
// finite-difference check perturbs, and what "the same network" compares.
inline std::vector<double> parameters(const Network& net) {
    std::vector<double> theta;
    for (const auto& layer : net.layers) {
        theta.insert(theta.end(), layer.W.data.begin(), layer.W.data.end());
        theta.insert(theta.end(), layer.b.data.begin(), layer.b.data.end());
    }
    return theta;
}

inline void set_parameters(Network& net, const std::vector<double>& theta) {
    std::size_t k = 0;
    for (auto& layer : net.layers) {
        for (double& w : layer.W.data) w = theta[k++];
        for (double& b : layer.b.data) b = theta[k++];
    }
}

// "" when the architecture is usable, else what is wrong and how to fix it:
// widths n₀ … n_L all positive, one activation per layer, softmax only in the output layer and
// with at least two units, and the loss paired as described above.
inline std::string architecture_problem(const std::vector<std::size_t>& widths,
                                        const std::vector<Activation>& f, Loss loss) {
    if (widths.size() < 2) return "need at least two widths (inputs and outputs), e.g. 2,25,1";
    for (std::size_t w : widths)
        if (w == 0) return "every layer width must be positive";
    if (f.size() != widths.size() - 1)
        return std::to_string(widths.size()) + " widths need " + std::to_string(widths.size() - 1) +
               " activations (one per layer after the input), got " + std::to_string(f.size());
    for (std::size_t l = 0; l + 1 < f.size(); ++l)
        if (f[l] == Activation::softmax) return "softmax is only allowed as the output activation";
    const Activation out = f.back();
    if (out == Activation::softmax && widths.back() < 2)
        return "a softmax output needs at least 2 units (one per class)";
    if (loss == Loss::bce && out != Activation::sigmoid)
        return "binary cross-entropy needs a sigmoid output";
    if (loss == Loss::ce && out != Activation::softmax)
        return "cross-entropy needs a softmax output";
    if (loss == Loss::mse && out == Activation::softmax)
        return "a softmax output goes with cross-entropy, not MSE";
    return "";
}

// Draw the weights and biases of every layer (003: random, never all equal, or the units of a
// layer stay identical — 004's "breaking symmetry").
//   normal   W ~ N(0, sd²)
//   glorot   W ~ U(−r, r), r = √(6 / (nₗ₋₁ + nₗ))   (Glorot & Bengio 2010; 001 "Methods")
//   he       W ~ N(0, 2 / nₗ₋₁)                     (He et al. 2015: keeps ReLU variances steady)
inline Network make_network(std::size_t inputs, const std::vector<LayerSpec>& specs, Loss loss,
                            double alpha, Rng& rng) {
    Network net;
    net.loss = loss;
    net.alpha = alpha;
    std::size_t fan_in = inputs;
    for (const auto& spec : specs) {
        Layer layer{Matrix(spec.width, fan_in), Matrix(spec.width, 1), spec.f};
        for (double& w : layer.W.data) {
            switch (spec.init.weights) {
                case Init::normal: w = spec.init.weight_sd * rng.normal(); break;
                case Init::glorot: w = rng.glorot_uniform(fan_in, spec.width); break;
                case Init::he: w = std::sqrt(2.0 / static_cast<double>(fan_in)) * rng.normal(); break;
            }
        }
        if (spec.init.bias_sd > 0)
            for (double& b : layer.b.data) b = spec.init.bias_sd * rng.normal();
        net.layers.push_back(std::move(layer));
        fan_in = spec.width;
    }
    return net;
}

// ---------------------------------------------------------------------------------------------
// Forward pass

struct Cache {
    std::vector<Matrix> z;   // z[l]: nₗ × m for l = 1 … L (z[0] unused)
    std::vector<Matrix> a;   // a[l]: nₗ × m, a[0] = x
};

// 003 "Setting up the back propagation algorithm", first and second step:
// zˡ = Wˡ aˡ⁻¹ + bˡ, aˡ = fˡ(zˡ) for l = 1 … L.
inline void forward(Cache& cache, const Network& net, const Matrix& X) {
    const std::size_t L = net.layers.size();
    cache.z.resize(L + 1);
    cache.a.resize(L + 1);
    cache.a[0] = X;
    for (std::size_t l = 1; l <= L; ++l) {
        const Layer& layer = net.layers[l - 1];
        multiply(cache.z[l], layer.W, cache.a[l - 1]);
        add_to_columns(cache.z[l], layer.b);
        activate(cache.a[l], cache.z[l], layer.f, net.alpha);
    }
}

// ---------------------------------------------------------------------------------------------
// The losses, from the logits

// Binary cross-entropy of a = σ(z) against y ∈ [0, 1], from z:
//   −y log σ(z) − (1 − y) log(1 − σ(z)) = y·softplus(−z) + (1 − y)·softplus(z),
// since log σ(z) = −softplus(−z) and log(1 − σ(z)) = log σ(−z) = −softplus(z). Finite for every
// finite z, exact where a would round to 0 or 1 (z = −800, y = 1 gives 800, not ∞ or log(ε)).
inline double bce_loss(double z, double y) { return y * softplus(-z) + (1.0 - y) * softplus(z); }

// Mean over the m columns of the per-sample loss C(aᴸ, y), computed from zᴸ for the log-losses.
// The cross-entropy −Σ_k y_k log a_k with log a_k = z_k − log Σ_l e^(z_l) (log-sum-exp).
inline double loss_value(Loss loss, const Matrix& zL, const Matrix& aL, const Matrix& Y) {
    double total = 0.0;
    for (std::size_t j = 0; j < Y.cols; ++j) {
        double c = 0.0;
        if (loss == Loss::ce) {
            const double lse = log_sum_exp_column(zL, j);
            for (std::size_t k = 0; k < Y.rows; ++k) c -= Y(k, j) * (zL(k, j) - lse);
        } else {
            for (std::size_t k = 0; k < Y.rows; ++k) {
                const double d = aL(k, j) - Y(k, j);
                c += loss == Loss::bce ? bce_loss(zL(k, j), Y(k, j)) : 0.5 * d * d;
            }
        }
        total += c;
    }
    return total / static_cast<double>(Y.cols);
}

// (λ/2) Σₗ ‖Wˡ‖²
inline double l2_penalty(const Network& net, double lambda) {
    if (lambda == 0) return 0.0;
    double sum = 0.0;
    for (const auto& layer : net.layers)
        for (double w : layer.W.data) sum += w * w;
    return 0.5 * lambda * sum;
}

// The cost C = (1/m) Σ C(aᴸ, y) + (λ/2) Σ ‖Wˡ‖² of the samples in the columns of X, Y.
inline double cost(const Network& net, const Matrix& X, const Matrix& Y, double lambda, Cache& cache) {
    forward(cache, net, X);
    return loss_value(net.loss, cache.z.back(), cache.a.back(), Y) + l2_penalty(net, lambda);
}

// ∂C/∂aᴸ of one sample, the second factor of (BP1), element by element:
//   MSE   a − y          BCE   (a − y) / (a(1 − a))          CE   −y / a
// Only the MSE form is used in training; the other two divide by numbers that round to zero at
// saturation, which is exactly why output_error uses their simplified products instead. The
// tests use them to show that f′(zᴸ) ⊙ ∂C/∂aᴸ (a Jacobian product for softmax) gives a − y.
inline double loss_derivative(Loss loss, double a, double y) {
    switch (loss) {
        case Loss::mse: return a - y;
        case Loss::bce: return (a - y) / (a * (1.0 - a));
        case Loss::ce: return -y / a;
    }
    return 0.0;
}

// ---------------------------------------------------------------------------------------------
// Back-propagation: the four equations

// (BP1) 003 eq. (2): δᴸ = f′(zᴸ) ⊙ ∂C/∂aᴸ, one column per sample.
//   sigmoid + BCE: σ′(z) · (a − y)/(a(1 − a)) = a − y, since σ′ = a(1 − a)        (002, 004)
//   softmax + CE:  Σ_k (∂a_k/∂z_i)(−y_k/a_k) = a_i Σ_k y_k − y_i = a − y  for Σ_k y_k = 1  (001 eq. (5))
//   MSE: f′(zᴸ) ⊙ (a − y) as it stands; for a linear output f′ = 1 and δᴸ = a − y.
inline void output_error(Matrix& delta, const Network& net, const Matrix& zL, const Matrix& aL,
                         const Matrix& Y, Matrix& fprime) {
    delta.resize(aL.rows, aL.cols);
    for (std::size_t k = 0; k < aL.size(); ++k) delta.data[k] = aL.data[k] - Y.data[k];
    if (net.loss == Loss::mse) {
        derivative(fprime, zL, net.layers.back().f, net.alpha);
        hadamard_in_place(delta, fprime);
    }
}

// (BP2) 001 eq. (1): δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ f′(zˡ); by components δ_j = Σ_k δ_k w_kj f′(z_j),
// as 003's "Final back propagating equation" prints it.
inline void backpropagate_error(Matrix& delta, const Matrix& W_next, const Matrix& delta_next,
                                const Matrix& z, Activation f, double alpha, Matrix& fprime) {
    multiply_transposed_left(delta, W_next, delta_next);
    derivative(fprime, z, f, alpha);
    hadamard_in_place(delta, fprime);
}

// (BP3) 003 eq. (1): ∂C/∂w_jk = δ_j a_k^(l−1), i.e. ∂C/∂Wˡ = δˡ (aˡ⁻¹)ᵀ for one sample (001 eq.
// (2)); 003 states it for the output layer and uses it for every l in its update rules.
// For a mini-batch the cost is the mean over its m samples, so the per-sample outer products are
// averaged: dW = (1/m) Δˡ (Aˡ⁻¹)ᵀ, plus λWˡ from the L2 term.
inline void weight_gradient(Matrix& dW, const Matrix& delta, const Matrix& a_prev, const Matrix& W,
                            double lambda, Matrix& scratch) {
    multiply_transposed_right(dW, delta, a_prev, scratch);
    const double inv_m = 1.0 / static_cast<double>(delta.cols);
    for (std::size_t k = 0; k < dW.size(); ++k) dW.data[k] = inv_m * dW.data[k] + lambda * W.data[k];
}

// (BP4) 003 eq. (3): ∂C/∂bˡ = δˡ (001 eq. (3)); for a mini-batch, the mean of the columns of Δˡ.
inline void bias_gradient(Matrix& db, const Matrix& delta) {
    row_sums(db, delta);
    const double inv_m = 1.0 / static_cast<double>(delta.cols);
    for (double& x : db.data) x *= inv_m;
}

struct Gradients {
    std::vector<Matrix> dW, db;   // dW[l − 1]: nₗ × nₗ₋₁, db[l − 1]: nₗ × 1, for l = 1 … L
};

struct Workspace {
    std::vector<Matrix> delta;   // delta[l]: δˡ, nₗ × m
    Matrix fprime, scratch;
};

// Gradients of C (with the L2 term) at the samples whose forward pass is in `cache`.
// 003's algorithm: output error, then back-propagate for l = L − 1, …, 1, with the gradients of
// layer l taken as soon as δˡ is known — for every layer l = L, …, 1 (003's update loop starts
// at L − 1 and so would never train the output layer).
inline void backward(Gradients& grad, const Network& net, const Cache& cache, const Matrix& Y,
                     double lambda, Workspace& work) {
    const std::size_t L = net.layers.size();
    // Zero the gradients, so that a second call can never add onto the first one's numbers.
    grad.dW.resize(L);
    grad.db.resize(L);
    for (std::size_t l = 0; l < L; ++l) {
        grad.dW[l].resize(net.layers[l].W.rows, net.layers[l].W.cols);
        grad.dW[l].fill(0.0);
        grad.db[l].resize(net.layers[l].b.rows, 1);
        grad.db[l].fill(0.0);
    }
    work.delta.resize(L + 1);

    output_error(work.delta[L], net, cache.z[L], cache.a[L], Y, work.fprime);          // (BP1)
    for (std::size_t l = L; l >= 1; --l) {
        const Layer& layer = net.layers[l - 1];
        weight_gradient(grad.dW[l - 1], work.delta[l], cache.a[l - 1], layer.W, lambda,
                        work.scratch);                                                    // (BP3)
        bias_gradient(grad.db[l - 1], work.delta[l]);                                     // (BP4)
        if (l > 1)
            backpropagate_error(work.delta[l - 1], layer.W, work.delta[l], cache.z[l - 1],
                                net.layers[l - 2].f, net.alpha, work.fprime);             // (BP2)
    }
}
