//===- AssignPrecision.cpp - qcc.precision from lists of names ------------===//
//
// Marks ops with `qcc.precision` for qcc-quantize. Each list entry selects
// ops by
//
//   * ONNX node name: the op's location name (the importer locates every op
//     at its node; an ONNX Conv's transposes share the convolution's name);
//   * ONNX operator type: `Conv`, `MatMul`, `Gemm`, `Add`, ... (the TOSA
//     ops the importer makes of it, see getTosaOpsOfOnnxType);
//   * TOSA op name, with or without `tosa.`: `tosa.conv2d`, `matmul`;
//   * `all`: every op of the function.
//
// `keep-float` wins over `int16`. An entry that selects nothing is an error
// that lists the names the function offers.
//
//===----------------------------------------------------------------------===//

#include "qcc/Quantization/Passes.h"

#include "qcc/Dialect/Qcc/IR/QccAttributes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"

namespace qcc {
#define GEN_PASS_DEF_ASSIGNPRECISIONPASS
#include "qcc/Quantization/Passes.h.inc"
} // namespace qcc

using namespace mlir;
using namespace qcc;

/// The TOSA ops an ONNX operator type stands for in `--keep-float` and
/// `--int16` lists (`Conv` -> conv2d and depthwise_conv2d, ...); empty for
/// a name that is not such a type.
static ArrayRef<StringLiteral> getTosaOpsOfOnnxType(StringRef type) {
  static const StringLiteral conv[] = {"tosa.conv2d", "tosa.depthwise_conv2d"};
  static const StringLiteral matmul[] = {"tosa.matmul"};
  static const StringLiteral gemm[] = {"tosa.matmul", "tosa.add"};
  static const StringLiteral add[] = {"tosa.add"};
  static const StringLiteral mul[] = {"tosa.mul"};
  static const StringLiteral maxPool[] = {"tosa.max_pool2d"};
  static const StringLiteral avgPool[] = {"tosa.avg_pool2d"};
  static const StringLiteral concat[] = {"tosa.concat"};
  static const StringLiteral clamp[] = {"tosa.clamp"};
  static const StringLiteral sigmoid[] = {"tosa.sigmoid"};
  static const StringLiteral tanh[] = {"tosa.tanh"};
  return llvm::StringSwitch<ArrayRef<StringLiteral>>(type)
      .Case("Conv", conv)
      .Case("MatMul", matmul)
      .Case("Gemm", gemm)
      .Case("Add", add)
      .Case("Mul", mul)
      .Case("MaxPool", maxPool)
      .Cases({"AveragePool", "GlobalAveragePool"}, avgPool)
      .Case("Concat", concat)
      .Cases({"Relu", "Clip"}, clamp)
      .Case("Sigmoid", sigmoid)
      .Case("Tanh", tanh)
      .Default({});
}

namespace {

/// Whether list entry `entry` selects `op`.
static bool selects(StringRef entry, Operation *op) {
  if (entry == "all")
    return true;
  StringRef opName = op->getName().getStringRef();
  if (entry == opName || ("tosa." + entry).str() == opName)
    return true;
  if (llvm::is_contained(getTosaOpsOfOnnxType(entry), opName))
    return true;
  std::optional<std::string> name = getLocationName(op->getLoc());
  return name && *name == entry;
}

struct AssignPrecisionPass
    : public qcc::impl::AssignPrecisionPassBase<AssignPrecisionPass> {
  using AssignPrecisionPassBase::AssignPrecisionPassBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<Operation *> ops;
    // Constants and shape operands have no precision to choose.
    func.walk([&](Operation *op) {
      if (op->getDialect() && op->getDialect()->getNamespace() == "tosa" &&
          !op->hasTrait<OpTrait::ConstantLike>() &&
          !isa<tosa::ConstShapeOp>(op))
        ops.push_back(op);
    });
    bool failed = false;
    auto assign = [&](ArrayRef<std::string> entries, Precision precision,
                      StringRef option) {
      for (const std::string &entry : entries) {
        bool any = false;
        for (Operation *op : ops)
          if (selects(entry, op)) {
            setPrecision(op, precision);
            any = true;
          }
        if (!any) {
          failed = true;
          emitUnknown(func, ops, option, entry);
        }
      }
    };
    assign(int16, Precision::Int16, "int16");
    assign(keepFloat, Precision::Float, "keep-float");
    if (failed)
      signalPassFailure();
  }

  /// The error for an entry that selects nothing, with the valid names.
  static void emitUnknown(func::FuncOp func, ArrayRef<Operation *> ops,
                          StringRef option, StringRef entry) {
    // Node names, then op names, each once, in program order.
    SmallVector<std::string> names;
    llvm::StringSet<> seen;
    for (bool opNames : {false, true})
      for (Operation *op : ops) {
        std::optional<std::string> name =
            opNames ? op->getName().getStringRef().str()
                    : getLocationName(op->getLoc());
        if (name && seen.insert(*name).second)
          names.push_back(*name);
      }
    InFlightDiagnostic diag =
        func.emitError() << option << ": '" << entry << "' names no op of @"
                         << func.getSymName() << "; valid: 'all'";
    for (const std::string &name : names)
      diag << ", '" << name << "'";
    diag << ", or an ONNX operator type of these ops (Conv, MatMul, Gemm, "
            "Add, Mul, MaxPool, AveragePool, Concat, Relu, Sigmoid, Tanh)";
  }
};

} // namespace
