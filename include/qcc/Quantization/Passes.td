//===- Passes.td - qcc quantizer passes --------------------*- tablegen -*-===//
//
// The quantizer turns a float TOSA model into qcc ops: fold per-channel
// affine ops into contractions, complete value ranges, rewrite quantizable
// ops into the integer domain, and check that the hot path stayed integer.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_QUANTIZATION_PASSES_TD
#define QCC_QUANTIZATION_PASSES_TD

include "mlir/Pass/PassBase.td"

def FoldAffinePass : Pass<"qcc-fold-affine", "mlir::func::FuncOp"> {
  let summary = "Fold batch norm and other per-channel affine ops into "
                "convolutions and matmuls";
  let description = [{
    Importers express inference-time BatchNormalization as a per-channel
    `tosa.mul` and `tosa.add` by constants, usually behind the NHWC-to-NCHW
    `tosa.transpose` that follows a convolution. This pass moves such
    element-wise ops with constant operands (and `tosa.clamp`) in front of
    transposes and last-dimension-preserving reshapes, then folds them into
    the producer at compile time:

    * `mul(conv2d(x, W, b), c)` becomes `conv2d(x, W * c, b * c)` (also
      depthwise convolutions and matmuls with constant weights);
    * `add(conv2d(x, W, b), t)` becomes `conv2d(x, W, b + t)`.

    The folded model computes the same function in float (up to rounding),
    and the quantizer then sees one convolution per layer.
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

def RemoveDeadChannelsPass
    : Pass<"qcc-remove-dead-channels", "mlir::func::FuncOp"> {
  let summary = "Remove convolution output channels whose weights are all "
                "zero (pruned channels)";
  let description = [{
    An output channel of a `tosa.conv2d` whose weights are all zero (a
    pruned channel, after batch norm folding) is the constant
    `c = act(bias)`, where `act` is a `tosa.clamp` between the convolution
    and the one `tosa.conv2d` that reads it. The pass removes the channel
    from both convolutions and adds its contribution
    `c * sum over kh, kw of W2[j, kh, kw, o]` to the consumer's bias, which
    is exact when `c` is 0 (a ReLU after a non-positive bias) or the
    consumer has no padding (padding would read 0 where the channel holds
    `c`). At least one channel stays. The count of removed channels is
    added to the function's `qcc.dead_channels` attribute (the report's
    `dead_channels_removed`).
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

def FoldQDQPass : Pass<"qcc-fold-qdq", "mlir::func::FuncOp"> {
  let summary = "Bring a pre-quantized (QDQ) model into the form qcc-quantize "
                "honours";
  let description = [{
    A QDQ model states its quantization with `qcc.quantize` /
    `qcc.dequantize` pairs around float ops (the ONNX importer turns
    QuantizeLinear and DequantizeLinear with constant parameters into them).
    qcc-quantize reads those types instead of ranges: an op's inputs have
    the type they are dequantized from, its output the one type all its
    users quantize it to, and its weights and bias are the dequantized
    integer constants themselves. This pass puts the graph in that shape:

    * a quantize of a float constant (QAT exporters write fake-quantized
      weights as QuantizeLinear of the float initializer) becomes the
      integer constant, computed as `qcc.quantize` computes at run time;
    * reshapes and transposes of a dequantized constant (the importer's
      OIHW-to-OHWI weight transposes, Gemm's transB, bias reshapes) are
      applied to the integer constant, the quantized axis of per-axis
      parameters moving with its dimension;
    * a max pooling of a dequantized value whose result the model does not
      quantize (it keeps its input's grid) gets that exact quantize and
      dequantize pair, so that it is rewritten too;
    * other reshapes, transposes and slices move to the integer side of
      per-tensor quantize and dequantize ops, so that every quantizable op
      reads a dequantized value and writes a value only quantized.

    A reshape that splits or merges the quantized dimension of per-axis
    parameters is left alone (the op that reads it then stays float).
  }];
  let dependentDialects = ["qcc::QccDialect", "mlir::quant::QuantDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::tosa::TosaDialect"];
}

def PropagateRangesPass : Pass<"qcc-propagate-ranges", "mlir::func::FuncOp"> {
  let summary = "Complete value ranges from the graph";
  let description = [{
    Calibration records `qcc.range = array<f64: min, max>` on the values it
    observed. This pass fills or tightens ranges that follow from the ops
    themselves, in program order: clamp (relu, relu6) intersects with its
    bounds, sigmoid is within [0, 1], tanh within [-1, 1], max pooling,
    reshape, transpose and slice keep their input's range, concat takes the
    union of its inputs, constants their own extremes. Ops whose ranges are
    still unknown stay without one (the quantizer keeps them in float).
  }];
}

def AssignPrecisionPass : Pass<"qcc-assign-precision", "mlir::func::FuncOp"> {
  let summary = "Mark ops with the precision qcc-quantize computes them in";
  let description = [{
    Sets `qcc.precision = "int16"` (16x8: symmetric int16 activations, int8
    weights) or `"float"` (kept in float) on the TOSA ops that the list
    entries select. An entry is an ONNX node name (the op's location name),
    an ONNX operator type (`Conv`, `MatMul`, `Gemm`, `Add`, `Mul`,
    `MaxPool`, `AveragePool`, `GlobalAveragePool`, `Concat`, `Relu`,
    `Clip`, `Sigmoid`, `Tanh`), a TOSA op name with or without `tosa.`
    (`tosa.conv2d`, `matmul`), or `all`. `keep-float` wins over `int16`.
    An entry that selects no op is an error listing the valid names.
  }];
  let options = [
    ListOption<"keepFloat", "keep-float", "std::string",
               "Ops to keep in float">,
    ListOption<"int16", "int16", "std::string",
               "Ops to quantize with int16 activations (16x8)">,
  ];
}

def QuantizePass : Pass<"qcc-quantize", "mlir::func::FuncOp"> {
  let summary = "Rewrite ranged float TOSA ops into qcc integer ops";
  let description = [{
    Types a pre-quantized model states win over ranges (see qcc-fold-qdq):
    a value dequantized from a per-tensor type has that type, a value whose
    users all quantize it to one per-tensor type has that one, and weights
    and bias that are dequantized integer constants are used as they are
    (a bias given at a scale other than `s_x * s_w` within 2^-20 relative
    is rescaled to it, rounding half to even).

    Otherwise it uses the `qcc.range` of every value to choose quantization parameters
    (default scheme: per-tensor asymmetric int8 activations; per-channel
    symmetric int8 weights in the narrow range [-127, 127]; int32 bias at
    scale s_x * s_w) and rewrites conv2d, depthwise_conv2d, matmul with
    constant weights (plus a following constant bias add) or of two
    activations, add, mul, max/avg pooling, concat, clamp, sigmoid and tanh
    into qcc ops. A following `tosa.clamp` is fused into the producer's
    saturation range. The softmax over the last axis as importers decompose
    it (reduce_max, sub, exp, reduce_sum, reciprocal, mul) becomes
    qcc.softmax, and a mean over one axis (mul(reduce_sum(x), 1/k)) an
    average pool over a [P, k, 1, Q] view of x. A group of elementwise ops whose only non-constant input is
    one integer-produced 8-bit tensor and which one value leaves
    (hard-swish, SiLU, GELU, a scaling) becomes one qcc.lookup table.
    Each rewritten op reads its operands through `qcc.quantize` and feeds
    float users through `qcc.dequantize`; the cleanup afterwards removes the
    matching pairs, turns mismatched ones into `qcc.requantize`, and moves
    data movement (reshapes, transposes, slices, gathers, tiles, reverses and
    pads with a representable value) into the integer domain, so that only
    the model inputs are quantized and only its outputs dequantized.

    `qcc.precision` on an op (see qcc-assign-precision) overrides the
    default: "int16" gives it symmetric int16 activations (zero point 0)
    with int8 weights, "float" leaves it alone. Values crossing between
    precisions are requantized.
  }];
  let options = [
    Option<"perTensorWeights", "per-tensor-weights", "bool", "false",
           "Quantize weights with one scale per tensor instead of per "
           "output channel">,
    Option<"activationType", "activation-type", "qcc::ActivationKind",
           /*default=*/"qcc::ActivationKind::Int8",
           "Activations of int8-precision ops: int8 or uint8 (asymmetric)",
           [{::llvm::cl::values(
               clEnumValN(qcc::ActivationKind::Int8, "int8",
                          "Asymmetric int8"),
               clEnumValN(qcc::ActivationKind::UInt8, "uint8",
                          "Asymmetric uint8"))}]>,
  ];
  let dependentDialects = ["qcc::QccDialect", "mlir::quant::QuantDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::tosa::TosaDialect"];
}

def CheckIntegerPathPass : Pass<"qcc-check-integer-path", "mlir::func::FuncOp"> {
  let summary = "Check that no float arithmetic remains between quantized "
                "layers";
  let description = [{
    After quantization every `qcc.dequantize` should feed the function's
    results (possibly through reshapes). A dequantized value consumed by
    float arithmetic means that op fell back to float in the middle of the
    integer path; the check names it (and its ONNX node through its
    location) and fails, each error followed by `message`. With
    `allow-float` the islands are accepted and said once, in one warning on
    the function that names up to eight of them (and counts the rest),
    followed by `message`. Ops marked
    `qcc.precision = "float"` are accepted silently: the user asked for
    them.
  }];
  let options = [
    Option<"allowFloat", "allow-float", "bool", "false",
           "Accept float islands with one warning instead of errors">,
    Option<"message", "message", "std::string", "\"\"",
           "Appended to the warning (what makes the islands an error)">,
  ];
}

def ExposeQuantizedIOPass : Pass<"qcc-expose-quantized-io", "mlir::ModuleOp"> {
  let summary = "Add an integer variant of a quantized model function";
  let description = [{
    When every input of a public model function is only quantized (to one
    per-tensor 8-bit type each) and every result is a dequantized value, the
    same computation exists without the float boundary. This pass clones
    the function into `@<name>_int8 {qcc.integer_variant_of = @<name>}`
    taking and returning the stored integers, with `qcc.scale` and
    `qcc.zero_point` on every argument and result; qcc-prepare-entry turns
    it into the `<prefix>_run_int8` entry point. Functions that do not
    qualify are left without a variant.
  }];
  let dependentDialects = ["mlir::quant::QuantDialect"];
}

def CheckAccumulatorsPass : Pass<"qcc-check-accumulators", "mlir::func::FuncOp"> {
  let summary = "Prove that no int32 accumulator can overflow";
  let description = [{
    For every `qcc.conv2d` and `qcc.matmul` with constant weights, bounds
    the exact accumulator of each output channel from the actual weight
    values, the bias and the input's storage range:

      |acc[c]| <= |bias[c]| + max|x - z_x| * sum_k |w[c, k] - z_w[c]|

    The numerics contract defines results only when the final accumulator
    fits in int32 (intermediate sums may wrap), so a bound above 2^31 - 1 is
    an error naming the op and the channel. The largest bound is recorded as
    `qcc.accumulator_bound` for the report.
  }];
}

def QuantizeWeightsPass : Pass<"qcc-quantize-weights", "mlir::func::FuncOp"> {
  let summary = "Weight-only quantization: store constant weights as int8 or "
                "int4, compute in float";
  let description = [{
    Rewrites the float constant weights of `tosa.matmul`, `tosa.conv2d` and
    `tosa.depthwise_conv2d` into `qcc.dequantized_constant`: symmetric
    integers in the narrow range ([-127, 127] for `bits=8`, [-7, 7] for
    `bits=4`, packed two per byte) with one f32 scale per output channel,
    `s = f32(max|w| / qmax)` (1 for an all-zero channel), and
    `q = clamp(roundeven(w / s), -qmax, qmax)`. With `block-size=n` the
    scales of a matmul are per (block of n along K, output column); n must
    divide K. Convolutions stay per output channel. The ops themselves and
    the activations stay float, so no calibration data is needed. Weights
    with a non-finite value are left as they are.
  }];
  let options = [
    Option<"bits", "bits", "int64_t", "8", "Storage bits: 8 or 4">,
    Option<"blockSize", "block-size", "int64_t", "0",
           "Matmul scales per block of this many rows of K (0: one scale "
           "per output column)">,
  ];
  let dependentDialects = ["qcc::QccDialect"];
}

def QuantizeDynamicPass : Pass<"qcc-quantize-dynamic", "mlir::func::FuncOp"> {
  let summary = "Dynamic quantization of matmuls: activations quantized at "
                "run time";
  let description = [{
    Rewrites every `tosa.matmul` with a float constant right operand (MatMul
    and Gemm with weights) into an int8 x int8 -> int32 matmul whose left
    operand is quantized when the model runs, so no calibration data is
    needed. Weights: symmetric narrow int8 per output column, as in the
    static scheme. Activations, per tensor and per call, all in f32:
    `s_x = max|x| / 127` (1 when x is all zero), `q = clamp(roundeven(x /
    s_x), -127, 127)`. The result is `f32(acc) * (s_x * s_w[c])`, each
    product rounded to f32. Matmuls whose input holds a non-finite value
    produce NaN outputs (the scale is NaN or infinite). Other ops stay
    float.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::tosa::TosaDialect"];
}

#endif // QCC_QUANTIZATION_PASSES_TD
