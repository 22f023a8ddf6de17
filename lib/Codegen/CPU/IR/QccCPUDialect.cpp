//===- QccCPUDialect.cpp - qcc_cpu ops and their bufferization ------------===//

#include "qcc/Codegen/CPU/IR/QccCPUDialect.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

using namespace mlir;
using namespace qcc::cpu;

#include "qcc/Codegen/CPU/IR/QccCPUOpsDialect.cpp.inc"

#define GET_OP_CLASSES
#include "qcc/Codegen/CPU/IR/QccCPUOps.cpp.inc"

void QccCPUDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qcc/Codegen/CPU/IR/QccCPUOps.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// ConvKernelOp
//===----------------------------------------------------------------------===//

LogicalResult ConvKernelOp::verify() {
  if (getGeometry().size() != kGeometrySize)
    return emitOpError("geometry must have ")
           << kGeometrySize << " values, not " << getGeometry().size();
  if (getInputs().size() != 4 && getInputs().size() != 6)
    return emitOpError("expected input, zero_row, weights, bias and, for "
                       "int8 kernels, multiplier and shift; got ")
           << getInputs().size() << " inputs";
  bool tensors = isa<RankedTensorType>(getInit().getType());
  for (Value input : getInputs())
    if (isa<RankedTensorType>(input.getType()) != tensors)
      return emitOpError("operands must be all tensors or all memrefs");
  if (tensors != (getNumResults() == 1) ||
      (tensors && getResult()[0].getType() != getInit().getType()))
    return emitOpError("a kernel on tensors returns its init's type; on "
                       "memrefs it returns nothing");
  auto init = cast<ShapedType>(getInit().getType());
  if (!init.hasStaticShape() || init.getRank() < 1)
    return emitOpError("init must have a static shape with a batch "
                       "dimension");
  for (Attribute scalar : getScalars())
    if (!isa<IntegerAttr, FloatAttr>(scalar))
      return emitOpError("scalars must be integer or float attributes, not ")
             << scalar;
  return success();
}

void ConvKernelOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  // On tensors the op is pure; on memrefs it reads its inputs and writes
  // (only) its init.
  for (OpOperand &operand : getOperation()->getOpOperands()) {
    if (!isa<MemRefType>(operand.get().getType()))
      continue;
    if (isDpsInit(&operand))
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
    else
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}

//===----------------------------------------------------------------------===//
// Bufferization
//===----------------------------------------------------------------------===//

namespace {

/// The kernels address their operands with a base pointer and element
/// offsets, so every buffer they see must be contiguous and row-major.
struct ConvKernelOpBufferization
    : public bufferization::DstBufferizableOpInterfaceExternalModel<
          ConvKernelOpBufferization, ConvKernelOp> {
  /// The kernel overwrites all of its output without reading it, so an
  /// empty init needs no copy.
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const bufferization::AnalysisState &) const {
    return !cast<DestinationStyleOpInterface>(op).isDpsInit(&operand);
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const bufferization::BufferizationOptions &options,
                          bufferization::BufferizationState &state) const {
    auto kernel = cast<ConvKernelOp>(op);
    Location loc = op->getLoc();
    auto contiguous = [&](Value buffer) -> Value {
      auto type = cast<MemRefType>(buffer.getType());
      if (memref::isStaticShapeAndContiguousRowMajor(type))
        return buffer;
      auto copyType = MemRefType::get(type.getShape(), type.getElementType());
      Value copy = memref::AllocOp::create(rewriter, loc, copyType);
      memref::CopyOp::create(rewriter, loc, buffer, copy);
      return copy;
    };
    SmallVector<Value> inputs;
    for (Value input : kernel.getInputs()) {
      FailureOr<Value> buffer =
          bufferization::getBuffer(rewriter, input, options, state);
      if (failed(buffer))
        return failure();
      inputs.push_back(contiguous(*buffer));
    }
    FailureOr<Value> output =
        bufferization::getBuffer(rewriter, kernel.getInit(), options, state);
    if (failed(output))
      return failure();
    auto outputType = cast<MemRefType>(output->getType());
    Value target = *output;
    bool copyBack = !memref::isStaticShapeAndContiguousRowMajor(outputType);
    if (copyBack)
      target = memref::AllocOp::create(
          rewriter, loc,
          MemRefType::get(outputType.getShape(), outputType.getElementType()));
    ConvKernelOp::create(rewriter, loc, TypeRange{}, kernel.getCalleeAttr(),
                         kernel.getGeometryAttr(), kernel.getScalarsAttr(),
                         inputs, target);
    if (copyBack)
      memref::CopyOp::create(rewriter, loc, target, *output);
    bufferization::replaceOpWithBufferizedValues(rewriter, op, *output);
    return success();
  }
};

} // namespace

void qcc::cpu::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, QccCPUDialect *) {
    ConvKernelOp::attachInterface<ConvKernelOpBufferization>(*context);
  });
}
