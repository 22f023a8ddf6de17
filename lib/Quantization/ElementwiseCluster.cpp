//===- ElementwiseCluster.cpp - float functions of one tensor -------------===//

#include "qcc/Quantization/ElementwiseCluster.h"

#include "qcc/Quantization/GivenConstant.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace qcc;

/// The operands that carry data (tosa.mul's shift and tosa.negate's zero
/// points are constant attributes in operand form).
static OperandRange getDataOperands(Operation *op) {
  if (isa<tosa::MulOp>(op))
    return op->getOperands().take_front(2);
  if (isa<tosa::NegateOp>(op))
    return op->getOperands().take_front(1);
  return op->getOperands();
}

bool qcc::hasNoShift(tosa::MulOp mul) {
  DenseIntElementsAttr shift;
  return matchPattern(mul.getShift(), m_Constant(&shift)) &&
         llvm::all_of(shift.getValues<APInt>(),
                      [](const APInt &v) { return v.isZero(); });
}

static bool isSupportedFunction(Operation *op) {
  if (auto mul = dyn_cast<tosa::MulOp>(op))
    return hasNoShift(mul);
  if (auto clamp = dyn_cast<tosa::ClampOp>(op))
    return isa<FloatAttr>(clamp.getMinValAttr()) &&
           isa<FloatAttr>(clamp.getMaxValAttr());
  return isa<tosa::AddOp, tosa::SubOp, tosa::MaximumOp, tosa::MinimumOp,
             tosa::PowOp, tosa::SigmoidOp, tosa::TanhOp, tosa::ExpOp,
             tosa::LogOp, tosa::ErfOp, tosa::ReciprocalOp, tosa::RsqrtOp,
             tosa::AbsOp, tosa::NegateOp, tosa::FloorOp, tosa::CeilOp>(op);
}

std::optional<ElementwiseCluster> qcc::findElementwiseCluster(Operation *seed) {
  if (seed->getNumResults() != 1 || !isSupportedFunction(seed))
    return std::nullopt;
  // The seed's one non-constant operand is the cluster's input.
  Value input;
  for (Value operand : getDataOperands(seed)) {
    if (matchSplatFloat(operand))
      continue;
    if (input && operand != input)
      return std::nullopt;
    input = operand;
  }
  auto inputType =
      dyn_cast_or_null<RankedTensorType>(input ? input.getType() : Type());
  if (!inputType || !inputType.getElementType().isF32() ||
      seed->getResult(0).getType() != inputType)
    return std::nullopt;

  // Grow through users whose data operands are all the input, cluster
  // values or splat constants, and which keep the input's type.
  llvm::SetVector<Operation *> members;
  members.insert(seed);
  auto canJoin = [&](Operation *op) {
    if (op->getNumResults() != 1 || op->getResult(0).getType() != inputType ||
        op->getBlock() != seed->getBlock() || !isSupportedFunction(op))
      return false;
    return llvm::all_of(getDataOperands(op), [&](Value operand) {
      if (operand == input || matchSplatFloat(operand))
        return true;
      Operation *producer = operand.getDefiningOp();
      return producer && members.contains(producer);
    });
  };
  for (size_t i = 0; i < members.size(); ++i)
    for (Operation *user : members[i]->getResult(0).getUsers())
      if (!members.contains(user) && canJoin(user))
        members.insert(user);

  ElementwiseCluster cluster;
  cluster.input = input;
  for (Operation *op : members) {
    Value result = op->getResult(0);
    bool leaves = llvm::any_of(result.getUsers(), [&](Operation *user) {
      return !members.contains(user);
    });
    if (!leaves)
      continue;
    if (cluster.output) {
      // Two values leave: the seed alone is a function of the input too.
      cluster.ops = {seed};
      cluster.output = seed->getResult(0);
      return cluster;
    }
    cluster.output = result;
  }
  if (!cluster.output)
    return std::nullopt;
  cluster.ops = members.takeVector();
  llvm::sort(cluster.ops,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return cluster;
}

/// One op at double precision, from its data operands' values.
static double apply(Operation *op, ArrayRef<double> x) {
  return llvm::TypeSwitch<Operation *, double>(op)
      .Case([&](tosa::AddOp) { return x[0] + x[1]; })
      .Case([&](tosa::SubOp) { return x[0] - x[1]; })
      .Case([&](tosa::MulOp) { return x[0] * x[1]; })
      .Case([&](tosa::MaximumOp) { return std::fmax(x[0], x[1]); })
      .Case([&](tosa::MinimumOp) { return std::fmin(x[0], x[1]); })
      .Case([&](tosa::PowOp) { return std::pow(x[0], x[1]); })
      .Case([&](tosa::ClampOp clamp) {
        double lo = cast<FloatAttr>(clamp.getMinValAttr()).getValueAsDouble();
        double hi = cast<FloatAttr>(clamp.getMaxValAttr()).getValueAsDouble();
        return std::fmin(std::fmax(x[0], lo), hi);
      })
      .Case([&](tosa::SigmoidOp) { return 1.0 / (1.0 + std::exp(-x[0])); })
      .Case([&](tosa::TanhOp) { return std::tanh(x[0]); })
      .Case([&](tosa::ExpOp) { return std::exp(x[0]); })
      .Case([&](tosa::LogOp) { return std::log(x[0]); })
      .Case([&](tosa::ErfOp) { return std::erf(x[0]); })
      .Case([&](tosa::ReciprocalOp) { return 1.0 / x[0]; })
      .Case([&](tosa::RsqrtOp) { return 1.0 / std::sqrt(x[0]); })
      .Case([&](tosa::AbsOp) { return std::fabs(x[0]); })
      .Case([&](tosa::NegateOp) { return -x[0]; })
      .Case([&](tosa::FloorOp) { return std::floor(x[0]); })
      .Case([&](tosa::CeilOp) { return std::ceil(x[0]); })
      .Default([](Operation *) { return std::nan(""); });
}

std::optional<double> ElementwiseCluster::evaluate(double x) const {
  llvm::DenseMap<Value, double> values;
  values[input] = x;
  for (Operation *op : ops) {
    SmallVector<double, 2> operands;
    for (Value operand : getDataOperands(op)) {
      auto known = values.find(operand);
      operands.push_back(known != values.end() ? known->second
                                               : *matchSplatFloat(operand));
    }
    double result = apply(op, operands);
    if (std::isnan(result))
      return std::nullopt;
    values[op->getResult(0)] = result;
  }
  return values.lookup(output);
}
