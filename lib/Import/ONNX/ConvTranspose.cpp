//===- ConvTranspose.cpp - ONNX ONNX ConvTranspose to TOSA ===//

#include "OpRegistry.h"

using namespace mlir;

namespace qcc::onnx_import {

void registerConvTransposeOps(OpRegistry &registry) {}

} // namespace qcc::onnx_import
