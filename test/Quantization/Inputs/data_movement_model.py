"""A small CNN whose layers are joined by data movement and resizes: nearest
and bilinear Resize, Slice, Pad, Split, Concat, Unsqueeze/Squeeze, all of
which should run on integers between int8 convolutions.

Usage:
  data_movement_model.py make DIR    writes DIR/model.onnx, DIR/calib.npz
                                     and DIR/test.npz (seeded, random weights)
  data_movement_model.py check DIR   runs DIR/model.so (prefix "model") on
                                     the test inputs and prints the SQNR of
                                     its outputs against PyTorch's float ones
"""

import os
import sys

import numpy as np


def build():
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = nn.Conv2d(3, 8, 3, padding=1)
            self.c2 = nn.Conv2d(8, 8, 3, padding=1)
            self.c3 = nn.Conv2d(8, 8, 3, padding=1)
            self.c4 = nn.Conv2d(8, 4, 1)

        def forward(self, x):
            y = F.relu(self.c1(x))
            y = F.interpolate(y, scale_factor=2, mode="nearest")
            y = F.relu(self.c2(y))
            y = F.interpolate(y, scale_factor=2, mode="bilinear",
                              align_corners=False)
            y = y[:, :, 1:-1, 1:-1]
            y = F.pad(y, (1, 1, 1, 1))
            a, b = torch.split(y, 4, dim=1)
            y = torch.cat([b, a], 1)
            y = F.relu(self.c3(y))
            return self.c4(y).unsqueeze(1).squeeze(1)

    torch.manual_seed(0)
    return Model().eval()


def make(out):
    import torch
    os.makedirs(out, exist_ok=True)
    model = build()
    rng = np.random.default_rng(0)
    calib = rng.standard_normal((16, 3, 8, 8)).astype(np.float32)
    test = rng.standard_normal((8, 3, 8, 8)).astype(np.float32)
    torch.onnx.export(model, torch.from_numpy(test[:1]),
                      os.path.join(out, "model.onnx"), opset_version=13,
                      input_names=["input"], output_names=["out"])
    np.savez(os.path.join(out, "calib.npz"), input=calib)
    with torch.no_grad():
        expected = np.concatenate(
            [model(torch.from_numpy(test[i:i + 1])).numpy()
             for i in range(len(test))])
    np.savez(os.path.join(out, "test.npz"), input=test, expected=expected)


def check(out):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..",
                                    "..", "python"))
    from qcc_tools.loader import Model
    model = Model(os.path.join(out, "model.so"), "model",
                  header=os.path.join(out, "model.h"))
    data = np.load(os.path.join(out, "test.npz"))
    actual = np.concatenate(
        [model.run(data["input"][i:i + 1])[0]
         for i in range(len(data["input"]))])
    expected = data["expected"].astype(np.float64)
    noise = np.sum((actual - expected) ** 2)
    sqnr = 10 * np.log10(np.sum(expected ** 2) / max(noise, 1e-30))
    print(f"SQNR {sqnr:.1f} dB")
    sys.exit(0 if sqnr >= 30 else 1)


if __name__ == "__main__":
    {"make": make, "check": check}[sys.argv[1]](sys.argv[2])
