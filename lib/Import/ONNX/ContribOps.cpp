//===- ContribOps.cpp - com.microsoft quantized operators -----------------===//
//
// ONNX Runtime's quantization tool writes QOperator models with operators of
// the com.microsoft domain beside the standard QLinearConv/QLinearMatMul:
// QLinearAdd, QLinearMul, QLinearAveragePool and QLinearGlobalAveragePool.
// Each is defined as its float operator between dequantized inputs and a
// quantized output, so it is imported as exactly that:
//
//   qcc.dequantize (inputs) -> Add/Mul/AveragePool/... -> qcc.quantize
//
// with the types its constant scales and zero points give, the form a QDQ
// model has. qcc-quantize then turns it into the integer op (see
// qcc-fold-qdq). The float operator is imported as at opset 13.
//
//===----------------------------------------------------------------------===//

#include "OpRegistry.h"
#include "QuantizedParams.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

using namespace mlir;

namespace qcc::onnx_import {
namespace {

constexpr llvm::StringLiteral kMicrosoftDomain = "com.microsoft";
/// The opset the float operator of a composition is imported at.
constexpr int64_t kComposedOpset = 13;

/// The per-tensor type a constant scalar scale (input `scaleIndex`) and
/// optional zero point (input `zpIndex`, 0 when omitted) give 8-bit data of
/// signedness `isUnsigned`.
FailureOr<quant::QuantizedType> getGivenType(NodeContext &node,
                                             unsigned scaleIndex,
                                             unsigned zpIndex,
                                             bool isUnsigned) {
  FailureOr<DenseElementsAttr> scale =
      node.getRequiredConstantInput(scaleIndex, "scale");
  if (failed(scale) || failed(checkScale(node, scaleIndex)))
    return failure();
  if (scale->getNumElements() != 1)
    return node.emitError()
           << "scale '" << node.getNode().input(scaleIndex)
           << "' must be one f32 value, got " << scale->getType();
  if (node.hasInput(zpIndex)) {
    FailureOr<DenseElementsAttr> zp =
        node.getRequiredConstantInput(zpIndex, "zero point");
    if (failed(zp))
      return failure();
    bool zpUnsigned = node.isInputUnsigned(zpIndex);
    if (!zp->getElementType().isInteger(8) || zp->getNumElements() != 1 ||
        zpUnsigned != isUnsigned) {
      InFlightDiagnostic diag = node.emitError();
      diag << "zero point '" << node.getNode().input(zpIndex)
           << "' must be one " << (isUnsigned ? "uint8" : "int8")
           << " value like the data, got ";
      if (zp->getElementType().isInteger(8))
        diag << zp->getNumElements() << " " << (zpUnsigned ? "uint8" : "int8")
             << " value(s)";
      else
        diag << zp->getType();
      return diag;
    }
  }
  return getConstantQuantizedType(node, scaleIndex, zpIndex,
                                  node.getBuilder().getI8Type(), isUnsigned,
                                  /*axis=*/-1);
}

/// Input `index`, 8-bit data, dequantized with `type`.
FailureOr<Value> dequantizeInput(NodeContext &node, unsigned index,
                                 quant::QuantizedType type) {
  RankedTensorType dataType = node.getInputType(index);
  if (!dataType.getElementType().isInteger(8))
    return node.emitError() << "input '" << node.getNode().input(index)
                            << "' must be int8 or uint8, got " << dataType;
  return createDequantize(node.getBuilder(), node.getLoc(),
                          node.getInputValue(index), type);
}

/// The inputs at `dataIndices`, each followed by its scale and zero point,
/// dequantized.
FailureOr<SmallVector<Value>> dequantizeInputs(NodeContext &node,
                                               ArrayRef<unsigned> dataIndices,
                                               bool isUnsigned) {
  SmallVector<Value> values;
  for (unsigned index : dataIndices) {
    FailureOr<quant::QuantizedType> type =
        getGivenType(node, index + 1, index + 2, isUnsigned);
    if (failed(type))
      return failure();
    FailureOr<Value> value = dequantizeInput(node, index, *type);
    if (failed(value))
      return failure();
    values.push_back(*value);
  }
  return values;
}

/// Sets output 0 to `value` quantized with the scale and zero point at
/// `scaleIndex` and `scaleIndex + 1`.
LogicalResult setQuantizedOutput(NodeContext &node, Value value,
                                 unsigned scaleIndex, bool isUnsigned) {
  FailureOr<quant::QuantizedType> type =
      getGivenType(node, scaleIndex, scaleIndex + 1, isUnsigned);
  if (failed(type))
    return failure();
  node.setOutput(0,
                 createQuantize(node.getBuilder(), node.getLoc(), value, *type),
                 isUnsigned);
  return success();
}

/// QLinearAdd, QLinearMul: (A, A_scale, A_zp, B, B_scale, B_zp, C_scale,
/// C_zp) -> C = quantize(dequantize(A) op dequantize(B)).
template <const char *FloatOp>
LogicalResult importQLinearBinary(NodeContext &node) {
  if (failed(node.checkArity(7, 8)))
    return failure();
  bool isUnsigned = node.isInputUnsigned(0);
  if (node.getInputType(0).getElementType() !=
          node.getInputType(3).getElementType() ||
      node.isInputUnsigned(3) != isUnsigned)
    return node.emitError() << "inputs A and B must have the same type";
  FailureOr<SmallVector<Value>> inputs =
      dequantizeInputs(node, {0, 3}, isUnsigned);
  if (failed(inputs))
    return failure();
  FailureOr<Value> result =
      node.importComposed(FloatOp, kComposedOpset, *inputs, {});
  if (failed(result))
    return failure();
  return setQuantizedOutput(node, *result, 6, isUnsigned);
}

/// `value` with its channels moved from the last dimension to the second
/// (`toChannelsFirst`) or back.
Value moveChannels(NodeContext &node, Value value, bool toChannelsFirst) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  SmallVector<int64_t> perms = {0};
  if (toChannelsFirst) {
    perms.push_back(rank - 1);
    for (int64_t d = 1; d < rank - 1; ++d)
      perms.push_back(d);
  } else {
    for (int64_t d = 2; d < rank; ++d)
      perms.push_back(d);
    perms.push_back(1);
  }
  return createTranspose(node.getBuilder(), node.getLoc(), value, perms);
}

/// QLinearAveragePool, QLinearGlobalAveragePool: (X, x_scale, x_zp,
/// y_scale, y_zp) -> quantize(pool(dequantize(X))); `channels_last` takes
/// and gives channels in the last dimension.
template <const char *FloatOp>
LogicalResult importQLinearPool(NodeContext &node) {
  if (failed(node.checkArity(4, 5)))
    return failure();
  FailureOr<int64_t> channelsLast = node.getIntAttr("channels_last", 0);
  if (failed(channelsLast))
    return failure();
  bool isUnsigned = node.isInputUnsigned(0);
  if (node.getInputType(0).getRank() < 3)
    return node.emitError() << "input must have 1 to 3 spatial dimensions, got "
                            << node.getInputType(0);
  FailureOr<SmallVector<Value>> x = dequantizeInputs(node, {0}, isUnsigned);
  if (failed(x))
    return failure();
  Value input =
      *channelsLast ? moveChannels(node, x->front(), true) : x->front();
  FailureOr<Value> result =
      node.importComposed(FloatOp, kComposedOpset, {input},
                          {"auto_pad", "ceil_mode", "count_include_pad",
                           "kernel_shape", "pads", "strides"});
  if (failed(result))
    return failure();
  Value pooled = *channelsLast ? moveChannels(node, *result, false) : *result;
  return setQuantizedOutput(node, pooled, 3, isUnsigned);
}

constexpr char kAdd[] = "Add";
constexpr char kMul[] = "Mul";
constexpr char kAveragePool[] = "AveragePool";
constexpr char kGlobalAveragePool[] = "GlobalAveragePool";

} // namespace

void registerContribOps(OpRegistry &registry) {
  registry.add("QLinearAdd", importQLinearBinary<kAdd>, kMicrosoftDomain);
  registry.add("QLinearMul", importQLinearBinary<kMul>, kMicrosoftDomain);
  registry.add("QLinearAveragePool", importQLinearPool<kAveragePool>,
               kMicrosoftDomain);
  registry.add("QLinearGlobalAveragePool",
               importQLinearPool<kGlobalAveragePool>, kMicrosoftDomain);
}

} // namespace qcc::onnx_import
