//===- TargetSpec.cpp - target triples, CPUs and features -----------------===//

#include "qcc/Target/TargetSpec.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <mutex>

using namespace llvm;

namespace qcc {

void initializeQccTargets() {
  static std::once_flag once;
  std::call_once(once, [] {
    LLVMInitializeX86TargetInfo();
    LLVMInitializeX86Target();
    LLVMInitializeX86TargetMC();
    LLVMInitializeX86AsmPrinter();
    LLVMInitializeAArch64TargetInfo();
    LLVMInitializeAArch64Target();
    LLVMInitializeAArch64TargetMC();
    LLVMInitializeAArch64AsmPrinter();
    LLVMInitializeRISCVTargetInfo();
    LLVMInitializeRISCVTarget();
    LLVMInitializeRISCVTargetMC();
    LLVMInitializeRISCVAsmPrinter();
  });
}

/// Maps the short names users type to a triple; full triples pass through.
static std::optional<Triple> tripleForName(StringRef name) {
  std::optional<StringRef> alias =
      StringSwitch<std::optional<StringRef>>(name.lower())
          .Cases({"x86_64", "x86-64", "amd64"}, "x86_64-unknown-linux-gnu")
          .Cases({"aarch64", "arm64"}, "aarch64-unknown-linux-gnu")
          .Cases({"riscv64", "rv64"}, "riscv64-unknown-linux-gnu")
          .Default(std::nullopt);
  if (alias)
    return Triple(*alias);
  if (name == "host")
    return Triple(sys::getDefaultTargetTriple());
  if (name.contains('-'))
    return Triple(Triple::normalize(name));
  return std::nullopt;
}

static Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

Expected<TargetSpec> resolveTarget(StringRef name, StringRef cpu,
                                   StringRef attrs) {
  initializeQccTargets();
  std::optional<Triple> triple = tripleForName(name);
  if (!triple)
    return makeError("unknown target '" + name +
                     "'; expected x86_64, aarch64 (arm64), riscv64 or a "
                     "triple of one of those");

  TargetSpec spec;
  spec.triple = triple->str();
  SmallVector<std::string> features;
  switch (triple->getArch()) {
  case Triple::x86_64:
    // x86-64-v3 (AVX2, FMA, BMI2) is what every x86 server and desktop of
    // the last decade runs.
    spec.cpu = "x86-64-v3";
    break;
  case Triple::aarch64:
    spec.cpu = "generic";
    features.push_back("+neon");
    break;
  case Triple::riscv64:
    spec.cpu = "generic-rv64";
    for (StringRef feature : {"+m", "+a", "+f", "+d", "+c", "+v"})
      features.push_back(feature.str());
    spec.abiName = "lp64d";
    break;
  default:
    return makeError("unsupported target architecture '" +
                     triple->getArchName() + "' in '" + name +
                     "'; qcc targets x86_64, aarch64 and riscv64");
  }

  std::string lookupError;
  const Target *target = TargetRegistry::lookupTarget(*triple, lookupError);
  if (!target)
    return makeError("target '" + name + "': " + lookupError);
  std::unique_ptr<MCSubtargetInfo> subtarget(
      target->createMCSubtargetInfo(*triple, "", ""));
  if (!subtarget)
    return makeError("target '" + name + "' has no subtarget information");

  if (cpu == "native") {
    // The CPU qcc runs on, with the features it reports (a VM may hide some
    // of the named CPU's), for code that runs on this machine.
    Triple host(sys::getProcessTriple());
    if (host.getArch() != triple->getArch())
      return makeError("--mcpu=native needs a target of the host's "
                       "architecture (" +
                       host.getArchName() + "), not " + triple->str());
    spec.cpu = sys::getHostCPUName().str();
    for (const auto &[feature, enabled] : sys::getHostCPUFeatures())
      features.push_back((enabled ? "+" : "-") + feature.str());
    llvm::sort(features);
  } else if (!cpu.empty()) {
    if (!subtarget->isCPUStringValid(cpu))
      return makeError("unknown CPU '" + cpu + "' for target " + triple->str());
    spec.cpu = cpu.str();
  }

  SmallVector<StringRef> requested;
  attrs.split(requested, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef attr : requested) {
    attr = attr.trim();
    if (attr.size() < 2 || (attr.front() != '+' && attr.front() != '-'))
      return makeError("CPU feature '" + attr +
                       "' must be written +name or -name");
    StringRef featureName = attr.drop_front();
    bool known = llvm::any_of(
        subtarget->getAllProcessorFeatures(),
        [&](const SubtargetFeatureKV &kv) { return featureName == kv.Key; });
    if (!known)
      return makeError("unknown CPU feature '" + featureName + "' for target " +
                       triple->str());
    // A user feature replaces qcc's default for the same name: "-v" must
    // drop the default "+v" rather than follow it, since "+v" also turned on
    // the features it implies.
    llvm::erase_if(features, [&](const std::string &existing) {
      return StringRef(existing).drop_front() == featureName;
    });
    features.push_back(attr.str());
  }
  spec.features = llvm::join(features, ",");
  return spec;
}

Expected<std::unique_ptr<TargetMachine>>
createTargetMachine(const TargetSpec &spec, CodeGenOptLevel optLevel) {
  initializeQccTargets();
  Triple triple(spec.triple);
  std::string lookupError;
  const Target *target = TargetRegistry::lookupTarget(triple, lookupError);
  if (!target)
    return makeError(lookupError);
  TargetOptions options;
  options.MCOptions.ABIName = spec.abiName;
  std::unique_ptr<TargetMachine> machine(
      target->createTargetMachine(triple, spec.cpu, spec.features, options,
                                  Reloc::PIC_, std::nullopt, optLevel));
  if (!machine)
    return makeError("cannot create a target machine for " + spec.triple);
  return machine;
}

} // namespace qcc
