//===- PlanWorkspaceTest.cpp - workspace placement properties -------------===//
//
// Property test: on random chains of buffers with random lifetimes, every
// pair of simultaneously live buffers occupies disjoint, aligned bytes inside
// the reported workspace size.
//
//===----------------------------------------------------------------------===//

#include "qcc/InitAll.h"
#include "qcc/Transforms/ModelABI.h"
#include "qcc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "gtest/gtest.h"

#include <numeric>
#include <random>
#include <sstream>

using namespace mlir;

namespace {

struct Interval {
  int64_t first, last, bytes;
};

/// Builds an entry point where buffer i is allocated at step first_i, written
/// from the input, and last read (copied to the output) at step last_i.
std::string buildModule(const std::vector<Interval> &buffers, int steps) {
  std::ostringstream os;
  os << "module attributes {qcc.abi = {inputs = [{name = \"x\", type = "
        "tensor<1xf32>}], outputs = [{name = \"y\", type = tensor<1xf32>}], "
        "prefix = \"model\", workspace_alignment = 64 : i64, workspace_size = "
        "0 : i64}} {\n";
  os << "func.func @model_run(%x: memref<1xf32>, %y: memref<1xf32>) {\n";
  os << "  %c0 = arith.constant 0 : index\n";
  os << "  %v = memref.load %x[%c0] : memref<1xf32>\n";
  // Within a step, all allocations come before all last reads, so buffers
  // whose intervals touch at a step are really live at the same time.
  for (int step = 0; step < steps; ++step) {
    for (size_t i = 0; i < buffers.size(); ++i) {
      const Interval &b = buffers[i];
      if (b.first != step)
        continue;
      os << "  %b" << i << " = memref.alloc() : memref<" << b.bytes / 4
         << "xf32>\n";
      os << "  memref.store %v, %b" << i << "[%c0] : memref<" << b.bytes / 4
         << "xf32>\n";
    }
    for (size_t i = 0; i < buffers.size(); ++i) {
      const Interval &b = buffers[i];
      if (b.last != step)
        continue;
      os << "  %r" << i << " = memref.load %b" << i << "[%c0] : memref<"
         << b.bytes / 4 << "xf32>\n";
      os << "  memref.store %r" << i << ", %y[%c0] : memref<1xf32>\n";
    }
  }
  os << "  return\n}\n}\n";
  return os.str();
}

TEST(PlanWorkspaceTest, LiveBuffersNeverOverlap) {
  DialectRegistry registry;
  qcc::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();

  std::mt19937 rng(1234);
  for (int trial = 0; trial < 200; ++trial) {
    int steps = 2 + rng() % 10;
    std::vector<Interval> buffers;
    int count = 1 + rng() % 12;
    for (int i = 0; i < count; ++i) {
      int64_t first = rng() % steps;
      int64_t last = first + rng() % (steps - first);
      int64_t bytes = 4 * (1 + rng() % 100);
      buffers.push_back({first, last, bytes});
    }
    std::string source = buildModule(buffers, steps);
    OwningOpRef<ModuleOp> module =
        parseSourceString<ModuleOp>(source, ParserConfig(&context));
    ASSERT_TRUE(module) << source;

    PassManager pm(&context);
    pm.addPass(qcc::createPlanWorkspacePass());
    ASSERT_TRUE(succeeded(pm.run(*module))) << source;

    auto abi = qcc::ModelABI::readFrom(*module);
    ASSERT_TRUE(succeeded(abi));
    // Offsets in allocation order: views are created where allocs were.
    std::vector<int64_t> offsets;
    module->walk([&](memref::ViewOp view) {
      auto constant =
          view.getByteShift().getDefiningOp<arith::ConstantIndexOp>();
      ASSERT_TRUE(constant);
      offsets.push_back(constant.value());
    });
    ASSERT_EQ(offsets.size(), buffers.size());
    // Allocation order in the IR is by step, then by index.
    std::vector<size_t> order(buffers.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return std::make_pair(buffers[a].first, a) <
             std::make_pair(buffers[b].first, b);
    });
    std::vector<int64_t> offsetOf(buffers.size());
    for (size_t i = 0; i < order.size(); ++i)
      offsetOf[order[i]] = offsets[i];

    int64_t peak = 0;
    for (size_t i = 0; i < buffers.size(); ++i) {
      EXPECT_EQ(offsetOf[i] % 64, 0);
      EXPECT_LE(offsetOf[i] + buffers[i].bytes, abi->workspaceSize);
      peak = std::max(peak, offsetOf[i] + buffers[i].bytes);
      for (size_t j = i + 1; j < buffers.size(); ++j) {
        bool liveTogether = buffers[i].first <= buffers[j].last &&
                            buffers[j].first <= buffers[i].last;
        bool disjoint = offsetOf[i] + buffers[i].bytes <= offsetOf[j] ||
                        offsetOf[j] + buffers[j].bytes <= offsetOf[i];
        if (liveTogether)
          EXPECT_TRUE(disjoint) << "trial " << trial << ": buffers " << i
                                << " and " << j << "\n"
                                << source;
      }
    }
    EXPECT_EQ(abi->workspaceSize % 64, 0);
    EXPECT_LT(abi->workspaceSize, peak + 64);
  }
}

} // namespace
