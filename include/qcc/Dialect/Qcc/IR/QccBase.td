//===- QccBase.td - qcc dialect definition -----------------*- tablegen -*-===//
//
// The qcc dialect carries quantized computation. Element types are upstream
// `!quant.uniform` (per-tensor and per-axis); qcc adds the ops whose integer
// semantics the numerics contract (docs/Numerics.md) pins down exactly.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_DIALECT_QCC_IR_QCCBASE_TD
#define QCC_DIALECT_QCC_IR_QCCBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/BuiltinTypes.td"
include "mlir/Dialect/Quant/IR/QuantBase.td"

def Qcc_Dialect : Dialect {
  let name = "qcc";
  let summary = "Quantized computation for the qcc compiler";
  let description = [{
    The `qcc` dialect models integer-only inference. Quantized tensors use the
    upstream `!quant.uniform` element types; the ops of this dialect define
    how values move between the float and the integer domain and how integer
    kernels requantize their accumulators. Every op's exact integer semantics
    is written down in `docs/Numerics.md`.
  }];
  let cppNamespace = "::qcc";
  let dependentDialects = ["mlir::quant::QuantDialect"];
}

class Qcc_Op<string mnemonic, list<Trait> traits = []>
    : Op<Qcc_Dialect, mnemonic, traits>;

// A ranked tensor of float values on the float side of a (de)quantization.
def Qcc_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;

// A ranked tensor whose element type is a uniform quantized type, per-tensor
// (`!quant.uniform<i8:f32, 0.5:3>`) or per-axis
// (`!quant.uniform<i8:f32:0, {0.5:3, 0.25:1}>`).
def Qcc_QuantizedTensor : RankedTensorOf<[quant_QuantizedType]>;

#endif // QCC_DIALECT_QCC_IR_QCCBASE_TD
