"""Writes the models and data archives of evaluate-errors.test into a
directory: dense.onnx (input x [1,8]), two_io.onnx (inputs a, b [1,6]) and
.npz archives that are wrong in one way each."""

import os
import sys

import numpy as np

from qcc.tests.models import write_dense, write_two_io


def main(directory):
    os.makedirs(directory, exist_ok=True)
    write_dense(os.path.join(directory, "dense.onnx"))
    write_two_io(os.path.join(directory, "two_io.onnx"))
    x = np.random.default_rng(0).uniform(-1, 1, (10, 1, 8)).astype(np.float32)

    def archive(name, **arrays):
        np.savez(os.path.join(directory, name), **arrays)

    archive("good.npz", x=x, labels=np.arange(10) % 4)
    archive("calib.npz", x=x)
    archive("no_input.npz", y=x)
    archive("bad_shape.npz", x=np.zeros((10, 9), np.float32))
    archive("few_labels.npz", x=x, labels=np.zeros(7, np.int64))
    archive("complex.npz", x=x.astype(np.complex64))
    archive("uneven.npz", a=np.zeros((4, 1, 6), np.float32),
            b=np.zeros((5, 1, 6), np.float32))
    np.save(os.path.join(directory, "single.npy"), x)
    with open(os.path.join(directory, "bad.onnx"), "w") as f:
        f.write("not a model\n")
    with open(os.path.join(directory, "bad.npz"), "w") as f:
        f.write("not an archive\n")


if __name__ == "__main__":
    main(sys.argv[1])
