"""Compares a pre-quantized model compiled to integer ops with the same
model run as the ONNX reference computes it (qcc --quantize=none: every
QuantizeLinear/DequantizeLinear in float), on the first N Fashion-MNIST test
images. The output step is the scale of the model's last DequantizeLinear,
read from the ONNX file.

Usage: within_one_step.py N model.onnx INT.so INT.h INT_prefix REF.so REF.h REF_prefix

Prints the top-1 agreement, the share of identical outputs and the largest
difference in output steps; fails if any output differs by more than one
step or fewer than 99.5 % of the top-1 classes agree.
"""

import sys

import numpy as np
import onnx
from onnx import numpy_helper

from qcc_tools.datasets import load_fashion_mnist, normalize
from qcc_tools.loader import Model


def output_step(path):
    model = onnx.load(path)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    last = [n for n in model.graph.node if n.op_type == "DequantizeLinear"][-1]
    return float(inits[last.input[1]])


def main(argv):
    count = int(argv[1])
    step = output_step(argv[2])
    integer = Model(argv[3], argv[5], header=argv[4])
    reference = Model(argv[6], argv[8], header=argv[7])
    images, _ = load_fashion_mnist("test")
    inputs = normalize(images[:count])
    agree = identical = 0
    worst = 0.0
    for i in range(count):
        (a,), (b,) = integer.run(inputs[i:i + 1]), reference.run(inputs[i:i + 1])
        agree += int(np.argmax(a) == np.argmax(b))
        identical += int(np.array_equal(a, b))
        worst = max(worst, float(np.max(np.abs(a - b))) / step)
    print(f"top-1 agreement {100.0 * agree / count:.2f}%")
    print(f"identical outputs {100.0 * identical / count:.2f}%")
    print(f"largest difference {worst:.3f} steps")
    ok = worst <= 1.0 + 1e-4 and agree >= 0.995 * count
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(sys.argv)
