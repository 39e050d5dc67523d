// Tests of common/files.hpp: readers that take regular files of a sane size only, atomic
// single files, and result folders that are whole or untouched.
#include "common/files.hpp"

#include <cstdlib>
#include <map>

#include "testing.hpp"

namespace fs = std::filesystem;

namespace {

// Every file under `dir` (relative name → content), to compare whole folders.
std::map<std::string, std::string> contents(const fs::path& dir) {
    std::map<std::string, std::string> m;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) m[fs::relative(e.path(), dir).string()] = files::read_all(e.path(), 1 << 20);
    return m;
}

std::size_t entries(const fs::path& dir) {
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir)) n += !e.path().empty();
    return n;
}

}  // namespace

TEST_CASE(write_atomic_replaces_the_file_and_leaves_no_temporary) {
    const auto dir = testing::scratch_dir("files_atomic");
    files::write_atomic(dir / "a.txt", "first");
    files::write_atomic(dir / "a.txt", "second");
    CHECK_EQ(files::read_all(dir / "a.txt", 100), std::string("second"));
    CHECK_EQ(entries(dir), 1u);
}

TEST_CASE(failed_write_names_the_reason_and_leaves_nothing) {
    const auto dir = testing::scratch_dir("files_fail");
    // The destination's folder does not exist: the temporary cannot even be created.
    CHECK_THROWS(files::write_atomic(dir / "no" / "such" / "x.csv", "data"), IoError,
                 "cannot write " + (dir / "no" / "such" / "x.csv").string() + ": No such file or directory");
    // The destination is a non-empty folder: the rename fails, with the rename's own reason
    // (not the "Success" of a clean-up that came after it), and the temporary is removed.
    fs::create_directories(dir / "taken" / "sub");
    CHECK_THROWS(files::write_atomic(dir / "taken", "data"), IoError, "cannot write " + (dir / "taken").string() + ": ");
    try {
        files::write_atomic(dir / "taken", "data");
    } catch (const IoError& e) {
        CHECK(std::string(e.what()).find("Success") == std::string::npos);
        CHECK(std::string(e.what()).find("directory") != std::string::npos);   // "Is a directory" or "Directory not empty"
    }
    CHECK_EQ(entries(dir), 1u);
}

TEST_CASE(a_planted_link_is_replaced_not_followed) {
    // A symbolic link at the destination is replaced by the new file; its target is untouched.
    const auto dir = testing::scratch_dir("files_link");
    files::write_atomic(dir / "target.txt", "precious");
    fs::create_symlink(dir / "target.txt", dir / "summary.md");
    files::write_atomic(dir / "summary.md", "new");
    CHECK_EQ(files::read_all(dir / "target.txt", 100), std::string("precious"));
    CHECK(!fs::is_symlink(dir / "summary.md"));
    CHECK_EQ(files::read_all(dir / "summary.md", 100), std::string("new"));
}

TEST_CASE(readers_take_regular_files_of_a_sane_size_only) {
    const auto dir = testing::scratch_dir("files_read");
    CHECK_THROWS(files::read_all(dir, 100), IoError, "it is a folder, not a regular file");
    CHECK_THROWS(files::read_all("/dev/zero", 100), IoError, "/dev/zero: it is a character device, not a regular file");
    CHECK_THROWS(files::read_all(dir / "missing.csv", 100), FileNotFound, "missing.csv: no such file");
    fs::create_symlink(dir / "b", dir / "a");
    fs::create_symlink(dir / "a", dir / "b");
    CHECK_THROWS(files::read_all(dir / "a", 100), IoError, "a loop of symbolic links");
    files::write_atomic(dir / "big", std::string(101, 'x'));
    CHECK_THROWS(files::read_all(dir / "big", 100), IoError, "it is 101 bytes, more than the 100 bytes");
    CHECK_EQ(files::read_all(dir / "big", 101).size(), 101u);
    if (std::system(("mkfifo " + (dir / "fifo").string()).c_str()) == 0)
        CHECK_THROWS(files::read_all(dir / "fifo", 100), IoError, "it is a FIFO (named pipe), not a regular file");
}

TEST_CASE(a_result_folder_is_published_whole) {
    const auto dir = testing::scratch_dir("files_folder");
    const fs::path out = dir / "results" / "chapter9";
    {
        files::ResultFolder f(out);
        CHECK(!fs::exists(out));                       // nothing appears before publish
        files::write_atomic(f / "a.csv", "1");
        files::write_atomic(f / "summary.md", "first");
        f.publish();
    }
    CHECK((contents(out) == std::map<std::string, std::string>{{"a.csv", "1"}, {"summary.md", "first"}}));
    {
        files::ResultFolder f(out);
        files::write_atomic(f / "b.csv", "2");
        files::write_atomic(f / "summary.md", "second");
        f.publish();
    }
    // The second run replaces the first as a whole: its a.csv is gone, not kept beside b.csv.
    CHECK((contents(out) == std::map<std::string, std::string>{{"b.csv", "2"}, {"summary.md", "second"}}));
    CHECK_EQ(entries(dir / "results"), 1u);             // no staging folder left beside it
}

TEST_CASE(a_failed_run_leaves_the_previous_folder_untouched) {
    const auto dir = testing::scratch_dir("files_failed_run");
    const fs::path out = dir / "out";
    {
        files::ResultFolder f(out);
        files::write_atomic(f / "summary.md", "previous");
        f.publish();
    }
    try {
        files::ResultFolder f(out);
        files::write_atomic(f / "summary.md", "half");
        throw IoError("disk full");
    } catch (const IoError&) {
    }
    CHECK((contents(out) == std::map<std::string, std::string>{{"summary.md", "previous"}}));
    CHECK_EQ(entries(dir), 1u);
}

TEST_CASE(staging_folders_of_killed_runs_are_removed) {
    // A staging folder whose process no longer exists (pid 999999999 never does) is removed by
    // the next run; one of a live process (ours) is left alone.
    const auto dir = testing::scratch_dir("files_abandoned");
    fs::create_directories(dir / ".out.staging-999999999-0123456789abcdef");
    const std::string live = ".out.staging-" + fs::read_symlink("/proc/self").string() + "-00";
    fs::create_directories(dir / live);
    {
        files::ResultFolder f(dir / "out");
        files::write_atomic(f / "summary.md", "x");
        f.publish();
    }
    CHECK(!fs::exists(dir / ".out.staging-999999999-0123456789abcdef"));
    CHECK(fs::exists(dir / live));
}

TEST_CASE(a_folder_that_holds_other_things_is_never_replaced) {
    const auto dir = testing::scratch_dir("files_foreign");
    files::write_atomic(dir / "thesis.tex", "years of work");
    CHECK_THROWS(files::ResultFolder{dir}, IoError, "holds no summary.md");
    files::write_atomic(dir / "plain", "x");
    CHECK_THROWS(files::ResultFolder{dir / "plain"}, IoError, "it exists and is a file");
    CHECK_THROWS(files::ResultFolder{dir / "plain" / "sub"}, IoError, "cannot create output folder");
    CHECK_EQ(files::read_all(dir / "thesis.tex", 100), std::string("years of work"));
}

TEST_CASE(default_locations) {
    CHECK(fs::exists(files::source_dir() / "CMakeLists.txt"));
    CHECK(fs::is_directory(files::datasets_dir()));
    CHECK_EQ(files::default_results_dir("chapter1"), fs::path("results") / "chapter1");   // relative to the working directory
}

TEST_CASE(a_single_file_never_replaces_a_folder_fifo_or_device) {
    const auto dir = testing::scratch_dir("files_special_target");
    CHECK_THROWS(files::write_atomic("/dev/null", "x"), IoError, "/dev/null: it is a character device, not a regular file");
    CHECK_THROWS(files::check_output_file(dir), IoError, "it is a folder, not a regular file");
    CHECK_THROWS(files::check_output_file(dir / "no" / "x.json"), IoError, "the folder " + (dir / "no").string() + " does not exist");
    if (std::system(("mkfifo " + (dir / "fifo").string()).c_str()) == 0)
        CHECK_THROWS(files::write_atomic(dir / "fifo", "x"), IoError, "it is a FIFO (named pipe), not a regular file");
    CHECK(fs::exists("/dev/null") && !fs::is_regular_file("/dev/null"));   // still the device
}
