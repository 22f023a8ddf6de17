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
    (100 - p)-th and p-th percentiles of each tensor's values.
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
                          "The (100-p)-th and p-th percentiles"))}]>,
    Option<"percentile", "percentile", "double", /*default=*/"99.99",
           "p for method=percentile, in [50, 100]">,
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Model function (default: the only public function)">,
    Option<"progress", "progress", "bool", /*default=*/"true",
           "Allow a progress line on stderr for long runs">,
    Option<"optLevel", "opt-level", "unsigned", /*default=*/"2",
           "LLVM optimization level of the instrumented model (0-3)">,
  ];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

#endif // QCC_CALIBRATION_PASSES_TD
