//===- QuantizedOps.cpp - ONNX QDQ and QOperator operators ----------------===//
//
// QuantizeLinear and DequantizeLinear whose scale and zero point are
// constants become `qcc.quantize` / `qcc.dequantize` with the given
// `!quant.uniform` type (per axis included), behind a `quant.scast` to the
// plain integer tensors the importer carries. That is the form the quantizer
// reads as parameters to honour (qcc-fold-qdq and qcc-quantize), and its
// numerics are the ONNX reference's: x / scale is a true f32 division,
// rounding is half to even, the conversion saturates, and dequantization is
// (q - zero_point) * scale in f32. With parameters known only at run time,
// and for DynamicQuantizeLinear, the same formulas are built from
// elementwise arith/math ops.
//
// The integer operators (ConvInteger, MatMulInteger, QLinearConv,
// QLinearMatMul) widen their 8-bit operands to i32 and subtract the zero
// points there, so that per-row, per-column and per-channel zero points and
// both signednesses are exact; tosa.conv2d / tosa.matmul then accumulate in
// i32 with zero TOSA zero points. Padding adds zeros after the subtraction,
// as in the ONNX reference. QLinear* requantize as the reference does: the
// multiplier a_scale * b_scale / y_scale is computed in float32, the i32
// accumulator is multiplied by it in float64 (numpy promotes int32 x
// float32 to float64), the output zero point is added, and the result is
// rounded half to even and saturated.
//
//===----------------------------------------------------------------------===//

#include "ConvPool.h"
#include "IntegerArith.h"
#include "OpRegistry.h"
#include "QuantizedParams.h"
#include "TosaBuilders.h"

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace qcc::onnx_import {
namespace {

constexpr int64_t kNCHWToNHWC[] = {0, 2, 3, 1};
constexpr int64_t kNHWCToNCHW[] = {0, 3, 1, 2};

RankedTensorType getType(Value value) {
  return cast<RankedTensorType>(value.getType());
}

int64_t getNumElements(RankedTensorType type) { return type.getNumElements(); }

/// `value` reshaped to `paramShape` (same element count), then broadcast to
/// `shape`.
Value broadcastParam(OpBuilder &b, Location loc, Value value,
                     ArrayRef<int64_t> paramShape, ArrayRef<int64_t> shape) {
  return createBroadcastTo(b, loc, createReshape(b, loc, value, paramShape),
                           shape);
}

//===----------------------------------------------------------------------===//
// Parameter checks
//===----------------------------------------------------------------------===//

/// Input `index` holds 8-bit integers (ONNX int8 or uint8).
LogicalResult check8Bit(NodeContext &node, unsigned index, StringRef what) {
  RankedTensorType type = node.getInputType(index);
  if (!type.getElementType().isInteger(8))
    return node.emitError() << what << " must be int8 or uint8, got " << type;
  return success();
}

/// The zero point (input `zpIndex`) has the element type and signedness of
/// `elementType`/`isUnsigned`, and its shape matches the scale's (input
/// `scaleIndex`, if any).
LogicalResult checkZeroPoint(NodeContext &node, unsigned zpIndex,
                             Type elementType, bool isUnsigned,
                             std::optional<unsigned> scaleIndex) {
  RankedTensorType type = node.getInputType(zpIndex);
  auto spell = [](Type t, bool isUnsignedType) {
    std::string s;
    llvm::raw_string_ostream os(s);
    if (isUnsignedType)
      os << "u";
    os << t;
    return s;
  };
  if (type.getElementType() != elementType ||
      node.isInputUnsigned(zpIndex) != isUnsigned)
    return node.emitError()
           << "zero point '" << node.getNode().input(zpIndex) << "' has type "
           << spell(type.getElementType(), node.isInputUnsigned(zpIndex))
           << ", expected " << spell(elementType, isUnsigned);
  if (scaleIndex &&
      node.getInputType(*scaleIndex).getShape() != type.getShape())
    return node.emitError()
           << "scale " << node.getInputType(*scaleIndex) << " and zero point "
           << type << " must have the same shape";
  return success();
}

/// The shape of a per-tensor parameter of an operand of rank `rank`.
SmallVector<int64_t> getScalarShape(int64_t rank) {
  return SmallVector<int64_t>(rank, 1);
}

//===----------------------------------------------------------------------===//
// QuantizeLinear, DequantizeLinear
//===----------------------------------------------------------------------===//

/// The shape the scale (input #1) and zero point take to broadcast against
/// the data (input #0): all ones for per-tensor parameters, the channel count
/// at `axis` for per-axis ones.
FailureOr<SmallVector<int64_t>> getAxisParamShape(NodeContext &node) {
  RankedTensorType dataType = node.getInputType(0);
  RankedTensorType scaleType = node.getInputType(1);
  int64_t rank = dataType.getRank();
  if (scaleType.getRank() == 0 ||
      (scaleType.getRank() == 1 && scaleType.getDimSize(0) == 1))
    return getScalarShape(rank);
  if (scaleType.getRank() != 1)
    return node.emitError()
           << "scale must be a scalar or a 1-D tensor, got " << scaleType;
  if (node.getOpset() < 13)
    return node.emitError()
           << "per-axis scale " << scaleType << " needs opset 13 or later";
  FailureOr<int64_t> axisAttr = node.getIntAttr("axis", 1);
  if (failed(axisAttr))
    return failure();
  FailureOr<int64_t> axis = node.normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return failure();
  if (scaleType.getDimSize(0) != dataType.getDimSize(*axis))
    return node.emitError()
           << "per-axis scale has " << scaleType.getDimSize(0)
           << " elements but axis " << *axis << " of " << dataType << " has "
           << dataType.getDimSize(*axis);
  SmallVector<int64_t> shape = getScalarShape(rank);
  shape[*axis] = dataType.getDimSize(*axis);
  return shape;
}

/// Input `index` (a scale or zero point) as f32, broadcast to `shape`.
Value getParamAsF32(NodeContext &node, unsigned index,
                    ArrayRef<int64_t> paramShape, ArrayRef<int64_t> shape) {
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value value =
      createConversion(b, loc, node.getInputValue(index), b.getF32Type(),
                       node.isInputUnsigned(index), /*isTargetUnsigned=*/false);
  return broadcastParam(b, loc, value, paramShape, shape);
}

/// The type of a QuantizeLinear/DequantizeLinear with constant parameters
/// (see getConstantQuantizedType); `paramShape` is the broadcast shape of
/// the parameters (see getAxisParamShape).
quant::QuantizedType getQDQType(NodeContext &node, IntegerType storage,
                                bool isUnsigned, ArrayRef<int64_t> paramShape) {
  const int64_t *axis =
      llvm::find_if(paramShape, [](int64_t d) { return d != 1; });
  return getConstantQuantizedType(
      node, 1, 2, storage, isUnsigned,
      axis == paramShape.end() ? -1 : axis - paramShape.begin());
}

/// y = saturate(round_half_even(x / scale) + zero_point).
LogicalResult importQuantizeLinear(NodeContext &node) {
  if (failed(node.checkArity(2, 3)) || failed(node.checkFloatInput(0)) ||
      failed(checkScale(node, 1)))
    return failure();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  bool hasZeroPoint = node.hasInput(2);
  // Without a zero point, the output is uint8.
  bool isUnsigned = !hasZeroPoint || node.isInputUnsigned(2);
  if (hasZeroPoint &&
      (failed(check8Bit(node, 2, "zero point")) ||
       failed(checkZeroPoint(node, 2, b.getI8Type(), isUnsigned, 1))))
    return failure();
  FailureOr<SmallVector<int64_t>> paramShape = getAxisParamShape(node);
  if (failed(paramShape))
    return failure();
  RankedTensorType dataType = node.getInputType(0);
  ArrayRef<int64_t> shape = dataType.getShape();
  if (quant::QuantizedType type =
          getQDQType(node, b.getI8Type(), isUnsigned, *paramShape);
      type && dataType.getElementType().isF32()) {
    Value quantized =
        QuantizeOp::create(b, loc, dataType.clone(type), node.getInputValue(0));
    node.setOutput(0,
                   quant::StorageCastOp::create(
                       b, loc, dataType.clone(b.getI8Type()), quantized),
                   isUnsigned);
    return success();
  }
  Value scaled =
      arith::DivFOp::create(b, loc, node.getInputValue(0),
                            getParamAsF32(node, 1, *paramShape, shape));
  Value rounded = math::RoundEvenOp::create(b, loc, scaled);
  if (hasZeroPoint)
    rounded = arith::AddFOp::create(b, loc, rounded,
                                    getParamAsF32(node, 2, *paramShape, shape));
  node.setOutput(0,
                 createConversion(b, loc, rounded, b.getI8Type(),
                                  /*isSourceUnsigned=*/false, isUnsigned),
                 isUnsigned);
  return success();
}

/// y = (x - zero_point) * scale, in float32.
LogicalResult importDequantizeLinear(NodeContext &node) {
  if (failed(node.checkArity(2, 3)) || failed(checkScale(node, 1)))
    return failure();
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  RankedTensorType dataType = node.getInputType(0);
  Type elementType = dataType.getElementType();
  bool isUnsigned = node.isInputUnsigned(0);
  if (!elementType.isInteger(8) && !(elementType.isInteger(32) && !isUnsigned))
    return node.emitError()
           << "input must be int8, uint8 or int32, got " << dataType;
  bool hasZeroPoint = node.hasInput(2);
  if (hasZeroPoint &&
      failed(checkZeroPoint(node, 2, elementType, isUnsigned, 1)))
    return failure();
  if (hasZeroPoint && elementType.isInteger(32))
    if (DenseElementsAttr zp = node.getConstantInput(2))
      for (int64_t v : getIntValues(zp))
        if (v != 0)
          return node.emitError()
                 << "zero point " << v
                 << " is out of range for int32 input (it must be 0)";
  FailureOr<SmallVector<int64_t>> paramShape = getAxisParamShape(node);
  if (failed(paramShape))
    return failure();
  ArrayRef<int64_t> shape = dataType.getShape();
  if (quant::QuantizedType type = getQDQType(
          node, cast<IntegerType>(elementType), isUnsigned, *paramShape)) {
    Value stored = quant::StorageCastOp::create(b, loc, dataType.clone(type),
                                                node.getInputValue(0));
    node.setOutput(0, DequantizeOp::create(
                          b, loc, dataType.clone(b.getF32Type()), stored));
    return success();
  }
  Value x = createConversion(b, loc, node.getInputValue(0), b.getF32Type(),
                             isUnsigned, /*isTargetUnsigned=*/false);
  if (hasZeroPoint)
    x = arith::SubFOp::create(b, loc, x,
                              getParamAsF32(node, 2, *paramShape, shape));
  node.setOutput(0, arith::MulFOp::create(
                        b, loc, x, getParamAsF32(node, 1, *paramShape, shape)));
  return success();
}

/// uint8 quantization with a range taken from the data:
/// scale = (max(0, max x) - min(0, min x)) / 255,
/// zero_point = saturate(round(-min / scale)),
/// y = saturate(round(x / scale) + zero_point).
LogicalResult importDynamicQuantizeLinear(NodeContext &node) {
  if (failed(node.checkArity(1, 1, 3)) || failed(node.checkFloatInput(0)))
    return failure();
  RankedTensorType type = node.getInputType(0);
  int64_t count = getNumElements(type);
  if (count == 0)
    return node.emitError() << "input " << type << " is empty";
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type f32 = b.getF32Type(), i8 = b.getI8Type();
  Value flat = createReshape(b, loc, node.getInputValue(0), {count});
  auto oneType = RankedTensorType::get({1}, f32);
  auto splat = [&](float value) -> Value {
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(oneType, value));
  };
  Value max =
      tosa::ReduceMaxOp::create(b, loc, oneType, flat, b.getI32IntegerAttr(0));
  Value min =
      tosa::ReduceMinOp::create(b, loc, oneType, flat, b.getI32IntegerAttr(0));
  max = arith::MaximumFOp::create(b, loc, max, splat(0.0f));
  min = arith::MinimumFOp::create(b, loc, min, splat(0.0f));
  Value scale = arith::DivFOp::create(
      b, loc, arith::SubFOp::create(b, loc, max, min), splat(255.0f));
  Value zpFloat = math::RoundEvenOp::create(
      b, loc,
      arith::DivFOp::create(
          b, loc, arith::SubFOp::create(b, loc, splat(0.0f), min), scale));
  Value zeroPoint = createConversion(b, loc, zpFloat, i8, false, true);
  // The zero point as added to the data: saturated first, as in ONNX.
  Value zpAdded = createConversion(b, loc, zeroPoint, f32, true, false);
  ArrayRef<int64_t> shape = type.getShape();
  SmallVector<int64_t> paramShape = getScalarShape(type.getRank());
  Value y = math::RoundEvenOp::create(
      b, loc,
      arith::DivFOp::create(b, loc, node.getInputValue(0),
                            broadcastParam(b, loc, scale, paramShape, shape)));
  y = arith::AddFOp::create(b, loc, y,
                            broadcastParam(b, loc, zpAdded, paramShape, shape));
  node.setOutput(0, createConversion(b, loc, y, i8, false, true), true);
  if (node.getNumOutputs() > 1)
    node.setOutput(1, createReshape(b, loc, scale, {}), false);
  if (node.getNumOutputs() > 2)
    node.setOutput(2, createReshape(b, loc, zeroPoint, {}), true);
  return success();
}

//===----------------------------------------------------------------------===//
// Integer convolution and matrix multiplication
//===----------------------------------------------------------------------===//

/// Input `index` (8-bit) widened to i32 minus its zero point (input
/// `zpIndex`, absent for 0) reshaped to `zpShape`.
Value subtractZeroPoint(NodeContext &node, unsigned index,
                        std::optional<unsigned> zpIndex,
                        ArrayRef<int64_t> zpShape) {
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type i32 = b.getI32Type();
  Value value = createConversion(b, loc, node.getInputValue(index), i32,
                                 node.isInputUnsigned(index), false);
  if (!zpIndex || !node.hasInput(*zpIndex))
    return value;
  Value zp = createConversion(b, loc, node.getInputValue(*zpIndex), i32,
                              node.isInputUnsigned(*zpIndex), false);
  zp = createReshape(b, loc, zp, zpShape);
  return createIntegerBinary(b, loc, IntegerBinaryKind::Sub, value, zp,
                             getType(value).getShape(), /*isUnsigned=*/false);
}

/// Checks the optional zero point `zpIndex` of the 8-bit operand `index`
/// (and the scale `scaleIndex`, whose shape it shares) and returns the shape
/// it takes to broadcast against the operand. Per-tensor parameters have
/// one element; per-slice ones extend along `sliceDim` (a dimension of the
/// operand, counted from the end) and are 1-D of that extent or have the
/// operand's rank with ones elsewhere at `unitDim` (from the end).
FailureOr<SmallVector<int64_t>>
getSliceParamShape(NodeContext &node, unsigned index, unsigned paramIndex,
                   int64_t sliceDim, int64_t unitDim) {
  RankedTensorType type = node.getInputType(index);
  RankedTensorType paramType = node.getInputType(paramIndex);
  int64_t rank = type.getRank();
  if (getNumElements(paramType) == 1 && paramType.getRank() <= rank)
    return getScalarShape(rank);
  if (rank < 2)
    return node.emitError()
           << "'" << node.getNode().input(paramIndex)
           << "' of a 1-D operand must have one element, got " << paramType;
  SmallVector<int64_t> shape(paramType.getShape());
  if (shape.size() == 1) {
    // [extent] along the sliced dimension.
    SmallVector<int64_t> full = getScalarShape(rank);
    full[rank - sliceDim] = shape[0];
    shape = full;
  }
  bool valid = static_cast<int64_t>(shape.size()) == rank &&
               shape[rank - unitDim] == 1 &&
               shape[rank - sliceDim] == type.getDimSize(rank - sliceDim);
  for (int64_t d = 0; valid && d < rank - 2; ++d)
    valid = shape[d] == 1 || shape[d] == type.getDimSize(d);
  if (!valid)
    return node.emitError()
           << "'" << node.getNode().input(paramIndex) << "' of type "
           << paramType << " is neither per-tensor nor per-"
           << (sliceDim == 2 ? "row" : "column") << " for operand " << type;
  return shape;
}

/// The numpy matrix product of the i32 tensors `lhs` and `rhs`, with 1-D
/// operands promoted to matrices but not squeezed back: [batch..., m, n].
FailureOr<Value> createIntegerMatMul(NodeContext &node, Value lhs, Value rhs) {
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  SmallVector<int64_t> lhsShape(getType(lhs).getShape()),
      rhsShape(getType(rhs).getShape());
  if (lhsShape.empty() || rhsShape.empty())
    return node.emitError() << "operands must have rank >= 1, got "
                            << getType(lhs) << " and " << getType(rhs);
  if (lhsShape.size() == 1)
    lhsShape.insert(lhsShape.begin(), 1);
  if (rhsShape.size() == 1)
    rhsShape.push_back(1);
  int64_t m = lhsShape[lhsShape.size() - 2], k = lhsShape.back();
  int64_t n = rhsShape.back();
  if (rhsShape[rhsShape.size() - 2] != k)
    return node.emitError() << "inner dimensions differ: " << getType(lhs)
                            << " x " << getType(rhs);
  std::optional<SmallVector<int64_t>> batch = getBroadcastShape(
      ArrayRef(lhsShape).drop_back(2), ArrayRef(rhsShape).drop_back(2));
  if (!batch)
    return node.emitError() << "batch dimensions of " << getType(lhs) << " and "
                            << getType(rhs) << " are not broadcast-compatible";
  int64_t batchSize = 1;
  for (int64_t d : *batch)
    batchSize *= d;
  auto broadcast3D = [&](Value value, ArrayRef<int64_t> shape, int64_t rows,
                         int64_t cols) {
    SmallVector<int64_t> full(*batch);
    full.append({rows, cols});
    value = createReshape(b, loc, value, shape);
    value = createBroadcastTo(b, loc, value, full);
    return createReshape(b, loc, value, {batchSize, rows, cols});
  };
  lhs = broadcast3D(lhs, lhsShape, m, k);
  rhs = broadcast3D(rhs, rhsShape, k, n);
  Type i32 = b.getI32Type();
  Value zp = createZeroPoint(b, loc, i32);
  Value product = tosa::MatMulOp::create(
      b, loc, RankedTensorType::get({batchSize, m, n}, i32), lhs, rhs, zp, zp);
  SmallVector<int64_t> resultShape(*batch);
  resultShape.append({m, n});
  return createReshape(b, loc, product, resultShape);
}

/// The ONNX MatMul result shape of inputs `lhsIndex` and `rhsIndex`.
SmallVector<int64_t> getMatMulResultShape(ArrayRef<int64_t> full,
                                          int64_t lhsRank, int64_t rhsRank) {
  SmallVector<int64_t> shape(full.drop_back(2));
  if (lhsRank > 1)
    shape.push_back(full[full.size() - 2]);
  if (rhsRank > 1)
    shape.push_back(full.back());
  return shape;
}

/// One spatial dimension of an integer convolution: TOSA's padding, and the
/// trailing input rows no window reaches.
struct ConvExtent {
  int64_t padBegin, padEnd, trimmed, output;
};

FailureOr<SmallVector<ConvExtent>>
computeConvExtents(NodeContext &node, ArrayRef<int64_t> input,
                   ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                   ArrayRef<int64_t> dilations, ArrayRef<int64_t> pads,
                   StringRef autoPad) {
  SmallVector<ConvExtent> extents;
  for (size_t i = 0; i < input.size(); ++i) {
    int64_t extent = (kernel[i] - 1) * dilations[i] + 1;
    int64_t begin = pads[i], end = pads[i + 2];
    if (autoPad == "VALID") {
      begin = end = 0;
    } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t out = (input[i] + strides[i] - 1) / strides[i];
      int64_t total =
          std::max<int64_t>(0, (out - 1) * strides[i] + extent - input[i]);
      begin = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      end = total - begin;
    }
    int64_t padded = input[i] + begin + end;
    if (padded < extent)
      return node.emitError() << "kernel extent " << extent
                              << " exceeds the padded input size " << padded;
    int64_t out = (padded - extent) / strides[i] + 1;
    // Rows past the last window: dropped from the end padding, then from
    // the input.
    int64_t unused = padded - ((out - 1) * strides[i] + extent);
    int64_t fromPad = std::min(unused, end);
    extents.push_back({begin, end - fromPad, unused - fromPad, out});
  }
  return extents;
}

/// The ONNX 2-D convolution of i32 NCHW `input` with i32 OIHW `weight`
/// plus the i32 `bias`, accumulated in i32; returns NCHW.
FailureOr<Value> createIntegerConv(NodeContext &node, Value input, Value weight,
                                   Value bias) {
  ArrayRef<int64_t> xShape = getType(input).getShape();
  ArrayRef<int64_t> wShape = getType(weight).getShape();
  int64_t channels = xShape[1], outChannels = wShape[0];
  SmallVector<int64_t> kernel = {wShape[2], wShape[3]};
  FailureOr<int64_t> group = node.getIntAttr("group", 1);
  FailureOr<SmallVector<int64_t>> strides =
      node.getIntsAttr("strides", SmallVector<int64_t>{1, 1});
  FailureOr<SmallVector<int64_t>> dilations =
      node.getIntsAttr("dilations", SmallVector<int64_t>{1, 1});
  FailureOr<SmallVector<int64_t>> pads =
      node.getIntsAttr("pads", SmallVector<int64_t>{0, 0, 0, 0});
  FailureOr<std::string> autoPad = node.getStringAttr("auto_pad", "NOTSET");
  if (failed(group) || failed(strides) || failed(dilations) || failed(pads) ||
      failed(autoPad) || failed(checkKernelShape(node, kernel)))
    return failure();
  if (*group <= 0 || channels % *group != 0 || outChannels % *group != 0 ||
      wShape[1] != channels / *group)
    return node.emitError()
           << "group " << *group << " does not fit input " << getType(input)
           << " and weight " << getType(weight);
  if (strides->size() != 2 || dilations->size() != 2 || pads->size() != 4)
    return node.emitError() << "strides, dilations and pads must have 2, 2 "
                               "and 4 values for a 2-D convolution";
  for (int64_t v : llvm::concat<int64_t>(*strides, *dilations))
    if (v <= 0 || v > std::numeric_limits<int32_t>::max())
      return node.emitError()
             << "strides and dilations must be positive, got " << v;
  for (int64_t v : *pads)
    if (v < 0 || v > std::numeric_limits<int32_t>::max())
      return node.emitError() << "padding " << v << " is not supported";
  if (!llvm::is_contained({"NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"},
                          *autoPad))
    return node.emitError() << "unknown auto_pad '" << *autoPad << "'";
  FailureOr<SmallVector<ConvExtent>> extents =
      computeConvExtents(node, xShape.drop_front(2), kernel, *strides,
                         *dilations, *pads, *autoPad);
  if (failed(extents))
    return failure();

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type i32 = b.getI32Type();
  const ConvExtent &h = (*extents)[0], &w = (*extents)[1];
  Value nhwc = createTranspose(b, loc, input, kNCHWToNHWC);
  nhwc = createSlice(
      b, loc, nhwc, {0, 0, 0, 0},
      {xShape[0], xShape[2] - h.trimmed, xShape[3] - w.trimmed, channels});
  Value ohwi = createTranspose(b, loc, weight, kNCHWToNHWC);
  Value zp = createZeroPoint(b, loc, i32);
  DenseI64ArrayAttr pad =
      b.getDenseI64ArrayAttr({h.padBegin, h.padEnd, w.padBegin, w.padEnd});
  DenseI64ArrayAttr stride = b.getDenseI64ArrayAttr(*strides);
  DenseI64ArrayAttr dilation = b.getDenseI64ArrayAttr(*dilations);
  int64_t groupIn = channels / *group, groupOut = outChannels / *group;
  auto groupType =
      RankedTensorType::get({xShape[0], h.output, w.output, groupOut}, i32);
  ArrayRef<int64_t> inShape = getType(nhwc).getShape();
  SmallVector<Value> groups;
  for (int64_t g = 0; g < *group; ++g) {
    Value groupInput =
        createSlice(b, loc, nhwc, {0, 0, 0, g * groupIn},
                    {inShape[0], inShape[1], inShape[2], groupIn});
    Value groupWeight = createSlice(b, loc, ohwi, {g * groupOut, 0, 0, 0},
                                    {groupOut, kernel[0], kernel[1], groupIn});
    Value groupBias = createSlice(b, loc, bias, {g * groupOut}, {groupOut});
    groups.push_back(tosa::Conv2DOp::create(
        b, loc, groupType, groupInput, groupWeight, groupBias, zp, zp, pad,
        stride, dilation, TypeAttr::get(i32)));
  }
  Value result = groups.front();
  if (groups.size() > 1)
    result = tosa::ConcatOp::create(
        b, loc, groupType.clone({xShape[0], h.output, w.output, outChannels}),
        groups, b.getI32IntegerAttr(3));
  return createTranspose(b, loc, result, kNHWCToNCHW);
}

/// Checks the x/w operands of ConvInteger and QLinearConv (inputs `xIndex`
/// and `wIndex`) and the shapes of their zero points; returns the weight
/// zero point's shape (per tensor or per output channel).
FailureOr<SmallVector<int64_t>>
checkConvOperands(NodeContext &node, unsigned xIndex, unsigned wIndex,
                  unsigned xParamIndex, unsigned wParamIndex) {
  if (failed(check8Bit(node, xIndex, "input")) ||
      failed(check8Bit(node, wIndex, "weight")))
    return failure();
  RankedTensorType xType = node.getInputType(xIndex);
  RankedTensorType wType = node.getInputType(wIndex);
  if (xType.getRank() != 4 || wType.getRank() != 4)
    return node.emitError()
           << "input and weight must be 4-D (NCHW), got " << xType << " and "
           << wType << " (only 2-D convolutions are supported)";
  if (node.hasInput(xParamIndex) &&
      getNumElements(node.getInputType(xParamIndex)) != 1)
    return node.emitError() << "'" << node.getNode().input(xParamIndex)
                            << "' must be per-tensor (one element), got "
                            << node.getInputType(xParamIndex);
  SmallVector<int64_t> wParamShape = getScalarShape(4);
  if (!node.hasInput(wParamIndex))
    return wParamShape;
  RankedTensorType paramType = node.getInputType(wParamIndex);
  int64_t outChannels = wType.getDimSize(0);
  if (paramType.getRank() == 1 && paramType.getDimSize(0) == outChannels)
    wParamShape[0] = outChannels;
  else if (getNumElements(paramType) != 1 || paramType.getRank() > 1)
    return node.emitError()
           << "'" << node.getNode().input(wParamIndex) << "' of type "
           << paramType << " must have one element or one per output channel ("
           << outChannels << ")";
  return wParamShape;
}

/// The zero i32 bias of a convolution with `channels` output channels.
Value createZeroBias(OpBuilder &b, Location loc, int64_t channels) {
  auto type = RankedTensorType::get({channels}, b.getI32Type());
  return createConst(b, loc, DenseElementsAttr::get(type, int32_t(0)));
}

/// ConvInteger: (x - x_zero_point) conv (w - w_zero_point) in int32.
LogicalResult importConvInteger(NodeContext &node) {
  if (failed(node.checkArity(2, 4)))
    return failure();
  FailureOr<SmallVector<int64_t>> wZpShape =
      checkConvOperands(node, 0, 1, 2, 3);
  if (failed(wZpShape))
    return failure();
  for (auto [zp, data] : {std::pair(2u, 0u), std::pair(3u, 1u)})
    if (node.hasInput(zp) &&
        failed(checkZeroPoint(node, zp,
                              node.getInputType(data).getElementType(),
                              node.isInputUnsigned(data), std::nullopt)))
      return failure();
  Value x = subtractZeroPoint(node, 0, 2, getScalarShape(4));
  Value w = subtractZeroPoint(node, 1, 3, *wZpShape);
  FailureOr<Value> result =
      createIntegerConv(node, x, w,
                        createZeroBias(node.getBuilder(), node.getLoc(),
                                       node.getInputType(1).getDimSize(0)));
  if (failed(result))
    return failure();
  node.setOutput(0, *result, false);
  return success();
}

/// MatMulInteger: (A - a_zero_point) x (B - b_zero_point) in int32.
LogicalResult importMatMulInteger(NodeContext &node) {
  if (failed(node.checkArity(2, 4)) || failed(check8Bit(node, 0, "A")) ||
      failed(check8Bit(node, 1, "B")))
    return failure();
  SmallVector<int64_t> aZpShape =
      getScalarShape(node.getInputType(0).getRank());
  SmallVector<int64_t> bZpShape =
      getScalarShape(node.getInputType(1).getRank());
  for (auto [zp, data, shape] :
       {std::tuple(2u, 0u, &aZpShape), std::tuple(3u, 1u, &bZpShape)}) {
    if (!node.hasInput(zp))
      continue;
    if (failed(checkZeroPoint(node, zp,
                              node.getInputType(data).getElementType(),
                              node.isInputUnsigned(data), std::nullopt)))
      return failure();
    // Per row of A, per column of B.
    FailureOr<SmallVector<int64_t>> zpShape =
        zp == 2 ? getSliceParamShape(node, 0, 2, 2, 1)
                : getSliceParamShape(node, 1, 3, 1, 2);
    if (failed(zpShape))
      return failure();
    *shape = *zpShape;
  }
  Value a = subtractZeroPoint(node, 0, 2, aZpShape);
  Value bValue = subtractZeroPoint(node, 1, 3, bZpShape);
  FailureOr<Value> product = createIntegerMatMul(node, a, bValue);
  if (failed(product))
    return failure();
  node.setOutput(
      0,
      createReshape(node.getBuilder(), node.getLoc(), *product,
                    getMatMulResultShape(getType(*product).getShape(),
                                         node.getInputType(0).getRank(),
                                         node.getInputType(1).getRank())),
      false);
  return success();
}

/// The checks every QLinear operator makes on an 8-bit operand (input
/// `index`) with its scale and zero point (the next two inputs).
LogicalResult checkQLinearOperand(NodeContext &node, unsigned index,
                                  StringRef what) {
  if (failed(check8Bit(node, index, what)) ||
      failed(checkScale(node, index + 1)))
    return failure();
  return checkZeroPoint(node, index + 2,
                        node.getInputType(index).getElementType(),
                        node.isInputUnsigned(index), index + 1);
}

/// Checks y_scale and y_zero_point (inputs `index`, `index + 1`): per tensor.
LogicalResult checkQLinearOutput(NodeContext &node, unsigned index) {
  if (failed(checkScale(node, index)) ||
      failed(check8Bit(node, index + 1, "y_zero_point")) ||
      failed(checkZeroPoint(node, index + 1,
                            node.getInputType(index + 1).getElementType(),
                            node.isInputUnsigned(index + 1), index)))
    return failure();
  if (getNumElements(node.getInputType(index)) != 1)
    return node.emitError() << "y_scale must be per-tensor (one element), got "
                            << node.getInputType(index);
  return success();
}

/// saturate(round_half_even(acc * multiplier + y_zero_point)) as the ONNX
/// reference computes it: `acc` (i32) times the f32 `multiplier` in float64.
/// `multiplier` has `acc`'s rank and broadcasts to it; the zero point is
/// input `zpIndex`.
Value requantize(NodeContext &node, Value acc, Value multiplier,
                 unsigned zpIndex) {
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Type f64 = b.getF64Type();
  ArrayRef<int64_t> shape = getType(acc).getShape();
  SmallVector<int64_t> scalarShape = getScalarShape(shape.size());
  bool isUnsigned = node.isInputUnsigned(zpIndex);
  Value value = createConversion(b, loc, acc, f64, false, false);
  multiplier = createConversion(b, loc, multiplier, f64, false, false);
  value = arith::MulFOp::create(b, loc, value,
                                createBroadcastTo(b, loc, multiplier, shape));
  Value zp = createConversion(b, loc, node.getInputValue(zpIndex), f64,
                              isUnsigned, false);
  value = arith::AddFOp::create(b, loc, value,
                                broadcastParam(b, loc, zp, scalarShape, shape));
  value = math::RoundEvenOp::create(b, loc, value);
  return createConversion(b, loc, value, b.getI8Type(), false, isUnsigned);
}

/// lhsScale * rhsScale / outScale in float32, each reshaped to `*Shape`.
Value createMultiplier(NodeContext &node, unsigned lhsIndex,
                       ArrayRef<int64_t> lhsShape, unsigned rhsIndex,
                       ArrayRef<int64_t> rhsShape, unsigned outIndex) {
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value lhs = createReshape(b, loc, node.getInputValue(lhsIndex), lhsShape);
  Value rhs = createReshape(b, loc, node.getInputValue(rhsIndex), rhsShape);
  std::optional<SmallVector<int64_t>> shape =
      getBroadcastShape(lhsShape, rhsShape);
  Value product =
      arith::MulFOp::create(b, loc, createBroadcastTo(b, loc, lhs, *shape),
                            createBroadcastTo(b, loc, rhs, *shape));
  Value out = broadcastParam(b, loc, node.getInputValue(outIndex),
                             getScalarShape(shape->size()), *shape);
  return arith::DivFOp::create(b, loc, product, out);
}

/// QLinearConv (weights layout OIHW, `weightAxis` 0) and QLinearMatMul
/// (B is [K, N], `weightAxis` 1) whose parameters, weights and bias are
/// constants, in the pre-quantized form the quantizer compiles into qcc
/// ops: dequantize -> `floatOp` -> quantize. The bias is dequantized at
/// f32(x_scale * w_scale[c]), the scale at which ONNX adds it to the
/// accumulator. Returns false, building nothing, for nodes with run-time
/// parameters or per-row scales, which keep the reference's arithmetic.
FailureOr<bool> importQLinearAsQDQ(NodeContext &node, StringRef floatOp,
                                   int64_t weightAxis,
                                   ArrayRef<StringRef> attributes) {
  auto isScalarConstant = [&](unsigned index) {
    DenseElementsAttr constant = node.getConstantInput(index);
    return !node.hasInput(index) ||
           (constant && constant.getNumElements() == 1);
  };
  RankedTensorType xType = node.getInputType(0), wType = node.getInputType(3);
  bool hasBias = node.getNumInputs() > 8 && node.hasInput(8);
  if (!node.getConstantInput(3) || !node.getConstantInput(4) ||
      (node.hasInput(5) && !node.getConstantInput(5)) ||
      (hasBias && !node.getConstantInput(8)) || !isScalarConstant(1) ||
      !isScalarConstant(2) || !isScalarConstant(6) || !isScalarConstant(7) ||
      !node.hasInput(1) || !node.hasInput(6) || wType.getRank() <= weightAxis ||
      (floatOp == "MatMul" && (xType.getRank() < 2 || wType.getRank() != 2)))
    return false;
  int64_t channels = wType.getDimSize(weightAxis);
  int64_t scaleCount = node.getConstantInput(4).getNumElements();
  if (scaleCount != 1 && scaleCount != channels)
    return false;

  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  IntegerType i8 = b.getI8Type();
  auto xQuant =
      getConstantQuantizedType(node, 1, 2, i8, node.isInputUnsigned(0), -1);
  auto wQuant = getConstantQuantizedType(node, 4, 5, i8,
                                         node.isInputUnsigned(3), weightAxis);
  auto yQuant =
      getConstantQuantizedType(node, 6, 7, i8, node.isInputUnsigned(7), -1);
  SmallVector<Value> inputs = {
      createDequantize(b, loc, node.getInputValue(0), xQuant),
      createDequantize(b, loc, node.getInputValue(3), wQuant)};
  if (hasBias) {
    auto xScale = static_cast<float>(
        cast<quant::UniformQuantizedType>(xQuant).getScale());
    SmallVector<double> biasScales;
    for (double wScale : getDoubleValues(node.getConstantInput(4)))
      biasScales.push_back(xScale * static_cast<float>(wScale));
    auto biasQuant = getQuantizedType(
        node.getContext(), b.getI32Type(), /*isUnsigned=*/false, biasScales,
        SmallVector<int64_t>(biasScales.size(), 0), 0);
    inputs.push_back(
        createDequantize(b, loc, node.getInputValue(8), biasQuant));
  }
  FailureOr<Value> result =
      node.importComposed(floatOp, /*opset=*/13, inputs, attributes);
  if (failed(result))
    return failure();
  node.setOutput(0, createQuantize(b, loc, *result, yQuant),
                 node.isInputUnsigned(7));
  return true;
}

/// QLinearConv: ConvInteger plus the int32 bias, requantized.
LogicalResult importQLinearConv(NodeContext &node) {
  if (failed(node.checkArity(8, 9)) ||
      failed(checkQLinearOperand(node, 0, "x")) ||
      failed(checkQLinearOperand(node, 3, "w")) ||
      failed(checkQLinearOutput(node, 6)))
    return failure();
  FailureOr<SmallVector<int64_t>> wParamShape =
      checkConvOperands(node, 0, 3, 1, 4);
  if (failed(wParamShape))
    return failure();
  int64_t outChannels = node.getInputType(3).getDimSize(0);
  OpBuilder &b = node.getBuilder();
  Location loc = node.getLoc();
  Value bias = createZeroBias(b, loc, outChannels);
  if (node.hasInput(8)) {
    RankedTensorType biasType = node.getInputType(8);
    if (!biasType.getElementType().isInteger(32) || node.isInputUnsigned(8) ||
        biasType.getShape() != ArrayRef<int64_t>{outChannels})
      return node.emitError() << "bias must be int32 of shape [" << outChannels
                              << "], got " << biasType;
    bias = node.getInputValue(8);
  }
  FailureOr<bool> asQDQ = importQLinearAsQDQ(
      node, "Conv", 0,
      {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  if (failed(asQDQ) || *asQDQ)
    return asQDQ;
  Value x = subtractZeroPoint(node, 0, 2, getScalarShape(4));
  Value w = subtractZeroPoint(node, 3, 5, *wParamShape);
  FailureOr<Value> acc = createIntegerConv(node, x, w, bias);
  if (failed(acc))
    return failure();
  // The per-channel multiplier lies along NCHW's C.
  Value multiplier = createMultiplier(node, 1, getScalarShape(4), 4,
                                      {1, (*wParamShape)[0], 1, 1}, 6);
  node.setOutput(0, requantize(node, *acc, multiplier, 7),
                 node.isInputUnsigned(7));
  return success();
}

/// QLinearMatMul: MatMulInteger requantized, with per-row scales of a and
/// per-column scales of b.
LogicalResult importQLinearMatMul(NodeContext &node) {
  if (failed(node.checkArity(8, 8)) ||
      failed(checkQLinearOperand(node, 0, "a")) ||
      failed(checkQLinearOperand(node, 3, "b")) ||
      failed(checkQLinearOutput(node, 6)))
    return failure();
  FailureOr<SmallVector<int64_t>> aShape = getSliceParamShape(node, 0, 1, 2, 1);
  if (failed(aShape))
    return failure();
  FailureOr<SmallVector<int64_t>> bShape = getSliceParamShape(node, 3, 4, 1, 2);
  if (failed(bShape))
    return failure();
  FailureOr<bool> asQDQ = importQLinearAsQDQ(node, "MatMul", 1, {});
  if (failed(asQDQ) || *asQDQ)
    return asQDQ;
  Value a = subtractZeroPoint(node, 0, 2, *aShape);
  Value bValue = subtractZeroPoint(node, 3, 5, *bShape);
  FailureOr<Value> acc = createIntegerMatMul(node, a, bValue);
  if (failed(acc))
    return failure();
  // Scales of 1-D operands are scalars; the others keep their matrix dims.
  int64_t rank = getType(*acc).getRank();
  auto toResultRank = [&](ArrayRef<int64_t> shape) {
    SmallVector<int64_t> result(shape);
    if (result.size() == 1)
      result.push_back(1);
    result.insert(result.begin(), rank - result.size(), 1);
    return result;
  };
  Value multiplier = createMultiplier(node, 1, toResultRank(*aShape), 4,
                                      toResultRank(*bShape), 6);
  Value result = requantize(node, *acc, multiplier, 7);
  node.setOutput(
      0,
      createReshape(node.getBuilder(), node.getLoc(), result,
                    getMatMulResultShape(getType(*acc).getShape(),
                                         node.getInputType(0).getRank(),
                                         node.getInputType(3).getRank())),
      node.isInputUnsigned(7));
  return success();
}

} // namespace

void registerQuantizedOps(OpRegistry &registry) {
  registry.add("QuantizeLinear", importQuantizeLinear);
  registry.add("DequantizeLinear", importDequantizeLinear);
  registry.add("DynamicQuantizeLinear", importDynamicQuantizeLinear);
  registry.add("ConvInteger", importConvInteger);
  registry.add("MatMulInteger", importMatMulInteger);
  registry.add("QLinearConv", importQLinearConv);
  registry.add("QLinearMatMul", importQLinearMatMul);
}

} // namespace qcc::onnx_import
