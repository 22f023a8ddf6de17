#!/usr/bin/python3
"""Top-1 accuracy of a Fashion-MNIST classifier on the 10,000 test images.

Every path feeds the same float32 input, qcc_tools.datasets.normalize
((x/255 - 0.2860)/0.3530), shaped [B,1,28,28], and takes the argmax of
10 logits (the first maximum wins on ties, as numpy.argmax does).

From Python: ``evaluate(predict)`` with any callable mapping float32
[B,1,28,28] to logits [B,10]; ``torch_predictor(model)`` wraps a PyTorch
module; ``qcc_predictor(so, prefix, header)`` wraps a qcc-compiled model
through qcc_tools.loader (batch 1, one call per image).

Command line (from the repository root, Debian's python3)::

    # PyTorch float, the trained weights in test/Models/fashion_mnist_cnn.pt
    /usr/bin/python3 python/models/fashion_mnist/evaluate.py torch

    # a model qcc compiled and linked into a shared object
    build/bin/qcc model.mlir --target=host --name=fmnist -o fmnist.o
    cc -shared fmnist.o -lm -o fmnist.so
    /usr/bin/python3 python/models/fashion_mnist/evaluate.py qcc \\
        --so fmnist.so --prefix fmnist --header fmnist.h

    # or let it compile: runs  qcc MODEL --target=host --name=PREFIX -o X.o
    # [extra qcc flags]  and  cc -shared X.o -lm -o X.so  in a temp folder
    /usr/bin/python3 python/models/fashion_mnist/evaluate.py qcc \\
        --compile test/Models/fashion_mnist_cnn.onnx --qcc build/bin/qcc

``--limit N`` evaluates the first N test images only; ``--json FILE`` writes
the result (accuracy, correct, count, per-class accuracy, seconds).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "python"))

from qcc_tools.datasets import load_fashion_mnist, normalize  # noqa: E402


def test_set(limit=None):
    """(normalized float32 [N,1,28,28], labels int64 [N]) of the test split."""
    images, labels = load_fashion_mnist("test")
    if limit is not None:
        images, labels = images[:limit], labels[:limit]
    return normalize(images), labels.astype(np.int64)


def evaluate(predict, inputs=None, labels=None, batch_size=500, limit=None):
    """Runs `predict` (float32 [B,1,28,28] -> logits [B,10]) over the test
    split in batches and returns a dict with top-1 accuracy and counts."""
    if inputs is None:
        inputs, labels = test_set(limit)
    start = time.perf_counter()
    preds = np.empty(len(inputs), dtype=np.int64)
    all_logits = np.empty((len(inputs), 10), dtype=np.float64)
    for i in range(0, len(inputs), batch_size):
        logits = np.asarray(predict(inputs[i:i + batch_size]))
        n = min(batch_size, len(inputs) - i)
        if logits.shape != (n, 10):
            raise ValueError(f"predictor returned shape {logits.shape}, "
                             f"expected {(n, 10)}")
        if not np.all(np.isfinite(logits)):
            raise ValueError(f"predictor returned non-finite logits for "
                             f"images {i}..{i + n}")
        preds[i:i + n] = np.argmax(logits, axis=1)
        all_logits[i:i + n] = logits
    seconds = time.perf_counter() - start
    correct = preds == labels
    per_class = [float(correct[labels == c].mean()) if np.any(labels == c)
                 else None for c in range(10)]
    return {"accuracy": float(correct.mean()), "correct": int(correct.sum()),
            "count": int(len(labels)), "per_class_accuracy": per_class,
            "seconds": round(seconds, 3), "predictions": preds,
            "logits": all_logits}


def torch_predictor(model):
    """A PyTorch module (put in eval mode here) as a predictor."""
    import torch
    model.eval()

    def predict(x):
        with torch.no_grad():
            return model(torch.from_numpy(np.ascontiguousarray(x))).numpy()
    return predict


def qcc_predictor(so_path, prefix, header):
    """A qcc-compiled model as a predictor: batch 1 through the ctypes
    loader, one run per image. The model must take one float32
    [1,1,28,28] input and give one [1,10] output (float32 or, for an
    integer output, the raw integer logits, whose argmax is the same as
    after a positive-scale dequantization)."""
    from qcc_tools.loader import Model
    model = Model(so_path, prefix, header=header)
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise ValueError(f"{so_path}: expected 1 input and 1 output, got "
                         f"{len(model.inputs)} and {len(model.outputs)}")
    (ins,), (outs,) = model.inputs, model.outputs
    if ins.shape != (1, 1, 28, 28) or ins.dtype != np.float32:
        raise ValueError(f"{so_path}: input {ins.name!r} is {ins.dtype} "
                         f"{ins.shape}, expected float32 (1, 1, 28, 28)")
    if int(np.prod(outs.shape)) != 10:
        raise ValueError(f"{so_path}: output {outs.name!r} has shape "
                         f"{outs.shape}, expected 10 logits")

    def predict(x):
        out = np.empty((len(x), 10), dtype=np.float64)
        for i in range(len(x)):
            (logits,) = model.run(x[i:i + 1])
            out[i] = logits.reshape(10)
        return out
    return predict


def compile_with_qcc(qcc, model_path, prefix, workdir, extra=(),
                     importer=None):
    """[importer MODEL.onnx -o PREFIX.mlir ->] qcc MODEL -> PREFIX.o/.h ->
    PREFIX.so in `workdir`; returns (so, header). Raises RuntimeError with
    the failing tool's message."""
    obj = os.path.join(workdir, prefix + ".o")
    header = os.path.join(workdir, prefix + ".h")
    so = os.path.join(workdir, prefix + ".so")
    cc = shutil.which("cc") or shutil.which("gcc")
    cmds = []
    if importer and model_path.endswith(".onnx"):
        mlir = os.path.join(workdir, prefix + ".mlir")
        cmds.append([importer, model_path, "-o", mlir])
        model_path = mlir
    cmds += [[qcc, model_path, "--target=host", f"--name={prefix}",
              "-o", obj, f"--header={header}", *extra],
             [cc, "-shared", obj, "-lm", "-o", so]]
    for cmd in cmds:
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n"
                               f"{r.stderr.strip()}")
    return so, header


def report(name, result, json_path=None):
    print(f"{name}: top-1 {result['accuracy'] * 100:.2f}% "
          f"({result['correct']}/{result['count']}) in {result['seconds']} s")
    if json_path:
        out = {k: v for k, v in result.items()
               if k not in ("predictions", "logits")}
        out["name"] = name
        with open(json_path, "w") as f:
            json.dump(out, f, indent=2)
            f.write("\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="kind", required=True)
    t = sub.add_parser("torch", help="the PyTorch float model")
    t.add_argument("--state-dict", default=None,
                   help="default test/Models/fashion_mnist_cnn.pt")
    q = sub.add_parser("qcc", help="a qcc-compiled model (ctypes, batch 1)")
    q.add_argument("--so")
    q.add_argument("--header")
    q.add_argument("--prefix", default="fmnist")
    q.add_argument("--compile", metavar="MODEL",
                   help="compile MODEL with qcc first (instead of --so)")
    q.add_argument("--qcc", default=os.path.join(REPO, "build", "bin", "qcc"))
    q.add_argument("--qcc-import", default=None,
                   help="ONNX importer run first on a .onnx --compile model "
                        "(default: qcc-import next to --qcc, if there; "
                        "'none' hands the .onnx to qcc itself)")
    q.add_argument("--qcc-arg", action="append", default=[],
                   help="extra qcc flag (repeatable)")
    q.add_argument("--compare-torch", action="store_true",
                   help="also report prediction agreement and max logit "
                        "difference against the PyTorch float model")
    for p in (t, q):
        p.add_argument("--limit", type=int, default=None)
        p.add_argument("--json", default=None)
        p.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)

    if args.kind == "torch":
        import torch
        torch.set_num_threads(args.threads)
        from model import STATE_PATH, load_trained
        model = load_trained(args.state_dict or STATE_PATH)
        report("pytorch-float", evaluate(torch_predictor(model),
                                         limit=args.limit), args.json)
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        if args.compile:
            importer = args.qcc_import
            if importer is None:
                sibling = os.path.join(os.path.dirname(args.qcc), "qcc-import")
                importer = sibling if os.path.exists(sibling) else None
            elif importer == "none":
                importer = None
            so, header = compile_with_qcc(args.qcc, args.compile, args.prefix,
                                          tmp, args.qcc_arg, importer)
        elif args.so and args.header:
            so, header = args.so, args.header
        else:
            parser.error("qcc needs --so and --header, or --compile MODEL")
        result = evaluate(qcc_predictor(so, args.prefix, header),
                          batch_size=100, limit=args.limit)
    if args.compare_torch:
        import torch
        torch.set_num_threads(args.threads)
        from model import load_trained
        ref = evaluate(torch_predictor(load_trained()), limit=args.limit)
        result["agreement_with_pytorch_float"] = float(
            np.mean(ref["predictions"] == result["predictions"]))
        result["max_abs_logit_diff_vs_pytorch_float"] = float(
            np.max(np.abs(ref["logits"] - result["logits"])))
        print(f"vs PyTorch float: same top-1 on "
              f"{result['agreement_with_pytorch_float'] * 100:.2f}% of "
              f"images, max |logit diff| "
              f"{result['max_abs_logit_diff_vs_pytorch_float']:.3g}")
    report(f"qcc:{args.prefix}", result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
