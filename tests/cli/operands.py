#!/usr/bin/env python3
"""Operands for the luoshu CLI tests, written by NumPy itself, and the check of a result.

  operands.py write DIR            good operands (A, B, bias, MLP weights) and bad files
  operands.py check DIR C.npy [--bias] [--relu] [--requant S,SH]
                                   C must equal epilogue(A @ B) computed here with NumPy
"""
import sys

import numpy as np


def write(d):
    rng = np.random.default_rng(7)
    a = rng.integers(-128, 128, size=(37, 50), dtype=np.int8)
    b = rng.integers(-128, 128, size=(50, 29), dtype=np.int8)
    bias = rng.integers(-5000, 5000, size=29, dtype=np.int32)
    np.save(f"{d}/A.npy", a)
    np.save(f"{d}/B.npy", b)
    np.save(f"{d}/bias.npy", bias)
    # MLP: X 20x24, W1 24x40, b1 40, W2 40x12, b2 12
    np.save(f"{d}/X.npy", rng.integers(-128, 128, size=(20, 24), dtype=np.int8))
    np.save(f"{d}/W1.npy", rng.integers(-128, 128, size=(24, 40), dtype=np.int8))
    np.save(f"{d}/b1.npy", rng.integers(-3000, 3000, size=40, dtype=np.int32))
    np.save(f"{d}/W2.npy", rng.integers(-128, 128, size=(40, 12), dtype=np.int8))
    np.save(f"{d}/b2.npy", rng.integers(-3000, 3000, size=12, dtype=np.int32))
    # Bad ones.
    np.save(f"{d}/fortran.npy", np.asfortranarray(a))
    np.save(f"{d}/float.npy", a.astype(np.float32))
    np.save(f"{d}/B_wrong_k.npy", b[:49])
    np.save(f"{d}/bias_wrong.npy", bias[:28])
    np.save(f"{d}/rank3.npy", a.reshape(37, 5, 10))
    np.save(f"{d}/bias_int8.npy", bias.astype(np.int8))
    raw = open(f"{d}/A.npy", "rb").read()
    open(f"{d}/truncated.npy", "wb").write(raw[: len(raw) - 100])
    open(f"{d}/notnpy.npy", "wb").write(b"hello, this is not a .npy file\n")


def check(d, c_path, flags):
    a = np.load(f"{d}/A.npy").astype(np.int64)
    b = np.load(f"{d}/B.npy").astype(np.int64)
    x = a @ b
    x = ((x + 2**31) % 2**32) - 2**31  # int32 wrap-around
    if "--bias" in flags:
        x = x + np.load(f"{d}/bias.npy").astype(np.int64)
        x = ((x + 2**31) % 2**32) - 2**31
    if "--relu" in flags:
        x = np.maximum(x, 0)
    want = x.astype(np.int32)
    if "--requant" in flags:
        scale, shift = map(int, flags[flags.index("--requant") + 1].split(","))
        p = x * scale
        if shift:
            p = (p + (1 << (shift - 1)) - (p < 0)) >> shift  # ties away from zero
        want = np.clip(p, -128, 127).astype(np.int8)
    got = np.load(c_path, allow_pickle=False)
    if got.dtype != want.dtype or got.shape != want.shape:
        sys.exit(f"{c_path}: {got.dtype} {got.shape}, expected {want.dtype} {want.shape}")
    bad = np.argwhere(got != want)
    if len(bad):
        i, j = bad[0]
        sys.exit(f"{c_path}: {len(bad)} elements differ, first C[{i}][{j}] = {got[i, j]}, "
                 f"NumPy says {want[i, j]}")
    print(f"{c_path}: {got.dtype} {got.shape} equals NumPy's result")


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3], sys.argv[4:])
