//===- OpRegistry.h - ONNX operator importers by op type --------*- C++ -*-===//
//
// The table from ONNX op type (and domain, for operators outside the default
// one such as com.microsoft's) to the function that imports a node of that
// type. Each op family registers its importers from its own
// file (Elementwise.cpp, ConvPool.cpp, ...).
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_IMPORT_ONNX_OPREGISTRY_H
#define QCC_LIB_IMPORT_ONNX_OPREGISTRY_H

#include "NodeContext.h"

#include "llvm/ADT/StringMap.h"

namespace qcc::onnx_import {

/// Imports one node: reads its inputs and attributes from `node`, builds the
/// IR and sets its outputs, or emits a diagnostic and fails.
using OpImportFn = mlir::LogicalResult (*)(NodeContext &node);

class OpRegistry {
public:
  /// Registers `import` for `opType` of `domain` ("" for the default one).
  void add(llvm::StringRef opType, OpImportFn import,
           llvm::StringRef domain = "") {
    importers[getKey(opType, domain)] = import;
  }
  /// The importer for `opType` of `domain`, or null if the operator is
  /// unsupported.
  OpImportFn lookup(llvm::StringRef opType, llvm::StringRef domain = "") const {
    return importers.lookup(getKey(opType, domain));
  }
  /// Every registered op type, sorted; those of other domains than the
  /// default one are prefixed with their domain (`com.microsoft.QLinearAdd`).
  llvm::SmallVector<llvm::StringRef> getOpTypes() const;

private:
  static std::string getKey(llvm::StringRef opType, llvm::StringRef domain) {
    return domain.empty() ? opType.str() : (domain + "." + opType).str();
  }

  llvm::StringMap<OpImportFn> importers;
};

/// The registry with every supported operator of the default ONNX domain.
const OpRegistry &getOpRegistry();

void registerConvPoolOps(OpRegistry &registry);
void registerContribOps(OpRegistry &registry);
void registerConvTransposeOps(OpRegistry &registry);
void registerElementwiseOps(OpRegistry &registry);
void registerIndexingOps(OpRegistry &registry);
void registerLinearOps(OpRegistry &registry);
void registerLogicalOps(OpRegistry &registry);
void registerNormalizationOps(OpRegistry &registry);
void registerQuantizedOps(OpRegistry &registry);
void registerReductionOps(OpRegistry &registry);
void registerResizeOps(OpRegistry &registry);
void registerShapeOps(OpRegistry &registry);

} // namespace qcc::onnx_import

#endif // QCC_LIB_IMPORT_ONNX_OPREGISTRY_H
