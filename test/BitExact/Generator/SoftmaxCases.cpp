//===- SoftmaxCases.cpp - softmax over the last dimension -----------------===//

#include "Cases.h"
#include "MlirText.h"
#include "Sampling.h"

#include <cmath>

namespace qcc::bitexact {

using namespace qcc::ref;

namespace {
enum class SoftmaxVariant {
  Attention,   // Rows of up to 80 scores, as in attention.
  LongRows,    // Up to 4096 elements: sums up to 2^28.
  EqualRows,   // Constant rows: every probability 1/N.
  RandomTable, // Any exponentials in [0, 2^16].
  Unsigned,    // u8 in and out.
  ManyRows,    // 17 to 47 rows, not a multiple of 16: a partial last vector
               // in the per-row loops.
  Count
};

const char *softmaxVariantName(SoftmaxVariant variant) {
  static const char *names[] = {"attention",    "long-rows", "equal-rows",
                                "random-table", "unsigned",  "many-rows"};
  return names[static_cast<int>(variant)];
}
} // namespace

Result<Case> makeSoftmaxCase(Random &random, int64_t index) {
  auto variant = static_cast<SoftmaxVariant>(
      index % static_cast<int64_t>(SoftmaxVariant::Count));
  Shape shape = pickShape(random, 1, 3, 4);
  if (variant == SoftmaxVariant::ManyRows)
    shape = {16 * random.uniform(1, 2) + random.uniform(1, 15)};
  shape.push_back(variant == SoftmaxVariant::LongRows
                      ? random.uniform(1000, 4096)
                      : random.uniform(1, 80));
  bool isUnsigned = variant == SoftmaxVariant::Unsigned;
  Storage storage = isUnsigned ? Storage::U8 : Storage::I8;
  // Scores spanning about 2^[2, 5] over the 256 steps of the input.
  QuantType inputType =
      pickType(random, storage,
               std::ldexp(random.mantissa(52),
                          static_cast<int>(random.uniform(-6, -3))));

  // The compiler's table is round(2^16 * exp(-s_x * d)); any table within
  // the op's bounds must give the reference's results too.
  std::vector<int32_t> table(256);
  for (int d = 0; d < 256; ++d)
    table[d] = variant == SoftmaxVariant::RandomTable
                   ? static_cast<int32_t>(random.uniform(d == 0, 1 << 16))
                   : static_cast<int32_t>(std::nearbyint(
                         std::ldexp(std::exp(-inputType.scale() * d), 16)));

  QTensor input = randomTensor(random, shape, inputType);
  if (variant == SoftmaxVariant::EqualRows) {
    int64_t length = shape.back();
    for (size_t start = 0; start < input.values.size(); start += length)
      for (int64_t i = 1; i < length; ++i)
        input.values[start + i] = input.values[start];
  }
  // The probabilities' range, [0, p_max] with p_max in [2^-4, 1], at any
  // zero point near qmin.
  double maxProbability = std::ldexp(random.mantissa(52) / 2,
                                     -static_cast<int>(random.uniform(0, 3)));
  QuantType resultType =
      QuantType::perTensor(storage, maxProbability / 255.0,
                           storageTypeMin(storage) + random.uniform(0, 3));
  Result<QTensor> expected = softmax(input, table, resultType);
  if (!expected)
    return Failure{expected.error()};

  Case result;
  result.summary = std::string(softmaxVariantName(variant)) + " " +
                   describeShape(shape) + " " + describeType(inputType) +
                   " -> " + describeType(resultType);
  result.opName = "qcc.softmax";
  result.operands = {Operand{std::move(input)}};
  result.attributes = AttributeList()
                          .add("exp_table", denseLiteral({256}, table, 32) +
                                                " : tensor<256xi32>")
                          .str();
  result.syntax = OpSyntax::InputToResult;
  result.expected = std::move(*expected);
  return result;
}

} // namespace qcc::bitexact
