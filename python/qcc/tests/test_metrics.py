"""The numbers of qcc.evaluate and the flags of compile(), against values
worked out by hand."""

import math
import unittest

from qcc.compiler import quantization_flags
from qcc.metrics import max_abs_error, sqnr_db, top1_accuracy
from qcc.model import Outputs


class MetricsTest(unittest.TestCase):
    def test_sqnr(self):
        # signal 3^2 + 4^2 = 25, noise 0.5^2 = 0.25: 10 log10(100) = 20 dB.
        self.assertAlmostEqual(sqnr_db([3.0, 4.0], [3.0, 4.5]), 20.0)
        self.assertAlmostEqual(sqnr_db([[1.0], [0.0]], [[1.1], [0.0]]),
                               20.0)
        self.assertEqual(sqnr_db([1.0, 2.0], [1.0, 2.0]), math.inf)
        self.assertEqual(sqnr_db([0.0], [1.0]), -math.inf)

    def test_max_abs_error(self):
        self.assertEqual(max_abs_error([1.0, -2.0, 3.0], [1.5, -4.0, 3.0]),
                         2.0)
        self.assertEqual(max_abs_error([], []), 0.0)

    def test_top1(self):
        scores = [[0.1, 0.9, 0.0], [2.0, 2.0, 1.0], [0.0, 0.0, 5.0],
                  [1.0, 0.0, 0.0]]
        # The first maximum wins a tie: sample 1 predicts class 0.
        self.assertEqual(top1_accuracy(scores, [1, 0, 2, 2]), 0.75)
        one_hot = [[0, 1, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]
        self.assertEqual(top1_accuracy(scores, one_hot), 0.75)
        # [N, 1, classes] scores, as a model with a batch axis of 1 gives.
        self.assertEqual(top1_accuracy([[[0.0, 1.0]], [[1.0, 0.0]]], [1, 1]),
                         0.5)


class FlagsTest(unittest.TestCase):
    def test_schemes_and_options(self):
        self.assertEqual(quantization_flags(), [])
        self.assertEqual(quantization_flags("float"), ["--quantize=none"])
        self.assertEqual(quantization_flags("16x8"),
                         ["--quantize=int8", "--int16=all"])
        self.assertEqual(quantization_flags("uint8"),
                         ["--quantize=int8", "--activation-type=uint8"])
        self.assertEqual(quantization_flags("weight-only-int4",
                                            weight_block_size=32),
                         ["--quantize=weight-only-int4",
                          "--weight-block-size=32"])
        # Not a scheme: qcc checks it.
        self.assertEqual(quantization_flags("int3"), ["--quantize=int3"])
        self.assertEqual(
            quantization_flags(
                "int8", calibration_method="percentile=99.9",
                calibration_method_for={"/conv1/Conv": "entropy"},
                int16=["/fc1/Gemm", "Conv"], keep_float="Gemm",
                per_tensor_weights=True, integer_only=True),
            ["--quantize=int8", "--calibration-method=percentile=99.9",
             "--calibration-method-for=/conv1/Conv=entropy",
             "--int16=/fc1/Gemm,Conv", "--keep-float=Gemm",
             "--per-tensor-weights", "--integer-only"])
        self.assertEqual(quantization_flags(mixed_precision=True,
                                            min_sqnr=42, int16=True,
                                            keep_float=True),
                         ["--int16=all", "--keep-float=all",
                          "--mixed-precision=auto", "--min-sqnr=42"])


class OutputsTest(unittest.TestCase):
    def test_tuple_and_names(self):
        out = Outputs(["a", "b/c", "count"], [1, 2, 3])
        self.assertEqual(tuple(out), (1, 2, 3))
        self.assertEqual((out[0], out["b/c"], out[-1]), (1, 2, 3))
        self.assertEqual(out.a, 1)
        # Tuple methods win over output names; the name still indexes.
        self.assertEqual(out.count(2), 1)
        self.assertEqual(out["count"], 3)
        self.assertEqual(out.items(), [("a", 1), ("b/c", 2), ("count", 3)])
        with self.assertRaises(AttributeError):
            out.missing


if __name__ == "__main__":
    unittest.main()
