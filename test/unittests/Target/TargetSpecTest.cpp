//===- TargetSpecTest.cpp - target names, CPUs and features ---------------===//

#include "qcc/Target/TargetSpec.h"

#include "gtest/gtest.h"

using namespace qcc;

namespace {

std::string errorOf(llvm::Expected<TargetSpec> spec) {
  if (spec)
    return "";
  return llvm::toString(spec.takeError());
}

TEST(TargetSpecTest, AliasesResolveToLinuxTriples) {
  for (const char *name : {"x86_64", "x86-64", "amd64"}) {
    auto spec = resolveTarget(name);
    ASSERT_TRUE(static_cast<bool>(spec)) << name;
    EXPECT_EQ(spec->triple, "x86_64-unknown-linux-gnu");
    EXPECT_EQ(spec->cpu, "x86-64-v3");
  }
  for (const char *name : {"aarch64", "arm64", "ARM64"}) {
    auto spec = resolveTarget(name);
    ASSERT_TRUE(static_cast<bool>(spec)) << name;
    EXPECT_EQ(spec->triple, "aarch64-unknown-linux-gnu");
    EXPECT_EQ(spec->features, "+neon");
  }
  auto riscv = resolveTarget("riscv64");
  ASSERT_TRUE(static_cast<bool>(riscv));
  EXPECT_EQ(riscv->triple, "riscv64-unknown-linux-gnu");
  EXPECT_EQ(riscv->features, "+m,+a,+f,+d,+c,+v");
  EXPECT_EQ(riscv->abiName, "lp64d");
}

TEST(TargetSpecTest, FullTriplesPassThrough) {
  auto spec = resolveTarget("aarch64-none-elf");
  ASSERT_TRUE(static_cast<bool>(spec));
  // LLVM normalizes the triple to arch-vendor-os-environment.
  EXPECT_EQ(spec->triple, "aarch64-unknown-none-elf");
}

TEST(TargetSpecTest, UserFeaturesAreAppended) {
  auto spec = resolveTarget("aarch64", "cortex-a76", "+dotprod,+i8mm");
  ASSERT_TRUE(static_cast<bool>(spec));
  EXPECT_EQ(spec->cpu, "cortex-a76");
  EXPECT_EQ(spec->features, "+neon,+dotprod,+i8mm");
}

TEST(TargetSpecTest, UserFeaturesReplaceDefaults) {
  auto spec = resolveTarget("riscv64", "", "-v,+zba");
  ASSERT_TRUE(static_cast<bool>(spec));
  EXPECT_EQ(spec->features, "+m,+a,+f,+d,+c,-v,+zba");
}

TEST(TargetSpecTest, RejectsUnknownNames) {
  EXPECT_NE(errorOf(resolveTarget("sparc")).find("unknown target 'sparc'"),
            std::string::npos);
  EXPECT_NE(errorOf(resolveTarget("mips64-linux-gnu"))
                .find("unsupported target architecture"),
            std::string::npos);
  EXPECT_NE(errorOf(resolveTarget("x86_64", "pentium-9000"))
                .find("unknown CPU 'pentium-9000'"),
            std::string::npos);
  EXPECT_NE(errorOf(resolveTarget("aarch64", "", "+warpdrive"))
                .find("unknown CPU feature 'warpdrive'"),
            std::string::npos);
  EXPECT_NE(errorOf(resolveTarget("aarch64", "", "dotprod"))
                .find("must be written +name or -name"),
            std::string::npos);
}

TEST(TargetSpecTest, CreatesTargetMachines) {
  for (const char *name : {"x86_64", "aarch64", "riscv64"}) {
    auto spec = resolveTarget(name);
    ASSERT_TRUE(static_cast<bool>(spec));
    auto machine = createTargetMachine(*spec, llvm::CodeGenOptLevel::Default);
    ASSERT_TRUE(static_cast<bool>(machine)) << name;
    EXPECT_EQ((*machine)->getTargetTriple().str(), spec->triple);
  }
}

} // namespace
