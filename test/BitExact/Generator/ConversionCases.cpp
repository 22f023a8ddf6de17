//===- ConversionCases.cpp - quantize, dequantize, requantize, concat -----===//
//
// Also clamp and lookup: the ops that work element by element on one
// quantized input.
//
//===----------------------------------------------------------------------===//

#include "Cases.h"
#include "MlirText.h"
#include "Sampling.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace qcc::bitexact {

using namespace qcc::ref;

Shape pickShape(Random &random, int64_t minRank, int64_t maxRank,
                int64_t maxDim) {
  Shape shape(random.uniform(minRank, maxRank));
  for (int64_t &dim : shape)
    dim = random.uniform(1, maxDim);
  return shape;
}

std::string describeShape(const Shape &shape) {
  std::string text;
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "x" : "") + std::to_string(shape[i]);
  return text.empty() ? "scalar" : text;
}

static Operand argument(QTensor tensor) { return Operand{std::move(tensor)}; }

/// The scales of a per-tensor or per-axis type over `shape`: one scale, or
/// one per index of a random axis. Returns the axis (-1 for per tensor).
static int64_t pickAxis(Random &random, const Shape &shape, int percent) {
  if (shape.empty() || !random.percent(percent))
    return -1;
  return random.uniform(0, static_cast<int64_t>(shape.size()) - 1);
}

//===----------------------------------------------------------------------===//
// quantize
//===----------------------------------------------------------------------===//

static float floatFromBits(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

/// One f32 input for a channel with scale `scale` and zero point `zero`:
/// exact ties (k + 0.5) * s and their neighbours, values at the saturation
/// edges, arbitrary reals, and IEEE special values.
static float pickQuantizeInput(Random &random, float scale, int64_t zero,
                               const QuantType &type) {
  int64_t k = random.uniform(type.qmin - zero - 3, type.qmax - zero + 2);
  switch (random.uniform(0, 9)) {
  case 0:
  case 1:
  case 2: // (k + 0.5) * s: an exact tie when the product is exact in f32.
    return (static_cast<float>(k) + 0.5f) * scale;
  case 3: // One ulp next to a tie.
    return std::nextafter((static_cast<float>(k) + 0.5f) * scale,
                          random.percent(50) ? INFINITY : -INFINITY);
  case 4: // Exactly representable.
    return static_cast<float>(k) * scale;
  case 5:
  case 6: // Anything in and somewhat beyond the range.
    return static_cast<float>(
        (static_cast<double>(k) + random.mantissa(30) - 1.0) * scale);
  case 7: // Far outside the range.
    return static_cast<float>(k) * scale * 1e6f;
  default: {
    static const uint32_t specials[] = {
        0x7fc00000, // NaN
        0xffc00000, // -NaN
        0x7fa00001, // signaling NaN with a payload
        0x7f800000, // +inf
        0xff800000, // -inf
        0x00000000, // +0
        0x80000000, // -0
        0x7f7fffff, // FLT_MAX
        0xff7fffff, // -FLT_MAX
        0x00800000, // FLT_MIN, the smallest normal
        0x00600000, // a subnormal: 0.75 * 2^-126
    };
    return floatFromBits(specials[random.uniform(0, 10)]);
  }
  }
}

Result<Case> makeQuantizeCase(Random &random, int64_t variant) {
  Shape shape = pickShape(random, 1, 4, 6);
  Storage storage = pickStorage(random);
  int64_t axis = pickAxis(random, shape, 35);
  int64_t channels = axis < 0 ? 1 : shape[axis];
  // Tie-friendly scales odd * 2^k make (k + 0.5) * s exact; arbitrary ones
  // are full doubles whose f32 rounding matters; the smallest f32 normal
  // scale makes subnormal inputs count.
  const char *style = variant % 3 == 0   ? "tie"
                      : variant % 3 == 1 ? "arbitrary"
                                         : "extreme";
  std::vector<double> scales;
  for (int64_t c = 0; c < channels; ++c) {
    if (variant % 3 == 0)
      scales.push_back(std::ldexp(static_cast<double>(random.odd(31)),
                                  static_cast<int>(random.uniform(-24, 6))));
    else if (variant % 3 == 1)
      scales.push_back(pickScale(random, -30, 12));
    else
      scales.push_back(random.percent(50) ? 0x1p-126
                                          : pickScale(random, -126, 100));
  }
  QuantType type = axis < 0 ? pickType(random, storage, scales[0])
                            : pickPerAxisType(random, storage, axis, scales);
  FloatTensor input{shape, {}};
  QTensor layout{shape, {}, type};
  for (int64_t i = 0; i < numElements(shape); ++i) {
    int64_t channel = layout.channelOf(i);
    float scale = static_cast<float>(type.scale(channel));
    input.values.push_back(
        scale == 0x1p-126f && random.percent(30)
            ? floatFromBits(static_cast<uint32_t>(random.uniform(1, 0x7fffff)))
            : pickQuantizeInput(random, scale, type.zeroPoint(channel), type));
  }
  Result<QTensor> expected = quantize(input, type);
  if (!expected)
    return Failure{expected.error()};
  Case result;
  result.summary = std::string(style) + " " + describeShape(shape) + " -> " +
                   describeType(type);
  result.opName = "qcc.quantize";
  result.operands = {Operand{input}};
  result.syntax = OpSyntax::InputToResult;
  result.expected = std::move(*expected);
  return result;
}

//===----------------------------------------------------------------------===//
// dequantize
//===----------------------------------------------------------------------===//

Result<Case> makeDequantizeCase(Random &random, int64_t variant) {
  Shape shape = pickShape(random, 1, 4, 6);
  Storage storage = pickStorage(random);
  int64_t axis = pickAxis(random, shape, 35);
  int64_t channels = axis < 0 ? 1 : shape[axis];
  std::vector<double> scales;
  for (int64_t c = 0; c < channels; ++c) {
    switch (variant % 3) {
    case 0: // Full doubles: f32(s) rounds.
      scales.push_back(pickScale(random, -40, 30));
      break;
    case 1: // Exact in f32: products with q - z are often exact too.
      scales.push_back(pickShortScale(random, -30, 20));
      break;
    default: // Extremes of the f32 range (products may overflow to inf).
      scales.push_back(random.percent(50) ? pickScale(random, -126, -100)
                                          : pickScale(random, 100, 126));
      break;
    }
  }
  QuantType type = axis < 0 ? pickType(random, storage, scales[0])
                            : pickPerAxisType(random, storage, axis, scales);
  QTensor input = randomTensor(random, shape, type);
  Case result;
  result.summary = describeShape(shape) + " " + describeType(type);
  result.opName = "qcc.dequantize";
  result.operands = {argument(input)};
  result.syntax = OpSyntax::InputToResult;
  result.expected = dequantize(input);
  return result;
}

//===----------------------------------------------------------------------===//
// requantize
//===----------------------------------------------------------------------===//

Result<Case> makeRequantizeCase(Random &random, int64_t variant) {
  Shape shape = pickShape(random, 1, 4, 6);
  RatioStyle style = pickRatioStyle(random);
  // Variants alternate per-tensor, per-axis to per-tensor, per-axis to
  // per-axis.
  int64_t axis =
      variant % 3 == 0
          ? -1
          : random.uniform(0, static_cast<int64_t>(shape.size()) - 1);
  bool perAxisResult = variant % 3 == 2;
  int64_t channels = axis < 0 ? 1 : shape[axis];
  Storage inputStorage = pickStorage(random);
  Storage resultStorage = pickStorage(random);
  // Typical ratio: map the input's range onto the result's.
  int typicalExponent = storageBits(resultStorage) - storageBits(inputStorage);
  RatioScales scales =
      pickRatioScales(random, style, channels, perAxisResult, typicalExponent);
  QuantType inputType =
      axis < 0 ? pickType(random, inputStorage, scales.inputs[0])
               : pickPerAxisType(random, inputStorage, axis, scales.inputs);
  QuantType resultType =
      perAxisResult
          ? pickPerAxisType(random, resultStorage, axis, scales.outputs)
          : pickResultType(random, resultStorage, scales.outputs[0]);
  QTensor input = randomTensor(random, shape, inputType);
  ActivationRange activation = pickActivation(random, resultType);
  Result<QTensor> expected = requantize(input, resultType, activation);
  if (!expected)
    return Failure{expected.error()};
  Case result;
  result.summary = std::string(ratioStyleName(style)) + " " +
                   describeShape(shape) + " " + describeType(inputType) +
                   " -> " + describeType(resultType);
  result.opName = "qcc.requantize";
  result.operands = {argument(input)};
  result.attributes = AttributeList().addActivation(activation).str();
  result.syntax = OpSyntax::InputToResult;
  result.expected = std::move(*expected);
  return result;
}

//===----------------------------------------------------------------------===//
// concat
//===----------------------------------------------------------------------===//

Result<Case> makeConcatCase(Random &random, int64_t variant) {
  Shape shape = pickShape(random, 1, 4, 5);
  auto axis = random.uniform(0, static_cast<int64_t>(shape.size()) - 1);
  int64_t numInputs = 1 + variant % 4;
  RatioStyle style = pickRatioStyle(random);
  Storage resultStorage = pickStorage(random);
  RatioScales scales =
      pickRatioScales(random, style, numInputs, /*perChannelOutput=*/false, 0);
  QuantType resultType =
      pickResultType(random, resultStorage, scales.outputs[0]);

  std::vector<QTensor> inputs;
  Case result;
  result.summary = std::string(ratioStyleName(style)) + " axis " +
                   std::to_string(axis) + ":";
  for (int64_t i = 0; i < numInputs; ++i) {
    Shape inputShape = shape;
    inputShape[axis] = random.uniform(1, 4);
    // Some inputs already have the result type: concat must not change them.
    QuantType type = random.percent(30) ? resultType
                                        : pickType(random, pickStorage(random),
                                                   scales.inputs[i]);
    inputs.push_back(randomTensor(random, inputShape, type));
    result.operands.push_back(argument(inputs.back()));
    result.summary +=
        " " + describeShape(inputShape) + " " + describeType(type);
  }
  Result<QTensor> expected = concat(inputs, axis, resultType);
  if (!expected)
    return Failure{expected.error()};
  result.summary += " -> " + describeType(resultType);
  result.opName = "qcc.concat";
  result.attributes = AttributeList().addI64("axis", axis).str();
  result.expected = std::move(*expected);
  return result;
}

//===----------------------------------------------------------------------===//
// clamp
//===----------------------------------------------------------------------===//

Result<Case> makeClampCase(Random &random, int64_t variant) {
  Shape shape = pickShape(random, 1, 4, 6);
  QuantType type =
      pickType(random, pickStorage(random), pickScale(random, -20, 5));
  QTensor input = randomTensor(random, shape, type);
  int64_t lo = type.qmin, hi = type.qmax;
  switch (variant % 4) {
  case 0: // relu
    lo = type.zeroPoint();
    break;
  case 1: // A random sub-range.
    lo = random.uniform(type.qmin, type.qmax);
    hi = random.uniform(lo, type.qmax);
    break;
  case 2: // A single value.
    lo = hi = random.uniform(type.qmin, type.qmax);
    break;
  default: // The whole storage range: the identity.
    break;
  }
  Result<QTensor> expected = clamp(input, lo, hi);
  if (!expected)
    return Failure{expected.error()};
  Case result;
  result.summary = describeShape(shape) + " " + describeType(type) + " [" +
                   std::to_string(lo) + ", " + std::to_string(hi) + "]";
  result.opName = "qcc.clamp";
  result.operands = {argument(input)};
  result.attributes = AttributeList().addI64("min", lo).addI64("max", hi).str();
  result.syntax = OpSyntax::SameType;
  result.expected = std::move(*expected);
  return result;
}

//===----------------------------------------------------------------------===//
// lookup
//===----------------------------------------------------------------------===//

// The tables come from the reference's table builder, whose exp and tanh are
// the host libm's: the model text may differ between libms, but the expected
// results always match the table in the model.
// 8-bit inputs index a 256-entry table; int16 inputs (`int16Input`)
// interpolate in a 513-entry one.
static Result<Case> makeLookupCase(Random &random, int64_t variant,
                                   bool int16Input) {
  Shape shape = pickShape(random, 1, 4, 6);
  Storage inputStorage = int16Input           ? Storage::I16
                         : random.percent(60) ? Storage::I8
                                              : Storage::U8;
  // Inputs span roughly [-8, 8] times 2^[-2, 2], the interesting part of
  // the activations.
  int inputBits = storageBits(inputStorage);
  QuantType inputType = pickType(
      random, inputStorage,
      std::ldexp(random.mantissa(52),
                 static_cast<int>(random.uniform(-6, -2)) - (inputBits - 8)));
  int64_t entries = int16Input ? 513 : 256;
  Storage resultStorage = pickStorage(random);
  std::vector<int32_t> table;
  QuantType resultType;
  std::string summary;
  if (variant % 5 != 4) {
    auto activation = static_cast<Activation>(variant % 4);
    // Outputs in [-1, 1] (or [0, 6] for hardswish) over the result range.
    int exponent = static_cast<int>(random.uniform(-2, 1)) -
                   (storageBits(resultStorage) - 1) +
                   (activation == Activation::HardSwish ? 3 : 0);
    resultType = pickType(random, resultStorage,
                          std::ldexp(random.mantissa(52), exponent));
    Result<std::vector<int32_t>> built =
        buildLookupTable(activation, inputType, resultType);
    if (!built)
      return Failure{built.error()};
    table = std::move(*built);
    summary = activationName(activation);
  } else {
    resultType = pickType(random, resultStorage, pickScale(random, -10, 0));
    table = pickValues(random, entries, resultType);
    summary = "random table";
  }
  QTensor input = randomTensor(random, shape, inputType);
  // The ends of the int16 range read the first and the last entry.
  if (int16Input && input.values.size() >= 2) {
    input.values.front() = -32768;
    input.values.back() = 32767;
  }
  Result<QTensor> expected = lookup(input, table, resultType);
  if (!expected)
    return Failure{expected.error()};
  Case result;
  result.summary = summary + " " + describeShape(shape) + " " +
                   describeType(inputType) + " -> " + describeType(resultType);
  result.opName = "qcc.lookup";
  result.operands = {argument(input)};
  int bits = storageBits(resultStorage);
  result.attributes =
      AttributeList()
          .add("table", denseLiteral({entries}, table, bits) + " : tensor<" +
                            std::to_string(entries) + "xi" +
                            std::to_string(bits) + ">")
          .str();
  result.syntax = OpSyntax::InputToResult;
  result.expected = std::move(*expected);
  return result;
}

Result<Case> makeLookupCase(Random &random, int64_t variant) {
  return makeLookupCase(random, variant, /*int16Input=*/false);
}

Result<Case> makeLookupInt16Case(Random &random, int64_t variant) {
  return makeLookupCase(random, variant, /*int16Input=*/true);
}

} // namespace qcc::bitexact
