//===- QuantizedOps.cpp - ONNX QDQ and QOperator operators ----------------===//

#include "OpRegistry.h"

using namespace mlir;

namespace qcc::onnx_import {

void registerQuantizedOps(OpRegistry &registry) {}

} // namespace qcc::onnx_import
