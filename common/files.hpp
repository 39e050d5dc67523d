// files.hpp — where data and results live, and file output that is never half-written.
//
// Default locations come from the build (NN_SOURCE_DIR, set by CMake to the source tree), so a
// program finds datasets/ wherever it is started from. Every output file is written to a
// temporary name beside its destination and renamed into place only once it is complete.
#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "common/errors.hpp"

#ifndef NN_SOURCE_DIR
#define NN_SOURCE_DIR "."
#endif

namespace files {

namespace fs = std::filesystem;

inline fs::path source_dir() { return fs::path(NN_SOURCE_DIR); }
inline fs::path datasets_dir() { return source_dir() / "datasets"; }
// results/<chapter> in the source tree: the default of every program's --out.
inline fs::path default_results_dir(const std::string& chapter) {
    return source_dir() / "results" / chapter;
}

// Create `dir` (and parents) and make sure a file can be written in it; IoError otherwise.
inline void prepare_output_dir(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw IoError("cannot create output folder " + dir.string() + ": " +
                      (ec ? ec.message() : "a file of that name is in the way") +
                      " (choose another with --out)");
    const fs::path probe = dir / ".write_test.tmp";
    {
        std::ofstream out(probe);
        if (!out)
            throw IoError("cannot write in output folder " + dir.string() + ": " +
                          std::strerror(errno) + " (choose another with --out)");
    }
    fs::remove(probe, ec);
}

// Write `content` to `path` atomically: a temporary file, then a rename. IoError on failure,
// and then neither the temporary nor a partial `path` is left behind.
inline void write_atomic(const fs::path& path, std::string_view content) {
    fs::path tmp = path;
    tmp += ".tmp";
    bool ok = false;
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (out) {
            out.write(content.data(), static_cast<std::streamsize>(content.size()));
            out.flush();
            ok = static_cast<bool>(out);
        }
    }
    const std::string reason = std::strerror(errno);
    std::error_code ec;
    if (ok) fs::rename(tmp, path, ec);
    if (!ok || ec) {
        fs::remove(tmp, ec);
        throw IoError("cannot write " + path.string() + ": " + (ok ? ec.message() : reason));
    }
}

// The whole file as a string; IoError naming the path when it cannot be read.
inline std::string read_all(const fs::path& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw IoError("cannot read " + path.string() + ": it is a folder");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError("cannot read " + path.string() + ": " + std::strerror(errno));
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) throw IoError("error while reading " + path.string());
    return s.str();
}

}  // namespace files
