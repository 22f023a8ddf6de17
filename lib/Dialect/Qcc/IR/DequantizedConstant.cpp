//===- DequantizedConstant.cpp - qcc.dequantized_constant verifier --------===//
//
// The weight-only quantization op: integer storage (8-bit, or 4-bit packed
// two per byte) and block scales that describe a float constant.
//
//===----------------------------------------------------------------------===//

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include <cmath>

using namespace mlir;
using namespace qcc;

LogicalResult DequantizedConstantOp::verify() {
  int64_t bits = getBits();
  if (bits != 8 && bits != 4)
    return emitOpError("bits must be 8 or 4, got ") << bits;
  RankedTensorType resultType = getOutput().getType();
  if (!resultType.hasStaticShape())
    return emitOpError("result must have a static shape");
  if (resultType.getRank() == 0)
    return emitOpError("result must have rank 1 or more");
  ArrayRef<int64_t> shape = resultType.getShape();

  auto storageType = cast<RankedTensorType>(getStorage().getType());
  if (!storageType.getElementType().isInteger(8))
    return emitOpError("storage must hold i8 elements, got ")
           << storageType.getElementType();
  SmallVector<int64_t> expectedStorage(shape);
  if (bits == 4)
    expectedStorage.back() = (shape.back() + 1) / 2;
  if (storageType.getShape() != ArrayRef<int64_t>(expectedStorage))
    return emitOpError("storage shape ")
           << storageType << " does not match the result: expected "
           << RankedTensorType::get(expectedStorage,
                                    storageType.getElementType());

  auto scalesType = cast<RankedTensorType>(getScales().getType());
  if (scalesType.getRank() != resultType.getRank())
    return emitOpError("scales must have the result's rank ")
           << resultType.getRank() << ", got " << scalesType.getRank();
  for (auto [dim, size] : llvm::enumerate(scalesType.getShape()))
    if (size <= 0 || shape[dim] % size != 0)
      return emitOpError("scales dimension ")
             << dim << " of size " << size
             << " does not divide the result's size " << shape[dim]
             << " into equal blocks";
  for (auto [index, scale] : llvm::enumerate(getScales().getValues<float>()))
    if (!std::isfinite(scale) || !(scale > 0.0f))
      return emitOpError("scale ")
             << index << " must be positive and finite, got " << scale;

  int64_t limit = bits == 8 ? 127 : 7;
  int64_t inner = shape.back();
  int64_t packedInner = expectedStorage.back();
  for (auto [index, byte] : llvm::enumerate(getStorage().getValues<APInt>())) {
    int64_t value = byte.getSExtValue();
    if (bits == 8) {
      if (value < -limit || value > limit)
        return emitOpError("stored value ")
               << value << " at " << index << " is outside [-127, 127]";
      continue;
    }
    int64_t column = static_cast<int64_t>(index) % packedInner;
    int64_t low = ((value & 0xF) ^ 0x8) - 0x8;
    int64_t high = value >> 4;
    bool highUsed = 2 * column + 1 < inner;
    if (low < -limit || (highUsed && high < -limit))
      return emitOpError("stored 4-bit value -8 in byte ")
             << index << " is outside [-7, 7]";
    if (!highUsed && high != 0)
      return emitOpError("the unused high nibble of byte ")
             << index << " must be 0";
  }
  return success();
}
