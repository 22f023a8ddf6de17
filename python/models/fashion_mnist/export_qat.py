#!/usr/bin/python3
"""Exports the Fashion-MNIST model as PyTorch's QAT tooling writes a QDQ
ONNX model: test/Models/fashion_mnist_qat.onnx.

The trained float model (test/Models/fashion_mnist_cnn.pt) gets its batch
norms folded into the convolutions, conv+relu and linear+relu fused, and
fake-quantize modules inserted by torch.ao.quantization.prepare_qat: uint8
activations (moving-average min/max) and int8 symmetric per-channel
weights. The observers see the first 500 training images (no fine-tuning),
then torch.onnx.export (opset 13) writes QuantizeLinear/DequantizeLinear
pairs: weights as QuantizeLinear of float initializers, activations after
each conv/relu, linear/relu and the input, none after the max poolings.
qcc compiles the result without calibration (see
test/Quantization/qat-pytorch.test).

Usage (Debian's python3, from the repository root):
    PYTHONPATH=python /usr/bin/python3 python/models/fashion_mnist/export_qat.py [-o OUT]
"""

import argparse
import os
import sys

import torch
import torch.ao.quantization as tq
from torch.nn.utils.fusion import fuse_conv_bn_eval

from model import MODELS_DIR, load_trained
from qcc_tools.datasets import calibration_images

QAT_ONNX_PATH = os.path.join(MODELS_DIR, "fashion_mnist_qat.onnx")


class Quantized(torch.nn.Module):
    """The model between a quantize and a dequantize stub."""

    def __init__(self, model):
        super().__init__()
        self.quant = tq.QuantStub()
        self.model = model
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        return self.dequant(self.model(self.quant(x)))


def qat_model(observed_images=500):
    model = load_trained()
    model.conv1 = fuse_conv_bn_eval(model.conv1, model.bn1)
    model.conv2 = fuse_conv_bn_eval(model.conv2, model.bn2)
    model.bn1 = torch.nn.Identity()
    model.bn2 = torch.nn.Identity()
    model.train()
    model = tq.fuse_modules_qat(
        model, [["conv1", "relu1"], ["conv2", "relu2"], ["fc1", "relu3"]])
    wrapped = Quantized(model)
    # ONNX's QuantizeLinear allows (0, 255) and (-128, 127) only.
    wrapped.qconfig = tq.QConfig(
        activation=tq.FakeQuantize.with_args(
            observer=tq.MovingAverageMinMaxObserver, quant_min=0,
            quant_max=255, dtype=torch.quint8),
        weight=tq.FakeQuantize.with_args(
            observer=tq.MovingAveragePerChannelMinMaxObserver,
            quant_min=-128, quant_max=127, dtype=torch.qint8,
            qscheme=torch.per_channel_symmetric, ch_axis=0))
    tq.prepare_qat(wrapped, inplace=True)
    images = torch.from_numpy(calibration_images(observed_images))
    with torch.no_grad():
        for i in range(0, observed_images, 50):
            wrapped(images[i:i + 50])
    wrapped.eval()
    wrapped.apply(tq.disable_observer)
    return wrapped


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", default=QAT_ONNX_PATH)
    args = parser.parse_args(argv)
    torch.manual_seed(0)
    model = qat_model()
    example = torch.from_numpy(calibration_images(1))
    torch.onnx.export(model, example, args.output, opset_version=13,
                      input_names=["image"], output_names=["logits"])
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
