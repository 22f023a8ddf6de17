//===- LookupTables.cpp - Compile-time tables of qcc.lookup ---------------===//

#include "LookupTables.h"

#include "FixedPoint.h"
#include "OpSupport.h"

#include <cmath>

namespace qcc::ref {

double evaluateActivation(Activation activation, double x) {
  switch (activation) {
  case Activation::Sigmoid:
    return 1.0 / (1.0 + std::exp(-x));
  case Activation::Tanh:
    return std::tanh(x);
  case Activation::HardSwish:
    return x * std::min(std::max(x + 3.0, 0.0), 6.0) / 6.0;
  case Activation::HardSigmoid:
    return std::max(0.0, std::min(1.0, 0.2 * x + 0.5));
  }
  return 0.0;
}

const char *activationName(Activation activation) {
  switch (activation) {
  case Activation::Sigmoid:
    return "sigmoid";
  case Activation::Tanh:
    return "tanh";
  case Activation::HardSwish:
    return "hardswish";
  case Activation::HardSigmoid:
    return "hardsigmoid";
  }
  return "?";
}

Result<std::vector<int32_t>>
buildLookupTable(const std::function<double(double)> &function,
                 const QuantType &inputType, const QuantType &resultType) {
  bool interpolated = inputType.storage == Storage::I16;
  if ((!interpolated && storageBits(inputType.storage) != 8) ||
      inputType.isPerAxis() || resultType.isPerAxis())
    return Failure{"tables need an 8-bit or int16 per-tensor input and a "
                   "per-tensor result"};
  // 8-bit: every storage value from qmin. int16: every 128th value from
  // -32768 to 32768 inclusive (the last one is past the storage range; the
  // interpolation between 32640 and 32768 needs it).
  int64_t entries = interpolated ? 513 : 256;
  int64_t first = interpolated ? -32768 : inputType.qmin;
  int64_t step = interpolated ? 128 : 1;
  std::vector<int32_t> table;
  for (int64_t i = 0; i < entries; ++i) {
    double real =
        static_cast<double>(first + step * i - inputType.zeroPoint()) *
        inputType.scale();
    double scaled = function(real) / resultType.scale();
    if (std::isnan(scaled))
      return Failure{"the function is NaN at " + std::to_string(real)};
    // Bounding first keeps the conversion defined; the clamp below decides.
    scaled = std::min(std::max(scaled, -0x1p40), 0x1p40);
    auto rounded = static_cast<int64_t>(roundHalfEven(scaled));
    table.push_back(static_cast<int32_t>(clampTo(
        rounded + resultType.zeroPoint(), resultType.qmin, resultType.qmax)));
  }
  return table;
}

Result<std::vector<int32_t>> buildLookupTable(Activation activation,
                                              const QuantType &inputType,
                                              const QuantType &resultType) {
  return buildLookupTable(
      [activation](double x) { return evaluateActivation(activation, x); },
      inputType, resultType);
}

} // namespace qcc::ref
