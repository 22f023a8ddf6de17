//===- Sampling.cpp - Random quantization parameters and data -------------===//

#include "Sampling.h"

#include "MlirText.h"

#include <algorithm>
#include <cmath>

namespace qcc::bitexact {

using namespace qcc::ref;

Storage pickStorage(Random &random, bool allow16) {
  int64_t draw = random.uniform(0, allow16 ? 3 : 2);
  return draw <= 1 ? Storage::I8 : draw == 2 ? Storage::U8 : Storage::I16;
}

std::pair<int64_t, int64_t> pickRange(Random &random, Storage storage) {
  int64_t lo = storageTypeMin(storage), hi = storageTypeMax(storage);
  int64_t draw = random.uniform(0, 99);
  if (draw < 75)
    return {lo, hi};
  if (draw < 90)
    return {lo + 1, hi};
  // A sub-range of at least 16 values, e.g. 4-bit emulation.
  int64_t width = random.uniform(15, (hi - lo) / 2);
  int64_t start = random.uniform(lo, hi - width);
  return {start, start + width};
}

int64_t pickZeroPoint(Random &random, int64_t qmin, int64_t qmax) {
  switch (random.uniform(0, 7)) {
  case 0:
    return qmin;
  case 1:
    return qmax;
  case 2:
    return std::min(qmin + 1, qmax);
  case 3:
    return std::max(qmax - 1, qmin);
  case 4:
    return std::clamp<int64_t>(0, qmin, qmax);
  case 5:
    return qmin + (qmax - qmin + 1) / 2;
  default:
    return random.uniform(qmin, qmax);
  }
}

QuantType pickType(Random &random, Storage storage, double scale) {
  auto [qmin, qmax] = pickRange(random, storage);
  QuantType type =
      QuantType::perTensor(storage, scale, 0).withRange(qmin, qmax);
  type.zeroPoints = {pickZeroPoint(random, qmin, qmax)};
  return type;
}

QuantType pickResultType(Random &random, Storage storage, double scale) {
  QuantType type = pickType(random, storage, scale);
  if (random.percent(70)) {
    int64_t quarter = (type.qmax - type.qmin) / 4;
    type.zeroPoints = {
        random.uniform(type.qmin + quarter, type.qmax - quarter)};
  }
  return type;
}

QuantType pickPerAxisType(Random &random, Storage storage, int64_t axis,
                          std::vector<double> scales) {
  auto [qmin, qmax] = pickRange(random, storage);
  std::vector<int64_t> zeroPoints;
  for (size_t i = 0; i < scales.size(); ++i)
    zeroPoints.push_back(pickZeroPoint(random, qmin, qmax));
  return QuantType::perAxis(storage, axis, std::move(scales),
                            std::move(zeroPoints))
      .withRange(qmin, qmax);
}

std::vector<int32_t> pickValues(Random &random, int64_t count,
                                const QuantType &type) {
  std::vector<int32_t> values;
  values.reserve(count);
  int64_t style = random.uniform(0, 9);
  int64_t zero = type.zeroPoint(0);
  int64_t spread = random.uniform(1, std::max<int64_t>(1, maxDeviation(type)));
  for (int64_t i = 0; i < count; ++i) {
    int64_t value;
    if (style < 6) {
      value = random.uniform(type.qmin, type.qmax);
    } else if (style < 8) {
      int64_t choice = random.uniform(0, 4);
      value = choice == 0   ? type.qmin
              : choice == 1 ? type.qmax
              : choice == 2 ? zero
                            : random.uniform(type.qmin, type.qmax);
    } else {
      value = std::clamp(zero + random.uniform(-spread, spread), type.qmin,
                         type.qmax);
    }
    values.push_back(static_cast<int32_t>(value));
  }
  return values;
}

std::vector<int32_t> pickValuesNear(Random &random, int64_t count,
                                    const QuantType &type, int64_t spread) {
  std::vector<int32_t> values;
  values.reserve(count);
  for (int64_t i = 0; i < count; ++i)
    values.push_back(static_cast<int32_t>(
        std::clamp(type.zeroPoint(0) + random.uniform(-spread, spread),
                   type.qmin, type.qmax)));
  return values;
}

QTensor randomTensor(Random &random, Shape shape, QuantType type) {
  std::vector<int32_t> values = pickValues(random, numElements(shape), type);
  return QTensor{std::move(shape), std::move(values), std::move(type)};
}

int64_t maxDeviation(const QuantType &type) {
  int64_t deviation = 0;
  for (int64_t zero : type.zeroPoints)
    deviation = std::max({deviation, type.qmax - zero, zero - type.qmin});
  return deviation;
}

double pickScale(Random &random, int minExponent, int maxExponent) {
  return std::ldexp(random.mantissa(52),
                    static_cast<int>(random.uniform(minExponent, maxExponent)));
}

double pickShortScale(Random &random, int minExponent, int maxExponent) {
  return std::ldexp(random.mantissa(static_cast<int>(random.uniform(0, 23))),
                    static_cast<int>(random.uniform(minExponent, maxExponent)));
}

RatioStyle pickRatioStyle(Random &random) {
  int64_t draw = random.uniform(0, 99);
  return draw < 45   ? RatioStyle::Arbitrary
         : draw < 85 ? RatioStyle::Tie
                     : RatioStyle::Extreme;
}

const char *ratioStyleName(RatioStyle style) {
  switch (style) {
  case RatioStyle::Arbitrary:
    return "arbitrary";
  case RatioStyle::Tie:
    return "tie";
  case RatioStyle::Extreme:
    return "extreme";
  }
  return "?";
}

int exponentOf(double value) { return std::ilogb(value); }

double pickExtremeRatio(Random &random) {
  switch (random.uniform(0, 5)) {
  case 0: // [2^-33, 2^-32): n = 63, the smallest kept multiplier.
    return std::ldexp(random.mantissa(52), -33);
  case 1: // [2^-34, 2^-33): n = 64, so M = 0.
    return std::ldexp(random.mantissa(52), -34);
  case 2: // Far below 2^-32.
    return std::ldexp(random.mantissa(52),
                      static_cast<int>(random.uniform(-120, -40)));
  case 3: // Large: every non-zero accumulator saturates.
    return std::ldexp(random.mantissa(52),
                      static_cast<int>(random.uniform(10, 29)));
  case 4: // The mantissa rounds up to M = 2^31 and renormalizes.
    return std::ldexp(
        1.0 - std::ldexp(1.0, -static_cast<int>(random.uniform(33, 52))),
        static_cast<int>(random.uniform(-20, 8)));
  default: // An exact power of two, n anywhere in [1, 63].
    return std::ldexp(1.0, static_cast<int>(random.uniform(-33, 29)));
  }
}

RatioScales pickRatioScales(Random &random, RatioStyle style, int64_t numInputs,
                            bool perChannelOutput, int typicalExponent) {
  RatioScales scales;
  int64_t numOutputs = perChannelOutput ? numInputs : 1;
  auto spread = [&] {
    return typicalExponent + static_cast<int>(random.uniform(-3, 3));
  };
  switch (style) {
  case RatioStyle::Arbitrary:
    scales.base = pickScale(random, -20, 5);
    for (int64_t i = 0; i < numOutputs; ++i)
      scales.outputs.push_back(pickScale(random, -30, 10));
    for (int64_t c = 0; c < numInputs; ++c)
      scales.inputs.push_back(scales.outputs[perChannelOutput ? c : 0] *
                              std::ldexp(random.mantissa(52), spread()));
    break;
  case RatioStyle::Tie:
    // base has at most 23 mantissa bits and the odd factors at most 4, so
    // every product below stays exact and every ratio is odd * 2^k.
    scales.base = pickShortScale(random, -20, 5);
    for (int64_t i = 0; i < numOutputs; ++i)
      scales.outputs.push_back(
          std::ldexp(scales.base, static_cast<int>(random.uniform(-10, 10))));
    for (int64_t c = 0; c < numInputs; ++c) {
      // r = odd * 2^-m near 2^typicalExponent, with m >= 1 so that there is
      // something to round, and small enough that ties (probability 2^-m
      // for a random value) are frequent.
      int64_t odd = random.odd(7);
      int exponent =
          std::min(typicalExponent - exponentOf(static_cast<double>(odd)) -
                       static_cast<int>(random.uniform(0, 1)),
                   -1);
      scales.inputs.push_back(std::ldexp(
          scales.outputs[perChannelOutput ? c : 0] * static_cast<double>(odd),
          exponent));
    }
    break;
  case RatioStyle::Extreme:
    scales.base = 1.0;
    for (int64_t i = 0; i < numOutputs; ++i)
      scales.outputs.push_back(
          std::ldexp(1.0, static_cast<int>(random.uniform(-20, 10))));
    for (int64_t c = 0; c < numInputs; ++c) {
      // Not every channel needs to be extreme.
      double ratio = random.percent(70)
                         ? pickExtremeRatio(random)
                         : std::ldexp(random.mantissa(52), spread());
      scales.inputs.push_back(scales.outputs[perChannelOutput ? c : 0] * ratio);
    }
    break;
  }
  return scales;
}

std::pair<double, double> splitScale(Random &random, double product,
                                     double base) {
  double first = std::ldexp(base, static_cast<int>(random.uniform(-6, 6)));
  return {first, product / first};
}

ActivationRange pickActivation(Random &random, const QuantType &type) {
  ActivationRange activation;
  switch (random.uniform(0, 9)) {
  case 0:
  case 1: // relu: clamp at the zero point.
    activation.min = type.zeroPoint(0);
    break;
  case 2: { // A random sub-range.
    int64_t lo = random.uniform(type.qmin, type.qmax);
    activation.min = lo;
    activation.max = random.uniform(lo, type.qmax);
    break;
  }
  case 3: // Bounds beyond the storage range narrow nothing.
    activation.min = type.qmin - random.uniform(1, 1000);
    activation.max = type.qmax + random.uniform(0, 1000);
    break;
  case 4: // Only an upper bound.
    activation.max = random.uniform(type.qmin, type.qmax);
    break;
  default:
    break;
  }
  return activation;
}

AttributeList &AttributeList::add(const std::string &name,
                                  const std::string &value) {
  text += (text.empty() ? "" : ", ") + name + " = " + value;
  return *this;
}

AttributeList &AttributeList::addI64(const std::string &name, int64_t value) {
  return add(name, std::to_string(value) + " : i64");
}

AttributeList &AttributeList::addActivation(const ActivationRange &activation) {
  if (activation.min)
    addI64("clamp_min", *activation.min);
  if (activation.max)
    addI64("clamp_max", *activation.max);
  return *this;
}

std::string AttributeList::str() const {
  return text.empty() ? "" : "{" + text + "}";
}

std::string describeType(const QuantType &type) {
  std::string text = quantElementType(type);
  // Drop "!quant.uniform<" and ">" to keep summaries short.
  return text.substr(15, text.size() - 16);
}

} // namespace qcc::bitexact
