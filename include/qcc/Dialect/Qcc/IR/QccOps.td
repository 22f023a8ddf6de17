//===- QccOps.td - qcc dialect operations ------------------*- tablegen -*-===//

#ifndef QCC_DIALECT_QCC_IR_QCCOPS_TD
#define QCC_DIALECT_QCC_IR_QCCOPS_TD

include "qcc/Dialect/Qcc/IR/QccBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

// Ops converting between the float domain and one quantized tensor type. They
// share the invariant checks of the quantized side (see verifyQuantizedTensor).
class Qcc_QuantizationBoundaryOp<string mnemonic, list<Trait> traits = []>
    : Qcc_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultShape])> {
  let hasVerifier = 1;
}

def Qcc_QuantizeOp : Qcc_QuantizationBoundaryOp<"quantize"> {
  let summary = "Quantize a float tensor to a uniform quantized tensor";
  let description = [{
    Maps every float element `x` to
    `clamp(round_half_to_even(x / scale) + zero_point, qmin, qmax)` where
    `scale`, `zero_point`, `qmin` and `qmax` come from the result's
    `!quant.uniform` element type (per-axis types use the parameters of the
    element's channel). NaN quantizes to `zero_point`.

    ```mlir
    %q = qcc.quantize %x : tensor<1x8xf32> -> tensor<1x8x!quant.uniform<i8:f32, 0.5:-3>>
    ```
  }];
  let arguments = (ins Qcc_FloatTensor:$input);
  let results = (outs Qcc_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasFolder = 1;
}

def Qcc_DequantizeOp : Qcc_QuantizationBoundaryOp<"dequantize"> {
  let summary = "Dequantize a uniform quantized tensor to float";
  let description = [{
    Maps every stored integer `q` to `(q - zero_point) * scale`, computed in
    f32 (exact for int8 and int16 storage: the difference is exactly
    representable and the product is correctly rounded).

    ```mlir
    %x = qcc.dequantize %q : tensor<1x8x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x8xf32>
    ```
  }];
  let arguments = (ins Qcc_QuantizedTensor:$input);
  let results = (outs Qcc_FloatTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}


//===----------------------------------------------------------------------===//
// Integer compute ops. Operands and results are quantized tensors; the exact
// integer semantics of each op is in docs/Numerics.md.
//===----------------------------------------------------------------------===//

// Ops whose result is saturated to the storage range, optionally narrowed by a
// fused activation (relu, relu6, clip) expressed in the result's storage
// domain.
class Qcc_SaturatingOp<string mnemonic, list<Trait> traits = []>
    : Qcc_Op<mnemonic, !listconcat(traits, [Pure])> {
  dag clampAttrs = (ins OptionalAttr<I64Attr>:$clamp_min,
                        OptionalAttr<I64Attr>:$clamp_max);
  let hasVerifier = 1;
  code commonExtraClassDeclaration = [{
    /// The saturation range of the result: its storage range intersected
    /// with the fused activation range.
    std::pair<int64_t, int64_t> getSaturationRange();
  }];
  let extraClassDeclaration = commonExtraClassDeclaration;
}

def Qcc_RequantizeOp : Qcc_SaturatingOp<"requantize",
                                        [SameOperandsAndResultShape]> {
  let summary = "Rescale a quantized tensor to other quantization parameters";
  let description = [{
    `y = clamp(z_y + RHE((x - z_x) * M, n), lo, hi)` with `(M, n)` the
    fixed-point form of `s_x / s_y` (per element's channel for per-axis
    types; both types must then use the same axis).

    ```mlir
    %y = qcc.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4x!quant.uniform<i8:f32, 0.25:-1>>
    ```
  }];
  let arguments = !con((ins Qcc_QuantizedTensor:$input), clampAttrs);
  let results = (outs Qcc_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Qcc_Conv2DOp : Qcc_SaturatingOp<"conv2d"> {
  let summary = "Quantized 2-D convolution (grouped and depthwise included)";
  let description = [{
    NHWC input (per-tensor), OHWI weights (per-tensor or per-axis on axis 0,
    any zero points), optional bias per output channel at scale
    `s_x * s_w[o]`: int32, or int64 when the input is wider than 8 bits
    (16x8, whose accumulator is int64). `groups` splits input and output channels; depthwise
    convolution is `groups` = input channels. Accumulates
    `bias + sum((x - z_x) * (w - z_w))` in int32 (padding contributes 0) and
    requantizes per output channel.

    ```mlir
    %y = qcc.conv2d %x, %w, %b {pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 1 : i64}
        : (tensor<1x8x8x3x!quant.uniform<i8:f32, 0.05:-5>>, tensor<4x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.01, 0.03}>>, tensor<4xi32>)
        -> tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1:-128>>
    ```
  }];
  let arguments = !con((ins Qcc_QuantizedTensor:$input,
                            Qcc_QuantizedTensor:$weight,
                            Optional<RankedTensorOf<[I32, I64]>>:$bias,
                            DenseI64ArrayAttr:$pad,
                            DenseI64ArrayAttr:$stride,
                            DenseI64ArrayAttr:$dilation,
                            DefaultValuedAttr<I64Attr, "1">:$groups),
                       clampAttrs);
  let results = (outs Qcc_QuantizedTensor:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

def Qcc_MatMulOp : Qcc_SaturatingOp<"matmul"> {
  let summary = "Quantized matrix multiplication / fully-connected layer";
  let description = [{
    `a` is `[..., M, K]` (per-tensor), `b` is `[K, N]` (per-tensor or per-axis
    on axis 1) or, batched, `[..., K, N]` with the batch dimensions of `a`
    (per-tensor: an activation, as in attention's `Q x K^T`), optional bias
    `[N]` at scale `s_a * s_b[j]` (int32, or int64 when `a` is wider than 8
    bits).
    Accumulates `bias + sum((a - z_a) * (b - z_b))` in int32 and requantizes
    per output column.

    ```mlir
    %y = qcc.matmul %a, %b, %bias : (tensor<1x64x!quant.uniform<i8:f32, 0.1:2>>, tensor<64x10x!quant.uniform<i8<-127:127>:f32, 0.01>>, tensor<10xi32>) -> tensor<1x10x!quant.uniform<i8:f32, 0.2:0>>
    ```
  }];
  let arguments = !con((ins Qcc_QuantizedTensor:$lhs,
                            Qcc_QuantizedTensor:$rhs,
                            Optional<RankedTensorOf<[I32, I64]>>:$bias),
                       clampAttrs);
  let results = (outs Qcc_QuantizedTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
}

class Qcc_BinaryOp<string mnemonic> : Qcc_SaturatingOp<mnemonic> {
  let arguments = !con((ins Qcc_QuantizedTensor:$lhs,
                            Qcc_QuantizedTensor:$rhs),
                       clampAttrs);
  let results = (outs Qcc_QuantizedTensor:$output);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def Qcc_AddOp : Qcc_BinaryOp<"add"> {
  let summary = "Quantized elementwise addition with numpy broadcasting";
  let description = [{
    Both operands are rescaled to the result scale with a shared shift:
    `y = clamp(z_y + RHE((a - z_a) * M_a + (b - z_b) * M_b, n), lo, hi)`.

    ```mlir
    %y = qcc.add %a, %b : (tensor<1x4x!quant.uniform<i8:f32, 0.1:0>>, tensor<4x!quant.uniform<i8:f32, 0.2:1>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.3:-2>>
    ```
  }];
}

def Qcc_MulOp : Qcc_BinaryOp<"mul"> {
  let summary = "Quantized elementwise multiplication with numpy broadcasting";
  let description = [{
    `y = clamp(z_y + RHE((a - z_a) * (b - z_b) * M, n), lo, hi)` with
    `(M, n)` the fixed-point form of `s_a * s_b / s_y`. Storage types are at
    most 16 bits wide so that the product fits in int64.

    ```mlir
    %y = qcc.mul %a, %b : (tensor<4x!quant.uniform<i8:f32, 0.1:0>>, tensor<4x!quant.uniform<i8:f32, 0.2:1>>) -> tensor<4x!quant.uniform<i8:f32, 0.05:0>>
    ```
  }];
}

class Qcc_PoolOp<string mnemonic> : Qcc_SaturatingOp<mnemonic> {
  let results = (outs Qcc_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}

def Qcc_MaxPool2DOp : Qcc_PoolOp<"max_pool2d"> {
  let summary = "Quantized NHWC max pooling (scale preserving)";
  let description = [{
    Input and result have the same quantized type; padding never wins.

    ```mlir
    %y = qcc.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>} : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1:-3>>
    ```
  }];
  let arguments = !con((ins Qcc_QuantizedTensor:$input,
                            DenseI64ArrayAttr:$kernel,
                            DenseI64ArrayAttr:$stride,
                            DenseI64ArrayAttr:$pad),
                       clampAttrs);
}

def Qcc_AvgPool2DOp : Qcc_PoolOp<"avg_pool2d"> {
  let summary = "Quantized NHWC average pooling";
  let description = [{
    Sums `x - z_x` over the window's in-bounds elements and divides by the
    count (in-bounds elements, or the whole window with
    `count_include_pad`) with one rounding: the multiplier is
    `s_x / (s_y * count)`.

    ```mlir
    %y = qcc.avg_pool2d %x {kernel = array<i64: 3, 3>, stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, count_include_pad = false} : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1:-3>>
    ```
  }];
  let arguments = !con((ins Qcc_QuantizedTensor:$input,
                            DenseI64ArrayAttr:$kernel,
                            DenseI64ArrayAttr:$stride,
                            DenseI64ArrayAttr:$pad,
                            DefaultValuedAttr<BoolAttr, "false">:$count_include_pad),
                       clampAttrs);
}

def Qcc_ConcatOp : Qcc_Op<"concat", [Pure]> {
  let summary = "Concatenate quantized tensors, requantizing to the result type";
  let description = [{
    Each input is requantized to the result type (the identity when types
    match) and the results are concatenated along `axis`.

    ```mlir
    %y = qcc.concat %a, %b {axis = 1 : i64} : (tensor<1x2x!quant.uniform<i8:f32, 0.1>>, tensor<1x3x!quant.uniform<i8:f32, 0.2>>) -> tensor<1x5x!quant.uniform<i8:f32, 0.2>>
    ```
  }];
  let arguments = (ins Variadic<Qcc_QuantizedTensor>:$inputs, I64Attr:$axis);
  let results = (outs Qcc_QuantizedTensor:$output);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
}

def Qcc_ClampOp : Qcc_Op<"clamp", [Pure, SameOperandsAndResultType]> {
  let summary = "Clamp a quantized tensor in its storage domain";
  let description = [{
    `y = clamp(x, min, max)`; relu, relu6 and clip that could not be fused
    into the producer.

    ```mlir
    %y = qcc.clamp %x {min = -3 : i64, max = 127 : i64} : tensor<4x!quant.uniform<i8:f32, 0.1:-3>>
    ```
  }];
  let arguments = (ins Qcc_QuantizedTensor:$input, I64Attr:$min, I64Attr:$max);
  let results = (outs Qcc_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

def Qcc_LookupOp : Qcc_Op<"lookup", [Pure, SameOperandsAndResultShape]> {
  let summary = "Table lookup for 8- and 16-bit quantized activations";
  let description = [{
    Any function of one quantized value, tabulated at compile time (sigmoid,
    tanh, hardswish, SiLU, ...). The table's entries have the result's
    storage type.

    8-bit input: `y = table[x - qmin_x]`, 256 entries.

    int16 input (16x8 layers): 513 entries, the function at every 128th
    storage value from -32768 to 32768; values in between interpolate
    linearly, so int16 activations keep their precision through the
    function without a 65536-entry table:

        u = x + 32768, i = u >> 7, f = u & 127
        y = RHE(128 * table[i] + f * (table[i + 1] - table[i]), 7)

    ```mlir
    %y = qcc.lookup %x {table = dense<0> : tensor<256xi8>} : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4x!quant.uniform<i8:f32, 0.0039:-128>>
    %z = qcc.lookup %w {table = dense<0> : tensor<513xi16>} : tensor<4x!quant.uniform<i16:f32, 0.001>> -> tensor<4x!quant.uniform<i16:f32, 0.00003>>
    ```
  }];
  let arguments = (ins Qcc_QuantizedTensor:$input,
                       AnyIntElementsAttr:$table);
  let results = (outs Qcc_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

def Qcc_SoftmaxOp : Qcc_Op<"softmax", [Pure, SameOperandsAndResultShape]> {
  let summary = "Softmax over the last dimension of an 8-bit quantized tensor";
  let description = [{
    Integers only, per row (the last dimension, at most 32767 elements):

        d_i = max(x) - x_i                  (0 to 255)
        e_i = exp_table[d_i]                (0 to 2^16)
        S   = sum_i e_i                     (int32)
        inv = floor(2^47 / S)               (int64)
        p_i = RHE(e_i * inv, 32)            (the probability in Q15)
        y_i = clamp(z_y + RHE(p_i * M, n), qmin_y, qmax_y)

    where `(M, n)` is the fixed-point form of `2^-15 / s_y`, derived like a
    requantization's. The result type is per tensor (the calibrated range
    of the probabilities). The compiler tabulates
    `exp_table[d] = round(2^16 * exp(-s_x * d))` from the input scale, so
    the exponentials are exact constants on every target.

    ```mlir
    %y = qcc.softmax %x {exp_table = dense<...> : tensor<256xi32>} : tensor<4x64x!quant.uniform<i8:f32, 0.1:3>> -> tensor<4x64x!quant.uniform<i8:f32, 0.00390625:-128>>
    ```
  }];
  let arguments = (ins Qcc_QuantizedTensor:$input,
                       I32ElementsAttr:$exp_table);
  let results = (outs Qcc_QuantizedTensor:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Weight-only quantization: constant weights stored as integers, consumed as
// float by the float ops of the model (docs/Numerics.md#weight-only).
//===----------------------------------------------------------------------===//

def Qcc_DequantizedConstantOp : Qcc_Op<"dequantized_constant", [Pure]> {
  let summary = "A float constant stored as 8-bit or 4-bit integers with "
                "block scales";
  let description = [{
    The float tensor `w = f32(q) * scales[i_0 / b_0, ..., i_r / b_r]` (one
    f32 multiplication per element), where `q` is the stored integer of the
    element and `b_d = dim_d / scales.dim_d` is the block size along
    dimension `d`: `scales` has the result's rank and each of its sizes
    divides the result's. A per-output-channel weight has size-1 scale
    dimensions everywhere but the channel axis; a block-wise one also splits
    the reduction dimension into blocks.

    `bits = 8`: `storage` has the result's shape, values in [-127, 127].
    `bits = 4`: two values per byte along the innermost dimension: element
    `(..., j)` is in byte `(..., j / 2)` of `storage` (innermost size
    `ceil(n / 2)`), in the low nibble (bits 0-3) for even `j` and in the
    high nibble (bits 4-7) for odd `j`, as a 4-bit two's complement value in
    [-7, 7]; when `n` is odd the unused high nibble of each row is 0.
    Scales are positive and finite.

    ```mlir
    %w = qcc.dequantized_constant dense<[[1, 2], [3, 4], [5, 6], [7, -7]]> : tensor<4x2xi8>, dense<[[0.5, 0.25], [1.0, 2.0]]> : tensor<2x2xf32> {bits = 8 : i64} : tensor<4x2xf32>
    ```
  }];
  let arguments = (ins AnyIntElementsAttr:$storage,
                       FloatElementsAttr<32>:$scales,
                       I64Attr:$bits);
  let results = (outs RankedTensorOf<[F32]>:$output);
  let assemblyFormat = "$storage `,` $scales attr-dict `:` type($output)";
  let hasVerifier = 1;
}

#endif // QCC_DIALECT_QCC_IR_QCCOPS_TD
