//===- Scheme.h - how qcc chooses quantization parameters -------*- C++ -*-===//
//
// The default scheme: activations per-tensor asymmetric int8 from their
// range (extended to include 0, so real zero is exactly representable);
// weights symmetric int8 in the narrow range [-127, 127], per output channel
// or per tensor; bias int32 at scale s_x * s_w (int64 for 16x8, whose
// accumulator is int64). All roundings are half to even, as everywhere in
// qcc.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_QUANTIZATION_SCHEME_H
#define QCC_QUANTIZATION_SCHEME_H

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/SmallVector.h"

namespace qcc {

/// How an activation is stored.
enum class ActivationKind {
  /// Asymmetric int8 (the default).
  Int8,
  /// Asymmetric uint8 (`--activation-type=uint8`).
  UInt8,
  /// Symmetric int16 with zero point 0 (16x8, as TFLite's 16x8 scheme).
  Int16,
};

/// The activation type of `kind` for values in `range`.
mlir::quant::UniformQuantizedType
getActivationType(mlir::MLIRContext *context, RealRange range,
                  ActivationKind kind = ActivationKind::Int8);

/// Symmetric narrow-range int8 weights, quantized along `axis` (or per
/// tensor when `axis` is negative).
struct QuantizedWeights {
  mlir::quant::QuantizedType type;
  llvm::SmallVector<int8_t> values;
  llvm::SmallVector<double> scales;
};

/// `minScales` (empty, or one per channel along `axis`, or one for a
/// per-tensor scale) bounds each scale from below: see getBiasScaleFloors.
/// A channel whose weights are all zero gets scale 1 (any scale is exact).
QuantizedWeights quantizeWeights(mlir::MLIRContext *context,
                                 llvm::ArrayRef<float> values,
                                 llvm::ArrayRef<int64_t> shape, int64_t axis,
                                 llvm::ArrayRef<double> minScales = {});

/// The smallest weight scale of each of `channels` output channels at which
/// its float bias (`bias`: one value, or one per channel) quantized at
/// s_x * s_w stays within +-2^30 of an int32 accumulator, leaving the other
/// half of its range to the products. A channel whose weights are (nearly)
/// all zero, common in trained and pruned networks, would otherwise get a
/// scale so small that its bias does not fit; as in TFLite, its weight
/// scale grows instead (its weights then round to few levels or to zero,
/// which is what they are).
llvm::SmallVector<double> getBiasScaleFloors(llvm::ArrayRef<double> bias,
                                             int64_t channels,
                                             double inputScale);

/// round(value / scale) as a `bits`-wide (32 or 64) integer, or nullopt when
/// it does not fit.
std::optional<int64_t> quantizeBias(double value, double scale,
                                    unsigned bits = 32);

} // namespace qcc

#endif // QCC_QUANTIZATION_SCHEME_H
