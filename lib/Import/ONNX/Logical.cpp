//===- Logical.cpp - ONNX comparisons, logical and bitwise operators, Where ===//

#include "OpRegistry.h"

using namespace mlir;

namespace qcc::onnx_import {

void registerLogicalOps(OpRegistry &registry) {}

} // namespace qcc::onnx_import
