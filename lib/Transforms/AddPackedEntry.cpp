//===- AddPackedEntry.cpp - the pointer-array entry point -----------------===//

#include "qcc/Transforms/ModelABI.h"
#include "qcc/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

namespace qcc {
#define GEN_PASS_DEF_ADDPACKEDENTRYPASS
#include "qcc/Transforms/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

struct AddPackedEntryPass
    : public qcc::impl::AddPackedEntryPassBase<AddPackedEntryPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<ModelABI> abi = ModelABI::readFrom(module);
    if (failed(abi))
      return signalPassFailure();

    for (const ModelABI::EntryPoint &point : abi->getEntryPoints())
      if (failed(addPackedEntry(module, point)))
        return signalPassFailure();
  }

  LogicalResult addPackedEntry(ModuleOp module,
                               const ModelABI::EntryPoint &point) {
    unsigned numInputs = point.inputs.size();
    unsigned numOutputs = point.outputs.size();
    auto entry = module.lookupSymbol<LLVM::LLVMFuncOp>(point.name);
    auto ptrType = LLVM::LLVMPointerType::get(&getContext());
    // Inputs, outputs and the workspace, each as a bare pointer.
    if (!entry || entry.getNumArguments() != numInputs + numOutputs + 1 ||
        !llvm::all_of(entry.getArgumentTypes(),
                      [&](Type type) { return type == ptrType; }))
      return module.emitError("expected '")
             << point.name << "' lowered to an LLVM function taking "
             << numInputs + numOutputs + 1 << " bare pointers";
    if (module.lookupSymbol(point.packedName))
      return module.emitError("symbol '")
             << point.packedName << "' already exists";

    OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
    Location loc = entry.getLoc();
    auto voidType = LLVM::LLVMVoidType::get(&getContext());
    auto packedType = LLVM::LLVMFunctionType::get(
        voidType, {ptrType, ptrType, ptrType}, /*isVarArg=*/false);
    auto packed =
        LLVM::LLVMFuncOp::create(builder, loc, point.packedName, packedType);
    Block *body = packed.addEntryBlock(builder);
    builder.setInsertionPointToStart(body);

    SmallVector<Value> args;
    auto loadPointers = [&](Value array, unsigned count) {
      for (unsigned i = 0; i < count; ++i) {
        Value slot = LLVM::GEPOp::create(
            builder, loc, ptrType, ptrType, array,
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
        args.push_back(LLVM::LoadOp::create(builder, loc, ptrType, slot));
      }
    };
    loadPointers(body->getArgument(0), numInputs);
    loadPointers(body->getArgument(1), numOutputs);
    args.push_back(body->getArgument(2));
    LLVM::CallOp::create(builder, loc, entry, args);
    LLVM::ReturnOp::create(builder, loc, ValueRange());
    return success();
  }
};

} // namespace
