//===- ConvInput.cpp - how the kernel selectors read a conv's input -------===//

#include "ConvInput.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
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

bool gathersWholeWindows(int64_t inChannels, int64_t kh, int64_t kw,
                         int64_t outPixels) {
  // 1 MiB of windows at most: the copy lives in the workspace.
  int64_t windowBytes = kh * kw * inChannels;
  return kh > 1 && inChannels * kw <= 4 && windowBytes <= 64 &&
         outPixels * windowBytes <= (int64_t(1) << 20);
}

Value gatherWindows(OpBuilder &b, Location loc, Value input, int64_t outH,
                    int64_t outW, int64_t kh, int64_t kw,
                    ArrayRef<int64_t> strides, ArrayRef<int64_t> dilations) {
  auto inputType = cast<RankedTensorType>(input.getType());
  int64_t batch = inputType.getDimSize(0), channels = inputType.getDimSize(3);
  Type element = inputType.getElementType();
  // Loops n, oh, ow, ky, kx, c: a plain copy with a strided read.
  MLIRContext *context = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
  AffineMap read =
      AffineMap::get(6, 0,
                     {d(0), d(1) * strides[0] + d(3) * dilations[0],
                      d(2) * strides[1] + d(4) * dilations[1], d(5)},
                     context);
  SmallVector<int64_t> windowsShape = {batch, outH, outW, kh, kw, channels};
  Value init = tensor::EmptyOp::create(b, loc, windowsShape, element);
  SmallVector<utils::IteratorType> iterators(6, utils::IteratorType::parallel);
  Value windows =
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{input},
          ValueRange{init},
          ArrayRef<AffineMap>{read, b.getMultiDimIdentityMap(6)}, iterators,
          [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
            linalg::YieldOp::create(nested, nestedLoc, args[0]);
          })
          .getResult(0);
  auto collapsedType =
      RankedTensorType::get({batch, outH, outW, kh * kw * channels}, element);
  return tensor::CollapseShapeOp::create(
      b, loc, collapsedType, windows,
      ArrayRef<ReassociationIndices>{{0}, {1}, {2}, {3, 4, 5}});
}

} // namespace qcc::cpu
