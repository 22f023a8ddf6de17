//===- TensorConversionTest.cpp - ONNX tensors to DenseElementsAttr -------===//

#include "TensorConversion.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cstring>
#include <limits>

using namespace mlir;
using namespace qcc::onnx_import;

namespace {

class TensorConversionTest : public ::testing::Test {
protected:
  /// Converts `tensor`, collecting diagnostics into `errors`.
  FailureOr<DenseElementsAttr>
  convert(const onnx::TensorProto &tensor,
          ExternalDataReader *externalData = nullptr) {
    errors.clear();
    ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
      errors += diag.str() + "\n";
      return success();
    });
    return convertTensorProto(
        tensor, &context,
        [&] { return emitError(UnknownLoc::get(&context)) << "tensor 't' "; },
        externalData);
  }

  static onnx::TensorProto floatTensor(std::initializer_list<int64_t> dims) {
    onnx::TensorProto tensor;
    tensor.set_name("t");
    tensor.set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims)
      tensor.add_dims(d);
    return tensor;
  }

  MLIRContext context;
  std::string errors;
};

TEST_F(TensorConversionTest, ElementTypes) {
  EXPECT_TRUE(convertElementType(onnx::TensorProto::FLOAT, &context).isF32());
  EXPECT_TRUE(
      convertElementType(onnx::TensorProto::INT64, &context).isInteger(64));
  // Unsigned integers are signless in the IR; the flag lives beside them.
  EXPECT_TRUE(convertElementType(onnx::TensorProto::UINT8, &context)
                  .isSignlessInteger(8));
  EXPECT_TRUE(convertElementType(onnx::TensorProto::UINT64, &context)
                  .isSignlessInteger(64));
  EXPECT_TRUE(isUnsignedElementType(onnx::TensorProto::UINT16));
  EXPECT_FALSE(isUnsignedElementType(onnx::TensorProto::INT16));
  EXPECT_TRUE(convertElementType(onnx::TensorProto::FLOAT16, &context).isF16());
  EXPECT_TRUE(
      convertElementType(onnx::TensorProto::BFLOAT16, &context).isBF16());
  EXPECT_TRUE(
      convertElementType(onnx::TensorProto::BOOL, &context).isInteger(1));
  EXPECT_FALSE(convertElementType(onnx::TensorProto::STRING, &context));
  EXPECT_FALSE(convertElementType(onnx::TensorProto::UNDEFINED, &context));
  EXPECT_FALSE(convertElementType(12345, &context));
  EXPECT_EQ(getElementTypeName(onnx::TensorProto::INT8), "INT8");
  EXPECT_EQ(getElementTypeName(12345), "<invalid>");
  EXPECT_EQ(getElementTypeName(-1), "<invalid>");
}

TEST_F(TensorConversionTest, ElementCountAndStorageSize) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(getElementCount({}), 1);
  EXPECT_EQ(getElementCount({2, 3, 4}), 24);
  EXPECT_EQ(getElementCount({5, 0}), 0);
  EXPECT_EQ(getElementCount({kMax}), kMax);
  EXPECT_TRUE(failed(getElementCount({-1})));
  EXPECT_TRUE(failed(getElementCount({0, -1})));
  EXPECT_TRUE(failed(getElementCount({int64_t(1) << 32, int64_t(1) << 31})));
  // The running product must fit, even when a later dimension is zero.
  EXPECT_TRUE(failed(getElementCount({int64_t(1) << 40, int64_t(1) << 40, 0})));

  Builder b(&context);
  EXPECT_EQ(getStorageSize({2, 3}, b.getF32Type()), 24);
  EXPECT_EQ(getStorageSize({7}, b.getI1Type()), 7);
  EXPECT_EQ(getStorageSize({int64_t(1) << 61}, b.getI8Type()), int64_t(1)
                                                                   << 61);
  EXPECT_TRUE(failed(getStorageSize({int64_t(1) << 61}, b.getF32Type())));
  EXPECT_TRUE(failed(getStorageSize({kMax}, b.getI16Type())));
}

TEST_F(TensorConversionTest, RawAndTypedData) {
  onnx::TensorProto tensor = floatTensor({2});
  float values[] = {1.5f, -2.0f};
  tensor.set_raw_data(std::string(reinterpret_cast<char *>(values), 8));
  FailureOr<DenseElementsAttr> attr = convert(tensor);
  ASSERT_TRUE(succeeded(attr)) << errors;
  EXPECT_EQ(attr->getValues<float>()[1], -2.0f);

  tensor = floatTensor({2});
  tensor.add_float_data(3.0f);
  tensor.add_float_data(4.0f);
  attr = convert(tensor);
  ASSERT_TRUE(succeeded(attr)) << errors;
  EXPECT_EQ(attr->getValues<float>()[0], 3.0f);

  onnx::TensorProto bools;
  bools.set_data_type(onnx::TensorProto::BOOL);
  bools.add_dims(3);
  bools.set_raw_data(std::string("\x00\x02\x01", 3));
  attr = convert(bools);
  ASSERT_TRUE(succeeded(attr)) << errors;
  EXPECT_EQ(llvm::to_vector(attr->getValues<bool>()),
            (llvm::SmallVector<bool>{false, true, true}));

  // An empty tensor.
  tensor = floatTensor({0, 3});
  attr = convert(tensor);
  ASSERT_TRUE(succeeded(attr)) << errors;
  EXPECT_EQ(attr->getNumElements(), 0);
}

TEST_F(TensorConversionTest, RejectsMalformedTensors) {
  onnx::TensorProto tensor = floatTensor({4});
  tensor.set_raw_data(std::string(14, '\0'));
  EXPECT_TRUE(failed(convert(tensor)));
  EXPECT_NE(errors.find("tensor 't' has 14 bytes of raw_data, expected 16"),
            std::string::npos)
      << errors;

  tensor = floatTensor({4});
  tensor.add_float_data(1.0f);
  EXPECT_TRUE(failed(convert(tensor)));
  EXPECT_NE(errors.find("holds 1 value(s), expected 4"), std::string::npos)
      << errors;

  tensor = floatTensor({3, -2});
  EXPECT_TRUE(failed(convert(tensor)));
  EXPECT_NE(errors.find("negative dimension -2 at index 1"), std::string::npos)
      << errors;

  tensor = floatTensor({int64_t(1) << 40, int64_t(1) << 40});
  EXPECT_TRUE(failed(convert(tensor)));
  EXPECT_NE(errors.find("product overflows"), std::string::npos) << errors;

  tensor = floatTensor({1});
  tensor.set_data_type(onnx::TensorProto::STRING);
  EXPECT_TRUE(failed(convert(tensor)));
  EXPECT_NE(errors.find("unsupported element type STRING"), std::string::npos)
      << errors;

  tensor = floatTensor({1});
  tensor.add_float_data(1.0f);
  tensor.add_external_data()->set_key("location");
  EXPECT_TRUE(failed(convert(tensor)));
  EXPECT_NE(errors.find("data_location is not EXTERNAL"), std::string::npos)
      << errors;

  // External data without a reader.
  tensor = floatTensor({1});
  tensor.set_data_location(onnx::TensorProto::EXTERNAL);
  EXPECT_TRUE(failed(convert(tensor)));
}

/// A scratch directory with a model directory `model/` inside it.
class ExternalDataTest : public TensorConversionTest {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("qcc-external", root));
    modelDir = root;
    llvm::sys::path::append(modelDir, "model");
    ASSERT_FALSE(llvm::sys::fs::create_directory(modelDir));
    std::string data(32, '\xee');
    float values[] = {1.0f, 2.0f, 3.0f, 4.0f};
    std::memcpy(&data[8], values, sizeof(values));
    writeFile(modelDir, "w.bin", data);
    writeFile(root, "outside.bin", data);
  }
  void TearDown() override { llvm::sys::fs::remove_directories(root); }

  static void writeFile(StringRef dir, StringRef name, StringRef data) {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, name);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    os << data;
  }

  static onnx::TensorProto
  external(std::initializer_list<std::pair<const char *, std::string>> keys) {
    onnx::TensorProto tensor = floatTensor({4});
    tensor.set_data_location(onnx::TensorProto::EXTERNAL);
    for (const auto &[key, value] : keys) {
      onnx::StringStringEntryProto *entry = tensor.add_external_data();
      entry->set_key(key);
      entry->set_value(value);
    }
    return tensor;
  }

  /// Converts `tensor` with a reader of the model directory and returns the
  /// diagnostics (empty on success).
  std::string errorsOf(const onnx::TensorProto &tensor) {
    ExternalDataReader reader(modelDir);
    if (succeeded(convert(tensor, &reader)))
      return "";
    return errors.empty() ? "<failed without a diagnostic>" : errors;
  }

  llvm::SmallString<256> root, modelDir;
};

TEST_F(ExternalDataTest, ReadsWithOffsetAndLength) {
  ExternalDataReader reader(modelDir);
  FailureOr<DenseElementsAttr> attr = convert(
      external({{"location", "w.bin"}, {"offset", "8"}, {"length", "16"}}),
      &reader);
  ASSERT_TRUE(succeeded(attr)) << errors;
  EXPECT_EQ(llvm::to_vector(attr->getValues<float>()),
            (llvm::SmallVector<float>{1.0f, 2.0f, 3.0f, 4.0f}));
  // Without a length, the rest of the file from the offset.
  attr = convert(external({{"location", "w.bin"}, {"offset", "16"}}), &reader);
  ASSERT_TRUE(succeeded(attr)) << errors;
  EXPECT_EQ(attr->getValues<float>()[0], 3.0f);
}

TEST_F(ExternalDataTest, RejectsLocationsOutsideTheModelDirectory) {
  EXPECT_NE(errorsOf(external({{"location", "/etc/hostname"}}))
                .find("an absolute path"),
            std::string::npos);
  EXPECT_NE(errorsOf(external({{"location", "../outside.bin"}}))
                .find("contains '..'"),
            std::string::npos);
  llvm::SmallString<256> link(modelDir);
  llvm::sys::path::append(link, "link.bin");
  ASSERT_FALSE(llvm::sys::fs::create_link("../outside.bin", link));
  EXPECT_NE(errorsOf(external({{"location", "link.bin"}, {"offset", "8"}}))
                .find("outside the model's directory"),
            std::string::npos);
  EXPECT_NE(errorsOf(external({{"location", "missing.bin"}}))
                .find("cannot open external data file 'missing.bin'"),
            std::string::npos);
  EXPECT_NE(errorsOf(external({})).find("no 'location' entry"),
            std::string::npos);
  ExternalDataReader noDirectory("");
  EXPECT_TRUE(failed(convert(
      external({{"location", "w.bin"}, {"offset", "8"}, {"length", "16"}}),
      &noDirectory)));
}

TEST_F(ExternalDataTest, RejectsBadOffsetsAndLengths) {
  auto check = [&](const char *offset, const char *length, StringRef message) {
    std::string got = errorsOf(external(
        {{"location", "w.bin"}, {"offset", offset}, {"length", length}}));
    EXPECT_NE(got.find(message.str()), std::string::npos)
        << offset << "/" << length << ": " << got;
  };
  check("-4", "16", "negative external data offset -4");
  check("0", "-16", "negative external data length -16");
  check("33", "16", "offset 33 beyond the end");
  check("9223372036854775807", "16", "beyond the end");
  check("24", "16", "length 16 at offset 24, beyond the end");
  check("1", "9223372036854775807", "beyond the end");
  check("0", "12", "has 12 bytes of external data in 'w.bin', expected 16");
  check("0x10", "16", "is not a decimal integer");
  check("18446744073709551616", "16", "is not a decimal integer");
}

} // namespace
