//===- QccOps.cpp - qcc dialect operations and verifiers ------------------===//

#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Traits.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace qcc;

/// Checks one (scale, zero point) pair against the storage type. The upstream
/// type verifier accepts scales that qcc cannot turn into an integer
/// multiplier (zero, denormal-free NaN/Inf) and zero points outside the
/// storage range, so qcc checks them again where they are used.
static LogicalResult verifyScaleAndZeroPoint(Operation *op, double scale,
                                             int64_t zeroPoint,
                                             quant::QuantizedType type,
                                             const Twine &where) {
  if (!std::isfinite(scale) || scale <= 0.0)
    return op->emitOpError("scale")
           << where << " must be positive and finite, got " << scale;
  if (zeroPoint < type.getStorageTypeMin() ||
      zeroPoint > type.getStorageTypeMax())
    return op->emitOpError("zero point")
           << where << " " << zeroPoint << " is outside the storage range ["
           << type.getStorageTypeMin() << ", " << type.getStorageTypeMax()
           << "]";
  return success();
}

/// Verifies the quantization parameters of a quantized tensor type: every
/// scale positive and finite, every zero point inside the storage range, and
/// for per-axis types an axis inside the rank whose (static) extent equals the
/// number of scales.
static LogicalResult verifyQuantizedTensor(Operation *op,
                                           RankedTensorType tensorType) {
  Type elementType = tensorType.getElementType();
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(elementType))
    return verifyScaleAndZeroPoint(op, uniform.getScale(),
                                   uniform.getZeroPoint(), uniform, "");

  if (auto perAxis =
          dyn_cast<quant::UniformQuantizedPerAxisType>(elementType)) {
    int64_t axis = perAxis.getQuantizedDimension();
    if (axis < 0 || axis >= tensorType.getRank())
      return op->emitOpError("quantized axis ")
             << axis << " is out of range for a tensor of rank "
             << tensorType.getRank();
    ArrayRef<double> scales = perAxis.getScales();
    ArrayRef<int64_t> zeroPoints = perAxis.getZeroPoints();
    int64_t extent = tensorType.getDimSize(axis);
    if (!ShapedType::isDynamic(extent) &&
        static_cast<int64_t>(scales.size()) != extent)
      return op->emitOpError("per-axis quantization has ")
             << scales.size() << " scales but dimension " << axis
             << " has size " << extent;
    for (auto [index, scale] : llvm::enumerate(scales))
      if (failed(verifyScaleAndZeroPoint(
              op, scale, zeroPoints[index], perAxis,
              " of channel " + Twine(static_cast<int64_t>(index)))))
        return failure();
    return success();
  }
  return op->emitOpError("unsupported quantized element type ") << elementType;
}

/// Quantization to or from a narrower float than the expressed type would
/// silently change the numerics the contract promises; require them equal.
static LogicalResult verifyExpressedType(Operation *op,
                                         RankedTensorType floatType,
                                         RankedTensorType quantType) {
  auto quantElement = cast<quant::QuantizedType>(quantType.getElementType());
  if (quantElement.getExpressedType() != floatType.getElementType())
    return op->emitOpError("float element type ")
           << floatType.getElementType()
           << " does not match the expressed type "
           << quantElement.getExpressedType() << " of the quantized type";
  return success();
}

LogicalResult QuantizeOp::verify() {
  if (failed(verifyQuantizedTensor(*this, getOutput().getType())))
    return failure();
  return verifyExpressedType(*this, getInput().getType(),
                             getOutput().getType());
}

LogicalResult DequantizeOp::verify() {
  if (failed(verifyQuantizedTensor(*this, getInput().getType())))
    return failure();
  return verifyExpressedType(*this, getOutput().getType(),
                             getInput().getType());
}

//===----------------------------------------------------------------------===//
// Shared checks of the integer compute ops
//===----------------------------------------------------------------------===//

static quant::QuantizedType getQuantizedElementType(Value value) {
  return cast<quant::QuantizedType>(
      cast<RankedTensorType>(value.getType()).getElementType());
}

/// Verifies every quantized operand and result and requires f32 expressed
/// types, which the numerics contract is written for.
static LogicalResult verifyAllQuantizedValues(Operation *op) {
  for (Value value : llvm::concat<Value>(op->getOperands(), op->getResults())) {
    auto type = dyn_cast<RankedTensorType>(value.getType());
    if (!type || !isa<quant::QuantizedType>(type.getElementType()))
      continue;
    if (failed(verifyQuantizedTensor(op, type)))
      return failure();
    if (!getQuantizedElementType(value).getExpressedType().isF32())
      return op->emitOpError("quantized types must express f32, got ")
             << type.getElementType();
  }
  return success();
}

/// Requires a per-tensor quantized type on `value`.
static LogicalResult verifyPerTensor(Operation *op, Value value,
                                     StringRef what) {
  if (!isa<quant::UniformQuantizedType>(getQuantizedElementType(value)))
    return op->emitOpError(what) << " must be quantized per tensor";
  return success();
}

/// Requires a per-tensor type or a per-axis type on `axis` with `channels`
/// entries.
static LogicalResult verifyPerTensorOrAxis(Operation *op, Value value,
                                           StringRef what, int64_t axis) {
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(
      getQuantizedElementType(value));
  if (perAxis && perAxis.getQuantizedDimension() != axis)
    return op->emitOpError(what)
           << " must be quantized per tensor or per axis " << axis
           << ", got axis " << perAxis.getQuantizedDimension();
  return success();
}

static LogicalResult verifyPositive(Operation *op, ArrayRef<int64_t> values,
                                    size_t size, StringRef what) {
  if (values.size() != size)
    return op->emitOpError(what)
           << " must have " << size << " entries, got " << values.size();
  for (int64_t value : values)
    if (value < 1)
      return op->emitOpError(what)
             << " entries must be at least 1, got " << value;
  return success();
}

static LogicalResult verifyPadding(Operation *op, ArrayRef<int64_t> pad) {
  if (pad.size() != 4)
    return op->emitOpError("pad must have 4 entries (top, bottom, left, "
                           "right), got ")
           << pad.size();
  for (int64_t value : pad)
    if (value < 0)
      return op->emitOpError("pad entries must not be negative, got ") << value;
  return success();
}

/// The output extent of a sliding window, or failure when it is empty.
static FailureOr<int64_t> windowOutputSize(int64_t input, int64_t padBefore,
                                           int64_t padAfter, int64_t kernel,
                                           int64_t stride, int64_t dilation) {
  int64_t span = dilation * (kernel - 1) + 1;
  int64_t padded = input + padBefore + padAfter;
  if (padded < span)
    return failure();
  return (padded - span) / stride + 1;
}

static LogicalResult verifyDim(Operation *op, StringRef what, int64_t actual,
                               int64_t expected) {
  if (ShapedType::isDynamic(actual) || ShapedType::isDynamic(expected) ||
      actual == expected)
    return success();
  return op->emitOpError(what) << " is " << actual << ", expected " << expected;
}

/// Checks the spatial output size of a window op over an NHWC input.
static LogicalResult
verifyWindow(Operation *op, RankedTensorType input, RankedTensorType output,
             ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
             ArrayRef<int64_t> pad, ArrayRef<int64_t> dilation) {
  for (int dim = 0; dim < 2; ++dim) {
    int64_t size = input.getDimSize(1 + dim);
    if (ShapedType::isDynamic(size))
      continue;
    FailureOr<int64_t> expected =
        windowOutputSize(size, pad[2 * dim], pad[2 * dim + 1], kernel[dim],
                         stride[dim], dilation[dim]);
    if (failed(expected))
      return op->emitOpError("window of ")
             << kernel[dim] << " does not fit input dimension " << 1 + dim
             << " of size " << size << " with its padding";
    if (failed(verifyDim(op, "output dimension " + std::to_string(1 + dim),
                         output.getDimSize(1 + dim), *expected)))
      return failure();
  }
  return success();
}

/// Storage range of `value`'s quantized element type, narrowed by optional
/// clamp bounds.
static std::pair<int64_t, int64_t>
saturationRange(Value value, std::optional<uint64_t> clampMin,
                std::optional<uint64_t> clampMax) {
  quant::QuantizedType type = getQuantizedElementType(value);
  int64_t lo = type.getStorageTypeMin();
  int64_t hi = type.getStorageTypeMax();
  if (clampMin)
    lo = std::max(lo, static_cast<int64_t>(*clampMin));
  if (clampMax)
    hi = std::min(hi, static_cast<int64_t>(*clampMax));
  return {lo, hi};
}

/// Common checks of ops with a saturating result: quantized values are
/// valid and the fused activation range is not empty.
template <typename OpTy> static LogicalResult verifySaturatingOp(OpTy op) {
  if (failed(verifyAllQuantizedValues(op)))
    return failure();
  auto [lo, hi] = op.getSaturationRange();
  if (lo > hi)
    return op.emitOpError("fused activation range [")
           << static_cast<int64_t>(op.getClampMin().value_or(lo)) << ", "
           << static_cast<int64_t>(op.getClampMax().value_or(hi))
           << "] does not intersect the result's storage range";
  return verifyPerTensor(op, op.getOutput(), "the result");
}

#define DEFINE_SATURATION_RANGE(OpTy)                                          \
  std::pair<int64_t, int64_t> OpTy::getSaturationRange() {                     \
    return saturationRange(getOutput(), getClampMin(), getClampMax());         \
  }
DEFINE_SATURATION_RANGE(RequantizeOp)
DEFINE_SATURATION_RANGE(Conv2DOp)
DEFINE_SATURATION_RANGE(MatMulOp)
DEFINE_SATURATION_RANGE(AddOp)
DEFINE_SATURATION_RANGE(MulOp)
DEFINE_SATURATION_RANGE(MaxPool2DOp)
DEFINE_SATURATION_RANGE(AvgPool2DOp)
#undef DEFINE_SATURATION_RANGE

//===----------------------------------------------------------------------===//
// Op verifiers
//===----------------------------------------------------------------------===//

LogicalResult RequantizeOp::verify() {
  if (failed(verifyAllQuantizedValues(*this)))
    return failure();
  auto [lo, hi] = getSaturationRange();
  if (lo > hi)
    return emitOpError("fused activation range does not intersect the "
                       "result's storage range");
  auto inAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(
      getQuantizedElementType(getInput()));
  auto outAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(
      getQuantizedElementType(getOutput()));
  if (outAxis && (!inAxis || inAxis.getQuantizedDimension() !=
                                 outAxis.getQuantizedDimension()))
    return emitOpError("a per-axis result requires a per-axis input on the "
                       "same axis");
  return success();
}

/// The optional bias of a contraction: one value per output `what`, int32,
/// or int64 when `input` is wider than 8 bits (its accumulator is int64).
static LogicalResult verifyBias(Operation *op, Value bias, Value input,
                                int64_t count, StringRef what) {
  if (!bias)
    return success();
  auto biasType = cast<RankedTensorType>(bias.getType());
  if (biasType.getRank() != 1)
    return op->emitOpError("bias must be a vector of one value per output ")
           << what;
  if (failed(verifyDim(op, "bias length", biasType.getDimSize(0), count)))
    return failure();
  auto inputElement = cast<quant::QuantizedType>(
      cast<RankedTensorType>(input.getType()).getElementType());
  if (biasType.getElementType().isInteger(64) &&
      inputElement.getStorageTypeIntegralWidth() <= 8)
    return op->emitOpError("an int64 bias needs an input wider than 8 bits "
                           "(an int64 accumulator); use int32");
  return success();
}

LogicalResult Conv2DOp::verify() {
  if (failed(verifySaturatingOp(*this)) ||
      failed(verifyPerTensor(*this, getInput(), "the input")) ||
      failed(verifyPerTensorOrAxis(*this, getWeight(), "the weight", 0)))
    return failure();
  auto input = getInput().getType();
  auto weight = getWeight().getType();
  auto output = getOutput().getType();
  if (input.getRank() != 4 || weight.getRank() != 4 || output.getRank() != 4)
    return emitOpError("expects rank-4 NHWC input, OHWI weight and NHWC "
                       "result");
  if (failed(verifyPadding(*this, getPad())) ||
      failed(verifyPositive(*this, getStride(), 2, "stride")) ||
      failed(verifyPositive(*this, getDilation(), 2, "dilation")))
    return failure();
  int64_t groups = getGroups();
  if (groups < 1)
    return emitOpError("groups must be at least 1, got ") << groups;
  int64_t outChannels = weight.getDimSize(0);
  int64_t groupInChannels = weight.getDimSize(3);
  if (!ShapedType::isDynamic(outChannels) && outChannels % groups != 0)
    return emitOpError("output channels (")
           << outChannels << ") must be a multiple of groups (" << groups
           << ")";
  if (!ShapedType::isDynamic(groupInChannels) &&
      failed(verifyDim(*this, "input channel count", input.getDimSize(3),
                       groups * groupInChannels)))
    return failure();
  if (failed(verifyDim(*this, "result batch", output.getDimSize(0),
                       input.getDimSize(0))) ||
      failed(verifyDim(*this, "result channel count", output.getDimSize(3),
                       outChannels)))
    return failure();
  if (failed(verifyBias(*this, getBias(), getInput(), outChannels, "channel")))
    return failure();
  SmallVector<int64_t> kernel = {weight.getDimSize(1), weight.getDimSize(2)};
  if (ShapedType::isDynamic(kernel[0]) || ShapedType::isDynamic(kernel[1]))
    return emitOpError("kernel size must be static");
  return verifyWindow(*this, input, output, kernel, getStride(), getPad(),
                      getDilation());
}

LogicalResult MatMulOp::verify() {
  auto lhs = getLhs().getType();
  auto rhs = getRhs().getType();
  auto output = getOutput().getType();
  // A batched rhs ([..., K, N], the batch dimensions of lhs) is an
  // activation (attention's Q x K^T and P x V): one scale per tensor.
  bool batched = rhs.getRank() > 2;
  if (failed(verifySaturatingOp(*this)) ||
      failed(verifyPerTensor(*this, getLhs(), "the left operand")) ||
      failed(
          batched
              ? verifyPerTensor(*this, getRhs(), "a batched right operand")
              : verifyPerTensorOrAxis(*this, getRhs(), "the right operand", 1)))
    return failure();
  if (lhs.getRank() < 2 || rhs.getRank() < 2 ||
      (batched && rhs.getRank() != lhs.getRank()) ||
      output.getRank() != lhs.getRank())
    return emitOpError("expects a [..., M, K] left operand, a [K, N] or "
                       "[..., K, N] right operand and a [..., M, N] result");
  int64_t rank = lhs.getRank(), rhsRank = rhs.getRank();
  if (failed(verifyDim(*this, "right operand rows", rhs.getDimSize(rhsRank - 2),
                       lhs.getDimSize(rank - 1))))
    return failure();
  for (int64_t dim = 0; batched && dim < rank - 2; ++dim)
    if (failed(verifyDim(*this,
                         "right operand batch dimension " + std::to_string(dim),
                         rhs.getDimSize(dim), lhs.getDimSize(dim))))
      return failure();
  for (int64_t dim = 0; dim < rank - 1; ++dim)
    if (failed(verifyDim(*this, "result dimension " + std::to_string(dim),
                         output.getDimSize(dim), lhs.getDimSize(dim))))
      return failure();
  int64_t columns = rhs.getDimSize(rhsRank - 1);
  if (failed(verifyDim(*this, "result columns", output.getDimSize(rank - 1),
                       columns)))
    return failure();
  if (failed(verifyBias(*this, getBias(), getLhs(), columns, "column")))
    return failure();
  return success();
}

/// Numpy broadcasting of two static or dynamic shapes.
static LogicalResult verifyBroadcast(Operation *op, RankedTensorType lhs,
                                     RankedTensorType rhs,
                                     RankedTensorType output) {
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhs.getShape(), rhs.getShape(),
                                          shape))
    return op->emitOpError("operand shapes ")
           << lhs << " and " << rhs << " are not broadcast compatible";
  if (static_cast<int64_t>(shape.size()) != output.getRank())
    return op->emitOpError("result rank must be ") << shape.size();
  for (auto [dim, size] : llvm::enumerate(shape))
    if (failed(verifyDim(op, "result dimension " + std::to_string(dim),
                         output.getDimSize(dim), size)))
      return failure();
  return success();
}

template <typename OpTy> static LogicalResult verifyBinaryOp(OpTy op) {
  if (failed(verifySaturatingOp(op)) ||
      failed(verifyPerTensor(op, op.getLhs(), "the left operand")) ||
      failed(verifyPerTensor(op, op.getRhs(), "the right operand")))
    return failure();
  return verifyBroadcast(op, op.getLhs().getType(), op.getRhs().getType(),
                         op.getOutput().getType());
}

LogicalResult AddOp::verify() { return verifyBinaryOp(*this); }

LogicalResult MulOp::verify() {
  if (failed(verifyBinaryOp(*this)))
    return failure();
  for (Value value : {getLhs(), getRhs()})
    if (getQuantizedElementType(value).getStorageTypeIntegralWidth() > 16)
      return emitOpError("operands must have at most 16-bit storage");
  return success();
}

template <typename OpTy> static LogicalResult verifyPoolOp(OpTy op) {
  if (failed(verifySaturatingOp(op)) ||
      failed(verifyPerTensor(op, op.getInput(), "the input")))
    return failure();
  auto input = op.getInput().getType();
  auto output = op.getOutput().getType();
  if (input.getRank() != 4 || output.getRank() != 4)
    return op.emitOpError("expects rank-4 NHWC input and result");
  if (failed(verifyPositive(op, op.getKernel(), 2, "kernel")) ||
      failed(verifyPositive(op, op.getStride(), 2, "stride")) ||
      failed(verifyPadding(op, op.getPad())))
    return failure();
  ArrayRef<int64_t> pad = op.getPad();
  ArrayRef<int64_t> kernel = op.getKernel();
  for (int dim = 0; dim < 2; ++dim)
    if (pad[2 * dim] >= kernel[dim] || pad[2 * dim + 1] >= kernel[dim])
      return op.emitOpError("padding must be smaller than the kernel");
  if (failed(verifyDim(op, "result batch", output.getDimSize(0),
                       input.getDimSize(0))) ||
      failed(verifyDim(op, "result channel count", output.getDimSize(3),
                       input.getDimSize(3))))
    return failure();
  SmallVector<int64_t> dilation = {1, 1};
  return verifyWindow(op, input, output, kernel, op.getStride(), pad, dilation);
}

LogicalResult MaxPool2DOp::verify() {
  if (failed(verifyPoolOp(*this)))
    return failure();
  if (getInput().getType().getElementType() !=
      getOutput().getType().getElementType())
    return emitOpError("max pooling preserves the quantized type; input and "
                       "result element types differ");
  return success();
}

LogicalResult AvgPool2DOp::verify() { return verifyPoolOp(*this); }

LogicalResult ConcatOp::verify() {
  if (failed(verifyAllQuantizedValues(*this)) ||
      failed(verifyPerTensor(*this, getOutput(), "the result")))
    return failure();
  if (getInputs().empty())
    return emitOpError("expects at least one input");
  auto output = getOutput().getType();
  int64_t rank = output.getRank();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank " << rank;
  int64_t total = 0;
  bool dynamic = false;
  for (Value input : getInputs()) {
    if (failed(verifyPerTensor(*this, input, "every input")))
      return failure();
    auto type = cast<RankedTensorType>(input.getType());
    if (type.getRank() != rank)
      return emitOpError("inputs must have the result's rank ") << rank;
    for (int64_t dim = 0; dim < rank; ++dim) {
      if (dim == axis)
        continue;
      if (failed(verifyDim(*this, "input dimension " + std::to_string(dim),
                           type.getDimSize(dim), output.getDimSize(dim))))
        return failure();
    }
    if (type.isDynamicDim(axis))
      dynamic = true;
    else
      total += type.getDimSize(axis);
  }
  if (!dynamic)
    return verifyDim(*this, "result size along the axis",
                     output.getDimSize(axis), total);
  return success();
}

LogicalResult ClampOp::verify() {
  if (failed(verifyAllQuantizedValues(*this)))
    return failure();
  quant::QuantizedType type = getQuantizedElementType(getInput());
  int64_t lo = static_cast<int64_t>(getMin());
  int64_t hi = static_cast<int64_t>(getMax());
  if (lo > hi)
    return emitOpError("min ") << lo << " is greater than max " << hi;
  if (lo < type.getStorageTypeMin() || hi > type.getStorageTypeMax())
    return emitOpError("bounds [")
           << lo << ", " << hi << "] exceed the storage range ["
           << type.getStorageTypeMin() << ", " << type.getStorageTypeMax()
           << "]";
  return success();
}

LogicalResult LookupOp::verify() {
  if (failed(verifyAllQuantizedValues(*this)))
    return failure();
  quant::QuantizedType in = getQuantizedElementType(getInput());
  quant::QuantizedType out = getQuantizedElementType(getOutput());
  unsigned inputWidth = in.getStorageTypeIntegralWidth();
  // 16-bit inputs index an interpolated table from -32768 (see the op's
  // description), which only signed storage starts at.
  if (inputWidth != 8 && !(inputWidth == 16 && in.isSigned()))
    return emitOpError("table lookup needs 8-bit or signed 16-bit input "
                       "storage");
  int64_t entries = inputWidth == 8 ? 256 : 513;
  auto table = getTable();
  auto tableType = cast<ShapedType>(table.getType());
  if (tableType.getRank() != 1 || tableType.getNumElements() != entries)
    return emitOpError("table must have ")
           << entries << " entries for " << inputWidth << "-bit input";
  if (tableType.getElementTypeBitWidth() != out.getStorageTypeIntegralWidth())
    return emitOpError("table entries must have the result's storage width");
  for (APInt entry : table.getValues<APInt>()) {
    int64_t value = out.isSigned() ? entry.getSExtValue()
                                   : static_cast<int64_t>(entry.getZExtValue());
    if (value < out.getStorageTypeMin() || value > out.getStorageTypeMax())
      return emitOpError("table entry ")
             << value << " is outside the result's storage range";
  }
  return success();
}

LogicalResult SoftmaxOp::verify() {
  if (failed(verifyAllQuantizedValues(*this)) ||
      failed(verifyPerTensor(*this, getInput(), "the input")) ||
      failed(verifyPerTensor(*this, getOutput(), "the result")))
    return failure();
  if (getQuantizedElementType(getInput()).getStorageTypeIntegralWidth() != 8 ||
      getQuantizedElementType(getOutput()).getStorageTypeIntegralWidth() != 8)
    return emitOpError("needs 8-bit input and result storage");
  int64_t rowLength = getInput().getType().getShape().back();
  if (!ShapedType::isDynamic(rowLength) && rowLength > 32767)
    return emitOpError("rows of ")
           << rowLength << " elements exceed 32767 (int32 sums)";
  DenseIntElementsAttr table = getExpTable();
  if (table.getType().getRank() != 1 || table.getNumElements() != 256)
    return emitOpError("exp_table must have 256 entries");
  SmallVector<int64_t> entries;
  for (const APInt &entry : table.getValues<APInt>())
    entries.push_back(entry.getSExtValue());
  if (llvm::any_of(entries,
                   [](int64_t e) { return e < 0 || e > (int64_t(1) << 16); }))
    return emitOpError("exp_table entries must be in [0, 2^16]");
  if (entries[0] < 1)
    return emitOpError("exp_table[0] (the row maximum's weight) must be "
                       "positive");
  return success();
}

#define GET_OP_CLASSES
#include "qcc/Dialect/Qcc/IR/QccOps.cpp.inc"
