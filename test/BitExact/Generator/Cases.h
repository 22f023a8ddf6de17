//===- Cases.h - Random case factories, one per op --------------*- C++ -*-===//

#ifndef QCC_TEST_BITEXACT_GENERATOR_CASES_H
#define QCC_TEST_BITEXACT_GENERATOR_CASES_H

#include "Case.h"
#include "Random.h"

#include <string>
#include <vector>

namespace qcc::bitexact {

/// Draws one case of variant `variant` (the factory's own numbering, taken
/// modulo its variant count). A Failure means "draw again": the parameters
/// drawn have no defined result (the reference rejected them).
using CaseFactory = ref::Result<Case> (*)(Random &random, int64_t variant);

struct OpCases {
  const char *op; // The generator's command-line name, e.g. "conv2d".
  CaseFactory factory;
};

/// Every op the generator knows, in a fixed order.
const std::vector<OpCases> &allOpCases();

// The factories, grouped by file.
ref::Result<Case> makeQuantizeCase(Random &random, int64_t variant);
ref::Result<Case> makeDequantizeCase(Random &random, int64_t variant);
ref::Result<Case> makeRequantizeCase(Random &random, int64_t variant);
ref::Result<Case> makeConcatCase(Random &random, int64_t variant);
ref::Result<Case> makeClampCase(Random &random, int64_t variant);
ref::Result<Case> makeLookupCase(Random &random, int64_t variant);
ref::Result<Case> makeLookupInt16Case(Random &random, int64_t variant);
ref::Result<Case> makeSoftmaxCase(Random &random, int64_t variant);
ref::Result<Case> makeConv2DCase(Random &random, int64_t variant);
ref::Result<Case> makeMatMulCase(Random &random, int64_t variant);
// The forms the CPU code generator turns into micro-kernels.
ref::Result<Case> makeConv2DKernelCase(Random &random, int64_t variant);
ref::Result<Case> makeMatMulKernelCase(Random &random, int64_t variant);
ref::Result<Case> makeAddCase(Random &random, int64_t variant);
ref::Result<Case> makeMulCase(Random &random, int64_t variant);
ref::Result<Case> makeMaxPool2DCase(Random &random, int64_t variant);
ref::Result<Case> makeAvgPool2DCase(Random &random, int64_t variant);
// Weight-only quantized float matmuls (compiled with
// --quantize=weight-only-int8/int4 and, for *Block16, --weight-block-size=16).
ref::Result<Case> makeWeightOnlyInt8Case(Random &random, int64_t variant);
ref::Result<Case> makeWeightOnlyInt4Case(Random &random, int64_t variant);
ref::Result<Case> makeWeightOnlyInt8Block16Case(Random &random,
                                                int64_t variant);
ref::Result<Case> makeWeightOnlyInt4Block16Case(Random &random,
                                                int64_t variant);

/// A random shape of rank in [minRank, maxRank] with dims in [1, maxDim].
ref::Shape pickShape(Random &random, int64_t minRank, int64_t maxRank,
                     int64_t maxDim);
std::string describeShape(const ref::Shape &shape);

} // namespace qcc::bitexact

#endif // QCC_TEST_BITEXACT_GENERATOR_CASES_H
