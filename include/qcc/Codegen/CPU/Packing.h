//===- Packing.h - Compile-time weight packing for CPU kernels --*- C++ -*-===//
//
// Turns a quantized (or fp32) convolution's constant weights and per-channel
// data into the packed arrays that a variant of the micro-kernels in
// qcc/Codegen/CPU/Kernels.h reads. qcc runs this at compile time and emits
// the results as constants; the layouts are documented in Kernels.h.
//
// Packing is specific to a variant: the output-channel block width NR
// differs, and the VNNI variants with int8 activations store w' + 128 (they
// feed the weights to vpdpbusd as its unsigned operand). Pure C++17, no
// MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CODEGEN_CPU_PACKING_H
#define QCC_CODEGEN_CPU_PACKING_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace qcc::cpu {

/// The int8 kernel variants (suffixes of the C functions).
enum class QKernelVariant { Generic, Avx2, AvxVnni, Avx512Vnni };
/// The fp32 kernel variants.
enum class SKernelVariant { Generic, Avx2, Avx512F };

/// Output-channel block width NR of the packed convolution weights.
int getBlockWidth(QKernelVariant variant);
int getBlockWidth(SKernelVariant variant);
/// Whether the variant packs u = w' + 128 (as a byte 0..255) instead of w'
/// for int8 activations (the VNNI variants; see Kernels.h).
bool usesOffsetWeights(QKernelVariant variant);

/// A quantized convolution (or matmul: 1x1, weights = B transposed) as the
/// compiler knows it. Pointers are borrowed for the duration of the call.
struct QConv2DWeights {
  /// OHWI: [groups * outChannels][kernelH][kernelW][inChannels], int8.
  const int8_t *weights = nullptr;
  /// Per group.
  int32_t outChannels = 0;
  int32_t inChannels = 0;
  int32_t kernelH = 1, kernelW = 1;
  int32_t groups = 1;
  /// Weight zero points: 0 entries (all 0), 1 (per tensor) or groups *
  /// outChannels (per output channel). w' = w - z_w must fit in int8.
  const int32_t *weightZeroPoints = nullptr;
  size_t numWeightZeroPoints = 0;
  /// bias' per output channel (groups * outChannels entries), with the input
  /// zero point already folded in: bias - z_x * sum w' (see
  /// foldInputZeroPoint). Null: all 0.
  const int32_t *bias = nullptr;
  /// Requantization (M, n) per output channel: 1 entry (per tensor) or
  /// groups * outChannels. 0 <= M <= 2^31, 1 <= n <= 63.
  const int64_t *multipliers = nullptr;
  const int32_t *shifts = nullptr;
  size_t numMultipliers = 0;
  /// The activations' storage type: uint8 (true) or int8 (false).
  bool inputUnsigned = false;
};

/// The packed arrays of one convolution, as Kernels.h lays them out.
struct QConv2DPacked {
  std::vector<int8_t> weights;
  std::vector<int32_t> bias;
  std::vector<int32_t> multiplier;
  std::vector<int32_t> shift;
};

/// Packs `conv` for `variant`. Returns false and sets `error` when a w' does
/// not fit in int8 (the compiler must then fall back to another lowering),
/// when a multiplier or shift is out of range, or when the shape is invalid.
bool packQConv2D(QKernelVariant variant, const QConv2DWeights &conv,
                 QConv2DPacked &packed, std::string *error = nullptr);

/// Computes bias'[o] = bias[o] - z_x * sum w'[o] (mod 2^32, as the contract
/// allows) for the convolution's weights; `bias` null means 0.
std::vector<int32_t> foldInputZeroPoint(const QConv2DWeights &conv,
                                        const int32_t *bias,
                                        int32_t inputZeroPoint);

/// A quantized depthwise convolution (groups == channels, multiplier 1).
struct QDepthwiseConv2DWeights {
  /// OHWI with I = 1: [channels][kernelH][kernelW].
  const int8_t *weights = nullptr;
  int32_t channels = 0;
  int32_t kernelH = 1, kernelW = 1;
  const int32_t *weightZeroPoints = nullptr;
  size_t numWeightZeroPoints = 0;
  /// bias' = bias - z_x * sum w' per channel; null: 0.
  const int32_t *bias = nullptr;
  const int64_t *multipliers = nullptr;
  const int32_t *shifts = nullptr;
  size_t numMultipliers = 0;
};

struct QDepthwiseConv2DPacked {
  std::vector<int32_t> weights;
  std::vector<int32_t> bias;
  std::vector<int32_t> multiplier;
  std::vector<int32_t> shift;
};

/// The depthwise layout is the same for every variant.
bool packQDepthwiseConv2D(const QDepthwiseConv2DWeights &conv,
                          QDepthwiseConv2DPacked &packed,
                          std::string *error = nullptr);

/// An fp32 convolution: OHWI weights and an optional bias.
struct SConv2DWeights {
  const float *weights = nullptr;
  int32_t outChannels = 0; ///< Per group.
  int32_t inChannels = 0;  ///< Per group.
  int32_t kernelH = 1, kernelW = 1;
  int32_t groups = 1;
  const float *bias = nullptr; ///< groups * outChannels entries, or null.
};

struct SConv2DPacked {
  std::vector<float> weights;
  std::vector<float> bias;
};

bool packSConv2D(SKernelVariant variant, const SConv2DWeights &conv,
                 SConv2DPacked &packed, std::string *error = nullptr);

/// fp32 depthwise: weights [channels][kernelH][kernelW], bias or null.
bool packSDepthwiseConv2D(const float *weights, const float *bias,
                          int32_t channels, int32_t kernelH, int32_t kernelW,
                          SConv2DPacked &packed, std::string *error = nullptr);

} // namespace qcc::cpu

#endif // QCC_CODEGEN_CPU_PACKING_H
