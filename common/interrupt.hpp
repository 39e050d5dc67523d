// interrupt.hpp — stopping a run cleanly on Ctrl-C (SIGINT) or SIGTERM.
//
// A signal only sets a flag. The program looks at the flag at safe points — every progress
// step, every file it writes — and there throws Interrupted, which unwinds the run: the result
// folder being written is removed (files.hpp, ResultFolder) and cli::run prints one line and
// exits with 128 + the signal (130 for SIGINT, 143 for SIGTERM). A second signal is not caught
// and ends the program at once; the next run then removes the half-written folder it left.
#pragma once

#include <csignal>

#include "common/errors.hpp"

namespace interrupt {

inline volatile std::sig_atomic_t received = 0;

extern "C" inline void on_signal(int sig) {
    received = sig;
    std::signal(sig, SIG_DFL);   // a second Ctrl-C ends the program at once
}

// Catch SIGINT and SIGTERM from now on (idempotent).
inline void install() {
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
}

// Throw Interrupted if a signal has arrived since install().
inline void check() {
    const int sig = received;
    if (sig != 0) throw Interrupted(sig, sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal");
}

}  // namespace interrupt
