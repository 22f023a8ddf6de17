//===- Indexing.cpp - ONNX index-producing and index-consuming operators (ArgMax, GatherElements, Trilu, ...) ===//

#include "OpRegistry.h"

using namespace mlir;

namespace qcc::onnx_import {

void registerIndexingOps(OpRegistry &registry) {}

} // namespace qcc::onnx_import
