"""Writes a QDQ (QuantizeLinear/DequantizeLinear) ONNX model from a float
ONNX model and a qcc calibration profile (`qcc --save-profile=p.json`),
with qcc's quantization scheme, so that another runtime (ONNX Runtime) can
run the same int8 layers qcc would compile.

Usage (Debian's python3, PYTHONPATH=python):
    python3 -m qcc_tools.qdq_export model.onnx profile.json out.onnx
        [--ops Conv,MatMul,Gemm] [--no-fold-relu]

What is quantized: every Conv, MatMul and Gemm node (``--ops``) whose
activation inputs have a range in the profile and whose weights, if
constant, are float initializers:

- **activation inputs** (and a MatMul's second input when it is not a
  constant) get a QuantizeLinear -> DequantizeLinear pair, per-tensor int8
  with qcc's activation rule (docs/Numerics.md, "The quantization scheme"):
  the range extended to contain 0, ``s = f32((max - min) / 255)``,
  ``z = clamp(roundeven(-128 - min / s), -128, 127)``; a range of width 0
  gets ``s = 1/255, z = -128``;
- **outputs** get a pair too (the runtime fuses DQ -> op -> Q into an
  integer kernel), with the range of the output tensor; when the output's
  only consumer is a Relu, or a Clip whose lower bound is 0, that node is
  removed and the pair takes the Relu/Clip output's range: its zero point is
  then -128, so the quantize clamps at real 0 (and at the calibrated max,
  which is within the Clip's upper bound), which is exact;
- **constant weights** become int8 initializers behind a DequantizeLinear:
  symmetric, narrow range ``[-127, 127]``, one scale per output channel
  (Conv: axis 0; MatMul ``[K, N]``: axis 1; Gemm: axis 0 with transB,
  else 1; weights of rank > 2 for MatMul: one scale),
  ``s_w = f32(max(max|w| / 127, |b| / (s_x * 2^30)))`` (the first term 1.0
  for an all-zero channel; the second keeps the int32 bias in range);
- **biases** (Conv input 2, Gemm C of length N) become int32 at scale
  ``s_x * s_w[o]``: ``roundeven(b / (s_x * s_w[o]))``.

``--activation-type=uint8`` stores the activations as uint8 with zero
point ``z + 128`` and the same scale: the same real values on the same grid
(qcc's own ``--activation-type=uint8`` rule gives exactly these
parameters), in the form ONNX Runtime runs natively on x86 (u8 x s8); with
int8 activations it converts QuantizeLinear/DequantizeLinear pairs to
uint8 itself, but not those whose value several layers read, and leaves
those layers in float.

Every consumer of a quantized tensor reads the dequantized value (one
DequantizeLinear per consumer, the form ONNX Runtime's fusions match), so
a value is quantized once however many layers read it. Graph outputs stay
float (the last dequantize writes the output name). Ops in between
(Add, pooling, softmax, layer norm, ...) stay float on dequantized values:
ONNX Runtime fuses some of them with its own QDQ rules.

Ranges: a profile entry is named after the ONNX node (``<node>#<k>`` when
one node became several qcc ops; the last one is the node's output) or a
graph input. A tensor whose producer has no entry (folded at import, or a
node with several outputs) is not quantized, and neither is an op that
reads it; ``export`` returns the names of the ops it skipped.
"""

import argparse
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

QUANTIZABLE = ("Conv", "MatMul", "Gemm")
DATA_MOVEMENT = ("Reshape", "Transpose", "Flatten", "Squeeze", "Unsqueeze",
                 "Identity")


def resolve_identities(graph):
    """Identity nodes that copy an initializer (torch.onnx.export writes
    them for tensors it deduplicated) are removed; their readers read the
    initializer."""
    inits = {i.name for i in graph.initializer}
    outputs = {o.name for o in graph.output}
    alias = {}
    kept = []
    for n in graph.node:
        if n.op_type == "Identity" and n.input[0] in inits and \
                n.output[0] not in outputs:
            alias[n.output[0]] = n.input[0]
        else:
            kept.append(n)
    for n in kept:
        for k, i in enumerate(n.input):
            if i in alias:
                n.input[k] = alias[i]
    del graph.node[:]
    graph.node.extend(kept)


def fold_batch_norms(graph):
    """BatchNormalization with constant parameters right after a Conv with
    constant weights (its only reader) is folded into the Conv, as qcc does
    before calibrating: the Conv then writes the BatchNormalization's output
    and its profile range is the folded one."""
    inits = {i.name: i for i in graph.initializer}
    readers = {}
    for n in graph.node:
        for i in n.input:
            readers[i] = readers.get(i, 0) + 1
    producer = {o: n for n in graph.node for o in n.output}
    outputs = {o.name for o in graph.output}
    kept, new_inits = [], {}
    for n in graph.node:
        conv = producer.get(n.input[0]) if n.op_type == \
            "BatchNormalization" else None
        if conv is None or conv.op_type != "Conv" or \
                readers.get(n.input[0]) != 1 or n.input[0] in outputs or \
                len(n.output) != 1 or \
                not all(i in inits for i in n.input[1:5]) or \
                conv.input[1] not in inits or \
                (len(conv.input) > 2 and conv.input[2] and
                 conv.input[2] not in inits):
            kept.append(n)
            continue
        eps = next((a.f for a in n.attribute if a.name == "epsilon"), 1e-5)
        gamma, beta, mean, var = (numpy_helper.to_array(inits[i]).astype(
            np.float64) for i in n.input[1:5])
        scale = gamma / np.sqrt(var + np.float64(np.float32(eps)))
        w = numpy_helper.to_array(inits[conv.input[1]]).astype(np.float64)
        b = (numpy_helper.to_array(inits[conv.input[2]]).astype(np.float64)
             if len(conv.input) > 2 and conv.input[2] else
             np.zeros(w.shape[0]))
        w_name = conv.input[1] + "_bn_folded"
        b_name = conv.output[0] + "_bn_folded_bias"
        new_inits[w_name] = (w * scale.reshape(-1, *[1] * (w.ndim - 1))
                             ).astype(np.float32)
        new_inits[b_name] = ((b - mean) * scale + beta).astype(np.float32)
        conv.input[1] = w_name
        if len(conv.input) > 2:
            conv.input[2] = b_name
        else:
            conv.input.append(b_name)
        conv.output[0] = n.output[0]
    del graph.node[:]
    graph.node.extend(kept)
    graph.initializer.extend(numpy_helper.from_array(v, k)
                             for k, v in new_inits.items())


def activation_params(lo, hi):
    """qcc's per-tensor int8 activation parameters for the range [lo, hi]."""
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    span = hi - lo
    if not span > 0:
        return float(np.float32(1.0 / 255.0)), -128
    s = float(np.float32(span / 255.0))
    z = int(np.clip(np.rint(-128.0 - lo / s), -128, 127))
    return s, z


def weight_params(w, axis, floors=None):
    """Symmetric narrow int8 with one scale per index of `axis` (None: one
    scale), each at least `floors` (qcc's bias floors |b| / (s_x * 2^30),
    one per index or None). Returns (scales as float64 of f32 values, int8
    array)."""
    w = w.astype(np.float64)
    if axis is None:
        moved = w.reshape(1, -1)
    else:
        moved = np.moveaxis(w, axis, 0).reshape(w.shape[axis], -1)
    peak = np.abs(moved).max(axis=1) if moved.size else np.zeros(
        moved.shape[0])
    s = np.where(peak > 0, peak / 127.0, 1.0)
    if floors is not None:
        floors = np.asarray(floors, np.float64)
        if axis is None:
            floors = floors.max(initial=0.0, keepdims=True)
        s = np.maximum(s, floors)
        rounded = s.astype(np.float32)
        # f32 rounding must not go below the floor.
        below = rounded.astype(np.float64) < floors
        rounded[below] = np.nextafter(rounded[below], np.float32(np.inf))
        s = rounded
    s = s.astype(np.float32).astype(np.float64)
    q = np.clip(np.rint(moved / s[:, None]), -127, 127).astype(np.int8)
    if axis is None:
        return s, q.reshape(w.shape)
    shape = (w.shape[axis],) + tuple(np.delete(w.shape, axis))
    return s, np.moveaxis(q.reshape(shape), 0, axis)


def profile_ranges(profile):
    """Name -> (min, max): for names with `#k`, the last entry (the node's
    output)."""
    ranges = {}
    for t in profile["tensors"]:
        ranges[t["name"].split("#")[0]] = (t["min"], t["max"])
    return ranges


def export(model, profile, ops=QUANTIZABLE, fold_relu=True,
           activation_type="int8"):
    """Returns (QDQ ModelProto, list of skipped node names). `model` is not
    modified. `activation_type` "uint8" stores the same quantization with
    zero point z + 128 (see the module docstring)."""
    if activation_type not in ("int8", "uint8"):
        raise ValueError(f"activation_type {activation_type!r}")
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    ranges = profile_ranges(profile)
    resolve_identities(graph)
    fold_batch_norms(graph)
    inits = {i.name: i for i in graph.initializer}
    constants = {}
    for node in graph.node:
        if node.op_type == "Constant" and node.attribute:
            a = node.attribute[0]
            if a.name == "value":
                constants[node.output[0]] = numpy_helper.to_array(a.t)
    graph_inputs = {i.name for i in graph.input} - set(inits)
    graph_outputs = {o.name for o in graph.output}
    producer = {o: n for n in graph.node for o in n.output}
    consumers = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)

    def const_value(name):
        if name in inits:
            return numpy_helper.to_array(inits[name])
        return constants.get(name)

    def tensor_range(name):
        if name in graph_inputs:
            return ranges.get(name)
        node = producer.get(name)
        if node is None or len(node.output) != 1:
            return None
        if node.name in ranges:
            return ranges[node.name]
        # Data movement that qcc folded into a neighbour keeps its input's
        # values, hence its range.
        if node.op_type in DATA_MOVEMENT and node.input:
            return tensor_range(node.input[0])
        return None

    def is_float_init(name):
        return name in inits and inits[name].data_type == TensorProto.FLOAT

    # 1. Choose the ops, their activation inputs and output tensors.
    quantized = {}   # tensor name -> (scale, zero point)
    removed = set()  # ids of folded Relu/Clip nodes
    plans = []       # (node, weight quantization axis or None)
    skipped = []
    for node in graph.node:
        if node.op_type not in ops:
            continue
        acts, weight, axis = [], None, None
        if node.op_type == "Conv":
            acts, weight, axis = [node.input[0]], node.input[1], 0
        elif node.op_type == "Gemm":
            attrs = {a.name: a.i for a in node.attribute}
            if attrs.get("transA", 0):
                skipped.append(node.name)
                continue
            acts, weight = [node.input[0]], node.input[1]
            axis = 0 if attrs.get("transB", 0) else 1
        else:  # MatMul
            acts, weight = [node.input[0]], node.input[1]
            if not is_float_init(weight):
                acts, weight = [node.input[0], node.input[1]], None
            else:
                axis = 1 if len(inits[weight].dims) == 2 else None
        if weight is not None and not is_float_init(weight):
            skipped.append(node.name)
            continue
        out = node.output[0]
        out_range = tensor_range(out)
        follower = None
        users = consumers.get(out, [])
        if fold_relu and out not in graph_outputs and len(users) == 1:
            user = users[0]
            if user.op_type == "Relu":
                follower = user
            elif user.op_type == "Clip":
                lo = (const_value(user.input[1])
                      if len(user.input) > 1 and user.input[1] else None)
                attrs = {a.name: a.f for a in user.attribute}
                if lo is None and "min" in attrs:
                    lo = attrs["min"]
                if lo is not None and float(np.asarray(lo)) == 0.0:
                    follower = user
            if follower is not None:
                r = ranges.get(follower.name)
                if r is None or r[0] < 0:
                    follower = None
                else:
                    out_range = r
        act_ranges = [tensor_range(a) for a in acts]
        if any(r is None for r in act_ranges) or out_range is None:
            skipped.append(node.name)
            continue
        for a, r in zip(acts, act_ranges):
            quantized.setdefault(a, activation_params(*r))
        if follower is not None:
            removed.add(id(follower))
            out = follower.output[0]
            node.output[0] = out
        quantized.setdefault(out, activation_params(*out_range))
        plans.append((node, axis))

    # 2. Rewrite: weights and biases, then one QuantizeLinear per quantized
    # tensor and one DequantizeLinear per reader.
    new_inits, new_nodes = [], []
    used_names = {i for n in graph.node for i in list(n.input) + list(
        n.output)} | set(inits)

    def fresh(base):
        name, k = base, 0
        while name in used_names:
            k += 1
            name = f"{base}_{k}"
        used_names.add(name)
        return name

    def add_init(base, array):
        name = fresh(base)
        new_inits.append(numpy_helper.from_array(array, name))
        return name

    def dequantized_constant(base, q, scales, axis):
        qn = add_init(base + "_quantized", q)
        if axis is None:
            sn = add_init(base + "_scale", np.array(scales[0], np.float32))
            zn = add_init(base + "_zero_point", np.array(0, q.dtype))
            attrs = {}
        else:
            sn = add_init(base + "_scale", scales.astype(np.float32))
            zn = add_init(base + "_zero_point",
                          np.zeros(len(scales), q.dtype))
            attrs = {"axis": axis}
        out = fresh(base + "_dequantized")
        new_nodes.append(helper.make_node("DequantizeLinear", [qn, sn, zn],
                                          [out], name=fresh(out), **attrs))
        return out

    for node, axis in plans:
        x_scale = quantized[node.input[0]][0]
        if node.op_type == "MatMul" and len(node.input) > 1 and \
                node.input[1] in quantized:
            continue
        w_name = node.input[1]
        w = numpy_helper.to_array(inits[w_name])
        floors = None
        if len(node.input) > 2 and node.input[2] and \
                is_float_init(node.input[2]):
            b = numpy_helper.to_array(inits[node.input[2]]).astype(np.float32)
            floors = np.abs(b.astype(np.float64)) / (x_scale * 2.0**30)
        scales, q = weight_params(w, axis, floors)
        node.input[1] = dequantized_constant(w_name, q, scales, axis)
        if len(node.input) > 2 and node.input[2] and \
                is_float_init(node.input[2]) and axis is not None:
            b_name = node.input[2]
            b = numpy_helper.to_array(inits[b_name]).astype(np.float64)
            if b.ndim == 1 and len(b) == len(scales):
                bias_scale = x_scale * scales
                qb = np.rint(b / bias_scale)
                if np.abs(qb).max(initial=0) < 2**31 - 1:
                    node.input[2] = dequantized_constant(
                        b_name, qb.astype(np.int32), bias_scale, 0)

    readers = {}
    for n in graph.node:
        if id(n) not in removed:
            for i in set(n.input):
                readers.setdefault(i, []).append(n)
    for tensor, (s, z) in quantized.items():
        source = tensor
        if tensor in graph_outputs:
            # The producer writes a float temporary; a dequantize writes the
            # graph output.
            source = fresh(tensor + "_float")
            for n in graph.node:
                for k, o in enumerate(n.output):
                    if o == tensor:
                        n.output[k] = source
        sn = add_init(tensor + "_scale", np.array(s, np.float32))
        zn = add_init(tensor + "_zero_point",
                      np.array(z, np.int8) if activation_type == "int8" else
                      np.array(z + 128, np.uint8))
        qn = fresh(tensor + "_quantized")
        new_nodes.append(helper.make_node("QuantizeLinear", [source, sn, zn],
                                          [qn], name=fresh(qn)))
        # One dequantize per reader, the form ONNX Runtime's QDQ fusions
        # match (a node unit owns its DequantizeLinear inputs).
        targets = [(n, fresh(tensor + "_dequantized"))
                   for n in readers.get(tensor, [])]
        if tensor in graph_outputs:
            targets.append((None, tensor))
        for n, dn in targets:
            new_nodes.append(helper.make_node("DequantizeLinear",
                                              [qn, sn, zn], [dn],
                                              name=fresh(dn)))
            if n is not None:
                for k, i in enumerate(n.input):
                    if i == tensor:
                        n.input[k] = dn

    # Initializers nothing reads any more (the float weights and biases
    # that were quantized, folded batch norms) are dropped.
    still_read = {i for n in graph.node if id(n) not in removed
                  for i in n.input} | graph_outputs
    kept_inits = [i for i in graph.initializer if i.name in still_read]
    kept_nodes = [n for n in graph.node if id(n) not in removed]
    all_nodes = kept_nodes + new_nodes
    del graph.node[:]
    graph.node.extend(topological_order(
        all_nodes, [i.name for i in graph.input] +
        [i.name for i in kept_inits + new_inits]))
    del graph.initializer[:]
    graph.initializer.extend(kept_inits + new_inits)
    if max((o.version for o in model.opset_import
            if o.domain in ("", "ai.onnx")), default=0) < 13:
        raise ValueError("per-axis QuantizeLinear/DequantizeLinear need "
                         "opset 13 or later")
    onnx.checker.check_model(model)
    return model, skipped


def topological_order(nodes, available):
    """`nodes` ordered so that every input is produced before it is read;
    `available`: the names defined outside the nodes."""
    available = set(available) | {""}
    pending, ordered = list(nodes), []
    while pending:
        rest = []
        for n in pending:
            if all(i in available for i in n.input):
                ordered.append(n)
                available.update(n.output)
            else:
                rest.append(n)
        if len(rest) == len(pending):
            raise ValueError("graph has a cycle or an undefined input: " +
                             ", ".join(n.name or n.op_type for n in rest[:5]))
        pending = rest
    return ordered


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model")
    p.add_argument("profile")
    p.add_argument("output")
    p.add_argument("--ops", default=",".join(QUANTIZABLE))
    p.add_argument("--no-fold-relu", action="store_true")
    p.add_argument("--activation-type", choices=("int8", "uint8"),
                   default="int8")
    args = p.parse_args(argv)
    model = onnx.load(args.model)
    with open(args.profile) as f:
        profile = json.load(f)
    qdq, skipped = export(model, profile, tuple(args.ops.split(",")),
                         not args.no_fold_relu, args.activation_type)
    onnx.save(qdq, args.output)
    counts = {}
    for n in qdq.graph.node:
        counts[n.op_type] = counts.get(n.op_type, 0) + 1
    print(f"{args.output}: {counts.get('QuantizeLinear', 0)} quantize, "
          f"{counts.get('DequantizeLinear', 0)} dequantize nodes; "
          f"{len(skipped)} ops left float"
          + (f" ({', '.join(skipped[:5])}{', ...' if len(skipped) > 5 else ''})"
             if skipped else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
