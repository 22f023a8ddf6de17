//===- LinearCases.cpp - conv2d and matmul cases --------------------------===//

#include "Cases.h"
#include "MlirText.h"
#include "Sampling.h"

#include <cmath>
#include <iterator>
#include <limits>

namespace qcc::bitexact {

using namespace qcc::ref;

namespace {

constexpr int64_t kInt32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kInt32Max = std::numeric_limits<int32_t>::max();

/// The number of terms K that the accumulator limit cases use: 33025 terms
/// of 255 * 255 = 65025 plus a bias of 33022 reach exactly 2^31 - 1.
constexpr int64_t kLimitDepth = 33025;
constexpr int32_t kLimitBias = 33022;

/// Weights of one linear op, grouped by output channel: `rows[o]` holds the
/// K weights feeding output channel o.
struct ChannelWeights {
  std::vector<std::vector<int32_t>> rows;
  QuantType type;
};

/// Whether every partial sum of every accumulator, in any summation order,
/// fits int32 for every input in `inputType`'s storage range (weights that
/// are arguments also range over their storage range). This is what a sound
/// compile-time range analysis must accept, and it keeps a case defined
/// however the lowering orders its additions: the partial sums lie between
/// the sum of the terms' negative extremes and the sum of their positive
/// extremes. The accumulator-limit cases reach exactly -2^31 and 2^31 - 1.
bool accumulatorsFitInt32(const QuantType &inputType,
                          const ChannelWeights &weights,
                          bool weightsAreConstant,
                          const std::optional<std::vector<int64_t>> &bias) {
  const int64_t inputLo = inputType.qmin - inputType.zeroPoint();
  const int64_t inputHi = inputType.qmax - inputType.zeroPoint();
  for (size_t o = 0; o < weights.rows.size(); ++o) {
    int64_t zero = weights.type.zeroPoint(o);
    int64_t biasValue = bias ? (*bias)[o] : 0;
    int64_t lowest = std::min<int64_t>(biasValue, 0);
    int64_t highest = std::max<int64_t>(biasValue, 0);
    for (int32_t w : weights.rows[o]) {
      int64_t weightLo =
          weightsAreConstant ? w - zero : weights.type.qmin - zero;
      int64_t weightHi =
          weightsAreConstant ? w - zero : weights.type.qmax - zero;
      // The term's extremes are products of the two intervals' ends.
      int64_t termLo = 0, termHi = 0;
      for (int64_t x : {inputLo, inputHi})
        for (int64_t v : {weightLo, weightHi}) {
          termLo = std::min(termLo, x * v);
          termHi = std::max(termHi, x * v);
        }
      lowest += termLo;
      highest += termHi;
    }
    if (lowest < kInt32Min || highest > kInt32Max)
      return false;
  }
  return true;
}

/// Mean and root mean square of centered values q - z(index).
struct DeviationStats {
  double mean = 0, rms = 0;
};

template <typename ZeroPointOf>
DeviationStats deviationStats(const std::vector<int32_t> &values,
                              ZeroPointOf zeroPointOf) {
  DeviationStats stats;
  for (size_t i = 0; i < values.size(); ++i) {
    double deviation = static_cast<double>(values[i] - zeroPointOf(i));
    stats.mean += deviation;
    stats.rms += deviation * deviation;
  }
  double count = static_cast<double>(std::max<size_t>(values.size(), 1));
  stats.mean /= count;
  stats.rms = std::sqrt(stats.rms / count);
  return stats;
}

/// The ratio exponent that maps a typical accumulator of these K terms onto
/// a quarter of the result range. Estimated from the sampled data: extreme
/// zero points make the terms one-signed, so the mean matters as much as
/// the random-walk part.
int typicalRatioExponent(int64_t depth, DeviationStats input,
                         DeviationStats weight,
                         const std::optional<std::vector<int64_t>> &bias,
                         Storage result) {
  double k = static_cast<double>(depth);
  double typical = std::fabs(k * input.mean * weight.mean) +
                   std::sqrt(k) * input.rms * weight.rms;
  if (bias) {
    double biasSum = 0;
    for (int64_t value : *bias)
      biasSum += std::fabs(static_cast<double>(value));
    typical += biasSum / static_cast<double>(bias->size());
  }
  return storageBits(result) - 2 - exponentOf(std::max(typical, 1.0));
}

/// A random bias (or none) of magnitude up to `limit`, by default
/// comparable to the accumulators so that neither hides the other.
std::optional<std::vector<int64_t>> pickBias(Random &random, int64_t size,
                                             int64_t limit) {
  if (random.percent(25))
    return std::nullopt;
  int64_t magnitude = std::min(int64_t(1) << random.uniform(0, 18), limit);
  std::vector<int64_t> bias;
  for (int64_t i = 0; i < size; ++i)
    bias.push_back(random.uniform(-magnitude, magnitude));
  return bias;
}

/// The bias of a 16x8 case: most of the time int64 values beyond the int32
/// range (up to 2^36), which only an int64 bias holds.
int widen16x8Bias(Random &random, std::optional<std::vector<int64_t>> &bias,
                  int64_t size) {
  if (!random.percent(75))
    return 32;
  if (!bias)
    bias = std::vector<int64_t>(size, 0);
  int64_t offset = (int64_t(1) << 31) + random.uniform(0, int64_t(1) << 35);
  for (int64_t &value : *bias)
    value += random.percent(50) ? offset : -offset;
  return 64;
}

/// The 16x8 scheme: symmetric int16 activations (zero point 0) and narrow
/// int8 weights, per channel or per tensor.
void make16x8Types(QuantType &input, QuantType &weight, int64_t axis,
                   int64_t channels, bool perChannel) {
  input = QuantType::perTensor(Storage::I16, 1.0, 0);
  weight = perChannel ? QuantType::perAxis(Storage::I8, axis,
                                           std::vector<double>(channels, 1.0),
                                           std::vector<int64_t>(channels, 0))
                      : QuantType::perTensor(Storage::I8, 1.0, 0);
  weight = weight.withRange(-127, 127);
}

/// Mostly i8, some u8, rarely i16. Callers move i16 weights near their zero
/// point: full-range i16 weights leave no room in an int32 accumulator.
Storage pickWeightStorage(Random &random) {
  int64_t draw = random.uniform(0, 9);
  return draw < 7 ? Storage::I8 : draw < 9 ? Storage::U8 : Storage::I16;
}

/// Splits per-output-channel product scales s_x * s_w[o] into s_x and s_w.
void assignProductScales(Random &random, const RatioScales &scales,
                         QuantType &input, QuantType &weight) {
  double inputScale = splitScale(random, scales.inputs[0], scales.base).first;
  input.scales = {inputScale};
  weight.scales.clear();
  for (double product : scales.inputs)
    weight.scales.push_back(product / inputScale);
}

} // namespace

//===----------------------------------------------------------------------===//
// conv2d
//===----------------------------------------------------------------------===//

namespace {
enum class ConvVariant {
  Plain,
  Depthwise,
  Grouped,
  Window,
  PerChannelExtremes,
  AccumulatorLimit,
  WideInput,
  Pointwise,
  DeepInput,
  Batched,
  Ties, // Small accumulators and ratios odd * 2^-m: dense exact ties.
  // 16x8: int16 activations, int8 weights, int64 accumulators whose worst
  // case (and, for the limit variant, actual value) passes int32.
  Wide16x8,
  Wide16x8Limit,
  // A network's first layer: 3 input channels, 7x7 or 3x3, strided and
  // padded (the kernel selector reads each kernel row as one tap).
  FirstLayer,
  Count
};

const char *convVariantName(ConvVariant variant) {
  static const char *names[] = {
      "plain",     "depthwise", "grouped",    "window",     "per-channel",
      "acc-limit", "i16-input", "pointwise",  "deep",       "batched",
      "ties",      "16x8",      "16x8-limit", "first-layer"};
  return names[static_cast<int>(variant)];
}

struct ConvShape {
  int64_t batch = 1, height = 1, width = 1, groups = 1, groupIn = 1,
          groupOut = 1, kernelH = 1, kernelW = 1;
  Conv2DAttrs attrs;
};

ConvShape pickConvShape(Random &random, ConvVariant variant) {
  ConvShape s;
  s.height = random.uniform(1, 9);
  s.width = random.uniform(1, 9);
  s.kernelH = random.uniform(1, 3);
  s.kernelW = random.uniform(1, 3);
  s.groupIn = random.uniform(1, 6);
  s.groupOut = random.uniform(1, 6);
  s.attrs.stride = {random.uniform(1, 2), random.uniform(1, 2)};
  for (int64_t &pad : s.attrs.pad)
    pad = random.uniform(0, 1);
  switch (variant) {
  case ConvVariant::Depthwise:
    s.groups = random.uniform(1, 12);
    s.groupIn = 1;
    s.groupOut = random.uniform(1, 3);
    break;
  case ConvVariant::Grouped:
    s.groups = random.uniform(2, 4);
    s.groupIn = random.uniform(1, 4);
    s.groupOut = random.uniform(1, 3);
    break;
  case ConvVariant::Window:
    s.height = random.uniform(1, 12);
    s.width = random.uniform(1, 12);
    s.kernelH = random.uniform(1, 5);
    s.kernelW = random.uniform(1, 5);
    s.attrs.stride = {random.uniform(1, 3), random.uniform(1, 3)};
    s.attrs.dilation = {random.uniform(1, 3), random.uniform(1, 3)};
    // Pads may exceed the kernel: whole windows of padding give the bias.
    for (int64_t &pad : s.attrs.pad)
      pad = random.uniform(0, 4);
    break;
  case ConvVariant::Pointwise:
    s.kernelH = s.kernelW = 1;
    s.attrs.pad = {0, 0, 0, 0};
    s.groupIn = random.uniform(1, 32);
    s.groupOut = random.uniform(1, 32);
    break;
  case ConvVariant::DeepInput:
    s.kernelH = s.kernelW = 3;
    s.height = random.uniform(3, 5);
    s.width = random.uniform(3, 5);
    s.groupIn = random.uniform(32, 160);
    s.groupOut = random.uniform(1, 4);
    break;
  case ConvVariant::Ties:
    s.kernelH = random.uniform(1, 2);
    s.kernelW = random.uniform(1, 2);
    s.groupIn = random.uniform(1, 3);
    s.groupOut = random.uniform(1, 4);
    break;
  case ConvVariant::Wide16x8:
    s.kernelH = random.uniform(1, 3);
    s.kernelW = random.uniform(1, 3);
    s.height = random.uniform(2, 5);
    s.width = random.uniform(2, 5);
    s.groupIn = random.uniform(48, 200);
    s.groupOut = random.uniform(1, 4);
    break;
  case ConvVariant::Wide16x8Limit:
    // One output position per image over K = 5 * 5 * 60 = 1500 terms of up
    // to 32767 * 127: |acc| reaches 6.2e9 > 2^32.
    s.batch = 2;
    s.height = s.width = s.kernelH = s.kernelW = 5;
    s.groupIn = 60;
    s.groupOut = 2;
    s.attrs = Conv2DAttrs{};
    break;
  case ConvVariant::FirstLayer:
    s.groupIn = random.uniform(1, 3);
    s.kernelH = s.kernelW = random.percent(50) ? 7 : 3;
    s.height = random.uniform(s.kernelH, 16);
    s.width = random.uniform(s.kernelW, 16);
    s.groupOut = random.uniform(1, 70);
    s.attrs.stride = {random.uniform(1, 2), random.uniform(1, 2)};
    for (int64_t &pad : s.attrs.pad)
      pad = random.uniform(0, s.kernelH / 2);
    break;
  case ConvVariant::Batched:
    s.batch = random.uniform(2, 3);
    s.height = random.uniform(1, 4);
    s.width = random.uniform(1, 4);
    break;
  case ConvVariant::AccumulatorLimit:
    // K = 5 * 5 * 1321 = kLimitDepth, one output position.
    s.batch = 2;
    s.height = s.width = s.kernelH = s.kernelW = 5;
    s.groupIn = kLimitDepth / 25;
    s.groupOut = 2;
    s.attrs = Conv2DAttrs{};
    break;
  default:
    break;
  }
  return s;
}
} // namespace

/// `kernelForm`: the form the CPU code generator turns into a micro-kernel
/// (int8 activations, constant symmetric int8 weights, groups 1 or
/// depthwise, 8-bit results mostly), so that the kernels meet the same
/// random and extreme instances as the loops.
static Result<Case> makeConv2DCaseFor(Random &random, ConvVariant variant,
                                      bool kernelForm) {
  ConvShape s = pickConvShape(random, variant);
  if (kernelForm && variant == ConvVariant::Depthwise)
    s.groupOut = 1;
  int64_t inChannels = s.groups * s.groupIn;
  int64_t outChannels = s.groups * s.groupOut;
  int64_t depth = s.kernelH * s.kernelW * s.groupIn;
  bool limit = variant == ConvVariant::AccumulatorLimit;
  bool ties = variant == ConvVariant::Ties;
  bool wide =
      variant == ConvVariant::Wide16x8 || variant == ConvVariant::Wide16x8Limit;
  bool wideLimit = variant == ConvVariant::Wide16x8Limit;
  bool weightsAreConstant =
      kernelForm || (!limit && variant != ConvVariant::Pointwise);
  RatioStyle style = ties ? RatioStyle::Tie : pickRatioStyle(random);

  // Types with provisional unit scales; the final scales are derived below,
  // once K and the deviations fix the requantization ratio.
  Storage inputStorage = kernelForm ? Storage::I8
                         : variant == ConvVariant::WideInput
                             ? Storage::I16
                             : pickStorage(random, false);
  QuantType inputType = pickType(random, inputStorage, 1.0);
  bool perChannel = variant == ConvVariant::PerChannelExtremes ||
                    (!limit && random.percent(50));
  Storage weightStorage = kernelForm ? Storage::I8 : pickWeightStorage(random);
  QuantType weightType =
      perChannel ? pickPerAxisType(random, weightStorage, 0,
                                   std::vector<double>(outChannels, 1.0))
                 : pickType(random, weightStorage, 1.0);
  if (kernelForm)
    for (int64_t &zero : weightType.zeroPoints)
      zero = 0;
  if (variant == ConvVariant::PerChannelExtremes)
    for (int64_t &zero : weightType.zeroPoints)
      zero = random.percent(50) ? weightType.qmin : weightType.qmax;
  std::optional<std::vector<int64_t>> bias =
      pickBias(random, outChannels, ties ? 8 : int64_t(1) << 18);
  if (limit && kernelForm) {
    // Symmetric weights: every term is (127 + 128) * 127 = 32385 on channel
    // 0 and -32385 on channel 1 for the first image; the bias makes the
    // accumulators exactly 2^31 - 1 and -2^31.
    int64_t sum = 32385 * kLimitDepth;
    inputType = QuantType::perTensor(Storage::I8, 1.0, -128);
    weightType = QuantType::perAxis(Storage::I8, 0, {1.0, 1.0}, {0, 0});
    bias = std::vector<int64_t>{kInt32Max - sum, kInt32Min + sum};
  } else if (limit) {
    // Every term is +65025 on channel 0 and -65025 on channel 1 for the
    // first image, so the accumulators reach exactly 2^31 - 1 and -2^31.
    inputType = QuantType::perTensor(Storage::I8, 1.0, -128);
    weightType = QuantType::perAxis(Storage::I8, 0, {1.0, 1.0}, {-128, 127});
    bias = std::vector<int64_t>{kLimitBias, -kLimitBias - 1};
  }
  int biasBits = 32;
  if (wide) {
    make16x8Types(inputType, weightType, 0, outChannels,
                  perChannel && !wideLimit);
    if (!wideLimit)
      biasBits = widen16x8Bias(random, bias, outChannels);
  }

  Shape inputShape = {s.batch, s.height, s.width, inChannels};
  Shape weightShape = {outChannels, s.kernelH, s.kernelW, s.groupIn};
  QTensor weight{weightShape, {}, weightType};
  QTensor input{inputShape, {}, inputType};
  if (limit) {
    int64_t perChannel = numElements(weightShape) / 2;
    weight.values.assign(perChannel, 127);
    weight.values.insert(weight.values.end(), perChannel,
                         kernelForm ? -127 : -128);
    input.values.assign(numElements(inputShape) / 2, 127);
    std::vector<int32_t> second =
        pickValues(random, numElements(inputShape) / 2, inputType);
    input.values.insert(input.values.end(), second.begin(), second.end());
  } else if (wideLimit) {
    // Channel 0 sums +32767 * 127 per term, channel 1 -32767 * 127 on the
    // first image; the second image is random.
    int64_t perChannel = numElements(weightShape) / 2;
    weight.values.assign(perChannel, 127);
    weight.values.insert(weight.values.end(), perChannel, -127);
    input.values.assign(numElements(inputShape) / 2, 32767);
    std::vector<int32_t> second =
        pickValues(random, numElements(inputShape) / 2, inputType);
    input.values.insert(input.values.end(), second.begin(), second.end());
  } else if (ties) {
    weight.values = pickValuesNear(random, numElements(weightShape), weightType,
                                   random.uniform(1, 3));
    input.values = pickValuesNear(random, numElements(inputShape), inputType,
                                  random.uniform(1, 3));
  } else {
    weight.values = pickValues(random, numElements(weightShape), weightType);
    if (weightStorage == Storage::I16)
      for (int32_t &w : weight.values)
        w = static_cast<int32_t>(
            std::clamp<int64_t>(weightType.zeroPoint(0) + w % 64,
                                weightType.qmin, weightType.qmax));
    input.values = pickValues(random, numElements(inputShape), inputType);
  }

  ChannelWeights channels{{}, weightType};
  for (int64_t o = 0; o < outChannels; ++o) {
    auto first = weight.values.begin() + o * depth;
    channels.rows.emplace_back(first, first + depth);
  }
  // Activations wider than 8 bits accumulate in int64 (exact here).
  if (storageBits(inputType.storage) <= 8 &&
      !accumulatorsFitInt32(inputType, channels, weightsAreConstant, bias))
    return Failure{"the worst-case accumulator exceeds int32"};

  Storage resultStorage =
      kernelForm ? (random.percent(85) ? Storage::I8 : pickStorage(random))
      : wide && random.percent(70) ? Storage::I16
                                   : pickStorage(random);
  int exponent =
      wideLimit ? static_cast<int>(random.uniform(-30, -18))
      : limit   ? static_cast<int>(random.uniform(-31, -22))
      : ties
          ? -static_cast<int>(random.uniform(0, 1))
          : typicalRatioExponent(
                depth,
                deviationStats(input.values,
                               [&](size_t) { return inputType.zeroPoint(); }),
                deviationStats(
                    weight.values,
                    [&](size_t i) { return weightType.zeroPoint(i / depth); }),
                bias, resultStorage);
  RatioScales scales = pickRatioScales(
      random, style, weightType.isPerAxis() ? outChannels : 1, false, exponent);
  assignProductScales(random, scales, input.type, weight.type);
  QuantType resultType =
      pickResultType(random, resultStorage, scales.outputs[0]);
  s.attrs.groups = s.groups;
  s.attrs.activation = pickActivation(random, resultType);

  Result<QTensor> expected = conv2d(input, weight, bias, resultType, s.attrs);
  if (!expected)
    return Failure{expected.error()};

  Case result;
  result.summary =
      std::string(kernelForm ? "kernel " : "") + convVariantName(variant) +
      " " + ratioStyleName(style) + ": x " + describeShape(inputShape) + " " +
      describeType(input.type) + ", w " + describeShape(weightShape) + " " +
      describeType(weight.type) + (weightsAreConstant ? " const" : " arg") +
      (bias ? ", bias" : "") + " -> " + describeType(resultType);
  result.opName = "qcc.conv2d";
  result.operands = {Operand{input}, Operand{weight, weightsAreConstant}};
  if (bias)
    result.operands.push_back(Operand{BiasVector{*bias, biasBits}, true});
  AttributeList attributes;
  attributes.add("pad", i64Array({s.attrs.pad.begin(), s.attrs.pad.end()}))
      .add("stride", i64Array({s.attrs.stride.begin(), s.attrs.stride.end()}))
      .add("dilation",
           i64Array({s.attrs.dilation.begin(), s.attrs.dilation.end()}))
      .addI64("groups", s.groups)
      .addActivation(s.attrs.activation);
  result.attributes = attributes.str();
  result.expected = std::move(*expected);
  return result;
}

Result<Case> makeConv2DCase(Random &random, int64_t index) {
  return makeConv2DCaseFor(
      random,
      static_cast<ConvVariant>(index %
                               static_cast<int64_t>(ConvVariant::Count)),
      /*kernelForm=*/false);
}

Result<Case> makeConv2DKernelCase(Random &random, int64_t index) {
  static const ConvVariant variants[] = {
      ConvVariant::Plain,     ConvVariant::Depthwise,
      ConvVariant::Window,    ConvVariant::Pointwise,
      ConvVariant::DeepInput, ConvVariant::Batched,
      ConvVariant::Ties,      ConvVariant::AccumulatorLimit,
      ConvVariant::FirstLayer};
  return makeConv2DCaseFor(random, variants[index % std::size(variants)],
                           /*kernelForm=*/true);
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

namespace {
enum class MatMulVariant {
  Plain,
  Batched,
  PerColumnExtremes,
  Deep,
  AccumulatorLimit,
  RhsArgument,
  WideLhs,
  Vector,
  Ties, // Small accumulators and ratios odd * 2^-m: dense exact ties.
  // 16x8: int16 activations, int8 weights, int64 accumulators.
  Wide16x8,
  Wide16x8Limit,
  // Activation x activation: a batched per-tensor rhs argument (attention).
  Activations,
  Count
};

const char *matMulVariantName(MatMulVariant variant) {
  static const char *names[] = {
      "plain",   "batched", "per-column", "deep", "acc-limit",  "rhs-arg",
      "i16-lhs", "vector",  "ties",       "16x8", "16x8-limit", "activations"};
  return names[static_cast<int>(variant)];
}
} // namespace

/// `kernelForm` as for conv2d: int8 activations, constant symmetric int8
/// weights, 8-bit results mostly.
static Result<Case> makeMatMulCaseFor(Random &random, MatMulVariant variant,
                                      bool kernelForm) {
  bool limit = variant == MatMulVariant::AccumulatorLimit;
  bool ties = variant == MatMulVariant::Ties;
  bool wide = variant == MatMulVariant::Wide16x8 ||
              variant == MatMulVariant::Wide16x8Limit;
  bool wideLimit = variant == MatMulVariant::Wide16x8Limit;
  Shape lhsShape = {random.uniform(1, 8), random.uniform(1, 64)};
  int64_t columns = random.uniform(1, 16);
  switch (variant) {
  case MatMulVariant::Batched:
    lhsShape.insert(lhsShape.begin(), random.uniform(1, 3));
    if (random.percent(50))
      lhsShape.insert(lhsShape.begin(), random.uniform(1, 2));
    break;
  case MatMulVariant::Deep:
    lhsShape.back() = random.uniform(100, 2000);
    break;
  case MatMulVariant::AccumulatorLimit:
    lhsShape = {2, kLimitDepth};
    columns = 2;
    break;
  case MatMulVariant::Vector:
    lhsShape[0] = 1;
    columns = random.uniform(1, 64);
    break;
  case MatMulVariant::Ties:
    lhsShape.back() = random.uniform(1, 12);
    break;
  case MatMulVariant::Wide16x8:
    lhsShape.back() = random.uniform(600, 3000);
    break;
  case MatMulVariant::Wide16x8Limit:
    // Row 0: 3000 terms of +-32767 * 127, |acc| = 1.25e10 > 2^33.
    lhsShape = {2, 3000};
    columns = 2;
    break;
  case MatMulVariant::Activations:
    lhsShape.insert(lhsShape.begin(), random.uniform(1, 4));
    if (random.percent(50))
      lhsShape.insert(lhsShape.begin(), random.uniform(1, 2));
    break;
  default:
    break;
  }
  int64_t depth = lhsShape.back();
  bool activations = variant == MatMulVariant::Activations;
  bool rhsIsConstant = kernelForm || (!limit && !activations &&
                                      variant != MatMulVariant::RhsArgument);
  RatioStyle style = ties ? RatioStyle::Tie : pickRatioStyle(random);

  Storage lhsStorage = kernelForm ? Storage::I8
                       : variant == MatMulVariant::WideLhs
                           ? Storage::I16
                           : pickStorage(random, false);
  QuantType lhsType = pickType(random, lhsStorage, 1.0);
  bool perColumn =
      !activations &&
      (variant == MatMulVariant::PerColumnExtremes || random.percent(50));
  Storage rhsStorage = kernelForm    ? Storage::I8
                       : activations ? pickStorage(random, false)
                                     : pickWeightStorage(random);
  QuantType rhsType = perColumn
                          ? pickPerAxisType(random, rhsStorage, 1,
                                            std::vector<double>(columns, 1.0))
                          : pickType(random, rhsStorage, 1.0);
  if (kernelForm)
    for (int64_t &zero : rhsType.zeroPoints)
      zero = 0;
  if (variant == MatMulVariant::PerColumnExtremes)
    for (int64_t &zero : rhsType.zeroPoints)
      zero = random.percent(50) ? rhsType.qmin : rhsType.qmax;
  std::optional<std::vector<int64_t>> bias =
      pickBias(random, columns, ties ? 8 : int64_t(1) << 18);
  if (limit && kernelForm) {
    // Terms of +-(127 + 128) * 127 on row 0; the bias brings the
    // accumulators to exactly 2^31 - 1 and -2^31.
    int64_t sum = 32385 * kLimitDepth;
    lhsType = QuantType::perTensor(Storage::I8, 1.0, -128);
    rhsType = QuantType::perAxis(Storage::I8, 1, {1.0, 1.0}, {0, 0});
    bias = std::vector<int64_t>{kInt32Max - sum, kInt32Min + sum};
  } else if (limit) {
    lhsType = QuantType::perTensor(Storage::I8, 1.0, -128);
    rhsType = QuantType::perAxis(Storage::I8, 1, {1.0, 1.0}, {-128, 127});
    bias = std::vector<int64_t>{kLimitBias, -kLimitBias - 1};
  }
  int biasBits = 32;
  if (wide) {
    make16x8Types(lhsType, rhsType, 1, columns, perColumn && !wideLimit);
    if (!wideLimit)
      biasBits = widen16x8Bias(random, bias, columns);
  }

  QTensor lhs{lhsShape, {}, lhsType};
  Shape rhsShape = {depth, columns};
  if (activations)
    rhsShape.insert(rhsShape.begin(), lhsShape.begin(), lhsShape.end() - 2);
  QTensor rhs{rhsShape, {}, rhsType};
  const int64_t rhsCount = numElements(rhsShape);
  if (limit) {
    // Row 0 reaches exactly 2^31 - 1 and -2^31; row 1 is random.
    lhs.values.assign(depth, 127);
    std::vector<int32_t> second = pickValues(random, depth, lhsType);
    lhs.values.insert(lhs.values.end(), second.begin(), second.end());
    for (int64_t k = 0; k < depth; ++k)
      rhs.values.insert(rhs.values.end(), {127, kernelForm ? -127 : -128});
  } else if (wideLimit) {
    lhs.values.assign(depth, 32767);
    std::vector<int32_t> second = pickValues(random, depth, lhsType);
    lhs.values.insert(lhs.values.end(), second.begin(), second.end());
    for (int64_t k = 0; k < depth; ++k)
      rhs.values.insert(rhs.values.end(), {127, -127});
  } else if (ties) {
    lhs.values = pickValuesNear(random, numElements(lhsShape), lhsType,
                                random.uniform(1, 3));
    rhs.values =
        pickValuesNear(random, rhsCount, rhsType, random.uniform(1, 3));
  } else {
    lhs.values = pickValues(random, numElements(lhsShape), lhsType);
    rhs.values = pickValues(random, rhsCount, rhsType);
    if (rhsStorage == Storage::I16)
      for (int32_t &w : rhs.values)
        w = static_cast<int32_t>(std::clamp<int64_t>(
            rhsType.zeroPoint(0) + w % 64, rhsType.qmin, rhsType.qmax));
  }

  ChannelWeights channels{{}, rhsType};
  for (int64_t j = 0; j < columns; ++j) {
    channels.rows.emplace_back();
    for (int64_t k = 0; k < depth; ++k)
      channels.rows.back().push_back(rhs.values[k * columns + j]);
  }
  // Activations wider than 8 bits accumulate in int64 (exact here).
  if (storageBits(lhsType.storage) <= 8 &&
      !accumulatorsFitInt32(lhsType, channels, rhsIsConstant, bias))
    return Failure{"the worst-case accumulator exceeds int32"};

  Storage resultStorage =
      kernelForm ? (random.percent(85) ? Storage::I8 : pickStorage(random))
      : wide && random.percent(70) ? Storage::I16
                                   : pickStorage(random);
  int exponent =
      wideLimit ? static_cast<int>(random.uniform(-32, -19))
      : limit   ? static_cast<int>(random.uniform(-31, -22))
      : ties ? -static_cast<int>(random.uniform(0, 1))
             : typicalRatioExponent(
                   depth,
                   deviationStats(lhs.values,
                                  [&](size_t) { return lhsType.zeroPoint(); }),
                   deviationStats(rhs.values,
                                  [&](size_t i) {
                                    return rhsType.zeroPoint(i % columns);
                                  }),
                   bias, resultStorage);
  RatioScales scales = pickRatioScales(
      random, style, rhsType.isPerAxis() ? columns : 1, false, exponent);
  assignProductScales(random, scales, lhs.type, rhs.type);
  QuantType resultType =
      pickResultType(random, resultStorage, scales.outputs[0]);
  ActivationRange activation = pickActivation(random, resultType);

  Result<QTensor> expected = matmul(lhs, rhs, bias, resultType, activation);
  if (!expected)
    return Failure{expected.error()};

  Case result;
  result.summary =
      std::string(kernelForm ? "kernel " : "") + matMulVariantName(variant) +
      " " + ratioStyleName(style) + ": " + describeShape(lhsShape) + " " +
      describeType(lhs.type) + " x " + describeShape(rhs.shape) + " " +
      describeType(rhs.type) + (rhsIsConstant ? " const" : " arg") +
      (bias ? ", bias" : "") + " -> " + describeType(resultType);
  result.opName = "qcc.matmul";
  result.operands = {Operand{lhs}, Operand{rhs, rhsIsConstant}};
  if (bias)
    result.operands.push_back(Operand{BiasVector{*bias, biasBits}, true});
  result.attributes = AttributeList().addActivation(activation).str();
  result.expected = std::move(*expected);
  return result;
}

Result<Case> makeMatMulCase(Random &random, int64_t index) {
  return makeMatMulCaseFor(
      random,
      static_cast<MatMulVariant>(index %
                                 static_cast<int64_t>(MatMulVariant::Count)),
      /*kernelForm=*/false);
}

Result<Case> makeMatMulKernelCase(Random &random, int64_t index) {
  static const MatMulVariant variants[] = {
      MatMulVariant::Plain, MatMulVariant::Batched,
      MatMulVariant::Deep,  MatMulVariant::Vector,
      MatMulVariant::Ties,  MatMulVariant::AccumulatorLimit};
  return makeMatMulCaseFor(random, variants[index % std::size(variants)],
                           /*kernelForm=*/true);
}

} // namespace qcc::bitexact
