// predict.hpp — one image through a saved model: `--load FILE --predict IMAGE.pgm` (a picture
// of a digit, after MNIST's preprocessing, digits.hpp) or `--load FILE --predict-index N` (a test
// image, fed as it is); prints the ten probabilities and the predicted digit, and with
// `--predict-out` writes the 28×28 image the network saw. A prediction writes no result folder.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "chapters/chapter4_mnist_softmax/digits.hpp"
#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/model_file.hpp"
#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "chapters/chapter4_mnist_softmax/options.hpp"
#include "chapters/chapter4_mnist_softmax/pgm.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"
#include "common/table.hpp"

namespace ch4 {

struct Prediction {
    std::array<float, kClasses> z{}, a{};   // the logits z_o and the probabilities a = S(z_o)
    std::uint8_t digit = 0;                 // the class of the largest z (as evaluation counts it)
};

// 001's forward pass for one image of D bytes (0 … 255), scaled by 1/255 as every MNIST image:
//   MLP                 a = S(R(x·Wh + bh)·Wo + bo)     (§Backpropagation, Table 1, §Choice of loss)
//   softmax regression  a = S(x·Wo + bo)
// with network.hpp's functions on a batch of one, so that the numbers are the evaluation's.
inline Prediction predict(const Network<float>& net, const std::uint8_t* pixels) {
    Matrix<float> X(1, net.inputs), Zh(1, net.hidden), Zo(1, net.classes), A(1, net.classes);
    for (std::size_t j = 0; j < net.inputs; ++j) X[j] = static_cast<float>(pixels[j]) / 255.0f;
    View<const float> output_input = X.view();
    if (net.hidden) {
        dense_forward(Zh.view(), output_input, net.Wh.view(), net.bh.data());
        relu_forward(Zh.view(), Zh.view());
        output_input = Zh.view();
    }
    dense_forward(Zo.view(), output_input, net.Wo.view(), net.bo.data());
    softmax_forward(A.view(), std::as_const(Zo).view());
    Prediction p;
    for (std::size_t k = 0; k < kClasses; ++k) {
        p.z[k] = Zo[k];
        p.a[k] = A[k];
    }
    p.digit = predicted_class(Zo.data(), kClasses);
    return p;
}

// What the preprocessing did, in one line: box → fitted → centred.
inline std::string preprocessing_text(const Preprocessed& p) {
    const auto n = [](std::size_t v) { return std::to_string(v); };
    return "ink in a " + n(p.box.width) + "×" + n(p.box.height) + " box at (" + n(p.box.x0) + ", " + n(p.box.y0) +
           ") → scaled to " + n(p.fit_width) + "×" + n(p.fit_height) + " → centre of mass (" + table::fixed(p.cx, 2) +
           ", " + table::fixed(p.cy, 2) + ") moved to the centre (14, 14) of 28×28: box at (" + std::to_string(p.dx) +
           ", " + std::to_string(p.dy) + ")";
}

// The model in one line: its file, its shape, the command that trained it and its test accuracy.
inline std::string model_text(const std::string& path, const SavedModel& model) {
    const Network<float>& net = model.net;
    const std::string accuracy = note_value(model.note, "test accuracy");
    return "model: " + path + ", " + model_shape_text(net.inputs, net.hidden, net.classes) + ", trained by `" +
           shown(note_value(model.note, "trained by"), 200) + "`" +
           (accuracy.empty() ? "" : " (test accuracy " + shown(accuracy) + ")");
}

// The picture in a PGM file, through MNIST's preprocessing; its story in `lines`.
inline std::array<std::uint8_t, kField * kField> picture_input(const std::string& path, std::vector<std::string>& lines) {
    const Pgm img = read_pgm(path);
    const bool inverted = light_border(img);
    Preprocessed p;
    if (!preprocess(ink_of(img, inverted), p))
        throw DataError(path + ": no ink: every pixel is " + (inverted ? "light" : "dark") +
                        " paper (less than 10 % ink)");
    lines.push_back("image: " + path + ", " + std::to_string(img.width) + "×" + std::to_string(img.height) +
                    " pixels (P" + img.format + ", maxval " + std::to_string(img.maxval) + "), " +
                    (inverted ? "light border: dark ink on paper, inverted" : "dark border: light ink, as MNIST's"));
    lines.push_back("preprocessing: " + preprocessing_text(p));
    return p.image;
}

// Test image n of --data, as it is.
inline std::array<std::uint8_t, kField * kField> test_input(const Options& o, std::size_t n, std::vector<std::string>& lines) {
    const std::filesystem::path dir = o.data;
    const Dataset test = read_idx(dir / "t10k-images-idx3-ubyte", dir / "t10k-labels-idx1-ubyte");
    if (n >= test.count)
        throw UsageError("--predict-index " + std::to_string(n) + ": the test set has " + std::to_string(test.count) +
                         " images, 0 to " + std::to_string(test.count - 1));
    if (test.pixels_per_image() != kField * kField)
        throw DataError(dir.string() + ": test images of " + std::to_string(test.rows) + "×" + std::to_string(test.cols) +
                        " pixels; --predict-index takes 28×28");
    lines.push_back("image: test image " + std::to_string(n) + " of " + dir.string() + " (its label: " +
                    std::to_string(test.labels[n]) + "), as it is: MNIST's images are preprocessed already");
    std::array<std::uint8_t, kField * kField> x{};
    std::copy_n(test.image(n), x.size(), x.begin());
    return x;
}

// The prediction run: the model, the image, the ten probabilities (standard output).
inline int run_predict(const Options& o) {
    if (!o.predict_out.empty()) files::check_output_file(o.predict_out);
    const SavedModel model = load_model(o.load);
    const Network<float>& net = model.net;
    if (net.inputs != kField * kField)
        throw DataError(o.load + ": the model takes " + std::to_string(net.inputs) +
                        " inputs; a prediction makes 28×28 = 784");
    std::vector<std::string> lines{model_text(o.load, model)};
    const auto x = o.predict.empty() ? test_input(o, *o.predict_index, lines) : picture_input(o.predict, lines);
    if (!o.predict_out.empty())
        files::write_atomic(o.predict_out, pgm_p5(kField, kField, x.data(), "the 28x28 image the network saw"));
    const Prediction p = predict(net, x.data());
    table::Text t({"digit", "probability", ""});
    for (std::size_t k = 0; k < kClasses; ++k)
        t.add({std::to_string(k), table::fixed(p.a[k], 6), k == p.digit ? "← predicted" : ""});
    for (const std::string& line : lines) std::cout << line << "\n";
    std::cout << "\n" << t.aligned() << "\npredicted digit: " << int{p.digit} << " (" << table::percent(p.a[p.digit])
              << ")\n";
    return 0;
}

}  // namespace ch4
