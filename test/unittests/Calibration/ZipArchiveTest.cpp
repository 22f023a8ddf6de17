//===- ZipArchiveTest.cpp - the .npz (zip) reader -------------------------===//
//
// Stored, deflated and zip64-described entries extract to their bytes;
// damaged archives (every truncation, flipped bytes, wrong CRCs, bad sizes)
// yield errors and never crash (run these under ASan/UBSan).
//
//===----------------------------------------------------------------------===//

#include "TestFiles.h"

#include "qcc/Calibration/ZipArchive.h"

#include "gtest/gtest.h"

#include <random>

using namespace qcc;
using namespace qcc::testing;

namespace {

/// Opens `bytes` and extracts every entry; returns the first error, or "".
std::string readAll(const std::string &bytes,
                    std::vector<std::string> *contents = nullptr) {
  llvm::Expected<ZipArchive> archive = ZipArchive::open(bytes);
  if (!archive)
    return llvm::toString(archive.takeError());
  for (const ZipEntry &entry : archive->getEntries()) {
    auto data = archive->extract(entry);
    if (!data)
      return llvm::toString(data.takeError());
    if (contents)
      contents->push_back((*data)->getBuffer().str());
  }
  return "";
}

std::string sampleText() {
  std::string text;
  for (int i = 0; i < 500; ++i)
    text += "sample " + std::to_string(i % 17) + ";";
  return text;
}

TEST(ZipArchive, StoredAndDeflated) {
  std::string text = sampleText();
  std::string zip =
      makeZip({{"a.npy", "stored bytes", false}, {"b.npy", text, true}});
  llvm::Expected<ZipArchive> archive = ZipArchive::open(zip);
  ASSERT_TRUE(bool(archive)) << llvm::toString(archive.takeError());
  ASSERT_EQ(archive->getEntries().size(), 2u);
  EXPECT_EQ(archive->getEntries()[0].name, "a.npy");
  EXPECT_EQ(archive->getEntries()[1].method, 8);
  std::vector<std::string> contents;
  EXPECT_EQ(readAll(zip, &contents), "");
  EXPECT_EQ(contents, (std::vector<std::string>{"stored bytes", text}));
}

TEST(ZipArchive, Zip64Sizes) {
  std::string text = sampleText();
  std::vector<std::string> contents;
  EXPECT_EQ(
      readAll(makeZip({{"x.npy", text, true}}, /*zip64Sizes=*/true), &contents),
      "");
  EXPECT_EQ(contents, std::vector<std::string>{text});
}

TEST(ZipArchive, EmptyArchiveAndEmptyEntry) {
  EXPECT_EQ(readAll(makeZip({})), "");
  std::vector<std::string> contents;
  EXPECT_EQ(readAll(makeZip({{"e.npy", "", true}}), &contents), "");
  EXPECT_EQ(contents, std::vector<std::string>{""});
}

TEST(ZipArchive, Errors) {
  EXPECT_NE(readAll("").find("not a zip archive"), std::string::npos);
  EXPECT_NE(readAll(std::string(100, 'x')).find("no end of central"),
            std::string::npos);
  EXPECT_NE(readAll(makeZip({{"a", "1"}, {"a", "2"}})).find("duplicate"),
            std::string::npos);

  std::string zip = makeZip({{"a.npy", sampleText(), true}});
  // The CRC field of the central directory record.
  size_t central = zip.find("PK\x01\x02");
  std::string badCrc = zip;
  badCrc[central + 16] ^= 1;
  EXPECT_NE(readAll(badCrc).find("CRC-32"), std::string::npos);
  // A declared size larger than the data inflates to.
  std::string badSize = zip;
  badSize[central + 24] ^= 0x40;
  EXPECT_NE(readAll(badSize).find("inflates to"), std::string::npos);
  // An unknown method.
  std::string badMethod = zip;
  badMethod[central + 10] = 12;
  EXPECT_NE(readAll(badMethod).find("compression method 12"),
            std::string::npos);
  // Encryption.
  std::string encrypted = zip;
  encrypted[central + 8] |= 1;
  EXPECT_NE(readAll(encrypted).find("encrypted"), std::string::npos);
}

TEST(ZipArchive, EveryTruncationFails) {
  std::string zip =
      makeZip({{"a.npy", "stored", false}, {"b.npy", sampleText(), true}});
  for (size_t size = 0; size < zip.size(); ++size)
    EXPECT_NE(readAll(zip.substr(0, size)), "") << size;
}

TEST(ZipArchive, CorruptionNeverCrashes) {
  std::string zip = makeZip(
      {{"a.npy", "stored", false}, {"b.npy", sampleText(), true}}, true);
  for (size_t pos = 0; pos < zip.size(); ++pos)
    for (char c : {'\0', '\x01', '\x7f', '\xff'}) {
      std::string bytes = zip;
      bytes[pos] = c;
      (void)readAll(bytes);
    }
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = zip;
    for (int flips = 1 + rng() % 4; flips > 0; --flips)
      bytes[rng() % bytes.size()] = static_cast<char>(rng());
    (void)readAll(bytes);
    std::string garbage(rng() % 300, '\0');
    for (char &c : garbage)
      c = static_cast<char>(rng());
    (void)readAll(garbage + zip.substr(zip.size() - 22));
    (void)readAll(garbage);
  }
}

} // namespace
