"""The Fashion-MNIST CNN shared by train.py, pytorch_int8.py and evaluate.py.

    image [N,1,28,28] float32, normalized (qcc_tools.datasets.normalize)
    conv1 1->16 3x3 pad 1 -> bn1 -> relu1 -> pool1 (max 2x2)   [N,16,14,14]
    conv2 16->32 3x3 pad 1 -> bn2 -> relu2 -> pool2 (max 2x2)  [N,32,7,7]
    flatten -> fc1 1568->64 -> relu3 -> fc2 64->10             logits [N,10]

Activations are nn.ReLU modules (not functional calls) and every layer is a
named attribute so eager-mode quantization can fuse conv+bn+relu and
linear+relu by name (FUSE_GROUPS).
"""

import os
import sys

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
MODELS_DIR = os.path.join(REPO, "test", "Models")
ONNX_PATH = os.path.join(MODELS_DIR, "fashion_mnist_cnn.onnx")
STATE_PATH = os.path.join(MODELS_DIR, "fashion_mnist_cnn.pt")
JSON_PATH = os.path.join(MODELS_DIR, "fashion_mnist_cnn.json")

# qcc_tools lives in <repo>/python.
sys.path.insert(0, os.path.join(REPO, "python"))

FUSE_GROUPS = [["conv1", "bn1", "relu1"], ["conv2", "bn2", "relu2"],
               ["fc1", "relu3"]]


class FashionCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(16)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(32)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.flatten = nn.Flatten(1)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))))
        x = self.relu3(self.fc1(self.flatten(x)))
        return self.fc2(x)


def load_trained(path=STATE_PATH):
    """The trained float model, in eval mode."""
    model = FashionCNN()
    model.load_state_dict(torch.load(path, map_location="cpu"))
    return model.eval()


def rel_path(path):
    return os.path.relpath(path, REPO)
