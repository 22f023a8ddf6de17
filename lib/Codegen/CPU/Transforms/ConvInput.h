//===- ConvInput.h - how the kernel selectors read a conv's input -*- C++
//-*-===//
//
// Internal to the kernel selectors (int8 and fp32): the spatial padding of
// an NHWC convolution input, which the kernels take as geometry and a zero
// row instead of a padded copy, and kernel rows read as one tap.
//
// In NHWC the kw pixels one kernel row covers are consecutive in memory, so
// with dilation 1 they are one run of kw * C elements, and the convolution
// can be run as a kw = 1 one whose taps read kw * C channels at a pixel
// stride of C (qcc_conv2d_geometry allows in_pixel_stride < in_channels for
// this). For the few channels of a network's first layer (RGB: C = 3) that
// turns 49 taps of 3 channels, each paying the per-tap pointer work and, for
// int8, a dot-product group of 4 for 3 bytes, into 7 taps of 21. The packed
// weights are the same bytes: OHWI [O][kh][kw][C] is [O][kh][1][kw * C].
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_CODEGEN_CPU_TRANSFORMS_CONVINPUT_H
#define QCC_LIB_CODEGEN_CPU_TRANSFORMS_CONVINPUT_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace qcc::cpu {

/// An NHWC convolution input and its padding of H and W.
struct SpatialPadding {
  /// The input without the padding (the input itself when unpadded).
  mlir::Value source;
  /// The padding op, and its constant padding value; null when unpadded.
  mlir::tensor::PadOp pad;
  mlir::Value value;
  int64_t top = 0, left = 0, bottom = 0, right = 0;
};

/// The padding of `input`: none when it is no tensor.pad; nullopt when it is
/// one the kernels cannot take (non-constant amounts or value, or padding
/// of the batch or channel dimension).
std::optional<SpatialPadding> getSpatialPadding(mlir::Value input);

/// The values of an i64 elements attribute (strides, dilations).
llvm::SmallVector<int64_t> getI64Vector(mlir::DenseIntElementsAttr attr);

/// Whether a convolution with `inChannels` input channels per group, kernel
/// width `kw` and the given (h, w) dilations is run with folded kernel rows:
/// only when the channels do not fill whole dot-product groups and one row
/// stays a short run.
bool foldsKernelRows(int64_t inChannels, int64_t kw,
                     llvm::ArrayRef<int64_t> dilations);

/// The input of a convolution with folded kernel rows: a run of kw pixels
/// may be partly in the left or right padding, which the kernel's zero row
/// (whole taps only) cannot express, so that padding is materialized here;
/// the top and bottom padding (whole runs) stays the kernel's.
mlir::Value padColumns(mlir::OpBuilder &b, mlir::Location loc,
                       const SpatialPadding &padding);

/// Whether an int8 convolution reads its input as whole windows: each output
/// pixel's kh x kw x C window copied into one run (gatherWindows), so the
/// convolution runs as a 1x1 one with one tap of kh * kw * C channels. Only
/// where even a folded kernel row fills at most one dot-product group of 4
/// (one- and two-channel first layers: grayscale images, spectrograms), so
/// that the taps' partial groups and per-tap work dominate, and the copy
/// stays small.
bool gathersWholeWindows(int64_t inChannels, int64_t kh, int64_t kw,
                         int64_t outPixels);

/// The windows of an NHWC convolution input (`input` padded, as the
/// convolution reads it): [N, OH, OW, kh * kw * C], each output pixel's
/// window in OHWI order, the order of the packed weights.
mlir::Value gatherWindows(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value input, int64_t outH, int64_t outW,
                          int64_t kh, int64_t kw,
                          llvm::ArrayRef<int64_t> strides,
                          llvm::ArrayRef<int64_t> dilations);

} // namespace qcc::cpu

#endif // QCC_LIB_CODEGEN_CPU_TRANSFORMS_CONVINPUT_H
