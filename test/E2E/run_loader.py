"""Runs a generated model through qcc_tools.loader and checks its outputs.

Usage: run_loader.py <model.so> <model.h> <prefix> <gen dir> <rtol> <atol>

<gen dir> is what gen_models.py wrote (input_<i>.bin, expected_<i>.npy).
Exits non-zero if any output is outside the tolerance.
"""

import os
import sys

from qcc_tools import compare, tensorio
from qcc_tools.loader import Model


def main(argv):
    if len(argv) != 7:
        sys.exit(__doc__)
    so, header, prefix, gen_dir = argv[1:5]
    rtol, atol = float(argv[5]), float(argv[6])
    model = Model(so, prefix, header=header)
    inputs = [tensorio.read_raw(os.path.join(gen_dir, f"input_{i}.bin"),
                                spec.shape, spec.dtype)
              for i, spec in enumerate(model.inputs)]
    all_ok = True
    for i, actual in enumerate(model.run(*inputs)):
        expected = tensorio.load_npy(os.path.join(gen_dir, f"expected_{i}.npy"))
        ok, lines = compare.compare(expected, actual, rtol, atol)
        print(f"output {i} ({model.outputs[i].name}):", *lines, sep="\n  ")
        all_ok &= ok
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
