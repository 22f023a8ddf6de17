#!/usr/bin/python3
"""PyTorch's own post-training static int8 quantization of the trained
Fashion-MNIST CNN: the baseline qcc's quantizer is compared against.

Eager mode, per engine:
  1. load test/Models/fashion_mnist_cnn.pt (train.py's weights; no retraining)
  2. wrap in QuantStub/DeQuantStub, fuse conv1+bn1+relu1, conv2+bn2+relu2,
     fc1+relu3 (eval-mode fusion folds BN into the conv)
  3. qconfig = torch.ao.quantization.get_default_qconfig(engine)
  4. prepare, calibrate on the first 1,000 TRAINING images (normalized as in
     training), convert
  5. top-1 on all 10,000 test images

Engines: whichever of fbgemm/x86 this torch has, and qnnpack. Debian's torch
1.13 is built without FBGEMM: its engines are qnnpack and onednn, so onednn
(x86 CPUs through oneDNN) stands in for fbgemm/x86 with its own default
qconfig. The fbgemm/x86 default qconfig (reduce_range=True activations) is
also run on the onednn kernels and reported separately, as the closest this
build gets to fbgemm's numbers.

Results are appended to test/Models/fashion_mnist_cnn.json under
"pytorch_int8" (the rest of the file is left as train.py wrote it).

Usage (from the repository root):
  /usr/bin/python3 python/models/fashion_mnist/pytorch_int8.py
"""

import argparse
import copy
import json
import sys
import time
import warnings

import numpy as np
import torch
from torch import nn
from torch.ao import quantization as tq

from model import FUSE_GROUPS, JSON_PATH, STATE_PATH, load_trained, rel_path
from qcc_tools import datasets
from evaluate import evaluate, torch_predictor

CALIBRATION_COUNT = 1000

# The x86/fbgemm default qconfig still passes reduce_range=True.
warnings.filterwarnings("ignore", message="Please use quant_min and quant_max")


class Quantizable(nn.Module):
    def __init__(self, float_model):
        super().__init__()
        self.quant = tq.QuantStub()
        self.model = float_model
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        return self.dequant(self.model(self.quant(x)))


def quantize(float_model, engine, qconfig_backend, calib):
    torch.backends.quantized.engine = engine
    m = Quantizable(copy.deepcopy(float_model)).eval()
    m.model = tq.fuse_modules(m.model, FUSE_GROUPS)
    m.qconfig = tq.get_default_qconfig(qconfig_backend)
    tq.prepare(m, inplace=True)
    with torch.no_grad():
        for i in range(0, len(calib), 250):
            m(torch.from_numpy(calib[i:i + 250]))
    tq.convert(m, inplace=True)
    return m


def describe_qparams(m):
    """Scale/zero point of the quantized input and of every layer output."""
    out = {"input": {"scale": float(m.quant.scale),
                     "zero_point": int(m.quant.zero_point)}}
    for name in ("conv1", "conv2", "fc1", "fc2"):
        layer = getattr(m.model, name)
        w = layer.weight()
        entry = {"scale": float(layer.scale),
                 "zero_point": int(layer.zero_point),
                 "weight_qscheme": str(w.qscheme()).replace("torch.", "")}
        if w.qscheme() in (torch.per_channel_affine,
                           torch.per_channel_symmetric):
            s = w.q_per_channel_scales()
            entry["weight_scale_range"] = [float(s.min()), float(s.max())]
        else:
            entry["weight_scale"] = float(w.q_scale())
            entry["weight_zero_point"] = int(w.q_zero_point())
        out[name] = entry
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--no-json", action="store_true",
                   help="print only, leave the JSON file alone")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    float_model = load_trained(STATE_PATH)
    calib = datasets.calibration_images(CALIBRATION_COUNT, "train")
    test_x, test_y = datasets.load_fashion_mnist("test")
    test_x, test_y = datasets.normalize(test_x), test_y.astype(np.int64)

    float_result = evaluate(torch_predictor(float_model), test_x, test_y)
    print(f"float: top-1 {float_result['accuracy'] * 100:.2f}%")
    float_pred = float_result["predictions"]

    supported = torch.backends.quantized.supported_engines
    runs = []  # (key, engine, qconfig backend)
    x86 = next((e for e in ("x86", "fbgemm") if e in supported), None)
    if x86:
        runs.append((x86, x86, x86))
    elif "onednn" in supported:
        runs.append(("onednn", "onednn", "onednn"))
        runs.append(("x86_qconfig_on_onednn", "onednn", "x86"))
    if "qnnpack" in supported:
        runs.append(("qnnpack", "qnnpack", "qnnpack"))

    results = {
        "method": "eager-mode post-training static quantization: "
                  "QuantStub/DeQuantStub, fuse conv+bn+relu and linear+relu, "
                  "get_default_qconfig(backend), prepare, calibrate, convert",
        "calibration": f"first {CALIBRATION_COUNT} training images, "
                       f"normalized as in training",
        "evaluated_on": "all 10,000 test images",
        "torch": torch.__version__,
        "supported_engines": list(supported),
        "note": None if x86 else
                "this torch build has no fbgemm/x86 engine; onednn is the "
                "x86 engine here, and the fbgemm/x86 default qconfig "
                "(reduce_range=True) is also run on onednn's kernels",
        "float_top1": float_result["accuracy"],
        "engines": {},
    }
    for key, engine, qbackend in runs:
        t0 = time.perf_counter()
        qm = quantize(float_model, engine, qbackend, calib)
        t1 = time.perf_counter()
        r = evaluate(torch_predictor(qm), test_x, test_y)
        agree = float(np.mean(r["predictions"] == float_pred))
        results["engines"][key] = {
            "engine": engine, "qconfig": f"get_default_qconfig({qbackend!r})",
            "top1": r["accuracy"], "correct": r["correct"],
            "count": r["count"],
            "delta_vs_float_pct_points": round(
                (r["accuracy"] - float_result["accuracy"]) * 100, 2),
            "agreement_with_float": agree,
            "calibrate_convert_seconds": round(t1 - t0, 1),
            "eval_seconds": r["seconds"],
            "qparams": describe_qparams(qm),
        }
        print(f"{key}: top-1 {r['accuracy'] * 100:.2f}% "
              f"({r['correct']}/{r['count']}), agrees with float on "
              f"{agree * 100:.2f}% of images", flush=True)

    if not args.no_json:
        with open(JSON_PATH) as f:
            info = json.load(f)
        info["pytorch_int8"] = results
        with open(JSON_PATH, "w") as f:
            json.dump(info, f, indent=2)
            f.write("\n")
        print(f"updated {rel_path(JSON_PATH)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
