//===- ZipArchive.cpp - reading the zip archives of np.savez --------------===//

#include "qcc/Calibration/ZipArchive.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Endian.h"

#include <algorithm>
#include <zlib.h>

using namespace llvm;

namespace qcc {

static Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

namespace {

/// Little-endian reads from an archive; callers check `contains` first.
class ByteView {
public:
  explicit ByteView(StringRef bytes) : bytes(bytes) {}

  bool contains(uint64_t offset, uint64_t size) const {
    return offset <= bytes.size() && size <= bytes.size() - offset;
  }
  uint16_t u16(uint64_t offset) const {
    return support::endian::read16le(bytes.data() + offset);
  }
  uint32_t u32(uint64_t offset) const {
    return support::endian::read32le(bytes.data() + offset);
  }
  uint64_t u64(uint64_t offset) const {
    return support::endian::read64le(bytes.data() + offset);
  }
  StringRef slice(uint64_t offset, uint64_t size) const {
    return bytes.substr(offset, size);
  }
  uint64_t size() const { return bytes.size(); }

private:
  StringRef bytes;
};

/// Where the central directory is, from the (zip64) end records.
struct Directory {
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t count = 0;
};

} // namespace

static constexpr uint32_t kEndSignature = 0x06054b50;
static constexpr uint32_t kZip64EndSignature = 0x06064b50;
static constexpr uint32_t kZip64LocatorSignature = 0x07064b50;
static constexpr uint32_t kCentralSignature = 0x02014b50;
static constexpr uint32_t kLocalSignature = 0x04034b50;
static constexpr uint64_t kEndSize = 22;
static constexpr uint64_t kZip64EndSize = 56;
static constexpr uint64_t kZip64LocatorSize = 20;
static constexpr uint64_t kCentralSize = 46;
static constexpr uint64_t kLocalSize = 30;
static constexpr uint16_t kZip64ExtraId = 0x0001;
/// Deflate cannot expand data by more than about 1032:1; a larger declared
/// size is corruption, and refusing it bounds the memory garbage can claim.
static constexpr uint64_t kMaxDeflateRatio = 1032;

static Expected<Directory> findDirectory(const ByteView &view) {
  if (view.size() < kEndSize)
    return makeError("not a zip archive (too short)");
  // The end record sits before a comment of at most 64 KiB; the last
  // signature that fits is the record (comments rarely contain one).
  uint64_t lowest =
      view.size() > kEndSize + 0xffff ? view.size() - kEndSize - 0xffff : 0;
  uint64_t end = view.size() - kEndSize;
  while (view.u32(end) != kEndSignature ||
         end + kEndSize + view.u16(end + 20) > view.size()) {
    if (end == lowest)
      return makeError("not a zip archive (no end of central directory)");
    --end;
  }
  if (view.u16(end + 4) != 0 || view.u16(end + 6) != 0)
    return makeError("multi-disk zip archives are not supported");

  Directory dir;
  dir.count = view.u16(end + 10);
  dir.size = view.u32(end + 12);
  dir.offset = view.u32(end + 16);
  bool zip64 =
      dir.count == 0xffff || dir.size == 0xffffffff || dir.offset == 0xffffffff;
  if (zip64) {
    if (end < kZip64LocatorSize ||
        view.u32(end - kZip64LocatorSize) != kZip64LocatorSignature)
      return makeError("zip64 archive without a zip64 end locator");
    uint64_t record = view.u64(end - kZip64LocatorSize + 8);
    if (!view.contains(record, kZip64EndSize) ||
        view.u32(record) != kZip64EndSignature)
      return makeError("corrupt zip64 end of central directory");
    dir.count = view.u64(record + 32);
    dir.size = view.u64(record + 40);
    dir.offset = view.u64(record + 48);
  }
  if (!view.contains(dir.offset, dir.size))
    return makeError("central directory lies outside the file");
  return dir;
}

/// Replaces the 32-bit sizes and offset that are saturated (0xffffffff) by
/// the 64-bit values of the zip64 extra field, which lists exactly those, in
/// this order.
static Error applyZip64Extra(StringRef extra, ZipEntry &entry) {
  ByteView view(extra);
  uint64_t pos = 0;
  while (view.contains(pos, 4)) {
    uint16_t id = view.u16(pos);
    uint16_t size = view.u16(pos + 2);
    pos += 4;
    if (!view.contains(pos, size))
      return makeError("corrupt extra field of entry '" + entry.name + "'");
    if (id == kZip64ExtraId) {
      uint64_t field = pos, fieldEnd = pos + size;
      for (uint64_t *value : {&entry.uncompressedSize, &entry.compressedSize,
                              &entry.localHeaderOffset}) {
        if (*value != 0xffffffff)
          continue;
        if (field + 8 > fieldEnd)
          return makeError("short zip64 extra field in entry '" + entry.name +
                           "'");
        *value = view.u64(field);
        field += 8;
      }
      return Error::success();
    }
    pos += size;
  }
  return Error::success();
}

Expected<ZipArchive> ZipArchive::open(StringRef bytes) {
  ByteView view(bytes);
  Expected<Directory> dir = findDirectory(view);
  if (!dir)
    return dir.takeError();

  std::vector<ZipEntry> entries;
  StringSet<> names;
  uint64_t pos = dir->offset, dirEnd = dir->offset + dir->size;
  for (uint64_t i = 0; i < dir->count; ++i) {
    if (pos + kCentralSize > dirEnd || view.u32(pos) != kCentralSignature)
      return makeError("corrupt central directory (entry " + Twine(i) + ")");
    uint64_t nameSize = view.u16(pos + 28);
    uint64_t extraSize = view.u16(pos + 30);
    uint64_t commentSize = view.u16(pos + 32);
    uint64_t recordSize = kCentralSize + nameSize + extraSize + commentSize;
    if (pos + recordSize > dirEnd)
      return makeError("corrupt central directory (entry " + Twine(i) + ")");

    ZipEntry entry;
    entry.flags = view.u16(pos + 8);
    entry.method = view.u16(pos + 10);
    entry.crc32 = view.u32(pos + 16);
    entry.compressedSize = view.u32(pos + 20);
    entry.uncompressedSize = view.u32(pos + 24);
    entry.localHeaderOffset = view.u32(pos + 42);
    entry.name = view.slice(pos + kCentralSize, nameSize).str();
    if (Error error = applyZip64Extra(
            view.slice(pos + kCentralSize + nameSize, extraSize), entry))
      return std::move(error);
    if (!names.insert(entry.name).second)
      return makeError("duplicate entry '" + entry.name + "'");
    entries.push_back(std::move(entry));
    pos += recordSize;
  }
  return ZipArchive(bytes, std::move(entries));
}

/// Inflates raw deflate data into exactly `out.size()` bytes.
static Error inflateInto(StringRef input, MutableArrayRef<char> out,
                         StringRef name) {
  z_stream stream = {};
  if (inflateInit2(&stream, -MAX_WBITS) != Z_OK)
    return makeError("cannot initialize zlib");
  scope_exit cleanup([&] { inflateEnd(&stream); });

  // zlib counts in 32-bit units: feed both sides in bounded chunks.
  constexpr uint64_t kChunk = uint64_t(1) << 30;
  auto *inBase = reinterpret_cast<Bytef *>(const_cast<char *>(input.data()));
  auto *outBase = reinterpret_cast<Bytef *>(out.data());
  stream.next_in = inBase;
  stream.next_out = outBase;
  for (;;) {
    uint64_t inUsed = stream.next_in - inBase;
    uint64_t outUsed = stream.next_out - outBase;
    stream.avail_in =
        static_cast<uInt>(std::min(input.size() - inUsed, kChunk));
    stream.avail_out =
        static_cast<uInt>(std::min(out.size() - outUsed, kChunk));
    int status = inflate(&stream, Z_NO_FLUSH);
    if (status == Z_STREAM_END)
      break;
    if (status == Z_OK)
      continue;
    if (status == Z_BUF_ERROR && stream.avail_out != 0)
      return makeError("entry '" + name + "' is truncated");
    if (status == Z_BUF_ERROR)
      return makeError("entry '" + name +
                       "' inflates to more bytes than its declared size");
    std::string reason =
        stream.msg ? stream.msg : "error " + std::to_string(status);
    return makeError("entry '" + name + "' is corrupt (zlib: " + reason + ")");
  }
  uint64_t produced = stream.next_out - outBase;
  if (produced != out.size())
    return makeError("entry '" + name + "' inflates to " + Twine(produced) +
                     " bytes, its header declares " + Twine(out.size()));
  return Error::success();
}

static uint32_t computeCrc32(ArrayRef<char> data) {
  return static_cast<uint32_t>(
      crc32_z(crc32_z(0, nullptr, 0),
              reinterpret_cast<const Bytef *>(data.data()), data.size()));
}

Expected<std::unique_ptr<MemoryBuffer>>
ZipArchive::extract(const ZipEntry &entry) const {
  ByteView view(bytes);
  const std::string &name = entry.name;
  if (entry.flags & 1)
    return makeError("entry '" + name + "' is encrypted");
  uint64_t local = entry.localHeaderOffset;
  if (!view.contains(local, kLocalSize) || view.u32(local) != kLocalSignature)
    return makeError("entry '" + name + "' has a corrupt local header");
  // The local header's own name and extra lengths locate the data; its
  // sizes may be placeholders (numpy streams entries), so the central
  // directory's are the ones used.
  uint64_t dataStart =
      local + kLocalSize + view.u16(local + 26) + view.u16(local + 28);
  if (!view.contains(dataStart, entry.compressedSize))
    return makeError("entry '" + name + "' is truncated");
  StringRef input = view.slice(dataStart, entry.compressedSize);

  uint64_t size = entry.uncompressedSize;
  if (entry.method == 0 && size != entry.compressedSize)
    return makeError("stored entry '" + name + "' has inconsistent sizes");
  if (entry.method == 8 &&
      size > entry.compressedSize * kMaxDeflateRatio + 1024)
    return makeError("entry '" + name + "' declares an impossible size");
  if (entry.method != 0 && entry.method != 8)
    return makeError("entry '" + name +
                     "' uses unsupported compression "
                     "method " +
                     Twine(entry.method) + " (expected stored or deflate)");

  std::unique_ptr<WritableMemoryBuffer> buffer =
      WritableMemoryBuffer::getNewUninitMemBuffer(size, name);
  if (!buffer)
    return makeError("out of memory extracting entry '" + name + "'");
  MutableArrayRef<char> out(buffer->getBufferStart(), size);
  if (entry.method == 0) {
    std::copy(input.begin(), input.end(), out.begin());
  } else if (Error error = inflateInto(input, out, name)) {
    return std::move(error);
  }
  if (computeCrc32(out) != entry.crc32)
    return makeError("entry '" + name + "' fails its CRC-32 check");
  return std::unique_ptr<MemoryBuffer>(std::move(buffer));
}

} // namespace qcc
