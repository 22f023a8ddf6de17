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
#include "TosaBuilders.h"

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include <cmath>

using namespace mlir;

namespace qcc::onnx_import {
namespace {

constexpr llvm::StringLiteral kMicrosoftDomain = "com.microsoft";
/// The opset the float operator of a composition is imported at.
constexpr int64_t kComposedOpset = 13;

/// The per-tensor type a constant scalar scale (input `scaleIndex`) and
/// optional zero point (input `zpIndex`, 0 when omitted) give 8-bit data of
/// signedness `isUnsigned`.
FailureOr<quant::UniformQuantizedType> getGivenType(NodeContext &node,
                                                    unsigned scaleIndex,
                                                    unsigned zpIndex,
                                                    bool isUnsigned) {
  FailureOr<DenseElementsAttr> scale =
      node.getRequiredConstantInput(scaleIndex, "scale");
  if (failed(scale))
    return failure();
  StringRef scaleName = node.getNode().input(scaleIndex);
  if (!scale->getElementType().isF32() || scale->getNumElements() != 1)
    return node.emitError()
           << "scale '" << scaleName << "' must be one f32 value, got "
           << scale->getType();
  double s = (*scale).getSplatValue<APFloat>().convertToDouble();
  if (scale->isSplat() && !(s > 0.0 && std::isfinite(s)))
    return node.emitError() << "scale '" << scaleName
                            << "' must be positive and finite, got " << s;
  int64_t zeroPoint = 0;
  if (node.hasInput(zpIndex)) {
    FailureOr<DenseElementsAttr> zp =
        node.getRequiredConstantInput(zpIndex, "zero point");
    if (failed(zp))
      return failure();
    StringRef zpName = node.getNode().input(zpIndex);
    bool zpUnsigned = node.isInputUnsigned(zpIndex);
    if (!zp->getElementType().isInteger(8) || zp->getNumElements() != 1 ||
        zpUnsigned != isUnsigned) {
      InFlightDiagnostic diag = node.emitError();
      diag << "zero point '" << zpName << "' must be one "
           << (isUnsigned ? "uint8" : "int8") << " value like the data, got ";
      if (zp->getElementType().isInteger(8))
        diag << zp->getNumElements() << " " << (zpUnsigned ? "uint8" : "int8")
             << " value(s)";
      else
        diag << zp->getType();
      return diag;
    }
    APInt value = (*zp).getSplatValue<APInt>();
    zeroPoint = isUnsigned ? value.getZExtValue() : value.getSExtValue();
  }
  OpBuilder &b = node.getBuilder();
  return quant::UniformQuantizedType::get(
      isUnsigned ? 0 : quant::QuantizationFlags::Signed, b.getI8Type(),
      b.getF32Type(), s, zeroPoint, isUnsigned ? 0 : -128,
      isUnsigned ? 255 : 127);
}

/// Input `index`, 8-bit data, dequantized with `type`.
FailureOr<Value> dequantizeInput(NodeContext &node, unsigned index,
                                 quant::UniformQuantizedType type) {
  RankedTensorType dataType = node.getInputType(index);
  if (!dataType.getElementType().isInteger(8))
    return node.emitError() << "input '" << node.getNode().input(index)
                            << "' must be int8 or uint8, got " << dataType;
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value stored = quant::StorageCastOp::create(b, loc, dataType.clone(type),
                                              node.getInputValue(index));
  return DequantizeOp::create(b, loc, dataType.clone(b.getF32Type()), stored)
      .getResult();
}

/// The inputs at `dataIndices`, each followed by its scale and zero point,
/// dequantized.
FailureOr<SmallVector<Value>> dequantizeInputs(NodeContext &node,
                                               ArrayRef<unsigned> dataIndices,
                                               bool isUnsigned) {
  SmallVector<Value> values;
  for (unsigned index : dataIndices) {
    FailureOr<quant::UniformQuantizedType> type =
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
  FailureOr<quant::UniformQuantizedType> type =
      getGivenType(node, scaleIndex, scaleIndex + 1, isUnsigned);
  if (failed(type))
    return failure();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  auto floatType = cast<RankedTensorType>(value.getType());
  Value quantized =
      QuantizeOp::create(b, loc, floatType.clone(*type), value).getResult();
  node.setOutput(0,
                 quant::StorageCastOp::create(
                     b, loc, floatType.clone(b.getI8Type()), quantized),
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
