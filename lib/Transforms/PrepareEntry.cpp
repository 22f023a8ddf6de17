//===- PrepareEntry.cpp - shape the model function into the C entry -------===//

#include "qcc/Transforms/ModelABI.h"
#include "qcc/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace qcc {
#define GEN_PASS_DEF_PREPAREENTRYPASS
#include "qcc/Transforms/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

/// Finds the function named `entry`, or the only public function with a body.
static FailureOr<func::FuncOp> findEntry(ModuleOp module, StringRef entry) {
  if (!entry.empty()) {
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func || func.isExternal())
      return module.emitError("entry function '")
             << entry << "' is not defined in the module";
    return func;
  }
  SmallVector<func::FuncOp> candidates;
  for (auto func : module.getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      candidates.push_back(func);
  if (candidates.size() == 1)
    return candidates.front();
  auto diag = module.emitError("expected exactly one public function to "
                               "compile, found ")
              << candidates.size();
  if (!candidates.empty())
    diag << "; choose one with --entry";
  return failure();
}

/// Checks that a boundary type can be spelled in C and has a static shape.
static FailureOr<RankedTensorType> checkBoundaryType(func::FuncOp func,
                                                     Type type,
                                                     StringRef what,
                                                     unsigned index) {
  auto tensorType = dyn_cast<RankedTensorType>(type);
  if (!tensorType)
    return func.emitError("the model's ")
           << what << " #" << index << " has type " << type
           << "; the entry point takes and returns ranked tensors only";
  if (!tensorType.hasStaticShape())
    return func.emitError("the model's ")
           << what << " #" << index << " has dynamic shape " << type
           << "; pin it (e.g. --input-shape) before compiling";
  if (!isABIElementType(tensorType.getElementType()))
    return func.emitError("the model's ")
           << what << " #" << index << " has element type "
           << tensorType.getElementType()
           << ", which the C ABI does not support (f32, f64, i8, i16, i32, "
              "i64)";
  return tensorType;
}

static std::string nameOf(DictionaryAttr attrs, StringRef fallback,
                          unsigned index) {
  if (attrs)
    if (auto name = attrs.getAs<StringAttr>("qcc.name"))
      return name.str();
  return (fallback + Twine(index)).str();
}

struct PrepareEntryPass
    : public qcc::impl::PrepareEntryPassBase<PrepareEntryPass> {
  using PrepareEntryPassBase::PrepareEntryPassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!isCIdentifier(prefix)) {
      module.emitError("symbol prefix '")
          << prefix << "' is not a valid C identifier";
      return signalPassFailure();
    }
    FailureOr<func::FuncOp> maybeEntry = findEntry(module, entry);
    if (failed(maybeEntry))
      return signalPassFailure();
    func::FuncOp func = *maybeEntry;
    if (failed(rewriteEntry(module, func)))
      return signalPassFailure();
  }

  LogicalResult rewriteEntry(ModuleOp module, func::FuncOp func) {
    ModelABI abi;
    abi.prefix = prefix;
    FunctionType type = func.getFunctionType();
    if (type.getNumResults() == 0)
      return func.emitError("the model function returns nothing");

    for (auto [index, argType] : llvm::enumerate(type.getInputs())) {
      auto tensorType = checkBoundaryType(func, argType, "input", index);
      if (failed(tensorType))
        return failure();
      abi.inputs.push_back(
          {nameOf(func.getArgAttrDict(index), "input_", index), *tensorType});
    }
    for (auto [index, resultType] : llvm::enumerate(type.getResults())) {
      auto tensorType = checkBoundaryType(func, resultType, "output", index);
      if (failed(tensorType))
        return failure();
      abi.outputs.push_back(
          {nameOf(func.getResultAttrDict(index), "output_", index),
           *tensorType});
    }

    std::string entryName = abi.entryName();
    for (const std::string &exported :
         {entryName, abi.packedEntryName(), abi.workspaceSizeName()}) {
      Operation *existing = SymbolTable::lookupSymbolIn(module, exported);
      if (existing && existing != func.getOperation())
        return func.emitError("symbol '")
               << exported << "' already exists; choose another --name";
    }

    // Results become out-parameters that bufferization writes in place.
    OpBuilder builder(func);
    SmallVector<Value> outArgs;
    for (const ABITensor &output : abi.outputs) {
      auto memrefType = MemRefType::get(output.type.getShape(),
                                        output.type.getElementType());
      unsigned index = func.getNumArguments();
      if (failed(func.insertArgument(index, memrefType, DictionaryAttr(),
                                     func.getLoc())))
        return func.emitError("cannot add an output parameter");
      outArgs.push_back(func.getArgument(index));
    }
    SmallVector<func::ReturnOp> returns(func.getOps<func::ReturnOp>());
    if (returns.size() != 1)
      return func.emitError("the model function must have exactly one "
                            "return, found ")
             << returns.size();
    func::ReturnOp ret = returns.front();
    builder.setInsertionPoint(ret);
    for (auto [value, outArg] : llvm::zip(ret.getOperands(), outArgs)) {
      auto materialize = bufferization::MaterializeInDestinationOp::create(
          builder, ret.getLoc(), TypeRange(), value, outArg);
      materialize.setRestrict(true);
      materialize.setWritable(true);
    }
    func::ReturnOp::create(builder, ret.getLoc());
    ret.erase();
    if (failed(func.eraseResults(
            llvm::BitVector(func.getNumResults(), /*t=*/true))))
      return func.emitError("cannot remove the results");

    for (unsigned i = 0, e = abi.inputs.size(); i < e; ++i) {
      // qcc's own annotations (names, calibrated ranges) end here: nothing
      // after the ABI record needs them, and LLVM would not know them.
      DictionaryAttr attrs = func.getArgAttrDict(i);
      for (NamedAttribute attr :
           attrs ? attrs.getValue() : ArrayRef<NamedAttribute>())
        if (attr.getName().strref().starts_with("qcc."))
          func.removeArgAttr(i, attr.getName());
      func.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                      builder.getBoolAttr(false));
    }
    func.setSymName(entryName);
    func.setPublic();
    // Only the entry point is exported; everything else is an implementation
    // detail that inlining and symbol DCE may remove.
    for (auto other : module.getOps<func::FuncOp>())
      if (other != func && !other.isExternal())
        other.setPrivate();
    abi.attachTo(module);
    return success();
  }
};

} // namespace
