//===- Sampling.h - Random quantization parameters and data -----*- C++ -*-===//
//
// The distributions favour what breaks implementations: zero points and
// values at the storage extremes, narrow ranges, scales over many orders of
// magnitude, and scale sets whose ratios are exact short binary fractions so
// that rounding ties really happen.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TEST_BITEXACT_GENERATOR_SAMPLING_H
#define QCC_TEST_BITEXACT_GENERATOR_SAMPLING_H

#include "Random.h"

#include "QccReference.h"

#include <string>
#include <utility>

namespace qcc::bitexact {

/// i8 half of the time, else u8 or i16 (`allow16` = false excludes i16).
ref::Storage pickStorage(Random &random, bool allow16 = true);

/// Mostly the full storage range; sometimes the symmetric narrow range
/// (i8<-127:127>, i16<-32767:32767>, u8<1:255>) or a random sub-range.
std::pair<int64_t, int64_t> pickRange(Random &random, ref::Storage storage);

/// A zero point in [qmin, qmax], often one of the extremes or next to them.
int64_t pickZeroPoint(Random &random, int64_t qmin, int64_t qmax);

/// A per-tensor type with a random range and zero point.
ref::QuantType pickType(Random &random, ref::Storage storage, double scale);

/// A per-tensor type for a result: zero points at the extremes less often
/// than pickType, since a result zero point at qmin saturates half of a
/// signed result and such cases would dominate.
ref::QuantType pickResultType(Random &random, ref::Storage storage,
                              double scale);

/// A per-axis type: one random zero point per scale.
ref::QuantType pickPerAxisType(Random &random, ref::Storage storage,
                               int64_t axis, std::vector<double> scales);

/// Stored values in [qmin, qmax]: uniform, extremes-heavy, or clustered
/// around the zero point (of channel 0 for per-axis types).
std::vector<int32_t> pickValues(Random &random, int64_t count,
                                const ref::QuantType &type);
/// Stored values within `spread` of the zero point (of channel 0).
std::vector<int32_t> pickValuesNear(Random &random, int64_t count,
                                    const ref::QuantType &type, int64_t spread);
ref::QTensor randomTensor(Random &random, ref::Shape shape,
                          ref::QuantType type);

/// max(qmax - z, z - qmin) over the channels: the largest |q - z|.
int64_t maxDeviation(const ref::QuantType &type);

/// A scale m * 2^e with a full random mantissa m in [1, 2).
double pickScale(Random &random, int minExponent, int maxExponent);

/// A scale with a short mantissa (at most 24 bits, so also exact in f32) for
/// sets whose products and ratios must stay exact.
double pickShortScale(Random &random, int minExponent, int maxExponent);

/// How the requantization ratio of a case is chosen.
enum class RatioStyle {
  Arbitrary, // Full-mantissa scales; ratios near a typical value.
  Tie,       // Ratios odd * 2^k exactly: RHE sees exact ties.
  Extreme,   // Ratios at the edges of the multiplier derivation.
};
RatioStyle pickRatioStyle(Random &random);
const char *ratioStyleName(RatioStyle style);

/// The exponent of `value` (floor(log2)), exact for positive doubles.
int exponentOf(double value);

/// A ratio at an edge of (M, n): n = 63, n = 64 (M = 0), far below 2^-32,
/// large (up to just below 2^30), or a mantissa that rounds to M = 2^31.
double pickExtremeRatio(Random &random);

/// Scales for a requantization from `numInputs` input scales to one output
/// scale (or one per input when `perChannelOutput`), with ratios
/// input[c] / output[c] near 2^typicalExponent and chosen by `style`.
struct RatioScales {
  std::vector<double> inputs;
  std::vector<double> outputs;
  /// A factor of every input scale: input[c] / (base * 2^k) is exact in the
  /// tie and extreme styles, so an input scale can be split into a product
  /// of two scales (x and w of conv2d) without changing the ratio.
  double base = 1.0;
};
RatioScales pickRatioScales(Random &random, RatioStyle style, int64_t numInputs,
                            bool perChannelOutput, int typicalExponent);

/// Splits `product` into (s_a, s_b) with s_a * s_b == product exactly when
/// `product` is a multiple of `base` as produced by pickRatioScales: s_a =
/// base * 2^k, s_b = product / s_a.
std::pair<double, double> splitScale(Random &random, double product,
                                     double base);

/// A fused activation range for `type`: often none, else relu-like (min =
/// z), a random sub-range, or bounds beyond the storage range (which the
/// contract intersects away).
ref::ActivationRange pickActivation(Random &random, const ref::QuantType &type);

/// Builds `{name = value, ...}` attribute dictionaries.
class AttributeList {
public:
  AttributeList &add(const std::string &name, const std::string &value);
  AttributeList &addI64(const std::string &name, int64_t value);
  AttributeList &addActivation(const ref::ActivationRange &activation);
  std::string str() const;

private:
  std::string text;
};

/// `i8<-127:127>:0.5:3`-like one-line summary of a type.
std::string describeType(const ref::QuantType &type);

} // namespace qcc::bitexact

#endif // QCC_TEST_BITEXACT_GENERATOR_SAMPLING_H
