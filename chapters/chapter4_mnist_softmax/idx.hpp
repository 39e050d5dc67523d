// idx.hpp — reading MNIST: the IDX files of LeCun, Cortes & Burges, as used in 001 (Methods).
//
// An IDX file is a big-endian header followed by raw bytes:
//   images  magic 2051 (0x00000803: unsigned bytes, 3 dimensions), count, rows, cols,
//           then count·rows·cols pixels (0 = background … 255 = ink), image after image;
//   labels  magic 2049 (0x00000801: unsigned bytes, 1 dimension), count, then count labels.
// The reader trusts nothing in a header: the file must hold exactly what its header promises,
// and nothing is allocated before the header has been checked against the file's size, so the
// pixels take exactly what the file holds, whatever a header says. It reads regular files only,
// of at most kMaxIdxBytes, so a FIFO cannot make it wait and a device cannot make it read
// forever. Every problem is one error naming the file and, in a malformed file, the byte offset
// where it shows; a missing file also names `make mnist`.
//
// Pixels stay bytes (47 MB for the training set instead of 188 MB as float); the trainer scales
// them by 1/255, as 001 does, when it copies each batch (network.hpp, load_batch).
#pragma once

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.hpp"
#include "common/files.hpp"

namespace ch4 {

inline constexpr std::uint32_t kIdxImagesMagic = 2051, kIdxLabelsMagic = 2049;
inline constexpr std::size_t kClasses = 10;   // digits 0–9

// count images of rows×cols pixels, row-major, with one label each.
struct Dataset {
    std::size_t count = 0, rows = 0, cols = 0;
    std::vector<std::uint8_t> pixels;   // count × (rows·cols)
    std::vector<std::uint8_t> labels;   // count, each < kClasses

    std::size_t pixels_per_image() const { return rows * cols; }
    const std::uint8_t* image(std::size_t n) const { return pixels.data() + n * rows * cols; }
};

// The big-endian 32-bit number at `offset` (the caller has checked the length).
inline std::uint32_t read_be32(std::string_view bytes, std::size_t offset) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(bytes[offset + i]);
    return v;
}

inline constexpr std::size_t kImagesHeader = 16, kLabelsHeader = 8;   // bytes

// Check an image file's header (its first bytes, up to 16) against the file's size in bytes.
// On success sets d.count, d.rows, d.cols; the pixels are then exactly file_size − 16 bytes.
inline void check_images_header(std::string_view header, std::uintmax_t file_size,
                                const std::string& source, Dataset& d) {
    if (header.size() < kImagesHeader || file_size < kImagesHeader)
        throw DataError(source + ": truncated header: " + std::to_string(file_size) +
                        " bytes, an IDX image file starts with a 16-byte header");
    const std::uint32_t magic = read_be32(header, 0);
    if (magic != kIdxImagesMagic)
        throw DataError(source + ": offset 0: magic number " + std::to_string(magic) +
                        ", expected " + std::to_string(kIdxImagesMagic) +
                        " (an IDX file of unsigned-byte images); is this the right file?");
    const std::uintmax_t count = read_be32(header, 4), rows = read_be32(header, 8),
                         cols = read_be32(header, 12);
    if (count == 0) throw DataError(source + ": offset 4: the header says the file holds no images");
    if (rows == 0 || cols == 0)
        throw DataError(source + ": offset 8: image size " + std::to_string(rows) + "x" +
                        std::to_string(cols) + " has no pixels");
    // Compare by division, so that no product of header fields can overflow.
    const std::uintmax_t per_image = rows * cols;   // < 2^64: both factors are < 2^32
    const std::uintmax_t payload = file_size - kImagesHeader;
    if (payload % per_image != 0 || payload / per_image != count) {
        const bool fits =
            count <= (std::numeric_limits<std::uintmax_t>::max() - kImagesHeader) / per_image;
        throw DataError(source + ": file is " + std::to_string(file_size) +
                        " bytes, but its header promises " + std::to_string(count) + " images of " +
                        std::to_string(rows) + "x" + std::to_string(cols) + " pixels (" +
                        (fits ? std::to_string(kImagesHeader + count * per_image) + " bytes"
                              : std::string("more bytes than any file holds")) +
                        "): truncated or corrupted file");
    }
    d.count = static_cast<std::size_t>(count);
    d.rows = static_cast<std::size_t>(rows);
    d.cols = static_cast<std::size_t>(cols);
}

// Check a label file's header against the file's size and against the images already read
// (d.count). Returns the number of labels, exactly file_size − 8.
inline std::size_t check_labels_header(std::string_view header, std::uintmax_t file_size,
                                       const std::string& source, const Dataset& d) {
    if (header.size() < kLabelsHeader || file_size < kLabelsHeader)
        throw DataError(source + ": truncated header: " + std::to_string(file_size) +
                        " bytes, an IDX label file starts with an 8-byte header");
    const std::uint32_t magic = read_be32(header, 0);
    if (magic != kIdxLabelsMagic)
        throw DataError(source + ": offset 0: magic number " + std::to_string(magic) +
                        ", expected " + std::to_string(kIdxLabelsMagic) +
                        " (an IDX file of unsigned-byte labels); is this the right file?");
    const std::uintmax_t count = read_be32(header, 4);
    if (count == 0) throw DataError(source + ": offset 4: the header says the file holds no labels");
    if (file_size - kLabelsHeader != count)
        throw DataError(source + ": file is " + std::to_string(file_size) +
                        " bytes, but its header promises " + std::to_string(count) + " labels (" +
                        std::to_string(kLabelsHeader + count) + " bytes): truncated or corrupted file");
    if (count != d.count)
        throw DataError(source + ": offset 4: " + std::to_string(count) +
                        " labels, but the image file holds " + std::to_string(d.count) +
                        " images; the two files do not belong together");
    return static_cast<std::size_t>(count);
}

// Every label must be a digit.
inline void check_labels(const std::vector<std::uint8_t>& labels, const std::string& source) {
    for (std::size_t n = 0; n < labels.size(); ++n)
        if (labels[n] >= kClasses)
            throw DataError(source + ": offset " + std::to_string(kLabelsHeader + n) + ": label " +
                            std::to_string(labels[n]) + " of item " + std::to_string(n) +
                            " is not a digit 0-9");
}

// Parse the two files from memory (tests, fuzzing): images, then labels.
inline Dataset parse_idx(std::string_view images, const std::string& images_source,
                         std::string_view labels, const std::string& labels_source) {
    Dataset d;
    check_images_header(images.substr(0, kImagesHeader), images.size(), images_source, d);
    d.pixels.assign(images.begin() + kImagesHeader, images.end());
    check_labels_header(labels.substr(0, kLabelsHeader), labels.size(), labels_source, d);
    d.labels.assign(labels.begin() + kLabelsHeader, labels.end());
    check_labels(d.labels, labels_source);
    return d;
}

// The largest IDX file the reader accepts: MNIST's largest, the training images, is
// 60 000 × 28 × 28 + 16 = 47 040 016 bytes; 64 MiB leaves room for its variants of the same
// layout (Fashion-MNIST, Kuzushiji-MNIST) and refuses anything far larger before it is read.
inline constexpr std::uintmax_t kMaxIdxBytes = std::uintmax_t{64} << 20;

// The size of the IDX file at `path`, which must be a regular file of at most kMaxIdxBytes. A
// missing file says how to get it (`make mnist`, or how to unpack a folder of .gz files); a
// folder, FIFO, device or symlink loop in its place is named as such (files::regular_file_size).
inline std::uintmax_t idx_file_size(const std::filesystem::path& path) {
    try {
        return files::regular_file_size(path, kMaxIdxBytes);
    } catch (const FileNotFound&) {
        const std::string gz = path.string() + ".gz";
        std::error_code ec;
        if (std::filesystem::is_regular_file(gz, ec))   // e.g. Debian's dataset-fashion-mnist
            throw DataError("MNIST file " + path.string() + " not found, only " + gz +
                            ": unpack the folder with `MNIST_MIRROR=" + path.parent_path().string() +
                            " MNIST_DIR=NEW_FOLDER make mnist` and give --data NEW_FOLDER");
        throw DataError("MNIST file " + path.string() +
                        " not found: run `make mnist` (or give --data DIR, a folder holding the "
                        "four IDX files)");
    }
}

namespace detail {

// Read the file at `path`: its header (up to `header_size` bytes) goes to `check(header,
// file_size)`, which returns the payload size it promises; only then is the payload read, into
// `out`. So a header can never make us allocate more than the file holds.
template <class Check>
void read_idx_file(const std::filesystem::path& path, std::size_t header_size, Check check,
                   std::vector<std::uint8_t>& out) {
    const std::uintmax_t size = idx_file_size(path);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError("cannot read " + path.string() + ": " + std::strerror(errno));
    std::string header(static_cast<std::size_t>(std::min<std::uintmax_t>(size, header_size)), '\0');
    in.read(header.data(), static_cast<std::streamsize>(header.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    const std::size_t payload = check(std::string_view(header.data(), got), size);
    out.resize(payload);
    in.read(reinterpret_cast<char*>(out.data()), static_cast<std::streamsize>(payload));
    if (static_cast<std::size_t>(in.gcount()) != payload)
        throw DataError(path.string() + ": file ended after " +
                        std::to_string(header.size() + static_cast<std::size_t>(in.gcount())) +
                        " bytes while being read (it changed on disk?)");
}

}  // namespace detail

// A pair of files: images, then their labels.
inline Dataset read_idx(const std::filesystem::path& images, const std::filesystem::path& labels) {
    Dataset d;
    detail::read_idx_file(images, kImagesHeader, [&](std::string_view header, std::uintmax_t size) {
        check_images_header(header, size, images.string(), d);
        return static_cast<std::size_t>(size - kImagesHeader);
    }, d.pixels);
    detail::read_idx_file(labels, kLabelsHeader, [&](std::string_view header, std::uintmax_t size) {
        return check_labels_header(header, size, labels.string(), d);
    }, d.labels);
    check_labels(d.labels, labels.string());
    return d;
}

struct Mnist {
    Dataset train, test;
};

// An IoError unless `dir` is a folder or does not exist (then the first file is reported missing).
inline void check_data_folder(const std::filesystem::path& dir) {
    std::error_code ec;
    const std::filesystem::file_status st = std::filesystem::status(dir, ec);
    if (st.type() != std::filesystem::file_type::not_found && st.type() != std::filesystem::file_type::directory &&
        !ec)
        throw IoError("--data " + dir.string() + ": it is " + files::kind_of(st.type()) +
                      ", not a folder holding the four IDX files");
}

// The two training files of the original distribution in `dir`: 60 000 images. The test files
// are not opened.
inline Dataset read_training_set(const std::filesystem::path& dir) {
    check_data_folder(dir);
    return read_idx(dir / "train-images-idx3-ubyte", dir / "train-labels-idx1-ubyte");
}

// The four files of the original distribution in `dir`: 60 000 training and 10 000 test images.
inline Mnist read_mnist(const std::filesystem::path& dir) {
    Mnist m;
    m.train = read_training_set(dir);
    m.test = read_idx(dir / "t10k-images-idx3-ubyte", dir / "t10k-labels-idx1-ubyte");
    if (m.train.rows != m.test.rows || m.train.cols != m.test.cols)
        throw DataError((dir / "t10k-images-idx3-ubyte").string() + ": test images are " +
                        std::to_string(m.test.rows) + "x" + std::to_string(m.test.cols) +
                        " but training images are " + std::to_string(m.train.rows) + "x" +
                        std::to_string(m.train.cols));
    return m;
}

}  // namespace ch4
