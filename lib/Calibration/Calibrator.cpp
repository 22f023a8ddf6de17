//===- Calibrator.cpp - observed value ranges for the quantizer -----------===//

#include "qcc/Calibration/Calibrator.h"

#include "Instrumentation.h"
#include "qcc/Calibration/JitModel.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>

using namespace mlir;

namespace qcc {

// The attributes qcc/Quantization/Ranges.h reads; spelled out here so that
// calibration does not depend on the quantizer's library.
static constexpr llvm::StringLiteral kRangeAttr = "qcc.range";
static constexpr llvm::StringLiteral kRangesAttr = "qcc.ranges";

FailureOr<func::FuncOp> findModelFunction(ModuleOp module, StringRef entry) {
  if (!entry.empty()) {
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func || func.isExternal())
      return module.emitError("entry function '")
             << entry << "' is not defined in the module";
    return func;
  }
  func::FuncOp found;
  unsigned count = 0;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isPublic() && !func.isExternal()) {
      found = func;
      ++count;
    }
  }
  if (count != 1)
    return module.emitError("expected exactly one public function to "
                            "calibrate, found ")
           << count;
  return found;
}

namespace {

/// "calibrating: 120/1000 samples" on stderr: rewritten in place on a
/// terminal, otherwise a line per tenth, and only for long runs.
class ProgressLine {
public:
  static constexpr int64_t kManySamples = 1000;

  ProgressLine(bool allowed, int64_t total)
      : total(total), terminal(llvm::errs().is_displayed()) {
    enabled = allowed && (terminal || total >= kManySamples);
  }
  ~ProgressLine() {
    if (enabled && terminal && shown)
      llvm::errs() << "\n";
  }

  void update(int64_t done) {
    if (!enabled)
      return;
    int64_t step = terminal ? std::max<int64_t>(total / 100, 1)
                            : std::max<int64_t>(total / 10, 1);
    if (done % step != 0 && done != total)
      return;
    llvm::errs() << (terminal ? "\r" : "") << "calibrating: " << done << "/"
                 << total << " samples" << (terminal ? "" : "\n");
    llvm::errs().flush();
    shown = true;
  }

private:
  int64_t total;
  bool terminal;
  bool enabled;
  bool shown = false;
};

/// An output buffer of the instrumented model.
struct OutputBuffer {
  /// uint64_t words keep f32 and f64 elements aligned.
  std::vector<uint64_t> words;
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

/// Turns an accumulator into an attribute; warns on `op` about left-out
/// values and missing ranges. Returns null when there is no range.
static DenseF64ArrayAttr finishRange(RangeAccumulator &accumulator,
                                     Operation *op, const Twine &what) {
  std::optional<ValueRange> range = accumulator.getRange();
  if (accumulator.getNumNonFinite() != 0) {
    InFlightDiagnostic diag = op->emitWarning("calibration: ");
    diag << what << " took " << accumulator.getNumNonFinite()
         << " NaN or infinite values";
    diag << (range ? ", left out of its range"
                   : " and no finite one; it "
                     "gets no range");
  }
  if (!range)
    return {};
  return DenseF64ArrayAttr::get(op->getContext(), {range->low, range->high});
}

/// Removes the ranges of an earlier calibration from `func`.
static void clearRanges(func::FuncOp func) {
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    func.removeArgAttr(i, kRangeAttr);
  func.walk([](Operation *op) {
    op->removeAttr(kRangeAttr);
    op->removeAttr(kRangesAttr);
  });
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
/// Everything the samples showed, one accumulator per observed tensor.
struct Observations {
  std::vector<RangeAccumulator> probes;
  std::vector<RangeAccumulator> inputs;
};
} // namespace

/// Adds `count` elements at `values` (f32 or f64) to `accumulator`.
static void observe(RangeAccumulator &accumulator, const void *values,
                    int64_t count, bool isF64) {
  if (isF64)
    accumulator.add(ArrayRef(static_cast<const double *>(values), count));
  else
    accumulator.add(ArrayRef(static_cast<const float *>(values), count));
}

/// Runs every sample through `model`, in order, on this thread.
static Observations runSamples(JitModel &model, const CalibrationData &data,
                               ArrayRef<Probe> probes,
                               const CalibrationOptions &options) {
  std::vector<OutputBuffer> outputs(model.getABI().outputs.size());
  SmallVector<void *> outputPointers;
  for (auto [buffer, output] : llvm::zip(outputs, model.getABI().outputs)) {
    int64_t bytes =
        output.type.getNumElements() * output.type.getElementTypeBitWidth() / 8;
    buffer.words.resize((bytes + 7) / 8);
    outputPointers.push_back(buffer.words.data());
  }

  int64_t numSamples = data.getNumSamples();
  Observations seen;
  for (const Probe &probe : probes)
    seen.probes.emplace_back(options.method, options.percentile,
                             probe.numElements * numSamples);
  for (unsigned i = 0; i < data.getNumInputs(); ++i)
    seen.inputs.emplace_back(options.method, options.percentile,
                             data.getInput(i).type.getNumElements() *
                                 numSamples);

  ProgressLine progress(options.progress, numSamples);
  SmallVector<const void *> inputPointers(data.getNumInputs());
  for (int64_t sample = 0; sample < numSamples; ++sample) {
    for (unsigned i = 0; i < data.getNumInputs(); ++i)
      inputPointers[i] = data.getSample(i, sample);
    model.run(inputPointers, outputPointers);
    for (auto [probe, accumulator] : llvm::zip(probes, seen.probes))
      observe(accumulator, outputPointers[probe.output], probe.numElements,
              probe.isF64);
    for (unsigned i = 0; i < data.getNumInputs(); ++i) {
      RankedTensorType type = data.getInput(i).type;
      if (isa<FloatType>(type.getElementType()))
        observe(seen.inputs[i], inputPointers[i], type.getNumElements(),
                type.getElementType().isF64());
    }
    progress.update(sample + 1);
  }
  return seen;
}

/// Writes the ranges onto the model function (see Calibrator.h).
static void annotate(func::FuncOp func, const CalibrationData &data,
                     ArrayRef<Probe> probes, Observations &seen) {
  clearRanges(func);
  Builder builder(func.getContext());
  for (unsigned i = 0; i < data.getNumInputs(); ++i) {
    if (!isa<FloatType>(data.getInput(i).type.getElementType()))
      continue;
    if (DenseF64ArrayAttr range = finishRange(
            seen.inputs[i], func, "input '" + data.getInput(i).name + "'"))
      func.setArgAttr(i, kRangeAttr, range);
  }
  // Probes come grouped by op, in result order.
  for (size_t first = 0, e = probes.size(); first < e;) {
    Operation *op = probes[first].op;
    SmallVector<Attribute> ranges(op->getNumResults(),
                                  builder.getDenseF64ArrayAttr({}));
    bool any = false;
    for (; first < e && probes[first].op == op; ++first) {
      unsigned resultIndex = probes[first].resultIndex;
      if (DenseF64ArrayAttr range = finishRange(
              seen.probes[first], op, "result #" + Twine(resultIndex))) {
        ranges[resultIndex] = range;
        any = true;
      }
    }
    if (!any)
      continue;
    if (op->getNumResults() == 1)
      op->setAttr(kRangeAttr, ranges.front());
    else
      op->setAttr(kRangesAttr, builder.getArrayAttr(ranges));
  }
}

LogicalResult calibrateModule(ModuleOp module, const CalibrationData &data,
                              const CalibrationOptions &options) {
  if (failed(checkOptions(module, options)))
    return failure();
  FailureOr<func::FuncOp> maybeFunc = findModelFunction(module, options.entry);
  if (failed(maybeFunc) || failed(checkData(*maybeFunc, data)))
    return failure();
  func::FuncOp func = *maybeFunc;

  FailureOr<InstrumentedModel> instrumented = instrumentModel(module, func);
  if (failed(instrumented))
    return failure();
  FailureOr<std::unique_ptr<JitModel>> model = JitModel::compile(
      *instrumented->module, func.getSymName(), "qcc_calib", options.optLevel);
  if (failed(model))
    return func.emitError("calibration could not compile the float model");
  if (failed(checkABI(func, (*model)->getABI(), data, instrumented->probes)))
    return failure();

  Observations seen = runSamples(**model, data, instrumented->probes, options);
  annotate(func, data, instrumented->probes, seen);
  module->setAttr(
      kCalibrationSamplesAttrName,
      Builder(module.getContext()).getI64IntegerAttr(data.getNumSamples()));
  return success();
}

LogicalResult calibrateModule(ModuleOp module, StringRef dataPath,
                              const CalibrationOptions &options) {
  if (failed(checkOptions(module, options)))
    return failure();
  FailureOr<func::FuncOp> func = findModelFunction(module, options.entry);
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
  return calibrateModule(module, *data, options);
}

} // namespace qcc
