// model_file.hpp — a trained model on disk: the small binary format that `--save FILE` writes
// and `--load FILE` reads, for both of 001's classifiers (network.hpp's Network<float>).
//
// The format, every number little-endian (the README's *The model file* shows it as a table):
//
//   offset   bytes  field
//   0        8      magic: the ASCII text "NNEQ4MDL"
//   8        4      format version, uint32: 1
//   12       4      model kind, uint32: 0 softmax regression, 1 MLP
//   16       4      D, inputs (784 for MNIST), uint32
//   20       4      H, hidden units (0 for softmax regression), uint32
//   24       4      K, classes (10), uint32
//   28       4      N, bytes of the note, uint32
//   32       N      the note: UTF-8 text, lines "key: value" — the exact command line that
//                   trained the model ("trained by") and its test accuracy ("test accuracy");
//                   no date, so that the same command writes the same file, bit for bit
//   32 + N   4·P    the parameters, float32, in network.hpp's shapes, each row-major:
//                   Wh (D×H), bh (H), Wo (F×K), bo (K), with F = H, or D without hidden layer;
//                   P = D·H + H + F·K + K (101 770 for 784-128-10)
//   end − 4  4      CRC-32 of every byte before it
//
// The checksum is CRC-32 as in gzip, zip and PNG (IEEE 802.3 polynomial, reflected; Python's
// zlib.crc32 computes the same), so a file can be checked with tools anyone has. A CRC detects
// every burst of damage up to 32 bits long — any one corrupted parameter or header field — and
// lets other damage through with probability 2⁻³²; a plain sum would miss two errors that cancel.
//
// Reading trusts nothing: the header's shapes must agree with the file's size before anything is
// allocated, so a header cannot make the reader allocate more than the file holds, and the
// reader accepts regular files of at most kMaxModelBytes only (files::read_all). Every problem is
// one DataError naming the file and, where it shows, the byte offset.
#pragma once

#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"

namespace ch4 {

inline constexpr std::string_view kModelMagic = "NNEQ4MDL";
inline constexpr std::uint32_t kModelVersion = 1;
inline constexpr std::uint32_t kSoftmaxRegression = 0, kMlp = 1;   // the model kinds
inline constexpr std::size_t kModelHeader = 32;                     // bytes before the note

// The largest model the reader accepts: at most 4096 inputs (a 64×64 image; MNIST has 784), at
// most 4096 hidden units (the largest --hidden), K = 10, a note of at most 4096 bytes. Its file
// is 32 + 4096 + 4·(4096·4096 + 4096 + 4096·10 + 10) + 4 = 67 293 260 bytes.
inline constexpr std::uint32_t kMaxModelInputs = 4096, kMaxModelHidden = 4096, kMaxNoteBytes = 4096;
inline constexpr std::uintmax_t kMaxModelBytes =
    kModelHeader + kMaxNoteBytes +
    4 * (std::uintmax_t{kMaxModelInputs} * kMaxModelHidden + kMaxModelHidden + kMaxModelHidden * kClasses + kClasses) + 4;

// A model as the file holds it: the network and its note.
struct SavedModel {
    Network<float> net;
    std::string note;   // "trained by: …\ntest accuracy: …\n"
};

// The note of a model trained by `command` (the exact command line) to `test_accuracy`.
inline std::string model_note(const std::string& command, const std::string& test_accuracy) {
    return "trained by: " + command + "\ntest accuracy: " + test_accuracy + "\n";
}

// P, the number of parameters of a D-H-K network (H = 0: softmax regression).
inline std::uintmax_t parameter_count(std::uintmax_t D, std::uintmax_t H, std::uintmax_t K) {
    const std::uintmax_t F = H ? H : D;
    return D * H + H + F * K + K;
}

// "MLP 784-128-10" or "softmax regression 784-10".
inline std::string model_shape_text(std::size_t D, std::size_t H, std::size_t K) {
    return H ? "MLP " + std::to_string(D) + "-" + std::to_string(H) + "-" + std::to_string(K)
             : "softmax regression " + std::to_string(D) + "-" + std::to_string(K);
}

// ---------------------------------------------------------------------------------------------
// CRC-32 (IEEE 802.3, reflected, initial value and final xor 0xFFFFFFFF): the remainder of the
// message, as a polynomial over GF(2), divided by 0x04C11DB7, computed a byte at a time with a
// table of the 256 remainders of one byte.

inline constexpr std::array<std::uint32_t, 256> kCrcTable = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;   // 0xEDB88320: the polynomial reflected
        t[n] = c;
    }
    return t;
}();

inline std::uint32_t crc32(std::string_view bytes) {
    std::uint32_t c = 0xFFFFFFFFu;
    for (const char b : bytes) c = kCrcTable[(c ^ static_cast<unsigned char>(b)) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

// ---------------------------------------------------------------------------------------------
// Writing.

inline void put_le32(std::string& s, std::uint32_t v) {
    for (int shift = 0; shift < 32; shift += 8) s += static_cast<char>((v >> shift) & 0xFF);
}

inline std::uint32_t get_le32(std::string_view s, std::size_t offset) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v |= std::uint32_t{static_cast<unsigned char>(s[offset + i])} << (8 * i);
    return v;
}

// The file's bytes for `net` and `note` (the note at most kMaxNoteBytes: longer ones are cut).
inline std::string serialise_model(const Network<float>& net, std::string note) {
    if (note.size() > kMaxNoteBytes) note.resize(kMaxNoteBytes);
    std::string s(kModelMagic);
    for (const std::size_t v : {std::size_t{kModelVersion}, std::size_t{net.hidden ? kMlp : kSoftmaxRegression},
                                net.inputs, net.hidden, net.classes, note.size()})
        put_le32(s, static_cast<std::uint32_t>(v));
    s += note;
    for (const Matrix<float>* m : {&net.Wh, &net.bh, &net.Wo, &net.bo})
        for (std::size_t k = 0; k < m->size(); ++k) put_le32(s, std::bit_cast<std::uint32_t>((*m)[k]));
    put_le32(s, crc32(s));
    return s;
}

// Can the reader take a network of these shapes back? (Checked before training, so that --save
// cannot fail after it.)
inline bool savable(std::size_t inputs, std::size_t hidden) {
    return inputs >= 1 && inputs <= kMaxModelInputs && hidden <= kMaxModelHidden;
}

// Write the model to `path`, whole or not at all (files::write_atomic).
inline void save_model(const std::filesystem::path& path, const Network<float>& net, const std::string& note) {
    files::write_atomic(path, serialise_model(net, note));
}

// ---------------------------------------------------------------------------------------------
// Reading.

namespace detail {

// Magic, version, kind and shapes, each against what the format allows; the sizes it promises
// against the file's size. Returns the note's size.
inline std::size_t check_model_header(std::string_view b, const std::string& source) {
    const std::string_view begins = b.substr(0, kModelMagic.size());
    if (begins != kModelMagic.substr(0, begins.size()))
        throw DataError(source + ": not a chapter 4 model file: it does not begin with \"NNEQ4MDL\" "
                        "(write one with --save FILE)");
    if (b.size() < kModelHeader)
        throw DataError(source + ": truncated header: " + std::to_string(b.size()) +
                        " bytes, a model file starts with a 32-byte header");
    const std::uint32_t version = get_le32(b, 8), kind = get_le32(b, 12), D = get_le32(b, 16),
                        H = get_le32(b, 20), K = get_le32(b, 24), N = get_le32(b, 28);
    const auto at = [&](int offset) { return source + ": offset " + std::to_string(offset) + ": "; };
    if (version != kModelVersion)
        throw DataError(at(8) + "format version " + std::to_string(version) + "; this program reads version " +
                        std::to_string(kModelVersion));
    if (kind != kSoftmaxRegression && kind != kMlp)
        throw DataError(at(12) + "model kind " + std::to_string(kind) + ", expected 0 (softmax regression) or 1 (MLP)");
    if (D < 1 || D > kMaxModelInputs)
        throw DataError(at(16) + std::to_string(D) + " inputs, expected 1 to " + std::to_string(kMaxModelInputs));
    if (kind == kSoftmaxRegression && H != 0)
        throw DataError(at(20) + std::to_string(H) + " hidden units, but a softmax regression has none");
    if (kind == kMlp && (H < 1 || H > kMaxModelHidden))
        throw DataError(at(20) + std::to_string(H) + " hidden units, expected 1 to " + std::to_string(kMaxModelHidden));
    if (K != kClasses)
        throw DataError(at(24) + std::to_string(K) + " classes, expected " + std::to_string(kClasses) + " (the digits)");
    if (N > kMaxNoteBytes)
        throw DataError(at(28) + std::to_string(N) + " bytes of note, at most " + std::to_string(kMaxNoteBytes));
    // Every field is bounded now, so this sum cannot overflow.
    const std::uintmax_t expected = kModelHeader + N + 4 * parameter_count(D, H, K) + 4;
    if (b.size() != expected)
        throw DataError(source + ": file is " + std::to_string(b.size()) + " bytes, but its header promises " +
                        (H ? "an " : "a ") + model_shape_text(D, H, K) + " with a " + std::to_string(N) + "-byte note (" +
                        std::to_string(expected) + " bytes): truncated or corrupted file");
    return N;
}

inline std::string hex32(std::uint32_t v) {
    char buf[11];
    std::snprintf(buf, sizeof buf, "0x%08X", v);
    return buf;
}

// Fill one parameter matrix from the bytes at `offset`; each value must be a finite number.
inline void read_parameters(Matrix<float>& m, const char* name, std::string_view b, std::size_t& offset,
                            const std::string& source) {
    for (std::size_t k = 0; k < m.size(); ++k, offset += 4) {
        m[k] = std::bit_cast<float>(get_le32(b, offset));
        if (!std::isfinite(m[k]))
            throw DataError(source + ": offset " + std::to_string(offset) + ": parameter " + name + "(" +
                            std::to_string(k / m.cols()) + ", " + std::to_string(k % m.cols()) +
                            ") is not a finite number");
    }
}

}  // namespace detail

// Parse a model file's bytes (tests, fuzzing); `source` names it in messages.
inline SavedModel parse_model(std::string_view b, const std::string& source) {
    const std::size_t N = detail::check_model_header(b, source);
    const std::uint32_t stored = get_le32(b, b.size() - 4), computed = crc32(b.substr(0, b.size() - 4));
    if (stored != computed)
        throw DataError(source + ": checksum mismatch (CRC-32 stored " + detail::hex32(stored) + ", computed " +
                        detail::hex32(computed) + "): the file is corrupted");
    SavedModel m;
    Network<float>& net = m.net;
    net.inputs = get_le32(b, 16);
    net.hidden = get_le32(b, 20);
    net.classes = get_le32(b, 24);
    if (net.hidden) {
        net.Wh = Matrix<float>(net.inputs, net.hidden);
        net.bh = Matrix<float>(1, net.hidden);
    }
    net.Wo = Matrix<float>(net.features(), net.classes);
    net.bo = Matrix<float>(1, net.classes);
    m.note = std::string(b.substr(kModelHeader, N));
    std::size_t offset = kModelHeader + N;
    detail::read_parameters(net.Wh, "Wh", b, offset, source);
    detail::read_parameters(net.bh, "bh", b, offset, source);
    detail::read_parameters(net.Wo, "Wo", b, offset, source);
    detail::read_parameters(net.bo, "bo", b, offset, source);
    return m;
}

// Read the model file at `path`: a regular file of at most kMaxModelBytes (a FIFO, device,
// folder or anything larger is named and not read), parsed by parse_model.
inline SavedModel load_model(const std::filesystem::path& path) {
    try {
        return parse_model(files::read_all(path, kMaxModelBytes), path.string());
    } catch (const FileNotFound&) {
        throw DataError("model file " + path.string() + " not found (write one with --save FILE)");
    }
}

// One value of the note's "key: value" lines ("" when there is no such line).
inline std::string note_value(const std::string& note, const std::string& key) {
    const std::string prefix = key + ": ";
    std::size_t start = 0;
    while (start < note.size()) {
        std::size_t end = note.find('\n', start);
        if (end == std::string::npos) end = note.size();
        if (note.compare(start, prefix.size(), prefix) == 0) return note.substr(start + prefix.size(), end - start - prefix.size());
        start = end + 1;
    }
    return "";
}

}  // namespace ch4
