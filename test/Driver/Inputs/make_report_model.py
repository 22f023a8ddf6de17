"""Writes the small ONNX model and calibration data of the report tests.

Usage: make_report_model.py <outdir>

  x [1, 3, 8, 8]
  Conv  "stem/conv <a&b>"   3->4, 3x3, pad 1, bias   (a name HTML must escape)
  Relu  "stem/relu"
  Flatten "flatten"          [1, 256]
  MatMul "proj/matmul"       256->16
  Add   "proj/add"           + bias
  Relu  "proj/relu"
  Gemm  "head/gemm"          16->5, bias
  scores [1, 5]

qcc fuses the convolution and its ReLU into one int8 layer, the MatMul with
its Add and ReLU, and the Gemm's matmul with its bias: the report must name
each after its contraction's node. Writes model.onnx, calib.npz (16
samples, seeded) and val.npz (20 samples 10 times larger than the
calibration samples, with labels 0-4: the inputs fall outside the calibrated
range).
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(13)

    def const(name, shape, scale):
        return numpy_helper.from_array(
            (rng.standard_normal(shape) * scale).astype(np.float32), name)

    initializers = [
        const("conv_w", (4, 3, 3, 3), 0.3), const("conv_b", (4,), 0.1),
        const("proj_w", (256, 16), 0.1), const("proj_b", (16,), 0.1),
        const("head_w", (5, 16), 0.3), const("head_b", (5,), 0.1),
    ]
    nodes = [
        helper.make_node("Conv", ["x", "conv_w", "conv_b"], ["c"],
                         name="stem/conv <a&b>", pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"], name="stem/relu"),
        helper.make_node("Flatten", ["r"], ["f"], name="flatten", axis=1),
        helper.make_node("MatMul", ["f", "proj_w"], ["m"],
                         name="proj/matmul"),
        helper.make_node("Add", ["m", "proj_b"], ["a"], name="proj/add"),
        helper.make_node("Relu", ["a"], ["h"], name="proj/relu"),
        helper.make_node("Gemm", ["h", "head_w", "head_b"], ["scores"],
                         name="head/gemm", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "report_model",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
        [helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, 5])],
        initializers)
    model = helper.make_model(graph, producer_name="qcc-test",
                              opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(outdir, "model.onnx"))
    np.savez(os.path.join(outdir, "calib.npz"),
             x=rng.standard_normal((16, 1, 3, 8, 8)).astype(np.float32))
    np.savez(os.path.join(outdir, "val.npz"),
             x=(10 * rng.standard_normal((20, 1, 3, 8, 8))).astype(np.float32),
             labels=rng.integers(0, 5, 20))


if __name__ == "__main__":
    main()
