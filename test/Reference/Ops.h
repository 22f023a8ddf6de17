//===- Ops.h - Scalar reference of every qcc op -----------------*- C++ -*-===//
//
// One function per op of qcc's numerics contract. Each is the literal,
// element-by-element reading of the contract; speed is not a goal.
//
// Conventions: tensors are row major; images NHWC, conv weights OHWI; pads
// are [top, bottom, left, right]; strides, dilations and kernels [h, w].
// Ops return a Failure where the contract gives no result (a compile-time
// error, undefined behaviour, or operands the op verifier rejects).
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TEST_REFERENCE_OPS_H
#define QCC_TEST_REFERENCE_OPS_H

#include "Tensor.h"

#include <array>
#include <optional>

namespace qcc::ref {

/// A fused activation range in the result's storage domain (the
/// clamp_min/clamp_max attributes); unset bounds do not narrow.
struct ActivationRange {
  std::optional<int64_t> min;
  std::optional<int64_t> max;
};

/// The storage range of `type` intersected with `activation`.
std::pair<int64_t, int64_t> saturationRange(const QuantType &type,
                                            const ActivationRange &activation);

//===----------------------------------------------------------------------===//
// Conversions
//===----------------------------------------------------------------------===//

/// clamp(roundeven(x / s) + z, qmin, qmax) with an f32 division by f32(s);
/// NaN gives z. Per-axis types use the parameters of the element's channel.
Result<QTensor> quantize(const FloatTensor &input, const QuantType &resultType);

/// f32(q - z) * f32(s), one f32 multiplication.
FloatTensor dequantize(const QTensor &input);

/// clamp(z_y + apply(x - z_x, M, n), lo, hi) with (M, n) from s_x / s_y, per
/// channel when the input (and then possibly the result) is per-axis.
Result<QTensor> requantize(const QTensor &input, const QuantType &resultType,
                           const ActivationRange &activation = {});

//===----------------------------------------------------------------------===//
// Linear ops (int32 accumulators)
//===----------------------------------------------------------------------===//

struct Conv2DAttrs {
  std::array<int64_t, 4> pad = {0, 0, 0, 0};
  std::array<int64_t, 2> stride = {1, 1};
  std::array<int64_t, 2> dilation = {1, 1};
  int64_t groups = 1;
  ActivationRange activation;
};

/// Output extent of a sliding window, or 0 when the window does not fit.
int64_t windowOutputSize(int64_t input, int64_t padBefore, int64_t padAfter,
                         int64_t kernel, int64_t stride, int64_t dilation);

/// NHWC input (per tensor), OHWI weight (per tensor or per axis 0), optional
/// bias [O] (int32 values; int64 ones with inputs wider than 8 bits). Fails
/// when an exact accumulator does not fit its width.
Result<QTensor> conv2d(const QTensor &input, const QTensor &weight,
                       const std::optional<std::vector<int64_t>> &bias,
                       const QuantType &resultType, const Conv2DAttrs &attrs);

/// lhs [..., M, K] (per tensor), rhs [K, N] (per tensor or per axis 1) or
/// [..., K, N] with lhs's batch dimensions (per tensor: activation x
/// activation), optional bias [N] (as for conv2d).
Result<QTensor> matmul(const QTensor &lhs, const QTensor &rhs,
                       const std::optional<std::vector<int64_t>> &bias,
                       const QuantType &resultType,
                       const ActivationRange &activation = {});

//===----------------------------------------------------------------------===//
// Elementwise ops (numpy broadcasting, per-tensor operands)
//===----------------------------------------------------------------------===//

/// The numpy broadcast of two shapes, or nullopt when incompatible.
std::optional<Shape> broadcastShapes(const Shape &lhs, const Shape &rhs);

Result<QTensor> add(const QTensor &lhs, const QTensor &rhs,
                    const QuantType &resultType,
                    const ActivationRange &activation = {});

Result<QTensor> mul(const QTensor &lhs, const QTensor &rhs,
                    const QuantType &resultType,
                    const ActivationRange &activation = {});

/// clamp(x, lo, hi) in the storage domain; the type is unchanged.
Result<QTensor> clamp(const QTensor &input, int64_t lo, int64_t hi);

/// table[x - qmin_x] for an 8-bit input; `table` holds 256 values of the
/// result's storage type. For an int16 input `table` holds 513 values (the
/// function at -32768 + 128 i) and the result interpolates:
/// u = x + 32768, i = u >> 7, f = u & 127,
/// y = RHE(128 * table[i] + f * (table[i + 1] - table[i]), 7).
Result<QTensor> lookup(const QTensor &input, const std::vector<int32_t> &table,
                       const QuantType &resultType);

/// Softmax over the last dimension (rows of at most 32767 elements) of an
/// 8-bit input into an 8-bit result: with d = max(row) - x and
/// e = expTable[d], the probability p = RHE(e * floor(2^47 / sum(e)), 32)
/// in Q15, requantized by the multiplier of 2^-15 / s_y.
Result<QTensor> softmax(const QTensor &input,
                        const std::vector<int32_t> &expTable,
                        const QuantType &resultType);

/// Requantizes every input to `resultType` and concatenates along `axis`.
Result<QTensor> concat(const std::vector<QTensor> &inputs, int64_t axis,
                       const QuantType &resultType);

//===----------------------------------------------------------------------===//
// Pooling (NHWC, per tensor)
//===----------------------------------------------------------------------===//

struct Pool2DAttrs {
  std::array<int64_t, 2> kernel = {1, 1};
  std::array<int64_t, 2> stride = {1, 1};
  std::array<int64_t, 4> pad = {0, 0, 0, 0};
  bool countIncludePad = false; // avg_pool2d only.
  ActivationRange activation;
};

/// Max over the in-bounds window elements; result type = input type.
Result<QTensor> maxPool2d(const QTensor &input, const Pool2DAttrs &attrs);

/// Sum of in-bounds (x - z_x) requantized with s_x / (s_y * count).
Result<QTensor> avgPool2d(const QTensor &input, const QuantType &resultType,
                          const Pool2DAttrs &attrs);

} // namespace qcc::ref

#endif // QCC_TEST_REFERENCE_OPS_H
