//===- QccAttributes.h - qcc's discardable attributes -----------*- C++ -*-===//
//
// The `qcc.*` attributes that passes put on IR they do not own: TOSA ops,
// functions, their arguments and results, and the module. They are declared
// once, in QccBase.td (`discardableAttrs`); this header gives their names and
// typed accessors, and the dialect verifies every one of them wherever it
// appears (`QccDialect::verifyOperationAttribute` and the argument/result
// hooks), so passes read them without checking their shape again.
//
// Also here, because every layer above needs them: how a location names its
// op (the ONNX node name) and how the model function of a module is found.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_DIALECT_QCC_IR_QCCATTRIBUTES_H
#define QCC_DIALECT_QCC_IR_QCCATTRIBUTES_H

#include "qcc/Dialect/Qcc/IR/QccDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <optional>
#include <string>

namespace qcc {

/// The attribute names, as declared in QccBase.td.
namespace attr {
inline constexpr llvm::StringLiteral kName =
    QccDialect::NameAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kUnsigned =
    QccDialect::UnsignedAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kScale =
    QccDialect::ScaleAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kZeroPoint =
    QccDialect::ZeroPointAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kRange =
    QccDialect::RangeAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kRanges =
    QccDialect::RangesAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kCalibratedRange =
    QccDialect::CalibratedRangeAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kPrecision =
    QccDialect::PrecisionAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kLayer =
    QccDialect::LayerAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kAccumulatorBound =
    QccDialect::AccumulatorBoundAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kAccumulatorBits =
    QccDialect::AccumulatorBitsAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kRequantizeEpilogue =
    QccDialect::RequantizeEpilogueAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kIntegerVariantOf =
    QccDialect::IntegerVariantOfAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kDeadChannels =
    QccDialect::DeadChannelsAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kCalibrationSamples =
    QccDialect::CalibrationSamplesAttrHelper::getNameStr();
inline constexpr llvm::StringLiteral kABI =
    QccDialect::AbiAttrHelper::getNameStr();
} // namespace attr

//===----------------------------------------------------------------------===//
// Value ranges (`qcc.range`, `qcc.ranges`, `qcc.calibrated_range`)
//===----------------------------------------------------------------------===//

/// A closed real interval; the verifier guarantees finite bounds and
/// min <= max for every stored range.
struct RealRange {
  double min;
  double max;
};

/// The range recorded for `value`: `qcc.range` on its single-result defining
/// op or on its function argument, the value's entry of `qcc.ranges` on a
/// multi-result op; none when nothing (or an empty entry) is recorded.
std::optional<RealRange> getValueRange(mlir::Value value);
void setValueRange(mlir::Value value, RealRange range);

/// `qcc.calibrated_range`: what calibration saw when range propagation
/// tightened the op's range.
std::optional<RealRange> getCalibratedRange(mlir::Operation *op);
void setCalibratedRange(mlir::Operation *op, RealRange range);

//===----------------------------------------------------------------------===//
// Per-op choices and facts
//===----------------------------------------------------------------------===//

/// `qcc.precision`: the precision qcc-quantize gives an op.
enum class Precision { Int8, Int16, Float };
std::optional<Precision> getPrecision(mlir::Operation *op);
void setPrecision(mlir::Operation *op, Precision precision);
llvm::StringRef stringifyPrecision(Precision precision);
std::optional<Precision> parsePrecision(llvm::StringRef name);
/// Whether `op` is marked `qcc.precision = "float"`.
bool isKeptFloat(mlir::Operation *op);

/// `qcc.layer`: the index of the float TOSA op a quantized op stands for.
std::optional<int64_t> getLayerIndex(mlir::Operation *op);
void setLayerIndex(mlir::Operation *op, int64_t index);

/// `qcc.accumulator_bound` and `qcc.accumulator_bits` of a contraction.
std::optional<int64_t> getAccumulatorBound(mlir::Operation *op);
void setAccumulatorBound(mlir::Operation *op, int64_t bound);
/// 32 unless the op records 64.
unsigned getAccumulatorBits(mlir::Operation *op);
void setAccumulatorBits(mlir::Operation *op, unsigned bits);

/// `qcc.requantize_epilogue`: the output side of the requantizing
/// linalg.generic that follows an integer contraction (its multipliers and
/// shifts are the generic's constant operands).
struct RequantizeEpilogue {
  int64_t zeroPoint;
  /// The clamp, fused activation included, in the storage domain.
  int64_t min;
  int64_t max;
  bool isUnsigned;
};
std::optional<RequantizeEpilogue> getRequantizeEpilogue(mlir::Operation *op);
void setRequantizeEpilogue(mlir::Operation *op, RequantizeEpilogue epilogue);

//===----------------------------------------------------------------------===//
// Functions, their arguments and results
//===----------------------------------------------------------------------===//

/// `qcc.name` of a function argument or result.
std::optional<llvm::StringRef> getArgumentName(mlir::FunctionOpInterface func,
                                               unsigned index);
std::optional<llvm::StringRef> getResultName(mlir::FunctionOpInterface func,
                                             unsigned index);
void setArgumentName(mlir::FunctionOpInterface func, unsigned index,
                     llvm::StringRef name);
void setResultName(mlir::FunctionOpInterface func, unsigned index,
                   llvm::StringRef name);

/// `qcc.unsigned` on a function argument or result.
bool isUnsignedArgument(mlir::FunctionOpInterface func, unsigned index);
bool isUnsignedResult(mlir::FunctionOpInterface func, unsigned index);
void setUnsignedArgument(mlir::FunctionOpInterface func, unsigned index,
                         bool isUnsigned);
void setUnsignedResult(mlir::FunctionOpInterface func, unsigned index,
                       bool isUnsigned);

/// `qcc.scale` and `qcc.zero_point` of an integer entry point's argument or
/// result, together.
struct BoundaryQuantization {
  double scale;
  int64_t zeroPoint;
};
std::optional<BoundaryQuantization>
getArgumentQuantization(mlir::FunctionOpInterface func, unsigned index);
std::optional<BoundaryQuantization>
getResultQuantization(mlir::FunctionOpInterface func, unsigned index);
void setArgumentQuantization(mlir::FunctionOpInterface func, unsigned index,
                             BoundaryQuantization quantization);
void setResultQuantization(mlir::FunctionOpInterface func, unsigned index,
                           BoundaryQuantization quantization);

/// `qcc.integer_variant_of` on `@f_int8`: the name of `@f`.
std::optional<llvm::StringRef> getIntegerVariantOf(mlir::Operation *func);
void setIntegerVariantOf(mlir::Operation *func, llvm::StringRef of);

/// `qcc.dead_channels`: output channels removed from the function's
/// convolutions (0 when absent).
int64_t getDeadChannels(mlir::Operation *func);
void setDeadChannels(mlir::Operation *func, int64_t count);

//===----------------------------------------------------------------------===//
// The module
//===----------------------------------------------------------------------===//

/// `qcc.calibration_samples`.
std::optional<int64_t> getCalibrationSamples(mlir::ModuleOp module);
void setCalibrationSamples(mlir::ModuleOp module, int64_t samples);

//===----------------------------------------------------------------------===//
// Naming and finding things
//===----------------------------------------------------------------------===//

/// The name a location gives its op: the first NameLoc met walking it (for
/// the ONNX importer's locations, the node name; for a fused location, its
/// first named part); none when it has no NameLoc. Calibration names tensors
/// by it, the report layers, the driver the nodes in diagnostics.
std::optional<std::string> getLocationName(mlir::Location loc);

/// The function named `entry`, or the only public function with a body when
/// `entry` is empty. Otherwise emits an error on `module` saying which
/// function was expected `to <purpose>` (for example "compile") and fails.
mlir::FailureOr<mlir::func::FuncOp>
findModelFunction(mlir::ModuleOp module, llvm::StringRef entry,
                  llvm::StringRef purpose = "compile");

} // namespace qcc

#endif // QCC_DIALECT_QCC_IR_QCCATTRIBUTES_H
