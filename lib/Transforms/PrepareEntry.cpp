//===- PrepareEntry.cpp - shape the model function into the C entry -------===//

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
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

/// Checks that a boundary type can be spelled in C and has a static shape.
static FailureOr<RankedTensorType> checkBoundaryType(func::FuncOp func,
                                                     Type type, StringRef what,
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
           << ", which the C ABI does not support (f16, bf16, f32, f64, i1, "
              "i8, i16, i32, i64)";
  return tensorType;
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
    FailureOr<func::FuncOp> maybeEntry = findModelFunction(module, entry);
    if (failed(maybeEntry))
      return signalPassFailure();
    func::FuncOp func = *maybeEntry;

    ModelABI abi;
    abi.prefix = prefix;
    if (failed(describeBoundary(func, abi.inputs, abi.outputs,
                                /*quantized=*/false)))
      return signalPassFailure();
    // A quantized model may come with its integer variant (see
    // qcc-expose-quantized-io).
    func::FuncOp integer = findIntegerVariant(module, func);
    if (integer) {
      abi.integerEntry.emplace();
      if (failed(describeBoundary(integer, abi.integerEntry->inputs,
                                  abi.integerEntry->outputs,
                                  /*quantized=*/true)))
        return signalPassFailure();
    }
    if (failed(checkExportedNames(module, abi, {func, integer})) ||
        failed(rewriteEntry(func, abi.entryName())) ||
        (integer && failed(rewriteEntry(integer, abi.integerEntryName()))))
      return signalPassFailure();

    // Only the entry points are exported; everything else is an
    // implementation detail that inlining and symbol DCE may remove.
    for (auto other : module.getOps<func::FuncOp>())
      if (other != func && other != integer && !other.isExternal())
        other.setPrivate();
    abi.attachTo(module);
  }

  static func::FuncOp findIntegerVariant(ModuleOp module, func::FuncOp func) {
    for (auto candidate : module.getOps<func::FuncOp>()) {
      if (getIntegerVariantOf(candidate) == func.getSymName())
        return candidate;
    }
    return {};
  }

  /// Records the names, types and (for integer entries) quantization of the
  /// inputs and outputs of `func`.
  static LogicalResult describeBoundary(func::FuncOp func,
                                        SmallVectorImpl<ABITensor> &inputs,
                                        SmallVectorImpl<ABITensor> &outputs,
                                        bool quantized) {
    FunctionType type = func.getFunctionType();
    if (type.getNumResults() == 0)
      return func.emitError("the model function returns nothing");
    auto describe = [&](Type type, bool isInput, unsigned index,
                        SmallVectorImpl<ABITensor> &tensors) -> LogicalResult {
      StringRef what = isInput ? "input" : "output";
      FailureOr<RankedTensorType> tensorType =
          checkBoundaryType(func, type, what, index);
      if (failed(tensorType))
        return failure();
      // The code works on signless integers; the caller sees the signedness
      // the front end declared.
      if (isInput ? isUnsignedArgument(func, index)
                  : isUnsignedResult(func, index)) {
        auto integer = dyn_cast<IntegerType>(tensorType->getElementType());
        if (!integer || integer.getWidth() == 1)
          return func.emitError("the model's ")
                 << what << " #" << index << " is marked '" << attr::kUnsigned
                 << "' but has type " << *tensorType;
        tensorType = tensorType->clone(IntegerType::get(
            func.getContext(), integer.getWidth(), IntegerType::Unsigned));
      }
      std::optional<StringRef> name = isInput
                                          ? qcc::getArgumentName(func, index)
                                          : qcc::getResultName(func, index);
      ABITensor tensor{name ? name->str() : (what + "_" + Twine(index)).str(),
                       *tensorType};
      if (quantized) {
        std::optional<BoundaryQuantization> quantization =
            isInput ? getArgumentQuantization(func, index)
                    : getResultQuantization(func, index);
        if (!quantization)
          return func.emitError("integer entry ")
                 << what << " #" << index << " lacks its quantization";
        tensor.scale = quantization->scale;
        tensor.zeroPoint = quantization->zeroPoint;
      }
      tensors.push_back(tensor);
      return success();
    };
    for (auto [index, argType] : llvm::enumerate(type.getInputs()))
      if (failed(describe(argType, /*isInput=*/true, index, inputs)))
        return failure();
    for (auto [index, resultType] : llvm::enumerate(type.getResults()))
      if (failed(describe(resultType, /*isInput=*/false, index, outputs)))
        return failure();
    return success();
  }

  static LogicalResult checkExportedNames(ModuleOp module, const ModelABI &abi,
                                          ArrayRef<func::FuncOp> entries) {
    SmallVector<std::string> exported = {abi.entryName(), abi.packedEntryName(),
                                         abi.workspaceSizeName()};
    if (abi.integerEntry) {
      exported.push_back(abi.integerEntryName());
      exported.push_back(abi.integerPackedEntryName());
    }
    for (const std::string &name : exported) {
      Operation *existing = SymbolTable::lookupSymbolIn(module, name);
      if (existing &&
          !llvm::is_contained(entries, dyn_cast<func::FuncOp>(existing)))
        return func::FuncOp(entries.front()).emitError("symbol '")
               << name << "' already exists; choose another --name";
    }
    return success();
  }

  /// Turns results into out-parameters that bufferization writes in place,
  /// makes inputs read-only, and renames `func` to `name`.
  static LogicalResult rewriteEntry(func::FuncOp func, StringRef name) {
    OpBuilder builder(func);
    unsigned numInputs = func.getNumArguments();
    SmallVector<Value> outArgs;
    for (Type resultType : func.getFunctionType().getResults()) {
      auto tensorType = cast<RankedTensorType>(resultType);
      auto memrefType =
          MemRefType::get(tensorType.getShape(), tensorType.getElementType());
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

    for (unsigned i = 0; i < numInputs; ++i) {
      // qcc's own annotations (names, ranges, quantization) end here: the
      // ABI record has what later stages need, and LLVM would not know them.
      DictionaryAttr attrs = func.getArgAttrDict(i);
      for (NamedAttribute attr :
           attrs ? attrs.getValue() : ArrayRef<NamedAttribute>())
        if (attr.getName().strref().split('.').first ==
            QccDialect::getDialectNamespace())
          func.removeArgAttr(i, attr.getName());
      func.setArgAttr(i, bufferization::BufferizationDialect::kWritableAttrName,
                      builder.getBoolAttr(false));
    }
    func->removeAttr(attr::kIntegerVariantOf);
    func.setSymName(name);
    func.setPublic();
    return success();
  }
};

} // namespace
