//===- QuantizationReport.cpp - the quantization report -------------------===//
//
// A quantized op records in `qcc.layer` which float op's value it stands for
// (its position among the function's TOSA ops before quantization), which
// pairs the two models' layers; ModelComparison runs both on the data sets.
// The report is assembled here as JSON; docs/Report.md is its schema.
//
//===----------------------------------------------------------------------===//

#include "qcc/Report/QuantizationReport.h"

#include "ModelComparison.h"

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Dialect/Qcc/IR/QccOps.h"
#include "qcc/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

using namespace mlir;
using llvm::json::Array;
using llvm::json::Object;
namespace json = llvm::json;

namespace qcc {
namespace {

/// One quantized layer and the float ops it replaced.
struct Layer {
  Operation *quantized;
  /// The float op whose value the quantized op's result stands for.
  Operation *reference;
  /// The float ops the layer replaced, in order: a contraction and the bias
  /// add and clamp fused into it, or just `reference`.
  SmallVector<Operation *> replaced;
};

} // namespace

static SmallVector<Operation *> getTosaOps(func::FuncOp func) {
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (op->getDialect() && op->getDialect()->getNamespace() == "tosa")
      ops.push_back(op);
  });
  return ops;
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

static bool isFloatContraction(Operation *op) {
  return isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp>(op);
}

/// The float ops a quantized contraction replaced, contraction first:
/// qcc-quantize fuses a bias add and a clamp into a convolution or matmul,
/// and `reference` is the last of them. Other layers replaced `reference`
/// alone.
static SmallVector<Operation *> getReplacedOps(Operation *quantized,
                                               Operation *reference) {
  if (!isa<Conv2DOp, MatMulOp>(quantized))
    return {reference};
  SmallVector<Operation *> chain = {reference};
  Operation *op = reference;
  // At most an add and a clamp follow the contraction.
  for (int step = 0; step < 2 && !isFloatContraction(op); ++step) {
    Operation *producer = nullptr;
    for (mlir::Value operand : op->getOperands()) {
      Operation *def = operand.getDefiningOp();
      if (def && (isFloatContraction(def) ||
                  (isa<tosa::ClampOp>(op) && isa<tosa::AddOp>(def)))) {
        producer = def;
        break;
      }
    }
    if (!producer || !isa<tosa::ClampOp, tosa::AddOp>(op))
      break;
    chain.push_back(producer);
    op = producer;
  }
  if (!isFloatContraction(op))
    return {reference};
  std::reverse(chain.begin(), chain.end());
  return chain;
}

static llvm::json::Object describeType(Type type) {
  auto quantized =
      cast<quant::QuantizedType>(cast<RankedTensorType>(type).getElementType());
  Object object;
  object["storage"] = (quantized.isSigned() ? "i" : "u") +
                      std::to_string(quantized.getStorageTypeIntegralWidth());
  object["storage_range"] =
      Array{quantized.getStorageTypeMin(), quantized.getStorageTypeMax()};
  if (auto uniform = dyn_cast<quant::UniformQuantizedType>(quantized)) {
    object["scale"] = uniform.getScale();
    object["zero_point"] = uniform.getZeroPoint();
  } else {
    auto perAxis = cast<quant::UniformQuantizedPerAxisType>(quantized);
    object["axis"] = perAxis.getQuantizedDimension();
    Array scales, zeroPoints;
    for (double scale : perAxis.getScales())
      scales.push_back(scale);
    for (int64_t zeroPoint : perAxis.getZeroPoints())
      zeroPoints.push_back(zeroPoint);
    object["scales"] = std::move(scales);
    object["zero_points"] = std::move(zeroPoints);
  }
  return object;
}

static json::Value rangeValue(std::optional<RealRange> range) {
  if (!range)
    return nullptr;
  return Array{range->min, range->max};
}

static json::Value optionalValue(std::optional<double> value) {
  if (!value)
    return nullptr;
  return *value;
}

static double percent(int64_t part, int64_t whole) {
  return whole ? 100.0 * double(part) / double(whole) : 0.0;
}

//===----------------------------------------------------------------------===//
// Contractions, float islands, weights
//===----------------------------------------------------------------------===//

namespace {
/// The convolutions and matmuls of a quantized function, and how many of
/// them (and of their multiply-accumulates) run in integer arithmetic.
struct ContractionCoverage {
  int64_t total = 0, quantized = 0;
  int64_t macs = 0, quantizedMacs = 0;
};
} // namespace

static int64_t numElements(mlir::Value value) {
  auto type = dyn_cast<ShapedType>(value.getType());
  return type && type.hasStaticShape() ? type.getNumElements() : 0;
}

static int64_t dimSize(mlir::Value value, int64_t dim) {
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
      mlir::Value weight = conv.getWeight();
      macs = numElements(conv.getOutput()) * dimSize(weight, 1) *
             dimSize(weight, 2) * dimSize(weight, 3);
      quantized = true;
    } else if (auto matmul = dyn_cast<MatMulOp>(op)) {
      macs = numElements(matmul.getOutput()) * dimSize(matmul.getLhs(), -1);
      quantized = true;
    } else if (auto conv = dyn_cast<tosa::Conv2DOp>(op)) {
      mlir::Value weight = conv.getWeight();
      macs = numElements(conv.getOutput()) * dimSize(weight, 1) *
             dimSize(weight, 2) * dimSize(weight, 3);
    } else if (auto conv = dyn_cast<tosa::DepthwiseConv2DOp>(op)) {
      // Weights [KH, KW, C, M].
      mlir::Value weight = conv.getWeight();
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

/// The float islands of a quantized function: connected groups of float
/// TOSA ops, in program order, each in program order.
static std::vector<SmallVector<Operation *>>
getFloatIslands(func::FuncOp func) {
  llvm::EquivalenceClasses<Operation *> classes;
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (!isFloatTosaOp(op))
      return;
    ops.push_back(op);
    classes.insert(op);
    for (mlir::Value operand : op->getOperands())
      if (Operation *producer = operand.getDefiningOp();
          producer && isFloatTosaOp(producer))
        classes.unionSets(op, producer);
  });
  llvm::MapVector<Operation *, SmallVector<Operation *>> islands;
  for (Operation *op : ops)
    islands[classes.getLeaderValue(op)].push_back(op);
  std::vector<SmallVector<Operation *>> result;
  for (auto &entry : islands)
    result.push_back(std::move(entry.second));
  return result;
}

/// Why a float op of `island` stayed float.
static StringRef getFloatReason(Operation *op, ArrayRef<Operation *> island) {
  std::optional<Precision> precision = getPrecision(op);
  if (precision && *precision == Precision::Float)
    return "kept float (--keep-float or the precision search)";
  // Normalizations (layer norm, RMS norm, ...) take a reciprocal square
  // root; the quantizer leaves them float as a whole.
  if (llvm::any_of(
          island, [](Operation *member) { return isa<tosa::RsqrtOp>(member); }))
    return "normalization (reduction and rsqrt): float by design, see "
           "docs/Numerics.md";
  return "no int8 form in qcc";
}

/// The bytes of the constant tensors of `func` (weights, biases, tables).
static int64_t countConstantBytes(func::FuncOp func) {
  int64_t bytes = 0;
  func.walk([&](Operation *op) {
    ElementsAttr elements;
    if (op->getNumResults() != 1 ||
        !matchPattern(op->getResult(0), m_Constant(&elements)))
      return;
    auto type = dyn_cast<ShapedType>(elements.getType());
    if (!type || !type.hasStaticShape() ||
        !type.getElementType().isIntOrFloat())
      return;
    bytes += (type.getNumElements() * type.getElementTypeBitWidth() + 7) / 8;
  });
  return bytes;
}

//===----------------------------------------------------------------------===//
// Measurements as JSON
//===----------------------------------------------------------------------===//

static Object describeDistribution(const Distribution &distribution) {
  const Histogram &histogram = distribution.histogram;
  bool empty = histogram.getCount() == 0;
  Object object{
      {"count", histogram.getCount()},
      {"min", empty ? json::Value(nullptr) : json::Value(histogram.getMin())},
      {"max", empty ? json::Value(nullptr) : json::Value(histogram.getMax())},
      {"below_range", distribution.below},
      {"above_range", distribution.above},
      {"outside_range_percent",
       percent(distribution.below + distribution.above, histogram.getCount())},
      {"histogram", Object{{"start", histogram.getStart()},
                           {"bin_width", histogram.getBinWidth()},
                           {"counts", Array(histogram.getCounts())}}}};
  if (histogram.getNumNonFinite())
    object["non_finite"] = histogram.getNumNonFinite();
  // The share of the range the values span: data that uses little of it
  // is quantized to few levels.
  if (std::optional<RealRange> range = distribution.range;
      range && !empty && range->max > range->min) {
    double used = std::min(histogram.getMax(), range->max) -
                  std::max(histogram.getMin(), range->min);
    object["range_used_percent"] =
        100.0 * std::max(used, 0.0) / (range->max - range->min);
  }
  return object;
}

static Object describeError(const ErrorStats &error) {
  return Object{{"sqnr_db", optionalValue(error.getSqnrDb())},
                {"max_abs_error", error.maxAbsError}};
}

/// The distributions of one tensor on the data sets measured.
static Object describeDistributions(
    ArrayRef<const DataSetMeasurement *> measurements,
    llvm::function_ref<const Distribution &(const DataSetMeasurement &)>
        select) {
  Object object;
  object["calibration"] = describeDistribution(select(*measurements[0]));
  if (measurements.size() > 1)
    object["validation"] = describeDistribution(select(*measurements[1]));
  return object;
}

static Object describeLayer(const Layer &layer,
                            ArrayRef<const DataSetMeasurement *> measurements,
                            unsigned index) {
  Operation *op = layer.quantized;
  Object object;
  object["name"] = layerName(layer.replaced.front());
  object["op"] = op->getName().getStringRef().str();
  object["replaces"] = layer.replaced.front()->getName().getStringRef().str();
  Array fused;
  for (Operation *replaced : ArrayRef(layer.replaced).drop_front())
    fused.push_back(Object{{"op", replaced->getName().getStringRef().str()},
                           {"name", layerName(replaced)}});
  object["fused_ops"] = std::move(fused);
  Array inputs;
  for (mlir::Value operand : op->getOperands()) {
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
    object["fused_activation"] = Array{clampMin.getInt(), clampMax.getInt()};
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
  std::optional<RealRange> range = getValueRange(layer.reference->getResult(0));
  object["range"] = rangeValue(range);
  std::optional<RealRange> calibrated = getCalibratedRange(layer.reference);
  object["calibrated_range"] = rangeValue(calibrated ? calibrated : range);
  // The calibration data's numbers at the top level, as before version 2.
  const ErrorStats &error = measurements[0]->layers[index];
  object["sqnr_db"] = optionalValue(error.getSqnrDb());
  object["max_abs_error"] = error.maxAbsError;
  if (measurements.size() > 1)
    object["validation"] = describeError(measurements[1]->layers[index]);
  object["distribution"] = describeDistributions(
      measurements, [&](const DataSetMeasurement &m) -> const Distribution & {
        return m.values[index];
      });
  return object;
}

static Object describeOutputOn(const DataSetMeasurement &measurement,
                               unsigned output) {
  const OutputStats &stats = measurement.outputs[output];
  Object object = describeError(stats.error);
  if (stats.rows)
    object["top1_agreement_percent"] = percent(stats.agreeing, stats.rows);
  if (measurement.labeledOutput && *measurement.labeledOutput == output) {
    object["accuracy_float_percent"] =
        percent(measurement.correctFloat, measurement.samples);
    object["accuracy_quantized_percent"] =
        percent(measurement.correctQuantized, measurement.samples);
  }
  return object;
}

/// The SQNR of all model outputs together.
static std::optional<double>
getOutputSqnrDb(const DataSetMeasurement &measurement) {
  ErrorStats all;
  for (const OutputStats &output : measurement.outputs) {
    all.signal += output.error.signal;
    all.noise += output.error.noise;
  }
  return all.getSqnrDb();
}

/// Top-1 agreement of the first output that holds scores.
static std::optional<double>
getTop1Agreement(const DataSetMeasurement &measurement) {
  for (const OutputStats &output : measurement.outputs)
    if (output.rows)
      return percent(output.agreeing, output.rows);
  return std::nullopt;
}

static Object buildSummary(const ReportOptions &options, const Object &report,
                           ArrayRef<const DataSetMeasurement *> measurements,
                           const ContractionCoverage &coverage,
                           int64_t floatOps, int64_t floatIslands,
                           int64_t floatBytes, int64_t quantizedBytes) {
  Object summary;
  summary["model"] = options.model;
  std::string scheme =
      options.activationType + " activations (per-tensor, asymmetric), int8 " +
      (options.perTensorWeights ? "per-tensor" : "per-channel") +
      " weights (symmetric)";
  // --int16 and the precision search give some layers 16-bit activations.
  const Array *layers = report.getArray("layers");
  int64_t int16 = llvm::count_if(*layers, [](const json::Value &layer) {
    return layer.getAsObject()->getString("precision") == "int16";
  });
  if (int16)
    scheme += "; " + std::to_string(int16) + " of " +
              std::to_string(layers->size()) +
              " layers with int16 activations (16x8)";
  summary["scheme"] = scheme;
  for (StringRef key : {"calibration", "validation"})
    if (const json::Value *dataSet = report.get(key))
      summary[key] = *dataSet;
  summary["contractions"] = coverage.total;
  summary["int8_contractions"] = coverage.quantized;
  summary["int8_mac_percent"] = percent(coverage.quantizedMacs, coverage.macs);
  summary["float_ops"] = floatOps;
  summary["float_islands"] = floatIslands;

  // The worst layer on the data that matters most: the held-out data when
  // there is some.
  const DataSetMeasurement &worstData = *measurements.back();
  std::optional<unsigned> worst;
  for (auto [index, error] : llvm::enumerate(worstData.layers)) {
    std::optional<double> sqnr = error.getSqnrDb();
    if (sqnr && (!worst || *sqnr < *worstData.layers[*worst].getSqnrDb()))
      worst = index;
  }
  if (worst)
    summary["worst_layer"] = Object{
        {"name", *(*layers)[*worst].getAsObject()->getString("name")},
        {"sqnr_db", *worstData.layers[*worst].getSqnrDb()},
        {"data", measurements.size() > 1 ? "validation" : "calibration"}};
  else
    summary["worst_layer"] = nullptr;

  auto perDataSet = [&](auto metric) {
    Object object;
    object["calibration"] = optionalValue(metric(*measurements[0]));
    if (measurements.size() > 1)
      object["validation"] = optionalValue(metric(*measurements[1]));
    return object;
  };
  summary["output_sqnr_db"] = perDataSet(getOutputSqnrDb);
  summary["top1_agreement_percent"] = perDataSet(getTop1Agreement);
  if (measurements.size() > 1 && measurements[1]->labeledOutput)
    summary["accuracy_percent"] = Object{
        {"float",
         percent(measurements[1]->correctFloat, measurements[1]->samples)},
        {"quantized",
         percent(measurements[1]->correctQuantized, measurements[1]->samples)}};
  summary["weight_bytes"] =
      Object{{"float", floatBytes}, {"quantized", quantizedBytes}};
  return summary;
}

FailureOr<Object> buildQuantizationReport(ModuleOp reference,
                                          ModuleOp quantized,
                                          const ReportOptions &options) {
  FailureOr<func::FuncOp> referenceFunc =
      findModelFunction(reference, options.entry);
  FailureOr<func::FuncOp> quantizedFunc =
      findModelFunction(quantized, options.entry);
  if (failed(referenceFunc) || failed(quantizedFunc))
    return failure();
  auto note = [&](const llvm::Twine &message) {
    if (options.note)
      options.note(message);
  };

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
    if (!floatType || !floatType.getElementType().isF32() ||
        floatType.getShape() != quantizedType.getShape())
      return;
    layers.push_back({op, floatOp, getReplacedOps(op, floatOp)});
  });

  SmallVector<Operation *> floatOps, quantizedOps;
  SmallVector<std::optional<RealRange>> ranges;
  for (const Layer &layer : layers) {
    floatOps.push_back(layer.reference);
    quantizedOps.push_back(layer.quantized);
    ranges.push_back(getValueRange(layer.reference->getResult(0)));
  }
  // The data first: a mistake in it should not wait for two compilations.
  SmallVector<EvaluationData> dataSets;
  for (auto [path, allowLabels] :
       {std::pair<StringRef, bool>{options.calibrationData, false},
        {options.validationData, true}}) {
    if (path.empty())
      continue;
    FailureOr<EvaluationData> data =
        ModelComparison::load(*referenceFunc, path, allowLabels);
    if (failed(data))
      return failure();
    dataSets.push_back(std::move(*data));
  }
  note("report: compiling the float and quantized models for the host");
  FailureOr<ModelComparison> comparison = ModelComparison::create(
      reference, quantized, floatOps, quantizedOps, ranges, options.entry);
  if (failed(comparison))
    return failure();

  // The calibration data, then the validation data, each on its own.
  std::vector<DataSetMeasurement> measured;
  for (const EvaluationData &data : dataSets) {
    note("report: evaluating " + llvm::Twine(data.data->getNumSamples()) +
         " samples of " + data.path);
    measured.push_back(
        comparison->measure(data, options.progress, "report: " + data.path));
  }
  SmallVector<const DataSetMeasurement *> measurements;
  for (const DataSetMeasurement &measurement : measured)
    measurements.push_back(&measurement);

  Object report;
  report["format"] = "qcc-quantization-report";
  report["version"] = kReportVersion;
  report["model"] = options.model;
  report["scheme"] =
      Object{{"activations", options.activationType +
                                 ", per-tensor, asymmetric (int16 layers: "
                                 "symmetric, see each layer's precision)"},
             {"weights", options.perTensorWeights
                             ? "int8 [-127, 127], per-tensor, symmetric"
                             : "int8 [-127, 127], per-channel, symmetric"},
             {"bias", "int32 at scale s_input * s_weight"},
             {"rounding", "half to even"}};
  report["calibration"] = Object{{"data", options.calibrationData},
                                 {"method", options.calibrationMethod},
                                 {"samples", measurements[0]->samples}};
  if (measurements.size() > 1)
    report["validation"] = Object{{"data", options.validationData},
                                  {"samples", measurements[1]->samples},
                                  {"labels", measurements[1]->hasLabels}};

  Array inputArray;
  for (const auto &entry : llvm::enumerate(comparison->getFloatInputs())) {
    size_t index = entry.index();
    const MeasuredInput &input = entry.value();
    inputArray.push_back(Object{
        {"name", input.name},
        {"range", rangeValue(input.range)},
        {"distribution", describeDistributions(measurements,
                                               [&](const DataSetMeasurement &m)
                                                   -> const Distribution & {
                                                 return m.inputs[index];
                                               })}});
  }
  report["inputs"] = std::move(inputArray);

  Array outputArray;
  for (auto [index, name] : llvm::enumerate(comparison->getOutputNames())) {
    Object output{{"name", name},
                  {"calibration", describeOutputOn(*measurements[0], index)}};
    if (measurements.size() > 1)
      output["validation"] = describeOutputOn(*measurements[1], index);
    outputArray.push_back(std::move(output));
  }
  report["outputs"] = std::move(outputArray);

  Array layerArray;
  for (auto [index, layer] : llvm::enumerate(layers))
    layerArray.push_back(describeLayer(layer, measurements, index));
  report["layers"] = std::move(layerArray);

  // The islands with their reasons, and every float op, in program order,
  // with its island.
  Array floatArray, islandArray;
  std::vector<SmallVector<Operation *>> islands =
      getFloatIslands(*quantizedFunc);
  llvm::DenseMap<Operation *, std::pair<int64_t, StringRef>> floatOpInfo;
  for (auto [index, island] : llvm::enumerate(islands)) {
    llvm::SetVector<StringRef> reasons;
    Array names;
    for (Operation *op : island) {
      StringRef reason = getFloatReason(op, island);
      reasons.insert(reason);
      names.push_back(layerName(op));
      floatOpInfo[op] = {static_cast<int64_t>(index), reason};
    }
    islandArray.push_back(
        Object{{"ops", std::move(names)},
               {"reason", llvm::join(reasons.getArrayRef(), "; ")}});
  }
  quantizedFunc->walk([&](Operation *op) {
    auto info = floatOpInfo.find(op);
    if (info == floatOpInfo.end())
      return;
    floatArray.push_back(Object{{"name", layerName(op)},
                                {"op", op->getName().getStringRef().str()},
                                {"reason", info->second.second},
                                {"island", info->second.first}});
  });
  int64_t numFloatOps = floatOpInfo.size();
  ContractionCoverage coverage = countContractions(*quantizedFunc);
  report["contractions"] = Object{
      {"total", coverage.total},
      {"int8", coverage.quantized},
      {"macs", coverage.macs},
      {"int8_macs", coverage.quantizedMacs},
      {"int8_mac_percent", percent(coverage.quantizedMacs, coverage.macs)}};
  report["dead_channels_removed"] = getDeadChannels(*quantizedFunc);
  if (options.mixedPrecision)
    report["mixed_precision"] = *options.mixedPrecision;

  report["summary"] = buildSummary(
      options, report, measurements, coverage, numFloatOps, islands.size(),
      countConstantBytes(*referenceFunc), countConstantBytes(*quantizedFunc));
  report["float_ops"] = std::move(floatArray);
  report["float_islands"] = std::move(islandArray);

  // Labels that fit no output are worth a word.
  Array warnings;
  if (measurements.size() > 1 && measurements[1]->hasLabels &&
      !measurements[1]->labeledOutput)
    warnings.push_back(
        "the validation labels were not used: no model output holds one row "
        "of class scores per sample");
  for (std::string &warning : checkCalibration(report))
    warnings.push_back(std::move(warning));
  (*report.getObject("summary"))["warnings"] = std::move(warnings);
  return report;
}

} // namespace qcc
