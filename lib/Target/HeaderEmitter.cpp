//===- HeaderEmitter.cpp - the C header of a compiled model ---------------===//

#include "qcc/Target/HeaderEmitter.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace qcc {

static bool isCKeyword(StringRef word) {
  return llvm::is_contained(
      {"auto",     "bool",     "break",  "case",     "char",     "const",
       "continue", "default",  "do",     "double",   "else",     "enum",
       "extern",   "false",    "float",  "for",      "goto",     "if",
       "inline",   "int",      "long",   "register", "restrict", "return",
       "short",    "signed",   "sizeof", "static",   "struct",   "switch",
       "true",     "typedef",  "union",  "unsigned", "void",     "volatile",
       "while",    "workspace"},
      word);
}

std::string sanitizeCIdentifier(StringRef name) {
  std::string result;
  for (char c : name)
    result.push_back(llvm::isAlnum(c) ? c : '_');
  if (result.empty() || llvm::isDigit(result.front()))
    result.insert(result.begin(), '_');
  if (isCKeyword(result))
    result.push_back('_');
  return result;
}

/// A parameter name: the sanitized tensor name, made unique among `used`.
static std::string uniqueParameterName(StringRef name,
                                       llvm::StringSet<> &used) {
  std::string candidate = sanitizeCIdentifier(name);
  std::string unique = candidate;
  for (unsigned suffix = 1; !used.insert(unique).second; ++suffix)
    unique = candidate + "_" + std::to_string(suffix);
  return unique;
}

/// Escapes a tensor name for a C string literal.
static std::string escapeCString(StringRef text) {
  std::string result;
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      result.push_back('\\');
      result.push_back(c);
    } else if (llvm::isPrint(c)) {
      result.push_back(c);
    } else {
      result += llvm::formatv("\\{0:o3}", c).str();
    }
  }
  return result;
}

static int64_t byteSize(Type type) {
  return llvm::divideCeil(type.getIntOrFloatBitWidth(), 8);
}

static void emitTensorMacros(StringRef macroPrefix, StringRef kind,
                             unsigned index, const ABITensor &tensor,
                             llvm::raw_ostream &os) {
  std::string prefix = (macroPrefix + "_" + kind + "_" + Twine(index)).str();
  RankedTensorType type = tensor.type;
  os << "/* " << (kind == "INPUT" ? "Input" : "Output") << " " << index << " \""
     << escapeCString(tensor.name)
     << "\": " << getCTypeName(type.getElementType());
  for (int64_t dim : type.getShape())
    os << "[" << dim << "]";
  os << " */\n";
  os << "#define " << prefix << "_NAME \"" << escapeCString(tensor.name)
     << "\"\n";
  os << "#define " << prefix << "_RANK " << type.getRank() << "\n";
  os << "#define " << prefix << "_SHAPE {";
  llvm::interleave(type.getShape(), os, ", ");
  os << "}\n";
  os << "#define " << prefix << "_NUM_ELEMENTS " << type.getNumElements()
     << "\n";
  os << "#define " << prefix << "_ELEMENT_SIZE "
     << byteSize(type.getElementType()) << "\n";
  os << "#define " << prefix << "_TYPE " << getCTypeName(type.getElementType())
     << "\n";
}

static void emitSizeList(StringRef name, ArrayRef<ABITensor> tensors,
                         llvm::raw_ostream &os) {
  os << "#define " << name << " {";
  llvm::interleave(
      tensors, os,
      [&](const ABITensor &tensor) {
        os << tensor.type.getNumElements() *
                  byteSize(tensor.type.getElementType());
      },
      ", ");
  os << "}\n";
}

/// The integer entry point of a quantized model: the stored values and
/// their quantization, so callers that already hold int8 data skip the float
/// boundary.
static void emitIntegerEntry(const ModelABI &abi, StringRef macroPrefix,
                             llvm::raw_ostream &os) {
  const IntegerEntry &entry = *abi.integerEntry;
  os << "\n/* Integer entry point: the same model on quantized values, "
        "real = (q - ZERO_POINT) * SCALE. */\n";
  auto emitQuantization = [&](StringRef kind, ArrayRef<ABITensor> tensors) {
    for (auto [index, tensor] : llvm::enumerate(tensors)) {
      std::string prefix =
          (macroPrefix + "_INT8_" + kind + "_" + Twine(index)).str();
      os << "#define " << prefix << "_SCALE "
         << llvm::formatv("{0:e16}", tensor.scale).str() << "\n";
      os << "#define " << prefix << "_ZERO_POINT " << tensor.zeroPoint << "\n";
      os << "#define " << prefix << "_TYPE "
         << getCTypeName(tensor.type.getElementType()) << "\n";
    }
  };
  emitQuantization("INPUT", entry.inputs);
  emitQuantization("OUTPUT", entry.outputs);
  emitSizeList((macroPrefix + "_INT8_INPUT_SIZES").str(), entry.inputs, os);
  emitSizeList((macroPrefix + "_INT8_OUTPUT_SIZES").str(), entry.outputs, os);

  llvm::StringSet<> used;
  os << "void " << abi.integerEntryName() << "(";
  for (const ABITensor &input : entry.inputs)
    os << "const " << getCTypeName(input.type.getElementType()) << " *"
       << uniqueParameterName(input.name, used) << ", ";
  for (const ABITensor &output : entry.outputs)
    os << getCTypeName(output.type.getElementType()) << " *"
       << uniqueParameterName(output.name, used) << ", ";
  os << "void *workspace);\n";
  os << "void " << abi.integerPackedEntryName()
     << "(const void *const *inputs, void *const *outputs, void *workspace);\n";
}

/// Includes and type definitions that the element types of `abi` need:
/// <stdbool.h> for bool, and the half-precision bit-pattern types (guarded,
/// since several model headers may share a translation unit).
static void emitElementTypeSupport(const ModelABI &abi, llvm::raw_ostream &os) {
  bool hasBool = false, hasHalf = false;
  for (const ModelABI::EntryPoint &entry : abi.getEntryPoints()) {
    for (ArrayRef<ABITensor> tensors : {entry.inputs, entry.outputs}) {
      for (const ABITensor &tensor : tensors) {
        Type elementType = tensor.type.getElementType();
        hasBool |= elementType.isInteger(1);
        hasHalf |= elementType.isF16() || elementType.isBF16();
      }
    }
  }
  if (hasBool)
    os << "#include <stdbool.h>\n";
  if (hasHalf)
    os << "\n#ifndef QCC_HALF_TYPES_DEFINED\n"
       << "#define QCC_HALF_TYPES_DEFINED\n"
       << "/* IEEE 754 binary16 and bfloat16 values, passed as their bit "
          "patterns. */\n"
       << "typedef uint16_t qcc_float16_t;\n"
       << "typedef uint16_t qcc_bfloat16_t;\n"
       << "#endif\n";
}

void emitCHeader(const ModelABI &abi, StringRef source, llvm::raw_ostream &os) {
  std::string macroPrefix = StringRef(abi.prefix).upper();
  std::string guard = "QCC_" + macroPrefix + "_H";

  os << "/* " << abi.prefix << ".h: C interface of a model compiled by qcc";
  if (!source.empty())
    os << " from " << escapeCString(llvm::sys::path::filename(source));
  os << ".\n"
     << " * Generated file; do not edit. The ABI is described in qcc's "
        "docs/ABI.md.\n"
     << " *\n"
     << " * The code performs no heap allocation and keeps no mutable global "
        "state: all\n"
     << " * scratch memory is the caller's workspace of " << macroPrefix
     << "_WORKSPACE_SIZE bytes,\n"
     << " * aligned to " << macroPrefix
     << "_WORKSPACE_ALIGNMENT bytes. Calls with distinct workspaces may run\n"
     << " * concurrently. Input, output and workspace buffers must not "
        "overlap. */\n";
  os << "#ifndef " << guard << "\n#define " << guard << "\n\n";
  os << "#include <stddef.h>\n#include <stdint.h>\n";
  emitElementTypeSupport(abi, os);
  os << "\n";
  os << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";

  os << "#define " << macroPrefix << "_NUM_INPUTS " << abi.inputs.size()
     << "\n";
  os << "#define " << macroPrefix << "_NUM_OUTPUTS " << abi.outputs.size()
     << "\n";
  os << "#define " << macroPrefix << "_WORKSPACE_SIZE " << abi.workspaceSize
     << "u\n";
  os << "#define " << macroPrefix << "_WORKSPACE_ALIGNMENT "
     << abi.workspaceAlignment << "u\n\n";
  for (auto [index, tensor] : llvm::enumerate(abi.inputs))
    emitTensorMacros(macroPrefix, "INPUT", index, tensor, os);
  for (auto [index, tensor] : llvm::enumerate(abi.outputs))
    emitTensorMacros(macroPrefix, "OUTPUT", index, tensor, os);
  os << "\n/* Byte sizes of all inputs and outputs, in order. */\n";
  emitSizeList(macroPrefix + "_INPUT_SIZES", abi.inputs, os);
  emitSizeList(macroPrefix + "_OUTPUT_SIZES", abi.outputs, os);

  llvm::StringSet<> used;
  auto parameterName = [&](StringRef name) {
    return uniqueParameterName(name, used);
  };

  // The functions are the object's <name>_<tag>: a header and an object of
  // different interfaces fail to link.
  std::string tag = abi.getInterfaceTag();
  os << "\n/* This header belongs to the object of the same compilation: the "
        "functions\n   below are its <name>_"
     << tag << " symbols, and another compilation's\n   object has none. */\n";
  for (const std::string &name : abi.getExportedNames())
    os << "#define " << name << " " << name << "_" << tag << "\n";

  os << "\n/* Bytes of workspace the model needs (" << macroPrefix
     << "_WORKSPACE_SIZE). */\n";
  os << "size_t " << abi.workspaceSizeName() << "(void);\n\n";
  os << "/* Runs the model: inputs, then outputs, then the workspace. */\n";
  os << "void " << abi.entryName() << "(";
  for (const ABITensor &input : abi.inputs)
    os << "const " << getCTypeName(input.type.getElementType()) << " *"
       << parameterName(input.name) << ", ";
  for (const ABITensor &output : abi.outputs)
    os << getCTypeName(output.type.getElementType()) << " *"
       << parameterName(output.name) << ", ";
  os << "void *workspace);\n\n";
  os << "/* The same, with the buffers passed as arrays of pointers in the "
        "order above. */\n";
  os << "void " << abi.packedEntryName()
     << "(const void *const *inputs, void *const *outputs, void *workspace);\n";
  if (abi.integerEntry)
    emitIntegerEntry(abi, macroPrefix, os);
  os << "\n#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
}

} // namespace qcc
