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

TEST_CASE(the_summary_reads_as_html) {
    const std::string md =
        "# Chapter 9 — a < b\n\nSources: **000** §1, `x0`, *maybe*\n\n| q | ours |\n|---|---|\n| f | 0.5 |\n\n"
        "- one\n- two\n\n![A loss.](a.svg)\n\n*A loss.*\n\nSee [the data](data.csv) and [here](https://example.org).\n";
    CHECK_EQ(summary::html(md, 1, "chapter9/"),
             std::string("<h2>Chapter 9 — a &lt; b</h2>\n<p>Sources: <strong>000</strong> §1, <code>x0</code>, <em>maybe</em></p>\n"
                         "<table>\n<thead><tr><th>q</th><th>ours</th></tr></thead>\n<tbody>\n<tr><td>f</td><td>0.5</td></tr>\n"
                         "</tbody></table>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
                         "<figure><img src=\"chapter9/a.svg\" alt=\"A loss.\"><figcaption>A loss.</figcaption></figure>\n"
                         "<p>See <a href=\"chapter9/data.csv\">the data</a> and <a href=\"https://example.org\">here</a>.</p>\n"));
}

TEST_CASE(figures_are_listed_beside_the_summary) {
    const auto dir = testing::scratch_dir("summary_figures");
    summary::Summary s;
    s.title = "T";
    s.figures = {{"a.svg", "Loss, per epoch", "001 Fig. 5"}, {"b.svg", "New"}};
    summary::save(dir / "summary.md", s);
    CHECK_EQ(files::read_all(dir / "figures.csv"),
             std::string("file,caption,document\na.svg,\"Loss, per epoch\",001 Fig. 5\nb.svg,New,\n"));
}
