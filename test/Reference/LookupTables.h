//===- LookupTables.h - Compile-time tables of qcc.lookup -------*- C++ -*-===//
//
// The contract's table builder:
//   table[i] = clamp(roundeven(f((q_i - z_x) * s_x) / s_y) + z_y,
//                    qmin_y, qmax_y), in double precision,
// q_i = qmin_x + i for 8-bit inputs, -32768 + 128 i for int16 inputs.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TEST_REFERENCE_LOOKUPTABLES_H
#define QCC_TEST_REFERENCE_LOOKUPTABLES_H

#include "Tensor.h"

#include <functional>

namespace qcc::ref {

enum class Activation { Sigmoid, Tanh, HardSwish, HardSigmoid };

/// The real function of `activation`, in double. HardSigmoid is ONNX's
/// max(0, min(1, alpha * x + beta)) with its defaults alpha = 0.2 and
/// beta = 0.5; HardSwish is x * min(max(x + 3, 0), 6) / 6.
double evaluateActivation(Activation activation, double x);
const char *activationName(Activation activation);

/// 256 entries of the result's storage type for an 8-bit per-tensor input;
/// for an int16 input, 513 entries: f at -32768 + 128 i, i = 0..512 (the
/// lookup interpolates between them).
Result<std::vector<int32_t>>
buildLookupTable(const std::function<double(double)> &function,
                 const QuantType &inputType, const QuantType &resultType);
Result<std::vector<int32_t>> buildLookupTable(Activation activation,
                                              const QuantType &inputType,
                                              const QuantType &resultType);

} // namespace qcc::ref

#endif // QCC_TEST_REFERENCE_LOOKUPTABLES_H
