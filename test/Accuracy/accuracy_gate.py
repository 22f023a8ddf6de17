"""Accuracy gate: quantized qcc models against float, relative and absolute.

Runs the compiled Fashion-MNIST models (shared objects built by qcc from the
same ONNX file: one float, one int8, and any --variant and --weight-only
models) over all 10,000 test images, prints the top-1 accuracy of each, the
gap, and the SQNR of the logits against the float logits.

Relative gates, against qcc's own float compilation: the int8 model may lose
at most --max-drop percentage points, a --weight-only model at most
--weight-only-max-drop.

Absolute floors, against PyTorch (with --floor): PyTorch runs the trained
float model (test/Models/fashion_mnist_cnn.pt, python/models/fashion_mnist/
model.py) on the same images, and every model evaluated here, the float
compilation included, must reach PyTorch's float top-1 minus its floor:
`--floor NAME=PP` for the model compiled with --name=NAME (fp32 and int8 are
the prefixes of the first two), `--floor-default PP` for every model without
its own. A model without a floor is an error, so that no scheme goes
ungated.
Labels and images come from Debian's dataset package, not from qcc.
"""

import argparse
import os
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


def torch_float_top1(state, inputs, labels):
    """PyTorch's float top-1 (%) of the trained Fashion-MNIST CNN."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(
        __file__)), "..", "..", "python", "models", "fashion_mnist"))
    import torch
    from model import STATE_PATH, load_trained
    torch.set_num_threads(1)
    model = load_trained(state or STATE_PATH)
    with torch.no_grad():
        logits = np.concatenate([
            model(torch.from_numpy(inputs[i:i + 500])).numpy()
            for i in range(0, len(inputs), 500)])
    return 100.0 * np.mean(logits.argmax(1) == labels)


def parse_floors(parser, entries):
    floors = {}
    for entry in entries:
        name, _, value = entry.rpartition("=")
        try:
            floors[name] = float(value)
        except ValueError:
            name = ""
        if not name:
            parser.error(f"--floor {entry!r}: expected NAME=PP")
    return floors


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
    parser.add_argument("--floor", action="append", default=[],
                        metavar="NAME=PP",
                        help="absolute floor: model NAME must reach "
                             "PyTorch's float top-1 minus PP percentage "
                             "points; repeatable")
    parser.add_argument("--floor-default", type=float, default=None,
                        metavar="PP",
                        help="the floor of every model without a --floor")
    parser.add_argument("--torch-state", default=None,
                        help="the PyTorch state_dict for --floor (default "
                             "test/Models/fashion_mnist_cnn.pt)")
    args = parser.parse_args(argv)
    floors = parse_floors(parser, args.floor)
    names = [args.prefix_float] + ([args.prefix_int8] if args.int8_so else [])
    names += [name for name, _, _ in args.variant + args.weight_only]
    if args.floor_default is not None:
        floors.update({n: args.floor_default for n in names
                       if n not in floors})
    if floors:
        missing = [n for n in names if n not in floors]
        if missing:
            parser.error(f"no --floor for {', '.join(missing)}")

    images, labels = load_fashion_mnist("test")
    inputs = normalize(images)
    labels = labels.astype(np.int64)
    reference = run_all(Model(args.float_so, args.prefix_float,
                              header=args.float_header), inputs)
    float_top1 = 100.0 * np.mean(reference.argmax(1) == labels)
    print(f"images: {len(labels)}")
    print(f"float top-1: {float_top1:.2f}%")
    top1s = {args.prefix_float: float_top1}
    int8_top1 = float_top1
    if args.int8_so:
        quantized = run_all(Model(args.int8_so, args.prefix_int8,
                                  header=args.int8_header), inputs)
        int8_top1 = 100.0 * np.mean(quantized.argmax(1) == labels)
        top1s[args.prefix_int8] = int8_top1
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
        top1s[name] = top1
        noise = np.sum((reference - logits) ** 2)
        db = 10.0 * np.log10(np.sum(reference ** 2) / noise) if noise else np.inf
        print(f"int8 {name} top-1: {top1:.2f}% "
              f"(drop {float_top1 - top1:.2f} pp, logits SQNR {db:.2f} dB)")
    failed = False
    for name, so, header in args.weight_only:
        logits = run_all(Model(so, name, header=header), inputs)
        top1 = 100.0 * np.mean(logits.argmax(1) == labels)
        top1s[name] = top1
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
    if floors:
        torch_top1 = torch_float_top1(args.torch_state, inputs, labels)
        print(f"pytorch float top-1: {torch_top1:.2f}%")
        for name in names:
            floor = floors[name]
            ok = top1s[name] >= torch_top1 - floor - 1e-9
            print(f"floor {name}: top-1 {top1s[name]:.2f}% >= "
                  f"{torch_top1:.2f}% - {floor} pp: {'ok' if ok else 'FAIL'}")
            if not ok:
                print(f"FAIL: {name} is below its floor", file=sys.stderr)
                failed = True
    if failed:
        return 1
    if float_top1 - int8_top1 > args.max_drop:
        print("FAIL: int8 accuracy drop exceeds the gate", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
