//===- WeightOnly.h - Weight-only quantization reference --------*- C++ -*-===//
//
// The weight-only scheme of docs/Numerics.md: float weights stored as
// symmetric 8-bit or 4-bit integers with one f32 scale per block, expanded
// back to f32 at run time and used by a float matmul.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TEST_REFERENCE_WEIGHTONLY_H
#define QCC_TEST_REFERENCE_WEIGHTONLY_H

#include "Tensor.h"

namespace qcc::ref {

/// Weights as qcc.dequantized_constant stores them. `storage` holds one byte
/// per value (bits = 8) or two values per byte along the innermost dimension
/// (bits = 4: even index in the low nibble, odd index in the high nibble; a
/// row of odd length ends with an unused high nibble 0). `scales` has
/// `scalesShape`, whose every size divides the weight's.
struct WeightOnlyWeights {
  Shape shape;
  int bits = 8;
  std::vector<int8_t> storage;
  Shape scalesShape;
  std::vector<float> scales;
};

/// Quantizes `weights` with one scale per block (`scalesShape[d]` blocks
/// along dimension d): s = f32(max|w| / qmax) over the block (1 when the
/// block is all zero), q = clamp(roundeven(w / s), -qmax, qmax) in double,
/// qmax = 127 (bits 8) or 7 (bits 4). Fails on non-finite weights or scales
/// and on blocks that do not tile the tensor.
Result<WeightOnlyWeights> quantizeWeightOnly(const FloatTensor &weights,
                                             const Shape &scalesShape,
                                             int bits);

/// The stored integer of element `flatIndex` (row major), unpacked.
int32_t storedWeight(const WeightOnlyWeights &weights, int64_t flatIndex);

/// w = f32(q) * scale of the element's block, one f32 multiplication.
FloatTensor dequantizeWeightOnly(const WeightOnlyWeights &weights);

/// tosa.matmul in f32: a [B, M, K], b [B, K, N];
/// y[b, m, n] = ((0 + a[b,m,0] * b[b,0,n]) + a[b,m,1] * b[b,1,n]) + ...,
/// every product and sum rounded to f32 separately, k ascending.
Result<FloatTensor> floatMatMul(const FloatTensor &a, const FloatTensor &b);

} // namespace qcc::ref

#endif // QCC_TEST_REFERENCE_WEIGHTONLY_H
