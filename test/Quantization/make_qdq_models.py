"""Builds small pre-quantized (QDQ) ONNX models with the outputs qcc's
integer numerics contract (docs/Numerics.md) gives for them, computed here in
numpy with exact integer arithmetic.

Usage: make_qdq_models.py <model> <outdir>, or
       make_qdq_models.py check <outdir> <actual prefix>

`qoperator_contrib` uses ONNX Runtime's com.microsoft operators on integer
inputs and outputs: QLinearAdd (broadcast), QLinearMul, QLinearAveragePool
(padded, excluding the pads) and QLinearGlobalAveragePool (channels first
and, on another input, channels_last).

`qdq_cnn` exercises what a QDQ model may state: uint8 activations with zero
points, uint8 weights with a zero point per output channel, int8 per-axis
weights, a bias given at s_x * s_w (used as is) and one at another scale
(rescaled), a grouped (depthwise) convolution, a max pooling whose output
is quantized to another scale (a requantization), and a Gemm with transB.
The `bad_*` models are rejected or left unsupported with a diagnostic.

Reference: quantize `clamp(roundeven(f32(x) / f32(s)) + z)`; every
contraction accumulates `bias + sum((x - z_x)(w - z_w))` in integers and is
requantized with the fixed-point multiplier (M, n) of
`r = f32(f32(s_x * s_w) / s_y)` (frexp, M = roundeven(f * 2^31),
n = 31 - e) as
`z_y + RHE(acc * M, n)`, then clamped to the storage range intersected with
a fused relu (`z_y`); dequantization is `(q - z) * s` in f32. Addition
rescales both operands on the shift of the larger ratio, multiplication
and average pooling apply one multiplier to the exact integer product or
sum (with the window's element count folded into the ratio).
"""

import os
import sys

import numpy as np
from onnx import TensorProto, helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "Import"))

import make_integer_models  # noqa: E402
from make_integer_models import Model  # noqa: E402


def f32(value):
    return float(np.float32(value))


def multiplier(r):
    """(M, n) with r ~= M * 2^-n, as docs/Numerics.md derives it."""
    f, e = np.frexp(r)
    m = int(np.rint(f * 2.0**31))
    if m == 2**31:
        m, e = 2**30, e + 1
    n = 31 - int(e)
    if n > 63:
        return 0, 1
    return m, n


def rhe(v, n):
    """v / 2^n rounded half to even, for int64 arrays."""
    v = np.asarray(v, np.int64)
    q = v >> n
    r = v - (q << n)
    h = np.int64(1) << (n - 1)
    return q + ((r > h) | ((r == h) & (q & 1 == 1)))


def requantize(acc, scale_ratio, z_y, lo, hi):
    """Per-channel (last axis) requantization of an int64 accumulator."""
    out = np.empty(acc.shape, np.int64)
    for c, r in enumerate(np.broadcast_to(scale_ratio, acc.shape[-1:])):
        m, n = multiplier(r)
        out[..., c] = z_y + rhe(acc[..., c] * m, n)
    return np.clip(out, lo, hi)


def contraction_ratio(s_x, s_w, s_y):
    """r = (s_x * s_w) / s_y of a convolution or matmul, in IEEE f32."""
    product = np.float32(s_x) * np.asarray(s_w, np.float32)
    return (product / np.float32(s_y)).astype(np.float64)


def quantize(x, s, z, lo, hi):
    q = np.rint(np.divide(x, np.float32(s), dtype=np.float32))
    return np.clip(q.astype(np.int64) + z, lo, hi)


def conv_acc(xq, z_x, wq, z_w, bias, pad, groups):
    """NCHW integer convolution, stride 1: bias + sum((x - z_x)(w - z_w))."""
    x = np.pad(xq - z_x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    w = wq - np.asarray(z_w).reshape(-1, 1, 1, 1)
    n, c, h, width = x.shape
    o, ci, kh, kw = w.shape
    oh, ow = h - kh + 1, width - kw + 1
    per_group = o // groups
    acc = np.zeros((n, oh, ow, o), np.int64)
    for oc in range(o):
        g = oc // per_group
        for i in range(kh):
            for j in range(kw):
                patch = x[:, g * ci:(g + 1) * ci, i:i + oh, j:j + ow]
                acc[..., oc] += np.einsum("nchw,c->nhw", patch, w[oc, :, i, j])
        acc[..., oc] += bias[oc]
    return acc  # NHWC


def qdq(m, name, tensor, s, z, dtype):
    """QuantizeLinear + DequantizeLinear of `tensor` to (s, z) in `dtype`."""
    m.init(name + "_s", np.float32(s))
    m.init(name + "_z", np.array(z, dtype))
    m.node("QuantizeLinear", [tensor, name + "_s", name + "_z"], name + "_q")
    m.node("DequantizeLinear", [name + "_q", name + "_s", name + "_z"],
           name + "_dq")
    return name + "_dq"


def dequantized(m, name, q, scales, zero_points, axis=0):
    m.init(name + "_q", q)
    m.init(name + "_s", np.asarray(scales, np.float32))
    m.init(name + "_z", np.asarray(zero_points, q.dtype))
    m.node("DequantizeLinear", [name + "_q", name + "_s", name + "_z"],
           name + "_dq", axis=axis)
    return name + "_dq"


def qdq_cnn():
    rng = np.random.default_rng(7)
    m = Model()
    x = m.input("x", rng.uniform(-5, 7, (4, 3, 5, 5)).astype(np.float32))

    # Input: uint8, s = 0.05, z = 100.
    s_x, z_x = f32(0.05), 100
    xq = quantize(x, s_x, z_x, 0, 255)
    t = qdq(m, "in", "x", s_x, z_x, np.uint8)

    # conv1: uint8 weights, a zero point per output channel; relu; uint8.
    w1 = rng.integers(0, 256, (4, 3, 3, 3)).astype(np.uint8)
    s_w1 = np.float32([0.004, 0.002, 0.003, 0.0025]).astype(np.float64)
    z_w1 = np.array([128, 120, 140, 100], np.uint8)
    b1_scale = (s_x * s_w1).astype(np.float32).astype(np.float64)
    # Channel 3's bias is given at twice s_x * s_w: rescaled to 2 * q.
    b1_scale[3] = f32(2 * s_x * s_w1[3])
    b1 = rng.integers(-3000, 3000, 4).astype(np.int32)
    w = dequantized(m, "w1", w1, s_w1, z_w1)
    b = dequantized(m, "b1", b1, b1_scale, np.zeros(4, np.int32))
    m.node("Conv", [t, w, b], "conv1", pads=[1, 1, 1, 1])
    m.node("Relu", ["conv1"], "relu1")
    s_1, z_1 = f32(0.06), 3
    t = qdq(m, "a1", "relu1", s_1, z_1, np.uint8)
    bias = b1.astype(np.int64).copy()
    bias[3] = int(np.rint(b1[3] * b1_scale[3] / (s_x * s_w1[3])))
    acc = conv_acc(xq, z_x, w1.astype(np.int64), z_w1.astype(np.int64), bias,
                   1, 1)
    a1 = requantize(acc, contraction_ratio(s_x, s_w1, s_1), z_1, z_1,
                    255)  # NHWC

    # conv2: depthwise, int8 weights per channel, no bias; uint8 output.
    w2 = rng.integers(-127, 128, (4, 1, 3, 3)).astype(np.int8)
    s_w2 = np.float32([0.01, 0.02, 0.015, 0.005]).astype(np.float64)
    w = dequantized(m, "w2", w2, s_w2, np.zeros(4, np.int8))
    m.node("Conv", [t, w], "conv2", group=4, pads=[1, 1, 1, 1])
    s_2, z_2 = f32(0.08), 128
    t = qdq(m, "a2", "conv2", s_2, z_2, np.uint8)
    acc = conv_acc(a1.transpose(0, 3, 1, 2), z_1, w2.astype(np.int64),
                   np.zeros(4, np.int64), np.zeros(4, np.int64), 1, 4)
    a2 = requantize(acc, contraction_ratio(s_1, s_w2, s_2), z_2, 0, 255)

    # Max pooling keeps its input's parameters; the quantize after it asks
    # for others, a requantization.
    m.node("MaxPool", [t], "pool", kernel_shape=[2, 2], strides=[2, 2])
    s_3, z_3 = f32(0.1), 100
    t = qdq(m, "a3", "pool", s_3, z_3, np.uint8)
    pooled = a2[:, 0:4:2, 0:4:2, :]
    for i, j in ((0, 1), (1, 0), (1, 1)):
        pooled = np.maximum(pooled, a2[:, i:4:2, j:4:2, :])
    a3 = requantize(pooled - z_2, np.full(4, s_2 / s_3), z_3, 0, 255)

    # Flatten (NCHW order) and Gemm with transB: int8 weights per output
    # column, bias at s_x * s_w; int8 output.
    m.node("Flatten", [t], "flat")
    w3 = rng.integers(-127, 128, (6, 16)).astype(np.int8)
    s_w3 = np.float32([0.01, 0.011, 0.012, 0.013, 0.014, 0.015]).astype(
        np.float64)
    b3 = rng.integers(-2000, 2000, 6).astype(np.int32)
    w = dequantized(m, "w3", w3, s_w3, np.zeros(6, np.int8))
    b = dequantized(m, "b3", b3, (s_3 * s_w3).astype(np.float32),
                    np.zeros(6, np.int32))
    m.node("Gemm", ["flat", w, b], "fc", transB=1)
    s_4, z_4 = f32(0.5), -3
    t = qdq(m, "out", "fc", s_4, z_4, np.int8)
    m.node("Identity", [t], "y")
    flat = a3.transpose(0, 3, 1, 2).reshape(4, 16) - z_3
    acc = flat @ w3.astype(np.int64).T + b3
    yq = requantize(acc, contraction_ratio(s_3, s_w3, s_4), z_4, -128, 127)
    m.output("y", ((yq - z_4).astype(np.float32) * np.float32(s_4)))
    return m


def add_ratios(ra, rb):
    """(Ma, Mb, n): the shared-shift multipliers of qcc.add."""
    m, n = multiplier(max(ra, rb))
    other = int(np.rint(min(ra, rb) * 2.0**n))
    return (m, other, n) if ra >= rb else (other, m, n)


def avg_pool(xq, z_x, s_x, s_y, z_y, kernel, stride, pad, lo, hi):
    """NCHW average pooling over in-bounds elements, one rounding each."""
    n, c, h, w = xq.shape
    oh = (h + 2 * pad - kernel) // stride + 1
    ow = (w + 2 * pad - kernel) // stride + 1
    y = np.empty((n, c, oh, ow), np.int64)
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * stride - pad, j * stride - pad
            r1, c1 = min(r0 + kernel, h), min(c0 + kernel, w)
            r0, c0 = max(r0, 0), max(c0, 0)
            window = xq[:, :, r0:r1, c0:c1] - z_x
            count = (r1 - r0) * (c1 - c0)
            m, sh = multiplier(s_x / (s_y * count))
            y[:, :, i, j] = z_y + rhe(window.sum(axis=(2, 3)) * m, sh)
    return np.clip(y, lo, hi)


def qoperator_contrib():
    rng = np.random.default_rng(11)
    m = contrib_model()
    a = m.input("a", rng.integers(0, 256, (1, 4, 5, 5)).astype(np.uint8))
    b = m.input("b", rng.integers(0, 256, (1, 1, 5, 5)).astype(np.uint8))
    g = m.input("g", rng.integers(-128, 128, (1, 3, 3, 4)).astype(np.int8))
    params = {"a": (0.02, 120), "b": (0.05, 30), "c": (0.06, 100),
              "d": (0.03, 5), "e": (0.025, 10), "f": (0.02, 0),
              "g": (0.1, -5), "h": (0.04, 3)}
    for name, (s, z) in params.items():
        m.init(name + "_s", np.float32(s))
        m.init(name + "_z", np.array(z, np.int8 if name in "gh"
                                     else np.uint8))

    def qnode(op, inputs, output, **attrs):
        m.nodes.append(helper.make_node(op, inputs, [output], name=output,
                                        domain="com.microsoft", **attrs))

    qnode("QLinearAdd", ["a", "a_s", "a_z", "b", "b_s", "b_z", "c_s", "c_z"],
          "c")
    qnode("QLinearMul", ["c", "c_s", "c_z", "a", "a_s", "a_z", "d_s", "d_z"],
          "d")
    qnode("QLinearAveragePool", ["d", "d_s", "d_z", "e_s", "e_z"], "e",
          kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    qnode("QLinearGlobalAveragePool", ["e", "e_s", "e_z", "f_s", "f_z"], "f",
          channels_last=0)
    qnode("QLinearGlobalAveragePool", ["g", "g_s", "g_z", "h_s", "h_z"], "h",
          channels_last=1)

    sp = {k: (f32(s), z) for k, (s, z) in params.items()}
    a64, b64, g64 = (v.astype(np.int64) for v in (a, b, g))
    ma, mb, n = add_ratios(sp["a"][0] / sp["c"][0], sp["b"][0] / sp["c"][0])
    c = np.clip(sp["c"][1] + rhe((a64 - sp["a"][1]) * ma +
                                 (b64 - sp["b"][1]) * mb, n), 0, 255)
    mm, n = multiplier(sp["c"][0] * sp["a"][0] / sp["d"][0])
    d = np.clip(sp["d"][1] + rhe((c - sp["c"][1]) * (a64 - sp["a"][1]) * mm,
                                 n), 0, 255)
    e = avg_pool(d, sp["d"][1], sp["d"][0], sp["e"][0], sp["e"][1], 3, 2, 1,
                 0, 255)
    f = avg_pool(e, sp["e"][1], sp["e"][0], sp["f"][0], sp["f"][1], 3, 1, 0,
                 0, 255)
    h = avg_pool(g64.transpose(0, 3, 1, 2), sp["g"][1], sp["g"][0],
                 sp["h"][0], sp["h"][1], 3, 1, 0, -128, 127)
    for name, value in (("c", c), ("d", d), ("e", e), ("f", f)):
        m.output(name, value.astype(np.uint8))
    m.output("h", h.transpose(0, 2, 3, 1).astype(np.int8))
    return m


def contrib_model():
    m = Model()
    m.extra_opsets.append(("com.microsoft", 1))
    return m


def _bad_weights(weight_axis):
    """A Conv whose per-axis weight parameters run along the input
    channels: left in float, so the integer path check warns."""
    m = Model()
    m.input("x", np.zeros((1, 2, 3, 3), np.float32))
    t = qdq(m, "in", "x", 0.1, 0, np.int8)
    w = dequantized(m, "w", np.ones((2, 2, 1, 1), np.int8), [0.1, 0.2],
                    [0, 0], axis=weight_axis)
    m.node("Conv", [t, w], "conv")
    t = qdq(m, "out", "conv", 0.1, 0, np.int8)
    m.node("Identity", [t], "y")
    m.output("y", np.zeros((1, 2, 3, 3), np.float32))
    return m.proto()


def _bad_contrib(scale=0.5, zp=np.uint8(3), scale_input=False):
    """A QLinearAdd with a bad scale or zero point for `a`."""
    m = contrib_model()
    m.input("a", np.zeros((4,), np.uint8))
    m.input("b", np.zeros((4,), np.uint8))
    if scale_input:
        m.input("a_s", np.float32(scale))
    else:
        m.init("a_s", np.float32(scale))
    m.init("a_z", zp)
    m.init("s", np.float32(0.5))
    m.init("z", np.uint8(0))
    m.nodes.append(helper.make_node(
        "QLinearAdd", ["a", "a_s", "a_z", "b", "s", "z", "s", "z"], ["y"],
        name="add", domain="com.microsoft"))
    m.output("y", np.zeros((4,), np.uint8))
    return m.proto()


BAD = {
    "bad_weight_axis": lambda: _bad_weights(1),
    "bad_contrib_scale": lambda: _bad_contrib(scale=0.0),
    "bad_contrib_zero_point": lambda: _bad_contrib(zp=np.int8(3)),
    "bad_contrib_runtime_scale": lambda: _bad_contrib(scale_input=True),
}


def main(argv):
    # onnx.checker has no schemas for com.microsoft operators.
    contrib = len(argv) > 1 and argv[1] == "qoperator_contrib"
    make_integer_models.run(argv, argv[1] if contrib else "qdq_cnn",
                            qoperator_contrib if contrib else qdq_cnn, BAD,
                            check_bad=False, check_model=not contrib)


if __name__ == "__main__":
    main(sys.argv)
