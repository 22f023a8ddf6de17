//===- ModelComparison.cpp - float and quantized models on a data set -----===//

#include "ModelComparison.h"

#include "qcc/Calibration/CalibrationData.h"
#include "qcc/Calibration/ProgressLine.h"
#include "qcc/Calibration/ZipArchive.h"
#include "qcc/Dialect/Qcc/IR/QccOps.h"
#include "qcc/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>

using namespace mlir;

namespace qcc {

void ErrorStats::add(ArrayRef<float> expected, ArrayRef<float> actual) {
  for (auto [e, a] : llvm::zip_equal(expected, actual)) {
    double difference = double(a) - double(e);
    signal += double(e) * double(e);
    noise += difference * difference;
    maxAbsError = std::max(maxAbsError, std::fabs(difference));
  }
}

std::optional<double> ErrorStats::getSqnrDb() const {
  if (noise == 0.0)
    return std::nullopt;
  return 10.0 * std::log10(signal / noise);
}

void Distribution::add(ArrayRef<float> values) {
  histogram.add(values);
  if (!range)
    return;
  for (float value : values) {
    below += value < range->min;
    above += value > range->max;
  }
}

namespace {
/// A module copy whose model function also returns some of its values.
struct Probed {
  OwningOpRef<ModuleOp> module;
  SmallVector<int64_t> sizes;
};
} // namespace

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

/// Copies `module` and returns, after the model's own results, the float
/// values of `ops` or the dequantized results of the quantized `ops`.
static FailureOr<Probed> probe(ModuleOp module, StringRef entry,
                               ArrayRef<Operation *> ops, bool dequantize) {
  Probed probed;
  probed.module = module.clone();
  FailureOr<func::FuncOp> func = findModelFunction(*probed.module, entry);
  if (failed(func))
    return failure();
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

ModelComparison::~ModelComparison() = default;
ModelComparison::ModelComparison(ModelComparison &&) = default;

FailureOr<ModelComparison> ModelComparison::create(
    ModuleOp reference, ModuleOp quantized, ArrayRef<Operation *> floatOps,
    ArrayRef<Operation *> quantizedOps,
    ArrayRef<std::optional<RealRange>> layerRanges, StringRef entry) {
  FailureOr<func::FuncOp> func = findModelFunction(reference, entry);
  if (failed(func))
    return failure();
  ModelComparison comparison;
  comparison.numOutputs = func->getNumResults();
  comparison.layerRanges.assign(layerRanges.begin(), layerRanges.end());

  FailureOr<Probed> floatProbe =
      probe(reference, entry, floatOps, /*dequantize=*/false);
  FailureOr<Probed> quantizedProbe =
      probe(quantized, entry, quantizedOps, /*dequantize=*/true);
  if (failed(floatProbe) || failed(quantizedProbe))
    return failure();
  comparison.layerSizes.assign(floatProbe->sizes.begin(),
                               floatProbe->sizes.end());
  auto floatModel = JitModel::compile(
      *floatProbe->module, getFloatModelLowering(), entry, "qcc_report_float");
  auto quantizedModel =
      JitModel::compile(*quantizedProbe->module, getFloatModelLowering(), entry,
                        "qcc_report_int8");
  if (failed(floatModel) || failed(quantizedModel))
    return failure();
  comparison.floatModel = std::move(*floatModel);
  comparison.quantizedModel = std::move(*quantizedModel);

  for (unsigned i = 0; i < comparison.numOutputs; ++i)
    comparison.outputNames.push_back(
        comparison.floatModel->getABI().outputs[i].name);
  FailureOr<std::vector<CalibrationInput>> inputs = getCalibrationInputs(*func);
  if (failed(inputs))
    return failure();
  for (auto [index, input] : llvm::enumerate(*inputs))
    if (input.type.getElementType().isF32())
      comparison.floatInputs.push_back(
          {input.name, static_cast<unsigned>(index),
           getValueRange(func->getArgument(index))});
  return comparison;
}

/// The name of the labels array in an evaluation data set.
static constexpr llvm::StringLiteral kLabels = "labels";

/// Whether the data at `path` holds a `labels` array (an .npz entry or a
/// .npy file). Unreadable data has none: loading it reports the problem.
static bool hasLabelsArray(StringRef path) {
  if (llvm::sys::fs::is_directory(path)) {
    SmallString<128> file(path);
    llvm::sys::path::append(file, kLabels + ".npy");
    return llvm::sys::fs::exists(file);
  }
  auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                          /*RequiresNullTerminator=*/false);
  if (!file)
    return false;
  llvm::Expected<ZipArchive> archive = ZipArchive::open((*file)->getBuffer());
  if (!archive) {
    llvm::consumeError(archive.takeError());
    return false;
  }
  return llvm::any_of(archive->getEntries(), [](const ZipEntry &entry) {
    return entry.name == (kLabels + ".npy").str();
  });
}

/// The index of the first maximum of `scores` (numpy.argmax's choice).
static int64_t argmax(ArrayRef<float> scores) {
  return std::max_element(scores.begin(), scores.end()) - scores.begin();
}

/// The number of classes of an output that holds one row of scores per
/// sample: its last dimension, when that is all of it and at least 2.
static int64_t getClassCount(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() || tensor.getRank() == 0 ||
      !tensor.getElementType().isF32())
    return 0;
  int64_t classes = tensor.getShape().back();
  return classes >= 2 && tensor.getNumElements() == classes ? classes : 0;
}

FailureOr<EvaluationData>
ModelComparison::load(func::FuncOp func, StringRef path, bool allowLabels) {
  FailureOr<std::vector<CalibrationInput>> inputs = getCalibrationInputs(func);
  if (failed(inputs))
    return failure();
  EvaluationData result;
  result.path = path.str();
  result.numInputs = inputs->size();
  // Labels load as one more input: a scalar integer per sample.
  result.hasLabels = allowLabels &&
                     llvm::none_of(*inputs,
                                   [](const CalibrationInput &input) {
                                     return input.name == kLabels;
                                   }) &&
                     hasLabelsArray(path);
  if (result.hasLabels)
    inputs->push_back(
        {kLabels.str(),
         RankedTensorType::get({}, IntegerType::get(func.getContext(), 64))});
  llvm::Expected<CalibrationData> data = CalibrationData::load(path, *inputs);
  if (!data)
    return func.emitError(llvm::toString(data.takeError()));
  result.data.emplace(std::move(*data));
  if (!result.hasLabels)
    return result;

  for (auto [index, type] : llvm::enumerate(func.getResultTypes()))
    if (getClassCount(type)) {
      result.labeledOutput = index;
      break;
    }
  if (!result.labeledOutput)
    return result;
  unsigned output = *result.labeledOutput;
  int64_t classes = getClassCount(func.getResultTypes()[output]);
  // The C ABI's name of the output (qcc-prepare-entry's rule).
  std::string name = "output_" + std::to_string(output);
  if (std::optional<StringRef> given = getResultName(func, output))
    name = given->str();
  for (int64_t sample = 0; sample < result.data->getNumSamples(); ++sample) {
    int64_t label = *static_cast<const int64_t *>(
        result.data->getSample(result.numInputs, sample));
    if (label < 0 || label >= classes)
      return func.emitError("'")
             << path << "': label " << label << " of sample " << sample
             << " is not a class of output '" << name << "' (0 to "
             << classes - 1 << ")";
  }
  return result;
}

DataSetMeasurement ModelComparison::measure(const EvaluationData &data,
                                            bool progress, StringRef label) {
  DataSetMeasurement result;
  result.path = data.path;
  result.samples = data.data->getNumSamples();
  result.hasLabels = data.hasLabels;
  result.labeledOutput = data.labeledOutput;
  result.layers.resize(layerSizes.size());
  for (const MeasuredInput &input : floatInputs)
    result.inputs.push_back({input.range, {}, 0, 0});
  for (const std::optional<RealRange> &range : layerRanges)
    result.values.push_back({range, {}, 0, 0});
  result.outputs.resize(numOutputs);

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
  auto floatBuffers = allocate(floatModel->getABI());
  auto quantizedBuffers = allocate(quantizedModel->getABI());
  auto pointers = [](std::vector<std::vector<uint64_t>> &buffers) {
    SmallVector<void *> result;
    for (auto &buffer : buffers)
      result.push_back(buffer.data());
    return result;
  };
  SmallVector<void *> floatOutputs = pointers(floatBuffers);
  SmallVector<void *> quantizedOutputs = pointers(quantizedBuffers);
  auto asFloats = [](const void *data, int64_t size) {
    return ArrayRef<float>(static_cast<const float *>(data), size);
  };

  // Which outputs are f32 in both models, and which hold scores.
  SmallVector<int64_t> classes(numOutputs, 0);
  SmallVector<bool> comparable(numOutputs, false);
  for (unsigned i = 0; i < numOutputs; ++i) {
    RankedTensorType floatType = floatModel->getABI().outputs[i].type;
    RankedTensorType quantizedType = quantizedModel->getABI().outputs[i].type;
    comparable[i] =
        floatType.getElementType().isF32() && floatType == quantizedType;
    if (comparable[i] && floatType.getRank() > 0 &&
        floatType.getShape().back() >= 2)
      classes[i] = floatType.getShape().back();
  }

  ProgressLine line(progress, result.samples, label);
  for (int64_t sample = 0; sample < result.samples; ++sample) {
    SmallVector<const void *> sampleInputs;
    for (unsigned i = 0; i < data.numInputs; ++i)
      sampleInputs.push_back(data.data->getSample(i, sample));
    floatModel->run(sampleInputs, floatOutputs);
    quantizedModel->run(sampleInputs, quantizedOutputs);

    for (auto [input, distribution] :
         llvm::zip_equal(floatInputs, result.inputs))
      distribution.add(
          asFloats(sampleInputs[input.index],
                   data.data->getInput(input.index).type.getNumElements()));
    for (auto [index, size] : llvm::enumerate(layerSizes)) {
      ArrayRef<float> expected =
          asFloats(floatOutputs[numOutputs + index], size);
      result.layers[index].add(
          expected, asFloats(quantizedOutputs[numOutputs + index], size));
      result.values[index].add(expected);
    }
    for (unsigned i = 0; i < numOutputs; ++i) {
      if (!comparable[i])
        continue;
      int64_t size = floatModel->getABI().outputs[i].type.getNumElements();
      ArrayRef<float> expected = asFloats(floatOutputs[i], size);
      ArrayRef<float> actual = asFloats(quantizedOutputs[i], size);
      OutputStats &stats = result.outputs[i];
      stats.error.add(expected, actual);
      if (!classes[i])
        continue;
      for (int64_t row = 0; row < size; row += classes[i]) {
        ++stats.rows;
        stats.agreeing += argmax(expected.slice(row, classes[i])) ==
                          argmax(actual.slice(row, classes[i]));
      }
    }
    if (result.labeledOutput && classes[*result.labeledOutput]) {
      unsigned output = *result.labeledOutput;
      int64_t truth = *static_cast<const int64_t *>(
          data.data->getSample(data.numInputs, sample));
      int64_t size = classes[output];
      result.correctFloat +=
          argmax(asFloats(floatOutputs[output], size)) == truth;
      result.correctQuantized +=
          argmax(asFloats(quantizedOutputs[output], size)) == truth;
    }
    line.update(sample + 1);
  }
  return result;
}

} // namespace qcc
