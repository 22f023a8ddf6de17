//===- KernelLibrary.cpp - linking micro-kernels into a model -------------===//

#include "qcc/Codegen/CPU/KernelLibrary.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/IR/Module.h"
#include "llvm/Linker/Linker.h"
#include "llvm/Support/MemoryBufferRef.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Triple.h"

#include <cstddef>

namespace {
// x86Bitcode, aarch64Bitcode, riscv64Bitcode and their sizes, generated from
// lib/Codegen/CPU/Kernels at build time (EmbedBitcode.cmake).
#include "KernelBitcode.inc"
} // namespace

using namespace llvm;

namespace qcc {

/// The kernel bitcode for `triple`; empty if there is none.
static StringRef getKernelBitcode(const Triple &triple) {
  auto bytes = [](const unsigned char *data, size_t size) {
    return StringRef(reinterpret_cast<const char *>(data), size);
  };
  switch (triple.getArch()) {
  case Triple::x86_64:
    return bytes(x86Bitcode, x86BitcodeSize);
  case Triple::aarch64:
    return bytes(aarch64Bitcode, aarch64BitcodeSize);
  case Triple::riscv64:
    return bytes(riscv64Bitcode, riscv64BitcodeSize);
  default:
    return {};
  }
}

bool hasKernelLibrary(StringRef triple) {
  return !getKernelBitcode(Triple(triple)).empty();
}

static Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

Error linkKernelLibrary(Module &module) {
  SmallVector<Function *> declared;
  for (Function &function : module)
    if (function.isDeclaration() && function.getName().starts_with("qcc_"))
      declared.push_back(&function);
  if (declared.empty())
    return Error::success();

  const Triple &triple = module.getTargetTriple();
  StringRef bitcode = getKernelBitcode(triple);
  if (bitcode.empty())
    return makeError("no kernel library for target '" + triple.str() +
                     "' to define '" + declared.front()->getName() + "'");
  // Lazily: the linker reads the bodies of the kernels it links, not those
  // of every variant in the library.
  Expected<std::unique_ptr<Module>> parsed = getLazyBitcodeModule(
      MemoryBufferRef(bitcode, "qcc_kernels"), module.getContext());
  if (!parsed)
    return makeError("cannot read the kernel library for '" + triple.str() +
                     "': " + toString(parsed.takeError()));
  std::unique_ptr<Module> kernels = std::move(*parsed);
  if (Error error = kernels->materializeMetadata())
    return makeError("cannot read the kernel library for '" + triple.str() +
                     "': " + toString(std::move(error)));

  StringSet<> wanted;
  for (Function *function : declared) {
    Function *kernel = kernels->getFunction(function->getName());
    if (!kernel || kernel->isDeclaration())
      return makeError("kernel '" + function->getName() +
                       "' is not in the kernel library for '" + triple.str() +
                       "'");
    if (kernel->getFunctionType() != function->getFunctionType()) {
      std::string message;
      raw_string_ostream os(message);
      os << "kernel '" << function->getName() << "' is declared as '"
         << *function->getFunctionType() << "' but defined as '"
         << *kernel->getFunctionType() << "'";
      return makeError(message);
    }
    wanted.insert(function->getName());
  }

  // The model decides the target: the kernels take its triple and layout,
  // and none of their module flags (PIC level, ABI name, ...) or identity.
  kernels->setTargetTriple(module.getTargetTriple());
  kernels->setDataLayout(module.getDataLayout());
  SmallVector<NamedMDNode *> namedMetadata;
  for (NamedMDNode &node : kernels->named_metadata())
    namedMetadata.push_back(&node);
  for (NamedMDNode *node : namedMetadata)
    kernels->eraseNamedMetadata(node);

  // The kernels compile for the model's CPU: its features and tuning add to
  // the features each kernel was written for (the baseline of its triple, or
  // an ISA variant's). Their features stay, so that no kernel loses what its
  // IR already uses and a kernel is inlined only where the caller has them.
  for (Function &function : *kernels) {
    function.removeFnAttr("target-cpu");
    function.removeFnAttr("tune-cpu");
  }

  // Only what the model asks for is visible to the linker; what the wanted
  // kernels use comes along as local symbols.
  for (GlobalValue &value : kernels->global_values()) {
    if (value.isDeclaration() || value.hasAppendingLinkage() ||
        wanted.contains(value.getName()))
      continue;
    value.setLinkage(GlobalValue::InternalLinkage);
    if (auto *object = dyn_cast<GlobalObject>(&value))
      object->setComdat(nullptr);
  }

  if (Linker::linkModules(module, std::move(kernels),
                          Linker::Flags::LinkOnlyNeeded))
    return makeError("cannot link the kernel library for '" + triple.str() +
                     "' into the module");

  // The kernels are the model's own now, exported by nothing.
  for (StringRef name : wanted.keys()) {
    Function *function = module.getFunction(name);
    if (!function || function->isDeclaration())
      return makeError("kernel '" + name + "' has no body after linking");
    function->setLinkage(GlobalValue::InternalLinkage);
    function->setComdat(nullptr);
  }
  return Error::success();
}

} // namespace qcc
