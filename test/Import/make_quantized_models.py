"""Builds the ONNX models of the quantization operator tests
(QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger,
ConvInteger, QLinearMatMul, QLinearConv), with exact numpy references.
QLinearConv and QLinearMatMul with constant parameters and weights compile
to qcc integer ops; their references are the same ONNX formulas.

Usage: make_quantized_models.py <model> <outdir>

Writes into <outdir>: model.onnx, input_<i>.bin (raw little-endian data of
each graph input) and expected_<i>.bin (the exact expected bytes of each
output). The references follow the ONNX reference implementation step by
step: quantization divides in float32 and rounds half to even before adding
the zero point and saturating; dequantization subtracts and multiplies in
float32; the QLinear operators accumulate (a - a_zp)(b - b_zp) in int32,
form a_scale * b_scale / y_scale in float32 and multiply the accumulator by
it in float64 (numpy's int32 x float32 promotion), add y_zero_point, round
half to even and saturate. Models named `bad_*` are rejected with a
diagnostic; they have no data.

`make_quantized_models.py check <outdir> <actual prefix>` compares every
expected_<i>.bin with <actual prefix><i>.bin byte for byte.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import make_integer_models  # noqa: E402

# ---- references ------------------------------------------------------------


def saturate(values, dtype):
    info = np.iinfo(dtype)
    return np.clip(values, info.min, info.max).astype(dtype)


def param(values, rank, axis):
    """A per-tensor (0-d or one element) or per-axis parameter shaped to
    broadcast against a tensor of `rank` along `axis`."""
    values = np.asarray(values)
    if values.size == 1:
        return values.reshape(())
    shape = [1] * rank
    shape[axis] = values.size
    return values.reshape(shape)


def quantize(x, scale, zp, dtype, axis=1):
    s = param(scale, x.ndim, axis)
    q = np.rint(np.divide(x, s, dtype=np.float32))
    if zp is not None:
        q = q + param(zp, x.ndim, axis).astype(np.float32)
    return saturate(q, dtype)


def dequantize(x, scale, zp, axis=1):
    y = x.astype(np.float32)
    if zp is not None:
        y = y - param(zp, x.ndim, axis).astype(np.float32)
    return (y * param(scale, x.ndim, axis)).astype(np.float32)


def dynamic_quantize(x):
    x_min = np.minimum(np.float32(0), np.min(x))
    x_max = np.maximum(np.float32(0), np.max(x))
    scale = np.float32((x_max - x_min) / np.float32(255))
    zp = saturate(np.rint(np.float32(np.float32(0) - x_min) / scale),
                  np.uint8)
    y = saturate(np.rint(x / scale) + zp.astype(np.float32), np.uint8)
    return y, np.array(scale, np.float32), np.array(zp, np.uint8)


def wrap_int32(values):
    return ((values.astype(np.int64) + 2**31) % 2**32 - 2**31).astype(np.int32)


def conv2d(x, w, bias, strides, pads, dilations, group):
    """Direct NCHW convolution of int64 arrays (pads: top, left, bottom,
    right as in ONNX)."""
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.zeros((n, c, h + pads[0] + pads[2], wd + pads[1] + pads[3]),
                  np.int64)
    xp[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + wd] = x
    eh = (kh - 1) * dilations[0] + 1
    ew = (kw - 1) * dilations[1] + 1
    oh = (xp.shape[2] - eh) // strides[0] + 1
    ow = (xp.shape[3] - ew) // strides[1] + 1
    out = np.zeros((n, m, oh, ow), np.int64)
    mg = m // group
    for o in range(m):
        g = o // mg
        for i in range(oh):
            for j in range(ow):
                window = xp[:, g * cg:(g + 1) * cg,
                            i * strides[0]:i * strides[0] + eh:dilations[0],
                            j * strides[1]:j * strides[1] + ew:dilations[1]]
                out[:, o, i, j] = (window * w[o]).sum(axis=(1, 2, 3))
        out[:, o] += bias[o]
    return wrap_int32(out)


def requantize(acc, multiplier, zp, dtype):
    r = acc.astype(np.float64) * multiplier.astype(np.float64)
    return saturate(np.rint(r + np.float64(zp)), dtype)


def i64(a):
    return np.asarray(a).astype(np.int64)


# ---- model building --------------------------------------------------------

class Model(make_integer_models.Model):
    """make_integer_models.Model with nodes of several outputs, and
    initializers that return their value."""

    def init(self, name, array):
        super().init(name, array)
        return np.asarray(array)

    def node(self, op, inputs, outputs, **attrs):
        outputs = [outputs] if isinstance(outputs, str) else outputs
        self.nodes.append(helper.make_node(op, inputs, outputs,
                                           name=outputs[0], **attrs))


def quantized():
    """Every operator with per-tensor and per-axis parameters, uint8 and
    int8, exact .5 ties (scales that are powers of two) and saturation."""
    m = Model()
    rng = np.random.default_rng(7)

    # QuantizeLinear. x / 0.5 hits .5 ties (0.25, 0.75, -1.25, ...); the
    # large values saturate.
    ties = np.array([0.25, 0.75, 1.25, -0.25, -0.75, -1.25, 63.75, -64.25],
                    np.float32)
    big = np.array([1000, -1000, 3e9, -3e9, 0.5, 1.5, 2.5, -2.5], np.float32)
    x = m.input("x", np.concatenate([ties, big, rng.uniform(
        -40, 40, 8).astype(np.float32)]).reshape(1, 3, 2, 4))
    m.init("s_half", np.float32(0.5))
    m.init("zp_u128", np.uint8(128))
    m.node("QuantizeLinear", ["x", "s_half", "zp_u128"], "q_u8")
    m.output("q_u8", quantize(x, 0.5, np.uint8(128), np.uint8))

    s_axis = m.init("s_axis", np.array([0.5, 2, 0.25], np.float32))
    zp_axis = m.init("zp_axis", np.array([-3, 0, 7], np.int8))
    m.node("QuantizeLinear", ["x", "s_axis", "zp_axis"], "q_i8_axis")
    m.output("q_i8_axis", quantize(x, s_axis, zp_axis, np.int8))

    m.node("QuantizeLinear", ["x", "s_half"], "q_default")
    m.output("q_default", quantize(x, 0.5, None, np.uint8))

    s_last = m.init("s_last", np.array([0.5, 1, 4, 0.125], np.float32))
    zp_last = m.init("zp_last", np.array([0, 255, 3, 100], np.uint8))
    m.node("QuantizeLinear", ["x", "s_last", "zp_last"], "q_last", axis=-1)
    m.output("q_last", quantize(x, s_last, zp_last, np.uint8, axis=3))

    # Scale and zero point known only at run time.
    s_run = m.input("s_run", np.array([0.25], np.float32))
    zp_run = m.input("zp_run", np.array([-20], np.int8))
    m.node("QuantizeLinear", ["x", "s_run", "zp_run"], "q_run")
    m.output("q_run", quantize(x, s_run, zp_run, np.int8))

    # DequantizeLinear.
    qa = m.input("qa", np.array([[0, 1, 127, 128, 200, 255]], np.uint8)
                 .reshape(2, 3))
    qb = m.input("qb", np.array([-128, -1, 0, 1, 127, 64], np.int8)
                 .reshape(2, 3))
    qc = m.input("qc", np.array([-2**31, -7, 0, 5, 2**31 - 1, 16777217],
                                np.int32))
    m.init("s_tenth", np.float32(0.1))
    m.init("zp_u200", np.uint8(200))
    m.node("DequantizeLinear", ["qa", "s_tenth", "zp_u200"], "dq_u8")
    m.output("dq_u8", dequantize(qa, np.float32(0.1), np.uint8(200)))
    s_rows = m.init("s_rows", np.array([0.5, 0.3], np.float32))
    zp_rows = m.init("zp_rows", np.array([-128, 127], np.int8))
    m.node("DequantizeLinear", ["qb", "s_rows", "zp_rows"], "dq_i8_axis",
           axis=0)
    m.output("dq_i8_axis", dequantize(qb, s_rows, zp_rows, axis=0))
    m.init("s_i32", np.float32(0.001))
    m.node("DequantizeLinear", ["qc", "s_i32"], "dq_i32")
    m.output("dq_i32", dequantize(qc, np.float32(0.001), None))

    # DynamicQuantizeLinear: scale 4/255, and -min/scale = 63.75 -> 64.
    xd = m.input("xd", np.array([[-1, 0.5, 3, 2.9],
                                 [-0.01, 1.3, 0.77, 0.0]], np.float32))
    m.node("DynamicQuantizeLinear", ["xd"], ["dq_y", "dq_scale", "dq_zp"])
    for name, ref in zip(["dq_y", "dq_scale", "dq_zp"], dynamic_quantize(xd)):
        m.output(name, ref)

    # MatMulInteger: uint8 A with per-row zero points, int8 B with
    # per-column ones; and a batched uint8 x uint8 product.
    a = m.input("a", rng.integers(0, 256, (3, 4), dtype=np.uint8))
    b = m.input("b", rng.integers(-128, 128, (4, 5), dtype=np.int8))
    a_zp = m.init("a_zp", np.array([0, 128, 255], np.uint8))
    b_zp = m.init("b_zp", np.array([-128, 0, 127, 5, -1], np.int8))
    m.node("MatMulInteger", ["a", "b", "a_zp", "b_zp"], "mmi")
    m.output("mmi", (np.matmul(i64(a) - i64(a_zp)[:, None],
                               i64(b) - i64(b_zp))).astype(np.int32))
    a3 = m.input("a3", rng.integers(0, 256, (2, 3, 4), dtype=np.uint8))
    b3 = m.input("b3", rng.integers(0, 256, (2, 4, 2), dtype=np.uint8))
    m.init("zp_u3", np.uint8(3))
    m.node("MatMulInteger", ["a3", "b3", "zp_u3"], "mmi_batch")
    m.output("mmi_batch", np.matmul(i64(a3) - 3, i64(b3)).astype(np.int32))

    # ConvInteger: per-channel int8 weight zero points, strides and pads;
    # then a grouped, dilated one with SAME_UPPER padding.
    cx = m.input("cx", rng.integers(0, 256, (1, 2, 6, 5), dtype=np.uint8))
    cw = m.init("cw", rng.integers(-128, 128, (3, 2, 3, 2), dtype=np.int8))
    cw_zp = m.init("cw_zp", np.array([-128, 0, 127], np.int8))
    m.init("cx_zp", np.uint8(17))
    m.node("ConvInteger", ["cx", "cw", "cx_zp", "cw_zp"], "convi",
           strides=[2, 1], pads=[1, 0, 2, 1])
    m.output("convi", conv2d(i64(cx) - 17, i64(cw) - i64(cw_zp)[:, None,
                                                                None, None],
                             [0] * 3, [2, 1], [1, 0, 2, 1], [1, 1], 1))
    gw = m.init("gw", rng.integers(0, 256, (4, 1, 2, 2), dtype=np.uint8))
    m.node("ConvInteger", ["cx", "gw", "", "zp_u3"], "convi_group", group=2,
           auto_pad="SAME_UPPER", dilations=[2, 1])
    # SAME_UPPER keeps the size: padding (1, 1) rows and (0, 1) columns.
    m.output("convi_group", conv2d(i64(cx), i64(gw) - 3, [0] * 4, [1, 1],
                                   [1, 0, 1, 1], [2, 1], 2))

    # QLinearMatMul: int8 a with per-row scales and zero points, uint8 b
    # per column; multiplier 0.5 * 1 / 1 gives exact ties, and the small
    # output scale saturates.
    qa_m = m.input("qa_m", rng.integers(-128, 128, (2, 3), dtype=np.int8))
    qb_m = m.input("qb_m", rng.integers(0, 256, (3, 4), dtype=np.uint8))
    as_ = m.init("qm_as", np.array([0.5, 0.0123], np.float32))
    az = m.init("qm_az", np.array([1, -2], np.int8))
    bs = m.init("qm_bs", np.array([1, 0.25, 0.037, 2], np.float32))
    bz = m.init("qm_bz", np.array([0, 128, 255, 77], np.uint8))
    m.init("qm_ys", np.float32(1))
    m.init("qm_yz", np.int8(-5))
    m.node("QLinearMatMul", ["qa_m", "qm_as", "qm_az", "qb_m", "qm_bs",
                             "qm_bz", "qm_ys", "qm_yz"], "qmm")
    acc = np.matmul(i64(qa_m) - i64(az)[:, None], i64(qb_m) - i64(bz))
    mult = (as_[:, None] * bs[None, :]) / np.float32(1)
    m.output("qmm", requantize(acc, mult, -5, np.int8))

    # QLinearConv: uint8 x, int8 w with per-channel scales and zero points,
    # an int32 bias, uint8 output.
    qcx = m.input("qcx", rng.integers(0, 256, (1, 2, 4, 4), dtype=np.uint8))
    qcw = m.init("qcw", rng.integers(-128, 128, (2, 2, 2, 2), dtype=np.int8))
    xs = m.init("qc_xs", np.float32(0.05))
    m.init("qc_xz", np.uint8(120))
    ws = m.init("qc_ws", np.array([0.01, 0.002], np.float32))
    wz = m.init("qc_wz", np.array([0, -3], np.int8))
    ys = m.init("qc_ys", np.float32(0.07))
    m.init("qc_yz", np.uint8(100))
    bias = m.init("qc_bias", np.array([-1000, 2500], np.int32))
    m.node("QLinearConv", ["qcx", "qc_xs", "qc_xz", "qcw", "qc_ws", "qc_wz",
                           "qc_ys", "qc_yz", "qc_bias"], "qconv",
           pads=[1, 1, 0, 0])
    acc = conv2d(i64(qcx) - 120, i64(qcw) - i64(wz)[:, None, None, None],
                 bias, [1, 1], [1, 1, 0, 0], [1, 1], 1)
    mult = ((xs * ws) / ys).astype(np.float32).reshape(1, 2, 1, 1)
    m.output("qconv", requantize(acc, mult, 100, np.uint8))

    # QLinearMatMul with constant per-tensor a parameters and constant b
    # quantized per column: compiled as qcc.matmul (like the QLinearConv
    # above), with the same reference requantization.
    qa2 = m.input("qa2", rng.integers(-128, 128, (3, 4), dtype=np.int8))
    qb2 = m.init("q2_b", rng.integers(-127, 128, (4, 5), dtype=np.int8))
    a2s = m.init("q2_as", np.float32(0.03))
    m.init("q2_az", np.int8(-3))
    b2s = m.init("q2_bs", np.array([0.02, 0.01, 0.04, 0.015, 0.005],
                                   np.float32))
    m.init("q2_bz", np.zeros(5, np.int8))
    y2s = m.init("q2_ys", np.float32(0.05))
    m.init("q2_yz", np.uint8(7))
    m.node("QLinearMatMul", ["qa2", "q2_as", "q2_az", "q2_b", "q2_bs",
                             "q2_bz", "q2_ys", "q2_yz"], "qmm2")
    acc = np.matmul(i64(qa2) + 3, i64(qb2))
    mult = ((a2s * b2s) / y2s).astype(np.float32)[None, :]
    m.output("qmm2", requantize(acc, mult, 7, np.uint8))
    return m


# ---- invalid models --------------------------------------------------------

def _info(name, elem_type, shape=(4,)):
    return helper.make_tensor_value_info(name, elem_type, list(shape))


def _single(op, inputs, inits, out_type, opset=13, **attrs):
    """One `op` node named "q" on graph input x (first of `inputs`, a
    (name, type, shape) list) and initializers `inits` (name -> array)."""
    names = [n for n, _, _ in inputs] + list(inits)
    node = helper.make_node(op, names, ["y"], name="q", **attrs)
    graph = helper.make_graph(
        [node], "g", [_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info("y", out_type, None)],
        initializer=[numpy_helper.from_array(np.asarray(v), n)
                     for n, v in inits.items()])
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", opset)])


F32, U8, I8, I32 = (TensorProto.FLOAT, TensorProto.UINT8, TensorProto.INT8,
                    TensorProto.INT32)
X4 = [("x", F32, (2, 3))]


def _quantize(scale, zp, **attrs):
    inits = {"s": scale}
    if zp is not None:
        inits["zp"] = zp
    return lambda: _single("QuantizeLinear", X4, inits, U8, **attrs)


def _matmul_int(a_zp):
    return lambda: _single(
        "MatMulInteger", [("a", U8, (2, 3)), ("b", U8, (3, 4))],
        {"a_zp": a_zp}, I32)


def _qlinear_conv(w_scale, w_zp):
    return lambda: _single(
        "QLinearConv", [("x", U8, (1, 2, 3, 3)), ("xs", F32, ()),
                        ("xz", U8, ())],
        {"w": np.zeros((2, 2, 1, 1), np.int8), "ws": w_scale, "wz": w_zp,
         "ys": np.float32(1), "yz": np.uint8(0)}, U8)


BAD = {
    "bad_scale_zero": _quantize(np.float32(0), np.uint8(0)),
    "bad_scale_negative": _quantize(np.array([1, -2, 1], np.float32),
                                    np.array([0, 0, 0], np.uint8)),
    "bad_scale_inf": _quantize(np.float32(np.inf), np.uint8(0)),
    "bad_scale_nan": _quantize(np.float32(np.nan), None),
    "bad_axis_length": _quantize(np.array([1, 2], np.float32),
                                 np.array([0, 0], np.uint8)),
    "bad_axis_range": _quantize(np.array([1, 2, 3], np.float32),
                                np.array([0, 0, 0], np.uint8), axis=2),
    "bad_shapes_differ": _quantize(np.array([1, 2, 3], np.float32),
                                   np.uint8(0)),
    "bad_scale_rank": _quantize(np.ones((2, 3), np.float32),
                                np.zeros((2, 3), np.uint8)),
    "bad_per_axis_opset10": lambda: _single(
        "QuantizeLinear", X4, {"s": np.array([1, 2, 3], np.float32)}, U8,
        opset=10),
    "bad_quantize_int_input": lambda: _single(
        "QuantizeLinear", [("x", I32, (4,))], {"s": np.float32(1)}, U8),
    "bad_scale_type": lambda: _single(
        "DequantizeLinear", [("x", U8, (4,))], {"s": np.float16(1)}, F32),
    "bad_dequantize_zp_type": lambda: _single(
        "DequantizeLinear", [("x", U8, (4,))],
        {"s": np.float32(1), "zp": np.int8(0)}, F32),
    "bad_int32_zero_point": lambda: _single(
        "DequantizeLinear", [("x", I32, (4,))],
        {"s": np.float32(1), "zp": np.int32(3)}, F32),
    "bad_matmul_int_type": lambda: _single(
        "MatMulInteger", [("a", I32, (2, 3)), ("b", U8, (3, 4))], {}, I32),
    "bad_matmul_zp_length": _matmul_int(np.array([1, 2, 3], np.uint8)),
    "bad_conv_zp_length": _qlinear_conv(np.array([1, 1, 1], np.float32),
                                        np.array([0, 0, 0], np.int8)),
    "bad_conv_scale": _qlinear_conv(np.array([1, 0], np.float32),
                                    np.array([0, 0], np.int8)),
    "bad_dynamic_int": lambda: _single(
        "DynamicQuantizeLinear", [("x", U8, (4,))], {}, U8),
}


def main(argv):
    make_integer_models.run(argv, "quantized", quantized, BAD,
                            check_bad=False)


if __name__ == "__main__":
    main(sys.argv)
