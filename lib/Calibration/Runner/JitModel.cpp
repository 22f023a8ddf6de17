//===- JitModel.cpp - running a model in-process --------------------------===//

#include "qcc/Calibration/JitModel.h"

#include "qcc/Codegen/CPU/KernelLibrary.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemAlloc.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;

namespace qcc {

/// Registers the host target with LLVM, once per process.
static bool initializeNativeTarget() {
  static const bool ok = !llvm::InitializeNativeTarget() &&
                         !llvm::InitializeNativeTargetAsmPrinter();
  return ok;
}

static llvm::CodeGenOptLevel toCodeGenOptLevel(unsigned optLevel) {
  switch (optLevel) {
  case 0:
    return llvm::CodeGenOptLevel::None;
  case 1:
    return llvm::CodeGenOptLevel::Less;
  case 2:
    return llvm::CodeGenOptLevel::Default;
  default:
    return llvm::CodeGenOptLevel::Aggressive;
  }
}

FailureOr<std::unique_ptr<JitModel>>
JitModel::compile(ModuleOp module, const ModelLowering &lowering,
                  StringRef entry, StringRef prefix, unsigned optLevel) {
  MLIRContext *context = module.getContext();
  if (!lowering)
    return module.emitError("no model lowering was given to compile the "
                            "model with");
  if (failed(lowering.lower(module, entry, prefix)))
    return failure();

  std::unique_ptr<JitModel> model(new JitModel());
  FailureOr<ModelABI> abi = ModelABI::readFrom(module);
  if (failed(abi))
    return failure();
  model->abi = std::move(*abi);
  // The ABI attribute is qcc's own and means nothing to LLVM IR.
  module->removeAttr(ModelABI::kAttrName);

  if (!initializeNativeTarget())
    return module.emitError("cannot initialize LLVM's native target");
  registerBuiltinDialectTranslation(*context);
  registerLLVMDialectTranslation(*context);

  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return module.emitError("cannot target the host: ")
           << llvm::toString(machineBuilder.takeError());
  machineBuilder->setCodeGenOptLevel(toCodeGenOptLevel(optLevel));
  auto machine = machineBuilder->createTargetMachine();
  if (!machine)
    return module.emitError("cannot target the host: ")
           << llvm::toString(machine.takeError());

  // The engine takes ownership of the target machine; the optimizer only
  // uses it while the engine is being created.
  auto optimize = makeOptimizingTransformer(std::min(optLevel, 3u),
                                            /*sizeLevel=*/0, machine->get());
  // The micro-kernels the model calls are linked in before the optimizer
  // runs, as for objects: the JIT resolves them from their bodies, never
  // from the process.
  llvm::Triple triple = (*machine)->getTargetTriple();
  llvm::DataLayout dataLayout = (*machine)->createDataLayout();
  std::string linkError;
  auto buildLLVMModule =
      [&](Operation *op,
          llvm::LLVMContext &llvmContext) -> std::unique_ptr<llvm::Module> {
    std::unique_ptr<llvm::Module> llvmModule =
        translateModuleToLLVMIR(op, llvmContext);
    if (!llvmModule)
      return nullptr;
    llvmModule->setTargetTriple(triple);
    llvmModule->setDataLayout(dataLayout);
    if (llvm::Error error = linkKernelLibrary(*llvmModule)) {
      linkError = llvm::toString(std::move(error));
      return nullptr;
    }
    return llvmModule;
  };
  ExecutionEngineOptions engineOptions;
  engineOptions.llvmModuleBuilder = buildLLVMModule;
  engineOptions.transformer = optimize;
  engineOptions.jitCodeGenOptLevel = toCodeGenOptLevel(optLevel);
  engineOptions.enableGDBNotificationListener = false;
  engineOptions.enablePerfNotificationListener = false;
  auto engine =
      ExecutionEngine::create(module, engineOptions, std::move(*machine));
  if (!engine) {
    std::string message = llvm::toString(engine.takeError());
    if (!linkError.empty())
      return module.emitError("cannot link the micro-kernels: ") << linkError;
    return module.emitError("cannot JIT-compile the model: ") << message;
  }
  model->engine = std::move(*engine);

  auto lookup = [&](StringRef name) -> FailureOr<void *> {
    llvm::Expected<void *> address = model->engine->lookup(name);
    if (!address)
      return module.emitError("compiled model lacks '")
             << name << "': " << llvm::toString(address.takeError());
    return *address;
  };
  FailureOr<void *> runAddress = lookup(model->abi.packedEntryName());
  FailureOr<void *> sizeAddress = lookup(model->abi.workspaceSizeName());
  if (failed(runAddress) || failed(sizeAddress))
    return failure();
  model->runPacked = reinterpret_cast<PackedEntry>(*runAddress);
  auto workspaceSizeFn = reinterpret_cast<int64_t (*)()>(*sizeAddress);

  int64_t size = workspaceSizeFn();
  int64_t alignment = std::max<int64_t>(64, model->abi.workspaceAlignment);
  if (size < 0 || !llvm::isPowerOf2_64(alignment))
    return module.emitError("compiled model reports workspace size ")
           << size << " with alignment " << alignment;
  model->workspaceSize = std::max<size_t>(size, 1);
  model->workspaceAlignment = alignment;
  model->workspace =
      llvm::allocate_buffer(model->workspaceSize, model->workspaceAlignment);
  return model;
}

JitModel::~JitModel() {
  if (workspace)
    llvm::deallocate_buffer(workspace, workspaceSize, workspaceAlignment);
}

void JitModel::run(llvm::ArrayRef<const void *> inputs,
                   llvm::ArrayRef<void *> outputs) {
  assert(inputs.size() == abi.inputs.size() &&
         outputs.size() == abi.outputs.size() && "buffers do not match ABI");
  runPacked(inputs.data(), outputs.data(), workspace);
}

} // namespace qcc
