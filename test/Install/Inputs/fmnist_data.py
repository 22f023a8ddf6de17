"""Data and checks for the tests that build tools/example/cmake-project.

prepare DIR [--calibration N] [--images M]
    writes DIR/calib.npz (the first N Fashion-MNIST training images,
    normalized, under the model input "image"), DIR/images-idx3-ubyte (the
    first M test images, as an uncompressed IDX file for classify.c),
    DIR/labels.npy and DIR/reference.npy: the logits of the ONNX model for
    those images, computed here in float64 with numpy from the model's own
    weights (no qcc code).

check DIR OUTPUT [--min-accuracy A] [--min-agreement G] [--max-error E]
      [--min-sqnr S]
    reads classify's output (one line per image: index, class, 10 logits)
    and checks it against the labels and the numpy reference.
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

from qcc_tools import datasets, reference

MODEL = os.path.join(os.path.dirname(__file__), "..", "..", "Models",
                     "fashion_mnist_cnn.onnx")


def forward(model, images):
    """Runs the Fashion-MNIST CNN's ONNX graph on float32 [N,1,28,28] images
    with the NHWC reference ops of qcc_tools.reference; returns [N,10]."""
    graph = model.graph
    values = {t.name: numpy_helper.to_array(t).astype(np.float64)
              for t in graph.initializer}
    values[graph.input[0].name] = images.transpose(0, 2, 3, 1)  # NHWC
    for node in graph.node:
        attrs = {a.name: onnx.helper.get_attribute_value(a)
                 for a in node.attribute}
        args = [values[name] for name in node.input]
        if node.op_type == "Conv":
            if attrs.get("group", 1) != 1 or any(
                    s != 1 for s in attrs.get("strides", [1, 1])):
                raise ValueError(f"{node.name}: unexpected Conv attributes")
            top, left, bottom, right = attrs.get("pads", [0, 0, 0, 0])
            weight = args[1].transpose(0, 2, 3, 1)  # OIHW -> OHWI
            bias = args[2] if len(args) > 2 else np.zeros(weight.shape[0])
            out = reference.conv2d(args[0], weight, bias,
                                   pad=(top, bottom, left, right))
        elif node.op_type == "BatchNormalization":
            x, scale, bias, mean, var = args
            eps = attrs.get("epsilon", 1e-5)
            out = (x - mean) / np.sqrt(var + eps) * scale + bias
        elif node.op_type == "Relu":
            out = reference.relu(args[0])
        elif node.op_type == "MaxPool":
            if attrs.get("pads") and any(attrs["pads"]):
                raise ValueError(f"{node.name}: unexpected MaxPool padding")
            out = reference.max_pool2d(args[0], tuple(attrs["kernel_shape"]),
                                       tuple(attrs["strides"]))
        elif node.op_type == "Flatten":
            # ONNX flattens in NCHW order.
            x = args[0].transpose(0, 3, 1, 2)
            out = x.reshape(x.shape[0], -1)
        elif node.op_type == "Gemm":
            if attrs.get("transB") != 1 or attrs.get("transA", 0):
                raise ValueError(f"{node.name}: unexpected Gemm attributes")
            out = reference.fully_connected(args[0], args[1], args[2])
        else:
            raise ValueError(f"{node.name}: op {node.op_type} is not handled")
        values[node.output[0]] = out
    return values[graph.output[0].name]


def prepare(args):
    os.makedirs(args.dir, exist_ok=True)
    datasets.write_calibration(
        os.path.join(args.dir, "calib.npz"),
        {"image": datasets.calibration_images(args.calibration)})
    images, labels = datasets.load_fashion_mnist("test")
    images, labels = images[:args.images], labels[:args.images]
    with open(os.path.join(args.dir, "images-idx3-ubyte"), "wb") as f:
        f.write(bytes([0, 0, 0x08, 3]))
        for dim in images.shape:
            f.write(dim.to_bytes(4, "big"))
        f.write(images.tobytes())
    np.save(os.path.join(args.dir, "labels.npy"), labels)
    logits = forward(onnx.load(MODEL), datasets.normalize(images))
    np.save(os.path.join(args.dir, "reference.npy"), logits)


def check(args):
    labels = np.load(os.path.join(args.dir, "labels.npy"))
    expected = np.load(os.path.join(args.dir, "reference.npy"))
    rows = [line.split() for line in open(args.output)]
    if len(rows) != len(labels):
        sys.exit(f"{len(rows)} output lines, expected {len(labels)}")
    indices = np.array([int(r[0]) for r in rows])
    classes = np.array([int(r[1]) for r in rows])
    logits = np.array([[float(v) for v in r[2:]] for r in rows])
    if not np.array_equal(indices, np.arange(len(labels))):
        sys.exit("image indices out of order")
    if logits.shape != expected.shape:
        sys.exit(f"logits of shape {logits.shape}, expected {expected.shape}")
    if not np.array_equal(classes, logits.argmax(axis=1)):
        sys.exit("a printed class is not the argmax of its logits")
    accuracy = float(np.mean(classes == labels))
    agreement = float(np.mean(classes == expected.argmax(axis=1)))
    error = float(np.max(np.abs(logits - expected)))
    sqnr = float(10 * np.log10(np.sum(expected ** 2) /
                               np.sum((logits - expected) ** 2)))
    print(f"images {len(labels)} accuracy {accuracy:.2f} agreement "
          f"{agreement:.2f} max_error {error:.3g} sqnr_db {sqnr:.1f}")
    failures = []
    if accuracy < args.min_accuracy:
        failures.append(f"accuracy {accuracy} < {args.min_accuracy}")
    if agreement < args.min_agreement:
        failures.append(f"agreement {agreement} < {args.min_agreement}")
    if args.max_error is not None and error > args.max_error:
        failures.append(f"max error {error} > {args.max_error}")
    if args.min_sqnr is not None and sqnr < args.min_sqnr:
        failures.append(f"SQNR {sqnr} dB < {args.min_sqnr} dB")
    if failures:
        sys.exit("FAILED: " + "; ".join(failures))
    print("ok")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("dir")
    p.add_argument("--calibration", type=int, default=100)
    p.add_argument("--images", type=int, default=100)
    p.set_defaults(run=prepare)
    c = sub.add_parser("check")
    c.add_argument("dir")
    c.add_argument("output")
    c.add_argument("--min-accuracy", type=float, default=0.0)
    c.add_argument("--min-agreement", type=float, default=0.0)
    c.add_argument("--max-error", type=float)
    c.add_argument("--min-sqnr", type=float)
    c.set_defaults(run=check)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
