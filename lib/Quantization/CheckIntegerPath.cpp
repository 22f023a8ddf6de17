//===- CheckIntegerPath.cpp - no float arithmetic between layers ----------===//

#include "qcc/Quantization/Passes.h"
#include "qcc/Dialect/Qcc/IR/QccAttributes.h"

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "llvm/ADT/SetVector.h"

namespace qcc {
#define GEN_PASS_DEF_CHECKINTEGERPATHPASS
#include "qcc/Quantization/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

static bool isBoundary(Operation *op) {
  return isa<QuantizeOp, DequantizeOp>(op);
}

struct CheckIntegerPathPass
    : public qcc::impl::CheckIntegerPathPassBase<CheckIntegerPathPass> {
  using CheckIntegerPathPassBase::CheckIntegerPathPassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Ops downstream of a dequantize...
    llvm::SetVector<Operation *> downstream;
    SmallVector<Operation *> worklist;
    func.walk([&](DequantizeOp op) { worklist.push_back(op); });
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      for (Operation *user : op->getUsers())
        if (!isBoundary(user) && downstream.insert(user))
          worklist.push_back(user);
    }
    // ...that also feed a quantize run in float between quantized layers.
    llvm::SetVector<Operation *> upstream;
    func.walk([&](QuantizeOp op) { worklist.push_back(op); });
    while (!worklist.empty()) {
      Operation *op = worklist.pop_back_val();
      for (Value operand : op->getOperands())
        if (Operation *producer = operand.getDefiningOp())
          if (!isBoundary(producer) && upstream.insert(producer))
            worklist.push_back(producer);
    }
    bool failedCheck = false;
    func.walk([&](Operation *op) {
      if (!downstream.contains(op) || !upstream.contains(op) ||
          isKeptFloat(op))
        return;
      auto diag = allowFloat ? op->emitWarning() : op->emitError();
      diag << "'" << op->getName()
           << "' runs in float between quantized layers";
      failedCheck |= !allowFloat;
    });
    if (failedCheck)
      signalPassFailure();
  }
};

} // namespace
