//===- Passes.td - calibration passes ----------------------*- tablegen -*-===//

#ifndef QCC_CALIBRATION_PASSES_TD
#define QCC_CALIBRATION_PASSES_TD

include "mlir/Pass/PassBase.td"

def CalibratePass : Pass<"qcc-calibrate", "mlir::ModuleOp"> {
  let summary = "Record the value ranges of a float model on sample data";
  let description = [{
    Compiles the float model with an extra output for every float tensor an
    op of the model function produces, runs it in-process on every sample of
    the calibration data (`data`: an `.npz` archive or a directory of `.npy`
    files, one array per model input, named after the input), and writes
    the observed ranges back as attributes (see
    `include/qcc/Calibration/Calibrator.h` for the exact contract):

    ```mlir
    func.func @main(%x: tensor<4xf32> {qcc.range = array<f64: -1.0, 2.0>})
        -> tensor<4xf32> {
      %0 = tosa.clamp %x {... , qcc.range = array<f64: 0.0, 2.0>} ...
    ```

    and `qcc.calibration_samples = N : i64` on the module. `method=minmax`
    records the extremes; `method=percentile` with `percentile=p` the
    (100 - p)-th and p-th percentiles of each tensor's values;
    `method=entropy` the threshold of least KL divergence on a 2048-bin
    histogram of |x| (TensorRT's method); `method=mse` the range of least
    expected squared quantization error on a 2048-bin histogram (see
    docs/Numerics.md). `method-for=<tensor>=<method>` (repeatable, comma
    separated) overrides the method of one tensor, named as in
    `include/qcc/Calibration/Calibrator.h`.

    `save-profile=<file.json>` also writes the measured statistics;
    `load-profile=<file.json>` reads them instead of running the model, so
    that no data is needed (`include/qcc/Calibration/Profile.h`).
  }];
  let options = [
    Option<"data", "data", "std::string", /*default=*/"\"\"",
           "Calibration data: an .npz archive or a directory of .npy files">,
    Option<"method", "method", "qcc::CalibrationMethod",
           /*default=*/"qcc::CalibrationMethod::MinMax",
           "How a tensor's values become a range",
           [{::llvm::cl::values(
               clEnumValN(qcc::CalibrationMethod::MinMax, "minmax",
                          "Smallest and largest value"),
               clEnumValN(qcc::CalibrationMethod::Percentile, "percentile",
                          "The (100-p)-th and p-th percentiles"),
               clEnumValN(qcc::CalibrationMethod::Entropy, "entropy",
                          "Least KL divergence (TensorRT)"),
               clEnumValN(qcc::CalibrationMethod::Mse, "mse",
                          "Least expected squared error"))}]>,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "p for method=percentile, in [50, 100]">,
    ListOption<"methodFor", "method-for", "std::string",
               "Per-tensor methods: <tensor>=<method>">,
    Option<"saveProfile", "save-profile", "std::string", /*default=*/"\"\"",
           "Also write the measured statistics to this JSON file">,
    Option<"loadProfile", "load-profile", "std::string", /*default=*/"\"\"",
           "Read the statistics from this JSON profile instead of running "
           "the model">,
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Model function (default: the only public function)">,
    Option<"progress", "progress", "bool", /*default=*/"true",
           "Allow a progress line on stderr when it is a terminal">,
    Option<"optLevel", "opt-level", "unsigned", /*default=*/"2",
           "LLVM optimization level of the instrumented model (0-3)">,
  ];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

#endif // QCC_CALIBRATION_PASSES_TD
