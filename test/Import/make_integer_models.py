"""Builds the ONNX models of the integer, unsigned, bool and half-precision
importer tests, with exact numpy references.

Usage: make_integer_models.py <model> <outdir>

Writes into <outdir>: model.onnx, input_<i>.bin (raw little-endian data of
each graph input's type) and expected_<i>.bin (the exact expected bytes of
each output, compared with `cmp`). The references spell out the semantics
qcc documents for the cases ONNX leaves open (docs/Numerics.md, "Integer
semantics of imported operators"): division and modulo by zero give 0, INT_MIN / -1 wraps, shifts
by the element width or more give 0, float to integer casts truncate and
saturate (NaN gives 0), and casts to bfloat16 round to nearest even.
Models named `bad_*` are rejected with a diagnostic; they have no data.

`make_integer_models.py check <outdir> <actual prefix>` compares every
expected_<i>.bin with <actual prefix><i>.bin byte for byte.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ONNX_TYPES = {
    np.dtype(np.uint8): TensorProto.UINT8,
    np.dtype(np.uint16): TensorProto.UINT16,
    np.dtype(np.uint32): TensorProto.UINT32,
    np.dtype(np.uint64): TensorProto.UINT64,
    np.dtype(np.int8): TensorProto.INT8,
    np.dtype(np.int32): TensorProto.INT32,
    np.dtype(np.int64): TensorProto.INT64,
    np.dtype(np.float32): TensorProto.FLOAT,
    np.dtype(np.float16): TensorProto.FLOAT16,
    np.dtype(np.bool_): TensorProto.BOOL,
}


# ---- references ------------------------------------------------------------

def trunc_div(a, b):
    """C division on integer arrays of one dtype: truncates, x / 0 = 0,
    INT_MIN / -1 wraps."""
    a64, b64 = a.astype(object), b.astype(object)
    out = []
    for x, y in zip(a64.ravel(), np.broadcast_to(b64, a.shape).ravel()):
        if y == 0:
            out.append(0)
            continue
        q = abs(x) // abs(y)
        out.append(q if (x >= 0) == (y >= 0) else -q)
    info = np.iinfo(a.dtype)
    wrapped = [((v - info.min) % (info.max - info.min + 1)) + info.min
               for v in out]
    return np.array(wrapped, dtype=a.dtype).reshape(a.shape)


def fmod(a, b):
    """Remainder with the dividend's sign; x % 0 = 0."""
    q = trunc_div(a, b)
    return np.where(b == 0, 0, a - q * b).astype(a.dtype)


def mod(a, b):
    """Remainder with the divisor's sign (Python's %); x % 0 = 0."""
    r = fmod(a, b)
    adjust = (r != 0) & ((r < 0) != (b < 0))
    return np.where(adjust, r + b, r).astype(a.dtype)


def float_to_int(x, dtype):
    """Truncation toward zero, saturating at the type's range; NaN -> 0."""
    info = np.iinfo(dtype)
    t = np.trunc(np.nan_to_num(x.astype(np.float64), nan=0.0))
    return np.clip(t, info.min, info.max).astype(dtype)


def to_bfloat16_bits(x):
    """float32 -> bfloat16 bit patterns, rounding to nearest even."""
    bits = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    nan = np.isnan(x)
    return np.where(nan, (bits >> 16) | 0x40, rounded).astype(np.uint16)


# ---- model building --------------------------------------------------------

class Model:
    def __init__(self):
        self.nodes, self.inits, self.inputs, self.outputs = [], [], [], []
        self.data, self.expected = [], []
        # Opsets of other domains than the default one: (domain, version).
        self.extra_opsets = []

    def input(self, name, data):
        data = np.asarray(data)
        self.inputs.append(helper.make_tensor_value_info(
            name, ONNX_TYPES[data.dtype], data.shape))
        self.data.append(data)
        return data

    def init(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))

    def node(self, op, inputs, output, elem_type=None, **attrs):
        self.nodes.append(helper.make_node(op, inputs, [output], name=output,
                                           **attrs))

    def output(self, name, ref, elem_type=None):
        ref = np.asarray(ref)
        self.outputs.append(helper.make_tensor_value_info(
            name, elem_type or ONNX_TYPES[ref.dtype], ref.shape))
        self.expected.append(ref)

    def proto(self, opset=13):
        graph = helper.make_graph(self.nodes, "g", self.inputs, self.outputs,
                                  initializer=self.inits)
        opsets = [helper.make_opsetid("", opset)]
        opsets += [helper.make_opsetid(d, v) for d, v in self.extra_opsets]
        return helper.make_model(graph, producer_name="qcc-test",
                                 opset_imports=opsets)


def integer_arith():
    """Unsigned and signed integer arithmetic with every edge case: division
    and modulo by zero and by -1 at INT_MIN, unsigned values above the signed
    range, shifts past the width, integer powers, integer Clip, and the
    Cast conversions between unsigned, signed, float and bool."""
    m = Model()
    a = m.input("a", np.array([[0, 1, 127, 128, 200, 255],
                               [7, 9, 250, 3, 64, 129]], np.uint8))
    b = m.input("b", np.array([0, 2, 255, 1, 7, 128], np.uint8))
    i32min = np.iinfo(np.int32).min
    c = m.input("c", np.array([[7, -7, 7, -7, i32min, 5],
                               [0, i32min, 123456, -9, 13, -1]], np.int32))
    d = m.input("d", np.array([[3, 3, -3, -3, -1, 0],
                               [5, 2, -1000, 4, -13, 7]], np.int32))
    e = m.input("e", np.array([1, 3, 0xFFFFFFFFFFFFFFFF, 5], np.uint64))
    s = m.input("s", np.array([63, 64, 1, 70], np.uint64))
    # Ties and overflow at the f16 boundary, f16 subnormals, and values that
    # round to zero or to the smallest f16 subnormal.
    x = m.input("x", np.array([-1.5, 0.7, 255.9, 300.0, np.nan, -1e30,
                               2.5e9, -0.0, 65519.0, 65520.0, 1e-6, 3.0e-8,
                               2.9802322e-08, 8.940697e-08, 1.0009766,
                               -2049.0], np.float32))
    h = m.input("h", np.array([0.0, -0.0, 6e-8, 1e-5, 65504.0, -np.inf,
                               np.nan, 0.333], np.float16))

    m.node("Div", ["a", "b"], "div_u8")
    m.output("div_u8", np.where(b == 0, 0, a // np.where(b == 0, 1, b))
             .astype(np.uint8))
    m.node("Max", ["a", "b"], "max_u8")
    m.output("max_u8", np.maximum(a, b))
    m.node("Min", ["a", "b"], "min_u8")
    m.output("min_u8", np.minimum(a, b))
    m.node("Sub", ["a", "b"], "sub_u8")
    m.output("sub_u8", (a - b).astype(np.uint8))
    m.node("Div", ["c", "d"], "div_i32")
    m.output("div_i32", trunc_div(c, d))
    m.node("Mod", ["c", "d"], "mod_i32")
    m.output("mod_i32", mod(c, d))
    m.node("Mod", ["c", "d"], "fmod_i32", fmod=1)
    m.output("fmod_i32", fmod(c, d))
    m.node("BitShift", ["e", "s"], "shl_u64", direction="LEFT")
    m.output("shl_u64", np.array([1 << 63, 0, 0xFFFFFFFFFFFFFFFE, 0],
                                 np.uint64))
    m.node("BitShift", ["e", "s"], "shr_u64", direction="RIGHT")
    m.output("shr_u64", np.array([0, 0, 0x7FFFFFFFFFFFFFFF, 0], np.uint64))
    m.init("base", np.array([2, -3, 0, 1, -1, 7], np.int32))
    m.init("exponent", np.array([10, 3, 0, -5, -3, 2], np.int32))
    m.node("Pow", ["base", "exponent"], "pow_i32")
    m.output("pow_i32", np.array([1024, -27, 1, 1, -1, 49], np.int32))
    m.init("lo", np.array(10, np.uint8))
    m.init("hi", np.array(200, np.uint8))
    m.node("Clip", ["a", "lo", "hi"], "clip_u8")
    m.output("clip_u8", np.clip(a, 10, 200).astype(np.uint8))
    m.node("Cast", ["a"], "a_float", to=TensorProto.FLOAT)
    m.output("a_float", a.astype(np.float32))
    m.node("Cast", ["a"], "a_i32", to=TensorProto.INT32)
    m.output("a_i32", a.astype(np.int32))
    m.node("Cast", ["x"], "x_u8", to=TensorProto.UINT8)
    m.output("x_u8", float_to_int(x, np.uint8))
    m.node("Cast", ["x"], "x_i32", to=TensorProto.INT32)
    m.output("x_i32", float_to_int(x, np.int32))
    m.node("Cast", ["a"], "a_bool", to=TensorProto.BOOL)
    m.output("a_bool", a != 0)
    m.node("Cast", ["x"], "x_f16", to=TensorProto.FLOAT16)
    m.output("x_f16", x.astype(np.float16))
    m.node("Cast", ["x"], "x_bf16", to=TensorProto.BFLOAT16)
    m.output("x_bf16", to_bfloat16_bits(x), TensorProto.BFLOAT16)
    m.node("Cast", ["h"], "h_f32", to=TensorProto.FLOAT)
    m.output("h_f32", h.astype(np.float32))
    # numpy computes float16 arithmetic in float32 and rounds once, as qcc.
    m.node("Add", ["h", "h"], "h_add")
    m.output("h_add", h + h)
    # Gather with run-time indices: negative ones count from the end, and
    # out-of-range ones (undefined in ONNX) are clamped into range.
    idx = m.input("idx", np.array([[0, -1], [2, 40]], np.int64))
    m.node("Gather", ["x", "idx"], "gathered")
    m.output("gathered", x[np.clip(np.where(idx < 0, idx + 16, idx), 0, 15)])
    return m


def _tiny(node, inputs, output, inits=(), opset=13):
    graph = helper.make_graph([node], "g", inputs, [output],
                              initializer=list(inits))
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", opset)])


def _info(name, elem_type, shape=(4,)):
    return helper.make_tensor_value_info(name, elem_type, list(shape))


def _preview_domain_only():
    node = helper.make_node("Adagrad", ["r", "t", "x", "g", "h"],
                            ["x2", "h2"], name="adagrad",
                            domain="ai.onnx.preview.training")
    inputs = [_info(n, TensorProto.FLOAT, ()) for n in ("r", "x", "g", "h")]
    inputs.insert(1, _info("t", TensorProto.INT64, ()))
    graph = helper.make_graph([node], "g", inputs,
                              [_info("x2", TensorProto.FLOAT, ()),
                               _info("h2", TensorProto.FLOAT, ())])
    return helper.make_model(graph, opset_imports=[
        helper.make_opsetid("ai.onnx.preview.training", 1)])


BAD = {
    # Unsupported operators are reported before anything else about the
    # graph (here: a string input, and a model without the default domain).
    "bad_unsupported_before_inputs": lambda: _tiny(
        helper.make_node("StringNormalizer", ["x"], ["z"], name="norm"),
        [_info("x", TensorProto.STRING)], _info("z", TensorProto.STRING)),
    "bad_preview_domain_only": _preview_domain_only,
    "bad_bitshift_signed": lambda: _tiny(
        helper.make_node("BitShift", ["x", "y"], ["z"], name="shift",
                         direction="LEFT"),
        [_info("x", TensorProto.INT32), _info("y", TensorProto.INT32)],
        _info("z", TensorProto.INT32)),
    "bad_bitshift_direction": lambda: _tiny(
        helper.make_node("BitShift", ["x", "y"], ["z"], name="shift",
                         direction="UP"),
        [_info("x", TensorProto.UINT8), _info("y", TensorProto.UINT8)],
        _info("z", TensorProto.UINT8)),
    "bad_mod_float": lambda: _tiny(
        helper.make_node("Mod", ["x", "y"], ["z"], name="mod"),
        [_info("x", TensorProto.FLOAT), _info("y", TensorProto.FLOAT)],
        _info("z", TensorProto.FLOAT)),
    "bad_mod_mixed": lambda: _tiny(
        helper.make_node("Mod", ["x", "y"], ["z"], name="mod"),
        [_info("x", TensorProto.UINT32), _info("y", TensorProto.INT32)],
        _info("z", TensorProto.INT32)),
    "bad_clip_range": lambda: _tiny(
        helper.make_node("Clip", ["x", "lo", "hi"], ["z"], name="clip"),
        [_info("x", TensorProto.INT8)], _info("z", TensorProto.INT8),
        inits=[numpy_helper.from_array(np.array(5, np.int8), "lo"),
               numpy_helper.from_array(np.array(-5, np.int8), "hi")]),
    "bad_dropout_training": lambda: _tiny(
        helper.make_node("Dropout", ["x", "r", "t"], ["z"], name="drop"),
        [_info("x", TensorProto.FLOAT)], _info("z", TensorProto.FLOAT),
        inits=[numpy_helper.from_array(np.array(0.5, np.float32), "r"),
               numpy_helper.from_array(np.array(True), "t")]),
}


def check(outdir, prefix):
    bad = 0
    i = 0
    while os.path.exists(os.path.join(outdir, f"expected_{i}.bin")):
        with open(os.path.join(outdir, f"expected_{i}.bin"), "rb") as f:
            expected = f.read()
        with open(f"{prefix}{i}.bin", "rb") as f:
            actual = f.read()
        if actual != expected:
            print(f"output {i}: expected {expected.hex()}, got {actual.hex()}")
            bad += 1
        i += 1
    print(f"{i - bad} of {i} outputs match exactly")
    sys.exit(1 if bad or i == 0 else 0)


def run(argv, name, build, bad, check_bad=True, check_model=True):
    """The command line of a model generator: `check <outdir> <prefix>`, or
    `<model> <outdir>` for the model `name` (made by `build()`, a Model) or
    one of the malformed models in `bad` (checked with onnx.checker only if
    `check_bad`; the good one only if `check_model`, since onnx.checker
    knows no schemas outside the default domain)."""
    if len(argv) == 4 and argv[1] == "check":
        check(argv[2], argv[3])
        return
    if len(argv) != 3 or (argv[1] != name and argv[1] not in bad):
        sys.exit(f"usage: {argv[0]} {{{name},{','.join(bad)}}} <outdir>")
    outdir = argv[2]
    os.makedirs(outdir, exist_ok=True)
    if argv[1] in bad:
        proto = bad[argv[1]]()
        if check_bad:
            onnx.checker.check_model(proto)
    else:
        m = build()
        proto = m.proto()
        for i, data in enumerate(m.data):
            np.ascontiguousarray(data).tofile(
                os.path.join(outdir, f"input_{i}.bin"))
        for i, ref in enumerate(m.expected):
            np.ascontiguousarray(ref).tofile(
                os.path.join(outdir, f"expected_{i}.bin"))
        if check_model:
            onnx.checker.check_model(proto)
    with open(os.path.join(outdir, "model.onnx"), "wb") as f:
        f.write(proto.SerializeToString())


def main(argv):
    run(argv, "integer_arith", integer_arith, BAD)


if __name__ == "__main__":
    main(sys.argv)
