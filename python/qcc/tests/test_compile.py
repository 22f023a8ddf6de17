"""qcc.compile and qcc.load on small ONNX models, against numpy references
of the same models. Uses the qcc that qcc.find_qcc finds ($QCC first)."""

import gc
import os
import tempfile
import unittest
import warnings
from unittest import mock

import numpy as np

import qcc
from qcc.tests.models import write_dense, write_two_io

REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..",
                                     ".."))
ISLAND = os.path.join(REPO, "test", "Driver", "Inputs", "island.mlir")


def sqnr_db(reference, actual):
    noise = np.sum((reference - actual) ** 2)
    return 10 * np.log10(np.sum(reference ** 2) / noise)


def quantize(x, spec):
    """Numerics.md's quantize: clamp(roundeven(x / f32(s)) + z), in f32."""
    info = np.iinfo(spec.dtype)
    q = np.rint(np.float32(x) / np.float32(spec.scale)) + spec.zero_point
    return np.clip(q, info.min, info.max).astype(spec.dtype)


def dequantize(q, spec):
    return ((q.astype(np.int32) - spec.zero_point).astype(np.float32) *
            np.float32(spec.scale))


class CompileTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="qcc-test-")
        cls.dense_path = os.path.join(cls.tmp.name, "dense.onnx")
        cls.dense_ref = staticmethod(write_dense(cls.dense_path))
        cls.two_io_path = os.path.join(cls.tmp.name, "two io.onnx")
        cls.two_io_ref = staticmethod(write_two_io(cls.two_io_path))
        cls.dense = qcc.compile(cls.dense_path)
        cls.two_io = qcc.compile(cls.two_io_path)
        rng = np.random.default_rng(7)
        cls.calib = rng.uniform(-1, 1, (200, 8)).astype(np.float32)
        # Samples inside the calibrated ranges: int8 saturates outside them.
        cls.samples = cls.calib[:50, None, :]

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_call_matches_numpy(self):
        x = self.samples[0]
        y = self.dense(x)
        self.assertEqual(y.shape, (1, 4))
        self.assertEqual(y.dtype, np.float32)
        np.testing.assert_allclose(y, self.dense_ref(x), rtol=1e-5,
                                   atol=1e-6)

    def test_float64_and_lists_are_converted(self):
        x = self.samples[1].astype(np.float64)
        np.testing.assert_allclose(self.dense(x), self.dense_ref(x),
                                   rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(self.dense(x.tolist()), self.dense_ref(x),
                                   rtol=1e-5, atol=1e-6)

    def test_batch_on_extra_axis(self):
        y = self.dense(self.samples)
        self.assertEqual(y.shape, (50, 1, 4))
        np.testing.assert_allclose(y, self.dense_ref(self.samples),
                                   rtol=1e-5, atol=1e-6)

    def test_batch_along_leading_axis_of_one(self):
        x = self.samples[:, 0, :]
        y = self.dense(x)
        self.assertEqual(y.shape, (50, 4))
        np.testing.assert_allclose(y, self.dense_ref(x), rtol=1e-5,
                                   atol=1e-6)
        self.assertEqual(self.dense(x[:0]).shape, (0, 4))

    def test_named_inputs_and_outputs(self):
        rng = np.random.default_rng(3)
        a, b = rng.uniform(-2, 2, (2, 1, 6)).astype(np.float32)
        expected_sum, expected_proj = self.two_io_ref(a, b)
        for out in (self.two_io(a, b), self.two_io(a=a, b=b),
                    self.two_io(b=b, a=a), self.two_io({"a": a, "b": b}),
                    self.two_io(a, b=b)):
            self.assertIsInstance(out, qcc.Outputs)
            total, proj = out  # a tuple in the header's order
            np.testing.assert_allclose(total, expected_sum, rtol=1e-6)
            np.testing.assert_allclose(out["sum"], expected_sum, rtol=1e-6)
            np.testing.assert_allclose(out.sum, expected_sum, rtol=1e-6)
            np.testing.assert_allclose(out["proj/out"], expected_proj,
                                       rtol=1e-5, atol=1e-6)
            np.testing.assert_allclose(proj, expected_proj, rtol=1e-5,
                                       atol=1e-6)
        self.assertEqual(out.keys(), ["sum", "proj/out"])
        self.assertEqual(list(out.as_dict()), ["sum", "proj/out"])
        with self.assertRaisesRegex(KeyError, "no output named 'nope'"):
            out["nope"]

    def test_unbatched_input_is_reused_for_every_sample(self):
        rng = np.random.default_rng(4)
        a = rng.uniform(-1, 1, (3, 1, 6)).astype(np.float32)
        b = rng.uniform(-1, 1, (1, 6)).astype(np.float32)
        out = self.two_io(a, b)
        expected_sum, expected_proj = self.two_io_ref(a, b)
        self.assertEqual(out["sum"].shape, (3, 1, 6))
        np.testing.assert_allclose(out["sum"], expected_sum, rtol=1e-6)
        np.testing.assert_allclose(out["proj/out"], expected_proj, rtol=1e-5,
                                   atol=1e-6)

    def test_wrong_shape_names_the_input(self):
        with self.assertRaises(ValueError) as raised:
            self.dense(np.zeros((1, 9), np.float32))
        message = str(raised.exception)
        self.assertIn("input 'x'", message)
        self.assertIn("shape (1, 9)", message)
        self.assertIn("expected (1, 8)", message)
        self.assertIn("(N, 1, 8) or (N, 8) for a batch of N", message)
        with self.assertRaisesRegex(ValueError, "input 'b': shape \\(6, 1\\)"):
            self.two_io(np.zeros((2, 6)), np.zeros((6, 1)))

    def test_argument_errors(self):
        x = np.zeros((1, 6), np.float32)
        with self.assertRaisesRegex(TypeError, "missing input.*'b'"):
            self.two_io(x)
        with self.assertRaisesRegex(TypeError, "no input 'c'"):
            self.two_io(a=x, b=x, c=x)
        with self.assertRaisesRegex(TypeError, "2 input.*3 given"):
            self.two_io(x, x, x)
        with self.assertRaisesRegex(TypeError, "'a' given twice"):
            self.two_io(x, b=x, a=x)
        with self.assertRaisesRegex(TypeError, "cannot convert complex128"):
            self.dense(np.zeros((1, 8), np.complex128))
        with self.assertRaisesRegex(ValueError, "different sample counts"):
            self.two_io(np.zeros((2, 1, 6)), np.zeros((3, 1, 6)))
        with self.assertRaisesRegex(ValueError, "mixed batch forms"):
            self.two_io(np.zeros((2, 1, 6)), np.zeros((2, 6)))

    def test_properties(self):
        model = self.dense
        self.assertEqual(model.inputs, [qcc.TensorSpec("x", (1, 8),
                                                       np.dtype(np.float32))])
        self.assertEqual(model.outputs, [qcc.TensorSpec("y", (1, 4),
                                                        np.dtype(np.float32))])
        self.assertEqual(model.name, "dense")
        self.assertIsNone(model.int8)
        self.assertTrue(model.header_path.endswith("dense.h"))
        self.assertTrue(os.path.isfile(model.header_path))
        self.assertEqual(model.object_size,
                         os.path.getsize(model.object_path))
        with open(model.header_path) as f:
            header = f.read()
        self.assertIn(f"#define DENSE_WORKSPACE_SIZE {model.workspace_size}u",
                      header)
        self.assertIn("#define DENSE_WORKSPACE_ALIGNMENT "
                      f"{model.workspace_alignment}u", header)
        self.assertIn("qcc.Model dense (x: float32[1, 8]) -> "
                      "(y: float32[1, 4])", repr(model))
        # The model file "two io.onnx" gives the symbol prefix two_io.
        self.assertEqual(self.two_io.name, "two_io")

    def test_output_dir_name_and_rebuild(self):
        with tempfile.TemporaryDirectory() as out:
            first = qcc.compile(self.dense_path, output_dir=out,
                                name="net", options=["-O1"])
            self.assertEqual(sorted(os.listdir(out)), ["net.h", "net.o",
                                                       "net.so"])
            self.assertEqual(first.name, "net")
            self.assertIn("-O1", first.command)
            # Another model under the same name and directory: the new
            # library gets a new file, so dlopen cannot hand back the old.
            second = qcc.compile(self.two_io_path, output_dir=out, name="net")
            self.assertTrue(second.library_path.endswith("net-1.so"))
            self.assertEqual([s.name for s in second.inputs], ["a", "b"])
            x = self.samples[2]
            np.testing.assert_allclose(first(x), self.dense_ref(x),
                                       rtol=1e-5, atol=1e-6)

    def test_temporary_directory_goes_with_the_model(self):
        model = qcc.compile(self.dense_path)
        directory = os.path.dirname(model.header_path)
        self.assertTrue(os.path.isdir(directory))
        del model
        gc.collect()
        self.assertFalse(os.path.exists(directory))

    def test_int8_with_calibration_dict(self):
        model = qcc.compile(self.dense_path, calibration={"x": self.calib})
        self.assertEqual(model.inputs[0].dtype, np.float32)
        y = model(self.samples)
        self.assertGreater(sqnr_db(self.dense_ref(self.samples), y), 35.0)
        # The integer entry point with the header's scale and zero point
        # gives exactly what the float entry point computes around it.
        int8 = model.int8
        self.assertIsNotNone(int8)
        (spec_in,), (spec_out,) = int8.inputs, int8.outputs
        self.assertEqual(spec_in.dtype, np.int8)
        self.assertGreater(spec_in.scale, 0.0)
        q = int8(quantize(self.samples, spec_in))
        self.assertEqual(q.dtype, np.int8)
        np.testing.assert_array_equal(dequantize(q, spec_out), y)
        # The calibration data saw [-1, 1]: the input scale is near 2/255.
        self.assertAlmostEqual(spec_in.scale, 2 / 255, delta=0.1 * 2 / 255)

    def test_calibration_forms_agree(self):
        reference = qcc.compile(self.dense_path, {"x": self.calib})
        expected = reference(self.samples)
        npz = os.path.join(self.tmp.name, "calib.npz")
        np.savez(npz, x=self.calib)
        npy = os.path.join(self.tmp.name, "calib.npy")
        np.save(npy, self.calib)
        for calibration in (npz, npy, self.calib, [self.calib]):
            with self.subTest(calibration=type(calibration).__name__):
                model = qcc.compile(self.dense_path, calibration)
                np.testing.assert_array_equal(model(self.samples), expected)
        with self.assertRaisesRegex(ValueError, "2 array.*1 model input"):
            qcc.compile(self.dense_path, [self.calib, self.calib])
        with self.assertRaises(FileNotFoundError):
            qcc.compile(self.dense_path, os.path.join(self.tmp.name, "no.npz"))

    def test_uncalibrated_schemes(self):
        expected = self.dense_ref(self.samples)
        for scheme in ("dynamic", "weight-int8", "weight-only-int4"):
            with self.subTest(scheme=scheme):
                model = qcc.compile(self.dense_path, quantize=scheme)
                self.assertIsNone(model.int8)
                self.assertGreater(sqnr_db(expected, model(self.samples)),
                                   15.0 if scheme.endswith("4") else 30.0)

    def test_calibrated_schemes_and_report(self):
        model = qcc.compile(self.dense_path, {"x": self.calib},
                            quantize="uint8", report=True)
        self.assertEqual(model.int8.inputs[0].dtype, np.uint8)
        self.assertGreater(sqnr_db(self.dense_ref(self.samples),
                                   model(self.samples)), 35.0)
        self.assertEqual(model.report["contractions"]["int8"], 1)

    def test_missing_qcc(self):
        with self.assertRaisesRegex(qcc.QccError, "qcc not found.*qcc_path"):
            qcc.compile(self.dense_path, qcc_path="/nonexistent/qcc")
        with mock.patch.dict(os.environ, {"QCC": "/nonexistent/qcc"}):
            with self.assertRaisesRegex(qcc.QccError,
                                        "qcc not found.*QCC variable"):
                qcc.compile(self.dense_path)

    def test_bad_model_carries_qcc_message(self):
        bad = os.path.join(self.tmp.name, "bad.onnx")
        with open(bad, "w") as f:
            f.write("not a model")
        with self.assertRaises(qcc.QccError) as raised:
            qcc.compile(bad)
        error = raised.exception
        self.assertEqual(error.returncode, 1)
        self.assertIn("cannot parse", error.stderr)
        self.assertIn("bad.onnx", str(error))
        self.assertIn("as an ONNX model", str(error))

    def test_link_failure(self):
        with self.assertRaisesRegex(qcc.QccError,
                                    "linking .*dense.o failed \\(exit 1\\)"):
            qcc.compile(self.dense_path, cc="false")
        with self.assertRaisesRegex(qcc.QccError,
                                    "cannot run '/nonexistent/cc'"):
            qcc.compile(self.dense_path, cc="/nonexistent/cc")

    def test_qcc_rejects_flags(self):
        with self.assertRaisesRegex(qcc.QccError, "quantized nothing"):
            qcc.compile(self.dense_path, quantize="int8")
        with self.assertRaisesRegex(qcc.QccError, "--quantize"):
            qcc.compile(self.dense_path, quantize="int3")

    def test_warnings_reach_the_user(self):
        calib = np.random.default_rng(0).uniform(-1, 1, (8, 1, 4, 4, 1))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model = qcc.compile(ISLAND, {"input_0": calib.astype(np.float32)})
        messages = [str(w.message) for w in caught
                    if issubclass(w.category, qcc.QccWarning)]
        self.assertEqual(len(messages), 1)
        self.assertIn("float between quantized layers", messages[0])
        self.assertIn("float between quantized layers", model.log)

    def test_bad_arguments(self):
        with self.assertRaises(FileNotFoundError):
            qcc.compile(os.path.join(self.tmp.name, "missing.onnx"))
        with self.assertRaisesRegex(ValueError, "not a C identifier"):
            qcc.compile(self.dense_path, name="my-net")
        foreign = "riscv64" if os.uname().machine != "riscv64" else "aarch64"
        with self.assertRaisesRegex(ValueError, "cannot be loaded here"):
            qcc.compile(self.dense_path, target=foreign)

    def test_load(self):
        x = self.samples[3]
        for path in (self.dense.object_path, self.dense.library_path):
            with self.subTest(path=os.path.basename(path)):
                model = qcc.load(path, self.dense.header_path)
                np.testing.assert_array_equal(model(x), self.dense(x))
        model = qcc.load(self.dense.object_path)  # the header beside it
        self.assertEqual(model.name, "dense")
        with self.assertRaisesRegex(qcc.HeaderError,
                                    "belongs to another compilation"):
            qcc.load(self.dense.object_path, self.two_io.header_path)

    def test_benchmark(self):
        times = self.dense.benchmark(self.samples[0], repeat=7, warmup=1)
        self.assertEqual(times.shape, (7,))
        self.assertTrue(np.all(times > 0))
        x = np.zeros((1, 6), np.float32)
        self.assertEqual(len(self.two_io.benchmark([x, x], repeat=2)), 2)
        self.assertEqual(len(self.two_io.benchmark({"a": x, "b": x},
                                                   repeat=3)), 3)


if __name__ == "__main__":
    unittest.main()
