//===- GivenConstant.cpp - integer constants a pre-quantized model gives --===//

#include "qcc/Quantization/GivenConstant.h"

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace qcc {

std::optional<double> matchSplatFloat(Value value) {
  DenseFPElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

llvm::SmallVector<int64_t> GivenConstant::getValues() const {
  llvm::SmallVector<int64_t> values;
  for (const APInt &value : storage.getValues<APInt>())
    values.push_back(element.isSigned() ? value.getSExtValue()
                                        : value.getZExtValue());
  return values;
}

std::optional<GivenConstant> matchGivenConstant(Value value) {
  auto dequantize = value.getDefiningOp<DequantizeOp>();
  auto storageCast =
      dequantize ? dequantize.getInput().getDefiningOp<quant::StorageCastOp>()
                 : quant::StorageCastOp();
  DenseIntElementsAttr storage;
  if (!storageCast ||
      !matchPattern(storageCast.getInput(), m_Constant(&storage)))
    return std::nullopt;
  RankedTensorType type = dequantize.getInput().getType();
  return GivenConstant{storage,
                       cast<quant::QuantizedType>(type.getElementType()), type};
}

} // namespace qcc
