//===- NpyFormatTest.cpp - the .npy reader --------------------------------===//
//
// Valid files of every supported dtype and header version parse to the
// expected shape and bytes; every prefix of a valid file, every single-byte
// corruption and random garbage yield an error or an array, never a crash
// (run these under ASan/UBSan).
//
//===----------------------------------------------------------------------===//

#include "TestFiles.h"

#include "qcc/Calibration/NpyFormat.h"

#include "gtest/gtest.h"

#include <random>

using namespace qcc;
using namespace qcc::testing;

namespace {

llvm::Expected<NpyArray> parse(const std::string &bytes) {
  return parseNpy(llvm::MemoryBuffer::getMemBufferCopy(bytes, "test.npy"));
}

std::string errorOf(const std::string &bytes) {
  llvm::Expected<NpyArray> array = parse(bytes);
  if (array)
    return "";
  return llvm::toString(array.takeError());
}

TEST(NpyFormat, Float32) {
  std::string data = bytesOf<float>({1.5f, -2.0f, 3.25f, 0.0f, 7.0f, 8.0f});
  llvm::Expected<NpyArray> array = parse(makeNpy("<f4", {2, 3}, data));
  ASSERT_TRUE(bool(array)) << llvm::toString(array.takeError());
  EXPECT_EQ(array->kind, NpyKind::Float);
  EXPECT_EQ(array->itemSize, 4u);
  EXPECT_EQ(array->shape, (llvm::SmallVector<int64_t>{2, 3}));
  EXPECT_EQ(array->getNumElements(), 6);
  EXPECT_EQ(array->data.str(), data);
  EXPECT_EQ(array->descr, "<f4");
}

TEST(NpyFormat, EveryDtype) {
  struct Case {
    const char *descr;
    NpyKind kind;
    unsigned size;
  } cases[] = {{"<f4", NpyKind::Float, 4},       {"<f8", NpyKind::Float, 8},
               {"|i1", NpyKind::SignedInt, 1},   {"<i1", NpyKind::SignedInt, 1},
               {"|u1", NpyKind::UnsignedInt, 1}, {"<i2", NpyKind::SignedInt, 2},
               {"<i4", NpyKind::SignedInt, 4},   {"<i8", NpyKind::SignedInt, 8},
               {"<u8", NpyKind::UnsignedInt, 8}};
  for (const Case &c : cases) {
    llvm::Expected<NpyArray> array =
        parse(makeNpy(c.descr, {3}, std::string(3 * c.size, '\x01')));
    ASSERT_TRUE(bool(array))
        << c.descr << ": " << llvm::toString(array.takeError());
    EXPECT_EQ(array->kind, c.kind) << c.descr;
    EXPECT_EQ(array->itemSize, c.size) << c.descr;
    EXPECT_EQ(array->getNumElements(), 3) << c.descr;
  }
}

TEST(NpyFormat, HeaderVersionsAndShapes) {
  for (int major : {1, 2, 3}) {
    llvm::Expected<NpyArray> array =
        parse(makeNpy("<f4", {}, bytesOf<float>({4.0f}), major));
    ASSERT_TRUE(bool(array)) << llvm::toString(array.takeError());
    EXPECT_TRUE(array->shape.empty());
    EXPECT_EQ(array->getNumElements(), 1);
  }
  llvm::Expected<NpyArray> empty = parse(makeNpy("<f4", {0, 3}, ""));
  ASSERT_TRUE(bool(empty)) << llvm::toString(empty.takeError());
  EXPECT_EQ(empty->getNumElements(), 0);
}

TEST(NpyFormat, PythonHeaderVariants) {
  // Double quotes, no trailing comma, keys in another order, Python 2 longs.
  for (std::string dict :
       {"{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (2,)}",
        "{'shape': (2L,), 'fortran_order': False, 'descr': '<f4'}"}) {
    std::string bytes = "\x93NUMPY";
    bytes += '\x01';
    bytes += '\x00';
    appendLE(bytes, dict.size() + 1, 2);
    bytes += dict + "\n" + bytesOf<float>({1.0f, 2.0f});
    llvm::Expected<NpyArray> array = parse(bytes);
    ASSERT_TRUE(bool(array))
        << dict << ": " << llvm::toString(array.takeError());
    EXPECT_EQ(array->shape, (llvm::SmallVector<int64_t>{2}));
  }
}

TEST(NpyFormat, Errors) {
  std::string four = bytesOf<float>({1, 2, 3, 4});
  EXPECT_NE(errorOf(makeNpy("<f4", {4}, four, 1, /*fortran=*/true))
                .find("Fortran order"),
            std::string::npos);
  EXPECT_NE(errorOf(makeNpy(">f4", {4}, four)).find("big-endian"),
            std::string::npos);
  EXPECT_NE(errorOf(makeNpy("<f2", {8}, four)).find("unsupported dtype '<f2'"),
            std::string::npos);
  EXPECT_NE(errorOf(makeNpy("|b1", {16}, four)).find("unsupported dtype"),
            std::string::npos);
  EXPECT_NE(errorOf(makeNpy("<U3", {1}, four)).find("unsupported dtype"),
            std::string::npos);
  EXPECT_NE(errorOf(makeNpy("<f4", {5}, four)).find("truncated data"),
            std::string::npos);
  EXPECT_NE(errorOf(makeNpy("<f4", {3}, four)).find("unexpected bytes"),
            std::string::npos);
  EXPECT_NE(errorOf("PK\x03\x04").find("bad magic"), std::string::npos);
  EXPECT_NE(errorOf(makeNpy("<f4", {4}, four, /*major=*/4))
                .find("unsupported .npy format version 4.0"),
            std::string::npos);
  // A shape whose byte size overflows 64 bits.
  EXPECT_NE(errorOf(makeNpy("<f8", {int64_t(1) << 40, int64_t(1) << 40}, ""))
                .find("too large"),
            std::string::npos);
  EXPECT_NE(errorOf(makeNpy("<f4", {4}, four).replace(10, 1, "["))
                .find("not a dictionary"),
            std::string::npos);
}

TEST(NpyFormat, EveryPrefixFails) {
  std::string valid = makeNpy("<i4", {2, 2}, bytesOf<int32_t>({1, 2, 3, 4}));
  for (size_t size = 0; size < valid.size(); ++size)
    EXPECT_FALSE(errorOf(valid.substr(0, size)).empty()) << size;
  EXPECT_TRUE(errorOf(valid).empty());
}

TEST(NpyFormat, CorruptionNeverCrashes) {
  std::string valid =
      makeNpy("<f4", {2, 3}, bytesOf<float>({1, 2, 3, 4, 5, 6}));
  // Every byte of the header replaced by characters that matter to the
  // parser, then random garbage behind a valid magic.
  for (size_t pos = 0; pos < valid.size() - 24; ++pos)
    for (char c : {'\0', '\xff', '(', ')', ',', '\'', '}', '9', ' '}) {
      std::string bytes = valid;
      bytes[pos] = c;
      (void)errorOf(bytes);
    }
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    std::string bytes = round % 2 ? std::string("\x93NUMPY\x01\x00", 8) : "";
    size_t size = rng() % 200;
    for (size_t i = 0; i < size; ++i)
      bytes.push_back(static_cast<char>(rng()));
    (void)errorOf(bytes);
  }
}

} // namespace
