#!/bin/sh
# Tests of datasets/fetch_mnist.sh (make mnist) on small IDX files made here: a valid mirror is
# accepted; a corrupt, truncated or inconsistent one is refused with status 1, a message, and no
# file left behind. Usage: fetch_mnist_test.sh SCRIPT CASE
set -u
script=$1
case_name=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mirror="$work/mirror"
dest="$work/dest"
mkdir -p "$mirror"

# idx NAME MAGIC COUNT [EXTRA_BYTES]: write an IDX file of COUNT 28×28 images (magic 2051) or
# COUNT labels (2049) to $mirror/NAME.gz; EXTRA_BYTES (may be negative) changes the payload size.
idx() {
    items=$(( $2 == 2051 ? $3 * 784 : $3 ))
    payload=$(( items + ${4:-0} ))
    {
        printf '\000\000\010'
        if [ "$2" = 2051 ]; then printf '\003'; else printf '\001'; fi
        printf "\\$(printf %03o $(( ($3 >> 24) & 255 )))\\$(printf %03o $(( ($3 >> 16) & 255 )))"
        printf "\\$(printf %03o $(( ($3 >> 8) & 255 )))\\$(printf %03o $(( $3 & 255 )))"
        if [ "$2" = 2051 ]; then printf '\000\000\000\034\000\000\000\034'; fi
        head -c "$payload" /dev/zero
    } | gzip -c > "$mirror/$1.gz"
}

valid_mirror() {
    idx train-images-idx3-ubyte 2051 3
    idx train-labels-idx1-ubyte 2049 3
    idx t10k-images-idx3-ubyte 2051 2
    idx t10k-labels-idx1-ubyte 2049 2
}

# expect_failure TEXT: the script must exit 1, say TEXT, and leave no file in $dest.
expect_failure() {
    out=$(MNIST_DIR="$dest" MNIST_MIRROR="$mirror" sh "$script" 2>&1)
    status=$?
    [ "$status" = 1 ] || { echo "expected status 1, got $status: $out"; exit 1; }
    echo "$out" | grep -q "$1" || { echo "message lacks '$1': $out"; exit 1; }
    echo "$out" | grep -q "MNIST_MIRROR" || { echo "message does not say how to get the data: $out"; exit 1; }
    leftovers=$(find "$dest" -name '*.part' 2>/dev/null)
    [ -z "$leftovers" ] || { echo "partial files left: $leftovers"; exit 1; }
    echo "ok: refused with '$1'"
}

case "$case_name" in
valid)
    valid_mirror
    MNIST_DIR="$dest" MNIST_MIRROR="$mirror" sh "$script" || { echo "valid mirror refused"; exit 1; }
    [ "$(wc -c < "$dest/train-images-idx3-ubyte" | tr -d ' ')" = $((16 + 3 * 784)) ] || exit 1
    [ "$(wc -c < "$dest/t10k-labels-idx1-ubyte" | tr -d ' ')" = 10 ] || exit 1
    # A second run keeps the files it already has, even with the mirror gone.
    rm -rf "$mirror"
    MNIST_DIR="$dest" MNIST_MIRROR="$mirror" sh "$script" | grep -q "already present" || exit 1
    echo "ok" ;;
missing_mirror_file)
    valid_mirror; rm "$mirror/t10k-images-idx3-ubyte.gz"
    expect_failure "t10k-images-idx3-ubyte.gz is not in MNIST_MIRROR" ;;
not_gzip)
    valid_mirror; echo "not gzip" > "$mirror/train-labels-idx1-ubyte.gz"
    expect_failure "not a valid gzip file" ;;
wrong_magic)
    valid_mirror; idx train-labels-idx1-ubyte 2051 3
    expect_failure "magic number 2051, expected 2049" ;;
truncated)
    valid_mirror; idx t10k-images-idx3-ubyte 2051 2 -1
    expect_failure "but its header promises" ;;
counts_disagree)
    valid_mirror; idx t10k-labels-idx1-ubyte 2049 5
    expect_failure "test set: 2 images but 5 labels" ;;
*) echo "unknown case $case_name"; exit 2 ;;
esac
