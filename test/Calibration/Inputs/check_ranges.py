"""Checks the ranges qcc-opt --qcc-calibrate wrote for Inputs/model.mlir
(y = clamp(2 x, 0, 6) + x) against the numpy reference of the calibration
methods, test/unittests/Calibration/histogram_reference.py.

    check_ranges.py <calibrated.mlir> <data.npz> <method> [<tensor>=<m> ...]

Each tensor is expected to have the range of <method>, or of the method a
<tensor>=<m> argument gives it (minmax, entropy or mse).

The tensors are recomputed in float32 numpy (each op is one IEEE operation,
as in the compiled model). Prints one line per tensor and exits 1 on a
mismatch.
"""

import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..",
                                "unittests", "Calibration"))
from histogram_reference import tensor_range  # noqa: E402

RANGE = r"qcc\.range = array<f64: ([^,]+), ([^>]+)>"


def main():
    mlir, data, method = sys.argv[1:4]
    methods = dict(arg.split("=", 1) for arg in sys.argv[4:])
    x = np.load(data)["x"].astype(np.float32)
    two = x * np.float32(2)
    clamp = np.clip(two, np.float32(0), np.float32(6))
    tensors = {"x": x, "tosa.mul": two, "tosa.clamp": clamp,
               "tosa.add": clamp + x}
    found = {}
    for line in open(mlir):
        match = re.search(RANGE, line)
        if not match:
            continue
        name = "x" if "func.func" in line else line.split("=")[1].split()[0]
        found[name] = (float(match.group(1)), float(match.group(2)))
    status = 0
    for name, values in tensors.items():
        expected = tensor_range(values, methods.get(name, method))
        actual = found.get(name)
        ok = actual is not None and np.allclose(actual, expected, rtol=1e-6,
                                                atol=0)
        print(f"{name}: {'ok' if ok else 'MISMATCH'} {actual} {expected}")
        status |= not ok
    return status


if __name__ == "__main__":
    sys.exit(main())
