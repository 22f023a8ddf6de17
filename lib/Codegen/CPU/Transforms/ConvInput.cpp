//===- KernelRows.cpp - convolution kernel rows read as one tap -----------===//

#include "KernelRows.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace qcc::cpu {

bool foldsKernelRows(int64_t inChannels, int64_t kw,
                     ArrayRef<int64_t> dilations) {
  return kw > 1 && dilations.size() == 2 && dilations[1] == 1 &&
         inChannels % 4 != 0 && inChannels * kw <= 64;
}

Value padColumns(OpBuilder &b, Location loc, Value source, tensor::PadOp pad) {
  if (!pad)
    return source;
  std::optional<SmallVector<int64_t>> low =
      getConstantIntValues(pad.getMixedLowPad());
  std::optional<SmallVector<int64_t>> high =
      getConstantIntValues(pad.getMixedHighPad());
  if (!low || !high || ((*low)[2] == 0 && (*high)[2] == 0))
    return source;
  auto sourceType = cast<RankedTensorType>(source.getType());
  SmallVector<int64_t> shape(sourceType.getShape());
  shape[2] += (*low)[2] + (*high)[2];
  MLIRContext *context = b.getContext();
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, sourceType.getElementType()), source,
      getAsIndexOpFoldResult(context, {0, 0, (*low)[2], 0}),
      getAsIndexOpFoldResult(context, {0, 0, (*high)[2], 0}),
      pad.getConstantPaddingValue());
}

} // namespace qcc::cpu
