//===- FoldAffine.cpp - fold per-channel affine ops into contractions -----===//

#include "qcc/Quantization/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qcc {
#define GEN_PASS_DEF_FOLDAFFINEPASS
#include "qcc/Quantization/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

/// An f32 constant operand's values and shape.
struct FloatConstant {
  SmallVector<float> values;
  RankedTensorType type;
};

static std::optional<FloatConstant> getFloatConstant(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) ||
      !attr.getElementType().isF32())
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type)
    return std::nullopt;
  return FloatConstant{llvm::to_vector(attr.getValues<float>()), type};
}

static Value createFloatConst(OpBuilder &b, Location loc,
                              ArrayRef<int64_t> shape,
                              ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return tosa::ConstOp::create(b, loc, type,
                               DenseElementsAttr::get(type, values));
}

/// Transposes constant values: result[i] = input[permuted index].
static SmallVector<float> transposeValues(const FloatConstant &input,
                                          ArrayRef<int64_t> perms,
                                          SmallVectorImpl<int64_t> &shape) {
  ArrayRef<int64_t> inShape = input.type.getShape();
  shape.clear();
  for (int64_t perm : perms)
    shape.push_back(inShape[perm]);
  SmallVector<int64_t> inStrides(inShape.size(), 1);
  for (int i = static_cast<int>(inShape.size()) - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * inShape[i + 1];
  SmallVector<float> result(input.values.size());
  SmallVector<int64_t> index(shape.size(), 0);
  for (size_t flat = 0; flat < result.size(); ++flat) {
    int64_t source = 0;
    for (size_t d = 0; d < shape.size(); ++d)
      source += index[d] * inStrides[perms[d]];
    result[flat] = input.values[source];
    for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
  return result;
}

/// Per-channel factors of a constant broadcast against a tensor whose
/// channel dimension is `channelDim` with `channels` entries; nullopt when the
/// constant varies along any other dimension.
static std::optional<SmallVector<float>>
getPerChannelValues(const FloatConstant &constant, int64_t rank,
                    int64_t channelDim, int64_t channels) {
  ArrayRef<int64_t> shape = constant.type.getShape();
  if (static_cast<int64_t>(shape.size()) > rank)
    return std::nullopt;
  int64_t offset = rank - shape.size();
  for (auto [i, size] : llvm::enumerate(shape))
    if (size != 1 && static_cast<int64_t>(i) + offset != channelDim)
      return std::nullopt;
  if (constant.values.size() == 1)
    return SmallVector<float>(channels, constant.values[0]);
  if (static_cast<int64_t>(constant.values.size()) != channels)
    return std::nullopt;
  return constant.values;
}

/// Splits a binary element-wise op into its non-constant operand and its
/// constant one, in either order.
static std::optional<std::pair<Value, FloatConstant>>
splitConstantOperand(Operation *op) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  if (auto constant = getFloatConstant(rhs))
    return std::make_pair(lhs, *constant);
  if (auto constant = getFloatConstant(lhs))
    return std::make_pair(rhs, *constant);
  return std::nullopt;
}

/// Rebuilds `op` (tosa.mul or tosa.add) on new operands and result type.
static Value rebuildBinary(PatternRewriter &rewriter, Operation *op,
                           Value input, Value constant, Type resultType) {
  if (auto mul = dyn_cast<tosa::MulOp>(op))
    return tosa::MulOp::create(rewriter, op->getLoc(), resultType, input,
                               constant, mul.getShift());
  return tosa::AddOp::create(rewriter, op->getLoc(), resultType, input,
                             constant);
}

/// binop(transpose(x), c) -> transpose(binop(x, transpose^-1(c))): moves the
/// per-channel ops of batch norm back next to the convolution.
template <typename OpTy>
struct SinkThroughTranspose : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto split = splitConstantOperand(op);
    if (!split)
      return rewriter.notifyMatchFailure(op, "no constant operand");
    auto transpose = split->first.template getDefiningOp<tosa::TransposeOp>();
    if (!transpose || !transpose->hasOneUse())
      return rewriter.notifyMatchFailure(op, "not fed by a transpose");
    auto resultType = cast<RankedTensorType>(op.getType());
    const FloatConstant &constant = split->second;
    if (constant.type.getRank() != resultType.getRank())
      return rewriter.notifyMatchFailure(op, "constant rank differs");
    ArrayRef<int32_t> perms = transpose.getPerms();
    SmallVector<int64_t> inverse(perms.size());
    for (auto [i, perm] : llvm::enumerate(perms))
      inverse[perm] = i;
    SmallVector<int64_t> shape;
    SmallVector<float> values = transposeValues(constant, inverse, shape);
    Value input = transpose.getInput1();
    Value newConstant = createFloatConst(rewriter, op.getLoc(), shape, values);
    Value inner = rebuildBinary(rewriter, op, input, newConstant,
                                input.getType());
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(op, resultType, inner,
                                                   transpose.getPermsAttr());
    return success();
  }
};

/// binop(reshape(x), c) -> reshape(binop(x, c')) when c only varies along
/// the last dimension and the reshape keeps that dimension.
template <typename OpTy>
struct SinkThroughReshape : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto split = splitConstantOperand(op);
    if (!split)
      return rewriter.notifyMatchFailure(op, "no constant operand");
    auto reshape = split->first.template getDefiningOp<tosa::ReshapeOp>();
    if (!reshape || !reshape->hasOneUse())
      return rewriter.notifyMatchFailure(op, "not fed by a reshape");
    auto resultType = cast<RankedTensorType>(op.getType());
    auto inputType = cast<RankedTensorType>(reshape.getInput1().getType());
    int64_t last = resultType.getRank() - 1;
    if (inputType.getRank() == 0 || resultType.getRank() == 0 ||
        inputType.getShape().back() != resultType.getShape().back())
      return rewriter.notifyMatchFailure(op, "reshape changes the last dim");
    auto values = getPerChannelValues(split->second, resultType.getRank(),
                                      last, resultType.getShape().back());
    if (!values)
      return rewriter.notifyMatchFailure(op, "not a per-channel constant");
    SmallVector<int64_t> shape(inputType.getRank(), 1);
    shape.back() = inputType.getShape().back();
    Value newConstant =
        createFloatConst(rewriter, op.getLoc(), shape, *values);
    Value inner = rebuildBinary(rewriter, op, reshape.getInput1(),
                                newConstant, inputType);
    rewriter.replaceOpWithNewOp<tosa::ReshapeOp>(op, resultType, inner,
                                                 reshape.getShape());
    return success();
  }
};

/// clamp(transpose(x)) -> transpose(clamp(x)), and the same for reshape, so
/// activations sit right after the layer that can absorb them.
struct SinkClamp : public OpRewritePattern<tosa::ClampOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::ClampOp op,
                                PatternRewriter &rewriter) const override {
    Operation *producer = op.getInput().getDefiningOp();
    if (!producer || !producer->hasOneUse() ||
        !isa<tosa::TransposeOp, tosa::ReshapeOp>(producer))
      return rewriter.notifyMatchFailure(op, "not fed by data movement");
    Value input = producer->getOperand(0);
    auto clamp = tosa::ClampOp::create(rewriter, op.getLoc(), input.getType(),
                                       input, op.getMinValAttr(),
                                       op.getMaxValAttr(), op.getNanModeAttr());
    IRMapping mapping;
    mapping.map(input, clamp.getResult());
    Operation *moved = rewriter.clone(*producer, mapping);
    rewriter.replaceOp(op, moved->getResults());
    return success();
  }
};

/// Weights, bias and the per-output-channel layout of a contraction.
struct Contraction {
  Operation *op;
  FloatConstant weights;
  std::optional<FloatConstant> bias;
  int64_t channels;
  /// Output channel of flat weight index i.
  std::function<int64_t(size_t)> channelOf;
};

static std::optional<Contraction> matchContraction(Value value) {
  Operation *op = value.getDefiningOp();
  if (!op || !op->hasOneUse())
    return std::nullopt;
  if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
    auto weights = getFloatConstant(conv.getWeight());
    auto bias = getFloatConstant(conv.getBias());
    if (!weights || !bias)
      return std::nullopt;
    int64_t channels = weights->type.getDimSize(0);
    int64_t perChannel = weights->values.size() / channels;
    return Contraction{op, *weights, *bias, channels,
                       [perChannel](size_t i) {
                         return static_cast<int64_t>(i) / perChannel;
                       }};
  }
  if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
    auto weights = getFloatConstant(conv.getWeight());
    auto bias = getFloatConstant(conv.getBias());
    if (!weights || !bias)
      return std::nullopt;
    // [KH, KW, C, M]: output channel c * M + m is the flat index mod C * M.
    int64_t channels = weights->type.getDimSize(2) * weights->type.getDimSize(3);
    return Contraction{op, *weights, *bias, channels, [channels](size_t i) {
                         return static_cast<int64_t>(i) % channels;
                       }};
  }
  if (auto matmul = dyn_cast<tosa::MatMulOp>(op)) {
    auto weights = getFloatConstant(matmul.getB());
    if (!weights)
      return std::nullopt;
    int64_t channels = weights->type.getDimSize(2);
    return Contraction{op, *weights, std::nullopt, channels,
                       [channels](size_t i) {
                         return static_cast<int64_t>(i) % channels;
                       }};
  }
  return std::nullopt;
}

/// Per-channel broadcast vector of the bias of a conv (tosa allows a bias of
/// one element broadcast to all channels).
static SmallVector<float> expandBias(const FloatConstant &bias,
                                     int64_t channels) {
  if (bias.values.size() == 1)
    return SmallVector<float>(channels, bias.values[0]);
  return bias.values;
}

/// mul(contraction, c) and add(contraction, c) with a per-output-channel
/// constant fold into the contraction's weights and bias.
template <typename OpTy>
struct FoldIntoContraction : public OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    constexpr bool isMul = std::is_same_v<OpTy, tosa::MulOp>;
    auto split = splitConstantOperand(op);
    if (!split)
      return rewriter.notifyMatchFailure(op, "no constant operand");
    std::optional<Contraction> contraction = matchContraction(split->first);
    if (!contraction)
      return rewriter.notifyMatchFailure(op, "not fed by a contraction");
    auto resultType = cast<RankedTensorType>(op.getType());
    if (resultType != contraction->op->getResult(0).getType())
      return rewriter.notifyMatchFailure(op, "broadcast changes the shape");
    auto factors =
        getPerChannelValues(split->second, resultType.getRank(),
                            resultType.getRank() - 1, contraction->channels);
    if (!factors)
      return rewriter.notifyMatchFailure(op, "not a per-channel constant");
    if (!isMul && !contraction->bias)
      return rewriter.notifyMatchFailure(op, "matmul has no bias to fold into");

    Operation *producer = contraction->op;
    Location loc = producer->getLoc();
    rewriter.setInsertionPoint(producer);
    SmallVector<float> weights = contraction->weights.values;
    SmallVector<float> bias;
    if (contraction->bias)
      bias = expandBias(*contraction->bias, contraction->channels);
    if (isMul) {
      for (auto [i, w] : llvm::enumerate(weights))
        w *= (*factors)[contraction->channelOf(i)];
      for (auto [c, b] : llvm::enumerate(bias))
        b *= (*factors)[c];
    } else {
      for (auto [c, b] : llvm::enumerate(bias))
        b += (*factors)[c];
    }
    // Weights are operand 1 of conv2d, depthwise_conv2d and matmul alike.
    constexpr unsigned weightIndex = 1;
    Value newWeights = createFloatConst(
        rewriter, loc, contraction->weights.type.getShape(), weights);
    rewriter.modifyOpInPlace(producer, [&] {
      producer->setOperand(weightIndex, newWeights);
      if (contraction->bias)
        producer->setOperand(
            2, createFloatConst(rewriter, loc,
                                {static_cast<int64_t>(bias.size())}, bias));
    });
    rewriter.replaceOp(op, producer->getResults());
    return success();
  }
};

struct FoldAffinePass : public qcc::impl::FoldAffinePassBase<FoldAffinePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldAffinePatterns(patterns);
    tosa::TransposeOp::getCanonicalizationPatterns(patterns, &getContext());
    tosa::ReshapeOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void qcc::populateFoldAffinePatterns(RewritePatternSet &patterns) {
  MLIRContext *context = patterns.getContext();
  patterns.add<SinkThroughTranspose<tosa::MulOp>,
               SinkThroughTranspose<tosa::AddOp>,
               SinkThroughReshape<tosa::MulOp>, SinkThroughReshape<tosa::AddOp>,
               SinkClamp, FoldIntoContraction<tosa::MulOp>,
               FoldIntoContraction<tosa::AddOp>>(context);
}
