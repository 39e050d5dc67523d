#!/bin/sh
# Run CTest in a build folder and say plainly what did not run. Usage: run_ctest.sh BUILD JOBS
#
# Fails when a test fails, or when the tests left a file in the source tree (tree_state.sh
# before and after). Tests that need MNIST are skipped without it; the last line then says how
# many, and the command that makes them run.
set -u
build=$1
jobs=$2
here=$(cd "$(dirname "$0")" && pwd)
sh "$here/tree_state.sh" > "$build/tree_before.txt"
{ (cd "$build" && ctest -j "$jobs" --output-on-failure); echo $? > "$build/ctest_status.txt"; } | tee "$build/ctest_log.txt"
status=$(cat "$build/ctest_status.txt")
if ! sh "$here/tree_state.sh" | diff "$build/tree_before.txt" - > "$build/tree_diff.txt"; then
    echo "make test: the tests left files in the source tree:"
    grep '^>' "$build/tree_diff.txt"
    status=1
fi
skipped=$(grep -c '(Skipped)' "$build/ctest_log.txt")
if [ "$skipped" -gt 0 ]; then
    echo "make test: $skipped tests were skipped because datasets/mnist/ holds no MNIST; run \`make mnist\` (without network: MNIST_MIRROR=/folder/with/the/gz/files make mnist), then \`make test\` again"
fi
exit "$status"
