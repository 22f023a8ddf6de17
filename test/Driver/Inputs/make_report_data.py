"""Writes the Fashion-MNIST data sets of the report tests.

Usage: make_report_data.py <outdir> [--calibration N] [--validation N]

Writes into <outdir>, for the model input `image` ([N, 1, 28, 28] float32):
  calib.npz         the first N training images, normalized as the model
                    was trained (qcc_tools.datasets.normalize)
  calib255.npz      the same images as raw pixels 0-255: the mistake of
                    calibrating without the normalization
  val.npz           the first N test images, normalized, with `labels`
                    (int64, one class per image)
  val_dir/          the same as a directory of .npy files
  val01.npz         the same images as pixels / 255 (0-1, not normalized)
  bad_labels.npz    val.npz with one label out of range (10)
  float_labels.npz  val.npz with float32 labels
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir, os.pardir, "python"))

from qcc_tools import datasets  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("outdir")
    parser.add_argument("--calibration", type=int, default=32)
    parser.add_argument("--validation", type=int, default=100)
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)

    train, _ = datasets.load_fashion_mnist("train")
    pixels = train[:args.calibration]
    np.savez(os.path.join(args.outdir, "calib.npz"),
             image=datasets.normalize(pixels))
    np.savez(os.path.join(args.outdir, "calib255.npz"),
             image=pixels.reshape(-1, 1, 28, 28).astype(np.float32))

    test, labels = datasets.load_fashion_mnist("test")
    images = datasets.normalize(test[:args.validation])
    labels = labels[:args.validation].astype(np.int64)
    np.savez(os.path.join(args.outdir, "val.npz"), image=images,
             labels=labels)
    os.makedirs(os.path.join(args.outdir, "val_dir"), exist_ok=True)
    np.save(os.path.join(args.outdir, "val_dir", "image.npy"), images)
    np.save(os.path.join(args.outdir, "val_dir", "labels.npy"), labels)
    np.savez(os.path.join(args.outdir, "val01.npz"),
             image=(test[:args.validation].reshape(-1, 1, 28, 28) /
                    np.float32(255)).astype(np.float32), labels=labels)
    bad = labels.copy()
    bad[3] = 10
    np.savez(os.path.join(args.outdir, "bad_labels.npz"), image=images,
             labels=bad)
    np.savez(os.path.join(args.outdir, "float_labels.npz"), image=images,
             labels=labels.astype(np.float32))


if __name__ == "__main__":
    main()
