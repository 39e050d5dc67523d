#!/bin/sh
# make run — run every chapter with its defaults and write the front pages of the results,
# results/README.md (Markdown) and results/index.html (results_page).
#
# Usage: run_all.sh BUILD_DIR RESULTS_DIR N [N ...]   (the chapter numbers, as the Makefile finds them)
#
# The longest chapter, 5 (single-threaded), runs in the background from the start while the
# others run one after the other, so both cores are busy; each chapter's output is shown as one
# block when it has finished, and its time is measured and listed. Chapter 4 needs MNIST: if
# datasets/mnist/ lacks it, `make mnist` is tried once (it uses MNIST_MIRROR or the network);
# if that fails, chapter 4 is skipped with one line saying how to get the data, and the other
# chapters still run.
set -u
build=$1
results=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$results" || exit 1
logs=$(mktemp -d) || exit 1
trap 'rm -rf "$logs"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# run_chapter N: run it into results/chapterN, its output in $logs/N.out, its time in $logs/N.time.
run_chapter() {
    t0=$(now)
    "$build/chapter$1" --out "$results/chapter$1" > "$logs/$1.out" 2>&1
    status=$?
    elapsed "$t0" "$(now)" > "$logs/$1.time"
    return $status
}
show() {   # show N: the chapter's block, or why it failed
    echo "== chapter $1 ($(cat "$logs/$1.time") s)"
    cat "$logs/$1.out"
}

start_all=$(now)
background=""
for n in "$@"; do
    if [ "$n" = 5 ]; then
        run_chapter 5 & background=$!
    fi
done
failed=""
skipped=""
for n in "$@"; do
    [ "$n" = 5 ] && continue
    if [ "$n" = 4 ] && ! [ -f "$top/datasets/mnist/t10k-labels-idx1-ubyte" ]; then
        if ! sh "$top/datasets/fetch_mnist.sh" > /dev/null 2>&1; then
            echo "== chapter 4 skipped: no MNIST data in datasets/mnist/ (get it with \`make mnist\`; without network, MNIST_MIRROR=/folder/with/the/gz/files make mnist)"
            skipped=4
            continue
        fi
    fi
    run_chapter "$n" || failed="$failed $n"
    show "$n"
done
if [ -n "$background" ]; then
    wait "$background" || failed="$failed 5"
    show 5
fi
total=$(elapsed "$start_all" "$(now)")
if [ -n "$failed" ]; then
    echo "== chapter(s)$failed failed (their output is above); no front page written" >&2
    exit 1
fi

timing=""
page_args=""
ran=""
for n in "$@"; do
    if [ "$n" = "$skipped" ]; then
        timing="$timing| $n | skipped: no MNIST data (\`make mnist\`) |\n"
        page_args="$page_args $n:skipped"
    else
        timing="$timing| $n | $(cat "$logs/$n.time") s |\n"
        page_args="$page_args $n:$(cat "$logs/$n.time")"
        ran="$ran $n"
    fi
done

# results/README.md: each chapter's summary.md, headings one level down, figure links made
# relative to results/.
page="$results/README.md"
tmp=$(mktemp "$results/.README.md.XXXXXX") || exit 1
{
    echo "# Results"
    echo
    echo "Written by \`make run\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Each section is the chapter's own"
    echo "\`summary.md\`: its headline numbers beside the source document's, and its figures. The same,"
    echo "as a page for any browser: \`index.html\`."
    echo
    echo "| chapter | run time |"
    echo "|---|---|"
    printf "$timing"
    echo "| all (chapter 5 beside the others) | $total s |"
    for n in $ran; do
        echo
        sed -e 's/^#/##/' -e "s|](\([^)/:]*\))|](chapter$n/\1)|g" "$results/chapter$n/summary.md"
    done
} > "$tmp" && mv "$tmp" "$page"
# shellcheck disable=SC2086  # one word per chapter
"$build/results_page" "$results" $page_args || exit 1
echo "== wrote $page and $results/index.html (all chapters: $total s)"
