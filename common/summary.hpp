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
// summary::save also writes figures.csv (file, caption, document figure) beside it, and
// summary::html turns the Markdown it writes into HTML: `make run` gathers the chapters'
// summaries into results/README.md and results/index.html (chapters/results_page.cpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/csv.hpp"
#include "common/files.hpp"
#include "common/table.hpp"

namespace summary {

struct Figure {
    std::string file;            // name of the SVG in the same folder
    std::string caption;         // one sentence: what the figure shows
    std::string document = "";   // the figure of a document it reproduces ("001 Fig. 3"), "" if none
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

// summary.md at `path`, and figures.csv beside it: one row per figure (file,caption,document).
inline void save(const std::filesystem::path& path, const Summary& s) {
    files::write_atomic(path, markdown(s));
    csv::Writer w({"file", "caption", "document"});
    for (const Figure& f : s.figures) w.row({f.file, f.caption, f.document});
    w.save(path.parent_path() / "figures.csv");
}

// ---------------------------------------------------------------------------------------------
// The Markdown of summaries as HTML: headings, paragraphs, pipe tables, lists, images, and
// inline **bold**, *italics*, `code` and [links](url). Nothing else is needed: the summaries
// are written by markdown() above. Text is escaped; `image_prefix` goes before relative image
// and link targets (a chapter's folder, seen from the page).

namespace detail {

inline std::string escape_html(std::string_view t) {
    std::string o;
    for (char c : t) o += c == '<' ? "&lt;" : c == '>' ? "&gt;" : c == '&' ? "&amp;" : c == '"' ? "&quot;" : std::string(1, c);
    return o;
}

inline bool relative(const std::string& url) { return url.find("://") == std::string::npos && url.rfind('#', 0) != 0; }

// One line of text with its inline markup.
inline std::string inline_html(std::string_view t, const std::string& prefix) {
    std::string o;
    for (std::size_t i = 0; i < t.size();) {
        auto span = [&](std::string_view mark, const char* tag) {
            const std::size_t end = t.find(mark, i + mark.size());
            if (t.substr(i, mark.size()) != mark || end == std::string_view::npos || end == i + mark.size()) return false;
            const std::string_view inner = t.substr(i + mark.size(), end - i - mark.size());
            o += std::string("<") + tag + ">" + (tag[0] == 'c' ? escape_html(inner) : inline_html(inner, prefix)) +
                 "</" + tag + ">";
            i = end + mark.size();
            return true;
        };
        if (span("`", "code") || span("**", "strong") || span("*", "em")) continue;
        const bool image = t.substr(i, 2) == "![";
        if (t[i] == '[' || image) {
            const std::size_t close = t.find("](", i), end = close == std::string_view::npos ? close : t.find(')', close);
            if (end != std::string_view::npos) {
                const std::string text(t.substr(i + (image ? 2 : 1), close - i - (image ? 2 : 1)));
                std::string url(t.substr(close + 2, end - close - 2));
                if (relative(url)) url = prefix + url;
                o += image ? "<img src=\"" + escape_html(url) + "\" alt=\"" + escape_html(text) + "\">"
                           : "<a href=\"" + escape_html(url) + "\">" + inline_html(text, prefix) + "</a>";
                i = end + 1;
                continue;
            }
        }
        o += escape_html(t.substr(i, 1));
        ++i;
    }
    return o;
}

inline std::vector<std::string> table_cells(std::string_view line) {
    std::vector<std::string> cells;
    line.remove_prefix(1);
    if (!line.empty() && line.back() == '|') line.remove_suffix(1);
    for (std::size_t start = 0;;) {
        const std::size_t bar = line.find('|', start);
        std::string_view c = line.substr(start, bar == std::string_view::npos ? bar : bar - start);
        while (!c.empty() && c.front() == ' ') c.remove_prefix(1);
        while (!c.empty() && c.back() == ' ') c.remove_suffix(1);
        cells.emplace_back(c);
        if (bar == std::string_view::npos) return cells;
        start = bar + 1;
    }
}

// A block of consecutive non-blank lines.
inline std::string block_html(const std::vector<std::string>& lines, int heading_shift, const std::string& prefix) {
    const std::string& first = lines.front();
    if (first[0] == '#') {
        const std::size_t level = first.find_first_not_of('#');
        const std::string h = std::to_string(std::min<std::size_t>(6, level + static_cast<std::size_t>(heading_shift)));
        return "<h" + h + ">" + inline_html(std::string_view(first).substr(level + 1), prefix) + "</h" + h + ">\n";
    }
    if (first[0] == '|' && lines.size() >= 2) {
        std::string o = "<table>\n<thead><tr>";
        for (const auto& c : table_cells(first)) o += "<th>" + inline_html(c, prefix) + "</th>";
        o += "</tr></thead>\n<tbody>\n";
        for (std::size_t k = 2; k < lines.size(); ++k) {
            o += "<tr>";
            for (const auto& c : table_cells(lines[k])) o += "<td>" + inline_html(c, prefix) + "</td>";
            o += "</tr>\n";
        }
        return o + "</tbody></table>\n";
    }
    if (first.rfind("- ", 0) == 0) {
        std::string o = "<ul>\n";
        for (const auto& l : lines) o += "<li>" + inline_html(std::string_view(l).substr(l.rfind("- ", 0) == 0 ? 2 : 0), prefix) + "</li>\n";
        return o + "</ul>\n";
    }
    if (lines.size() == 1 && first.rfind("![", 0) == 0) return "<figure>" + inline_html(first, prefix) + "</figure>\n";
    std::string o = "<p>";
    for (std::size_t k = 0; k < lines.size(); ++k) o += (k ? "\n" : "") + inline_html(lines[k], prefix);
    return o + "</p>\n";
}

}  // namespace detail

// HTML of summary Markdown; headings move down `heading_shift` levels (a chapter's "#" becomes
// "<h2>" on a page of all chapters). A figure followed by a line in italics gets it as caption.
inline std::string html(std::string_view md, int heading_shift = 0, const std::string& prefix = "") {
    std::vector<std::vector<std::string>> blocks{{}};
    for (std::size_t pos = 0; pos <= md.size();) {
        const std::size_t eol = std::min(md.find('\n', pos), md.size());
        const std::string line(md.substr(pos, eol - pos));
        pos = eol + 1;
        if ((line.empty() || line[0] == '#') && !blocks.back().empty()) blocks.emplace_back();
        if (!line.empty()) blocks.back().push_back(line);
        if (!line.empty() && line[0] == '#') blocks.emplace_back();   // a heading is a block of its own
    }
    auto italic_line = [](const std::vector<std::string>& b) {
        return b.size() == 1 && b[0].size() > 2 && b[0].front() == '*' && b[0][1] != '*' && b[0].back() == '*';
    };
    std::string out;
    for (std::size_t k = 0; k < blocks.size(); ++k) {
        const auto& b = blocks[k];
        if (b.empty()) continue;
        const bool figure = b.size() == 1 && b[0].rfind("![", 0) == 0;
        if (figure && k + 1 < blocks.size() && italic_line(blocks[k + 1])) {
            const std::string& cap = blocks[++k][0];
            out += "<figure>" + detail::inline_html(b[0], prefix) + "<figcaption>" +
                   detail::inline_html(std::string_view(cap).substr(1, cap.size() - 2), prefix) + "</figcaption></figure>\n";
        } else {
            out += detail::block_html(b, heading_shift, prefix);
        }
    }
    return out;
}

}  // namespace summary
