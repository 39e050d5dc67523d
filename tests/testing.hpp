// testing.hpp — the project's tiny test harness (standard library only).
//
// A test file holds TEST_CASE(name) { ... } blocks. CMake (tests/CMakeLists.txt) finds every
// line that starts with TEST_CASE( and registers `<file> <name>` as its own CTest test, so one
// failing check is one failing test. Run a test binary without arguments to run all its cases.
//
// Checks do not stop a case: they print file:line, the expression and the values, and mark the
// case failed (exit status 1). Tolerances are the caller's named constants.
#pragma once

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <sstream>
#include <string>

namespace testing {

struct Registry {
    std::map<std::string, std::function<void()>> cases;
    int failures = 0;
    static Registry& get() {
        static Registry r;
        return r;
    }
};

struct Registrar {
    Registrar(const char* name, void (*fn)()) { Registry::get().cases[name] = fn; }
};

inline void fail(const char* file, int line, const std::string& what) {
    ++Registry::get().failures;
    std::fprintf(stderr, "%s:%d: FAILED: %s\n", file, line, what.c_str());
}

template <class T>
std::string show(const T& v) {
    std::ostringstream s;
    s.precision(17);
    s << v;
    return s.str();
}

// |a − b| ≤ tol
inline bool near(double a, double b, double tol) { return std::fabs(a - b) <= tol; }

// |a − b| ≤ tol · max(|a|, |b|, 1e-300)
inline bool rel_near(double a, double b, double tol) {
    return std::fabs(a - b) <= tol * std::max({std::fabs(a), std::fabs(b), 1e-300});
}

// A fresh, empty scratch folder for one case (under the system's temporary directory).
inline std::filesystem::path scratch_dir(const std::string& name) {
    auto dir = std::filesystem::temp_directory_path() / ("nn_test_" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace testing

#define TEST_CASE(name)                                                      \
    static void name();                                                      \
    static const testing::Registrar name##_registrar(#name, name);           \
    static void name()

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) testing::fail(__FILE__, __LINE__, #cond);               \
    } while (0)

#define CHECK_EQ(a, b)                                                       \
    do {                                                                     \
        const auto& a_ = (a);                                                \
        const auto& b_ = (b);                                                \
        if (!(a_ == b_))                                                     \
            testing::fail(__FILE__, __LINE__,                                \
                          std::string(#a " == " #b ": ") + testing::show(a_) + \
                              " vs " + testing::show(b_));                   \
    } while (0)

// |a − b| ≤ tol
#define CHECK_NEAR(a, b, tol)                                                \
    do {                                                                     \
        const double a_ = (a), b_ = (b), t_ = (tol);                         \
        if (!testing::near(a_, b_, t_))                                      \
            testing::fail(__FILE__, __LINE__,                                \
                          std::string("|" #a " - " #b "| <= " #tol ": ") +  \
                              testing::show(a_) + " vs " + testing::show(b_)); \
    } while (0)

// relative difference ≤ tol
#define CHECK_REL(a, b, tol)                                                 \
    do {                                                                     \
        const double a_ = (a), b_ = (b), t_ = (tol);                         \
        if (!testing::rel_near(a_, b_, t_))                                  \
            testing::fail(__FILE__, __LINE__,                                \
                          std::string(#a " ~ " #b " (rel " #tol "): ") +    \
                              testing::show(a_) + " vs " + testing::show(b_)); \
    } while (0)

#define CHECK_LT(a, b)                                                       \
    do {                                                                     \
        const auto a_ = (a);                                                 \
        const auto b_ = (b);                                                 \
        if (!(a_ < b_))                                                      \
            testing::fail(__FILE__, __LINE__,                                \
                          std::string(#a " < " #b ": ") + testing::show(a_) + \
                              " vs " + testing::show(b_));                   \
    } while (0)

#define CHECK_LE(a, b)                                                       \
    do {                                                                     \
        const auto a_ = (a);                                                 \
        const auto b_ = (b);                                                 \
        if (!(a_ <= b_))                                                     \
            testing::fail(__FILE__, __LINE__,                                \
                          std::string(#a " <= " #b ": ") + testing::show(a_) + \
                              " vs " + testing::show(b_));                   \
    } while (0)

// `expr` must throw `type` whose what() contains `text`.
#define CHECK_THROWS(expr, type, text)                                       \
    do {                                                                     \
        bool thrown_ = false;                                                \
        try {                                                                \
            (void)(expr);                                                    \
        } catch (const type& e_) {                                           \
            thrown_ = true;                                                  \
            if (std::string(e_.what()).find(text) == std::string::npos)      \
                testing::fail(__FILE__, __LINE__,                            \
                              std::string(#expr ": message '") + e_.what() + \
                                  "' lacks '" + (text) + "'");               \
        } catch (const std::exception& e_) {                                 \
            thrown_ = true;                                                  \
            testing::fail(__FILE__, __LINE__,                                \
                          std::string(#expr ": wrong exception: ") + e_.what()); \
        }                                                                    \
        if (!thrown_)                                                        \
            testing::fail(__FILE__, __LINE__, #expr " did not throw " #type); \
    } while (0)

int main(int argc, char** argv) {
    auto& reg = testing::Registry::get();
    if (argc > 2) {
        std::fprintf(stderr, "usage: %s [case]\n", argv[0]);
        return 2;
    }
    int ran = 0;
    for (auto& [name, fn] : reg.cases) {
        if (argc == 2 && name != argv[1]) continue;
        const int before = reg.failures;
        try {
            fn();
        } catch (const std::exception& e) {
            testing::fail(__FILE__, __LINE__,
                          name + " threw " + e.what());
        }
        std::fprintf(stderr, "%s %s\n", reg.failures == before ? "ok  " : "FAIL", name.c_str());
        ++ran;
    }
    if (ran == 0) {
        std::fprintf(stderr, "no test case named '%s'\n", argc == 2 ? argv[1] : "");
        return 2;
    }
    return reg.failures == 0 ? 0 : 1;
}
