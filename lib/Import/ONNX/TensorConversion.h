//===- TensorConversion.h - ONNX tensors and types to MLIR ------*- C++ -*-===//
//
// Converts onnx::TensorProto payloads (raw_data and the typed repeated
// fields) into DenseElementsAttr, and ONNX element type codes into MLIR types.
// Every check that can fail on user input returns failure through an error
// callback instead of asserting.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_IMPORT_ONNX_TENSORCONVERSION_H
#define QCC_LIB_IMPORT_ONNX_TENSORCONVERSION_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include "onnx/onnx_pb.h"

namespace qcc::onnx_import {

using ErrorEmitter = llvm::function_ref<mlir::InFlightDiagnostic()>;

/// The MLIR element type of an ONNX TensorProto::DataType code, or null when
/// qcc does not support it (strings, complex, ...).
mlir::Type convertElementType(int32_t dataType, mlir::MLIRContext *context);

/// A printable name for an ONNX data type code ("FLOAT", "INT64", ...).
llvm::StringRef getElementTypeName(int32_t dataType);

/// The element count of `shape`, or failure if a dimension is negative or the
/// count overflows.
mlir::FailureOr<int64_t> getElementCount(llvm::ArrayRef<int64_t> shape);

/// Converts `tensor` into a dense constant. `emitError` starts a diagnostic
/// that names the tensor; the message continues with a verb ("has ...").
mlir::FailureOr<mlir::DenseElementsAttr>
convertTensorProto(const onnx::TensorProto &tensor, mlir::MLIRContext *context,
                   ErrorEmitter emitError);

} // namespace qcc::onnx_import

#endif // QCC_LIB_IMPORT_ONNX_TENSORCONVERSION_H
