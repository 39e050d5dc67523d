// Tests of chapter 4's model file (model_file.hpp): a saved model reads back to the same bits
// and classifies the same; the bytes are laid out as documented; every truncation, foreign
// files, absurd headers, a wrong checksum and non-finite parameters are rejected with a message
// naming the file; thousands of random mutations are rejected or read consistently; special
// files are named and never read. It also writes the model files the command-line tests use.
#include <bit>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <sys/stat.h>   // mkfifo

#include "chapters/chapter4_mnist_softmax/model_file.hpp"
#include "chapters/chapter4_mnist_softmax/network.hpp"
#include "common/files.hpp"
#include "common/random.hpp"
#include "testing.hpp"

using namespace ch4;

namespace {

// A small network with Glorot weights and non-zero biases: D inputs, H hidden (0: softmax regression).
Network<float> small_network(std::size_t D, std::size_t H, std::uint64_t seed) {
    Rng rng(seed);
    Network<float> net = make_network<float>(D, H, kClasses, rng);
    for (std::size_t k = 0; k < net.bh.size(); ++k) net.bh[k] = static_cast<float>(rng.uniform(-1, 1));
    for (std::size_t k = 0; k < net.bo.size(); ++k) net.bo[k] = static_cast<float>(rng.uniform(-1, 1));
    return net;
}

// Every parameter equal bit for bit (so −0 and 0 differ), and the same shapes.
bool same_bits(const Network<float>& a, const Network<float>& b) {
    if (a.inputs != b.inputs || a.hidden != b.hidden || a.classes != b.classes) return false;
    const Matrix<float>* ma[] = {&a.Wh, &a.bh, &a.Wo, &a.bo};
    const Matrix<float>* mb[] = {&b.Wh, &b.bh, &b.Wo, &b.bo};
    for (int m = 0; m < 4; ++m) {
        if (ma[m]->rows() != mb[m]->rows() || ma[m]->cols() != mb[m]->cols()) return false;
        for (std::size_t k = 0; k < ma[m]->size(); ++k)
            if (std::bit_cast<std::uint32_t>((*ma[m])[k]) != std::bit_cast<std::uint32_t>((*mb[m])[k])) return false;
    }
    return true;
}

const std::string kNote = model_note("chapter4 --save m.bin", "98.11 %");

// The file with its last four bytes replaced by the CRC-32 of the rest (a "writer" that makes
// a consistent file of whatever it was given).
std::string resealed(std::string s) {
    if (s.size() < 4) return s;
    s.resize(s.size() - 4);
    put_le32(s, crc32(s));
    return s;
}

SavedModel parse(const std::string& bytes) { return parse_model(bytes, "m.bin"); }

}  // namespace

// CRC-32's standard check value: "123456789" → 0xCBF43926 (as zlib.crc32, gzip, PNG).
TEST_CASE(crc32_gives_the_standard_check_value) {
    CHECK_EQ(crc32("123456789"), 0xCBF43926u);
    CHECK_EQ(crc32(""), 0u);
    CHECK_EQ(crc32("a"), 0xE8B7BE43u);
}

TEST_CASE(a_saved_model_reads_back_to_the_same_bits) {
    for (const std::size_t H : {std::size_t{0}, std::size_t{5}}) {
        Network<float> net = small_network(12, H, 7 + H);
        // Values a careless format would change: −0, a subnormal, the largest float, ±1.
        net.Wo[0] = -0.0f;
        net.Wo[1] = std::numeric_limits<float>::denorm_min();
        net.Wo[2] = std::numeric_limits<float>::max();
        net.Wo[3] = -std::numeric_limits<float>::max();
        const SavedModel back = parse(serialise_model(net, kNote));
        CHECK(same_bits(back.net, net));
        CHECK_EQ(back.note, kNote);
        CHECK_EQ(note_value(back.note, "trained by"), std::string("chapter4 --save m.bin"));
        CHECK_EQ(note_value(back.note, "test accuracy"), std::string("98.11 %"));
        CHECK_EQ(note_value(back.note, "nothing"), std::string(""));
        // Through a file on disk, and saved again: the same bytes.
        const auto dir = testing::scratch_dir("ch4_model_round_trip");
        save_model(dir / "m.bin", net, kNote);
        const SavedModel from_disk = load_model(dir / "m.bin");
        CHECK(same_bits(from_disk.net, net));
        CHECK(serialise_model(from_disk.net, from_disk.note) == files::read_all(dir / "m.bin"));
    }
}

// The loaded network computes what the saved one computes: the same loss, bit for bit.
TEST_CASE(a_loaded_model_classifies_as_the_saved_one) {
    const Network<float> net = small_network(12, 5, 3);
    const Network<float> back = parse(serialise_model(net, "")).net;
    Rng rng(5);
    Matrix<float> X(20, 12);
    std::vector<std::uint8_t> y(20);
    for (std::size_t k = 0; k < X.size(); ++k) X[k] = static_cast<float>(rng.uniform());
    for (auto& label : y) label = static_cast<std::uint8_t>(rng.below(kClasses));
    const double a = loss_and_gradient<float>(net, std::as_const(X).view(), y.data(), 0.0, nullptr);
    const double b = loss_and_gradient<float>(back, std::as_const(X).view(), y.data(), 0.0, nullptr);
    CHECK_EQ(std::bit_cast<std::uint64_t>(a), std::bit_cast<std::uint64_t>(b));
}

// The layout of model_file.hpp's table, byte by byte.
TEST_CASE(the_bytes_are_laid_out_as_documented) {
    const Network<float> net = small_network(12, 5, 11);
    const std::string s = serialise_model(net, "ab");
    CHECK_EQ(s.substr(0, 8), std::string("NNEQ4MDL"));
    CHECK_EQ(get_le32(s, 8), 1u);    // version
    CHECK_EQ(get_le32(s, 12), 1u);   // MLP
    CHECK_EQ(get_le32(s, 16), 12u);
    CHECK_EQ(get_le32(s, 20), 5u);
    CHECK_EQ(get_le32(s, 24), 10u);
    CHECK_EQ(get_le32(s, 28), 2u);
    CHECK_EQ(s.substr(32, 2), std::string("ab"));
    const std::size_t P = 12 * 5 + 5 + 5 * 10 + 10;
    CHECK_EQ(parameter_count(12, 5, 10), std::uintmax_t{P});
    CHECK_EQ(s.size(), 32 + 2 + 4 * P + 4);
    // Wh(0, 1) is the second float; bh starts after D·H floats; bo(9) is the last.
    CHECK_EQ(get_le32(s, 34 + 4), std::bit_cast<std::uint32_t>(net.Wh(0, 1)));
    CHECK_EQ(get_le32(s, 34 + 4 * 60), std::bit_cast<std::uint32_t>(net.bh[0]));
    CHECK_EQ(get_le32(s, 34 + 4 * (P - 1)), std::bit_cast<std::uint32_t>(net.bo[9]));
    CHECK_EQ(get_le32(s, s.size() - 4), crc32(std::string_view(s).substr(0, s.size() - 4)));
    // Softmax regression: kind 0, no hidden layer, Wo is D×K.
    const std::string r = serialise_model(small_network(12, 0, 1), "");
    CHECK_EQ(get_le32(r, 12), 0u);
    CHECK_EQ(get_le32(r, 20), 0u);
    CHECK_EQ(r.size(), 32 + 4 * (12 * 10 + 10) + 4u);
    // The bound is the file of the largest model the reader takes.
    CHECK_EQ(kMaxModelBytes, std::uintmax_t{67293260});
}

// Every proper prefix of a valid file, in memory and on disk, is rejected with a message.
TEST_CASE(every_truncation_is_rejected) {
    const std::string s = serialise_model(small_network(6, 3, 2), "note");
    for (std::size_t n = 0; n < s.size(); ++n)
        CHECK_THROWS(parse(s.substr(0, n)), DataError, n < 32 ? "m.bin: truncated header" : "truncated or corrupted file");
    const auto dir = testing::scratch_dir("ch4_model_truncated");
    for (std::size_t n = 0; n < s.size(); n += 7) {
        files::write_atomic(dir / "m.bin", s.substr(0, n));
        CHECK_THROWS(load_model(dir / "m.bin"), DataError, (dir / "m.bin").string() + ": ");
    }
    CHECK_THROWS(parse(s + "x"), DataError, "file is 285 bytes, but its header promises an MLP 6-3-10 with a 4-byte note (284 bytes)");
}

TEST_CASE(foreign_files_are_rejected) {
    for (const std::string& foreign : {std::string("P5\n28 28\n255\n") + std::string(784, '\0'),
                                       std::string("\0\0\x08\x03\0\0\0\x01", 8) + std::string(40, 'x'),
                                       std::string("model,epoch\n"), std::string("NNEQ4MDX") + std::string(40, '\0')})
        CHECK_THROWS(parse(foreign), DataError, "m.bin: not a chapter 4 model file: it does not begin with \"NNEQ4MDL\"");
    CHECK_THROWS(parse(""), DataError, "truncated header: 0 bytes");
}

TEST_CASE(wrong_versions_kinds_and_shapes_are_rejected) {
    const std::string good = serialise_model(small_network(6, 3, 2), "");
    const auto with = [&](std::size_t offset, std::uint32_t value) {
        std::string s = good;
        for (int i = 0; i < 4; ++i) s[offset + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
        return resealed(s);
    };
    CHECK_THROWS(parse(with(8, 2)), DataError, "m.bin: offset 8: format version 2; this program reads version 1");
    CHECK_THROWS(parse(with(12, 7)), DataError, "offset 12: model kind 7, expected 0 (softmax regression) or 1 (MLP)");
    CHECK_THROWS(parse(with(12, 0)), DataError, "offset 20: 3 hidden units, but a softmax regression has none");
    CHECK_THROWS(parse(with(16, 0)), DataError, "offset 16: 0 inputs, expected 1 to 4096");
    CHECK_THROWS(parse(with(20, 0)), DataError, "offset 20: 0 hidden units, expected 1 to 4096");
    CHECK_THROWS(parse(with(24, 9)), DataError, "offset 24: 9 classes, expected 10 (the digits)");
    CHECK_THROWS(parse(with(16, 7)), DataError, "promises an MLP 7-3-10");   // shapes that disagree with the size
}

// Header fields at their largest must not lead to an allocation (or to an overflow that wraps
// round to a plausible size): each is refused from the 32-byte header alone.
TEST_CASE(absurd_headers_allocate_nothing) {
    const std::string good = serialise_model(small_network(6, 3, 2), "");
    for (const std::size_t offset : {16, 20, 28}) {
        std::string s = good;
        for (int i = 0; i < 4; ++i) s[offset + i] = '\xFF';
        CHECK_THROWS(parse(s), DataError, "offset " + std::to_string(offset) + ": 4294967295");
    }
    std::string big = good;   // the largest accepted shapes, in a small file: refused by its size
    for (auto [offset, v] : {std::pair{16, 4096u}, std::pair{20, 4096u}, std::pair{28, 4096u}})
        for (int i = 0; i < 4; ++i) big[offset + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    CHECK_THROWS(parse(big), DataError, "promises an MLP 4096-4096-10 with a 4096-byte note (67293260 bytes)");
}

TEST_CASE(a_wrong_checksum_is_rejected) {
    std::string s = serialise_model(small_network(6, 3, 2), "");
    s[100] = static_cast<char>(s[100] ^ 0x01);   // one bit of one parameter
    CHECK_THROWS(parse(s), DataError, "m.bin: checksum mismatch (CRC-32 stored 0x");
    CHECK_THROWS(parse(s), DataError, "): the file is corrupted");
}

TEST_CASE(non_finite_parameters_are_rejected) {
    Network<float> net = small_network(6, 3, 2);
    net.Wo(2, 1) = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS(parse(serialise_model(net, "")), DataError, "parameter Wo(2, 1) is not a finite number");
    net = small_network(6, 3, 2);
    net.bh[2] = std::numeric_limits<float>::infinity();
    CHECK_THROWS(parse(serialise_model(net, "")), DataError, "offset " + std::to_string(32 + 4 * 20) + ": parameter bh(0, 2)");
}

// Random damage — flipped bytes, header fields set to extremes, cut or lengthened files — with
// the old checksum or a recomputed one: either a DataError or a model whose shapes agree with
// the file and whose parameters are finite. Nothing else (no other exception, no crash or
// overflow under the sanitizers, no allocation beyond the file).
TEST_CASE(random_mutations_are_rejected_or_consistent) {
    Rng rng(2020);
    const std::string good = serialise_model(small_network(6, 3, 2), "trained by: x\n");
    std::size_t rejected = 0, accepted = 0;
    for (int trial = 0; trial < 4000; ++trial) {
        std::string s = good;
        switch (rng.below(4)) {
        case 0:   // a few bytes anywhere
            for (int k = 0; k < 1 + static_cast<int>(rng.below(3)); ++k)
                s[rng.below(s.size())] = static_cast<char>(rng.below(256));
            break;
        case 1:   // a header byte set to 0x00 or 0xFF
            s[rng.below(32)] = rng.below(2) ? '\0' : '\xFF';
            break;
        case 2:   // cut
            s.resize(rng.below(s.size()));
            break;
        default:  // lengthened
            s.append(1 + rng.below(40), static_cast<char>(rng.below(256)));
        }
        const bool reseal = rng.below(2) == 1;
        if (reseal) s = resealed(s);
        const bool damaged = s != good;
        try {
            const SavedModel m = parse(s);
            const Network<float>& n = m.net;
            CHECK_EQ(s.size(), kModelHeader + m.note.size() + 4 * parameter_count(n.inputs, n.hidden, n.classes) + 4);
            CHECK_EQ(n.Wo.rows(), n.features());
            for (const Matrix<float>* p : {&n.Wh, &n.bh, &n.Wo, &n.bo})
                for (std::size_t k = 0; k < p->size(); ++k) CHECK(std::isfinite((*p)[k]));
            // Damage under the old checksum must not pass: a change of length shows in the size,
            // and a CRC-32 lets other damage through with probability 2⁻³² (a burst of at most
            // 32 bits, such as one changed byte, never).
            if (!reseal) CHECK(!damaged);
            ++accepted;
        } catch (const DataError&) {
            ++rejected;
        }
    }
    CHECK_LT(3000u, rejected);   // most damage is caught (all of it under the old checksum)
    CHECK_LT(0u, accepted);      // a resealed change to the note or a weight is a valid model
}

// What is in place of a model file is named and never read; a missing one says how to make it.
TEST_CASE(special_files_are_named_and_not_read) {
    const auto dir = testing::scratch_dir("ch4_model_special");
    const auto fifo = dir / "fifo", folder = dir / "folder", zero = dir / "zero", huge = dir / "huge";
    CHECK_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::filesystem::create_directory(folder);
    std::filesystem::create_symlink("/dev/zero", zero);
    files::write_atomic(huge, serialise_model(small_network(6, 3, 2), ""));
    std::filesystem::resize_file(huge, kMaxModelBytes + 1);   // sparse: no disk space is used
    CHECK_THROWS(load_model(fifo), IoError, "fifo: it is a FIFO (named pipe), not a regular file");
    CHECK_THROWS(load_model(zero), IoError, "zero: it is a character device, not a regular file");
    CHECK_THROWS(load_model(folder), IoError, "folder: it is a folder, not a regular file");
    CHECK_THROWS(load_model(huge), IoError, "it is 67293261 bytes, more than the 67293260 bytes such a file can need");
    CHECK_THROWS(load_model(dir / "none.bin"), DataError, "none.bin not found (write one with --save FILE)");
}

// Files for the command-line tests (tests/chapter4/CMakeLists.txt): a valid 784-16-10 MLP with
// random weights, one cut short, one with a flipped bit, one of another version; a PGM picture
// cut short and one of a blank white page. CH4_MODEL_FILES is set by CMake.
TEST_CASE(files_for_the_command_line_tests) {
    const std::filesystem::path dir = CH4_MODEL_FILES;
    std::filesystem::create_directories(dir);
    const std::string good = serialise_model(small_network(784, 16, 4), "trained by: test_model_file\n");
    std::string flipped = good, version = good;
    flipped[1000] = static_cast<char>(flipped[1000] ^ 0x10);
    version[8] = 2;
    files::write_atomic(dir / "valid.bin", good);
    files::write_atomic(dir / "truncated.bin", good.substr(0, good.size() - 1));
    files::write_atomic(dir / "flipped.bin", flipped);
    files::write_atomic(dir / "version2.bin", resealed(version));
    files::write_atomic(dir / "truncated.pgm", "P5\n10 10\n255\n" + std::string(99, '\x80'));
    files::write_atomic(dir / "blank.pgm", "P5\n10 10\n255\n" + std::string(100, '\xF0'));
    CHECK(same_bits(load_model(dir / "valid.bin").net, parse(good).net));
    CHECK_THROWS(load_model(dir / "flipped.bin"), DataError, "checksum mismatch");
}
