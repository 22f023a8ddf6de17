//===- QccOps.cpp - qcc dialect operations and verifiers ------------------===//

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace qcc;

/// Checks one (scale, zero point) pair against the storage type. The upstream
/// type verifier accepts scales that qcc cannot turn into an integer
/// multiplier (zero, denormal-free NaN/Inf) and zero points outside the
/// storage range, so qcc checks them again where they are used.
static LogicalResult verifyScaleAndZeroPoint(Operation *op, double scale,
                                             int64_t zeroPoint,
                                             quant::QuantizedType type,
                                             const Twine &where) {
  if (!std::isfinite(scale) || scale <= 0.0)
    return op->emitOpError("scale")
           << where << " must be positive and finite, got " << scale;
  if (zeroPoint < type.getStorageTypeMin() ||
      zeroPoint > type.getStorageTypeMax())
    return op->emitOpError("zero point")
           << where << " " << zeroPoint << " is outside the storage range ["
           << type.getStorageTypeMin() << ", " << type.getStorageTypeMax()
           << "]";
  return success();
}

/// Verifies the quantization parameters of a quantized tensor type: every
/// scale positive and finite, every zero point inside the storage range, and
/// for per-axis types an axis inside the rank whose (static) extent equals the
/// number of scales.
static LogicalResult verifyQuantizedTensor(Operation *op,
                                           RankedTensorType tensorType) {
  Type elementType = tensorType.getElementType();
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(elementType))
    return verifyScaleAndZeroPoint(op, uniform.getScale(),
                                   uniform.getZeroPoint(), uniform, "");

  if (auto perAxis =
          dyn_cast<quant::UniformQuantizedPerAxisType>(elementType)) {
    int64_t axis = perAxis.getQuantizedDimension();
    if (axis < 0 || axis >= tensorType.getRank())
      return op->emitOpError("quantized axis ")
             << axis << " is out of range for a tensor of rank "
             << tensorType.getRank();
    ArrayRef<double> scales = perAxis.getScales();
    ArrayRef<int64_t> zeroPoints = perAxis.getZeroPoints();
    int64_t extent = tensorType.getDimSize(axis);
    if (!ShapedType::isDynamic(extent) &&
        static_cast<int64_t>(scales.size()) != extent)
      return op->emitOpError("per-axis quantization has ")
             << scales.size() << " scales but dimension " << axis
             << " has size " << extent;
    for (auto [index, scale] : llvm::enumerate(scales))
      if (failed(verifyScaleAndZeroPoint(
              op, scale, zeroPoints[index], perAxis,
              " of channel " + Twine(static_cast<int64_t>(index)))))
        return failure();
    return success();
  }
  return op->emitOpError("unsupported quantized element type ") << elementType;
}

/// Quantization to or from a narrower float than the expressed type would
/// silently change the numerics the contract promises; require them equal.
static LogicalResult verifyExpressedType(Operation *op,
                                         RankedTensorType floatType,
                                         RankedTensorType quantType) {
  auto quantElement = cast<quant::QuantizedType>(quantType.getElementType());
  if (quantElement.getExpressedType() != floatType.getElementType())
    return op->emitOpError("float element type ")
           << floatType.getElementType()
           << " does not match the expressed type "
           << quantElement.getExpressedType() << " of the quantized type";
  return success();
}

LogicalResult QuantizeOp::verify() {
  if (failed(verifyQuantizedTensor(*this, getOutput().getType())))
    return failure();
  return verifyExpressedType(*this, getInput().getType(),
                             getOutput().getType());
}

LogicalResult DequantizeOp::verify() {
  if (failed(verifyQuantizedTensor(*this, getInput().getType())))
    return failure();
  return verifyExpressedType(*this, getOutput().getType(),
                             getInput().getType());
}

#define GET_OP_CLASSES
#include "qcc/Dialect/Qcc/IR/QccOps.cpp.inc"
