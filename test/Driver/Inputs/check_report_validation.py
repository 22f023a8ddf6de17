"""Checks a qcc --report of the Fashion-MNIST CNN against numbers computed
without qcc's report.

Usage: check_report_validation.py <report.json> <calib.npz> <val.npz>
           <int8.so> <int8.h> <prefix>

The float logits come from PyTorch (the trained weights in test/Models),
the quantized logits from the object qcc compiled in the same run, linked
into <int8.so> and run through qcc_tools.loader. From them: top-1 agreement,
top-1 accuracy of both models against the labels, and the SQNR of the
logits, each compared with the report's validation numbers (within one
image, and 0.5 dB: the report's float model is qcc's, not PyTorch's). The
input's histograms, extremes, out-of-range counts and the share of its range
the values use are recomputed with numpy from the data files and must match
exactly. Prints one line per check; exits 1 on the first mismatch.
"""

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, os.pardir, os.pardir, os.pardir))
sys.path.insert(0, os.path.join(REPO, "python"))
sys.path.insert(0, os.path.join(REPO, "python", "models", "fashion_mnist"))

from qcc_tools.loader import Model  # noqa: E402


def fail(message):
    print("MISMATCH:", message)
    sys.exit(1)


def check_close(what, reported, expected, tolerance):
    if reported is None or abs(reported - expected) > tolerance:
        fail(f"{what}: report {reported}, expected {expected} "
             f"(tolerance {tolerance})")
    print(f"{what}: ok")


def check_distribution(what, distribution, values, value_range):
    values = values.astype(np.float64).ravel()
    if distribution["count"] != values.size:
        fail(f"{what}: count {distribution['count']} != {values.size}")
    if distribution["min"] != values.min() or \
            distribution["max"] != values.max():
        fail(f"{what}: extremes {distribution['min']}, "
             f"{distribution['max']} != {values.min()}, {values.max()}")
    low, high = value_range
    below, above = int((values < low).sum()), int((values > high).sum())
    if (distribution["below_range"], distribution["above_range"]) != \
            (below, above):
        fail(f"{what}: outside the range {distribution['below_range']}, "
             f"{distribution['above_range']} != {below}, {above}")
    used = 100.0 * max(min(values.max(), high) - max(values.min(), low),
                       0.0) / (high - low)
    if abs(distribution["range_used_percent"] - used) > 1e-9:
        fail(f"{what}: range used {distribution['range_used_percent']} "
             f"!= {used}")
    histogram = distribution["histogram"]
    width, start = histogram["bin_width"], histogram["start"]
    # Bins of a power-of-two width anchored at 0: bin i is [i w, (i+1) w).
    if width <= 0 or np.log2(width) != np.round(np.log2(width)):
        fail(f"{what}: bin width {width} is not a power of two")
    first = np.floor(start / width)
    if first * width != start:
        fail(f"{what}: start {start} is not a multiple of {width}")
    bins = (np.floor(values / width) - first).astype(np.int64)
    counts = np.bincount(bins).tolist()
    if histogram["counts"] != counts:
        fail(f"{what}: histogram differs from numpy's")
    if len(counts) > 128:
        fail(f"{what}: {len(counts)} bins")
    print(f"{what}: ok")


def main():
    report_path, calib_path, val_path, so, header, prefix = sys.argv[1:]
    with open(report_path) as f:
        report = json.load(f)
    validation = np.load(val_path)
    images, labels = validation["image"], validation["labels"]

    import torch
    from model import load_trained
    with torch.no_grad():
        float_logits = load_trained()(torch.from_numpy(images)).numpy()
    model = Model(so, prefix, header=header)
    quantized_logits = np.stack(
        [model.run(images[i:i + 1])[0].reshape(10)
         for i in range(len(images))])

    n = len(images)
    one_image = 100.0 / n
    f64, q64 = float_logits.astype(np.float64), quantized_logits.astype(
        np.float64)
    agreement = 100.0 * np.mean(f64.argmax(1) == q64.argmax(1))
    accuracy_float = 100.0 * np.mean(f64.argmax(1) == labels)
    accuracy_quantized = 100.0 * np.mean(q64.argmax(1) == labels)
    sqnr = 10 * np.log10(np.sum(f64 ** 2) / np.sum((q64 - f64) ** 2))

    output = report["outputs"][0]["validation"]
    summary = report["summary"]
    check_close("top-1 agreement", output["top1_agreement_percent"],
                agreement, one_image)
    check_close("summary top-1 agreement",
                summary["top1_agreement_percent"]["validation"],
                output["top1_agreement_percent"], 0.0)
    check_close("float accuracy", output["accuracy_float_percent"],
                accuracy_float, one_image)
    check_close("quantized accuracy", output["accuracy_quantized_percent"],
                accuracy_quantized, one_image)
    check_close("summary accuracy", summary["accuracy_percent"]["quantized"],
                output["accuracy_quantized_percent"], 0.0)
    check_close("output SQNR", output["sqnr_db"], sqnr, 0.5)
    # The last layer computes the logits: its own validation SQNR is the
    # output's.
    check_close("last layer SQNR", report["layers"][-1]["validation"]["sqnr_db"],
                sqnr, 0.5)
    if report["validation"]["samples"] != n or not report["validation"][
            "labels"]:
        fail("validation section")

    image = report["inputs"][0]
    check_distribution("calibration input histogram",
                       image["distribution"]["calibration"],
                       np.load(calib_path)["image"], image["range"])
    check_distribution("validation input histogram",
                       image["distribution"]["validation"], images,
                       image["range"])
    print(f"agreement {agreement:.1f} %")


if __name__ == "__main__":
    main()
