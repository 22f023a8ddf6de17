//===- NodeContext.h - what an op importer sees of a node -------*- C++ -*-===//
//
// `NodeContext` gives an op importer typed, checked access to one node's
// attributes and inputs and a place to put its outputs. Every accessor that
// can fail on user input emits a diagnostic naming the node and returns
// failure, so op importers only propagate failures.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_IMPORT_ONNX_NODECONTEXT_H
#define QCC_LIB_IMPORT_ONNX_NODECONTEXT_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <optional>

namespace qcc::onnx_import {

/// One tensor of the ONNX graph. `constant` is set when its value is known at
/// import time (initializers, Constant nodes, folded shape arithmetic); `value`
/// is the SSA value, created on first use for constants so that shape-only
/// tensors (int64 shapes, axes) never reach the IR.
struct TensorValue {
  mlir::Value value;
  mlir::DenseElementsAttr constant;
  /// Integers are signless in the IR; this says whether ONNX declared this
  /// one unsigned (UINT8..UINT64), which picks unsigned division, comparison,
  /// conversion and the C type at the model boundary.
  bool isUnsigned = false;

  mlir::RankedTensorType getType() const {
    return constant ? llvm::cast<mlir::RankedTensorType>(constant.getType())
                    : llvm::cast<mlir::RankedTensorType>(value.getType());
  }
};

/// The graph's tensors by ONNX name.
using ValueTable = llvm::StringMap<TensorValue>;

class ExternalDataReader;

class NodeContext {
public:
  /// `externalData` reads tensor attributes stored outside the model; null
  /// rejects them.
  NodeContext(const onnx::NodeProto &node, int64_t opset, mlir::Location loc,
              mlir::OpBuilder &builder, ValueTable &values,
              ExternalDataReader *externalData = nullptr);

  const onnx::NodeProto &getNode() const { return node; }
  llvm::StringRef getOp() const { return node.op_type(); }
  int64_t getOpset() const { return opset; }
  mlir::Location getLoc() const { return loc; }
  mlir::OpBuilder &getBuilder() { return builder; }
  mlir::MLIRContext *getContext() { return builder.getContext(); }

  /// An error located at the node, prefixed with its name and op type.
  mlir::InFlightDiagnostic emitError() const;

  //===--------------------------------------------------------------------===//
  // Inputs and outputs
  //===--------------------------------------------------------------------===//

  /// Checks the number of inputs (counting trailing optional ones that are
  /// present) and outputs against the operator's arity.
  mlir::LogicalResult checkArity(unsigned minInputs, unsigned maxInputs,
                                 unsigned maxOutputs = 1) const;

  unsigned getNumInputs() const { return node.input_size(); }
  /// True if input `index` exists and is not the empty "omitted" name.
  bool hasInput(unsigned index) const;
  const TensorValue &getInput(unsigned index) const;
  mlir::RankedTensorType getInputType(unsigned index) const {
    return getInput(index).getType();
  }
  /// The SSA value of input `index`, materializing constants.
  mlir::Value getInputValue(unsigned index);
  /// The constant value of input `index`, or null if it is only known at run
  /// time.
  mlir::DenseElementsAttr getConstantInput(unsigned index) const {
    return getInput(index).constant;
  }
  /// The constant value of input `index`; `what` says why it must be one.
  mlir::FailureOr<mlir::DenseElementsAttr>
  getRequiredConstantInput(unsigned index, llvm::StringRef what) const;
  /// The integer values of a constant input (axes, shapes, ...).
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  getConstantIntsInput(unsigned index, llvm::StringRef what) const;
  /// Checks that input `index` is a float tensor the generated code can hold.
  mlir::LogicalResult checkFloatInput(unsigned index) const;
  /// Whether input `index` holds unsigned integers.
  bool isInputUnsigned(unsigned index) const {
    return hasInput(index) && getInput(index).isUnsigned;
  }

  unsigned getNumOutputs() const { return node.output_size(); }
  /// Sets output `index`. Without `isUnsigned`, an integer output is unsigned
  /// when input #0 is and has the same element type (the signedness flows
  /// through elementwise, shape and data-movement ops); ops that change it
  /// (Cast, Shape, ArgMax, ...) pass it explicitly.
  void setOutput(unsigned index, mlir::Value value,
                 std::optional<bool> isUnsigned = std::nullopt);
  void setConstantOutput(unsigned index, mlir::DenseElementsAttr constant,
                         std::optional<bool> isUnsigned = std::nullopt);

  /// Imports a node of the default domain's `opType` at `opset` on
  /// `inputs`, with this node's attributes named in `attributes`, and returns
  /// its first output. Operators defined as compositions of others (the
  /// com.microsoft QLinear* ops) reuse those importers; their diagnostics
  /// name this node and `opType`.
  mlir::FailureOr<mlir::Value>
  importComposed(llvm::StringRef opType, int64_t opset,
                 llvm::ArrayRef<mlir::Value> inputs,
                 llvm::ArrayRef<llvm::StringRef> attributes);

  //===--------------------------------------------------------------------===//
  // Attributes
  //===--------------------------------------------------------------------===//

  bool hasAttr(llvm::StringRef name) const { return findAttr(name); }
  const onnx::AttributeProto *findAttr(llvm::StringRef name) const;

  /// Each getter returns `defaultValue` when the attribute is absent, and
  /// fails when it is absent without a default or has the wrong type.
  mlir::FailureOr<int64_t>
  getIntAttr(llvm::StringRef name,
             std::optional<int64_t> defaultValue = std::nullopt) const;
  mlir::FailureOr<float>
  getFloatAttr(llvm::StringRef name,
               std::optional<float> defaultValue = std::nullopt) const;
  mlir::FailureOr<std::string>
  getStringAttr(llvm::StringRef name,
                std::optional<std::string> defaultValue = std::nullopt) const;
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  getIntsAttr(llvm::StringRef name,
              std::optional<llvm::SmallVector<int64_t>> defaultValue =
                  std::nullopt) const;
  mlir::FailureOr<llvm::SmallVector<float>>
  getFloatsAttr(llvm::StringRef name,
                std::optional<llvm::SmallVector<float>> defaultValue =
                    std::nullopt) const;
  mlir::FailureOr<mlir::DenseElementsAttr>
  getTensorAttr(llvm::StringRef name) const;

  /// Normalizes `axis` into [0, rank) (ONNX allows [-rank, rank)), or fails
  /// naming `what`.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                         llvm::StringRef what = "axis") const;

private:
  /// The default signedness of an output of `type` (see setOutput).
  bool inheritsUnsigned(mlir::Type type) const;

  mlir::FailureOr<const onnx::AttributeProto *>
  getTypedAttr(llvm::StringRef name, onnx::AttributeProto::AttributeType type,
               bool hasDefault) const;

  const onnx::NodeProto &node;
  int64_t opset;
  mlir::Location loc;
  mlir::OpBuilder &builder;
  ValueTable &values;
  ExternalDataReader *externalData;
};

} // namespace qcc::onnx_import

#endif // QCC_LIB_IMPORT_ONNX_NODECONTEXT_H
