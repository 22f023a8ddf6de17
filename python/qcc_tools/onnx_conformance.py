"""Runs the ONNX backend conformance tests against qcc.

Usage::

    python -m qcc_tools.onnx_conformance --qcc build/bin/qcc \\
        --qcc-import build/bin/qcc-import \\
        --expected-failures test/Conformance/expected-failures.txt \\
        --work-dir /tmp/conformance [--jobs 2] [--support-matrix out.md]

Every test of the ONNX test data (``<root>/<dir>/<test>/model.onnx`` plus
``test_data_set_*/{input,output}_*.pb``) falls in one of two groups:

* in scope: every operator of the model is one the importer registers
  (``qcc-import --list-supported-ops``). The model is compiled for the host
  as a shared object (``qcc model.onnx -o m.o``, ``cc -shared``), each input
  pinned to the shape of the test data with ``--input-shape``, and every
  data set is run through the ctypes loader and compared with the stored
  outputs (``|actual - expected| <= atol + rtol * |expected|``). The model
  runs in a forked child, so a crash fails the test, not the runner.
  qcc compiles static graphs: operands such as a Reshape shape, Unsqueeze
  axes or Clip bounds must be known at import time. When a node test feeds
  one from a graph input, qcc says so ("must be a constant known at import
  time"); the runner then freezes that input to the data set's value (it
  becomes an initializer) and compiles again, and reports the test as passed
  with frozen inputs. Empty inputs (an empty axes list) are always frozen.
* unsupported: qcc must reject the model with the "unsupported ONNX
  operator" diagnostic and a non-zero exit, not a signal.
* unsupported opset: the model imports an opset outside the range the
  importer supports (7-17); qcc must reject it with the "ONNX opset N is not
  supported" diagnostic, whatever its operators.

An in-scope test that fails must be listed in the expected-failure file (one
``<dir>/<test>  <reason>`` per line, ``#`` comments); a listed test that
passes, or is no longer in scope, is itself a failure, so the list only
shrinks. An unsupported test whose diagnostic is wrong is always a failure.
Exits 1 on any unexpected result.

``--support-matrix`` writes the Markdown support matrix (docs/ONNXSupport.md)
from the run: per supported operator, the in-scope tests that use it and
which of them pass.
"""

import argparse
import collections
import os
import pickle
import re
import select
import signal
import subprocess
import sys
import time
from multiprocessing import Pool

import numpy as np

DEFAULT_ROOT = "/usr/share/libonnx-testdata/data"
DEFAULT_DIRS = ("node", "pytorch-converted", "pytorch-operator", "simple")
UNSUPPORTED_DIAGNOSTIC = "unsupported ONNX operator"
UNSUPPORTED_OPSET_DIAGNOSTIC = re.compile(r"ONNX opset \d+ is not supported")
COMPILE_TIMEOUT_S = 120
RUN_TIMEOUT_S = 60

# Outcomes of one test.
PASS = "pass"
FAIL = "fail"
UNSUPPORTED = "unsupported"
UNSUPPORTED_OPSET = "unsupported-opset"
BAD_DIAGNOSTIC = "bad-diagnostic"

Result = collections.namedtuple(
    "Result", "name outcome reason max_error ops seconds")


#===-----------------------------------------------------------------------===#
# One test
#===-----------------------------------------------------------------------===#

def model_ops(graph):
    """The op types of `graph` and of every subgraph (If/Loop bodies)."""
    import onnx
    ops = set()
    for node in graph.node:
        ops.add(node.op_type)
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                ops |= model_ops(attr.g)
            for sub in attr.graphs:
                ops |= model_ops(sub)
    return ops


def load_data_sets(test_dir):
    """[(inputs, outputs)] per test_data_set_*, each a list of (name, array)
    in file order."""
    import onnx
    from onnx import numpy_helper

    def read(data_dir, kind):
        files = sorted((f for f in os.listdir(data_dir)
                        if re.fullmatch(kind + r"_\d+\.pb", f)),
                       key=lambda f: int(re.search(r"\d+", f).group()))
        tensors = []
        for f in files:
            proto = onnx.TensorProto()
            with open(os.path.join(data_dir, f), "rb") as fh:
                proto.ParseFromString(fh.read())
            tensors.append((proto.name, numpy_helper.to_array(proto)))
        return tensors

    sets = []
    for data_dir in sorted(d for d in os.listdir(test_dir)
                           if d.startswith("test_data_set_")):
        path = os.path.join(test_dir, data_dir)
        sets.append((read(path, "input"), read(path, "output")))
    return sets


def graph_inputs(model):
    """Names of the runtime inputs (graph inputs that are not initializers)."""
    initializers = {t.name for t in model.graph.initializer}
    return [i.name for i in model.graph.input if i.name not in initializers]


def run_in_child(so_path, header, prefix, arrays, timeout):
    """Runs the compiled model on `arrays` in a forked child; returns the
    outputs, or raises RuntimeError naming a crash, timeout or error."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # Child: run, send the pickled result, exit hard.
        os.close(read_fd)
        try:
            from .loader import Model
            model = Model(so_path, prefix, header=header)
            result = ("ok", model.run(*arrays))
        except BaseException as e:  # Reported to the parent verbatim.
            result = ("error", f"{type(e).__name__}: {e}")
        with os.fdopen(write_fd, "wb") as out:
            pickle.dump(result, out)
        os._exit(0)
    os.close(write_fd)
    chunks, deadline = [], time.monotonic() + timeout
    with os.fdopen(read_fd, "rb") as pipe:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([pipe], [], [], left)[0]:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                raise RuntimeError(f"timed out after {timeout} s")
            chunk = os.read(pipe.fileno(), 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        raise RuntimeError(
            f"crashed with {signal.Signals(os.WTERMSIG(status)).name}")
    kind, value = pickle.loads(b"".join(chunks))
    if kind != "ok":
        raise RuntimeError(value)
    return value


REQUIRED_CONSTANT = re.compile(
    r"input '([^']*)' \([^)]*\) must be a constant known at import time")


def freeze_inputs(model, values, path):
    """Writes `model` with the graph inputs in `values` ({name: array})
    turned into initializers."""
    import onnx
    from onnx import numpy_helper
    frozen = onnx.ModelProto()
    frozen.CopyFrom(model)
    kept = [i for i in frozen.graph.input if i.name not in values]
    del frozen.graph.input[:]
    frozen.graph.input.extend(kept)
    for name, array in values.items():
        frozen.graph.initializer.append(numpy_helper.from_array(array, name))
    onnx.save(frozen, path)


def first_error_line(stderr):
    for line in stderr.splitlines():
        if "error:" in line:
            return line.split("error:", 1)[1].strip()
    lines = stderr.strip().splitlines()
    return lines[-1] if lines else "(no output)"


def bfloat16_to_float32(bits):
    """bfloat16 bit patterns (uint16, as the test data and qcc's ABI hold
    them) to the float32 values they denote."""
    return (np.asarray(bits, dtype=np.uint32) << 16).view(np.float32)


def compare_outputs(expected, actual, rtol, atol, is_bfloat16=False):
    """(ok, max abs error, why not) for one output. Integer and bool outputs
    must match exactly; floats within the tolerances."""
    expected = np.asarray(expected)
    actual = np.asarray(actual)
    if expected.shape != actual.shape:
        return False, float("inf"), (f"shape {actual.shape}, expected "
                                     f"{expected.shape}")
    if expected.size == 0:
        return True, 0.0, ""
    if is_bfloat16:
        expected = bfloat16_to_float32(expected)
        actual = bfloat16_to_float32(actual)
    elif expected.dtype.kind in "biu" and actual.dtype.kind in "biu":
        rtol = atol = 0.0
    e = expected.astype(np.float64)
    a = actual.astype(np.float64)
    same_nan = np.isnan(e) & np.isnan(a)
    err = np.where(same_nan, 0.0, np.abs(a - e))
    err[np.isnan(err)] = np.inf
    # Equal infinities compare equal.
    err[(e == a)] = 0.0
    bad = ~(err <= atol + rtol * np.abs(np.nan_to_num(e)))
    max_err = float(err.max())
    if bad.any():
        return False, max_err, (f"{int(bad.sum())} of {e.size} elements off, "
                                f"max abs error {max_err:.3g}")
    return True, max_err, ""


def run_test(task):
    """Runs one test; `task` is (name, test_dir, supported ops, options)."""
    import onnx
    name, test_dir, supported, opts = task
    start = time.monotonic()
    model = onnx.load(os.path.join(test_dir, "model.onnx"),
                      load_external_data=False)
    ops = model_ops(model.graph)
    work = os.path.join(opts["work_dir"], name.replace("/", "__"))
    os.makedirs(work, exist_ok=True)
    onnx_path = os.path.join(test_dir, "model.onnx")

    def result(outcome, reason="", max_error=None):
        return Result(name, outcome, reason, max_error, sorted(ops),
                      time.monotonic() - start)

    if not ops <= supported:
        # Only the importer has to run; -o keeps stray objects in `work`.
        proc = subprocess.run(
            [opts["qcc"], onnx_path, "-o", os.path.join(work, "m.o")],
            capture_output=True, text=True, timeout=COMPILE_TIMEOUT_S)
        missing = ", ".join(sorted(ops - supported))
        if proc.returncode > 0 and UNSUPPORTED_DIAGNOSTIC in proc.stderr:
            return result(UNSUPPORTED, missing)
        if (proc.returncode > 0
                and UNSUPPORTED_OPSET_DIAGNOSTIC.search(proc.stderr)):
            return result(UNSUPPORTED_OPSET, first_error_line(proc.stderr))
        how = (f"signal {-proc.returncode}" if proc.returncode < 0 else
               f"exit {proc.returncode}")
        return result(BAD_DIAGNOSTIC, f"{how} without the '"
                      f"{UNSUPPORTED_DIAGNOSTIC}' diagnostic for {missing}: "
                      f"{first_error_line(proc.stderr)}")

    try:
        data_sets = load_data_sets(test_dir)
    except Exception as e:  # Test data onnx cannot read.
        return result(FAIL, f"cannot read test data: {e}")
    if not data_sets:
        return result(FAIL, "no test data sets")
    names = graph_inputs(model)
    bfloat16_outputs = {
        i for i, o in enumerate(model.graph.output)
        if o.type.tensor_type.elem_type == onnx.TensorProto.BFLOAT16}
    frozen = set()  # Inputs qcc needs as constants.
    compiled = {}  # (input shapes, frozen values) -> (so, header).
    max_error = 0.0
    for index, (inputs, outputs) in enumerate(data_sets):
        if len(inputs) != len(names):
            return result(FAIL, f"data set {index} has {len(inputs)} inputs, "
                          f"the model {len(names)}")
        arrays = dict(zip(names, (a for _, a in inputs)))
        # qcc takes no empty runtime tensors; empty inputs are axes lists.
        frozen |= {n for n, a in arrays.items() if a.size == 0}
        while True:
            key = (tuple(a.shape for a in arrays.values()),
                   tuple((n, arrays[n].tobytes()) for n in sorted(frozen)))
            if key in compiled:
                break
            obj = os.path.join(work, f"m{len(compiled)}.o")
            header = obj[:-2] + ".h"
            so = obj[:-2] + ".so"
            model_path = onnx_path
            if frozen:
                model_path = obj[:-2] + ".onnx"
                freeze_inputs(model, {n: arrays[n] for n in frozen},
                              model_path)
            cmd = [opts["qcc"], model_path, "--name=m", "-o", obj,
                   f"--header={header}"]
            cmd += [f"--input-shape={n}=" + "x".join(map(str, a.shape))
                    for n, a in arrays.items() if n not in frozen]
            try:
                proc = subprocess.run(cmd, capture_output=True, text=True,
                                      timeout=COMPILE_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                return result(FAIL, "qcc timed out")
            needed = REQUIRED_CONSTANT.search(proc.stderr)
            if (proc.returncode > 0 and needed and needed.group(1) in arrays
                    and needed.group(1) not in frozen):
                frozen.add(needed.group(1))
                continue
            if (proc.returncode > 0
                    and UNSUPPORTED_OPSET_DIAGNOSTIC.search(proc.stderr)):
                return result(UNSUPPORTED_OPSET,
                              first_error_line(proc.stderr))
            if proc.returncode != 0:
                how = ("qcc crashed" if proc.returncode < 0 else
                       "qcc failed")
                return result(FAIL, f"{how}: {first_error_line(proc.stderr)}")
            link = subprocess.run([opts["cc"], "-shared", obj, "-lm", "-o",
                                   so], capture_output=True, text=True)
            if link.returncode != 0:
                return result(FAIL, "link failed: "
                              f"{first_error_line(link.stderr)}")
            compiled[key] = (so, header)
            break
        so, header = compiled[key]
        try:
            actual = run_in_child(so, header, "m",
                                  [a for n, a in arrays.items()
                                   if n not in frozen], RUN_TIMEOUT_S)
        except RuntimeError as e:
            return result(FAIL, f"run: {e}")
        if len(actual) != len(outputs):
            return result(FAIL, f"{len(actual)} outputs, expected "
                          f"{len(outputs)}")
        for i, ((_, expected), got) in enumerate(zip(outputs, actual)):
            ok, err, why = compare_outputs(
                expected, got, opts["rtol"], opts["atol"],
                is_bfloat16=i in bfloat16_outputs)
            max_error = max(max_error, err)
            if not ok:
                return result(FAIL, f"data set {index} output {i}: {why}",
                              err)
    return result(PASS, "frozen inputs: " + ", ".join(sorted(frozen))
                  if frozen else "", max_error)


#===-----------------------------------------------------------------------===#
# The suite
#===-----------------------------------------------------------------------===#

def read_expected_failures(path):
    """{test name: reason} from the expected-failure file."""
    expected = {}
    if not path or not os.path.exists(path):
        return expected
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, reason = line.partition(" ")
            expected[name] = reason.strip()
    return expected


def write_expected_failures(path, results):
    with open(path, "w") as f:
        f.write("# ONNX backend tests qcc is known to fail, one per line:\n"
                "# <dir>/<test>  <reason>. Generated by onnx_conformance.py "
                "--write-expected-failures;\n# the runner fails when a listed "
                "test passes, so this list only shrinks.\n")
        for r in sorted(results, key=lambda r: r.name):
            if r.outcome in (FAIL, BAD_DIAGNOSTIC):
                f.write(f"{r.name}  {r.reason}\n")


def same_reason(actual, recorded):
    """Whether a failure matches its recorded reason: the same text, or the
    same text followed by a parenthesized note a maintainer added."""
    if actual == recorded:
        return True
    return recorded.startswith(actual + " (") and recorded.endswith(")")


def read_pinned_ops(path):
    """The operator names of a pinned list: one per line, # comments."""
    with open(path) as f:
        return {line.split("#", 1)[0].strip() for line in f
                if line.split("#", 1)[0].strip()}


def supported_ops(qcc_import):
    out = subprocess.run([qcc_import, "--list-supported-ops"], check=True,
                         capture_output=True, text=True).stdout
    return {line.strip() for line in out.splitlines() if line.strip()}


def write_support_matrix(path, results, supported, seconds):
    by_op = collections.defaultdict(list)
    for r in results:
        if r.outcome in (PASS, FAIL):
            for op in r.ops:
                by_op[op].append(r)
    in_scope = [r for r in results if r.outcome in (PASS, FAIL)]
    passed = sum(r.outcome == PASS for r in in_scope)
    lines = [
        "# ONNX operator support",
        "",
        "<!-- Generated by `python -m qcc_tools.onnx_conformance "
        "--support-matrix`; do not edit. -->",
        "",
        "qcc imports the operators below (default ONNX domain, opsets 7-17)."
        " The counts come from the ONNX backend test data "
        "(`/usr/share/libonnx-testdata`): a test is *in scope* when all of "
        "its operators are supported; it passes when every test data set "
        "matches the stored outputs (rtol 1e-3, atol 1e-5) after compiling "
        "for the host. Any other operator is rejected with an "
        "`unsupported ONNX operator` diagnostic.",
        "",
        f"In scope: {len(in_scope)} tests, {passed} pass "
        f"({100.0 * passed / max(len(in_scope), 1):.1f} %); "
        f"{sum(r.outcome == UNSUPPORTED for r in results)} tests use "
        "unsupported operators and are rejected with that diagnostic; "
        f"{sum(r.outcome == UNSUPPORTED_OPSET for r in results)} import an "
        "opset outside 7-17 and are rejected with `ONNX opset N is not "
        f"supported`; {sum(r.outcome == BAD_DIAGNOSTIC for r in results)} "
        "use unsupported operators but are rejected earlier, for another "
        "reason (a string, sequence or unsigned input, a missing default "
        "domain), and are listed as expected failures.",
        "",
    ]
    # Operators of other domains are listed by importers as <domain>.<op>;
    # the backend test data has none.
    other_domains = sorted(op for op in supported if "." in op)
    if other_domains:
        lines += [
            "Also imported, from other domains (no backend test data; see "
            "[Numerics.md](Numerics.md#pre-quantized-models) and "
            "`test/Quantization/qoperator-contrib.test`): "
            + ", ".join(f"`{op}`" for op in other_domains) + ".",
            "",
        ]
    lines += [
        "| Operator | Tests | Pass | Fail | Failing tests |",
        "|---|---:|---:|---:|---|",
    ]
    for op in sorted(op for op in supported if "." not in op):
        tests = by_op.get(op, [])
        failing = sorted(r.name.split("/", 1)[1] for r in tests
                         if r.outcome == FAIL)
        ok = len(tests) - len(failing)
        lines.append(f"| {op} | {len(tests)} | {ok} | {len(failing)} | "
                     f"{', '.join(failing)} |")
    lines += ["", "## Failing in-scope tests", "",
              "| Test | Reason |", "|---|---|"]
    for r in sorted(in_scope, key=lambda r: r.name):
        if r.outcome == FAIL:
            reason = r.reason.replace("|", "\\|")
            lines.append(f"| {r.name} | {reason} |")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m qcc_tools.onnx_conformance",
        description="Run the ONNX backend tests against qcc.")
    parser.add_argument("--qcc", required=True)
    parser.add_argument("--qcc-import", required=True,
                        help="lists the supported operators")
    parser.add_argument("--cc", default="cc")
    parser.add_argument("--root", default=DEFAULT_ROOT)
    parser.add_argument("--dirs", default=",".join(DEFAULT_DIRS))
    parser.add_argument("--filter", default="",
                        help="regex on <dir>/<test>: run only matches")
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rtol", type=float, default=1e-3)
    parser.add_argument("--atol", type=float, default=1e-5)
    parser.add_argument("--expected-failures", default="")
    parser.add_argument("--write-expected-failures", default="",
                        help="write the current failures to this file")
    parser.add_argument("--support-matrix", default="",
                        help="write the Markdown support matrix here")
    parser.add_argument("--supported-ops", default="",
                        help="file with the operators qcc-import must "
                        "support, one per line: any difference fails")
    parser.add_argument("--min-pass", type=int, default=0,
                        help="fail when fewer in-scope tests pass (of those "
                        "--filter selects)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also list unsupported tests")
    args = parser.parse_args(argv)

    started = time.monotonic()
    supported = supported_ops(args.qcc_import)
    problems = []
    if args.supported_ops:
        pinned = read_pinned_ops(args.supported_ops)
        for op in sorted(pinned - supported):
            problems.append(f"operator {op} is pinned in "
                            f"{args.supported_ops} but qcc-import no longer "
                            "supports it")
        for op in sorted(supported - pinned):
            problems.append(f"operator {op} is supported but not pinned: add "
                            f"it to {args.supported_ops}")
    os.makedirs(args.work_dir, exist_ok=True)
    opts = {"qcc": args.qcc, "cc": args.cc, "work_dir": args.work_dir,
            "rtol": args.rtol, "atol": args.atol}
    tasks = []
    for d in args.dirs.split(","):
        base = os.path.join(args.root, d)
        for t in sorted(os.listdir(base)):
            name = f"{d}/{t}"
            if (os.path.exists(os.path.join(base, t, "model.onnx"))
                    and re.search(args.filter, name)):
                tasks.append((name, os.path.join(base, t), supported, opts))
    if args.jobs > 1:
        with Pool(args.jobs) as pool:
            results = list(pool.imap_unordered(run_test, tasks, chunksize=1))
    else:
        results = [run_test(t) for t in tasks]
    results.sort(key=lambda r: r.name)

    expected = read_expected_failures(args.expected_failures)
    seen = {r.name for r in results}
    unexpected = []
    counts = collections.defaultdict(collections.Counter)
    for r in results:
        d = r.name.split("/", 1)[0]
        counts[d][r.outcome] += 1
        listed = r.name in expected
        if r.outcome == PASS:
            status = "XPASS" if listed else "PASS"
            detail = f"max error {r.max_error:.3g}"
            if r.reason:
                detail += f" ({r.reason})"
            if listed:
                detail += " (listed as an expected failure: remove it)"
        elif r.outcome == FAIL:
            status = "XFAIL" if listed else "FAIL"
            detail = r.reason
            if listed and not same_reason(r.reason, expected[r.name]):
                # An expected failure must fail the way it is recorded.
                status = "FAIL"
                detail = (f"{r.reason} (listed as failing with: "
                          f"{expected[r.name]})")
        elif r.outcome in (UNSUPPORTED, UNSUPPORTED_OPSET):
            status = "XPASS" if listed else "UNSUPPORTED"
            detail = f"diagnosed: {r.reason}"
            if listed:
                detail += " (listed as an expected failure: remove it)"
        else:  # A wrong or missing diagnostic for an unsupported model.
            status = "XFAIL" if listed else "FAIL"
            detail = r.reason
            if listed and not same_reason(r.reason, expected[r.name]):
                status = "FAIL"
                detail = (f"{r.reason} (listed as failing with: "
                          f"{expected[r.name]})")
        if status in ("FAIL", "XPASS"):
            unexpected.append(r.name)
        if status != "UNSUPPORTED" or args.verbose:
            print(f"{status:11} {r.name} ({r.seconds:.1f} s): {detail}")
    for name in sorted(expected):
        if args.filter and not re.search(args.filter, name):
            continue
        if name not in seen:
            print(f"{'STALE':11} {name}: listed as an expected failure but "
                  "not found")
            unexpected.append(name)

    print()
    total = collections.Counter()
    for d in sorted(counts):
        c = counts[d]
        total.update(c)
        print(f"{d}: {c[PASS]} passed, {c[FAIL]} failed, {c[UNSUPPORTED]} "
              f"unsupported (diagnosed), {c[UNSUPPORTED_OPSET]} unsupported "
              f"opset (diagnosed), {c[BAD_DIAGNOSTIC]} unsupported (bad "
              "diagnostic)")
    in_scope = total[PASS] + total[FAIL]
    elapsed = time.monotonic() - started
    print(f"total: {total[PASS]} passed, {total[FAIL]} failed, "
          f"{total[UNSUPPORTED]} unsupported (diagnosed), "
          f"{total[UNSUPPORTED_OPSET]} unsupported opset (diagnosed), "
          f"{total[BAD_DIAGNOSTIC]} unsupported (bad diagnostic)")
    print(f"pass rate: {total[PASS]}/{in_scope} in-scope tests "
          f"({100.0 * total[PASS] / max(in_scope, 1):.1f} %), "
          f"{len(expected)} expected failures listed, {elapsed:.0f} s with "
          f"{args.jobs} workers")

    if args.min_pass and total[PASS] < args.min_pass:
        problems.append(f"{total[PASS]} tests passed, fewer than the floor of "
                        f"{args.min_pass}")
    for problem in problems:
        print(f"{'FAIL':11} {problem}")

    if args.write_expected_failures:
        write_expected_failures(args.write_expected_failures, results)
    if args.support_matrix:
        write_support_matrix(args.support_matrix, results, supported, elapsed)
    if unexpected:
        print(f"{len(unexpected)} unexpected result(s): "
              + ", ".join(unexpected))
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
