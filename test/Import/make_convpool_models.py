"""Builds the ConvTranspose and N-D pooling models of the importer tests.

Usage: make_convpool_models.py <model> <outdir>

Same driver and outputs as make_models.py (model.onnx, input_<i>.bin,
expected_<i>.npy). The references below implement ONNX semantics directly
in numpy, independently of how qcc lowers the ops: ConvTranspose scatters
each input element times the kernel into the output, pools visit every
window tap. Models named `bad_*` are malformed on purpose and come without
references.
"""

import itertools
import os
import sys

import numpy as np
from onnx import TensorProto, helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import make_models  # noqa: E402
from make_models import FLOAT, Model, _out_size, _tiny  # noqa: E402


# ---- numpy references (ONNX semantics, float64) ---------------------------

def conv_transpose(x, w, b, strides, pads, dilations=None, output_padding=None,
                   group=1, output_shape=None, auto_pad="NOTSET"):
    """ONNX ConvTranspose by scattering: out[i * s + k * d - begin] +=
    x[i] * w[k]. `output_shape` or SAME auto_pad pick the pads from the
    target size (SAME_UPPER puts the odd one at the end); a target larger
    than the full output extends it at the end."""
    rank = x.ndim - 2
    dilations = dilations or [1] * rank
    output_padding = output_padding or [0] * rank
    c, mg = w.shape[0], w.shape[1]
    cg = c // group
    begins, ends = list(pads[:rank]), list(pads[rank:])
    full = [(x.shape[2 + i] - 1) * strides[i] + output_padding[i] +
            (w.shape[2 + i] - 1) * dilations[i] + 1 for i in range(rank)]
    for i in range(rank):
        target = None
        if output_shape is not None:
            target = output_shape[i]
        elif auto_pad in ("SAME_UPPER", "SAME_LOWER"):
            target = x.shape[2 + i] * strides[i]
        if target is not None:
            total = full[i] - target
            if total >= 0:
                begins[i] = (total // 2 if auto_pad == "SAME_UPPER"
                             else total - total // 2)
                ends[i] = total - begins[i]
            else:
                begins[i], ends[i] = 0, total
    out_size = [full[i] - begins[i] - ends[i] for i in range(rank)]
    out = np.zeros((x.shape[0], mg * group) + tuple(out_size))
    for g in range(group):
        xs = x[:, g * cg:(g + 1) * cg]
        ws = w[g * cg:(g + 1) * cg]
        for pos in itertools.product(*(range(n) for n in x.shape[2:])):
            for tap in itertools.product(*(range(k) for k in w.shape[2:])):
                o = [pos[i] * strides[i] + tap[i] * dilations[i] - begins[i]
                     for i in range(rank)]
                if all(0 <= o[i] < out_size[i] for i in range(rank)):
                    index = (slice(None), slice(g * mg, (g + 1) * mg)) + \
                        tuple(o)
                    out[index] += np.einsum(
                        "nc,cm->nm", xs[(slice(None), slice(None)) + pos],
                        ws[(slice(None), slice(None)) + tap])
    return out + b.reshape((1, -1) + (1,) * rank)


def pool(x, kernel, strides=None, pads=None, dilations=None, ceil=False,
         kind="max", count_include_pad=False, storage_order=None):
    """ONNX MaxPool/AveragePool over any number of spatial dimensions.
    With `storage_order`, also returns MaxPool's Indices: the first maximum
    of each window in row-major tap order, flattened over N, C and the
    spatial dimensions (column-major spatial order for storage_order 1)."""
    rank = x.ndim - 2
    spatial = x.shape[2:]
    strides = strides or [1] * rank
    pads = pads or [0] * (2 * rank)
    dilations = dilations or [1] * rank
    extents = [(kernel[i] - 1) * dilations[i] + 1 for i in range(rank)]
    out_size = [_out_size(spatial[i], pads[i], pads[i + rank], extents[i],
                          strides[i], ceil) for i in range(rank)]
    out = np.zeros(x.shape[:2] + tuple(out_size))
    indices = np.zeros(out.shape, np.int64)
    n, c = x.shape[:2]
    plane = int(np.prod(spatial))
    for o in itertools.product(*(range(k) for k in out_size)):
        best = np.full((n, c), -np.inf)
        best_index = np.zeros((n, c), np.int64)
        total, count = np.zeros((n, c)), 0
        for tap in itertools.product(*(range(k) for k in kernel)):
            p = [o[i] * strides[i] + tap[i] * dilations[i] - pads[i]
                 for i in range(rank)]
            inside = all(0 <= p[i] < spatial[i] for i in range(rank))
            in_pads = all(-pads[i] <= p[i] < spatial[i] + pads[i + rank]
                          for i in range(rank))
            if count_include_pad and in_pads or inside:
                count += 1
            if not inside:
                continue
            value = x[(slice(None), slice(None)) + tuple(p)]
            total = total + value
            if storage_order == 1:
                flat = 0
                for i in reversed(range(rank)):
                    flat = flat * spatial[i] + p[i]
            else:
                flat = int(np.ravel_multi_index(p, spatial))
            better = value > best
            best = np.where(better, value, best)
            best_index = np.where(better, flat, best_index)
        index = (slice(None), slice(None)) + o
        out[index] = best if kind == "max" else total / count
        indices[index] = (best_index +
                          plane * np.arange(n * c).reshape(n, c))
    if storage_order is not None:
        return out, indices
    return out


def _output_i64(m, name, ref):
    m.outputs.append(helper.make_tensor_value_info(name, TensorProto.INT64,
                                                   ref.shape))
    m.expected.append(ref)


# ---- models ----------------------------------------------------------------

def convtranspose_2d(m):
    """2-D ConvTranspose: groups with stride, dilation, asymmetric pads and
    output_padding; depthwise (one input channel per group); output_shape;
    SAME_LOWER; a runtime weight with pads beyond the kernel extent; no
    bias."""
    x = m.input("x", m.random((2, 4, 5, 4)))
    w = m.random((4, 3, 3, 2), 0.5)
    b = m.random((6,), 0.5)
    m.init("w", w), m.init("b", b)
    m.node("ConvTranspose", ["x", "w", "b"], ["grouped"], group=2,
           strides=[2, 3], dilations=[1, 2], pads=[1, 0, 2, 1],
           output_padding=[1, 0])
    m.output("grouped", conv_transpose(x, w, b, [2, 3], [1, 0, 2, 1], [1, 2],
                                       [1, 0], group=2))
    wd = m.random((4, 2, 3, 3), 0.5)
    bd = m.random((8,), 0.5)
    m.init("wd", wd), m.init("bd", bd)
    m.node("ConvTranspose", ["x", "wd", "bd"], ["depthwise"], group=4,
           strides=[2, 2], pads=[1, 1, 0, 0])
    m.output("depthwise", conv_transpose(x, wd, bd, [2, 2], [1, 1, 0, 0],
                                         group=4))
    ws = m.random((4, 2, 4, 3), 0.5)
    m.init("ws", ws)
    m.node("ConvTranspose", ["x", "ws"], ["shaped"], strides=[3, 2],
           output_shape=[17, 9], kernel_shape=[4, 3])
    m.output("shaped", conv_transpose(x, ws, np.zeros(2), [3, 2], [0] * 4,
                                      output_shape=[17, 9]))
    m.node("ConvTranspose", ["x", "ws"], ["same"], strides=[2, 2],
           auto_pad="SAME_LOWER")
    m.output("same", conv_transpose(x, ws, np.zeros(2), [2, 2], [0] * 4,
                                    auto_pad="SAME_LOWER"))
    wr = m.input("wr", m.random((4, 1, 2, 2), 0.5))
    m.node("ConvTranspose", ["x", "wr"], ["runtime"], strides=[2, 2],
           pads=[2, 1, 1, 0], output_padding=[1, 1])
    m.output("runtime", conv_transpose(x, wr, np.zeros(1), [2, 2],
                                       [2, 1, 1, 0], output_padding=[1, 1]))
    return 13


def convtranspose_1d_3d(m):
    """1-D ConvTranspose (reshaped to 2-D) with groups, dilation, pads and
    output_padding; 3-D ConvTranspose with groups, stride, dilation and
    pads; and 3-D with SAME_UPPER."""
    x = m.input("x", m.random((2, 6, 7)))
    w = m.random((6, 2, 3), 0.5)
    b = m.random((6,), 0.5)
    m.init("w", w), m.init("b", b)
    m.node("ConvTranspose", ["x", "w", "b"], ["y1"], group=3, strides=[3],
           dilations=[2], pads=[2, 1], output_padding=[2])
    m.output("y1", conv_transpose(x, w, b, [3], [2, 1], [2], [2], group=3))
    v = m.input("v", m.random((1, 4, 3, 4, 2)))
    w3 = m.random((4, 3, 2, 3, 2), 0.5)
    b3 = m.random((6,), 0.5)
    m.init("w3", w3), m.init("b3", b3)
    m.node("ConvTranspose", ["v", "w3", "b3"], ["y3"], group=2,
           strides=[2, 1, 3], dilations=[1, 2, 1], pads=[1, 0, 1, 0, 2, 1])
    m.output("y3", conv_transpose(v, w3, b3, [2, 1, 3], [1, 0, 1, 0, 2, 1],
                                  [1, 2, 1], group=2))
    m.node("ConvTranspose", ["v", "w3"], ["same3"], group=2,
           strides=[2, 2, 2], auto_pad="SAME_UPPER")
    m.output("same3", conv_transpose(v, w3, np.zeros(6), [2, 2, 2], [0] * 6,
                                     group=2, auto_pad="SAME_UPPER"))
    return 11


def pool_nd(m):
    """MaxPool/AveragePool over 1-D (as 2-D with H = 1) and 3-D windows,
    dilated MaxPool with ceil_mode, AveragePool 3-D with count_include_pad
    and ceil_mode, and global pools over 3-D."""
    a = m.input("a", m.random((2, 3, 11)))
    m.node("MaxPool", ["a"], ["max1"], kernel_shape=[3], strides=[2],
           pads=[1, 0], ceil_mode=1)
    m.output("max1", pool(a, [3], [2], [1, 0], ceil=True))
    m.node("AveragePool", ["a"], ["avg1"], kernel_shape=[4], strides=[3],
           pads=[2, 1], count_include_pad=1)
    m.output("avg1", pool(a, [4], [3], [2, 1], kind="avg",
                          count_include_pad=True))
    m.node("MaxPool", ["a"], ["dil1"], kernel_shape=[3], dilations=[3],
           pads=[2, 2], strides=[2])
    m.output("dil1", pool(a, [3], [2], [2, 2], [3]))
    v = m.input("v", m.random((1, 2, 7, 6, 5)))
    m.node("MaxPool", ["v"], ["max3"], kernel_shape=[3, 2, 2],
           strides=[2, 2, 1], pads=[1, 0, 0, 1, 1, 1], ceil_mode=1)
    m.output("max3", pool(v, [3, 2, 2], [2, 2, 1], [1, 0, 0, 1, 1, 1],
                          ceil=True))
    m.node("AveragePool", ["v"], ["avg3"], kernel_shape=[3, 3, 2],
           strides=[2, 2, 2], pads=[1, 1, 0, 1, 0, 1], ceil_mode=1)
    m.output("avg3", pool(v, [3, 3, 2], [2, 2, 2], [1, 1, 0, 1, 0, 1],
                          ceil=True, kind="avg"))
    m.node("AveragePool", ["v"], ["avg3i"], kernel_shape=[2, 3, 3],
           strides=[3, 2, 2], pads=[1, 1, 1, 1, 1, 1], ceil_mode=1,
           count_include_pad=1)
    m.output("avg3i", pool(v, [2, 3, 3], [3, 2, 2], [1, 1, 1, 1, 1, 1],
                           ceil=True, kind="avg", count_include_pad=True))
    m.node("MaxPool", ["v"], ["dil3"], kernel_shape=[2, 2, 2],
           dilations=[2, 1, 2], strides=[1, 2, 1])
    m.output("dil3", pool(v, [2, 2, 2], [1, 2, 1], None, [2, 1, 2]))
    p = m.input("p", m.random((1, 3, 9, 10)))
    m.node("MaxPool", ["p"], ["dil2"], kernel_shape=[3, 2], dilations=[2, 3],
           strides=[2, 2], pads=[1, 2, 2, 0], ceil_mode=1)
    m.output("dil2", pool(p, [3, 2], [2, 2], [1, 2, 2, 0], [2, 3], ceil=True))
    m.node("GlobalMaxPool", ["v"], ["gmax3"])
    m.output("gmax3", v.max(axis=(2, 3, 4), keepdims=True))
    m.node("GlobalAveragePool", ["a"], ["gavg1"])
    m.output("gavg1", a.mean(axis=2, keepdims=True))
    return 12


def pool_indices(m):
    """MaxPool's Indices output: 2-D with pads (storage_order 0), with
    strides and storage_order 1, dilated with ceil_mode, 1-D and 3-D. The
    input has repeated values so ties must pick the first position."""
    x = m.input("x", np.round(m.random((2, 3, 6, 7), 2.0) * 2) / 2)
    m.node("MaxPool", ["x"], ["y0", "i0"], kernel_shape=[3, 3],
           pads=[1, 1, 1, 1])
    y, i = pool(x, [3, 3], None, [1, 1, 1, 1], storage_order=0)
    m.output("y0", y), _output_i64(m, "i0", i)
    m.node("MaxPool", ["x"], ["y1", "i1"], kernel_shape=[2, 3],
           strides=[2, 2], storage_order=1)
    y, i = pool(x, [2, 3], [2, 2], storage_order=1)
    m.output("y1", y), _output_i64(m, "i1", i)
    m.node("MaxPool", ["x"], ["y2", "i2"], kernel_shape=[2, 2],
           strides=[2, 3], dilations=[2, 1], pads=[0, 1, 1, 0], ceil_mode=1)
    y, i = pool(x, [2, 2], [2, 3], [0, 1, 1, 0], [2, 1], ceil=True,
                storage_order=0)
    m.output("y2", y), _output_i64(m, "i2", i)
    a = m.input("a", np.round(m.random((1, 2, 9), 2.0) * 2) / 2)
    m.node("MaxPool", ["a"], ["y3", "i3"], kernel_shape=[3], strides=[2],
           pads=[1, 1])
    y, i = pool(a, [3], [2], [1, 1], storage_order=0)
    m.output("y3", y), _output_i64(m, "i3", i)
    v = m.input("v", np.round(m.random((1, 2, 4, 5, 3), 2.0) * 2) / 2)
    m.node("MaxPool", ["v"], ["y4", "i4"], kernel_shape=[2, 3, 2],
           strides=[2, 2, 1], pads=[0, 1, 0, 1, 0, 1], storage_order=1)
    y, i = pool(v, [2, 3, 2], [2, 2, 1], [0, 1, 0, 1, 0, 1], storage_order=1)
    m.output("y4", y), _output_i64(m, "i4", i)
    return 12


MODELS = {f.__name__: f for f in (convtranspose_2d, convtranspose_1d_3d,
                                  pool_nd, pool_indices)}


# ---- malformed models (negative tests) -------------------------------------

def _convtranspose(x_shape, w_shape, **attrs):
    inits = [helper.make_tensor("w", FLOAT, w_shape,
                                [0.5] * int(np.prod(w_shape)))]
    return _tiny([helper.make_node("ConvTranspose", ["x", "w"], ["y"],
                                   name="deconv", **attrs)],
                 inputs=[helper.make_tensor_value_info("x", FLOAT, x_shape)],
                 inits=inits)


def _maxpool(x_shape, outputs=("y",), **attrs):
    return _tiny([helper.make_node("MaxPool", ["x"], list(outputs),
                                   name="pool", **attrs)],
                 inputs=[helper.make_tensor_value_info("x", FLOAT, x_shape)])


BAD = {
    "bad_output_padding": lambda: _convtranspose(
        [1, 2, 4, 4], [2, 1, 3, 3], strides=[2, 2], output_padding=[2, 0]),
    "bad_output_shape_count": lambda: _convtranspose(
        [1, 2, 4, 4], [2, 1, 3, 3], output_shape=[5, 5, 5]),
    "bad_output_shape_zero": lambda: _convtranspose(
        [1, 2, 4, 4], [2, 1, 3, 3], output_shape=[0, 6]),
    "bad_deconv_stride": lambda: _convtranspose(
        [1, 2, 4, 4], [2, 1, 3, 3], strides=[1, 0]),
    "bad_deconv_kernel": lambda: _convtranspose(
        [1, 2, 4, 4], [2, 1, 3, 3], kernel_shape=[3, 2]),
    "bad_deconv_dilations": lambda: _convtranspose(
        [1, 2, 4, 4], [2, 1, 3, 3], dilations=[2]),
    "bad_deconv_pads": lambda: _convtranspose(
        [1, 2, 2, 2], [2, 1, 2, 2], pads=[2, 2, 2, 2]),
    "bad_deconv_group": lambda: _convtranspose(
        [1, 3, 4, 4], [3, 1, 3, 3], group=2),
    "bad_deconv_weight": lambda: _convtranspose(
        [1, 2, 4, 4], [3, 1, 3, 3]),
    "bad_deconv_huge": lambda: _convtranspose(
        [1, 2, 4, 4], [2, 1, 3, 3], strides=[2**30, 1]),
    "bad_deconv_rank": lambda: _convtranspose(
        [1, 2, 2, 2, 2, 2], [2, 1, 1, 1, 1, 1]),
    "bad_pool_dilations": lambda: _maxpool(
        [1, 1, 8, 8], kernel_shape=[2, 2], dilations=[2, 2, 2]),
    "bad_pool_kernel": lambda: _maxpool(
        [1, 1, 8, 8, 8], kernel_shape=[2, 2]),
    "bad_pool_extent": lambda: _maxpool(
        [1, 1, 5], kernel_shape=[3], dilations=[3]),
    "bad_storage_order": lambda: _maxpool(
        [1, 1, 4, 4], outputs=("y", "i"), kernel_shape=[2, 2],
        storage_order=2),
}


if __name__ == "__main__":
    # make_models' driver, over this file's models.
    make_models.MODELS.update(MODELS)
    make_models.BAD.update(BAD)
    make_models.main(sys.argv)
