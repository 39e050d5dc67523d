// presets.hpp — the one table of chapter 4's hyper-parameters: the two presets, per model. Every
// text that states one of these values is generated from it (--help, the table in summary.md,
// the README's copy, which a test compares), and bench.cpp times the same configurations.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "common/table.hpp"

namespace ch4 {

struct HyperParameters {
    double eta, omega, decay, lambda;   // η, ω, κ, λ (network.hpp, SgdOptions)
    int batch, epochs;                  // B, and the number of passes over the training set

    SgdOptions sgd() const { return {eta, omega, decay, lambda, static_cast<std::size_t>(batch)}; }
};

// The default preset, per model: accurate and quick. Momentum carries SGD across flat stretches
// and the decay lets it settle. Softmax regression converges more slowly (a convex problem with
// a long, flat valley), so it gets a larger step and more epochs. The MLP gets a slower decay
// and a little L2, which keep it improving for 30 epochs instead of overfitting after 20.
inline constexpr HyperParameters kDefaultMlp{0.05, 0.9, 0.2, 1e-4, 50, 30};
inline constexpr HyperParameters kDefaultLogistic{0.1, 0.9, 1.0, 0.0, 50, 40};

// 001 Methods, for both models: η = 10⁻³, batches of 50, 50 epochs; its SGD has a momentum
// option that the report leaves unused, and no decay for MNIST; λ = 0 gave its best softmax
// regression (Fig. 9).
inline constexpr HyperParameters kReport{1e-3, 0.0, 0.0, 0.0, 50, 50};

struct PresetRow {
    const char* preset;   // --preset
    const char* model;    // --model: "mlp" or "logistic"
    HyperParameters values;
};

inline constexpr std::array<PresetRow, 4> kPresets{{
    {"default", "mlp", kDefaultMlp},
    {"default", "logistic", kDefaultLogistic},
    {"report", "mlp", kReport},
    {"report", "logistic", kReport},
}};

// The preset's hyper-parameters for "mlp" or "logistic".
inline HyperParameters preset_values(const std::string& preset, const std::string& model) {
    for (const PresetRow& row : kPresets)
        if (preset == row.preset && model == row.model) return row.values;
    return kDefaultMlp;   // (unreachable: --preset and --model accept only the names above)
}

// One column of the table: the flag that overrides it, the document's symbol, and the member.
struct HyperParameterColumn {
    const char* flag;                 // "lr" for --lr
    const char* symbol;               // "η" ("" where there is none)
    double HyperParameters::*real;    // the member, when it is a real number …
    int HyperParameters::*whole;      // … or a whole number
};

inline constexpr std::array<HyperParameterColumn, 6> kColumns{{
    {"lr", "η", &HyperParameters::eta, nullptr},
    {"momentum", "ω", &HyperParameters::omega, nullptr},
    {"decay", "κ", &HyperParameters::decay, nullptr},
    {"lambda", "λ", &HyperParameters::lambda, nullptr},
    {"batch", "B", nullptr, &HyperParameters::batch},
    {"epochs", "", nullptr, &HyperParameters::epochs},
}};

inline double value_of(const HyperParameters& h, const HyperParameterColumn& c) {
    return c.real ? h.*c.real : static_cast<double>(h.*c.whole);
}

// The table as text: one row per preset and model, one column per hyper-parameter, headed by
// the flag that overrides it.
inline table::Text preset_table() {
    table::Text t({"preset", "model"});
    for (const HyperParameterColumn& c : kColumns)
        t.header.push_back("--" + std::string(c.flag) + (*c.symbol ? " " + std::string(c.symbol) : ""));
    for (const PresetRow& row : kPresets) {
        std::vector<std::string> cells{row.preset, row.model};
        for (const HyperParameterColumn& c : kColumns) cells.push_back(table::param(value_of(row.values, c)));
        t.add(cells);
    }
    return t;
}

}  // namespace ch4
