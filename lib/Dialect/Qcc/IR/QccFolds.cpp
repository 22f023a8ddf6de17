//===- QccFolds.cpp - folders of qcc operations ---------------------------===//

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;
using namespace qcc;

/// quantize(dequantize(%q)) with the same quantized type is %q. With f32
/// arithmetic and at most 16-bit storage, (q - zp) * scale / scale stays
/// within 2^-7 of the integer q - zp, so rounding recovers it exactly. Wider
/// storage or narrower floats lose that guarantee and are left alone.
OpFoldResult QuantizeOp::fold(FoldAdaptor) {
  auto dequantize = getInput().getDefiningOp<DequantizeOp>();
  if (!dequantize || dequantize.getInput().getType() != getOutput().getType())
    return {};
  auto elementType =
      cast<quant::QuantizedType>(getOutput().getType().getElementType());
  if (!elementType.getExpressedType().isF32() ||
      elementType.getStorageTypeIntegralWidth() > 16)
    return {};
  return dequantize.getInput();
}
