//===- HeaderEmitterTest.cpp - the generated C header ---------------------===//

#include "qcc/Target/HeaderEmitter.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace qcc;

namespace {

class HeaderEmitterTest : public ::testing::Test {
protected:
  std::string emit(const ModelABI &abi) {
    std::string text;
    llvm::raw_string_ostream os(text);
    emitCHeader(abi, "/some/dir/net.mlir", os);
    return text;
  }

  RankedTensorType tensor(ArrayRef<int64_t> shape, Type element) {
    return RankedTensorType::get(shape, element);
  }

  MLIRContext context;
  Builder builder{&context};
};

TEST_F(HeaderEmitterTest, DeclaresEntryPointsAndShapes) {
  ModelABI abi;
  abi.prefix = "net";
  abi.inputs = {{"image", tensor({1, 28, 28, 1}, builder.getF32Type())},
                {"mask", tensor({4}, builder.getI8Type())}};
  abi.outputs = {{"logits", tensor({1, 10}, builder.getF32Type())}};
  abi.workspaceSize = 4096;
  std::string header = emit(abi);

  EXPECT_NE(header.find("from net.mlir"), std::string::npos);
  EXPECT_NE(header.find("#define NET_NUM_INPUTS 2\n"), std::string::npos);
  EXPECT_NE(header.find("#define NET_WORKSPACE_SIZE 4096u\n"),
            std::string::npos);
  EXPECT_NE(header.find("#define NET_INPUT_0_SHAPE {1, 28, 28, 1}\n"),
            std::string::npos);
  EXPECT_NE(header.find("#define NET_INPUT_0_NUM_ELEMENTS 784\n"),
            std::string::npos);
  EXPECT_NE(header.find("#define NET_INPUT_1_TYPE int8_t\n"),
            std::string::npos);
  EXPECT_NE(header.find("#define NET_INPUT_SIZES {3136, 4}\n"),
            std::string::npos);
  EXPECT_NE(header.find("#define NET_OUTPUT_SIZES {40}\n"), std::string::npos);
  EXPECT_NE(header.find("size_t net_workspace_size(void);"), std::string::npos);
  EXPECT_NE(header.find("void net_run(const float *image, const int8_t *mask, "
                        "float *logits, void *workspace);"),
            std::string::npos);
  EXPECT_NE(header.find("void net_run_packed(const void *const *inputs, void "
                        "*const *outputs, void *workspace);"),
            std::string::npos);
  EXPECT_NE(header.find("#ifndef QCC_NET_H"), std::string::npos);
}

TEST_F(HeaderEmitterTest, ParameterNamesAreSanitizedAndUnique) {
  ModelABI abi;
  abi.prefix = "m";
  abi.inputs = {{"input.1", tensor({2}, builder.getF32Type())},
                {"input:1", tensor({2}, builder.getF32Type())},
                {"float", tensor({2}, builder.getF32Type())}};
  abi.outputs = {{"9out\"put", tensor({2}, builder.getF32Type())}};
  std::string header = emit(abi);
  EXPECT_NE(header.find("void m_run(const float *input_1, const float "
                        "*input_1_1, const float *float_, float *_9out_put, "
                        "void *workspace);"),
            std::string::npos)
      << header;
  // The original name survives, escaped, in the NAME macro.
  EXPECT_NE(header.find("#define M_OUTPUT_0_NAME \"9out\\\"put\"\n"),
            std::string::npos);
}

TEST(SanitizeCIdentifierTest, Examples) {
  EXPECT_EQ(sanitizeCIdentifier("x"), "x");
  EXPECT_EQ(sanitizeCIdentifier(""), "_");
  EXPECT_EQ(sanitizeCIdentifier("1x"), "_1x");
  EXPECT_EQ(sanitizeCIdentifier("a-b.c"), "a_b_c");
  EXPECT_EQ(sanitizeCIdentifier("int"), "int_");
  EXPECT_EQ(sanitizeCIdentifier("workspace"), "workspace_");
}

} // namespace
