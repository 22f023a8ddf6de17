"""Runs a qcc-compiled model from Python through its packed C entry point.

A model compiled with ``qcc --name=<prefix>`` and linked into a shared object
exports ``<prefix>_run_packed(inputs, outputs, workspace)`` and
``<prefix>_workspace_size()``. Tensor shapes and element types come either
from the header qcc writes next to the object (``<PREFIX>_INPUT_<i>_SHAPE``
and friends) or from explicit float32 shapes. Every buffer handed to the
model is aligned to the workspace alignment, and outputs and workspace start
out filled with 0xFF bytes (NaN for floats), so a model that reads before
writing, or forgets an output, produces visible garbage instead of zeros.

Example::

    model = Model("model.so", "model", header="model.h")
    (logits,) = model.run(image)
"""

import ctypes
import os
from collections import namedtuple

import numpy as np

from qcc.header import read_header

TensorSpec = namedtuple("TensorSpec", "name shape dtype")

_DEFAULT_ALIGNMENT = 64


def parse_header(path, prefix):
    """Reads (inputs, outputs, workspace size, alignment) from a qcc header
    (the qcc package's parser), checking that it declares `prefix`."""
    interface = read_header(path)
    if interface.prefix != prefix:
        raise ValueError(f"{path}: declares the model {interface.prefix!r}, "
                         f"not {prefix!r}")
    inputs = [TensorSpec(t.name, t.shape, t.dtype) for t in interface.inputs]
    outputs = [TensorSpec(t.name, t.shape, t.dtype) for t in interface.outputs]
    return (inputs, outputs, interface.workspace_size,
            interface.workspace_alignment)


def aligned_empty(nbytes, alignment):
    """A uint8 numpy buffer of `nbytes` whose data pointer is aligned."""
    raw = np.empty(nbytes + alignment, dtype=np.uint8)
    offset = -raw.ctypes.data % alignment
    return raw[offset:offset + nbytes]


class Model:
    """A compiled model in a shared object.

    Either `header` (the .h qcc wrote) or both `inputs` and `outputs` (lists
    of float32 shapes) must be given.
    """

    def __init__(self, so_path, prefix, header=None, inputs=None,
                 outputs=None):
        # An absolute path keeps dlopen from searching the library path.
        self._lib = ctypes.CDLL(os.path.abspath(so_path))
        self._run = getattr(self._lib, f"{prefix}_run_packed")
        self._run.argtypes = [ctypes.c_void_p] * 3
        self._run.restype = None
        size_fn = getattr(self._lib, f"{prefix}_workspace_size")
        size_fn.argtypes = []
        size_fn.restype = ctypes.c_size_t
        workspace_size = size_fn()

        if header is not None:
            self.inputs, self.outputs, header_size, self.alignment = \
                parse_header(header, prefix)
            if header_size != workspace_size:
                raise ValueError(
                    f"{header} says the workspace is {header_size} bytes, "
                    f"{prefix}_workspace_size() says {workspace_size}")
        elif inputs is not None and outputs is not None:
            self.inputs = [TensorSpec(f"input_{i}", tuple(s),
                                      np.dtype(np.float32))
                           for i, s in enumerate(inputs)]
            self.outputs = [TensorSpec(f"output_{i}", tuple(s),
                                       np.dtype(np.float32))
                            for i, s in enumerate(outputs)]
            self.alignment = _DEFAULT_ALIGNMENT
        else:
            raise ValueError("give a header, or input and output shapes")

        self._workspace = aligned_empty(workspace_size, self.alignment)
        self._workspace.fill(0xFF)

    def run(self, *arrays):
        """Runs the model on `arrays` (one per input, shapes must match
        exactly) and returns freshly allocated output arrays."""
        if len(arrays) != len(self.inputs):
            raise ValueError(f"model takes {len(self.inputs)} inputs, "
                             f"got {len(arrays)}")
        ins = [self._buffer(spec) for spec in self.inputs]
        for buf, array, spec in zip(ins, arrays, self.inputs):
            array = np.asarray(array)
            if array.shape != spec.shape:
                raise ValueError(f"input {spec.name!r}: shape {array.shape}, "
                                 f"expected {spec.shape}")
            buf[...] = array
        outs = [self._buffer(spec) for spec in self.outputs]
        for buf in outs:
            buf.reshape(-1).view(np.uint8).fill(0xFF)

        def pointers(buffers):
            return (ctypes.c_void_p * max(len(buffers), 1))(
                *[b.ctypes.data for b in buffers])

        self._run(pointers(ins), pointers(outs), self._workspace.ctypes.data)
        return [buf.copy() for buf in outs]

    def _buffer(self, spec):
        count = int(np.prod(spec.shape, dtype=np.int64))
        raw = aligned_empty(count * spec.dtype.itemsize, self.alignment)
        return raw.view(spec.dtype).reshape(spec.shape)
