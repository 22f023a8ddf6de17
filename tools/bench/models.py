#!/usr/bin/python3
"""The models of the qcc benchmark (tools/bench/run-benchmark.sh), and the
PyTorch side of it.

Subcommands (Debian's /usr/bin/python3, from the repository root):

  models.py generate OUT_DIR [--only NAME,...] [--calib-count N]
      For every model, OUT_DIR/<name>/ gets
        model.onnx   the float model (torch.onnx.export, opset 13/17)
        state.pt     the PyTorch weights the ONNX model was exported from
        calib.npz    calibration samples for qcc, keyed by the input name
        input.bin    one fixed input (raw float32, C order) every engine runs
        input.npy    the same input for Python
        meta.json    input name and shape, MACs per inference, the source
      Weights are random (seeded, torchvision's own initialization for
      ResNet-18 and MobileNetV2, `weights=None`): nothing is downloaded,
      latency does not depend on the values. The Fashion-MNIST CNN is the
      bundled, trained test/Models/fashion_mnist_cnn.onnx (its calibration
      samples are dataset images).

  models.py torch OUT_DIR NAME [--samples N] [--min-sample-ms T]
                                [--max-seconds S]
      Times PyTorch fp32 and int8 on one thread (torch.set_num_threads(1))
      at batch 1 on OUT_DIR/NAME/input.npy and prints one JSON line per
      engine. fp32: the module traced, frozen and passed through
      torch.jit.optimize_for_inference (convolutions and linear layers on
      oneDNN); other matmuls use the BLAS torch is linked with. int8:
      post-training static quantization with FX graph mode
      (prepare_fx/convert_fx, the default qconfig mapping of the quantized
      engine) calibrated on calib.npz, then traced and frozen; the engine is
      onednn when this torch has it (Debian's torch 1.13 does; it has no
      fbgemm/x86), else x86 or fbgemm. The note says how many conv/linear
      layers ended up int8 (FX leaves nn.MultiheadAttention in float). A
      model FX cannot trace falls back to dynamic quantization of its
      nn.Linear layers (said in the note).

Timing, shared with ModelBench.c and ort_bench.js: warm-up calls (three
here, for TorchScript; one in the others), then one timed call sets the
number of calls per sample so that a sample takes at least
`min_sample_ms`; up to `samples` samples are taken, stopping early after
`max_seconds`; the median and the minimum over samples, per call, are
reported.
"""

import argparse
import copy
import json
import math
import os
import sys
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(REPO, "python"))
sys.path.insert(0, os.path.join(REPO, "python", "models", "fashion_mnist"))

import torch  # noqa: E402
from torch import nn  # noqa: E402

FMNIST_ONNX = os.path.join(REPO, "test", "Models", "fashion_mnist_cnn.onnx")

# The order of the table.
MODELS = ["resnet18", "mobilenet_v2", "fashion_mnist_cnn", "transformer",
          "ocr"]

warnings.filterwarnings("ignore")


# ---------------------------------------------------------------------------
# Model definitions
# ---------------------------------------------------------------------------

class TransformerEncoder(nn.Module):
    """nn.TransformerEncoder, 2 layers, d_model 128, 4 heads, ffn 512, on a
    sequence of 64 tokens (batch first)."""

    def __init__(self):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model=128, nhead=4,
                                           dim_feedforward=512, dropout=0.0,
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2,
                                             enable_nested_tensor=False)
        # nn.TransformerEncoder deep-copies the layer: give every layer its
        # own random weights, as a trained model has.
        for module in self.encoder.modules():
            if module is not self.encoder and hasattr(module,
                                                      "_reset_parameters"):
                module._reset_parameters()
            elif hasattr(module, "reset_parameters"):
                module.reset_parameters()

    def forward(self, x):
        return self.encoder(x)


class AttentionBlock(nn.Module):
    """Pre-norm self-attention + MLP, written with plain nn.Linear layers
    and matmuls (no nn.MultiheadAttention), so FX quantization can trace
    it."""

    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.heads = heads
        self.head_dim = dim // heads
        self.norm1 = nn.LayerNorm(dim)
        self.q = nn.Linear(dim, dim)
        self.k = nn.Linear(dim, dim)
        self.v = nn.Linear(dim, dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(hidden, dim)

    def split(self, t):
        # [1, T, D] -> [1, H, T, D/H]; batch 1, static shapes.
        return t.reshape(1, -1, self.heads, self.head_dim).transpose(1, 2)

    def forward(self, x):
        h = self.norm1(x)
        q, k, v = self.split(self.q(h)), self.split(self.k(h)), \
            self.split(self.v(h))
        att = torch.softmax(
            torch.matmul(q, k.transpose(2, 3)) * (self.head_dim ** -0.5), -1)
        o = torch.matmul(att, v).transpose(1, 2).reshape(1, -1,
                                                         self.heads *
                                                         self.head_dim)
        x = x + self.proj(o)
        return x + self.fc2(self.act(self.fc1(self.norm2(x))))


class OCRNet(nn.Module):
    """A text-line recognizer in the style of CRNN/ViTSTR: a conv stem over a
    1x3x32x128 crop, the feature map's columns as a sequence of 32 tokens,
    two attention blocks, per-column class logits (97 symbols)."""

    def __init__(self, dim=128, classes=97):
        super().__init__()

        def conv_bn_relu(cin, cout, stride):
            return [nn.Conv2d(cin, cout, 3, stride, 1, bias=False),
                    nn.BatchNorm2d(cout), nn.ReLU()]

        self.stem = nn.Sequential(*conv_bn_relu(3, 32, 1),
                                  *conv_bn_relu(32, 64, 2),      # 16x64
                                  *conv_bn_relu(64, 96, 2),      # 8x32
                                  *conv_bn_relu(96, dim, (2, 1)))  # 4x32
        self.embed = nn.Linear(dim * 4, dim)
        self.blocks = nn.Sequential(AttentionBlock(dim, 4, 2 * dim),
                                    AttentionBlock(dim, 4, 2 * dim))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        f = self.stem(x)                                  # [1, C, 4, 32]
        f = f.permute(0, 3, 1, 2).reshape(1, 32, -1)      # [1, 32, C*4]
        return self.head(self.norm(self.blocks(self.embed(f))))


def fashion_mnist_torch():
    from model import load_trained
    return load_trained()


def build(name):
    """(module in eval mode, input name, input shape, opset, description)."""
    torch.manual_seed(0)
    if name == "resnet18":
        import torchvision
        m = torchvision.models.resnet18(weights=None)
        return m.eval(), "image", (1, 3, 224, 224), 13, \
            "torchvision resnet18(weights=None), random init"
    if name == "mobilenet_v2":
        import torchvision
        m = torchvision.models.mobilenet_v2(weights=None)
        return m.eval(), "image", (1, 3, 224, 224), 13, \
            "torchvision mobilenet_v2(weights=None), random init"
    if name == "fashion_mnist_cnn":
        return fashion_mnist_torch(), "image", (1, 1, 28, 28), 13, \
            "test/Models/fashion_mnist_cnn.onnx (trained, bundled)"
    if name == "transformer":
        return TransformerEncoder().eval(), "tokens", (1, 64, 128), 17, \
            "nn.TransformerEncoder 2 layers, d 128, 4 heads, ffn 512, " \
            "seq 64, random init"
    if name == "ocr":
        return OCRNet().eval(), "image", (1, 3, 32, 128), 17, \
            "conv stem (4 conv+bn+relu) + 2 attention blocks, 97 classes " \
            "x 32 columns, random init"
    raise SystemExit(f"unknown model {name}")


# ---------------------------------------------------------------------------
# MACs from the ONNX graph
# ---------------------------------------------------------------------------

def count_macs(model):
    """Multiply-accumulates of the Conv, MatMul and Gemm nodes per
    inference, from ONNX shape inference."""
    from onnx import shape_inference
    inferred = shape_inference.infer_shapes(model)
    shapes = {}
    for vi in list(inferred.graph.value_info) + list(inferred.graph.input) + \
            list(inferred.graph.output):
        dims = [d.dim_value for d in vi.type.tensor_type.shape.dim]
        shapes[vi.name] = dims
    for init in model.graph.initializer:
        shapes[init.name] = list(init.dims)
    macs = 0
    for node in model.graph.node:
        out = shapes.get(node.output[0])
        if not out:
            continue
        if node.op_type == "Conv":
            w = shapes[node.input[1]]
            macs += int(np.prod(out)) * int(np.prod(w[1:]))
        elif node.op_type == "MatMul":
            a = shapes.get(node.input[0])
            macs += int(np.prod(out)) * a[-1]
        elif node.op_type == "Gemm":
            a = shapes.get(node.input[0])
            trans_a = next((x.i for x in node.attribute if x.name == "transA"),
                           0)
            macs += int(np.prod(out)) * (a[0] if trans_a else a[-1])
    return macs


# ---------------------------------------------------------------------------
# generate
# ---------------------------------------------------------------------------

def calibration_samples(name, shape, count, rng):
    if name == "fashion_mnist_cnn":
        from qcc_tools import datasets
        return datasets.calibration_images(count, "train").reshape(
            (count,) + shape[1:]).astype(np.float32)
    if name in ("resnet18", "mobilenet_v2", "ocr"):
        # Images normalized as torchvision's transforms would: ~N(0, 1).
        return rng.standard_normal((count,) + shape[1:]).astype(np.float32)
    return rng.standard_normal((count,) + shape[1:]).astype(np.float32)


def generate(out_dir, names, calib_count):
    import onnx
    for name in names:
        d = os.path.join(out_dir, name)
        os.makedirs(d, exist_ok=True)
        module, input_name, shape, opset, source = build(name)
        rng = np.random.default_rng(1)
        onnx_path = os.path.join(d, "model.onnx")
        if name == "fashion_mnist_cnn":
            model = onnx.load(FMNIST_ONNX)
            input_name = model.graph.input[0].name
            onnx.save(model, onnx_path)
        else:
            example = torch.from_numpy(
                rng.standard_normal(shape).astype(np.float32))
            # Not under torch.no_grad(): with gradients enabled,
            # nn.TransformerEncoderLayer takes its traceable path instead
            # of the fused fast path, which has no ONNX export.
            torch.onnx.export(module, (example,), onnx_path,
                              input_names=[input_name],
                              output_names=["output"],
                              opset_version=opset,
                              do_constant_folding=True)
            model = onnx.load(onnx_path)
        torch.save(module.state_dict(), os.path.join(d, "state.pt"))
        calib = calibration_samples(name, shape, calib_count, rng)
        np.savez(os.path.join(d, "calib.npz"), **{input_name: calib})
        x = calibration_samples(name, shape, 1, np.random.default_rng(2))
        x = x.reshape(shape).astype(np.float32)
        np.save(os.path.join(d, "input.npy"), x)
        x.tofile(os.path.join(d, "input.bin"))
        meta = {"name": name, "input": input_name, "shape": list(shape),
                "opset": opset, "macs": count_macs(model), "source": source,
                "onnx_bytes": os.path.getsize(onnx_path)}
        with open(os.path.join(d, "meta.json"), "w") as f:
            json.dump(meta, f, indent=1)
        print(f"{name}: {meta['macs'] / 1e6:.1f} MMAC, opset {opset}, "
              f"{source}", flush=True)


# ---------------------------------------------------------------------------
# torch
# ---------------------------------------------------------------------------

def time_calls(fn, samples, min_sample_ms, max_seconds):
    """Median and min milliseconds per call (see the module docstring)."""
    # Three warm-up calls: TorchScript's profiling executor optimizes the
    # graph during the first runs.
    for _ in range(3):
        fn()
    t0 = time.perf_counter()
    fn()
    one = time.perf_counter() - t0
    calls = max(1, math.ceil(min_sample_ms / 1e3 / max(one, 1e-7)))
    times = []
    start = time.perf_counter()
    while len(times) < samples:
        t0 = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - t0) / calls)
        if time.perf_counter() - start > max_seconds and len(times) >= 3:
            break
    times.sort()
    return {"median_ms": times[len(times) // 2] * 1e3,
            "min_ms": times[0] * 1e3, "samples": len(times),
            "calls_per_sample": calls}


def quantize_static_fx(module, example, calib, engine):
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import convert_fx, prepare_fx
    torch.backends.quantized.engine = engine
    mapping = get_default_qconfig_mapping(engine)
    prepared = prepare_fx(copy.deepcopy(module).eval(), mapping,
                          example_inputs=(example,))
    with torch.no_grad():
        for sample in calib:
            prepared(torch.from_numpy(sample[None]))
    return convert_fx(prepared)


def quantize_dynamic(module, engine):
    torch.backends.quantized.engine = engine
    m = torch.ao.quantization.quantize_dynamic(
        copy.deepcopy(module).eval(), {nn.Linear}, dtype=torch.qint8)
    # torch 1.13's nn.TransformerEncoderLayer, in eval mode, probes its
    # linear layers' weights for its fused fast path and fails on dynamic
    # quantized ones (their weight is a method). In training mode it skips
    # the probe; with dropout 0 that computes the same.
    for layer in m.modules():
        if isinstance(layer, nn.TransformerEncoderLayer) and \
                layer.dropout.p == 0:
            layer.training = True
    return m


def frozen(module, x, optimize):
    """TorchScript: trace, freeze and (fp32) optimize_for_inference, which
    moves convolutions and linear layers to oneDNN; the eager module if
    tracing fails. Returns (module, how)."""
    try:
        with torch.no_grad():
            traced = torch.jit.trace(module, (x,)).eval()
            m = torch.jit.freeze(traced)
            if optimize:
                m = torch.jit.optimize_for_inference(m)
            m(x)
        return m, "TorchScript frozen" + (
            " + optimize_for_inference" if optimize else "")
    except Exception as e:  # noqa: BLE001
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        return module, f"eager (tracing failed: {first[:60]})"


def coverage(float_module, quantized):
    """'q of n' convolution/linear layers quantized."""
    def count(m):
        return sum(1 for x in m.modules()
                   if isinstance(x, (nn.Conv2d, nn.Linear)))
    total = count(float_module)
    left = count(quantized)  # float Conv2d/Linear still there
    return f"{total - left} of {total} conv/linear layers int8"


def torch_bench(out_dir, name, samples, min_sample_ms, max_seconds):
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    d = os.path.join(out_dir, name)
    module, _, _, _, _ = build(name)
    if name != "fashion_mnist_cnn":
        module.load_state_dict(torch.load(os.path.join(d, "state.pt")))
    module.eval()
    x = torch.from_numpy(np.load(os.path.join(d, "input.npy")))
    calib = list(np.load(os.path.join(d, "calib.npz")).values())[0]
    engines = torch.backends.quantized.supported_engines
    engine = next((e for e in ("onednn", "x86", "fbgemm") if e in engines),
                  None)
    blas = os.environ.get("QCC_BENCH_BLAS", "")

    def run(key, m, note):
        with torch.no_grad():
            r = time_calls(lambda: m(x), samples, min_sample_ms, max_seconds)
        r.update({"model": name, "engine": key, "note": note})
        print(json.dumps(r), flush=True)

    fm, how = frozen(module, x, optimize=True)
    run("torch_fp32", fm, f"torch {torch.__version__}, {how}"
        + (f", {blas}" if blas else ""))
    if engine is None:
        print(json.dumps({"model": name, "engine": "torch_int8",
                          "error": "no x86 quantized engine in this torch"}))
        return
    try:
        qm = quantize_static_fx(module, x, calib, engine)
        with torch.no_grad():
            qm(x)
        note = f"post-training static (FX), engine {engine}, " \
               f"{coverage(module, qm)}"
        if coverage(module, qm).startswith("0 of"):
            # FX treats torch.nn modules such as nn.TransformerEncoder as
            # leaves: nothing was quantized.
            raise RuntimeError("static FX quantized no layer")
    except Exception as e:  # FX cannot trace it, or a kernel is missing.
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        try:
            qm = quantize_dynamic(module, engine)
            with torch.no_grad():
                qm(x)
            note = f"dynamic quantization of nn.Linear, engine {engine}, " \
                   f"{coverage(module, qm)} ({first[:80]})"
        except Exception as e2:  # noqa: BLE001
            first2 = (str(e2).strip().splitlines() or
                      [type(e2).__name__])[0]
            print(json.dumps({"model": name, "engine": "torch_int8",
                              "error": f"{first[:100]}; dynamic: "
                                       f"{first2[:100]}"}), flush=True)
            return
    qm, how = frozen(qm, x, optimize=False)
    run("torch_int8", qm, f"{note}, {how}")


def onednn_isa():
    """Runs one int8 convolution on the onednn quantized engine; with
    ONEDNN_VERBOSE=1 in the environment oneDNN prints the implementation it
    picked (e.g. jit:avx512_core_amx_int8) on stdout."""
    torch.set_num_threads(1)
    engines = torch.backends.quantized.supported_engines
    if "onednn" not in engines:
        return
    conv = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1), nn.ReLU()).eval()
    x = torch.randn(1, 64, 28, 28)
    q = quantize_static_fx(conv, x, x.numpy(), "onednn")
    with torch.no_grad():
        q(x)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("out_dir")
    g.add_argument("--only", default=",".join(MODELS))
    g.add_argument("--calib-count", type=int, default=8)
    t = sub.add_parser("torch")
    t.add_argument("out_dir")
    t.add_argument("name")
    t.add_argument("--samples", type=int, default=15)
    t.add_argument("--min-sample-ms", type=float, default=20.0)
    t.add_argument("--max-seconds", type=float, default=3.0)
    m = sub.add_parser("macs")
    m.add_argument("onnx")
    sub.add_parser("onednn-isa")
    args = p.parse_args(argv)
    if args.cmd == "generate":
        generate(args.out_dir, [n for n in args.only.split(",") if n],
                 args.calib_count)
    elif args.cmd == "torch":
        torch_bench(args.out_dir, args.name, args.samples, args.min_sample_ms,
                    args.max_seconds)
    elif args.cmd == "onednn-isa":
        onednn_isa()
    elif args.cmd == "macs":
        import onnx
        print(count_macs(onnx.load(args.onnx)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
