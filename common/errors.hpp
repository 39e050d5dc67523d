// errors.hpp — the three kinds of failure every program reports, and their exit statuses.
//
//   UsageError  a bad command line: one line naming the problem, then the usage; exit status 2
//   DataError   a malformed data file (names file and position); exit status 1
//   IoError     a file that cannot be read or written; exit status 1
//
// Programs throw these and let cli::run (cli.hpp) turn them into a message and a status, so no
// stack trace or half-written file ever reaches the user.
#pragma once

#include <stdexcept>
#include <string>

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct DataError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct IoError : std::runtime_error {
    using std::runtime_error::runtime_error;
};
