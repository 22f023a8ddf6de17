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

  // Every `qcc.*` attribute that passes put on IR they do not own (TOSA ops,
  // functions, their arguments and results, the module). Declared here once;
  // typed accessors are in QccAttributes.h, and the dialect verifies each one
  // wherever it appears (QccAttributes.cpp), so a malformed attribute is a
  // verifier error instead of a check inside some pass.
  let discardableAttrs = (ins
    // A model input's or output's name (argument/result attribute).
    "::mlir::StringAttr":$name,
    // Unsigned C type for a signless integer argument/result (unit).
    "::mlir::UnitAttr":$unsigned,
    // Quantization of an integer entry point's argument/result.
    "::mlir::FloatAttr":$scale,
    "::mlir::IntegerAttr":$zero_point,
    // Real range [min, max] of a float value: a single-result op's result or
    // a function argument.
    "::mlir::DenseF64ArrayAttr":$range,
    // One range per result (`array<f64>` for none) of a multi-result op.
    "::mlir::ArrayAttr":$ranges,
    // The calibrated range of a value whose range the graph tightened.
    "::mlir::DenseF64ArrayAttr":$calibrated_range,
    // "int8", "int16" or "float": the precision qcc-quantize gives an op.
    "::mlir::StringAttr":$precision,
    // Index of the float TOSA op a quantized op stands for (the report).
    "::mlir::IntegerAttr":$layer,
    // Largest |accumulator| of a contraction, and its width (32 or 64).
    "::mlir::IntegerAttr":$accumulator_bound,
    "::mlir::IntegerAttr":$accumulator_bits,
    // On the requantizing linalg.generic after an integer contraction:
    // array<i64: zero point, min, max, unsigned>, its output parameters (the
    // CPU code generator fuses the epilogue into its kernels).
    "::mlir::DenseI64ArrayAttr":$requantize_epilogue,
    // On `@f_int8`: the model function whose integer variant it is.
    "::mlir::FlatSymbolRefAttr":$integer_variant_of,
    // Function: output channels qcc-remove-dead-channels removed.
    "::mlir::IntegerAttr":$dead_channels,
    // Module: number of calibration samples the ranges come from.
    "::mlir::IntegerAttr":$calibration_samples,
    // Module: the C ABI of the compiled model (qcc/Transforms/ModelABI.h).
    "::mlir::DictionaryAttr":$abi
  );
  let hasOperationAttrVerify = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
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
