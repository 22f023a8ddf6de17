//===- MlirText.cpp - Spelling types and literals in MLIR syntax ----------===//

#include "MlirText.h"

#include <charconv>
#include <cstring>
#include <functional>
#include <sstream>

namespace qcc::bitexact {

using namespace qcc::ref;

std::string formatDouble(double value) {
  char buffer[64];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  (void)error;
  std::string text(buffer, end);
  // MLIR's lexer needs a '.' in a float literal ("1e-05" would not parse).
  if (text.find('.') == std::string::npos) {
    size_t exponent = text.find('e');
    text.insert(exponent == std::string::npos ? text.size() : exponent, ".0");
  }
  return text;
}

static std::string storageSpelling(const QuantType &type) {
  std::string base = type.storage == Storage::I8   ? "i8"
                     : type.storage == Storage::U8 ? "u8"
                                                   : "i16";
  if (type.qmin == storageTypeMin(type.storage) &&
      type.qmax == storageTypeMax(type.storage))
    return base;
  return base + "<" + std::to_string(type.qmin) + ":" +
         std::to_string(type.qmax) + ">";
}

std::string quantElementType(const QuantType &type) {
  std::ostringstream os;
  os << "!quant.uniform<" << storageSpelling(type) << ":f32";
  if (!type.isPerAxis()) {
    os << ", " << formatDouble(type.scale()) << ":" << type.zeroPoint() << ">";
    return os.str();
  }
  os << ":" << type.axis << ", {";
  for (size_t i = 0; i < type.scales.size(); ++i)
    os << (i ? "," : "") << formatDouble(type.scales[i]) << ":"
       << type.zeroPoints[i];
  os << "}>";
  return os.str();
}

std::string boundaryElementType(Storage storage) {
  return storage == Storage::I16 ? "i16" : "i8";
}

std::string tensorType(const Shape &shape, const std::string &element) {
  std::string text = "tensor<";
  for (int64_t dim : shape)
    text += std::to_string(dim) + "x";
  return text + element + ">";
}

/// `value` as the signed integer with the same low `bits` bits.
static int64_t asSignedBits(int64_t value, int bits) {
  if (bits >= 64)
    return value;
  int64_t modulus = int64_t(1) << bits;
  value &= modulus - 1;
  return value >= modulus / 2 ? value - modulus : value;
}

std::string denseLiteral(const Shape &shape, const std::vector<int32_t> &values,
                         int bits) {
  return denseLiteral(shape, std::vector<int64_t>(values.begin(), values.end()),
                      bits);
}

std::string denseLiteral(const Shape &shape, const std::vector<int64_t> &values,
                         int bits) {
  bool splat = !values.empty();
  for (int64_t value : values)
    splat = splat && value == values.front();
  if (splat)
    return "dense<" + std::to_string(asSignedBits(values.front(), bits)) + ">";

  std::string text = "dense<";
  size_t next = 0;
  std::function<void(size_t)> printDim = [&](size_t dim) {
    if (dim == shape.size()) {
      text += std::to_string(asSignedBits(values[next++], bits));
      return;
    }
    text += "[";
    for (int64_t i = 0; i < shape[dim]; ++i) {
      if (i)
        text += ", ";
      printDim(dim + 1);
    }
    text += "]";
  };
  printDim(0);
  return text + ">";
}

std::string i64Array(const std::vector<int64_t> &values) {
  std::string text = "array<i64: ";
  for (size_t i = 0; i < values.size(); ++i)
    text += (i ? ", " : "") + std::to_string(values[i]);
  return text + ">";
}

std::vector<uint8_t> storageBytes(const QTensor &tensor) {
  int bytes = storageBits(tensor.type.storage) / 8;
  std::vector<uint8_t> data;
  data.reserve(tensor.values.size() * bytes);
  for (int32_t value : tensor.values)
    for (int byte = 0; byte < bytes; ++byte)
      data.push_back(
          static_cast<uint8_t>(static_cast<uint32_t>(value) >> (8 * byte)));
  return data;
}

std::vector<uint8_t> floatBytes(const FloatTensor &tensor) {
  std::vector<uint8_t> data;
  data.reserve(tensor.values.size() * 4);
  for (float value : tensor.values) {
    uint32_t bits = 0;
    std::memcpy(&bits, &value, sizeof(bits));
    for (int byte = 0; byte < 4; ++byte)
      data.push_back(static_cast<uint8_t>(bits >> (8 * byte)));
  }
  return data;
}

} // namespace qcc::bitexact
