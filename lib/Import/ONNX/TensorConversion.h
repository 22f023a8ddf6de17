//===- TensorConversion.h - ONNX tensors and types to MLIR ------*- C++ -*-===//
//
// Converts onnx::TensorProto payloads (raw_data, the typed repeated fields
// and external data files) into DenseElementsAttr, and ONNX element type codes
// into MLIR types. Every check that can fail on user input returns failure
// through an error callback instead of asserting.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_IMPORT_ONNX_TENSORCONVERSION_H
#define QCC_LIB_IMPORT_ONNX_TENSORCONVERSION_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/onnx_pb.h"

#include <memory>
#include <string>

namespace qcc::onnx_import {

using ErrorEmitter = llvm::function_ref<mlir::InFlightDiagnostic()>;

/// The MLIR element type of an ONNX TensorProto::DataType code, or null when
/// qcc does not support it (strings, complex, ...).
mlir::Type convertElementType(int32_t dataType, mlir::MLIRContext *context);

/// Whether `dataType` is one of ONNX's unsigned integer types.
bool isUnsignedElementType(int32_t dataType);

/// A printable name for an ONNX data type code ("FLOAT", "INT64", ...).
llvm::StringRef getElementTypeName(int32_t dataType);

/// The element count of `shape`, or failure if a dimension is negative or the
/// count overflows.
mlir::FailureOr<int64_t> getElementCount(llvm::ArrayRef<int64_t> shape);

/// The byte size of `shape` holding elements of `elementType` as ONNX stores
/// them (one byte per bool), or failure if a dimension is negative or the size
/// does not fit in int64_t.
mlir::FailureOr<int64_t> getStorageSize(llvm::ArrayRef<int64_t> shape,
                                        mlir::Type elementType);

/// Reads the payloads of tensors stored outside the model file
/// (data_location = EXTERNAL). Data files must lie beneath the model's
/// directory: absolute locations, `..` components, symlinks that resolve
/// outside the directory, anything but a regular file, negative or
/// out-of-bounds offsets and lengths, and lengths other than the tensor's
/// byte size are rejected. Files are mapped once and kept until the reader
/// is destroyed, so the returned bytes stay valid that long.
class ExternalDataReader {
public:
  /// `directory` is the model's directory; empty when the model has none (it
  /// was read from stdin or memory), which makes every external tensor an
  /// error.
  explicit ExternalDataReader(llvm::StringRef directory)
      : directory(directory.str()) {}

  /// The `size` bytes of `tensor`'s external payload.
  mlir::FailureOr<llvm::ArrayRef<char>>
  read(const onnx::TensorProto &tensor, int64_t size, ErrorEmitter emitError);

private:
  mlir::FailureOr<const llvm::MemoryBuffer *> openFile(llvm::StringRef location,
                                                       ErrorEmitter emitError);

  std::string directory;
  /// `directory` with symlinks resolved; computed on first use.
  std::string realDirectory;
  /// Opened data files by location.
  llvm::StringMap<std::unique_ptr<llvm::MemoryBuffer>> files;
};

/// Converts `tensor` into a dense constant. `emitError` starts a diagnostic
/// that names the tensor; the message continues with a verb ("has ...").
/// External payloads are read through `externalData`; without one, a tensor
/// with external data is an error.
mlir::FailureOr<mlir::DenseElementsAttr>
convertTensorProto(const onnx::TensorProto &tensor, mlir::MLIRContext *context,
                   ErrorEmitter emitError,
                   ExternalDataReader *externalData = nullptr);

} // namespace qcc::onnx_import

#endif // QCC_LIB_IMPORT_ONNX_TENSORCONVERSION_H
