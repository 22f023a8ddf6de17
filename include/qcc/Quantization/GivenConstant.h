//===- GivenConstant.h - integers a pre-quantized model gives --*- C++ -*-===//
//-*-===//
//
// A pre-quantized (QDQ) model states weights and biases as integers behind a
// dequantize: `qcc.dequantize(quant.scast(constant))`. qcc-fold-qdq rewrites
// their layout and qcc-quantize uses them as they are; both match them here.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_QUANTIZATION_GIVENCONSTANT_H
#define QCC_QUANTIZATION_GIVENCONSTANT_H

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Value.h"

#include <optional>

namespace qcc {

struct GivenConstant {
  /// The stored integers (signless, the storage type's width).
  mlir::DenseIntElementsAttr storage;
  /// Their quantization parameters.
  mlir::quant::QuantizedType element;
  /// The quantized tensor type (`storage`'s shape, `element`).
  mlir::RankedTensorType type;

  /// The stored integers, sign- or zero-extended as `element` says.
  llvm::SmallVector<int64_t> getValues() const;
};

/// `value` as `qcc.dequantize(quant.scast(constant))`, if it is one.
std::optional<GivenConstant> matchGivenConstant(mlir::Value value);

/// The one value of a float constant whose elements are all equal (a
/// scalar broadcast: an activation's coefficient, a pad value, 1/k), if
/// `value` is one.
std::optional<double> matchSplatFloat(mlir::Value value);

} // namespace qcc

#endif // QCC_QUANTIZATION_GIVENCONSTANT_H
