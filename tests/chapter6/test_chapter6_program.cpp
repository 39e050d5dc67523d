// Tests of chapter 6's program as a whole: --dump-gradient writes exactly the keys and shapes other
// tools read, with the L it prints, and numbers that give the same L and gradient when
// recomputed by hand; a small default-style run writes the files and columns the chapter names.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/wait.h>

#include "chapters/chapter6_computation_graphs/networks.hpp"
#include "common/files.hpp"
#include "testing.hpp"

namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// A tiny JSON reader: objects (keys kept in order), arrays, numbers. Enough for the dump.

struct Json {
    enum Kind { number, array, object } kind = number;
    double value = 0;
    std::string text;                                    // a number as written
    std::vector<Json> items;                             // array items, or object values
    std::vector<std::string> keys;                       // object keys, in order
    const Json& operator[](const std::string& k) const {
        for (std::size_t i = 0; i < keys.size(); ++i)
            if (keys[i] == k) return items[i];
        throw std::runtime_error("no key " + k);
    }
};

struct Reader {
    const std::string& s;
    std::size_t p = 0;
    void space() {
        while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
    }
    char peek() {
        space();
        if (p >= s.size()) throw std::runtime_error("unexpected end of JSON");
        return s[p];
    }
    void expect(char c) {
        if (peek() != c) throw std::runtime_error(std::string("expected '") + c + "' at " + std::to_string(p));
        ++p;
    }
    Json parse() {
        Json j;
        if (peek() == '{') {
            j.kind = Json::object;
            expect('{');
            while (peek() != '}') {
                expect('"');
                const std::size_t end = s.find('"', p);
                j.keys.push_back(s.substr(p, end - p));
                p = end + 1;
                expect(':');
                j.items.push_back(parse());
                if (peek() == ',') ++p;
            }
            expect('}');
        } else if (peek() == '[') {
            j.kind = Json::array;
            expect('[');
            while (peek() != ']') {
                j.items.push_back(parse());
                if (peek() == ',') ++p;
            }
            expect(']');
        } else {
            const std::size_t start = p;
            while (p < s.size() && (std::isdigit(static_cast<unsigned char>(s[p])) || std::strchr("+-.eE", s[p]))) ++p;
            j.text = s.substr(start, p - start);
            if (j.text.empty()) throw std::runtime_error("not a number at " + std::to_string(start));
            j.value = std::stod(j.text);
        }
        return j;
    }
};

Json parse_json(const std::string& text) {
    Reader r{text};
    Json j = r.parse();
    r.space();
    if (r.p != text.size()) throw std::runtime_error("text after the JSON value");
    return j;
}

// A JSON array of arrays of numbers as a rows×cols matrix; rows of unequal length fail.
ch6::Matrix as_matrix(const Json& j) {
    ch6::Matrix M(j.items.size(), j.items.empty() ? 0 : j.items[0].items.size());
    for (std::size_t i = 0; i < M.rows; ++i) {
        if (j.items[i].kind != Json::array || j.items[i].items.size() != M.cols) throw std::runtime_error("ragged matrix");
        for (std::size_t k = 0; k < M.cols; ++k) M(i, k) = j.items[i].items[k].value;
    }
    return M;
}
ch6::Matrix as_column(const Json& j) {
    ch6::Matrix M(j.items.size(), 1);
    for (std::size_t i = 0; i < M.rows; ++i) {
        if (j.items[i].kind != Json::number) throw std::runtime_error("not a flat list");
        M(i, 0) = j.items[i].value;
    }
    return M;
}

// Run the program; its standard output, or "" when it failed.
std::string run(const std::string& args, const fs::path& dir) {
    const fs::path out = dir / "stdout.txt";
    const std::string cmd = std::string("\"") + CHAPTER6_PROGRAM + "\" " + args + " > \"" + out.string() + "\" 2> \"" +
                            (dir / "stderr.txt").string() + "\"";
    if (std::system(cmd.c_str()) != 0) {
        std::fprintf(stderr, "command failed: %s\n", cmd.c_str());
        return "";
    }
    return files::read_all(out);
}

// The text after "L = " on the dump's line.
std::string printed_L(const std::string& out) {
    const std::size_t at = out.find("L = ");
    return at == std::string::npos ? "" : out.substr(at + 4, out.find('\n', at) - at - 4);
}

struct Dump {
    Json json;
    std::string printed;
};

Dump dump(const std::string& name, const std::string& flags) {
    const fs::path dir = testing::scratch_dir("chapter6_" + name);
    const std::string out = run("--dump-gradient \"" + (dir / "g.json").string() + "\" " + flags, dir);
    return {parse_json(files::read_all(dir / "g.json")), printed_L(out)};
}

const std::vector<std::string> kKeys{"x", "c", "W1", "w10", "W2", "w20", "L", "dW1", "dw10", "dW2", "dw20"};

// Keys, shapes, L as printed; the numbers recomputed by hand give L and the gradient.
void check_dump(const Dump& d, std::size_t M, std::size_t K) {
    const Json& j = d.json;
    CHECK(j.keys == kKeys);
    const ch6::Matrix x = as_matrix(j["x"]);
    CHECK_EQ(x.cols, 2u);   // m × d, one row per sample
    const std::size_t m = x.rows;
    CHECK_EQ(m, 8u);
    std::vector<std::size_t> c;
    for (const Json& v : j["c"].items) {
        CHECK(v.value >= 0 && v.value < static_cast<double>(K) && v.value == static_cast<double>(static_cast<std::size_t>(v.value)));
        c.push_back(static_cast<std::size_t>(v.value));
    }
    CHECK_EQ(c.size(), m);
    const ch6::Net002 net{as_matrix(j["W1"]), as_column(j["w10"]), as_matrix(j["W2"]), as_column(j["w20"])};
    const ch6::Net002 grad{as_matrix(j["dW1"]), as_column(j["dw10"]), as_matrix(j["dW2"]), as_column(j["dw20"])};
    CHECK(net.W1.rows == M && net.W1.cols == 2 && net.w10.rows == M && net.W2.rows == K && net.W2.cols == M && net.w20.rows == K);
    CHECK(grad.W1.same_shape(net.W1) && grad.w10.same_shape(net.w10) && grad.W2.same_shape(net.W2) && grad.w20.same_shape(net.w20));
    CHECK_EQ(j["L"].text, d.printed);   // the printed L is the written L, digit for digit
    // Recomputed with the hand-derived forward pass and back-propagation (not the graph):
    // the numbers are written as shortest round-trip text, so they are the program's own.
    const ch6::Matrix xt = ch6::transpose(x);
    CHECK_REL(ch6::forward_002(net, xt, c).L, j["L"].value, 1e-14);
    const ch6::Net002 hand = ch6::backprop_002(net, xt, c);
    double worst = 0, scale = 0;
    for (const auto& [a, b] : std::vector<std::pair<const ch6::Matrix*, const ch6::Matrix*>>{
             {&grad.W1, &hand.W1}, {&grad.w10, &hand.w10}, {&grad.W2, &hand.W2}, {&grad.w20, &hand.w20}})
        for (std::size_t k = 0; k < a->size(); ++k) {
            worst = std::max(worst, std::fabs(a->data[k] - b->data[k]));
            scale = std::max(scale, std::fabs(b->data[k]));
        }
    CHECK_LE(worst, 1e-12 * scale);
}

}  // namespace

TEST_CASE(dump_gradient_writes_the_keys_shapes_and_printed_L) {
    const Dump d = dump("dump_default", "");
    check_dump(d, 16, 3);
}

TEST_CASE(dump_gradient_follows_seed_hidden_and_classes) {
    const Dump a = dump("dump_small", "--seed 7 --hidden 5 --classes 4");
    check_dump(a, 5, 4);
    const Dump b = dump("dump_small_again", "--seed 7 --hidden 5 --classes 4");
    CHECK_EQ(a.json["L"].text, b.json["L"].text);   // the same seed, the same point
    const Dump c = dump("dump_other_seed", "--seed 8 --hidden 5 --classes 4");
    CHECK(a.json["L"].text != c.json["L"].text);
}

// A small run: its node table, cost table, data and training curve have the columns the
// chapter names, and the L of its node table is the one --dump-gradient prints for that seed.
TEST_CASE(small_run_writes_the_named_files_and_columns) {
    const fs::path dir = testing::scratch_dir("chapter6_small_run");
    const std::string out = run("--out \"" + (dir / "out").string() + "\" --max-width 8 --iterations 40 --etas 3", dir);
    const fs::path o = dir / "out";
    auto first_line = [&](const std::string& file) {
        const std::string t = files::read_all(o / file);
        return t.substr(0, t.find('\n'));
    };
    CHECK_EQ(first_line("nodes.csv"), std::string("node,op,inputs,rows,cols,value_norm,grad_norm"));
    CHECK_EQ(first_line("cost.csv"), std::string("parameters,ad_seconds,fd_seconds,ratio"));
    CHECK_EQ(first_line("data.csv"), std::string("x1,x2,class,split"));
    CHECK_EQ(first_line("training.csv"), std::string("eta,iteration,train_loss,validation_loss"));
    CHECK_EQ(first_line("decision.csv"), std::string("x1,x2,predicted,p0,p1,p2"));
    const std::string nodes = files::read_all(o / "nodes.csv");
    for (const char* row : {"\nx,input,,2,8,", "\nW1,parameter,,16,2,", "\nx2,matmul,W1 x,16,8,", "\nx3,add_to_columns,x2 w10,16,8,",
                            "\nx4,sigmoid,x3,16,8,", "\nx5,matmul,W2 x4,3,8,", "\nx6,add_to_columns,x5 w20,3,8,",
                            "\nL,softmax_cross_entropy,x6,1,1,"})
        CHECK(nodes.find(row) != std::string::npos);
    const std::string cost = files::read_all(o / "cost.csv");
    for (const char* n : {"\n15,", "\n35,", "\n99,"}) CHECK(cost.find(n) != std::string::npos);   // (M + 1)(M + 3)
    for (const char* f : {"graph.svg", "graph_000_s3.svg", "nodes_000_s3.csv", "cost.svg", "training.svg", "decision.svg", "summary.md"})
        CHECK(fs::exists(o / f));
    const std::string summary = files::read_all(o / "summary.md");
    CHECK(summary.find("chapter6 --out") != std::string::npos);
    CHECK(summary.find("nan") == std::string::npos);
    const Dump d = dump("dump_for_small_run", "");
    CHECK(!d.printed.empty() && out.find(d.printed) != std::string::npos);   // the same L in the headline table
}

// A run beyond the hard bounds (about 1.7 h) is refused with exit status 2 and the flag that
// lifts the bound, before the output folder or any folder above it is created.
TEST_CASE(too_large_a_run_is_refused_before_any_folder_exists) {
    const fs::path scratch = testing::scratch_dir("chapter6_refused");
    const fs::path out = scratch / "a" / "b" / "out";
    const std::string cmd = std::string("\"") + CHAPTER6_PROGRAM + "\" --out \"" + out.string() +
                            "\" --hidden 4096 --classes 8 --iterations 10000 > /dev/null 2> \"" +
                            (scratch / "stderr.txt").string() + "\"";
    const int status = std::system(cmd.c_str());
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2);
    const std::string err = files::read_all(scratch / "stderr.txt");
    CHECK(err.find("beyond the bound of 1.0 h") != std::string::npos);
    CHECK(err.find("or add --allow-large") != std::string::npos);
    CHECK(!fs::exists(scratch / "a"));
}
