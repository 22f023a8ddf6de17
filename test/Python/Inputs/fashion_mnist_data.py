"""Writes the data of evaluate-fashion-mnist.test: test.npz (the first
COUNT Fashion-MNIST test images, normalized, as "image" [N,1,28,28], and
their "labels") and calib.npz (the first 200 training images)."""

import os
import sys

import numpy as np

from qcc_tools.datasets import calibration_images, load_fashion_mnist, \
    normalize

COUNT = 300


def main(directory):
    os.makedirs(directory, exist_ok=True)
    images, labels = load_fashion_mnist("test")
    np.savez(os.path.join(directory, "test.npz"),
             image=normalize(images[:COUNT]), labels=labels[:COUNT])
    np.savez(os.path.join(directory, "calib.npz"),
             image=calibration_images(200))


if __name__ == "__main__":
    main(sys.argv[1])
