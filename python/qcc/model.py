"""A compiled model loaded from a shared object, callable on numpy arrays.

The header (header.py) gives the interface; the library's tagged
`<name>_run_packed_<tag>` symbol does the work. Each entry point converts
and checks its arguments, runs one call per sample (see "Batches" in
docs/Python.md) and returns freshly allocated output arrays.
"""

import ctypes
import os
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Mapping

import numpy as np

from .header import HeaderError, read_header
from .link import link_shared

# A library path dlopen has already loaded in this process: loading it again
# would return the old library even after the file changed, so a new build
# gets a new file name (see compiler.library_path).
LOADED_LIBRARIES = set()


class Outputs(tuple):
    """The outputs of a model with several: a tuple in the header's order
    (`logits, probs = model(x)`) whose items are also found by output name
    (`out["logits"]`, or `out.logits` for names that are identifiers)."""

    def __new__(cls, names, arrays):
        result = super().__new__(cls, arrays)
        result._names = tuple(names)
        return result

    def __getitem__(self, key):
        if isinstance(key, str):
            try:
                key = self._names.index(key)
            except ValueError:
                raise KeyError(f"no output named {key!r}; the outputs are "
                               f"{', '.join(self._names)}") from None
        return tuple.__getitem__(self, key)

    def __getattr__(self, name):
        names = self.__dict__.get("_names", ())
        if name in names:
            return tuple.__getitem__(self, names.index(name))
        raise AttributeError(name)

    def keys(self):
        return list(self._names)

    def items(self):
        return list(zip(self._names, self))

    def as_dict(self):
        return dict(self.items())

    def __repr__(self):
        return "Outputs(" + ", ".join(f"{n}={a!r}" for n, a in
                                      self.items()) + ")"


def _aligned_empty(nbytes, alignment):
    """A uint8 array of `nbytes` (at least 1) whose data is aligned."""
    raw = np.empty(max(nbytes, 1) + alignment, dtype=np.uint8)
    offset = -raw.ctypes.data % alignment
    return raw[offset:offset + max(nbytes, 1)]


def _describe(shape):
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1
                                                     else "") + ")"


def _convert(spec, value):
    """`value` as a C-contiguous array of the input's dtype. Conversions
    within a kind (float64 -> float32, int64 -> int8) are allowed; integer
    values must fit the input's type."""
    array = np.asarray(value)
    if array.dtype != spec.dtype:
        if not np.can_cast(array.dtype, spec.dtype, "same_kind"):
            raise TypeError(f"input {spec.name!r}: cannot convert "
                            f"{array.dtype} to the input's {spec.dtype}")
        if spec.dtype.kind in "iu" and array.size:
            info = np.iinfo(spec.dtype)
            if array.min() < info.min or array.max() > info.max:
                raise ValueError(f"input {spec.name!r}: values outside the "
                                 f"range of {spec.dtype} [{info.min}, "
                                 f"{info.max}]")
        array = array.astype(spec.dtype)
    return np.ascontiguousarray(array)


def _layout(spec, shape):
    """How an array of `shape` feeds input `spec`: ("one", None) for the
    input's own shape, ("stack", N) for N samples stacked on a new leading
    axis, ("axis0", N) for N samples along the input's leading axis of 1."""
    if shape == spec.shape:
        return "one", None
    if len(shape) == len(spec.shape) + 1 and shape[1:] == spec.shape:
        return "stack", shape[0]
    if (spec.shape and spec.shape[0] == 1 and len(shape) == len(spec.shape)
            and shape[1:] == spec.shape[1:]):
        return "axis0", shape[0]
    batch = _describe(("N",) + spec.shape)
    if spec.shape and spec.shape[0] == 1:
        batch += f" or {_describe(('N',) + spec.shape[1:])}"
    raise ValueError(f"input {spec.name!r}: shape {_describe(shape)}; "
                     f"expected {_describe(spec.shape)}, or {batch} for a "
                     f"batch of N")


class EntryPoint:
    """One function of a compiled model (the float `<name>_run`, or the
    integer `<name>_run_int8`): call it with numpy arrays."""

    def __init__(self, function, inputs, outputs, workspace, lock, owner):
        self._function = function
        self._inputs = list(inputs)
        self._outputs = list(outputs)
        self._workspace = workspace
        self._lock = lock
        self._owner = owner  # keeps the library and its files alive

    @property
    def inputs(self):
        """The inputs, in order: TensorSpec(name, shape, dtype, scale,
        zero_point)."""
        return list(self._inputs)

    @property
    def outputs(self):
        """The outputs, in order, as TensorSpecs."""
        return list(self._outputs)

    def __call__(self, *args, **kwargs):
        """Runs the model: `f(x)`, `f(a, b)`, `f(a=x, b=y)` or
        `f({"a": x, "b": y})`. Returns one array for a single output, else
        an Outputs tuple by output name."""
        if len(args) == 1 and isinstance(args[0], Mapping) and not kwargs:
            kwargs, args = dict(args[0]), ()
        run, outputs = self._prepare(self._bind(args, kwargs))
        with self._lock:
            run()
        return self._result(outputs)

    def benchmark(self, inputs, *, repeat=100, warmup=5):
        """Seconds taken by each of `repeat` calls on `inputs` (an array, a
        sequence of arrays in input order, or a dict by name), after
        `warmup` calls; argument checking and conversion are done once,
        outside the timed calls."""
        if isinstance(inputs, Mapping):
            arrays = self._bind((), dict(inputs))
        elif len(self._inputs) > 1 and isinstance(inputs, (list, tuple)):
            arrays = self._bind(tuple(inputs), {})
        else:
            arrays = self._bind((inputs,), {})
        run, _ = self._prepare(arrays)
        times = np.empty(max(int(repeat), 0))
        with self._lock:
            for _ in range(max(int(warmup), 0)):
                run()
            for i in range(len(times)):
                start = time.perf_counter()
                run()
                times[i] = time.perf_counter() - start
        return times

    def _bind(self, args, kwargs):
        """The arguments in input order, as Python binds a function's."""
        names = [spec.name for spec in self._inputs]
        if len(args) > len(names):
            raise TypeError(f"the model takes {len(names)} input(s), "
                            f"{len(args)} given")
        bound = dict(zip(names, args))
        for name, value in kwargs.items():
            if name not in names:
                raise TypeError(f"the model has no input {name!r}; its "
                                f"inputs are {', '.join(map(repr, names))}")
            if name in bound:
                raise TypeError(f"input {name!r} given twice")
            bound[name] = value
        missing = [name for name in names if name not in bound]
        if missing:
            raise TypeError(f"missing input(s): "
                            f"{', '.join(map(repr, missing))}")
        return [bound[name] for name in names]

    def _prepare(self, values):
        """Checks and converts the inputs and allocates the outputs; returns
        a function that runs every sample, and the output arrays."""
        arrays = [_convert(spec, v) for spec, v in zip(self._inputs, values)]
        layouts = [_layout(spec, a.shape) for spec, a in
                   zip(self._inputs, arrays)]
        batched = {mode for mode, _ in layouts if mode != "one"}
        counts = {count for _, count in layouts if count is not None}
        if len(batched) > 1:
            raise ValueError("mixed batch forms: give every batched input "
                             "either an extra leading axis or N samples "
                             "along its leading axis of 1")
        if len(counts) > 1:
            raise ValueError("batched inputs have different sample counts: " +
                             ", ".join(f"{spec.name!r} {count}" for spec,
                                       (_, count) in zip(self._inputs, layouts)
                                       if count is not None))
        mode = batched.pop() if batched else "one"
        count = counts.pop() if counts else 1
        if mode == "axis0":
            for spec in self._outputs:
                if not spec.shape or spec.shape[0] != 1:
                    raise ValueError(
                        f"output {spec.name!r} of shape "
                        f"{_describe(spec.shape)} has no leading axis of 1 "
                        f"to gather samples on: give the inputs an extra "
                        f"leading axis instead")
        if mode == "one":
            outputs = [np.empty(spec.shape, spec.dtype)
                       for spec in self._outputs]
        elif mode == "stack":
            outputs = [np.empty((count,) + spec.shape, spec.dtype)
                       for spec in self._outputs]
        else:
            outputs = [np.empty((count,) + spec.shape[1:], spec.dtype)
                       for spec in self._outputs]

        # Sample i of a batched buffer starts i samples' bytes further on.
        def plan(buffers, specs, steps):
            return [(b.ctypes.data, spec.dtype.itemsize *
                     int(np.prod(spec.shape, dtype=np.int64)) * step)
                    for b, spec, step in zip(buffers, specs, steps)]

        in_plan = plan(arrays, self._inputs,
                       [0 if m == "one" else 1 for m, _ in layouts])
        out_plan = plan(outputs, self._outputs,
                        [0 if mode == "one" else 1] * len(outputs))
        in_ptrs = (ctypes.c_void_p * max(len(in_plan), 1))()
        out_ptrs = (ctypes.c_void_p * max(len(out_plan), 1))()
        workspace = self._workspace.ctypes.data
        function = self._function

        def run():
            for i in range(count):
                for j, (base, step) in enumerate(in_plan):
                    in_ptrs[j] = base + i * step
                for j, (base, step) in enumerate(out_plan):
                    out_ptrs[j] = base + i * step
                function(in_ptrs, out_ptrs, workspace)

        # `arrays` must outlive the calls that read their memory.
        run.keepalive = arrays
        return run, outputs

    def _result(self, outputs):
        if len(outputs) == 1:
            return outputs[0]
        return Outputs([spec.name for spec in self._outputs], outputs)


class Model:
    """A model compiled by qcc and loaded into this process.

    Calling it runs the float entry point `<name>_run` (see EntryPoint);
    `int8` is the integer entry point `<name>_run_int8` where the header
    declares one, else None. Made by `qcc.compile` or `qcc.load`.
    """

    def __init__(self, library_path, header_path, object_path=None, *,
                 workdir=None, command=None, log="", report=None):
        if workdir is not None:  # a directory that goes with the model
            weakref.finalize(self, shutil.rmtree, workdir, True)
        self.library_path = os.path.abspath(library_path)
        self.header_path = os.path.abspath(header_path)
        self.object_path = (os.path.abspath(object_path) if object_path
                            else None)
        self.command = command
        self.log = log
        self.report = report
        interface = read_header(self.header_path)
        self.name = interface.prefix
        self.workspace_alignment = interface.workspace_alignment
        self._library = ctypes.CDLL(self.library_path)
        LOADED_LIBRARIES.add(os.path.realpath(self.library_path))

        def function(key, restype, argtypes):
            symbol = interface.symbols[f"{self.name}_{key}"]
            try:
                fn = self._library[symbol]
            except AttributeError:
                raise HeaderError(
                    f"{self.library_path} has no symbol {symbol}: "
                    f"{self.header_path} belongs to another compilation"
                ) from None
            fn.restype, fn.argtypes = restype, argtypes
            return fn

        size = function("workspace_size", ctypes.c_size_t, [])()
        if size != interface.workspace_size:
            raise HeaderError(f"{self.header_path} says the workspace is "
                              f"{interface.workspace_size} bytes, the "
                              f"library says {size}")
        self.workspace_size = size
        workspace = _aligned_empty(size, interface.workspace_alignment)
        lock = threading.Lock()
        packed = [ctypes.c_void_p] * 3
        self._float = EntryPoint(function("run_packed", None, packed),
                                 interface.inputs, interface.outputs,
                                 workspace, lock, self)
        self.int8 = None
        if interface.int8_inputs is not None:
            self.int8 = EntryPoint(function("run_int8_packed", None, packed),
                                   interface.int8_inputs,
                                   interface.int8_outputs, workspace, lock,
                                   self)

    @property
    def inputs(self):
        """The inputs of the float entry point: TensorSpec(name, shape,
        dtype, scale=None, zero_point=None), in order."""
        return self._float.inputs

    @property
    def outputs(self):
        """The outputs of the float entry point, in order."""
        return self._float.outputs

    @property
    def object_size(self):
        """Bytes of the object file qcc wrote (None if there is none)."""
        return (os.path.getsize(self.object_path) if self.object_path
                else None)

    def __call__(self, *args, **kwargs):
        return self._float(*args, **kwargs)

    __call__.__doc__ = EntryPoint.__call__.__doc__

    def benchmark(self, inputs, *, repeat=100, warmup=5):
        return self._float.benchmark(inputs, repeat=repeat, warmup=warmup)

    benchmark.__doc__ = EntryPoint.benchmark.__doc__

    def __repr__(self):
        def specs(items):
            return ", ".join(f"{s.name}: {s.dtype}{list(s.shape)}"
                             for s in items)
        return (f"<qcc.Model {self.name} ({specs(self.inputs)}) -> "
                f"({specs(self.outputs)})>")


def load(path, header=None, *, cc=None):
    """Loads a model compiled by qcc: `path` is its object file (linked here
    into a shared object in a temporary directory) or a shared object made
    from it. `header` defaults to `path` with the extension `.h`."""
    path = os.fspath(path)
    stem, extension = os.path.splitext(path)
    header = os.fspath(header) if header is not None else stem + ".h"
    for file in (path, header):
        if not os.path.isfile(file):
            raise FileNotFoundError(f"{file}: no such file")
    loaded = os.path.realpath(path) in LOADED_LIBRARIES
    if extension != ".o" and not loaded:
        return Model(path, header)
    # An object is linked here; a library this process already loaded is
    # copied, since dlopen would hand back the loaded one.
    workdir = tempfile.mkdtemp(prefix="qcc-")
    try:
        library = os.path.join(workdir, os.path.basename(stem) + ".so")
        if extension == ".o":
            link_shared(path, library, cc=cc)
            return Model(library, header, path, workdir=workdir)
        shutil.copyfile(path, library)
        return Model(library, header, workdir=workdir)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
