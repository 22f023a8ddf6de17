"""python3 -m qcc.evaluate without labels, in process, on a small model:
the SQNR and error columns against values computed here from the same
builds' outputs and a numpy reference."""

import contextlib
import io
import json
import os
import tempfile
import unittest

import numpy as np

import qcc
from qcc.evaluate import main
from qcc.tests.models import write_dense


class EvaluateTest(unittest.TestCase):
    def test_no_labels(self):
        with tempfile.TemporaryDirectory() as tmp:
            model = os.path.join(tmp, "dense.onnx")
            reference = write_dense(model)
            rng = np.random.default_rng(11)
            calib = rng.uniform(-1, 1, (300, 1, 8)).astype(np.float32)
            np.savez(os.path.join(tmp, "calib.npz"), x=calib)
            # The data in the [N, 8] form of a batch axis of 1, and an
            # array that is no input (ignored).
            data = calib[:40, 0]
            np.savez(os.path.join(tmp, "data.npz"), x=data,
                     extra=np.zeros(3))
            result = os.path.join(tmp, "result.json")
            stdout = io.StringIO()
            with contextlib.redirect_stdout(stdout):
                status = main([model, "--data", os.path.join(tmp, "data.npz"),
                               "--calibration",
                               os.path.join(tmp, "calib.npz"), "--schemes",
                               "int8,dynamic", "--limit", "30", "--repeat",
                               "3", "--json", result])
            self.assertEqual(status, 0)
            with open(result) as f:
                summary = json.load(f)

            expected = reference(data[:30])
            int8 = qcc.compile(model, os.path.join(tmp, "calib.npz"))
            dynamic = qcc.compile(model, quantize="dynamic")

        self.assertEqual(summary["samples"], 30)
        self.assertIsNone(summary["labels"])
        self.assertEqual(summary["reference"],
                         "qcc's float build (--quantize=none)")
        rows = {row["scheme"]: row for row in summary["rows"]}
        self.assertEqual(list(rows), ["int8", "dynamic"])  # float: no row
        for name, build in (("int8", int8), ("dynamic", dynamic)):
            actual = build(data[:30]).astype(np.float64)
            noise = np.sum((expected - actual) ** 2)
            sqnr = 10 * np.log10(np.sum(expected ** 2) / noise)
            self.assertAlmostEqual(rows[name]["sqnr_db"], sqnr, delta=0.01)
            self.assertAlmostEqual(rows[name]["max_abs_error"],
                                   np.abs(expected - actual).max(),
                                   delta=1e-5)
            self.assertIsNone(rows[name]["top1"])
            self.assertEqual(rows[name]["workspace_bytes"],
                             build.workspace_size)
            self.assertGreater(rows[name]["latency_ms"], 0)
        lines = stdout.getvalue().splitlines()
        self.assertIn("no labels", lines[1])
        header = lines.index("") + 1
        self.assertEqual(lines[header].split(),
                         ["scheme", "SQNR", "max", "error", "object",
                          "workspace", "latency"])
        self.assertTrue(lines[header + 1].startswith("int8 "))
        self.assertTrue(lines[header + 2].startswith("dynamic "))


if __name__ == "__main__":
    unittest.main()
