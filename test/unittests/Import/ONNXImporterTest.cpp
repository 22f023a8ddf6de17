//===- ONNXImporterTest.cpp - --input-shape pins and in-memory import -----===//

#include "qcc/Import/ONNX/ONNXImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/MemoryBuffer.h"

#include "gtest/gtest.h"

#include "onnx/onnx_pb.h"

using namespace qcc;

namespace {

TEST(AddInputShapePinTest, ParsesNamesAndDimensions) {
  ONNXImportOptions options;
  std::string error;
  ASSERT_TRUE(addInputShapePin("input=1x3x224x224", options, error)) << error;
  ASSERT_TRUE(addInputShapePin("scalar=", options, error)) << error;
  // The name is everything before the last '='.
  ASSERT_TRUE(addInputShapePin("a=b=2", options, error)) << error;
  EXPECT_EQ(options.inputShapes.lookup("input"),
            (llvm::SmallVector<int64_t>{1, 3, 224, 224}));
  EXPECT_TRUE(options.inputShapes.lookup("scalar").empty());
  EXPECT_TRUE(options.inputShapes.count("scalar"));
  EXPECT_EQ(options.inputShapes.lookup("a=b"), (llvm::SmallVector<int64_t>{2}));
}

TEST(AddInputShapePinTest, RejectsMalformedSpecs) {
  for (const char *spec :
       {"", "input", "=1x2", "x=1x0", "x=-1x2", "x=1xx2", "x=1x", "x=ax2",
        "x=1.5", "x=99999999999999999999", "x=0x10"}) {
    ONNXImportOptions options;
    std::string error;
    EXPECT_FALSE(addInputShapePin(spec, options, error)) << spec;
    EXPECT_FALSE(error.empty()) << spec;
    EXPECT_TRUE(options.inputShapes.empty()) << spec;
  }
}

TEST(AddInputShapePinTest, RejectsRepeatedNames) {
  ONNXImportOptions options;
  std::string error;
  ASSERT_TRUE(addInputShapePin("x=1x2", options, error));
  EXPECT_FALSE(addInputShapePin("x=3x4", options, error));
  EXPECT_NE(error.find("more than once"), std::string::npos) << error;
  EXPECT_EQ(options.inputShapes.lookup("x"),
            (llvm::SmallVector<int64_t>{1, 2}));
}

/// Imports `model` from memory and returns the diagnostics it produced.
std::string importErrors(const onnx::ModelProto &model,
                         const ONNXImportOptions &options = {}) {
  std::string bytes;
  EXPECT_TRUE(model.SerializeToString(&bytes));
  mlir::MLIRContext context;
  std::string errors;
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    errors += diag.str() + "\n";
    return mlir::success();
  });
  llvm::MemoryBufferRef buffer(bytes, "memory-model");
  EXPECT_FALSE(importONNXModel(buffer, context, options));
  return errors;
}

onnx::ModelProto reluModel(int64_t irVersion = 8) {
  onnx::ModelProto model;
  model.set_ir_version(irVersion);
  model.add_opset_import()->set_version(13);
  onnx::GraphProto *graph = model.mutable_graph();
  for (onnx::ValueInfoProto *info : {graph->add_input(), graph->add_output()}) {
    info->set_name(info == &graph->input(0) ? "x" : "y");
    onnx::TypeProto::Tensor *type = info->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto::FLOAT);
    type->mutable_shape()->add_dim()->set_dim_value(4);
  }
  onnx::NodeProto *node = graph->add_node();
  node->set_op_type("Relu");
  node->set_name("relu");
  node->add_input("x");
  node->add_output("y");
  return model;
}

TEST(ImportONNXModelTest, ImportsFromMemory) {
  onnx::ModelProto model = reluModel();
  std::string bytes;
  ASSERT_TRUE(model.SerializeToString(&bytes));
  mlir::MLIRContext context;
  llvm::MemoryBufferRef buffer(bytes, "memory-model");
  EXPECT_TRUE(importONNXModel(buffer, context));
}

TEST(ImportONNXModelTest, RejectsUnsupportedIRVersions) {
  EXPECT_NE(importErrors(reluModel(2)).find("IR version 2 is not supported"),
            std::string::npos);
  EXPECT_NE(importErrors(reluModel(42)).find("IR version 42 is not supported"),
            std::string::npos);
}

TEST(ImportONNXModelTest, RejectsPinsOfUnknownInputs) {
  ONNXImportOptions options;
  std::string error;
  ASSERT_TRUE(addInputShapePin("z=4", options, error));
  EXPECT_NE(importErrors(reluModel(), options)
                .find("--input-shape names 'z', which is not a graph input"),
            std::string::npos);
}

TEST(ImportONNXModelTest, RejectsOverflowingPins) {
  ONNXImportOptions options;
  std::string error;
  ASSERT_TRUE(addInputShapePin("x=4294967296x4294967296", options, error));
  EXPECT_NE(importErrors(reluModel(), options).find("overflows"),
            std::string::npos);
}

TEST(ImportONNXModelTest, RejectsExternalDataWithoutAModelFile) {
  onnx::ModelProto model = reluModel();
  onnx::NodeProto *node = model.mutable_graph()->mutable_node(0);
  node->set_op_type("Add");
  node->add_input("w");
  onnx::TensorProto *w = model.mutable_graph()->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(4);
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  onnx::StringStringEntryProto *entry = w->add_external_data();
  entry->set_key("location");
  entry->set_value("w.bin");
  EXPECT_NE(importErrors(model).find(
                "initializer 'w' uses external data file 'w.bin', but the "
                "model was not read from a file"),
            std::string::npos);
}

} // namespace
