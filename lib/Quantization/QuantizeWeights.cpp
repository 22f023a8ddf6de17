//===- QuantizeWeights.cpp - weight-only int8/int4 quantization -----------===//
//
// Weight-only quantization keeps the model in float and only stores its
// constant weights as narrow integers with block scales:
//
//   %w = tosa.const dense<...> : tensor<1x64x10xf32>
//   %y = tosa.matmul %x, %w, ...
// ==>
//   %w = qcc.dequantized_constant dense<...> : tensor<1x64x10xi8>,
//          dense<...> : tensor<1x2x10xf32> {bits = 8 : i64} :
//          tensor<1x64x10xf32>
//   %y = tosa.matmul %x, %w, ...
//
// The scheme is in docs/Numerics.md#weight-only-quantization.
//
//===----------------------------------------------------------------------===//

#include "qcc/Quantization/Passes.h"

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace qcc {
#define GEN_PASS_DEF_QUANTIZEWEIGHTSPASS
#include "qcc/Quantization/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

/// A weight quantized with one scale per block: `scalesShape[d]` blocks
/// along dimension `d`.
struct BlockQuantized {
  SmallVector<int8_t> storage; // Packed for 4 bits.
  SmallVector<float> scales;
  SmallVector<int64_t> storageShape;
};

/// Symmetric narrow-range quantization of `values` (row major, `shape`) with
/// one scale per block. Fails when a value is not finite or a scale is not a
/// positive finite f32.
static FailureOr<BlockQuantized> quantizeBlocks(ArrayRef<float> values,
                                                ArrayRef<int64_t> shape,
                                                ArrayRef<int64_t> scalesShape,
                                                int64_t bits) {
  int64_t rank = shape.size();
  double qmax = bits == 8 ? 127.0 : 7.0;
  SmallVector<int64_t> blockSize(rank);
  int64_t numBlocks = 1;
  for (int64_t d = 0; d < rank; ++d) {
    blockSize[d] = shape[d] / scalesShape[d];
    numBlocks *= scalesShape[d];
  }
  // The flat index of the scale of each element, in row-major order.
  SmallVector<int64_t> blockOf(values.size());
  SmallVector<int64_t> index(rank, 0);
  for (size_t flat = 0; flat < values.size(); ++flat) {
    int64_t block = 0;
    for (int64_t d = 0; d < rank; ++d)
      block = block * scalesShape[d] + index[d] / blockSize[d];
    blockOf[flat] = block;
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }

  SmallVector<double> maxAbs(numBlocks, 0.0);
  for (auto [flat, value] : llvm::enumerate(values)) {
    if (!std::isfinite(value))
      return failure();
    maxAbs[blockOf[flat]] =
        std::max(maxAbs[blockOf[flat]], std::fabs(double(value)));
  }
  BlockQuantized result;
  for (double m : maxAbs) {
    float scale = m > 0.0 ? static_cast<float>(m / qmax) : 1.0f;
    if (!(scale > 0.0f) || !std::isfinite(scale))
      return failure();
    result.scales.push_back(scale);
  }
  SmallVector<int8_t> q;
  q.reserve(values.size());
  for (auto [flat, value] : llvm::enumerate(values)) {
    double scaled =
        std::nearbyint(double(value) / double(result.scales[blockOf[flat]]));
    q.push_back(static_cast<int8_t>(std::clamp(scaled, -qmax, qmax)));
  }

  result.storageShape.assign(shape.begin(), shape.end());
  if (bits == 8) {
    result.storage = std::move(q);
    return result;
  }
  // Two values per byte along the innermost dimension, even index in the
  // low nibble.
  int64_t inner = shape.back();
  int64_t packedInner = (inner + 1) / 2;
  result.storageShape.back() = packedInner;
  int64_t rows = values.size() / inner;
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t j = 0; j < packedInner; ++j) {
      int64_t low = q[row * inner + 2 * j];
      int64_t high = 2 * j + 1 < inner ? q[row * inner + 2 * j + 1] : 0;
      result.storage.push_back(
          static_cast<int8_t>((low & 0xF) | ((high & 0xF) << 4)));
    }
  }
  return result;
}

struct QuantizeWeightsPass
    : public qcc::impl::QuantizeWeightsPassBase<QuantizeWeightsPass> {
  using QuantizeWeightsPassBase::QuantizeWeightsPassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (bits != 8 && bits != 4) {
      func.emitError("qcc-quantize-weights: bits must be 8 or 4, got ")
          << static_cast<int64_t>(bits);
      return signalPassFailure();
    }
    if (blockSize < 0) {
      func.emitError("qcc-quantize-weights: block-size must be positive, "
                     "got ")
          << static_cast<int64_t>(blockSize);
      return signalPassFailure();
    }
    SmallVector<Operation *> ops;
    func.walk([&](Operation *op) {
      if (isa<tosa::MatMulOp, tosa::Conv2DOp, tosa::DepthwiseConv2DOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops)
      if (failed(rewrite(op)))
        return signalPassFailure();
  }

  /// The shape of the scales of `op`'s weight: how many blocks along each
  /// dimension.
  FailureOr<SmallVector<int64_t>> getScalesShape(Operation *op) {
    using Shape = SmallVector<int64_t>;
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(op->getOperand(1).getType()).getShape();
    return TypeSwitch<Operation *, FailureOr<Shape>>(op)
        .Case([&](tosa::MatMulOp matmul) -> FailureOr<Shape> {
          // b is [batch, K, N]: a scale per (batch, block of K, column).
          int64_t k = shape[1];
          int64_t blocks = 1;
          if (blockSize > 0) {
            if (k % blockSize != 0)
              return matmul.emitError("weight block size ")
                     << static_cast<int64_t>(blockSize)
                     << " does not divide the reduction dimension K = " << k;
            blocks = k / blockSize;
          }
          return Shape{shape[0], blocks, shape[2]};
        })
        .Case([&](tosa::Conv2DOp) -> FailureOr<Shape> {
          // OHWI: a scale per output channel.
          return Shape{shape[0], 1, 1, 1};
        })
        .Default([&](Operation *) -> FailureOr<Shape> {
          // Depthwise [KH, KW, C, M]: a scale per output channel (c, m).
          return Shape{1, 1, shape[2], shape[3]};
        });
  }

  LogicalResult rewrite(Operation *op) {
    // The weight is operand 1 of matmul (b), conv2d and depthwise_conv2d.
    Value weight = op->getOperand(1);
    auto type = dyn_cast<RankedTensorType>(weight.getType());
    DenseElementsAttr attr;
    if (!type || !type.hasStaticShape() || !type.getElementType().isF32() ||
        type.getNumElements() == 0 || !matchPattern(weight, m_Constant(&attr)))
      return success();
    FailureOr<SmallVector<int64_t>> scalesShape = getScalesShape(op);
    if (failed(scalesShape))
      return failure();
    SmallVector<float> values = llvm::to_vector(attr.getValues<float>());
    FailureOr<BlockQuantized> quantized =
        quantizeBlocks(values, type.getShape(), *scalesShape, bits);
    if (failed(quantized))
      return success();

    OpBuilder builder(op);
    auto storageType =
        RankedTensorType::get(quantized->storageShape, builder.getI8Type());
    auto scalesType = RankedTensorType::get(*scalesShape, builder.getF32Type());
    auto storage = DenseElementsAttr::get(storageType,
                                          ArrayRef<int8_t>(quantized->storage));
    auto scales =
        DenseElementsAttr::get(scalesType, ArrayRef<float>(quantized->scales));
    Operation *producer = weight.getDefiningOp();
    auto dequantized = DequantizedConstantOp::create(
        builder, producer ? producer->getLoc() : op->getLoc(), type,
        cast<DenseIntElementsAttr>(storage), scales,
        builder.getI64IntegerAttr(bits));
    op->setOperand(1, dequantized);
    if (producer && producer->use_empty())
      producer->erase();
    return success();
  }
};

} // namespace
