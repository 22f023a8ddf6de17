"""Writes the malformed-ONNX corpus that corpus.test feeds to qcc-import.

Usage: make_corpus.py <outdir>

Writes <outdir>/<category>/<case>.onnx (external-data cases get a directory
each, with their data files, symlinks and a FIFO) and <outdir>/manifest.json,
one entry per file:
  path          relative to <outdir>
  category      what is malformed (see CATEGORIES)
  what          a one-line description
  expect        text the diagnostic must contain (it names the node,
                initializer or tensor), or null
  may_be_valid  a seeded mutation, which can happen to produce a valid model
  must_be_valid a well-formed control (unsorted graph, external data done
                right), which must import

Hand-written cases cover every category; seeded mutations of the valid models
of ../make_models.py (byte flips, truncations and field changes through the
protobuf API, see python/qcc_tools/onnx_fuzz.py) add the unexpected ones.
Everything is deterministic: the same files on every run.
"""

import json
import os
import random
import sys

import numpy as np
import onnx
from onnx import AttributeProto, TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, os.pardir))
sys.path.insert(0, os.path.join(HERE, os.pardir, os.pardir, os.pardir,
                                "python"))

import make_models  # noqa: E402
from qcc_tools import onnx_fuzz  # noqa: E402

FLOAT = TensorProto.FLOAT
BIG = 2**40


# ---- building blocks -------------------------------------------------------

def vi(name, shape, elem=FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def node(op, inputs, outputs, name, **attrs):
    return helper.make_node(op, inputs, outputs, name=name, **attrs)


def model(nodes, inputs=None, outputs=None, inits=(), opset=13, ir=8):
    inputs = [vi("x", [1, 4])] if inputs is None else inputs
    outputs = [vi("y", [1, 4])] if outputs is None else outputs
    graph = helper.make_graph(nodes, "g", inputs, outputs,
                              initializer=list(inits))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("",
                                                                    opset)])
    m.ir_version = ir
    return m


def relu(**kw):
    return model([node("Relu", ["x"], ["y"], "relu")], **kw)


def init(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def add_w(t, **kw):
    """y = x + w with initializer `t` named w."""
    return model([node("Add", ["x", "w"], ["y"], "add")], inits=[t], **kw)


def raw_attr(name, type_, **fields):
    """An AttributeProto with an explicit (possibly wrong) type."""
    a = AttributeProto(name=name, type=type_)
    for key, value in fields.items():
        if isinstance(value, list):
            getattr(a, key).extend(value)
        elif key == "t":
            a.t.CopyFrom(value)
        else:
            setattr(a, key, value)
    return a


def with_attr(n, attr):
    n.attribute.append(attr)
    return n


def nchw(name="x", shape=(1, 2, 6, 6)):
    return [vi(name, list(shape))]


def conv(name="conv", w_shape=(2, 2, 3, 3), x_shape=(1, 2, 6, 6), **attrs):
    w = init("w", np.ones(w_shape, np.float32))
    return model([node("Conv", ["x", "w"], ["y"], name, **attrs)],
                 inputs=nchw(shape=x_shape), outputs=[vi("y", None)],
                 inits=[w])


def pool(op="MaxPool", name="pool", **attrs):
    return model([node(op, ["x"], ["y"], name, **attrs)], inputs=nchw(),
                 outputs=[vi("y", None)])


def unary_on(op, x_shape, name, inputs=("x",), inits=(), opset=13, **attrs):
    return model([node(op, list(inputs), ["y"], name, **attrs)],
                 inputs=[vi("x", list(x_shape))], outputs=[vi("y", None)],
                 inits=list(inits), opset=opset)


def external(name, location=None, dims=(4,), offset=None, length=None,
             extra=(), data_type=FLOAT):
    """A tensor whose data lives in `location` (external_data entries)."""
    t = TensorProto(name=name, data_type=data_type, dims=list(dims))
    t.data_location = TensorProto.EXTERNAL
    entries = [] if location is None else [("location", location)]
    if offset is not None:
        entries.append(("offset", str(offset)))
    if length is not None:
        entries.append(("length", str(length)))
    for key, value in entries + list(extra):
        t.external_data.add(key=key, value=value)
    return t


WEIGHTS = np.arange(4, dtype=np.float32).tobytes()   # 16 bytes


# ---- hand-written cases ----------------------------------------------------
# Each case: (category, name, what, expect, payload). The payload is a
# ModelProto, raw bytes, or, for external data, (ModelProto, files) where
# files maps relative paths to bytes, ("symlink", target), "fifo" or "dir".

def protobuf_cases(valid):
    data = valid.SerializeToString()
    rng = random.Random("protobuf")
    yield ("protobuf", "garbage_text", "plain text", "cannot parse",
           b"this is not a protobuf")
    yield ("protobuf", "empty", "zero bytes: an empty ModelProto",
           "model has no graph", b"")
    yield ("protobuf", "random_bytes", "4 KiB of seeded random bytes", None,
           bytes(rng.randrange(256) for _ in range(4096)))
    yield ("protobuf", "varint_overflow", "a varint longer than 10 bytes",
           "cannot parse", b"\x08" + b"\xff" * 11)
    yield ("protobuf", "bad_wire_type", "field 1 with wire type 7",
           "cannot parse", b"\x0f\x01")
    yield ("protobuf", "length_past_end", "a length-delimited field that "
           "claims more bytes than the file has", "cannot parse",
           b"\x3a\xff\xff\x03" + b"\x00" * 8)
    for cut in (1, len(data) // 3, len(data) // 2, len(data) - 1):
        yield ("protobuf", f"truncated_at_{cut}", "a valid model cut short",
               None, data[:cut])
    graph = valid.graph.SerializeToString()
    yield ("protobuf", "graph_as_model", "a GraphProto where a ModelProto "
           "belongs", None, graph)
    yield ("protobuf", "tensor_as_model", "a TensorProto where a ModelProto "
           "belongs", None,
           init("t", np.ones((2, 2), np.float32)).SerializeToString())


def ir_version_cases():
    m = relu()
    m.ClearField("ir_version")
    yield ("ir-version", "missing", "no ir_version", "model has no ir_version",
           m)
    for v in (1, 2, 12, 99, -1):
        yield ("ir-version", f"v{v}".replace("-", "minus"),
               f"ir_version {v}", f"ONNX IR version {v} is not supported",
               relu(ir=v))


def opset_cases():
    for v in (0, 5, 18, -2):
        yield ("opset", f"opset_{v}".replace("-", "minus"),
               f"default opset {v}", f"ONNX opset {v} is not supported",
               relu(opset=v))
    m = relu()
    del m.opset_import[:]
    yield ("opset", "no_opset_import", "empty opset_import",
           "does not import the default ONNX opset", m)
    m = relu()
    m.opset_import.add(domain="ai.onnx", version=13)
    yield ("opset", "duplicate_default", "'' and 'ai.onnx' both imported",
           "is imported more than once", m)
    m = relu()
    m.opset_import[0].domain = "com.example"
    yield ("opset", "only_custom_domain", "no default domain",
           "does not import the default ONNX opset", m)
    yield ("opset", "unknown_node_domain", "node in a domain not imported",
           "node 'custom' (Relu): operator domain 'com.example'",
           model([node("Relu", ["x"], ["y"], "custom",
                       domain="com.example")]))
    m = model([node("Relu", ["x"], ["y"], "ml", domain="ai.onnx.ml")])
    m.opset_import.add(domain="ai.onnx.ml", version=3)
    yield ("opset", "ml_domain_op", "imported non-default domain",
           "node 'ml' (Relu): unsupported ONNX operator", m)
    yield ("opset", "unsupported_op", "an operator qcc does not import",
           "node 'norm' (StringNormalizer): unsupported ONNX operator",
           model([node("StringNormalizer", ["x"], ["y"], "norm")]))
    yield ("opset", "empty_op_type", "node without op_type",
           "node 'nameless' has no op_type",
           model([node("", ["x"], ["y"], "nameless")]))


def cycle_cases():
    yield ("cycle", "two_nodes", "a -> b -> a",
           "the graph has a cycle: 'a' -> 'b' -> 'a'",
           model([node("Relu", ["t2"], ["t1"], "a"),
                  node("Relu", ["t1"], ["t2"], "b"),
                  node("Add", ["x", "t2"], ["y"], "out")]))
    yield ("cycle", "self_loop", "a node that consumes its own output",
           "node 'self' (Add): the graph has a cycle: 'self' -> 'self'",
           model([node("Add", ["x", "y"], ["y"], "self")]))
    yield ("cycle", "three_nodes_after_valid_prefix",
           "a valid chain, then p -> q -> r -> p",
           "the graph has a cycle",
           model([node("Relu", ["x"], ["h"], "ok"),
                  node("Add", ["h", "r"], ["p"], "p"),
                  node("Relu", ["p"], ["q"], "q"),
                  node("Relu", ["q"], ["r"], "r"),
                  node("Relu", ["r"], ["y"], "tail")]))
    yield ("cycle", "unnamed_nodes", "cycle between nodes without names",
           "the graph has a cycle: 'Relu_0' -> 'Relu_1' -> 'Relu_0'",
           model([node("Relu", ["t2"], ["t1"], ""),
                  node("Relu", ["t1"], ["t2"], ""),
                  node("Relu", ["t2"], ["y"], "out")]))


def dangling_cases():
    yield ("dangling", "node_input", "input nobody produces",
           "node 'add' (Add): input 'nowhere' is not produced",
           model([node("Add", ["x", "nowhere"], ["y"], "add")]))
    yield ("dangling", "graph_output", "output nobody produces",
           "graph output 'z' is not produced by any node",
           relu(outputs=[vi("z", [1, 4])]))
    yield ("dangling", "unnamed_input", "graph input without a name",
           "graph input #0 has no name",
           model([node("Relu", [""], ["y"], "relu")], inputs=[vi("", [1, 4])]))
    t = init("", np.ones((4,), np.float32))
    yield ("dangling", "unnamed_initializer", "initializer without a name",
           "initializer without a name", add_w(t))
    yield ("dangling", "unnamed_output", "graph output without a name",
           "graph output #0 has no name", relu(outputs=[vi("", [1, 4])]))
    yield ("dangling", "omitted_required_input", "Add(x, '')",
           "node 'add' (Add): expected 2 input(s), got 1",
           model([node("Add", ["x", ""], ["y"], "add")]))
    yield ("dangling", "no_outputs", "a node without outputs",
           "node 'relu' (Relu): expected 1 to 1 output(s), got 0",
           model([node("Relu", ["x"], [], "relu"),
                  node("Relu", ["x"], ["y"], "relu2")]))
    yield ("dangling", "too_many_inputs", "Relu with two inputs",
           "node 'relu' (Relu): expected 1 input(s), got 2",
           model([node("Relu", ["x", "x"], ["y"], "relu")]))


def duplicate_cases():
    yield ("duplicate", "node_outputs", "two nodes produce y",
           "node 'second' (Relu): output 'y' is already defined by node "
           "'first'",
           model([node("Relu", ["x"], ["y"], "first"),
                  node("Relu", ["x"], ["y"], "second")]))
    yield ("duplicate", "output_is_graph_input", "a node redefines x",
           "node 'relu' (Relu): output 'x' is already defined",
           model([node("Relu", ["x"], ["x"], "relu"),
                  node("Relu", ["x"], ["y"], "relu2")]))
    t = init("w", np.ones((4,), np.float32))
    yield ("duplicate", "output_is_initializer", "a node redefines w",
           "node 'relu' (Relu): output 'w' is already defined",
           model([node("Relu", ["x"], ["w"], "relu"),
                  node("Add", ["x", "w"], ["y"], "add")], inits=[t]))
    yield ("duplicate", "initializers", "w defined twice",
           "initializer 'w' is defined twice",
           model([node("Add", ["x", "w"], ["y"], "add")], inits=[t, t]))
    yield ("duplicate", "graph_inputs", "x declared twice",
           "graph input 'x' is declared twice",
           relu(inputs=[vi("x", [1, 4]), vi("x", [1, 4])]))
    yield ("duplicate", "graph_outputs", "y listed twice",
           "graph output 'y' is listed twice",
           relu(outputs=[vi("y", [1, 4]), vi("y", [1, 4])]))
    yield ("duplicate", "same_node_outputs", "Dropout(x) -> (y, y)",
           "node 'drop' (Dropout): output 'y' is already defined by this node",
           model([node("Dropout", ["x"], ["y", "y"], "drop")]))
    n = node("Softmax", ["x"], ["y"], "sm", axis=1)
    n.attribute.append(helper.make_attribute("axis", 0))
    yield ("duplicate", "attributes", "axis given twice",
           "node 'sm' (Softmax): attribute 'axis' is given more than once",
           model([n]))
    n = node("Relu", ["x"], ["y"], "relu")
    n.attribute.append(AttributeProto(type=AttributeProto.INT, i=1))
    yield ("duplicate", "unnamed_attribute", "attribute without a name",
           "node 'relu' (Relu): has an attribute without a name", model([n]))


def dims_cases():
    for label, dims in (("zero", [1, 0]), ("negative", [1, -3]),
                        ("overflow", [2**32, 2**32]),
                        ("bytes_overflow", [2**62, 4])):
        yield ("dims", f"input_{label}", f"graph input dims {dims}",
               "graph input 'x'", relu(inputs=[vi("x", dims)]))
    t = TensorProto(name="w", data_type=FLOAT, dims=[4, -1])
    yield ("dims", "initializer_negative", "initializer dims [4, -1]",
           "initializer 'w' has negative dimension -1 at index 1", add_w(t))
    t = TensorProto(name="w", data_type=FLOAT, dims=[BIG, BIG])
    yield ("dims", "initializer_overflow", "initializer dims [2^40, 2^40]",
           "initializer 'w' has dimensions whose product overflows", add_w(t))
    t = TensorProto(name="w", data_type=TensorProto.INT8, dims=[2**31, 2**31])
    yield ("dims", "initializer_huge", "2^62 int8 elements, no data",
           "initializer 'w' holds 0 value(s)", add_w(t))
    t = TensorProto(name="w", data_type=FLOAT, dims=[BIG, BIG, 0])
    yield ("dims", "initializer_overflow_then_zero",
           "dims [2^40, 2^40, 0]: the running product overflows",
           "initializer 'w' has dimensions whose product overflows", add_w(t))
    value = TensorProto(name="v", data_type=FLOAT, dims=[BIG, BIG])
    yield ("dims", "constant_overflow", "Constant value dims [2^40, 2^40]",
           "node 'c' (Constant): tensor attribute 'value' has dimensions",
           model([node("Constant", [], ["y"], "c", value=value)]))
    shape = init("s", np.array([BIG, BIG], np.int64))
    yield ("dims", "reshape_overflow", "Reshape to [2^40, 2^40]",
           "node 'reshape' (Reshape)",
           model([node("Reshape", ["x", "s"], ["y"], "reshape")],
                 inits=[shape], outputs=[vi("y", None)]))
    shape = init("s", np.array([BIG, BIG, 0], np.int64))
    yield ("dims", "reshape_overflow_zero", "Reshape to [2^40, 2^40, 0]",
           "node 'reshape' (Reshape)",
           model([node("Reshape", ["x", "s"], ["y"], "reshape")],
                 inits=[shape], outputs=[vi("y", None)]))
    shape = init("s", np.array([BIG, BIG], np.int64))
    yield ("dims", "constant_of_shape_overflow", "ConstantOfShape [2^40]^2",
           "node 'cos' (ConstantOfShape)",
           model([node("ConstantOfShape", ["s"], ["c"], "cos"),
                  node("Add", ["x", "c"], ["y"], "add")], inits=[shape]))
    shape = init("s", np.array([-4], np.int64))
    yield ("dims", "constant_of_shape_negative", "ConstantOfShape [-4]",
           "node 'cos' (ConstantOfShape): negative dimension -4",
           model([node("ConstantOfShape", ["s"], ["y"], "cos")],
                 inits=[shape]))
    yield ("dims", "input_rank_mismatch_output", "declared output rank 3",
           "graph output 'y' is computed as", relu(outputs=[vi("y",
                                                                [1, 4, 1])]))


def raw_data_cases():
    t = init("w", np.zeros((4,), np.float32))
    t.raw_data = t.raw_data[:-2]
    yield ("raw-data", "short", "14 of 16 bytes",
           "initializer 'w' has 14 bytes of raw_data, expected 16", add_w(t))
    t = init("w", np.zeros((4,), np.float32))
    t.raw_data = t.raw_data + b"\0" * 5
    yield ("raw-data", "long", "21 of 16 bytes",
           "initializer 'w' has 21 bytes of raw_data", add_w(t))
    t = TensorProto(name="w", data_type=FLOAT, dims=[4],
                    float_data=[1.0, 2.0, 3.0])
    yield ("raw-data", "float_data_short", "3 float_data values for 4",
           "initializer 'w' holds 3 value(s), expected 4", add_w(t))
    t = TensorProto(name="s", data_type=TensorProto.INT64, dims=[2],
                    int64_data=[1, 4, 9])
    yield ("raw-data", "int64_data_long", "3 int64_data values for 2",
           "initializer 's' holds 3 value(s), expected 2",
           model([node("Reshape", ["x", "s"], ["y"], "reshape")], inits=[t]))
    t = TensorProto(name="w", data_type=TensorProto.STRING, dims=[1],
                    string_data=[b"a"])
    yield ("raw-data", "string_tensor", "STRING initializer",
           "initializer 'w' has unsupported element type STRING", add_w(t))
    t = TensorProto(name="w", data_type=0, dims=[1], raw_data=b"\0" * 4)
    yield ("raw-data", "undefined_type", "data_type UNDEFINED",
           "initializer 'w' has unsupported element type UNDEFINED", add_w(t))
    t = TensorProto(name="w", data_type=77, dims=[1], raw_data=b"\0" * 4)
    yield ("raw-data", "invalid_type", "data_type 77",
           "initializer 'w' has unsupported element type <invalid>",
           add_w(t))
    t = TensorProto(name="w", data_type=TensorProto.BOOL, dims=[4],
                    raw_data=b"\1\0\1")
    yield ("raw-data", "bool_short", "3 bool bytes for 4",
           "initializer 'w' has 3 bytes of raw_data, expected 4", add_w(t))
    t = TensorProto(name="w", data_type=TensorProto.FLOAT16, dims=[4],
                    int32_data=[0, 1])
    yield ("raw-data", "float16_int32_data", "2 int32_data values for 4",
           "initializer 'w' holds 2 value(s), expected 4", add_w(t))
    t = init("w", np.zeros((4,), np.float32))
    t.external_data.add(key="location", value="w.bin")
    yield ("raw-data", "external_entries_not_external",
           "external_data entries without data_location EXTERNAL",
           "initializer 'w' has external_data entries but its data_location "
           "is not EXTERNAL", add_w(t))
    t = init("w", np.zeros((4,), np.float32))
    t.segment.begin, t.segment.end = 0, 2
    yield ("raw-data", "segment", "a tensor segment",
           "initializer 'w' is a segment", add_w(t))
    value = TensorProto(name="v", data_type=FLOAT, dims=[1, 4],
                        raw_data=b"\0" * 3)
    yield ("raw-data", "constant_value", "Constant value with 3 bytes",
           "node 'c' (Constant): tensor attribute 'value' has 3 bytes of "
           "raw_data", model([node("Constant", [], ["y"], "c", value=value)]))
    t = TensorProto(name="w", data_type=FLOAT, dims=[4])
    yield ("raw-data", "no_data", "dims [4] and no data at all",
           "initializer 'w' holds 0 value(s), expected 4", add_w(t))


def axis_cases():
    yield ("axis", "concat", "Concat axis 5 on rank 2",
           "node 'cat' (Concat): axis 5 is out of range for rank 2",
           model([node("Concat", ["x", "x"], ["y"], "cat", axis=5)]))
    yield ("axis", "concat_min", "Concat axis INT64_MIN",
           "node 'cat' (Concat): axis -9223372036854775808 is out of range",
           model([node("Concat", ["x", "x"], ["y"], "cat", axis=-2**63)]))
    yield ("axis", "softmax", "Softmax axis 7", "node 'sm' (Softmax)",
           model([node("Softmax", ["x"], ["y"], "sm", axis=7)]))
    yield ("axis", "flatten", "Flatten axis 9",
           "node 'flat' (Flatten): axis 9 is out of range",
           model([node("Flatten", ["x"], ["y"], "flat", axis=9)]))
    idx = init("i", np.array([0], np.int64))
    yield ("axis", "gather_axis", "Gather axis -9", "node 'g' (Gather)",
           model([node("Gather", ["x", "i"], ["y"], "g", axis=-9)],
                 inits=[idx]))
    idx = init("i", np.array([0, 4], np.int64))
    yield ("axis", "gather_index", "Gather index 4 of 4",
           "node 'g' (Gather): index 4 is out of range for axis size 4",
           model([node("Gather", ["x", "i"], ["y"], "g", axis=1)],
                 inits=[idx]))
    ax = init("a", np.array([4], np.int64))
    yield ("axis", "squeeze", "Squeeze axes [4]", "node 'sq' (Squeeze)",
           model([node("Squeeze", ["x", "a"], ["y"], "sq")], inits=[ax]))
    ax = init("a", np.array([5], np.int64))
    yield ("axis", "unsqueeze", "Unsqueeze axes [5] on rank 2",
           "node 'us' (Unsqueeze)",
           model([node("Unsqueeze", ["x", "a"], ["y"], "us")], inits=[ax]))
    ax = init("a", np.array([0, 0], np.int64))
    yield ("axis", "unsqueeze_repeated", "Unsqueeze axes [0, 0]",
           "node 'us' (Unsqueeze): axis 0 is repeated",
           model([node("Unsqueeze", ["x", "a"], ["y"], "us")], inits=[ax]))
    ax = init("a", np.array([2**62], np.int64))
    yield ("axis", "unsqueeze_huge", "Unsqueeze axes [2^62]",
           "node 'us' (Unsqueeze)",
           model([node("Unsqueeze", ["x", "a"], ["y"], "us")], inits=[ax]))
    for label, perm in (("repeated", [0, 0]), ("out_of_range", [0, 5]),
                        ("short", [0]), ("negative", [-1, 0])):
        yield ("axis", f"transpose_{label}", f"Transpose perm {perm}",
               "node 't' (Transpose): perm",
               model([node("Transpose", ["x"], ["y"], "t", perm=perm)]))
    yield ("axis", "squeeze_not_one", "Squeeze axis of size 4",
           "node 'sq' (Squeeze): cannot squeeze axis 1 of size 4",
           model([node("Squeeze", ["x", "a"], ["y"], "sq")],
                 inits=[init("a", np.array([1], np.int64))]))
    yield ("axis", "shape_range", "Shape start 2^62 end -2^62",
           None, model([node("Shape", ["x"], ["s"], "shape", start=2**62,
                             end=-2**62),
                        node("Reshape", ["x", "s"], ["y"], "reshape")]))


def window_cases():
    yield ("strides", "conv_stride_zero", "Conv strides [0, 1]",
           "node 'conv' (Conv): attribute 'strides' must be positive, got 0",
           conv(strides=[0, 1]))
    yield ("strides", "conv_dilation_zero", "Conv dilations [1, 0]",
           "node 'conv' (Conv): attribute 'dilations' must be positive",
           conv(dilations=[1, 0]))
    yield ("strides", "conv_stride_negative", "Conv strides [-2, 1]",
           "node 'conv' (Conv): attribute 'strides' must be positive",
           conv(strides=[-2, 1]))
    yield ("strides", "conv_stride_short", "Conv strides [1]",
           "node 'conv' (Conv): attribute 'strides' must have 2 values",
           conv(strides=[1]))
    yield ("strides", "conv_dilation_huge", "Conv dilations [2^62, 1]",
           "node 'conv' (Conv)", conv(dilations=[2**62, 1]))
    yield ("strides", "conv_pads_huge", "Conv pads [2^62] * 4",
           "node 'conv' (Conv)", conv(pads=[2**62] * 4))
    yield ("strides", "conv_pads_max", "Conv pads INT64_MAX",
           "node 'conv' (Conv)", conv(pads=[2**63 - 1, 0, 2**63 - 1, 0]))
    yield ("strides", "conv_pads_negative", "Conv pads [-1, 0, 0, 0]",
           "node 'conv' (Conv): negative padding", conv(pads=[-1, 0, 0, 0]))
    yield ("strides", "conv_group_zero", "Conv group 0",
           "node 'conv' (Conv): group 0", conv(group=0))
    yield ("strides", "conv_group_negative", "Conv group -2",
           "node 'conv' (Conv): group -2", conv(group=-2))
    yield ("strides", "conv_kernel_shape", "kernel_shape vs weight",
           "node 'conv' (Conv): kernel_shape does not match",
           conv(kernel_shape=[5, 5]))
    yield ("strides", "conv_auto_pad", "auto_pad 'WHATEVER'",
           "node 'conv' (Conv): unknown auto_pad", conv(auto_pad="WHATEVER"))
    yield ("strides", "conv_kernel_larger", "7x7 kernel on 6x6 input",
           "node 'conv' (Conv): kernel extent", conv(w_shape=(2, 2, 7, 7)))
    yield ("strides", "conv_rank3", "Conv on a 3-D input",
           "node 'conv' (Conv): input must be 4-D",
           conv(w_shape=(2, 2, 3), x_shape=(1, 2, 6)))
    yield ("strides", "conv_zero_channels", "weights [0, 2, 3, 3]",
           None, conv(w_shape=(0, 2, 3, 3)))
    yield ("strides", "maxpool_stride_zero", "MaxPool strides [0, 1]",
           "node 'pool' (MaxPool): attribute 'strides' must be positive",
           pool(kernel_shape=[1, 1], strides=[0, 1]))
    yield ("strides", "avgpool_kernel_zero", "AveragePool kernel [0, 2]",
           "node 'pool' (AveragePool): attribute 'kernel_shape' must be "
           "positive", pool("AveragePool", kernel_shape=[0, 2]))
    yield ("strides", "maxpool_kernel_huge", "MaxPool kernel [2^62, 1]",
           "node 'pool' (MaxPool)", pool(kernel_shape=[2**62, 1]))
    yield ("strides", "maxpool_stride_huge", "MaxPool strides [2^62, 2^62]",
           "node 'pool' (MaxPool): window size, stride, dilation or padding",
           pool(kernel_shape=[2, 2], strides=[2**62, 2**62]))
    yield ("strides", "maxpool_no_kernel", "MaxPool without kernel_shape",
           "node 'pool' (MaxPool): missing required attribute "
           "'kernel_shape'", pool())
    yield ("strides", "maxpool_dilated_extent",
           "MaxPool dilations [3, 3] reaching past the input",
           "node 'pool' (MaxPool): kernel extent 7 exceeds the padded input "
           "size 6", pool(kernel_shape=[3, 3], dilations=[3, 3]))


def attr_type_cases():
    yield ("attr-type", "int_as_float", "Flatten axis 1.5",
           "node 'flat' (Flatten): attribute 'axis' must be of type INT, got "
           "FLOAT", model([node("Flatten", ["x"], ["y"], "flat", axis=1.5)]))
    yield ("attr-type", "int_as_ints", "Concat axis [1]",
           "node 'cat' (Concat): attribute 'axis' must be of type INT, got "
           "INTS", model([node("Concat", ["x", "x"], ["y"], "cat",
                               axis=[1])]))
    yield ("attr-type", "ints_as_int", "Transpose perm 1",
           "node 't' (Transpose): attribute 'perm' must be of type INTS",
           model([node("Transpose", ["x"], ["y"], "t", perm=1)]))
    yield ("attr-type", "ints_as_floats", "Conv strides [1.0, 1.0]",
           "node 'conv' (Conv): attribute 'strides' must be of type INTS",
           conv(strides=[1.0, 1.0]))
    yield ("attr-type", "float_as_string", "Gemm alpha 'big'",
           "node 'gemm' (Gemm): attribute 'alpha' must be of type FLOAT",
           model([node("Gemm", ["x", "w"], ["y"], "gemm", alpha="big")],
                 inits=[init("w", np.ones((4, 4), np.float32))]))
    yield ("attr-type", "string_as_int", "Conv auto_pad 3",
           "node 'conv' (Conv): attribute 'auto_pad' must be of type STRING",
           conv(auto_pad=3))
    n = with_attr(node("Softmax", ["x"], ["y"], "sm"),
                  raw_attr("axis", AttributeProto.UNDEFINED))
    yield ("attr-type", "undefined_empty", "type UNDEFINED, no payload",
           "node 'sm' (Softmax): attribute 'axis' must be of type INT, got "
           "UNDEFINED", model([n]))
    n = with_attr(node("Softmax", ["x"], ["y"], "sm"),
                  raw_attr("axis", AttributeProto.INT, f=1.0))
    yield ("attr-type", "type_payload_mismatch", "type INT, payload f",
           "node 'sm' (Softmax): attribute 'axis' of type INT has no value",
           model([n]))
    n = with_attr(node("Softmax", ["x"], ["y"], "sm"),
                  raw_attr("axis", AttributeProto.GRAPH))
    yield ("attr-type", "graph_attr", "axis of type GRAPH",
           "node 'sm' (Softmax): attribute 'axis' must be of type INT, got "
           "GRAPH", model([n]))
    yield ("attr-type", "constant_value_int", "Constant value of type INT",
           "node 'c' (Constant): attribute 'value' must be of type TENSOR",
           model([with_attr(node("Constant", [], ["y"], "c"),
                            raw_attr("value", AttributeProto.INT, i=3))]))
    n = with_attr(node("LeakyRelu", ["x"], ["y"], "lr"),
                  AttributeProto(name="alpha", type=AttributeProto.FLOAT,
                                 ref_attr_name="outer_alpha"))
    yield ("attr-type", "ref_attr", "attribute referring to a function "
           "attribute", "node 'lr' (LeakyRelu): attribute 'alpha' refers to",
           model([n]))
    yield ("attr-type", "cast_to_invalid", "Cast to 999",
           "node 'cast' (Cast): unsupported target type",
           model([node("Cast", ["x"], ["y"], "cast", to=999)]))
    yield ("attr-type", "cast_to_string", "Cast to STRING",
           "node 'cast' (Cast): unsupported target type STRING",
           model([node("Cast", ["x"], ["y"], "cast", to=TensorProto.STRING)]))
    value = helper.make_tensor("v", FLOAT, [2], [1.0, 2.0])
    yield ("attr-type", "constant_of_shape_value", "value with 2 elements",
           "node 'cos' (ConstantOfShape): 'value' must hold one element",
           model([node("ConstantOfShape", ["s"], ["y"], "cos", value=value)],
                 inits=[init("s", np.array([1, 4], np.int64))]))
    yield ("attr-type", "reshape_float_shape", "Reshape shape is float",
           "node 'reshape' (Reshape): input 's' (shape) must hold int64",
           model([node("Reshape", ["x", "s"], ["y"], "reshape")],
                 inits=[init("s", np.array([1.0, 4.0], np.float32))]))
    yield ("attr-type", "reshape_runtime_shape", "Reshape shape at run time",
           "node 'reshape' (Reshape): input 's' (shape) must be a constant",
           model([node("Reshape", ["x", "s"], ["y"], "reshape")],
                 inputs=[vi("x", [1, 4]),
                         vi("s", [2], TensorProto.INT64)]))


def graph_cases():
    yield ("graph", "no_graph", "a ModelProto without a graph",
           "model has no graph", onnx.ModelProto(ir_version=8))
    yield ("graph", "no_outputs", "a graph without outputs",
           "graph has no outputs", relu(outputs=[]))
    seq = helper.make_value_info(
        "x", helper.make_sequence_type_proto(
            helper.make_tensor_type_proto(FLOAT, [1, 4])))
    yield ("graph", "sequence_input", "a sequence-typed input",
           "graph input 'x' is not a tensor", relu(inputs=[seq]))
    untyped = onnx.ValueInfoProto(name="x")
    yield ("graph", "untyped_input", "an input without a type",
           "graph input 'x' is not a tensor", relu(inputs=[untyped]))
    yield ("graph", "shapeless_input", "an input without a shape",
           "graph input 'x' has no shape", relu(inputs=[vi("x", None)]))
    yield ("graph", "dynamic_input", "a symbolic batch dimension",
           "graph input 'x' has dynamic dimension(s) 0 ('N')",
           relu(inputs=[vi("x", ["N", 4])]))
    yield ("graph", "string_input", "a STRING input",
           "graph input 'x' has unsupported element type STRING",
           relu(inputs=[vi("x", [1, 4], TensorProto.STRING)]))
    yield ("graph", "output_type_mismatch", "y declared INT64",
           "graph output 'y' is computed as",
           relu(outputs=[vi("y", [1, 4], TensorProto.INT64)]))
    yield ("graph", "output_shape_mismatch", "y declared [4, 1]",
           "graph output 'y' is computed as",
           relu(outputs=[vi("y", [4, 1])]))
    m = relu()
    sparse = m.graph.sparse_initializer.add()
    sparse.values.CopyFrom(init("s", np.ones((1,), np.float32)))
    sparse.indices.CopyFrom(init("si", np.zeros((1,), np.int64)))
    sparse.dims.extend([4])
    yield ("graph", "sparse_initializer", "a sparse initializer",
           "sparse initializers are not supported", m)
    yield ("graph", "broadcast_mismatch", "Add [1, 4] + [3]",
           "node 'add' (Add)",
           model([node("Add", ["x", "w"], ["y"], "add")],
                 inits=[init("w", np.ones((3,), np.float32))]))
    yield ("graph", "matmul_mismatch", "MatMul [1, 4] x [3, 2]",
           "node 'mm' (MatMul)",
           model([node("MatMul", ["x", "w"], ["y"], "mm")],
                 inits=[init("w", np.ones((3, 2), np.float32))],
                 outputs=[vi("y", None)]))
    yield ("graph", "int_input_float_op", "Relu on int32",
           None, relu(inputs=[vi("x", [1, 4], TensorProto.INT32)],
                      outputs=[vi("y", [1, 4], TensorProto.INT32)]))
    yield ("graph", "batchnorm_mismatch", "BatchNormalization scale [3] "
           "for 4 channels", "node 'bn' (BatchNormalization)",
           model([node("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"],
                       "bn")],
                 inputs=[vi("x", [1, 4, 2, 2])], outputs=[vi("y", None)],
                 inits=[init(n, np.ones((3,), np.float32))
                        for n in ("s", "b", "m", "v")]))
    yield ("graph", "gemm_rank3", "Gemm on a 3-D input", "node 'gemm' (Gemm)",
           model([node("Gemm", ["x", "w"], ["y"], "gemm")],
                 inputs=[vi("x", [1, 4, 4])], outputs=[vi("y", None)],
                 inits=[init("w", np.ones((4, 4), np.float32))]))


def external_cases():
    """(name, what, expect, tensor, files); the model is y = x + w."""
    good = {"w.bin": WEIGHTS}
    outside = {"../outside.bin": WEIGHTS}
    yield ("absolute", "absolute location", "initializer 'w' has external "
           "data location '/etc/hostname', an absolute path",
           external("w", "/etc/hostname"), {})
    yield ("dotdot", "'../outside.bin'", "initializer 'w' has external data "
           "location '../outside.bin', which contains '..'",
           external("w", "../outside.bin"), outside)
    yield ("dotdot_nested", "'sub/../../outside.bin'",
           "which contains '..'", external("w", "sub/../../outside.bin"),
           dict(outside, **{"sub/x": b""}))
    yield ("dotdot_inside", "'sub/../w.bin' (stays inside, still rejected)",
           "which contains '..'", external("w", "sub/../w.bin"),
           dict(good, **{"sub/x": b""}))
    yield ("symlink_file", "a symlink to ../outside.bin",
           "initializer 'w' has external data location 'link.bin', which "
           "resolves to", external("w", "link.bin"),
           dict(outside, **{"link.bin": ("symlink", "../outside.bin")}))
    yield ("symlink_dir", "a directory symlink out of the model directory",
           "outside the model's directory", external("w", "data/outside.bin"),
           dict(outside, **{"data": ("symlink", "..")}))
    yield ("symlink_absolute", "a symlink to /etc/hostname",
           "outside the model's directory", external("w", "link.bin"),
           {"link.bin": ("symlink", "/etc/hostname")})
    yield ("offset_negative", "offset -4",
           "initializer 'w' has negative external data offset -4",
           external("w", "w.bin", offset=-4), good)
    yield ("length_negative", "length -16",
           "initializer 'w' has negative external data length -16",
           external("w", "w.bin", length=-16), good)
    yield ("offset_past_end", "offset 17 in a 16-byte file",
           "initializer 'w' has external data offset 17 beyond the end",
           external("w", "w.bin", offset=17, length=16), good)
    yield ("offset_huge", "offset 2^63-1",
           "beyond the end", external("w", "w.bin", offset=2**63 - 1), good)
    yield ("length_past_end", "offset 8 length 16 in a 16-byte file",
           "initializer 'w' has external data length 16 at offset 8, beyond "
           "the end", external("w", "w.bin", offset=8, length=16), good)
    yield ("length_huge", "length 2^63-1",
           "beyond the end", external("w", "w.bin", offset=1,
                                      length=2**63 - 1), good)
    yield ("length_mismatch", "length 12 for 4 floats",
           "initializer 'w' has 12 bytes of external data in 'w.bin', "
           "expected 16", external("w", "w.bin", length=12), good)
    yield ("file_size_mismatch", "no length, 20-byte file",
           "initializer 'w' has 20 bytes of external data in 'w.bin', "
           "expected 16", external("w", "w.bin"),
           {"w.bin": WEIGHTS + b"\0" * 4})
    yield ("offset_not_number", "offset '12abc'",
           "initializer 'w' has external data offset '12abc', which is not "
           "a decimal integer", external("w", "w.bin", offset="12abc"), good)
    yield ("offset_overflow", "offset 2^64",
           "which is not a decimal integer",
           external("w", "w.bin", offset=2**64), good)
    yield ("no_location", "no location entry",
           "initializer 'w' uses external data but has no 'location' entry",
           external("w", offset=0), good)
    yield ("empty_location", "location ''",
           "initializer 'w' has an empty or invalid external data location",
           external("w", ""), good)
    yield ("missing_file", "location of a missing file",
           "initializer 'w' cannot open external data file 'missing.bin'",
           external("w", "missing.bin"), {})
    yield ("directory", "location is a directory",
           "initializer 'w' has external data location 'sub', which is not "
           "a regular file", external("w", "sub"), {"sub/x": b""})
    yield ("fifo", "location is a FIFO (reading it would block)",
           "which is not a regular file", external("w", "pipe"),
           {"pipe": "fifo"})
    yield ("duplicate_key", "location given twice",
           "initializer 'w' has external_data key 'location' more than once",
           external("w", "w.bin", extra=[("location", "w.bin")]), good)
    yield ("unknown_key", "key 'basepath'",
           "initializer 'w' has unknown external_data key 'basepath'",
           external("w", "w.bin", extra=[("basepath", "/")]), good)
    t = external("w", "w.bin")
    t.raw_data = WEIGHTS
    yield ("inline_too", "external and raw_data",
           "initializer 'w' has both external and inline data", t, good)
    yield ("dims_overflow", "dims [2^40, 2^40] with external data",
           "initializer 'w' has dimensions whose product overflows",
           external("w", "w.bin", dims=(BIG, BIG)), good)
    yield ("string_type", "external STRING tensor",
           "initializer 'w' has unsupported element type STRING",
           external("w", "w.bin", data_type=TensorProto.STRING), good)


def external_constant_case():
    value = external("v", "../outside.bin", dims=(1, 4))
    m = model([node("Constant", [], ["c"], "c", value=value),
               node("Add", ["x", "c"], ["y"], "add")])
    return ("constant_attr", "a Constant node's value escapes with '..'",
            "node 'c' (Constant): tensor attribute 'value' has external data "
            "location '../outside.bin'", m, {"../outside.bin": WEIGHTS})


# Well-formed controls: these must import.
def valid_external_cases():
    yield ("offset_length", "w at offset 8, length 16 of a 32-byte file",
           external("w", "w.bin", offset=8, length=16),
           {"w.bin": b"\xee" * 8 + WEIGHTS + b"\xee" * 8})
    yield ("whole_file", "w is the whole file", external("w", "w.bin"),
           {"w.bin": WEIGHTS})
    yield ("subdir", "w in data/w.bin", external("w", "data/w.bin"),
           {"data/w.bin": WEIGHTS})
    yield ("symlink_inside", "link.bin -> data/w.bin, inside the directory",
           external("w", "link.bin"),
           {"data/w.bin": WEIGHTS, "link.bin": ("symlink", "data/w.bin")})


def valid_cases():
    """(name, what, model): well-formed models near the edge."""
    yield ("unsorted_graph", "nodes listed consumer first",
           model([node("Relu", ["h"], ["y"], "second"),
                  node("Relu", ["x"], ["h"], "first")]))
    yield ("maxpool_stride_large", "MaxPool strides [8, 8] on 6x6: one "
           "window", pool(kernel_shape=[2, 2], strides=[8, 8]))
    c = init("c", np.array([np.nan, np.inf, -np.inf, 1e30], np.float32))
    yield ("cast_nan_to_int", "Cast of NaN, inf and 1e30 to int32 "
           "(saturates)",
           model([node("Cast", ["c"], ["ci"], "cast", to=TensorProto.INT32),
                  node("Cast", ["ci"], ["cf"], "back", to=FLOAT),
                  node("Add", ["x", "cf"], ["y"], "add")], inits=[c]))


# ---- writing ---------------------------------------------------------------

def write_files(base, files):
    for rel, content in files.items():
        path = os.path.normpath(os.path.join(base, rel))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if content == "fifo":
            os.mkfifo(path)
        elif isinstance(content, tuple):
            os.symlink(content[1], path)
        else:
            with open(path, "wb") as f:
                f.write(content)


def static_seed(proto):
    """The seed model with symbolic dimensions pinned to 2, so that the
    importer gets past the inputs and mutations reach the nodes."""
    for v in list(proto.graph.input) + list(proto.graph.output):
        for d in v.type.tensor_type.shape.dim:
            if d.HasField("dim_param"):
                d.dim_value = 2
    return proto


def seed_models():
    for name, build in sorted(make_models.MODELS.items()):
        m = make_models.Model(name)
        yield name, static_seed(m.proto(build(m)))
    yield "tiny", model([node("Relu", ["x"], ["h"], "relu"),
                         node("Softmax", ["h"], ["y"], "sm", axis=1)])


def main(argv):
    if len(argv) != 2:
        sys.exit(f"usage: {argv[0]} <outdir>")
    out = argv[1]
    manifest = []

    def add(category, name, what, expect, payload, **flags):
        rel = os.path.join(category, name + ".onnx")
        os.makedirs(os.path.join(out, category), exist_ok=True)
        data = payload if isinstance(payload, bytes) else \
            payload.SerializeToString()
        with open(os.path.join(out, rel), "wb") as f:
            f.write(data)
        manifest.append(dict(path=rel, category=category, what=what,
                             expect=expect, **flags))

    def add_external(name, what, expect, payload, files, category="external",
                     **flags):
        if isinstance(payload, TensorProto):
            payload = model([node("Add", ["x", "w"], ["y"], "add")],
                            inits=[payload])
        case_dir = os.path.join(out, category, name, "model")
        os.makedirs(case_dir)
        write_files(case_dir, files)
        rel = os.path.join(category, name, "model", "model.onnx")
        with open(os.path.join(out, rel), "wb") as f:
            f.write(payload.SerializeToString())
        manifest.append(dict(path=rel, category=category, what=what,
                             expect=expect, **flags))

    seeds = list(seed_models())
    generators = [protobuf_cases(seeds[-1][1]), ir_version_cases(),
                  opset_cases(), cycle_cases(), dangling_cases(),
                  duplicate_cases(), dims_cases(), raw_data_cases(),
                  axis_cases(), window_cases(), attr_type_cases(),
                  graph_cases()]
    for generator in generators:
        for category, name, what, expect, payload in generator:
            add(category, name, what, expect, payload)
    for case in list(external_cases()) + [external_constant_case()]:
        add_external(*case)
    for name, what, tensor, files in valid_external_cases():
        add_external(name, what, None, tensor, files, category="valid",
                     must_be_valid=True)
    for name, what, proto in valid_cases():
        add("valid", name, what, None, proto, must_be_valid=True)

    # Seeded mutations of the valid models.
    for seed_name, seed in seeds:
        data = seed.SerializeToString()
        for i in range(8):
            rng = random.Random(f"{seed_name}-flip-{i}")
            add("mutation-bytes", f"{seed_name}_flip_{i}", "byte flips", None,
                onnx_fuzz.flip_bytes(data, rng), may_be_valid=True)
        for i in range(4):
            rng = random.Random(f"{seed_name}-truncate-{i}")
            add("mutation-truncate", f"{seed_name}_truncate_{i}",
                "truncation", None, onnx_fuzz.truncate(data, rng),
                may_be_valid=True)
        for i in range(12):
            rng = random.Random(f"{seed_name}-field-{i}")
            mutated, what = onnx_fuzz.mutate_fields(seed, rng)
            add("mutation-fields", f"{seed_name}_field_{i}", what, None,
                mutated, may_be_valid=True)

    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    counts = {}
    for entry in manifest:
        counts[entry["category"]] = counts.get(entry["category"], 0) + 1
    print(" ".join(f"{k}={v}" for k, v in sorted(counts.items())),
          f"total={len(manifest)}")


if __name__ == "__main__":
    main(sys.argv)
