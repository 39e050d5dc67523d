// figures.hpp — a computation graph as a figure (plot::Diagram): a box per node (its name,
// operation and shape, the norms of its value and its gradient), an arrow per input, chosen
// edges highlighted.
//
// The layout of a graph is computed, not drawn by hand: a node's column is its depth (one more
// than its deepest input; a leaf sits just left of its first user), its row that of its first
// computed input if free, else the nearest free one; data inputs sit in their user's row,
// parameters above it. Edges run from the right side of a box to the left side of the next.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "chapters/chapter6_computation_graphs/graph.hpp"
#include "common/plot/diagram.hpp"
#include "common/table.hpp"

namespace ch6 {

// ---------------------------------------------------------------------------------------------
// The computation graph

struct GraphFigure {
    std::string title;
    std::set<std::pair<Id, Id>> highlighted;   // edges (input, node) drawn in red
    std::string highlight_label;               // their legend entry
};

struct Place {
    int col = 0, row = 0;
};

// Columns and rows of the nodes that `output` depends on (see the file comment).
inline std::map<Id, Place> layout(const Graph& g, Id output) {
    const std::vector<Id> order = topological_order(g, output);
    std::map<Id, Place> at;
    std::map<Id, std::vector<Id>> users;
    for (Id v : order)
        for (Id u : g.nodes[v].inputs) users[u].push_back(v);
    std::set<std::pair<int, int>> taken;
    auto free_row = [&](int col, int want) {
        for (int k = 0;; ++k)
            for (int r : {want + k, want - k})
                if (!taken.count({col, r})) return r;
    };
    for (Id v : order) {   // computed nodes, inputs before users
        const Node& n = g.nodes[v];
        if (n.inputs.empty()) continue;
        int col = 1, want = 0;
        bool have_row = false;
        for (Id u : n.inputs) {
            const bool leaf = g.nodes[u].inputs.empty();
            col = std::max(col, leaf ? 1 : at[u].col + 1);
            if (!leaf && !have_row) want = at[u].row, have_row = true;
        }
        at[v] = {col, free_row(col, want)};
        taken.insert({at[v].col, at[v].row});
    }
    for (Id v : order) {   // leaves, next to their first user
        const Node& n = g.nodes[v];
        if (!n.inputs.empty()) continue;
        if (users[v].empty()) {   // a graph of one node
            at[v] = {0, 0};
            continue;
        }
        int col = at[users[v].front()].col - 1;
        for (Id w : users[v]) col = std::min(col, at[w].col - 1);
        const int want = at[users[v].front()].row - (n.op == "parameter" ? 1 : 0);
        at[v] = {col, free_row(col, want)};
        taken.insert({at[v].col, at[v].row});
    }
    return at;
}

inline std::string shape_text(const Matrix& M) { return std::to_string(M.rows) + "×" + std::to_string(M.cols); }

// The graph as a plot::Diagram: a box per node (its name; its operation, shape and the norms of
// its value and gradient), coloured by kind, and an arrow per input.
inline std::string graph_svg(const Graph& g, Id output, const GraphFigure& fig) {
    const std::map<Id, Place> at = layout(g, output);
    plot::Diagram d;
    d.title = fig.title;
    std::map<Id, std::size_t> box_of;
    double widest = 0;
    for (const auto& [v, p] : at) {
        const Node& n = g.nodes[v];
        plot::DiagramBox b;
        b.label = (n.name.empty() ? n.op : n.name) + "  (" + n.op + ", " + shape_text(n.value) + ")";
        b.sub_label = "‖v‖ " + table::sig(norm(n.value)) + " · ‖∂L/∂v‖ " + table::sig(norm(n.grad));
        b.x = p.col;
        b.y = p.row;
        b.fill = n.op == "parameter" ? "#e3edf8" : n.op == "input" ? "#efefef" : v == output ? "#fbe3df" : "#fff6e0";
        widest = std::max({widest, plot::detail::text_width(b.label, 13) + 20, plot::detail::text_width(b.sub_label, 11) + 16});
        box_of[v] = d.boxes.size();
        d.boxes.push_back(b);
    }
    for (const auto& [v, p] : at)
        for (Id u : g.nodes[v].inputs)
            d.arrows.push_back({box_of.at(u), box_of.at(v), "", fig.highlighted.count({u, v}) > 0, false});
    d.column_width = widest + 46;
    d.row_height = 80;
    d.note = "box: name (operation, shape); ‖value‖ · ‖∂L/∂value‖ (Frobenius norms). Blue: parameters, grey: data, "
             "red: the loss" + (fig.highlighted.empty() ? std::string(".") : ". Red arrows: " + fig.highlight_label + ".");
    return plot::to_svg(d);
}

}  // namespace ch6
