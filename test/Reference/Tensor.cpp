//===- Tensor.cpp - Quantized types and tensors of the reference ----------===//

#include "Tensor.h"

#include <cassert>
#include <cmath>

namespace qcc::ref {

int64_t numElements(const Shape &shape) {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

Shape rowMajorStrides(const Shape &shape) {
  Shape strides(shape.size(), 1);
  for (size_t dim = shape.size(); dim > 1; --dim)
    strides[dim - 2] = strides[dim - 1] * shape[dim - 1];
  return strides;
}

int storageBits(Storage storage) { return storage == Storage::I16 ? 16 : 8; }

bool isSignedStorage(Storage storage) { return storage != Storage::U8; }

int64_t storageTypeMin(Storage storage) {
  switch (storage) {
  case Storage::I8:
    return -128;
  case Storage::U8:
    return 0;
  case Storage::I16:
    return -32768;
  }
  return 0;
}

int64_t storageTypeMax(Storage storage) {
  switch (storage) {
  case Storage::I8:
    return 127;
  case Storage::U8:
    return 255;
  case Storage::I16:
    return 32767;
  }
  return 0;
}

QuantType QuantType::perTensor(Storage storage, double scale,
                               int64_t zeroPoint) {
  QuantType type;
  type.storage = storage;
  type.qmin = storageTypeMin(storage);
  type.qmax = storageTypeMax(storage);
  type.scales = {scale};
  type.zeroPoints = {zeroPoint};
  return type;
}

QuantType QuantType::perAxis(Storage storage, int64_t axis,
                             std::vector<double> scales,
                             std::vector<int64_t> zeroPoints) {
  assert(axis >= 0 && scales.size() == zeroPoints.size());
  QuantType type;
  type.storage = storage;
  type.qmin = storageTypeMin(storage);
  type.qmax = storageTypeMax(storage);
  type.scales = std::move(scales);
  type.zeroPoints = std::move(zeroPoints);
  type.axis = axis;
  return type;
}

QuantType QuantType::withRange(int64_t newQmin, int64_t newQmax) const {
  QuantType type = *this;
  type.qmin = newQmin;
  type.qmax = newQmax;
  return type;
}

double QuantType::scale(int64_t channel) const {
  return scales[isPerAxis() ? channel : 0];
}

int64_t QuantType::zeroPoint(int64_t channel) const {
  return zeroPoints[isPerAxis() ? channel : 0];
}

bool QuantType::operator==(const QuantType &other) const {
  return storage == other.storage && qmin == other.qmin && qmax == other.qmax &&
         scales == other.scales && zeroPoints == other.zeroPoints &&
         axis == other.axis;
}

int64_t QTensor::channelOf(int64_t flatIndex) const {
  if (!type.isPerAxis())
    return 0;
  int64_t stride = rowMajorStrides(shape)[type.axis];
  return flatIndex / stride % shape[type.axis];
}

std::string verifyTensor(const QTensor &tensor) {
  const QuantType &type = tensor.type;
  if (static_cast<int64_t>(tensor.values.size()) != numElements(tensor.shape))
    return "value count does not match the shape";
  if (type.qmin < storageTypeMin(type.storage) ||
      type.qmax > storageTypeMax(type.storage) || type.qmin > type.qmax)
    return "storage range exceeds the storage type";
  if (type.scales.empty() || type.scales.size() != type.zeroPoints.size())
    return "scales and zero points differ in number";
  if (type.isPerAxis() &&
      (type.axis >= static_cast<int64_t>(tensor.shape.size()) ||
       static_cast<int64_t>(type.scales.size()) != tensor.shape[type.axis]))
    return "per-axis parameters do not match the quantized dimension";
  if (!type.isPerAxis() && type.scales.size() != 1)
    return "a per-tensor type has one scale";
  for (size_t i = 0; i < type.scales.size(); ++i) {
    if (!(type.scales[i] > 0.0) || !std::isfinite(type.scales[i]))
      return "scale must be positive and finite";
    if (type.zeroPoints[i] < type.qmin || type.zeroPoints[i] > type.qmax)
      return "zero point outside the storage range";
  }
  for (int32_t value : tensor.values)
    if (value < type.qmin || value > type.qmax)
      return "stored value " + std::to_string(value) +
             " outside the storage range";
  return "";
}

} // namespace qcc::ref
