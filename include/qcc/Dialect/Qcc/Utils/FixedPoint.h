//===- FixedPoint.h - real multipliers as integer multiplier + shift -*- C++ -*-//
//
// The numerics contract (docs/Numerics.md) represents every real rescaling
// factor r > 0 as (M, n) with r ~= M * 2^-n, 2^30 <= M < 2^31. This is the
// single implementation the compiler uses to derive them.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_DIALECT_QCC_UTILS_FIXEDPOINT_H
#define QCC_DIALECT_QCC_UTILS_FIXEDPOINT_H

#include <cstdint>
#include <optional>

namespace qcc {

struct FixedPointMultiplier {
  int32_t multiplier;
  int32_t shift;
};

/// Derives (M, n) for `real` as the contract specifies. Returns nullopt when
/// `real` is not positive and finite or is too large (n < 1).
std::optional<FixedPointMultiplier> getFixedPointMultiplier(double real);

/// The rescaling factor of a convolution or matmul, `(s_x * s_w) / s_y`,
/// computed in IEEE f32 as ONNX's QLinearConv and QLinearMatMul define it
/// (each scale read as f32). Its 24-bit significand makes (M, n) exact, so
/// requantization rounds `acc * r` itself. A product that underflows f32
/// is formed in double instead (any such factor is below 2^-32 and rounds
/// every accumulator to 0).
double getContractionRescale(double inputScale, double weightScale,
                             double outputScale);

/// M' = roundeven(real * 2^shift), the companion multiplier of `real` on a
/// shift chosen for another factor (used by quantized add). Returns nullopt
/// when it does not fit in int32.
std::optional<int32_t> getMultiplierForShift(double real, int32_t shift);

/// RHE(v, n): v / 2^n rounded half to even, 1 <= n <= 63.
int64_t roundingShiftRight(int64_t value, int32_t shift);

} // namespace qcc

#endif // QCC_DIALECT_QCC_UTILS_FIXEDPOINT_H
