//===- TestFiles.h - writing .npy and .zip bytes for tests ------*- C++ -*-===//
//
// Independent writers for the formats the calibration readers parse, so that
// tests can build valid files and then damage them byte by byte.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TEST_UNITTESTS_CALIBRATION_TESTFILES_H
#define QCC_TEST_UNITTESTS_CALIBRATION_TESTFILES_H

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <zlib.h>

namespace qcc::testing {

inline void appendLE(std::string &out, uint64_t value, unsigned bytes) {
  for (unsigned i = 0; i < bytes; ++i)
    out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

/// An .npy file as np.save writes it: the header dict padded with spaces to
/// a multiple of 64 bytes (16 for version 1.0 in old numpy), then the data.
inline std::string makeNpy(const std::string &descr,
                           const std::vector<int64_t> &shape,
                           const std::string &data, int major = 1,
                           bool fortran = false) {
  // Python's tuple syntax: (), (3,), (2, 3).
  std::string tuple;
  for (size_t i = 0; i < shape.size(); ++i)
    tuple += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1)
    tuple += ",";
  std::string dict = "{'descr': '" + descr +
                     "', 'fortran_order': " + (fortran ? "True" : "False") +
                     ", 'shape': (" + tuple + "), }";
  size_t prefix = major == 1 ? 10 : 12;
  size_t total = prefix + dict.size() + 1;
  dict.append((64 - total % 64) % 64, ' ');
  dict += '\n';
  std::string out = "\x93NUMPY";
  out.push_back(static_cast<char>(major));
  out.push_back(0);
  appendLE(out, dict.size(), major == 1 ? 2 : 4);
  return out + dict + data;
}

template <typename T> std::string bytesOf(const std::vector<T> &values) {
  std::string out(values.size() * sizeof(T), '\0');
  if (!values.empty())
    std::memcpy(out.data(), values.data(), out.size());
  return out;
}

struct ZipInput {
  std::string name;
  std::string data;
  bool deflate = false;
};

/// Raw deflate, as zip stores it.
inline std::string deflateRaw(const std::string &data) {
  z_stream stream = {};
  deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8,
               Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()), '\0');
  stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
  stream.avail_in = data.size();
  stream.next_out = reinterpret_cast<Bytef *>(out.data());
  stream.avail_out = out.size();
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

/// A zip archive. With `zip64Sizes`, sizes in the central directory are
/// saturated and given in a zip64 extra field instead, as writers do for
/// large entries.
inline std::string makeZip(const std::vector<ZipInput> &inputs,
                           bool zip64Sizes = false) {
  std::string out, directory;
  for (const ZipInput &input : inputs) {
    std::string stored = input.deflate ? deflateRaw(input.data) : input.data;
    uint32_t crc = crc32(0, reinterpret_cast<const Bytef *>(input.data.data()),
                         input.data.size());
    uint64_t offset = out.size();
    uint16_t method = input.deflate ? 8 : 0;
    // Local header.
    appendLE(out, 0x04034b50, 4);
    appendLE(out, 20, 2);
    appendLE(out, 0, 2);
    appendLE(out, method, 2);
    appendLE(out, 0, 4);
    appendLE(out, crc, 4);
    appendLE(out, stored.size(), 4);
    appendLE(out, input.data.size(), 4);
    appendLE(out, input.name.size(), 2);
    appendLE(out, 0, 2);
    out += input.name + stored;
    // Central directory record.
    std::string extra;
    if (zip64Sizes) {
      appendLE(extra, 1, 2);
      appendLE(extra, 16, 2);
      appendLE(extra, input.data.size(), 8);
      appendLE(extra, stored.size(), 8);
    }
    appendLE(directory, 0x02014b50, 4);
    appendLE(directory, 45, 2);
    appendLE(directory, 45, 2);
    appendLE(directory, 0, 2);
    appendLE(directory, method, 2);
    appendLE(directory, 0, 4);
    appendLE(directory, crc, 4);
    appendLE(directory, zip64Sizes ? 0xffffffff : stored.size(), 4);
    appendLE(directory, zip64Sizes ? 0xffffffff : input.data.size(), 4);
    appendLE(directory, input.name.size(), 2);
    appendLE(directory, extra.size(), 2);
    appendLE(directory, 0, 2);
    appendLE(directory, 0, 2);
    appendLE(directory, 0, 2);
    appendLE(directory, 0, 4);
    appendLE(directory, offset, 4);
    directory += input.name + extra;
  }
  uint64_t directoryOffset = out.size();
  out += directory;
  appendLE(out, 0x06054b50, 4);
  appendLE(out, 0, 2);
  appendLE(out, 0, 2);
  appendLE(out, inputs.size(), 2);
  appendLE(out, inputs.size(), 2);
  appendLE(out, directory.size(), 4);
  appendLE(out, directoryOffset, 4);
  appendLE(out, 0, 2);
  return out;
}

} // namespace qcc::testing

#endif // QCC_TEST_UNITTESTS_CALIBRATION_TESTFILES_H
