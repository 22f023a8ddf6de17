//===- TosaBuilders.cpp - small TOSA building blocks for importers --------===//

#include "TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;

namespace qcc::onnx_import {

Value createConst(OpBuilder &b, Location loc, DenseElementsAttr values) {
  return tosa::ConstOp::create(b, loc, values.getType(), values);
}

Value createF32Splat(OpBuilder &b, Location loc, float value, int64_t rank) {
  auto type =
      RankedTensorType::get(SmallVector<int64_t>(rank, 1), b.getF32Type());
  return createConst(b, loc, DenseElementsAttr::get(type, value));
}

Value createScalarSplat(OpBuilder &b, Location loc, double value,
                        Type elementType, int64_t rank) {
  auto type = RankedTensorType::get(SmallVector<int64_t>(rank, 1), elementType);
  return createConst(b, loc, getConstantFromDoubles(type, {value}));
}

Value createZeroPoint(OpBuilder &b, Location loc, Type elementType) {
  auto type = RankedTensorType::get({1}, elementType);
  return createConst(b, loc,
                     DenseElementsAttr::get(type, b.getZeroAttr(elementType)));
}

Value createConstShape(OpBuilder &b, Location loc, ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getIndexType());
  auto attr = DenseIntElementsAttr::get(type, values);
  return tosa::ConstShapeOp::create(
      b, loc, tosa::shapeType::get(b.getContext(), values.size()), attr);
}

Value createReshape(OpBuilder &b, Location loc, Value input,
                    ArrayRef<int64_t> shape) {
  auto inputType = cast<RankedTensorType>(input.getType());
  if (inputType.getShape() == shape)
    return input;
  auto resultType = inputType.clone(shape);
  return tosa::ReshapeOp::create(b, loc, resultType, input,
                                 createConstShape(b, loc, shape));
}

Value createTranspose(OpBuilder &b, Location loc, Value input,
                      ArrayRef<int64_t> perms) {
  bool isIdentity = true;
  for (auto [i, p] : llvm::enumerate(perms))
    isIdentity &= static_cast<int64_t>(i) == p;
  if (isIdentity)
    return input;
  auto inputType = cast<RankedTensorType>(input.getType());
  SmallVector<int32_t> perms32(perms.begin(), perms.end());
  return tosa::TransposeOp::create(
      b, loc, inputType.clone(permuteShape(inputType.getShape(), perms)), input,
      b.getDenseI32ArrayAttr(perms32));
}

Value createSlice(OpBuilder &b, Location loc, Value input,
                  ArrayRef<int64_t> start, ArrayRef<int64_t> size) {
  auto inputType = cast<RankedTensorType>(input.getType());
  if (inputType.getShape() == size)
    return input;
  return tosa::SliceOp::create(b, loc, inputType.clone(size), input,
                               createConstShape(b, loc, start),
                               createConstShape(b, loc, size));
}

Value createMul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  auto lhsType = cast<RankedTensorType>(lhs.getType());
  auto rhsType = cast<RankedTensorType>(rhs.getType());
  auto shape = getBroadcastShape(lhsType.getShape(), rhsType.getShape());
  assert(shape && lhsType.getRank() == rhsType.getRank() &&
         "operands must be broadcast-compatible and of equal rank");
  auto shiftType = RankedTensorType::get({1}, b.getI8Type());
  Value shift = createConst(
      b, loc, DenseElementsAttr::get(shiftType, b.getI8IntegerAttr(0)));
  return tosa::MulOp::create(b, loc, lhsType.clone(*shape), lhs, rhs, shift);
}

Value createTile(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> multiples) {
  if (llvm::all_of(multiples, [](int64_t m) { return m == 1; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  for (auto [extent, multiple] : llvm::zip_equal(shape, multiples))
    extent *= multiple;
  return tosa::TileOp::create(b, loc, type.clone(shape), input,
                              createConstShape(b, loc, multiples));
}

Value createPad(OpBuilder &b, Location loc, Value input,
                ArrayRef<int64_t> padding, double value) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  for (auto [d, extent] : llvm::enumerate(shape))
    extent += padding[2 * d] + padding[2 * d + 1];
  Value padConst =
      createConst(b, loc,
                  getConstantFromDoubles(
                      RankedTensorType::get({1}, type.getElementType()),
                      {value}));
  return tosa::PadOp::create(b, loc, type.clone(shape), input,
                             createConstShape(b, loc, padding), padConst);
}

Value createBroadcastTo(OpBuilder &b, Location loc, Value input,
                        ArrayRef<int64_t> shape) {
  input = expandToRank(b, loc, input, shape.size());
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> multiples;
  for (auto [extent, target] : llvm::zip_equal(type.getShape(), shape))
    multiples.push_back(extent == target ? 1 : target);
  return createTile(b, loc, input, multiples);
}

Value createReduceSum(OpBuilder &b, Location loc, Value input,
                      ArrayRef<int64_t> axes) {
  for (int64_t axis : axes) {
    auto type = cast<RankedTensorType>(input.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[axis] = 1;
    input = tosa::ReduceSumOp::create(b, loc, type.clone(shape), input,
                                      b.getI32IntegerAttr(axis));
  }
  return input;
}

Value expandToRank(OpBuilder &b, Location loc, Value input, int64_t rank) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type.getRank() >= rank)
    return input;
  SmallVector<int64_t> shape(rank - type.getRank(), 1);
  llvm::append_range(shape, type.getShape());
  return createReshape(b, loc, input, shape);
}

std::optional<SmallVector<int64_t>> getBroadcastShape(ArrayRef<int64_t> lhs,
                                                      ArrayRef<int64_t> rhs) {
  size_t rank = std::max(lhs.size(), rhs.size());
  SmallVector<int64_t> result(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t l = i < rank - lhs.size() ? 1 : lhs[i - (rank - lhs.size())];
    int64_t r = i < rank - rhs.size() ? 1 : rhs[i - (rank - rhs.size())];
    if (l != r && l != 1 && r != 1)
      return std::nullopt;
    result[i] = l == 1 ? r : l;
  }
  return result;
}

SmallVector<int64_t> permuteShape(ArrayRef<int64_t> shape,
                                  ArrayRef<int64_t> perms) {
  SmallVector<int64_t> result;
  for (int64_t p : perms)
    result.push_back(shape[p]);
  return result;
}

DenseElementsAttr transposeConstant(DenseElementsAttr values,
                                    ArrayRef<int64_t> perms) {
  auto type = cast<RankedTensorType>(values.getType());
  auto resultType = type.clone(permuteShape(type.getShape(), perms));
  if (values.isSplat())
    return values.resizeSplat(resultType);
  ArrayRef<int64_t> shape = type.getShape();
  ArrayRef<int64_t> resultShape = resultType.getShape();
  int64_t rank = type.getRank();
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  // Calls `copy(resultIndex, sourceOffset)` for every element, walking the
  // result in row-major order.
  auto forEachElement = [&](auto copy) {
    SmallVector<int64_t> index(rank, 0);
    int64_t count = resultType.getNumElements();
    for (int64_t i = 0; i < count; ++i) {
      int64_t offset = 0;
      for (int64_t d = 0; d < rank; ++d)
        offset += index[d] * strides[perms[d]];
      copy(i, offset);
      for (int64_t d = rank - 1; d >= 0; --d) {
        if (++index[d] < resultShape[d])
          break;
        index[d] = 0;
      }
    }
  };
  Type elementType = type.getElementType();
  if (elementType.isInteger(1)) {
    SmallVector<bool> source(values.getValues<bool>());
    SmallVector<bool> result(source.size());
    forEachElement(
        [&](int64_t i, int64_t offset) { result[i] = source[offset]; });
    return DenseElementsAttr::get(resultType, ArrayRef<bool>(result));
  }
  // Dense storage is row-major and byte-aligned for widths of 8 and more.
  int64_t byteWidth = elementType.getIntOrFloatBitWidth() / 8;
  ArrayRef<char> source = values.getRawData();
  SmallVector<char> result(source.size());
  forEachElement([&](int64_t i, int64_t offset) {
    std::memcpy(&result[i * byteWidth], &source[offset * byteWidth], byteWidth);
  });
  return DenseElementsAttr::getFromRawBuffer(resultType, result);
}

/// Converts to int64_t, saturating out-of-range values and mapping NaN to 0
/// (casting them directly is undefined behavior).
static int64_t saturateToInt64(double v) {
  if (std::isnan(v))
    return 0;
  if (v >= 0x1p63)
    return std::numeric_limits<int64_t>::max();
  if (v < -0x1p63)
    return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(v);
}

SmallVector<int64_t> getIntValues(DenseElementsAttr values) {
  SmallVector<int64_t> result;
  if (isa<FloatType>(values.getElementType())) {
    for (const APFloat &v : values.getValues<APFloat>())
      result.push_back(saturateToInt64(v.convertToDouble()));
    return result;
  }
  bool isUnsigned = values.getElementType().isUnsignedInteger();
  for (const APInt &v : values.getValues<APInt>())
    result.push_back(isUnsigned ? static_cast<int64_t>(v.getZExtValue())
                                : v.getSExtValue());
  return result;
}

SmallVector<double> getDoubleValues(DenseElementsAttr values) {
  SmallVector<double> result;
  if (isa<FloatType>(values.getElementType())) {
    for (APFloat v : values.getValues<APFloat>()) {
      bool losesInfo;
      v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                &losesInfo);
      result.push_back(v.convertToDouble());
    }
    return result;
  }
  for (int64_t v : getIntValues(values))
    result.push_back(static_cast<double>(v));
  return result;
}

DenseElementsAttr getI64Constant(MLIRContext *context, ArrayRef<int64_t> shape,
                                 ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, IntegerType::get(context, 64));
  return DenseElementsAttr::get(type, values);
}

DenseElementsAttr getConstantFromDoubles(RankedTensorType type,
                                         ArrayRef<double> values) {
  Type elementType = type.getElementType();
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> floats;
    for (double v : values) {
      APFloat f(v);
      bool losesInfo;
      f.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &losesInfo);
      floats.push_back(f);
    }
    return DenseElementsAttr::get(type, floats);
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  SmallVector<APInt> ints;
  for (double v : values) {
    if (width == 1) {
      ints.push_back(APInt(1, v != 0.0));
      continue;
    }
    ints.push_back(APInt(width, static_cast<uint64_t>(saturateToInt64(v)),
                         /*isSigned=*/true, /*implicitTrunc=*/true));
  }
  return DenseElementsAttr::get(type, ints);
}

} // namespace qcc::onnx_import
