#!/bin/sh
# Result folders are whole or untouched (common/files.hpp, ResultFolder), tested on the real
# programs. Usage: result_folders.sh CASE PROGRAM "ARGS" ["PREVIOUS_ARGS" ["TIMED_FILES"]]
#
#   concurrent  two runs at once on one --out, 20 times: both succeed, and the final folder is
#               exactly a solo run's folder, with nothing left beside it
#   sigint      Ctrl-C at several moments of a run whose --out holds a previous run (made with
#               PREVIOUS_ARGS, so that its files differ): the run either stops (status 130, --out byte for byte the previous
#               run's) or had already finished (--out exactly the new run's)
#   sigkill     the same with SIGKILL, which no program can catch; then the next run cleans up
#               the staging folder the killed one left
#   planted     symbolic links planted in --out and beside it are replaced, never followed
# ARGS and PREVIOUS_ARGS are each one string of words without spaces inside a word. TIMED_FILES
# names the files that hold measured times (they differ from run to run): two folders are the
# same when they hold the same file names and every other file is byte for byte the same.
set -u
case_name=$1
program=$2
args=$3
previous_args=${4:-}
timed_files=${5:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

run_into() {   # run_into DIR WORDS: one run, quietly; returns its status
    # shellcheck disable=SC2086  # the words are meant to be split
    "$program" $2 --out "$1" > /dev/null 2>&1
}

# Everything beside the result folder itself must be gone: no staging or temporary folder.
only_out_left() {
    left=$(ls -A "$1" | grep -v -x "$2")
    [ -z "$left" ] || fail "left beside the result folder: $left"
}

# summary.md and draw.html (chapter 4's page, which names the run that trained its weights)
# record the command line, whose --out differs from folder to folder: they are compared with
# that path left out.
same_folder() {
    [ "$(ls -A "$1")" = "$(ls -A "$2")" ] || return 1
    excluded="-x summary.md -x draw.html"
    for f in $timed_files; do excluded="$excluded -x $f"; done
    # shellcheck disable=SC2086
    diff -r $excluded "$1" "$2" > /dev/null 2>&1 || return 1
    for f in summary.md draw.html; do
        [ -f "$1/$f" ] || continue
        case " $timed_files " in *" $f "*) continue ;; esac
        [ "$(sed 's|--out [^ `<]*|--out|' "$1/$f")" = "$(sed 's|--out [^ `<]*|--out|' "$2/$f")" ] || return 1
    done
}

# A run on MNIST needs the data: without it the test is skipped (CTest status 77).
set -- $args
while [ $# -gt 1 ]; do
    if [ "$1" = --data ] && [ ! -f "$2/t10k-labels-idx1-ubyte" ]; then
        echo "skipped: no MNIST in $2 (run make mnist)"
        exit 77
    fi
    shift
done

run_into "$work/reference" "$args" || fail "a solo run failed"

case $case_name in
concurrent)
    for trial in $(seq 1 20); do
        mkdir "$work/t$trial"
        run_into "$work/t$trial/out" "$args" & a=$!
        run_into "$work/t$trial/out" "$args" & b=$!
        wait $a || fail "trial $trial: the first run failed"
        wait $b || fail "trial $trial: the second run failed"
        same_folder "$work/reference" "$work/t$trial/out" || fail "trial $trial: the folder mixes runs"
        only_out_left "$work/t$trial" out
    done
    echo "20 trials of two runs at once: every folder is one whole run"
    ;;
sigint|sigkill)
    signal=INT
    [ "$case_name" = sigkill ] && signal=KILL
    run_into "$work/previous" "$previous_args" || fail "the previous run failed"
    same_folder "$work/previous" "$work/reference" && fail "the previous run is the same as the new one: the test would see nothing"
    stopped=0
    for delay in 0.02 0.05 0.1 0.2 0.3 0.5 0.8 1.2; do
        t=$work/d$delay
        mkdir "$t"
        cp -R "$work/previous" "$t/out"
        # shellcheck disable=SC2086
        "$program" $args --out "$t/out" > /dev/null 2> "$t/stderr" & pid=$!
        sleep "$delay"
        kill -s "$signal" "$pid" 2> /dev/null
        wait "$pid"
        status=$?
        if [ $status -eq 0 ]; then
            same_folder "$work/reference" "$t/out" || fail "after $delay s: finished, but the folder is not the new run's"
        else
            stopped=$((stopped + 1))
            expected=130
            [ "$signal" = KILL ] && expected=137
            [ $status -eq $expected ] || fail "after $delay s: status $status, expected $expected"
            same_folder "$work/previous" "$t/out" || fail "after $delay s: stopped, but the previous run's files were changed"
            if [ "$signal" = INT ]; then
                only_out_left "$t" "out
stderr"
                if [ -s "$t/stderr" ] && ! grep -q "interrupted by SIGINT" "$t/stderr"; then
                    fail "after $delay s: stopped without saying why: $(cat "$t/stderr")"
                fi
            elif [ $stopped -le 2 ]; then
                # The next run removes what the killed one left, and publishes its own folder.
                run_into "$t/out" "$args" || fail "the run after a kill failed"
                same_folder "$work/reference" "$t/out" || fail "the run after a kill wrote another folder"
                only_out_left "$t" "out
stderr"
            fi
        fi
    done
    [ $stopped -gt 0 ] || fail "no run was stopped: every run finished before its signal (the test saw nothing)"
    echo "$stopped of 8 runs stopped by SIG$signal, each leaving the previous folder byte for byte"
    ;;
planted)
    mkdir -p "$work/p/out"
    cp -R "$work/reference/." "$work/p/out/"
    echo precious > "$work/victim"
    for name in summary.md.tmp summary.md; do
        rm -f "$work/p/out/$name"
        ln -s "$work/victim" "$work/p/out/$name"
    done
    run_into "$work/p/out" "$args" || fail "the run failed"
    [ "$(cat "$work/victim")" = precious ] || fail "a planted link was followed: its target was overwritten"
    same_folder "$work/reference" "$work/p/out" || fail "the folder is not the run's"
    echo "planted links replaced, their target untouched"
    ;;
*)
    fail "unknown case $case_name"
    ;;
esac
