//===- CheckAccumulators.cpp - int32 accumulator bounds -------------------===//

#include "qcc/Quantization/Passes.h"

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Dialect/Qcc/IR/QccOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"

#include <limits>

namespace qcc {
#define GEN_PASS_DEF_CHECKACCUMULATORSPASS
#include "qcc/Quantization/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

namespace {

static std::optional<DenseIntElementsAttr> getStoredConstant(Value value) {
  if (auto cast = value.getDefiningOp<quant::StorageCastOp>())
    value = cast.getInput();
  DenseIntElementsAttr attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  return attr;
}

/// The largest |q - z| of a value of `type` (per tensor).
static int64_t getMaxCentered(quant::UniformQuantizedType type) {
  int64_t zp = type.getZeroPoint();
  return std::max(std::abs(type.getStorageTypeMin() - zp),
                  std::abs(type.getStorageTypeMax() - zp));
}

/// Bounds |acc| per output channel; `channelOf` maps a flat weight index to
/// its output channel, `depth` is the number of terms per output.
static LogicalResult
checkContraction(Operation *op, Value input, Value weights, Value bias,
                 int64_t channels, int64_t depth,
                 llvm::function_ref<int64_t(int64_t)> channelOf) {
  auto inputType = cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(input.getType()).getElementType());
  auto weightType = cast<quant::QuantizedType>(
      cast<RankedTensorType>(weights.getType()).getElementType());
  auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(weightType);
  int64_t maxInput = getMaxCentered(inputType);

  // sums[c] bounds sum |w - z_w| over channel c's terms: from the values of
  // constant weights, from the type's extremes for run-time ones
  // (activation x activation).
  SmallVector<int64_t> sums(channels, 0);
  std::optional<DenseIntElementsAttr> stored = getStoredConstant(weights);
  if (!stored) {
    if (perAxis)
      return success(); // Only constant weights are quantized per channel.
    int64_t term =
        getMaxCentered(cast<quant::UniformQuantizedType>(weightType));
    for (int64_t &sum : sums)
      if (__builtin_mul_overflow(term, depth, &sum))
        sum = std::numeric_limits<int64_t>::max();
  }
  if (stored) {
    for (auto [index, value] : llvm::enumerate(stored->getValues<APInt>())) {
      int64_t channel = channelOf(index);
      int64_t w = weightType.isSigned()
                      ? value.getSExtValue()
                      : static_cast<int64_t>(value.getZExtValue());
      int64_t weightZp =
          perAxis
              ? perAxis.getZeroPoints()[channel]
              : cast<quant::UniformQuantizedType>(weightType).getZeroPoint();
      sums[channel] += std::abs(w - weightZp);
    }
  }
  std::optional<DenseIntElementsAttr> biasValues;
  if (bias)
    biasValues = getStoredConstant(bias);
  // Activations wider than 8 bits (16x8) accumulate in int64 (see
  // ContractionPatterns.cpp); the bound is then checked against int64.
  bool wide = inputType.getStorageTypeIntegralWidth() > 8;
  int64_t limit = wide ? INT64_MAX : INT32_MAX;
  int64_t largest = 0;
  for (int64_t c = 0; c < channels; ++c) {
    int64_t biasValue =
        biasValues ? (*biasValues).getValues<APInt>()[c].getSExtValue() : 0;
    // |INT64_MIN| saturates: only an int64 bias holds it, and the bound
    // below then overflows unless the products are all 0.
    int64_t biasMagnitude = biasValue == std::numeric_limits<int64_t>::min()
                                ? std::numeric_limits<int64_t>::max()
                                : std::abs(biasValue);
    int64_t product = 0, bound = 0;
    if (__builtin_mul_overflow(maxInput, sums[c], &product) ||
        __builtin_add_overflow(biasMagnitude, product, &bound) || bound > limit)
      return op->emitError("the ")
             << (wide ? "int64" : "int32") << " accumulator of output channel "
             << c << " may overflow: "
             << (bound > limit ? "|acc| <= " + std::to_string(bound) + " > "
                               : std::string("|acc| > "))
             << (wide ? "2^63 - 1" : "2^31 - 1");
    largest = std::max(largest, bound);
  }
  setAccumulatorBound(op, largest);
  if (wide)
    setAccumulatorBits(op, 64);
  return success();
}

struct CheckAccumulatorsPass
    : public qcc::impl::CheckAccumulatorsPassBase<CheckAccumulatorsPass> {
  void runOnOperation() override {
    WalkResult result = getOperation().walk([](Operation *op) {
      LogicalResult checked = success();
      if (auto conv = dyn_cast<Conv2DOp>(op)) {
        auto shape = conv.getWeight().getType().getShape();
        int64_t perChannel = shape[1] * shape[2] * shape[3];
        checked = checkContraction(op, conv.getInput(), conv.getWeight(),
                                   conv.getBias(), shape[0], perChannel,
                                   [&](int64_t i) { return i / perChannel; });
      } else if (auto matmul = dyn_cast<MatMulOp>(op)) {
        auto rhsType = matmul.getRhs().getType();
        int64_t columns = rhsType.getDimSize(rhsType.getRank() - 1);
        int64_t depth = rhsType.getDimSize(rhsType.getRank() - 2);
        checked = checkContraction(op, matmul.getLhs(), matmul.getRhs(),
                                   matmul.getBias(), columns, depth,
                                   [&](int64_t i) { return i % columns; });
      }
      return failed(checked) ? WalkResult::interrupt() : WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
