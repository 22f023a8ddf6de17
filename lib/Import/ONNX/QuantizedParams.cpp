//===- QuantizedParams.cpp - quantization parameters of ONNX nodes --------===//

#include "QuantizedParams.h"

#include "TosaBuilders.h"

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

#include <cmath>

using namespace mlir;

namespace qcc::onnx_import {

/// Input `index` is a scale: f32, and positive and finite when known.
LogicalResult checkScale(NodeContext &node, unsigned index) {
  RankedTensorType type = node.getInputType(index);
  if (!type.getElementType().isF32())
    return node.emitError() << "scale '" << node.getNode().input(index)
                            << "' must be f32, got " << type;
  if (DenseElementsAttr constant = node.getConstantInput(index))
    for (const APFloat &value : constant.getValues<APFloat>()) {
      double v = value.convertToDouble();
      if (!(v > 0.0) || !std::isfinite(v))
        return node.emitError() << "scale '" << node.getNode().input(index)
                                << "' must be positive and finite, got " << v;
    }
  return success();
}

/// A per-tensor (one scale, or `axis` < 0) or per-axis quantized type of
/// `storage` integers expressing f32.
quant::QuantizedType getQuantizedType(MLIRContext *context, IntegerType storage,
                                      bool isUnsigned, ArrayRef<double> scales,
                                      ArrayRef<int64_t> zeroPoints,
                                      int64_t axis) {
  unsigned width = storage.getWidth();
  unsigned flags = isUnsigned ? 0 : quant::QuantizationFlags::Signed;
  int64_t min = isUnsigned ? 0 : -(int64_t(1) << (width - 1));
  int64_t max =
      isUnsigned ? (int64_t(1) << width) - 1 : (int64_t(1) << (width - 1)) - 1;
  Type f32 = Float32Type::get(context);
  if (scales.size() == 1 || axis < 0)
    return quant::UniformQuantizedType::get(flags, storage, f32, scales[0],
                                            zeroPoints[0], min, max);
  return quant::UniformQuantizedPerAxisType::get(flags, storage, f32, scales,
                                                 zeroPoints, axis, min, max);
}

/// `value` (stored integers) read as `type` and dequantized to f32.
Value createDequantize(OpBuilder &b, Location loc, Value value,
                       quant::QuantizedType type) {
  auto storedType = cast<RankedTensorType>(value.getType());
  Value stored =
      quant::StorageCastOp::create(b, loc, storedType.clone(type), value);
  return DequantizeOp::create(b, loc, storedType.clone(b.getF32Type()), stored);
}

/// `value` (f32) quantized to `type` and stored as i8 (`type` is 8-bit).
Value createQuantize(OpBuilder &b, Location loc, Value value,
                     quant::QuantizedType type) {
  auto floatType = cast<RankedTensorType>(value.getType());
  Value quantized = QuantizeOp::create(b, loc, floatType.clone(type), value);
  return quant::StorageCastOp::create(b, loc, floatType.clone(b.getI8Type()),
                                      quantized);
}

/// The `!quant.uniform` type a constant scale (input `scaleIndex`) and zero
/// point (input `zpIndex`, absent for 0) give `storage` integers
/// (`isUnsigned` for ONNX unsigned types) expressing f32; per-axis along
/// `axis` when there are several scales. Null when a parameter is only known
/// at run time.
quant::QuantizedType getConstantQuantizedType(NodeContext &node,
                                              unsigned scaleIndex,
                                              unsigned zpIndex,
                                              IntegerType storage,
                                              bool isUnsigned, int64_t axis) {
  DenseElementsAttr scaleAttr = node.getConstantInput(scaleIndex);
  DenseElementsAttr zpAttr = node.hasInput(zpIndex)
                                 ? node.getConstantInput(zpIndex)
                                 : DenseElementsAttr();
  if (!scaleAttr || (node.hasInput(zpIndex) && !zpAttr))
    return {};
  SmallVector<double> scales = getDoubleValues(scaleAttr);
  SmallVector<int64_t> zeroPoints(scales.size(), 0);
  if (zpAttr)
    for (auto [index, value] : llvm::enumerate(zpAttr.getValues<APInt>()))
      zeroPoints[index] =
          isUnsigned ? value.getZExtValue() : value.getSExtValue();
  return getQuantizedType(node.getContext(), storage, isUnsigned, scales,
                          zeroPoints, axis);
}

} // namespace qcc::onnx_import
