//===- QccAttributes.cpp - qcc's discardable attributes -------------------===//
//
// Typed accessors of the `qcc.*` attributes and the dialect hooks that verify
// them on any op, function argument or result.
//
//===----------------------------------------------------------------------===//

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;

namespace qcc {

//===----------------------------------------------------------------------===//
// Verification
//===----------------------------------------------------------------------===//

/// Checks the payload of a range attribute; `allowEmpty` for the entries of
/// `qcc.ranges`, where `array<f64>` means "no range".
static LogicalResult
verifyRangeArray(Attribute attr, bool allowEmpty,
                 llvm::function_ref<InFlightDiagnostic()> emitError) {
  auto array = dyn_cast<DenseF64ArrayAttr>(attr);
  if (!array)
    return emitError() << "must be array<f64: min, max>, not " << attr;
  if (array.empty() && allowEmpty)
    return success();
  if (array.size() != 2)
    return emitError() << "must hold two values (min, max), not "
                       << array.size();
  if (!std::isfinite(array[0]) || !std::isfinite(array[1]) ||
      array[0] > array[1])
    return emitError() << "must be finite with min <= max, not [" << array[0]
                       << ", " << array[1] << "]";
  return success();
}

/// Verifies one qcc attribute `named` wherever it appears. `where` is the
/// op the attribute is on, or the function owning the argument/result, which
/// `value` then names ("argument #0 "); `onValue` is true for those.
static LogicalResult verifyQccAttribute(Operation *where, NamedAttribute named,
                                        bool onValue, const Twine &value = "") {
  StringRef name = named.getName().getValue();
  Attribute attr = named.getValue();
  std::string label = value.str();
  auto emitError = [&]() -> InFlightDiagnostic {
    return where->emitOpError() << label << "'" << name << "' ";
  };
  auto expect = [&](bool ok, StringRef what) -> LogicalResult {
    if (ok)
      return success();
    return emitError() << "must be " << what << ", not " << attr;
  };
  auto onlyOn = [&](bool ok, StringRef place) -> LogicalResult {
    if (ok)
      return success();
    return emitError() << "is only valid on " << place;
  };

  // Argument and result attributes.
  if (name == attr::kName)
    return failure(failed(onlyOn(onValue, "function arguments and results")) ||
                   failed(expect(isa<StringAttr>(attr), "a string")));
  if (name == attr::kUnsigned)
    return failure(failed(onlyOn(onValue, "function arguments and results")) ||
                   failed(expect(isa<UnitAttr>(attr), "a unit attribute")));
  if (name == attr::kScale) {
    if (failed(onlyOn(onValue, "function arguments and results")))
      return failure();
    auto scale = dyn_cast<FloatAttr>(attr);
    double value = scale ? scale.getValueAsDouble() : 0.0;
    return expect(scale && std::isfinite(value) && value > 0.0,
                  "a positive finite float");
  }
  if (name == attr::kZeroPoint)
    return failure(failed(onlyOn(onValue, "function arguments and results")) ||
                   failed(expect(isa<IntegerAttr>(attr), "an integer")));

  // `qcc.range` is both an op and an argument attribute.
  if (name == attr::kRange)
    return verifyRangeArray(attr, /*allowEmpty=*/false, emitError);
  if (onValue)
    return emitError() << "is not valid on function arguments and results";

  // Op attributes.
  if (name == attr::kRanges) {
    auto array = dyn_cast<ArrayAttr>(attr);
    if (!array)
      return expect(false, "an array of array<f64: min, max>");
    if (array.size() != where->getNumResults())
      return emitError() << "must have one entry per result ("
                         << where->getNumResults() << "), not " << array.size();
    for (Attribute entry : array)
      if (failed(verifyRangeArray(entry, /*allowEmpty=*/true, emitError)))
        return failure();
    return success();
  }
  if (name == attr::kCalibratedRange)
    return verifyRangeArray(attr, /*allowEmpty=*/false, emitError);
  if (name == attr::kPrecision) {
    auto value = dyn_cast<StringAttr>(attr);
    return expect(value && parsePrecision(value.getValue()),
                  "\"int8\", \"int16\" or \"float\"");
  }
  if (name == attr::kLayer) {
    auto value = dyn_cast<IntegerAttr>(attr);
    return expect(value && value.getType().isSignlessInteger(64) &&
                      value.getInt() >= 0,
                  "a non-negative i64");
  }
  if (name == attr::kAccumulatorBound) {
    auto value = dyn_cast<IntegerAttr>(attr);
    return expect(value && value.getType().isSignlessInteger(64) &&
                      value.getInt() >= 0,
                  "a non-negative i64");
  }
  if (name == attr::kAccumulatorBits) {
    auto value = dyn_cast<IntegerAttr>(attr);
    return expect(value && (value.getInt() == 32 || value.getInt() == 64),
                  "32 or 64");
  }
  if (name == attr::kRequantizeEpilogue) {
    auto array = dyn_cast<DenseI64ArrayAttr>(attr);
    return expect(array && array.size() == 4 && array[1] <= array[2] &&
                      (array[3] == 0 || array[3] == 1),
                  "array<i64: zero point, min, max, unsigned (0 or 1)> "
                  "with min <= max");
  }
  if (name == attr::kIntegerVariantOf)
    return failure(
        failed(onlyOn(isa<FunctionOpInterface>(where), "functions")) ||
        failed(expect(isa<FlatSymbolRefAttr>(attr), "a symbol reference")));
  if (name == attr::kDeadChannels) {
    if (failed(onlyOn(isa<FunctionOpInterface>(where), "functions")))
      return failure();
    auto value = dyn_cast<IntegerAttr>(attr);
    return expect(value && value.getInt() >= 0, "a non-negative integer");
  }
  if (name == attr::kCalibrationSamples) {
    if (failed(onlyOn(isa<ModuleOp>(where), "the module")))
      return failure();
    auto value = dyn_cast<IntegerAttr>(attr);
    return expect(value && value.getInt() >= 0, "a non-negative integer");
  }
  if (name == attr::kABI)
    return failure(failed(onlyOn(isa<ModuleOp>(where), "the module")) ||
                   failed(expect(isa<DictionaryAttr>(attr), "a dictionary")));
  return emitError() << "is not an attribute of the qcc dialect";
}

LogicalResult QccDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attribute) {
  return verifyQccAttribute(op, attribute, /*onValue=*/false);
}

LogicalResult QccDialect::verifyRegionArgAttribute(Operation *op, unsigned,
                                                   unsigned argIndex,
                                                   NamedAttribute attribute) {
  return verifyQccAttribute(op, attribute, /*onValue=*/true,
                            "argument #" + Twine(argIndex) + " ");
}

LogicalResult QccDialect::verifyRegionResultAttribute(
    Operation *op, unsigned, unsigned resultIndex, NamedAttribute attribute) {
  return verifyQccAttribute(op, attribute, /*onValue=*/true,
                            "result #" + Twine(resultIndex) + " ");
}

//===----------------------------------------------------------------------===//
// Ranges
//===----------------------------------------------------------------------===//

static std::optional<RealRange> toRange(Attribute attr) {
  auto array = dyn_cast_or_null<DenseF64ArrayAttr>(attr);
  if (!array || array.size() != 2)
    return std::nullopt;
  return RealRange{array[0], array[1]};
}

static Attribute fromRange(MLIRContext *context, RealRange range) {
  return DenseF64ArrayAttr::get(context, {range.min, range.max});
}

std::optional<RealRange> getValueRange(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    auto func = dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp());
    if (!func || arg.getOwner() != &func.getFunctionBody().front())
      return std::nullopt;
    return toRange(func.getArgAttr(arg.getArgNumber(), attr::kRange));
  }
  Operation *op = value.getDefiningOp();
  if (op->getNumResults() == 1)
    return toRange(op->getAttr(attr::kRange));
  auto ranges = op->getAttrOfType<ArrayAttr>(attr::kRanges);
  unsigned index = cast<OpResult>(value).getResultNumber();
  if (!ranges || ranges.size() != op->getNumResults())
    return std::nullopt;
  return toRange(ranges[index]);
}

void setValueRange(Value value, RealRange range) {
  MLIRContext *context = value.getContext();
  Attribute attr = fromRange(context, range);
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto func =
            dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp()))
      func.setArgAttr(arg.getArgNumber(), attr::kRange, attr);
    return;
  }
  Operation *op = value.getDefiningOp();
  if (op->getNumResults() == 1) {
    op->setAttr(attr::kRange, attr);
    return;
  }
  SmallVector<Attribute> ranges(op->getNumResults(),
                                DenseF64ArrayAttr::get(context, {}));
  if (auto existing = op->getAttrOfType<ArrayAttr>(attr::kRanges))
    if (existing.size() == ranges.size())
      ranges.assign(existing.begin(), existing.end());
  ranges[cast<OpResult>(value).getResultNumber()] = attr;
  op->setAttr(attr::kRanges, ArrayAttr::get(context, ranges));
}

std::optional<RealRange> getCalibratedRange(Operation *op) {
  return toRange(op->getAttr(attr::kCalibratedRange));
}

void setCalibratedRange(Operation *op, RealRange range) {
  op->setAttr(attr::kCalibratedRange, fromRange(op->getContext(), range));
}

//===----------------------------------------------------------------------===//
// Per-op choices and facts
//===----------------------------------------------------------------------===//

static constexpr std::pair<Precision, llvm::StringLiteral> kPrecisionNames[] = {
    {Precision::Int8, "int8"},
    {Precision::Int16, "int16"},
    {Precision::Float, "float"}};

StringRef stringifyPrecision(Precision precision) {
  for (auto [candidate, name] : kPrecisionNames)
    if (candidate == precision)
      return name;
  llvm_unreachable("unknown precision");
}

std::optional<Precision> parsePrecision(StringRef name) {
  for (auto [precision, candidate] : kPrecisionNames)
    if (candidate == name)
      return precision;
  return std::nullopt;
}

std::optional<Precision> getPrecision(Operation *op) {
  auto value = op->getAttrOfType<StringAttr>(attr::kPrecision);
  return value ? parsePrecision(value.getValue()) : std::nullopt;
}

void setPrecision(Operation *op, Precision precision) {
  op->setAttr(attr::kPrecision,
              StringAttr::get(op->getContext(), stringifyPrecision(precision)));
}

bool isKeptFloat(Operation *op) { return getPrecision(op) == Precision::Float; }

static std::optional<int64_t> getInt(Operation *op, StringRef name) {
  if (auto value = op->getAttrOfType<IntegerAttr>(name))
    return value.getInt();
  return std::nullopt;
}

static void setI64(Operation *op, StringRef name, int64_t value) {
  op->setAttr(name, Builder(op->getContext()).getI64IntegerAttr(value));
}

std::optional<int64_t> getLayerIndex(Operation *op) {
  return getInt(op, attr::kLayer);
}

void setLayerIndex(Operation *op, int64_t index) {
  setI64(op, attr::kLayer, index);
}

std::optional<int64_t> getAccumulatorBound(Operation *op) {
  return getInt(op, attr::kAccumulatorBound);
}

void setAccumulatorBound(Operation *op, int64_t bound) {
  setI64(op, attr::kAccumulatorBound, bound);
}

unsigned getAccumulatorBits(Operation *op) {
  return getInt(op, attr::kAccumulatorBits).value_or(32);
}

void setAccumulatorBits(Operation *op, unsigned bits) {
  setI64(op, attr::kAccumulatorBits, bits);
}

std::optional<RequantizeEpilogue> getRequantizeEpilogue(Operation *op) {
  auto array = op->getAttrOfType<DenseI64ArrayAttr>(attr::kRequantizeEpilogue);
  if (!array || array.size() != 4)
    return std::nullopt;
  return RequantizeEpilogue{array[0], array[1], array[2], array[3] != 0};
}

void setRequantizeEpilogue(Operation *op, RequantizeEpilogue epilogue) {
  op->setAttr(
      attr::kRequantizeEpilogue,
      DenseI64ArrayAttr::get(op->getContext(),
                             {epilogue.zeroPoint, epilogue.min, epilogue.max,
                              epilogue.isUnsigned ? 1 : 0}));
}

//===----------------------------------------------------------------------===//
// Functions, their arguments and results
//===----------------------------------------------------------------------===//

std::optional<StringRef> getArgumentName(FunctionOpInterface func,
                                         unsigned index) {
  if (auto name = func.getArgAttrOfType<StringAttr>(index, attr::kName))
    return name.getValue();
  return std::nullopt;
}

std::optional<StringRef> getResultName(FunctionOpInterface func,
                                       unsigned index) {
  if (auto name = func.getResultAttrOfType<StringAttr>(index, attr::kName))
    return name.getValue();
  return std::nullopt;
}

void setArgumentName(FunctionOpInterface func, unsigned index, StringRef name) {
  func.setArgAttr(index, attr::kName, StringAttr::get(func.getContext(), name));
}

void setResultName(FunctionOpInterface func, unsigned index, StringRef name) {
  func.setResultAttr(index, attr::kName,
                     StringAttr::get(func.getContext(), name));
}

bool isUnsignedArgument(FunctionOpInterface func, unsigned index) {
  return static_cast<bool>(func.getArgAttr(index, attr::kUnsigned));
}

bool isUnsignedResult(FunctionOpInterface func, unsigned index) {
  return static_cast<bool>(func.getResultAttr(index, attr::kUnsigned));
}

void setUnsignedArgument(FunctionOpInterface func, unsigned index,
                         bool isUnsigned) {
  if (isUnsigned)
    func.setArgAttr(index, attr::kUnsigned, UnitAttr::get(func.getContext()));
  else
    func.removeArgAttr(index, attr::kUnsigned);
}

void setUnsignedResult(FunctionOpInterface func, unsigned index,
                       bool isUnsigned) {
  if (isUnsigned)
    func.setResultAttr(index, attr::kUnsigned,
                       UnitAttr::get(func.getContext()));
  else
    func.removeResultAttr(index, attr::kUnsigned);
}

static std::optional<BoundaryQuantization>
toQuantization(DictionaryAttr attrs) {
  if (!attrs)
    return std::nullopt;
  auto scale = attrs.getAs<FloatAttr>(attr::kScale);
  auto zeroPoint = attrs.getAs<IntegerAttr>(attr::kZeroPoint);
  if (!scale || !zeroPoint)
    return std::nullopt;
  return BoundaryQuantization{scale.getValueAsDouble(), zeroPoint.getInt()};
}

std::optional<BoundaryQuantization>
getArgumentQuantization(FunctionOpInterface func, unsigned index) {
  return toQuantization(func.getArgAttrDict(index));
}

std::optional<BoundaryQuantization>
getResultQuantization(FunctionOpInterface func, unsigned index) {
  return toQuantization(func.getResultAttrDict(index));
}

void setArgumentQuantization(FunctionOpInterface func, unsigned index,
                             BoundaryQuantization quantization) {
  Builder builder(func.getContext());
  func.setArgAttr(index, attr::kScale,
                  builder.getF64FloatAttr(quantization.scale));
  func.setArgAttr(index, attr::kZeroPoint,
                  builder.getI64IntegerAttr(quantization.zeroPoint));
}

void setResultQuantization(FunctionOpInterface func, unsigned index,
                           BoundaryQuantization quantization) {
  Builder builder(func.getContext());
  func.setResultAttr(index, attr::kScale,
                     builder.getF64FloatAttr(quantization.scale));
  func.setResultAttr(index, attr::kZeroPoint,
                     builder.getI64IntegerAttr(quantization.zeroPoint));
}

std::optional<StringRef> getIntegerVariantOf(Operation *func) {
  if (auto of = func->getAttrOfType<FlatSymbolRefAttr>(attr::kIntegerVariantOf))
    return of.getValue();
  return std::nullopt;
}

void setIntegerVariantOf(Operation *func, StringRef of) {
  func->setAttr(attr::kIntegerVariantOf,
                FlatSymbolRefAttr::get(func->getContext(), of));
}

int64_t getDeadChannels(Operation *func) {
  return getInt(func, attr::kDeadChannels).value_or(0);
}

void setDeadChannels(Operation *func, int64_t count) {
  setI64(func, attr::kDeadChannels, count);
}

//===----------------------------------------------------------------------===//
// The module
//===----------------------------------------------------------------------===//

std::optional<int64_t> getCalibrationSamples(ModuleOp module) {
  return getInt(module, attr::kCalibrationSamples);
}

void setCalibrationSamples(ModuleOp module, int64_t samples) {
  setI64(module, attr::kCalibrationSamples, samples);
}

//===----------------------------------------------------------------------===//
// Naming and finding things
//===----------------------------------------------------------------------===//

std::optional<std::string> getLocationName(Location loc) {
  std::optional<std::string> name;
  loc->walk([&](Location inner) {
    if (auto named = dyn_cast<NameLoc>(inner)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return name;
}

FailureOr<func::FuncOp> findModelFunction(ModuleOp module, StringRef entry,
                                          StringRef purpose) {
  if (!entry.empty()) {
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func || func.isExternal())
      return module.emitError("entry function '")
             << entry << "' is not defined in the module";
    return func;
  }
  SmallVector<func::FuncOp> candidates;
  for (auto func : module.getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      candidates.push_back(func);
  if (candidates.size() == 1)
    return candidates.front();
  auto diag = module.emitError("expected exactly one public function to ")
              << purpose << ", found " << candidates.size();
  if (!candidates.empty())
    diag << "; choose one with --entry";
  return failure();
}

} // namespace qcc
