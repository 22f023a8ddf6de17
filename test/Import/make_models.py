"""Builds the ONNX models of the importer tests, with numpy references.

Usage: make_models.py <model> <outdir>

Writes into <outdir>:
  model.onnx        the model (onnx.helper; one test = one model)
  input_<i>.bin     raw little-endian float32 inputs, in graph input order
  expected_<i>.npy  float64 reference outputs, in graph output order

The references implement ONNX semantics directly in numpy (NCHW, ONNX pads,
floor/ceil output sizes, count_include_pad), independently of qcc. Models
named `bad_*` are malformed on purpose; they and `dynamic_batch` come without
references.
Everything is seeded from the model name, so files are identical on every run.
"""

import os
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir, "python"))

from qcc_tools import tensorio  # noqa: E402

FLOAT = TensorProto.FLOAT


# ---- numpy references (ONNX semantics, float64) ---------------------------

def _out_size(size, begin, end, extent, stride, ceil):
    span = size + begin + end - extent
    out = (-(-span // stride) if ceil else span // stride) + 1
    # The last ceil-mode window must start inside the input or begin padding.
    if ceil and (out - 1) * stride >= size + begin:
        out -= 1
    return out


def conv(x, w, b, pads=(0, 0, 0, 0), strides=(1, 1), dilations=(1, 1),
         group=1):
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    oh = _out_size(h, pads[0], pads[2], (kh - 1) * dilations[0] + 1,
                   strides[0], False)
    ow = _out_size(wd, pads[1], pads[3], (kw - 1) * dilations[1] + 1,
                   strides[1], False)
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    out = np.zeros((n, m, oh, ow))
    mg = m // group
    for g in range(group):
        xs = xp[:, g * cg:(g + 1) * cg]
        for i in range(kh):
            for j in range(kw):
                r0, c0 = i * dilations[0], j * dilations[1]
                patch = xs[:, :, r0:r0 + (oh - 1) * strides[0] + 1:strides[0],
                           c0:c0 + (ow - 1) * strides[1] + 1:strides[1]]
                out[:, g * mg:(g + 1) * mg] += np.einsum(
                    "nchw,mc->nmhw", patch, w[g * mg:(g + 1) * mg, :, i, j])
    return out + b[None, :, None, None]


def pool(x, kernel, pads=(0, 0, 0, 0), strides=(1, 1), ceil=False,
         kind="max", count_include_pad=False):
    n, c, h, w = x.shape
    oh = _out_size(h, pads[0], pads[2], kernel[0], strides[0], ceil)
    ow = _out_size(w, pads[1], pads[3], kernel[1], strides[1], ceil)
    out = np.zeros((n, c, oh, ow))
    for i in range(oh):
        for j in range(ow):
            h0, w0 = i * strides[0] - pads[0], j * strides[1] - pads[1]
            h1 = min(h0 + kernel[0], h + pads[2])
            w1 = min(w0 + kernel[1], w + pads[3])
            window = x[:, :, max(h0, 0):min(h1, h), max(w0, 0):min(w1, w)]
            if kind == "max":
                out[:, :, i, j] = window.max(axis=(2, 3))
            else:
                count = ((h1 - h0) * (w1 - w0) if count_include_pad
                         else window.shape[2] * window.shape[3])
                out[:, :, i, j] = window.sum(axis=(2, 3)) / count
    return out


def softmax(x, axis):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


# ---- model building --------------------------------------------------------

class Model:
    """Collects nodes, initializers and inputs with their data."""

    def __init__(self, name):
        self.rng = np.random.default_rng(zlib.crc32(name.encode()))
        self.nodes, self.inits, self.inputs, self.outputs = [], [], [], []
        self.data, self.expected = [], []

    def random(self, shape, scale=1.0):
        return self.rng.uniform(-scale, scale, size=shape).astype(np.float32)

    def input(self, name, data, dims=None):
        """A graph input; `dims` may name dynamic dimensions (strings)."""
        self.inputs.append(helper.make_tensor_value_info(
            name, FLOAT, dims if dims is not None else data.shape))
        self.data.append(data)
        return data.astype(np.float64)

    def init(self, name, array):
        self.inits.append(numpy_helper.from_array(np.asarray(array), name))
        return np.asarray(array).astype(np.float64)

    def node(self, op, inputs, outputs, name=None, **attrs):
        self.nodes.append(helper.make_node(op, inputs, outputs,
                                           name=name or outputs[0], **attrs))

    def output(self, name, ref, dims=None):
        self.outputs.append(helper.make_tensor_value_info(
            name, FLOAT, dims if dims is not None else ref.shape))
        self.expected.append(ref)

    def proto(self, opset):
        graph = helper.make_graph(self.nodes, "g", self.inputs, self.outputs,
                                  initializer=self.inits)
        return helper.make_model(graph, producer_name="qcc-test",
                                 opset_imports=[helper.make_opsetid("", opset)])


def cnn(m):
    """Conv (asymmetric pads, stride 2) + BatchNorm + Relu, MaxPool with
    ceil_mode, depthwise Conv (multiplier 2, SAME_UPPER) + Clip (input form),
    grouped Conv (group 2, dilation 2), GlobalAveragePool, Flatten,
    Gemm (transB, alpha, beta) and Softmax. The batch dim is symbolic."""
    x = m.input("image", m.random((2, 3, 13, 11)), ["N", 3, 13, 11])
    w1, b1 = m.random((8, 3, 3, 3), 0.4), m.random((8,), 0.5)
    m.init("w1", w1), m.init("b1", b1)
    m.node("Conv", ["image", "w1", "b1"], ["c1"], pads=[1, 0, 2, 1],
           strides=[2, 2])
    h = conv(x, w1.astype(np.float64), b1.astype(np.float64), (1, 0, 2, 1),
             (2, 2))
    scale, bias = m.random((8,)) + 1.5, m.random((8,))
    mean, var = m.random((8,)), m.random((8,)) + 1.2
    for name, value in [("bn_s", scale), ("bn_b", bias), ("bn_m", mean),
                        ("bn_v", var)]:
        m.init(name, value)
    m.node("BatchNormalization", ["c1", "bn_s", "bn_b", "bn_m", "bn_v"],
           ["bn"], epsilon=1e-3)
    h = ((h - mean[None, :, None, None]) /
         np.sqrt(var[None, :, None, None].astype(np.float64) + 1e-3) *
         scale[None, :, None, None] + bias[None, :, None, None])
    m.node("Relu", ["bn"], ["r1"])
    h = np.maximum(h, 0)
    m.node("MaxPool", ["r1"], ["p1"], kernel_shape=[2, 2], strides=[2, 2],
           ceil_mode=1)
    h = pool(h, (2, 2), strides=(2, 2), ceil=True)
    w2, b2 = m.random((16, 1, 3, 3), 0.5), m.random((16,), 0.5)
    m.init("w2", w2), m.init("b2", b2)
    m.node("Conv", ["p1", "w2", "b2"], ["c2"], group=8, auto_pad="SAME_UPPER")
    h = conv(h, w2.astype(np.float64), b2.astype(np.float64), (1, 1, 1, 1),
             group=8)
    m.init("lo", np.array(0.0, np.float32)), m.init("hi",
                                                   np.array(6.0, np.float32))
    m.node("Clip", ["c2", "lo", "hi"], ["k2"])
    h = np.clip(h, 0, 6)
    w3, b3 = m.random((6, 8, 2, 2), 0.3), m.random((6,), 0.5)
    m.init("w3", w3), m.init("b3", b3)
    m.node("Conv", ["k2", "w3", "b3"], ["c3"], group=2, dilations=[2, 2],
           pads=[1, 1, 1, 1])
    h = conv(h, w3.astype(np.float64), b3.astype(np.float64), (1, 1, 1, 1),
             dilations=(2, 2), group=2)
    m.node("GlobalAveragePool", ["c3"], ["gap"])
    h = h.mean(axis=(2, 3), keepdims=True)
    m.node("Flatten", ["gap"], ["flat"])
    h = h.reshape(h.shape[0], -1)
    w4, b4 = m.random((5, 6)), m.random((5,))
    m.init("w4", w4), m.init("b4", b4)
    m.node("Gemm", ["flat", "w4", "b4"], ["fc"], transB=1, alpha=0.5,
           beta=2.0)
    h = 0.5 * h @ w4.T.astype(np.float64) + 2.0 * b4
    m.node("Softmax", ["fc"], ["probs"], axis=1)
    m.output("probs", softmax(h, 1), ["N", 5])
    return 13


def dense(m):
    """Batched MatMul broadcast against a 2-D weight, numpy-broadcast
    Add/Sub/Mul/Div, LeakyRelu/Sigmoid/Tanh, Reshape with 0 and -1 fed by a
    folded Shape -> Gather -> Unsqueeze -> Concat chain, Transpose,
    Squeeze/Unsqueeze (input forms), Concat, a 3-D x 3-D MatMul, and
    AveragePool with count_include_pad."""
    a = m.input("a", m.random((2, 3, 4)))
    b = m.input("b", m.random((3, 1)))
    w = m.random((4, 6))
    m.init("w", w)
    m.node("MatMul", ["a", "w"], ["mm"])
    h = a @ w.astype(np.float64)                        # 2x3x6
    m.node("Add", ["mm", "b"], ["add"])
    h = h + b
    m.init("two", np.array([2.0], np.float32))
    m.node("Mul", ["add", "two"], ["mul"])
    h = h * 2.0
    off = m.random((6,))
    m.init("off", off)
    m.node("Sub", ["mul", "off"], ["sub"])
    h = h - off
    m.node("LeakyRelu", ["sub"], ["lrelu"], alpha=0.2)
    h = np.where(h >= 0, h, 0.2 * h)
    m.node("Sigmoid", ["lrelu"], ["sig"])
    m.node("Tanh", ["lrelu"], ["tanh"])
    m.node("Div", ["sig", "tanh"], ["div"])
    h = sigmoid(h) / np.tanh(h)
    # Shape arithmetic: new shape = [dim0, -1] built from Shape.
    m.node("Shape", ["div"], ["shp"])
    m.init("idx0", np.array(0, np.int64))
    m.node("Gather", ["shp", "idx0"], ["d0"], axis=0)
    m.init("ax0", np.array([0], np.int64))
    m.node("Unsqueeze", ["d0", "ax0"], ["d0v"])
    m.init("minus1", np.array([-1], np.int64))
    m.node("Concat", ["d0v", "minus1"], ["newshape"], axis=0)
    m.node("Reshape", ["div", "newshape"], ["flat"])     # 2x18
    h = h.reshape(2, 18)
    m.node("Transpose", ["flat"], ["t"], perm=[1, 0])    # 18x2
    h = h.T
    m.init("ax1", np.array([1], np.int64))
    m.node("Unsqueeze", ["t", "ax1"], ["u"])             # 18x1x2
    m.node("Squeeze", ["u", "ax1"], ["s"])                # 18x2
    m.node("Concat", ["s", "t"], ["cat"], axis=1)         # 18x4
    h = np.concatenate([h, h], axis=1)
    m.init("shape3", np.array([0, 2, -1], np.int64))
    m.node("Reshape", ["cat", "shape3"], ["y"])           # 18x2x2
    m.output("y", h.reshape(18, 2, 2))

    # Batched 3-D x 3-D MatMul and an average pool that counts its padding.
    c = m.input("c", m.random((2, 1, 5, 7)))
    d = m.input("d", m.random((3, 7, 2)))
    m.node("MatMul", ["c", "d"], ["bmm"])                 # 2x3x5x2
    m.output("bmm", c @ d)
    m.node("AveragePool", ["c"], ["ap"], kernel_shape=[3, 3], strides=[2, 2],
           pads=[1, 1, 1, 1], count_include_pad=1)
    m.output("ap", pool(c, (3, 3), (1, 1, 1, 1), (2, 2), kind="avg",
                        count_include_pad=True))
    return 13


def legacy(m):
    """Opset 10 forms: Clip with min/max attributes, Unsqueeze/Squeeze with
    axes attributes, Softmax coercing to 2-D at axis 1, Reshape, Dropout and
    Identity, and MaxPool/AveragePool with pads that do not divide evenly."""
    x = m.input("x", m.random((1, 2, 3, 4), 3.0))
    m.node("Clip", ["x"], ["clip"], min=-1.0, max=2.0)
    h = np.clip(x, -1.0, 2.0)
    m.node("Dropout", ["clip"], ["drop"], ratio=0.5)
    m.node("Identity", ["drop"], ["id"])
    m.node("Unsqueeze", ["id"], ["u"], axes=[0])
    m.node("Squeeze", ["u"], ["s"], axes=[0])
    m.node("Softmax", ["s"], ["sm"])
    flat = h.reshape(1, -1)
    m.output("sm", softmax(flat, 1).reshape(h.shape))
    p = m.input("p", m.random((1, 3, 9, 8)))
    m.node("MaxPool", ["p"], ["mp"], kernel_shape=[3, 2], strides=[2, 3],
           pads=[1, 0, 0, 1])
    m.output("mp", pool(p, (3, 2), (1, 0, 0, 1), (2, 3)))
    m.node("AveragePool", ["p"], ["ap"], kernel_shape=[2, 3], strides=[3, 2],
           pads=[0, 1, 1, 1], ceil_mode=1)
    m.output("ap", pool(p, (2, 3), (0, 1, 1, 1), (3, 2), ceil=True,
                        kind="avg"))
    return 10


MODELS = {f.__name__: f for f in (cnn, dense, legacy)}


# ---- malformed models (negative tests) -------------------------------------

def _tiny(nodes, inputs=None, outputs=None, inits=(), opset=13):
    inputs = inputs if inputs is not None else [
        helper.make_tensor_value_info("x", FLOAT, [1, 4])]
    outputs = outputs if outputs is not None else [
        helper.make_tensor_value_info("y", FLOAT, [1, 4])]
    graph = helper.make_graph(nodes, "g", inputs, outputs,
                              initializer=list(inits))
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", opset)])


def _raw_mismatch():
    t = numpy_helper.from_array(np.zeros((4,), np.float32), "w")
    t.raw_data = t.raw_data[:-2]
    return _tiny([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 inits=[t])


def _external():
    t = numpy_helper.from_array(np.zeros((4,), np.float32), "w")
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    t.external_data.add(key="location", value="weights.bin")
    return _tiny([helper.make_node("Add", ["x", "w"], ["y"], name="add")],
                 inits=[t])


BAD = {
    "bad_unsupported_op": lambda: _tiny(
        [helper.make_node("LpNormalization", ["x"], ["y"], name="lpnorm_node")]),
    "bad_unknown_domain": lambda: _tiny(
        [helper.make_node("Relu", ["x"], ["y"], name="custom_relu",
                          domain="com.example")]),
    "bad_dangling": lambda: _tiny(
        [helper.make_node("Add", ["x", "nowhere"], ["y"], name="add")]),
    "bad_duplicate": lambda: _tiny(
        [helper.make_node("Relu", ["x"], ["y"], name="first"),
         helper.make_node("Relu", ["x"], ["y"], name="second")]),
    "bad_dims": lambda: _tiny(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        inputs=[helper.make_tensor_value_info("x", FLOAT, [1, 0])]),
    "dynamic_batch": lambda: _tiny(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")],
        inputs=[helper.make_tensor_value_info("x", FLOAT, ["batch", 4])],
        outputs=[helper.make_tensor_value_info("y", FLOAT, ["batch", 4])]),
    "bad_raw_data": _raw_mismatch,
    "bad_external": _external,
    "bad_axis": lambda: _tiny(
        [helper.make_node("Concat", ["x", "x"], ["y"], name="cat", axis=5)]),
    "bad_stride": lambda: _tiny(
        [helper.make_node("MaxPool", ["x"], ["y"], name="pool",
                          kernel_shape=[1, 1], strides=[0, 1])],
        inputs=[helper.make_tensor_value_info("x", FLOAT, [1, 1, 4, 4])]),
    "bad_attr_type": lambda: _tiny(
        [helper.make_node("Flatten", ["x"], ["y"], name="flat", axis=1.5)]),
    "bad_opset": lambda: _tiny(
        [helper.make_node("Relu", ["x"], ["y"], name="relu")], opset=5),
    "bad_no_graph": lambda: onnx.ModelProto(ir_version=8),
}


def main(argv):
    if len(argv) != 3 or (argv[1] not in MODELS and argv[1] not in BAD):
        sys.exit(f"usage: {argv[0]} {{{','.join(list(MODELS) + list(BAD))}}}"
                 " <outdir>")
    name, outdir = argv[1], argv[2]
    os.makedirs(outdir, exist_ok=True)
    if name in BAD:
        proto = BAD[name]()
    else:
        m = Model(name)
        opset = MODELS[name](m)
        proto = m.proto(opset)
        for i, data in enumerate(m.data):
            tensorio.write_raw(os.path.join(outdir, f"input_{i}.bin"), data)
        for i, ref in enumerate(m.expected):
            tensorio.save_npy(os.path.join(outdir, f"expected_{i}.npy"), ref)
    with open(os.path.join(outdir, "model.onnx"), "wb") as f:
        f.write(proto.SerializeToString())


if __name__ == "__main__":
    main(sys.argv)
