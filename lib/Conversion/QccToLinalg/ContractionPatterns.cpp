//===- ContractionPatterns.cpp - conv2d and matmul to integer linalg ------===//
//
// A contraction becomes two linalg.generic ops: an int32 accumulation seeded
// with the bias, and a requantizing epilogue with per-channel fixed-point
// multipliers. When the weights are constant (the normal case after
// quantization) the zero points are folded at compile time:
//
//   sum((x - z_x) * (w - z_w)) + bias
//     = sum(x * w') + (bias - z_x * sum(w')),   w' = w - z_w
//
// so the inner loop multiplies stored values only. Padding holds z_x, the
// stored form of real zero, which makes the folded form exact everywhere.
//
// Activations wider than 8 bits (int16 x int8, "16x8") accumulate in int64
// instead: 32767 * 127 * K passes 2^31 from K = 517 on, so int32 would need
// a proof for every layer. The epilogue then multiplies in 128 bits.
//
//===----------------------------------------------------------------------===//

#include "GenericBuilder.h"
#include "IntegerMath.h"

#include "qcc/Conversion/QccToLinalg/QccToLinalg.h"
#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Dialect/Qcc/IR/QccOps.h"
#include "qcc/Dialect/Qcc/Utils/FixedPoint.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace qcc;

namespace {

/// The stored values of a constant quantized operand, looking through
/// quant.scast.
static std::optional<DenseIntElementsAttr> getConstantStorage(Value original,
                                                              Value converted) {
  DenseIntElementsAttr attr;
  if (matchPattern(converted, m_Constant(&attr)))
    return attr;
  if (auto cast = original.getDefiningOp<quant::StorageCastOp>())
    if (matchPattern(cast.getInput(), m_Constant(&attr)))
      return attr;
  return std::nullopt;
}

static std::optional<DenseIntElementsAttr> getConstantBias(Value bias) {
  DenseIntElementsAttr attr;
  if (bias && matchPattern(bias, m_Constant(&attr)))
    return attr;
  return std::nullopt;
}

/// Reads stored integers with the storage type's signedness.
static SmallVector<int64_t> readStorage(DenseIntElementsAttr attr,
                                        const QuantParams &params) {
  SmallVector<int64_t> values;
  for (const APInt &value : attr.getValues<APInt>())
    values.push_back(params.isSigned
                         ? value.getSExtValue()
                         : static_cast<int64_t>(value.getZExtValue()));
  return values;
}

/// Weights and bias after zero-point folding. `channelOf(i)` maps a flat
/// weight index to its output channel.
struct FoldedContraction {
  /// Replacement weights (w - z_w) when some z_w is not zero.
  std::optional<SmallVector<int64_t>> weights;
  SmallVector<int64_t> bias;
};

/// The accumulator width of a contraction over activations `x`.
static unsigned getAccumulatorWidth(const QuantParams &x) {
  return x.storageWidth > 8 ? 64 : 32;
}

static FoldedContraction
foldZeroPoints(ArrayRef<int64_t> weights, const QuantParams &weightParams,
               int64_t channels, llvm::function_ref<int64_t(size_t)> channelOf,
               int64_t inputZeroPoint, std::optional<DenseIntElementsAttr> bias,
               unsigned accWidth) {
  FoldedContraction folded;
  bool centered =
      llvm::any_of(weightParams.zeroPoints, [](int64_t zp) { return zp != 0; });
  SmallVector<int64_t> sums(channels, 0);
  SmallVector<int64_t> adjusted;
  for (auto [index, value] : llvm::enumerate(weights)) {
    int64_t channel = channelOf(index);
    int64_t zp =
        weightParams.zeroPoints[weightParams.isPerTensor() ? 0 : channel];
    adjusted.push_back(value - zp);
    sums[channel] += value - zp;
  }
  if (centered)
    folded.weights = std::move(adjusted);
  for (int64_t channel = 0; channel < channels; ++channel) {
    int64_t biasValue =
        bias ? (*bias).getValues<APInt>()[channel].getSExtValue() : 0;
    // The accumulator is exact whenever its final value fits in int32 (the
    // contract; qcc-check-accumulators proves it), and int32 arithmetic is
    // exact modulo 2^32, so the folded bias may wrap like any partial sum.
    // An int64 accumulator holds the folded bias exactly.
    int64_t value = biasValue - inputZeroPoint * sums[channel];
    folded.bias.push_back(
        accWidth == 64 ? value
                       : static_cast<int32_t>(static_cast<uint32_t>(value)));
  }
  return folded;
}

static Value createIntTensor(OpBuilder &b, Location loc,
                             ArrayRef<int64_t> shape, ArrayRef<int64_t> values,
                             unsigned width) {
  auto type = RankedTensorType::get(shape, b.getIntegerType(width));
  SmallVector<APInt> elements;
  for (int64_t value : values)
    elements.push_back(APInt(width, value, /*isSigned=*/true));
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, elements));
}

/// The requantizing epilogue over an accumulator whose last `channelDims`
/// dimensions index the output channel (flattened row-major).
static Value buildEpilogue(OpBuilder &b, Location loc, Value acc,
                           ArrayRef<int64_t> channelShape,
                           ArrayRef<int64_t> multipliers,
                           ArrayRef<int64_t> shifts, const QuantParams &out,
                           int64_t lo, int64_t hi) {
  auto accType = cast<RankedTensorType>(acc.getType());
  unsigned rank = accType.getRank();
  MLIRContext *context = b.getContext();
  SmallVector<AffineExpr> channelExprs;
  for (unsigned i = rank - channelShape.size(); i < rank; ++i)
    channelExprs.push_back(getAffineDimExpr(i, context));
  AffineMap channelMap = AffineMap::get(rank, 0, channelExprs, context);
  Value m = createIntTensor(b, loc, channelShape, multipliers, 64);
  Value n = createIntTensor(b, loc, channelShape, shifts, 64);
  // v * M is exact in i64 for an int32 accumulator, in i128 for an int64 one.
  unsigned width = accType.getElementType().getIntOrFloatBitWidth() * 2;
  auto resultType =
      RankedTensorType::get(accType.getShape(), out.getStorageType(context));
  Value result = buildParallelGeneric(
      b, loc, resultType, {acc, m, n},
      {b.getMultiDimIdentityMap(rank), channelMap, channelMap},
      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        Type wideType = nested.getIntegerType(width);
        auto extend = [&](Value v) -> Value {
          if (v.getType() == wideType)
            return v;
          return arith::ExtSIOp::create(nested, loc, wideType, v);
        };
        Value scaled = applyMultiplier(nested, loc, extend(args[0]),
                                       extend(args[1]), extend(args[2]));
        return saturateToStorage(
            nested, loc, scaled,
            intConstant(nested, loc, out.zeroPoints[0], width), lo, hi,
            out.storageWidth);
      });
  // The CPU code generator fuses this epilogue into its kernels; it reads
  // the multipliers and shifts from the operands and the rest from here.
  setRequantizeEpilogue(result.getDefiningOp(),
                        {out.zeroPoints[0], lo, hi, !out.isSigned});
  return result;
}

/// Requantization multipliers f32(f32(s_x * s_w[c]) / s_y) per output
/// channel.
static LogicalResult
getContractionMultipliers(Operation *op, const QuantParams &x,
                          const QuantParams &w, const QuantParams &y,
                          int64_t channels, SmallVectorImpl<int64_t> &m,
                          SmallVectorImpl<int64_t> &n) {
  SmallVector<double> reals;
  for (int64_t c = 0; c < channels; ++c)
    reals.push_back(getContractionRescale(
        x.scales[0], w.scales[w.isPerTensor() ? 0 : c], y.scales[0]));
  return getFixedPointMultipliers(op, reals, m, n);
}

/// Everything a contraction body needs to know about its weights.
struct WeightOperand {
  Value value;
  /// Zero point vector [channels] to subtract in the loop, when the weights
  /// are not constant.
  Value zeroPoints;
  bool isSigned;
  bool centeredInLoop;
};

/// Folds or keeps the weights; returns the weight operand and the bias
/// vector (one int32 per output channel) to seed the accumulator with.
static FailureOr<std::pair<WeightOperand, Value>>
prepareWeights(OpBuilder &b, Operation *op, Value originalWeight, Value weight,
               Value bias, const QuantParams &x, const QuantParams &w,
               int64_t channels,
               llvm::function_ref<int64_t(size_t)> channelOf) {
  Location loc = op->getLoc();
  auto weightType = cast<RankedTensorType>(weight.getType());
  std::optional<DenseIntElementsAttr> constantWeights =
      getConstantStorage(originalWeight, weight);
  std::optional<DenseIntElementsAttr> constantBias = getConstantBias(bias);
  WeightOperand operand{weight, Value(), w.isSigned, false};
  unsigned accWidth = getAccumulatorWidth(x);
  if (constantWeights && (!bias || constantBias)) {
    SmallVector<int64_t> values = readStorage(*constantWeights, w);
    FoldedContraction folded =
        foldZeroPoints(values, w, channels, channelOf, x.zeroPoints[0],
                       constantBias, accWidth);
    if (folded.weights) {
      unsigned width = w.storageWidth <= 8 ? 16 : 32;
      operand.value = createIntTensor(b, loc, weightType.getShape(),
                                      *folded.weights, width);
      operand.isSigned = true;
    }
    Value biasVector =
        createIntTensor(b, loc, {channels}, folded.bias, accWidth);
    return std::make_pair(operand, biasVector);
  }

  // General form: subtract both zero points inside the loop.
  operand.centeredInLoop = true;
  SmallVector<int64_t> zps;
  for (int64_t c = 0; c < channels; ++c)
    zps.push_back(w.zeroPoints[w.isPerTensor() ? 0 : c]);
  operand.zeroPoints = createIntVector(b, loc, zps, accWidth);
  Value biasVector =
      bias ? bias
           : createIntTensor(b, loc, {channels},
                             SmallVector<int64_t>(channels, 0), 32);
  return std::make_pair(operand, biasVector);
}

/// acc += x' * w' where x' and w' are the (possibly centered) operands.
static Value accumulate(OpBuilder &b, Location loc, ValueRange args,
                        const QuantParams &x, const WeightOperand &weight,
                        bool hasWeightZeroPoints) {
  unsigned accWidth = getAccumulatorWidth(x);
  Type accType = b.getIntegerType(accWidth);
  Value xv = extendStorage(b, loc, args[0], x, accWidth);
  Value wv = args[1];
  unsigned wWidth = wv.getType().getIntOrFloatBitWidth();
  if (wWidth < accWidth)
    wv = weight.isSigned ? Value(arith::ExtSIOp::create(b, loc, accType, wv))
                         : Value(arith::ExtUIOp::create(b, loc, accType, wv));
  if (weight.centeredInLoop) {
    xv = arith::SubIOp::create(b, loc, xv,
                               intConstant(b, loc, x.zeroPoints[0], accWidth));
    if (hasWeightZeroPoints)
      wv = arith::SubIOp::create(b, loc, wv, args[2]);
  }
  Value product = arith::MulIOp::create(b, loc, xv, wv);
  return arith::AddIOp::create(b, loc, args.back(), product);
}

/// Fills a tensor of `shape` with the bias broadcast along its trailing
/// channel dimensions, sign-extended to the accumulator type.
static Value broadcastBias(OpBuilder &b, Location loc, Value bias,
                           ArrayRef<int64_t> shape,
                           ArrayRef<int64_t> channelShape, unsigned accWidth) {
  MLIRContext *context = b.getContext();
  unsigned rank = shape.size();
  Type biasElement = cast<RankedTensorType>(bias.getType()).getElementType();
  if (channelShape.size() > 1) {
    SmallVector<ReassociationIndices> reassociation(1);
    for (unsigned i = 0; i < channelShape.size(); ++i)
      reassociation[0].push_back(i);
    bias = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(channelShape, biasElement), bias,
        reassociation);
  }
  SmallVector<AffineExpr> exprs;
  for (unsigned i = rank - channelShape.size(); i < rank; ++i)
    exprs.push_back(getAffineDimExpr(i, context));
  Type accType = b.getIntegerType(accWidth);
  return buildParallelGeneric(
      b, loc, RankedTensorType::get(shape, accType), bias,
      AffineMap::get(rank, 0, exprs, context),
      [&](OpBuilder &nested, Location loc, ValueRange args) -> Value {
        if (args[0].getType() == accType)
          return args[0];
        return arith::ExtSIOp::create(nested, loc, accType, args[0]);
      });
}

/// The constant OHWI depthwise weights [C, KH, KW, 1] as the HWC tensor
/// [KH, KW, C] that linalg.depthwise_conv_2d_nhwc_hwc reads; null when they
/// are not a constant.
static Value transposeDepthwiseWeights(OpBuilder &b, Location loc,
                                       Value original, Value weights) {
  DenseIntElementsAttr attr;
  if (!matchPattern(weights, m_Constant(&attr))) {
    std::optional<DenseIntElementsAttr> storage =
        getConstantStorage(original, weights);
    if (!storage)
      return {};
    attr = *storage;
  }
  auto type = cast<RankedTensorType>(weights.getType());
  int64_t channels = type.getDimSize(0), kh = type.getDimSize(1),
          kw = type.getDimSize(2);
  SmallVector<APInt> values(attr.getValues<APInt>().begin(),
                            attr.getValues<APInt>().end());
  SmallVector<APInt> transposed;
  transposed.reserve(values.size());
  for (int64_t h = 0; h < kh; ++h)
    for (int64_t w = 0; w < kw; ++w)
      for (int64_t c = 0; c < channels; ++c)
        transposed.push_back(values[(c * kh + h) * kw + w]);
  auto hwcType =
      RankedTensorType::get({kh, kw, channels}, type.getElementType());
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(hwcType, transposed));
}

struct Conv2DLowering : public OpConversionPattern<Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto inputType = op.getInput().getType();
    auto weightType = op.getWeight().getType();
    auto outputType = op.getOutput().getType();
    if (!inputType.hasStaticShape() || !weightType.hasStaticShape() ||
        !outputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    QuantParams x = QuantParams::get(getQuantizedType(inputType));
    QuantParams w = QuantParams::get(getQuantizedType(weightType));
    QuantParams y = QuantParams::get(getQuantizedType(outputType));

    int64_t groups = op.getGroups();
    int64_t outChannels = weightType.getDimSize(0);
    int64_t kh = weightType.getDimSize(1), kw = weightType.getDimSize(2);
    int64_t groupIn = weightType.getDimSize(3);
    int64_t groupOut = outChannels / groups;
    int64_t batch = inputType.getDimSize(0);
    int64_t oh = outputType.getDimSize(1), ow = outputType.getDimSize(2);
    ArrayRef<int64_t> pad = op.getPad(), stride = op.getStride(),
                      dilation = op.getDilation();

    SmallVector<int64_t> multipliers, shifts;
    if (failed(getContractionMultipliers(op, x, w, y, outChannels, multipliers,
                                         shifts)))
      return failure();
    int64_t perChannel = kh * kw * groupIn;
    auto prepared =
        prepareWeights(rewriter, op, op.getWeight(), adaptor.getWeight(),
                       adaptor.getBias(), x, w, outChannels, [&](size_t index) {
                         return static_cast<int64_t>(index) / perChannel;
                       });
    if (failed(prepared))
      return failure();
    WeightOperand weight = prepared->first;
    Value bias = prepared->second;

    // Pad the input with z_x, the stored form of real zero.
    Value input = adaptor.getInput();
    Type storage = x.getStorageType(context);
    if (llvm::any_of(pad, [](int64_t p) { return p != 0; })) {
      Value padValue = arith::ConstantOp::create(
          rewriter, loc,
          rewriter.getIntegerAttr(
              storage, APInt(x.storageWidth, x.zeroPoints[0], true)));
      SmallVector<int64_t> low = {0, pad[0], pad[2], 0};
      SmallVector<int64_t> high = {0, pad[1], pad[3], 0};
      auto paddedType = RankedTensorType::get(
          {batch, inputType.getDimSize(1) + pad[0] + pad[1],
           inputType.getDimSize(2) + pad[2] + pad[3], inputType.getDimSize(3)},
          storage);
      input = tensor::PadOp::create(rewriter, loc, paddedType, input,
                                    getAsIndexOpFoldResult(context, low),
                                    getAsIndexOpFoldResult(context, high),
                                    padValue);
    }

    // Constant int8 weights on int8 activations: the named ops the CPU code
    // generator turns into micro-kernels (sign-extending i8 x i8 -> i32,
    // exactly the generic below).
    bool namedOperands = !weight.centeredInLoop && weight.isSigned &&
                         x.isSigned && x.storageWidth == 8 &&
                         cast<RankedTensorType>(weight.value.getType())
                             .getElementType()
                             .isInteger(8);
    std::pair<int64_t, int64_t> range = op.getSaturationRange();
    Value depthwiseWeights;
    if (namedOperands && groups != 1 && groupIn == 1 && groupOut == 1)
      depthwiseWeights = transposeDepthwiseWeights(
          rewriter, loc, op.getWeight(), weight.value);
    if (namedOperands && (groups == 1 || depthwiseWeights)) {
      SmallVector<int64_t> accShape = {batch, oh, ow, outChannels};
      Value acc = broadcastBias(rewriter, loc, bias, accShape, {outChannels},
                                getAccumulatorWidth(x));
      // The named convolutions take i64 tensor attributes, not arrays.
      auto vectorType = RankedTensorType::get({2}, rewriter.getI64Type());
      auto strides = DenseIntElementsAttr::get(vectorType, stride);
      auto dilations = DenseIntElementsAttr::get(vectorType, dilation);
      Value contraction;
      if (groups == 1) {
        contraction = linalg::Conv2DNhwcFhwcOp::create(
                          rewriter, loc, TypeRange{acc.getType()},
                          ValueRange{input, weight.value}, ValueRange{acc},
                          strides, dilations)
                          .getResult(0);
      } else {
        // Depthwise: OHWI with I = 1 became HWC at compile time.
        contraction = linalg::DepthwiseConv2DNhwcHwcOp::create(
                          rewriter, loc, TypeRange{acc.getType()},
                          ValueRange{input, depthwiseWeights}, ValueRange{acc},
                          strides, dilations)
                          .getResult(0);
      }
      rewriter.replaceOp(op, buildEpilogue(rewriter, loc, contraction,
                                           {outChannels}, multipliers, shifts,
                                           y, range.first, range.second));
      return success();
    }

    // Split channels into (group, channel-in-group) so every map is a plain
    // projection.
    auto paddedType = cast<RankedTensorType>(input.getType());
    auto groupedInputType =
        RankedTensorType::get({batch, paddedType.getDimSize(1),
                               paddedType.getDimSize(2), groups, groupIn},
                              storage);
    input = tensor::ExpandShapeOp::create(rewriter, loc, groupedInputType,
                                          input, {{0}, {1}, {2}, {3, 4}});
    auto weightStorage = cast<RankedTensorType>(weight.value.getType());
    weight.value = tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get({groups, groupOut, kh, kw, groupIn},
                              weightStorage.getElementType()),
        weight.value, {{0, 1}, {2}, {3}, {4}});
    SmallVector<int64_t> accShape = {batch, oh, ow, groups, groupOut};
    Value acc = broadcastBias(rewriter, loc, bias, accShape, {groups, groupOut},
                              getAccumulatorWidth(x));

    // Loops: n, oh, ow, g, og | kh, kw, i.
    auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
    SmallVector<AffineMap> maps = {
        AffineMap::get(8, 0,
                       {d(0), d(1) * stride[0] + d(5) * dilation[0],
                        d(2) * stride[1] + d(6) * dilation[1], d(3), d(7)},
                       context),
        AffineMap::get(8, 0, {d(3), d(4), d(5), d(6), d(7)}, context)};
    SmallVector<Value> inputs = {input, weight.value};
    bool hasWeightZeroPoints = weight.centeredInLoop;
    if (hasWeightZeroPoints) {
      inputs.push_back(tensor::ExpandShapeOp::create(
          rewriter, loc,
          RankedTensorType::get(
              {groups, groupOut},
              rewriter.getIntegerType(getAccumulatorWidth(x))),
          weight.zeroPoints, {{0, 1}}));
      maps.push_back(AffineMap::get(8, 0, {d(3), d(4)}, context));
    }
    maps.push_back(
        AffineMap::get(8, 0, {d(0), d(1), d(2), d(3), d(4)}, context));
    SmallVector<utils::IteratorType> iterators(5,
                                               utils::IteratorType::parallel);
    iterators.append(3, utils::IteratorType::reduction);
    auto conv = linalg::GenericOp::create(
        rewriter, loc, TypeRange{acc.getType()}, inputs, ValueRange{acc}, maps,
        iterators, [&](OpBuilder &b, Location loc, ValueRange args) {
          linalg::YieldOp::create(
              b, loc, accumulate(b, loc, args, x, weight, hasWeightZeroPoints));
        });

    int64_t lo = range.first, hi = range.second;
    SmallVector<int64_t> channelShape = {groups, groupOut};
    Value result = buildEpilogue(rewriter, loc, conv.getResult(0), channelShape,
                                 multipliers, shifts, y, lo, hi);
    result = tensor::CollapseShapeOp::create(
        rewriter, loc,
        RankedTensorType::get(outputType.getShape(), y.getStorageType(context)),
        result, {{0}, {1}, {2}, {3, 4}});
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct MatMulLowering : public OpConversionPattern<MatMulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto lhsType = op.getLhs().getType();
    auto rhsType = op.getRhs().getType();
    auto outputType = op.getOutput().getType();
    if (!lhsType.hasStaticShape() || !rhsType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shapes");
    QuantParams a = QuantParams::get(getQuantizedType(lhsType));
    QuantParams w = QuantParams::get(getQuantizedType(rhsType));
    QuantParams y = QuantParams::get(getQuantizedType(outputType));
    if (rhsType.getRank() > 2)
      return lowerBatched(op, adaptor, a, w, y, rewriter);
    int64_t k = rhsType.getDimSize(0), columns = rhsType.getDimSize(1);
    int64_t rows = lhsType.getNumElements() / k;

    SmallVector<int64_t> multipliers, shifts;
    if (failed(getContractionMultipliers(op, a, w, y, columns, multipliers,
                                         shifts)))
      return failure();
    auto prepared =
        prepareWeights(rewriter, op, op.getRhs(), adaptor.getRhs(),
                       adaptor.getBias(), a, w, columns, [&](size_t index) {
                         return static_cast<int64_t>(index) % columns;
                       });
    if (failed(prepared))
      return failure();
    WeightOperand weight = prepared->first;
    Value bias = prepared->second;

    // Collapse the batch dimensions: [..., M, K] -> [P, K].
    Value lhs = adaptor.getLhs();
    int64_t rank = lhsType.getRank();
    SmallVector<ReassociationIndices> collapse(2);
    for (int64_t i = 0; i < rank - 1; ++i)
      collapse[0].push_back(i);
    collapse[1].push_back(rank - 1);
    Type lhsStorage = a.getStorageType(context);
    if (rank != 2)
      lhs = tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({rows, k}, lhsStorage), lhs,
          collapse);

    Value acc = broadcastBias(rewriter, loc, bias, {rows, columns}, {columns},
                              getAccumulatorWidth(a));
    Value product;
    if (!weight.centeredInLoop && weight.isSigned && a.isSigned &&
        a.storageWidth == 8 &&
        cast<RankedTensorType>(weight.value.getType())
            .getElementType()
            .isInteger(8)) {
      // The named op the CPU code generator turns into a micro-kernel.
      product = linalg::MatmulOp::create(
                    rewriter, loc, TypeRange{acc.getType()},
                    ValueRange{lhs, weight.value}, ValueRange{acc})
                    .getResult(0);
    } else {
      auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
      SmallVector<Value> inputs = {lhs, weight.value};
      SmallVector<AffineMap> maps = {
          AffineMap::get(3, 0, {d(0), d(2)}, context),
          AffineMap::get(3, 0, {d(2), d(1)}, context)};
      bool hasWeightZeroPoints = weight.centeredInLoop;
      if (hasWeightZeroPoints) {
        inputs.push_back(weight.zeroPoints);
        maps.push_back(AffineMap::get(3, 0, {d(1)}, context));
      }
      maps.push_back(AffineMap::get(3, 0, {d(0), d(1)}, context));
      product =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{acc.getType()}, inputs, ValueRange{acc},
              maps,
              {utils::IteratorType::parallel, utils::IteratorType::parallel,
               utils::IteratorType::reduction},
              [&](OpBuilder &b, Location loc, ValueRange args) {
                linalg::YieldOp::create(
                    b, loc,
                    accumulate(b, loc, args, a, weight, hasWeightZeroPoints));
              })
              .getResult(0);
    }

    replaceWithEpilogue(rewriter, op, product, columns, multipliers, shifts, y,
                        rank != 2 ? collapse
                                  : SmallVector<ReassociationIndices>());
    return success();
  }

private:
  /// Activation x activation, [..., M, K] x [..., K, N]: both zero points
  /// are subtracted in the loop, over the batch dimensions collapsed into
  /// one.
  LogicalResult lowerBatched(MatMulOp op, OpAdaptor adaptor,
                             const QuantParams &a, const QuantParams &w,
                             const QuantParams &y,
                             ConversionPatternRewriter &rewriter) const {
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    auto lhsType = op.getLhs().getType();
    auto rhsType = op.getRhs().getType();
    int64_t rank = lhsType.getRank();
    int64_t rows = lhsType.getDimSize(rank - 2);
    int64_t depth = lhsType.getDimSize(rank - 1);
    int64_t columns = rhsType.getDimSize(rank - 1);
    int64_t batch = lhsType.getNumElements() / (rows * depth);

    SmallVector<int64_t> multipliers, shifts;
    if (failed(getContractionMultipliers(op, a, w, y, columns, multipliers,
                                         shifts)))
      return failure();

    // [..., R, C] -> [P, R, C].
    SmallVector<ReassociationIndices> collapse(3);
    for (int64_t i = 0; i < rank - 2; ++i)
      collapse[0].push_back(i);
    collapse[1].push_back(rank - 2);
    collapse[2].push_back(rank - 1);
    auto toBatch = [&](Value value, int64_t r, int64_t c, Type element) {
      if (rank == 3)
        return value;
      return Value(tensor::CollapseShapeOp::create(
          rewriter, loc, RankedTensorType::get({batch, r, c}, element), value,
          collapse));
    };
    Value lhs =
        toBatch(adaptor.getLhs(), rows, depth, a.getStorageType(context));
    Value rhs =
        toBatch(adaptor.getRhs(), depth, columns, w.getStorageType(context));

    unsigned accWidth = getAccumulatorWidth(a);
    Value bias = adaptor.getBias()
                     ? adaptor.getBias()
                     : createIntTensor(rewriter, loc, {columns},
                                       SmallVector<int64_t>(columns, 0), 32);
    Value acc = broadcastBias(rewriter, loc, bias, {batch, rows, columns},
                              {columns}, accWidth);
    WeightOperand weight{
        rhs,
        createIntVector(rewriter, loc,
                        SmallVector<int64_t>(columns, w.zeroPoints[0]),
                        accWidth),
        w.isSigned, /*centeredInLoop=*/true};
    auto d = [&](unsigned i) { return getAffineDimExpr(i, context); };
    // Loops: p, m, n | k.
    SmallVector<AffineMap> maps = {
        AffineMap::get(4, 0, {d(0), d(1), d(3)}, context),
        AffineMap::get(4, 0, {d(0), d(3), d(2)}, context),
        AffineMap::get(4, 0, {d(2)}, context),
        AffineMap::get(4, 0, {d(0), d(1), d(2)}, context)};
    Value product =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{acc.getType()},
            ValueRange{lhs, rhs, weight.zeroPoints}, ValueRange{acc}, maps,
            {utils::IteratorType::parallel, utils::IteratorType::parallel,
             utils::IteratorType::parallel, utils::IteratorType::reduction},
            [&](OpBuilder &b, Location loc, ValueRange args) {
              linalg::YieldOp::create(b, loc,
                                      accumulate(b, loc, args, a, weight,
                                                 /*hasWeightZeroPoints=*/true));
            })
            .getResult(0);

    replaceWithEpilogue(rewriter, op, product, columns, multipliers, shifts, y,
                        rank != 3 ? collapse
                                  : SmallVector<ReassociationIndices>());
    return success();
  }

  /// Requantizes the accumulator `product` into `op`'s result, expanding it
  /// back with `collapse` when the batch dimensions were collapsed.
  static void replaceWithEpilogue(ConversionPatternRewriter &rewriter,
                                  MatMulOp op, Value product, int64_t columns,
                                  ArrayRef<int64_t> multipliers,
                                  ArrayRef<int64_t> shifts,
                                  const QuantParams &y,
                                  ArrayRef<ReassociationIndices> collapse) {
    std::pair<int64_t, int64_t> range = op.getSaturationRange();
    Value result =
        buildEpilogue(rewriter, op.getLoc(), product, {columns}, multipliers,
                      shifts, y, range.first, range.second);
    if (!collapse.empty())
      result = tensor::ExpandShapeOp::create(
          rewriter, op.getLoc(),
          RankedTensorType::get(op.getOutput().getType().getShape(),
                                y.getStorageType(rewriter.getContext())),
          result, collapse);
    rewriter.replaceOp(op, result);
  }
};

} // namespace

void qcc::populateQccContractionToLinalgPatterns(const TypeConverter &converter,
                                                 RewritePatternSet &patterns) {
  patterns.add<Conv2DLowering, MatMulLowering>(converter,
                                               patterns.getContext());
}
