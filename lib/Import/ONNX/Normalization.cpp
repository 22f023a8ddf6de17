//===- Normalization.cpp - ONNX normalizations and softmax to TOSA --------===//
//
// BatchNormalization (inference) folds into one per-channel scale and shift
// computed in double at import time; in training mode it normalizes with the
// batch statistics and updates the running ones. Softmax decomposes the way
// TOSA importers do: exp(x - max) * reciprocal(sum(exp(x - max))), LogSoftmax
// as (x - max) - log(sum(exp(x - max))). InstanceNormalization and
// LayerNormalization compute mean and variance with TOSA reductions:
// (x - mean) * rsqrt(mean((x - mean)^2) + epsilon) * scale + bias.
//
//===----------------------------------------------------------------------===//

#include "OpRegistry.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>

using namespace mlir;

namespace qcc::onnx_import {
namespace {

/// (x - mean) * rsqrt(var + epsilon) over `axes` (kept as unit dimensions);
/// also returns the mean, the (biased) variance and the inverse standard
/// deviation.
struct Normalized {
  Value result, mean, variance, invStdDev;
};
Normalized createNormalize(OpBuilder &b, Location loc, Value input,
                           ArrayRef<int64_t> axes, double epsilon);

/// BatchNormalization with training_mode = 1 (opset 14 on): normalizes with
/// the batch's own statistics and also returns the updated running mean and
/// variance, input * momentum + batch statistic * (1 - momentum).
LogicalResult importBatchNormalizationTraining(NodeContext &node,
                                               float epsilon) {
  for (unsigned i = 1; i <= 4; ++i)
    if (failed(node.checkFloatInput(i)))
      return failure();
  FailureOr<float> momentum = node.getFloatAttr("momentum", 0.9f);
  if (failed(momentum))
    return failure();
  RankedTensorType type = node.getInputType(0);
  int64_t channels = type.getDimSize(1);
  for (unsigned i = 1; i <= 4; ++i)
    if (node.getInputType(i).getShape() != ArrayRef<int64_t>{channels})
      return node.emitError() << "input #" << i << " " << node.getInputType(i)
                              << " must have shape [" << channels << "]";
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  SmallVector<int64_t> axes = {0}, paramShape(type.getRank(), 1);
  for (int64_t d = 2; d < type.getRank(); ++d)
    axes.push_back(d);
  paramShape[1] = channels;
  Normalized normalized =
      createNormalize(b, loc, node.getInputValue(0), axes, epsilon);
  Value scale = createReshape(b, loc, node.getInputValue(1), paramShape);
  Value bias = createReshape(b, loc, node.getInputValue(2), paramShape);
  node.setOutput(
      0, tosa::AddOp::create(
             b, loc, type, createMul(b, loc, normalized.result, scale), bias));
  Type elementType = type.getElementType();
  auto update = [&](Value running, Value batch) {
    Value batchPart =
        createMul(b, loc, createReshape(b, loc, batch, {channels}),
                  createScalarSplat(b, loc, 1.0 - *momentum, elementType, 1));
    Value runningPart = createMul(
        b, loc, running, createScalarSplat(b, loc, *momentum, elementType, 1));
    return tosa::AddOp::create(b, loc, runningPart.getType(), runningPart,
                               batchPart);
  };
  node.setOutput(1, update(node.getInputValue(3), normalized.mean));
  node.setOutput(2, update(node.getInputValue(4), normalized.variance));
  return success();
}

LogicalResult importBatchNormalization(NodeContext &node) {
  if (failed(node.checkArity(5, 5, 5)) || failed(node.checkFloatInput(0)))
    return failure();
  FailureOr<float> epsilon = node.getFloatAttr("epsilon", 1e-5f);
  FailureOr<int64_t> training = node.getIntAttr("training_mode", 0);
  FailureOr<int64_t> spatial = node.getIntAttr("spatial", 1);
  if (failed(epsilon) || failed(training) || failed(spatial))
    return failure();
  if (node.getInputType(0).getRank() < 2)
    return node.emitError()
           << "input must have rank >= 2, got " << node.getInputType(0);
  if (*training != 0) {
    if (node.getNumOutputs() > 3)
      return node.emitError() << "training mode has at most 3 outputs";
    return importBatchNormalizationTraining(node, *epsilon);
  }
  for (unsigned i = 1; i < node.getNumOutputs(); ++i)
    if (!node.getNode().output(i).empty())
      return node.emitError() << "the running mean/variance outputs exist "
                                 "only in training mode (training_mode = 1)";
  if (node.getOpset() < 9 && *spatial != 1)
    return node.emitError() << "spatial=0 is not supported";

  RankedTensorType inputType = node.getInputType(0);
  if (inputType.getRank() < 2)
    return node.emitError() << "input must have rank >= 2, got " << inputType;
  int64_t channels = inputType.getDimSize(1);
  const char *names[] = {"scale", "B", "mean", "var"};
  SmallVector<SmallVector<double>> params;
  for (unsigned i = 1; i <= 4; ++i) {
    FailureOr<DenseElementsAttr> param =
        node.getRequiredConstantInput(i, names[i - 1]);
    if (failed(param))
      return failure();
    if (param->getNumElements() != channels ||
        !isa<FloatType>(param->getElementType()))
      return node.emitError() << "'" << names[i - 1] << "' " << param->getType()
                              << " must hold " << channels << " float values";
    params.push_back(getDoubleValues(*param));
  }
  SmallVector<double> scale(channels), shift(channels);
  for (int64_t c = 0; c < channels; ++c) {
    scale[c] = params[0][c] / std::sqrt(params[3][c] + *epsilon);
    shift[c] = params[1][c] - params[2][c] * scale[c];
  }
  SmallVector<int64_t> paramShape(inputType.getRank(), 1);
  paramShape[1] = channels;
  auto paramType =
      RankedTensorType::get(paramShape, inputType.getElementType());
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value scaled =
      createMul(b, loc, node.getInputValue(0),
                createConst(b, loc, getConstantFromDoubles(paramType, scale)));
  node.setOutput(
      0, tosa::AddOp::create(
             b, loc, inputType, scaled,
             createConst(b, loc, getConstantFromDoubles(paramType, shift))));
  return success();
}

/// Softmax (or LogSoftmax) of `input` along `axis`.
Value createSoftmax(OpBuilder &b, Location loc, Value input, int64_t axis,
                    bool isLog) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> reducedShape(type.getShape());
  reducedShape[axis] = 1;
  auto reducedType = type.clone(reducedShape);
  IntegerAttr axisAttr = b.getI32IntegerAttr(axis);
  Value max = tosa::ReduceMaxOp::create(b, loc, reducedType, input, axisAttr);
  Value shifted = tosa::SubOp::create(b, loc, type, input, max);
  Value exp = tosa::ExpOp::create(b, loc, type, shifted);
  Value sum = tosa::ReduceSumOp::create(b, loc, reducedType, exp, axisAttr);
  if (isLog)
    return tosa::SubOp::create(
        b, loc, type, shifted,
        tosa::LogOp::create(b, loc, reducedType, sum).getResult());
  Value inverse = tosa::ReciprocalOp::create(b, loc, reducedType, sum);
  return createMul(b, loc, exp, inverse);
}

/// Softmax and LogSoftmax.
LogicalResult importSoftmax(NodeContext &node) {
  bool isLog = node.getOp() == "LogSoftmax";
  if (failed(node.checkArity(1, 1)) || failed(node.checkFloatInput(0)))
    return failure();
  bool coerceTo2D = node.getOpset() < 13;
  FailureOr<int64_t> axisAttr = node.getIntAttr("axis", coerceTo2D ? 1 : -1);
  if (failed(axisAttr))
    return failure();
  RankedTensorType type = node.getInputType(0);
  int64_t rank = type.getRank();
  if (rank == 0)
    return node.emitError() << "input must have rank >= 1";
  FailureOr<int64_t> axis = node.normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return failure();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value input = node.getInputValue(0);
  if (!coerceTo2D) {
    node.setOutput(0, createSoftmax(b, loc, input, *axis, isLog));
    return success();
  }
  // Before opset 13 the input is flattened to 2-D at `axis` and the softmax
  // runs over everything from `axis` on.
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < *axis ? outer : inner) *= type.getDimSize(d);
  Value flat = createReshape(b, loc, input, {outer, inner});
  node.setOutput(0, createReshape(b, loc, createSoftmax(b, loc, flat, 1, isLog),
                                  type.getShape()));
  return success();
}

Normalized createNormalize(OpBuilder &b, Location loc, Value input,
                           ArrayRef<int64_t> axes, double epsilon) {
  auto type = cast<RankedTensorType>(input.getType());
  int64_t count = 1;
  for (int64_t axis : axes)
    count *= type.getDimSize(axis);
  Type elementType = type.getElementType();
  Value inverseCount =
      createScalarSplat(b, loc, 1.0 / count, elementType, type.getRank());
  Value mean =
      createMul(b, loc, createReduceSum(b, loc, input, axes), inverseCount);
  Value centered = tosa::SubOp::create(b, loc, type, input, mean);
  Value variance = createMul(
      b, loc,
      createReduceSum(b, loc, createMul(b, loc, centered, centered), axes),
      inverseCount);
  Value shifted = tosa::AddOp::create(
      b, loc, variance.getType(), variance,
      createScalarSplat(b, loc, epsilon, elementType, type.getRank()));
  Value invStdDev = tosa::RsqrtOp::create(b, loc, shifted.getType(), shifted);
  return {createMul(b, loc, centered, invStdDev), mean, variance, invStdDev};
}

/// Per sample and channel over the spatial dimensions, then a per-channel
/// scale and bias.
LogicalResult importInstanceNormalization(NodeContext &node) {
  if (failed(node.checkArity(3, 3)) || failed(node.checkFloatInput(0)) ||
      failed(node.checkFloatInput(1)) || failed(node.checkFloatInput(2)))
    return failure();
  FailureOr<float> epsilon = node.getFloatAttr("epsilon", 1e-5f);
  if (failed(epsilon))
    return failure();
  RankedTensorType type = node.getInputType(0);
  if (type.getRank() < 3)
    return node.emitError() << "input must have rank >= 3, got " << type;
  int64_t channels = type.getDimSize(1);
  for (unsigned i = 1; i <= 2; ++i)
    if (node.getInputType(i).getShape() != ArrayRef<int64_t>{channels})
      return node.emitError()
             << (i == 1 ? "scale " : "B ") << node.getInputType(i)
             << " must have shape [" << channels << "]";
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  SmallVector<int64_t> axes, paramShape(type.getRank(), 1);
  for (int64_t d = 2; d < type.getRank(); ++d)
    axes.push_back(d);
  paramShape[1] = channels;
  Normalized normalized =
      createNormalize(b, loc, node.getInputValue(0), axes, *epsilon);
  Value scale = createReshape(b, loc, node.getInputValue(1), paramShape);
  Value bias = createReshape(b, loc, node.getInputValue(2), paramShape);
  node.setOutput(
      0, tosa::AddOp::create(
             b, loc, type, createMul(b, loc, normalized.result, scale), bias));
  return success();
}

/// Over the dimensions from `axis` on; Scale and B broadcast to them. The
/// optional Mean and InvStdDev outputs keep the reduced dimensions.
LogicalResult importLayerNormalization(NodeContext &node) {
  if (failed(node.checkArity(2, 3, 3)) || failed(node.checkFloatInput(0)) ||
      failed(node.checkFloatInput(1)))
    return failure();
  FailureOr<int64_t> axisAttr = node.getIntAttr("axis", -1);
  FailureOr<float> epsilon = node.getFloatAttr("epsilon", 1e-5f);
  FailureOr<int64_t> stashType = node.getIntAttr("stash_type", 1);
  if (failed(axisAttr) || failed(epsilon) || failed(stashType))
    return failure();
  RankedTensorType type = node.getInputType(0);
  FailureOr<int64_t> axis = node.normalizeAxis(*axisAttr, type.getRank());
  if (failed(axis))
    return failure();
  for (unsigned i = 1; i < 3; ++i) {
    if (!node.hasInput(i))
      continue;
    std::optional<SmallVector<int64_t>> shape =
        getBroadcastShape(type.getShape(), node.getInputType(i).getShape());
    if (!shape || *shape != type.getShape())
      return node.emitError()
             << (i == 1 ? "Scale " : "B ") << node.getInputType(i)
             << " does not broadcast to the input " << type;
  }
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  SmallVector<int64_t> axes;
  for (int64_t d = *axis; d < type.getRank(); ++d)
    axes.push_back(d);
  // Statistics are computed in the input's type, which for f32 inputs is
  // what stash_type=1 asks for.
  Normalized normalized =
      createNormalize(b, loc, node.getInputValue(0), axes, *epsilon);
  Value scale = expandToRank(b, loc, node.getInputValue(1), type.getRank());
  Value result = createMul(b, loc, normalized.result, scale);
  if (node.hasInput(2))
    result = tosa::AddOp::create(
        b, loc, type, result,
        expandToRank(b, loc, node.getInputValue(2), type.getRank()));
  node.setOutput(0, result);
  node.setOutput(1, normalized.mean);
  node.setOutput(2, normalized.invStdDev);
  return success();
}

} // namespace

void registerNormalizationOps(OpRegistry &registry) {
  registry.add("LogSoftmax", importSoftmax);
  registry.add("InstanceNormalization", importInstanceNormalization);
  registry.add("LayerNormalization", importLayerNormalization);
  registry.add("BatchNormalization", importBatchNormalization);
  registry.add("Softmax", importSoftmax);
}

} // namespace qcc::onnx_import
