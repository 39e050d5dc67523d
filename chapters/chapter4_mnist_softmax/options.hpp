// options.hpp — chapter 4's command line: the flags, their help, and the hyper-parameters of a
// model under a preset and the flags given.
//
// A hyper-parameter flag (--lr, --momentum, --decay, --lambda, --batch, --epochs) has no default
// of its own: when it is not given, the preset's value for the model is used. So the help prints
// no default beside these flags but the preset table (presets.hpp) above them, and each such
// flag is registered as text and read as a number here, with the same checks and messages as
// every other numeric flag.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>

#include "chapters/chapter4_mnist_softmax/presets.hpp"
#include "common/cli.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"

namespace ch4 {

struct Options {
    std::string preset = "default", model = "both";
    int hidden = 128;
    int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    int train_size = 0, test_size = 0;
    std::uint64_t seed = 2020;
    bool reference = false;   // train with network.hpp's ReferenceSgd instead of the Trainer
    bool tune = false;        // run the validation search (selection.hpp) instead of training
    bool validation = false;  // hold the validation set out of training and score it every epoch
    bool penalise_bias = false;   // the L2 penalty on the biases too (001, Discussion)
    bool allow_large = false;     // run even beyond run_size.hpp's hard bounds
    std::string data = (files::datasets_dir() / "mnist").string();
    std::string out = files::default_results_dir("chapter4").string();
    // The hyper-parameter flags as typed ("" when not given), in the order of kColumns, and
    // their values once read_hyper_parameter_flags has checked them.
    std::array<std::string, kColumns.size()> hyper_text;
    std::array<std::optional<double>, kColumns.size()> hyper_given;
    // A saved model (model_file.hpp) and one image to classify with it (predict.hpp).
    std::string save, load, predict, predict_out;
    std::string predict_index_text;             // --predict-index as typed ("" when not given)
    std::optional<std::size_t> predict_index;   // its value, once read_model_flags has checked it

    bool predicting() const { return !predict.empty() || predict_index.has_value(); }
};

// What each hyper-parameter flag means, and its range, in the order of kColumns.
struct HyperParameterFlag {
    const char* meaning;
    cli::Bounds bounds;
};

inline const std::array<HyperParameterFlag, kColumns.size()>& hyper_parameter_flags() {
    static const std::array<HyperParameterFlag, kColumns.size()> flags{{
        {"learning rate η of the first epoch", cli::positive()},
        {"momentum ω in v <- ω v + η ∇C, θ <- θ - v (0: plain SGD)", cli::Bounds{0, 1, false, true}},
        {"learning-rate decay κ: η_e = η / (1 + κ e) in epoch e = 0, 1, ...", cli::non_negative()},
        {"L2 penalty λ ‖W‖² on the weights (not the biases)", cli::non_negative()},
        {"mini-batch size B", cli::between(1, 60000)},
        {"passes over the training set", cli::between(1, 100000)},
    }};
    return flags;
}

inline const char* kAbout =
    "MNIST with softmax regression ('logistic') and a 784-H-10 ReLU MLP ('mlp'), mini-batch SGD "
    "on all cores (001, Methods and Results).\n\n"
    "Hyper-parameters of each preset and model; a flag given on the command line replaces its "
    "column:\n\n";

// The flags that save, load and use a trained model (model_file.hpp, predict.hpp).
inline void add_model_flags(cli::Flags& flags, Options& o) {
    flags.add("save", o.save,
              "after training, write the MLP (with --model logistic: the softmax regression) to this file, "
              "a small binary file (README: The model file)");
    flags.add("load", o.load,
              "train nothing: evaluate the model saved in this file (by --save) on the training and test sets "
              "and write its results (with draw.html for an MLP) to --out");
    flags.add("predict", o.predict,
              "with --load: classify the digit in this PGM picture (P2 or P5, any size) after "
              "MNIST's preprocessing; print the ten probabilities");
    flags.add("predict-index", o.predict_index_text,
              "with --load: classify this test image of --data (0, 1, ...), as it is (MNIST's images are preprocessed)");
    flags.add("predict-out", o.predict_out,
              "with --predict or --predict-index: write the 28x28 image the network saw to this file (PGM)");
}

// The help's opening: what the program does, the preset table, and the grid that --tune searches.
inline std::string about_text() {
    std::string about = kAbout + preset_table().aligned() +
                        "\nThe default preset is what --tune chose on the validation set. --tune searches, "
                        "per model:\n";
    for (const char* model : {"mlp", "logistic"})
        about += std::string("  ") + model + ": " + tuning_grid_text(tuning_grid(model)) + "\n";
    about.pop_back();   // the usage adds the blank line after it
    return about;
}

// Every flag of chapter 4, bound to `o` (which must outlive the result).
inline cli::Flags make_flags(Options& o) {
    const std::string about = about_text();
    cli::Flags flags("chapter4", about);
    flags.add("preset", o.preset,
              "hyper-parameters: 'default' (accurate and quick, per model) or 'report' (001's set-up); "
              "see the table above", {"default", "report"});
    flags.add("model", o.model, "which model(s) to train", {"mlp", "logistic", "both"});
    flags.add("hidden", o.hidden, "hidden ReLU units of the MLP", cli::between(1, 4096));
    for (std::size_t k = 0; k < kColumns.size(); ++k) {
        const HyperParameterFlag& f = hyper_parameter_flags()[k];
        flags.add(kColumns[k].flag, o.hyper_text[k],
                  std::string(f.meaning) + " (" + f.bounds.describe() + "; default: the preset's, above)");
    }
    flags.add("penalise-bias", o.penalise_bias,
              "penalise the biases too: λ(‖W‖² + ‖b‖²), as 001's Discussion describes its runs");
    flags.add("tune", o.tune,
              "choose each model's η, κ, λ and epochs on a validation set held out of the training images "
              "(the grid above; the test files are not read) and write tuning.csv; --epochs and --batch "
              "replace the grid's");
    flags.add("validation", o.validation,
              "hold the validation set that --tune uses (one training image in six, seeded) out of training "
              "and score it after every epoch: metrics.csv gains val_loss,val_acc");
    flags.add("reference", o.reference,
              "train with the reference SGD step (network.hpp: one thread, every gradient stored; "
              "slower; the same bits where lambda = 0, the same within float rounding otherwise)");
    flags.add("threads", o.threads,
              "threads (the default is the number of cores); the λ sweep and --tune run that many "
              "trainings at once, one thread each", cli::between(1, 256));
    flags.add("train-size", o.train_size, "use only the first N training images (0: all)", cli::non_negative());
    flags.add("test-size", o.test_size, "use only the first N test images (0: all)", cli::non_negative());
    flags.add("seed", o.seed, "seed of the initial weights, of the epochs' orders and of the validation split");
    flags.add("data", o.data, "folder with the four MNIST IDX files (fetch them with `make mnist`)");
    flags.add("out", o.out, "output folder");
    flags.add("allow-large", o.allow_large,
              "run even when the estimated time exceeds 1 h or the memory 4 GB (README: Large runs)");
    add_model_flags(flags, o);
    return flags;
}

// Read every hyper-parameter flag that was given as a number within its range; a UsageError
// worded as for any numeric flag ("--lr: 0 is out of range (must be > 0)") otherwise.
inline void read_hyper_parameter_flags(Options& o, const cli::Flags& flags) {
    for (std::size_t k = 0; k < kColumns.size(); ++k) {
        const std::string name = kColumns[k].flag;
        if (!flags.given(name)) continue;
        const cli::Bounds& bounds = hyper_parameter_flags()[k].bounds;
        double value = 0;
        std::string error, shown;
        if (kColumns[k].whole) {
            int whole = 0;
            error = cli::parse_value(o.hyper_text[k], whole);
            value = whole;
            shown = std::to_string(whole);
        } else {
            error = cli::parse_value(o.hyper_text[k], value);
            shown = cli::number_text(value);
        }
        if (error.empty() && !bounds.contains(value))
            error = shown + " is out of range (" + bounds.describe() + ")";
        if (!error.empty()) throw UsageError("--" + name + ": " + error);
        o.hyper_given[k] = value;
    }
}

// Check how --save, --load, --predict, --predict-index and --predict-out go together (and with
// the training flags); read --predict-index. A UsageError says what to change.
inline void read_model_flags(Options& o, const cli::Flags& flags) {
    if (flags.given("predict-index")) {
        int n = 0;
        std::string error = cli::parse_value(o.predict_index_text, n);
        if (error.empty() && n < 0) error = std::to_string(n) + " is out of range (must be >= 0)";
        if (!error.empty()) throw UsageError("--predict-index: " + error);
        o.predict_index = static_cast<std::size_t>(n);
    }
    if (!o.predict.empty() && o.predict_index)
        throw UsageError("give --predict FILE or --predict-index N, not both");
    if (o.predicting() && o.load.empty())
        throw UsageError(std::string(o.predict.empty() ? "--predict-index" : "--predict") +
                         " needs a trained model: give --load FILE, a model written by a run with --save FILE");
    if (!o.predict_out.empty() && !o.predicting())
        throw UsageError("--predict-out needs --predict FILE or --predict-index N");
    if (o.load.empty()) return;
    if (!o.save.empty()) throw UsageError("--save and --load together: the loaded model is saved already");
    for (const char* name : {"preset", "model", "hidden", "lr", "momentum", "decay", "lambda", "batch", "epochs",
                             "reference", "penalise-bias", "validation"})
        if (flags.given(name))
            throw UsageError(std::string("--load evaluates a saved model and trains nothing: drop --") + name);
    if (!o.predicting()) return;
    // A prediction reads one image and writes no result folder.
    for (const char* name : {"out", "train-size", "test-size", "seed", "threads"})
        if (flags.given(name))
            throw UsageError(std::string("--") + name + " has no meaning with " +
                             (o.predict.empty() ? "--predict-index" : "--predict") +
                             ", which classifies one image and writes no result folder: drop it");
    if (!o.predict.empty() && flags.given("data"))
        throw UsageError("--data has no meaning with --predict FILE, which reads the picture alone: drop it "
                         "(--predict-index N reads test image N of --data)");
}

// Were any of the hyper-parameters given on the command line?
inline bool any_hyper_parameter_given(const Options& o) {
    return std::any_of(o.hyper_given.begin(), o.hyper_given.end(), [](const auto& v) { return v.has_value(); });
}

// The hyper-parameters of `model` ("mlp" or "logistic"): the preset's, each replaced by its flag
// where that was given.
inline HyperParameters hyper_parameters(const Options& o, const std::string& model) {
    HyperParameters h = preset_values(o.preset, model);
    for (std::size_t k = 0; k < kColumns.size(); ++k) {
        if (!o.hyper_given[k]) continue;
        if (kColumns[k].real) h.*kColumns[k].real = *o.hyper_given[k];
        else h.*kColumns[k].whole = static_cast<int>(*o.hyper_given[k]);
    }
    return h;
}

}  // namespace ch4
