//===- Normalization.cpp - ONNX BatchNormalization and Softmax to TOSA ----===//
//
// BatchNormalization (inference) folds into one per-channel scale and shift
// computed in double at import time. Softmax decomposes the way TOSA
// importers do: exp(x - max) * reciprocal(sum(exp(x - max))).
//
//===----------------------------------------------------------------------===//

#include "OpRegistry.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>

using namespace mlir;

namespace qcc::onnx_import {
namespace {

LogicalResult importBatchNormalization(NodeContext &node) {
  if (failed(node.checkArity(5, 5, 5)) || failed(node.checkFloatInput(0)))
    return failure();
  for (unsigned i = 1; i < node.getNumOutputs(); ++i)
    if (!node.getNode().output(i).empty())
      return node.emitError() << "training outputs (running mean/variance) "
                                 "are not supported";
  FailureOr<float> epsilon = node.getFloatAttr("epsilon", 1e-5f);
  FailureOr<int64_t> training = node.getIntAttr("training_mode", 0);
  FailureOr<int64_t> spatial = node.getIntAttr("spatial", 1);
  if (failed(epsilon) || failed(training) || failed(spatial))
    return failure();
  if (*training != 0)
    return node.emitError() << "training_mode=1 is not supported";
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

/// Softmax of `input` along `axis`.
Value createSoftmax(OpBuilder &b, Location loc, Value input, int64_t axis) {
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> reducedShape(type.getShape());
  reducedShape[axis] = 1;
  auto reducedType = type.clone(reducedShape);
  IntegerAttr axisAttr = b.getI32IntegerAttr(axis);
  Value max = tosa::ReduceMaxOp::create(b, loc, reducedType, input, axisAttr);
  Value shifted = tosa::SubOp::create(b, loc, type, input, max);
  Value exp = tosa::ExpOp::create(b, loc, type, shifted);
  Value sum = tosa::ReduceSumOp::create(b, loc, reducedType, exp, axisAttr);
  Value inverse = tosa::ReciprocalOp::create(b, loc, reducedType, sum);
  return createMul(b, loc, exp, inverse);
}

LogicalResult importSoftmax(NodeContext &node) {
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
    node.setOutput(0, createSoftmax(b, loc, input, *axis));
    return success();
  }
  // Before opset 13 the input is flattened to 2-D at `axis` and the softmax
  // runs over everything from `axis` on.
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < *axis ? outer : inner) *= type.getDimSize(d);
  Value flat = createReshape(b, loc, input, {outer, inner});
  node.setOutput(0, createReshape(b, loc, createSoftmax(b, loc, flat, 1),
                                  type.getShape()));
  return success();
}

} // namespace

void registerNormalizationOps(OpRegistry &registry) {
  registry.add("BatchNormalization", importBatchNormalization);
  registry.add("Softmax", importSoftmax);
}

} // namespace qcc::onnx_import
