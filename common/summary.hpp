// summary.hpp — the summary.md that every program writes beside its CSV and SVG files.
//
// Every chapter's summary has the same parts, in the same order:
//
//   # <title>
//   Sources: <documents and places>
//   <set-up: data, seed, and how each headline number was chosen>
//   ## Headline numbers            <table: ours beside the document's>, then notes on it
//   ## Figures                     each figure, with its caption under it
//   ## <further sections>          tables and notes that do not fit the headline
//   Written by `<the command line that produced the folder>`
//
// The top-level `make run` gathers the chapters' summaries into results/README.md.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/files.hpp"
#include "common/table.hpp"

namespace summary {

struct Figure {
    std::string file;      // name of the SVG in the same folder
    std::string caption;   // one sentence: what the figure shows
};

struct Section {
    std::string heading;
    std::string markdown;   // its body: text and tables
};

struct Summary {
    std::string title;            // "Chapter 1 — a single-layer sigmoid network trained with BFGS"
    std::string sources;          // "000 §1 (Figures 2–4)"
    std::string setup;            // a paragraph: data, seed, how the numbers were chosen
    table::Text headline;         // the headline table (the program prints it, aligned, too)
    std::string headline_notes;   // what the table's columns mean, in a paragraph
    std::vector<Figure> figures;
    std::vector<Section> sections;
    std::string command;          // cli::Flags::command_line()
};

inline std::string markdown(const Summary& s) {
    std::string md = "# " + s.title + "\n\n";
    if (!s.sources.empty()) md += "Sources: " + s.sources + "\n\n";
    if (!s.setup.empty()) md += s.setup + "\n\n";
    if (!s.headline.header.empty()) md += "## Headline numbers\n\n" + s.headline.markdown() + "\n";
    if (!s.headline_notes.empty()) md += s.headline_notes + "\n\n";
    if (!s.figures.empty()) {
        md += "## Figures\n\n";
        for (const Figure& f : s.figures) md += "![" + f.caption + "](" + f.file + ")\n\n*" + f.caption + "*\n\n";
    }
    for (const Section& sec : s.sections) md += "## " + sec.heading + "\n\n" + sec.markdown + "\n\n";
    if (!s.command.empty()) md += "Written by `" + s.command + "`\n";
    while (md.size() > 1 && md[md.size() - 1] == '\n' && md[md.size() - 2] == '\n') md.pop_back();
    return md;
}

inline void save(const std::filesystem::path& path, const Summary& s) { files::write_atomic(path, markdown(s)); }

}  // namespace summary
