//===- Case.h - One instance of an op under test ----------------*- C++ -*-===//

#ifndef QCC_TEST_BITEXACT_GENERATOR_CASE_H
#define QCC_TEST_BITEXACT_GENERATOR_CASE_H

#include "QccReference.h"

#include <string>
#include <variant>
#include <vector>

namespace qcc::bitexact {

/// A bias vector (always an arith.constant) of `bits` = 32 or 64 (inputs
/// wider than 8 bits only).
struct BiasVector {
  std::vector<int64_t> values;
  int bits = 32;
};

/// An operand: a model argument (read from input_<i>.bin) or a constant.
struct Operand {
  std::variant<ref::QTensor, ref::FloatTensor, BiasVector> value;
  bool isConstant = false;
};

/// How the op prints its types: `(a, b) -> r`, `a -> r`, or `a`.
enum class OpSyntax { Functional, InputToResult, SameType };

/// One random instance of the op under test with the reference's result.
struct Case {
  std::string summary; // One line: the variant and its parameters.
  std::string opName;  // e.g. "qcc.conv2d".
  std::vector<Operand> operands;
  std::string attributes; // "{...}" or empty.
  OpSyntax syntax = OpSyntax::Functional;
  std::variant<ref::QTensor, ref::FloatTensor> expected;
};

} // namespace qcc::bitexact

#endif // QCC_TEST_BITEXACT_GENERATOR_CASE_H
