//===- CalibrationDataTest.cpp - matching arrays to model inputs ----------===//
//
// Shape rules ([N, *shape], exact shape, batch axis), dtype conversions and
// every rejection, both from in-memory arrays and from .npz archives and
// .npy directories written to a temporary directory.
//
//===----------------------------------------------------------------------===//

#include "TestFiles.h"

#include "qcc/Calibration/CalibrationData.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

#include <cmath>

using namespace mlir;
using namespace qcc;
using namespace qcc::testing;

namespace {

class CalibrationDataTest : public ::testing::Test {
protected:
  CalibrationInput input(StringRef name, ArrayRef<int64_t> shape,
                         Type elementType) {
    return {name.str(), RankedTensorType::get(shape, elementType)};
  }
  Type f32() { return Builder(&context).getF32Type(); }
  Type f64() { return Builder(&context).getF64Type(); }
  Type i8() { return Builder(&context).getI8Type(); }
  Type i32() { return Builder(&context).getI32Type(); }

  static NamedArray array(StringRef name, const std::string &npy) {
    auto parsed = parseNpy(llvm::MemoryBuffer::getMemBufferCopy(npy));
    EXPECT_TRUE(bool(parsed));
    return {name.str(), "'" + name.str() + ".npy'", std::move(*parsed)};
  }

  /// A vector of move-only arrays (an initializer list would copy).
  template <typename... Arrays>
  static std::vector<NamedArray> list(Arrays... arrays) {
    std::vector<NamedArray> result;
    (result.push_back(std::move(arrays)), ...);
    return result;
  }

  /// The error fromArrays reports, or "" if it succeeds.
  static std::string errorOf(std::vector<NamedArray> arrays,
                             ArrayRef<CalibrationInput> inputs) {
    auto data =
        CalibrationData::fromArrays("data.npz", std::move(arrays), inputs);
    return data ? "" : llvm::toString(data.takeError());
  }

  MLIRContext context;
};

#define EXPECT_ERROR(expr, text)                                               \
  do {                                                                         \
    std::string error = (expr);                                                \
    EXPECT_NE(error.find(text), std::string::npos) << error;                   \
  } while (false)

TEST_F(CalibrationDataTest, ShapeRules) {
  CalibrationInput x = input("x", {1, 2}, f32());
  std::string six = bytesOf<float>({1, 2, 3, 4, 5, 6});
  // [N, 1, 2].
  {
    std::vector<NamedArray> arrays;
    arrays.push_back(array("x", makeNpy("<f4", {3, 1, 2}, six)));
    auto data = CalibrationData::fromArrays("d", std::move(arrays), {x});
    ASSERT_TRUE(bool(data)) << llvm::toString(data.takeError());
    EXPECT_EQ(data->getNumSamples(), 3);
    auto *third = static_cast<const float *>(data->getSample(0, 2));
    EXPECT_EQ(third[0], 5.0f);
    EXPECT_EQ(third[1], 6.0f);
  }
  // Samples along the batch axis: [N, 2] for an input of shape [1, 2].
  {
    std::vector<NamedArray> arrays;
    arrays.push_back(array("x", makeNpy("<f4", {3, 2}, six)));
    auto data = CalibrationData::fromArrays("d", std::move(arrays), {x});
    ASSERT_TRUE(bool(data)) << llvm::toString(data.takeError());
    EXPECT_EQ(data->getNumSamples(), 3);
  }
  // Exactly the input's shape: one sample.
  {
    CalibrationInput y = input("y", {3, 2}, f32());
    std::vector<NamedArray> arrays;
    arrays.push_back(array("y", makeNpy("<f4", {3, 2}, six)));
    auto data = CalibrationData::fromArrays("d", std::move(arrays), {y});
    ASSERT_TRUE(bool(data)) << llvm::toString(data.takeError());
    EXPECT_EQ(data->getNumSamples(), 1);
  }
  EXPECT_ERROR(errorOf(list(array("x", makeNpy("<f4", {2, 3}, six))), {x}),
               "'x.npy': shape [2, 3] does not fit input 'x' of type "
               "tensor<1x2xf32>; expected [N, 1, 2], [N, 2] or [1, 2]");
  EXPECT_ERROR(errorOf(list(array("x", makeNpy("<f4", {0, 1, 2}, ""))), {x}),
               "no samples (N = 0)");
}

TEST_F(CalibrationDataTest, SampleCountsMustAgree) {
  std::vector<CalibrationInput> inputs = {input("a", {2}, f32()),
                                          input("b", {2}, f32())};
  EXPECT_ERROR(
      errorOf(
          list(array("a", makeNpy("<f4", {2, 2}, bytesOf<float>({1, 2, 3, 4}))),
               array("b", makeNpy("<f4", {1, 2}, bytesOf<float>({1, 2})))),
          inputs),
      "'b.npy': 1 samples, but 'a.npy' has 2");
}

TEST_F(CalibrationDataTest, NamesMustMatch) {
  std::vector<CalibrationInput> inputs = {input("a", {2}, f32()),
                                          input("b", {2}, f32())};
  std::string two = makeNpy("<f4", {2}, bytesOf<float>({1, 2}));
  EXPECT_ERROR(errorOf(list(array("a", two)), inputs),
               "'data.npz' has no array for input 'b'");
  EXPECT_ERROR(
      errorOf(list(array("a", two), array("b", two), array("c", two)), inputs),
      "'c' is not an input of the model (inputs: 'a', 'b')");
  EXPECT_ERROR(
      errorOf(list(array("a", two), array("a", two), array("b", two)), inputs),
      "a second array for input 'a'");
}

TEST_F(CalibrationDataTest, FloatConversions) {
  // float64 data rounds to f32; float32 data widens to f64.
  std::vector<NamedArray> arrays;
  arrays.push_back(array("x", makeNpy("<f8", {2}, bytesOf<double>({0.1, 2}))));
  auto data = CalibrationData::fromArrays("d", std::move(arrays),
                                          {input("x", {2}, f32())});
  ASSERT_TRUE(bool(data)) << llvm::toString(data.takeError());
  EXPECT_EQ(static_cast<const float *>(data->getSample(0, 0))[0], 0.1f);

  arrays.clear();
  arrays.push_back(array("x", makeNpy("<f4", {2}, bytesOf<float>({0.1f, 2}))));
  data = CalibrationData::fromArrays("d", std::move(arrays),
                                     {input("x", {2}, f64())});
  ASSERT_TRUE(bool(data)) << llvm::toString(data.takeError());
  EXPECT_EQ(static_cast<const double *>(data->getSample(0, 0))[0],
            static_cast<double>(0.1f));

  float nan = std::nanf("");
  float inf = INFINITY;
  EXPECT_ERROR(
      errorOf(list(array("x", makeNpy("<f4", {2, 2},
                                      bytesOf<float>({nan, 1, inf, nan})))),
              {input("x", {2}, f32())}),
      "'x.npy': 3 of 4 values are NaN or infinite; the first is in sample 0 "
      "(element 0 of it)");
  EXPECT_ERROR(
      errorOf(list(array(
                  "x", makeNpy("<f4", {2, 2}, bytesOf<float>({0, 1, 2, nan})))),
              {input("x", {2}, f32())}),
      "1 of 4 values are NaN or infinite; the first is in sample 1 "
      "(element 1 of it)");
  // 1e300 is finite as a double but not as a float.
  EXPECT_ERROR(errorOf(list(array("x", makeNpy("<f8", {2},
                                               bytesOf<double>({1e300, 1})))),
                       {input("x", {2}, f32())}),
               "1 of 2 values are NaN or infinite (after rounding to f32)");
}

TEST_F(CalibrationDataTest, IntegerConversions) {
  std::vector<NamedArray> arrays;
  arrays.push_back(
      array("t", makeNpy("<i8", {3}, bytesOf<int64_t>({-5, 0, 2000000}))));
  auto data = CalibrationData::fromArrays("d", std::move(arrays),
                                          {input("t", {3}, i32())});
  ASSERT_TRUE(bool(data)) << llvm::toString(data.takeError());
  auto *values = static_cast<const int32_t *>(data->getSample(0, 0));
  EXPECT_EQ(values[0], -5);
  EXPECT_EQ(values[2], 2000000);

  arrays.clear();
  arrays.push_back(
      array("t", makeNpy("|u1", {3}, bytesOf<uint8_t>({0, 127, 5}))));
  data = CalibrationData::fromArrays("d", std::move(arrays),
                                     {input("t", {3}, i8())});
  ASSERT_TRUE(bool(data)) << llvm::toString(data.takeError());
  EXPECT_EQ(static_cast<const int8_t *>(data->getSample(0, 0))[1], 127);

  EXPECT_ERROR(
      errorOf(
          list(array("t", makeNpy("|u1", {3}, bytesOf<uint8_t>({0, 200, 5})))),
          {input("t", {3}, i8())}),
      "value 200 at flat index 1 does not fit the element type i8 of input "
      "'t'");
  EXPECT_ERROR(
      errorOf(list(array(
                  "t", makeNpy("<u8", {1}, bytesOf<uint64_t>({~uint64_t(0)})))),
              {input("t", {1}, i32())}),
      "value 18446744073709551615");
  EXPECT_ERROR(
      errorOf(list(array("t", makeNpy("<f4", {3}, bytesOf<float>({1, 2, 3})))),
              {input("t", {3}, i32())}),
      "dtype '<f4' does not match the element type i32 of input "
      "'t'; expected an integer array");
  EXPECT_ERROR(errorOf(list(array("t", makeNpy("<i4", {3},
                                               bytesOf<int32_t>({1, 2, 3})))),
                       {input("t", {3}, f32())}),
               "expected a float32 or float64 array");
}

/// load() on files: an .npz archive and a directory of .npy files.
class CalibrationFilesTest : public CalibrationDataTest {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("qcc-calib", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string write(StringRef name, const std::string &bytes) {
    llvm::SmallString<128> path(dir);
    llvm::sys::path::append(path, name);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    EXPECT_FALSE(ec);
    os << bytes;
    return std::string(path);
  }

  std::string loadError(StringRef path, ArrayRef<CalibrationInput> inputs) {
    auto data = CalibrationData::load(path, inputs);
    return data ? "" : llvm::toString(data.takeError());
  }

  llvm::SmallString<128> dir;
};

TEST_F(CalibrationFilesTest, Npz) {
  std::vector<CalibrationInput> inputs = {input("image", {1, 2}, f32()),
                                          input("ids", {2}, i32())};
  std::string zip = makeZip(
      {{"image.npy", makeNpy("<f4", {2, 1, 2}, bytesOf<float>({1, 2, 3, 4})),
        true},
       {"ids.npy", makeNpy("<i8", {2, 2}, bytesOf<int64_t>({1, 2, 3, 4}))}});
  std::string path = write("data.npz", zip);
  auto data = CalibrationData::load(path, inputs);
  ASSERT_TRUE(bool(data)) << llvm::toString(data.takeError());
  EXPECT_EQ(data->getNumSamples(), 2);
  EXPECT_EQ(static_cast<const int32_t *>(data->getSample(1, 1))[1], 4);

  // A wrong name is reported before anything is parsed.
  std::string misnamed =
      write("misnamed.npz",
            makeZip({{"image.npy", "garbage"}, {"idz.npy", "garbage"}}));
  EXPECT_ERROR(loadError(misnamed, inputs),
               "misnamed.npz': entry 'idz.npy' matches no model input "
               "(inputs: 'image', 'ids')");
  std::string missing = write("missing.npz", makeZip({{"image.npy", "x"}}));
  EXPECT_ERROR(loadError(missing, inputs),
               "missing.npz': no entry 'ids.npy' for model input 'ids'");
  std::string bad = write(
      "bad.npz", makeZip({{"image.npy", "garbage"}, {"ids.npy", "garbage"}}));
  EXPECT_ERROR(loadError(bad, inputs), "bad.npz' entry 'image.npy': not a .npy "
                                       "file (bad magic)");
  EXPECT_ERROR(loadError(write("empty.npz", ""), inputs),
               "empty.npz': not an .npz archive");
  EXPECT_ERROR(
      loadError(write("cut.npz", zip.substr(0, zip.size() / 2)), inputs),
      "cut.npz': not a zip archive");
  llvm::SmallString<128> absent(dir);
  llvm::sys::path::append(absent, "absent.npz");
  EXPECT_ERROR(loadError(absent, inputs), "absent.npz': No such file");
}

TEST_F(CalibrationFilesTest, Directory) {
  std::vector<CalibrationInput> inputs = {input("a", {2}, f32()),
                                          input("b", {2}, f32())};
  write("a.npy", makeNpy("<f4", {2}, bytesOf<float>({1, 2})));
  write("README.txt", "other files are ignored");
  EXPECT_ERROR(loadError(dir, inputs), "no file 'b.npy' for model input 'b'");
  write("b.npy", makeNpy("<f8", {2}, bytesOf<double>({3, 4})));
  auto data = CalibrationData::load(dir, inputs);
  ASSERT_TRUE(bool(data)) << llvm::toString(data.takeError());
  EXPECT_EQ(data->getNumSamples(), 1);
  EXPECT_EQ(static_cast<const float *>(data->getSample(1, 0))[1], 4.0f);

  write("c.npy", makeNpy("<f4", {2}, bytesOf<float>({1, 2})));
  EXPECT_ERROR(loadError(dir, inputs), "file 'c.npy' matches no model input");
}

} // namespace
