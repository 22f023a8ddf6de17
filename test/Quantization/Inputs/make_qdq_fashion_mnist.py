"""Builds a QDQ (QuantizeLinear/DequantizeLinear) version of the Fashion-MNIST
model with the parameters qcc's default scheme chooses, computed here from
the scheme as docs/Numerics.md states it, not taken from qcc's output.

Usage:
  make_qdq_fashion_mnist.py fold <model.onnx> <folded.onnx>
      The float model with BatchNormalization folded into the convolutions
      (float32 numpy), as QAT exporters hand it over.
  make_qdq_fashion_mnist.py qdq <folded.onnx> <profile.json> <qdq.onnx>
      The folded model with every activation quantized (int8 asymmetric from
      the profile's min/max) and weights and biases stored as integers (int8
      symmetric narrow per output channel, int32 at s_x * s_w).

Scheme (docs/Numerics.md, "The quantization scheme"): activation range
extended to contain 0, s = f32((max - min) / 255), z = clamp(roundeven(-128
- min / s), -128, 127); weights s_w = f32(max|w| / 127) per output channel,
q = clamp(roundeven(w / s_w), -127, 127); bias roundeven(b / (s_x * s_w)).
Max pooling and flattening keep their input's parameters; a relu's output
parameters are those of the relu's output tensor.
"""

import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def fold(model_path, out_path):
    model = onnx.load(model_path)
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    nodes = list(model.graph.node)
    kept, replaced = [], {}
    for node in nodes:
        if node.op_type != "BatchNormalization":
            kept.append(node)
            continue
        conv = next(n for n in kept if n.output[0] == node.input[0])
        eps = next((a.f for a in node.attribute if a.name == "epsilon"), 1e-5)
        gamma, beta, mean, var = (inits[n] for n in node.input[1:5])
        scale = (gamma / np.sqrt(var + np.float32(eps))).astype(np.float32)
        w = inits[conv.input[1]]
        b = inits[conv.input[2]]
        inits[conv.input[1]] = (w * scale[:, None, None, None]).astype(
            np.float32)
        inits[conv.input[2]] = ((b - mean) * scale + beta).astype(np.float32)
        conv.output[0] = node.output[0]
        for name in node.input[1:5]:
            replaced[name] = True
    del model.graph.node[:]
    model.graph.node.extend(kept)
    del model.graph.initializer[:]
    model.graph.initializer.extend(
        numpy_helper.from_array(v, k) for k, v in inits.items()
        if k not in replaced)
    onnx.checker.check_model(model)
    onnx.save(model, out_path)


def activation_params(lo, hi):
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    span = hi - lo
    if not span > 0:
        lo, span = 0.0, 1.0
    s = float(np.float32(span / 255.0))
    z = int(np.clip(np.rint(-128.0 - lo / s), -128, 127))
    return s, z


def weight_params(w):
    """Per output channel (axis 0) symmetric narrow int8."""
    flat = w.reshape(w.shape[0], -1).astype(np.float64)
    peak = np.abs(flat).max(axis=1)
    s = np.where(peak > 0, (peak / 127.0).astype(np.float32), 1.0)
    s = s.astype(np.float64)
    q = np.clip(np.rint(flat / s[:, None]), -127, 127).astype(np.int8)
    return s, q.reshape(w.shape)


def qdq(folded_path, profile_path, out_path):
    model = onnx.load(folded_path)
    profile = json.load(open(profile_path))
    # Profile entries are named after ONNX nodes (`<node>#<k>` when a node
    # has several ranged values, the last being its output) and inputs.
    ranges = {}
    for t in profile["tensors"]:
        ranges[t["name"].split("#")[0]] = (t["min"], t["max"])
    inits = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    new_inits, nodes = [], []
    params = {}  # activation tensor -> (scale, zero point)

    def const(name, array):
        new_inits.append(numpy_helper.from_array(array, name))
        return name

    def qdq_pair(tensor, scale, zp):
        """Q then DQ of `tensor`; returns the dequantized name."""
        s = const(tensor + "_scale", np.array(scale, np.float32))
        z = const(tensor + "_zp", np.array(zp, np.int8))
        nodes.append(helper.make_node("QuantizeLinear", [tensor, s, z],
                                      [tensor + "_q"]))
        nodes.append(helper.make_node("DequantizeLinear",
                                      [tensor + "_q", s, z],
                                      [tensor + "_dq"]))
        params[tensor] = (scale, zp)
        return tensor + "_dq"

    def dequantized_constant(name, q, scales):
        """An integer initializer dequantized per output channel (axis 0)."""
        const(name + "_q", q)
        const(name + "_scale", scales.astype(np.float32))
        const(name + "_zp", np.zeros(len(scales), q.dtype))
        nodes.append(helper.make_node(
            "DequantizeLinear", [name + "_q", name + "_scale", name + "_zp"],
            [name + "_dq"], axis=0))
        return name + "_dq"

    def dequantized_weights(name):
        s, q = weight_params(inits[name])
        return dequantized_constant(name, q, s), s

    def dequantized_bias(name, x_scale, w_scales):
        bias_scale = x_scale * w_scales
        q = np.rint(inits[name].astype(np.float64) / bias_scale)
        return dequantized_constant(name, q.astype(np.int32), bias_scale)

    renamed = {}
    logits = model.graph.output[0].name
    image = model.graph.input[0].name
    renamed[image] = qdq_pair(image, *activation_params(*ranges[image]))
    producer = {n.output[0]: n.name for n in model.graph.node}
    graph_nodes = list(model.graph.node)
    for index, node in enumerate(graph_nodes):
        inputs = [renamed.get(i, i) for i in node.input]
        source = node.input[0]
        if node.op_type in ("Conv", "Gemm"):
            x_scale = params[source][0]
            w_name, w_scales = dequantized_weights(node.input[1])
            inputs[1] = w_name
            inputs[2] = dequantized_bias(node.input[2], x_scale, w_scales)
        # The graph output is the dequantized logits (an Identity below).
        out = node.output[0] if node.output[0] != logits else "logits_float"
        nodes.append(helper.make_node(node.op_type, inputs, [out],
                                      name=node.name))
        nodes[-1].attribute.extend(node.attribute)
        followed_by_relu = any(n.op_type == "Relu" and n.input[0] == out
                               for n in graph_nodes[index + 1:])
        if node.op_type in ("MaxPool", "Flatten"):
            renamed[out] = qdq_pair(out, *params[source])
        elif not followed_by_relu:
            renamed[out] = qdq_pair(
                out, *activation_params(*ranges[producer[node.output[0]]]))
    nodes.append(helper.make_node("Identity", [renamed["logits_float"]],
                                  [logits]))
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    del model.graph.initializer[:]
    model.graph.initializer.extend(new_inits)
    onnx.checker.check_model(model)
    onnx.save(model, out_path)


def main(argv):
    if len(argv) == 4 and argv[1] == "fold":
        fold(argv[2], argv[3])
    elif len(argv) == 5 and argv[1] == "qdq":
        qdq(argv[2], argv[3], argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
