#!/usr/bin/env python3
"""The comparison for chapter 4's speed: 001's MLP (784-128-10, ReLU, softmax, batch 50,
plain SGD, float32) written straightforwardly with numpy, whose matrix products run on OpenBLAS
(Debian: apt-get install python3-numpy libopenblas0-pthread).

    python3 chapters/chapter4_mnist_softmax/numpy_baseline.py [datasets/mnist] [epochs]

Prints the BLAS library numpy multiplies with (as the process has it loaded: Debian's numpy
links libblas.so.3, which may be OpenBLAS or the slow reference BLAS), the wall time of each
epoch's training pass, then the best and the median; compare with the "report: MLP" rows of
`make bench`. Not part of the build or the tests.
"""
import sys
import time

import numpy as np


def idx(path, header):
    with open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def blas_library():
    """The BLAS shared library mapped into this process (after a product has run), or "unknown"."""
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                path = line.split()[-1]
                name = path.rsplit("/", 1)[-1].lower()
                if "blas" in name or "mkl" in name or "blis" in name:
                    return path
    except OSError:
        pass
    return "unknown"


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "datasets/mnist"
    epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 6
    X = idx(f"{folder}/train-images-idx3-ubyte", 16).reshape(-1, 784).astype(np.float32) / 255
    y = idx(f"{folder}/train-labels-idx1-ubyte", 8).astype(np.int64)
    rng = np.random.default_rng(1)
    r1, r2 = np.sqrt(6 / (784 + 128)), np.sqrt(6 / (128 + 10))
    W1 = rng.uniform(-r1, r1, (784, 128)).astype(np.float32)
    W2 = rng.uniform(-r2, r2, (128, 10)).astype(np.float32)
    b1, b2 = np.zeros(128, np.float32), np.zeros(10, np.float32)
    eta, B = np.float32(1e-3), 50
    (X[:B] @ W1).sum()
    print(f"blas: {blas_library()}", flush=True)
    times = []
    for epoch in range(epochs):
        order = rng.permutation(len(X))
        t = time.perf_counter()
        for s in range(0, len(X), B):
            idx_b = order[s:s + B]
            xb, yb = X[idx_b], y[idx_b]
            z1 = xb @ W1 + b1
            a1 = np.maximum(z1, 0)
            z2 = a1 @ W2 + b2
            a2 = np.exp(z2 - z2.max(axis=1, keepdims=True))
            a2 /= a2.sum(axis=1, keepdims=True)
            a2[np.arange(len(yb)), yb] -= 1          # gamma = a - y (001 eq. 5) ...
            g2 = a2 / len(yb)                        # ... for the batch mean
            g1 = (g2 @ W2.T) * (z1 > 0)              # eq. (1)
            W2 -= eta * (a1.T @ g2)                  # eqs. (2), (3)
            b2 -= eta * g2.sum(axis=0)
            W1 -= eta * (xb.T @ g1)
            b1 -= eta * g1.sum(axis=0)
        times.append(time.perf_counter() - t)
        print(f"epoch {epoch + 1}: {times[-1]:.3f} s", flush=True)
    print(f"best {min(times):.3f} s, median {float(np.median(times)):.3f} s per epoch")


if __name__ == "__main__":
    main()
