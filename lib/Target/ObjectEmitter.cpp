//===- ObjectEmitter.cpp - LLVM dialect to LLVM IR, assembly, objects -----===//

#include "qcc/Target/ObjectEmitter.h"

#include "qcc/Codegen/CPU/KernelLibrary.h"
#include "qcc/Transforms/ModelABI.h"

#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Analysis/CGSCCPassManager.h"
#include "llvm/Analysis/LoopAnalysisManager.h"
#include "llvm/IR/GlobalAlias.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"

using namespace mlir;

namespace qcc {

static llvm::OptimizationLevel toOptimizationLevel(unsigned optLevel) {
  switch (optLevel) {
  case 0:
    return llvm::OptimizationLevel::O0;
  case 1:
    return llvm::OptimizationLevel::O1;
  case 2:
    return llvm::OptimizationLevel::O2;
  default:
    return llvm::OptimizationLevel::O3;
  }
}

static void optimize(llvm::Module &module, llvm::TargetMachine &machine,
                     unsigned optLevel) {
  llvm::LoopAnalysisManager loopAnalyses;
  llvm::FunctionAnalysisManager functionAnalyses;
  llvm::CGSCCAnalysisManager cgsccAnalyses;
  llvm::ModuleAnalysisManager moduleAnalyses;
  llvm::PassBuilder builder(&machine);
  builder.registerModuleAnalyses(moduleAnalyses);
  builder.registerCGSCCAnalyses(cgsccAnalyses);
  builder.registerFunctionAnalyses(functionAnalyses);
  builder.registerLoopAnalyses(loopAnalyses);
  builder.crossRegisterProxies(loopAnalyses, functionAnalyses, cgsccAnalyses,
                               moduleAnalyses);
  llvm::ModulePassManager passes =
      optLevel == 0
          ? builder.buildO0DefaultPipeline(llvm::OptimizationLevel::O0)
          : builder.buildPerModuleDefaultPipeline(
                toOptimizationLevel(optLevel));
  passes.run(module, moduleAnalyses);
}

LogicalResult emitModule(ModuleOp module, llvm::TargetMachine &machine,
                         unsigned optLevel, OutputKind kind,
                         llvm::raw_pwrite_stream &os) {
  // The LLVM IR translation has no use for the ABI description; hide it for
  // the duration so that no dialect translation interface is consulted.
  Attribute abi = module->removeAttr(ModelABI::kAttrName);
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, "qcc_model");
  if (abi)
    module->setAttr(ModelABI::kAttrName, abi);
  if (!llvmModule)
    return module.emitError("failed to translate the module to LLVM IR");
  // Every exported function also under <name>_<tag>, the name the header
  // of this compilation uses (see ModelABI::getInterfaceTag).
  if (abi) {
    FailureOr<ModelABI> description = ModelABI::readFrom(module);
    if (failed(description))
      return failure();
    std::string tag = description->getInterfaceTag();
    for (const std::string &name : description->getExportedNames())
      if (llvm::Function *function = llvmModule->getFunction(name))
        llvm::GlobalAlias::create(name + "_" + tag, function);
  }
  llvmModule->setTargetTriple(machine.getTargetTriple());
  llvmModule->setDataLayout(machine.createDataLayout());
  // Calls to micro-kernels get their bodies before optimization, so that the
  // kernels are optimized (and can be inlined) with the model and the object
  // needs nothing from outside.
  if (llvm::Error error = linkKernelLibrary(*llvmModule))
    return module.emitError("cannot link the micro-kernels: ")
           << llvm::toString(std::move(error));
  // Emitted code must run wherever the caller puts it: no unwinding tables
  // are needed, and frame pointers are left to the optimization level.
  for (llvm::Function &function : *llvmModule)
    if (!function.isDeclaration())
      function.setDoesNotThrow();
  StringRef abiName = machine.Options.MCOptions.ABIName;
  if (!abiName.empty())
    llvmModule->addModuleFlag(llvm::Module::Error, "target-abi",
                              llvm::MDString::get(context, abiName));

  optimize(*llvmModule, machine, optLevel);
  if (llvm::verifyModule(*llvmModule, &llvm::errs()))
    return module.emitError("LLVM IR verification failed after optimization");

  if (kind == OutputKind::LLVMIR) {
    llvmModule->print(os, nullptr);
    return success();
  }
  llvm::legacy::PassManager codegen;
  auto fileType = kind == OutputKind::Object
                      ? llvm::CodeGenFileType::ObjectFile
                      : llvm::CodeGenFileType::AssemblyFile;
  if (machine.addPassesToEmitFile(codegen, os, nullptr, fileType))
    return module.emitError("the target machine cannot emit this file type");
  codegen.run(*llvmModule);
  return success();
}

} // namespace qcc
