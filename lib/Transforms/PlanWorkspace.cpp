//===- PlanWorkspace.cpp - place intermediate buffers in the workspace ----===//
//
// Emitted code must not allocate: the caller passes one workspace buffer and
// every intermediate buffer becomes a view into it. Buffers whose live ranges
// are disjoint share bytes, which keeps the workspace close to the peak of
// simultaneously live data rather than the sum of all buffers.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/ModelABI.h"
#include "qcc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

#include <tuple>

namespace qcc {
#define GEN_PASS_DEF_PLANWORKSPACEPASS
#include "qcc/Transforms/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

/// One allocation to place: its live interval in top-level op positions of
/// the entry block (inclusive) and its size in bytes.
struct Buffer {
  memref::AllocOp alloc;
  int64_t firstUse;
  int64_t lastUse;
  int64_t size;
  int64_t offset = 0;
};

/// Bytes one element occupies in memory after lowering to LLVM.
static std::optional<int64_t> getElementByteSize(Type type) {
  if (type.isIndex())
    return 8;
  if (type.isIntOrFloat())
    return llvm::divideCeil(type.getIntOrFloatBitWidth(), 8);
  return std::nullopt;
}

/// The position of the top-level op of `block` that contains `op`.
static int64_t positionIn(Block &block, Operation *op,
                          const DenseMap<Operation *, int64_t> &positions) {
  Operation *ancestor = block.findAncestorOpInBlock(*op);
  return ancestor ? positions.lookup(ancestor) : 0;
}

/// The last top-level position at which `root` or any view of it is used.
static int64_t lastUseOf(Value root, Block &block,
                         const DenseMap<Operation *, int64_t> &positions) {
  int64_t last = 0;
  SmallVector<Value> worklist{root};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      last = std::max(last, positionIn(block, user, positions));
      // Views alias the buffer: their uses keep it alive too.
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == value)
          llvm::append_range(worklist, user->getResults());
    }
  }
  return last;
}

static int64_t alignUp(int64_t value, int64_t alignment) {
  return static_cast<int64_t>(llvm::alignTo(value, alignment));
}

/// First-fit placement, largest buffers first: each buffer goes to the lowest
/// aligned offset that does not overlap any already placed buffer whose live
/// range intersects its own. Returns the total size.
static int64_t assignOffsets(MutableArrayRef<Buffer> buffers,
                             int64_t alignment) {
  SmallVector<Buffer *> order;
  for (Buffer &buffer : buffers)
    order.push_back(&buffer);
  // Ties broken by program order keep the layout deterministic.
  llvm::sort(order, [](const Buffer *a, const Buffer *b) {
    return std::make_tuple(-a->size, a->firstUse, a->lastUse) <
           std::make_tuple(-b->size, b->firstUse, b->lastUse);
  });
  SmallVector<Buffer *> placed;
  int64_t total = 0;
  for (Buffer *buffer : order) {
    SmallVector<std::pair<int64_t, int64_t>> busy;
    for (Buffer *other : placed)
      if (other->firstUse <= buffer->lastUse &&
          buffer->firstUse <= other->lastUse)
        busy.push_back({other->offset, other->offset + other->size});
    llvm::sort(busy);
    int64_t offset = 0;
    for (auto [begin, end] : busy) {
      if (offset + buffer->size <= begin)
        break;
      offset = std::max(offset, alignUp(end, alignment));
    }
    buffer->offset = offset;
    total = std::max(total, offset + buffer->size);
    placed.push_back(buffer);
  }
  return alignUp(total, alignment);
}

struct PlanWorkspacePass
    : public qcc::impl::PlanWorkspacePassBase<PlanWorkspacePass> {
  using PlanWorkspacePassBase::PlanWorkspacePassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (alignment == 0 || !llvm::isPowerOf2_32(alignment)) {
      module.emitError("workspace alignment must be a power of two, got ")
          << static_cast<unsigned>(alignment);
      return signalPassFailure();
    }
    FailureOr<ModelABI> abi = ModelABI::readFrom(module);
    if (failed(abi))
      return signalPassFailure();
    SmallVector<func::FuncOp> entries;
    for (const ModelABI::EntryPoint &point : abi->getEntryPoints()) {
      auto entry = module.lookupSymbol<func::FuncOp>(point.name);
      if (!entry || entry.isExternal() ||
          entry.getNumArguments() !=
              point.inputs.size() + point.outputs.size()) {
        module.emitError("entry point '")
            << point.name << "' is missing or does not match 'qcc.abi'";
        return signalPassFailure();
      }
      entries.push_back(entry);
    }

    // Allocations anywhere but an entry point have no workspace to go to.
    WalkResult stray = module.walk([&](memref::AllocOp alloc) {
      if (llvm::is_contained(entries,
                             alloc->getParentOfType<func::FuncOp>()))
        return WalkResult::advance();
      alloc.emitError("buffer allocated outside the entry point '")
          << abi->entryName() << "' cannot be placed in the workspace";
      return WalkResult::interrupt();
    });
    if (stray.wasInterrupted())
      return signalPassFailure();

    // Entry points never run at the same time on one workspace, so each is
    // planned on its own and the workspace is the largest of the plans.
    int64_t size = 0;
    SmallVector<std::pair<func::FuncOp, SmallVector<Buffer>>> plans;
    for (func::FuncOp entry : entries) {
      FailureOr<SmallVector<Buffer>> buffers = collectBuffers(entry);
      if (failed(buffers))
        return signalPassFailure();
      size = std::max(size, assignOffsets(*buffers, alignment));
      plans.emplace_back(entry, std::move(*buffers));
    }
    for (auto &[entry, buffers] : plans)
      rewriteAllocations(entry, buffers, size);
    emitWorkspaceSizeFunction(module, *abi, size);

    abi->workspaceSize = size;
    abi->workspaceAlignment = alignment;
    abi->attachTo(module);
  }

  FailureOr<SmallVector<Buffer>> collectBuffers(func::FuncOp entry) {
    Block &block = entry.getBody().front();
    DenseMap<Operation *, int64_t> positions;
    for (auto [index, op] : llvm::enumerate(block))
      positions[&op] = index;

    SmallVector<Buffer> buffers;
    WalkResult result = entry.walk([&](memref::AllocOp alloc) {
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape()) {
        alloc.emitError("dynamically sized buffer ")
            << type << " cannot be placed in the workspace";
        return WalkResult::interrupt();
      }
      if (!type.getLayout().isIdentity() || type.getMemorySpace()) {
        alloc.emitError("buffer ")
            << type << " has a layout or memory space the workspace planner "
            << "does not support";
        return WalkResult::interrupt();
      }
      std::optional<int64_t> elementSize =
          getElementByteSize(type.getElementType());
      if (!elementSize) {
        alloc.emitError("buffer element type ")
            << type.getElementType() << " has no known size in memory";
        return WalkResult::interrupt();
      }
      Buffer buffer;
      buffer.alloc = alloc;
      buffer.firstUse = positionIn(block, alloc, positions);
      buffer.lastUse =
          std::max(buffer.firstUse, lastUseOf(alloc, block, positions));
      buffer.size = type.getNumElements() * *elementSize;
      buffers.push_back(buffer);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      return failure();
    return buffers;
  }

  void rewriteAllocations(func::FuncOp entry, ArrayRef<Buffer> buffers,
                          int64_t size) {
    MLIRContext *context = entry.getContext();
    auto workspaceType = MemRefType::get({size}, IntegerType::get(context, 8));
    unsigned index = entry.getNumArguments();
    // Appending an argument at the end of a function cannot fail.
    (void)entry.insertArgument(index, workspaceType, DictionaryAttr(),
                               entry.getLoc());
    BlockArgument workspace = entry.getArgument(index);

    OpBuilder builder(context);
    for (const Buffer &buffer : buffers) {
      memref::AllocOp alloc = buffer.alloc;
      builder.setInsertionPoint(alloc);
      Value offset =
          arith::ConstantIndexOp::create(builder, alloc.getLoc(), buffer.offset);
      Value view = memref::ViewOp::create(builder, alloc.getLoc(),
                                          alloc.getType(), workspace, offset,
                                          ValueRange());
      for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
        if (isa<memref::DeallocOp>(user))
          user->erase();
      alloc.replaceAllUsesWith(view);
      alloc.erase();
    }
  }

  void emitWorkspaceSizeFunction(ModuleOp module, const ModelABI &abi,
                                 int64_t size) {
    OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
    Location loc = module.getLoc();
    auto type = builder.getFunctionType({}, {builder.getI64Type()});
    auto func =
        func::FuncOp::create(builder, loc, abi.workspaceSizeName(), type);
    builder.setInsertionPointToStart(func.addEntryBlock());
    Value value = arith::ConstantIntOp::create(builder, loc, size, 64);
    func::ReturnOp::create(builder, loc, value);
  }
};

} // namespace
