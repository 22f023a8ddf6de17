"""The model of qcc-calibrate-numpy.mlir in numpy, and its expected ranges.

  make DATA.npz             writes 200 random samples for input 'image'
  check DATA.npz OUT.mlir [--percentile P]
                            evaluates the model in float32 with numpy,
                            reduces each tensor to [min, max] (or to
                            np.percentile(values, [100 - P, P])) and compares
                            with the qcc.range attributes qcc-calibrate wrote
"""

import argparse
import re
import sys

import numpy as np

W = np.array([[0.5, -1.0, 2.0, 0.25, -0.75, 1.5, 3.0, -2.0]], np.float32)
B = np.array([[0.1, 0.2, -0.3, 0.4, -0.5, 0.6, -0.7, 0.8]], np.float32)


def evaluate(x):
    """Every observed tensor, by the op that produces it."""
    mul = x * W
    add = mul + B
    clamp = np.clip(add, np.float32(-1.0), np.float32(4.0))
    sigmoid = (1.0 / (1.0 + np.exp(-clamp.astype(np.float64)))).astype(
        np.float32)
    sub = sigmoid - x
    return {"input": x, "tosa.mul": mul, "tosa.add": add,
            "tosa.clamp": clamp, "tosa.sigmoid": sigmoid, "tosa.sub": sub}


def parse_ranges(text):
    ranges = {}
    for line in text.splitlines():
        found = re.search(r"qcc\.range = array<f64: ([^,]+), ([^>]+)>", line)
        if not found:
            continue
        op = re.search(r"= (tosa\.\w+)", line)
        key = op.group(1) if op else "input"
        ranges[key] = (float(found.group(1)), float(found.group(2)))
    return ranges


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=["make", "check"])
    parser.add_argument("data")
    parser.add_argument("mlir", nargs="?")
    parser.add_argument("--percentile", type=float)
    args = parser.parse_args()

    if args.action == "make":
        rng = np.random.default_rng(0)
        image = (rng.standard_normal((200, 2, 8)) * 3).astype(np.float32)
        np.savez(args.data, image=image)
        return 0

    image = np.load(args.data)["image"]
    tensors = evaluate(image)
    with open(args.mlir) as f:
        ranges = parse_ranges(f.read())
    failures = 0
    for key, values in tensors.items():
        values = values.astype(np.float64).ravel()
        if args.percentile is None:
            expected = (values.min(), values.max())
        else:
            p = args.percentile
            expected = tuple(np.percentile(values, [100 - p, p]))
        got = ranges.get(key)
        if got is None or not np.allclose(got, expected, rtol=1e-5,
                                          atol=1e-5):
            print(f"{key}: qcc recorded {got}, numpy expects {expected}")
            failures += 1
    print(f"checked {len(tensors)} ranges, {failures} wrong")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
