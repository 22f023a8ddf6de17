#!/usr/bin/python3
"""Exports real PyTorch/torchvision architectures to ONNX, with references.

Usage: export.py <model> <outdir> [--opset N] [--keep-batchnorm]

Models (random weights, fixed seed; no downloads, `weights=None`):
  resnet18         torchvision ResNet-18, input image [1,3,64,64], 1000 logits
  mobilenet_v2     torchvision MobileNetV2, input image [1,3,64,64], 1000 logits
  transformer      nn.TransformerEncoder: 2 layers, d_model 64, 4 heads,
                   feed-forward 128, ReLU, post-norm, batch_first,
                   input tokens [1,16,64]
  transformer_gelu the same with GELU and pre-norm (norm_first=True); its
                   test exports it at opset 17 (LayerNormalization nodes)
  transformer_supported_ops
                   a hand-written 2-layer encoder of the same size (post-norm,
                   tanh-GELU) whose export avoids Slice, ReduceMean, Pow, Sqrt
                   and Erf; see _SupportedOpsEncoderLayer

Writes into <outdir>:
  model.onnx        the exported model (onnx.checker-clean)
  input_0.bin       raw little-endian float32 input
  expected_0.npy    PyTorch's own eval-mode forward in float64 on the same
                    float32 weights and input (model.double())
  summary.txt       opset, node counts per op type, file size, and the max
                    difference between PyTorch's float32 and float64 forwards

The export is what torch.onnx.export emits by default for an eval-mode model
(do_constant_folding=True): torch folds BatchNorm into the preceding Conv.
--keep-batchnorm exports with TrainingMode.PRESERVE instead, which keeps the
BatchNormalization nodes (inference form, running statistics) for the
importer to fold.

Everything is seeded from the model name, so the files are the same on every
run with the same torch/torchvision build. BatchNorm layers get random running
statistics and affine parameters (fresh torchvision models have mean 0, var 1,
gamma 1, beta 0, which would make BN folding untested).

Use Debian's /usr/bin/python3 (python3-torch 1.13, python3-torchvision 0.14,
python3-onnx 1.12). The export runs single-threaded.
"""

import argparse
import collections
import os
import sys
import zlib

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                os.pardir, os.pardir))

from qcc_tools import tensorio  # noqa: E402

DEFAULT_OPSET = 13


def _randomize_batchnorm(model, generator):
    """Gives every BatchNorm non-trivial running statistics and affine
    parameters, so that an importer that drops or mis-folds BN shows up."""
    for m in model.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            c = m.num_features
            with torch.no_grad():
                m.running_mean.copy_(0.1 * torch.randn(c, generator=generator))
                m.running_var.copy_(
                    0.5 + torch.rand(c, generator=generator))
                m.weight.copy_(0.8 + 0.4 * torch.rand(c, generator=generator))
                m.bias.copy_(0.1 * torch.randn(c, generator=generator))


def resnet18(generator):
    import torchvision
    model = torchvision.models.resnet18(weights=None)
    _randomize_batchnorm(model, generator)
    return model, torch.randn(1, 3, 64, 64, generator=generator), "image", \
        "logits"


def mobilenet_v2(generator):
    import torchvision
    model = torchvision.models.mobilenet_v2(weights=None)
    _randomize_batchnorm(model, generator)
    return model, torch.randn(1, 3, 64, 64, generator=generator), "image", \
        "logits"


def _encoder(generator, activation, norm_first):
    layer = nn.TransformerEncoderLayer(
        d_model=64, nhead=4, dim_feedforward=128, dropout=0.0,
        activation=activation, batch_first=True, norm_first=norm_first)
    model = nn.TransformerEncoder(layer, num_layers=2,
                                  enable_nested_tensor=False)
    # Non-trivial LayerNorm parameters (fresh ones are gamma 1, beta 0).
    for m in model.modules():
        if isinstance(m, nn.LayerNorm):
            with torch.no_grad():
                n = m.normalized_shape[0]
                m.weight.copy_(0.8 + 0.4 * torch.rand(n, generator=generator))
                m.bias.copy_(0.1 * torch.randn(n, generator=generator))
    return model, torch.randn(1, 16, 64, generator=generator), "tokens", \
        "features"


def transformer(generator):
    return _encoder(generator, "relu", norm_first=False)


def transformer_gelu(generator):
    return _encoder(generator, "gelu", norm_first=True)


class _SupportedOpsEncoderLayer(nn.Module):
    """A post-norm encoder layer (d_model 64, 4 heads, feed-forward 128)
    written so that its ONNX export uses only MatMul, Add, Mul, Sub,
    Transpose, Reshape, Softmax, Exp, Log and Tanh: separate Q/K/V
    projections (no Slice of a fused in_proj), LayerNorm with the means as
    MatMuls by a constant 1/d column (no ReduceMean), x*x (no Pow) and
    rsqrt as exp(-log(v)/2) (no Sqrt), GELU in its tanh form (no Erf).
    Every shape is a Python int, so the export has no Shape/Gather."""

    def __init__(self, seq, d_model, heads, ffn, generator):
        super().__init__()
        self.seq, self.d, self.h = seq, d_model, heads
        self.q = nn.Linear(d_model, d_model)
        self.k = nn.Linear(d_model, d_model)
        self.v = nn.Linear(d_model, d_model)
        self.o = nn.Linear(d_model, d_model)
        self.ff1 = nn.Linear(d_model, ffn)
        self.ff2 = nn.Linear(ffn, d_model)
        self.register_buffer("mean_col", torch.full((d_model, 1),
                                                    1.0 / d_model))
        for i in (1, 2):
            self.register_buffer(
                f"gamma{i}", 0.8 + 0.4 * torch.rand(d_model,
                                                    generator=generator))
            self.register_buffer(
                f"beta{i}", 0.1 * torch.randn(d_model, generator=generator))

    def _layer_norm(self, x, gamma, beta):
        centered = x - x @ self.mean_col
        var = (centered * centered) @ self.mean_col
        return centered * torch.exp(-0.5 * torch.log(var + 1e-5)) * gamma \
            + beta

    def _heads(self, x):  # [1, S, D] -> [1, H, S, D/H]
        return x.reshape(1, self.seq, self.h, self.d // self.h) \
            .transpose(1, 2)

    def forward(self, x):
        q, k, v = self._heads(self.q(x)), self._heads(self.k(x)), \
            self._heads(self.v(x))
        scores = (q @ k.transpose(2, 3)) * (1.0 / (self.d // self.h) ** 0.5)
        attn = torch.softmax(scores, dim=-1) @ v
        attn = self.o(attn.transpose(1, 2).reshape(1, self.seq, self.d))
        x = self._layer_norm(x + attn, self.gamma1, self.beta1)
        h = self.ff1(x)
        h = 0.5 * h * (1.0 + torch.tanh(0.7978845608028654 *
                                        (h + 0.044715 * h * h * h)))
        return self._layer_norm(x + self.ff2(h), self.gamma2, self.beta2)


def transformer_supported_ops(generator):
    model = nn.Sequential(*[
        _SupportedOpsEncoderLayer(16, 64, 4, 128, generator)
        for _ in range(2)])
    return model, torch.randn(1, 16, 64, generator=generator), "tokens", \
        "features"


MODELS = collections.OrderedDict([
    ("resnet18", resnet18),
    ("mobilenet_v2", mobilenet_v2),
    ("transformer", transformer),
    ("transformer_gelu", transformer_gelu),
    ("transformer_supported_ops", transformer_supported_ops),
])


def export(name, outdir, opset=DEFAULT_OPSET, keep_batchnorm=False):
    import onnx

    torch.set_num_threads(1)
    seed = zlib.crc32(name.encode())
    torch.manual_seed(seed)  # parameter initialization
    generator = torch.Generator().manual_seed(seed)
    model, x, input_name, output_name = MODELS[name](generator)
    model = model.eval()

    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, "model.onnx")
    # Exported with autograd enabled: under no_grad, torch 1.13's
    # TransformerEncoderLayer takes its fused fast path
    # (aten::_transformer_encoder_layer_fwd), which has no ONNX export.
    torch.onnx.export(model, x, path, opset_version=opset,
                      input_names=[input_name], output_names=[output_name],
                      do_constant_folding=True, export_params=True,
                      keep_initializers_as_inputs=False,
                      training=(torch.onnx.TrainingMode.PRESERVE
                                if keep_batchnorm
                                else torch.onnx.TrainingMode.EVAL))
    with torch.no_grad():
        expected32 = model(x).numpy()
        # The reference: the same forward in float64 (weights and input are
        # float32 values, so only the arithmetic differs).
        expected = model.double()(x.double()).numpy()

    onnx_model = onnx.load(path)
    onnx.checker.check_model(onnx_model)
    tensorio.write_raw(os.path.join(outdir, "input_0.bin"), x.numpy())
    tensorio.save_npy(os.path.join(outdir, "expected_0.npy"), expected)

    ops = collections.Counter(n.op_type for n in onnx_model.graph.node)
    diff = np.abs(expected32.astype(np.float64) - expected).max()
    with open(os.path.join(outdir, "summary.txt"), "w") as f:
        f.write(f"model: {name}\nopset: {opset}\n")
        f.write(f"batchnorm kept: {keep_batchnorm}\n")
        f.write(f"input: {input_name} {list(x.shape)} float32\n")
        f.write(f"output: {output_name} {list(expected.shape)}\n")
        f.write(f"onnx bytes: {os.path.getsize(path)}\n")
        f.write(f"nodes: {len(onnx_model.graph.node)}\n")
        for op, count in sorted(ops.items()):
            f.write(f"  {op}: {count}\n")
        f.write(f"output max |x|: {np.abs(expected).max():.6g}\n")
        f.write(f"pytorch float32 vs float64 max abs diff: {diff:.3e}\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", choices=list(MODELS))
    parser.add_argument("outdir")
    parser.add_argument("--opset", type=int, default=DEFAULT_OPSET)
    parser.add_argument("--keep-batchnorm", action="store_true",
                        help="keep BatchNormalization nodes "
                             "(TrainingMode.PRESERVE)")
    args = parser.parse_args(argv)
    export(args.model, args.outdir, args.opset, args.keep_batchnorm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
