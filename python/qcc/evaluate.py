"""Compare qcc's quantization schemes on a data set.

    python3 -m qcc.evaluate model.onnx --data test.npz \\
        [--calibration calib.npz] [--schemes float,int8,...] \\
        [--labels-key labels] [--limit N] [--json results.json]

The data archive (.npz) holds one array per model input, named after the
input, with the samples on the first axis, and optionally an array of
labels. Every scheme is compiled with qcc and run on every sample; one
table shows, per scheme, the top-1 accuracy (with labels), the SQNR and
largest absolute error of the outputs against qcc's float build, the
object size, the workspace and the median latency of one sample.
docs/Python.md describes the options and the output.
"""

import argparse
import json
import os
import sys
import tempfile
import warnings
import zipfile

import numpy as np

from .compiler import compile as qcc_compile
from .errors import QccError, QccWarning
from .metrics import max_abs_error, sqnr_db, top1_accuracy
from .schemes import ALIASES, SCHEMES, get_scheme

REFERENCE = "qcc's float build (--quantize=none)"


class EvaluateError(Exception):
    """A problem with the command line's files or data."""


def parse_schemes(text):
    """The Schemes of a comma-separated list, in order, without repeats."""
    schemes = []
    for name in filter(None, (n.strip() for n in text.split(","))):
        scheme = get_scheme(name)
        if scheme is None:
            raise EvaluateError(
                f"unknown scheme {name!r}; the schemes are "
                f"{', '.join(SCHEMES)} (also {', '.join(ALIASES)})")
        if scheme not in schemes:
            schemes.append(scheme)
    if not schemes:
        raise EvaluateError("--schemes names no scheme")
    return schemes


def load_data(path):
    """The arrays of an .npz archive, by name."""
    try:
        archive = np.load(path, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise EvaluateError(f"{path}: a single array, not an .npz "
                                f"archive of named arrays")
        with archive:
            return {name: archive[name] for name in archive.files}
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        raise EvaluateError(f"{path}: cannot read it as an .npz archive "
                            f"({e})") from None


def sample_arrays(data, inputs, path):
    """The model's inputs from `data` as [N, *shape] arrays. An array may
    also be [N, *shape[1:]] when the input's shape starts with 1."""
    arrays = {}
    for spec in inputs:
        if spec.name not in data:
            raise EvaluateError(
                f"{path} has no array {spec.name!r} for the model's input "
                f"{spec.name!r} (the archive holds: "
                f"{', '.join(sorted(data)) or 'nothing'})")
        array = data[spec.name]
        shape = tuple(array.shape)
        if len(shape) == len(spec.shape) + 1 and shape[1:] == spec.shape:
            arrays[spec.name] = array
        elif (spec.shape and spec.shape[0] == 1 and
              len(shape) == len(spec.shape) and shape[1:] == spec.shape[1:]):
            arrays[spec.name] = array.reshape((shape[0],) + spec.shape)
        else:
            expected = f"(N, {', '.join(map(str, spec.shape))})"
            if spec.shape and spec.shape[0] == 1:
                expected += f" or (N, {', '.join(map(str, spec.shape[1:]))})"
            raise EvaluateError(
                f"{path}: array {spec.name!r} has shape {shape}; expected "
                f"{expected}: N samples of the model's input {spec.name!r} "
                f"of shape {spec.shape}")
    counts = {name: len(a) for name, a in arrays.items()}
    if len(set(counts.values())) > 1:
        raise EvaluateError(f"{path}: the inputs hold different numbers of "
                            f"samples: {counts}")
    return arrays


def compile_scheme(args, scheme, directory):
    """Compiles the model with `scheme`; qcc's messages go to stderr."""
    flags = list(scheme.flags)
    if scheme.needs_calibration:
        flags.append(f"--calibration={args.calibration}")
    if scheme.name == "mixed":
        flags.append(f"--min-sqnr={args.min_sqnr}")
    flags += [f"--input-shape={shape}" for shape in args.input_shape]
    flags += args.qcc_flag
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", QccWarning)
        try:
            model = qcc_compile(args.model, output_dir=directory,
                                name="model_" + scheme.name.replace("-", "_"),
                                options=flags, qcc_path=args.qcc)
        except QccError as e:
            raise EvaluateError(f"scheme {scheme.name}: {e}") from None
    for warning in caught:
        for line in str(warning.message).splitlines():
            print(f"[{scheme.name}] {line}", file=sys.stderr)
    return model


def run_scheme(model, scheme, arrays, repeat):
    """Every sample's outputs (a list of [N, *shape] arrays) and the median
    seconds of one sample."""
    try:
        outputs = model(arrays)
        first = {name: array[0] for name, array in arrays.items()}
        seconds = float(np.median(model.benchmark(first, repeat=repeat)))
    except (TypeError, ValueError) as e:
        raise EvaluateError(f"scheme {scheme.name}: {e}") from None
    return (list(outputs) if len(model.outputs) > 1 else [outputs]), seconds


def flatten(outputs):
    """All outputs of each sample as one float64 row: [N, total]."""
    return np.concatenate([o.reshape(len(o), -1).astype(np.float64)
                           for o in outputs], axis=1)


def evaluate(args):
    """Compiles and runs every scheme; returns (summary, rows)."""
    for path in (args.model, args.data):
        if not os.path.isfile(path):
            raise EvaluateError(f"{path}: no such file")
    if args.calibration is not None and not os.path.exists(args.calibration):
        raise EvaluateError(f"{args.calibration}: no such file or directory")
    schemes = parse_schemes(args.schemes)
    needing = [s.name for s in schemes if s.needs_calibration]
    if needing and args.calibration is None:
        raise EvaluateError(f"scheme(s) {', '.join(needing)} need "
                            f"calibration data: pass --calibration")
    if args.limit is not None and args.limit <= 0:
        raise EvaluateError(f"--limit {args.limit}: give a positive count")
    data = load_data(args.data)
    labels = data.get(args.labels_key)
    if labels is None and args.labels_key != "labels":
        raise EvaluateError(f"{args.data} has no array {args.labels_key!r} "
                            f"(--labels-key)")

    float_scheme = SCHEMES["float"]
    if labels is None and float_scheme not in schemes:
        builds = [float_scheme] + schemes  # the reference, not a row
    else:
        builds = sorted(schemes, key=lambda s: s is not float_scheme)
    with tempfile.TemporaryDirectory(prefix="qcc-evaluate-") as temp:
        directory = args.output_dir or temp
        arrays = count = None
        results = {}
        for scheme in builds:
            model = compile_scheme(args, scheme, directory)
            if arrays is None:
                arrays = sample_arrays(data, model.inputs, args.data)
                count = len(next(iter(arrays.values()))) if arrays else 0
                if labels is not None and len(labels) != count:
                    raise EvaluateError(
                        f"{args.data}: {len(labels)} labels "
                        f"({args.labels_key!r}) for {count} samples")
                if args.limit is not None:
                    count = min(count, args.limit)
                    arrays = {n: a[:count] for n, a in arrays.items()}
                    if labels is not None:
                        labels = labels[:count]
                names = [spec.name for spec in model.outputs]
                score_index = 0
                if args.output is not None:
                    if args.output not in names:
                        raise EvaluateError(
                            f"the model has no output {args.output!r}; its "
                            f"outputs are {', '.join(names)}")
                    score_index = names.index(args.output)
            outputs, seconds = run_scheme(model, scheme, arrays, args.repeat)
            results[scheme.name] = (outputs, seconds, model.object_size,
                                    model.workspace_size)

    reference = results.get("float")
    rows = []
    for scheme in schemes:
        outputs, seconds, object_bytes, workspace_bytes = results[scheme.name]
        row = {"scheme": scheme.name, "flags": " ".join(scheme.flags),
               "top1": None, "sqnr_db": None, "max_abs_error": None,
               "object_bytes": object_bytes,
               "workspace_bytes": workspace_bytes,
               "latency_ms": 1e3 * seconds}
        if labels is not None:
            row["top1"] = 100.0 * top1_accuracy(outputs[score_index], labels)
        if reference is not None and scheme.name != "float":
            expected, actual = flatten(reference[0]), flatten(outputs)
            row["sqnr_db"] = sqnr_db(expected, actual)
            row["max_abs_error"] = max_abs_error(expected, actual)
        rows.append(row)
    summary = {"model": args.model, "data": args.data, "samples": count,
               "labels": args.labels_key if labels is not None else None,
               "scores": names[score_index] if labels is not None else None,
               "reference": REFERENCE if reference is not None else None,
               "repeat": args.repeat}
    return summary, rows


def _size(nbytes):
    return f"{nbytes} B" if nbytes < 1024 else f"{nbytes / 1024:.1f} KiB"


def format_table(summary, rows):
    """The report as aligned text lines."""
    lines = [f"model: {summary['model']}",
             f"data: {summary['data']}, {summary['samples']} samples" +
             (f", labels {summary['labels']!r} against the argmax of "
              f"{summary['scores']!r}" if summary["labels"] else
              ", no labels")]
    if summary["reference"]:
        lines.append(f"SQNR and max error against {summary['reference']}")
    lines.append(f"latency: median of {summary['repeat']} calls on one "
                 f"sample, after 5 warm-up calls")
    header = ["scheme"]
    if summary["labels"]:
        header.append("top-1")
    if summary["reference"]:
        header += ["SQNR", "max error"]
    header += ["object", "workspace", "latency"]
    table = [header]
    for row in rows:
        cells = [row["scheme"]]
        if summary["labels"]:
            cells.append(f"{row['top1']:.2f} %")
        if summary["reference"]:
            if row["sqnr_db"] is None:
                cells += ["-", "-"]
            else:
                cells += [f"{row['sqnr_db']:.2f} dB",
                          f"{row['max_abs_error']:.4g}"]
        cells += [_size(row["object_bytes"]), _size(row["workspace_bytes"]),
                  f"{row['latency_ms']:.3f} ms"]
        table.append(cells)
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    lines.append("")
    for r in table:
        cells = [r[0].ljust(widths[0])] + [c.rjust(w) for c, w in
                                           zip(r[1:], widths[1:])]
        lines.append("  ".join(cells).rstrip())
    return lines


def _json_number(value):
    """JSON has no infinity: identical outputs have the SQNR "inf"."""
    if isinstance(value, float) and np.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python3 -m qcc.evaluate",
        description="Compile a model with qcc in several quantization "
                    "schemes and compare them on a data set.")
    parser.add_argument("model", help="the model (.onnx or .mlir)")
    parser.add_argument("--data", required=True,
                        help=".npz archive: one array per model input "
                             "(samples on the first axis), optional labels")
    parser.add_argument("--calibration",
                        help="calibration data for the calibrated schemes "
                             "(what qcc --calibration reads)")
    parser.add_argument("--schemes", default="float,int8",
                        help="comma-separated: " + ", ".join(SCHEMES) +
                             " (default: float,int8)")
    parser.add_argument("--labels-key", default="labels",
                        help="the labels' array in --data (default: labels)")
    parser.add_argument("--output", help="the output holding the class "
                        "scores for top-1 (default: the first)")
    parser.add_argument("--limit", type=int,
                        help="use the first N samples only")
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--min-sqnr", type=float, default=40.0,
                        help="the SQNR budget (dB) of the mixed scheme "
                             "(default: 40)")
    parser.add_argument("--repeat", type=int, default=100,
                        help="timed calls per scheme (default: 100)")
    parser.add_argument("--input-shape", action="append", default=[],
                        metavar="NAME=DIMS",
                        help="qcc --input-shape, for dynamic ONNX inputs")
    parser.add_argument("--qcc-flag", action="append", default=[],
                        metavar="FLAG", help="an extra qcc flag for every "
                        "scheme, e.g. --qcc-flag=--calibration-method=mse")
    parser.add_argument("--qcc", help="the qcc executable (default: see "
                        "qcc.find_qcc)")
    parser.add_argument("--output-dir", help="keep the objects, headers and "
                        "libraries here (default: a temporary directory)")
    args = parser.parse_args(argv)
    if args.repeat <= 0:
        parser.error("--repeat must be positive")
    try:
        summary, rows = evaluate(args)
    except (EvaluateError, QccError) as e:
        print(f"qcc.evaluate: error: {e}", file=sys.stderr)
        return 1
    print("\n".join(format_table(summary, rows)))
    if args.json:
        result = dict(summary, rows=[{k: _json_number(v) for k, v in
                                      row.items()} for row in rows])
        with open(args.json, "w") as f:
            json.dump(result, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
