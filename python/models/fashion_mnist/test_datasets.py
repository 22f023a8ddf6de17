"""Unit tests of qcc_tools.datasets: the IDX reader's checks, the
normalization, and the calibration writers. Synthetic IDX files are used for
the error cases; the real Fashion-MNIST files are checked when installed.

    PYTHONPATH=python /usr/bin/python3 -m unittest discover \
        -s python/models/fashion_mnist -p 'test_*.py'
"""

import gzip
import os
import struct
import tempfile
import unittest

import numpy as np

from qcc_tools import datasets
from qcc_tools.datasets import IdxError, parse_idx


def idx_bytes(array, type_code=0x08, rank=None):
    array = np.asarray(array)
    rank = array.ndim if rank is None else rank
    header = bytes([0, 0, type_code, rank]) + b"".join(
        struct.pack(">I", d) for d in array.shape[:rank])
    return header + array.astype(">u1" if type_code == 0x08 else ">i4").tobytes()


class ParseIdxTest(unittest.TestCase):
    def test_roundtrip_uint8(self):
        a = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
        b = parse_idx(idx_bytes(a), expect_type=0x08, expect_rank=3)
        np.testing.assert_array_equal(a, b)
        self.assertEqual(b.dtype, np.uint8)

    def test_big_endian_int32(self):
        a = np.array([1, -2, 70000], dtype=np.int32)
        b = parse_idx(idx_bytes(a, type_code=0x0C))
        np.testing.assert_array_equal(a, b)

    def test_bad_magic(self):
        data = bytearray(idx_bytes(np.zeros(3, np.uint8)))
        data[0] = 1
        with self.assertRaisesRegex(IdxError, "bad IDX magic"):
            parse_idx(bytes(data))

    def test_wrong_type_and_rank(self):
        data = idx_bytes(np.zeros((2, 2), np.uint8))
        with self.assertRaisesRegex(IdxError, "rank 2, expected 3"):
            parse_idx(data, expect_rank=3)
        with self.assertRaisesRegex(IdxError, "element type 0x0c"):
            parse_idx(idx_bytes(np.zeros(2, np.int32), 0x0C), expect_type=0x08)
        with self.assertRaisesRegex(IdxError, "unknown IDX element type"):
            parse_idx(bytes([0, 0, 0x42, 1, 0, 0, 0, 0]))

    def test_size_mismatch(self):
        data = idx_bytes(np.zeros((4, 5), np.uint8))
        with self.assertRaisesRegex(IdxError, "expected 32"):
            parse_idx(data[:-1])
        with self.assertRaisesRegex(IdxError, "expected 32"):
            parse_idx(data + b"\0")
        with self.assertRaisesRegex(IdxError, "truncated IDX header"):
            parse_idx(data[:7])
        with self.assertRaisesRegex(IdxError, "too short"):
            parse_idx(b"\0\0")


class LoadTest(unittest.TestCase):
    def write_split(self, folder, stem, images, labels, image_rank=None):
        with gzip.open(os.path.join(folder, f"{stem}-images-idx3-ubyte.gz"),
                       "wb") as f:
            f.write(idx_bytes(images, rank=image_rank))
        with gzip.open(os.path.join(folder, f"{stem}-labels-idx1-ubyte.gz"),
                       "wb") as f:
            f.write(idx_bytes(labels))

    def test_wrong_count_is_rejected(self):
        with tempfile.TemporaryDirectory() as d:
            self.write_split(d, "t10k", np.zeros((5, 28, 28), np.uint8),
                             np.zeros(5, np.uint8))
            with self.assertRaisesRegex(IdxError, r"expected \(10000, 28, 28\)"):
                datasets.load_fashion_mnist("test", d)

    def test_missing_and_not_gzip(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(FileNotFoundError, "dataset-fashion"):
                datasets.load_fashion_mnist("train", d)
            with open(os.path.join(d, "t10k-images-idx3-ubyte.gz"), "wb") as f:
                f.write(b"not gzip")
            with self.assertRaisesRegex(IdxError, "cannot read"):
                datasets.load_fashion_mnist("test", d)

    def test_unknown_split(self):
        with self.assertRaisesRegex(ValueError, "unknown split"):
            datasets.load_fashion_mnist("validation")

    @unittest.skipUnless(os.path.isdir(datasets.data_dir()),
                         "dataset-fashion-mnist is not installed")
    def test_real_files(self):
        for split, n in (("train", 60000), ("test", 10000)):
            images, labels = datasets.load_fashion_mnist(split)
            self.assertEqual(images.shape, (n, 28, 28))
            self.assertEqual(images.dtype, np.uint8)
            self.assertEqual(np.bincount(labels).tolist(), [n // 10] * 10)


class NormalizeTest(unittest.TestCase):
    def test_values_match_float32_formula(self):
        px = np.arange(256, dtype=np.uint8).reshape(1, 16, 16)
        x = datasets.normalize(px)
        self.assertEqual(x.shape, (1, 1, 16, 16))
        self.assertEqual(x.dtype, np.float32)
        for p in (0, 1, 128, 255):
            v = np.float32(p) / np.float32(255)
            v = (v - np.float32(0.2860)) / np.float32(0.3530)
            self.assertEqual(x.reshape(-1)[p], v)
        self.assertAlmostEqual(float(x.reshape(-1)[0]), -0.2860 / 0.3530, 6)

    def test_rejects_floats(self):
        with self.assertRaises(TypeError):
            datasets.normalize(np.zeros((1, 28, 28), np.float32))


class CalibrationTest(unittest.TestCase):
    def test_npz_and_directory(self):
        x = np.random.default_rng(0).standard_normal((3, 1, 28, 28))
        with tempfile.TemporaryDirectory() as d:
            npz = os.path.join(d, "sub", "calib.npz")
            self.assertEqual(datasets.write_calibration(npz, {"image": x}),
                             [npz])
            with np.load(npz) as z:
                self.assertEqual(z.files, ["image"])
                self.assertEqual(z["image"].dtype, np.float32)
                np.testing.assert_array_equal(z["image"], x.astype(np.float32))
            folder = os.path.join(d, "calib")
            files = datasets.write_calibration(folder, {"image": x, "b": x})
            self.assertEqual(sorted(os.path.basename(f) for f in files),
                             ["b.npy", "image.npy"])
            back = datasets.read_calibration(folder)
            np.testing.assert_array_equal(back["image"], x.astype(np.float32))
            self.assertEqual(set(datasets.read_calibration(npz)), {"image"})

    def test_labels(self):
        x = np.zeros((3, 1, 28, 28), np.float32)
        with tempfile.TemporaryDirectory() as d:
            npz = os.path.join(d, "test.npz")
            datasets.write_calibration(npz, {"image": x}, labels=[7, 0, 9])
            with np.load(npz) as z:
                self.assertEqual(sorted(z.files), ["image", "labels"])
                self.assertEqual(z["labels"].dtype, np.int64)
                self.assertEqual(z["labels"].tolist(), [7, 0, 9])
            with self.assertRaisesRegex(ValueError, "2 labels for 3 samples"):
                datasets.write_calibration(npz, {"image": x}, labels=[1, 2])
            with self.assertRaisesRegex(ValueError, "no room for the labels"):
                datasets.write_calibration(npz, {"labels": x}, labels=[1] * 3)

    def test_errors(self):
        with tempfile.TemporaryDirectory() as d:
            with self.assertRaisesRegex(ValueError, "no calibration"):
                datasets.write_calibration(os.path.join(d, "c.npz"), {})
            with self.assertRaisesRegex(ValueError, "cannot name a file"):
                datasets.write_calibration(d, {"../x": np.zeros((1, 2))})
            with self.assertRaisesRegex(ValueError, "samples"):
                datasets.write_calibration(d, {"a": np.zeros((1, 2)),
                                               "b": np.zeros((2, 2))})


if __name__ == "__main__":
    unittest.main()
