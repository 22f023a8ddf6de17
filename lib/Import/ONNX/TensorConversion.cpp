//===- TensorConversion.cpp - ONNX tensors and types to MLIR --------------===//

#include "TensorConversion.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace qcc::onnx_import {

Type convertElementType(int32_t dataType, MLIRContext *context) {
  Builder b(context);
  switch (dataType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::INT8:
    return b.getI8Type();
  case onnx::TensorProto::INT16:
    return b.getI16Type();
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::UINT8:
    return IntegerType::get(context, 8, IntegerType::Unsigned);
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return {};
  }
}

StringRef getElementTypeName(int32_t dataType) {
  if (!onnx::TensorProto::DataType_IsValid(dataType))
    return "<invalid>";
  const std::string &name = onnx::TensorProto::DataType_Name(
      static_cast<onnx::TensorProto::DataType>(dataType));
  return name;
}

FailureOr<int64_t> getElementCount(ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0 || llvm::MulOverflow(count, dim, count))
      return failure();
  }
  return count;
}

/// Builds the attribute from values read out of a typed repeated field.
template <typename StorageT, typename FieldT>
static DenseElementsAttr fromField(RankedTensorType type, const FieldT &field) {
  SmallVector<StorageT> values(field.begin(), field.end());
  return DenseElementsAttr::get(type, ArrayRef<StorageT>(values));
}

/// Narrows int32_data (which ONNX uses for all integer types up to 32 bits,
/// bool and the bits of float16) to the element width.
static DenseElementsAttr
fromInt32Field(RankedTensorType type,
               const google::protobuf::RepeatedField<int32_t> &field) {
  Type elementType = type.getElementType();
  if (elementType.isInteger(1)) {
    SmallVector<bool> values;
    for (int32_t v : field)
      values.push_back(v != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(values));
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  for (int32_t v : field)
    values.push_back(APInt(width, static_cast<uint64_t>(v),
                           /*isSigned=*/true, /*implicitTrunc=*/true));
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> floats;
    for (const APInt &bits : values)
      floats.push_back(APFloat(floatType.getFloatSemantics(), bits));
    return DenseElementsAttr::get(type, floats);
  }
  return DenseElementsAttr::get(type, values);
}

static FailureOr<DenseElementsAttr> fromRawData(RankedTensorType type,
                                                const std::string &raw,
                                                int64_t count,
                                                ErrorEmitter emitError) {
  Type elementType = type.getElementType();
  // ONNX stores bools as one byte each; MLIR packs them.
  int64_t byteWidth =
      elementType.isInteger(1) ? 1 : elementType.getIntOrFloatBitWidth() / 8;
  if (static_cast<int64_t>(raw.size()) != count * byteWidth) {
    emitError() << "has " << raw.size() << " bytes of raw_data, expected "
                << count * byteWidth << " for " << count << " element(s) of "
                << elementType;
    return failure();
  }
  if (elementType.isInteger(1)) {
    SmallVector<bool> values;
    for (char c : raw)
      values.push_back(c != 0);
    return DenseElementsAttr::get(type, ArrayRef<bool>(values));
  }
  static_assert(llvm::endianness::native == llvm::endianness::little,
                "ONNX raw_data is little-endian");
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(raw.data(), raw.size()));
}

FailureOr<DenseElementsAttr> convertTensorProto(const onnx::TensorProto &tensor,
                                                MLIRContext *context,
                                                ErrorEmitter emitError) {
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL ||
      tensor.external_data_size() > 0) {
    emitError() << "uses external data, which is not supported yet; "
                   "re-save the model with all tensors inside the .onnx file";
    return failure();
  }
  Type elementType = convertElementType(tensor.data_type(), context);
  if (!elementType) {
    emitError() << "has unsupported element type "
                << getElementTypeName(tensor.data_type());
    return failure();
  }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  FailureOr<int64_t> count = getElementCount(shape);
  if (failed(count)) {
    emitError() << "has a negative or overflowing dimension";
    return failure();
  }
  auto type = RankedTensorType::get(shape, elementType);

  if (tensor.has_raw_data())
    return fromRawData(type, tensor.raw_data(), *count, emitError);

  int64_t fieldSize;
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    fieldSize = tensor.float_data_size();
    break;
  case onnx::TensorProto::DOUBLE:
    fieldSize = tensor.double_data_size();
    break;
  case onnx::TensorProto::INT64:
    fieldSize = tensor.int64_data_size();
    break;
  default:
    fieldSize = tensor.int32_data_size();
    break;
  }
  if (fieldSize != *count) {
    emitError() << "holds " << fieldSize << " value(s), expected " << *count
                << " for shape " << type;
    return failure();
  }
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    return fromField<float>(type, tensor.float_data());
  case onnx::TensorProto::DOUBLE:
    return fromField<double>(type, tensor.double_data());
  case onnx::TensorProto::INT64:
    return fromField<int64_t>(type, tensor.int64_data());
  default:
    return fromInt32Field(type, tensor.int32_data());
  }
}

} // namespace qcc::onnx_import
