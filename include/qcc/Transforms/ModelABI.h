//===- ModelABI.h - the C ABI description of a compiled model ---*- C++ -*-===//
//
// The entry-point passes record what the caller sees (names, element types and
// shapes of inputs and outputs, the workspace) in the module attribute
// `qcc.abi`. Later passes and the header emitter read it back from there, so
// the ABI survives every lowering step without side tables.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TRANSFORMS_MODELABI_H
#define QCC_TRANSFORMS_MODELABI_H

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

#include <string>

namespace qcc {

/// One input or output buffer of the entry point.
struct ABITensor {
  std::string name;
  mlir::RankedTensorType type;
  /// Quantization of the stored integers, for the integer entry point.
  double scale = 0.0;
  int64_t zeroPoint = 0;
};

/// The integer entry point of a quantized model: the same computation
/// without the float boundary, on the stored int8 values.
struct IntegerEntry {
  llvm::SmallVector<ABITensor> inputs;
  llvm::SmallVector<ABITensor> outputs;
};

struct ModelABI {
  static constexpr llvm::StringLiteral kAttrName = attr::kABI;

  std::string prefix;
  llvm::SmallVector<ABITensor> inputs;
  llvm::SmallVector<ABITensor> outputs;
  std::optional<IntegerEntry> integerEntry;
  /// Bytes of caller-provided scratch memory; set by qcc-plan-workspace.
  int64_t workspaceSize = 0;
  int64_t workspaceAlignment = 64;

  std::string entryName() const { return prefix + "_run"; }
  std::string packedEntryName() const { return prefix + "_run_packed"; }
  std::string workspaceSizeName() const { return prefix + "_workspace_size"; }
  std::string integerEntryName() const { return prefix + "_run_int8"; }
  std::string integerPackedEntryName() const {
    return prefix + "_run_int8_packed";
  }

  /// The entry points that exist, each with its inputs and outputs.
  struct EntryPoint {
    std::string name;
    std::string packedName;
    llvm::ArrayRef<ABITensor> inputs;
    llvm::ArrayRef<ABITensor> outputs;
  };
  llvm::SmallVector<EntryPoint> getEntryPoints() const;

  /// Every function the object exports: the entry points (plain and
  /// packed) and the workspace size.
  llvm::SmallVector<std::string> getExportedNames() const;

  /// Eight hex digits hashed from everything this description holds. The
  /// object exports each function also as `<name>_<tag>`, and the header
  /// renames the functions to those names, so a header and an object from
  /// compilations with different interfaces fail to link instead of
  /// running with the wrong buffers.
  std::string getInterfaceTag() const;

  /// Stores this description on `module` as the `qcc.abi` attribute.
  void attachTo(mlir::ModuleOp module) const;

  /// Reads the description back; emits an error on `module` and fails when
  /// the attribute is missing or malformed.
  static mlir::FailureOr<ModelABI> readFrom(mlir::ModuleOp module);
};

/// Whether `type` is an element type the C ABI can express.
bool isABIElementType(mlir::Type type);

/// The C spelling of an ABI element type (`float`, `int8_t`, `uint8_t` for
/// `ui8`, `bool` for `i1`, ...).
llvm::StringRef getCTypeName(mlir::Type type);

/// Whether `name` is a valid C identifier (used for symbol prefixes).
bool isCIdentifier(llvm::StringRef name);

} // namespace qcc

#endif // QCC_TRANSFORMS_MODELABI_H
