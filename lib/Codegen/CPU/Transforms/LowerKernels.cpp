//===- LowerKernels.cpp - bufferized kernel ops to calls ------------------===//
//
// A qcc_cpu.conv_kernel on memrefs becomes
//
//   %params = llvm.alloca 1 x !llvm.struct<(array<17 x i32>, ptr, ..., i32...)>
//   scf.for %n = 0 to batch {
//     llvm.store <geometry, addresses of image n, scalars> -> %params
//     llvm.call @<kernel>(%params)
//   }
//
// The struct follows the C layout of the kernel's parameter struct
// (Kernels.h): LLVM lays out !llvm.struct with the target's C alignment
// rules. The alloca sits in the function's entry block: stack, not heap, and
// once per function whatever the loops around the call.
//
//===----------------------------------------------------------------------===//

#include "qcc/Codegen/CPU/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace qcc::cpu {
#define GEN_PASS_DEF_LOWERKERNELSPASS
#include "qcc/Codegen/CPU/Transforms/Passes.h.inc"
} // namespace qcc::cpu

using namespace mlir;
using namespace qcc::cpu;

namespace {

/// The declaration `llvm.func @name(!llvm.ptr)`, created once.
static LLVM::LLVMFuncOp declareKernel(ModuleOp module, StringRef name) {
  if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return existing;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  MLIRContext *context = module.getContext();
  auto type = LLVM::LLVMFunctionType::get(
      LLVM::LLVMVoidType::get(context), {LLVM::LLVMPointerType::get(context)});
  return LLVM::LLVMFuncOp::create(b, module.getLoc(), name, type);
}

/// The address of element `elementOffset` (an index) of `buffer`, whose
/// layout is contiguous (the bufferization model guarantees it), as a
/// pointer.
static Value getAddress(OpBuilder &b, Location loc, Value buffer,
                        Value elementOffset) {
  auto type = cast<MemRefType>(buffer.getType());
  Value base = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
  auto metadata = memref::ExtractStridedMetadataOp::create(b, loc, buffer);
  Value offset =
      arith::AddIOp::create(b, loc, metadata.getOffset(), elementOffset);
  int64_t elementBytes = type.getElementTypeBitWidth() / 8;
  Value bytes = arith::MulIOp::create(
      b, loc, offset, arith::ConstantIndexOp::create(b, loc, elementBytes));
  Value address = arith::AddIOp::create(b, loc, base, bytes);
  Value integer = arith::IndexCastOp::create(b, loc, b.getI64Type(), address);
  return LLVM::IntToPtrOp::create(
      b, loc, LLVM::LLVMPointerType::get(b.getContext()), integer);
}

static LogicalResult lowerKernel(ConvKernelOp op, Block &entry) {
  ModuleOp module = op->getParentOfType<ModuleOp>();
  MLIRContext *context = op.getContext();
  Location loc = op.getLoc();
  auto ptrType = LLVM::LLVMPointerType::get(context);
  auto i32 = IntegerType::get(context, 32);

  // The struct: geometry, input, zero_row, output, the other inputs, the
  // scalars.
  SmallVector<Type> fields = {
      LLVM::LLVMArrayType::get(i32, ConvKernelOp::kGeometrySize)};
  unsigned numPointers = op.getInputs().size() + 1;
  fields.append(numPointers, ptrType);
  for (Attribute scalar : op.getScalars())
    fields.push_back(cast<TypedAttr>(scalar).getType());
  auto structType = LLVM::LLVMStructType::getLiteral(context, fields);

  OpBuilder entryBuilder = OpBuilder::atBlockBegin(&entry);
  Value one = LLVM::ConstantOp::create(entryBuilder, loc,
                                       entryBuilder.getI64IntegerAttr(1));
  Value params =
      LLVM::AllocaOp::create(entryBuilder, loc, ptrType, structType, one);

  OpBuilder b(op);
  LLVM::LLVMFuncOp callee = declareKernel(module, op.getCallee());
  ArrayRef<int32_t> g = op.getGeometry();
  int64_t inImage = int64_t(g[0]) * g[1] * g[2];
  int64_t outImage = int64_t(g[4]) * g[5] * g[6];
  int64_t batch = op.getBatch();

  auto storeField = [&](OpBuilder &builder, Value value, int64_t field) {
    Value address = LLVM::GEPOp::create(
        builder, loc, ptrType, structType, params,
        ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(field)});
    LLVM::StoreOp::create(builder, loc, value, address);
  };

  auto emitCall = [&](OpBuilder &builder, Value image) {
    Value geometry = LLVM::ConstantOp::create(
        builder, loc, fields[0],
        DenseElementsAttr::get(
            RankedTensorType::get({ConvKernelOp::kGeometrySize}, i32), g));
    storeField(builder, geometry, 0);
    auto imageOffset = [&](int64_t elements) -> Value {
      Value size = arith::ConstantIndexOp::create(builder, loc, elements);
      return arith::MulIOp::create(builder, loc, image, size);
    };
    Value zero = arith::ConstantIndexOp::create(builder, loc, 0);
    SmallVector<Value> pointers;
    ValueRange inputs = op.getInputs();
    pointers.push_back(
        getAddress(builder, loc, inputs[0], imageOffset(inImage)));
    pointers.push_back(getAddress(builder, loc, inputs[1], zero));
    pointers.push_back(
        getAddress(builder, loc, op.getInit(), imageOffset(outImage)));
    for (Value input : inputs.drop_front(2))
      pointers.push_back(getAddress(builder, loc, input, zero));
    for (auto [index, pointer] : llvm::enumerate(pointers))
      storeField(builder, pointer, 1 + index);
    for (auto [index, scalar] : llvm::enumerate(op.getScalars())) {
      Value value =
          LLVM::ConstantOp::create(builder, loc, cast<TypedAttr>(scalar));
      storeField(builder, value, 1 + numPointers + index);
    }
    LLVM::CallOp::create(builder, loc, callee, ValueRange{params});
  };

  if (batch == 1) {
    emitCall(b, arith::ConstantIndexOp::create(b, loc, 0));
  } else {
    Value lower = arith::ConstantIndexOp::create(b, loc, 0);
    Value upper = arith::ConstantIndexOp::create(b, loc, batch);
    Value step = arith::ConstantIndexOp::create(b, loc, 1);
    scf::ForOp::create(
        b, loc, lower, upper, step, ValueRange{},
        [&](OpBuilder &builder, Location, Value image, ValueRange) {
          emitCall(builder, image);
          scf::YieldOp::create(builder, loc);
        });
  }
  op.erase();
  return success();
}

struct LowerKernelsPass
    : public qcc::cpu::impl::LowerKernelsPassBase<LowerKernelsPass> {
  void runOnOperation() override {
    SmallVector<ConvKernelOp> kernels;
    getOperation().walk([&](ConvKernelOp op) { kernels.push_back(op); });
    for (ConvKernelOp op : kernels) {
      if (op.getNumResults() != 0) {
        op.emitOpError("must be bufferized before it is lowered to a call");
        return signalPassFailure();
      }
      auto func = op->getParentOfType<FunctionOpInterface>();
      if (!func || func.getFunctionBody().empty()) {
        op.emitOpError("must be inside a function");
        return signalPassFailure();
      }
      if (failed(lowerKernel(op, func.getFunctionBody().front())))
        return signalPassFailure();
    }
  }
};

} // namespace
