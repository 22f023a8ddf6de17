//===- MlirText.h - Spelling types and literals in MLIR syntax --*- C++ -*-===//

#ifndef QCC_TEST_BITEXACT_GENERATOR_MLIRTEXT_H
#define QCC_TEST_BITEXACT_GENERATOR_MLIRTEXT_H

#include "QccReference.h"

#include <string>
#include <vector>

namespace qcc::bitexact {

/// The shortest decimal that parses back to exactly `value`, in MLIR float
/// syntax (always with a '.').
std::string formatDouble(double value);

/// `!quant.uniform<i8<-127:127>:f32:0, {0.5:1,0.25:-3}>` and friends.
std::string quantElementType(const ref::QuantType &type);

/// The integer element type that carries `storage`'s bits at the model
/// boundary: u8 travels as i8.
std::string boundaryElementType(ref::Storage storage);

/// `tensor<2x3xelement>`.
std::string tensorType(const ref::Shape &shape, const std::string &element);

/// A DenseElementsAttr body for `shape`: `dense<v>` when all values are equal,
/// else nested lists. Values are printed as the bit pattern of `bits`-wide
/// signed integers (u8 200 becomes -56), as the i8/i16 constants need.
std::string denseLiteral(const ref::Shape &shape,
                         const std::vector<int64_t> &values, int bits);
std::string denseLiteral(const ref::Shape &shape,
                         const std::vector<int32_t> &values, int bits);

/// `array<i64: 1, 2>`.
std::string i64Array(const std::vector<int64_t> &values);

/// The stored values' raw little-endian bytes at the model boundary.
std::vector<uint8_t> storageBytes(const ref::QTensor &tensor);
std::vector<uint8_t> floatBytes(const ref::FloatTensor &tensor);

} // namespace qcc::bitexact

#endif // QCC_TEST_BITEXACT_GENERATOR_MLIRTEXT_H
