//===- ConvPool.h - helpers shared by the convolution importers -*- C++ -*-===//
//
// Input checks that Conv (ConvPool.cpp) and ConvTranspose
// (ConvTranspose.cpp) share.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_IMPORT_ONNX_CONVPOOL_H
#define QCC_LIB_IMPORT_ONNX_CONVPOOL_H

#include "NodeContext.h"

namespace qcc::onnx_import {

/// Checks the optional kernel_shape attribute against the spatial sizes of
/// the weight (input #1).
mlir::LogicalResult checkKernelShape(NodeContext &node,
                                     llvm::ArrayRef<int64_t> kernel);

/// The optional f32 bias (input #2) of a convolution with `channels` output
/// channels, or zeros when it is absent.
mlir::FailureOr<mlir::Value> getConvBias(NodeContext &node, int64_t channels);

} // namespace qcc::onnx_import

#endif // QCC_LIB_IMPORT_ONNX_CONVPOOL_H
