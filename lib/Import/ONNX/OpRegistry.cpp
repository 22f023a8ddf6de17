//===- OpRegistry.cpp - ONNX operator importers by op type ----------------===//

#include "OpRegistry.h"

#include "qcc/Import/ONNX/ONNXImporter.h"

namespace qcc::onnx_import {

llvm::SmallVector<llvm::StringRef> OpRegistry::getOpTypes() const {
  llvm::SmallVector<llvm::StringRef> opTypes(importers.keys());
  llvm::sort(opTypes);
  return opTypes;
}

const OpRegistry &getOpRegistry() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerContribOps(r);
    registerConvPoolOps(r);
    registerConvTransposeOps(r);
    registerElementwiseOps(r);
    registerIndexingOps(r);
    registerLinearOps(r);
    registerLogicalOps(r);
    registerNormalizationOps(r);
    registerQuantizedOps(r);
    registerReductionOps(r);
    registerResizeOps(r);
    registerShapeOps(r);
    return r;
  }();
  return registry;
}

} // namespace qcc::onnx_import

llvm::SmallVector<llvm::StringRef> qcc::getSupportedONNXOperators() {
  return onnx_import::getOpRegistry().getOpTypes();
}
