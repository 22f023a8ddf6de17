//===- Passes.td - qcc conversion passes -------------------*- tablegen -*-===//

#ifndef QCC_CONVERSION_PASSES_TD
#define QCC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def LowerQccToLinalgPass : Pass<"qcc-lower-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower qcc ops to integer linalg on storage types";
  let description = [{
    Implements the numerics contract (docs/Numerics.md) with linalg.generic
    ops on the integer storage types of the quantized tensors:
    `tensor<4x!quant.uniform<i8:f32, 0.5:3>>` becomes `tensor<4xi8>` (u8
    storage too: the bits are the same, ops use unsigned extension).
    Fixed-point multipliers and shifts are computed here, at compile time, and
    appear as constants. For constant weights the input zero point is folded
    into the int32 bias (`bias - z_x * sum(w - z_w)`) so the inner loop is a
    plain product of stored values. `quant.scast` becomes a no-op.
    `qcc.dequantized_constant` (weight-only quantization) becomes its integer
    storage and scales: a `tosa.matmul` reading it is lowered first, to one
    contraction that dequantizes each weight where it multiplies it; other
    readers get an f32 tensor expanded by a parallel generic.

    Example:
    ```mlir
    %y = qcc.requantize %x : tensor<4x!quant.uniform<i8:f32, 0.5:3>>
                          -> tensor<4x!quant.uniform<i8:f32, 0.25:-1>>
    // becomes a linalg.generic computing, per element,
    // clamp(-1 + RHE((x - 3) * 1073741824, 29), -128, 127)
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::math::MathDialect",
                           "mlir::tensor::TensorDialect"];
}

#endif // QCC_CONVERSION_PASSES_TD
