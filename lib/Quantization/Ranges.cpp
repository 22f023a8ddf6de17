//===- Ranges.cpp - value ranges recorded on the IR -----------------------===//

#include "qcc/Quantization/Ranges.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;

namespace qcc {

static std::optional<RealRange> fromAttr(Attribute attr) {
  auto array = dyn_cast_or_null<DenseF64ArrayAttr>(attr);
  if (!array || array.size() != 2)
    return std::nullopt;
  return RealRange{array[0], array[1]};
}

std::optional<RealRange> getValueRange(Value value) {
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    auto func =
        dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp());
    if (!func || arg.getOwner() != &func.getFunctionBody().front())
      return std::nullopt;
    return fromAttr(func.getArgAttr(arg.getArgNumber(), kRangeAttrName));
  }
  Operation *op = value.getDefiningOp();
  if (op->getNumResults() == 1)
    return fromAttr(op->getAttr(kRangeAttrName));
  auto ranges = op->getAttrOfType<ArrayAttr>(kRangesAttrName);
  unsigned index = cast<OpResult>(value).getResultNumber();
  if (!ranges || ranges.size() != op->getNumResults())
    return std::nullopt;
  return fromAttr(ranges[index]);
}

void setValueRange(Value value, RealRange range) {
  Builder builder(value.getContext());
  Attribute attr = builder.getDenseF64ArrayAttr({range.min, range.max});
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    if (auto func =
            dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp()))
      func.setArgAttr(arg.getArgNumber(), kRangeAttrName, attr);
    return;
  }
  Operation *op = value.getDefiningOp();
  if (op->getNumResults() == 1) {
    op->setAttr(kRangeAttrName, attr);
    return;
  }
  SmallVector<Attribute> ranges(op->getNumResults(),
                                builder.getDenseF64ArrayAttr({}));
  if (auto existing = op->getAttrOfType<ArrayAttr>(kRangesAttrName))
    if (existing.size() == ranges.size())
      ranges.assign(existing.begin(), existing.end());
  ranges[cast<OpResult>(value).getResultNumber()] = attr;
  op->setAttr(kRangesAttrName, builder.getArrayAttr(ranges));
}

} // namespace qcc
