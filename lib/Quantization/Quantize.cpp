//===- Quantize.cpp - float TOSA ops to qcc integer ops -------------------===//
//
// Every quantizable op whose values all have ranges is rewritten in place:
//
//   %y = tosa.conv2d %x, %W, %b ...      %xq = qcc.quantize %x
//   %r = tosa.clamp %y {min = 0.0}  ==>  %yq = qcc.conv2d %xq, %Wq, %bq
//                                                {clamp_min = z_y}
//                                        %r' = qcc.dequantize %yq
//
// Each value gets one quantized type (from its range), so the cleanup that
// follows can remove every internal dequantize/quantize pair. In a
// pre-quantized model (see FoldQDQ.cpp) the types are the model's own: a
// value dequantized from a type has it, a value all of whose users quantize
// it to one type has that one, and weights and bias that are dequantized
// integer constants are used as they are.
//
// Precision per op: `qcc.precision = "int8"` (the default), `"int16"` (16x8:
// symmetric int16 activations in and out, int8 weights) or `"float"` (left
// alone). A value produced in one precision and read in another is
// requantized; the conversion is chosen from the value's original range.
//
//===----------------------------------------------------------------------===//

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Quantization/ElementwiseCluster.h"
#include "qcc/Quantization/GivenConstant.h"
#include "qcc/Quantization/Passes.h"
#include "qcc/Quantization/Scheme.h"

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace qcc {
#define GEN_PASS_DEF_QUANTIZEPASS
#include "qcc/Quantization/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

using quant::UniformQuantizedType;

static std::optional<SmallVector<float>> getFloatValues(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.getElementType().isF32())
    return std::nullopt;
  return llvm::to_vector(attr.getValues<float>());
}

/// A bias: float values, or integers the model gives at their own scales.
struct Bias {
  SmallVector<double> real;
  SmallVector<int64_t> integers;
  SmallVector<double> scales;

  size_t size() const {
    return integers.empty() ? real.size() : integers.size();
  }
};

/// The bias in `value`: a float constant, or a dequantized int32 constant
/// quantized per tensor or along its last dimension (the channels).
static std::optional<Bias> getBias(Value value) {
  if (std::optional<SmallVector<float>> values = getFloatValues(value))
    return Bias{llvm::to_vector_of<double>(*values), {}, {}};
  std::optional<GivenConstant> given = matchGivenConstant(value);
  if (!given || given->element.getStorageTypeIntegralWidth() != 32)
    return std::nullopt;
  Bias bias{{}, given->getValues(), {}};
  if (auto perTensor = dyn_cast<UniformQuantizedType>(given->element)) {
    bias.scales.push_back(perTensor.getScale());
    return bias;
  }
  auto perAxis = cast<quant::UniformQuantizedPerAxisType>(given->element);
  if (perAxis.getQuantizedDimension() != given->type.getRank() - 1)
    return std::nullopt;
  bias.scales = llvm::to_vector(perAxis.getScales());
  return bias;
}

static bool isFloatTensor(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type && type.getElementType().isF32() && type.hasStaticShape();
}

/// The clamp fused into a producer, in the quantized domain of `type`.
struct FusedClamp {
  int64_t min;
  int64_t max;
};

static ActivationKind kindOf(UniformQuantizedType type) {
  if (type.getStorageTypeIntegralWidth() > 8)
    return ActivationKind::Int16;
  return type.isSigned() ? ActivationKind::Int8 : ActivationKind::UInt8;
}

class Quantizer {
public:
  Quantizer(MLIRContext *context, bool perTensorWeights,
            ActivationKind defaultKind)
      : context(context), perTensorWeights(perTensorWeights),
        defaultKind(defaultKind), kind(defaultKind) {}

  /// Rewrites `op` if it is quantizable; returns whether it did.
  FailureOr<bool> rewrite(Operation *op) {
    std::optional<Precision> precision = getPrecision(op);
    if (precision == Precision::Float)
      return false;
    kind = precision == Precision::Int16 ? ActivationKind::Int16 : defaultKind;
    if (FailureOr<bool> done = rewriteCluster(op); failed(done) || *done)
      return done;
    return TypeSwitch<Operation *, FailureOr<bool>>(op)
        .Case([&](tosa::Conv2DOp conv) { return rewriteConv(conv); })
        .Case([&](tosa::DepthwiseConv2DOp conv) {
          return rewriteDepthwise(conv);
        })
        .Case([&](tosa::MatMulOp matmul) { return rewriteMatMul(matmul); })
        .Case([&](tosa::AddOp add) { return rewriteBinary(add); })
        .Case([&](tosa::MulOp mul) { return rewriteBinary(mul); })
        .Case([&](tosa::MaxPool2dOp pool) { return rewriteMaxPool(pool); })
        .Case([&](tosa::AvgPool2dOp pool) { return rewriteAvgPool(pool); })
        .Case([&](tosa::ConcatOp concat) { return rewriteConcat(concat); })
        .Case([&](tosa::ClampOp clamp) { return rewriteClamp(clamp); })
        .Case([&](tosa::SigmoidOp op) {
          return rewriteTable(
              op, [](double x) { return 1.0 / (1.0 + std::exp(-x)); });
        })
        .Case([&](tosa::ReduceMaxOp op) { return rewriteSoftmax(op); })
        .Case([&](tosa::ReduceSumOp op) { return rewriteMean(op); })
        .Case([&](tosa::TanhOp op) {
          return rewriteTable(op, [](double x) { return std::tanh(x); });
        })
        .Default([](Operation *) { return false; });
  }

private:
  /// The type of `value` as the op being rewritten reads or writes it (in
  /// that op's precision).
  std::optional<UniformQuantizedType> typeOf(Value value) {
    if (!isFloatTensor(value))
      return std::nullopt;
    std::optional<RealRange> range;
    // A value an earlier rewrite produced keeps the type it was computed in,
    // unless this op needs another precision.
    if (auto dequantize = value.getDefiningOp<DequantizeOp>()) {
      auto type = dyn_cast<UniformQuantizedType>(
          dequantize.getInput().getType().getElementType());
      if (!type)
        return std::nullopt;
      if (kindOf(type) == kind)
        return type;
      auto original = producedRanges.find(value);
      if (original == producedRanges.end())
        return type;
      range = original->second;
    } else if (std::optional<UniformQuantizedType> given =
                   getGivenType(value)) {
      return given;
    } else {
      range = getValueRange(value);
    }
    if (!range || !std::isfinite(range->min) || !std::isfinite(range->max))
      return std::nullopt;
    return getActivationType(context, *range, kind);
  }

  /// The type a pre-quantized model gives `value`: the one per-tensor type
  /// all its users quantize it to.
  static std::optional<UniformQuantizedType> getGivenType(Value value) {
    UniformQuantizedType given;
    for (Operation *user : value.getUsers()) {
      auto quantize = dyn_cast<QuantizeOp>(user);
      if (!quantize)
        return std::nullopt;
      auto type = dyn_cast<UniformQuantizedType>(
          quantize.getOutput().getType().getElementType());
      if (!type || (given && type != given))
        return std::nullopt;
      given = type;
    }
    if (!given)
      return std::nullopt;
    return given;
  }

  static RankedTensorType withElement(Value value, Type element) {
    return cast<RankedTensorType>(value.getType()).clone(element);
  }

  Value quantize(OpBuilder &b, Location loc, Value value,
                 UniformQuantizedType type) {
    return QuantizeOp::create(b, loc, withElement(value, type), value);
  }

  /// Replaces the chain's last value with a dequantized `result` and erases
  /// the chain (ops listed producer first).
  void finish(OpBuilder &b, ArrayRef<Operation *> chain, Value result) {
    Operation *last = chain.back();
    // Which float value this integer result stands for: the index of the
    // chain's last op among the function's TOSA ops before quantization
    // (the report pairs layers with their float counterparts through it).
    if (Operation *producer = result.getDefiningOp())
      if (auto index = layerIndex.find(last); index != layerIndex.end())
        setLayerIndex(producer, index->second);
    Value dequantized = DequantizeOp::create(
        b, last->getLoc(), cast<RankedTensorType>(last->getResult(0).getType()),
        result);
    if (std::optional<RealRange> range = getValueRange(last->getResult(0)))
      producedRanges[dequantized] = *range;
    last->getResult(0).replaceAllUsesWith(dequantized);
    for (Operation *op : llvm::reverse(chain)) {
      erased.insert(op);
      op->erase();
    }
  }

  /// The clamp following `value` (its only use), if any.
  static tosa::ClampOp getFusableClamp(Value value) {
    if (!value.hasOneUse())
      return {};
    auto clamp = dyn_cast<tosa::ClampOp>(*value.getUsers().begin());
    if (!clamp || !isa<FloatAttr>(clamp.getMinValAttr()) ||
        !isa<FloatAttr>(clamp.getMaxValAttr()))
      return {};
    return clamp;
  }

  static FusedClamp quantizeClamp(tosa::ClampOp clamp,
                                  UniformQuantizedType type) {
    auto bound = [&](Attribute attr) {
      double real = cast<FloatAttr>(attr).getValueAsDouble();
      double q = std::nearbyint(real / type.getScale()) + type.getZeroPoint();
      q = std::clamp(q, double(type.getStorageTypeMin()),
                     double(type.getStorageTypeMax()));
      return static_cast<int64_t>(q);
    };
    return {bound(clamp.getMinValAttr()), bound(clamp.getMaxValAttr())};
  }

  static void setClamp(Operation *op, std::optional<FusedClamp> clamp) {
    if (!clamp)
      return;
    Builder b(op->getContext());
    op->setAttr("clamp_min", b.getI64IntegerAttr(clamp->min));
    op->setAttr("clamp_max", b.getI64IntegerAttr(clamp->max));
  }

  Value createWeights(OpBuilder &b, Location loc, const QuantizedWeights &q,
                      ArrayRef<int64_t> shape) {
    auto storageType = RankedTensorType::get(shape, b.getI8Type());
    auto attr = DenseElementsAttr::get(storageType, ArrayRef<int8_t>(q.values));
    Value stored = arith::ConstantOp::create(b, loc, attr);
    return quant::StorageCastOp::create(
        b, loc, RankedTensorType::get(shape, q.type), stored);
  }

  /// The bias at s_x * s_w[c], int32, or int64 for inputs wider than 8 bits
  /// (`wide`, 16x8), whose accumulator is int64.
  FailureOr<Value> createBias(OpBuilder &b, Operation *op, const Bias &bias,
                              double inputScale,
                              const QuantizedWeights &weights, int64_t channels,
                              bool wide) {
    unsigned bits = wide ? 64 : 32;
    SmallVector<APInt> values;
    for (int64_t c = 0; c < channels; ++c) {
      double scale =
          inputScale * weights.scales[weights.scales.size() == 1 ? 0 : c];
      size_t index = bias.size() == 1 ? 0 : c;
      double real = 0.0;
      if (!bias.integers.empty()) {
        // A pre-quantized bias is used as given when its scale is s_x * s_w
        // up to the rounding of an f32 product; otherwise its real value is
        // requantized.
        double givenScale = bias.scales[bias.scales.size() == 1 ? 0 : index];
        if (std::fabs(givenScale - scale) <= scale * 0x1p-20) {
          values.push_back(
              APInt(bits, bias.integers[index], /*isSigned=*/true));
          continue;
        }
        real = double(bias.integers[index]) * givenScale;
      } else if (bias.size() != 0) {
        real = bias.real[index];
      }
      std::optional<int64_t> q = quantizeBias(real, scale, bits);
      if (!q)
        return op->emitError("bias ")
               << real << " of channel " << c << " does not fit in int" << bits
               << " at scale " << scale;
      values.push_back(APInt(bits, *q, /*isSigned=*/true));
    }
    auto type = RankedTensorType::get({channels}, b.getIntegerType(bits));
    return arith::ConstantOp::create(b, op->getLoc(),
                                     DenseElementsAttr::get(type, values))
        .getResult();
  }

  /// Weights a pre-quantized model gives as 8-bit integers in `weight`,
  /// quantized per tensor or along `givenAxis` (the output channels),
  /// which becomes `axis` of the layout qcc uses; `reorder` maps the given
  /// values into that layout. None when the weights are not given that way.
  std::optional<QuantizedWeights> getGivenWeights(
      Value weight, int64_t givenAxis, int64_t axis,
      llvm::function_ref<SmallVector<int8_t>(ArrayRef<int8_t>)> reorder =
          nullptr) {
    std::optional<GivenConstant> given = matchGivenConstant(weight);
    if (!given || given->element.getStorageTypeIntegralWidth() != 8)
      return std::nullopt;
    QuantizedWeights weights;
    if (auto perTensor = dyn_cast<UniformQuantizedType>(given->element)) {
      weights.type = perTensor;
      weights.scales.push_back(perTensor.getScale());
    } else {
      auto perAxis = cast<quant::UniformQuantizedPerAxisType>(given->element);
      if (perAxis.getQuantizedDimension() != givenAxis)
        return std::nullopt;
      weights.type = quant::UniformQuantizedPerAxisType::get(
          perAxis.getFlags(), perAxis.getStorageType(),
          perAxis.getExpressedType(), perAxis.getScales(),
          perAxis.getZeroPoints(), axis, perAxis.getStorageTypeMin(),
          perAxis.getStorageTypeMax());
      weights.scales = llvm::to_vector(perAxis.getScales());
    }
    // The stored bit patterns (uint8 values wrap into int8).
    for (int64_t v : given->getValues())
      weights.values.push_back(static_cast<int8_t>(v));
    if (reorder)
      weights.values = reorder(weights.values);
    return weights;
  }

  /// The output of a contraction and its optional fused clamp.
  struct Output {
    SmallVector<Operation *> chain;
    Value value;
    std::optional<FusedClamp> clamp;
    UniformQuantizedType type;
  };

  std::optional<Output> getOutput(Operation *op,
                                  SmallVector<Operation *> chain) {
    Value value = chain.back()->getResult(0);
    tosa::ClampOp clamp = getFusableClamp(value);
    if (clamp) {
      chain.push_back(clamp);
      value = clamp.getResult();
    }
    std::optional<UniformQuantizedType> type = typeOf(value);
    if (!type)
      return std::nullopt;
    Output output{chain, value, std::nullopt, *type};
    if (clamp)
      output.clamp = quantizeClamp(clamp, *type);
    return output;
  }

  /// The weight scale floors that keep the float `bias` of a layer with
  /// int8 activations `input` in int32 (getBiasScaleFloors); none for
  /// 16-bit activations, whose accumulator and bias are int64.
  SmallVector<double> getWeightScaleFloors(Value input, Value bias,
                                           int64_t channels) {
    std::optional<UniformQuantizedType> inputType = typeOf(input);
    std::optional<Bias> values = getBias(bias);
    if (!inputType || !values || inputType->getStorageTypeIntegralWidth() > 8)
      return {};
    return getBiasScaleFloors(values->real, channels, inputType->getScale());
  }

  FailureOr<bool>
  rewriteConvLike(Operation *op, Value input, Value bias, ArrayRef<int64_t> pad,
                  ArrayRef<int64_t> stride, ArrayRef<int64_t> dilation,
                  const QuantizedWeights &q, SmallVector<int64_t> weightShape,
                  int64_t groups) {
    std::optional<UniformQuantizedType> inputType = typeOf(input);
    std::optional<Bias> biasValues = getBias(bias);
    std::optional<Output> output = getOutput(op, {op});
    if (!inputType || !biasValues || !output)
      return false;
    OpBuilder b(output->chain.back());
    Location loc = op->getLoc();
    int64_t channels = weightShape[0];
    FailureOr<Value> biasValue =
        createBias(b, op, *biasValues, inputType->getScale(), q, channels,
                   inputType->getStorageTypeIntegralWidth() > 8);
    if (failed(biasValue))
      return failure();
    auto conv = Conv2DOp::create(
        b, loc, withElement(output->value, output->type),
        quantize(b, loc, input, *inputType),
        createWeights(b, loc, q, weightShape), *biasValue,
        b.getDenseI64ArrayAttr(pad), b.getDenseI64ArrayAttr(stride),
        b.getDenseI64ArrayAttr(dilation), b.getI64IntegerAttr(groups),
        IntegerAttr(), IntegerAttr());
    setClamp(conv, output->clamp);
    finish(b, output->chain, conv);
    return true;
  }

  FailureOr<bool> rewriteConv(tosa::Conv2DOp conv) {
    auto shape = llvm::to_vector(conv.getWeight().getType().getShape());
    std::optional<QuantizedWeights> q =
        getGivenWeights(conv.getWeight(), /*givenAxis=*/0, /*axis=*/0);
    if (!q) {
      std::optional<SmallVector<float>> weights =
          getFloatValues(conv.getWeight());
      if (!weights)
        return false;
      q = quantizeWeights(
          context, *weights, shape, perTensorWeights ? -1 : 0,
          getWeightScaleFloors(conv.getInput(), conv.getBias(), shape[0]));
    }
    return rewriteConvLike(conv, conv.getInput(), conv.getBias(), conv.getPad(),
                           conv.getStride(), conv.getDilation(), *q, shape, 1);
  }

  FailureOr<bool> rewriteDepthwise(tosa::DepthwiseConv2DOp conv) {
    // [KH, KW, C, M] -> [C * M, KH, KW, 1]: output channel c * M + m of a
    // depthwise convolution is group c's m-th output.
    ArrayRef<int64_t> shape = conv.getWeight().getType().getShape();
    int64_t kh = shape[0], kw = shape[1], c = shape[2], m = shape[3];
    auto reorder = [&](auto values) {
      SmallVector<typename decltype(values)::value_type> reordered(
          values.size());
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j)
          for (int64_t ch = 0; ch < c; ++ch)
            for (int64_t k = 0; k < m; ++k)
              reordered[((ch * m + k) * kh + i) * kw + j] =
                  values[((i * kw + j) * c + ch) * m + k];
      return reordered;
    };
    SmallVector<int64_t> qccShape = {c * m, kh, kw, 1};
    // Given per-axis parameters follow the output channels only when one of
    // C and M is 1.
    int64_t givenAxis = m == 1 ? 2 : (c == 1 ? 3 : -1);
    std::optional<QuantizedWeights> q = getGivenWeights(
        conv.getWeight(), givenAxis, /*axis=*/0,
        [&](ArrayRef<int8_t> values) { return reorder(values); });
    if (!q) {
      std::optional<SmallVector<float>> weights =
          getFloatValues(conv.getWeight());
      if (!weights)
        return false;
      q = quantizeWeights(
          context, reorder(ArrayRef<float>(*weights)), qccShape,
          perTensorWeights ? -1 : 0,
          getWeightScaleFloors(conv.getInput(), conv.getBias(), c * m));
    }
    return rewriteConvLike(conv, conv.getInput(), conv.getBias(), conv.getPad(),
                           conv.getStride(), conv.getDilation(), *q, qccShape,
                           c);
  }

  FailureOr<bool> rewriteMatMul(tosa::MatMulOp matmul) {
    ArrayRef<int64_t> shape = matmul.getB().getType().getShape();
    std::optional<UniformQuantizedType> inputType = typeOf(matmul.getA());
    if (!inputType)
      return false;
    int64_t k = shape[1], n = shape[2];
    std::optional<QuantizedWeights> q =
        getGivenWeights(matmul.getB(), /*givenAxis=*/2, /*axis=*/1);
    std::optional<SmallVector<float>> weights;
    if (!q) {
      weights = getFloatValues(matmul.getB());
      if (!weights)
        return rewriteActivationMatMul(matmul, *inputType);
    }
    if (shape[0] != 1)
      return false;

    // An add of a per-column constant right after the matmul is its bias.
    SmallVector<Operation *> chain = {matmul};
    Bias bias;
    Value result = matmul.getResult();
    if (result.hasOneUse())
      if (auto add = dyn_cast<tosa::AddOp>(*result.getUsers().begin())) {
        Value other =
            add.getInput1() == result ? add.getInput2() : add.getInput1();
        std::optional<Bias> values = getBias(other);
        auto otherType = cast<RankedTensorType>(other.getType());
        bool perColumn =
            values && add.getType() == result.getType() &&
            llvm::all_of(otherType.getShape().drop_back(),
                         [](int64_t d) { return d == 1; }) &&
            (values->size() == 1 || static_cast<int64_t>(values->size()) == n);
        if (perColumn) {
          chain.push_back(add);
          bias = *values;
        }
      }
    std::optional<Output> output = getOutput(matmul, chain);
    if (!output)
      return false;
    if (!q) {
      SmallVector<double> floors;
      if (inputType->getStorageTypeIntegralWidth() <= 8)
        floors = getBiasScaleFloors(bias.real, n, inputType->getScale());
      q = quantizeWeights(context, *weights, {k, n}, perTensorWeights ? -1 : 1,
                          floors);
    }

    OpBuilder b(output->chain.back());
    Location loc = matmul.getLoc();
    FailureOr<Value> biasValue =
        createBias(b, matmul, bias, inputType->getScale(), *q, n,
                   inputType->getStorageTypeIntegralWidth() > 8);
    if (failed(biasValue))
      return failure();
    auto qmatmul =
        MatMulOp::create(b, loc, withElement(output->value, output->type),
                         quantize(b, loc, matmul.getA(), *inputType),
                         createWeights(b, loc, *q, {k, n}), *biasValue,
                         IntegerAttr(), IntegerAttr());
    setClamp(qmatmul, output->clamp);
    finish(b, output->chain, qmatmul);
    return true;
  }

  /// Both operands computed at run time (attention's Q x K^T and P x V):
  /// [N, M, K] x [N, K, C], each with its calibrated per-tensor type.
  FailureOr<bool> rewriteActivationMatMul(tosa::MatMulOp matmul,
                                          UniformQuantizedType lhsType) {
    std::optional<UniformQuantizedType> rhsType = typeOf(matmul.getB());
    if (!rhsType)
      return false;
    std::optional<Output> output = getOutput(matmul, {matmul});
    if (!output)
      return false;
    OpBuilder b(output->chain.back());
    Location loc = matmul.getLoc();
    auto qmatmul =
        MatMulOp::create(b, loc, withElement(output->value, output->type),
                         quantize(b, loc, matmul.getA(), lhsType),
                         quantize(b, loc, matmul.getB(), *rhsType), Value(),
                         IntegerAttr(), IntegerAttr());
    setClamp(qmatmul, output->clamp);
    finish(b, output->chain, qmatmul);
    return true;
  }

  /// A float constant stored in the activation type of its own range.
  struct QuantizedConstant {
    UniformQuantizedType type;
    DenseElementsAttr stored;
  };

  std::optional<QuantizedConstant> quantizeConstant(Value value) {
    DenseElementsAttr attr;
    if (!matchPattern(value, m_Constant(&attr)) ||
        !attr.getElementType().isF32())
      return std::nullopt;
    SmallVector<float> values = llvm::to_vector(attr.getValues<float>());
    RealRange range{0.0, 0.0};
    for (float v : values) {
      if (!std::isfinite(v))
        return std::nullopt;
      range.min = std::min(range.min, double(v));
      range.max = std::max(range.max, double(v));
    }
    UniformQuantizedType type = getActivationType(context, range, kind);
    unsigned width = type.getStorageTypeIntegralWidth();
    SmallVector<APInt> stored;
    for (float v : values) {
      double q = std::clamp(
          std::nearbyint(v / type.getScale()) + type.getZeroPoint(),
          double(type.getStorageTypeMin()), double(type.getStorageTypeMax()));
      // uint8 values keep their bit pattern in the signless storage.
      stored.push_back(APInt(width, static_cast<uint64_t>(int64_t(q)),
                             /*isSigned=*/type.isSigned()));
    }
    auto storageType = RankedTensorType::get(attr.getType().getShape(),
                                             IntegerType::get(context, width));
    return QuantizedConstant{type, DenseElementsAttr::get(storageType, stored)};
  }

  /// An add or mul of two integer activations, or of one and a constant
  /// that no table absorbed (one that varies along the tensor: a bilinear
  /// resize's weights, a positional embedding), which is then quantized
  /// over its own range.
  template <typename OpTy> FailureOr<bool> rewriteBinary(OpTy op) {
    Value lhs = op.getInput1(), rhs = op.getInput2();
    bool lhsConstant = matchPattern(lhs, m_Constant());
    bool rhsConstant = matchPattern(rhs, m_Constant());
    // Two operands computed in float (inside a normalization) stay there.
    if ((lhsConstant && rhsConstant) ||
        (!isIntegerProduced(lhs) && !isIntegerProduced(rhs)))
      return false;
    std::optional<UniformQuantizedType> lhsType, rhsType;
    std::optional<QuantizedConstant> constant;
    if (lhsConstant || rhsConstant) {
      constant = quantizeConstant(lhsConstant ? lhs : rhs);
      if (!constant)
        return false;
      (lhsConstant ? lhsType : rhsType) = constant->type;
    }
    if (!lhsType)
      lhsType = typeOf(lhs);
    if (!rhsType)
      rhsType = typeOf(rhs);
    if (!lhsType || !rhsType)
      return false;
    std::optional<Output> output = getOutput(op, {op});
    if (!output)
      return false;
    OpBuilder b(output->chain.back());
    Location loc = op.getLoc();
    auto operand = [&](Value value, bool isConstant,
                       UniformQuantizedType type) -> Value {
      if (!isConstant)
        return quantize(b, loc, value, type);
      Value stored = arith::ConstantOp::create(b, loc, constant->stored);
      return quant::StorageCastOp::create(b, loc, withElement(value, type),
                                          stored);
    };
    Value qlhs = operand(lhs, lhsConstant, *lhsType);
    Value qrhs = operand(rhs, rhsConstant, *rhsType);
    Type resultType = withElement(output->value, output->type);
    Operation *result;
    if constexpr (std::is_same_v<OpTy, tosa::AddOp>)
      result = AddOp::create(b, loc, resultType, qlhs, qrhs, IntegerAttr(),
                             IntegerAttr());
    else
      result = MulOp::create(b, loc, resultType, qlhs, qrhs, IntegerAttr(),
                             IntegerAttr());
    setClamp(result, output->clamp);
    finish(b, output->chain, result->getResult(0));
    return true;
  }

  FailureOr<bool> rewriteMaxPool(tosa::MaxPool2dOp pool) {
    std::optional<UniformQuantizedType> type = typeOf(pool.getInput());
    if (!type || !isFloatTensor(pool.getResult()))
      return false;
    // Max pooling preserves the scale: the result reuses the input's type.
    OpBuilder b(pool);
    Location loc = pool.getLoc();
    auto result = MaxPool2DOp::create(
        b, loc, withElement(pool.getResult(), *type),
        quantize(b, loc, pool.getInput(), *type), pool.getKernelAttr(),
        pool.getStrideAttr(), pool.getPadAttr(), IntegerAttr(), IntegerAttr());
    finish(b, {pool}, result);
    return true;
  }

  FailureOr<bool> rewriteAvgPool(tosa::AvgPool2dOp pool) {
    std::optional<UniformQuantizedType> inputType = typeOf(pool.getInput());
    std::optional<UniformQuantizedType> outputType = typeOf(pool.getResult());
    if (!inputType || !outputType)
      return false;
    ArrayRef<int64_t> kernel = pool.getKernel(), pad = pool.getPad();
    if (pad[0] >= kernel[0] || pad[1] >= kernel[0] || pad[2] >= kernel[1] ||
        pad[3] >= kernel[1])
      return false;
    OpBuilder b(pool);
    Location loc = pool.getLoc();
    // TOSA average pooling divides by the number of in-bounds elements.
    auto result = AvgPool2DOp::create(
        b, loc, withElement(pool.getResult(), *outputType),
        quantize(b, loc, pool.getInput(), *inputType), pool.getKernelAttr(),
        pool.getStrideAttr(), pool.getPadAttr(), b.getBoolAttr(false),
        IntegerAttr(), IntegerAttr());
    finish(b, {pool}, result);
    return true;
  }

  FailureOr<bool> rewriteConcat(tosa::ConcatOp concat) {
    std::optional<UniformQuantizedType> outputType = typeOf(concat.getResult());
    if (!outputType)
      return false;
    SmallVector<UniformQuantizedType> inputTypes;
    for (Value input : concat.getInput1()) {
      std::optional<UniformQuantizedType> type = typeOf(input);
      if (!type)
        return false;
      inputTypes.push_back(*type);
    }
    OpBuilder b(concat);
    Location loc = concat.getLoc();
    SmallVector<Value> inputs;
    for (auto [input, type] : llvm::zip(concat.getInput1(), inputTypes))
      inputs.push_back(quantize(b, loc, input, type));
    auto result =
        ConcatOp::create(b, loc, withElement(concat.getResult(), *outputType),
                         inputs, b.getI64IntegerAttr(concat.getAxis()));
    finish(b, {concat}, result);
    return true;
  }

  /// A clamp no producer absorbed: a requantization with a narrowed range.
  FailureOr<bool> rewriteClamp(tosa::ClampOp clamp) {
    std::optional<UniformQuantizedType> inputType = typeOf(clamp.getInput());
    std::optional<UniformQuantizedType> outputType = typeOf(clamp.getResult());
    if (!inputType || !outputType || !isa<FloatAttr>(clamp.getMinValAttr()) ||
        !isa<FloatAttr>(clamp.getMaxValAttr()))
      return false;
    OpBuilder b(clamp);
    Location loc = clamp.getLoc();
    FusedClamp bounds = quantizeClamp(clamp, *outputType);
    auto result = RequantizeOp::create(
        b, loc, withElement(clamp.getResult(), *outputType),
        quantize(b, loc, clamp.getInput(), *inputType),
        b.getI64IntegerAttr(bounds.min), b.getI64IntegerAttr(bounds.max));
    finish(b, {clamp}, result);
    return true;
  }

  /// Unary functions of one 8-bit value become a 256-entry table built at
  /// compile time. Tables need 8-bit inputs: an int16 op uses the default
  /// 8-bit type here.
  FailureOr<bool> rewriteTable(Operation *op,
                               llvm::function_ref<double(double)> function) {
    return rewriteLookup({op}, op->getOperand(0), op->getResult(0),
                         [&](double x) { return function(x); });
  }

  /// The only user of `value`, if it has exactly one.
  static Operation *getOnlyUser(Value value) {
    return value.hasOneUse() ? *value.getUsers().begin() : nullptr;
  }

  /// The softmax over the last axis as importers decompose it,
  ///   m = reduce_max(x); e = exp(x - m); y = e * reciprocal(reduce_sum(e)),
  /// becomes qcc.softmax: 8-bit in, 8-bit probabilities out, with the
  /// exponentials tabulated here from the input scale.
  FailureOr<bool> rewriteSoftmax(tosa::ReduceMaxOp max) {
    Value x = max.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    if (max.getAxis() != type.getRank() - 1 || !isIntegerProduced(x))
      return false;
    auto sub = dyn_cast_or_null<tosa::SubOp>(getOnlyUser(max.getResult()));
    if (!sub || sub.getInput1() != x || sub.getInput2() != max.getResult())
      return false;
    auto exp = dyn_cast_or_null<tosa::ExpOp>(getOnlyUser(sub.getResult()));
    if (!exp)
      return false;
    tosa::ReduceSumOp sum;
    tosa::MulOp normalize;
    for (Operation *user : exp->getUsers()) {
      if (auto reduce = dyn_cast<tosa::ReduceSumOp>(user))
        sum = reduce;
      else if (auto mul = dyn_cast<tosa::MulOp>(user))
        normalize = mul;
      else
        return false;
    }
    if (!sum || !normalize || sum.getAxis() != max.getAxis() ||
        !llvm::hasNItems(exp->getUsers(), 2))
      return false;
    auto reciprocal =
        dyn_cast_or_null<tosa::ReciprocalOp>(getOnlyUser(sum.getResult()));
    if (!reciprocal || getOnlyUser(reciprocal.getResult()) != normalize ||
        normalize.getType() != type)
      return false;
    SmallVector<Operation *> chain = {max, sub,        exp,
                                      sum, reciprocal, normalize};
    if (llvm::any_of(chain, [](Operation *op) {
          return getPrecision(op) == Precision::Float;
        }))
      return false;
    kind = defaultKind;
    std::optional<UniformQuantizedType> inputType = typeOf(x);
    if (!inputType)
      return false;

    // exp_table[d] = round(2^16 * exp(-s_x * d)), d = max - x.
    SmallVector<int32_t> table;
    for (int64_t d = 0; d < 256; ++d)
      table.push_back(static_cast<int32_t>(
          std::nearbyint(0x1p16 * std::exp(-inputType->getScale() * d))));
    // The probabilities' calibrated range, or all of [0, 1].
    std::optional<UniformQuantizedType> outputType =
        typeOf(normalize.getResult());
    if (!outputType)
      outputType = getActivationType(context, RealRange{0.0, 1.0}, kind);
    OpBuilder b(normalize);
    Location loc = normalize.getLoc();
    auto result = SoftmaxOp::create(
        b, loc, withElement(normalize.getResult(), *outputType),
        quantize(b, loc, x, *inputType),
        DenseIntElementsAttr::get(RankedTensorType::get({256}, b.getI32Type()),
                                  ArrayRef<int32_t>(table)));
    finish(b, chain, result);
    return true;
  }

  /// A reshape of `value` (float or quantized) to `shape`.
  static Value reshape(OpBuilder &b, Location loc, Value value,
                       ArrayRef<int64_t> shape) {
    auto type = cast<RankedTensorType>(value.getType());
    Value shapeValue = tosa::ConstShapeOp::create(
        b, loc, tosa::shapeType::get(b.getContext(), shape.size()),
        DenseIntElementsAttr::get(
            RankedTensorType::get({static_cast<int64_t>(shape.size())},
                                  b.getIndexType()),
            shape));
    return tosa::ReshapeOp::create(b, loc, type.clone(shape), value,
                                   shapeValue);
  }

  /// The mean over one axis as importers write ReduceMean,
  /// mul(reduce_sum(x), 1/k), becomes an average pool over a [P, k, 1, Q]
  /// view of x (P and Q the sizes before and after the axis), so its one
  /// rounding is the pool's. A mean that centers x (a normalization's)
  /// stays float with it.
  FailureOr<bool> rewriteMean(tosa::ReduceSumOp sum) {
    Value x = sum.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    auto mul = dyn_cast_or_null<tosa::MulOp>(getOnlyUser(sum.getResult()));
    if (!mul || !type.hasStaticShape() || !isIntegerProduced(x) ||
        getPrecision(sum) == Precision::Float ||
        getPrecision(mul) == Precision::Float)
      return false;
    int64_t axis = sum.getAxis(), length = type.getDimSize(axis);
    Value scale =
        mul.getInput1() == sum.getResult() ? mul.getInput2() : mul.getInput1();
    std::optional<double> factor = matchSplatFloat(scale);
    if (!factor || !hasNoShift(mul) || mul.getType() != sum.getType() ||
        std::fabs(*factor * double(length) - 1.0) > 1e-6)
      return false;
    if (llvm::any_of(mul->getUsers(), [&](Operation *user) {
          return isa<tosa::SubOp>(user) && user->getOperand(0) == x;
        }))
      return false;
    kind = defaultKind;
    std::optional<UniformQuantizedType> inputType = typeOf(x);
    std::optional<UniformQuantizedType> outputType = typeOf(mul.getResult());
    if (!inputType || !outputType)
      return false;
    int64_t before = 1, after = 1;
    for (int64_t d = 0; d < axis; ++d)
      before *= type.getDimSize(d);
    for (int64_t d = axis + 1; d < type.getRank(); ++d)
      after *= type.getDimSize(d);

    OpBuilder b(mul);
    Location loc = mul.getLoc();
    Value view = reshape(b, loc, x, {before, length, 1, after});
    auto poolType = RankedTensorType::get({before, 1, 1, after}, *outputType);
    auto pool = AvgPool2DOp::create(
        b, loc, poolType, quantize(b, loc, view, *inputType),
        b.getDenseI64ArrayAttr({length, 1}), b.getDenseI64ArrayAttr({1, 1}),
        b.getDenseI64ArrayAttr({0, 0, 0, 0}), b.getBoolAttr(false),
        IntegerAttr(), IntegerAttr());
    if (auto index = layerIndex.find(mul); index != layerIndex.end())
      setLayerIndex(pool, index->second);
    // Back to the reduced shape on the integer side (reshapes move stored
    // values unchanged).
    finish(b, {sum, mul}, reshape(b, loc, pool, mul.getType().getShape()));
    return true;
  }

  /// Whether `value` is computed in integers (possibly moved by data
  /// movement or pads, which the cleanup moves into the integer domain) or
  /// is a model input.
  static bool isIntegerProduced(Value value) {
    while (Operation *producer = value.getDefiningOp()) {
      if (isa<DequantizeOp>(producer))
        return true;
      if (!isDataMovement(producer) && !isa<tosa::PadOp>(producer))
        return false;
      value = producer->getOperand(0);
    }
    return true;
  }

  /// A group of elementwise float ops computing a function of one tensor
  /// (hard-swish, SiLU, GELU, a scaling; see ElementwiseCluster.h) becomes
  /// one table. Single ops another rewrite handles keep that rewrite, and
  /// tensors computed in float stay float: quantizing one there only adds
  /// error.
  FailureOr<bool> rewriteCluster(Operation *seed) {
    std::optional<ElementwiseCluster> cluster = findElementwiseCluster(seed);
    if (!cluster || !isIntegerProduced(cluster->input))
      return false;
    if (cluster->ops.size() == 1 &&
        isa<tosa::ClampOp, tosa::SigmoidOp, tosa::TanhOp>(seed))
      return false;
    if (llvm::any_of(cluster->ops, [](Operation *op) {
          return getPrecision(op) == Precision::Float;
        }))
      return false;
    // The value that leaves the cluster is replaced, so its op comes last.
    Operation *last = cluster->output.getDefiningOp();
    SmallVector<Operation *> chain;
    for (Operation *op : cluster->ops)
      if (op != last)
        chain.push_back(op);
    chain.push_back(last);
    return rewriteLookup(chain, cluster->input, cluster->output,
                         [&](double x) { return cluster->evaluate(x); });
  }

  /// Replaces `chain`, which computes `output = f(input)` elementwise, by a
  /// lookup in the table of f: over the 8-bit input type, or for an int16
  /// op, at every 128th int16 value with linear interpolation in between
  /// (qcc.lookup's int16 contract), so that 16x8 layers keep 16-bit
  /// precision through their activation functions.
  FailureOr<bool>
  rewriteLookup(ArrayRef<Operation *> chain, Value input, Value output,
                llvm::function_ref<std::optional<double>(double)> function) {
    if (kind != ActivationKind::Int16)
      kind = defaultKind;
    std::optional<UniformQuantizedType> inputType = typeOf(input);
    std::optional<UniformQuantizedType> outputType = typeOf(output);
    if (!inputType || !outputType)
      return false;
    bool interpolated = inputType->getStorageTypeIntegralWidth() == 16;
    if ((interpolated && !inputType->isSigned()) ||
        (!interpolated && inputType->getStorageTypeIntegralWidth() != 8))
      return false;
    SmallVector<int64_t> samples;
    if (interpolated) {
      for (int64_t i = 0; i <= 512; ++i)
        samples.push_back(-32768 + 128 * i);
    } else {
      for (int64_t q = inputType->getStorageTypeMin();
           q <= inputType->getStorageTypeMax(); ++q)
        samples.push_back(q);
    }
    SmallVector<int64_t> table;
    double lo = outputType->getStorageTypeMin();
    double hi = outputType->getStorageTypeMax();
    for (int64_t q : samples) {
      double real =
          double(q - inputType->getZeroPoint()) * inputType->getScale();
      std::optional<double> value = function(real);
      if (!value)
        return false;
      // Infinities saturate like every other out-of-range value.
      double y = std::isinf(*value)
                     ? (*value > 0 ? hi : lo)
                     : std::nearbyint(*value / outputType->getScale()) +
                           outputType->getZeroPoint();
      table.push_back(static_cast<int64_t>(std::clamp(y, lo, hi)));
    }
    OpBuilder b(chain.back());
    Location loc = chain.back()->getLoc();
    unsigned width = outputType->getStorageTypeIntegralWidth();
    auto tableType = RankedTensorType::get({static_cast<int64_t>(table.size())},
                                           b.getIntegerType(width));
    // Stored as the result's bit pattern (u8 values wrap into i8).
    SmallVector<APInt> entries;
    for (int64_t entry : table)
      entries.push_back(APInt(width, static_cast<uint64_t>(entry),
                              /*isSigned=*/entry < 0, /*implicitTrunc=*/true));
    auto result = LookupOp::create(
        b, loc, withElement(output, *outputType),
        quantize(b, loc, input, *inputType),
        cast<DenseIntElementsAttr>(DenseElementsAttr::get(tableType, entries)));
    finish(b, chain, result);
    return true;
  }

  MLIRContext *context;
  bool perTensorWeights;
  /// The activation kind of int8-precision ops (int8 or uint8).
  ActivationKind defaultKind;
  /// The activation kind of the op being rewritten.
  ActivationKind kind;
  /// The range of the float value each rewrite's dequantize replaced.
  DenseMap<Value, RealRange> producedRanges;

public:
  /// Every op a rewrite erased (the rewritten op and its fused followers).
  DenseSet<Operation *> erased;
  /// Position of every TOSA op in the function before quantization.
  DenseMap<Operation *, int64_t> layerIndex;
};

struct QuantizePass : public qcc::impl::QuantizePassBase<QuantizePass> {
  using QuantizePassBase::QuantizePassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    Quantizer quantizer(&getContext(), perTensorWeights, activationType);
    // Rewrite in program order; ops erased as part of an earlier fused chain
    // are skipped.
    SmallVector<Operation *> ops;
    func.walk([&](Operation *op) {
      if (op->getDialect() && op->getDialect()->getNamespace() == "tosa") {
        quantizer.layerIndex[op] = ops.size();
        ops.push_back(op);
      }
    });
    for (Operation *op : ops) {
      if (quantizer.erased.contains(op))
        continue;
      if (failed(quantizer.rewrite(op)))
        return signalPassFailure();
    }

    RewritePatternSet patterns(&getContext());
    populateQuantizationCleanupPatterns(patterns);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
