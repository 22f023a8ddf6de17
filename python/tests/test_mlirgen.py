"""Checks the MLIR text the model builder writes: exact constant encodings,
the entry-point signature, determinism, and (when mlir-opt is installed)
that upstream TOSA verifies every op with the shapes the reference computed."""

import os
import re
import subprocess
import unittest

import numpy as np

from qcc_tools import mlirgen
from qcc_tools.mlirgen import ModelBuilder

MLIR_OPT = "/usr/lib/llvm-22/bin/mlir-opt"


def every_op_model(seed=7):
    """A model touching every builder op, with two inputs and two outputs."""
    b = ModelBuilder(seed)
    x = b.input((1, 6, 5, 2), "x")
    h = b.conv2d(x, b.weight((3, 3, 3, 2), 18), b.bias((3,)),
                 pad=(1, 1, 2, 0), stride=(1, 2), dilation=(2, 1))
    h = b.depthwise_conv2d(b.relu(h), b.weight((2, 2, 3, 2), 4), b.bias((6,)),
                           pad=(0, 1, 0, 1))
    h = b.max_pool2d(b.clamp(h, -1.0, 6.0), (2, 1), (2, 1))
    h = b.avg_pool2d(h, (2, 2), (1, 1), pad=(1, 0, 0, 1))
    flat = b.reshape(h, (1, 36))
    y = b.fully_connected(flat, b.weight((4, 36), 36), b.bias((4,)))
    z = b.input((1, 4), "z")
    y = b.add(b.tanh(y), b.sigmoid(z))
    m = b.matmul(b.reshape(y, (1, 4, 1)), b.reshape(z, (1, 1, 4)))
    b.output(b.softmax(b.transpose(m, (0, 2, 1)), axis=1), "probs")
    b.output(y, "y")
    return b


class EncodingTest(unittest.TestCase):
    def test_tensor_type(self):
        self.assertEqual(mlirgen.tensor_type((1, 8)), "tensor<1x8xf32>")
        self.assertEqual(mlirgen.tensor_type(()), "tensor<f32>")

    def test_dense_hex_is_little_endian_f32(self):
        self.assertEqual(mlirgen.dense_hex([1.0, -2.0]), '"0x0000803F000000C0"')

    def test_dense_literal_round_trips_exactly(self):
        values = np.random.default_rng(0).normal(size=(2, 3)).astype(np.float32)
        text = mlirgen.dense_literal(values)
        self.assertTrue(text.startswith("[[") and text.endswith("]]"))
        parsed = np.array([float(v) for v in re.findall(r"[-0-9.e+]+", text)],
                          dtype=np.float32)
        np.testing.assert_array_equal(parsed, values.ravel())


class BuilderTest(unittest.TestCase):
    def test_signature_names_and_order(self):
        text = every_op_model().module_text("a comment")
        self.assertTrue(text.startswith("// a comment\nfunc.func @main("))
        self.assertIn('%arg0: tensor<1x6x5x2xf32> {qcc.name = "x"}', text)
        self.assertIn('%arg1: tensor<1x4xf32> {qcc.name = "z"}', text)
        self.assertIn('-> (tensor<1x4x4xf32> {qcc.name = "probs"}, '
                      'tensor<1x4xf32> {qcc.name = "y"})', text)

    def test_deterministic_from_seed(self):
        self.assertEqual(every_op_model(3).module_text(),
                         every_op_model(3).module_text())
        self.assertNotEqual(every_op_model(3).module_text(),
                            every_op_model(4).module_text())

    def test_inputs_are_float32_and_reference_uses_them(self):
        b = ModelBuilder(0)
        x = b.input((3,), "x")
        self.assertEqual(b.inputs[0][2].dtype, np.float32)
        np.testing.assert_array_equal(x.ref, b.inputs[0][2].astype(np.float64))

    def test_output_required(self):
        with self.assertRaises(ValueError):
            ModelBuilder(0).module_text()

    @unittest.skipUnless(os.access(MLIR_OPT, os.X_OK), "needs mlir-opt")
    def test_upstream_tosa_verifies_reference_shapes(self):
        result = subprocess.run([MLIR_OPT, "-", "-o", os.devnull],
                                input=every_op_model().module_text(),
                                capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stderr)


if __name__ == "__main__":
    unittest.main()
