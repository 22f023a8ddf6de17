"""Checks the numpy reference ops against hand-derived values and against a
second, deliberately naive implementation (scalar loops with bounds checks
instead of padding), so a slip in the vectorized reference cannot silently
become the expected output of every end-to-end test."""

import itertools
import unittest

import numpy as np

from qcc_tools import reference as R


def naive_conv2d(x, w, b, pad, stride, dilation):
    n, h, wd, c = x.shape
    o, kh, kw, _ = w.shape
    oh = (h + pad[0] + pad[1] - (kh - 1) * dilation[0] - 1) // stride[0] + 1
    ow = (wd + pad[2] + pad[3] - (kw - 1) * dilation[1] - 1) // stride[1] + 1
    out = np.zeros((n, oh, ow, o))
    for bi, y, xo, oc in itertools.product(range(n), range(oh), range(ow),
                                           range(o)):
        acc = b[oc]
        for ky, kx, ic in itertools.product(range(kh), range(kw), range(c)):
            iy = y * stride[0] - pad[0] + ky * dilation[0]
            ix = xo * stride[1] - pad[2] + kx * dilation[1]
            if 0 <= iy < h and 0 <= ix < wd:
                acc += x[bi, iy, ix, ic] * w[oc, ky, kx, ic]
        out[bi, y, xo, oc] = acc
    return out


def naive_pool(x, kernel, stride, pad, reduce):
    n, h, w, c = x.shape
    oh = (h + pad[0] + pad[1] - kernel[0]) // stride[0] + 1
    ow = (w + pad[2] + pad[3] - kernel[1]) // stride[1] + 1
    out = np.zeros((n, oh, ow, c))
    for bi, y, xo, ch in itertools.product(range(n), range(oh), range(ow),
                                           range(c)):
        window = [x[bi, iy, ix, ch]
                  for iy in range(y * stride[0] - pad[0],
                                  y * stride[0] - pad[0] + kernel[0])
                  for ix in range(xo * stride[1] - pad[2],
                                  xo * stride[1] - pad[2] + kernel[1])
                  if 0 <= iy < h and 0 <= ix < w]
        out[bi, y, xo, ch] = reduce(window)
    return out


class ConvTest(unittest.TestCase):
    def setUp(self):
        self.rng = np.random.default_rng(0)

    def test_ones_kernel_counts_unpadded_taps(self):
        x = np.ones((1, 3, 3, 1))
        w = np.ones((1, 3, 3, 1))
        y = R.conv2d(x, w, [0.5], pad=(1, 1, 1, 1))[0, :, :, 0]
        np.testing.assert_array_equal(
            y, [[4.5, 6.5, 4.5], [6.5, 9.5, 6.5], [4.5, 6.5, 4.5]])

    def test_weight_layout_is_ohwi(self):
        # Only tap (ky=0, kx=1) of input channel 1 feeds output channel 0.
        x = self.rng.normal(size=(1, 4, 4, 2))
        w = np.zeros((3, 2, 2, 2))
        w[0, 0, 1, 1] = 1.0
        y = R.conv2d(x, w, np.zeros(3))
        np.testing.assert_array_equal(y[0, :, :, 0], x[0, :3, 1:, 1])

    def test_matches_naive_with_pad_stride_dilation(self):
        for pad, stride, dilation in [((0, 0, 0, 0), (1, 1), (1, 1)),
                                      ((2, 1, 0, 2), (2, 1), (1, 2)),
                                      ((1, 2, 2, 0), (1, 3), (2, 1))]:
            x = self.rng.normal(size=(2, 8, 9, 3))
            w = self.rng.normal(size=(4, 3, 2, 3))
            b = self.rng.normal(size=4)
            np.testing.assert_allclose(
                R.conv2d(x, w, b, pad, stride, dilation),
                naive_conv2d(x, w, b, pad, stride, dilation), rtol=1e-12)

    def test_inexact_tiling_is_rejected(self):
        with self.assertRaises(ValueError):
            R.conv2d(np.zeros((1, 5, 5, 1)), np.zeros((1, 2, 2, 1)), [0.0],
                     stride=(2, 2))

    def test_depthwise_channel_order(self):
        # Output channel c * M + m is input channel c filtered by w[..., c, m].
        x = self.rng.normal(size=(1, 6, 5, 3))
        w = self.rng.normal(size=(3, 2, 3, 2))
        b = self.rng.normal(size=6)
        got = R.depthwise_conv2d(x, w, b, pad=(1, 1, 0, 1), stride=(1, 2))
        for c, m in itertools.product(range(3), range(2)):
            single = R.conv2d(x[..., c:c + 1],
                              w[:, :, c, m].reshape(1, 3, 2, 1),
                              [b[c * 2 + m]], pad=(1, 1, 0, 1), stride=(1, 2))
            np.testing.assert_allclose(got[..., c * 2 + m], single[..., 0],
                                       rtol=1e-12)


class PoolTest(unittest.TestCase):
    def test_avg_pool_excludes_padding(self):
        x = np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1)
        y = R.avg_pool2d(x, (2, 2), (1, 1), pad=(1, 0, 1, 0))
        np.testing.assert_array_equal(y[0, :, :, 0], [[1.0, 1.5], [2.0, 2.5]])

    def test_max_pool_never_picks_padding(self):
        x = -np.arange(1.0, 5.0).reshape(1, 2, 2, 1)
        y = R.max_pool2d(x, (2, 2), (1, 1), pad=(1, 1, 1, 1))
        np.testing.assert_array_equal(
            y[0, :, :, 0], [[-1, -1, -2], [-1, -1, -2], [-3, -3, -4]])

    def test_pools_match_naive(self):
        x = np.random.default_rng(1).normal(size=(2, 8, 9, 3))
        args = ((3, 2), (2, 3), (1, 0, 1, 1))
        np.testing.assert_allclose(R.max_pool2d(x, *args),
                                   naive_pool(x, *args, max))
        np.testing.assert_allclose(R.avg_pool2d(x, *args),
                                   naive_pool(x, *args, np.mean), rtol=1e-12)


class DenseAndElementwiseTest(unittest.TestCase):
    def test_matmul_is_batched(self):
        a = np.arange(12.0).reshape(2, 2, 3)
        b = np.arange(18.0).reshape(2, 3, 3)
        np.testing.assert_array_equal(R.matmul(a, b), [a[0] @ b[0],
                                                       a[1] @ b[1]])

    def test_fully_connected_weight_is_out_by_in(self):
        x = np.array([[1.0, 2.0, 3.0]])
        w = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
        np.testing.assert_array_equal(R.fully_connected(x, w, [10.0, 20.0]),
                                      [[11.0, 26.0]])

    def test_add_requires_equal_rank(self):
        np.testing.assert_array_equal(R.add(np.ones((2, 3)), [[1, 2, 3]]),
                                      [[2, 3, 4], [2, 3, 4]])
        with self.assertRaises(ValueError):
            R.add(np.ones((2, 3)), np.ones(3))

    def test_activations(self):
        np.testing.assert_allclose(R.sigmoid([0.0, np.log(3.0)]), [0.5, 0.75])
        np.testing.assert_allclose(R.tanh([0.0, np.log(2.0)]), [0.0, 0.6])
        np.testing.assert_array_equal(R.relu([-1.0, 2.0]), [0.0, 2.0])
        np.testing.assert_array_equal(R.clamp([-1.0, 3.0, 9.0], 0.0, 6.0),
                                      [0.0, 3.0, 6.0])

    def test_softmax(self):
        np.testing.assert_allclose(R.softmax([[0.0, np.log(3.0)]]),
                                   [[0.25, 0.75]])
        # Shift invariant, and finite where a naive exp would overflow.
        x = np.array([[1000.0, 1000.0 + np.log(3.0)]])
        np.testing.assert_allclose(R.softmax(x), [[0.25, 0.75]])
        np.testing.assert_allclose(R.softmax(np.eye(3), axis=0).sum(axis=0),
                                   np.ones(3))

    def test_reshape_and_transpose(self):
        x = np.arange(6.0).reshape(2, 3)
        np.testing.assert_array_equal(R.transpose(x, (1, 0)), x.T)
        np.testing.assert_array_equal(R.reshape(x, (3, 2)),
                                      [[0, 1], [2, 3], [4, 5]])


if __name__ == "__main__":
    unittest.main()
