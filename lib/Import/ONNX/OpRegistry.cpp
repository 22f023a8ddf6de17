//===- OpRegistry.cpp - ONNX operator importers by op type ----------------===//

#include "OpRegistry.h"

namespace qcc::onnx_import {

const OpRegistry &getOpRegistry() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerConvPoolOps(r);
    registerElementwiseOps(r);
    registerLinearOps(r);
    registerNormalizationOps(r);
    registerShapeOps(r);
    return r;
  }();
  return registry;
}

} // namespace qcc::onnx_import
