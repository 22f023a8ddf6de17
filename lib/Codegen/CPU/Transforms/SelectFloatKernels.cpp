//===- SelectFloatKernels.cpp - fp32 contractions to kernel calls ---------===//
//
// Matches what tosa-to-linalg-named and qcc's element-wise fusion make of a
// float convolution, depthwise convolution or matmul with constant weights:
//
//   %p    = tensor.pad %x low[0, t, l, 0] high[0, b, r, 0] { yield 0.0 }
//   %init = linalg.generic ins(%bias : tensor<Cxf32>) ...    (or a fill)
//   %c    = linalg.conv_2d_nhwc_fhwc ins(%p, %w) outs(%init)
//   %t    = linalg.transpose ins(%c) permutation = [0, 3, 1, 2]
//   %y    = linalg.generic ins(%t) { minimumf, maximumf }   (ReLU, clamp)
//
// and replaces the contraction with one qcc_cpu.conv_kernel calling the
// target's qcc_sconv2d_* or qcc_sdwconv2d_* on weights and bias packed at
// compile time (qcc/Codegen/CPU/Packing.h); the padding moves into the
// kernel (it reads a row of zeros for taps outside the image).
//
// The kernel also absorbs the element-wise consumers that only rescale,
// shift and clamp each output channel: following the result through its
// only users (transposes and reshapes that keep the channel dimension
// whole, and generics), every generic whose body is a chain of
//   mulf / addf / subf by per-channel or scalar constants, then
//   minimumf / maximumf / minnumf / maxnumf (or cmpf + select) by scalars
// folds into the packed weights (the scale), the packed bias and the
// kernel's [output_min, output_max], and is replaced by its input. The
// transposes and reshapes stay; canonicalization cancels the importer's
// NHWC -> NCHW -> NHWC pairs once the generic between them is gone.
//
// Numerics: the kernel sums in its own order with FMA contractions and adds
// the bias first, and a folded scale multiplies the weights instead of the
// sum, so results may differ from the loops in the last bits. NaN
// propagation of minimumf/maximumf is not kept: the kernel clamps with
// the x86 min/max semantics.
//
//===----------------------------------------------------------------------===//

#include "SelectFloatKernels.h"

#include "ConvInput.h"

#include "qcc/Codegen/CPU/IR/QccCPUDialect.h"
#include "qcc/Codegen/CPU/Packing.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace qcc;
using namespace qcc::cpu;

namespace {

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

/// The elements of an f32 tensor constant, row-major.
static std::optional<SmallVector<float>> getFloatConstant(Value value) {
  DenseFPElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.getElementType().isF32())
    return std::nullopt;
  return llvm::to_vector(attr.getValues<float>());
}

/// The value per output channel (`channels` entries) of `operand` read
/// through `map` in an iteration space whose dimension `channelDim` runs
/// over the channels (-1: none does, the channel count is 1). The operand is
/// an f32 scalar constant or an f32 tensor constant whose other dimensions
/// are broadcast (size 1, or a constant index).
static std::optional<SmallVector<float>> getChannelValues(Value operand,
                                                          AffineMap map,
                                                          int64_t channelDim,
                                                          int64_t channels) {
  Attribute attr;
  if (!matchPattern(operand, m_Constant(&attr)))
    return std::nullopt;
  if (auto scalar = dyn_cast<FloatAttr>(attr)) {
    if (!scalar.getType().isF32())
      return std::nullopt;
    return SmallVector<float>(channels, scalar.getValue().convertToFloat());
  }
  auto dense = dyn_cast<DenseFPElementsAttr>(attr);
  if (!dense || !dense.getElementType().isF32())
    return std::nullopt;
  if (dense.isSplat())
    return SmallVector<float>(channels, dense.getSplatValue<float>());
  ArrayRef<int64_t> shape = dense.getType().getShape();
  if (map.getNumResults() != shape.size())
    return std::nullopt;
  // Row-major strides; the element of channel c is offset + c * stride.
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  int64_t offset = 0, channelStride = 0;
  for (auto [index, expr] : llvm::enumerate(map.getResults())) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr)) {
      if (channelDim >= 0 && dim.getPosition() == channelDim) {
        if (shape[index] != channels || channelStride != 0)
          return std::nullopt;
        channelStride = strides[index];
      } else if (shape[index] != 1) {
        return std::nullopt;
      }
    } else if (auto constant = dyn_cast<AffineConstantExpr>(expr)) {
      if (constant.getValue() < 0 || constant.getValue() >= shape[index])
        return std::nullopt;
      offset += constant.getValue() * strides[index];
    } else {
      return std::nullopt;
    }
  }
  auto values = dense.getValues<float>();
  SmallVector<float> result;
  result.reserve(channels);
  for (int64_t c = 0; c < channels; ++c)
    result.push_back(values[offset + c * channelStride]);
  return result;
}

/// The bias that `init` holds in every output position, per channel: a
/// constant, a fill with a constant, or a broadcast of a constant (a named
/// op or a generic that yields its input or a constant).
static std::optional<SmallVector<float>>
getInitBias(Value init, int64_t channelDim, int64_t channels) {
  auto type = cast<RankedTensorType>(init.getType());
  if (matchPattern(init, m_Constant()))
    return getChannelValues(
        init,
        AffineMap::getMultiDimIdentityMap(type.getRank(), init.getContext()),
        channelDim, channels);
  auto producer = init.getDefiningOp<linalg::LinalgOp>();
  if (!producer || producer->getNumResults() != 1 ||
      !producer.hasPureTensorSemantics() || producer.getNumDpsInits() != 1 ||
      producer.getNumLoops() != producer.getNumParallelLoops() ||
      !producer.getMatchingIndexingMap(producer.getDpsInitOperand(0))
           .isIdentity())
    return std::nullopt;
  Block *body = producer.getBlock();
  if (!body)
    return std::nullopt;
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield->getNumOperands() != 1)
    return std::nullopt;
  for (Operation &op : body->without_terminator())
    if (!isa<arith::ConstantOp>(op))
      return std::nullopt;
  Value yielded = yield->getOperand(0);
  auto arg = dyn_cast<BlockArgument>(yielded);
  if (!arg || arg.getOwner() != body)
    return getChannelValues(yielded, AffineMap::get(init.getContext()),
                            channelDim, channels);
  if (arg.getArgNumber() >= producer.getNumDpsInputs())
    return std::nullopt;
  OpOperand *input = producer.getDpsInputOperand(arg.getArgNumber());
  return getChannelValues(input->get(), producer.getMatchingIndexingMap(input),
                          channelDim, channels);
}

//===----------------------------------------------------------------------===//
// The contraction
//===----------------------------------------------------------------------===//

/// What the kernel call needs to know about the contraction.
struct FloatContraction {
  bool depthwise = false;
  /// The NHWC input without its zero padding (a matmul's A).
  Value input;
  /// OHWI: [channels][kernelH][kernelW][inChannels] (depthwise: I = 1).
  SmallVector<float> weights;
  int64_t channels = 0, inChannels = 0, kernelH = 1, kernelW = 1;
  SmallVector<int32_t> geometry;
  /// The result dimension that runs over the output channels.
  int64_t channelDim = 0;
  /// With folded kernel rows (ConvInput.h): the padding whose left and
  /// right part `input` still needs.
  std::optional<SpatialPadding> columnPadding;
};

/// The zero padding of a convolution input that the kernel can take over
/// (its geometry and zero row); none (the input as it is, padded) for any
/// other producer or padding.
static SpatialPadding getZeroPadding(Value input) {
  std::optional<SpatialPadding> padding = getSpatialPadding(input);
  FloatAttr zero;
  if (!padding ||
      (padding->pad && (!matchPattern(padding->value, m_Constant(&zero)) ||
                        !zero.getValue().isZero() ||
                        !padding->pad.getSourceType().hasStaticShape())))
    return SpatialPadding{input, {}, {}};
  return *padding;
}

/// The 17 fields of qcc_conv2d_geometry (one group), or failure when one
/// does not fit the kernel's int32 fields.
static FailureOr<SmallVector<int32_t>>
makeGeometry(int64_t inH, int64_t inW, int64_t inChannels, int64_t outH,
             int64_t outW, int64_t outChannels, int64_t kernelH,
             int64_t kernelW, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> dilations, int64_t padTop, int64_t padLeft) {
  if (strides.size() != 2 || dilations.size() != 2)
    return failure();
  int64_t fields[] = {inH,        inW,          inChannels,   inChannels,
                      outH,       outW,         outChannels,  outChannels,
                      1,          kernelH,      kernelW,      strides[0],
                      strides[1], dilations[0], dilations[1], padTop,
                      padLeft};
  SmallVector<int32_t> geometry;
  for (int64_t field : fields) {
    if (field < 0 || field > std::numeric_limits<int32_t>::max())
      return failure();
    geometry.push_back(static_cast<int32_t>(field));
  }
  return geometry;
}

/// Recognizes an f32 conv_2d_nhwc_fhwc, depthwise_conv_2d_nhwc_hwc,
/// depthwise_conv_2d_nhwc_hwcm with multiplier 1, matmul or batch_matmul
/// with batch 1, on constant weights and static shapes.
static FailureOr<FloatContraction> getFloatContraction(RewriterBase &rewriter,
                                                       linalg::LinalgOp op) {
  if (op->getNumResults() != 1 || !op.hasPureTensorSemantics() ||
      op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return rewriter.notifyMatchFailure(op, "not a contraction on tensors");
  Value lhs = op.getDpsInputs()[0];
  auto lhsType = dyn_cast<RankedTensorType>(lhs.getType());
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!lhsType || !resultType || !lhsType.hasStaticShape() ||
      !resultType.hasStaticShape() || !lhsType.getElementType().isF32() ||
      !resultType.getElementType().isF32())
    return rewriter.notifyMatchFailure(op, "not f32 with static shapes");
  std::optional<SmallVector<float>> weights =
      getFloatConstant(op.getDpsInputs()[1]);
  if (!weights)
    return rewriter.notifyMatchFailure(op, "weights are not an f32 constant");
  ArrayRef<int64_t> rhsShape =
      cast<RankedTensorType>(op.getDpsInputs()[1].getType()).getShape();
  ArrayRef<int64_t> out = resultType.getShape();

  FloatContraction result;
  FailureOr<SmallVector<int32_t>> geometry = failure();
  if (auto conv = dyn_cast<linalg::Conv2DNhwcFhwcOp>(*op)) {
    SpatialPadding padding = getZeroPadding(lhs);
    SmallVector<int64_t> dilations = getI64Vector(conv.getDilations());
    int64_t pixelChannels = rhsShape[3];
    bool foldRows = foldsKernelRows(pixelChannels, rhsShape[2], dilations);
    SmallVector<int64_t> in(
        cast<RankedTensorType>(padding.source.getType()).getShape());
    if (foldRows && padding.pad) {
      // The left and right padding is materialized when the call is made.
      result.columnPadding = padding;
      in[2] += padding.left + padding.right;
      padding.left = 0;
    }
    result.input = padding.source;
    result.weights = std::move(*weights);
    result.channels = rhsShape[0];
    result.kernelH = rhsShape[1];
    // A folded row is one tap of kw * C channels (ConvInput.h).
    result.kernelW = foldRows ? 1 : rhsShape[2];
    result.inChannels = foldRows ? rhsShape[2] * pixelChannels : pixelChannels;
    result.channelDim = 3;
    geometry = makeGeometry(in[1], in[2], result.inChannels, out[1], out[2],
                            result.channels, result.kernelH, result.kernelW,
                            getI64Vector(conv.getStrides()), dilations,
                            padding.top, padding.left);
    if (succeeded(geometry))
      (*geometry)[2] = static_cast<int32_t>(pixelChannels);
  } else if (isa<linalg::DepthwiseConv2DNhwcHwcOp,
                 linalg::DepthwiseConv2DNhwcHwcmOp>(*op)) {
    // HWC (or HWCM with M = 1) back to the [C][KH][KW] the packing takes.
    if (rhsShape.size() == 4 && rhsShape[3] != 1)
      return rewriter.notifyMatchFailure(op, "channel multiplier is not 1");
    DenseIntElementsAttr strides, dilations;
    if (auto hwc = dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(*op)) {
      strides = hwc.getStrides();
      dilations = hwc.getDilations();
    } else {
      auto hwcm = cast<linalg::DepthwiseConv2DNhwcHwcmOp>(*op);
      strides = hwcm.getStrides();
      dilations = hwcm.getDilations();
    }
    SpatialPadding padding = getZeroPadding(lhs);
    ArrayRef<int64_t> in =
        cast<RankedTensorType>(padding.source.getType()).getShape();
    int64_t kh = rhsShape[0], kw = rhsShape[1], channels = rhsShape[2];
    result.depthwise = true;
    result.input = padding.source;
    result.weights.resize(weights->size());
    for (int64_t h = 0; h < kh; ++h)
      for (int64_t w = 0; w < kw; ++w)
        for (int64_t c = 0; c < channels; ++c)
          result.weights[(c * kh + h) * kw + w] =
              (*weights)[(h * kw + w) * channels + c];
    result.channels = channels;
    result.inChannels = 1;
    result.kernelH = kh;
    result.kernelW = kw;
    result.channelDim = 3;
    geometry = makeGeometry(in[1], in[2], channels, out[1], out[2], channels,
                            kh, kw, getI64Vector(strides),
                            getI64Vector(dilations), padding.top, padding.left);
  } else if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(*op)) {
    if (op.hasUserDefinedMaps())
      return rewriter.notifyMatchFailure(op, "transposed or broadcast matmul");
    unsigned batched = isa<linalg::BatchMatmulOp>(*op) ? 1 : 0;
    if (batched && out[0] != 1)
      return rewriter.notifyMatchFailure(op, "batch is not 1");
    int64_t rows = out[batched], depth = rhsShape[batched],
            columns = rhsShape[batched + 1];
    // B [K, N] is the 1x1 convolution's OHWI [N][1][1][K].
    result.weights.resize(weights->size());
    for (int64_t k = 0; k < depth; ++k)
      for (int64_t n = 0; n < columns; ++n)
        result.weights[n * depth + k] = (*weights)[k * columns + n];
    result.input = lhs;
    result.channels = columns;
    result.inChannels = depth;
    result.channelDim = batched + 1;
    int64_t ones[] = {1, 1};
    geometry =
        makeGeometry(1, rows, depth, 1, rows, columns, 1, 1, ones, ones, 0, 0);
  } else {
    return rewriter.notifyMatchFailure(op, "not a supported contraction");
  }
  if (failed(geometry))
    return rewriter.notifyMatchFailure(op, "geometry does not fit int32");
  result.geometry = std::move(*geometry);
  return result;
}

//===----------------------------------------------------------------------===//
// The element-wise epilogue
//===----------------------------------------------------------------------===//

/// acc -> clamp(acc * scale[c] + bias[c], min, max), accumulated over the
/// consumers the kernel absorbs.
struct Epilogue {
  SmallVector<float> scale, bias;
  float min = -std::numeric_limits<float>::infinity();
  float max = std::numeric_limits<float>::infinity();
  bool clamped = false;
  /// The dimension of the current value that runs over the channels; -1
  /// when there is one channel.
  int64_t channelDim = -1;
  /// Absorbed generics, in order, with the input that reads the
  /// accumulator.
  SmallVector<std::pair<linalg::GenericOp, unsigned>> fused;
};

/// Composes y = max(x, c) (or min) with the clamp so far.
static void applyMax(Epilogue &epilogue, float c) {
  epilogue.min = std::max(epilogue.min, c);
  epilogue.max = std::max(epilogue.max, c);
  epilogue.clamped = true;
}
static void applyMin(Epilogue &epilogue, float c) {
  epilogue.min = std::min(epilogue.min, c);
  epilogue.max = std::min(epilogue.max, c);
  epilogue.clamped = true;
}

static arith::CmpFPredicate swapOperands(arith::CmpFPredicate predicate) {
  using P = arith::CmpFPredicate;
  switch (predicate) {
  case P::OGT:
    return P::OLT;
  case P::OGE:
    return P::OLE;
  case P::OLT:
    return P::OGT;
  case P::OLE:
    return P::OGE;
  case P::UGT:
    return P::ULT;
  case P::UGE:
    return P::ULE;
  case P::ULT:
    return P::UGT;
  case P::ULE:
    return P::UGE;
  default:
    return predicate;
  }
}

/// Folds `generic`, which reads `acc` (the contraction's result, possibly
/// transposed or reshaped), into `epilogue`; fails, leaving `epilogue` in an
/// unspecified state, when its body is not a per-channel affine map followed
/// by a clamp.
static LogicalResult absorbGeneric(linalg::GenericOp generic, Value acc,
                                   Epilogue &epilogue) {
  if (generic->getNumResults() != 1 || generic.getNumDpsInits() != 1 ||
      !generic.hasPureTensorSemantics() ||
      generic.getNumLoops() != generic.getNumParallelLoops() ||
      !generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
           .isIdentity() ||
      !getElementTypeOrSelf(generic->getResult(0).getType()).isF32())
    return failure();
  OpOperand *accOperand = nullptr;
  for (OpOperand *input : generic.getDpsInputOperands())
    if (input->get() == acc)
      accOperand = input;
  if (!accOperand)
    return failure();
  AffineMap accMap = generic.getMatchingIndexingMap(accOperand);
  if (!accMap.isPermutation())
    return failure();
  if (epilogue.channelDim >= 0)
    epilogue.channelDim = accMap.getDimPosition(epilogue.channelDim);

  Block &body = generic.getRegion().front();
  Value current = generic.getMatchingBlockArgument(accOperand);
  int64_t channels = epilogue.bias.size();
  // The per-channel values of a non-accumulator operand of the body.
  auto getValues = [&](Value value) -> std::optional<SmallVector<float>> {
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      if (arg.getOwner() != &body ||
          arg.getArgNumber() >= generic.getNumDpsInputs())
        return std::nullopt;
      OpOperand *operand = generic.getDpsInputOperand(arg.getArgNumber());
      return getChannelValues(operand->get(),
                              generic.getMatchingIndexingMap(operand),
                              epilogue.channelDim, channels);
    }
    return getChannelValues(value, AffineMap::get(generic.getContext()),
                            epilogue.channelDim, channels);
  };
  // The one value of a clamp bound.
  auto getBound = [&](Value value) -> std::optional<float> {
    std::optional<SmallVector<float>> values = getValues(value);
    if (!values || values->empty() || std::isnan(values->front()) ||
        llvm::any_of(*values, [&](float v) { return v != values->front(); }))
      return std::nullopt;
    return values->front();
  };
  auto getOther = [&](Operation &op) -> Value {
    if (op.getNumOperands() != 2 ||
        (op.getOperand(0) == current) == (op.getOperand(1) == current))
      return nullptr;
    return op.getOperand(0) == current ? op.getOperand(1) : op.getOperand(0);
  };

  for (Operation &op : body.without_terminator()) {
    if (isa<arith::ConstantOp>(op))
      continue;
    if (auto compare = dyn_cast<arith::CmpFOp>(op)) {
      // Read with the select that uses it.
      if (!compare->hasOneUse() ||
          !isa<arith::SelectOp>(*compare->getUsers().begin()))
        return failure();
      continue;
    }
    if (isa<arith::AddFOp, arith::SubFOp, arith::MulFOp>(op)) {
      Value other = getOther(op);
      if (!other || epilogue.clamped ||
          (isa<arith::SubFOp>(op) && op.getOperand(0) != current))
        return failure();
      std::optional<SmallVector<float>> values = getValues(other);
      if (!values)
        return failure();
      for (int64_t c = 0; c < channels; ++c) {
        float v = (*values)[c];
        if (isa<arith::AddFOp>(op)) {
          epilogue.bias[c] += v;
        } else if (isa<arith::SubFOp>(op)) {
          epilogue.bias[c] -= v;
        } else {
          if (!std::isfinite(v))
            return failure();
          epilogue.scale[c] *= v;
          epilogue.bias[c] *= v;
        }
      }
    } else if (isa<arith::MaximumFOp, arith::MaxNumFOp, arith::MinimumFOp,
                   arith::MinNumFOp>(op)) {
      Value other = getOther(op);
      std::optional<float> bound = other ? getBound(other) : std::nullopt;
      if (!bound)
        return failure();
      if (isa<arith::MaximumFOp, arith::MaxNumFOp>(op))
        applyMax(epilogue, *bound);
      else
        applyMin(epilogue, *bound);
    } else if (auto select = dyn_cast<arith::SelectOp>(op)) {
      // select(cmpf(x, c), x, c) and its variants: a max or a min.
      auto compare = select.getCondition().getDefiningOp<arith::CmpFOp>();
      if (!compare || compare->getBlock() != &body)
        return failure();
      Value trueValue = select.getTrueValue(),
            falseValue = select.getFalseValue();
      Value bound = trueValue == current ? falseValue : trueValue;
      if ((trueValue == current) == (falseValue == current))
        return failure();
      arith::CmpFPredicate predicate = compare.getPredicate();
      if (compare.getLhs() == bound && compare.getRhs() == current)
        predicate = swapOperands(predicate);
      else if (compare.getLhs() != current || compare.getRhs() != bound)
        return failure();
      using P = arith::CmpFPredicate;
      bool greater =
          llvm::is_contained({P::OGT, P::OGE, P::UGT, P::UGE}, predicate);
      bool less =
          llvm::is_contained({P::OLT, P::OLE, P::ULT, P::ULE}, predicate);
      std::optional<float> value = getBound(bound);
      if ((!greater && !less) || !value)
        return failure();
      // x > c ? x : c is a max; x > c ? c : x a min.
      if (greater == (trueValue == current))
        applyMax(epilogue, *value);
      else
        applyMin(epilogue, *value);
    } else {
      return failure();
    }
    current = op.getResult(0);
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield->getNumOperands() != 1 || yield->getOperand(0) != current)
    return failure();
  epilogue.fused.emplace_back(generic, accOperand->getOperandNumber());
  return success();
}

/// The dimension of a reshape's result that carries the channel dimension
/// `channelDim` of its source whole, or nullopt.
static std::optional<int64_t>
reshapeChannelDim(ArrayRef<ReassociationIndices> reassociation,
                  ArrayRef<int64_t> collapsedShape,
                  ArrayRef<int64_t> expandedShape, int64_t channelDim,
                  bool collapsing) {
  for (int64_t group = 0, e = reassociation.size(); group < e; ++group) {
    ArrayRef<int64_t> indices = reassociation[group];
    // The channel must be the only non-unit dimension of its group.
    auto carries = [&](int64_t expanded) {
      return llvm::all_of(indices, [&](int64_t other) {
        return other == expanded || expandedShape[other] == 1;
      });
    };
    if (collapsing) {
      if (llvm::is_contained(indices, channelDim))
        return carries(channelDim) ? std::optional<int64_t>(group)
                                   : std::nullopt;
    } else if (group == channelDim) {
      for (int64_t expanded : indices)
        if (expandedShape[expanded] == collapsedShape[group] &&
            carries(expanded))
          return expanded;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

/// Follows `result` through its only users and absorbs what it can.
static void absorbConsumers(Value result, Epilogue &epilogue) {
  Value current = result;
  Epilogue state = epilogue;
  while (current.hasOneUse()) {
    Operation *user = *current.getUsers().begin();
    if (auto transpose = dyn_cast<linalg::TransposeOp>(user)) {
      if (transpose.getInput() != current ||
          !transpose.hasPureTensorSemantics())
        return;
      if (state.channelDim >= 0)
        state.channelDim =
            llvm::find(transpose.getPermutation(), state.channelDim) -
            transpose.getPermutation().begin();
      current = transpose->getResult(0);
      continue;
    }
    if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(user)) {
      if (state.channelDim >= 0) {
        std::optional<int64_t> dim = reshapeChannelDim(
            collapse.getReassociationIndices(),
            collapse.getResultType().getShape(),
            collapse.getSrcType().getShape(), state.channelDim, true);
        if (!dim)
          return;
        state.channelDim = *dim;
      }
      current = collapse.getResult();
      continue;
    }
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(user)) {
      if (state.channelDim >= 0) {
        std::optional<int64_t> dim = reshapeChannelDim(
            expand.getReassociationIndices(), expand.getSrcType().getShape(),
            expand.getResultType().getShape(), state.channelDim, false);
        if (!dim)
          return;
        state.channelDim = *dim;
      }
      current = expand.getResult();
      continue;
    }
    auto generic = dyn_cast<linalg::GenericOp>(user);
    Epilogue trial = state;
    if (!generic || failed(absorbGeneric(generic, current, trial)))
      return;
    state = std::move(trial);
    epilogue = state;
    current = generic->getResult(0);
  }
}

//===----------------------------------------------------------------------===//
// The rewrite
//===----------------------------------------------------------------------===//

static Value createConstant(OpBuilder &b, Location loc,
                            ArrayRef<float> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getF32Type());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, values));
}

static LogicalResult rewriteContraction(RewriterBase &rewriter,
                                        linalg::LinalgOp op,
                                        SKernelVariant variant) {
  FailureOr<FloatContraction> contraction = getFloatContraction(rewriter, op);
  if (failed(contraction))
    return failure();
  int64_t channels = contraction->channels;
  if (channels < 1 || contraction->weights.empty())
    return rewriter.notifyMatchFailure(op, "empty contraction");
  int64_t channelDim = channels > 1 ? contraction->channelDim : -1;
  std::optional<SmallVector<float>> initBias =
      getInitBias(op.getDpsInits()[0], channelDim, channels);
  if (!initBias)
    return rewriter.notifyMatchFailure(
        op, "init is not a constant or a broadcast constant bias");

  Epilogue epilogue;
  epilogue.scale.assign(channels, 1.0f);
  epilogue.bias.assign(channels, 0.0f);
  epilogue.channelDim = channelDim;
  absorbConsumers(op->getResult(0), epilogue);

  // acc * scale + bias with acc = init + sum x * w.
  SmallVector<float> weights = std::move(contraction->weights);
  int64_t perChannel = weights.size() / channels;
  SmallVector<float> bias(channels);
  for (int64_t c = 0; c < channels; ++c) {
    float scale = epilogue.scale[c];
    bias[c] = (*initBias)[c] * scale + epilogue.bias[c];
    if (scale != 1.0f)
      for (int64_t i = 0; i < perChannel; ++i)
        weights[c * perChannel + i] *= scale;
  }

  SConv2DPacked packed;
  std::string callee;
  if (contraction->depthwise) {
    if (!packSDepthwiseConv2D(weights.data(), bias.data(), channels,
                              contraction->kernelH, contraction->kernelW,
                              packed))
      return rewriter.notifyMatchFailure(op, "cannot pack the weights");
    callee = getKernelName("qcc_sdwconv2d", variant);
  } else {
    SConv2DWeights spec;
    spec.weights = weights.data();
    spec.outChannels = channels;
    spec.inChannels = contraction->inChannels;
    spec.kernelH = contraction->kernelH;
    spec.kernelW = contraction->kernelW;
    spec.bias = bias.data();
    if (!packSConv2D(variant, spec, packed))
      return rewriter.notifyMatchFailure(op, "cannot pack the weights");
    callee = getKernelName("qcc_sconv2d", variant);
  }

  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value input = contraction->input;
  if (contraction->columnPadding)
    input = padColumns(rewriter, loc, *contraction->columnPadding);
  auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t zeroRowLength =
      contraction->depthwise ? channels : contraction->inChannels;
  SmallVector<float> zeroRow(zeroRowLength, 0.0f);
  Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                       resultType.getElementType());
  SmallVector<Attribute> scalars = {rewriter.getF32FloatAttr(epilogue.min),
                                    rewriter.getF32FloatAttr(epilogue.max)};
  auto kernel = ConvKernelOp::create(
      rewriter, loc, TypeRange{resultType},
      FlatSymbolRefAttr::get(rewriter.getContext(), callee),
      rewriter.getDenseI32ArrayAttr(contraction->geometry),
      rewriter.getArrayAttr(scalars),
      ValueRange{input, createConstant(rewriter, loc, zeroRow),
                 createConstant(rewriter, loc, packed.weights),
                 createConstant(rewriter, loc, packed.bias)},
      init);
  rewriter.replaceOp(op, kernel->getResults());

  // The absorbed generics become their input (or its transpose).
  for (auto [generic, operandNumber] : epilogue.fused) {
    OpOperand *accOperand = &generic->getOpOperand(operandNumber);
    AffineMap accMap = generic.getMatchingIndexingMap(accOperand);
    Value replacement = accOperand->get();
    if (!accMap.isIdentity()) {
      rewriter.setInsertionPoint(generic);
      auto type = cast<RankedTensorType>(generic->getResult(0).getType());
      Value empty = tensor::EmptyOp::create(
          rewriter, generic.getLoc(), type.getShape(), type.getElementType());
      SmallVector<int64_t> permutation(accMap.getNumResults());
      for (unsigned i = 0; i < accMap.getNumResults(); ++i)
        permutation[accMap.getDimPosition(i)] = i;
      replacement = linalg::TransposeOp::create(rewriter, generic.getLoc(),
                                                replacement, empty, permutation)
                        ->getResult(0);
    }
    rewriter.replaceOp(generic, replacement);
  }
  return success();
}

} // namespace

unsigned qcc::cpu::selectFloatKernels(ModuleOp module,
                                      const KernelTarget &target) {
  SmallVector<linalg::LinalgOp> contractions;
  module.walk([&](linalg::LinalgOp op) {
    if (isa<linalg::Conv2DNhwcFhwcOp, linalg::DepthwiseConv2DNhwcHwcOp,
            linalg::DepthwiseConv2DNhwcHwcmOp, linalg::MatmulOp,
            linalg::BatchMatmulOp>(op.getOperation()))
      contractions.push_back(op);
  });
  IRRewriter rewriter(module.getContext());
  unsigned rewritten = 0;
  for (linalg::LinalgOp op : contractions)
    if (succeeded(rewriteContraction(rewriter, op, target.fp32)))
      ++rewritten;
  return rewritten;
}
