#!/bin/sh
# make run — run every chapter with its defaults and write the front page results/README.md.
#
# Usage: run_all.sh BUILD_DIR RESULTS_DIR N [N ...]   (the chapter numbers, as the Makefile finds them)
# Chapter 4 needs MNIST: if datasets/mnist/ lacks it, `make mnist` is tried once (it uses
# MNIST_MIRROR or the network); if that fails, chapter 4 is skipped with one line saying how to
# get the data, and the other chapters still run. Each chapter's time is measured and listed.
# The front pages: results/README.md (Markdown) and results/index.html (results_page).
set -u
build=$1
results=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$results" || exit 1

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

timing=""
ran=""
page_args=""
start_all=$(now)
for n in "$@"; do
    if [ "$n" = 4 ] && ! [ -f "$top/datasets/mnist/t10k-labels-idx1-ubyte" ]; then
        if ! sh "$top/datasets/fetch_mnist.sh" > /dev/null 2>&1; then
            echo "== chapter 4 skipped: no MNIST data in datasets/mnist/ (get it with \`make mnist\`; without network, MNIST_MIRROR=/folder/with/the/gz/files make mnist)"
            timing="$timing| 4 | skipped: no MNIST data (\`make mnist\`) |\n"
            page_args="$page_args 4:skipped"
            continue
        fi
    fi
    echo "== chapter $n"
    t0=$(now)
    "$build/chapter$n" --out "$results/chapter$n" || { echo "== chapter $n failed" >&2; exit 1; }
    t1=$(now)
    timing="$timing| $n | $(elapsed "$t0" "$t1") s |\n"
    ran="$ran $n"
    page_args="$page_args $n:$(elapsed "$t0" "$t1")"
done
total=$(elapsed "$start_all" "$(now)")

# The front page: each chapter's summary.md, headings one level down, figure links made relative
# to results/.
page="$results/README.md"
tmp=$(mktemp "$results/.README.md.XXXXXX") || exit 1
{
    echo "# Results"
    echo
    echo "Written by \`make run\` on $(date -u '+%Y-%m-%d %H:%M UTC'). Each section is the chapter's own"
    echo "\`summary.md\`: its headline numbers beside the source document's, and its figures."
    echo
    echo "| chapter | run time |"
    echo "|---|---|"
    printf "$timing"
    echo "| all | $total s |"
    for n in $ran; do
        echo
        sed -e 's/^#/##/' -e "s|](\([^)/:]*\))|](chapter$n/\1)|g" "$results/chapter$n/summary.md"
    done
} > "$tmp" && mv "$tmp" "$page"
# shellcheck disable=SC2086  # one word per chapter
"$build/results_page" "$results" $page_args || exit 1
echo "== wrote $page and $results/index.html (all chapters: $total s)"
