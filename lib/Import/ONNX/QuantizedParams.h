//===- QuantizedParams.h - quantization parameters of ONNX nodes *- C++ -*-===//
//
// What the importers of the quantization operators (QuantizedOps.cpp and
// the com.microsoft ones in ContribOps.cpp) share: the scale check, the
// `!quant.uniform` type constant parameters give, and the `qcc.quantize` /
// `qcc.dequantize` forms behind a `quant.scast` to the plain integer tensors
// the importer carries.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_IMPORT_ONNX_QUANTIZEDPARAMS_H
#define QCC_LIB_IMPORT_ONNX_QUANTIZEDPARAMS_H

#include "NodeContext.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

namespace qcc::onnx_import {

/// Input `index` is a scale: f32, and positive and finite when known.
mlir::LogicalResult checkScale(NodeContext &node, unsigned index);

/// A per-tensor (one scale, or `axis` < 0) or per-axis quantized type of
/// `storage` integers expressing f32.
mlir::quant::QuantizedType
getQuantizedType(mlir::MLIRContext *context, mlir::IntegerType storage,
                 bool isUnsigned, llvm::ArrayRef<double> scales,
                 llvm::ArrayRef<int64_t> zeroPoints, int64_t axis);

/// The `!quant.uniform` type a constant scale (input `scaleIndex`) and zero
/// point (input `zpIndex`, absent for 0) give `storage` integers
/// (`isUnsigned` for ONNX unsigned types) expressing f32; per-axis along
/// `axis` when there are several scales. Null when a parameter is only known
/// at run time.
mlir::quant::QuantizedType
getConstantQuantizedType(NodeContext &node, unsigned scaleIndex,
                         unsigned zpIndex, mlir::IntegerType storage,
                         bool isUnsigned, int64_t axis);

/// `value` (stored integers) read as `type` and dequantized to f32.
mlir::Value createDequantize(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value value,
                             mlir::quant::QuantizedType type);

/// `value` (f32) quantized to `type` and stored as i8 (`type` is 8-bit).
mlir::Value createQuantize(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value value, mlir::quant::QuantizedType type);

} // namespace qcc::onnx_import

#endif // QCC_LIB_IMPORT_ONNX_QUANTIZEDPARAMS_H
