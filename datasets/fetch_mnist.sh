#!/bin/sh
# make mnist — put the four MNIST IDX files into datasets/mnist/ and check them.
#
# For each file, in this order: keep it if datasets/mnist/ already holds a valid copy; else take
# the .gz from MNIST_MIRROR (a local folder, or a URL of a folder, holding the four .gz files);
# else download it from the public mirrors with curl or wget. Each file is decompressed to a
# temporary name, checked (magic number, 28×28 dimensions, exact size for its counts) and only
# then renamed into place; at the end, image and label counts must agree. Any failure leaves no
# partial file and exits with status 1 and a message saying how to get the data.
set -u

here=$(cd "$(dirname "$0")" && pwd)
dest="${MNIST_DIR:-$here/mnist}"     # MNIST_DIR: another destination (the tests use it)
files="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"
mirrors="https://ossci-datasets.s3.amazonaws.com/mnist https://storage.googleapis.com/cvdf-datasets/mnist"

fail() {
    echo "make mnist: $1" >&2
    echo "make mnist: with no network, copy the four .gz files (e.g. train-images-idx3-ubyte.gz) into a folder" >&2
    echo "            of your own and run  MNIST_MIRROR=/that/folder make mnist  (a URL of a folder works too)" >&2
    rm -f "$dest"/*.part
    rmdir "$dest" 2>/dev/null   # only if empty
    exit 1
}

# Big-endian 32-bit unsigned integer at byte offset $2 of file $1.
u32() {
    od -An -tu1 -j "$2" -N4 "$1" | awk '{ print (($1 * 256 + $2) * 256 + $3) * 256 + $4 }'
}

# check FILE NAME: print the item count when FILE is a valid IDX file of the kind NAME names,
# else print the problem and return 1.
check() {
    size=$(wc -c < "$1" | tr -d ' ')
    [ "$size" -ge 8 ] || { echo "$2: only $size bytes"; return 1; }
    magic=$(u32 "$1" 0)
    count=$(u32 "$1" 4)
    case "$2" in
    *images*)
        [ "$magic" = 2051 ] || { echo "$2: magic number $magic, expected 2051"; return 1; }
        [ "$size" -ge 16 ] || { echo "$2: header truncated"; return 1; }
        rows=$(u32 "$1" 8); cols=$(u32 "$1" 12)
        [ "$rows" = 28 ] && [ "$cols" = 28 ] || { echo "$2: images are ${rows}x${cols}, expected 28x28"; return 1; }
        expected=$((16 + count * 784)) ;;
    *)
        [ "$magic" = 2049 ] || { echo "$2: magic number $magic, expected 2049"; return 1; }
        expected=$((8 + count)) ;;
    esac
    [ "$size" = "$expected" ] || { echo "$2: $size bytes, but its header promises $expected"; return 1; }
    echo "$count"
}

# fetch NAME: copy or download NAME.gz to $dest/NAME.gz.part.
fetch() {
    out="$dest/$1.gz.part"
    if [ -n "${MNIST_MIRROR:-}" ]; then
        case "$MNIST_MIRROR" in
        http://*|https://*|file://*) get "$MNIST_MIRROR/$1.gz" "$out" && return 0 ;;
        *) cp "$MNIST_MIRROR/$1.gz" "$out" 2>/dev/null && return 0 ;;
        esac
        echo "make mnist: $1.gz is not in MNIST_MIRROR=$MNIST_MIRROR" >&2
        return 1
    fi
    for m in $mirrors; do
        get "$m/$1.gz" "$out" && return 0
    done
    echo "make mnist: could not download $1.gz (no network, and MNIST_MIRROR is not set)" >&2
    return 1
}

get() {
    if command -v curl > /dev/null 2>&1; then
        curl -fsSL --connect-timeout 10 --max-time 300 -o "$2" "$1" 2>/dev/null
    elif command -v wget > /dev/null 2>&1; then
        wget -q --timeout=10 -O "$2" "$1"
    else
        echo "make mnist: neither curl nor wget is installed" >&2
        return 1
    fi
}

mkdir -p "$dest" || fail "cannot create $dest"
trap 'rm -f "$dest"/*.part; exit 1' INT TERM
for name in $files; do
    if [ -f "$dest/$name" ] && check "$dest/$name" "$name" > /dev/null; then
        echo "make mnist: $name already present and valid"
        continue
    fi
    fetch "$name" || fail "cannot get $name.gz"
    gzip -dc "$dest/$name.gz.part" > "$dest/$name.part" 2>/dev/null || fail "$name.gz is not a valid gzip file"
    rm -f "$dest/$name.gz.part"
    problem=$(check "$dest/$name.part" "$name") || fail "$problem"
    mv "$dest/$name.part" "$dest/$name" || fail "cannot rename $dest/$name.part"
    echo "make mnist: $name ($problem items) checked and in place"
done

train_images=$(check "$dest/train-images-idx3-ubyte" train-images)
train_labels=$(check "$dest/train-labels-idx1-ubyte" train-labels)
test_images=$(check "$dest/t10k-images-idx3-ubyte" t10k-images)
test_labels=$(check "$dest/t10k-labels-idx1-ubyte" t10k-labels)
[ "$train_images" = "$train_labels" ] || fail "training set: $train_images images but $train_labels labels"
[ "$test_images" = "$test_labels" ] || fail "test set: $test_images images but $test_labels labels"
echo "make mnist: $dest holds $train_images training and $test_images test images"
