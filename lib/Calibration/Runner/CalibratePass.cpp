//===- CalibratePass.cpp - the qcc-calibrate pass -------------------------===//
//
// The pass runs the float model, which means lowering a copy of it with the
// float pipeline; that pipeline lives a layer above (lib/Pipelines), so the
// pass is given it (ModelLowering) by whoever creates it. qcc-opt's
// `--qcc-calibrate` is registered by registerQccPipelines for that reason.
//
//===----------------------------------------------------------------------===//

#include "qcc/Calibration/Calibrator.h"
#include "qcc/Calibration/Passes.h"

#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

namespace qcc {
#define GEN_PASS_DEF_CALIBRATEPASS
#include "qcc/Calibration/Passes.h.inc"
} // namespace qcc

using namespace mlir;

namespace {

struct CalibratePass : public qcc::impl::CalibratePassBase<CalibratePass> {
  using CalibratePassBase::CalibratePassBase;

  CalibratePass() = default;
  CalibratePass(const qcc::CalibratePassOptions &options,
                qcc::ModelLowering lowering)
      : CalibratePassBase(options), lowering(std::move(lowering)) {}

  /// The pass lowers a copy of the module and translates it to LLVM IR:
  /// everything those load must be loaded before the pass runs, not while
  /// it runs.
  void getDependentDialects(DialectRegistry &registry) const override {
    CalibratePassBase::getDependentDialects(registry);
    if (lowering)
      lowering.getDependentDialects(registry);
    registerBuiltinDialectTranslation(registry);
    registerLLVMDialectTranslation(registry);
  }

  void runOnOperation() override {
    if (data.empty() == loadProfile.empty()) {
      getOperation().emitError(
          data.empty() ? "qcc-calibrate needs data=<.npz file or directory "
                         "of .npy files> or load-profile=<file.json>"
                       : "qcc-calibrate takes data or load-profile, not "
                         "both");
      return signalPassFailure();
    }
    qcc::CalibrationOptions options;
    options.method = method;
    options.percentile = percentile;
    options.overrides.assign(methodFor.begin(), methodFor.end());
    options.saveProfile = saveProfile;
    options.entry = entry;
    options.progress = progress;
    options.optLevel = optLevel;
    LogicalResult result =
        loadProfile.empty()
            ? qcc::calibrateModule(getOperation(), data, lowering, options)
            : qcc::calibrateModuleFromProfile(getOperation(), loadProfile,
                                              options);
    if (failed(result))
      return signalPassFailure();
  }

  qcc::ModelLowering lowering;
};

} // namespace

std::unique_ptr<Pass>
qcc::createCalibratePass(const CalibratePassOptions &options,
                         ModelLowering lowering) {
  return std::make_unique<CalibratePass>(options, std::move(lowering));
}
