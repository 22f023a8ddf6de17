"""Reference implementations of the TOSA float ops used by the qcc tests.

These are the "expected" side of every end-to-end comparison, so they favour
obvious correctness over speed: explicit loops over kernel taps, float64
arithmetic, and no code shared with the compiler. Layouts and attribute orders
follow the TOSA specification:

* activations are NHWC;
* conv2d weights are OHWI ``[out, kh, kw, in]``;
* depthwise_conv2d weights are ``[kh, kw, in, multiplier]`` and output channel
  ``c * multiplier + m`` comes from input channel ``c``;
* ``pad`` is ``(top, bottom, left, right)``; ``stride``, ``dilation`` and
  ``kernel`` are ``(y, x)``.
"""

import numpy as np


def _f64(x):
    return np.asarray(x, dtype=np.float64)


def _out_size(size, pad_before, pad_after, kernel, stride, dilation=1):
    """Output extent of a window op; TOSA requires the division to be exact."""
    span = size + pad_before + pad_after - (kernel - 1) * dilation - 1
    if span < 0 or span % stride:
        raise ValueError(
            f"window does not tile the input exactly: size={size} "
            f"pad=({pad_before},{pad_after}) kernel={kernel} stride={stride} "
            f"dilation={dilation}")
    return span // stride + 1


def _windows(x, kernel, pad, stride, dilation, fill):
    """Yields, for every kernel tap (ky, kx), the [N, OH, OW, C] slice of the
    padded input that the tap multiplies. Summing/maxing over taps gives the
    window op; padding uses `fill` so the caller decides what padding means."""
    kh, kw = kernel
    top, bottom, left, right = pad
    sy, sx = stride
    dy, dx = dilation
    _, h, w, _ = x.shape
    oh = _out_size(h, top, bottom, kh, sy, dy)
    ow = _out_size(w, left, right, kw, sx, dx)
    xp = np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)),
                constant_values=fill)
    for ky in range(kh):
        for kx in range(kw):
            y0, x0 = ky * dy, kx * dx
            yield ky, kx, xp[:, y0:y0 + (oh - 1) * sy + 1:sy,
                             x0:x0 + (ow - 1) * sx + 1:sx, :]


def conv2d(x, weight, bias, pad=(0, 0, 0, 0), stride=(1, 1), dilation=(1, 1)):
    """tosa.conv2d: x [N,H,W,I], weight [O,KH,KW,I], bias [O] -> [N,OH,OW,O]."""
    x, weight, bias = _f64(x), _f64(weight), _f64(bias)
    out = None
    for ky, kx, patch in _windows(x, weight.shape[1:3], pad, stride, dilation,
                                  0.0):
        term = np.einsum("nhwi,oi->nhwo", patch, weight[:, ky, kx, :])
        out = term if out is None else out + term
    return out + bias


def depthwise_conv2d(x, weight, bias, pad=(0, 0, 0, 0), stride=(1, 1),
                     dilation=(1, 1)):
    """tosa.depthwise_conv2d: x [N,H,W,C], weight [KH,KW,C,M], bias [C*M]
    -> [N,OH,OW,C*M]."""
    x, weight, bias = _f64(x), _f64(weight), _f64(bias)
    out = None
    for ky, kx, patch in _windows(x, weight.shape[0:2], pad, stride, dilation,
                                  0.0):
        term = np.einsum("nhwc,cm->nhwcm", patch, weight[ky, kx])
        out = term if out is None else out + term
    n, oh, ow, c, m = out.shape
    return out.reshape(n, oh, ow, c * m) + bias


def max_pool2d(x, kernel, stride=(1, 1), pad=(0, 0, 0, 0)):
    """tosa.max_pool2d: padding never wins the max (it is -inf)."""
    x = _f64(x)
    out = None
    for _, _, patch in _windows(x, kernel, pad, stride, (1, 1), -np.inf):
        out = patch.copy() if out is None else np.maximum(out, patch)
    return out


def avg_pool2d(x, kernel, stride=(1, 1), pad=(0, 0, 0, 0)):
    """tosa.avg_pool2d: the divisor counts only real (unpadded) elements."""
    x = _f64(x)
    ones = np.ones(x.shape[:3] + (1,))
    total, count = None, None
    for (_, _, patch), (_, _, valid) in zip(
            _windows(x, kernel, pad, stride, (1, 1), 0.0),
            _windows(ones, kernel, pad, stride, (1, 1), 0.0)):
        total = patch.copy() if total is None else total + patch
        count = valid.copy() if count is None else count + valid
    return total / count


def matmul(a, b):
    """tosa.matmul: batched [N,M,K] x [N,K,P] -> [N,M,P]."""
    return np.einsum("nmk,nkp->nmp", _f64(a), _f64(b))


def fully_connected(x, weight, bias):
    """Dense layer with the classic TOSA/TFLite weight layout:
    x [N,K], weight [O,K], bias [O] -> [N,O]."""
    return np.einsum("nk,ok->no", _f64(x), _f64(weight)) + _f64(bias)


def clamp(x, lo, hi):
    return np.clip(_f64(x), lo, hi)


def relu(x):
    return np.maximum(_f64(x), 0.0)


def add(a, b):
    """tosa.add: both operands have the same rank; size-1 dims broadcast."""
    a, b = _f64(a), _f64(b)
    if a.ndim != b.ndim:
        raise ValueError(f"tosa.add needs equal ranks, got {a.ndim} and "
                         f"{b.ndim}")
    return a + b


def reshape(x, shape):
    return _f64(x).reshape(shape)


def transpose(x, perms):
    """tosa.transpose: output dim i is input dim perms[i]."""
    return np.transpose(_f64(x), perms)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-_f64(x)))


def tanh(x):
    return np.tanh(_f64(x))


def softmax(x, axis=-1):
    x = _f64(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
