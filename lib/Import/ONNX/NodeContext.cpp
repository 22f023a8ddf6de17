//===- NodeContext.cpp - what an op importer sees of one ONNX node --------===//

#include "NodeContext.h"

#include "OpRegistry.h"
#include "TensorConversion.h"
#include "TosaBuilders.h"

using namespace mlir;

namespace qcc::onnx_import {

NodeContext::NodeContext(const onnx::NodeProto &node, int64_t opset,
                         Location loc, OpBuilder &builder, ValueTable &values,
                         ExternalDataReader *externalData)
    : node(node), opset(opset), loc(loc), builder(builder), values(values),
      externalData(externalData) {}

InFlightDiagnostic NodeContext::emitError() const {
  InFlightDiagnostic diag = mlir::emitError(loc);
  diag << "node '" << node.name() << "' (" << node.op_type() << "): ";
  return diag;
}

LogicalResult NodeContext::checkArity(unsigned minInputs, unsigned maxInputs,
                                      unsigned maxOutputs) const {
  unsigned numInputs = getNumInputs();
  // Trailing omitted optional inputs do not count.
  while (numInputs > 0 && node.input(numInputs - 1).empty())
    --numInputs;
  if (numInputs < minInputs || numInputs > maxInputs) {
    InFlightDiagnostic diag = emitError();
    diag << "expected ";
    if (minInputs == maxInputs)
      diag << minInputs;
    else
      diag << minInputs << " to " << maxInputs;
    diag << " input(s), got " << numInputs;
    return failure();
  }
  for (unsigned i = 0; i < minInputs; ++i)
    if (!hasInput(i))
      return emitError() << "required input #" << i << " is omitted";
  if (getNumOutputs() < 1 || getNumOutputs() > maxOutputs)
    return emitError() << "expected 1 to " << maxOutputs << " output(s), got "
                       << getNumOutputs();
  return success();
}

bool NodeContext::hasInput(unsigned index) const {
  return index < getNumInputs() && !node.input(index).empty();
}

const TensorValue &NodeContext::getInput(unsigned index) const {
  // The graph walk resolves every named input before calling an importer.
  auto it = values.find(node.input(index));
  assert(it != values.end() && "input resolved by the graph walk");
  return it->second;
}

Value NodeContext::getInputValue(unsigned index) {
  TensorValue &tensor = values.find(node.input(index))->second;
  if (!tensor.value) {
    OpBuilder::InsertionGuard guard(builder);
    tensor.value = createConst(builder, loc, tensor.constant);
  }
  return tensor.value;
}

FailureOr<Value> NodeContext::importComposed(StringRef opType, int64_t opset,
                                             ArrayRef<Value> inputs,
                                             ArrayRef<StringRef> attributes) {
  OpImportFn import = getOpRegistry().lookup(opType);
  assert(import && "composed of a supported operator");
  onnx::NodeProto composed;
  composed.set_name(node.name());
  composed.set_op_type(opType.str());
  // Tensor names no ONNX graph can use (they contain '\n').
  std::string prefix = node.name() + "\n" + opType.str() + "\n";
  SmallVector<std::string> names;
  for (auto [index, input] : llvm::enumerate(inputs)) {
    names.push_back(prefix + std::to_string(index));
    values[names.back()] = TensorValue{input, {}, false};
    composed.add_input(names.back());
  }
  names.push_back(prefix + "output");
  composed.add_output(names.back());
  for (const onnx::AttributeProto &attr : node.attribute())
    if (llvm::is_contained(attributes, attr.name()))
      *composed.add_attribute() = attr;
  NodeContext context(composed, opset, loc, builder, values, externalData);
  FailureOr<Value> result = failure();
  if (succeeded(import(context))) {
    // Outputs may be constants (folded at import); materialize them.
    auto it = values.find(names.back());
    if (it != values.end())
      result = it->second.value
                   ? it->second.value
                   : createConst(builder, loc, it->second.constant);
  }
  for (const std::string &name : names)
    values.erase(name);
  return result;
}

FailureOr<DenseElementsAttr>
NodeContext::getRequiredConstantInput(unsigned index, StringRef what) const {
  if (!hasInput(index))
    return emitError() << "missing input #" << index << " (" << what << ")";
  DenseElementsAttr constant = getConstantInput(index);
  if (!constant)
    return emitError() << "input '" << node.input(index) << "' (" << what
                       << ") must be a constant known at import time";
  return constant;
}

FailureOr<SmallVector<int64_t>>
NodeContext::getConstantIntsInput(unsigned index, StringRef what) const {
  FailureOr<DenseElementsAttr> constant = getRequiredConstantInput(index, what);
  if (failed(constant))
    return failure();
  if (!constant->getElementType().isInteger(64) &&
      !constant->getElementType().isInteger(32))
    return emitError() << "input '" << node.input(index) << "' (" << what
                       << ") must hold int64 values, got "
                       << constant->getElementType();
  return getIntValues(*constant);
}

LogicalResult NodeContext::checkFloatInput(unsigned index) const {
  Type elementType = getInputType(index).getElementType();
  if (!elementType.isF32())
    return emitError() << "input '" << node.input(index)
                       << "' has element type " << elementType
                       << "; only f32 is supported for this operator";
  return success();
}

bool NodeContext::inheritsUnsigned(Type type) const {
  auto elementType = cast<ShapedType>(type).getElementType();
  return isInputUnsigned(0) && elementType.isInteger() &&
         !elementType.isInteger(1) &&
         elementType == getInputType(0).getElementType();
}

void NodeContext::setOutput(unsigned index, Value value,
                            std::optional<bool> isUnsigned) {
  if (index < getNumOutputs() && !node.output(index).empty())
    values[node.output(index)] = TensorValue{
        value, {}, isUnsigned.value_or(inheritsUnsigned(value.getType()))};
}

void NodeContext::setConstantOutput(unsigned index, DenseElementsAttr constant,
                                    std::optional<bool> isUnsigned) {
  if (index < getNumOutputs() && !node.output(index).empty())
    values[node.output(index)] =
        TensorValue{{},
                    constant,
                    isUnsigned.value_or(inheritsUnsigned(constant.getType()))};
}

const onnx::AttributeProto *NodeContext::findAttr(StringRef name) const {
  for (const onnx::AttributeProto &attr : node.attribute())
    if (attr.name() == name)
      return &attr;
  return nullptr;
}

static StringRef getAttrTypeName(onnx::AttributeProto::AttributeType type) {
  if (!onnx::AttributeProto::AttributeType_IsValid(type))
    return "<invalid>";
  return onnx::AttributeProto::AttributeType_Name(type);
}

FailureOr<const onnx::AttributeProto *>
NodeContext::getTypedAttr(StringRef name,
                          onnx::AttributeProto::AttributeType type,
                          bool hasDefault) const {
  const onnx::AttributeProto *attr = findAttr(name);
  if (!attr) {
    if (hasDefault)
      return static_cast<const onnx::AttributeProto *>(nullptr);
    return emitError() << "missing required attribute '" << name << "'";
  }
  if (!attr->ref_attr_name().empty())
    return emitError() << "attribute '" << name
                       << "' refers to a function attribute, which is not "
                          "supported";
  // Old exporters leave `type` unset; accept them when the payload matches.
  bool typeMatches = attr->type() == type;
  if (attr->type() == onnx::AttributeProto::UNDEFINED) {
    switch (type) {
    case onnx::AttributeProto::INT:
      typeMatches = attr->has_i();
      break;
    case onnx::AttributeProto::FLOAT:
      typeMatches = attr->has_f();
      break;
    case onnx::AttributeProto::STRING:
      typeMatches = attr->has_s();
      break;
    case onnx::AttributeProto::TENSOR:
      typeMatches = attr->has_t();
      break;
    case onnx::AttributeProto::INTS:
      typeMatches = attr->ints_size() > 0;
      break;
    case onnx::AttributeProto::FLOATS:
      typeMatches = attr->floats_size() > 0;
      break;
    default:
      break;
    }
  }
  if (!typeMatches)
    return emitError() << "attribute '" << name << "' must be of type "
                       << getAttrTypeName(type) << ", got "
                       << getAttrTypeName(attr->type());
  // A scalar attribute whose type is right but whose value field is unset
  // would silently read as zero.
  bool hasValue = true;
  switch (type) {
  case onnx::AttributeProto::INT:
    hasValue = attr->has_i();
    break;
  case onnx::AttributeProto::FLOAT:
    hasValue = attr->has_f();
    break;
  case onnx::AttributeProto::STRING:
    hasValue = attr->has_s();
    break;
  case onnx::AttributeProto::TENSOR:
    hasValue = attr->has_t();
    break;
  default:
    break;
  }
  if (!hasValue)
    return emitError() << "attribute '" << name << "' of type "
                       << getAttrTypeName(type) << " has no value";
  return attr;
}

FailureOr<int64_t>
NodeContext::getIntAttr(StringRef name,
                        std::optional<int64_t> defaultValue) const {
  auto attr =
      getTypedAttr(name, onnx::AttributeProto::INT, defaultValue.has_value());
  if (failed(attr))
    return failure();
  return *attr ? (*attr)->i() : *defaultValue;
}

FailureOr<float>
NodeContext::getFloatAttr(StringRef name,
                          std::optional<float> defaultValue) const {
  auto attr =
      getTypedAttr(name, onnx::AttributeProto::FLOAT, defaultValue.has_value());
  if (failed(attr))
    return failure();
  return *attr ? (*attr)->f() : *defaultValue;
}

FailureOr<std::string>
NodeContext::getStringAttr(StringRef name,
                           std::optional<std::string> defaultValue) const {
  auto attr = getTypedAttr(name, onnx::AttributeProto::STRING,
                           defaultValue.has_value());
  if (failed(attr))
    return failure();
  return *attr ? (*attr)->s() : *defaultValue;
}

FailureOr<SmallVector<int64_t>> NodeContext::getIntsAttr(
    StringRef name, std::optional<SmallVector<int64_t>> defaultValue) const {
  auto attr =
      getTypedAttr(name, onnx::AttributeProto::INTS, defaultValue.has_value());
  if (failed(attr))
    return failure();
  if (!*attr)
    return *defaultValue;
  return SmallVector<int64_t>((*attr)->ints().begin(), (*attr)->ints().end());
}

FailureOr<SmallVector<float>> NodeContext::getFloatsAttr(
    StringRef name, std::optional<SmallVector<float>> defaultValue) const {
  auto attr = getTypedAttr(name, onnx::AttributeProto::FLOATS,
                           defaultValue.has_value());
  if (failed(attr))
    return failure();
  if (!*attr)
    return *defaultValue;
  return SmallVector<float>((*attr)->floats().begin(), (*attr)->floats().end());
}

FailureOr<DenseElementsAttr> NodeContext::getTensorAttr(StringRef name) const {
  auto attr = getTypedAttr(name, onnx::AttributeProto::TENSOR,
                           /*hasDefault=*/false);
  if (failed(attr))
    return failure();
  return convertTensorProto(
      (*attr)->t(), builder.getContext(),
      [&] { return emitError() << "tensor attribute '" << name << "' "; },
      externalData);
}

FailureOr<int64_t> NodeContext::normalizeAxis(int64_t axis, int64_t rank,
                                              StringRef what) const {
  if (axis < -rank || axis >= rank)
    return emitError() << what << " " << axis << " is out of range for rank "
                       << rank;
  return axis < 0 ? axis + rank : axis;
}

} // namespace qcc::onnx_import
