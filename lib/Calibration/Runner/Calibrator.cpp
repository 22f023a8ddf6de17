//===- Calibrator.cpp - observed value ranges for the quantizer -----------===//

#include "qcc/Calibration/Calibrator.h"

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"

#include "Instrumentation.h"
#include "qcc/Calibration/JitModel.h"
#include "qcc/Calibration/Profile.h"
#include "qcc/Calibration/ProgressLine.h"
#include "qcc/Calibration/TensorStatistics.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <tuple>

using namespace mlir;

namespace qcc {

namespace {

/// An output buffer of the instrumented model.
struct OutputBuffer {
  /// uint64_t words keep f32 and f64 elements aligned.
  std::vector<uint64_t> words;
};

/// One tensor that calibration gives a range (see Calibrator.h).
struct Tensor {
  /// Unique among the model's tensors; what profiles and overrides use.
  std::string name;
  /// The name before disambiguation; overrides may use it too.
  std::string baseName;
  /// The range goes to result `index` of `op`, or to argument `index` of
  /// the model function when `op` is null.
  Operation *op;
  unsigned index;
  CalibrationChoice choice;
};

} // namespace

static LogicalResult checkOptions(ModuleOp module,
                                  const CalibrationOptions &options) {
  if (options.method == CalibrationMethod::Percentile &&
      !(options.percentile >= 50.0 && options.percentile <= 100.0)) {
    std::string text;
    llvm::raw_string_ostream(text) << llvm::format("%g", options.percentile);
    return module.emitError("calibration percentile ")
           << text << " is outside [50, 100]";
  }
  if (options.optLevel > 3)
    return module.emitError("calibration opt level ")
           << options.optLevel << " is outside 0-3";
  return success();
}

/// Checks that `data` was loaded for the inputs of `func`.
static LogicalResult checkData(func::FuncOp func, const CalibrationData &data) {
  FailureOr<std::vector<CalibrationInput>> inputs = getCalibrationInputs(func);
  if (failed(inputs))
    return failure();
  bool matches = inputs->size() == data.getNumInputs();
  for (unsigned i = 0; matches && i < data.getNumInputs(); ++i)
    matches = (*inputs)[i].name == data.getInput(i).name &&
              (*inputs)[i].type == data.getInput(i).type;
  if (!matches)
    return func.emitError("calibration data was loaded for other inputs "
                          "than this function's");
  return success();
}

/// The name of `op`'s tensors before disambiguation: its location's name,
/// else the op's name.
static std::string baseNameOf(Operation *op) {
  return getLocationName(op->getLoc())
      .value_or(op->getName().getStringRef().str());
}

/// The values `func` returns and, through ops whose result takes its input's
/// range (qcc-propagate-ranges: reshape, transpose, slice, identity, max
/// pooling), the values they are made of.
static llvm::DenseSet<Value> getModelOutputs(func::FuncOp func) {
  llvm::DenseSet<Value> outputs;
  SmallVector<Value> worklist(
      func.getBody().front().getTerminator()->getOperands());
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (!outputs.insert(value).second)
      continue;
    Operation *producer = value.getDefiningOp();
    if (isa_and_present<tosa::ReshapeOp, tosa::TransposeOp, tosa::SliceOp,
                        tosa::IdentityOp, tosa::MaxPool2dOp>(producer))
      worklist.push_back(producer->getOperand(0));
  }
  return outputs;
}

/// The float inputs of `func`, then `results`, named as Calibrator.h says,
/// with the methods `options` give them.
static FailureOr<std::vector<Tensor>>
listTensors(func::FuncOp func, ArrayRef<CalibrationInput> inputs,
            ArrayRef<OpResult> results, const CalibrationOptions &options) {
  CalibrationChoice global{options.method, options.percentile};
  // Global entropy leaves the model's inputs and outputs at their observed
  // range; an override may still name them.
  CalibrationChoice boundary = global;
  if (global.method == CalibrationMethod::Entropy)
    boundary.method = CalibrationMethod::MinMax;
  llvm::DenseSet<Value> outputs = getModelOutputs(func);
  std::vector<Tensor> tensors;
  for (auto [index, input] : llvm::enumerate(inputs))
    if (isa<FloatType>(input.type.getElementType()))
      tensors.push_back({"", input.name, nullptr, unsigned(index), boundary});
  for (OpResult result : results)
    tensors.push_back({"", baseNameOf(result.getOwner()), result.getOwner(),
                       result.getResultNumber(),
                       outputs.contains(result) ? boundary : global});

  llvm::StringMap<unsigned> uses, seen;
  for (const Tensor &tensor : tensors)
    ++uses[tensor.baseName];
  llvm::StringSet<> names;
  for (Tensor &tensor : tensors) {
    tensor.name = tensor.baseName;
    if (uses[tensor.baseName] > 1)
      tensor.name += "#" + std::to_string(seen[tensor.baseName]++);
    if (!names.insert(tensor.name).second)
      return func.emitError("calibration cannot name its tensors uniquely: '")
             << tensor.name << "' is both a name and a numbered name";
  }

  for (const std::string &text : options.overrides) {
    auto parsed = parseCalibrationOverride(text);
    if (!parsed)
      return func.emitError("invalid calibration method override '")
             << text
             << "'; expected <tensor>=<method> with method minmax, "
                "percentile[=p] (50 <= p <= 100), entropy or mse";
    bool matched = false;
    for (Tensor &tensor : tensors) {
      if (tensor.name == parsed->first || tensor.baseName == parsed->first) {
        tensor.choice = parsed->second;
        matched = true;
      }
    }
    if (!matched) {
      InFlightDiagnostic diag = func.emitError("calibration method override '");
      diag << text << "': the model has no tensor named '" << parsed->first
           << "' (its tensors: ";
      constexpr size_t kShown = 20;
      for (auto [index, tensor] :
           llvm::enumerate(ArrayRef(tensors).take_front(kShown)))
        diag << (index ? ", " : "") << "'" << tensor.name << "'";
      if (tensors.size() > kShown)
        diag << ", ... (" << tensors.size() << " in all)";
      return diag << ")";
    }
  }
  return tensors;
}

static bool needsHistogram(const CalibrationChoice &choice) {
  return choice.method == CalibrationMethod::Entropy ||
         choice.method == CalibrationMethod::Mse;
}

/// Removes the ranges of an earlier calibration from `func`.
static void clearRanges(func::FuncOp func) {
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    func.removeArgAttr(i, attr::kRange);
  func.walk([](Operation *op) {
    op->removeAttr(attr::kRange);
    op->removeAttr(attr::kRanges);
  });
}

/// Writes each tensor's range (`statistics` in the order of `tensors`) onto
/// the model function (see Calibrator.h). Warns about left-out values;
/// fails when a method cannot be applied, naming `profilePath` if the
/// statistics came from a profile.
static LogicalResult
annotate(func::FuncOp func, ArrayRef<Tensor> tensors,
         ArrayRef<std::pair<std::string, TensorStatistics>> statistics,
         StringRef profilePath) {
  clearRanges(func);
  Builder builder(func.getContext());
  llvm::MapVector<Operation *, SmallVector<Attribute>> opRanges;
  for (auto [tensor, entry] : llvm::zip_equal(tensors, statistics)) {
    const TensorStatistics &stats = entry.second;
    Operation *anchor = tensor.op ? tensor.op : func.getOperation();
    std::string what = tensor.op ? "result #" + std::to_string(tensor.index)
                                 : "input '" + tensor.baseName + "'";
    if (stats.numNonFinite != 0) {
      InFlightDiagnostic diag = anchor->emitWarning("calibration: ");
      diag << what << " took " << stats.numNonFinite
           << " NaN or infinite values";
      diag << (stats.numFinite ? ", left out of its range"
                               : " and no finite one; it gets no range");
    }
    if (stats.numFinite == 0)
      continue;
    std::string why;
    std::optional<ValueRange> range = computeRange(stats, tensor.choice, &why);
    if (!range) {
      InFlightDiagnostic diag = anchor->emitError();
      if (!profilePath.empty())
        diag << "calibration profile '" << profilePath << "': ";
      return diag << "tensor '" << tensor.name << "': no "
                  << stringifyCalibrationChoice(tensor.choice)
                  << " range: " << why;
    }
    auto attr = builder.getDenseF64ArrayAttr({range->low, range->high});
    if (!tensor.op) {
      func.setArgAttr(tensor.index, attr::kRange, attr);
      continue;
    }
    auto &ranges = opRanges[tensor.op];
    if (ranges.empty())
      ranges.assign(tensor.op->getNumResults(),
                    builder.getDenseF64ArrayAttr({}));
    ranges[tensor.index] = attr;
  }
  for (auto &[op, ranges] : opRanges) {
    if (op->getNumResults() == 1)
      op->setAttr(attr::kRange, ranges.front());
    else
      op->setAttr(attr::kRanges, builder.getArrayAttr(ranges));
  }
  return success();
}

/// Checks the compiled model against what instrumentation promised, so that
/// reading its outputs cannot overrun a buffer.
static LogicalResult checkABI(func::FuncOp func, const ModelABI &abi,
                              const CalibrationData &data,
                              ArrayRef<Probe> probes) {
  auto matches = [&](const Probe &probe) {
    if (probe.output >= abi.outputs.size())
      return false;
    RankedTensorType type = abi.outputs[probe.output].type;
    Type element = type.getElementType();
    return type.getNumElements() == probe.numElements &&
           (probe.isF64 ? element.isF64() : element.isF32());
  };
  if (abi.inputs.size() != data.getNumInputs() ||
      !llvm::all_of(probes, matches))
    return func.emitError("the compiled calibration model does not have the "
                          "inputs and outputs instrumentation gave it");
  return success();
}

namespace {
/// Where a tensor's values are, in each run of the instrumented model: an
/// input or an output buffer.
struct Source {
  bool isInput;
  unsigned index;
  int64_t numElements;
  bool isF64;
};
} // namespace

/// Runs every sample through `model`, in order, on this thread, and calls
/// `observe(source, values)` for each tensor's values.
static void runSamples(
    JitModel &model, const CalibrationData &data, ArrayRef<Source> sources,
    const CalibrationOptions &options, StringRef label,
    llvm::function_ref<void(unsigned tensor, const void *values)> observe) {
  std::vector<OutputBuffer> outputs(model.getABI().outputs.size());
  SmallVector<void *> outputPointers;
  for (auto [buffer, output] : llvm::zip(outputs, model.getABI().outputs)) {
    int64_t bytes =
        output.type.getNumElements() * output.type.getElementTypeBitWidth() / 8;
    buffer.words.resize((bytes + 7) / 8);
    outputPointers.push_back(buffer.words.data());
  }
  int64_t numSamples = data.getNumSamples();
  ProgressLine progress(options.progress, numSamples, label);
  SmallVector<const void *> inputPointers(data.getNumInputs());
  for (int64_t sample = 0; sample < numSamples; ++sample) {
    for (unsigned i = 0; i < data.getNumInputs(); ++i)
      inputPointers[i] = data.getSample(i, sample);
    model.run(inputPointers, outputPointers);
    for (auto [tensor, source] : llvm::enumerate(sources))
      observe(tensor, source.isInput ? inputPointers[source.index]
                                     : outputPointers[source.index]);
    progress.update(sample + 1);
  }
}

/// Adds `source.numElements` values at `values` (f32 or f64).
template <typename Accumulator>
static void addValues(Accumulator &accumulator, const Source &source,
                      const void *values) {
  if (source.isF64)
    accumulator.add(
        ArrayRef(static_cast<const double *>(values), source.numElements));
  else
    accumulator.add(
        ArrayRef(static_cast<const float *>(values), source.numElements));
}

/// Measures the statistics of every tensor: counts, extremes and the tails
/// the percentile choices (or a saved profile) need in a first pass over the
/// samples; the histograms, where needed, in a second one.
static CalibrationProfile measure(JitModel &model, const CalibrationData &data,
                                  ArrayRef<Tensor> tensors,
                                  ArrayRef<Source> sources,
                                  const CalibrationOptions &options) {
  bool saving = !options.saveProfile.empty();
  int64_t numSamples = data.getNumSamples();
  std::vector<RangeAccumulator> accumulators;
  for (auto [tensor, source] : llvm::zip_equal(tensors, sources)) {
    bool percentile = tensor.choice.method == CalibrationMethod::Percentile;
    double keep = percentile ? tensor.choice.percentile : options.percentile;
    if (saving)
      keep = std::min(keep, options.percentile);
    accumulators.emplace_back(percentile || saving
                                  ? CalibrationMethod::Percentile
                                  : CalibrationMethod::MinMax,
                              keep, source.numElements * numSamples);
  }
  runSamples(model, data, sources, options, "calibrating",
             [&](unsigned tensor, const void *values) {
               addValues(accumulators[tensor], sources[tensor], values);
             });

  CalibrationProfile profile;
  profile.samples = numSamples;
  for (auto [tensor, accumulator] : llvm::zip_equal(tensors, accumulators)) {
    TensorStatistics statistics;
    statistics.numFinite = accumulator.getNumFinite();
    statistics.numNonFinite = accumulator.getNumNonFinite();
    if (statistics.numFinite != 0) {
      statistics.min = accumulator.getMin();
      statistics.max = accumulator.getMax();
      std::tie(statistics.smallest, statistics.largest) =
          accumulator.takeTails();
    }
    profile.tensors.emplace_back(tensor.name, std::move(statistics));
  }

  std::vector<std::unique_ptr<HistogramAccumulator>> histograms;
  for (auto [tensor, entry] : llvm::zip_equal(tensors, profile.tensors))
    histograms.push_back(
        entry.second.numFinite != 0 && (saving || needsHistogram(tensor.choice))
            ? std::make_unique<HistogramAccumulator>(entry.second)
            : nullptr);
  if (llvm::any_of(histograms, [](const auto &h) { return h != nullptr; }))
    runSamples(model, data, sources, options, "histograms",
               [&](unsigned tensor, const void *values) {
                 if (histograms[tensor])
                   addValues(*histograms[tensor], sources[tensor], values);
               });
  return profile;
}

/// The tensors of `func`: its float inputs and `results`.
static FailureOr<std::vector<Tensor>>
getTensors(func::FuncOp func, ArrayRef<OpResult> results,
           const CalibrationOptions &options) {
  FailureOr<std::vector<CalibrationInput>> inputs = getCalibrationInputs(func);
  if (failed(inputs))
    return failure();
  return listTensors(func, *inputs, results, options);
}

LogicalResult calibrateModule(ModuleOp module, const CalibrationData &data,
                              const ModelLowering &lowering,
                              const CalibrationOptions &options) {
  if (failed(checkOptions(module, options)))
    return failure();
  FailureOr<func::FuncOp> maybeFunc =
      findModelFunction(module, options.entry, "calibrate");
  if (failed(maybeFunc) || failed(checkData(*maybeFunc, data)))
    return failure();
  func::FuncOp func = *maybeFunc;

  FailureOr<InstrumentedModel> instrumented = instrumentModel(module, func);
  if (failed(instrumented))
    return failure();
  std::vector<OpResult> results;
  for (const Probe &probe : instrumented->probes)
    results.push_back(probe.op->getResult(probe.resultIndex));
  FailureOr<std::vector<Tensor>> tensors = getTensors(func, results, options);
  if (failed(tensors))
    return failure();
  FailureOr<std::unique_ptr<JitModel>> model =
      JitModel::compile(*instrumented->module, lowering, func.getSymName(),
                        "qcc_calib", options.optLevel);
  if (failed(model))
    return func.emitError("calibration could not compile the float model");
  if (failed(checkABI(func, (*model)->getABI(), data, instrumented->probes)))
    return failure();

  // Tensors are the float inputs, then the probes, in order.
  std::vector<Source> sources;
  for (unsigned i = 0; i < data.getNumInputs(); ++i) {
    RankedTensorType type = data.getInput(i).type;
    if (isa<FloatType>(type.getElementType()))
      sources.push_back(
          {true, i, type.getNumElements(), type.getElementType().isF64()});
  }
  for (const Probe &probe : instrumented->probes)
    sources.push_back({false, probe.output, probe.numElements, probe.isF64});

  CalibrationProfile profile =
      measure(**model, data, *tensors, sources, options);
  if (!options.saveProfile.empty() &&
      failed(writeCalibrationProfile(profile, options.saveProfile,
                                     module.getLoc())))
    return failure();
  if (failed(annotate(func, *tensors, profile.tensors, "")))
    return failure();
  setCalibrationSamples(module, data.getNumSamples());
  return success();
}

LogicalResult calibrateModuleFromProfile(ModuleOp module, StringRef profilePath,
                                         const CalibrationOptions &options) {
  if (!options.saveProfile.empty())
    return module.emitError("calibration cannot both load and save a "
                            "profile");
  if (failed(checkOptions(module, options)))
    return failure();
  FailureOr<func::FuncOp> func =
      findModelFunction(module, options.entry, "calibrate");
  if (failed(func))
    return failure();
  if (!func->getBody().hasOneBlock())
    return func->emitError("calibration expects a model function with a "
                           "single block");
  FailureOr<std::vector<Tensor>> tensors =
      getTensors(*func, getObservedResults(*func), options);
  if (failed(tensors))
    return failure();
  FailureOr<CalibrationProfile> profile =
      readCalibrationProfile(profilePath, module.getLoc());
  if (failed(profile))
    return failure();

  // The profile's statistics in the model's order; every tensor exactly
  // once.
  llvm::StringMap<size_t> byName;
  for (auto [index, entry] : llvm::enumerate(profile->tensors))
    byName[entry.first] = index;
  bool complete = true;
  auto profileError = [&]() {
    complete = false;
    return module.emitError("calibration profile '") << profilePath << "': ";
  };
  std::vector<std::pair<std::string, TensorStatistics>> ordered;
  for (const Tensor &tensor : *tensors) {
    auto it = byName.find(tensor.name);
    if (it == byName.end()) {
      profileError() << "no tensor '" << tensor.name
                     << "', which the model has (was the profile saved for "
                        "another model?)";
      continue;
    }
    ordered.push_back(std::move(profile->tensors[it->second]));
    byName.erase(it);
  }
  for (const auto &entry : profile->tensors)
    if (byName.count(entry.first))
      profileError() << "tensor '" << entry.first
                     << "' is not a tensor of the model";
  if (!complete)
    return failure();

  if (failed(annotate(*func, *tensors, ordered, profilePath)))
    return failure();
  setCalibrationSamples(module, profile->samples);
  return success();
}

LogicalResult calibrateModule(ModuleOp module, StringRef dataPath,
                              const ModelLowering &lowering,
                              const CalibrationOptions &options) {
  if (failed(checkOptions(module, options)))
    return failure();
  FailureOr<func::FuncOp> func =
      findModelFunction(module, options.entry, "calibrate");
  if (failed(func))
    return failure();
  FailureOr<std::vector<CalibrationInput>> inputs = getCalibrationInputs(*func);
  if (failed(inputs))
    return failure();
  llvm::Expected<CalibrationData> data =
      CalibrationData::load(dataPath, *inputs);
  if (!data)
    return func->emitError("invalid calibration data: ")
           << llvm::toString(data.takeError());
  return calibrateModule(module, *data, lowering, options);
}

} // namespace qcc
