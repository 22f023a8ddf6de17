"""Builds the ONNX model of the dynamic-quantization test and its exact
reference.

Usage: make_dynamic_models.py <outdir>

The model: MatMul (batched, 3-D input) + bias, Relu, then Gemm with transB,
plus a second input that is all zeros (its scale is 1 by definition). The
reference follows the documented scheme (docs/Numerics.md, "Dynamic
quantization") step by step in float32 numpy: s_x = max|x| / 127 (1 for an
all-zero x), q = clamp(roundeven(x / s_x), -127, 127), int32 accumulation,
then f32(acc) * f32(s_x * s_w[c]). Weights: symmetric narrow int8 per
output column with s_w = max|w| / 127 computed in double, as the static
scheme. The inputs are chosen so that some x / s_x land exactly on .5.
Writes model.onnx, input_<i>.bin and expected_<i>.bin (exact bytes).
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def quantize_weights(w):
    """[K, C] float32 -> (int32 values, float32 per-column scales)."""
    wmax = np.abs(w.astype(np.float64)).max(axis=0)
    scale = np.where(wmax > 0, wmax / 127.0, 1.0)
    q = np.clip(np.round(w.astype(np.float64) / scale), -127, 127)
    return q.astype(np.int32), scale.astype(np.float32)


def dynamic_matmul(x, w):
    """x [..., K] float32 times constant w [K, C], dynamically quantized."""
    amax = np.float32(np.abs(x).max())
    sx = np.float32(1.0) if amax == 0 else np.float32(amax / np.float32(127))
    q = np.clip(np.round(x / sx), -127, 127).astype(np.int32)
    qw, sw = quantize_weights(w)
    acc = q @ qw
    return acc.astype(np.float32) * (sx * sw).astype(np.float32)


def main(outdir):
    os.makedirs(outdir, exist_ok=True)
    rng = np.random.default_rng(7)
    # max|x| = 12.7, so s_x = 0.1 and multiples of 0.05 are ties.
    x = (rng.integers(-254, 255, size=(2, 3, 16)) * 0.05).astype(np.float32)
    x[0, 0, 0] = 12.7
    w1 = rng.normal(size=(16, 8)).astype(np.float32)
    b1 = rng.normal(size=(8,)).astype(np.float32)
    w2 = rng.normal(size=(5, 8)).astype(np.float32)  # Gemm transB: [C, K]
    z = np.zeros((3, 16), np.float32)

    h = dynamic_matmul(x, w1) + b1
    r = np.maximum(h, np.float32(0)).reshape(6, 8)
    y = dynamic_matmul(r, w2.T)
    zeros = dynamic_matmul(z, w1)

    nodes = [
        helper.make_node("MatMul", ["x", "w1"], ["h0"], name="/fc1/MatMul"),
        helper.make_node("Add", ["h0", "b1"], ["h"], name="/fc1/Add"),
        helper.make_node("Relu", ["h"], ["r0"], name="/relu"),
        helper.make_node("Reshape", ["r0", "shape"], ["r"], name="/flat"),
        helper.make_node("Gemm", ["r", "w2"], ["y"], name="/fc2/Gemm",
                         transB=1),
        helper.make_node("MatMul", ["z", "w1"], ["zeros"], name="/zero/MatMul"),
    ]
    graph = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, x.shape),
         helper.make_tensor_value_info("z", TensorProto.FLOAT, z.shape)],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, y.shape),
         helper.make_tensor_value_info("zeros", TensorProto.FLOAT,
                                       zeros.shape)],
        initializer=[numpy_helper.from_array(w1, "w1"),
                     numpy_helper.from_array(b1, "b1"),
                     numpy_helper.from_array(w2, "w2"),
                     numpy_helper.from_array(np.array([6, 8], np.int64),
                                             "shape")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    with open(os.path.join(outdir, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    for i, data in enumerate([x, z]):
        data.tofile(os.path.join(outdir, f"input_{i}.bin"))
    for i, ref in enumerate([y, zeros]):
        np.ascontiguousarray(ref, dtype=np.float32).tofile(
            os.path.join(outdir, f"expected_{i}.bin"))


if __name__ == "__main__":
    main(sys.argv[1])
