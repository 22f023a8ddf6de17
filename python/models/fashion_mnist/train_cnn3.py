#!/usr/bin/python3
"""Trains a second Fashion-MNIST CNN, unlike the bundled one, and exports it.

The calibration methods are checked on more than the one bundled model
(test/Models/fashion_mnist_cnn.onnx). This network has three conv blocks and
a single Linear head, so its logits come straight out of a matmul over
pooled features (no hidden fully connected layer):

    image [N,1,28,28] ─ conv 1->16 3x3 pad 1 ─ BN ─ ReLU ─ MaxPool 2  [16,14,14]
                      ─ conv 16->32 3x3 pad 1 ─ BN ─ ReLU ─ MaxPool 2 [32,7,7]
                      ─ conv 32->32 3x3 pad 1 ─ BN ─ ReLU ─ MaxPool 2 [32,3,3]
                      ─ flatten ─ Linear 288->10                      logits

Trained with Adam (lr 2e-3, cosine to 0), batch 64, no augmentation, fixed
seed, one thread. Writes <out>/fashion_mnist_cnn3.{onnx,pt,json} (opset 13,
input "image", output "logits", BatchNormalization kept); the JSON has the
PyTorch float top-1 on all 10,000 test images.

    /usr/bin/python3 python/models/fashion_mnist/train_cnn3.py \\
        --epochs 3 --out-dir /tmp/cnn3
"""

import argparse
import json
import os
import random
import sys
import time

import numpy as np
import torch
from torch import nn

from model import REPO  # noqa: F401 (puts <repo>/python on sys.path)
from qcc_tools import datasets
from evaluate import evaluate, torch_predictor


class FashionCNN3(nn.Module):
    def __init__(self):
        super().__init__()
        layers = []
        for index, (cin, cout) in enumerate(((1, 16), (16, 32), (32, 32))):
            layers += [nn.Conv2d(cin, cout, 3, padding=1),
                       nn.BatchNorm2d(cout), nn.ReLU(), nn.MaxPool2d(2)]
        self.features = nn.Sequential(*layers)
        self.flatten = nn.Flatten(1)
        self.fc = nn.Linear(32 * 3 * 3, 10)

    def forward(self, x):
        return self.fc(self.flatten(self.features(x)))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out-dir", required=True)
    args = p.parse_args(argv)

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    images, labels = datasets.load_fashion_mnist("train")
    x_all = torch.from_numpy(datasets.normalize(images))
    y_all = torch.from_numpy(labels.astype(np.int64))

    model = FashionCNN3()
    steps = args.epochs * ((len(x_all) + args.batch_size - 1) //
                           args.batch_size)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    loss_fn = nn.CrossEntropyLoss()
    shuffle = torch.Generator().manual_seed(args.seed)
    start = time.perf_counter()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(x_all), generator=shuffle)
        correct = 0
        for i in range(0, len(order), args.batch_size):
            idx = order[i:i + args.batch_size]
            logits = model(x_all[idx])
            loss = loss_fn(logits, y_all[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            correct += int((logits.argmax(1) == y_all[idx]).sum())
        print(f"epoch {epoch + 1}: train acc {100 * correct / len(order):.2f}%"
              f" ({time.perf_counter() - start:.0f} s)", flush=True)
    model.eval()

    out = os.path.abspath(args.out_dir)
    os.makedirs(out, exist_ok=True)
    onnx_path = os.path.join(out, "fashion_mnist_cnn3.onnx")
    torch.save(model.state_dict(), os.path.join(out, "fashion_mnist_cnn3.pt"))
    torch.onnx.export(
        model, torch.zeros(1, 1, 28, 28), onnx_path, opset_version=13,
        input_names=["image"], output_names=["logits"],
        do_constant_folding=False,
        training=torch.onnx.TrainingMode.PRESERVE, export_params=True,
        keep_initializers_as_inputs=False)
    test_x, test_y = datasets.load_fashion_mnist("test")
    result = evaluate(torch_predictor(model), datasets.normalize(test_x),
                      test_y.astype(np.int64))
    print(f"float test top-1 (PyTorch): {100 * result['accuracy']:.2f}%")
    with open(os.path.join(out, "fashion_mnist_cnn3.json"), "w") as f:
        json.dump({"float_top1": 100 * result["accuracy"],
                   "epochs": args.epochs, "seed": args.seed,
                   "train_seconds": round(time.perf_counter() - start, 1)},
                  f, indent=2)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
