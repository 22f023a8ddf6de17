//===- CalibrationData.cpp - checking and converting calibration arrays ---===//

#include "qcc/Calibration/CalibrationData.h"

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Transforms/ModelABI.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Endian.h"

#include <cmath>
#include <limits>

using namespace llvm;
using namespace mlir;

namespace qcc {

static Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

static std::string toString(Type type) {
  std::string text;
  raw_string_ostream(text) << type;
  return text;
}

/// Whether `value` is representable in the signed integer type `Dst`.
template <typename Dst, typename Src> static bool fitsIn(Src value) {
  static_assert(std::is_signed_v<Dst>, "model inputs are signless, signed");
  if constexpr (std::is_signed_v<Src>)
    return static_cast<int64_t>(value) >= std::numeric_limits<Dst>::min() &&
           static_cast<int64_t>(value) <= std::numeric_limits<Dst>::max();
  else
    return static_cast<uint64_t>(value) <=
           static_cast<uint64_t>(std::numeric_limits<Dst>::max());
}

FailureOr<std::vector<CalibrationInput>>
getCalibrationInputs(func::FuncOp func) {
  std::vector<CalibrationInput> inputs;
  for (auto [index, type] : llvm::enumerate(func.getArgumentTypes())) {
    auto tensorType = dyn_cast<RankedTensorType>(type);
    if (!tensorType || !tensorType.hasStaticShape() ||
        !isABIElementType(tensorType.getElementType()))
      return func.emitError("cannot calibrate: input #")
             << index << " has type " << type
             << "; expected a statically shaped tensor of f32, f64, i8, i16, "
                "i32 or i64";
    // The C ABI's naming rule (qcc-prepare-entry), so that users name the
    // arrays as the generated header names the inputs.
    std::string name = "input_" + std::to_string(index);
    if (std::optional<StringRef> given = getArgumentName(func, index))
      name = given->str();
    inputs.push_back({std::move(name), tensorType});
  }
  if (inputs.empty())
    return func.emitError("cannot calibrate a model without inputs");
  return inputs;
}

/// The shapes an array for `shape` may have, for diagnostics.
static std::string describeAccepted(ArrayRef<int64_t> shape) {
  auto withN = [](ArrayRef<int64_t> dims) {
    std::string text = formatShape(dims);
    return "[N" + std::string(dims.empty() ? "" : ", ") + text.substr(1);
  };
  std::string text = withN(shape);
  if (!shape.empty() && shape.front() == 1)
    text += ", " + withN(shape.drop_front());
  return text + " or " + formatShape(shape);
}

/// The sample count an array of `arrayShape` holds for an input of
/// `inputShape`, or nothing if the shapes do not fit (see the header).
static std::optional<int64_t> matchShape(ArrayRef<int64_t> arrayShape,
                                         ArrayRef<int64_t> inputShape) {
  if (arrayShape.size() == inputShape.size() + 1 &&
      arrayShape.drop_front() == inputShape)
    return arrayShape.front();
  if (arrayShape == inputShape)
    return 1;
  if (!inputShape.empty() && inputShape.front() == 1 &&
      arrayShape.size() == inputShape.size() &&
      arrayShape.drop_front() == inputShape.drop_front())
    return arrayShape.front();
  return std::nullopt;
}

template <typename T> static T readLittle(StringRef data, int64_t index) {
  return support::endian::read<T, llvm::endianness::little>(data.data() +
                                                            index * sizeof(T));
}

/// Converts float data to `Dst`; returns how many results are not finite.
template <typename Dst>
static int64_t convertFloats(const NpyArray &array, Dst *out,
                             int64_t &firstNonFinite) {
  int64_t count = array.getNumElements(), nonFinite = 0;
  for (int64_t i = 0; i < count; ++i) {
    Dst value = array.itemSize == 4
                    ? static_cast<Dst>(readLittle<float>(array.data, i))
                    : static_cast<Dst>(readLittle<double>(array.data, i));
    if (!std::isfinite(value) && nonFinite++ == 0)
      firstNonFinite = i;
    out[i] = value;
  }
  return nonFinite;
}

template <typename Src, typename Dst>
static Error convertIntsFrom(const NamedArray &named, Type elementType,
                             Dst *out) {
  const NpyArray &array = named.array;
  for (int64_t i = 0, e = array.getNumElements(); i < e; ++i) {
    Src value = readLittle<Src>(array.data, i);
    if (!fitsIn<Dst>(value)) {
      std::string text = std::to_string(value);
      return makeError(named.origin + ": value " + text + " at flat index " +
                       Twine(i) + " does not fit the element type " +
                       toString(elementType) + " of input '" + named.name +
                       "'");
    }
    out[i] = static_cast<Dst>(value);
  }
  return Error::success();
}

template <typename Dst>
static Error convertInts(const NamedArray &named, Type elementType, Dst *out) {
  bool isSigned = named.array.kind == NpyKind::SignedInt;
  switch (named.array.itemSize) {
  case 1:
    return isSigned ? convertIntsFrom<int8_t>(named, elementType, out)
                    : convertIntsFrom<uint8_t>(named, elementType, out);
  case 2:
    return isSigned ? convertIntsFrom<int16_t>(named, elementType, out)
                    : convertIntsFrom<uint16_t>(named, elementType, out);
  case 4:
    return isSigned ? convertIntsFrom<int32_t>(named, elementType, out)
                    : convertIntsFrom<uint32_t>(named, elementType, out);
  default:
    return isSigned ? convertIntsFrom<int64_t>(named, elementType, out)
                    : convertIntsFrom<uint64_t>(named, elementType, out);
  }
}

/// Converts `named` into `out` (laid out in the input's element type);
/// a sample holds `sampleElements` elements.
static Error convertArray(const NamedArray &named, Type elementType,
                          int64_t sampleElements, void *out) {
  const NpyArray &array = named.array;
  bool isFloatArray = array.kind == NpyKind::Float;
  if (isFloatArray != isa<FloatType>(elementType))
    return makeError(
        named.origin + ": dtype '" + array.descr +
        "' does not match the element type " + toString(elementType) +
        " of input '" + named.name + "'; expected " +
        (isFloatArray ? "an integer" : "a float32 or float64") + " array");
  if (isFloatArray) {
    int64_t first = 0;
    int64_t nonFinite =
        elementType.isF32()
            ? convertFloats(array, static_cast<float *>(out), first)
            : convertFloats(array, static_cast<double *>(out), first);
    if (nonFinite != 0)
      return makeError(
          named.origin + ": " + Twine(nonFinite) + " of " +
          Twine(array.getNumElements()) + " values are NaN or infinite" +
          (elementType.isF32() && array.itemSize == 8
               ? " (after rounding to f32)"
               : "") +
          "; the first is in sample " + Twine(first / sampleElements) +
          " (element " + Twine(first % sampleElements) + " of it)");
    return Error::success();
  }
  switch (elementType.getIntOrFloatBitWidth()) {
  case 8:
    return convertInts(named, elementType, static_cast<int8_t *>(out));
  case 16:
    return convertInts(named, elementType, static_cast<int16_t *>(out));
  case 32:
    return convertInts(named, elementType, static_cast<int32_t *>(out));
  default:
    return convertInts(named, elementType, static_cast<int64_t *>(out));
  }
}

Expected<CalibrationData>
CalibrationData::fromArrays(StringRef source, std::vector<NamedArray> arrays,
                            ArrayRef<CalibrationInput> inputs) {
  StringMap<unsigned> inputIndex;
  for (auto [index, input] : llvm::enumerate(inputs))
    inputIndex[input.name] = index;
  SmallVector<NamedArray *> byInput(inputs.size(), nullptr);
  for (NamedArray &named : arrays) {
    auto it = inputIndex.find(named.name);
    if (it == inputIndex.end()) {
      std::string names;
      for (const CalibrationInput &input : inputs)
        names += (names.empty() ? "'" : ", '") + input.name + "'";
      return makeError(named.origin + ": '" + named.name +
                       "' is not an input of the model (inputs: " + names +
                       ")");
    }
    if (byInput[it->second])
      return makeError(named.origin + ": a second array for input '" +
                       named.name + "' (first: " + byInput[it->second]->origin +
                       ")");
    byInput[it->second] = &named;
  }
  for (auto [input, named] : llvm::zip(inputs, byInput))
    if (!named)
      return makeError(Twine("'") + source + "' has no array for input '" +
                       input.name + "' (expected '" + input.name + ".npy')");

  CalibrationData data;
  const NamedArray *first = nullptr;
  for (auto [input, named] : llvm::zip(inputs, byInput)) {
    ArrayRef<int64_t> inputShape = input.type.getShape();
    std::optional<int64_t> count = matchShape(named->array.shape, inputShape);
    if (!count)
      return makeError(
          named->origin + ": shape " + formatShape(named->array.shape) +
          " does not fit input '" + input.name + "' of type " +
          toString(input.type) + "; expected " + describeAccepted(inputShape));
    if (*count == 0)
      return makeError(named->origin + ": no samples (N = 0)");
    if (first && *count != data.numSamples)
      return makeError(named->origin + ": " + Twine(*count) + " samples, but " +
                       first->origin + " has " + Twine(data.numSamples) +
                       "; every input needs the same number");
    first = first ? first : named;
    data.numSamples = *count;

    InputSamples samples;
    samples.input = input;
    samples.sampleBytes =
        input.type.getNumElements() * input.type.getElementTypeBitWidth() / 8;
    uint64_t totalBytes = samples.sampleBytes * *count;
    samples.storage.resize((totalBytes + 7) / 8);
    if (Error error =
            convertArray(*named, input.type.getElementType(),
                         input.type.getNumElements(), samples.storage.data()))
      return std::move(error);
    data.inputs.push_back(std::move(samples));
  }
  return data;
}

} // namespace qcc
