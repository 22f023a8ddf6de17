//===- QccOpsTest.cpp - qcc op verifiers over many parameters -------------===//

#include "qcc/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "gtest/gtest.h"

#include <string>

using namespace mlir;

namespace {

class QccOpsTest : public ::testing::Test {
protected:
  QccOpsTest() {
    qcc::registerAllDialects(registry);
    context = std::make_unique<MLIRContext>(registry);
    context->loadAllAvailableDialects();
  }

  /// Parses a module quantizing a tensor<4xf32> to `type`; returns whether it
  /// verified.
  bool verifies(const std::string &type) {
    std::string source =
        "func.func @f(%x: tensor<4xf32>) -> tensor<4x" + type +
        "> {\n  %q = qcc.quantize %x : tensor<4xf32> -> tensor<4x" + type +
        ">\n  return %q : tensor<4x" + type + ">\n}\n";
    ScopedDiagnosticHandler silence(context.get(),
                                    [](Diagnostic &) { return success(); });
    return static_cast<bool>(
        parseSourceString<ModuleOp>(source, ParserConfig(context.get())));
  }

  DialectRegistry registry;
  std::unique_ptr<MLIRContext> context;
};

TEST_F(QccOpsTest, ZeroPointMustFitStorage) {
  // Every zero point of the int8 and uint8 storage ranges verifies; one past
  // either end does not.
  for (int zp = -128; zp <= 127; ++zp)
    EXPECT_TRUE(verifies("!quant.uniform<i8:f32, 0.5:" + std::to_string(zp) +
                         ">"))
        << zp;
  EXPECT_FALSE(verifies("!quant.uniform<i8:f32, 0.5:128>"));
  EXPECT_FALSE(verifies("!quant.uniform<i8:f32, 0.5:-129>"));
  EXPECT_TRUE(verifies("!quant.uniform<u8:f32, 0.5:255>"));
  EXPECT_FALSE(verifies("!quant.uniform<u8:f32, 0.5:256>"));
  // Narrow storage ranges (int8 weights use -127..127) bound the zero point.
  EXPECT_TRUE(verifies("!quant.uniform<i8<-127:127>:f32, 0.5:-127>"));
  EXPECT_FALSE(verifies("!quant.uniform<i8<-127:127>:f32, 0.5:-128>"));
}

TEST_F(QccOpsTest, ScaleMustBePositiveAndFinite) {
  EXPECT_TRUE(verifies("!quant.uniform<i8:f32, 1.0e-30>"));
  EXPECT_TRUE(verifies("!quant.uniform<i8:f32, 3.0e+30>"));
  EXPECT_FALSE(verifies("!quant.uniform<i8:f32, 0.0>"));
  EXPECT_FALSE(verifies("!quant.uniform<i8:f32, -0.5>"));
  EXPECT_FALSE(verifies("!quant.uniform<i8:f32, 0x7FC00000>"));
  EXPECT_FALSE(verifies("!quant.uniform<i8:f32, 0x7F800000>"));
}

TEST_F(QccOpsTest, PerAxisLengthMustMatch) {
  EXPECT_TRUE(verifies("!quant.uniform<i8:f32:0, {1.0, 2.0, 3.0, 4.0}>"));
  EXPECT_FALSE(verifies("!quant.uniform<i8:f32:0, {1.0, 2.0, 3.0}>"));
  EXPECT_FALSE(
      verifies("!quant.uniform<i8:f32:0, {1.0, 2.0, 3.0, 4.0, 5.0}>"));
}

} // namespace
