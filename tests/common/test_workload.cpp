// Tests of common/workload.hpp — the policy for runs far beyond a program's defaults — and of the
// progress it asks for (common/progress.hpp): what is said, what is refused, and in which words.
#include "common/workload.hpp"

#include <cstdio>
#include <string>
#include <vector>

#include "testing.hpp"

namespace {

workload::Bounds test_bounds() {
    workload::Bounds b;
    b.unit = "multiply-adds";
    b.rate = "at 1e9 multiply-adds/s";
    b.notice_seconds = 10;
    b.limit_seconds = 3600;
    b.limit_bytes = 4e9;
    b.smaller = "--epochs";
    return b;
}

workload::Estimate estimate_of(double work, double bytes) {
    workload::Estimate e;
    e.work = work;
    e.seconds = work / 1e9;
    e.bytes = bytes;
    return e;
}

// The lines a stream received.
std::vector<std::string> lines_of(std::FILE* f) {
    std::rewind(f);
    std::vector<std::string> lines;
    char buf[512];
    while (std::fgets(buf, sizeof buf, f)) lines.push_back(buf);
    std::fclose(f);
    return lines;
}

// The message of the UsageError that check() throws ("" when it throws none).
std::string refusal(const workload::Estimate& e, const workload::Bounds& b) {
    try {
        workload::check(e, b, false);
    } catch (const UsageError& error) {
        return error.what();
    }
    return "";
}

}  // namespace

TEST_CASE(durations_and_sizes_in_words) {
    CHECK_EQ(workload::duration_text(4.2), std::string("4.20 s"));
    CHECK_EQ(workload::duration_text(600), std::string("10 min"));
    CHECK_EQ(workload::duration_text(5400), std::string("1.5 h"));
    CHECK_EQ(workload::duration_text(3 * 86400), std::string("3 days"));
    CHECK_EQ(workload::bytes_text(66e6), std::string("66 MB"));
    CHECK_EQ(workload::bytes_text(4e9), std::string("4.0 GB"));
}

TEST_CASE(a_small_run_is_neither_announced_nor_refused) {
    const workload::Estimate e = estimate_of(1e9, 1e7);   // 1 s, 10 MB
    CHECK(!workload::needs_notice(e, test_bounds()));
    CHECK(!workload::beyond_limits(e, test_bounds()));
    progress::announced() = false;
    CHECK(!workload::check(e, test_bounds(), false));
    CHECK(!progress::announced());
}

TEST_CASE(a_run_beyond_the_notice_bound_is_announced) {
    const workload::Estimate e = estimate_of(1e11, 1e7);   // 100 s: beyond 10 s, below 1 h
    CHECK(workload::needs_notice(e, test_bounds()));
    CHECK(!workload::beyond_limits(e, test_bounds()));
    CHECK_EQ(workload::cost_text(e, test_bounds()),
             std::string("about 1.0e+11 multiply-adds (about 2 min at 1e9 multiply-adds/s) and about 10 MB of memory"));
    progress::announced() = false;
    CHECK(workload::check(e, test_bounds(), false));
    CHECK(progress::announced());   // every Progress made from now on reports from its first step
    progress::announced() = false;
}

TEST_CASE(the_notice_may_compare_a_part_of_the_run) {
    workload::Bounds b = test_bounds();
    b.notice_seconds = workload::kNone;
    b.notice_work = 2e10;
    workload::Estimate e = estimate_of(1.5e11, 1e7);   // the whole run beyond 2e10 …
    e.notice_work = 8e9;                               // … but its largest part below
    CHECK(!workload::needs_notice(e, b));
    e.notice_work = 3e10;
    CHECK(workload::needs_notice(e, b));
}

TEST_CASE(a_run_beyond_a_hard_bound_is_refused_in_one_line) {
    const workload::Bounds b = test_bounds();
    const std::string time = refusal(estimate_of(1e13, 1e7), b);   // 10⁴ s
    CHECK_EQ(time, std::string("this run needs about 1.0e+13 multiply-adds (about 2.8 h at 1e9 multiply-adds/s) and "
                               "about 10 MB of memory, beyond the bound of 1.0 h: make it smaller (--epochs) or add "
                               "--allow-large"));
    CHECK(time.find('\n') == std::string::npos);
    const std::string memory = refusal(estimate_of(1e9, 5e9), b);
    CHECK(memory.find("about 5.0 GB of memory, beyond the bound of 4.0 GB of memory: ") != std::string::npos);
    workload::Bounds work_bound = b;
    work_bound.limit_seconds = workload::kNone;
    work_bound.limit_work = 1e12;
    CHECK(refusal(estimate_of(1e13, 1e7), work_bound).find("beyond the bound of 1e+12 multiply-adds: ") !=
          std::string::npos);
    // --allow-large lifts every bound; the run is then announced.
    progress::announced() = false;
    CHECK(workload::check(estimate_of(1e13, 5e9), b, true));
    progress::announced() = false;
}

TEST_CASE(upper_bounds_say_at_most) {
    workload::Estimate e = estimate_of(2e12, 3e9);
    e.at_most = true;
    CHECK_EQ(workload::cost_text(e, test_bounds()),
             std::string("at most 2.0e+12 multiply-adds (at most 33 min at 1e9 multiply-adds/s) and at most 3.0 GB of memory"));
}

// Off a terminal, a Progress prints a line at each quarter; in an announced run also one after
// its first step (and then at most every 10 s, which no test waits for).
TEST_CASE(an_announced_run_reports_its_first_step) {
    for (bool announced : {false, true}) {
        progress::announced() = announced;
        std::FILE* f = std::tmpfile();
        CHECK(f != nullptr);
        {
            Progress p("grid", 1000, f);
            for (int i = 0; i < 10; ++i) p.step(1, "epoch " + std::to_string(i + 1));
        }
        const std::vector<std::string> lines = lines_of(f);
        CHECK_EQ(lines.size(), std::size_t{announced ? 1u : 0u});
        if (announced && !lines.empty()) {
            CHECK(lines[0].rfind("grid 1/1000  ", 0) == 0);
            CHECK(lines[0].find("ETA") != std::string::npos);
            CHECK(lines[0].find("epoch 1\n") != std::string::npos);
        }
    }
    progress::announced() = false;
}

// The meter counts per cent of the planned work, each step by its share: a first step of a
// third of the work shows 33/100 with an ETA, although it is not a whole per cent more.
TEST_CASE(meter_weighs_steps_by_their_work) {
    progress::announced() = true;
    std::FILE* f = std::tmpfile();
    CHECK(f != nullptr);
    {
        workload::Meter m(3e9, "chapterN", f);
        m.advance(1e9, "run 1 of 3");
        m.advance(1e9, "run 2 of 3");
        m.finish();
    }
    const std::vector<std::string> lines = lines_of(f);
    CHECK_EQ(lines.size(), std::size_t{3});   // the first step (also past a quarter), past a half, the end
    if (lines.size() == 3) {
        CHECK(lines[0].rfind("chapterN 33/100  ", 0) == 0);
        CHECK(lines[0].find("ETA") != std::string::npos);
        CHECK(lines[0].find("run 1 of 3\n") != std::string::npos);
        CHECK(lines[1].rfind("chapterN 66/100  ", 0) == 0);
        CHECK(lines[2].rfind("chapterN 100/100  ", 0) == 0);
    }
    progress::announced() = false;
}
