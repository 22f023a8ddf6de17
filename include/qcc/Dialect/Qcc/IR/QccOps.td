//===- QccOps.td - qcc dialect operations ------------------*- tablegen -*-===//

#ifndef QCC_DIALECT_QCC_IR_QCCOPS_TD
#define QCC_DIALECT_QCC_IR_QCCOPS_TD

include "qcc/Dialect/Qcc/IR/QccBase.td"
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

#endif // QCC_DIALECT_QCC_IR_QCCOPS_TD
