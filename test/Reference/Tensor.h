//===- Tensor.h - Quantized types and tensors of the reference --*- C++ -*-===//
//
// Plain C++17 value types for the scalar reference of qcc's numerics contract.
// Nothing here depends on MLIR: the reference must not be able to share a bug
// with the compiler it checks.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TEST_REFERENCE_TENSOR_H
#define QCC_TEST_REFERENCE_TENSOR_H

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace qcc::ref {

using Shape = std::vector<int64_t>;

/// Number of elements of a static shape (1 for rank 0).
int64_t numElements(const Shape &shape);

/// Row-major strides of `shape`, in elements.
Shape rowMajorStrides(const Shape &shape);

/// Storage types of the contract. u8 shares i8's bits at a model boundary.
enum class Storage { I8, U8, I16 };

int storageBits(Storage storage);
bool isSignedStorage(Storage storage);
int64_t storageTypeMin(Storage storage);
int64_t storageTypeMax(Storage storage);

/// An `!quant.uniform` element type with f32 expressed type: storage type,
/// storage range (narrower than the storage type for e.g. `i8<-127:127>`),
/// and one (scale, zero point) per tensor or per index of `axis`.
struct QuantType {
  Storage storage = Storage::I8;
  int64_t qmin = -128;
  int64_t qmax = 127;
  std::vector<double> scales = {1.0};
  std::vector<int64_t> zeroPoints = {0};
  /// The quantized dimension, or -1 for a per-tensor type.
  int64_t axis = -1;

  /// A per-tensor type over the full storage range.
  static QuantType perTensor(Storage storage, double scale, int64_t zeroPoint);
  /// A per-axis type over the full storage range.
  static QuantType perAxis(Storage storage, int64_t axis,
                           std::vector<double> scales,
                           std::vector<int64_t> zeroPoints);
  /// This type with the storage range narrowed to [qmin, qmax].
  QuantType withRange(int64_t newQmin, int64_t newQmax) const;

  bool isPerAxis() const { return axis >= 0; }
  /// Scale and zero point of `channel` (any channel for per-tensor types).
  double scale(int64_t channel = 0) const;
  int64_t zeroPoint(int64_t channel = 0) const;

  bool operator==(const QuantType &other) const;
  bool operator!=(const QuantType &other) const { return !(*this == other); }
};

/// A quantized tensor: stored integers in row-major order.
struct QTensor {
  Shape shape;
  std::vector<int32_t> values;
  QuantType type;

  /// The index along `type.axis` of the element at `flatIndex` (0 for
  /// per-tensor types): which (scale, zero point) applies to it.
  int64_t channelOf(int64_t flatIndex) const;
};

/// Why `tensor` is not a valid quantized tensor (value count, parameters,
/// stored values outside [qmin, qmax]), or an empty string.
std::string verifyTensor(const QTensor &tensor);

/// An f32 tensor in row-major order.
struct FloatTensor {
  Shape shape;
  std::vector<float> values;
};

/// The reason the contract gives no result: a compile-time error (e.g. a
/// multiplier >= 2^30) or undefined behaviour (an int32 accumulator
/// overflow), or operands that do not form a valid op.
struct Failure {
  std::string message;
};

/// A value or a Failure. The code base builds without exceptions, so the
/// reference reports errors by value.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : value(std::move(value)) {}
  Result(Failure failure) : failureMessage(std::move(failure.message)) {}

  bool ok() const { return value.has_value(); }
  explicit operator bool() const { return ok(); }
  const T &operator*() const { return *value; }
  T &operator*() { return *value; }
  const T *operator->() const { return &*value; }
  T *operator->() { return &*value; }
  const std::string &error() const { return failureMessage; }

private:
  std::optional<T> value;
  std::string failureMessage;
};

} // namespace qcc::ref

#endif // QCC_TEST_REFERENCE_TENSOR_H
