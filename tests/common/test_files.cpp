// Tests of common/files.hpp: atomic output and output folders.
#include "common/files.hpp"

#include "testing.hpp"

TEST_CASE(write_atomic_replaces_the_file_and_leaves_no_temporary) {
    const auto dir = testing::scratch_dir("files_atomic");
    files::write_atomic(dir / "a.txt", "first");
    files::write_atomic(dir / "a.txt", "second");
    CHECK_EQ(files::read_all(dir / "a.txt"), std::string("second"));
    std::size_t entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) entries += e.exists();
    CHECK_EQ(entries, 1u);
}

TEST_CASE(failed_write_throws_and_leaves_nothing) {
    const auto dir = testing::scratch_dir("files_fail");
    // The destination's folder does not exist: the temporary cannot even be created.
    CHECK_THROWS(files::write_atomic(dir / "no" / "such" / "x.csv", "data"), IoError, "cannot write");
    // The destination is a folder: the rename fails and the temporary is removed.
    std::filesystem::create_directories(dir / "taken");
    std::filesystem::create_directories(dir / "taken" / "sub");
    CHECK_THROWS(files::write_atomic(dir / "taken", "data"), IoError, "cannot write");
    CHECK(!std::filesystem::exists(dir / "taken.tmp"));
}

TEST_CASE(prepare_output_dir_creates_or_explains) {
    const auto dir = testing::scratch_dir("files_out");
    files::prepare_output_dir(dir / "a" / "b");
    CHECK(std::filesystem::is_directory(dir / "a" / "b"));
    files::write_atomic(dir / "plain", "x");
    CHECK_THROWS(files::prepare_output_dir(dir / "plain"), IoError, "choose another with --out");
    CHECK_THROWS(files::read_all(dir / "a"), IoError, "it is a folder");
}

TEST_CASE(default_locations_come_from_the_source_tree) {
    CHECK(std::filesystem::exists(files::source_dir() / "CMakeLists.txt"));
    CHECK(std::filesystem::is_directory(files::datasets_dir()));
    CHECK_EQ(files::default_results_dir("chapter1"), files::source_dir() / "results" / "chapter1");
}
