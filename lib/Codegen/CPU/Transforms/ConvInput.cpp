//===- ConvInput.cpp - how the kernel selectors read a conv's input -------===//

#include "ConvInput.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace qcc::cpu {

std::optional<SpatialPadding> getSpatialPadding(Value input) {
  auto pad = input.getDefiningOp<tensor::PadOp>();
  if (!pad)
    return SpatialPadding{input, {}, {}};
  std::optional<SmallVector<int64_t>> low =
      getConstantIntValues(pad.getMixedLowPad());
  std::optional<SmallVector<int64_t>> high =
      getConstantIntValues(pad.getMixedHighPad());
  Value value = pad.getConstantPaddingValue();
  if (!low || !high || low->size() != 4 || !value || (*low)[0] != 0 ||
      (*low)[3] != 0 || (*high)[0] != 0 || (*high)[3] != 0)
    return std::nullopt;
  return SpatialPadding{pad.getSource(), pad,        value,     (*low)[1],
                        (*low)[2],       (*high)[1], (*high)[2]};
}

SmallVector<int64_t> getI64Vector(DenseIntElementsAttr attr) {
  SmallVector<int64_t> values;
  for (const APInt &value : attr.getValues<APInt>())
    values.push_back(value.getSExtValue());
  return values;
}

bool foldsKernelRows(int64_t inChannels, int64_t kw,
                     ArrayRef<int64_t> dilations) {
  return kw > 1 && dilations.size() == 2 && dilations[1] == 1 &&
         inChannels % 4 != 0 && inChannels * kw <= 64;
}

Value padColumns(OpBuilder &b, Location loc, const SpatialPadding &padding) {
  if (!padding.pad || (padding.left == 0 && padding.right == 0))
    return padding.source;
  auto sourceType = cast<RankedTensorType>(padding.source.getType());
  SmallVector<int64_t> shape(sourceType.getShape());
  shape[2] += padding.left + padding.right;
  MLIRContext *context = b.getContext();
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, sourceType.getElementType()),
      padding.source, getAsIndexOpFoldResult(context, {0, 0, padding.left, 0}),
      getAsIndexOpFoldResult(context, {0, 0, padding.right, 0}), padding.value);
}

} // namespace qcc::cpu
