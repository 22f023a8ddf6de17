"""Checks the JSON of `qcc.evaluate --schemes float,int8` on Fashion-MNIST
test images against PyTorch's float model (test/Models/fashion_mnist_cnn.pt)
on the same images: the float row's top-1 must be PyTorch's (within one
image), int8 may lose at most MAX_DROP percentage points against it, and
the int8 logits must keep at least MIN_SQNR dB against the float build."""

import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "python", "models", "fashion_mnist"))

MAX_DROP = 1.0  # pp: three images of 300
MIN_SQNR = 30.0  # dB; about 37 dB with 200 calibration images


def torch_top1(images, labels):
    import torch
    from model import load_trained
    torch.set_num_threads(1)
    with torch.no_grad():
        logits = load_trained()(torch.from_numpy(images)).numpy()
    return 100.0 * float(np.mean(logits.argmax(axis=1) == labels))


def main(result_path, data_path):
    with open(result_path) as f:
        result = json.load(f)
    data = np.load(data_path)
    expected = torch_top1(data["image"], data["labels"])
    rows = {row["scheme"]: row for row in result["rows"]}
    one_image = 100.0 / result["samples"]
    failures = []
    float_top1, int8_top1 = rows["float"]["top1"], rows["int8"]["top1"]
    if abs(float_top1 - expected) > one_image + 1e-9:
        failures.append(f"float top-1 {float_top1:.2f} % is not PyTorch's "
                        f"{expected:.2f} %")
    if int8_top1 < float_top1 - MAX_DROP - 1e-9:
        failures.append(f"int8 top-1 {int8_top1:.2f} % is more than "
                        f"{MAX_DROP} pp below float's {float_top1:.2f} %")
    if rows["int8"]["sqnr_db"] < MIN_SQNR:
        failures.append(f"int8 logits SQNR {rows['int8']['sqnr_db']:.2f} dB "
                        f"< {MIN_SQNR} dB")
    for failure in failures:
        print("FAIL:", failure)
    print(f"PyTorch float top-1 {expected:.2f} %, qcc float "
          f"{float_top1:.2f} %, int8 {int8_top1:.2f} %: "
          f"{'fail' if failures else 'ok'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
