//===- FoldQDQ.cpp - pre-quantized models in the form qcc-quantize reads --===//
//
// In a QDQ model, weights arrive as
//
//   %w = qcc.dequantize (quant.scast (arith.constant : tensor<OxIxHxWxi8>))
//   %t = tosa.transpose %w {perms = [0, 2, 3, 1]}
//
// and qcc-quantize wants the integers themselves under the dequantize. The
// layout op is applied to the integer constant at compile time, moving the
// quantized axis of per-axis parameters along with its dimension. The other
// patterns put what exporters write into the same shape: quantized float
// weights become integer constants, a Gemm's dequantized bias and clamps
// move next to their producers, and a max pooling left on its input's grid
// gets that grid's type.
//
//===----------------------------------------------------------------------===//

#include "qcc/Quantization/Passes.h"

#include "qcc/Quantization/GivenConstant.h"

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <algorithm>
#include <cmath>

namespace qcc {
#define GEN_PASS_DEF_FOLDQDQPASS
#include "qcc/Quantization/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

/// Where the quantized dimension `axis` of `from` lands after a reshape to
/// `to`: the dimension with the same extent and the same number of elements
/// before it. None if the reshape splits or merges it.
static std::optional<int64_t>
mapReshapedAxis(ArrayRef<int64_t> from, ArrayRef<int64_t> to, int64_t axis) {
  int64_t before = 1;
  for (int64_t d = 0; d < axis; ++d)
    before *= from[d];
  int64_t prefix = 1;
  for (auto [index, extent] : llvm::enumerate(to)) {
    if (prefix == before && extent == from[axis])
      return static_cast<int64_t>(index);
    prefix *= extent;
  }
  return std::nullopt;
}

/// `values` (row-major in `shape`) transposed by `perms`.
static SmallVector<APInt> transposeValues(ArrayRef<APInt> values,
                                          ArrayRef<int64_t> shape,
                                          ArrayRef<int32_t> perms) {
  int64_t rank = shape.size();
  SmallVector<int64_t> strides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  SmallVector<int64_t> resultShape;
  for (int32_t p : perms)
    resultShape.push_back(shape[p]);
  SmallVector<APInt> result;
  result.reserve(values.size());
  SmallVector<int64_t> index(rank, 0);
  for (size_t n = 0; n < values.size(); ++n) {
    int64_t source = 0;
    for (int64_t d = 0; d < rank; ++d)
      source += index[d] * strides[perms[d]];
    result.push_back(values[source]);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++index[d] < resultShape[d])
        break;
      index[d] = 0;
    }
  }
  return result;
}

/// The element type of a quantized tensor whose dimension `axis` moved to
/// `newAxis` (per-tensor types are unchanged).
static quant::QuantizedType moveAxis(quant::QuantizedType type,
                                     int64_t newAxis) {
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(type);
  if (!perAxis)
    return type;
  return quant::UniformQuantizedPerAxisType::get(
      perAxis.getFlags(), perAxis.getStorageType(), perAxis.getExpressedType(),
      perAxis.getScales(), perAxis.getZeroPoints(), newAxis,
      perAxis.getStorageTypeMin(), perAxis.getStorageTypeMax());
}

/// A dequantized constant of float type `resultType` holding `values` with
/// parameters `element`.
static Value createDequantizedConstant(PatternRewriter &rewriter, Location loc,
                                       RankedTensorType resultType,
                                       ArrayRef<APInt> values,
                                       quant::QuantizedType element,
                                       Type storageElement) {
  Value constant = arith::ConstantOp::create(
      rewriter, loc,
      DenseElementsAttr::get(resultType.clone(storageElement), values));
  Value stored = quant::StorageCastOp::create(
      rewriter, loc, resultType.clone(element), constant);
  return DequantizeOp::create(rewriter, loc, resultType, stored);
}

/// `constant` reshaped to the float type `resultType`; null when the reshape
/// splits or merges the quantized dimension.
static Value reshapeDequantizedConstant(PatternRewriter &rewriter, Location loc,
                                        const GivenConstant &constant,
                                        RankedTensorType resultType) {
  int64_t newAxis = -1;
  if (auto perAxis =
          dyn_cast<quant::UniformQuantizedPerAxisType>(constant.element)) {
    std::optional<int64_t> mapped =
        mapReshapedAxis(constant.type.getShape(), resultType.getShape(),
                        perAxis.getQuantizedDimension());
    if (!mapped)
      return {};
    newAxis = *mapped;
  }
  return createDequantizedConstant(
      rewriter, loc, resultType,
      llvm::to_vector(constant.storage.getValues<APInt>()),
      moveAxis(constant.element, newAxis), constant.storage.getElementType());
}

/// quantize(constant) -> scast(constant'): weights a QAT exporter writes as
/// QuantizeLinear of float initializers become the integers they stand for,
/// computed as qcc.quantize computes them at run time:
/// clamp(roundeven(f32(x) / f32(s)) + z, qmin, qmax), NaN giving z.
struct FoldQuantizeOfConstant : public OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr input;
    if (!matchPattern(op.getInput(), m_Constant(&input)) ||
        !input.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "not a constant f32 tensor");
    RankedTensorType resultType = op.getOutput().getType();
    auto element = cast<quant::QuantizedType>(resultType.getElementType());
    auto storage = dyn_cast<IntegerType>(element.getStorageType());
    if (!storage || storage.getWidth() > 32)
      return rewriter.notifyMatchFailure(op, "unsupported storage");
    // The (scale, zero point) of each element: per tensor, or per index
    // along the quantized axis.
    SmallVector<double> scales;
    SmallVector<int64_t> zeroPoints;
    int64_t axis = -1;
    if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
      scales = llvm::to_vector(perAxis.getScales());
      zeroPoints = llvm::to_vector(perAxis.getZeroPoints());
      axis = perAxis.getQuantizedDimension();
    } else {
      auto perTensor = cast<quant::UniformQuantizedType>(element);
      scales.push_back(perTensor.getScale());
      zeroPoints.push_back(perTensor.getZeroPoint());
    }
    ArrayRef<int64_t> shape = resultType.getShape();
    int64_t inner = 1;
    for (int64_t d = axis + 1; axis >= 0 && d < resultType.getRank(); ++d)
      inner *= shape[d];
    SmallVector<APInt> values;
    for (auto [index, x] : llvm::enumerate(input.getValues<float>())) {
      int64_t channel = axis < 0 ? 0 : (index / inner) % shape[axis];
      float scaled = x / static_cast<float>(scales[channel]);
      double lo = double(element.getStorageTypeMin() - zeroPoints[channel]);
      double hi = double(element.getStorageTypeMax() - zeroPoints[channel]);
      double q = std::isnan(scaled)
                     ? 0.0
                     : std::clamp(std::nearbyint(double(scaled)), lo, hi);
      values.push_back(APInt(storage.getWidth(),
                             static_cast<int64_t>(q) + zeroPoints[channel],
                             /*isSigned=*/true, /*implicitTrunc=*/true));
    }
    Value constant = arith::ConstantOp::create(
        rewriter, op.getLoc(),
        DenseElementsAttr::get(resultType.clone(storage), values));
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, resultType, constant);
    return success();
  }
};

/// transpose/reshape(dequantize(scast(constant))) ->
/// dequantize(scast(constant')).
struct FoldLayoutIntoDequantizedConstant : public RewritePattern {
  FoldLayoutIntoDequantizedConstant(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/2, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<tosa::TransposeOp, tosa::ReshapeOp>(op))
      return rewriter.notifyMatchFailure(op, "not a layout op");
    std::optional<GivenConstant> constant =
        matchGivenConstant(op->getOperand(0));
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    if (!constant || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not a dequantized constant");
    Value replacement;
    if (auto transpose = dyn_cast<tosa::TransposeOp>(op)) {
      ArrayRef<int32_t> perms = transpose.getPerms();
      int64_t newAxis = -1;
      if (auto perAxis =
              dyn_cast<quant::UniformQuantizedPerAxisType>(constant->element))
        newAxis =
            llvm::find(perms, perAxis.getQuantizedDimension()) - perms.begin();
      replacement = createDequantizedConstant(
          rewriter, op->getLoc(), resultType,
          transposeValues(llvm::to_vector(constant->storage.getValues<APInt>()),
                          constant->type.getShape(), perms),
          moveAxis(constant->element, newAxis),
          constant->storage.getElementType());
    } else {
      replacement = reshapeDequantizedConstant(rewriter, op->getLoc(),
                                               *constant, resultType);
      if (!replacement)
        return rewriter.notifyMatchFailure(op, "reshape splits the axis");
    }
    rewriter.replaceOp(op, replacement);
    return success();
  }
};

/// add(reshape(x), d) -> reshape(add(x, d')) for a dequantized constant `d`
/// that varies along the last dimension only, which the reshape keeps: a
/// Gemm's bias moves next to its matmul.
struct SinkDequantizedBiasThroughReshape
    : public OpRewritePattern<tosa::AddOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::AddOp op,
                                PatternRewriter &rewriter) const override {
    Value lhs = op.getInput1(), rhs = op.getInput2();
    std::optional<GivenConstant> constant = matchGivenConstant(rhs);
    if (!constant) {
      std::swap(lhs, rhs);
      constant = matchGivenConstant(rhs);
    }
    auto reshape = lhs.getDefiningOp<tosa::ReshapeOp>();
    if (!constant || !reshape || !reshape->hasOneUse())
      return rewriter.notifyMatchFailure(op, "not add(reshape, constant)");
    auto inputType = cast<RankedTensorType>(reshape.getInput1().getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> constantShape = constant->type.getShape();
    if (resultType != reshape.getType() || !inputType.hasStaticShape() ||
        constantShape.empty() ||
        inputType.getShape().back() != resultType.getShape().back() ||
        !llvm::all_of(constantShape.drop_back(),
                      [](int64_t d) { return d == 1; }))
      return rewriter.notifyMatchFailure(op, "not a per-column constant");
    SmallVector<int64_t> shape(inputType.getRank(), 1);
    shape.back() = constantShape.back();
    Value reshaped = reshapeDequantizedConstant(
        rewriter, op.getLoc(), *constant,
        RankedTensorType::get(shape, resultType.getElementType()));
    if (!reshaped)
      return rewriter.notifyMatchFailure(op, "reshape splits the axis");
    Value add = tosa::AddOp::create(rewriter, op.getLoc(), inputType,
                                    reshape.getInput1(), reshaped);
    rewriter.replaceOpWithNewOp<tosa::ReshapeOp>(op, resultType, add,
                                                 reshape.getShape());
    return success();
  }
};

/// max_pool(dequantize(x : T)) -> dequantize(quantize(max_pool(...) : T)):
/// exporters (PyTorch QAT) do not requantize a max pooling's output, since
/// it keeps its input's grid. The maximum of values on T's grid is on the
/// grid (TOSA windows always hold an input element), so the inserted pair
/// is exact, and it gives the pooling the output type qcc-quantize needs.
struct QuantizeMaxPoolOfDequantized
    : public OpRewritePattern<tosa::MaxPool2dOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::MaxPool2dOp op,
                                PatternRewriter &rewriter) const override {
    auto dequantize = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return rewriter.notifyMatchFailure(op, "input not dequantized");
    Type element = dequantize.getInput().getType().getElementType();
    if (!isa<quant::UniformQuantizedType>(element))
      return rewriter.notifyMatchFailure(op, "per-axis parameters");
    auto resultType = cast<RankedTensorType>(op.getType());
    if (llvm::all_of(op->getUsers(), [&](Operation *user) {
          auto quantize = dyn_cast<QuantizeOp>(user);
          return quantize &&
                 quantize.getOutput().getType().getElementType() == element;
        }))
      return rewriter.notifyMatchFailure(op, "already quantized");
    rewriter.setInsertionPointAfter(op);
    Value quantized = QuantizeOp::create(rewriter, op.getLoc(),
                                         resultType.clone(element), op);
    Value dequantized =
        DequantizeOp::create(rewriter, op.getLoc(), resultType, quantized);
    rewriter.replaceAllUsesExcept(op, dequantized, quantized.getDefiningOp());
    return success();
  }
};

struct FoldQDQPass : public qcc::impl::FoldQDQPassBase<FoldQDQPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns
        .add<FoldQuantizeOfConstant, FoldLayoutIntoDequantizedConstant,
             SinkDequantizedBiasThroughReshape, QuantizeMaxPoolOfDequantized>(
            &getContext());
    // Clamps move next to their producers as in float models.
    populateFoldAffinePatterns(patterns);
    populateQuantizedDataMovementPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

bool qcc::isPreQuantizedModel(ModuleOp module) {
  bool feedsAnOp = false;
  WalkResult result = module.walk([&](Operation *op) {
    // A module qcc already quantized (its own --compile-to=quantized
    // output) is not compiled again as a pre-quantized model.
    if (isa_and_nonnull<QccDialect>(op->getDialect()) &&
        !isa<QuantizeOp, DequantizeOp>(op))
      return WalkResult::interrupt();
    if (isa<DequantizeOp>(op))
      feedsAnOp |= llvm::any_of(op->getUsers(), [](Operation *user) {
        return !isa<func::ReturnOp>(user);
      });
    return WalkResult::advance();
  });
  return feedsAnOp && !result.wasInterrupted();
}
