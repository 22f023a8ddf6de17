"""Reading the C header qcc writes next to an object (docs/ABI.md).

The header is the model's whole interface: the symbol prefix, every input
and output (name, shape, C element type), the workspace size and alignment,
the quantization of the integer entry point when there is one, and the
tagged symbol names (<name>_<tag>) that the header #defines the functions
to.
"""

import re
from collections import namedtuple

import numpy as np

TensorSpec = namedtuple("TensorSpec", "name shape dtype scale zero_point",
                        defaults=(None, None))
TensorSpec.__doc__ = """One input or output of an entry point: its name,
shape (a tuple), numpy dtype and, on the integer entry point, the scale and
zero point of real = (q - zero_point) * scale (None elsewhere)."""

Interface = namedtuple("Interface", "prefix inputs outputs int8_inputs "
                       "int8_outputs workspace_size workspace_alignment "
                       "symbols")
Interface.__doc__ = """A parsed header. `int8_inputs`/`int8_outputs` are None
without an integer entry point; `symbols` maps each exported function
(`<prefix>_run`, ...) to the symbol to look up (its tagged name)."""

# numpy has no bfloat16: those tensors travel as their uint16 bit patterns.
C_TYPES = {
    "float": np.float32, "double": np.float64,
    "qcc_float16_t": np.float16, "qcc_bfloat16_t": np.uint16,
    "bool": np.bool_,
    "int8_t": np.int8, "uint8_t": np.uint8, "int16_t": np.int16,
    "uint16_t": np.uint16, "int32_t": np.int32, "uint32_t": np.uint32,
    "int64_t": np.int64, "uint64_t": np.uint64,
}

_DEFINE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+(.*?)[ \t]*$",
                     re.MULTILINE)
_WORKSPACE_DECL = re.compile(r"\bsize_t\s+(\w+)_workspace_size\s*\(\s*void\s*"
                             r"\)\s*;")


class HeaderError(ValueError):
    """The file is not a header qcc wrote, or not one this package reads."""


def _c_string(literal, where):
    """The text of a C string literal as the header emitter escapes it:
    backslash before '"' and '\\', three-digit octal for other bytes."""
    if len(literal) < 2 or literal[0] != '"' or literal[-1] != '"':
        raise HeaderError(f"{where}: {literal!r} is not a string literal")
    data = bytearray()
    body = literal[1:-1]
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            data += c.encode()
            i += 1
        elif re.match(r"[0-7]{3}", body[i + 1:i + 4]):
            data.append(int(body[i + 1:i + 4], 8))
            i += 4
        else:
            data += body[i + 1:i + 2].encode()
            i += 2
    return data.decode("utf-8", errors="replace")


def parse_header(text, path="<header>"):
    """Parses the text of a qcc header into an Interface."""
    declaration = _WORKSPACE_DECL.search(text)
    if not declaration:
        raise HeaderError(f"{path}: no <name>_workspace_size declaration; "
                          f"not a header written by qcc")
    prefix = declaration.group(1)
    macros = dict(_DEFINE.findall(text))
    upper = prefix.upper() + "_"

    def get(name):
        try:
            return macros[upper + name]
        except KeyError:
            raise HeaderError(f"{path}: no macro {upper + name}") from None

    def integer(name):
        value = get(name).rstrip("uUlL")
        try:
            return int(value)
        except ValueError:
            raise HeaderError(f"{path}: {upper + name} is {value!r}, not an "
                              f"integer") from None

    def dtype(name):
        c_type = get(name)
        if c_type not in C_TYPES:
            raise HeaderError(f"{path}: {upper + name}: unsupported element "
                              f"type {c_type!r}")
        return np.dtype(C_TYPES[c_type])

    def tensors(kind):
        specs = []
        for i in range(integer(f"NUM_{kind}S")):
            key = f"{kind}_{i}"
            shape = tuple(int(d) for d in
                          re.findall(r"-?\d+", get(f"{key}_SHAPE")))
            if len(shape) != integer(f"{key}_RANK"):
                raise HeaderError(f"{path}: {upper}{key}_SHAPE does not have "
                                  f"{upper}{key}_RANK dimensions")
            specs.append(TensorSpec(_c_string(get(f"{key}_NAME"), path), shape,
                                    dtype(f"{key}_TYPE")))
        return specs

    def quantized(kind, specs):
        result = []
        for i, spec in enumerate(specs):
            key = f"INT8_{kind}_{i}"
            try:
                scale = float(get(f"{key}_SCALE"))
            except ValueError:
                raise HeaderError(f"{path}: {upper}{key}_SCALE is not a "
                                  f"number") from None
            zero_point = integer(f"{key}_ZERO_POINT")
            result.append(spec._replace(dtype=dtype(f"{key}_TYPE"),
                                        scale=scale, zero_point=zero_point))
        return result

    inputs, outputs = tensors("INPUT"), tensors("OUTPUT")
    int8_inputs = int8_outputs = None
    if upper + "INT8_INPUT_SIZES" in macros:
        int8_inputs = quantized("INPUT", inputs)
        int8_outputs = quantized("OUTPUT", outputs)

    # "#define <f> <f>_<tag>" renames each function to its tagged symbol
    # (docs/ABI.md); the plain name is the fallback of an untagged header.
    symbols = {}
    for suffix in ("workspace_size", "run", "run_packed", "run_int8",
                   "run_int8_packed"):
        function = f"{prefix}_{suffix}"
        symbols[function] = macros.get(function, function)
    return Interface(prefix, inputs, outputs, int8_inputs, int8_outputs,
                     integer("WORKSPACE_SIZE"), integer("WORKSPACE_ALIGNMENT"),
                     symbols)


def read_header(path):
    """Reads and parses the header file at `path`."""
    with open(path, encoding="utf-8", errors="replace") as f:
        return parse_header(f.read(), str(path))
