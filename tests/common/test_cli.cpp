// Tests of common/cli.hpp: typed flags, bounds, and the messages a user sees.
#include "common/cli.hpp"

#include <array>

#include "testing.hpp"

namespace {

struct Options {
    double lr = 0.1;
    int epochs = 10;
    std::uint64_t seed = 42;
    std::string method = "wolfe";
    std::string out = "results";
    bool quick = false;
    std::vector<double> x0 = {0, 0};
    std::vector<int> layers = {2, 3, 1};
    std::vector<std::string> activations = {"relu"};
};

cli::Flags make_flags(Options& o) {
    cli::Flags f("prog", "A test program.");
    f.add("lr", o.lr, "learning rate", cli::positive());
    f.add("epochs", o.epochs, "epochs", cli::non_negative());
    f.add("seed", o.seed, "seed");
    f.add("method", o.method, "method", {"seed", "wolfe"});
    f.add("out", o.out, "output folder");
    f.add("quick", o.quick, "fewer iterations");
    f.add("x0", o.x0, "start", cli::any(), 2);
    f.add("layers", o.layers, "widths", cli::positive());
    f.add("activations", o.activations, "activations", {"relu", "sigmoid"});
    return f;
}

// Parse a command line given as words (the program name is added).
template <std::size_t N>
void parse(cli::Flags& f, std::array<const char*, N> words) {
    std::vector<char*> argv{const_cast<char*>("prog")};
    for (auto w : words) argv.push_back(const_cast<char*>(w));
    f.parse(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE(values_of_every_type_are_parsed) {
    Options o;
    auto f = make_flags(o);
    parse(f, std::array{"--lr", "0.5", "--epochs=3", "--seed", "7", "--method", "seed", "--out",
                        "dir", "--quick", "--x0", "1.5,-2", "--layers", "2, 4,1",
                        "--activations", "sigmoid,relu"});
    CHECK_EQ(o.lr, 0.5);
    CHECK_EQ(o.epochs, 3);
    CHECK_EQ(o.seed, 7u);
    CHECK_EQ(o.method, std::string("seed"));
    CHECK_EQ(o.out, std::string("dir"));
    CHECK(o.quick);
    CHECK(o.x0 == (std::vector<double>{1.5, -2}));
    CHECK(o.layers == (std::vector<int>{2, 4, 1}));
    CHECK(o.activations == (std::vector<std::string>{"sigmoid", "relu"}));
    CHECK(f.given("lr") && f.given("seed"));
}

TEST_CASE(defaults_stay_when_flags_are_absent) {
    Options o;
    auto f = make_flags(o);
    parse(f, std::array{"--quick"});
    CHECK_EQ(o.lr, 0.1);
    CHECK_EQ(o.epochs, 10);
    CHECK(!f.given("lr"));
    CHECK(f.given("quick"));
}

TEST_CASE(malformed_values_name_the_flag_and_the_problem) {
    Options o;
    auto f = make_flags(o);
    CHECK_THROWS(parse(f, std::array{"--lr", "abc"}), UsageError, "--lr: 'abc' is not a number");
    Options o2;
    auto f2 = make_flags(o2);
    CHECK_THROWS(parse(f2, std::array{"--epochs", "-3"}), UsageError,
                 "--epochs: -3 is out of range (must be >= 0)");
    Options o3;
    auto f3 = make_flags(o3);
    CHECK_THROWS(parse(f3, std::array{"--epochs", "2.5"}), UsageError, "not a whole number");
    Options o4;
    auto f4 = make_flags(o4);
    CHECK_THROWS(parse(f4, std::array{"--lr", "nan"}), UsageError, "not a finite number");
    Options o5;
    auto f5 = make_flags(o5);
    CHECK_THROWS(parse(f5, std::array{"--lr", "1e999"}), UsageError, "'1e999' is too large for a double");
    Options o6;
    auto f6 = make_flags(o6);
    CHECK_THROWS(parse(f6, std::array{"--lr", "0"}), UsageError, "must be > 0");
    Options o7;
    auto f7 = make_flags(o7);
    CHECK_THROWS(parse(f7, std::array{"--seed", "-1"}), UsageError, "negative");
    Options o8;
    auto f8 = make_flags(o8);
    CHECK_THROWS(parse(f8, std::array{"--epochs", "99999999999"}), UsageError, "too large");
    Options o9;
    auto f9 = make_flags(o9);
    CHECK_THROWS(parse(f9, std::array{"--lr", "1e-400"}), UsageError, "'1e-400' is too close to 0 for a double");
}

TEST_CASE(minus_zero_is_zero_not_negative) {
    Options o;
    auto f = make_flags(o);
    parse(f, std::array{"--seed", "-0"});
    CHECK_EQ(o.seed, 0u);
    Options o2;
    auto f2 = make_flags(o2);
    CHECK_THROWS(parse(f2, std::array{"--lr", "-0"}), UsageError, "--lr: -0 is out of range (must be > 0)");
}

TEST_CASE(echoed_text_is_short_and_printable) {
    // A 100 kB argument is shown as its first 80 characters; bytes that are not printable
    // text are shown as \xNN; valid UTF-8 passes unchanged.
    const std::string huge(100000, 'a');
    Options o;
    auto f = make_flags(o);
    std::string message;
    try {
        std::vector<char*> argv{const_cast<char*>("prog"), const_cast<char*>("--lr"), const_cast<char*>(huge.c_str())};
        f.parse(3, argv.data());
    } catch (const UsageError& e) {
        message = e.what();
    }
    CHECK_EQ(message, "--lr: '" + std::string(80, 'a') + "…' is not a number");
    CHECK_EQ(quoted_text("a\x01\xff\n"), std::string("'a\\x01\\xFF\\x0A'"));
    CHECK_EQ(quoted_text("η = ‖∇f‖"), std::string("'η = ‖∇f‖'"));
    CHECK_EQ(quoted_text("\xE2\x80"), std::string("'\\xE2\\x80'"));   // a cut UTF-8 sequence
}

TEST_CASE(suggestions_are_close_or_absent) {
    Options a, b, c, d;
    auto fa = make_flags(a);
    CHECK_THROWS(parse(fa, std::array{"--h"}), UsageError, "unknown flag --h (did you mean --help?)");
    auto fb = make_flags(b);
    CHECK_THROWS(parse(fb, std::array{"--e", "1"}), UsageError, "(did you mean --epochs?)");
    auto fc = make_flags(c);
    CHECK_THROWS(parse(fc, std::array{"--zz", "1"}), UsageError, "unknown flag --zz (see --help)");
    auto fd = make_flags(d);
    CHECK_THROWS(parse(fd, std::array{"--sed", "1"}), UsageError, "(did you mean --seed?)");
}

TEST_CASE(command_line_is_recorded_as_a_shell_would_read_it) {
    Options o;
    auto f = make_flags(o);
    parse(f, std::array{"--out", "it's mine", "--lr=0.5", "--method", "seed"});
    CHECK_EQ(f.command_line(), std::string("prog --out 'it'\\''s mine' --lr=0.5 --method seed"));
}

TEST_CASE(structural_errors_are_reported) {
    Options a, b, c, d, e, g;
    auto fa = make_flags(a);
    CHECK_THROWS(parse(fa, std::array{"--lrr", "1"}), UsageError, "unknown flag --lrr (did you mean --lr?)");
    auto fb = make_flags(b);
    CHECK_THROWS(parse(fb, std::array{"--lr"}), UsageError, "--lr needs a value");
    auto fc = make_flags(c);
    CHECK_THROWS(parse(fc, std::array{"--lr", "--epochs", "3"}), UsageError, "--lr needs a value");
    auto fd = make_flags(d);
    CHECK_THROWS(parse(fd, std::array{"--lr", "1", "--lr", "2"}), UsageError, "given twice");
    auto fe = make_flags(e);
    CHECK_THROWS(parse(fe, std::array{"stray"}), UsageError, "unexpected argument 'stray'");
    auto fg = make_flags(g);
    CHECK_THROWS(parse(fg, std::array{"--quick=yes"}), UsageError, "takes no value");
}

TEST_CASE(lists_and_choices_are_validated) {
    Options a, b, c, d;
    auto fa = make_flags(a);
    CHECK_THROWS(parse(fa, std::array{"--x0", "1,2,3"}), UsageError,
                 "expected 2 comma-separated numbers, got 3");
    auto fb = make_flags(b);
    CHECK_THROWS(parse(fb, std::array{"--layers", "2,0,1"}), UsageError, "item 0 is out of range");
    auto fc = make_flags(c);
    CHECK_THROWS(parse(fc, std::array{"--method", "newton"}), UsageError, "'newton' is not one of seed|wolfe");
    auto fd = make_flags(d);
    CHECK_THROWS(parse(fd, std::array{"--activations", "relu,tanh"}), UsageError,
                 "item 'tanh' is not one of relu|sigmoid");
    CHECK(d.activations == (std::vector<std::string>{"relu"}));   // unchanged on error
}

TEST_CASE(usage_lists_every_flag_with_default_and_bounds) {
    Options o;
    auto f = make_flags(o);
    const std::string u = f.usage();
    for (auto name : {"--lr X", "--epochs X", "--seed X", "--method seed|wolfe", "--out TEXT",
                      "--quick", "--x0 X,X,...", "--help"})
        CHECK(u.find(name) != std::string::npos);
    CHECK(u.find("learning rate (default 0.1; must be > 0)") != std::string::npos);
    CHECK(u.find("A test program.") != std::string::npos);
}

TEST_CASE(run_maps_errors_to_exit_statuses) {
    Options o;
    auto f = make_flags(o);
    std::vector<char*> argv{const_cast<char*>("prog")};
    CHECK_EQ(cli::run(f, 1, argv.data(), [] { return 0; }), 0);
    Options o2;
    auto f2 = make_flags(o2);
    CHECK_EQ(cli::run(f2, 1, argv.data(), []() -> int { throw UsageError("--mu must be < --eta"); }), 2);
    Options o3;
    auto f3 = make_flags(o3);
    CHECK_EQ(cli::run(f3, 1, argv.data(), []() -> int { throw DataError("bad file"); }), 1);
    Options o4;
    auto f4 = make_flags(o4);
    CHECK_EQ(cli::run(f4, 1, argv.data(), []() -> int { throw IoError("cannot write"); }), 1);
    Options o5;
    auto f5 = make_flags(o5);
    std::vector<char*> bad{const_cast<char*>("prog"), const_cast<char*>("--nope")};
    CHECK_EQ(cli::run(f5, 2, bad.data(), [] { return 0; }), 2);
    Options o6;
    auto f6 = make_flags(o6);
    CHECK_EQ(cli::run(f6, 1, argv.data(), []() -> int { throw Interrupted(2, "SIGINT"); }), 130);
    Options o7;
    auto f7 = make_flags(o7);
    CHECK_EQ(cli::run(f7, 1, argv.data(), []() -> int { throw Interrupted(15, "SIGTERM"); }), 143);
}
