"""Named quantization schemes: the qcc flags behind `quantize=` and
`python3 -m qcc.evaluate --schemes`."""

from collections import namedtuple

Scheme = namedtuple("Scheme", "name flags needs_calibration description")

SCHEMES = {s.name: s for s in (
    Scheme("float", ["--quantize=none"], False, "float32, no quantization"),
    Scheme("int8", ["--quantize=int8"], True,
           "int8 activations and per-channel int8 weights"),
    Scheme("uint8", ["--quantize=int8", "--activation-type=uint8"], True,
           "int8 with uint8 activation storage"),
    Scheme("int16", ["--quantize=int8", "--int16=all"], True,
           "16x8: int16 activations, int8 weights"),
    Scheme("mixed", ["--quantize=int8", "--mixed-precision=auto"], True,
           "per-layer int8/int16/float chosen for an SQNR budget "
           "(--min-sqnr)"),
    Scheme("dynamic", ["--quantize=dynamic"], False,
           "int8 matmuls with run-time input scales"),
    Scheme("weight-int8", ["--quantize=weight-only-int8"], False,
           "int8 weights, float compute"),
    Scheme("weight-int4", ["--quantize=weight-only-int4"], False,
           "int4 weights, float compute"),
)}

# Other spellings: qcc's own --quantize values and the 16x8 name.
ALIASES = {"none": "float", "16x8": "int16",
           "weight-only-int8": "weight-int8",
           "weight-only-int4": "weight-int4"}


def get_scheme(name):
    """The Scheme called `name` (or one of its ALIASES), else None."""
    return SCHEMES.get(ALIASES.get(name, name))
