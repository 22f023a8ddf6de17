//===- Driver.h - the qcc compiler driver as a library ----------*- C++ -*-===//
//
// What `qcc` does, without its command line. `DriverOptions` holds every
// flag, `validate()` checks them against each other, and `runDriver()` reads
// the model, runs the pipeline of lib/Pipelines and writes MLIR, LLVM IR,
// assembly or an object file plus its C header. tools/qcc parses the flags
// into a DriverOptions; the unit tests build one directly.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_DRIVER_DRIVER_H
#define QCC_DRIVER_DRIVER_H

#include "qcc/Import/ONNX/ONNXImporter.h"
#include "qcc/Pipelines/Pipelines.h"
#include "qcc/Quantization/Scheme.h"
#include "qcc/Transforms/Stage.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qcc {

/// What `--emit` writes.
enum class EmitKind { MLIR, LLVMIR, Assembly, Object, Header };

/// Every `qcc` flag. The defaults are the command line's; an optional is
/// empty when its flag was not given, for the checks that ask whether it was.
struct DriverOptions {
  /// The model: an .onnx or .mlir file, or "-" for MLIR on stdin.
  std::string input;
  /// `-o`: empty for the input's file name with the emitted kind's
  /// extension, "-" for stdout.
  std::string output;

  // Target.
  std::string target = "host";
  std::string cpu;
  std::string cpuFeatures;
  unsigned optLevel = 2;

  // What to write.
  EmitKind emit = EmitKind::Object;
  /// `--compile-to`: stop after this stage and write its MLIR.
  std::optional<Stage> compileTo;
  /// `--name`: the C symbol prefix (empty: the output file's stem).
  std::string name;
  /// `--entry`: the model function (empty: the only public function).
  std::string entry;
  /// `--header`: where `--emit=obj` writes the header (empty: beside the
  /// object).
  std::string header;
  unsigned workspaceAlignment = 64;
  /// `--input-shape`: `name=dims` pins for dynamic ONNX inputs.
  std::vector<std::string> inputShapes;

  // Quantization.
  std::string calibrationData;
  /// `--calibration-method`, as given: `minmax`, `percentile[=<p>]`,
  /// `entropy` or `mse`.
  std::string calibrationMethod = "minmax";
  /// `--calibration-method-for`: `tensor=method` specs.
  std::vector<std::string> calibrationMethodFor;
  std::string saveProfile;
  std::string loadProfile;
  /// `--quantize`, as given: empty (int8 with calibration, else none),
  /// `int8`, `dynamic`, `weight-only-int8`, `weight-only-int4` or `none`.
  std::string quantize;
  std::optional<int64_t> weightBlockSize;
  bool perTensorWeights = false;
  /// Float ops between quantized layers are accepted (with one warning
  /// naming them) unless `integerOnly`; `allowFloat` says the default
  /// explicitly.
  bool allowFloat = false;
  bool integerOnly = false;
  std::vector<std::string> keepFloat;
  std::vector<std::string> int16;
  /// `--activation-type` (int8 when not given).
  std::optional<ActivationKind> activationType;
  /// `--mixed-precision`: `none` or `auto`.
  std::string mixedPrecision = "none";
  std::optional<double> minSqnr;
  /// `--report`: where to write the quantization report (HTML for a
  /// `.html`/`.htm` path, JSON otherwise).
  std::string report;
  /// `--validation`: held-out samples the report measures apart from the
  /// calibration data, and checks the calibration against.
  std::string validationData;
  /// `-v`: one line on stderr per stage, with the elapsed time.
  bool verbose = false;
  /// Whether a diagnostic prints the op it is about (the whole model, for
  /// an error on the module): only on request
  /// (`--mlir-print-op-on-diagnostic`), so that a one-line error stays one
  /// line.
  bool printOpOnDiagnostic = false;

  /// Checks every flag and every combination of flags that can be checked
  /// without reading the model, in the order the command line reports them;
  /// the error holds the message of the first rule broken.
  llvm::Error validate() const;

  /// The flags a pre-quantized model (one that states its own quantization)
  /// rules out; the error names the input.
  llvm::Error validateForPreQuantizedModel() const;

  /// Whether the model is quantized to int8 with calibrated ranges (or the
  /// ranges already on the MLIR).
  bool quantizesToInt8() const;
  /// 8 or 4 with `--quantize=weight-only-int8/4`, else 0.
  int64_t getWeightOnlyBits() const;
  bool quantizesDynamically() const { return quantize == "dynamic"; }
  /// Whether `--mixed-precision=auto` searches the layers' precisions.
  bool searchesPrecision() const { return mixedPrecision == "auto"; }

  /// Whether the input is an ONNX model (by its extension).
  bool isONNXInput() const;
  /// The ONNX importer's options (the `--input-shape` pins).
  llvm::Expected<ONNXImportOptions> getImportOptions() const;
  /// The file written: `output`, or the default for the emitted kind.
  std::string getOutputPath() const;
  /// The C symbol prefix: `name`, or one derived from the output path.
  std::string getSymbolPrefix() const;

  /// The pipeline options these flags select, for a model that is
  /// (`preQuantized`) or is not pre-quantized. Needs valid options.
  void populatePipelineOptions(QccPipelineOptions &options,
                               bool preQuantized) const;
};

/// Compiles as `options` (which validate()) say and returns the exit status:
/// 0, or 1 after printing the diagnostics of a failure.
int runDriver(const DriverOptions &options);

} // namespace qcc

#endif // QCC_DRIVER_DRIVER_H
