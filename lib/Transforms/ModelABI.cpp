//===- ModelABI.cpp - the qcc.abi module attribute ------------------------===//

#include "qcc/Transforms/ModelABI.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/xxhash.h"

using namespace mlir;
using namespace qcc;

static Attribute tensorsToAttr(Builder &builder, ArrayRef<ABITensor> tensors,
                               bool quantized = false) {
  SmallVector<Attribute> entries;
  for (const ABITensor &tensor : tensors) {
    SmallVector<NamedAttribute> fields = {
        builder.getNamedAttr("name", builder.getStringAttr(tensor.name)),
        builder.getNamedAttr("type", TypeAttr::get(tensor.type))};
    if (quantized) {
      fields.push_back(
          builder.getNamedAttr("scale", builder.getF64FloatAttr(tensor.scale)));
      fields.push_back(builder.getNamedAttr(
          "zero_point", builder.getI64IntegerAttr(tensor.zeroPoint)));
    }
    entries.push_back(builder.getDictionaryAttr(fields));
  }
  return builder.getArrayAttr(entries);
}

void ModelABI::attachTo(ModuleOp module) const {
  Builder builder(module.getContext());
  SmallVector<NamedAttribute> fields = {
      builder.getNamedAttr("prefix", builder.getStringAttr(prefix)),
      builder.getNamedAttr("inputs", tensorsToAttr(builder, inputs)),
      builder.getNamedAttr("outputs", tensorsToAttr(builder, outputs)),
      builder.getNamedAttr("workspace_size",
                           builder.getI64IntegerAttr(workspaceSize)),
      builder.getNamedAttr("workspace_alignment",
                           builder.getI64IntegerAttr(workspaceAlignment))};
  if (integerEntry)
    fields.push_back(builder.getNamedAttr(
        "integer_entry",
        builder.getDictionaryAttr(
            {builder.getNamedAttr(
                 "inputs", tensorsToAttr(builder, integerEntry->inputs, true)),
             builder.getNamedAttr(
                 "outputs",
                 tensorsToAttr(builder, integerEntry->outputs, true))})));
  module->setAttr(kAttrName, builder.getDictionaryAttr(fields));
}

SmallVector<ModelABI::EntryPoint> ModelABI::getEntryPoints() const {
  SmallVector<EntryPoint> entries = {
      {entryName(), packedEntryName(), inputs, outputs}};
  if (integerEntry)
    entries.push_back({integerEntryName(), integerPackedEntryName(),
                       integerEntry->inputs, integerEntry->outputs});
  return entries;
}

SmallVector<std::string> ModelABI::getExportedNames() const {
  SmallVector<std::string> names = {workspaceSizeName()};
  for (const EntryPoint &entry : getEntryPoints()) {
    names.push_back(entry.name);
    names.push_back(entry.packedName);
  }
  return names;
}

std::string ModelABI::getInterfaceTag() const {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << prefix << ';' << workspaceSize << ';' << workspaceAlignment;
  for (const EntryPoint &entry : getEntryPoints())
    for (ArrayRef<ABITensor> tensors : {entry.inputs, entry.outputs}) {
      os << ';' << entry.name;
      for (const ABITensor &tensor : tensors)
        os << ';' << tensor.name << ':' << tensor.type << ':'
           << llvm::format("%a", tensor.scale) << ':' << tensor.zeroPoint;
    }
  return llvm::utohexstr(llvm::xxh3_64bits(text) & 0xffffffffu, /*LowerCase=*/
                         true, /*Width=*/8);
}

static LogicalResult readTensors(ModuleOp module, DictionaryAttr dict,
                                 StringRef key,
                                 SmallVectorImpl<ABITensor> &tensors) {
  auto array = dict.getAs<ArrayAttr>(key);
  if (!array)
    return module.emitError("'")
           << ModelABI::kAttrName << "' lacks '" << key << "'";
  for (Attribute entry : array) {
    auto entryDict = dyn_cast<DictionaryAttr>(entry);
    auto name = entryDict ? entryDict.getAs<StringAttr>("name") : StringAttr();
    auto type = entryDict ? entryDict.getAs<TypeAttr>("type") : TypeAttr();
    auto tensorType =
        type ? dyn_cast<RankedTensorType>(type.getValue()) : RankedTensorType();
    if (!name || !tensorType)
      return module.emitError("malformed '")
             << key << "' entry in '" << ModelABI::kAttrName << "': " << entry;
    ABITensor tensor{name.str(), tensorType};
    if (auto scale = entryDict.getAs<FloatAttr>("scale"))
      tensor.scale = scale.getValueAsDouble();
    if (auto zeroPoint = entryDict.getAs<IntegerAttr>("zero_point"))
      tensor.zeroPoint = zeroPoint.getInt();
    tensors.push_back(tensor);
  }
  return success();
}

FailureOr<ModelABI> ModelABI::readFrom(ModuleOp module) {
  auto dict = module->getAttrOfType<DictionaryAttr>(kAttrName);
  if (!dict)
    return module.emitError("module has no '")
           << kAttrName << "' attribute; run qcc-prepare-entry first";
  ModelABI abi;
  auto prefix = dict.getAs<StringAttr>("prefix");
  auto size = dict.getAs<IntegerAttr>("workspace_size");
  auto alignment = dict.getAs<IntegerAttr>("workspace_alignment");
  if (!prefix || !size || !alignment)
    return module.emitError("malformed '") << kAttrName << "': " << dict;
  abi.prefix = prefix.str();
  abi.workspaceSize = size.getInt();
  abi.workspaceAlignment = alignment.getInt();
  if (failed(readTensors(module, dict, "inputs", abi.inputs)) ||
      failed(readTensors(module, dict, "outputs", abi.outputs)))
    return failure();
  if (auto integer = dict.getAs<DictionaryAttr>("integer_entry")) {
    abi.integerEntry.emplace();
    if (failed(
            readTensors(module, integer, "inputs", abi.integerEntry->inputs)) ||
        failed(
            readTensors(module, integer, "outputs", abi.integerEntry->outputs)))
      return failure();
  }
  return abi;
}

bool qcc::isABIElementType(Type type) { return !getCTypeName(type).empty(); }

StringRef qcc::getCTypeName(Type type) {
  if (type.isF32())
    return "float";
  if (type.isF64())
    return "double";
  // C has no portable half types; these pass the IEEE binary16 and bfloat16
  // bit patterns (the header defines both as uint16_t).
  if (type.isF16())
    return "qcc_float16_t";
  if (type.isBF16())
    return "qcc_bfloat16_t";
  if (type.isSignlessInteger(1))
    return "bool";
  auto integer = dyn_cast<IntegerType>(type);
  if (!integer || integer.isSigned())
    return "";
  bool isUnsigned = integer.isUnsigned();
  switch (integer.getWidth()) {
  case 8:
    return isUnsigned ? "uint8_t" : "int8_t";
  case 16:
    return isUnsigned ? "uint16_t" : "int16_t";
  case 32:
    return isUnsigned ? "uint32_t" : "int32_t";
  case 64:
    return isUnsigned ? "uint64_t" : "int64_t";
  default:
    return "";
  }
}

bool qcc::isCIdentifier(StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}
