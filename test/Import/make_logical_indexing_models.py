"""Builds the ONNX models of the logical and indexing importer tests.

Usage: make_logical_indexing_models.py <model> <outdir>

Writes the same files as make_models.py (model.onnx, input_<i>.bin raw
little-endian in each input's own element type, expected_<i>.npy float64
references), for models whose inputs and outputs are not all float32. The
references implement ONNX semantics directly in numpy. Models named `bad_*`
are malformed on purpose and come without references.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import make_models  # noqa: E402
from qcc_tools import tensorio  # noqa: E402

FLOAT, INT64, BOOL = TensorProto.FLOAT, TensorProto.INT64, TensorProto.BOOL
_DTYPES = {np.dtype(np.float32): ("<f4", FLOAT),
           np.dtype(np.int64): ("<i8", INT64),
           np.dtype(np.uint8): ("u1", TensorProto.UINT8)}
# Unsigned bytes on both sides of the signed range.
_BYTES = np.array([0, 1, 127, 128, 200, 255], np.uint8)


class Model(make_models.Model):
    """make_models.Model with float32, int64 and uint8 inputs and
    outputs."""

    def input(self, name, data, dims=None):
        self.inputs.append(helper.make_tensor_value_info(
            name, _DTYPES[data.dtype][1],
            dims if dims is not None else data.shape))
        self.data.append(data)
        return data

    def output(self, name, ref, dtype=np.float32):
        self.outputs.append(helper.make_tensor_value_info(
            name, _DTYPES[np.dtype(dtype)][1], np.shape(ref)))
        self.expected.append(np.asarray(ref, np.float64))

    def integers(self, shape, low, high, dtype=np.float32):
        return self.rng.integers(low, high, size=shape).astype(dtype)

    def bool_output(self, name, source, ref):
        """Outputs bool tensor `source` cast to float."""
        self.node("Cast", [source], [name], to=FLOAT)
        self.output(name, np.asarray(ref, np.float64))


# ---- numpy references --------------------------------------------------------

def arg_extremum(x, axis, keepdims, last, find_min):
    if last:
        x = np.flip(x, axis)
    index = np.argmin(x, axis) if find_min else np.argmax(x, axis)
    if last:
        index = x.shape[axis] - 1 - index
    return np.expand_dims(index, axis) if keepdims else index


def hardmax(x, axis):
    index = np.expand_dims(np.argmax(x, axis), axis)
    return (np.arange(x.shape[axis]).reshape(
        [-1 if d == axis else 1 for d in range(x.ndim)]) == index).astype(
            np.float64)


def cumsum(x, axis, exclusive=False, reverse=False):
    if reverse:
        x = np.flip(x, axis)
    y = np.cumsum(x, axis)
    if exclusive:
        y = y - x
    return np.flip(y, axis) if reverse else y


def one_hot(indices, depth, axis, off, on):
    indices = np.where(indices < 0, indices + depth, indices)
    out = np.moveaxis(np.arange(depth) == indices[..., None], -1, axis)
    return np.where(out, on, off)


def depth_to_space(x, b, mode):
    n, c, h, w = x.shape
    if mode == "DCR":
        y = x.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
    else:
        y = x.reshape(n, c // (b * b), b, b, h, w).transpose(0, 1, 4, 2, 5, 3)
    return y.reshape(n, c // (b * b), h * b, w * b)


def space_to_depth(x, b):
    n, c, h, w = x.shape
    y = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
    return y.reshape(n, c * b * b, h // b, w // b)


# ---- models ------------------------------------------------------------------

def logical(m):
    """Comparisons of floats (broadcast), int64s and uint8s, And/Or/Xor/Not,
    Where (three-way broadcast), IsNaN, IsInf (all attribute combinations),
    Sign of floats, int64s and uint8s, and a Less -> Where chain on constants that must fold
    because it feeds a Reshape shape. Bool results are cast to float."""
    a = m.input("a", m.integers((2, 3, 4), -2, 3))
    b = m.input("b", m.integers((3, 1), -2, 3))
    m.node("Equal", ["a", "b"], ["eq"])
    m.node("Greater", ["a", "b"], ["gt"])
    m.node("Less", ["a", "b"], ["lt"])
    m.node("GreaterOrEqual", ["a", "b"], ["ge"])
    m.node("LessOrEqual", ["a", "b"], ["le"])
    for name, ref in [("eq", a == b), ("gt", a > b), ("lt", a < b),
                      ("ge", a >= b), ("le", a <= b)]:
        m.bool_output(name + "_f", name, ref)
    m.node("Not", ["eq"], ["ne"])
    m.node("And", ["ge", "ne"], ["and"])
    m.bool_output("and_f", "and", (a >= b) & (a != b))
    m.node("Or", ["lt", "eq"], ["or"])
    m.bool_output("or_f", "or", (a < b) | (a == b))
    m.node("Xor", ["gt", "le"], ["xor"])
    m.bool_output("xor_f", "xor", (a > b) ^ (a <= b))
    c = m.input("c", m.random((4,)))
    m.node("Where", ["lt", "b", "c"], ["where"])
    m.output("where", np.where(a < b, b, c))

    ai = m.input("ai", m.integers((2, 3), -3, 4, np.int64))
    bi = m.input("bi", m.integers((3,), -3, 4, np.int64))
    m.node("Greater", ["ai", "bi"], ["gti"])
    m.node("Where", ["gti", "ai", "bi"], ["maxi"])
    m.output("maxi", np.maximum(ai, bi), np.int64)
    m.node("Sign", ["ai"], ["signi"])
    m.output("signi", np.sign(ai), np.int64)
    m.node("Sign", ["a"], ["sign"])
    m.output("sign", np.sign(a))

    x = m.input("x", np.array([[1.0, np.nan, np.inf, -np.inf, 0.0],
                               [-2.5, np.inf, np.nan, 3.0, -np.inf]],
                              np.float32))
    m.node("IsNaN", ["x"], ["nan"])
    m.bool_output("nan_f", "nan", np.isnan(x))
    m.node("IsInf", ["x"], ["inf"])
    m.bool_output("inf_f", "inf", np.isinf(x))
    m.node("IsInf", ["x"], ["pinf"], detect_negative=0)
    m.bool_output("pinf_f", "pinf", np.isposinf(x))
    m.node("IsInf", ["x"], ["ninf"], detect_positive=0)
    m.bool_output("ninf_f", "ninf", np.isneginf(x))

    # Shape arithmetic: Where(s < 0, [2, 12], s) = [2, 12].
    m.init("s", np.array([2, -1], np.int64))
    m.init("zero", np.array(0, np.int64))
    m.init("full", np.array([2, 12], np.int64))
    m.node("Less", ["s", "zero"], ["s_neg"])
    m.node("Where", ["s_neg", "full", "s"], ["shape"])
    m.node("Reshape", ["a", "shape"], ["flat"])
    m.output("flat", a.reshape(2, 12))

    # Unsigned comparisons, Where and Sign.
    ua = m.input("ua", _BYTES)
    ub = m.input("ub", _BYTES[::-1].copy())
    m.node("Greater", ["ua", "ub"], ["gtu"])
    m.node("Where", ["gtu", "ua", "ub"], ["maxu"])
    m.output("maxu", np.maximum(ua, ub), np.uint8)
    m.node("LessOrEqual", ["ua", "ub"], ["leu"])
    m.bool_output("leu_f", "leu", ua <= ub)
    m.node("Sign", ["ua"], ["signu"])
    m.output("signu", np.sign(ua), np.uint8)
    return 16


def indexing(m):
    """ArgMax/ArgMin (axis, keepdims, select_last_index, ties, int64,
    uint8),
    Hardmax-13, Trilu (upper/lower, constant and run-time k), CumSum
    (exclusive, reverse, ints), GatherElements (negative indices, smaller
    index extents, constant indices), OneHot (negative indices and axis,
    float indices, run-time values), DepthToSpace (DCR, CRD), SpaceToDepth."""
    x = m.input("x", m.integers((2, 3, 4), -2, 3))
    m.node("ArgMax", ["x"], ["amax"], axis=1)
    m.output("amax", arg_extremum(x, 1, True, False, False), np.int64)
    m.node("ArgMin", ["x"], ["amin"], axis=-1, keepdims=0,
           select_last_index=1)
    m.output("amin", arg_extremum(x, 2, False, True, True), np.int64)
    m.node("ArgMax", ["x"], ["amax_last"], axis=2, select_last_index=1)
    m.output("amax_last", arg_extremum(x, 2, True, True, False), np.int64)
    xi = m.input("xi", m.integers((3, 4), -5, 5, np.int64))
    m.node("ArgMin", ["xi"], ["amin_i"], axis=0, keepdims=0)
    m.output("amin_i", arg_extremum(xi, 0, False, False, True), np.int64)
    m.node("Hardmax", ["x"], ["hmax"], axis=1)
    m.output("hmax", hardmax(x, 1))

    r = m.input("r", m.random((2, 3, 5)))
    m.node("Trilu", ["r"], ["triu"])
    m.output("triu", np.triu(r))
    m.init("k_neg", np.array(-1, np.int64))
    m.node("Trilu", ["r", "k_neg"], ["tril"], upper=0)
    m.output("tril", np.tril(r, -1))
    m.input("k", np.array(2, np.int64))
    m.node("Trilu", ["r", "k"], ["triu_k"])
    m.output("triu_k", np.triu(r, 2))

    m.init("axis1", np.array(1, np.int64))
    m.init("axis_last", np.array([-1], np.int32))
    m.node("CumSum", ["r", "axis1"], ["csum"])
    m.output("csum", cumsum(r, 1))
    m.node("CumSum", ["r", "axis_last"], ["csum_rev_ex"], exclusive=1,
           reverse=1)
    m.output("csum_rev_ex", cumsum(r, 2, exclusive=True, reverse=True))
    m.node("CumSum", ["xi", "axis1"], ["csum_i"], exclusive=1)
    m.output("csum_i", cumsum(xi, 1, exclusive=True), np.int64)

    g = m.input("g", m.integers((2, 2, 4), -3, 3, np.int64))
    m.node("GatherElements", ["r", "g"], ["gather"], axis=1)
    m.output("gather", np.take_along_axis(r[:, :, :4], g % 3, 1))
    gc = np.array([[[4, -1], [0, 2]]], np.int64)
    m.init("gc", gc)
    m.node("GatherElements", ["r", "gc"], ["gather_c"], axis=-1)
    m.output("gather_c", np.take_along_axis(r[:1, :2, :], gc % 5, 2))

    oi = m.input("oi", m.integers((2, 3), -4, 4, np.int64))
    m.init("depth", np.array([4.0], np.float32))
    m.init("values", np.array([-1.0, 2.5], np.float32))
    m.node("OneHot", ["oi", "depth", "values"], ["onehot"], axis=-2)
    m.output("onehot", one_hot(oi, 4, -2, -1.0, 2.5))
    of = m.input("of", np.array([0.0, 2.7, -1.2, 5.0], np.float32))
    m.init("depth3", np.array(3, np.int64))
    m.input("ov", np.array([0.5, 7.0], np.float32))
    m.node("OneHot", ["of", "depth3", "ov"], ["onehot_f"], axis=0)
    m.output("onehot_f", one_hot(np.trunc(of).astype(np.int64), 3, 0, 0.5,
                                 7.0))

    d = m.input("d", m.random((2, 8, 2, 4)))
    m.node("DepthToSpace", ["d"], ["d2s"], blocksize=2)
    m.output("d2s", depth_to_space(d, 2, "DCR"))
    m.node("DepthToSpace", ["d"], ["d2s_crd"], blocksize=2, mode="CRD")
    m.output("d2s_crd", depth_to_space(d, 2, "CRD"))
    m.node("SpaceToDepth", ["d"], ["s2d"], blocksize=2)
    m.output("s2d", space_to_depth(d, 2))

    m.input("u", _BYTES[[3, 0, 5, 2, 4, 1]].copy())
    m.node("ArgMax", ["u"], ["amax_u"])
    m.output("amax_u", np.array([2]), np.int64)
    m.node("ArgMin", ["u"], ["amin_u"], select_last_index=1)
    m.output("amin_u", np.array([1]), np.int64)
    return 14


def indexing_legacy(m):
    """Opset 11 forms: Hardmax coercing to 2-D at the axis, ArgMax without
    select_last_index, DepthToSpace with its default mode, and a constant
    SpaceToDepth that folds."""
    x = m.input("x", m.integers((2, 3, 4), -2, 3))
    m.node("Hardmax", ["x"], ["hmax"], axis=1)
    m.output("hmax", hardmax(x.reshape(2, 12), 1).reshape(2, 3, 4))
    m.node("ArgMax", ["x"], ["amax"], keepdims=0)
    m.output("amax", arg_extremum(x, 0, False, False, False), np.int64)
    d = m.input("d", m.random((1, 4, 1, 2)))
    m.node("DepthToSpace", ["d"], ["d2s"], blocksize=2)
    m.output("d2s", depth_to_space(d, 2, "DCR"))
    c = np.arange(4, dtype=np.float32).reshape(1, 1, 2, 2)
    m.init("c", c)
    m.node("SpaceToDepth", ["c"], ["s2d_c"], blocksize=2)
    m.node("Add", ["s2d_c", "d2s"], ["sum"])
    m.output("sum", space_to_depth(c, 2) + depth_to_space(d, 2, "DCR"))
    return 11


MODELS = {f.__name__: f for f in (logical, indexing, indexing_legacy)}


# ---- malformed models (negative tests) -----------------------------------------

def _bad(node, inputs, inits=(), opset=16):
    """A one-node model; `inputs` are (name, type, shape) triples."""
    graph = helper.make_graph(
        [node], "g",
        [helper.make_tensor_value_info(n, t, s) for n, t, s in inputs],
        [helper.make_tensor_value_info(o, FLOAT, None) for o in node.output],
        initializer=[numpy_helper.from_array(np.asarray(v), n)
                     for n, v in inits])
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", opset)])


def _node(op, inputs, **attrs):
    return helper.make_node(op, inputs, ["y"], name=op.lower(), **attrs)


X = ("x", FLOAT, [2, 3])
X4 = ("x", FLOAT, [1, 4, 2, 3])
I = ("i", INT64, [2, 3])
BOOLS = ("p", BOOL, [2, 3])

BAD = {
    "bad_where_condition": lambda: _bad(_node("Where", ["x", "x", "x"]),
                                        [X]),
    "bad_where_types": lambda: _bad(_node("Where", ["p", "x", "i"]),
                                    [BOOLS, X, I]),
    "bad_compare_types": lambda: _bad(_node("Greater", ["x", "i"]), [X, I]),
    "bad_compare_bool": lambda: _bad(_node("Less", ["p", "p"]), [BOOLS]),
    "bad_compare_shapes": lambda: _bad(
        _node("Equal", ["x", "z"]), [X, ("z", FLOAT, [4])]),
    "bad_and_float": lambda: _bad(_node("And", ["p", "x"]), [BOOLS, X]),
    "bad_not_int": lambda: _bad(_node("Not", ["i"]), [I]),
    "bad_isnan_int": lambda: _bad(_node("IsNaN", ["i"]), [I]),
    "bad_isinf_attr": lambda: _bad(
        _node("IsInf", ["x"], detect_negative="yes"), [X]),
    "bad_sign_bool": lambda: _bad(_node("Sign", ["p"]), [BOOLS]),
    "bad_argmax_axis": lambda: _bad(_node("ArgMax", ["x"], axis=2), [X]),
    "bad_argmin_keepdims": lambda: _bad(
        _node("ArgMin", ["x"], keepdims=[1]), [X]),
    "bad_hardmax_axis": lambda: _bad(_node("Hardmax", ["x"], axis=-3), [X]),
    "bad_hardmax_int": lambda: _bad(_node("Hardmax", ["i"]), [I]),
    "bad_trilu_rank": lambda: _bad(_node("Trilu", ["v"]),
                                   [("v", FLOAT, [5])]),
    "bad_trilu_k": lambda: _bad(_node("Trilu", ["x", "k"]), [X],
                                [("k", np.array([1, 2], np.int64))]),
    "bad_cumsum_axis": lambda: _bad(_node("CumSum", ["x", "a"]), [X],
                                    [("a", np.array(2, np.int64))]),
    "bad_cumsum_runtime_axis": lambda: _bad(
        _node("CumSum", ["x", "a"]), [X, ("a", INT64, [])]),
    "bad_gather_elements_rank": lambda: _bad(
        _node("GatherElements", ["x", "j"]), [X, ("j", INT64, [6])]),
    "bad_gather_elements_extent": lambda: _bad(
        _node("GatherElements", ["x", "j"], axis=1), [X, ("j", INT64, [3, 1])]),
    "bad_gather_elements_index": lambda: _bad(
        _node("GatherElements", ["x", "j"], axis=1), [X],
        [("j", np.array([[0, 3], [1, 1]], np.int64))]),
    "bad_gather_elements_float": lambda: _bad(
        _node("GatherElements", ["x", "x"]), [X]),
    "bad_onehot_depth": lambda: _bad(
        _node("OneHot", ["i", "d", "v"]), [I],
        [("d", np.array(0, np.int64)), ("v", np.array([0, 1], np.float32))]),
    "bad_onehot_values": lambda: _bad(
        _node("OneHot", ["i", "d", "v"]), [I],
        [("d", np.array(3, np.int64)),
         ("v", np.array([0, 1, 2], np.float32))]),
    "bad_onehot_axis": lambda: _bad(
        _node("OneHot", ["i", "d", "v"], axis=3), [I],
        [("d", np.array(3, np.int64)), ("v", np.array([0, 1], np.float32))]),
    "bad_depthtospace_channels": lambda: _bad(
        _node("DepthToSpace", ["x"], blocksize=3), [X4]),
    "bad_depthtospace_mode": lambda: _bad(
        _node("DepthToSpace", ["x"], blocksize=2, mode="RCD"), [X4]),
    "bad_depthtospace_blocksize": lambda: _bad(
        _node("DepthToSpace", ["x"], blocksize=0), [X4]),
    "bad_spacetodepth_rank": lambda: _bad(
        _node("SpaceToDepth", ["x"], blocksize=2), [X]),
    "bad_spacetodepth_height": lambda: _bad(
        _node("SpaceToDepth", ["x"], blocksize=2), [X4]),
}


def build(name, outdir):
    """Builds model `name`, writes its inputs and references into `outdir`
    and returns its proto."""
    m = Model(name)
    proto = m.proto(MODELS[name](m))
    for i, data in enumerate(m.data):
        tensorio.write_raw(os.path.join(outdir, f"input_{i}.bin"), data,
                           _DTYPES[data.dtype][0])
    for i, ref in enumerate(m.expected):
        tensorio.save_npy(os.path.join(outdir, f"expected_{i}.npy"), ref)
    return proto


def main(argv):
    names = list(MODELS) + list(BAD)
    if len(argv) != 3 or argv[1] not in names:
        sys.exit(f"usage: {argv[0]} {{{','.join(names)}}} <outdir>")
    os.makedirs(argv[2], exist_ok=True)
    proto = BAD[argv[1]]() if argv[1] in BAD else build(*argv[1:])
    onnx.save(proto, os.path.join(argv[2], "model.onnx"))


if __name__ == "__main__":
    main(sys.argv)
