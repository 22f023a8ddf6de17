//===- VectorizeLoops.cpp - vectorize innermost element-wise loops --------===//
//
// The loops of linalg ops without a micro-kernel, vectorized along their
// innermost loop with upstream's affine vectorizer, on the loops whose
// accesses this pass can prove safe and profitable (see Passes.td). LLVM's
// own loop vectorizer sees these loops too late: by then every buffer is an
// offset into the one workspace pointer, and it cannot tell a loop's stores
// from its loads.
//
//===----------------------------------------------------------------------===//

#include "qcc/Transforms/Passes.h"

#include "mlir/Analysis/FlatLinearValueConstraints.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Affine/LoopUtils.h"
#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/AffineExprVisitor.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace qcc {
#define GEN_PASS_DEF_VECTORIZELOOPSPASS
#include "qcc/Transforms/Passes.h.inc"
} // namespace qcc

using namespace mlir;

namespace {

/// How an access of a loop body moves as the loop's induction variable
/// steps by one.
enum class Access { Invariant, Consecutive, Other };

/// Classifies the access `map(operands)` of a memref with identity layout
/// along `iv`: invariant (no result depends on iv), consecutive (only the
/// last result does, as iv + terms without iv), or anything else.
static Access classifyAccess(AffineMap map, ValueRange operands, Value iv) {
  SmallVector<unsigned> ivPositions;
  for (auto [position, operand] : llvm::enumerate(operands)) {
    if (operand == iv) {
      // Only dimension operands are the loop's to vary.
      if (position >= map.getNumDims())
        return Access::Other;
      ivPositions.push_back(position);
    }
  }
  if (ivPositions.empty())
    return Access::Invariant;
  unsigned last = map.getNumResults() - 1;
  for (auto [index, result] : llvm::enumerate(map.getResults())) {
    AffineExpr expr = result;
    bool dependsOnIv = llvm::any_of(ivPositions, [&](unsigned position) {
      return expr.isFunctionOfDim(position);
    });
    if (index != last && dependsOnIv)
      return Access::Other;
    if (index != last)
      continue;
    if (!dependsOnIv)
      return Access::Invariant;
    SmallVector<int64_t> flat;
    if (failed(getFlattenedAffineExpr(expr, map.getNumDims(),
                                      map.getNumSymbols(), &flat)))
      return Access::Other;
    int64_t coefficient = 0;
    for (unsigned position : ivPositions)
      coefficient += flat[position];
    return coefficient == 1 ? Access::Consecutive : Access::Other;
  }
  return Access::Other;
}

static bool hasIdentityLayout(Value memref) {
  auto type = dyn_cast<MemRefType>(memref.getType());
  return type && type.getLayout().isIdentity();
}

/// Whether `body`, the innermost loop body, can run `vectorSize` iterations
/// of `loop` at a time (`loop` may be the loop around it, which would then
/// be interchanged with it).
static bool isCandidate(affine::AffineForOp loop, Block *body,
                        int64_t vectorSize) {
  if (!loop.hasConstantBounds() || loop.getStepAsInt() != 1 ||
      loop.getNumIterOperands() != 0)
    return false;
  if (loop.getConstantUpperBound() - loop.getConstantLowerBound() < vectorSize)
    return false;
  Value iv = loop.getInductionVar();
  bool storesConsecutively = false;
  // A load from a buffer the loop also stores to must read the element
  // being stored (an in-place element-wise op): any other offset would be
  // a dependence between iterations.
  SmallVector<affine::AffineStoreOp> stores;
  for (Operation &op : body->without_terminator())
    if (auto store = dyn_cast<affine::AffineStoreOp>(op))
      stores.push_back(store);
  auto readsOwnStore = [&](affine::AffineLoadOp load) {
    return llvm::all_of(stores, [&](affine::AffineStoreOp store) {
      return store.getMemRef() != load.getMemRef() ||
             (store.getAffineMap() == load.getAffineMap() &&
              llvm::equal(store.getMapOperands(), load.getMapOperands()));
    });
  };
  for (Operation &op : body->without_terminator()) {
    if (op.getNumRegions() != 0)
      return false;
    if (auto load = dyn_cast<affine::AffineLoadOp>(op)) {
      if (!hasIdentityLayout(load.getMemRef()) ||
          classifyAccess(load.getAffineMap(), load.getMapOperands(), iv) ==
              Access::Other ||
          !readsOwnStore(load))
        return false;
      continue;
    }
    if (auto store = dyn_cast<affine::AffineStoreOp>(op)) {
      // A store to one element for the whole loop is a reduction through
      // memory: its iterations depend on each other.
      if (!hasIdentityLayout(store.getMemRef()) ||
          classifyAccess(store.getAffineMap(), store.getMapOperands(), iv) !=
              Access::Consecutive)
        return false;
      storesConsecutively = true;
      continue;
    }
    if (!isMemoryEffectFree(&op))
      return false;
    // Integer division traps on zero, which the padding lanes of a partial
    // last vector may hold; no target divides integer vectors anyway.
    if (isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
            arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(op))
      return false;
    // Values that are already vectors (or not scalars at all) stay scalar.
    for (Type type : op.getResultTypes())
      if (!type.isIntOrIndexOrFloat())
        return false;
  }
  return storesConsecutively;
}

struct VectorizeLoopsPass
    : public qcc::impl::VectorizeLoopsPassBase<VectorizeLoopsPass> {
  using VectorizeLoopsPassBase::VectorizeLoopsPassBase;

  void runOnOperation() override {
    if (vectorSize < 2) {
      getOperation().emitError("qcc-vectorize-loops: vector-size must be at "
                               "least 2, not ")
          << static_cast<int64_t>(vectorSize);
      return signalPassFailure();
    }
    SmallVector<affine::AffineForOp> innermostLoops;
    getOperation().walk([&](affine::AffineForOp loop) {
      bool innermost = true;
      loop.getBody()->walk([&](affine::AffineForOp) { innermost = false; });
      if (innermost)
        innermostLoops.push_back(loop);
    });
    SmallVector<affine::AffineForOp> candidates;
    for (affine::AffineForOp loop : innermostLoops) {
      if (isCandidate(loop, loop.getBody(), vectorSize)) {
        candidates.push_back(loop);
        continue;
      }
      // A reduction innermost (a matmul's k) under a loop along which the
      // stores are consecutive (its j): with the two swapped, j runs
      // innermost and vectorizes, k outside it.
      auto outer = dyn_cast<affine::AffineForOp>(loop->getParentOp());
      if (!outer ||
          !llvm::hasSingleElement(outer.getBody()->without_terminator()) ||
          !isCandidate(outer, loop.getBody(), vectorSize) ||
          !affine::isValidLoopInterchangePermutation({outer, loop}, {1, 0}))
        continue;
      affine::interchangeLoops(outer, loop);
      candidates.push_back(outer);
    }
    for (affine::AffineForOp loop : candidates) {
      affine::VectorizationStrategy strategy;
      strategy.vectorSizes.push_back(vectorSize);
      strategy.loopToVectorDim[loop] = 0;
      std::vector<SmallVector<affine::AffineForOp, 2>> nest = {{loop}};
      // A loop the vectorizer turns down stays scalar.
      (void)affine::vectorizeAffineLoopNest(nest, strategy);
    }
  }
};

} // namespace
