#!/bin/sh
# What `git status` sees in the source tree, ignored files included, apart from the build
# folders and the MNIST copy: `make test` compares it before and after the tests, so that no
# test leaves a file in the source tree. Prints nothing outside a git checkout.
cd "$(dirname "$0")/.." || exit 1
git rev-parse --is-inside-work-tree > /dev/null 2>&1 || exit 0
git status --porcelain --ignored 2> /dev/null | grep -v -E '^(!!|\?\?) (build[^/]*/|build[^/]*\.configure\.log|datasets/mnist/)' || true
