//===- RemoveDeadChannels.cpp - drop all-zero convolution channels --------===//
//
// Pruned networks carry output channels whose weights are all zero. Such a
// channel is a constant, and when its only reader is the next convolution,
// the constant folds into that convolution's bias and both lose the channel.
//
//===----------------------------------------------------------------------===//

#include "qcc/Quantization/Passes.h"

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

namespace qcc {
#define GEN_PASS_DEF_REMOVEDEADCHANNELSPASS
#include "qcc/Quantization/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

static std::optional<SmallVector<float>> getF32Values(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) || !attr.getElementType().isF32())
    return std::nullopt;
  return llvm::to_vector(attr.getValues<float>());
}

static Value createF32Const(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                            ArrayRef<float> values) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return tosa::ConstOp::create(b, loc, type,
                               DenseElementsAttr::get(type, values));
}

/// conv2d -> [clamp] -> conv2d, the producer's result read only there.
struct ConvPair {
  tosa::Conv2DOp producer;
  tosa::ClampOp clamp; // May be null.
  tosa::Conv2DOp consumer;
};

static std::optional<ConvPair> matchPair(tosa::Conv2DOp producer) {
  Value value = producer.getResult();
  if (!value.hasOneUse())
    return std::nullopt;
  ConvPair pair{producer, {}, {}};
  Operation *user = *value.getUsers().begin();
  if (auto clamp = dyn_cast<tosa::ClampOp>(user)) {
    if (!isa<FloatAttr>(clamp.getMinValAttr()) ||
        !isa<FloatAttr>(clamp.getMaxValAttr()) || !clamp->hasOneUse())
      return std::nullopt;
    pair.clamp = clamp;
    user = *clamp->getUsers().begin();
  }
  pair.consumer = dyn_cast<tosa::Conv2DOp>(user);
  Value read = pair.clamp ? pair.clamp.getResult() : value;
  if (!pair.consumer || pair.consumer.getInput() != read)
    return std::nullopt;
  return pair;
}

/// Removes the dead channels of `pair.producer`; returns how many, and sets
/// `newConsumer` to the consumer's replacement when it did.
static int64_t removeDeadChannels(ConvPair pair, tosa::Conv2DOp &newConsumer) {
  tosa::Conv2DOp a = pair.producer, b = pair.consumer;
  auto aWeightType = cast<RankedTensorType>(a.getWeight().getType());
  auto bWeightType = cast<RankedTensorType>(b.getWeight().getType());
  auto aType = cast<RankedTensorType>(a.getType());
  std::optional<SmallVector<float>> aWeights = getF32Values(a.getWeight());
  std::optional<SmallVector<float>> aBias = getF32Values(a.getBias());
  std::optional<SmallVector<float>> bWeights = getF32Values(b.getWeight());
  std::optional<SmallVector<float>> bBias = getF32Values(b.getBias());
  if (!aWeights || !aBias || !bWeights || !bBias ||
      !aWeightType.hasStaticShape() || !bWeightType.hasStaticShape() ||
      !aType.hasStaticShape())
    return 0;
  int64_t channels = aWeightType.getDimSize(0);
  int64_t perChannel = aWeightType.getNumElements() / channels;
  int64_t outputs = bWeightType.getDimSize(0);
  int64_t taps = bWeightType.getDimSize(1) * bWeightType.getDimSize(2);
  if (bWeightType.getDimSize(3) != channels ||
      (aBias->size() != 1 && static_cast<int64_t>(aBias->size()) != channels))
    return 0;
  if (bBias->size() == 1)
    bBias->assign(outputs, (*bBias)[0]);
  if (static_cast<int64_t>(bBias->size()) != outputs)
    return 0;
  bool consumerPads =
      llvm::any_of(b.getPad(), [](int64_t pad) { return pad != 0; });

  // Dead channels whose constant c = act(bias) the consumer can absorb.
  SmallVector<bool> removed(channels, false);
  SmallVector<double> constants(channels, 0.0);
  int64_t count = 0;
  for (int64_t o = 0; o < channels; ++o) {
    ArrayRef<float> row(aWeights->data() + o * perChannel, perChannel);
    if (llvm::any_of(row, [](float w) { return w != 0.0f; }))
      continue;
    double constant = (*aBias)[aBias->size() == 1 ? 0 : o];
    if (pair.clamp)
      constant = std::clamp(
          constant,
          cast<FloatAttr>(pair.clamp.getMinValAttr()).getValueAsDouble(),
          cast<FloatAttr>(pair.clamp.getMaxValAttr()).getValueAsDouble());
    if (constant != 0.0 && consumerPads)
      continue;
    removed[o] = true;
    constants[o] = constant;
    ++count;
  }
  // Keep one channel: an empty tensor is not a layer.
  if (count == channels) {
    removed[0] = false;
    --count;
  }
  if (count == 0)
    return 0;
  for (int64_t o = 0; o < channels; ++o) {
    if (!removed[o])
      continue;
    for (int64_t j = 0; j < outputs; ++j) {
      double sum = 0.0;
      for (int64_t t = 0; t < taps; ++t)
        sum += (*bWeights)[(j * taps + t) * channels + o];
      (*bBias)[j] += static_cast<float>(constants[o] * sum);
    }
  }

  SmallVector<float> keptWeights, keptBias, consumerWeights;
  for (int64_t o = 0; o < channels; ++o) {
    if (removed[o])
      continue;
    llvm::append_range(
        keptWeights,
        ArrayRef<float>(aWeights->data() + o * perChannel, perChannel));
    keptBias.push_back((*aBias)[aBias->size() == 1 ? 0 : o]);
  }
  for (int64_t i = 0; i < outputs * taps; ++i)
    for (int64_t o = 0; o < channels; ++o)
      if (!removed[o])
        consumerWeights.push_back((*bWeights)[i * channels + o]);

  int64_t kept = channels - count;
  OpBuilder builder(a);
  Location loc = a.getLoc();
  SmallVector<int64_t> aWeightShape(aWeightType.getShape());
  aWeightShape[0] = kept;
  SmallVector<int64_t> bWeightShape(bWeightType.getShape());
  bWeightShape[3] = kept;
  SmallVector<int64_t> resultShape(aType.getShape());
  resultShape.back() = kept;
  auto resultType = aType.clone(resultShape);

  Value newWeights = createF32Const(builder, loc, aWeightShape, keptWeights);
  Value newBias = createF32Const(builder, loc, {kept}, keptBias);
  Operation *newA = builder.clone(*a);
  newA->setOperand(1, newWeights);
  newA->setOperand(2, newBias);
  newA->getResult(0).setType(resultType);
  Value read = newA->getResult(0);
  if (pair.clamp) {
    builder.setInsertionPoint(pair.clamp);
    Operation *newClamp = builder.clone(*pair.clamp);
    newClamp->setOperand(0, read);
    newClamp->getResult(0).setType(resultType);
    read = newClamp->getResult(0);
  }
  builder.setInsertionPoint(b);
  Value consumerWeightValue =
      createF32Const(builder, b.getLoc(), bWeightShape, consumerWeights);
  Value consumerBias = createF32Const(builder, b.getLoc(), {outputs}, *bBias);
  Operation *newB = builder.clone(*b);
  newB->setOperand(0, read);
  newB->setOperand(1, consumerWeightValue);
  newB->setOperand(2, consumerBias);
  b.getResult().replaceAllUsesWith(newB->getResult(0));
  newConsumer = cast<tosa::Conv2DOp>(newB);
  b->erase();
  if (pair.clamp)
    pair.clamp->erase();
  a->erase();
  return count;
}

struct RemoveDeadChannelsPass
    : public qcc::impl::RemoveDeadChannelsPassBase<RemoveDeadChannelsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // In program order; a rewrite replaces the consumer, which may produce
    // for the next pair, so its entry follows the replacement.
    SmallVector<tosa::Conv2DOp> convs;
    DenseMap<Operation *, size_t> position;
    func.walk([&](tosa::Conv2DOp conv) {
      position[conv] = convs.size();
      convs.push_back(conv);
    });
    int64_t total = 0;
    for (tosa::Conv2DOp conv : convs) {
      std::optional<ConvPair> pair = matchPair(conv);
      if (!pair)
        continue;
      size_t consumerPosition = position.lookup(pair->consumer);
      tosa::Conv2DOp newConsumer;
      int64_t removed = removeDeadChannels(*pair, newConsumer);
      if (removed == 0)
        continue;
      total += removed;
      convs[consumerPosition] = newConsumer;
      position[newConsumer] = consumerPosition;
    }
    if (total != 0)
      setDeadChannels(func, getDeadChannels(func) + total);
  }
};

} // namespace
