//===- ExposeQuantizedIO.cpp - the integer variant of a model -------------===//

#include "qcc/Quantization/Passes.h"

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace qcc {
#define GEN_PASS_DEF_EXPOSEQUANTIZEDIOPASS
#include "qcc/Quantization/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

using quant::UniformQuantizedType;

/// The one 8-bit per-tensor type every use of `arg` quantizes it to.
static UniformQuantizedType getInputType(BlockArgument arg) {
  UniformQuantizedType type;
  if (arg.use_empty())
    return {};
  for (Operation *user : arg.getUsers()) {
    auto quantize = dyn_cast<QuantizeOp>(user);
    if (!quantize)
      return {};
    auto element = dyn_cast<UniformQuantizedType>(
        quantize.getOutput().getType().getElementType());
    if (!element || element.getStorageTypeIntegralWidth() != 8 ||
        (type && type != element))
      return {};
    type = element;
  }
  return type;
}

static UniformQuantizedType getOutputType(Value result) {
  auto dequantize = result.getDefiningOp<DequantizeOp>();
  if (!dequantize)
    return {};
  auto element = dyn_cast<UniformQuantizedType>(
      dequantize.getInput().getType().getElementType());
  if (!element || element.getStorageTypeIntegralWidth() != 8)
    return {};
  return element;
}

static void setQuantization(func::FuncOp func, bool isArg, unsigned index,
                            UniformQuantizedType type) {
  BoundaryQuantization quantization{type.getScale(), type.getZeroPoint()};
  // uint8 storage is unsigned at the C boundary (uint8_t in the header).
  bool isUnsigned = !type.isSigned();
  if (isArg) {
    setArgumentQuantization(func, index, quantization);
    setUnsignedArgument(func, index, isUnsigned);
  } else {
    setResultQuantization(func, index, quantization);
    setUnsignedResult(func, index, isUnsigned);
  }
}

struct ExposeQuantizedIOPass
    : public qcc::impl::ExposeQuantizedIOPassBase<ExposeQuantizedIOPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> candidates;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal())
        candidates.push_back(func);
    SymbolTable symbols(module);
    for (func::FuncOp func : candidates)
      expose(func, symbols);
  }

  void expose(func::FuncOp func, SymbolTable &symbols) {
    SmallVector<UniformQuantizedType> inputTypes, outputTypes;
    for (BlockArgument arg : func.getArguments()) {
      inputTypes.push_back(getInputType(arg));
      if (!inputTypes.back())
        return;
    }
    auto returns = llvm::to_vector(func.getOps<func::ReturnOp>());
    if (returns.size() != 1)
      return;
    for (Value result : returns.front().getOperands()) {
      outputTypes.push_back(getOutputType(result));
      if (!outputTypes.back())
        return;
    }

    func::FuncOp variant = func.clone();
    variant.setName((func.getSymName() + "_int8").str());
    variant.setPrivate();
    setIntegerVariantOf(variant, func.getSymName());
    symbols.insert(variant, Block::iterator(func->getNextNode()));

    OpBuilder b(variant.getBody());
    Block &body = variant.getBody().front();
    SmallVector<Type> argTypes, resultTypes;
    for (auto [arg, type] : llvm::zip(body.getArguments(), inputTypes)) {
      auto storageType =
          cast<RankedTensorType>(arg.getType()).clone(type.getStorageType());
      arg.setType(storageType);
      argTypes.push_back(storageType);
      b.setInsertionPointToStart(&body);
      Value quantized = quant::StorageCastOp::create(
          b, variant.getLoc(), cast<RankedTensorType>(storageType).clone(type),
          arg);
      for (Operation *user : llvm::make_early_inc_range(arg.getUsers())) {
        if (auto quantize = dyn_cast<QuantizeOp>(user)) {
          quantize.getOutput().replaceAllUsesWith(quantized);
          quantize.erase();
        }
      }
    }
    auto ret = *variant.getOps<func::ReturnOp>().begin();
    b.setInsertionPoint(ret);
    for (OpOperand &operand : ret->getOpOperands()) {
      auto dequantize = operand.get().getDefiningOp<DequantizeOp>();
      Value stored = dequantize.getInput();
      auto storedType = cast<RankedTensorType>(stored.getType());
      auto storageType = storedType.clone(
          cast<quant::QuantizedType>(storedType.getElementType())
              .getStorageType());
      operand.set(
          quant::StorageCastOp::create(b, ret.getLoc(), storageType, stored));
      if (dequantize->use_empty())
        dequantize.erase();
      resultTypes.push_back(storageType);
    }
    variant.setFunctionType(b.getFunctionType(argTypes, resultTypes));
    for (auto [index, type] : llvm::enumerate(inputTypes))
      setQuantization(variant, /*isArg=*/true, index, type);
    for (auto [index, type] : llvm::enumerate(outputTypes))
      setQuantization(variant, /*isArg=*/false, index, type);
  }
};

} // namespace
