//===- ONNXImporter.h - ONNX model to float TOSA import ---------*- C++ -*-===//
//
// Turns an ONNX ModelProto into the float MLIR form qcc's pipeline takes: one
// public `func.func @main` over static-shaped ranked tensors in TOSA plus
// func/arith/tensor. Graph inputs and outputs carry their ONNX names in a
// `qcc.name` argument/result attribute; every op is located at the ONNX node
// it came from, so diagnostics name the node.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_IMPORT_ONNX_ONNXIMPORTER_H
#define QCC_IMPORT_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBufferRef.h"

#include <string>

namespace qcc {

struct ONNXImportOptions {
  /// Static shapes for graph inputs, by ONNX input name. Required for every
  /// input with a dynamic (symbolic or unknown) dimension; a pin must agree
  /// with every static dimension the model declares.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Directory that tensors stored outside the model (data_location =
  /// EXTERNAL) are read from; they must lie beneath it. Empty: the directory
  /// of the model file, when the path or buffer identifier names an existing
  /// file (otherwise external data is rejected).
  std::string externalDataDirectory;
};

/// Parses `name=AxBxC` (e.g. `input=1x3x224x224`; `name=` pins a scalar)
/// and adds it to `options`. Returns false and sets `error` on malformed
/// text, a non-positive dimension or a repeated name.
bool addInputShapePin(llvm::StringRef spec, ONNXImportOptions &options,
                      std::string &error);

/// Imports the ONNX model in `path`. On failure, emits diagnostics through
/// `context` (located at the offending node, initializer or tensor where
/// there is one) and returns null; malformed input never crashes. Loads the
/// dialects it needs into `context`.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModel(llvm::StringRef path, mlir::MLIRContext &context,
                const ONNXImportOptions &options = {});

/// Same, from serialized ModelProto bytes; `buffer`'s identifier names the
/// model in locations.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModel(llvm::MemoryBufferRef buffer, mlir::MLIRContext &context,
                const ONNXImportOptions &options = {});

/// The operator types of the default ONNX domain the importer supports,
/// sorted. Every other default-domain operator fails with an "unsupported
/// ONNX operator" diagnostic.
llvm::SmallVector<llvm::StringRef> getSupportedONNXOperators();

} // namespace qcc

#endif // QCC_IMPORT_ONNX_ONNXIMPORTER_H
