//===- CheckIntegerPath.cpp - no float arithmetic between layers ----------===//

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Quantization/Passes.h"

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
    SmallVector<Operation *> islands;
    func.walk([&](Operation *op) {
      if (downstream.contains(op) && upstream.contains(op) && !isKeptFloat(op))
        islands.push_back(op);
    });
    if (islands.empty())
      return;
    if (!allowFloat) {
      for (Operation *op : islands) {
        InFlightDiagnostic diag = op->emitError();
        diag << "'" << op->getName()
             << "' runs in float between quantized layers";
        if (!message.empty())
          diag << "; " << message;
      }
      return signalPassFailure();
    }
    // Accepted float islands are said once, naming them.
    constexpr size_t kNamed = 8;
    InFlightDiagnostic diag = mlir::emitWarning(func.getLoc());
    diag << islands.size() << " op" << (islands.size() == 1 ? "" : "s")
         << " run in float between quantized layers (a dequantize before, a "
            "quantize after): ";
    for (auto [index, op] : llvm::enumerate(islands)) {
      if (index == kNamed) {
        diag << ", and " << islands.size() - kNamed << " more";
        break;
      }
      if (index != 0)
        diag << ", ";
      std::optional<std::string> name = getLocationName(op->getLoc());
      if (name)
        diag << "node '" << *name << "' ";
      diag << "('" << op->getName() << "')";
    }
    if (!message.empty())
      diag << "; " << message;
  }
};

} // namespace
