// results_page — the front page of `make run`'s results, results/index.html: one self-contained
// HTML page (no network, no script) with every chapter's summary — its headline numbers beside
// the documents', every figure with its caption — and a table from each figure of the documents
// to the figure that reproduces it, plus a short glossary of the terms the summaries use.
//
//   results_page RESULTS_DIR N:SECONDS [N:SECONDS ...]     (N:skipped for a chapter not run)
//
// It reads RESULTS_DIR/chapterN/summary.md and figures.csv, written by each program through
// common/summary.hpp, and writes RESULTS_DIR/index.html atomically. The figures stay SVG files
// beside it, so the page opens in any browser from the results folder.
#include <algorithm>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "common/csv.hpp"
#include "common/errors.hpp"
#include "common/files.hpp"
#include "common/summary.hpp"

namespace {

namespace fs = std::filesystem;

struct Chapter {
    std::string number, seconds;   // seconds: "12.3" or "skipped"
    std::string title, html;
    std::vector<std::vector<std::string>> figures;   // file, caption, document
};

// "001 Fig. 3" → ("001", 3) for sorting; figures of no document sort last.
std::pair<std::string, int> document_key(const std::string& doc) {
    if (doc.empty()) return {"~", 0};
    const std::size_t digit = doc.find_first_of("0123456789", 3);
    return {doc.substr(0, 3), digit == std::string::npos ? 0 : std::atoi(doc.c_str() + digit)};   // slides: 0
}

std::string figure_table(const std::vector<Chapter>& chapters) {
    struct Row {
        std::string doc, link, chapter, caption;
    };
    std::vector<Row> rows;
    for (const Chapter& c : chapters)
        for (std::size_t k = 1; k < c.figures.size(); ++k) {
            const auto& f = c.figures[k];
            if (f.size() < 3) continue;
            rows.push_back({f[2], "<a href=\"#chapter" + c.number + "-" + f[0] + "\">chapter" + c.number + "/" + f[0] + "</a>",
                            c.number, summary::detail::escape_html(f[1])});
        }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row& a, const Row& b) { return document_key(a.doc) < document_key(b.doc); });
    std::string o = "<table>\n<thead><tr><th>document figure</th><th>our figure</th><th>what it shows</th></tr></thead>\n<tbody>\n";
    for (const Row& r : rows)
        o += "<tr><td>" + (r.doc.empty() ? std::string("— (an experiment of ours)") : summary::detail::escape_html(r.doc)) +
             "</td><td>" + r.link + "</td><td>" + r.caption + "</td></tr>\n";
    return o + "</tbody></table>\n";
}

// Every <img> of a chapter gets an id (for the links of the figure table) and a caption below.
std::string with_figure_ids(std::string html, const Chapter& c) {
    for (std::size_t k = 1; k < c.figures.size(); ++k) {
        const std::string src = "src=\"chapter" + c.number + "/" + c.figures[k][0] + "\"";
        const std::size_t at = html.find(src);
        if (at == std::string::npos) continue;
        const std::size_t fig = html.rfind("<figure>", at);
        if (fig != std::string::npos)
            html.replace(fig, 8, "<figure id=\"chapter" + c.number + "-" + c.figures[k][0] + "\">");
    }
    return html;
}

constexpr const char* kGlossary = R"(<dl>
<dt>document</dt><dd>one of the five source documents, cited by its id (000 … 004) and a place in it; the top-level README lists them.</dd>
<dt>epoch, mini-batch</dt><dd>one pass of stochastic gradient descent over all training samples, taken in random mini-batches of M samples.</dd>
<dt>learning rate η, momentum ω, decay κ, L2 strength λ</dt><dd>the step of gradient descent; the fraction of the previous step kept in the next; η_e = η/(1 + κe) in epoch e; the weight of ‖w‖² added to the loss. A chapter README says where its η is scaled differently from a document's: chapter 5 minimises half the mean squared error, so its η is twice 001's for the same steps.</dd>
<dt>noise floor</dt><dd>the mean squared error of the true function itself on noisy data: no model can expect to do better on average.</dd>
<dt>bootstrap ±</dt><dd>the standard deviation of a test score over resamples (with replacement) of the test set: how much the score would move on another test set of that size.</dd>
<dt>condition number κ</dt><dd>the ratio of the largest to the smallest singular value of a design matrix: how much rounding errors and noise can be amplified in a least-squares fit.</dd>
<dt>validation set, cross-validation</dt><dd>training data held out to choose hyper-parameters; the test set is used once, for the chosen model.</dd>
<dt>preset</dt><dd>a named set of hyper-parameters of chapter 4: <code>report</code> is 001's set-up, <code>default</code> ours, chosen on a validation set.</dd>
<dt>teacher and student network</dt><dd>chapter 2's data come from a network with fixed random weights (the teacher); the network we train (the student) has the same architecture, so a perfect fit exists.</dd>
<dt>diverged</dt><dd>a run whose loss became non-finite or grew a millionfold: it is stopped and reported, never drawn as a number.</dd>
</dl>
)";

std::string page(const std::vector<Chapter>& chapters, const std::string& written) {
    std::string o = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Neural networks from the equations up — results</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; line-height: 1.45; color: #222; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
figure { margin: 1.2em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e4e4e4; }
h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2em; margin-top: 2.2em; }
code { background: #f4f4f4; padding: 0 0.2em; }
dt { font-weight: bold; margin-top: 0.5em; }
nav li { margin: 0.15em 0; }
</style></head><body>
<h1>Neural networks from the equations up — results</h1>
)";
    o += "<p>Written by <code>make run</code> on " + written +
         ". Each chapter below is its own <code>summary.md</code>: the headline numbers beside the source documents' "
         "own, and every figure with its caption. The figures are the SVG files of each chapter's folder.</p>\n";
    o += "<nav><h2>Contents</h2><ul>\n";
    for (const Chapter& c : chapters)
        o += c.html.empty() ? "<li>Chapter " + c.number + ": not run (" + c.seconds + ")</li>\n"
                            : "<li><a href=\"#chapter" + c.number + "\">" + summary::detail::escape_html(c.title) +
                                  "</a> — " + c.seconds + " s</li>\n";
    o += "<li><a href=\"#figures\">The documents' figures and ours</a></li>\n<li><a href=\"#terms\">Terms</a></li>\n</ul></nav>\n";
    o += "<h2 id=\"figures\">The documents' figures and ours</h2>\n" + figure_table(chapters);
    for (const Chapter& c : chapters)
        if (!c.html.empty()) o += "<section id=\"chapter" + c.number + "\">\n" + c.html + "</section>\n";
    o += "<h2 id=\"terms\">Terms</h2>\n" + std::string(kGlossary) + "</body></html>\n";
    return o;
}

Chapter read_chapter(const fs::path& results, const std::string& arg) {
    const std::size_t colon = arg.find(':');
    if (colon == std::string::npos) throw UsageError("expected N:SECONDS, got " + quoted_text(arg));
    Chapter c{arg.substr(0, colon), arg.substr(colon + 1), "", "", {}};
    if (c.seconds == "skipped") return c;
    const fs::path dir = results / ("chapter" + c.number);
    const std::string md = files::read_all(dir / "summary.md", 1 << 22);
    c.title = md.substr(2, md.find('\n') - 2);
    c.figures = csv::parse_text(files::read_all(dir / "figures.csv", 1 << 20), (dir / "figures.csv").string());
    c.html = with_figure_ids(summary::html(md, 1, "chapter" + c.number + "/"), c);
    return c;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: results_page RESULTS_DIR N:SECONDS [N:SECONDS ...]\n";
        return 2;
    }
    try {
        const fs::path results = argv[1];
        std::vector<Chapter> chapters;
        for (int i = 2; i < argc; ++i) chapters.push_back(read_chapter(results, argv[i]));
        char written[64];
        const std::time_t now = std::time(nullptr);
        std::strftime(written, sizeof written, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
        files::write_atomic(results / "index.html", page(chapters, written));
        return 0;
    } catch (const UsageError& e) {
        std::cerr << "results_page: error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "results_page: error: " << e.what() << "\n";
        return 1;
    }
}
