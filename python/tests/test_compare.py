"""Checks the tolerance rule of qcc_tools.compare, its CLI exit codes, and the
raw tensor files it reads."""

import contextlib
import io
import os
import tempfile
import unittest

import numpy as np

from qcc_tools import compare, tensorio


class CompareTest(unittest.TestCase):
    def test_tolerance_is_atol_plus_rtol_times_expected(self):
        expected = np.array([100.0, 0.0])
        self.assertTrue(compare.compare(expected, [100.011, 1e-3], 1e-4,
                                        1e-3)[0])
        self.assertFalse(compare.compare(expected, [100.012, 0.0], 1e-4,
                                         1e-3)[0])
        self.assertFalse(compare.compare(expected, [100.0, 1.1e-3], 1e-4,
                                         1e-3)[0])

    def test_nan_and_shape_mismatch_fail(self):
        ok, lines = compare.compare([1.0, 2.0], [1.0, np.nan], 1.0, 1.0)
        self.assertFalse(ok)
        self.assertIn("at (1,): expected 2, got nan", "\n".join(lines))
        self.assertFalse(compare.compare(np.zeros(4), np.zeros((2, 2)), 1.0,
                                         1.0)[0])

    def test_cli(self):
        with tempfile.TemporaryDirectory() as d:
            expected = os.path.join(d, "expected.npy")
            good = os.path.join(d, "good.bin")
            bad = os.path.join(d, "bad.bin")
            short = os.path.join(d, "short.bin")
            ref = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
            tensorio.save_npy(expected, ref)
            tensorio.write_raw(good, ref + 1e-6)
            tensorio.write_raw(bad, ref + 1e-3)
            tensorio.write_raw(short, ref[0])

            def run(actual):
                out = io.StringIO()
                with contextlib.redirect_stdout(out), \
                        contextlib.redirect_stderr(out):
                    code = compare.main(["--rtol", "1e-4", "--atol", "1e-5",
                                         expected, actual])
                return code, out.getvalue()

            self.assertEqual(run(good)[0], 0)
            code, text = run(bad)
            self.assertEqual(code, 1)
            self.assertIn("MISMATCH: 6 of 6 elements", text)
            code, text = run(short)
            self.assertEqual(code, 1)
            self.assertIn("holds 12 bytes, expected 24", text)


class TensorIoTest(unittest.TestCase):
    def test_raw_round_trip_is_little_endian_f32(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "t.bin")
            tensorio.write_raw(path, [[1.0, -2.0]])
            with open(path, "rb") as f:
                self.assertEqual(f.read(), bytes.fromhex("0000803F000000C0"))
            np.testing.assert_array_equal(tensorio.load(path, (1, 2)),
                                          [[1.0, -2.0]])
            with self.assertRaises(ValueError):
                tensorio.read_raw(path, (3,))


if __name__ == "__main__":
    unittest.main()
