"""Writes small float TOSA models as MLIR text, with their numpy reference.

`ModelBuilder` traces a model: each op appends one or more TOSA ops (LLVM 22
syntax) to the function body and computes the op's expected value with
`qcc_tools.reference`. Because the MLIR text and the reference come from the
same call, a test model is written once, yet the two sides share no numerics:
the MLIR is compiled by qcc, the reference is plain numpy. Result types come
from the reference's shapes, so the TOSA verifier (which infers shapes itself)
also cross-checks the reference's shape arithmetic.

Inputs and weights are drawn from a seeded numpy RNG and rounded to float32
before the reference sees them, so the reference is exact for the values the
compiled model actually gets. Weights are embedded as little-endian
``dense<"0x...">`` hex (bit exact, compact); tiny constants as readable
``dense<[...]>`` literals printed with 9 significant digits (exact for f32).
"""

import numpy as np

from . import reference

F32_MAX = float(np.finfo(np.float32).max)

# Constants with at most this many elements are written as readable literals.
_MAX_LITERAL_ELEMENTS = 16


def tensor_type(shape, element="f32"):
    """MLIR ranked tensor type, e.g. ``tensor<1x8xf32>`` or ``tensor<f32>``."""
    return "tensor<" + "".join(f"{d}x" for d in shape) + element + ">"


def dense_hex(array):
    """``dense<"0x...">`` payload: raw little-endian f32 bytes."""
    data = np.ascontiguousarray(array, dtype="<f4").tobytes()
    return '"0x' + data.hex().upper() + '"'


def dense_literal(array):
    """``dense<[...]>`` payload, nested to the array's rank."""
    array = np.asarray(array, dtype=np.float32)
    if array.ndim == 0:
        return f"{float(array):.8e}"
    return "[" + ", ".join(dense_literal(a) for a in array) + "]"


def _i64_array(values):
    return "array<i64: " + ", ".join(str(int(v)) for v in values) + ">"


class Value:
    """An SSA value of the model being built, with its float64 reference."""

    def __init__(self, name, ref):
        self.name = name
        self.ref = ref

    @property
    def shape(self):
        return self.ref.shape

    @property
    def type(self):
        return tensor_type(self.ref.shape)


class ModelBuilder:
    """Builds one public ``func.func @main`` whose arguments are the model
    inputs and whose results are the model outputs (qcc's entry-point
    contract). ``main`` is deliberate: qcc must not export the MLIR symbol,
    or it would clash with the C harness's own ``main``."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.inputs = []  # (Value, name, float32 data)
        self.outputs = []  # (Value, name)
        self._body = []
        self._count = 0
        self._zero = None
        self._shift = None

    # ---- data -------------------------------------------------------------

    def random(self, shape, scale):
        """Uniform float32 values in [-scale, scale]."""
        return self.rng.uniform(-scale, scale, size=shape).astype(np.float32)

    def input(self, shape, name, scale=1.0):
        """A model input filled with uniform random data in [-scale, scale]."""
        data = self.random(shape, scale)
        value = Value(f"%arg{len(self.inputs)}", data.astype(np.float64))
        self.inputs.append((value, name, data))
        return value

    def const(self, array):
        """A ``tosa.const`` holding `array` rounded to float32."""
        data = np.asarray(array, dtype=np.float32)
        payload = (dense_literal(data) if data.size <= _MAX_LITERAL_ELEMENTS
                   else dense_hex(data))
        value = Value(self._fresh(), data.astype(np.float64))
        self._emit(f'{value.name} = "tosa.const"() {{values = dense<{payload}> '
                   f": {value.type}}} : () -> {value.type}")
        return value

    def weight(self, shape, fan_in):
        """Random weights scaled by 1/sqrt(fan_in) so activations stay O(1)
        and float32 rounding stays well inside the test tolerances."""
        return self.const(self.random(shape, 1.0 / np.sqrt(fan_in)))

    def bias(self, shape):
        return self.const(self.random(shape, 0.5))

    def output(self, value, name):
        self.outputs.append((value, name))

    # ---- ops --------------------------------------------------------------

    def conv2d(self, x, w, b, pad=(0, 0, 0, 0), stride=(1, 1),
               dilation=(1, 1)):
        ref = reference.conv2d(x.ref, w.ref, b.ref, pad, stride, dilation)
        return self._conv("conv2d", ref, x, w, b, pad, stride, dilation)

    def depthwise_conv2d(self, x, w, b, pad=(0, 0, 0, 0), stride=(1, 1),
                         dilation=(1, 1)):
        ref = reference.depthwise_conv2d(x.ref, w.ref, b.ref, pad, stride,
                                         dilation)
        return self._conv("depthwise_conv2d", ref, x, w, b, pad, stride,
                          dilation)

    def max_pool2d(self, x, kernel, stride, pad=(0, 0, 0, 0)):
        out = Value(self._fresh(), reference.max_pool2d(x.ref, kernel, stride,
                                                        pad))
        self._emit(f"{out.name} = tosa.max_pool2d {x.name} {{kernel = "
                   f"{_i64_array(kernel)}, pad = {_i64_array(pad)}, stride = "
                   f"{_i64_array(stride)}}} : ({x.type}) -> {out.type}")
        return out

    def avg_pool2d(self, x, kernel, stride, pad=(0, 0, 0, 0)):
        out = Value(self._fresh(), reference.avg_pool2d(x.ref, kernel, stride,
                                                        pad))
        zp = self._zero_point()
        self._emit(f"{out.name} = tosa.avg_pool2d {x.name}, {zp}, {zp} "
                   f"{{acc_type = f32, kernel = {_i64_array(kernel)}, pad = "
                   f"{_i64_array(pad)}, stride = {_i64_array(stride)}}} : "
                   f"({x.type}, tensor<1xf32>, tensor<1xf32>) -> {out.type}")
        return out

    def matmul(self, a, b):
        out = Value(self._fresh(), reference.matmul(a.ref, b.ref))
        zp = self._zero_point()
        self._emit(f"{out.name} = tosa.matmul {a.name}, {b.name}, {zp}, {zp} : "
                   f"({a.type}, {b.type}, tensor<1xf32>, tensor<1xf32>) -> "
                   f"{out.type}")
        return out

    def fully_connected(self, x, w, b):
        """x [N,K], w [O,K], b [O] -> [N,O], lowered the way importers do it:
        transpose the weights, reshape to rank 3, tosa.matmul, add the bias."""
        n, k = x.shape
        o = w.shape[0]
        expected = reference.fully_connected(x.ref, w.ref, b.ref)
        wt = self.transpose(w, (1, 0))
        y = self.matmul(self.reshape(x, (1, n, k)), self.reshape(wt, (1, k, o)))
        y = self.add(self.reshape(y, (n, o)), self.reshape(b, (1, o)))
        # The step-by-step references must agree with the layer's own
        # reference; this guards the decomposition (e.g. the weight layout).
        if not np.allclose(y.ref, expected, rtol=1e-12, atol=1e-12):
            raise AssertionError("fully_connected decomposition is wrong")
        return y

    def add(self, a, b):
        out = Value(self._fresh(), reference.add(a.ref, b.ref))
        self._emit(f"{out.name} = tosa.add {a.name}, {b.name} : "
                   f"({a.type}, {b.type}) -> {out.type}")
        return out

    def clamp(self, x, lo, hi):
        out = Value(self._fresh(), reference.clamp(x.ref, lo, hi))
        self._emit(f"{out.name} = tosa.clamp {x.name} {{min_val = {lo:.8e} : "
                   f"f32, max_val = {hi:.8e} : f32}} : ({x.type}) -> "
                   f"{out.type}")
        return out

    def relu(self, x):
        """ReLU as TOSA spells it: a clamp to [0, FLT_MAX]."""
        return self.clamp(x, 0.0, F32_MAX)

    def reshape(self, x, shape):
        shape_name = self._fresh()
        out = Value(self._fresh(), reference.reshape(x.ref, shape))
        self._emit(f"{shape_name} = tosa.const_shape {{values = dense<"
                   f"[{', '.join(str(d) for d in shape)}]> : "
                   f"tensor<{len(shape)}xindex>}} : () -> "
                   f"!tosa.shape<{len(shape)}>")
        self._emit(f"{out.name} = tosa.reshape {x.name}, {shape_name} : "
                   f"({x.type}, !tosa.shape<{len(shape)}>) -> {out.type}")
        return out

    def transpose(self, x, perms):
        out = Value(self._fresh(), reference.transpose(x.ref, perms))
        self._emit(f"{out.name} = tosa.transpose {x.name} {{perms = "
                   f"array<i32: {', '.join(str(p) for p in perms)}>}} : "
                   f"({x.type}) -> {out.type}")
        return out

    def sigmoid(self, x):
        return self._unary("sigmoid", x, reference.sigmoid(x.ref))

    def tanh(self, x):
        return self._unary("tanh", x, reference.tanh(x.ref))

    def softmax(self, x, axis):
        """Softmax along `axis`, decomposed as TOSA importers do (TOSA has no
        softmax op): exp(x - max) * reciprocal(sum(exp(x - max)))."""
        axis %= len(x.shape)
        expected = reference.softmax(x.ref, axis)
        reduced = tensor_type(x.shape[:axis] + (1,) + x.shape[axis + 1:])
        names = [self._fresh() for _ in range(5)]
        mx, shifted, exps, total, inv = names
        self._emit(f"{mx} = tosa.reduce_max {x.name} {{axis = {axis} : i32}} "
                   f": ({x.type}) -> {reduced}")
        self._emit(f"{shifted} = tosa.sub {x.name}, {mx} : ({x.type}, "
                   f"{reduced}) -> {x.type}")
        self._emit(f"{exps} = tosa.exp {shifted} : ({x.type}) -> {x.type}")
        self._emit(f"{total} = tosa.reduce_sum {exps} {{axis = {axis} : i32}} "
                   f": ({x.type}) -> {reduced}")
        self._emit(f"{inv} = tosa.reciprocal {total} : ({reduced}) -> "
                   f"{reduced}")
        out = Value(self._fresh(), expected)
        self._emit(f"{out.name} = tosa.mul {exps}, {inv}, {self._mul_shift()} "
                   f": ({x.type}, {reduced}, tensor<1xi8>) -> {out.type}")
        return out

    # ---- output -----------------------------------------------------------

    def module_text(self, comment=""):
        """The whole model as an MLIR module (one public func.func)."""
        if not self.outputs:
            raise ValueError("model has no outputs")
        args = ", ".join(f'{v.name}: {v.type} {{qcc.name = "{name}"}}'
                         for v, name, _ in self.inputs)
        results = ", ".join(f'{v.type} {{qcc.name = "{name}"}}'
                            for v, name in self.outputs)
        lines = [f"// {line}".rstrip() for line in comment.splitlines()]
        lines.append(f"func.func @main({args}) -> ({results}) {{")
        lines += [f"  {op}" for op in self._body]
        lines.append("  return " + ", ".join(v.name for v, _ in self.outputs)
                     + " : " + ", ".join(v.type for v, _ in self.outputs))
        lines.append("}")
        return "\n".join(lines) + "\n"

    # ---- helpers ----------------------------------------------------------

    def _fresh(self):
        self._count += 1
        return f"%{self._count - 1}"

    def _emit(self, line):
        self._body.append(line)

    def _zero_point(self):
        """The f32 zero-point operand shared by conv, pool and matmul ops."""
        if self._zero is None:
            self._zero = "%zp"
            self._emit('%zp = "tosa.const"() {values = dense<0.0> : '
                       "tensor<1xf32>} : () -> tensor<1xf32>")
        return self._zero

    def _mul_shift(self):
        """tosa.mul's shift operand; must be 0 for float multiplies."""
        if self._shift is None:
            self._shift = "%shift"
            self._emit('%shift = "tosa.const"() {values = dense<0> : '
                       "tensor<1xi8>} : () -> tensor<1xi8>")
        return self._shift

    def _conv(self, op, ref, x, w, b, pad, stride, dilation):
        out = Value(self._fresh(), ref)
        zp = self._zero_point()
        self._emit(f"{out.name} = tosa.{op} {x.name}, {w.name}, {b.name}, "
                   f"{zp}, {zp} {{acc_type = f32, dilation = "
                   f"{_i64_array(dilation)}, pad = {_i64_array(pad)}, stride = "
                   f"{_i64_array(stride)}}} : ({x.type}, {w.type}, {b.type}, "
                   "tensor<1xf32>, tensor<1xf32>) -> " + out.type)
        return out

    def _unary(self, op, x, ref):
        out = Value(self._fresh(), ref)
        self._emit(f"{out.name} = tosa.{op} {x.name} : ({x.type}) -> "
                   f"{out.type}")
        return out
