//===- TargetInfo.cpp - the target the CPU code generator serves ----------===//

#include "qcc/Codegen/CPU/TargetInfo.h"

#include "mlir/Dialect/LLVMIR/LLVMAttrs.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <memory>

using namespace mlir;

namespace qcc::cpu {

/// The x86 target's MC layer, registered once per process.
static void initializeX86() {
  static const bool once = [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86TargetMC();
    return true;
  }();
  (void)once;
}

FailureOr<std::optional<KernelTarget>> getKernelTarget(ModuleOp module) {
  Attribute raw = module->getAttr(LLVM::LLVMDialect::getTargetAttrName());
  if (!raw)
    return std::optional<KernelTarget>();
  auto target = dyn_cast<LLVM::TargetAttr>(raw);
  if (!target)
    return module.emitError("'")
           << LLVM::LLVMDialect::getTargetAttrName()
           << "' must be an #llvm.target attribute, not " << raw;
  llvm::Triple triple(target.getTriple().getValue());
  if (triple.getArch() != llvm::Triple::x86_64)
    return std::optional<KernelTarget>();

  initializeX86();
  std::string error;
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return module.emitError("cannot target '")
           << triple.str() << "': " << error;
  std::string features;
  if (LLVM::TargetFeaturesAttr featuresAttr = target.getFeatures())
    features = featuresAttr.getFeaturesString();
  StringRef cpu = target.getChip().getValue();
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      llvmTarget->createMCSubtargetInfo(triple, cpu, features));
  if (!info || (!cpu.empty() && !info->isCPUStringValid(cpu)))
    return module.emitError("unknown CPU '") << cpu << "' for " << triple.str();
  auto has = [&](StringRef names) { return info->checkFeatures(names); };

  KernelTarget kernels;
  if (has("+avx512f,+avx512bw,+avx512vl,+avx512dq,+avx512vnni"))
    kernels.int8 = QKernelVariant::Avx512Vnni;
  else if (has("+avx2,+fma,+avxvnni"))
    kernels.int8 = QKernelVariant::AvxVnni;
  else if (has("+avx2,+fma"))
    kernels.int8 = QKernelVariant::Avx2;
  if (has("+avx512f"))
    kernels.fp32 = SKernelVariant::Avx512F;
  else if (has("+avx2,+fma"))
    kernels.fp32 = SKernelVariant::Avx2;
  return std::optional<KernelTarget>(kernels);
}

std::string getKernelName(StringRef base, QKernelVariant variant) {
  StringRef suffix;
  switch (variant) {
  case QKernelVariant::Generic:
    suffix = "generic";
    break;
  case QKernelVariant::Avx2:
    suffix = "avx2";
    break;
  case QKernelVariant::AvxVnni:
    suffix = "avxvnni";
    break;
  case QKernelVariant::Avx512Vnni:
    suffix = "avx512vnni";
    break;
  }
  return (base + "_" + suffix).str();
}

std::string getKernelName(StringRef base, SKernelVariant variant) {
  StringRef suffix;
  switch (variant) {
  case SKernelVariant::Generic:
    suffix = "generic";
    break;
  case SKernelVariant::Avx2:
    suffix = "avx2";
    break;
  case SKernelVariant::Avx512F:
    suffix = "avx512f";
    break;
  }
  return (base + "_" + suffix).str();
}

void setTarget(ModuleOp module, StringRef triple, StringRef cpu,
               StringRef features) {
  MLIRContext *context = module.getContext();
  context->getOrLoadDialect<LLVM::LLVMDialect>();
  SmallVector<StringRef> list;
  if (!features.empty())
    llvm::SplitString(features, list, ",");
  LLVM::TargetFeaturesAttr featuresAttr =
      list.empty() ? LLVM::TargetFeaturesAttr()
                   : LLVM::TargetFeaturesAttr::get(context, list);
  module->setAttr(
      LLVM::LLVMDialect::getTargetAttrName(),
      LLVM::TargetAttr::get(context, StringAttr::get(context, triple),
                            StringAttr::get(context, cpu), featuresAttr));
}

void setHostTarget(ModuleOp module) {
  std::string features;
  for (const auto &[name, enabled] : llvm::sys::getHostCPUFeatures())
    if (enabled)
      features += (features.empty() ? "+" : ",+") + name.str();
  setTarget(module, llvm::sys::getProcessTriple(), llvm::sys::getHostCPUName(),
            features);
}

} // namespace qcc::cpu
