//===- PrecisionSearch.cpp - automatic mixed precision --------------------===//
//
// Sensitivity is measured one layer at a time: the output SQNR of the model
// with only that layer in float, everything else int8. The search then
// walks the layers from the most to the least sensitive, promoting each to
// int16 and keeping the promotion if it raised the SQNR, until the budget is
// met; if all int16 promotions are not enough, it moves layers to float in
// the same order. Every configuration is compiled and run in-process on the
// calibration samples, so the numbers are the generated code's own.
//
//===----------------------------------------------------------------------===//

#include "qcc/Report/PrecisionSearch.h"

#include "qcc/Calibration/CalibrationData.h"
#include "qcc/Calibration/JitModel.h"
#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace qcc {
namespace {

/// Runs models on the calibration samples and compares their outputs with
/// the float model's.
class OutputComparator {
public:
  static FailureOr<OutputComparator>
  create(ModuleOp ranged, const PrecisionSearchOptions &options) {
    FailureOr<func::FuncOp> func = findModelFunction(ranged, options.entry);
    if (failed(func))
      return failure();
    FailureOr<std::vector<CalibrationInput>> inputs =
        getCalibrationInputs(*func);
    if (failed(inputs))
      return failure();
    llvm::Expected<CalibrationData> data =
        CalibrationData::load(options.calibrationData, *inputs);
    if (!data)
      return ranged.emitError(llvm::toString(data.takeError()));
    OutputComparator comparator(std::move(*data), options.entry);
    OwningOpRef<ModuleOp> copy = ranged.clone();
    auto model = JitModel::compile(*copy, getFloatModelLowering(),
                                   options.entry, "qcc_search_float");
    if (failed(model))
      return failure();
    comparator.reference = comparator.runAll(**model);
    return comparator;
  }

  /// The SQNR in dB of all outputs of `quantized` (a module after the
  /// quantize-ops pipeline) against the float model.
  FailureOr<double> measure(ModuleOp quantized) {
    auto model = JitModel::compile(quantized, getFloatModelLowering(), entry,
                                   "qcc_search_candidate");
    if (failed(model))
      return failure();
    std::vector<std::vector<float>> outputs = runAll(**model);
    double signal = 0.0, noise = 0.0;
    for (auto [expected, actual] : llvm::zip_equal(reference, outputs))
      for (auto [e, a] : llvm::zip_equal(expected, actual)) {
        signal += double(e) * double(e);
        noise += (double(a) - double(e)) * (double(a) - double(e));
      }
    if (noise == 0.0)
      return std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(signal / noise);
  }

private:
  OutputComparator(CalibrationData data, std::string entry)
      : data(std::move(data)), entry(std::move(entry)) {}

  /// Every float output of every sample, concatenated per output.
  std::vector<std::vector<float>> runAll(JitModel &model) {
    const ModelABI &abi = model.getABI();
    std::vector<std::vector<float>> all(abi.outputs.size());
    std::vector<std::vector<float>> buffers;
    SmallVector<void *> pointers;
    for (const ABITensor &output : abi.outputs)
      buffers.emplace_back(output.type.getNumElements());
    for (auto &buffer : buffers)
      pointers.push_back(buffer.data());
    for (int64_t sample = 0; sample < data.getNumSamples(); ++sample) {
      SmallVector<const void *> inputs;
      for (unsigned i = 0; i < data.getNumInputs(); ++i)
        inputs.push_back(data.getSample(i, sample));
      model.run(inputs, pointers);
      for (auto [index, buffer] : llvm::enumerate(buffers))
        llvm::append_range(all[index], buffer);
    }
    return all;
  }

  CalibrationData data;
  std::string entry;
  std::vector<std::vector<float>> reference;
};

/// The layers worth a precision of their own: convolutions, matrix
/// multiplications and elementwise add/mul, by ONNX node name, in program
/// order.
std::vector<std::string> getCandidateLayers(func::FuncOp func) {
  std::vector<std::string> names;
  llvm::StringSet<> seen;
  func.walk([&](Operation *op) {
    if (!isa<tosa::Conv2DOp, tosa::DepthwiseConv2DOp, tosa::MatMulOp,
             tosa::AddOp, tosa::MulOp>(op))
      return;
    std::optional<std::string> name = getLocationName(op->getLoc());
    if (name && seen.insert(*name).second)
      names.push_back(*name);
  });
  return names;
}

} // namespace

FailureOr<PrecisionSearchResult>
searchPrecision(ModuleOp ranged, QuantizeWithPrecisionFn quantize,
                const PrecisionSearchOptions &options) {
  FailureOr<func::FuncOp> func = findModelFunction(ranged, options.entry);
  if (failed(func))
    return failure();
  FailureOr<OutputComparator> comparator =
      OutputComparator::create(ranged, options);
  if (failed(comparator))
    return failure();
  auto evaluate = [&](ArrayRef<std::string> int16,
                      ArrayRef<std::string> keepFloat,
                      const llvm::Twine &what) -> FailureOr<double> {
    if (options.note)
      options.note("mixed precision: measuring " + what);
    OwningOpRef<ModuleOp> copy = ranged.clone();
    if (failed(quantize(*copy, int16, keepFloat)))
      return failure();
    return comparator->measure(*copy);
  };

  PrecisionSearchResult result;
  FailureOr<double> base = evaluate({}, {}, "every layer in int8");
  if (failed(base))
    return failure();
  result.int8SqnrDb = result.finalSqnrDb = *base;
  result.met = *base >= options.minSqnrDb;
  if (result.met)
    return result;

  std::vector<std::string> candidates = getCandidateLayers(*func);
  for (auto [index, layer] : llvm::enumerate(candidates)) {
    FailureOr<double> sqnr =
        evaluate({}, {layer},
                 "the sensitivity of " + layer + " (" + llvm::Twine(index + 1) +
                     " of " + llvm::Twine(candidates.size()) + ")");
    if (failed(sqnr))
      return failure();
    result.sensitivity.emplace_back(layer, *sqnr);
  }
  // Most sensitive first: the largest gain from keeping it in float; ties
  // in program order.
  // (std::stable_sort is deprecated in this libstdc++: sort by position.)
  std::vector<size_t> order(result.sensitivity.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  llvm::sort(order, [&](size_t a, size_t b) {
    double gainA = result.sensitivity[a].second;
    double gainB = result.sensitivity[b].second;
    return gainA != gainB ? gainA > gainB : a < b;
  });
  std::vector<std::pair<std::string, double>> sorted;
  for (size_t i : order)
    sorted.push_back(result.sensitivity[i]);
  result.sensitivity = std::move(sorted);

  auto tryPromotion = [&](const std::string &layer,
                          StringRef precision) -> LogicalResult {
    std::vector<std::string> int16 = result.int16;
    std::vector<std::string> keepFloat = result.keepFloat;
    if (precision == "int16") {
      int16.push_back(layer);
    } else {
      llvm::erase(int16, layer);
      keepFloat.push_back(layer);
    }
    FailureOr<double> sqnr =
        evaluate(int16, keepFloat, layer + " in " + precision);
    if (failed(sqnr))
      return failure();
    PrecisionDecision decision{layer, precision.str(), result.finalSqnrDb,
                               *sqnr, *sqnr > result.finalSqnrDb};
    if (decision.kept) {
      result.int16 = std::move(int16);
      result.keepFloat = std::move(keepFloat);
      result.finalSqnrDb = *sqnr;
      result.met = *sqnr >= options.minSqnrDb;
    }
    result.decisions.push_back(decision);
    return success();
  };
  for (StringRef precision : {"int16", "float"})
    for (const auto &entry : result.sensitivity) {
      if (result.met)
        return result;
      if (failed(tryPromotion(entry.first, precision)))
        return failure();
    }
  return result;
}

llvm::json::Value PrecisionSearchResult::toJSON(double minSqnrDb) const {
  llvm::json::Array sensitivityArray;
  for (const auto &[layer, sqnr] : sensitivity)
    sensitivityArray.push_back(llvm::json::Object{
        {"layer", layer}, {"output_sqnr_db_with_layer_in_float", sqnr}});
  llvm::json::Array decisionArray;
  for (const PrecisionDecision &decision : decisions)
    decisionArray.push_back(
        llvm::json::Object{{"layer", decision.layer},
                           {"precision", decision.precision},
                           {"output_sqnr_db_before", decision.sqnrBeforeDb},
                           {"output_sqnr_db_after", decision.sqnrAfterDb},
                           {"kept", decision.kept}});
  auto finite = [](double value) -> llvm::json::Value {
    if (std::isfinite(value))
      return value;
    return "inf";
  };
  return llvm::json::Object{{"mode", "auto"},
                            {"min_sqnr_db", minSqnrDb},
                            {"int8_output_sqnr_db", finite(int8SqnrDb)},
                            {"final_output_sqnr_db", finite(finalSqnrDb)},
                            {"met", met},
                            {"sensitivity", std::move(sensitivityArray)},
                            {"decisions", std::move(decisionArray)},
                            {"int16", llvm::json::Array(int16)},
                            {"keep_float", llvm::json::Array(keepFloat)}};
}

} // namespace qcc
