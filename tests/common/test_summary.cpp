// Tests of common/summary.hpp: every chapter's summary.md has the same parts in the same order.
#include "common/summary.hpp"

#include "testing.hpp"

TEST_CASE(the_parts_come_in_order) {
    summary::Summary s;
    s.title = "Chapter 9 — a test";
    s.sources = "000 §1";
    s.setup = "Seed 1.";
    s.headline = table::Text({"quantity", "ours", "document"});
    s.headline.add({"f", "0.5", "—"});
    s.headline_notes = "f is the loss.";
    s.figures = {{"a.svg", "The loss per iteration."}};
    s.sections = {{"Diverged runs", "None."}};
    s.command = "chapter9 --seed 1";
    CHECK_EQ(summary::markdown(s),
             std::string("# Chapter 9 — a test\n\nSources: 000 §1\n\nSeed 1.\n\n## Headline numbers\n\n"
                         "| quantity | ours | document |\n|---|---|---|\n| f | 0.5 | — |\n\nf is the loss.\n\n"
                         "## Figures\n\n![The loss per iteration.](a.svg)\n\n*The loss per iteration.*\n\n"
                         "## Diverged runs\n\nNone.\n\nWritten by `chapter9 --seed 1`\n"));
}

TEST_CASE(empty_parts_are_left_out) {
    summary::Summary s;
    s.title = "T";
    CHECK_EQ(summary::markdown(s), std::string("# T\n"));
}
