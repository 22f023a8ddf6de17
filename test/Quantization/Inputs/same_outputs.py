"""Runs two compiled Fashion-MNIST models on the first N test images and
requires byte-identical outputs.

Usage: same_outputs.py N A.so A.h A_prefix B.so B.h B_prefix
"""

import sys

from qcc_tools.datasets import load_fashion_mnist, normalize
from qcc_tools.loader import Model


def main(argv):
    count = int(argv[1])
    a = Model(argv[2], argv[4], header=argv[3])
    b = Model(argv[5], argv[7], header=argv[6])
    images, _ = load_fashion_mnist("test")
    inputs = normalize(images[:count])
    differing = 0
    for i in range(count):
        x = inputs[i:i + 1]
        (ya,), (yb,) = a.run(x), b.run(x)
        if ya.tobytes() != yb.tobytes():
            differing += 1
    print(f"{count - differing} of {count} outputs identical")
    sys.exit(1 if differing else 0)


if __name__ == "__main__":
    main(sys.argv)
