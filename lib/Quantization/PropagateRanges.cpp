//===- PropagateRanges.cpp - ranges implied by the graph ------------------===//

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Quantization/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

namespace qcc {
#define GEN_PASS_DEF_PROPAGATERANGESPASS
#include "qcc/Quantization/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

static std::optional<RealRange> intersect(std::optional<RealRange> range,
                                          RealRange bound) {
  if (!range)
    return bound;
  RealRange result{std::max(range->min, bound.min),
                   std::min(range->max, bound.max)};
  // Disjoint ranges mean the calibration saw values the op cannot produce
  // (it cannot): keep the op's bound.
  if (result.min > result.max)
    return bound;
  return result;
}

static std::optional<RealRange> constantRange(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)) ||
      !isa<FloatType>(attr.getElementType()) || attr.getNumElements() == 0)
    return std::nullopt;
  RealRange range{INFINITY, -INFINITY};
  for (APFloat element : attr.getValues<APFloat>()) {
    double value = element.convertToDouble();
    range.min = std::min(range.min, value);
    range.max = std::max(range.max, value);
  }
  return range;
}

/// The range `op` implies for its (single) result, given what is recorded.
static std::optional<RealRange> impliedRange(Operation *op) {
  std::optional<RealRange> own =
      op->getNumResults() == 1 ? getValueRange(op->getResult(0)) : std::nullopt;
  return TypeSwitch<Operation *, std::optional<RealRange>>(op)
      .Case([&](tosa::ClampOp clamp) -> std::optional<RealRange> {
        auto min = dyn_cast<FloatAttr>(clamp.getMinValAttr());
        auto max = dyn_cast<FloatAttr>(clamp.getMaxValAttr());
        if (!min || !max)
          return own;
        // A bound at the float type's limit (ReLU's max_val = FLT_MAX)
        // bounds nothing.
        auto bounded = [](double value) {
          return std::fabs(value) < std::numeric_limits<float>::max();
        };
        double lo = min.getValueAsDouble(), hi = max.getValueAsDouble();
        RealRange bound{bounded(lo) ? lo : -INFINITY,
                        bounded(hi) ? hi : INFINITY};
        std::optional<RealRange> input = getValueRange(clamp.getInput());
        if (input)
          bound = *intersect(input, bound);
        else if (!std::isfinite(bound.min) || !std::isfinite(bound.max))
          return own;
        return intersect(own, bound);
      })
      .Case([&](tosa::SigmoidOp) { return intersect(own, {0.0, 1.0}); })
      .Case([&](tosa::TanhOp) { return intersect(own, {-1.0, 1.0}); })
      // Scale-preserving ops: the result shares its input's range so that
      // both get the same quantized type.
      .Case<tosa::MaxPool2dOp, tosa::ReshapeOp, tosa::TransposeOp,
            tosa::SliceOp, tosa::IdentityOp>(
          [&](Operation *op) -> std::optional<RealRange> {
            if (auto input = getValueRange(op->getOperand(0)))
              return input;
            return own;
          })
      .Case([&](tosa::ConcatOp concat) -> std::optional<RealRange> {
        std::optional<RealRange> all;
        for (Value input : concat.getInput1()) {
          std::optional<RealRange> range = getValueRange(input);
          if (!range)
            return own;
          all = all ? RealRange{std::min(all->min, range->min),
                                std::max(all->max, range->max)}
                    : *range;
        }
        return all;
      })
      .Case<tosa::ConstOp>(
          [&](Operation *op) { return constantRange(op->getResult(0)); })
      .Default([&](Operation *) { return own; });
}

struct PropagateRangesPass
    : public qcc::impl::PropagateRangesPassBase<PropagateRangesPass> {
  void runOnOperation() override {
    getOperation().walk([](Operation *op) {
      if (op->getNumResults() != 1 ||
          !isa<TensorType>(op->getResult(0).getType()) ||
          !isa<FloatType>(
              cast<TensorType>(op->getResult(0).getType()).getElementType()))
        return;
      std::optional<RealRange> before = getValueRange(op->getResult(0));
      std::optional<RealRange> range = impliedRange(op);
      if (!range)
        return;
      // Keep what calibration saw when the graph changes it, for the report.
      if (before && (before->min != range->min || before->max != range->max))
        setCalibratedRange(op, *before);
      setValueRange(op->getResult(0), *range);
    });
  }
};

} // namespace
