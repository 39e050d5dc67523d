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

// The default preset, per model: what `chapter4 --tune` chose (seed 2020) — the highest
// accuracy on 10 000 images held out of the training set over the grid below (tuning_grid),
// never a test score. Momentum carries SGD across flat stretches and the decay lets it settle;
// the MLP also takes a little L2. The final models train on all 60 000 training images with
// these values, and the test set scores them.
inline constexpr HyperParameters kDefaultMlp{0.1, 0.9, 0.3, 1e-4, 50, 22};
inline constexpr HyperParameters kDefaultLogistic{0.1, 0.9, 1.0, 0.0, 50, 29};

// 001 Methods, for both models: η = 10⁻³, batches of 50, 50 epochs; its SGD has a momentum
// option that the report leaves unused, and no decay for MNIST; λ = 0 gave its best softmax
// regression (Fig. 9).
inline constexpr HyperParameters kReport{1e-3, 0.0, 0.0, 0.0, 50, 50};

// 001 Methods and Fig. 9: softmax regression trained with these λ under the report's set-up.
inline constexpr std::array<double, 4> kReportLambdas{0.0, 0.01, 0.1, 1.0};

// The validation search (`--tune`, selection.hpp): for each model every combination of η, κ and
// λ below, with momentum ω and batch B fixed, trained for `epochs` epochs (each epoch count up
// to it is a candidate too). The values are about a factor 3 apart in η (what SGD is most
// sensitive to) and a decade or so apart in κ and λ, centred on what works for SGD with
// momentum 0.9 on these models; ω is not searched: with momentum, what matters first is the
// effective step η/(1 − ω), which the η values already span.
struct TuningGrid {
    std::vector<double> eta, decay, lambda;
    double omega;
    int batch, epochs;
};

inline TuningGrid tuning_grid(const std::string& model) {
    if (model == "mlp") return {{0.03, 0.1, 0.3}, {0.1, 0.3}, {0.0, 1e-4, 1e-3}, 0.9, 50, 30};
    return {{0.03, 0.1, 0.3}, {0.3, 1.0, 3.0}, {0.0, 1e-4}, 0.9, 50, 40};
}

// The grid of one model in words: "η ∈ {0.02, 0.05, 0.1} × κ ∈ {0.1, 0.3} × … , ω = 0.9, B = 50,
// epochs 1–30".
inline std::string tuning_grid_text(const TuningGrid& g) {
    auto set = [](const std::vector<double>& v) {
        std::string s = "{";
        for (std::size_t k = 0; k < v.size(); ++k) s += (k ? ", " : "") + table::param(v[k]);
        return s + "}";
    };
    return "η ∈ " + set(g.eta) + " × κ ∈ " + set(g.decay) + " × λ ∈ " + set(g.lambda) + ", ω = " +
           table::param(g.omega) + ", B = " + std::to_string(g.batch) + ", epochs 1–" + std::to_string(g.epochs);
}

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
