//===- ONNXImporter.cpp - ONNX model to float TOSA ------------------------===//
//
// Walks the ONNX graph in topological order: graph inputs become the
// arguments of `func.func @main`, initializers become lazily materialized
// constants, each node goes to its importer in the op registry, and graph
// outputs become the results. Shapes are computed by the importers as they
// build ops, so every dynamic input dimension must be pinned first.
//
// Models are untrusted input. Before any node is imported, the graph is
// checked as a whole (IR version, opsets, dangling and duplicate tensor
// names, cycles); every tensor shape that reaches the IR has a size that
// fits in int64_t. Each failure is a diagnostic that names the node,
// initializer or tensor.
//
//===----------------------------------------------------------------------===//

#include "qcc/Import/ONNX/ONNXImporter.h"
#include "qcc/Dialect/Qcc/IR/QccAttributes.h"
#include "qcc/Dialect/Qcc/IR/QccDialect.h"

#include "NodeContext.h"
#include "OpRegistry.h"
#include "TensorConversion.h"
#include "TosaBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <climits>
#include <functional>
#include <queue>

using namespace mlir;
using namespace qcc::onnx_import;

namespace qcc {

bool addInputShapePin(StringRef spec, ONNXImportOptions &options,
                      std::string &error) {
  auto [name, dimsText] = spec.rsplit('=');
  if (name.empty() || name.size() == spec.size()) {
    error =
        "expected NAME=DIMS (e.g. input=1x3x224x224), got '" + spec.str() + "'";
    return false;
  }
  SmallVector<int64_t> dims;
  SmallVector<StringRef> parts;
  if (!dimsText.empty())
    dimsText.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t dim;
    if (part.trim().getAsInteger(10, dim) || dim <= 0) {
      error = "invalid dimension '" + part.str() + "' in '" + spec.str() +
              "'; dimensions must be positive integers separated by 'x' "
              "(e.g. " +
              name.str() + "=1x3x224x224)";
      return false;
    }
    dims.push_back(dim);
  }
  if (!options.inputShapes.try_emplace(name, dims).second) {
    error = "input '" + name.str() + "' is pinned more than once";
    return false;
  }
  return true;
}

namespace {

constexpr int64_t kMinOpset = 7;
constexpr int64_t kMaxOpset = 17;
/// IR version 3 introduced opset_import; 11 is ONNX 1.18's.
constexpr int64_t kMinIRVersion = 3;
constexpr int64_t kMaxIRVersion = 11;

bool isDefaultDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

class GraphImporter {
public:
  GraphImporter(MLIRContext &context, StringRef modelName,
                StringRef externalDataDirectory,
                const ONNXImportOptions &options)
      : context(context), modelName(modelName.str()), options(options),
        builder(&context),
        modelLoc(FileLineColLoc::get(&context, modelName, 0, 0)),
        externalData(externalDataDirectory) {}

  OwningOpRef<ModuleOp> importModel(const onnx::ModelProto &model);

private:
  LogicalResult readOpsets(const onnx::ModelProto &model);
  FailureOr<RankedTensorType> getInputType(const onnx::ValueInfoProto &input);
  /// Fails on the first node whose operator is not supported, before the
  /// graph's inputs and initializers are looked at.
  LogicalResult checkOperatorsSupported(const onnx::GraphProto &graph);
  InFlightDiagnostic emitUnsupportedOperator(const onnx::NodeProto &node,
                                             int index, llvm::StringRef domain,
                                             int64_t opset);
  LogicalResult importInitializers(const onnx::GraphProto &graph);
  LogicalResult importInputs(const onnx::GraphProto &graph, func::FuncOp func);
  FailureOr<SmallVector<int>> sortNodes(const onnx::GraphProto &graph);
  LogicalResult importNode(const onnx::NodeProto &node, int index);
  LogicalResult checkOutputTypes(const onnx::NodeProto &node,
                                 StringRef nodeName, Location loc);
  LogicalResult importOutputs(const onnx::GraphProto &graph, func::FuncOp func);
  Location getNameLoc(StringRef name) {
    return NameLoc::get(builder.getStringAttr(name), modelLoc);
  }
  InFlightDiagnostic emitError() { return mlir::emitError(modelLoc); }

  MLIRContext &context;
  std::string modelName;
  const ONNXImportOptions &options;
  OpBuilder builder;
  Location modelLoc;
  ValueTable values;
  /// Opset version by domain ("" for the default domain).
  llvm::StringMap<int64_t> opsets;
  ExternalDataReader externalData;
};

/// The name diagnostics use for node `index`: its own, or `<op>_<index>`.
std::string getNodeName(const onnx::NodeProto &node, int index) {
  return node.name().empty() ? node.op_type() + "_" + std::to_string(index)
                             : node.name();
}

/// Formats a shape as `AxBxC` for diagnostics.
std::string formatShape(ArrayRef<int64_t> shape) {
  return llvm::join(
      llvm::map_range(shape, [](int64_t d) { return std::to_string(d); }), "x");
}

} // namespace

LogicalResult GraphImporter::readOpsets(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &opset : model.opset_import()) {
    StringRef domain = opset.domain();
    if (!opsets
             .try_emplace(isDefaultDomain(domain) ? "" : domain,
                          opset.version())
             .second)
      return emitError() << "opset domain '" << domain
                         << "' is imported more than once";
  }
  // A missing default domain is reported after unsupported operators (see
  // checkOperatorsSupported): models of other domains hear about those first.
  auto it = opsets.find("");
  if (it == opsets.end())
    return success();
  if (it->second < kMinOpset || it->second > kMaxOpset)
    return emitError() << "ONNX opset " << it->second
                       << " is not supported (supported: " << kMinOpset
                       << " to " << kMaxOpset << ")";
  return success();
}

InFlightDiagnostic
GraphImporter::emitUnsupportedOperator(const onnx::NodeProto &node, int index,
                                       StringRef domain, int64_t opset) {
  std::string name = getNodeName(node, index);
  return mlir::emitError(getNameLoc(name))
         << "node '" << name << "' (" << node.op_type()
         << "): unsupported ONNX operator '" << node.op_type() << "' (domain '"
         << (domain.empty() ? "ai.onnx" : domain) << "', opset " << opset
         << ")";
}

LogicalResult
GraphImporter::checkOperatorsSupported(const onnx::GraphProto &graph) {
  for (int index = 0; index < graph.node_size(); ++index) {
    const onnx::NodeProto &node = graph.node(index);
    StringRef domain = node.domain();
    if (isDefaultDomain(domain))
      domain = "";
    auto opset = opsets.find(domain);
    // Nodes without an op type or of a domain the model does not import are
    // malformed; importNode says so.
    if (node.op_type().empty() || opset == opsets.end())
      continue;
    if (getOpRegistry().lookup(node.op_type(), domain))
      continue;
    return emitUnsupportedOperator(node, index, domain, opset->second);
  }
  if (!opsets.count(""))
    return emitError() << "model does not import the default ONNX opset "
                          "domain (opset_import is empty or lacks 'ai.onnx')";
  return success();
}

FailureOr<RankedTensorType>
GraphImporter::getInputType(const onnx::ValueInfoProto &input) {
  StringRef name = input.name();
  Location loc = getNameLoc(name);
  if (!input.has_type() || !input.type().has_tensor_type())
    return mlir::emitError(loc)
           << "graph input '" << name << "' is not a tensor";
  const onnx::TypeProto::Tensor &tensorType = input.type().tensor_type();
  Type elementType = convertElementType(tensorType.elem_type(), &context);
  if (!elementType)
    return mlir::emitError(loc)
           << "graph input '" << name << "' has unsupported element type "
           << getElementTypeName(tensorType.elem_type());

  // Declared dimensions; -1 for dynamic ones, with their names for errors.
  std::optional<SmallVector<int64_t>> declared;
  SmallVector<std::string> dynamicDims;
  if (tensorType.has_shape()) {
    declared.emplace();
    for (const auto &[i, dim] : llvm::enumerate(tensorType.shape().dim())) {
      if (dim.has_dim_value()) {
        if (dim.dim_value() <= 0)
          return mlir::emitError(loc)
                 << "graph input '" << name << "' has invalid dimension "
                 << dim.dim_value() << " at index " << i;
        declared->push_back(dim.dim_value());
        continue;
      }
      declared->push_back(-1);
      dynamicDims.push_back(
          std::to_string(i) +
          (dim.has_dim_param() ? " ('" + dim.dim_param() + "')" : ""));
    }
  }

  auto pin = options.inputShapes.find(name);
  if (pin == options.inputShapes.end()) {
    if (!declared)
      return mlir::emitError(loc)
             << "graph input '" << name << "' has no shape; give it a "
             << "static one (e.g. --input-shape " << name << "=1x3x224x224)";
    if (!dynamicDims.empty())
      return mlir::emitError(loc)
             << "graph input '" << name << "' has dynamic dimension(s) "
             << llvm::join(dynamicDims, ", ")
             << "; give it a static shape (--input-shape " << name
             << "=AxBx...)";
    if (failed(getStorageSize(*declared, elementType)))
      return mlir::emitError(loc)
             << "graph input '" << name << "' has shape "
             << formatShape(*declared) << ", whose size overflows";
    return RankedTensorType::get(*declared, elementType);
  }
  ArrayRef<int64_t> pinned = pin->second;
  if (failed(getStorageSize(pinned, elementType)))
    return mlir::emitError(loc)
           << "pinned shape " << formatShape(pinned) << " of graph input '"
           << name << "' has a size that overflows";
  if (declared) {
    bool matches = declared->size() == pinned.size();
    for (size_t i = 0; matches && i < pinned.size(); ++i)
      matches = (*declared)[i] == -1 || (*declared)[i] == pinned[i];
    if (!matches) {
      InFlightDiagnostic diag = mlir::emitError(loc);
      diag << "pinned shape " << formatShape(pinned)
           << " does not match the declared shape [";
      llvm::interleaveComma(*declared, diag, [&](int64_t d) {
        if (d < 0)
          diag << "?";
        else
          diag << d;
      });
      return diag << "] of graph input '" << name << "'";
    }
  }
  return RankedTensorType::get(pinned, elementType);
}

LogicalResult GraphImporter::importInitializers(const onnx::GraphProto &graph) {
  for (const onnx::TensorProto &tensor : graph.initializer()) {
    Location loc = getNameLoc(tensor.name());
    if (tensor.name().empty())
      return mlir::emitError(loc) << "initializer without a name";
    FailureOr<DenseElementsAttr> constant = convertTensorProto(
        tensor, &context,
        [&] {
          return mlir::emitError(loc)
                 << "initializer '" << tensor.name() << "' ";
        },
        &externalData);
    if (failed(constant))
      return failure();
    if (!values
             .try_emplace(
                 tensor.name(),
                 TensorValue{
                     {}, *constant, isUnsignedElementType(tensor.data_type())})
             .second)
      return mlir::emitError(loc)
             << "initializer '" << tensor.name() << "' is defined twice";
  }
  if (graph.sparse_initializer_size() > 0)
    return emitError() << "sparse initializers are not supported";
  return success();
}

LogicalResult GraphImporter::importInputs(const onnx::GraphProto &graph,
                                          func::FuncOp func) {
  llvm::StringSet<> inputNames;
  SmallVector<Type> argTypes;
  SmallVector<StringRef> argNames;
  SmallVector<bool> argUnsigned;
  for (const auto &[index, input] : llvm::enumerate(graph.input())) {
    if (input.name().empty())
      return emitError() << "graph input #" << index << " has no name";
    if (!inputNames.insert(input.name()).second)
      return mlir::emitError(getNameLoc(input.name()))
             << "graph input '" << input.name() << "' is declared twice";
    // Before IR version 4, initializers are also listed as inputs.
    if (values.count(input.name()))
      continue;
    FailureOr<RankedTensorType> type = getInputType(input);
    if (failed(type))
      return failure();
    argTypes.push_back(*type);
    argNames.push_back(input.name());
    argUnsigned.push_back(
        isUnsignedElementType(input.type().tensor_type().elem_type()));
  }
  for (const auto &pin : options.inputShapes)
    if (!llvm::is_contained(argNames, pin.getKey()))
      return emitError() << "--input-shape names '" << pin.getKey()
                         << "', which is not a graph input of the model";

  Block *entry = func.addEntryBlock();
  for (auto [i, type] : llvm::enumerate(argTypes)) {
    BlockArgument arg = entry->addArgument(type, getNameLoc(argNames[i]));
    values[argNames[i]] = TensorValue{arg, {}, argUnsigned[i]};
  }
  func.setFunctionType(builder.getFunctionType(argTypes, {}));
  for (auto [i, name] : llvm::enumerate(argNames)) {
    setArgumentName(func, i, name);
    setUnsignedArgument(func, i, argUnsigned[i]);
  }
  builder.setInsertionPointToEnd(entry);
  return success();
}

FailureOr<SmallVector<int>>
GraphImporter::sortNodes(const onnx::GraphProto &graph) {
  int numNodes = graph.node_size();
  SmallVector<std::string> names;
  for (int i = 0; i < numNodes; ++i)
    names.push_back(getNodeName(graph.node(i), i));
  auto emitNodeError = [&](int i) {
    return mlir::emitError(getNameLoc(names[i]))
           << "node '" << names[i] << "' (" << graph.node(i).op_type() << "): ";
  };

  // Each tensor has one producer: a graph input, an initializer or a node.
  llvm::StringMap<int> producers;
  for (int i = 0; i < numNodes; ++i) {
    for (const std::string &output : graph.node(i).output()) {
      if (output.empty())
        continue;
      if (values.count(output))
        return emitNodeError(i)
               << "output '" << output
               << "' is already defined (by a graph input or initializer)";
      auto [it, inserted] = producers.try_emplace(output, i);
      if (!inserted)
        return emitNodeError(i)
               << "output '" << output << "' is already defined"
               << (it->second == i ? " by this node"
                                   : " by node '" + names[it->second] + "'");
    }
  }

  // Dependencies, then Kahn's algorithm. The ready queue takes the lowest
  // index first, so a graph that is already sorted keeps its order.
  SmallVector<SmallVector<int>> users(numNodes);
  SmallVector<int> pending(numNodes, 0);
  for (int i = 0; i < numNodes; ++i) {
    for (const std::string &input : graph.node(i).input()) {
      if (input.empty() || values.count(input))
        continue;
      auto it = producers.find(input);
      if (it == producers.end())
        return emitNodeError(i) << "input '" << input
                                << "' is not produced by an earlier node, an "
                                   "initializer or a graph input";
      users[it->second].push_back(i);
      ++pending[i];
    }
  }
  std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
  for (int i = 0; i < numNodes; ++i)
    if (pending[i] == 0)
      ready.push(i);
  SmallVector<int> order;
  while (!ready.empty()) {
    int i = ready.top();
    ready.pop();
    order.push_back(i);
    for (int user : users[i])
      if (--pending[user] == 0)
        ready.push(user);
  }
  if (static_cast<int>(order.size()) == numNodes)
    return order;

  // Every unsorted node waits on another unsorted node: walking back along
  // such dependencies must revisit a node, which closes a cycle.
  auto waitsOn = [&](int i) {
    for (const std::string &input : graph.node(i).input()) {
      auto it = producers.find(input);
      if (it != producers.end() && pending[it->second] > 0)
        return it->second;
    }
    // A node that consumes its own output waits on itself; pending counts
    // it, so it is found above. Unreachable otherwise.
    return i;
  };
  int start = 0;
  while (pending[start] == 0)
    ++start;
  SmallVector<int> path;
  DenseMap<int, size_t> position;
  int current = start;
  while (!position.count(current)) {
    position[current] = path.size();
    path.push_back(current);
    current = waitsOn(current);
  }
  // The cycle in data-flow order (producer before consumer), starting at
  // its first node in the model.
  SmallVector<int> cycle(path.begin() + position[current], path.end());
  std::reverse(cycle.begin(), cycle.end());
  std::rotate(cycle.begin(), llvm::min_element(cycle), cycle.end());
  InFlightDiagnostic diag = emitNodeError(cycle.front());
  diag << "the graph has a cycle: ";
  for (int i : cycle)
    diag << "'" << names[i] << "' -> ";
  return diag << "'" << names[cycle.front()] << "'";
}

LogicalResult GraphImporter::checkOutputTypes(const onnx::NodeProto &node,
                                              StringRef nodeName,
                                              Location loc) {
  for (const std::string &output : node.output()) {
    auto it = values.find(output);
    if (output.empty() || it == values.end())
      continue;
    RankedTensorType type = it->second.getType();
    if (!type.hasStaticShape() ||
        failed(getStorageSize(type.getShape(), type.getElementType())))
      return mlir::emitError(loc)
             << "node '" << nodeName << "' (" << node.op_type() << "): output '"
             << output << "' would have type " << type
             << ", whose size is not static or overflows";
  }
  return success();
}

LogicalResult GraphImporter::importNode(const onnx::NodeProto &node,
                                        int index) {
  std::string name = getNodeName(node, index);
  Location loc = getNameLoc(name);
  auto emitNodeError = [&] {
    return mlir::emitError(loc)
           << "node '" << name << "' (" << node.op_type() << "): ";
  };
  if (node.op_type().empty())
    return mlir::emitError(loc) << "node '" << name << "' has no op_type";
  StringRef domain = node.domain();
  if (isDefaultDomain(domain))
    domain = "";
  auto opset = opsets.find(domain);
  if (opset == opsets.end())
    return emitNodeError() << "operator domain '" << node.domain()
                           << "' is not imported by the model";
  OpImportFn import = getOpRegistry().lookup(node.op_type(), domain);
  if (!import)
    return emitUnsupportedOperator(node, index, domain, opset->second);
  for (const std::string &input : node.input())
    if (!input.empty() && !values.count(input))
      return emitNodeError() << "input '" << input
                             << "' is not produced by an earlier node, an "
                                "initializer or a graph input";
  for (const std::string &output : node.output())
    if (!output.empty() && values.count(output))
      return emitNodeError() << "output '" << output << "' is already defined";
  llvm::StringSet<> attrNames;
  for (const onnx::AttributeProto &attr : node.attribute()) {
    if (attr.name().empty())
      return emitNodeError() << "has an attribute without a name";
    if (!attrNames.insert(attr.name()).second)
      return emitNodeError()
             << "attribute '" << attr.name() << "' is given more than once";
  }

  // The diagnostic prefix inside importers uses the same node name.
  onnx::NodeProto named = node;
  named.set_name(name);
  NodeContext context(named, opset->second, loc, builder, values,
                      &externalData);
  Block *block = builder.getInsertionBlock();
  Operation *lastBefore = block->empty() ? nullptr : &block->back();
  if (failed(import(context)))
    return failure();
  for (const auto &[i, output] : llvm::enumerate(node.output()))
    if (!output.empty() && !values.count(output))
      return emitNodeError()
             << "output #" << i << " ('" << output << "') is not supported";
  if (failed(checkOutputTypes(node, name, loc)))
    return failure();

  // Verify what the node imported to now, so that an op verifier's complaint
  // (about a shape TOSA cannot take, say) names the node.
  std::string verifierError;
  {
    ScopedDiagnosticHandler capture(
        builder.getContext(), [&](Diagnostic &diag) {
          if (diag.getSeverity() == DiagnosticSeverity::Error &&
              verifierError.empty())
            verifierError = diag.str();
          return success();
        });
    auto begin =
        lastBefore ? std::next(lastBefore->getIterator()) : block->begin();
    for (Operation &op : llvm::make_range(begin, block->end()))
      if (failed(mlir::verify(&op)))
        break;
  }
  if (!verifierError.empty())
    return emitNodeError() << "imports to invalid IR: " << verifierError;
  return success();
}

LogicalResult GraphImporter::importOutputs(const onnx::GraphProto &graph,
                                           func::FuncOp func) {
  if (graph.output_size() == 0)
    return emitError() << "graph has no outputs";
  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  SmallVector<bool> resultUnsigned;
  llvm::StringSet<> outputNames;
  for (const auto &[index, output] : llvm::enumerate(graph.output())) {
    Location loc = getNameLoc(output.name());
    if (output.name().empty())
      return emitError() << "graph output #" << index << " has no name";
    if (!outputNames.insert(output.name()).second)
      return mlir::emitError(loc)
             << "graph output '" << output.name() << "' is listed twice";
    auto it = values.find(output.name());
    if (it == values.end())
      return mlir::emitError(loc) << "graph output '" << output.name()
                                  << "' is not produced by any node";
    TensorValue &tensor = it->second;
    if (!tensor.value)
      tensor.value = createConst(builder, loc, tensor.constant);
    RankedTensorType type = tensor.getType();
    bool isUnsigned = tensor.isUnsigned;
    // Cross-check what the model declares, where it declares it statically.
    if (output.type().has_tensor_type()) {
      const onnx::TypeProto::Tensor &declared = output.type().tensor_type();
      if (declared.elem_type() != onnx::TensorProto::UNDEFINED)
        isUnsigned = isUnsignedElementType(declared.elem_type());
      Type elementType = convertElementType(declared.elem_type(), &context);
      if (elementType && elementType != type.getElementType())
        return mlir::emitError(loc)
               << "graph output '" << output.name() << "' is computed as "
               << type << " but declared with element type " << elementType;
      if (declared.has_shape()) {
        bool matches = declared.shape().dim_size() == type.getRank();
        for (int d = 0; matches && d < declared.shape().dim_size(); ++d) {
          const auto &dim = declared.shape().dim(d);
          matches =
              !dim.has_dim_value() || dim.dim_value() == type.getDimSize(d);
        }
        if (!matches)
          return mlir::emitError(loc)
                 << "graph output '" << output.name() << "' is computed as "
                 << type << ", which contradicts its declared shape";
      }
    }
    results.push_back(tensor.value);
    resultTypes.push_back(type);
    resultUnsigned.push_back(isUnsigned);
  }
  func::ReturnOp::create(builder, modelLoc, results);
  func.setFunctionType(
      builder.getFunctionType(func.getFunctionType().getInputs(), resultTypes));
  for (const auto &[i, output] : llvm::enumerate(graph.output())) {
    setResultName(func, i, output.name());
    setUnsignedResult(func, i, resultUnsigned[i]);
  }
  return success();
}

OwningOpRef<ModuleOp>
GraphImporter::importModel(const onnx::ModelProto &model) {
  if (!model.has_graph()) {
    emitError() << "model has no graph (is this an ONNX model?)";
    return {};
  }
  if (!model.has_ir_version()) {
    emitError() << "model has no ir_version (is this an ONNX model?)";
    return {};
  }
  if (model.ir_version() < kMinIRVersion ||
      model.ir_version() > kMaxIRVersion) {
    emitError() << "ONNX IR version " << model.ir_version()
                << " is not supported (supported: " << kMinIRVersion << " to "
                << kMaxIRVersion << ")";
    return {};
  }
  const onnx::GraphProto &graph = model.graph();
  if (failed(readOpsets(model)) || failed(checkOperatorsSupported(graph)))
    return {};

  OwningOpRef<ModuleOp> module = ModuleOp::create(modelLoc);
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, modelLoc, "main",
                                   builder.getFunctionType({}, {}));
  if (failed(importInitializers(graph)) || failed(importInputs(graph, func)))
    return {};
  FailureOr<SmallVector<int>> order = sortNodes(graph);
  if (failed(order))
    return {};
  for (int index : *order)
    if (failed(importNode(graph.node(index), index)))
      return {};
  if (failed(importOutputs(graph, func)))
    return {};
  if (failed(mlir::verify(*module)))
    return {};
  return module;
}

static void loadDialects(MLIRContext &context) {
  context.loadDialect<arith::ArithDialect, func::FuncDialect, math::MathDialect,
                      QccDialect, quant::QuantDialect, tensor::TensorDialect,
                      tosa::TosaDialect>();
}

OwningOpRef<ModuleOp> importONNXModel(llvm::MemoryBufferRef buffer,
                                      MLIRContext &context,
                                      const ONNXImportOptions &options) {
  loadDialects(context);
  Location fileLoc =
      FileLineColLoc::get(&context, buffer.getBufferIdentifier(), 0, 0);
  if (buffer.getBufferSize() > static_cast<size_t>(INT_MAX)) {
    emitError(fileLoc) << "model is larger than 2 GiB, the protobuf limit; "
                          "save its large tensors as external data";
    return {};
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(buffer.getBufferStart(),
                            static_cast<int>(buffer.getBufferSize()))) {
    emitError(fileLoc) << "cannot parse '" << buffer.getBufferIdentifier()
                       << "' as an ONNX model (truncated or not a "
                          "ModelProto protobuf)";
    return {};
  }
  // External data lives next to the model file, if the buffer came from one.
  std::string directory = options.externalDataDirectory;
  StringRef identifier = buffer.getBufferIdentifier();
  if (directory.empty() && identifier != "-" &&
      llvm::sys::fs::is_regular_file(identifier)) {
    directory = llvm::sys::path::parent_path(identifier).str();
    if (directory.empty())
      directory = ".";
  }
  return GraphImporter(context, identifier, directory, options)
      .importModel(model);
}

OwningOpRef<ModuleOp> importONNXModel(StringRef path, MLIRContext &context,
                                      const ONNXImportOptions &options) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buffer) {
    emitError(FileLineColLoc::get(&context, path, 0, 0))
        << "cannot open '" << path << "': " << buffer.getError().message();
    return {};
  }
  return importONNXModel((*buffer)->getMemBufferRef(), context, options);
}

} // namespace qcc
