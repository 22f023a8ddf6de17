#!/usr/bin/python3
"""Prints the table of tools/bench/run-benchmark.sh from its results.

Usage: table.py BENCH_DIR
       table.py --ort-ops OPTIMIZED.onnx   (a note on ORT's int8 kernels)
    Reads BENCH_DIR/results.jsonl (one JSON object per line, written by
    run-benchmark.sh: measurements {"model", "engine", "median_ms", ...},
    {"model", "engine", "error"} (shown as "fails: ...") or {"model",
    "engine", "skipped"} (shown as "n/a: ..."), and compile records {"model", "engine":
    "qcc_compile_fp32" | "qcc_compile_int8", "seconds", "object_bytes",
    "workspace_bytes", "flags", "error"}) and BENCH_DIR/models/*/meta.json,
    and prints a Markdown table plus notes. The last record per (model,
    engine) wins.
"""

import json
import os
import sys

TITLES = {"resnet18": "ResNet-18", "mobilenet_v2": "MobileNetV2",
          "fashion_mnist_cnn": "Fashion-MNIST CNN",
          "transformer": "Transformer encoder", "ocr": "OCR conv+attention"}


def load(bench):
    """{(model, engine): record}, and the models in order of appearance."""
    records, models = {}, []
    with open(os.path.join(bench, "results.jsonl")) as f:
        for line in f:
            line = line.strip()
            if line:
                r = json.loads(line)
                records[(r["model"], r["engine"])] = r
                if r["model"] not in models:
                    models.append(r["model"])
    return records, models


def ms(r):
    if r is None:
        return "n/a"
    if "skipped" in r:
        return "n/a: " + r["skipped"][:60]
    if "error" in r:
        text = r["error"]
        if text.startswith("error: "):
            text = text[len("error: "):]
        return "fails: " + text[:60]
    v = r["median_ms"]
    text = f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 100 else f"{v:.0f}"
    return text + r.get("mark", "")


def ratio(qcc, peers):
    times = [p["median_ms"] for p in peers if p and "median_ms" in p]
    if not qcc or "median_ms" not in qcc or not times:
        return "n/a"
    return f"{qcc['median_ms'] / min(times):.2f}"


def size(n, unit):
    if n is None:
        return "n/a"
    if unit == "MB":
        return f"{n / 1e6:.2f}"
    return f"{n / 1e3:.0f}"


def pair(a, b, fmt):
    return f"{fmt(a)} / {fmt(b)}"


INT8_KERNELS = ("QLinearConv", "QLinearMatMul", "QGemm", "ConvInteger",
                "MatMulInteger", "MatMulIntegerToFloat",
                "DynamicQuantizeMatMul")
FLOAT_KERNELS = ("Conv", "FusedConv", "NchwcConv", "MatMul", "FusedMatMul",
                 "Gemm", "FusedGemm")


def ort_ops(path):
    """What ONNX Runtime made of the conv/matmul layers of a QDQ model: a
    JSON string for the table's notes."""
    import collections
    import onnx
    counts = collections.Counter(n.op_type for n in onnx.load(
        path).graph.node)
    int8 = {k: v for k, v in counts.items() if k in INT8_KERNELS}
    flt = sum(v for k, v in counts.items() if k in FLOAT_KERNELS)
    detail = ", ".join(f"{v} {k}" for k, v in sorted(int8.items()))
    return json.dumps(f"{sum(int8.values())} int8 conv/matmul kernels "
                      f"({detail or 'none'}), {flt} float conv/matmul left")


def main(argv):
    if len(argv) == 3 and argv[1] == "--ort-ops":
        print(ort_ops(argv[2]))
        return 0
    if len(argv) != 2:
        sys.exit(__doc__)
    bench = argv[1]
    records, models = load(bench)
    header = ["model", "MMAC", "qcc fp32 ms", "qcc int8 ms", "ORT fp32 ms",
              "ORT int8 ms", "PyTorch fp32 ms", "PyTorch int8 ms",
              "qcc int8 / best int8 peer", "qcc fp32 / best fp32 peer",
              "qcc compile s (fp32 / int8)", "object MB (fp32 / int8)",
              "workspace KB (fp32 / int8)"]
    rows = []
    notes = []
    for name in models:
        meta_path = os.path.join(bench, "models", name, "meta.json")
        if not os.path.exists(meta_path):
            continue
        with open(meta_path) as f:
            meta = json.load(f)
        get = lambda e: records.get((name, e))  # noqa: E731
        qf, qi = get("qcc_fp32"), get("qcc_int8")
        of, oi = get("ort_fp32"), get("ort_int8")
        tf, ti = get("torch_fp32"), get("torch_int8")
        cf, ci = get("qcc_compile_fp32") or {}, get("qcc_compile_int8") or {}
        for r, c in ((qf, cf), (qi, ci)):
            if r is not None and c.get("error"):
                r.setdefault("error", c["error"])
            if r is not None and "--allow-float" in c.get("flags", ""):
                r["mark"] = " (a)"
        islands = get("qcc_int8_islands")
        if islands and qi is not None:
            qi["mark"] = " (f)"
            notes.append(f"- {TITLES.get(name, name)}: qcc int8: "
                         f"{islands['warning']}")
        if ti and "dynamic" in ti.get("note", ""):
            ti["mark"] = " (d)"
        refused = get("qcc_int8_refused")
        if refused:
            notes.append(f"- {TITLES.get(name, name)}: qcc int8 without "
                         f"--allow-float: {refused['error']}")
        if qi is None and ci.get("error"):
            qi = {"error": ci["error"]}
        if qf is None and cf.get("error"):
            qf = {"error": cf["error"]}

        def secs(c):
            return f"{c['seconds']:.1f}" if "seconds" in c else "n/a"
        rows.append([
            TITLES.get(name, name), f"{meta['macs'] / 1e6:.1f}",
            ms(qf), ms(qi), ms(of), ms(oi), ms(tf), ms(ti),
            ratio(qi, [oi, ti]), ratio(qf, [of, tf]),
            f"{secs(cf)} / {secs(ci)}",
            pair(cf.get("object_bytes"), ci.get("object_bytes"),
                 lambda n: size(n, "MB")),
            pair(cf.get("workspace_bytes"), ci.get("workspace_bytes"),
                 lambda n: size(n, "KB")),
        ])
        if ti and ti.get("note"):
            notes.append(f"- {TITLES.get(name, name)}: PyTorch int8 "
                         f"{ti['note']}.")
        if oi and oi.get("fused"):
            notes.append(f"- {TITLES.get(name, name)}: ORT int8 graph after "
                         f"optimization: {oi['fused']}.")
    lines = ["| " + " | ".join(header) + " |",
             "|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    print("\n".join(lines))
    print()
    print("Latencies: median per inference over repeated runs, batch 1, one "
          "core (taskset), one thread per engine. Ratios: qcc's time over "
          "the faster peer's (below 1: qcc is faster). (f): ops without "
          "an int8 form stayed float between a dequantize and a quantize "
          "(qcc's default; the notes name them). (a): compiled with "
          "--allow-float. (d): PyTorch dynamic quantization (static FX "
          "quantized no layer of that model).")
    if notes:
        print()
        print("\n".join(notes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
