#!/bin/sh
# draw.html in a real browser. A short training run writes draw.html and saves its MLP; then
# headless Chromium opens draw.html#selftest, which feeds the first 100 test images to the page's
# forward pass and draws a stroke sequence with the page's pen, and draw_page_check holds every
# number the page wrote to the C++ program's: the predicted digits equal for all 100 images, the
# probabilities within 1e-4, the strokes' 28x28 image equal byte for byte to what
# `chapter4 --predict` made of the same strokes drawn into a PGM file. Then a screenshot of
# draw.html#example (the page with its example digit drawn). Without MNIST, or without Chromium
# (after the checks that need no browser), the test says so and is skipped (status 77).
#
# Usage: draw_page_test.sh BUILD_DIR MNIST_DIR
set -u
build=$1
mnist=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
if [ ! -f "$mnist/t10k-images-idx3-ubyte" ]; then
    echo "skipped: no MNIST in $mnist (run \`make mnist\`)"
    exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

# (Run through links, so that the page names the run as `./chapter4 … --data mnist …`.)
ln -s "$build/chapter4" chapter4 && ln -s "$mnist" mnist || fail "cannot link the program and the data"
./chapter4 --model mlp --train-size 10000 --epochs 3 --data mnist --save m.bin --out run > train.txt 2>&1 ||
    fail "training: $(cat train.txt)"
[ -s run/draw.html ] || fail "the training run wrote no draw.html"
grep -q 'trained by <code>' run/draw.html || fail "draw.html does not name the run that trained it"
grep -q -E '(src|href)="https?:' run/draw.html && fail "draw.html loads something from the network"
"$build/tests/draw_page_check" prepare "$mnist" run || fail "draw_page_check prepare"
"$build/chapter4" --load m.bin --predict run/strokes.pgm --predict-out seen.pgm > predict.txt 2>&1 ||
    fail "--predict: $(cat predict.txt)"
echo "draw.html: $(wc -c < run/draw.html) bytes; --predict on the strokes: $(tail -n 1 predict.txt)"

chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
    echo "skipped: Chromium is not installed (apt-get install chromium) — draw.html was not opened in a browser"
    exit 77
fi
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
       --disable-component-update --disable-sync --user-data-dir=$work/profile --virtual-time-budget=20000"
# shellcheck disable=SC2086
timeout 120 "$chromium" $flags --dump-dom "file://$work/run/draw.html#selftest" > dom.html 2> chromium.txt
"$build/tests/draw_page_check" compare m.bin "$mnist" dom.html seen.pgm || fail "the page and the program disagree"
# shellcheck disable=SC2086
timeout 120 "$chromium" $flags --hide-scrollbars --window-size=980,895 --screenshot="$work/page.png" "file://$work/run/draw.html#example" > /dev/null 2>&1
[ -s page.png ] || fail "no screenshot"
size=$(od -An -tu1 -j16 -N8 page.png | awk '{ print ($1*16777216 + $2*65536 + $3*256 + $4) "x" ($5*16777216 + $6*65536 + $7*256 + $8) }')
cp page.png "$build/draw_page_screenshot.png"
echo "screenshot of draw.html#example: $size pixels, $(wc -c < page.png) bytes ($build/draw_page_screenshot.png)"
