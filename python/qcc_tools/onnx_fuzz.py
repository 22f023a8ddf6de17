"""Seeded mutations of ONNX models and a runner for malformed-model corpora.

Mutations (all deterministic for a given `random.Random`):
  flip_bytes       overwrite a few bytes of the serialized model
  truncate         cut the serialized model short
  mutate_fields    change one field through the onnx protobuf API: swap or
                   rename node inputs/outputs, swap attributes between nodes,
                   retype attributes, corrupt dims, element types, raw_data
                   and opsets, drop or duplicate nodes

Runner (`python -m qcc_tools.onnx_fuzz check MANIFEST --import TOOL ...`):
each corpus file must make the importer exit with status 1 and print an
"error:" diagnostic (plus the manifest's expected text, if any), within the
timeout and without a signal or a sanitizer report. A mutation may happen to
produce a valid model: then the importer must exit 0 and its output must
verify (`--verifier`, e.g. qcc-opt). With `--driver`, the qcc driver runs on
each file too and must either succeed or fail the same clean way.
"""

import argparse
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import tempfile

import onnx
from onnx import AttributeProto, TensorProto

# ---- mutations -------------------------------------------------------------


def flip_bytes(data, rng, count=None):
    """Overwrites 1 to 8 bytes (or `count`) at random offsets."""
    data = bytearray(data)
    for _ in range(count or rng.randint(1, 8)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def truncate(data, rng):
    """Keeps a random proper prefix (at least one byte)."""
    return data[:rng.randrange(1, len(data))]


_BIG = [0, -1, -7, 2**31, 2**32 + 1, 2**62, 2**63 - 1, -2**63]


def _nodes_with_attrs(graph):
    return [n for n in graph.node if n.attribute]


def _swap_node_inputs(model, rng):
    node = rng.choice(model.graph.node)
    if len(node.input) < 2:
        node.input.append(rng.choice(list(node.output)))
        return "node input made circular"
    i, j = rng.sample(range(len(node.input)), 2)
    node.input[i], node.input[j] = node.input[j], node.input[i]
    return "node inputs swapped"


def _rename_tensor(model, rng):
    node = rng.choice(model.graph.node)
    field = node.input if node.input and rng.random() < 0.5 else node.output
    field[rng.randrange(len(field))] = rng.choice(
        ["", "ghost", model.graph.node[0].output[0],
         model.graph.input[0].name])
    return "tensor renamed"


def _swap_attributes(model, rng):
    nodes = _nodes_with_attrs(model.graph)
    if len(nodes) < 2:
        return _retype_attribute(model, rng)
    a, b = rng.sample(nodes, 2)
    attr_a, attr_b = rng.choice(a.attribute), rng.choice(b.attribute)
    saved = AttributeProto()
    saved.CopyFrom(attr_a)
    attr_a.CopyFrom(attr_b)
    attr_b.CopyFrom(saved)
    return "attributes swapped between nodes"


def _retype_attribute(model, rng):
    nodes = _nodes_with_attrs(model.graph)
    if not nodes:
        return _corrupt_dims(model, rng)
    attr = rng.choice(rng.choice(nodes).attribute)
    choice = rng.randrange(4)
    if choice == 0:
        attr.type = rng.choice([AttributeProto.FLOAT, AttributeProto.STRING,
                                AttributeProto.INTS, AttributeProto.TENSOR,
                                AttributeProto.GRAPH, 0, 99])
    elif choice == 1:
        del attr.ints[:]
        attr.ints.extend(rng.choice(_BIG) for _ in range(rng.randint(0, 5)))
        attr.type = AttributeProto.INTS
    elif choice == 2:
        attr.i = rng.choice(_BIG)
        attr.type = AttributeProto.INT
    else:
        attr.f = rng.choice([float("nan"), float("inf"), -1e30, 0.0])
        attr.type = AttributeProto.FLOAT
    return "attribute retyped"


def _corrupt_dims(model, rng):
    graph = model.graph
    tensors = list(graph.initializer)
    if tensors and rng.random() < 0.5:
        t = rng.choice(tensors)
        if t.dims:
            t.dims[rng.randrange(len(t.dims))] = rng.choice(_BIG + [3])
        else:
            t.dims.append(rng.choice(_BIG))
        return "initializer dims corrupted"
    vi = rng.choice(list(graph.input) + list(graph.output))
    dims = vi.type.tensor_type.shape.dim
    if dims:
        dims[rng.randrange(len(dims))].dim_value = rng.choice(_BIG + [3])
    return "value info dims corrupted"


def _corrupt_types(model, rng):
    graph = model.graph
    if graph.initializer and rng.random() < 0.5:
        t = rng.choice(graph.initializer)
        t.data_type = rng.choice([0, TensorProto.INT64, TensorProto.BOOL,
                                  TensorProto.STRING, TensorProto.FLOAT16,
                                  TensorProto.UINT64, 77])
        return "initializer data type changed"
    vi = rng.choice(list(graph.input) + list(graph.output))
    vi.type.tensor_type.elem_type = rng.choice(
        [0, TensorProto.INT8, TensorProto.DOUBLE, TensorProto.STRING, 99])
    return "value info element type changed"


def _corrupt_raw_data(model, rng):
    tensors = [t for t in model.graph.initializer if t.raw_data]
    if not tensors:
        return _corrupt_dims(model, rng)
    t = rng.choice(tensors)
    cut = rng.randrange(len(t.raw_data) + 1)
    t.raw_data = t.raw_data[:cut] + (b"\xff" * rng.randint(0, 3))
    return "raw_data resized"


def _corrupt_opset(model, rng):
    choice = rng.randrange(3)
    if choice == 0:
        model.opset_import[0].version = rng.choice([0, 1, 6, 18, 2**40, -3])
    elif choice == 1:
        model.opset_import[0].domain = rng.choice(["com.foo", "ai.onnx.ml"])
    else:
        model.ir_version = rng.choice([0, 1, 2, 12, 2**40, -1])
    return "opset or IR version changed"


def _drop_or_duplicate_node(model, rng):
    nodes = model.graph.node
    i = rng.randrange(len(nodes))
    if rng.random() < 0.5:
        del nodes[i]
        return "node dropped"
    copy = nodes.add()
    copy.CopyFrom(nodes[i])
    return "node duplicated"


def _shuffle_nodes(model, rng):
    nodes = list(model.graph.node)
    rng.shuffle(nodes)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    return "nodes shuffled"


MUTATORS = [_swap_node_inputs, _rename_tensor, _swap_attributes,
            _retype_attribute, _corrupt_dims, _corrupt_types,
            _corrupt_raw_data, _corrupt_opset, _drop_or_duplicate_node,
            _shuffle_nodes]


def mutate_fields(model, rng):
    """Returns (mutated copy of `model`, description)."""
    mutated = onnx.ModelProto()
    mutated.CopyFrom(model)
    mutator = rng.choice(MUTATORS)
    return mutated, f"{mutator.__name__.lstrip('_')}: {mutator(mutated, rng)}"


# ---- runner ----------------------------------------------------------------

# Text that must never appear: crashes and sanitizer reports (which exit 1
# by default, so the status alone does not show them).
_CRASH_MARKERS = ["AddressSanitizer", "UndefinedBehaviorSanitizer",
                  "LeakSanitizer", "runtime error:", "Stack dump",
                  "PLEASE submit a bug report", "Assertion", "terminate called",
                  "LLVM ERROR"]


def _run(cmd, timeout):
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "", f"timed out after {timeout} s"
    return (proc.returncode, proc.stdout.decode(errors="replace"),
            proc.stderr.decode(errors="replace"))


def _judge(rc, err, allow_success):
    """Returns None if (rc, err) is a clean outcome, else why not."""
    if rc is None:
        return err
    if rc < 0:
        return f"killed by signal {-rc}"
    for marker in _CRASH_MARKERS:
        if marker in err:
            return f"stderr contains '{marker}'"
    if rc == 0:
        return None if allow_success else "exited 0 on a malformed model"
    if rc != 1:
        return f"exit status {rc}, expected 1"
    if "error:" not in err:
        return "exit status 1 without an 'error:' diagnostic"
    return None


def check_case(case, root, args):
    """Runs the tools on one manifest entry; returns (outcome, failures)."""
    path = os.path.join(root, case["path"])
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out.mlir")
        rc, _, err = _run([args.import_tool, path, "-o", out], args.timeout)
        allow = case.get("may_be_valid", False)
        if case.get("must_be_valid") and rc != 0:
            why = f"a well-formed control failed with status {rc}"
        else:
            why = _judge(rc, err, allow or case.get("must_be_valid", False))
        if why is None and rc == 1 and case.get("expect") and \
                case["expect"] not in err:
            why = f"diagnostic lacks '{case['expect']}'"
        if why is None and rc == 0 and args.verifier:
            vrc, _, verr = _run([args.verifier, out, "-o", os.devnull],
                                args.timeout)
            if vrc != 0:
                why = f"imported MLIR does not verify: {verr.strip()[:300]}"
        if why:
            failures.append(f"qcc-import: {why}\n{err.strip()[-2000:]}")
        outcome = "valid" if rc == 0 else "rejected"
        if args.driver:
            drc, _, derr = _run([args.driver, path, "-target=x86_64", "-o",
                                 os.path.join(tmp, "model.o")], args.timeout)
            why = _judge(drc, derr, allow_success=True)
            if why is None and drc == 0 and rc != 0:
                why = "qcc accepted a model qcc-import rejected"
            if why:
                failures.append(f"qcc: {why}\n{derr.strip()[-2000:]}")
    return outcome, failures


def check(args):
    with open(args.manifest) as f:
        cases = json.load(f)
    root = os.path.dirname(os.path.abspath(args.manifest))
    stats = {}
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = pool.map(lambda c: check_case(c, root, args), cases)
        for case, (outcome, failures) in zip(cases, results):
            category = stats.setdefault(case["category"],
                                        {"rejected": 0, "valid": 0})
            category[outcome] += 1
            if failures:
                failed += 1
                print(f"FAIL {case['path']} ({case.get('what', '')})")
                for failure in failures:
                    print("  " + failure.replace("\n", "\n    "))
    for name in sorted(stats):
        print(f"{name}: {stats[name]['rejected']} rejected, "
              f"{stats[name]['valid']} valid")
    print(f"{len(cases)} files, {failed} failed")
    return 1 if failed else 0


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("check", help="run the tools on a corpus manifest")
    p.add_argument("manifest")
    p.add_argument("--import", dest="import_tool", required=True)
    p.add_argument("--verifier", help="tool that verifies imported MLIR")
    p.add_argument("--driver", help="qcc, run on every file as well")
    p.add_argument("--timeout", type=float, default=20)
    p.add_argument("-j", "--jobs", type=int, default=2)
    args = parser.parse_args(argv[1:])
    return check(args)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
