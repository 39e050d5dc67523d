// files.hpp — where data and results live; reading files that can neither hang nor exhaust
// memory; writing files and result folders that are whole or untouched.
//
// Reading: read_all accepts only a regular file (not a folder, FIFO, device or symlink loop)
// of at most the size the caller can need, and says which rule a path broke.
//
// Writing one file (write_atomic): the bytes go to a new file of unpredictable name beside the
// destination, created exclusively (a planted file or symbolic link of that name makes the
// creation fail instead of being followed), then renamed over the destination.
//
// Writing a result folder (ResultFolder): a run writes every file into a staging folder of its
// own beside --out and, once all are written, swaps it with --out in one rename. Whatever
// happens before — an error, a full disk, Ctrl-C, a kill — --out still holds exactly the
// previous run's files; two runs at once leave the whole folder of one of them.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <system_error>

#if defined(__linux__)
#include <fcntl.h>   // AT_FDCWD, for renameat2 (declared in <cstdio> by glibc ≥ 2.28)
#endif

#include "common/errors.hpp"
#include "common/interrupt.hpp"
#include "common/progress.hpp"
#include "common/table.hpp"

#ifndef NN_SOURCE_DIR
#define NN_SOURCE_DIR "."
#endif

namespace files {

namespace fs = std::filesystem;

inline fs::path source_dir() { return fs::path(NN_SOURCE_DIR); }
inline fs::path datasets_dir() { return source_dir() / "datasets"; }
// results/<chapter>, relative to the working directory: the default of every program's --out.
inline fs::path default_results_dir(const std::string& chapter) { return fs::path("results") / chapter; }

// ---------------------------------------------------------------------------------------------
// Reading

inline std::string kind_of(fs::file_type t) {
    switch (t) {
        case fs::file_type::directory: return "a folder";
        case fs::file_type::fifo: return "a FIFO (named pipe)";
        case fs::file_type::character: return "a character device";
        case fs::file_type::block: return "a block device";
        case fs::file_type::socket: return "a socket";
        case fs::file_type::regular: return "a file";
        case fs::file_type::symlink: return "a symbolic link";
        default: return "something other than a file";
    }
}

// The size of `path` after checking that it is a regular file (symbolic links followed) of at
// most max_bytes. FileNotFound when nothing is there; IoError naming what is there otherwise.
inline std::uintmax_t regular_file_size(const fs::path& path, std::uintmax_t max_bytes) {
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    const std::string name = "cannot read " + path.string() + ": ";
    if (st.type() == fs::file_type::not_found) throw FileNotFound(name + "no such file");
    if (ec) throw IoError(name + (ec == std::errc::too_many_symbolic_link_levels
                                      ? std::string("a loop of symbolic links") : ec.message()));
    if (st.type() != fs::file_type::regular)
        throw IoError(name + "it is " + kind_of(st.type()) + ", not a regular file");
    const std::uintmax_t size = fs::file_size(path, ec);
    if (ec) throw IoError(name + ec.message());
    if (size > max_bytes)
        throw IoError(name + "it is " + std::to_string(size) + " bytes, more than the " +
                      std::to_string(max_bytes) + " bytes such a file can need");
    return size;
}

// The bound of a reader that has no tighter one of its own: far above any file of the project.
inline constexpr std::uintmax_t kMaxReadBytes = std::uintmax_t{1} << 28;   // 256 MiB

// The whole file as a string; IoError (or FileNotFound) naming the path and the reason.
inline std::string read_all(const fs::path& path, std::uintmax_t max_bytes = kMaxReadBytes) {
    const std::uintmax_t size = regular_file_size(path, max_bytes);
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw IoError("cannot read " + path.string() + ": " + std::strerror(errno));
    std::string s(static_cast<std::size_t>(size), '\0');
    const std::size_t got = std::fread(s.data(), 1, s.size(), f);
    const bool failed = std::ferror(f) != 0;
    const int reason = errno;
    std::fclose(f);
    if (failed) throw IoError("error while reading " + path.string() + ": " + std::strerror(reason));
    s.resize(got);   // the file shrank while we read: what is there is what we got
    return s;
}

// ---------------------------------------------------------------------------------------------
// Writing one file

// 16 hexadecimal digits no other process can predict: the suffix of temporary names.
inline std::string unpredictable_suffix() {
    static std::random_device device;   // the operating system's entropy source
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x%08x", static_cast<unsigned>(device()), static_cast<unsigned>(device()));
    return buf;
}

// Check, before any work is done, that a single output file can go to `path`: its folder exists,
// and nothing is there but (at most) a regular file or a symbolic link, which the write replaces.
// A folder, FIFO or device in its place is refused, never written into or replaced.
inline void check_output_file(const fs::path& path) {
    const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw IoError("cannot write " + path.string() + ": the folder " + folder.string() + " does not exist");
    const fs::file_type t = fs::symlink_status(path, ec).type();
    if (t != fs::file_type::not_found && t != fs::file_type::regular && t != fs::file_type::symlink)
        throw IoError("cannot write " + path.string() + ": it is " + kind_of(t) + ", not a regular file");
}

// Write `content` to `path` atomically; IoError with the operating system's reason for the
// operation that failed, and then neither the temporary nor a partial `path` is left behind.
inline void write_atomic(const fs::path& path, std::string_view content) {
    interrupt::check();
    std::error_code ec;
    const fs::file_type t = fs::symlink_status(path, ec).type();
    if (t == fs::file_type::fifo || t == fs::file_type::character || t == fs::file_type::block ||
        t == fs::file_type::socket)   // a rename would replace the special file itself
        throw IoError("cannot write " + path.string() + ": it is " + kind_of(t) + ", not a regular file");
    fs::path tmp = path;
    tmp += ".tmp-" + unpredictable_suffix();
    const std::string what = "cannot write " + path.string() + ": ";
    std::FILE* f = std::fopen(tmp.c_str(), "wbx");   // "x": create, fail if anything is there
    if (!f) throw IoError(what + std::strerror(errno));
    int reason = 0;
    if (std::fwrite(content.data(), 1, content.size(), f) != content.size()) reason = errno;
    if (std::fflush(f) != 0 && reason == 0) reason = errno;
    if (std::fclose(f) != 0 && reason == 0) reason = errno;
    std::error_code ignored;
    if (reason == 0) fs::rename(tmp, path, ec);
    if (reason != 0 || ec) {
        const std::string why = reason != 0 ? std::strerror(reason) : ec.message();
        fs::remove(tmp, ignored);
        throw IoError(what + why);
    }
}

// ---------------------------------------------------------------------------------------------
// Writing a result folder

class ResultFolder {
public:
    // Check that `out` can take this run's results — it does not exist yet, or it is an empty
    // folder, or a previous run's folder (it holds summary.md) — then create this run's staging
    // folder beside it. Call this only once the flags and the input data have been checked.
    explicit ResultFolder(const fs::path& out) : shown_(out.string()) {
        interrupt::install();
        out_ = fs::absolute(out).lexically_normal();
        if (out_.filename().empty()) out_ = out_.parent_path();   // "results/chapter1/"
        if (out_ == out_.root_path()) throw IoError("--out " + shown_ + ": choose a folder below the root");
        check_replaceable();
        std::error_code ec;
        fs::create_directories(out_.parent_path(), ec);
        if (ec || !fs::is_directory(out_.parent_path()))
            throw IoError("cannot create output folder " + shown_ + ": " +
                          (ec ? ec.message() : "a file is in the way") + " (choose another with --out)");
        remove_abandoned_staging();
        for (int attempt = 0; attempt < 8 && staging_.empty(); ++attempt) {
            fs::path s = out_.parent_path() / (prefix() + std::to_string(process_id()) + "-" +
                                               unpredictable_suffix());
            if (fs::create_directory(s, ec)) staging_ = s;   // false: the name exists (not ours)
            else if (ec) throw IoError("cannot create output folder " + shown_ + ": " + ec.message() +
                                       " (choose another with --out)");
        }
        if (staging_.empty()) throw IoError("cannot create a staging folder beside " + shown_);
    }
    ResultFolder(const ResultFolder&) = delete;
    ResultFolder& operator=(const ResultFolder&) = delete;

    // An unpublished folder is removed: --out keeps the previous run's files.
    ~ResultFolder() {
        std::error_code ignored;
        if (!staging_.empty()) fs::remove_all(staging_, ignored);
    }

    // Where this run writes its files until publish().
    const fs::path& path() const { return staging_; }
    fs::path operator/(const std::string& name) const { return staging_ / name; }
    // --out as the user wrote it, for messages.
    const std::string& shown() const { return shown_; }

    // Replace --out, as a whole, by the staging folder.
    void publish() {
        interrupt::check();
        check_replaceable();
        std::error_code ec;
        fs::rename(staging_, out_, ec);   // --out does not exist (the first run)
        if (ec && fs::exists(out_)) ec = exchange(staging_, out_);
        if (ec) throw IoError("cannot publish " + shown_ + ": " + ec.message());
        std::error_code ignored;
        fs::remove_all(staging_, ignored);   // it holds the previous run's files now, if any
        staging_.clear();
        if (!progress::program().empty())
            std::fprintf(stderr, "%s: wrote %s in %s\n", progress::program().c_str(), shown_.c_str(),
                         table::seconds(timer_.seconds()).c_str());
    }

private:
    std::string prefix() const { return "." + out_.filename().string() + ".staging-"; }

    void check_replaceable() const {
        std::error_code ec;
        const fs::file_status st = fs::symlink_status(out_, ec);
        if (st.type() == fs::file_type::not_found) return;
        if (st.type() != fs::file_type::directory)
            throw IoError("cannot create output folder " + shown_ + ": it exists and is " +
                          kind_of(st.type()) + " (choose another with --out)");
        if (!fs::is_empty(out_, ec) && !fs::exists(out_ / "summary.md"))
            throw IoError("--out " + shown_ + " is a folder that holds no summary.md, so not a previous "
                          "run's results; it is replaced as a whole, so choose an empty or new folder");
    }

    // Staging folders of runs that were killed: their process is gone (Linux: no /proc/<pid>).
    // Elsewhere they are left alone; they are hidden, and no run reads them.
    void remove_abandoned_staging() const {
        if (!fs::is_directory("/proc/self")) return;
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(out_.parent_path(), ec)) {
            const std::string name = e.path().filename().string();
            if (name.rfind(prefix(), 0) != 0) continue;
            const std::string pid = name.substr(prefix().size(), name.find('-', prefix().size()) - prefix().size());
            if (!pid.empty() && pid.find_first_not_of("0123456789") == std::string::npos &&
                !fs::exists("/proc/" + pid)) {
                std::error_code ignored;
                fs::remove_all(e.path(), ignored);
            }
        }
    }

    static long process_id() {
        std::error_code ec;
        const fs::path self = fs::read_symlink("/proc/self", ec);   // Linux: "/proc/self" → "<pid>"
        return ec ? 0 : std::atol(self.filename().c_str());
    }

    // Swap two folders in one step; where the system cannot, move the old one aside first.
    static std::error_code exchange(const fs::path& a, const fs::path& b) {
#if defined(__linux__) && defined(RENAME_EXCHANGE)
        if (renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) return {};
        if (errno != EINVAL && errno != ENOSYS) return {errno, std::generic_category()};
#endif
        fs::path aside = a;
        aside += ".previous";
        std::error_code ec;
        fs::rename(b, aside, ec);
        if (!ec) fs::rename(a, b, ec);
        if (!ec) fs::rename(aside, a, ec);
        return ec;
    }

    std::string shown_;
    fs::path out_, staging_;
    Timer timer_;   // since the run's folder was opened: the run's time, for the last line
};

}  // namespace files
