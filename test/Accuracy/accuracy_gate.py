"""Accuracy gate: a quantized qcc model against its float compilation.

Runs both compiled Fashion-MNIST models (shared objects built by qcc from the
same ONNX file, one float and one int8) over all 10,000 test images, prints
top-1 accuracy of each, the gap, and the SQNR of the int8 logits against the
float logits, and fails when the int8 model loses more than --max-drop
percentage points. Weight-only quantized models (--weight-only, float compute
with int8/int4 weights) are reported and gated the same way against
--weight-only-max-drop; the int8 model is then optional. Labels and images
come from Debian's dataset package, not from qcc.
"""

import argparse
import sys

import numpy as np

from qcc_tools.datasets import load_fashion_mnist, normalize
from qcc_tools.loader import Model


def run_all(model, images):
    logits = np.empty((len(images), 10), dtype=np.float64)
    for i in range(len(images)):
        (out,) = model.run(images[i:i + 1])
        logits[i] = out.reshape(10)
    return logits


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("float_so")
    parser.add_argument("float_header")
    parser.add_argument("int8_so", nargs="?",
                        help="the int8 model (optional with --weight-only)")
    parser.add_argument("int8_header", nargs="?")
    parser.add_argument("--prefix-float", default="fp32")
    parser.add_argument("--prefix-int8", default="int8")
    parser.add_argument("--max-drop", type=float, default=0.3,
                        help="allowed top-1 loss in percentage points")
    parser.add_argument("--variant", nargs=3, action="append", default=[],
                        metavar=("NAME", "SO", "HEADER"),
                        help="another int8 model to report (not gated), "
                             "compiled with --name=NAME, e.g. another "
                             "calibration method; repeatable")
    parser.add_argument("--weight-only", nargs=3, action="append",
                        default=[], metavar=("NAME", "SO", "HEADER"),
                        help="a weight-only quantized model (float compute, "
                             "int8/int4 weights), compiled with --name=NAME; "
                             "gated by --weight-only-max-drop; repeatable")
    parser.add_argument("--weight-only-max-drop", type=float, default=1.0,
                        help="allowed top-1 loss of a --weight-only model in "
                             "percentage points")
    args = parser.parse_args(argv)

    images, labels = load_fashion_mnist("test")
    inputs = normalize(images)
    labels = labels.astype(np.int64)
    reference = run_all(Model(args.float_so, args.prefix_float,
                              header=args.float_header), inputs)
    float_top1 = 100.0 * np.mean(reference.argmax(1) == labels)
    print(f"images: {len(labels)}")
    print(f"float top-1: {float_top1:.2f}%")
    int8_top1 = float_top1
    if args.int8_so:
        quantized = run_all(Model(args.int8_so, args.prefix_int8,
                                  header=args.int8_header), inputs)
        int8_top1 = 100.0 * np.mean(quantized.argmax(1) == labels)
        noise = np.sum((reference - quantized) ** 2)
        sqnr = (10.0 * np.log10(np.sum(reference ** 2) / noise)
                if noise else np.inf)
        agreement = 100.0 * np.mean(reference.argmax(1) ==
                                    quantized.argmax(1))
        print(f"int8 top-1: {int8_top1:.2f}%")
        print(f"drop: {float_top1 - int8_top1:.2f} pp (allowed "
              f"{args.max_drop})")
        print(f"top-1 agreement: {agreement:.2f}%")
        print(f"logits SQNR: {sqnr:.2f} dB")
    for name, so, header in args.variant:
        logits = run_all(Model(so, name, header=header), inputs)
        top1 = 100.0 * np.mean(logits.argmax(1) == labels)
        noise = np.sum((reference - logits) ** 2)
        db = 10.0 * np.log10(np.sum(reference ** 2) / noise) if noise else np.inf
        print(f"int8 {name} top-1: {top1:.2f}% "
              f"(drop {float_top1 - top1:.2f} pp, logits SQNR {db:.2f} dB)")
    failed = False
    for name, so, header in args.weight_only:
        logits = run_all(Model(so, name, header=header), inputs)
        top1 = 100.0 * np.mean(logits.argmax(1) == labels)
        noise = np.sum((reference - logits) ** 2)
        db = 10.0 * np.log10(np.sum(reference ** 2) / noise) if noise else np.inf
        agree = 100.0 * np.mean(reference.argmax(1) == logits.argmax(1))
        print(f"weight-only {name} top-1: {top1:.2f}% "
              f"(drop {float_top1 - top1:.2f} pp, allowed "
              f"{args.weight_only_max_drop}; agreement {agree:.2f}%, "
              f"logits SQNR {db:.2f} dB)")
        if float_top1 - top1 > args.weight_only_max_drop:
            print(f"FAIL: weight-only {name} accuracy drop exceeds the gate",
                  file=sys.stderr)
            failed = True
    if failed:
        return 1
    if float_top1 - int8_top1 > args.max_drop:
        print("FAIL: int8 accuracy drop exceeds the gate", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
