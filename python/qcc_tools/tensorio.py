"""Tensor files exchanged with the C harness and the tests.

The harness reads and writes raw buffers exactly as the compiled model sees
them: little-endian, C order, no header. Shapes and dtypes therefore travel
separately (in the generated header or next to the file as a .npy).
"""

import os

import numpy as np


def write_raw(path, array, dtype="<f4"):
    """Writes `array` as raw little-endian C-order data of `dtype`."""
    np.ascontiguousarray(array, dtype=dtype).tofile(path)


def read_raw(path, shape, dtype="<f4"):
    """Reads a raw file; its size must match `shape` exactly."""
    dtype = np.dtype(dtype)
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    size = os.path.getsize(path)
    if size != expected:
        raise ValueError(f"{path}: holds {size} bytes, expected {expected} "
                         f"for shape {tuple(shape)} of {dtype}")
    return np.fromfile(path, dtype=dtype).reshape(shape)


def save_npy(path, array):
    np.save(path, np.asarray(array), allow_pickle=False)


def load_npy(path):
    return np.load(path, allow_pickle=False)


def load(path, shape, dtype="<f4"):
    """Loads a .npy file as is, or a raw file with the given shape/dtype."""
    if str(path).endswith(".npy"):
        array = load_npy(path)
        if array.shape != tuple(shape):
            raise ValueError(f"{path}: shape {array.shape}, expected "
                             f"{tuple(shape)}")
        return array
    return read_raw(path, shape, dtype)

