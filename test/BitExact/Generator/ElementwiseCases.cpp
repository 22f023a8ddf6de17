//===- ElementwiseCases.cpp - add and mul cases ---------------------------===//

#include "Cases.h"
#include "Sampling.h"

#include <cstdlib>

namespace qcc::bitexact {

using namespace qcc::ref;

namespace {
enum class BinaryVariant {
  SameShape,
  TrailingBroadcast, // rhs has fewer dimensions.
  MutualBroadcast,   // Both operands have size-1 dimensions.
  ScalarOperand,
  MixedStorage,
  Count
};

const char *binaryVariantName(BinaryVariant variant) {
  static const char *names[] = {"same-shape", "trailing-broadcast",
                                "mutual-broadcast", "scalar", "mixed-storage"};
  return names[static_cast<int>(variant)];
}

/// A pair of shapes that broadcast to `shape` as the variant asks.
std::pair<Shape, Shape> pickOperandShapes(Random &random, const Shape &shape,
                                          BinaryVariant variant) {
  Shape lhs = shape, rhs = shape;
  switch (variant) {
  case BinaryVariant::TrailingBroadcast:
    rhs.erase(rhs.begin(), rhs.begin() + random.uniform(1, rhs.size()));
    if (rhs.empty())
      rhs = {1};
    break;
  case BinaryVariant::MutualBroadcast:
    for (size_t dim = 0; dim < shape.size(); ++dim) {
      int64_t draw = random.uniform(0, 2);
      if (draw == 0)
        lhs[dim] = 1;
      else if (draw == 1)
        rhs[dim] = 1;
    }
    break;
  case BinaryVariant::ScalarOperand:
    (random.percent(50) ? lhs : rhs) = Shape(random.uniform(1, 2), 1);
    break;
  default:
    break;
  }
  if (random.percent(50))
    std::swap(lhs, rhs);
  return {lhs, rhs};
}

struct BinaryOperands {
  QTensor lhs, rhs;
  QuantType resultType;
  BinaryVariant variant;
  RatioStyle style;
};

/// Shapes, storage types and values of a binary case; the scales are set by
/// the caller (add and mul relate them differently).
BinaryOperands pickBinaryOperands(Random &random, int64_t index) {
  BinaryOperands operands;
  operands.variant = static_cast<BinaryVariant>(
      index % static_cast<int64_t>(BinaryVariant::Count));
  operands.style = pickRatioStyle(random);
  Shape shape = pickShape(random, 1, 4, 6);
  auto [lhsShape, rhsShape] =
      pickOperandShapes(random, shape, operands.variant);
  bool mixed = operands.variant == BinaryVariant::MixedStorage;
  Storage lhsStorage = mixed ? pickStorage(random) : Storage::I8;
  Storage rhsStorage = mixed ? pickStorage(random) : Storage::I8;
  Storage resultStorage = mixed ? pickStorage(random) : Storage::I8;
  if (!mixed && random.percent(40))
    lhsStorage = rhsStorage = resultStorage = pickStorage(random);
  operands.lhs =
      randomTensor(random, lhsShape, pickType(random, lhsStorage, 1.0));
  operands.rhs =
      randomTensor(random, rhsShape, pickType(random, rhsStorage, 1.0));
  operands.resultType = pickResultType(random, resultStorage, 1.0);
  return operands;
}

Case binaryCase(const char *opName, BinaryOperands operands,
                const ActivationRange &activation, QTensor expected) {
  Case result;
  result.summary = std::string(binaryVariantName(operands.variant)) + " " +
                   ratioStyleName(operands.style) + ": " +
                   describeShape(operands.lhs.shape) + " " +
                   describeType(operands.lhs.type) + ", " +
                   describeShape(operands.rhs.shape) + " " +
                   describeType(operands.rhs.type) + " -> " +
                   describeType(operands.resultType);
  result.opName = opName;
  result.operands = {Operand{std::move(operands.lhs)},
                     Operand{std::move(operands.rhs)}};
  result.attributes = AttributeList().addActivation(activation).str();
  result.expected = std::move(expected);
  return result;
}
} // namespace

Result<Case> makeAddCase(Random &random, int64_t index) {
  BinaryOperands operands = pickBinaryOperands(random, index);
  int typicalExponent = storageBits(operands.resultType.storage) -
                        storageBits(operands.lhs.type.storage) - 1;
  RatioScales scales =
      pickRatioScales(random, operands.style, 2, false, typicalExponent);
  operands.lhs.type.scales = {scales.inputs[0]};
  operands.rhs.type.scales = {scales.inputs[1]};
  operands.resultType.scales = {scales.outputs[0]};
  // Sometimes one operand already has the result's scale (ratio exactly 1).
  if (random.percent(15))
    operands.lhs.type.scales = operands.resultType.scales;
  ActivationRange activation = pickActivation(random, operands.resultType);
  Result<QTensor> expected =
      add(operands.lhs, operands.rhs, operands.resultType, activation);
  if (!expected)
    return Failure{expected.error()};
  return binaryCase("qcc.add", std::move(operands), activation,
                    std::move(*expected));
}

Result<Case> makeMulCase(Random &random, int64_t index) {
  BinaryOperands operands = pickBinaryOperands(random, index);
  if (operands.style == RatioStyle::Tie && random.percent(60)) {
    // Products of full-range values need ratios near 2^-12, whose ties are
    // rare; small products with ratios odd * 2^-m tie often.
    for (QTensor *operand : {&operands.lhs, &operands.rhs})
      operand->values = pickValuesNear(random, numElements(operand->shape),
                                       operand->type, random.uniform(1, 11));
  }
  double typicalProduct = 1.0;
  for (const QTensor *operand : {&operands.lhs, &operands.rhs}) {
    int64_t deviation = 1;
    for (int32_t value : operand->values)
      deviation = std::max<int64_t>(
          deviation, std::abs(value - operand->type.zeroPoint()));
    typicalProduct *= static_cast<double>(deviation) / 2.0;
  }
  int typicalExponent = storageBits(operands.resultType.storage) - 2 -
                        exponentOf(std::max(typicalProduct, 1.0));
  RatioScales scales =
      pickRatioScales(random, operands.style, 1, false, typicalExponent);
  auto [lhsScale, rhsScale] = splitScale(random, scales.inputs[0], scales.base);
  operands.lhs.type.scales = {lhsScale};
  operands.rhs.type.scales = {rhsScale};
  operands.resultType.scales = {scales.outputs[0]};
  ActivationRange activation = pickActivation(random, operands.resultType);
  Result<QTensor> expected =
      mul(operands.lhs, operands.rhs, operands.resultType, activation);
  if (!expected)
    return Failure{expected.error()};
  return binaryCase("qcc.mul", std::move(operands), activation,
                    std::move(*expected));
}

} // namespace qcc::bitexact
