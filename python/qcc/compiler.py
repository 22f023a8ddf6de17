"""qcc.compile: run qcc on a model, link the object, load the result."""

import json
import os
import platform
import re
import shutil
import tempfile
import warnings
from collections.abc import Mapping

import numpy as np

from .errors import QccWarning
from .header import read_header
from .link import link_shared
from .locate import find_qcc
from .model import LOADED_LIBRARIES, Model
from .process import run_tool
from .schemes import get_scheme

_ARCHITECTURES = {"x86_64": "x86_64", "x86-64": "x86_64", "amd64": "x86_64",
                  "aarch64": "aarch64", "arm64": "aarch64",
                  "riscv64": "riscv64", "rv64": "riscv64"}


def _check_target(target):
    """Refuses a target whose code cannot run in this process."""
    if target in (None, "host"):
        return
    arch = _ARCHITECTURES.get(target.split("-")[0].lower())
    host = _ARCHITECTURES.get(platform.machine().lower())
    if arch is not None and arch != host:
        raise ValueError(f"target {target!r} is not this machine "
                         f"({platform.machine()}): its code cannot be loaded "
                         f"here; run the qcc command line for cross "
                         f"compilation")


def _list(value):
    if isinstance(value, str):
        return value
    return ",".join(value)


def _dims(shape):
    return "x".join(str(int(d)) for d in shape)


def quantization_flags(quantize=None, *, calibration_method=None,
                       calibration_method_for=None, activation_type=None,
                       int16=None, keep_float=None, mixed_precision=None,
                       min_sqnr=None, per_tensor_weights=False,
                       integer_only=False, weight_block_size=None):
    """The qcc flags for compile()'s quantization arguments. A `quantize`
    that is not a scheme name goes to qcc as --quantize, which checks it."""
    flags = []
    if quantize is not None:
        scheme = get_scheme(quantize)
        flags += scheme.flags if scheme else [f"--quantize={quantize}"]
    if calibration_method is not None:
        flags.append(f"--calibration-method={calibration_method}")
    for tensor, method in (calibration_method_for or {}).items():
        flags.append(f"--calibration-method-for={tensor}={method}")
    if activation_type is not None:
        flags.append(f"--activation-type={activation_type}")
    if int16 is not None:
        flags.append("--int16=" + ("all" if int16 is True else _list(int16)))
    if keep_float is not None:
        flags.append("--keep-float=" + ("all" if keep_float is True
                                        else _list(keep_float)))
    if mixed_precision is not None:
        flags.append("--mixed-precision=" + ("auto" if mixed_precision is True
                                             else str(mixed_precision)))
    if min_sqnr is not None:
        flags.append(f"--min-sqnr={min_sqnr}")
    if per_tensor_weights:
        flags.append("--per-tensor-weights")
    if integer_only:
        flags.append("--integer-only")
    if weight_block_size is not None:
        flags.append(f"--weight-block-size={int(weight_block_size)}")
    return flags


def _run_qcc(command):
    """Runs qcc; raises QccError with its diagnostics when it fails, and
    passes them on as a QccWarning when it succeeds with something to say."""
    stderr = run_tool(command, "qcc failed")
    if stderr.strip():
        warnings.warn(stderr.strip(), QccWarning, stacklevel=3)
    return stderr


def _input_names(qcc, model, workdir, front_flags):
    """The model's input names, from a header-only float compilation."""
    probe = os.path.join(workdir, "inputs-probe.h")
    _run_qcc([qcc, model, "--emit=header", "--name=probe", "-o", probe] +
             front_flags)
    names = [spec.name for spec in read_header(probe).inputs]
    os.remove(probe)
    return names


def _calibration_path(calibration, workdir, names):
    """A path qcc's --calibration reads. `names()` gives the model's input
    names, for data that does not name its arrays."""
    if isinstance(calibration, (str, os.PathLike)):
        path = os.fspath(calibration)
        if not os.path.exists(path):
            raise FileNotFoundError(f"calibration data {path}: no such file "
                                    f"or directory")
        if not path.lower().endswith(".npy"):
            return path
        calibration = [np.load(path, allow_pickle=False)]
    if isinstance(calibration, np.ndarray):
        calibration = [calibration]
    if not isinstance(calibration, Mapping):
        arrays = list(calibration)
        input_names = names()
        if len(arrays) != len(input_names):
            raise ValueError(f"calibration: {len(arrays)} array(s) for "
                             f"{len(input_names)} model input(s) "
                             f"({', '.join(input_names)}); pass a dict by "
                             f"input name")
        calibration = dict(zip(input_names, arrays))
    path = os.path.join(workdir, "calibration.npz")
    with open(path, "wb") as f:  # a file object keeps savez's name as is
        np.savez(f, **{str(k): np.asarray(v) for k, v in calibration.items()})
    return path


def library_path(directory, stem):
    """`<stem>.so` in `directory`, or `<stem>-<n>.so` when that file is
    already loaded in this process (dlopen would return the old library)."""
    path = os.path.join(directory, stem + ".so")
    n = 1
    while os.path.realpath(path) in LOADED_LIBRARIES:
        path = os.path.join(directory, f"{stem}-{n}.so")
        n += 1
    return path


def compile(model, calibration=None, *, quantize=None, target="host",
            output_dir=None, name=None, options=(), calibration_method=None,
            calibration_method_for=None, activation_type=None, int16=None,
            keep_float=None, mixed_precision=None, min_sqnr=None,
            per_tensor_weights=False, integer_only=False,
            weight_block_size=None, input_shapes=None, report=False,
            mcpu=None, mattr=None, opt_level=None, workspace_alignment=None,
            qcc_path=None, cc=None):
    """Compiles `model` (.onnx or .mlir) with qcc, links it into a shared
    object and returns it loaded as a Model. docs/Python.md describes every
    argument; qcc's diagnostics become a QccError (failure) or a
    QccWarning (success)."""
    model = os.fspath(model)
    if not os.path.isfile(model):
        raise FileNotFoundError(f"{model}: no such file")
    if name is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*",
                                             name):
        raise ValueError(f"name {name!r} is not a C identifier")
    _check_target(target)
    qcc = find_qcc(qcc_path)

    # A temporary directory goes with the model (or with a failure).
    workdir = None
    if output_dir is None:
        workdir = directory = tempfile.mkdtemp(prefix="qcc-")
    else:
        directory = os.fspath(output_dir)
        os.makedirs(directory, exist_ok=True)
    try:
        stem = name or os.path.splitext(os.path.basename(model))[0]

        # Flags that shape the model's interface (also for the input probe).
        front = [f"--input-shape={n}={_dims(s)}"
                 for n, s in (input_shapes or {}).items()]
        front += [o for o in options if o.startswith(("--entry=", "-entry="))]
        flags = [f"--target={target}"] + front
        if name is not None:
            flags.append(f"--name={name}")
        if calibration is not None:
            flags.append("--calibration=" + _calibration_path(
                calibration, directory,
                lambda: _input_names(qcc, model, directory, front)))
        flags += quantization_flags(
            quantize, calibration_method=calibration_method,
            calibration_method_for=calibration_method_for,
            activation_type=activation_type, int16=int16,
            keep_float=keep_float,
            mixed_precision=mixed_precision, min_sqnr=min_sqnr,
            per_tensor_weights=per_tensor_weights, integer_only=integer_only,
            weight_block_size=weight_block_size)
        report_path = None
        if report:
            report_path = (os.path.join(directory, stem + ".report.json")
                           if report is True else os.fspath(report))
            flags.append(f"--report={report_path}")
        # Code for this process may use every feature of this CPU.
        if mcpu is None and target in (None, "host"):
            mcpu = "native"
        if mcpu is not None:
            flags.append(f"--mcpu={mcpu}")
        if mattr is not None:
            flags.append(f"--mattr={mattr}")
        if opt_level is not None:
            flags.append(f"-O{int(opt_level)}")
        if workspace_alignment is not None:
            flags.append(f"--workspace-alignment={int(workspace_alignment)}")

        object_path = os.path.join(directory, stem + ".o")
        header_path = os.path.join(directory, stem + ".h")
        command = [qcc, model, "-o", object_path, f"--header={header_path}"]
        command += flags + [o for o in options if o not in front]
        log = _run_qcc(command)
        library = library_path(directory, stem)
        link_shared(object_path, library, cc=cc)
        report_data = None
        if report_path:
            with open(report_path) as f:
                report_data = json.load(f)
        return Model(library, header_path, object_path, workdir=workdir,
                     command=command, log=log, report=report_data)
    except BaseException:
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)
        raise
