#!/usr/bin/python3
"""Every qcc quantization scheme on the Fashion-MNIST model, side by side.

Compiles test/Models/fashion_mnist_cnn.onnx with qcc once in float and once
per scheme (the calibrated ones from one saved profile, so calibration runs
once), runs each object over the 10,000 test images through ctypes, and
prints one Markdown table: top-1 accuracy, the scheme's floor, agreement of
the top-1 class with the float model, the SQNR of the logits against the
float model's, and the object size.

The floor is absolute: PyTorch's float top-1 of the trained model
(test/Models/fashion_mnist_cnn.pt, run by PyTorch on the same images) minus
the scheme's allowed drop (SCHEMES), or minus SLACK_IMAGES images where
that is more (short runs). With --gate a scheme below its floor fails the
run.

Command line (from the repository root, Debian's python3)::

    PYTHONPATH=python /usr/bin/python3 \\
        python/models/fashion_mnist/compare_schemes.py [--qcc build/bin/qcc] \\
        [--calibration-count 1000] [--limit N] [--json results.json] [--gate]

Labels and images come from Debian's dataset-fashion-mnist package;
calibration uses the first --calibration-count training images.
"""

import argparse
import json
import os
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "python"))
sys.path.insert(0, HERE)

from evaluate import compile_with_qcc, evaluate, qcc_predictor, test_set  # noqa: E402
from qcc_tools.datasets import calibration_images, write_calibration  # noqa: E402

MODEL = os.path.join(REPO, "test", "Models", "fashion_mnist_cnn.onnx")

# (row label, qcc flags); {calib} and {profile} are filled in. The first
# calibrated scheme saves the profile the others load.
# (row label, qcc flags, floor); {calib} and {profile} are filled in. The
# first calibrated scheme saves the profile the others load. The floor is
# the largest top-1 drop, in percentage points, allowed below PyTorch's
# float top-1 on the same images (see `gate`): 0.3 for every scheme that
# computes in int8/int16 or keeps float weights (measured on all 10,000
# test images: at most 0.05 below), 1.0 for int4 weights (measured 0.78
# and 0.64 below).
SCHEMES = [
    ("float", [], 0.05),
    ("int8 minmax (default)",
     ["--calibration={calib}", "--save-profile={profile}"], 0.3),
    ("int8 percentile 99.99",
     ["--load-profile={profile}", "--calibration-method=percentile"], 0.3),
    ("int8 entropy", ["--load-profile={profile}",
                      "--calibration-method=entropy"], 0.3),
    ("int8 mse", ["--load-profile={profile}", "--calibration-method=mse"],
     0.3),
    ("uint8 activations", ["--load-profile={profile}",
                           "--activation-type=uint8"], 0.3),
    ("16x8 (`--int16=all`)", ["--load-profile={profile}", "--int16=all"],
     0.3),
    ("Gemm layers kept float", ["--load-profile={profile}",
                                "--keep-float=Gemm"], 0.3),
    ("auto mixed precision, `--min-sqnr=42`",
     ["--calibration={calib}", "--mixed-precision=auto", "--min-sqnr=42"],
     0.3),
    ("dynamic", ["--quantize=dynamic"], 0.3),
    ("weight-only int8", ["--quantize=weight-only-int8"], 0.3),
    ("weight-only int8, block 32", ["--quantize=weight-only-int8",
                                    "--weight-block-size=32"], 0.3),
    ("weight-only int4", ["--quantize=weight-only-int4"], 1.0),
    ("weight-only int4, block 32", ["--quantize=weight-only-int4",
                                    "--weight-block-size=32"], 1.0),
]

# On a short run one image is a large share: a floor never forbids losing
# this many images.
SLACK_IMAGES = 2


def allowed_drop(floor, count):
    """The top-1 drop (pp) a scheme with `floor` may have on `count`
    images: the floor, or SLACK_IMAGES images if that is more."""
    return max(floor, 100.0 * SLACK_IMAGES / count)


def torch_float_top1(inputs, labels):
    """PyTorch's float top-1 (%) of the trained model on these images."""
    import torch
    from model import load_trained
    from evaluate import torch_predictor
    torch.set_num_threads(1)
    result = evaluate(torch_predictor(load_trained()), inputs=inputs,
                      labels=labels)
    return 100.0 * result["accuracy"]


def sqnr_db(reference, logits):
    noise = np.sum((reference - logits) ** 2)
    return float("inf") if noise == 0 else float(
        10.0 * np.log10(np.sum(reference ** 2) / noise))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--qcc", default=os.path.join(REPO, "build", "bin",
                                                      "qcc"))
    parser.add_argument("--calibration-count", type=int, default=1000)
    parser.add_argument("--limit", type=int, default=None,
                        help="evaluate the first N test images only")
    parser.add_argument("--json", default=None, help="also write the rows")
    parser.add_argument("--gate", action="store_true",
                        help="exit 1 when a scheme's top-1 is below its "
                             "floor (PyTorch's float top-1 minus the "
                             "scheme's allowed drop)")
    args = parser.parse_args(argv)

    inputs, labels = test_set(args.limit)
    reference_top1 = torch_float_top1(inputs, labels)
    rows = []
    with tempfile.TemporaryDirectory(prefix="qcc-schemes-") as work:
        calib = os.path.join(work, "calib.npz")
        write_calibration(calib, {"image": calibration_images(
            args.calibration_count)})
        profile = os.path.join(work, "profile.json")
        reference = None
        for index, (label, flags, floor) in enumerate(SCHEMES):
            prefix = f"scheme{index}"
            extra = [f.format(calib=calib, profile=profile) for f in flags]
            so, header = compile_with_qcc(args.qcc, MODEL, prefix, work,
                                          extra)
            result = evaluate(qcc_predictor(so, prefix, header),
                              inputs=inputs, labels=labels)
            logits = result["logits"]
            if reference is None:
                reference = logits
            row = {
                "scheme": label,
                "flags": " ".join(flags),
                "top1": 100.0 * result["accuracy"],
                "agreement": 100.0 * float(np.mean(
                    logits.argmax(1) == reference.argmax(1))),
                "sqnr_db": sqnr_db(reference, logits),
                "object_bytes": os.path.getsize(
                    os.path.join(work, prefix + ".o")),
                "floor": reference_top1 - allowed_drop(floor, len(labels)),
            }
            rows.append(row)
            print(f"{label}: {row['top1']:.2f}%", file=sys.stderr)

    float_bytes = rows[0]["object_bytes"]
    print(f"Fashion-MNIST, {len(labels)} test images, calibration on "
          f"{args.calibration_count} training images; PyTorch float top-1 "
          f"{reference_top1:.2f} %\n")
    print("| Scheme | Top-1 | Floor | Agreement with float | Logits SQNR | "
          "Object |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    failed = []
    for row in rows:
        sqnr = ("—" if row is rows[0] else f"{row['sqnr_db']:.2f} dB")
        size = (f"{row['object_bytes']:,} B "
                f"({100.0 * row['object_bytes'] / float_bytes:.1f} %)")
        print(f"| {row['scheme']} | {row['top1']:.2f} % | "
              f"{row['floor']:.2f} % | {row['agreement']:.2f} % | {sqnr} | "
              f"{size} |")
        if row["top1"] < row["floor"]:
            failed.append(row["scheme"])
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
            f.write("\n")
    if args.gate:
        for scheme in failed:
            print(f"FAIL: {scheme}: top-1 below its floor", file=sys.stderr)
        print(f"gate: {len(rows) - len(failed)} of {len(rows)} schemes at "
              f"or above their floor")
        return 1 if failed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
