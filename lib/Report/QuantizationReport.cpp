//===- QuantizationReport.cpp - per-layer quantization report -------------===//
//
// Both models run in-process (JitModel) with every layer output appended to
// their results: the float model returns the float values, the quantized
// one the dequantized integer results. A quantized op records in `qcc.layer`
// which float op's value it stands for (its position among the function's
// TOSA ops before quantization), which pairs the two.
//
//===----------------------------------------------------------------------===//

#include "qcc/Report/QuantizationReport.h"

#include "qcc/Calibration/CalibrationData.h"
#include "qcc/Calibration/JitModel.h"
#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Dialect/Qcc/IR/QccOps.h"
#include "qcc/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cmath>

using namespace mlir;

namespace qcc {
namespace {

/// One quantized layer and the float op it replaced.
struct Layer {
  Operation *quantized;
  Operation *reference;
  int64_t index;
  // Error statistics over all samples.
  double signal = 0.0;
  double noise = 0.0;
  double maxAbsError = 0.0;
};

/// A module copy whose model function also returns `values(copy)`.
struct Probed {
  OwningOpRef<ModuleOp> module;
  unsigned numOriginalResults = 0;
  SmallVector<int64_t> sizes;
};

static SmallVector<Operation *> getTosaOps(func::FuncOp func) {
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() == "tosa")
      ops.push_back(op);
  });
  return ops;
}

/// Appends `values` to the results of `func`.
static void appendResults(func::FuncOp func, ArrayRef<Value> values) {
  auto ret = *func.getOps<func::ReturnOp>().begin();
  SmallVector<Value> operands(ret.getOperands());
  llvm::append_range(operands, values);
  OpBuilder b(ret);
  func::ReturnOp::create(b, ret.getLoc(), operands);
  ret.erase();
  SmallVector<Type> types;
  for (Value value : operands)
    types.push_back(value.getType());
  SmallVector<DictionaryAttr> resultAttrs;
  for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
    resultAttrs.push_back(func.getResultAttrDict(i));
  resultAttrs.resize(types.size(), b.getDictionaryAttr({}));
  func.setFunctionType(
      b.getFunctionType(func.getFunctionType().getInputs(), types));
  func.setAllResultAttrs(resultAttrs);
}

static std::string layerName(Operation *op) {
  Location loc = op->getLoc();
  if (std::optional<std::string> name = getLocationName(loc))
    return *name;
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

static llvm::json::Object describeType(Type type) {
  auto quantized =
      cast<quant::QuantizedType>(cast<RankedTensorType>(type).getElementType());
  llvm::json::Object object;
  object["storage"] = (quantized.isSigned() ? "i" : "u") +
                      std::to_string(quantized.getStorageTypeIntegralWidth());
  object["storage_range"] = llvm::json::Array{quantized.getStorageTypeMin(),
                                              quantized.getStorageTypeMax()};
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(quantized)) {
    object["scale"] = uniform.getScale();
    object["zero_point"] = uniform.getZeroPoint();
  } else {
    auto perAxis = cast<quant::UniformQuantizedPerAxisType>(quantized);
    object["axis"] = perAxis.getQuantizedDimension();
    llvm::json::Array scales, zeroPoints;
    for (double scale : perAxis.getScales())
      scales.push_back(scale);
    for (int64_t zeroPoint : perAxis.getZeroPoints())
      zeroPoints.push_back(zeroPoint);
    object["scales"] = std::move(scales);
    object["zero_points"] = std::move(zeroPoints);
  }
  return object;
}

static llvm::json::Value rangeValue(std::optional<RealRange> range) {
  if (!range)
    return nullptr;
  return llvm::json::Array{range->min, range->max};
}

/// The convolutions and matmuls of a quantized function, and how many of
/// them (and of their multiply-accumulates) run in integer arithmetic.
struct ContractionCoverage {
  int64_t total = 0, quantized = 0;
  int64_t macs = 0, quantizedMacs = 0;
};

static int64_t numElements(Value value) {
  auto type = dyn_cast<ShapedType>(value.getType());
  return type && type.hasStaticShape() ? type.getNumElements() : 0;
}

static int64_t dimSize(Value value, int64_t dim) {
  auto type = dyn_cast<ShapedType>(value.getType());
  if (!type || !type.hasRank())
    return 0;
  int64_t size = type.getDimSize(dim < 0 ? type.getRank() + dim : dim);
  return ShapedType::isDynamic(size) ? 0 : size;
}

static ContractionCoverage countContractions(func::FuncOp func) {
  ContractionCoverage coverage;
  func.walk([&](Operation *op) {
    int64_t macs = -1;
    bool quantized = false;
    if (auto conv = dyn_cast<Conv2DOp>(op)) {
      // Weights [O, KH, KW, I per group].
      Value weight = conv.getWeight();
      macs = numElements(conv.getOutput()) * dimSize(weight, 1) *
             dimSize(weight, 2) * dimSize(weight, 3);
      quantized = true;
    } else if (auto matmul = dyn_cast<MatMulOp>(op)) {
      macs = numElements(matmul.getOutput()) * dimSize(matmul.getLhs(), -1);
      quantized = true;
    } else if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
      Value weight = conv.getWeight();
      macs = numElements(conv.getOutput()) * dimSize(weight, 1) *
             dimSize(weight, 2) * dimSize(weight, 3);
    } else if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
      // Weights [KH, KW, C, M].
      Value weight = conv.getWeight();
      macs = numElements(conv.getOutput()) * dimSize(weight, 0) *
             dimSize(weight, 1);
    } else if (auto matmul = dyn_cast<tosa::MatMulOp>(op)) {
      macs = numElements(matmul.getOutput()) * dimSize(matmul.getA(), -1);
    }
    if (macs < 0)
      return;
    ++coverage.total;
    coverage.macs += macs;
    if (quantized) {
      ++coverage.quantized;
      coverage.quantizedMacs += macs;
    }
  });
  return coverage;
}

/// A TOSA op computing float values (not a constant or a reshape).
static bool isFloatTosaOp(Operation *op) {
  return op->getDialect() && op->getDialect()->getNamespace() == "tosa" &&
         !isa<tosa::ConstOp, tosa::ConstShapeOp, tosa::ReshapeOp,
              tosa::TransposeOp>(op) &&
         llvm::any_of(op->getResultTypes(), [](Type type) {
           auto tensor = dyn_cast<RankedTensorType>(type);
           return tensor && isa<FloatType>(tensor.getElementType());
         });
}

/// The float ops of islands that normalize (layer norm, RMS norm, ...):
/// connected groups of float TOSA ops that take a reciprocal square root.
static DenseSet<Operation *> getNormalizationOps(func::FuncOp func) {
  llvm::EquivalenceClasses<Operation *> islands;
  func.walk([&](Operation *op) {
    if (!isFloatTosaOp(op))
      return;
    islands.insert(op);
    for (Value operand : op->getOperands())
      if (Operation *producer = operand.getDefiningOp();
          producer && isFloatTosaOp(producer))
        islands.unionSets(op, producer);
  });
  DenseSet<Operation *> normalizing;
  for (const auto *island : islands) {
    if (!island->isLeader())
      continue;
    auto members = islands.members(*island);
    if (llvm::any_of(members,
                     [](Operation *op) { return isa<tosa::RsqrtOp>(op); }))
      normalizing.insert(members.begin(), members.end());
  }
  return normalizing;
}

static llvm::json::Object describeLayer(const Layer &layer) {
  Operation *op = layer.quantized;
  llvm::json::Object object;
  object["name"] = layerName(layer.reference);
  object["op"] = op->getName().getStringRef().str();
  object["replaces"] = layer.reference->getName().getStringRef().str();
  llvm::json::Array inputs;
  for (Value operand : op->getOperands()) {
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type || !isa<quant::QuantizedType>(type.getElementType()))
      continue;
    // Constant quantized operands are weights.
    if (operand.getDefiningOp<quant::StorageCastOp>() &&
        isa<Conv2DOp, MatMulOp>(op) && operand == op->getOperand(1)) {
      object["weights"] = describeType(type);
      continue;
    }
    inputs.push_back(describeType(type));
  }
  object["inputs"] = std::move(inputs);
  object["output"] = describeType(op->getResult(0).getType());
  auto clampMin = op->getAttrOfType<IntegerAttr>("clamp_min");
  auto clampMax = op->getAttrOfType<IntegerAttr>("clamp_max");
  if (clampMin && clampMax)
    object["fused_activation"] =
        llvm::json::Array{clampMin.getInt(), clampMax.getInt()};
  if (std::optional<int64_t> bound = getAccumulatorBound(op))
    object["accumulator_bound"] = *bound;
  // The precision the layer was computed in (from its result's storage:
  // int8, uint8, or int16 for 16x8) and its accumulator width.
  if (auto type = dyn_cast<quant::QuantizedType>(
          cast<ShapedType>(op->getResult(0).getType()).getElementType()))
    object["precision"] = (type.getStorageTypeIntegralWidth() > 8 ? "int16"
                           : type.isSigned()                      ? "int8"
                                                                  : "uint8");
  if (isa<Conv2DOp, MatMulOp>(op))
    object["accumulator_bits"] = getAccumulatorBits(op);
  Value floatValue = layer.reference->getResult(0);
  std::optional<RealRange> range = getValueRange(floatValue);
  object["range"] = rangeValue(range);
  if (std::optional<RealRange> calibrated = getCalibratedRange(layer.reference))
    object["calibrated_range"] =
        llvm::json::Array{calibrated->min, calibrated->max};
  else
    object["calibrated_range"] = rangeValue(range);
  object["sqnr_db"] =
      layer.noise > 0.0
          ? llvm::json::Value(10.0 * std::log10(layer.signal / layer.noise))
          : llvm::json::Value(nullptr);
  object["max_abs_error"] = layer.maxAbsError;
  return object;
}

/// Copies `module` and returns, after the model's own results, the float
/// values of `ops` (positions in the copy's TOSA op order) or the
/// dequantized results of the quantized `ops`.
static FailureOr<Probed> probe(ModuleOp module, StringRef entry,
                               ArrayRef<Operation *> ops, bool dequantize) {
  Probed probed;
  probed.module = module.clone();
  FailureOr<func::FuncOp> func = findModelFunction(*probed.module, entry);
  if (failed(func))
    return failure();
  probed.numOriginalResults = func->getNumResults();
  // The copy has the same ops in the same order as the original.
  SmallVector<Operation *> originals, copies;
  module.walk([&](Operation *op) { originals.push_back(op); });
  probed.module->walk([&](Operation *op) { copies.push_back(op); });
  DenseMap<Operation *, Operation *> toCopy;
  for (auto [original, copy] : llvm::zip(originals, copies))
    toCopy[original] = copy;

  SmallVector<Value> values;
  for (Operation *op : ops) {
    Operation *copy = toCopy.lookup(op);
    Value value = copy->getResult(0);
    if (dequantize) {
      OpBuilder b(copy->getContext());
      b.setInsertionPointAfter(copy);
      auto type = cast<RankedTensorType>(value.getType());
      value = DequantizeOp::create(b, copy->getLoc(),
                                   type.clone(b.getF32Type()), value);
    }
    values.push_back(value);
    probed.sizes.push_back(
        cast<RankedTensorType>(value.getType()).getNumElements());
  }
  appendResults(*func, values);
  return probed;
}

} // namespace

LogicalResult writeQuantizationReport(ModuleOp reference, ModuleOp quantized,
                                      StringRef path,
                                      const ReportOptions &options) {
  FailureOr<func::FuncOp> referenceFunc =
      findModelFunction(reference, options.entry);
  FailureOr<func::FuncOp> quantizedFunc =
      findModelFunction(quantized, options.entry);
  if (failed(referenceFunc) || failed(quantizedFunc))
    return failure();

  // Pair every quantized layer with its float op.
  SmallVector<Operation *> tosaOps = getTosaOps(*referenceFunc);
  SmallVector<Layer> layers;
  quantizedFunc->walk([&](Operation *op) {
    std::optional<int64_t> index = getLayerIndex(op);
    if (!index || *index >= static_cast<int64_t>(tosaOps.size()))
      return;
    Operation *floatOp = tosaOps[*index];
    auto floatType =
        dyn_cast<RankedTensorType>(floatOp->getResult(0).getType());
    auto quantizedType = cast<RankedTensorType>(op->getResult(0).getType());
    if (!floatType || floatType.getShape() != quantizedType.getShape())
      return;
    layers.push_back({op, floatOp, *index});
  });

  SmallVector<Operation *> floatOps, quantizedOps;
  for (const Layer &layer : layers) {
    floatOps.push_back(layer.reference);
    quantizedOps.push_back(layer.quantized);
  }
  FailureOr<Probed> floatProbe =
      probe(reference, options.entry, floatOps, /*dequantize=*/false);
  FailureOr<Probed> quantizedProbe =
      probe(quantized, options.entry, quantizedOps, /*dequantize=*/true);
  if (failed(floatProbe) || failed(quantizedProbe))
    return failure();

  FailureOr<std::vector<CalibrationInput>> inputs =
      getCalibrationInputs(*referenceFunc);
  if (failed(inputs))
    return failure();
  llvm::Expected<CalibrationData> data =
      CalibrationData::load(options.calibrationData, *inputs);
  if (!data)
    return reference.emitError(llvm::toString(data.takeError()));

  auto floatModel =
      JitModel::compile(*floatProbe->module, getFloatModelLowering(),
                        options.entry, "qcc_report_float");
  auto quantizedModel =
      JitModel::compile(*quantizedProbe->module, getFloatModelLowering(),
                        options.entry, "qcc_report_int8");
  if (failed(floatModel) || failed(quantizedModel))
    return failure();

  // Output buffers: the model's own results first, then one per layer.
  auto allocate = [](const ModelABI &abi) {
    std::vector<std::vector<uint64_t>> buffers;
    for (const ABITensor &output : abi.outputs) {
      int64_t bytes = output.type.getNumElements() *
                      output.type.getElementTypeBitWidth() / 8;
      buffers.emplace_back((bytes + 7) / 8);
    }
    return buffers;
  };
  auto floatBuffers = allocate((*floatModel)->getABI());
  auto quantizedBuffers = allocate((*quantizedModel)->getABI());
  auto pointers = [](std::vector<std::vector<uint64_t>> &buffers) {
    SmallVector<void *> result;
    for (auto &buffer : buffers)
      result.push_back(buffer.data());
    return result;
  };
  SmallVector<void *> floatOutputs = pointers(floatBuffers);
  SmallVector<void *> quantizedOutputs = pointers(quantizedBuffers);

  for (int64_t sample = 0; sample < data->getNumSamples(); ++sample) {
    SmallVector<const void *> sampleInputs;
    for (unsigned i = 0; i < data->getNumInputs(); ++i)
      sampleInputs.push_back(data->getSample(i, sample));
    (*floatModel)->run(sampleInputs, floatOutputs);
    (*quantizedModel)->run(sampleInputs, quantizedOutputs);
    for (auto [index, layer] : llvm::enumerate(layers)) {
      auto *expected = reinterpret_cast<const float *>(
          floatOutputs[floatProbe->numOriginalResults + index]);
      auto *actual = reinterpret_cast<const float *>(
          quantizedOutputs[quantizedProbe->numOriginalResults + index]);
      for (int64_t i = 0, e = floatProbe->sizes[index]; i < e; ++i) {
        double difference = double(actual[i]) - double(expected[i]);
        layer.signal += double(expected[i]) * double(expected[i]);
        layer.noise += difference * difference;
        layer.maxAbsError = std::max(layer.maxAbsError, std::fabs(difference));
      }
    }
  }

  llvm::json::Array layerArray;
  for (const Layer &layer : layers)
    layerArray.push_back(describeLayer(layer));
  llvm::json::Array floatLeft;
  DenseSet<Operation *> normalizations = getNormalizationOps(*quantizedFunc);
  quantizedFunc->walk([&](Operation *op) {
    if (isFloatTosaOp(op)) {
      std::optional<Precision> precision = getPrecision(op);
      StringRef reason =
          precision && *precision == Precision::Float
              ? "kept float (--keep-float or the precision search)"
          : normalizations.contains(op)
              ? "normalization (reduction and rsqrt): float by design, see "
                "docs/Numerics.md"
              : "no int8 form in qcc";
      floatLeft.push_back(
          llvm::json::Object{{"name", layerName(op)},
                             {"op", op->getName().getStringRef().str()},
                             {"reason", reason}});
    }
  });
  ContractionCoverage coverage = countContractions(*quantizedFunc);

  llvm::json::Object report{
      {"model", options.model},
      {"scheme",
       llvm::json::Object{
           {"activations",
            options.activationType +
                ", per-tensor, asymmetric (int16 layers: symmetric, see "
                "each layer's precision)"},
           {"weights", options.perTensorWeights
                           ? "int8 [-127, 127], per-tensor, symmetric"
                           : "int8 [-127, 127], per-channel, symmetric"},
           {"bias", "int32 at scale s_input * s_weight"},
           {"rounding", "half to even"}}},
      {"calibration", llvm::json::Object{{"data", options.calibrationData},
                                         {"method", options.calibrationMethod},
                                         {"samples", data->getNumSamples()}}},
      {"layers", std::move(layerArray)},
      {"dead_channels_removed", getDeadChannels(*quantizedFunc)},
      {"contractions",
       llvm::json::Object{
           {"total", coverage.total},
           {"int8", coverage.quantized},
           {"macs", coverage.macs},
           {"int8_macs", coverage.quantizedMacs},
           {"int8_mac_percent",
            coverage.macs
                ? 100.0 * double(coverage.quantizedMacs) / double(coverage.macs)
                : 0.0}}},
      {"float_ops", std::move(floatLeft)}};
  if (options.mixedPrecision)
    report["mixed_precision"] = *options.mixedPrecision;

  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file)
    return reference.emitError("cannot open report file '")
           << path << "': " << error;
  file->os() << llvm::formatv("{0:2}", llvm::json::Value(std::move(report)))
             << "\n";
  file->keep();
  return success();
}

} // namespace qcc
