//===- NpyFormat.cpp - reading NumPy .npy arrays --------------------------===//

#include "qcc/Calibration/NpyFormat.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace qcc {

static Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text;
  raw_string_ostream os(text);
  os << '[';
  interleaveComma(shape, os);
  os << ']';
  return text;
}

namespace {

/// The fields of the header dictionary.
struct NpyHeader {
  std::string descr;
  bool fortranOrder = false;
  SmallVector<int64_t> shape;
};

/// Parses the Python dict literal that `np.save` writes as the header:
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`. This is
/// the subset of Python syntax numpy emits (string, bool and int-tuple
/// values), not a general Python parser.
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : text(text) {}

  Expected<NpyHeader> parse() {
    NpyHeader header;
    bool seenDescr = false, seenOrder = false, seenShape = false;
    if (!consume('{'))
      return makeError("header is not a dictionary");
    while (!consume('}')) {
      std::string key;
      if (Error error = parseString(key))
        return std::move(error);
      if (!consume(':'))
        return makeError("expected ':' after '" + key + "' in the header");
      if (key == "descr" && !seenDescr) {
        seenDescr = true;
        if (peek('['))
          return makeError("structured dtypes are not supported");
        if (Error error = parseString(header.descr))
          return std::move(error);
      } else if (key == "fortran_order" && !seenOrder) {
        seenOrder = true;
        if (Error error = parseBool(header.fortranOrder))
          return std::move(error);
      } else if (key == "shape" && !seenShape) {
        seenShape = true;
        if (Error error = parseShape(header.shape))
          return std::move(error);
      } else {
        return makeError("unexpected or repeated key '" + key +
                         "' in the header");
      }
      // A trailing comma before '}' is what numpy writes.
      if (!consume(',') && !peek('}'))
        return makeError("expected ',' or '}' in the header");
    }
    skipSpace();
    if (!text.empty())
      return makeError("unexpected text after the header dictionary");
    if (!seenDescr || !seenOrder || !seenShape)
      return makeError("header lacks 'descr', 'fortran_order' or 'shape'");
    return header;
  }

private:
  void skipSpace() { text = text.ltrim(" \t\r\n"); }
  bool peek(char c) {
    skipSpace();
    return text.starts_with(StringRef(&c, 1));
  }
  bool consume(char c) {
    if (!peek(c))
      return false;
    text = text.drop_front();
    return true;
  }
  Error parseString(std::string &out) {
    skipSpace();
    if (text.empty() || (text.front() != '\'' && text.front() != '"'))
      return makeError("expected a string in the header");
    char quote = text.front();
    size_t end = text.find(quote, 1);
    if (end == StringRef::npos)
      return makeError("unterminated string in the header");
    out = text.slice(1, end).str();
    text = text.drop_front(end + 1);
    return Error::success();
  }

  Error parseBool(bool &out) {
    skipSpace();
    if (text.consume_front("True")) {
      out = true;
      return Error::success();
    }
    if (text.consume_front("False")) {
      out = false;
      return Error::success();
    }
    return makeError("expected True or False for 'fortran_order'");
  }

  Error parseShape(SmallVectorImpl<int64_t> &shape) {
    if (!consume('('))
      return makeError("expected a tuple for 'shape'");
    while (!consume(')')) {
      skipSpace();
      size_t digits = text.find_first_not_of("0123456789");
      if (digits == 0 || digits == StringRef::npos)
        return makeError("expected a non-negative integer in 'shape'");
      uint64_t dim;
      if (text.take_front(digits).getAsInteger(10, dim) ||
          dim > static_cast<uint64_t>(INT64_MAX))
        return makeError("dimension " + text.take_front(digits) +
                         " in 'shape' is too large");
      shape.push_back(static_cast<int64_t>(dim));
      text = text.drop_front(digits);
      text.consume_front("L"); // Python 2 long literals.
      if (!consume(',') && !peek(')'))
        return makeError("expected ',' or ')' in 'shape'");
    }
    return Error::success();
  }

  StringRef text;
};

} // namespace

/// Decodes a dtype string such as `<f4` or `|u1`.
static Error parseDescr(StringRef descr, NpyArray &array) {
  array.descr = descr.str();
  auto unsupported = [&](const Twine &why) {
    return makeError("unsupported dtype '" + descr + "'" + why);
  };
  if (descr.size() < 3)
    return unsupported("");
  char order = descr[0];
  char kind = descr[1];
  unsigned size;
  if (descr.drop_front(2).getAsInteger(10, size))
    return unsupported("");
  switch (kind) {
  case 'f':
    array.kind = NpyKind::Float;
    if (size != 4 && size != 8)
      return unsupported(" (expected float32 or float64)");
    break;
  case 'i':
  case 'u':
    array.kind = kind == 'i' ? NpyKind::SignedInt : NpyKind::UnsignedInt;
    if (size != 1 && size != 2 && size != 4 && size != 8)
      return unsupported("");
    break;
  default:
    return unsupported(" (expected float32, float64 or an integer type)");
  }
  // '|' means "byte order not applicable", valid for one-byte types only.
  bool littleEndian = order == '<' || (order == '|' && size == 1);
  if (!littleEndian) {
    if (order == '>' && size > 1)
      return unsupported(" (big-endian; convert with arr.astype('<" +
                         Twine(kind) + Twine(size) + "'))");
    return unsupported("");
  }
  array.itemSize = size;
  return Error::success();
}

Expected<NpyArray> parseNpy(std::unique_ptr<MemoryBuffer> buffer) {
  StringRef bytes = buffer->getBuffer();
  static constexpr StringLiteral kMagic("\x93NUMPY");
  if (!bytes.starts_with(kMagic))
    return makeError("not a .npy file (bad magic)");
  if (bytes.size() < kMagic.size() + 2)
    return makeError("truncated .npy header");
  unsigned major = static_cast<uint8_t>(bytes[6]);
  size_t lengthBytes;
  if (major == 1)
    lengthBytes = 2;
  else if (major == 2 || major == 3)
    lengthBytes = 4;
  else
    return makeError("unsupported .npy format version " + Twine(major) + "." +
                     Twine(unsigned(static_cast<uint8_t>(bytes[7]))));
  size_t prefix = kMagic.size() + 2 + lengthBytes;
  if (bytes.size() < prefix)
    return makeError("truncated .npy header");
  uint64_t headerLength =
      lengthBytes == 2
          ? support::endian::read16le(bytes.data() + 8)
          : static_cast<uint64_t>(support::endian::read32le(bytes.data() + 8));
  if (headerLength > bytes.size() - prefix)
    return makeError("truncated .npy header: it declares " +
                     Twine(headerLength) + " bytes, " +
                     Twine(bytes.size() - prefix) + " remain");

  Expected<NpyHeader> header =
      HeaderParser(bytes.substr(prefix, headerLength)).parse();
  if (!header)
    return header.takeError();

  NpyArray array;
  if (Error error = parseDescr(header->descr, array))
    return std::move(error);
  if (header->fortranOrder)
    return makeError("array is stored in Fortran order; save "
                     "np.ascontiguousarray(arr) instead");
  array.shape = std::move(header->shape);

  // Element count times item size, with every step checked for overflow.
  uint64_t dataBytes = array.itemSize;
  for (int64_t dim : array.shape) {
    bool overflow = false;
    dataBytes =
        SaturatingMultiply(dataBytes, static_cast<uint64_t>(dim), &overflow);
    if (overflow)
      return makeError("shape " + formatShape(array.shape) + " is too large");
  }
  uint64_t available = bytes.size() - prefix - headerLength;
  if (available < dataBytes)
    return makeError("truncated data: shape " + formatShape(array.shape) +
                     " of '" + array.descr + "' needs " + Twine(dataBytes) +
                     " bytes, " + Twine(available) + " present");
  if (available > dataBytes)
    return makeError(Twine(available - dataBytes) +
                     " unexpected bytes after the array data");
  array.data = bytes.substr(prefix + headerLength, dataBytes);
  array.storage = std::move(buffer);
  return array;
}

} // namespace qcc
