"""Compares a model output with its numpy reference.

Usage::

    python -m qcc_tools.compare --rtol 1e-4 --atol 1e-5 expected.npy actual.bin

`expected.npy` carries the shape; `actual` is a raw little-endian file (or a
.npy) of `--dtype` elements. An element passes when
``|actual - expected| <= atol + rtol * |expected|`` (numpy.isclose without
NaN equality: a NaN output, e.g. from an unwritten buffer the harness
poisoned, always fails). Prints the max abs/rel error; exits 1 on mismatch,
listing the worst elements so a failing lit test says where it went wrong.
"""

import argparse
import sys

import numpy as np

from . import tensorio

_WORST_SHOWN = 5


def compare(expected, actual, rtol, atol):
    """Returns (ok, report lines) for two same-shaped arrays."""
    expected = np.asarray(expected, dtype=np.float64)
    actual = np.asarray(actual, dtype=np.float64)
    if expected.shape != actual.shape:
        return False, [f"shape mismatch: expected {expected.shape}, "
                       f"got {actual.shape}"]
    err = np.abs(actual - expected)
    err[np.isnan(err)] = np.inf
    rel = err / np.maximum(np.abs(expected), np.finfo(np.float64).tiny)
    bad = ~(err <= atol + rtol * np.abs(expected))
    lines = [f"elements: {expected.size}  max abs error: {err.max():.3e}  "
             f"max rel error: {rel.max():.3e}  (rtol {rtol:g}, atol {atol:g})"]
    if not bad.any():
        return True, lines
    lines.append(f"MISMATCH: {int(bad.sum())} of {expected.size} elements "
                 "outside tolerance; worst:")
    worst = np.argsort(-np.where(bad, err, -1.0), axis=None)[:_WORST_SHOWN]
    for flat in worst:
        if not bad.flat[flat]:
            break
        index = np.unravel_index(flat, expected.shape)
        lines.append(f"  at {tuple(int(i) for i in index)}: expected "
                     f"{expected.flat[flat]:.9g}, got {actual.flat[flat]:.9g}")
    return False, lines


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m qcc_tools.compare",
        description="Compare a model output with its reference.")
    parser.add_argument("--rtol", type=float, required=True)
    parser.add_argument("--atol", type=float, required=True)
    parser.add_argument("--dtype", default="float32",
                        help="element type of a raw actual file")
    parser.add_argument("expected", help="reference output (.npy)")
    parser.add_argument("actual", help="model output (raw or .npy)")
    args = parser.parse_args(argv)

    expected = tensorio.load_npy(args.expected)
    try:
        actual = tensorio.load(args.actual, expected.shape,
                               np.dtype(args.dtype).newbyteorder("<"))
    except (OSError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    ok, lines = compare(expected, actual, args.rtol, args.atol)
    print(f"{args.actual} vs {args.expected}:")
    print("\n".join(lines))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
