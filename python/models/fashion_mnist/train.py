#!/usr/bin/python3
"""Trains the Fashion-MNIST CNN (model.py) with Debian's PyTorch and exports it.

Writes, in test/Models/:
  fashion_mnist_cnn.onnx  opset 13, input "image" [1,1,28,28] float32,
                          output "logits" [1,10]; BatchNormalization nodes
                          kept (eval-mode statistics), no constant folding
  fashion_mnist_cnn.pt    the trained state_dict (pytorch_int8.py and
                          evaluate.py load it instead of retraining)
  fashion_mnist_cnn.json  float top-1 accuracy on all 10,000 test images
                          (PyTorch forward), training settings,
                          normalization, sha256 of the .onnx

Input normalization (qcc_tools.datasets.normalize, float32 arithmetic):
  x = pixel / 255;  x = (x - 0.2860) / 0.3530

Deterministic: fixed seeds for weights and shuffling, one intra-op thread
by default, torch.use_deterministic_algorithms(True), no data augmentation,
no DataLoader workers. Re-running with the same torch build, --threads and
arguments gives the same weights (and the same ONNX sha256).

Usage (from the repository root):
  /usr/bin/python3 python/models/fashion_mnist/train.py [--epochs 6]
"""

import argparse
import hashlib
import json
import os
import random
import sys
import time

import numpy as np
import torch
from torch import nn

from model import FashionCNN, MODELS_DIR, REPO
from model import JSON_PATH as JSON_PATH_DEFAULT
from model import ONNX_PATH as ONNX_PATH_DEFAULT
from model import STATE_PATH as STATE_PATH_DEFAULT
from qcc_tools import datasets
from evaluate import evaluate, torch_predictor


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def rel(path):
    return os.path.relpath(path, REPO)


def train(args):
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(args.threads)

    images, labels = datasets.load_fashion_mnist("train")
    x_all = torch.from_numpy(datasets.normalize(images))
    y_all = torch.from_numpy(labels.astype(np.int64))

    model = FashionCNN()
    steps_per_epoch = (len(x_all) + args.batch_size - 1) // args.batch_size
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(
        opt, T_max=args.epochs * steps_per_epoch)
    loss_fn = nn.CrossEntropyLoss()
    shuffle = torch.Generator().manual_seed(args.seed)

    history = []
    start = time.perf_counter()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(x_all), generator=shuffle)
        total, correct, seen = 0.0, 0, 0
        t0 = time.perf_counter()
        for i in range(0, len(order), args.batch_size):
            idx = order[i:i + args.batch_size]
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
        entry = {"epoch": epoch + 1, "train_loss": round(total / seen, 5),
                 "train_accuracy": round(correct / seen, 5),
                 "seconds": round(time.perf_counter() - t0, 1)}
        history.append(entry)
        print(f"epoch {entry['epoch']}: loss {entry['train_loss']:.4f} "
              f"train acc {entry['train_accuracy'] * 100:.2f}% "
              f"({entry['seconds']} s)", flush=True)
    return model.eval(), history, time.perf_counter() - start


def export_onnx(model, path):
    # PRESERVE with an eval-mode model: torch.onnx skips its eval peephole
    # pass (which would fold BatchNormalization into Conv) while still
    # exporting inference-mode BatchNormalization (running statistics, one
    # output). do_constant_folding=False keeps the graph as written.
    assert not model.training
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), path, opset_version=13,
        input_names=["image"], output_names=["logits"],
        do_constant_folding=False,
        training=torch.onnx.TrainingMode.PRESERVE,
        export_params=True, keep_initializers_as_inputs=False)


# A numpy interpreter for exactly the ops this export contains, to check
# the ONNX file itself (Debian's onnx 1.12 has no reference evaluator and
# there is no onnxruntime for Python here).
def _onnx_forward(onnx_model, x):
    from onnx import numpy_helper
    g = onnx_model.graph
    env = {i.name: numpy_helper.to_array(i).astype(np.float64)
           for i in g.initializer}
    env[g.input[0].name] = x.astype(np.float64)
    for node in g.node:
        a = {at.name: at for at in node.attribute}
        ins = [env[n] for n in node.input]
        op = node.op_type
        if op == "Conv":
            w = ins[1]
            pads = list(a["pads"].ints)
            assert list(a["strides"].ints) == [1, 1]
            assert "group" not in a or a["group"].i == 1
            xp = np.pad(ins[0], ((0, 0), (0, 0), (pads[0], pads[2]),
                                 (pads[1], pads[3])))
            n, c, h, wd = ins[0].shape
            m, _, kh, kw = w.shape
            out = np.zeros((n, m, h + pads[0] + pads[2] - kh + 1,
                            wd + pads[1] + pads[3] - kw + 1))
            for dy in range(kh):
                for dx in range(kw):
                    patch = xp[:, :, dy:dy + out.shape[2], dx:dx + out.shape[3]]
                    out += np.einsum("nchw,mc->nmhw", patch, w[:, :, dy, dx])
            if len(ins) > 2:
                out += ins[2][None, :, None, None]
            y = out
        elif op == "BatchNormalization":
            xx, scale, bias, mean, var = ins
            eps = a["epsilon"].f if "epsilon" in a else 1e-5
            s = (lambda v: v[None, :, None, None])
            y = (xx - s(mean)) / np.sqrt(s(var) + eps) * s(scale) + s(bias)
        elif op == "Relu":
            y = np.maximum(ins[0], 0)
        elif op == "MaxPool":
            k = list(a["kernel_shape"].ints)
            assert k == [2, 2] and list(a["strides"].ints) == [2, 2]
            assert "pads" not in a or not any(a["pads"].ints)
            n, c, h, wd = ins[0].shape
            y = ins[0].reshape(n, c, h // 2, 2, wd // 2, 2).max(axis=(3, 5))
        elif op == "Flatten":
            y = ins[0].reshape(ins[0].shape[0], -1)
        elif op == "Gemm":
            assert a["transB"].i == 1
            y = ins[0] @ ins[1].T + ins[2]
        else:
            raise NotImplementedError(f"op {op} in the exported graph")
        env[node.output[0]] = y
    return env[g.output[0].name]


def check_onnx(path, model, inputs):
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    ops = [n.op_type for n in m.graph.node]
    if ops.count("BatchNormalization") != 2:
        raise RuntimeError(f"expected 2 BatchNormalization nodes, got ops {ops}")
    with torch.no_grad():
        expected = model(torch.from_numpy(inputs)).numpy().astype(np.float64)
    got = np.concatenate([_onnx_forward(m, inputs[i:i + 1])
                          for i in range(len(inputs))])
    err = float(np.max(np.abs(got - expected)))
    if err > 1e-4:
        raise RuntimeError(f"ONNX numpy forward differs from PyTorch by {err}")
    return {"ops": ops, "opset": m.opset_import[0].version,
            "numpy_vs_pytorch_max_abs_diff": float(f"{err:.3g}"),
            "checked_images": len(inputs)}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out-dir", default=MODELS_DIR,
                   help="where the .onnx/.pt/.json go (default test/Models)")
    args = p.parse_args(argv)

    out = os.path.abspath(args.out_dir)
    ONNX_PATH, STATE_PATH, JSON_PATH = (
        os.path.join(out, os.path.basename(f))
        for f in (ONNX_PATH_DEFAULT, STATE_PATH_DEFAULT, JSON_PATH_DEFAULT))
    model, history, seconds = train(args)
    os.makedirs(out, exist_ok=True)
    torch.save(model.state_dict(), STATE_PATH)
    export_onnx(model, ONNX_PATH)

    test_x, test_y = datasets.load_fashion_mnist("test")
    test_x = datasets.normalize(test_x)
    result = evaluate(torch_predictor(model), test_x, test_y.astype(np.int64))
    onnx_info = check_onnx(ONNX_PATH, model, test_x[:32])
    print(f"float test top-1: {result['accuracy'] * 100:.2f}% "
          f"({result['correct']}/{result['count']}); trained in "
          f"{seconds:.0f} s")

    info = {
        "model": "fashion_mnist_cnn",
        "architecture": "conv(1->16,3x3,pad1)+BN+ReLU+MaxPool2, "
                        "conv(16->32,3x3,pad1)+BN+ReLU+MaxPool2, flatten, "
                        "Linear(1568->64)+ReLU, Linear(64->10)",
        "files": {
            "onnx": rel(ONNX_PATH), "onnx_bytes": os.path.getsize(ONNX_PATH),
            "onnx_sha256": sha256(ONNX_PATH),
            "state_dict": rel(STATE_PATH),
            "state_dict_bytes": os.path.getsize(STATE_PATH),
        },
        "onnx": {"input": {"name": "image", "shape": [1, 1, 28, 28],
                           "dtype": "float32"},
                 "output": {"name": "logits", "shape": [1, 10],
                            "dtype": "float32"},
                 "do_constant_folding": False,
                 "batchnorm": "kept as BatchNormalization (eval statistics)",
                 **onnx_info},
        "normalization": {
            "formula": "x = float32(pixel) / 255; x = (x - 0.2860) / 0.3530",
            "mean": datasets.MEAN, "std": datasets.STD,
            "arithmetic": "float32, one rounding per operation",
            "layout": "[N,1,28,28] NCHW",
            "python": "qcc_tools.datasets.normalize",
        },
        "dataset": {"name": "Fashion-MNIST",
                    "source": "Debian dataset-fashion-mnist, "
                              "/usr/share/datasets/fashion-mnist",
                    "train_images": 60000, "test_images": 10000},
        "training": {
            "epochs": args.epochs, "seed": args.seed,
            "batch_size": args.batch_size, "optimizer": "Adam",
            "lr": args.lr, "schedule": "cosine to 0 per step",
            "loss": "cross entropy", "augmentation": None,
            "threads": args.threads, "deterministic_algorithms": True,
            "torch": torch.__version__, "train_seconds": round(seconds, 1),
            "history": history,
        },
        "float_test_accuracy": {
            "top1": result["accuracy"], "correct": result["correct"],
            "count": result["count"], "evaluated_with": "PyTorch forward",
            "per_class": result["per_class_accuracy"],
        },
    }
    with open(JSON_PATH, "w") as f:
        json.dump(info, f, indent=2)
        f.write("\n")
    print(f"wrote {rel(ONNX_PATH)} ({info['files']['onnx_bytes']} bytes), "
          f"{rel(STATE_PATH)}, {rel(JSON_PATH)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
