//===- KernelRows.h - convolution kernel rows read as one tap ---*- C++ -*-===//
//
// Internal to the kernel selectors. In NHWC the kw pixels one kernel row
// covers are consecutive in memory, so with dilation 1 they are one run of
// kw * C elements, and the convolution can be run as a kw = 1 one whose taps
// read kw * C channels at a pixel stride of C (qcc_conv2d_geometry allows
// in_pixel_stride < in_channels for this). For the few channels of a
// network's first layer (RGB: C = 3) that turns 49 taps of 3 channels, each
// paying the per-tap pointer work and, for int8, a dot-product group of 4
// for 3 bytes, into 7 taps of 21. The packed weights are the same bytes:
// OHWI [O][kh][kw][C] is [O][kh][1][kw * C].
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_CODEGEN_CPU_TRANSFORMS_KERNELROWS_H
#define QCC_LIB_CODEGEN_CPU_TRANSFORMS_KERNELROWS_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace qcc::cpu {

/// Whether a convolution with `inChannels` input channels per group, kernel
/// width `kw` and the given (h, w) dilations is run with folded kernel rows:
/// only when the channels do not fill whole dot-product groups and one row
/// stays a short run.
bool foldsKernelRows(int64_t inChannels, int64_t kw,
                     llvm::ArrayRef<int64_t> dilations);

/// The input of a convolution with folded kernel rows, given the unpadded
/// `source` and the `pad` it came from (or null): a run of kw pixels may be
/// partly in the left or right padding, which the kernel's zero row (whole
/// taps only) cannot express, so that padding is materialized here; the top
/// and bottom padding (whole runs) stays the kernel's.
mlir::Value padColumns(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value source, mlir::tensor::PadOp pad);

} // namespace qcc::cpu

#endif // QCC_LIB_CODEGEN_CPU_TRANSFORMS_KERNELROWS_H
