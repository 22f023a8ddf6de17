//===- CalibratePass.cpp - the qcc-calibrate pass -------------------------===//

#include "qcc/Calibration/Calibrator.h"
#include "qcc/Calibration/Passes.h"
#include "qcc/Pipelines/Pipelines.h"

#include "mlir/Pass/PassManager.h"
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

  /// The pass compiles a copy of the module with the whole qcc pipeline and
  /// translates it to LLVM IR: everything those load must be loaded before
  /// the pass runs, not while it runs.
  void getDependentDialects(DialectRegistry &registry) const override {
    CalibratePassBase::getDependentDialects(registry);
    OpPassManager pipeline(ModuleOp::getOperationName());
    qcc::buildQccFloatPipeline(pipeline, qcc::QccPipelineOptions());
    pipeline.getDependentDialects(registry);
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
            ? qcc::calibrateModule(getOperation(), data, options)
            : qcc::calibrateModuleFromProfile(getOperation(), loadProfile,
                                              options);
    if (failed(result))
      return signalPassFailure();
  }
};

} // namespace
