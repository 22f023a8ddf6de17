//===- PoolCases.cpp - max_pool2d and avg_pool2d cases --------------------===//

#include "Cases.h"
#include "MlirText.h"
#include "Sampling.h"

namespace qcc::bitexact {

using namespace qcc::ref;

namespace {
enum class PoolVariant { Halving, Same3x3, Random, Global, WideStorage, Count };

const char *poolVariantName(PoolVariant variant) {
  static const char *names[] = {"halving", "same-3x3", "random", "global",
                                "wide-storage"};
  return names[static_cast<int>(variant)];
}

struct PoolSetup {
  PoolVariant variant;
  QTensor input;
  Pool2DAttrs attrs;
};

/// Shape, window and input of a pooling case. Pads stay below the kernel, as
/// the op requires.
PoolSetup pickPoolSetup(Random &random, int64_t index) {
  PoolSetup setup;
  setup.variant = static_cast<PoolVariant>(
      index % static_cast<int64_t>(PoolVariant::Count));
  Shape shape = {random.uniform(1, 2), random.uniform(1, 10),
                 random.uniform(1, 10), random.uniform(1, 8)};
  Pool2DAttrs &attrs = setup.attrs;
  switch (setup.variant) {
  case PoolVariant::Halving:
    attrs.kernel = {2, 2};
    attrs.stride = {2, 2};
    shape[1] = std::max<int64_t>(shape[1], 2);
    shape[2] = std::max<int64_t>(shape[2], 2);
    break;
  case PoolVariant::Same3x3:
    attrs.kernel = {3, 3};
    attrs.pad = {1, 1, 1, 1};
    break;
  case PoolVariant::Global:
    // Few distinct shapes, so that several results of one model share a
    // type: that exposes results that share buffers (or fill values).
    shape = {1, random.uniform(1, 3), random.uniform(1, 3),
             random.uniform(1, 2)};
    attrs.kernel = {shape[1], shape[2]};
    attrs.stride = {random.uniform(1, 3), random.uniform(1, 3)};
    break;
  case PoolVariant::Random:
  case PoolVariant::WideStorage:
  default:
    attrs.kernel = {random.uniform(1, 5), random.uniform(1, 5)};
    attrs.stride = {random.uniform(1, 4), random.uniform(1, 4)};
    for (int dim = 0; dim < 2; ++dim) {
      attrs.pad[2 * dim] = random.uniform(0, attrs.kernel[dim] - 1);
      attrs.pad[2 * dim + 1] = random.uniform(0, attrs.kernel[dim] - 1);
      // The window must fit the padded input.
      shape[1 + dim] =
          std::max(shape[1 + dim], attrs.kernel[dim] - attrs.pad[2 * dim] -
                                       attrs.pad[2 * dim + 1]);
    }
    break;
  }
  Storage storage = setup.variant == PoolVariant::WideStorage
                        ? pickStorage(random)
                        : Storage::I8;
  setup.input = randomTensor(
      random, shape, pickType(random, storage, pickScale(random, -20, 5)));
  return setup;
}

AttributeList poolAttributes(const Pool2DAttrs &attrs) {
  AttributeList list;
  list.add("kernel", i64Array({attrs.kernel[0], attrs.kernel[1]}))
      .add("stride", i64Array({attrs.stride[0], attrs.stride[1]}))
      .add("pad",
           i64Array({attrs.pad[0], attrs.pad[1], attrs.pad[2], attrs.pad[3]}));
  return list;
}

std::string describeWindow(const Pool2DAttrs &attrs) {
  return "kernel " + std::to_string(attrs.kernel[0]) + "x" +
         std::to_string(attrs.kernel[1]) + " stride " +
         std::to_string(attrs.stride[0]) + "," +
         std::to_string(attrs.stride[1]) + " pad " +
         std::to_string(attrs.pad[0]) + "," + std::to_string(attrs.pad[1]) +
         "," + std::to_string(attrs.pad[2]) + "," +
         std::to_string(attrs.pad[3]);
}
} // namespace

Result<Case> makeMaxPool2DCase(Random &random, int64_t index) {
  PoolSetup setup = pickPoolSetup(random, index);
  setup.attrs.activation = pickActivation(random, setup.input.type);
  Result<QTensor> expected = maxPool2d(setup.input, setup.attrs);
  if (!expected)
    return Failure{expected.error()};
  Case result;
  result.summary = std::string(poolVariantName(setup.variant)) + ": " +
                   describeShape(setup.input.shape) + " " +
                   describeType(setup.input.type) + " " +
                   describeWindow(setup.attrs);
  result.opName = "qcc.max_pool2d";
  result.attributes =
      poolAttributes(setup.attrs).addActivation(setup.attrs.activation).str();
  result.operands = {Operand{std::move(setup.input)}};
  result.syntax = OpSyntax::InputToResult;
  result.expected = std::move(*expected);
  return result;
}

Result<Case> makeAvgPool2DCase(Random &random, int64_t index) {
  PoolSetup setup = pickPoolSetup(random, index);
  // Alternate independently of the variant cycle (5 variants).
  setup.attrs.countIncludePad = (index / 5) % 2 == 1;
  RatioStyle style = pickRatioStyle(random);
  Storage resultStorage = setup.variant == PoolVariant::WideStorage
                              ? pickStorage(random)
                              : Storage::I8;
  int typicalExponent =
      storageBits(resultStorage) - storageBits(setup.input.type.storage);
  RatioScales scales =
      pickRatioScales(random, style, 1, false, typicalExponent);
  setup.input.type.scales = {scales.inputs[0]};
  QuantType resultType =
      pickResultType(random, resultStorage, scales.outputs[0]);
  setup.attrs.activation = pickActivation(random, resultType);
  Result<QTensor> expected = avgPool2d(setup.input, resultType, setup.attrs);
  if (!expected)
    return Failure{expected.error()};
  Case result;
  result.summary =
      std::string(poolVariantName(setup.variant)) + " " +
      ratioStyleName(style) +
      (setup.attrs.countIncludePad ? " include-pad: " : " exclude-pad: ") +
      describeShape(setup.input.shape) + " " + describeType(setup.input.type) +
      " " + describeWindow(setup.attrs) + " -> " + describeType(resultType);
  result.opName = "qcc.avg_pool2d";
  result.attributes = poolAttributes(setup.attrs)
                          .add("count_include_pad",
                               setup.attrs.countIncludePad ? "true" : "false")
                          .addActivation(setup.attrs.activation)
                          .str();
  result.operands = {Operand{std::move(setup.input)}};
  result.syntax = OpSyntax::InputToResult;
  result.expected = std::move(*expected);
  return result;
}

} // namespace qcc::bitexact
