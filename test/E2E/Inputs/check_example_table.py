"""Checks the table tools/example/classify.c printed (run-example.sh's log)
against PyTorch: the same trained network (test/Models/fashion_mnist_cnn.pt)
classifies the same test images in float. qcc's float build must match its
accuracy closely and the int8 build must stay within one point of it.

Usage: check_example_table.py <log of run-example.sh>
"""

import os
import re
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "python", "models",
                                "fashion_mnist"))
import model as fashion  # noqa: E402  (the trained network)
from qcc_tools import datasets  # noqa: E402  (on sys.path through model)


def main(log_path):
    with open(log_path) as f:
        log = f.read()
    count = int(re.search(r"^\((\d+) test images;", log, re.M).group(1))
    rows = {m.group(1): float(m.group(2)) for m in re.finditer(
        r"^(float|int8) +([0-9.]+)%", log, re.M)}

    net = fashion.load_trained()
    images, labels = datasets.load_fashion_mnist("test")
    images, labels = datasets.normalize(images[:count]), labels[:count]
    with torch.no_grad():
        predicted = net(torch.from_numpy(images)).argmax(1).numpy()
    reference = 100.0 * float((predicted == labels).mean())

    print(f"{count} images: PyTorch float {reference:.2f}%, qcc float "
          f"{rows['float']:.2f}%, qcc int8 {rows['int8']:.2f}%")
    ok = abs(rows["float"] - reference) <= 0.2
    ok &= rows["int8"] >= reference - 1.0
    if not ok:
        print("error: qcc's accuracy is not PyTorch's (float within 0.2, "
              "int8 within 1.0 points)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
