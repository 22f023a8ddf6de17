//===- KernelLibraryTest.cpp - kernels linked into models -----------------===//
//
// linkKernelLibrary on LLVM modules for each target (what is linked, with
// which linkage, and the errors), then the two places that call it: objects
// from qcc::emitModule (no undefined or exported kernel symbol) and the JIT
// (JitModel runs a kernel this binary does not contain).
//
//===----------------------------------------------------------------------===//

#include "qcc/Codegen/CPU/KernelLibrary.h"

#include "qcc/Calibration/JitModel.h"
#include "qcc/Codegen/CPU/Kernels.h"
#include "qcc/Target/ObjectEmitter.h"
#include "qcc/Target/TargetSpec.h"
#include "qcc/Transforms/ModelABI.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "llvm/AsmParser/Parser.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Object/ObjectFile.h"
#include "llvm/Support/SourceMgr.h"
#include "gtest/gtest.h"

#include <cmath>
#include <string>

using namespace qcc;

namespace {

constexpr const char *kX86 = "x86_64-unknown-linux-gnu";
constexpr const char *kAArch64 = "aarch64-unknown-linux-gnu";
constexpr const char *kRiscv64 = "riscv64-unknown-linux-gnu";

/// A model function `model` that calls kernel `kernel`, for `triple`.
std::string callerOf(llvm::StringRef triple, llvm::StringRef kernel,
                     llvm::StringRef returnType = "void") {
  return ("target triple = \"" + triple + "\"\n" + "declare " + returnType +
          " @" + kernel + "(ptr)\n" + "define void @model(ptr %p) {\n" +
          "  call " + returnType + " @" + kernel + "(ptr %p)\n" +
          "  ret void\n" + "}\n")
      .str();
}

std::string errorOf(llvm::Error error) {
  return error ? llvm::toString(std::move(error)) : "";
}

class KernelLibraryTest : public ::testing::Test {
protected:
  void SetUp() override {
    if (!hasKernelLibrary(kX86))
      GTEST_SKIP() << "qcc was built without kernel bitcode";
  }

  std::unique_ptr<llvm::Module> parse(const std::string &text) {
    llvm::SMDiagnostic diagnostic;
    std::unique_ptr<llvm::Module> module =
        llvm::parseAssemblyString(text, diagnostic, context);
    EXPECT_TRUE(module) << diagnostic.getMessage().str();
    return module;
  }

  static std::string print(const llvm::Module &module) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module.print(os, nullptr);
    return text;
  }

  llvm::LLVMContext context;
};

TEST_F(KernelLibraryTest, HasKernelsForTheThreeTargets) {
  EXPECT_TRUE(hasKernelLibrary(kX86));
  EXPECT_TRUE(hasKernelLibrary(kAArch64));
  EXPECT_TRUE(hasKernelLibrary(kRiscv64));
  EXPECT_TRUE(hasKernelLibrary("x86_64-pc-linux-gnu"));
  EXPECT_FALSE(hasKernelLibrary("i686-unknown-linux-gnu"));
  EXPECT_FALSE(hasKernelLibrary("armv7-unknown-linux-gnueabihf"));
  EXPECT_FALSE(hasKernelLibrary(""));
}

TEST_F(KernelLibraryTest, LinksOnlyTheDeclaredKernelAsInternal) {
  std::unique_ptr<llvm::Module> module =
      parse(callerOf(kX86, "qcc_qconv2d_generic"));
  ASSERT_TRUE(module);
  ASSERT_EQ(errorOf(linkKernelLibrary(*module)), "");
  EXPECT_FALSE(llvm::verifyModule(*module, &llvm::errs()));

  llvm::Function *kernel = module->getFunction("qcc_qconv2d_generic");
  ASSERT_TRUE(kernel);
  EXPECT_FALSE(kernel->isDeclaration());
  EXPECT_TRUE(kernel->hasInternalLinkage());
  // Only what the kernel needs came along.
  for (const char *other :
       {"qcc_qconv2d_avx512vnni", "qcc_qconv2d_avx2", "qcc_qdwconv2d_generic",
        "qcc_sconv2d_generic", "qcc_sdwconv2d_generic"})
    EXPECT_FALSE(module->getNamedValue(other)) << other;
  // Nothing new is visible outside the module.
  for (const llvm::GlobalValue &value : module->global_values()) {
    if (value.getName() == "model" || value.isDeclaration())
      continue;
    EXPECT_TRUE(value.hasLocalLinkage()) << value.getName().str();
  }
  // Nor any module flag or identity of the kernels' compilation.
  EXPECT_FALSE(module->getModuleFlagsMetadata());
  EXPECT_FALSE(module->getNamedMetadata("llvm.ident"));
  EXPECT_EQ(module->getTargetTriple().str(), kX86);
}

TEST_F(KernelLibraryTest, KernelsCompileForTheModelsCPU) {
  std::unique_ptr<llvm::Module> module =
      parse(callerOf(kX86, "qcc_qconv2d_generic") +
            "declare void @qcc_qconv2d_avx512vnni(ptr)\n"
            "define void @model_vnni(ptr %p) {\n"
            "  call void @qcc_qconv2d_avx512vnni(ptr %p)\n"
            "  ret void\n"
            "}\n");
  ASSERT_TRUE(module);
  ASSERT_EQ(errorOf(linkKernelLibrary(*module)), "");
  llvm::Function *generic = module->getFunction("qcc_qconv2d_generic");
  llvm::Function *vnni = module->getFunction("qcc_qconv2d_avx512vnni");
  ASSERT_TRUE(generic && vnni);
  EXPECT_TRUE(vnni->hasInternalLinkage());
  // No CPU of their own: the model's applies ...
  for (llvm::Function *kernel : {generic, vnni}) {
    EXPECT_FALSE(kernel->hasFnAttribute("target-cpu"));
    EXPECT_FALSE(kernel->hasFnAttribute("tune-cpu"));
  }
  // ... and each keeps the features it was written for.
  auto features = [](llvm::Function *function) {
    return function->getFnAttribute("target-features").getValueAsString();
  };
  EXPECT_TRUE(features(generic).contains("+sse2"));
  EXPECT_FALSE(features(generic).contains("+avx512vnni"));
  EXPECT_TRUE(features(vnni).contains("+avx512vnni"));
}

TEST_F(KernelLibraryTest, OtherTargetsLinkTheGenericKernels) {
  for (const char *triple : {kAArch64, kRiscv64}) {
    std::unique_ptr<llvm::Module> module =
        parse(callerOf(triple, "qcc_sconv2d_generic"));
    ASSERT_TRUE(module);
    ASSERT_EQ(errorOf(linkKernelLibrary(*module)), "") << triple;
    EXPECT_FALSE(llvm::verifyModule(*module, &llvm::errs()));
    llvm::Function *kernel = module->getFunction("qcc_sconv2d_generic");
    ASSERT_TRUE(kernel);
    EXPECT_FALSE(kernel->isDeclaration());
    EXPECT_TRUE(kernel->hasInternalLinkage());
    EXPECT_EQ(module->getTargetTriple().str(), triple);

    // The x86 variants exist for x86-64 only.
    std::unique_ptr<llvm::Module> x86Only =
        parse(callerOf(triple, "qcc_qconv2d_avx2"));
    ASSERT_TRUE(x86Only);
    EXPECT_EQ(errorOf(linkKernelLibrary(*x86Only)),
              "kernel 'qcc_qconv2d_avx2' is not in the kernel library for '" +
                  std::string(triple) + "'");
  }
}

TEST_F(KernelLibraryTest, UnknownKernelIsAnErrorNamingIt) {
  std::unique_ptr<llvm::Module> module =
      parse(callerOf(kX86, "qcc_nonexistent"));
  ASSERT_TRUE(module);
  EXPECT_EQ(errorOf(linkKernelLibrary(*module)),
            "kernel 'qcc_nonexistent' is not in the kernel library for "
            "'x86_64-unknown-linux-gnu'");
}

TEST_F(KernelLibraryTest, MismatchedDeclarationIsAnError) {
  std::unique_ptr<llvm::Module> module =
      parse(callerOf(kX86, "qcc_qconv2d_generic", "i32"));
  ASSERT_TRUE(module);
  EXPECT_EQ(errorOf(linkKernelLibrary(*module)),
            "kernel 'qcc_qconv2d_generic' is declared as 'i32 (ptr)' but "
            "defined as 'void (ptr)'");
}

TEST_F(KernelLibraryTest, TargetWithoutKernelsIsAnError) {
  std::unique_ptr<llvm::Module> module =
      parse(callerOf("i686-unknown-linux-gnu", "qcc_qconv2d_generic"));
  ASSERT_TRUE(module);
  EXPECT_EQ(errorOf(linkKernelLibrary(*module)),
            "no kernel library for target 'i686-unknown-linux-gnu' to define "
            "'qcc_qconv2d_generic'");
}

TEST_F(KernelLibraryTest, ModuleWithoutKernelCallsIsUntouched) {
  // Also on a target without kernels: nothing is asked for.
  for (const char *triple : {kX86, "i686-unknown-linux-gnu"}) {
    std::unique_ptr<llvm::Module> module =
        parse("target triple = \"" + std::string(triple) +
              "\"\n"
              "declare void @memcpy(ptr, ptr, i64)\n"
              "declare void @other_qcc_qconv2d_generic(ptr)\n"
              "define void @qcc_model(ptr %p) {\n"
              "  call void @other_qcc_qconv2d_generic(ptr %p)\n"
              "  ret void\n"
              "}\n");
    ASSERT_TRUE(module);
    std::string before = print(*module);
    ASSERT_EQ(errorOf(linkKernelLibrary(*module)), "") << triple;
    EXPECT_EQ(print(*module), before) << triple;
  }
}

//===----------------------------------------------------------------------===//
// The callers: objects and the JIT
//===----------------------------------------------------------------------===//

// A model function that hands its argument to a kernel, in the LLVM dialect
// as the CPU code generation leaves it.
constexpr const char *kLLVMDialectModel = R"mlir(
llvm.func @qcc_qconv2d_generic(!llvm.ptr)
llvm.func @model_step(%params: !llvm.ptr) {
  llvm.call @qcc_qconv2d_generic(%params) : (!llvm.ptr) -> ()
  llvm.return
}
)mlir";

class KernelCallersTest : public KernelLibraryTest {
protected:
  KernelCallersTest() : mlirContext(makeRegistry()) {
    mlirContext.loadAllAvailableDialects();
    handler = std::make_unique<mlir::ScopedDiagnosticHandler>(
        &mlirContext, [this](mlir::Diagnostic &diag) {
          diagnostics += diag.str() + "\n";
          return mlir::success();
        });
  }

  static mlir::DialectRegistry makeRegistry() {
    mlir::DialectRegistry registry;
    registry.insert<mlir::LLVM::LLVMDialect>();
    mlir::registerBuiltinDialectTranslation(registry);
    mlir::registerLLVMDialectTranslation(registry);
    return registry;
  }

  mlir::OwningOpRef<mlir::ModuleOp> parseMLIR(llvm::StringRef text) {
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(text, &mlirContext);
    EXPECT_TRUE(module) << diagnostics;
    return module;
  }

  /// Emits `module` for target `name` at `optLevel`.
  std::string emit(mlir::ModuleOp module, llvm::StringRef name, OutputKind kind,
                   unsigned optLevel) {
    initializeQccTargets();
    llvm::Expected<TargetSpec> spec = resolveTarget(name);
    EXPECT_TRUE(static_cast<bool>(spec));
    if (!spec) {
      llvm::consumeError(spec.takeError());
      return "";
    }
    auto machine = createTargetMachine(
        *spec, static_cast<llvm::CodeGenOptLevel>(optLevel));
    EXPECT_TRUE(static_cast<bool>(machine));
    if (!machine) {
      llvm::consumeError(machine.takeError());
      return "";
    }
    llvm::SmallString<0> bytes;
    llvm::raw_svector_ostream os(bytes);
    EXPECT_TRUE(
        mlir::succeeded(emitModule(module, **machine, optLevel, kind, os)))
        << diagnostics;
    return std::string(bytes.str());
  }

  mlir::MLIRContext mlirContext;
  std::unique_ptr<mlir::ScopedDiagnosticHandler> handler;
  std::string diagnostics;
};

TEST_F(KernelCallersTest, ObjectsDefineTheKernelsAndExportNothingNew) {
  mlir::OwningOpRef<mlir::ModuleOp> module = parseMLIR(kLLVMDialectModel);
  ASSERT_TRUE(module);
  for (const char *target : {"x86_64", "aarch64", "riscv64"}) {
    std::string object = emit(*module, target, OutputKind::Object, 2);
    ASSERT_FALSE(object.empty()) << target;
    auto file = llvm::object::ObjectFile::createObjectFile(
        llvm::MemoryBufferRef(object, target));
    ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
    std::vector<std::string> exported;
    for (const llvm::object::SymbolRef &symbol : (*file)->symbols()) {
      llvm::Expected<llvm::StringRef> name = symbol.getName();
      llvm::Expected<uint32_t> flags = symbol.getFlags();
      ASSERT_TRUE(name && flags);
      if (*flags & llvm::object::SymbolRef::SF_Undefined) {
        // The object contract allows these two and nothing else.
        EXPECT_TRUE(*name == "memcpy" || *name == "memset")
            << target << ": undefined " << name->str();
        continue;
      }
      if (*flags & llvm::object::SymbolRef::SF_Global)
        exported.push_back(name->str());
    }
    EXPECT_EQ(exported, std::vector<std::string>{"model_step"}) << target;
  }
}

TEST_F(KernelCallersTest, LLVMIRHoldsTheKernelAsInternal) {
  mlir::OwningOpRef<mlir::ModuleOp> module = parseMLIR(kLLVMDialectModel);
  ASSERT_TRUE(module);
  // At -O0 nothing is inlined: the kernel keeps its own body.
  std::string ir = emit(*module, "aarch64", OutputKind::LLVMIR, 0);
  EXPECT_NE(ir.find("define internal void @qcc_qconv2d_generic(ptr"),
            std::string::npos)
      << ir;
  EXPECT_EQ(ir.find("declare void @qcc_"), std::string::npos) << ir;
}

TEST_F(KernelCallersTest, ObjectEmissionNamesAMissingKernel) {
  mlir::OwningOpRef<mlir::ModuleOp> module = parseMLIR(R"mlir(
llvm.func @qcc_nonexistent(!llvm.ptr)
llvm.func @model_step(%params: !llvm.ptr) {
  llvm.call @qcc_nonexistent(%params) : (!llvm.ptr) -> ()
  llvm.return
}
)mlir");
  ASSERT_TRUE(module);
  initializeQccTargets();
  llvm::Expected<TargetSpec> spec = resolveTarget("x86_64");
  ASSERT_TRUE(static_cast<bool>(spec));
  auto machine = createTargetMachine(*spec, llvm::CodeGenOptLevel::Default);
  ASSERT_TRUE(static_cast<bool>(machine));
  llvm::SmallString<0> bytes;
  llvm::raw_svector_ostream os(bytes);
  EXPECT_TRUE(
      mlir::failed(emitModule(*module, **machine, 2, OutputKind::Object, os)));
  EXPECT_EQ(diagnostics, "cannot link the micro-kernels: kernel "
                         "'qcc_nonexistent' is not in the kernel library for "
                         "'x86_64-unknown-linux-gnu'\n");
}

// The JIT: `m_run_packed` passes its first input, a qcc_sconv2d_params, to
// the generic depthwise kernel. This binary does not link the kernels, so the
// JIT can only find the body linked into the module.
constexpr const char *kJitModel = R"mlir(
llvm.func @qcc_sdwconv2d_generic(!llvm.ptr)
llvm.func @m_run_packed(%inputs: !llvm.ptr, %outputs: !llvm.ptr,
                        %workspace: !llvm.ptr) {
  %params = llvm.load %inputs : !llvm.ptr -> !llvm.ptr
  llvm.call @qcc_sdwconv2d_generic(%params) : (!llvm.ptr) -> ()
  llvm.return
}
llvm.func @m_workspace_size() -> i64 {
  %zero = llvm.mlir.constant(0 : i64) : i64
  llvm.return %zero : i64
}
)mlir";

ModelLowering alreadyLowered() {
  ModelLowering lowering;
  lowering.lower = [](mlir::ModuleOp, llvm::StringRef, llvm::StringRef) {
    return mlir::success();
  };
  lowering.getDependentDialects = [](mlir::DialectRegistry &) {};
  return lowering;
}

TEST_F(KernelCallersTest, JitRunsTheLinkedKernel) {
#if !defined(__x86_64__) && !defined(__aarch64__) &&                           \
    !(defined(__riscv) && __riscv_xlen == 64)
  GTEST_SKIP() << "no kernel library for the host";
#endif
  mlir::OwningOpRef<mlir::ModuleOp> module = parseMLIR(kJitModel);
  ASSERT_TRUE(module);
  ModelABI abi;
  abi.prefix = "m";
  mlir::Builder builder(&mlirContext);
  abi.inputs.push_back(
      {"params", mlir::RankedTensorType::get({1}, builder.getI8Type())});
  abi.outputs.push_back(
      {"y", mlir::RankedTensorType::get({1}, builder.getF32Type())});
  abi.attachTo(*module);
  auto model = JitModel::compile(*module, alreadyLowered(), "", "m");
  ASSERT_TRUE(mlir::succeeded(model)) << diagnostics;

  // A 1x2 image with 2 channels and a 1x1 depthwise kernel:
  // y[p][c] = bias[c] + x[p][c] * w[c].
  float input[4] = {1.0f, 2.0f, 3.0f, -4.0f};
  float zeroRow[2] = {0.0f, 0.0f};
  float weights[QCC_DWCONV_CHANNEL_ALIGN] = {2.0f, 0.5f};
  float bias[QCC_DWCONV_CHANNEL_ALIGN] = {0.25f, -1.0f};
  float output[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  qcc_sconv2d_params params = {};
  qcc_conv2d_geometry &geometry = params.geometry;
  geometry.in_h = geometry.out_h = 1;
  geometry.in_w = geometry.out_w = 2;
  geometry.in_channels = geometry.out_channels = 2;
  geometry.in_pixel_stride = geometry.out_pixel_stride = 2;
  geometry.groups = 2;
  geometry.kernel_h = geometry.kernel_w = 1;
  geometry.stride_h = geometry.stride_w = 1;
  geometry.dilation_h = geometry.dilation_w = 1;
  params.input = input;
  params.zero_row = zeroRow;
  params.output = output;
  params.weights = weights;
  params.bias = bias;
  params.output_min = -INFINITY;
  params.output_max = INFINITY;
  const void *inputs[] = {&params};
  void *outputs[] = {output};
  (*model)->run(inputs, outputs);
  EXPECT_EQ(output[0], 2.25f); // 0.25 + 1 * 2
  EXPECT_EQ(output[1], 0.0f);  // -1 + 2 * 0.5
  EXPECT_EQ(output[2], 6.25f); // 0.25 + 3 * 2
  EXPECT_EQ(output[3], -3.0f); // -1 + -4 * 0.5
}

TEST_F(KernelCallersTest, JitNamesAMissingKernel) {
  mlir::OwningOpRef<mlir::ModuleOp> module = parseMLIR(R"mlir(
llvm.func @qcc_nonexistent(!llvm.ptr)
llvm.func @m_run_packed(%inputs: !llvm.ptr, %outputs: !llvm.ptr,
                        %workspace: !llvm.ptr) {
  llvm.call @qcc_nonexistent(%inputs) : (!llvm.ptr) -> ()
  llvm.return
}
)mlir");
  ASSERT_TRUE(module);
  ModelABI abi;
  abi.prefix = "m";
  abi.attachTo(*module);
  auto model = JitModel::compile(*module, alreadyLowered(), "", "m");
  EXPECT_TRUE(mlir::failed(model));
  EXPECT_NE(diagnostics.find("cannot link the micro-kernels: kernel "
                             "'qcc_nonexistent' is not in the kernel library"),
            std::string::npos)
      << diagnostics;
}

} // namespace
