"""qcc.header.parse_header on hand-written headers in qcc's format
(docs/ABI.md)."""

import unittest

import numpy as np

from qcc.header import HeaderError, TensorSpec, parse_header

HEADER = r"""/* Net.h: C interface of a model compiled by qcc from net.onnx.
 * scratch memory is the caller's workspace of NET_WORKSPACE_SIZE bytes, */
#ifndef QCC_NET_H
#define QCC_NET_H
#define NET_NUM_INPUTS 2
#define NET_NUM_OUTPUTS 1
#define NET_WORKSPACE_SIZE 1472u
#define NET_WORKSPACE_ALIGNMENT 128u

/* Input 0 "a \"b\"\\c": float[1][3] */
#define NET_INPUT_0_NAME "a \"b\"\\c"
#define NET_INPUT_0_RANK 2
#define NET_INPUT_0_SHAPE {1, 3}
#define NET_INPUT_0_TYPE float
#define NET_INPUT_1_NAME "caf\303\251"
#define NET_INPUT_1_RANK 0
#define NET_INPUT_1_SHAPE {}
#define NET_INPUT_1_TYPE qcc_bfloat16_t
#define NET_OUTPUT_0_NAME "out"
#define NET_OUTPUT_0_RANK 3
#define NET_OUTPUT_0_SHAPE {2, 1, 4}
#define NET_OUTPUT_0_TYPE uint8_t
#define Net_workspace_size Net_workspace_size_0123abcd
#define Net_run Net_run_0123abcd
#define Net_run_packed Net_run_packed_0123abcd
size_t Net_workspace_size(void);
"""

INT8 = r"""
#define NET_INT8_INPUT_0_SCALE 1.25e-02
#define NET_INT8_INPUT_0_ZERO_POINT -55
#define NET_INT8_INPUT_0_TYPE int8_t
#define NET_INT8_INPUT_1_SCALE 5.0000000000000000e-01
#define NET_INT8_INPUT_1_ZERO_POINT 0
#define NET_INT8_INPUT_1_TYPE int8_t
#define NET_INT8_OUTPUT_0_SCALE 2.5e-01
#define NET_INT8_OUTPUT_0_ZERO_POINT 128
#define NET_INT8_OUTPUT_0_TYPE uint8_t
#define NET_INT8_INPUT_SIZES {3, 1}
#define NET_INT8_OUTPUT_SIZES {8}
#define Net_run_int8 Net_run_int8_0123abcd
"""


class ParseHeaderTest(unittest.TestCase):
    def test_float_interface(self):
        interface = parse_header(HEADER)
        self.assertEqual(interface.prefix, "Net")
        self.assertEqual(interface.inputs, [
            TensorSpec('a "b"\\c', (1, 3), np.dtype(np.float32)),
            TensorSpec("caf\u00e9", (), np.dtype(np.uint16))])
        self.assertEqual(interface.outputs, [
            TensorSpec("out", (2, 1, 4), np.dtype(np.uint8))])
        self.assertEqual(interface.workspace_size, 1472)
        self.assertEqual(interface.workspace_alignment, 128)
        self.assertIsNone(interface.int8_inputs)
        self.assertEqual(interface.symbols["Net_run_packed"],
                         "Net_run_packed_0123abcd")
        self.assertEqual(interface.symbols["Net_workspace_size"],
                         "Net_workspace_size_0123abcd")
        # Not #defined: the plain name.
        self.assertEqual(interface.symbols["Net_run_int8_packed"],
                         "Net_run_int8_packed")

    def test_integer_entry_point(self):
        interface = parse_header(HEADER + INT8)
        first, second = interface.int8_inputs
        self.assertEqual(first, TensorSpec('a "b"\\c', (1, 3),
                                           np.dtype(np.int8), 0.0125, -55))
        self.assertEqual((second.scale, second.zero_point), (0.5, 0))
        (output,) = interface.int8_outputs
        self.assertEqual((output.dtype, output.scale, output.zero_point),
                         (np.dtype(np.uint8), 0.25, 128))
        self.assertEqual(interface.symbols["Net_run_int8"],
                         "Net_run_int8_0123abcd")

    def test_errors(self):
        with self.assertRaisesRegex(HeaderError, "not a header written by"):
            parse_header("int x;\n", "x.h")
        with self.assertRaisesRegex(HeaderError, "x.h: no macro "
                                    "NET_OUTPUT_0_TYPE"):
            parse_header(HEADER.replace("#define NET_OUTPUT_0_TYPE uint8_t",
                                        ""), "x.h")
        with self.assertRaisesRegex(HeaderError, "unsupported element type "
                                    "'long double'"):
            parse_header(HEADER.replace("TYPE uint8_t", "TYPE long double"))
        with self.assertRaisesRegex(HeaderError, "RANK dimensions"):
            parse_header(HEADER.replace("SHAPE {2, 1, 4}", "SHAPE {2, 4}"))
        with self.assertRaisesRegex(HeaderError, "not an integer"):
            parse_header(HEADER.replace("1472u", "big"))
        with self.assertRaisesRegex(HeaderError, "not a string literal"):
            parse_header(HEADER.replace('"out"', "out"))


if __name__ == "__main__":
    unittest.main()
