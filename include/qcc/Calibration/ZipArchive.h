//===- ZipArchive.h - reading the zip archives of np.savez ------*- C++ -*-===//
//
// Just enough of the zip format to read `.npz` files: the central directory
// (with zip64 extensions, which numpy uses for large arrays), stored and
// deflate-compressed entries (`np.savez` / `np.savez_compressed`), and the
// CRC-32 of every extracted entry. Encryption, multi-disk archives and other
// compression methods are reported as errors. Every offset and size read
// from the archive is checked against its bytes before use.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_ZIPARCHIVE_H
#define QCC_CALIBRATION_ZIPARCHIVE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>
#include <vector>

namespace qcc {

struct ZipEntry {
  std::string name;
  uint16_t flags = 0;
  /// 0: stored, 8: deflate.
  uint16_t method = 0;
  uint32_t crc32 = 0;
  uint64_t compressedSize = 0;
  uint64_t uncompressedSize = 0;
  uint64_t localHeaderOffset = 0;
};

class ZipArchive {
public:
  /// Reads the central directory of the archive in `bytes`, which must
  /// outlive the archive. Errors describe what is wrong with the archive.
  static llvm::Expected<ZipArchive> open(llvm::StringRef bytes);

  /// The entries in directory order.
  const std::vector<ZipEntry> &getEntries() const { return entries; }

  /// Decompresses one entry and checks its size and CRC-32.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
  extract(const ZipEntry &entry) const;

private:
  ZipArchive(llvm::StringRef bytes, std::vector<ZipEntry> entries)
      : bytes(bytes), entries(std::move(entries)) {}

  llvm::StringRef bytes;
  std::vector<ZipEntry> entries;
};

} // namespace qcc

#endif // QCC_CALIBRATION_ZIPARCHIVE_H
