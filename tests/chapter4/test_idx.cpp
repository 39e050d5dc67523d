// Tests of chapter 4's IDX reader (idx.hpp) on small files written here: valid files round-trip;
// every truncation, a wrong magic number, inconsistent counts and out-of-range labels are
// rejected with a message that says what is wrong and where.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/stat.h>   // mkfifo

#include "chapters/chapter4_mnist_softmax/idx.hpp"
#include "common/files.hpp"
#include "common/random.hpp"
#include "testing.hpp"

using namespace ch4;

namespace {

void put_be32(std::string& s, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>((v >> shift) & 0xFF);
}

// An image file of `count` images of rows×cols pixels, pixel (n, p) = (7n + p) mod 256.
std::string image_file(std::uint32_t count, std::uint32_t rows, std::uint32_t cols,
                       std::uint32_t magic = kIdxImagesMagic) {
    std::string s;
    put_be32(s, magic);
    put_be32(s, count);
    put_be32(s, rows);
    put_be32(s, cols);
    for (std::uint32_t n = 0; n < count; ++n)
        for (std::uint32_t p = 0; p < rows * cols; ++p) s += static_cast<char>((7 * n + p) % 256);
    return s;
}

std::string label_file(const std::vector<std::uint8_t>& labels, std::uint32_t magic = kIdxLabelsMagic) {
    std::string s;
    put_be32(s, magic);
    put_be32(s, static_cast<std::uint32_t>(labels.size()));
    for (auto l : labels) s += static_cast<char>(l);
    return s;
}

const std::vector<std::uint8_t> kLabels = {3, 0, 9};   // three images

// `count` images of 28×28 that a classifier can learn: image n shows digit k = n mod 10 as two
// bright rows 2k and 2k + 1 over a faint background pattern. Returns the image and label files.
std::pair<std::string, std::string> striped_digits(std::uint32_t count) {
    std::string images;
    for (std::uint32_t v : {kIdxImagesMagic, count, 28u, 28u}) put_be32(images, v);
    std::vector<std::uint8_t> labels;
    for (std::uint32_t n = 0; n < count; ++n) {
        const std::uint32_t k = n % 10;
        labels.push_back(static_cast<std::uint8_t>(k));
        for (std::uint32_t p = 0; p < 784; ++p)
            images += static_cast<char>(p / 28 / 2 == k ? 255 : (7 * n + p) % 64);
    }
    return {images, label_file(labels)};
}

Dataset parse(const std::string& images, const std::string& labels) {
    return parse_idx(images, "imgs", labels, "lbls");
}

}  // namespace

TEST_CASE(valid_files_round_trip) {
    const std::string images = image_file(3, 2, 4), labels = label_file(kLabels);
    const Dataset d = parse(images, labels);
    CHECK_EQ(d.count, 3u);
    CHECK_EQ(d.rows, 2u);
    CHECK_EQ(d.cols, 4u);
    CHECK_EQ(d.pixels.size(), 24u);
    CHECK(d.labels == kLabels);
    for (std::size_t n = 0; n < 3; ++n)
        for (std::size_t p = 0; p < 8; ++p) CHECK_EQ(static_cast<int>(d.image(n)[p]), static_cast<int>((7 * n + p) % 256));

    // The same through files, and the four-file folder layout of MNIST.
    const auto dir = testing::scratch_dir("ch4_idx_round_trip");
    for (const char* set : {"train", "t10k"}) {
        files::write_atomic(dir / (std::string(set) + "-images-idx3-ubyte"), images);
        files::write_atomic(dir / (std::string(set) + "-labels-idx1-ubyte"), labels);
    }
    const Mnist m = read_mnist(dir);
    for (const Dataset* e : {&m.train, &m.test}) {
        CHECK_EQ(e->count, 3u);
        CHECK(e->pixels == d.pixels);
        CHECK(e->labels == d.labels);
    }
}

// Every proper prefix of a valid file is rejected, in memory and on disk.
TEST_CASE(every_truncation_is_rejected) {
    const std::string images = image_file(3, 2, 4), labels = label_file(kLabels);
    for (std::size_t n = 0; n < images.size(); ++n)
        CHECK_THROWS(parse(images.substr(0, n), labels), DataError, n < 16 ? "truncated header" : "truncated or corrupted");
    for (std::size_t n = 0; n < labels.size(); ++n)
        CHECK_THROWS(parse(images, labels.substr(0, n)), DataError, n < 8 ? "truncated header" : "truncated or corrupted");

    const auto dir = testing::scratch_dir("ch4_idx_truncated");
    files::write_atomic(dir / "labels", labels);
    for (std::size_t n = 0; n < images.size(); ++n) {
        files::write_atomic(dir / "images", images.substr(0, n));
        CHECK_THROWS(read_idx(dir / "images", dir / "labels"), DataError, "images");
    }
    files::write_atomic(dir / "images", images);
    for (std::size_t n = 0; n < labels.size(); ++n) {
        files::write_atomic(dir / "labels", labels.substr(0, n));
        CHECK_THROWS(read_idx(dir / "images", dir / "labels"), DataError, "labels");
    }
}

TEST_CASE(extra_bytes_are_rejected) {
    CHECK_THROWS(parse(image_file(3, 2, 4) + "x", label_file(kLabels)), DataError,
                 "file is 41 bytes, but its header promises 3 images of 2x4 pixels (40 bytes)");
    CHECK_THROWS(parse(image_file(3, 2, 4), label_file(kLabels) + "x"), DataError,
                 "file is 12 bytes, but its header promises 3 labels (11 bytes)");
}

TEST_CASE(wrong_magic_numbers_are_rejected) {
    CHECK_THROWS(parse(image_file(3, 2, 4, 2049), label_file(kLabels)), DataError,
                 "imgs: offset 0: magic number 2049, expected 2051");
    CHECK_THROWS(parse(image_file(3, 2, 4), label_file(kLabels, 2051)), DataError,
                 "lbls: offset 0: magic number 2051, expected 2049");
    // Little-endian writers produce 0x03080000.
    CHECK_THROWS(parse(image_file(3, 2, 4, 0x03080000), label_file(kLabels)), DataError, "magic number");
}

TEST_CASE(inconsistent_counts_are_rejected) {
    // The two files disagree.
    CHECK_THROWS(parse(image_file(3, 2, 4), label_file({1, 2})), DataError,
                 "lbls: offset 4: 2 labels, but the image file holds 3 images");
    // A header whose count disagrees with the file's size.
    std::string images = image_file(3, 2, 4);
    images[7] = 4;   // count = 4, data for 3
    CHECK_THROWS(parse(images, label_file(kLabels)), DataError, "promises 4 images");
    // Empty sets and empty images.
    CHECK_THROWS(parse(image_file(0, 2, 4), label_file({})), DataError, "holds no images");
    CHECK_THROWS(parse(image_file(3, 0, 4), label_file(kLabels)), DataError, "has no pixels");
}

// Header fields at their maximum must not lead to a huge allocation (or an overflow that
// wraps around to a plausible size): 2^32−1 images of (2^32−1)² pixels, in a 16-byte file.
TEST_CASE(absurd_headers_allocate_nothing) {
    std::string s;
    for (std::uint32_t v : {kIdxImagesMagic, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu}) put_be32(s, v);
    CHECK_THROWS(parse(s, label_file(kLabels)), DataError, "more bytes than any file holds");
    // (2^32−1)·(2^32−1) pixels per image: a product that fits 64 bits, with 1 image.
    std::string t;
    for (std::uint32_t v : {kIdxImagesMagic, 1u, 0xFFFFFFFFu, 0xFFFFFFFFu}) put_be32(t, v);
    CHECK_THROWS(parse(t, label_file({1})), DataError, "truncated or corrupted");
    std::string l;
    put_be32(l, kIdxLabelsMagic);
    put_be32(l, 0xFFFFFFFFu);
    CHECK_THROWS(parse(image_file(3, 2, 4), l), DataError, "promises 4294967295 labels");
}

TEST_CASE(out_of_range_labels_are_rejected) {
    CHECK_THROWS(parse(image_file(3, 2, 4), label_file({3, 10, 9})), DataError,
                 "lbls: offset 9: label 10 of item 1 is not a digit 0-9");
    CHECK_THROWS(parse(image_file(3, 2, 4), label_file({3, 0, 255})), DataError,
                 "offset 10: label 255 of item 2");
}

TEST_CASE(missing_files_say_make_mnist) {
    const auto dir = testing::scratch_dir("ch4_idx_missing");
    CHECK_THROWS(read_mnist(dir), DataError, "train-images-idx3-ubyte not found: run `make mnist`");
    files::write_atomic(dir / "train-images-idx3-ubyte", image_file(3, 2, 4));
    CHECK_THROWS(read_mnist(dir), DataError, "train-labels-idx1-ubyte not found: run `make mnist`");
    // Only the compressed file (as Debian's dataset packages ship them): say how to unpack it.
    files::write_atomic(dir / "train-labels-idx1-ubyte.gz", "not really gzip");
    CHECK_THROWS(read_mnist(dir), DataError,
                 "train-labels-idx1-ubyte not found, only " + (dir / "train-labels-idx1-ubyte.gz").string() +
                     ": unpack the folder with `MNIST_MIRROR=" + dir.string() + " MNIST_DIR=NEW_FOLDER make mnist`");
}

// What is in place of a file is named, at once, and nothing is read from it: a FIFO (reading
// would wait for a writer forever), a device (/dev/zero never ends), a folder, a loop of
// symbolic links, and a file larger than any IDX file the reader accepts (refused by its size).
TEST_CASE(special_files_are_named_and_not_read) {
    const auto dir = testing::scratch_dir("ch4_idx_special");
    const std::string labels = label_file(kLabels);
    files::write_atomic(dir / "labels", labels);
    const auto fifo = dir / "fifo", folder = dir / "folder", zero = dir / "zero", loop = dir / "loop",
               huge = dir / "huge";
    CHECK_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::filesystem::create_directory(folder);
    std::filesystem::create_symlink("/dev/zero", zero);
    std::filesystem::create_symlink(loop, loop);
    files::write_atomic(huge, image_file(3, 2, 4));
    std::filesystem::resize_file(huge, kMaxIdxBytes + 1);   // sparse: no disk space is used
    CHECK_THROWS(read_idx(fifo, dir / "labels"), IoError, "fifo: it is a FIFO (named pipe), not a regular file");
    CHECK_THROWS(read_idx(zero, dir / "labels"), IoError, "zero: it is a character device, not a regular file");
    CHECK_THROWS(read_idx(folder, dir / "labels"), IoError, "folder: it is a folder, not a regular file");
    CHECK_THROWS(read_idx(loop, dir / "labels"), IoError, "loop: a loop of symbolic links");
    CHECK_THROWS(read_idx(huge, dir / "labels"), IoError,
                 "huge: it is 67108865 bytes, more than the 67108864 bytes such a file can need");
    // The same for the label file, and for --data itself.
    files::write_atomic(dir / "images", image_file(3, 2, 4));
    CHECK_THROWS(read_idx(dir / "images", fifo), IoError, "it is a FIFO");
    CHECK_THROWS(read_mnist(dir / "labels"), IoError, "labels: it is a file, not a folder holding the four IDX files");
}

TEST_CASE(train_and_test_shapes_must_agree) {
    const auto dir = testing::scratch_dir("ch4_idx_shapes");
    files::write_atomic(dir / "train-images-idx3-ubyte", image_file(3, 2, 4));
    files::write_atomic(dir / "train-labels-idx1-ubyte", label_file(kLabels));
    files::write_atomic(dir / "t10k-images-idx3-ubyte", image_file(3, 4, 2));
    files::write_atomic(dir / "t10k-labels-idx1-ubyte", label_file(kLabels));
    CHECK_THROWS(read_mnist(dir), DataError, "test images are 4x2 but training images are 2x4");
}

// Random damage — flipped bytes, cut or lengthened files, header fields set to extremes — is
// either rejected with a DataError or yields a data set whose sizes agree with each other;
// nothing else (no other exception, no crash under the sanitizers, no huge allocation).
TEST_CASE(random_mutations_are_rejected_or_consistent) {
    Rng rng(99);
    const std::string images = image_file(3, 2, 4), labels = label_file(kLabels);
    std::size_t rejected = 0, accepted = 0;
    for (int trial = 0; trial < 3000; ++trial) {
        std::string im = images, lb = labels;
        std::string& target = rng.below(2) ? im : lb;
        switch (rng.below(4)) {
        case 0:   // flip a few bytes
            for (int k = 0; k < 1 + static_cast<int>(rng.below(3)); ++k)
                target[rng.below(target.size())] = static_cast<char>(rng.below(256));
            break;
        case 1:   // a header byte set to 0x00 or 0xFF
            target[rng.below(std::min<std::size_t>(16, target.size()))] = rng.below(2) ? '\0' : '\xFF';
            break;
        case 2:   // cut
            target.resize(rng.below(target.size()));
            break;
        default:  // lengthen
            target.append(1 + rng.below(40), static_cast<char>(rng.below(256)));
        }
        try {
            const Dataset d = parse_idx(im, "imgs", lb, "lbls");
            CHECK_EQ(d.pixels.size(), d.count * d.rows * d.cols);
            CHECK_EQ(d.labels.size(), d.count);
            for (auto l : d.labels) CHECK_LT(static_cast<std::size_t>(l), kClasses);
            ++accepted;
        } catch (const DataError&) {
            ++rejected;
        }
    }
    CHECK_LT(2000u, rejected);   // most damage is detected (flipped pixels are not damage)
    CHECK_LT(0u, accepted);
}

// Folders of four files for the command-line tests (tests/chapter4/CMakeLists.txt), each with
// one fault; the reader must reject each with its message. CH4_CLI_DATA is set by CMake.
// (A valid folder for the divergence test too.)
TEST_CASE(corrupt_folders_are_rejected) {
    const std::filesystem::path root = CH4_CLI_DATA;
    struct Case {
        const char* name;
        std::string train_images, train_labels;
        const char* message;
    };
    std::string truncated = image_file(3, 28, 28);
    truncated.resize(truncated.size() - 1);
    const Case cases[] = {
        {"truncated", truncated, label_file(kLabels), "truncated or corrupted"},
        {"bad_label", image_file(3, 28, 28), label_file({1, 2, 11}), "label 11 of item 2 is not a digit"},
        {"wrong_magic", image_file(3, 28, 28, 2049), label_file(kLabels), "magic number 2049, expected 2051"},
        {"count_mismatch", image_file(3, 28, 28), label_file({1, 2}), "2 labels, but the image file holds 3"},
    };
    // … one valid folder of three images (for the divergence test) …
    std::filesystem::create_directories(root / "valid");
    for (const char* set : {"train", "t10k"}) {
        files::write_atomic(root / "valid" / (std::string(set) + "-images-idx3-ubyte"), image_file(3, 28, 28));
        files::write_atomic(root / "valid" / (std::string(set) + "-labels-idx1-ubyte"), label_file(kLabels));
    }
    CHECK_EQ(read_mnist(root / "valid").train.count, 3u);
    // … and one that a model can learn (for the tests of learning and of not learning).
    std::filesystem::create_directories(root / "learnable");
    for (auto [set, count] : {std::pair{"train", 200u}, std::pair{"t10k", 100u}}) {
        const auto [images, labels] = striped_digits(count);
        files::write_atomic(root / "learnable" / (std::string(set) + "-images-idx3-ubyte"), images);
        files::write_atomic(root / "learnable" / (std::string(set) + "-labels-idx1-ubyte"), labels);
    }
    CHECK_EQ(read_mnist(root / "learnable").test.count, 100u);
    for (const Case& c : cases) {
        const auto dir = root / c.name;
        std::filesystem::create_directories(dir);
        files::write_atomic(dir / "train-images-idx3-ubyte", c.train_images);
        files::write_atomic(dir / "train-labels-idx1-ubyte", c.train_labels);
        files::write_atomic(dir / "t10k-images-idx3-ubyte", image_file(3, 28, 28));
        files::write_atomic(dir / "t10k-labels-idx1-ubyte", label_file(kLabels));
        CHECK_THROWS(read_mnist(dir), DataError, c.message);
    }
}
