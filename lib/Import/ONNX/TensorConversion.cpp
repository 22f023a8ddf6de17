//===- TensorConversion.cpp - ONNX tensors and types to MLIR --------------===//

#include "TensorConversion.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

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
  // Unsigned integers are signless in the IR, like every integer; the
  // importer tracks their signedness beside the value (TensorValue).
  case onnx::TensorProto::UINT8:
    return b.getI8Type();
  case onnx::TensorProto::UINT16:
    return b.getI16Type();
  case onnx::TensorProto::UINT32:
    return b.getI32Type();
  case onnx::TensorProto::UINT64:
    return b.getI64Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  default:
    return {};
  }
}

bool isUnsignedElementType(int32_t dataType) {
  return dataType == onnx::TensorProto::UINT8 ||
         dataType == onnx::TensorProto::UINT16 ||
         dataType == onnx::TensorProto::UINT32 ||
         dataType == onnx::TensorProto::UINT64;
}

StringRef getElementTypeName(int32_t dataType) {
  if (!onnx::TensorProto::DataType_IsValid(dataType))
    return "<invalid>";
  const std::string &name = onnx::TensorProto::DataType_Name(
      static_cast<onnx::TensorProto::DataType>(dataType));
  return name;
}

FailureOr<int64_t> getElementCount(ArrayRef<int64_t> shape) {
  // The running product must fit, even if a later dimension is zero: MLIR
  // computes element counts the same way.
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0 || llvm::MulOverflow(count, dim, count))
      return failure();
  }
  return count;
}

/// Bytes per element as ONNX stores them: bools take one byte each.
static int64_t getStorageWidth(Type elementType) {
  return elementType.isInteger(1) ? 1 : elementType.getIntOrFloatBitWidth() / 8;
}

FailureOr<int64_t> getStorageSize(ArrayRef<int64_t> shape, Type elementType) {
  FailureOr<int64_t> count = getElementCount(shape);
  int64_t size;
  if (failed(count) ||
      llvm::MulOverflow(*count, getStorageWidth(elementType), size))
    return failure();
  return size;
}

//===----------------------------------------------------------------------===//
// External data
//===----------------------------------------------------------------------===//

FailureOr<const llvm::MemoryBuffer *>
ExternalDataReader::openFile(StringRef location, ErrorEmitter emitError) {
  auto it = files.find(location);
  if (it != files.end())
    return it->second.get();

  namespace fs = llvm::sys::fs;
  namespace path = llvm::sys::path;
  if (directory.empty()) {
    emitError() << "uses external data file '" << location
                << "', but the model was not read from a file, so there is "
                   "no directory to read it from";
    return failure();
  }
  // Lexical checks first, so that the diagnostic says what is wrong even
  // when the escaping path does not exist.
  if (location.empty() || location.contains('\0')) {
    emitError() << "has an empty or invalid external data location";
    return failure();
  }
  if (path::is_absolute(location, path::Style::posix) ||
      path::is_absolute(location)) {
    emitError() << "has external data location '" << location
                << "', an absolute path; locations must be relative to the "
                   "model's directory";
    return failure();
  }
  if (llvm::is_contained(
          llvm::make_range(path::begin(location), path::end(location)), "..")) {
    emitError() << "has external data location '" << location
                << "', which contains '..'; locations must stay beneath the "
                   "model's directory";
    return failure();
  }

  // Then resolve symlinks and check that the file is still beneath the
  // model's directory.
  if (realDirectory.empty()) {
    SmallString<256> real;
    if (std::error_code ec = fs::real_path(directory, real)) {
      emitError() << "uses external data, but the model directory '"
                  << directory << "' cannot be resolved: " << ec.message();
      return failure();
    }
    realDirectory = real.str().str();
  }
  SmallString<256> joined(directory);
  path::append(joined, location);
  SmallString<256> real;
  if (std::error_code ec = fs::real_path(joined, real)) {
    emitError() << "cannot open external data file '" << location
                << "': " << ec.message();
    return failure();
  }
  StringRef prefix = realDirectory;
  StringRef rest = real.str();
  if (!rest.consume_front(prefix) ||
      !(path::is_separator(prefix.back()) ||
        (!rest.empty() && path::is_separator(rest.front())))) {
    emitError() << "has external data location '" << location
                << "', which resolves to '" << real
                << "' outside the model's directory '" << realDirectory << "'";
    return failure();
  }
  fs::file_status status;
  if (std::error_code ec = fs::status(real, status)) {
    emitError() << "cannot open external data file '" << location
                << "': " << ec.message();
    return failure();
  }
  if (!fs::is_regular_file(status)) {
    emitError() << "has external data location '" << location
                << "', which is not a regular file";
    return failure();
  }
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(real, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError() << "cannot open external data file '" << location
                << "': " << buffer.getError().message();
    return failure();
  }
  const llvm::MemoryBuffer *result = buffer->get();
  files[location] = std::move(*buffer);
  return result;
}

/// Parses a decimal offset or length of an external_data entry.
static FailureOr<int64_t> parseExternalSize(StringRef key, StringRef text,
                                            ErrorEmitter emitError) {
  int64_t value;
  if (text.getAsInteger(10, value)) {
    emitError() << "has external data " << key << " '" << text
                << "', which is not a decimal integer";
    return failure();
  }
  if (value < 0) {
    emitError() << "has negative external data " << key << " " << value;
    return failure();
  }
  return value;
}

FailureOr<ArrayRef<char>>
ExternalDataReader::read(const onnx::TensorProto &tensor, int64_t size,
                         ErrorEmitter emitError) {
  std::optional<std::string> location;
  std::optional<int64_t> offset, length;
  for (const onnx::StringStringEntryProto &entry : tensor.external_data()) {
    StringRef key = entry.key();
    bool repeated = false;
    if (key == "location") {
      repeated = location.has_value();
      location = entry.value();
    } else if (key == "offset" || key == "length") {
      std::optional<int64_t> &field = key == "offset" ? offset : length;
      repeated = field.has_value();
      FailureOr<int64_t> value =
          parseExternalSize(key, entry.value(), emitError);
      if (failed(value))
        return failure();
      field = *value;
    } else if (key != "checksum") {
      emitError() << "has unknown external_data key '" << key
                  << "' (expected location, offset, length or checksum)";
      return failure();
    }
    if (repeated) {
      emitError() << "has external_data key '" << key << "' more than once";
      return failure();
    }
  }
  if (!location) {
    emitError() << "uses external data but has no 'location' entry";
    return failure();
  }
  FailureOr<const llvm::MemoryBuffer *> file = openFile(*location, emitError);
  if (failed(file))
    return failure();
  auto fileSize = static_cast<int64_t>((*file)->getBufferSize());
  int64_t begin = offset.value_or(0);
  if (begin > fileSize) {
    emitError() << "has external data offset " << begin
                << " beyond the end of '" << *location << "' (" << fileSize
                << " bytes)";
    return failure();
  }
  int64_t count = length.value_or(fileSize - begin);
  if (count > fileSize - begin) {
    emitError() << "has external data length " << count << " at offset "
                << begin << ", beyond the end of '" << *location << "' ("
                << fileSize << " bytes)";
    return failure();
  }
  if (count != size) {
    emitError() << "has " << count << " bytes of external data in '"
                << *location << "', expected " << size;
    return failure();
  }
  return ArrayRef<char>((*file)->getBufferStart() + begin, count);
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

/// Builds the attribute from little-endian bytes laid out as ONNX raw_data;
/// `what` names the source of the bytes in diagnostics.
static FailureOr<DenseElementsAttr> fromRawData(RankedTensorType type,
                                                ArrayRef<char> raw,
                                                int64_t size, StringRef what,
                                                ErrorEmitter emitError) {
  Type elementType = type.getElementType();
  if (static_cast<int64_t>(raw.size()) != size) {
    emitError() << "has " << raw.size() << " bytes of " << what << ", expected "
                << size << " for " << type.getNumElements() << " element(s) of "
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
  if (raw.empty())
    return DenseElementsAttr::get(type, ArrayRef<Attribute>());
  return DenseElementsAttr::getFromRawBuffer(type, raw);
}

FailureOr<DenseElementsAttr>
convertTensorProto(const onnx::TensorProto &tensor, MLIRContext *context,
                   ErrorEmitter emitError, ExternalDataReader *externalData) {
  bool isExternal = tensor.data_location() == onnx::TensorProto::EXTERNAL;
  if (!isExternal && tensor.external_data_size() > 0) {
    emitError() << "has external_data entries but its data_location is not "
                   "EXTERNAL";
    return failure();
  }
  if (tensor.has_segment()) {
    emitError() << "is a segment of a larger tensor, which is not supported";
    return failure();
  }
  Type elementType = convertElementType(tensor.data_type(), context);
  if (!elementType) {
    emitError() << "has unsupported element type "
                << getElementTypeName(tensor.data_type());
    return failure();
  }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  for (auto [i, dim] : llvm::enumerate(shape)) {
    if (dim < 0) {
      emitError() << "has negative dimension " << dim << " at index " << i;
      return failure();
    }
  }
  FailureOr<int64_t> size = getStorageSize(shape, elementType);
  if (failed(size)) {
    emitError() << "has dimensions whose product overflows";
    return failure();
  }
  auto type = RankedTensorType::get(shape, elementType);
  int64_t count = type.getNumElements();

  if (isExternal) {
    if (tensor.has_raw_data() || tensor.float_data_size() ||
        tensor.int32_data_size() || tensor.int64_data_size() ||
        tensor.uint64_data_size() || tensor.double_data_size()) {
      emitError() << "has both external and inline data";
      return failure();
    }
    if (!externalData) {
      emitError() << "uses external data, which is not supported here";
      return failure();
    }
    FailureOr<ArrayRef<char>> bytes =
        externalData->read(tensor, *size, emitError);
    if (failed(bytes))
      return failure();
    return fromRawData(type, *bytes, *size, "external data", emitError);
  }
  if (tensor.has_raw_data())
    return fromRawData(
        type,
        ArrayRef<char>(tensor.raw_data().data(), tensor.raw_data().size()),
        *size, "raw_data", emitError);

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
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64:
    fieldSize = tensor.uint64_data_size();
    break;
  default:
    fieldSize = tensor.int32_data_size();
    break;
  }
  if (fieldSize != count) {
    emitError() << "holds " << fieldSize << " value(s), expected " << count
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
  case onnx::TensorProto::UINT32:
    return fromField<uint32_t>(type, tensor.uint64_data());
  case onnx::TensorProto::UINT64:
    return fromField<uint64_t>(type, tensor.uint64_data());
  default:
    return fromInt32Field(type, tensor.int32_data());
  }
}

} // namespace qcc::onnx_import
