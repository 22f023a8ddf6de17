#!/usr/bin/python3
"""Trains four real architectures briefly on Fashion-MNIST and exports them.

The models of test/Models/real_arch/ (issue 12, item 7: quantization proven
on real architectures). Each takes the normalized image
(qcc_tools.datasets.normalize: (pixel/255 - 0.2860)/0.3530, float32
[1,1,28,28], ONNX input "input") and gives 10 class logits (ONNX output
"logits", [1,10]):

  mobilenet_v3_small  torchvision.models.MobileNetV3 with the
                      "mobilenet_v3_small" configuration at width 0.5 and
                      reduced_tail=True (torchvision's own options), the
                      stem conv taking 1 channel instead of 3. Keeps
                      hard-swish, squeeze-and-excitation with
                      hard-sigmoid gates, depthwise convs.
  efficientnet        torchvision.models.EfficientNet with the
                      "efficientnet_b0" MBConv configuration at width 0.25,
                      depth 0.34, the stem conv taking 1 channel. SiLU,
                      squeeze-and-excitation with sigmoid gates.
  transformer         the 28 image rows as 28 tokens of 28 pixels:
                      Linear(28->64) + learned positions, nn.TransformerEncoder
                      (2 post-norm layers, 4 heads, FFN 128, ReLU), mean over
                      tokens, Linear(64->10).
  text_recognizer     a CRNN-style line reader: conv stem (3 conv+BN+ReLU,
                      two max-pools, the last conv collapses the height) ->
                      14 columns of 64 features + learned positions -> one
                      TransformerEncoderLayer (self-attention, LayerNorm,
                      FFN) -> per-column Linear(64->10) -> mean over columns
                      (classification stands in for the CTC task).

For each model <name>, test/Models/real_arch/<name>/ gets:

  model.onnx     opset 13, do_constant_folding=True, eval mode (the
                 exporter folds BatchNorm into the convs)
  calib.npz      calibration data for qcc: the first --calib-count training
                 images, normalized, key "input" (deflate-compressed)
  reference.npz  PyTorch's float32 logits on the first --reference-count
                 test images (key "logits"), for checking qcc's float build
  meta.json      architecture, parameters, training settings and history,
                 PyTorch float top-1 on the first 1,000 and on all 10,000
                 test images, ONNX op counts, sizes and sha256, and what
                 PyTorch's own FX post-training int8 quantization reaches
                 (top-1, logits SQNR) as a reference point for qcc

Training is brief: a fixed number of AdamW steps per model (batch 64 or
128, linear warm-up then cosine decay), no augmentation; then the
BatchNorm statistics are recomputed with the final weights. Deterministic: fixed seeds for weights
and shuffling, torch.use_deterministic_algorithms(True), --threads intra-op
threads (1 by default). Re-running with the same torch build, threads and
arguments gives the same weights.

Usage (from the repository root, Debian's python3):
  /usr/bin/python3 python/models/real_arch/generate.py            # all four
  /usr/bin/python3 python/models/real_arch/generate.py transformer
"""

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections import Counter

import numpy as np
import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "python"))
sys.path.insert(0, os.path.join(REPO, "python", "models", "fashion_mnist"))

from compare_schemes import sqnr_db  # noqa: E402
from qcc_tools import datasets  # noqa: E402

OUT_DIR = os.path.join(REPO, "test", "Models", "real_arch")


def _one_channel_stem(model):
    """Replaces torchvision's 3-channel stem conv by a 1-channel one with the
    same output channels, kernel, stride and padding."""
    conv = model.features[0][0]
    model.features[0][0] = nn.Conv2d(
        1, conv.out_channels, conv.kernel_size, conv.stride, conv.padding,
        bias=conv.bias is not None)
    return model


def mobilenet_v3_small():
    from torchvision.models.mobilenetv3 import MobileNetV3, _mobilenet_v3_conf
    setting, last_channel = _mobilenet_v3_conf(
        "mobilenet_v3_small", width_mult=0.5, reduced_tail=True)
    return _one_channel_stem(MobileNetV3(setting, last_channel,
                                         num_classes=10))


def efficientnet():
    from torchvision.models.efficientnet import EfficientNet, \
        _efficientnet_conf
    setting, last_channel = _efficientnet_conf(
        "efficientnet_b0", width_mult=0.25, depth_mult=0.34)
    return _one_channel_stem(EfficientNet(setting, dropout=0.2,
                                          num_classes=10,
                                          last_channel=last_channel))


def _encoder_layer(d_model, heads, ffn):
    # dropout 0; eval mode ignores it anyway. Post-norm, ReLU (the defaults).
    return nn.TransformerEncoderLayer(d_model, heads, ffn, dropout=0.0,
                                      batch_first=True)


class RowTransformer(nn.Module):
    """The image rows as tokens through a transformer encoder."""

    def __init__(self, d_model=64, heads=4, ffn=128, layers=2):
        super().__init__()
        self.embed = nn.Linear(28, d_model)
        self.pos = nn.Parameter(torch.zeros(1, 28, d_model))
        nn.init.normal_(self.pos, std=0.02)
        self.encoder = nn.TransformerEncoder(
            _encoder_layer(d_model, heads, ffn), layers,
            enable_nested_tensor=False)
        self.head = nn.Linear(d_model, 10)

    def forward(self, x):
        tokens = self.embed(x.reshape(-1, 28, 28)) + self.pos
        return self.head(self.encoder(tokens).mean(dim=1))


def _conv_bn_relu(cin, cout, kernel, padding):
    return [nn.Conv2d(cin, cout, kernel, padding=padding, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class TextRecognizer(nn.Module):
    """CRNN-style: conv features, a sequence over the image columns,
    self-attention over the sequence, per-column logits."""

    def __init__(self, d_model=64, heads=4, ffn=128):
        super().__init__()
        self.stem = nn.Sequential(
            *_conv_bn_relu(1, 32, 3, 1), nn.MaxPool2d(2),            # 14x14
            *_conv_bn_relu(32, d_model, 3, 1), nn.MaxPool2d((2, 1)),  # 7x14
            *_conv_bn_relu(d_model, d_model, (7, 1), 0))              # 1x14
        self.pos = nn.Parameter(torch.zeros(1, 14, d_model))
        nn.init.normal_(self.pos, std=0.02)
        self.attention = _encoder_layer(d_model, heads, ffn)
        self.classify = nn.Linear(d_model, 10)

    def forward(self, x):
        columns = self.stem(x).flatten(2).transpose(1, 2) + self.pos
        per_column = self.classify(self.attention(columns))  # [B,14,10]
        return per_column.mean(dim=1)


# name -> (constructor, training steps, batch size, peak learning rate,
# description). The step counts keep each run near 2.5 minutes on one busy
# core.
MODELS = {
    "mobilenet_v3_small": (
        mobilenet_v3_small, 1000, 128, 3e-3,
        "torchvision MobileNetV3 'mobilenet_v3_small' configuration, "
        "width_mult 0.5, reduced_tail, 1-channel stem conv (stride 2), "
        "hard-swish, SE with hard-sigmoid, 10 classes"),
    "efficientnet": (
        efficientnet, 700, 128, 3e-3,
        "torchvision EfficientNet, 'efficientnet_b0' MBConv configuration, "
        "width_mult 0.25, depth_mult 0.34, 1-channel stem conv (stride 2), "
        "SiLU, SE with sigmoid, 10 classes"),
    "transformer": (
        RowTransformer, 500, 64, 1e-3,
        "28 rows as tokens: Linear(28->64) + learned positions, "
        "nn.TransformerEncoder (2 post-norm layers, d_model 64, 4 heads, "
        "FFN 128, ReLU), mean over tokens, Linear(64->10)"),
    "text_recognizer": (
        TextRecognizer, 600, 128, 2e-3,
        "conv3x3(1->32)+BN+ReLU, maxpool 2, conv3x3(32->64)+BN+ReLU, "
        "maxpool (2,1), conv7x1(64->64)+BN+ReLU -> 14 columns x 64 + learned "
        "positions -> TransformerEncoderLayer (4 heads, FFN 128, post-norm) "
        "-> per-column Linear(64->10) -> mean over columns"),
}


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def train(model, x_all, y_all, steps, lr, batch_size, seed, warmup):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)

    def schedule(step):
        if step < warmup:
            return (step + 1) / warmup
        t = (step - warmup) / max(1, steps - warmup)
        return 0.5 * (1.0 + np.cos(np.pi * t))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, schedule)
    loss_fn = nn.CrossEntropyLoss()
    shuffle = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(x_all), generator=shuffle)
    pos = 0
    history = []
    total, correct, seen = 0.0, 0, 0
    start = time.perf_counter()
    model.train()
    for step in range(steps):
        if pos + batch_size > len(order):
            order = torch.randperm(len(x_all), generator=shuffle)
            pos = 0
        idx = order[pos:pos + batch_size]
        pos += batch_size
        x, y = x_all[idx], y_all[idx]
        logits = model(x)
        loss = loss_fn(logits, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        total += float(loss) * len(idx)
        correct += int((logits.argmax(1) == y).sum())
        seen += len(idx)
        if (step + 1) % 200 == 0 or step + 1 == steps:
            entry = {"step": step + 1, "train_loss": round(total / seen, 4),
                     "train_accuracy": round(correct / seen, 4),
                     "seconds": round(time.perf_counter() - start, 1)}
            history.append(entry)
            print(f"  step {entry['step']}: loss {entry['train_loss']:.4f} "
                  f"train acc {entry['train_accuracy'] * 100:.2f}% "
                  f"({entry['seconds']} s)", flush=True)
            total, correct, seen = 0.0, 0, 0
    recompute_batchnorm(model, x_all, batch_size, shuffle)
    return model.eval(), history, time.perf_counter() - start


BN_BATCHES = 50


def has_batchnorm(model):
    return any(isinstance(m, nn.BatchNorm2d) for m in model.modules())


def recompute_batchnorm(model, x_all, batch_size, generator):
    """Replaces the BatchNorm running statistics (an exponential average
    that lags the last weights; torchvision's MobileNetV3 and EfficientNet
    use momentum 0.01) by the plain average over BN_BATCHES training
    batches, computed with the final weights."""
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    if not bns:
        return
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative moving average
    order = torch.randperm(len(x_all), generator=generator)
    model.eval()  # no dropout or stochastic depth while measuring
    for bn in bns:
        bn.train()
    with torch.no_grad():
        for i in range(BN_BATCHES):
            model(x_all[order[i * batch_size:(i + 1) * batch_size]])
    model.eval()


def predict(model, x, batch_size=500):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            out.append(model(torch.from_numpy(x[i:i + batch_size])).numpy())
    return np.concatenate(out).astype(np.float32)


def pytorch_int8(model, calib, test_x, test_y, float_logits):
    """PyTorch's own post-training static int8 quantization of the trained
    model (FX graph mode, the onednn engine's default qconfig: per-channel
    int8 weights, histogram-observed per-tensor uint8 activations),
    calibrated on the same images as qcc: top-1 and logits SQNR against
    the float model on `test_x`. A reference point for what 8-bit PTQ
    reaches on these models; FX leaves nn.MultiheadAttention's inner
    matmuls, softmax and LayerNorm in float, so the transformer numbers are
    an optimistic bound for them."""
    import copy
    import warnings
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    warnings.filterwarnings("ignore", module="torch.ao.quantization")
    engine = "onednn"
    torch.backends.quantized.engine = engine
    example = (torch.from_numpy(calib[:1]),)
    prepared = prepare_fx(copy.deepcopy(model).eval(),
                          get_default_qconfig_mapping(engine), example)
    with torch.no_grad():
        for i in range(0, len(calib), 100):
            prepared(torch.from_numpy(calib[i:i + 100]))
    quantized = convert_fx(prepared)
    logits = predict(quantized, test_x)
    top1 = float(np.mean(logits.argmax(1) == test_y))
    float_top1 = float(np.mean(float_logits.argmax(1) == test_y))
    return {
        "method": "torch.ao.quantization FX prepare_fx/convert_fx, "
                  f"engine {engine}, get_default_qconfig_mapping('{engine}')",
        "calibration": f"the {len(calib)} images of calib.npz",
        "images": len(test_x),
        "top1": top1, "float_top1": float_top1,
        "top1_loss_pp": round((float_top1 - top1) * 100, 2),
        "logits_sqnr_db": round(sqnr_db(float_logits.astype(np.float64),
                                        logits.astype(np.float64)), 2),
    }


def export_onnx(model, path):
    # Exported with autograd enabled: under no_grad, torch 1.13's
    # TransformerEncoderLayer takes its fused fast path, which has no ONNX
    # export (see python/models/exports/README.md).
    assert not model.training
    torch.onnx.export(model, torch.zeros(1, 1, 28, 28), path,
                      opset_version=13, input_names=["input"],
                      output_names=["logits"], do_constant_folding=True)
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    return dict(sorted(Counter(n.op_type for n in m.graph.node).items()))


def generate(name, args, train_x, train_y, test_x, test_y):
    build, steps, batch_size, lr, description = MODELS[name]
    steps = args.steps or steps
    batch_size = args.batch_size or batch_size
    out = os.path.join(os.path.abspath(args.out_dir), name)
    os.makedirs(out, exist_ok=True)
    print(f"{name}: training {steps} steps", flush=True)
    seed_everything(args.seed)
    model = build()
    params = sum(p.numel() for p in model.parameters())
    model, history, seconds = train(model, train_x, train_y, steps, lr,
                                    batch_size, args.seed, args.warmup)

    if args.save_state:
        os.makedirs(args.save_state, exist_ok=True)
        torch.save(model.state_dict(),
                   os.path.join(args.save_state, name + ".pt"))
    onnx_path = os.path.join(out, "model.onnx")
    ops = export_onnx(model, onnx_path)
    logits = predict(model, test_x)
    correct = logits.argmax(1) == test_y
    n = args.reference_count
    with open(os.path.join(out, "reference.npz"), "wb") as f:
        np.savez_compressed(f, logits=logits[:n])
    calib = datasets.normalize(
        datasets.load_fashion_mnist("train")[0][:args.calib_count])
    with open(os.path.join(out, "calib.npz"), "wb") as f:
        np.savez_compressed(f, input=calib)
    baseline = pytorch_int8(model, calib, test_x[:1000], test_y[:1000],
                            logits[:1000])
    print(f"{name}: PyTorch FX int8 on the first 1000 test images: top-1 "
          f"{baseline['top1'] * 100:.2f}% (float "
          f"{baseline['float_top1'] * 100:.2f}%), logits SQNR "
          f"{baseline['logits_sqnr_db']:.2f} dB", flush=True)

    meta = {
        "model": name,
        "architecture": description,
        "parameters": params,
        "onnx": {"file": "model.onnx", "bytes": os.path.getsize(onnx_path),
                 "sha256": sha256(onnx_path), "opset": 13,
                 "input": {"name": "input", "shape": [1, 1, 28, 28],
                           "dtype": "float32"},
                 "output": {"name": "logits", "shape": [1, 10],
                            "dtype": "float32"},
                 "do_constant_folding": True, "ops": ops},
        "normalization": "qcc_tools.datasets.normalize: "
                         "x = (float32(pixel) / 255 - 0.2860) / 0.3530",
        "calibration": {"file": "calib.npz", "key": "input",
                        "images": f"the first {args.calib_count} Fashion-MNIST "
                                  f"training images"},
        "reference": {"file": "reference.npz", "key": "logits",
                      "images": f"the first {n} Fashion-MNIST test images",
                      "computed_with": "PyTorch float32 eval forward"},
        "training": {
            "dataset": "Fashion-MNIST (Debian dataset-fashion-mnist), "
                       "60,000 training images",
            "steps": steps, "batch_size": batch_size,
            "images_seen": steps * batch_size,
            "batchnorm_statistics": "recomputed after training over "
                                    f"{BN_BATCHES} batches of {batch_size} "
                                    "(cumulative average)"
                                    if has_batchnorm(model) else None,
            "optimizer": "AdamW (weight decay 1e-4)", "peak_lr": lr,
            "schedule": f"linear warm-up {args.warmup} steps, cosine to 0",
            "loss": "cross entropy", "augmentation": None,
            "seed": args.seed, "threads": args.threads,
            "deterministic_algorithms": True, "torch": torch.__version__,
            "train_seconds": round(seconds, 1), "history": history,
        },
        "float_top1": {
            "first_1000": float(correct[:1000].mean()),
            "all_10000": float(correct.mean()),
            "evaluated_with": "PyTorch float32 eval forward",
        },
        "pytorch_int8": baseline,
    }
    with open(os.path.join(out, "meta.json"), "w") as f:
        json.dump(meta, f, indent=2)
        f.write("\n")
    print(f"{name}: {params} parameters, {meta['onnx']['bytes']} bytes ONNX, "
          f"trained in {seconds:.0f} s, float top-1 "
          f"{correct[:1000].mean() * 100:.2f}% (first 1000), "
          f"{correct.mean() * 100:.2f}% (10000)", flush=True)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("models", nargs="*", metavar="MODEL",
                   help=f"default: all of {', '.join(MODELS)}")
    p.add_argument("--steps", type=int, default=None,
                   help="training steps (default per model)")
    p.add_argument("--batch-size", type=int, default=None,
                   help="default per model")
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1,
                   help="intra-op threads (default 1: on two shared cores, "
                        "2 threads ran up to 40x slower than 1)")
    p.add_argument("--calib-count", type=int, default=200)
    p.add_argument("--reference-count", type=int, default=1000)
    p.add_argument("--out-dir", default=OUT_DIR)
    p.add_argument("--save-state", metavar="DIR",
                   help="also save each trained state_dict as DIR/<name>.pt "
                        "(not committed: for further experiments)")
    args = p.parse_args(argv)
    unknown = [m for m in args.models if m not in MODELS]
    if unknown:
        p.error(f"unknown model {unknown[0]!r}: choose from "
                f"{', '.join(MODELS)}")

    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    images, labels = datasets.load_fashion_mnist("train")
    train_x = torch.from_numpy(datasets.normalize(images))
    train_y = torch.from_numpy(labels.astype(np.int64))
    images, labels = datasets.load_fashion_mnist("test")
    test_x, test_y = datasets.normalize(images), labels.astype(np.int64)
    for name in args.models or list(MODELS):
        generate(name, args, train_x, train_y, test_x, test_y)
    return 0


if __name__ == "__main__":
    sys.exit(main())
