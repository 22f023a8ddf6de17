#!/usr/bin/python3
"""Every qcc quantization scheme on the Fashion-MNIST model, side by side.

Compiles test/Models/fashion_mnist_cnn.onnx with qcc once in float and once
per scheme (the calibrated ones from one saved profile, so calibration runs
once), runs each object over the 10,000 test images through ctypes, and
prints one Markdown table: top-1 accuracy, agreement of the top-1 class
with the float model, the SQNR of the logits against the float model's, and
the object size.

Command line (from the repository root, Debian's python3)::

    PYTHONPATH=python /usr/bin/python3 \\
        python/models/fashion_mnist/compare_schemes.py [--qcc build/bin/qcc] \\
        [--calibration-count 1000] [--limit N] [--json results.json]

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
SCHEMES = [
    ("float", []),
    ("int8 minmax (default)",
     ["--calibration={calib}", "--save-profile={profile}"]),
    ("int8 percentile 99.99",
     ["--load-profile={profile}", "--calibration-method=percentile"]),
    ("int8 entropy", ["--load-profile={profile}",
                      "--calibration-method=entropy"]),
    ("int8 mse", ["--load-profile={profile}", "--calibration-method=mse"]),
    ("uint8 activations", ["--load-profile={profile}",
                           "--activation-type=uint8"]),
    ("16x8 (`--int16=all`)", ["--load-profile={profile}", "--int16=all"]),
    ("Gemm layers kept float", ["--load-profile={profile}",
                                "--keep-float=Gemm"]),
    ("auto mixed precision, `--min-sqnr=42`",
     ["--calibration={calib}", "--mixed-precision=auto", "--min-sqnr=42"]),
    ("dynamic", ["--quantize=dynamic"]),
    ("weight-only int8", ["--quantize=weight-only-int8"]),
    ("weight-only int8, block 32", ["--quantize=weight-only-int8",
                                    "--weight-block-size=32"]),
    ("weight-only int4", ["--quantize=weight-only-int4"]),
    ("weight-only int4, block 32", ["--quantize=weight-only-int4",
                                    "--weight-block-size=32"]),
]


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
    args = parser.parse_args(argv)

    inputs, labels = test_set(args.limit)
    rows = []
    with tempfile.TemporaryDirectory(prefix="qcc-schemes-") as work:
        calib = os.path.join(work, "calib.npz")
        write_calibration(calib, {"image": calibration_images(
            args.calibration_count)})
        profile = os.path.join(work, "profile.json")
        reference = None
        for index, (label, flags) in enumerate(SCHEMES):
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
            }
            rows.append(row)
            print(f"{label}: {row['top1']:.2f}%", file=sys.stderr)

    float_bytes = rows[0]["object_bytes"]
    print(f"Fashion-MNIST, {len(labels)} test images, calibration on "
          f"{args.calibration_count} training images\n")
    print("| Scheme | Top-1 | Agreement with float | Logits SQNR | Object |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for row in rows:
        sqnr = ("—" if row is rows[0] else f"{row['sqnr_db']:.2f} dB")
        size = (f"{row['object_bytes']:,} B "
                f"({100.0 * row['object_bytes'] / float_bytes:.1f} %)")
        print(f"| {row['scheme']} | {row['top1']:.2f} % | "
              f"{row['agreement']:.2f} % | {sqnr} | {size} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
