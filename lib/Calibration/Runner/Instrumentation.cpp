//===- Instrumentation.cpp - exposing a model's intermediate tensors ------===//

#include "Instrumentation.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/DenseMap.h"

using namespace mlir;

namespace qcc {

/// Whether calibration records a range for `value`, a result of `op`.
/// Constants are skipped: the quantizer reads their values directly.
static bool isObserved(Operation *op, Value value) {
  if (op->hasTrait<OpTrait::ConstantLike>())
    return false;
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !isa<FloatType>(type.getElementType()))
    return false;
  if (!type.hasStaticShape()) {
    // The C entry point only returns static shapes; say why there will be
    // no range rather than leave the quantizer to guess.
    op->emitWarning("calibration cannot observe result #")
        << cast<OpResult>(value).getResultNumber() << " of dynamic type "
        << type << "; it gets no range";
    return false;
  }
  return true;
}

std::vector<OpResult> getObservedResults(func::FuncOp func) {
  std::vector<OpResult> results;
  for (Operation &op : func.getBody().front())
    for (OpResult result : op.getResults())
      if (isObserved(&op, result))
        results.push_back(result);
  return results;
}

FailureOr<InstrumentedModel> instrumentModel(ModuleOp module,
                                             func::FuncOp func) {
  if (!func.getBody().hasOneBlock())
    return func.emitError("calibration expects a model function with a "
                          "single block");
  auto ret = dyn_cast<func::ReturnOp>(func.getBody().front().getTerminator());
  if (!ret)
    return func.emitError("calibration expects the model function to end "
                          "in func.return");

  InstrumentedModel instrumented;
  IRMapping mapping;
  instrumented.module = cast<ModuleOp>(module->clone(mapping));
  auto copy = cast<func::FuncOp>(mapping.lookup(func.getOperation()));
  Operation *copyReturn = mapping.lookup(ret.getOperation());

  SmallVector<Value> outputs(copyReturn->getOperands());
  unsigned numModelOutputs = outputs.size();
  // A tensor the model already returns is read from that output.
  DenseMap<Value, unsigned> outputIndex;
  for (auto [index, value] : llvm::enumerate(outputs))
    outputIndex.try_emplace(value, index);

  OpBuilder builder(copyReturn);
  for (OpResult result : getObservedResults(func)) {
    Operation *op = result.getOwner();
    auto type = cast<RankedTensorType>(result.getType());
    Value value = mapping.lookup(Value(result));
    bool isF64 = type.getElementType().isF64();
    if (!isF64 && !type.getElementType().isF32()) {
      // The C ABI has no narrower float types; f16/bf16 widen exactly.
      value = tosa::CastOp::create(builder, op->getLoc(),
                                   type.clone(builder.getF32Type()), value);
    }
    auto [it, inserted] = outputIndex.try_emplace(value, outputs.size());
    if (inserted)
      outputs.push_back(value);
    instrumented.probes.push_back({op, result.getResultNumber(), it->second,
                                   isF64, type.getNumElements()});
  }

  copyReturn->setOperands(outputs);
  SmallVector<unsigned> indices(outputs.size() - numModelOutputs,
                                numModelOutputs);
  SmallVector<Type> types;
  for (Value value : ArrayRef(outputs).drop_front(numModelOutputs))
    types.push_back(value.getType());
  SmallVector<DictionaryAttr> attrs(types.size(),
                                    builder.getDictionaryAttr({}));
  if (failed(copy.insertResults(indices, types, attrs)))
    return func.emitError("cannot add calibration outputs to the model");
  return instrumented;
}

} // namespace qcc
