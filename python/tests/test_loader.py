"""Checks the ctypes loader against a hand-written C "model" that follows
qcc's ABI (header macros plus <name>_run_packed/<name>_workspace_size), so
the loader is tested without depending on the compiler it serves."""

import os
import shutil
import subprocess
import tempfile
import unittest

import numpy as np

from qcc_tools.loader import Model, parse_header

HEADER = """\
#include <stddef.h>
#include <stdint.h>
#define TINY_NUM_INPUTS 2
#define TINY_NUM_OUTPUTS 2
#define TINY_WORKSPACE_SIZE 16u
#define TINY_WORKSPACE_ALIGNMENT 64u
#define TINY_INPUT_0_NAME "x"
#define TINY_INPUT_0_RANK 2
#define TINY_INPUT_0_SHAPE {2, 3}
#define TINY_INPUT_0_TYPE float
#define TINY_INPUT_1_NAME "scale"
#define TINY_INPUT_1_RANK 1
#define TINY_INPUT_1_SHAPE {1}
#define TINY_INPUT_1_TYPE float
#define TINY_OUTPUT_0_NAME "scaled"
#define TINY_OUTPUT_0_RANK 2
#define TINY_OUTPUT_0_SHAPE {2, 3}
#define TINY_OUTPUT_0_TYPE float
#define TINY_OUTPUT_1_NAME "total"
#define TINY_OUTPUT_1_RANK 1
#define TINY_OUTPUT_1_SHAPE {1}
#define TINY_OUTPUT_1_TYPE float
size_t tiny_workspace_size(void);
void tiny_run_packed(const void *const *inputs, void *const *outputs,
                     void *workspace);
"""

# scaled = x * scale; total = sum(x), accumulated in the workspace. Any
# misaligned buffer turns the outputs into -1 so the test sees it.
SOURCE = """\
#include "tiny.h"
size_t tiny_workspace_size(void) { return TINY_WORKSPACE_SIZE; }
void tiny_run_packed(const void *const *in, void *const *out, void *ws) {
  const float *x = in[0], *scale = in[1];
  float *scaled = out[0], *total = out[1], *acc = ws;
  int aligned = ((uintptr_t)ws | (uintptr_t)x | (uintptr_t)scale |
                 (uintptr_t)scaled | (uintptr_t)total) % 64 == 0;
  *acc = 0.0f;
  for (int i = 0; i < 6; ++i) {
    scaled[i] = aligned ? x[i] * scale[0] : -1.0f;
    *acc += x[i];
  }
  *total = aligned ? *acc : -1.0f;
}
"""


@unittest.skipUnless(shutil.which("gcc"), "needs gcc")
class LoaderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        d = cls.dir.name
        cls.header = os.path.join(d, "tiny.h")
        cls.so = os.path.join(d, "tiny.so")
        with open(cls.header, "w") as f:
            f.write(HEADER)
        with open(os.path.join(d, "tiny.c"), "w") as f:
            f.write(SOURCE)
        subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", cls.so,
                        os.path.join(d, "tiny.c")], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def test_parse_header(self):
        inputs, outputs, size, alignment = parse_header(self.header, "tiny")
        self.assertEqual([(s.name, s.shape) for s in inputs],
                         [("x", (2, 3)), ("scale", (1,))])
        self.assertEqual([(s.name, s.shape) for s in outputs],
                         [("scaled", (2, 3)), ("total", (1,))])
        self.assertEqual((size, alignment), (16, 64))

    def test_run_with_header(self):
        model = Model(self.so, "tiny", header=self.header)
        x = np.arange(6.0).reshape(2, 3)
        for scale in (2.0, -0.5):  # a second run reuses the workspace
            scaled, total = model.run(x, [scale])
            np.testing.assert_array_equal(scaled, x * scale)
            np.testing.assert_array_equal(total, [15.0])
            self.assertEqual(scaled.dtype, np.float32)

    def test_run_with_explicit_shapes(self):
        model = Model(self.so, "tiny", inputs=[(2, 3), (1,)],
                      outputs=[(2, 3), (1,)])
        scaled, total = model.run(np.ones((2, 3)), np.array([3.0]))
        np.testing.assert_array_equal(scaled, np.full((2, 3), 3.0))
        np.testing.assert_array_equal(total, [6.0])

    def test_rejects_bad_inputs(self):
        model = Model(self.so, "tiny", header=self.header)
        with self.assertRaisesRegex(ValueError, "takes 2 inputs"):
            model.run(np.ones((2, 3)))
        with self.assertRaisesRegex(ValueError, "input 'x'"):
            model.run(np.ones((3, 2)), [1.0])

    def test_header_and_library_must_agree(self):
        bad = os.path.join(self.dir.name, "bad.h")
        with open(bad, "w") as f:
            f.write(HEADER.replace("WORKSPACE_SIZE 16u", "WORKSPACE_SIZE 8u"))
        with self.assertRaisesRegex(ValueError, "workspace"):
            Model(self.so, "tiny", header=bad)


if __name__ == "__main__":
    unittest.main()
