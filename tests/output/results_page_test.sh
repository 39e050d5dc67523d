#!/bin/sh
# The results page (chapters/results_page.cpp) on real output: chapters 1, 2 and 6 run into a
# fresh results folder, then results_page writes index.html. Checked without a browser: every
# figure of every chapter's figures.csv appears on the page with its caption, every image file
# exists, no "nan" anywhere. Then, where Chromium is installed, the page is opened headless: every
# image must have loaded, and a screenshot is taken. Without Chromium the test says so and is
# skipped (status 77) after the other checks.
#
# Usage: results_page_test.sh BUILD_DIR
set -u
build=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
results=$work/results
mkdir -p "$results"

args=""
for n in 1 2 6; do
    "$build/chapter$n" --out "$results/chapter$n" > /dev/null 2>&1 || fail "chapter $n failed"
    args="$args $n:1.0"
done
# shellcheck disable=SC2086
"$build/results_page" "$results" $args 4:skipped || fail "results_page failed"
page=$results/index.html
[ -s "$page" ] || fail "no index.html"

images=0
for n in 1 2 6; do
    # figures.csv: file,caption,document — the first cell of each row after the header.
    for f in $(tail -n +2 "$results/chapter$n/figures.csv" | cut -d, -f1); do
        grep -q "src=\"chapter$n/$f\"" "$page" || fail "chapter$n/$f is not on the page"
        [ -s "$results/chapter$n/$f" ] || fail "chapter$n/$f does not exist"
        images=$((images + 1))
    done
done
[ "$(grep -c '<img ' "$page")" -eq "$images" ] || fail "the page has $(grep -c '<img ' "$page") images, the chapters $images"
[ "$(grep -c '<figcaption>' "$page")" -eq "$images" ] || fail "not every figure has a caption"
grep -q "Chapter 4: not run (skipped)" "$page" || fail "a chapter that did not run is not named"
grep -q -i -w "nan" "$page" && fail "the page shows nan"
echo "index.html: $images figures, each with its caption and its file"

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
    echo "skipped: Chromium is not installed (apt-get install chromium) — the page was not opened in a browser"
    exit 77
fi
# A copy of the page with a script that, once everything has loaded, counts the images that
# did load (complete, with a width) and writes the count into the title.
sed 's|</body>|<script>window.addEventListener("load", () => { const all = [...document.images]; document.title = "LOADED " + all.filter(i => i.complete \&\& i.naturalWidth > 0).length + "/" + all.length; });</script></body>|' \
    "$page" > "$results/check.html"
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir=$work/profile --virtual-time-budget=20000"
# shellcheck disable=SC2086
title=$(timeout 120 "$chromium" $flags --dump-dom "file://$results/check.html" 2> /dev/null | grep -o '<title>LOADED [0-9]*/[0-9]*</title>')
[ "$title" = "<title>LOADED $images/$images</title>" ] || fail "in the browser: ${title:-no result} (expected $images/$images images loaded)"
# shellcheck disable=SC2086
timeout 120 "$chromium" $flags --window-size=1200,2400 --screenshot="$work/page.png" "file://$page" > /dev/null 2>&1
[ -s "$work/page.png" ] || fail "no screenshot"
size=$(od -An -tu1 -j16 -N8 "$work/page.png" | awk '{ print ($1*16777216 + $2*65536 + $3*256 + $4) "x" ($5*16777216 + $6*65536 + $7*256 + $8) }')
cp "$work/page.png" "$build/results_page_screenshot.png"
echo "in Chromium: $images of $images images loaded; screenshot $size pixels, $(wc -c < "$work/page.png") bytes ($build/results_page_screenshot.png)"
