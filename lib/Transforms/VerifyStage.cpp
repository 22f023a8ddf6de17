//===- VerifyStage.cpp - contract checks at pipeline stage boundaries -----===//
//
// Each pipeline stage promises a form of the IR to the next one. Checking the
// promise here turns "half-lowered IR reached the backend" into a diagnostic
// that names the op the pipeline could not handle.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringSet.h"

namespace qcc {
#define GEN_PASS_DEF_VERIFYSTAGEPASS
#include "qcc/Transforms/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

/// Allocator entry points emitted code must never call.
static bool isAllocatorName(StringRef name) {
  return llvm::is_contained({"malloc", "calloc", "realloc", "free",
                             "aligned_alloc", "posix_memalign", "_mlir_alloc",
                             "_mlir_free", "_mlir_aligned_alloc",
                             "_mlir_aligned_free"},
                            name);
}

struct VerifyStagePass
    : public qcc::impl::VerifyStagePassBase<VerifyStagePass> {
  using VerifyStagePassBase::VerifyStagePassBase;

  void runOnOperation() override {
    std::function<LogicalResult(Operation *)> check;
    llvm::StringSet<> dialects;
    switch (stage) {
    case Stage::Input:
      dialects = {"func", "tosa", "tensor", "arith", "math", "qcc", "quant"};
      check = [&](Operation *op) { return checkDialect(op, dialects, ""); };
      break;
    case Stage::Linalg:
      dialects = {"func",   "linalg", "tensor", "arith",        "math",
                  "affine", "scf",    "memref", "bufferization"};
      check = [&](Operation *op) {
        return checkDialect(op, dialects, "lowering to linalg");
      };
      break;
    case Stage::Codegen:
      dialects = {"func",   "linalg", "tensor", "arith",         "math",
                  "affine", "scf",    "memref", "bufferization", "qcc_cpu"};
      check = [&](Operation *op) {
        return checkDialect(op, dialects, "CPU code generation");
      };
      break;
    case Stage::Bufferized:
      check = [&](Operation *op) { return checkBufferized(op); };
      break;
    case Stage::LLVM:
      check = [&](Operation *op) { return checkLLVM(op); };
      break;
    case Stage::Quantized:
      // The option parser offers only the stages above; C++ callers can
      // still ask for this one.
      getOperation().emitError("stage 'quantized' has no contract to check; "
                               "expected input, linalg, bufferized or llvm");
      return signalPassFailure();
    }

    // Pre-order: report the outermost offending op, not its terminator.
    WalkResult result = getOperation().walk<WalkOrder::PreOrder>(
        [&](Operation *op) {
      if (op == getOperation().getOperation())
        return WalkResult::advance();
      return failed(check(op)) ? WalkResult::interrupt()
                               : WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  static LogicalResult checkDialect(Operation *op,
                                    const llvm::StringSet<> &dialects,
                                    StringRef after) {
    StringRef dialect = op->getName().getDialectNamespace();
    if (dialects.contains(dialect))
      return success();
    auto diag = op->emitError("'") << op->getName() << "' is not supported";
    if (!after.empty())
      diag << ": it is left over after " << after;
    return failure();
  }

  static LogicalResult checkBufferized(Operation *op) {
    for (Value result : op->getResults())
      if (isa<TensorType>(result.getType()))
        return op->emitError("'")
               << op->getName() << "' still produces a tensor after "
               << "bufferization";
    if (isa<memref::AllocOp, memref::ReallocOp, memref::DeallocOp>(op))
      return op->emitError("'")
             << op->getName() << "' allocates on the heap; emitted code "
             << "must use the workspace";
    if (isa<memref::GlobalOp>(op) && !cast<memref::GlobalOp>(op).getConstant())
      return op->emitError("mutable global '")
             << cast<memref::GlobalOp>(op).getSymName()
             << "' would make emitted code non-reentrant";
    return success();
  }

  static LogicalResult checkLLVM(Operation *op) {
    if (op->getName().getDialectNamespace() != "llvm")
      return op->emitError("'")
             << op->getName() << "' is left over after lowering to LLVM";
    if (auto global = dyn_cast<LLVM::GlobalOp>(op); global &&
                                                    !global.getConstant())
      return op->emitError("mutable global '")
             << global.getSymName()
             << "' would make emitted code non-reentrant";
    if (auto func = dyn_cast<LLVM::LLVMFuncOp>(op);
        func && func.isExternal() && isAllocatorName(func.getSymName()))
      return op->emitError("emitted code must not call the allocator '")
             << func.getSymName() << "'";
    return success();
  }
};

} // namespace
