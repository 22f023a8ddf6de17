//===- ModelWriter.h - Cases into a model and its data files ----*- C++ -*-===//

#ifndef QCC_TEST_BITEXACT_GENERATOR_MODELWRITER_H
#define QCC_TEST_BITEXACT_GENERATOR_MODELWRITER_H

#include "Case.h"

#include <sstream>
#include <string>
#include <vector>

namespace qcc::bitexact {

/// Collects cases into one public `func.func @main` whose arguments are the
/// cases' non-constant operands and whose results are the cases' results, in
/// case order; quantized values cross the boundary as plain integer tensors
/// through `quant.scast`.
class ModelWriter {
public:
  explicit ModelWriter(std::string headerComment)
      : headerComment(std::move(headerComment)) {}

  void addCase(const Case &testCase);

  /// The model, in MLIR syntax.
  std::string moduleText() const;

  /// Writes into `directory`: model.mlir; input_<i>.bin and expected_<j>.bin
  /// (raw little-endian); expected.bin (all results, concatenated);
  /// run.args (the harness arguments, outputs under out/); outputs.list (the
  /// output files in result order, for `xargs cat`); cases.txt (which case
  /// owns which files and bytes of expected.bin). Returns an error message,
  /// or an empty string.
  std::string writeFiles(const std::string &directory) const;

  size_t numCases() const { return caseSummaries.size(); }
  size_t numResultElements() const { return resultElements; }

private:
  std::string newValue() { return "%v" + std::to_string(nextValue++); }
  /// Emits what `operand` needs and returns the SSA value and the type the
  /// op sees.
  std::pair<std::string, std::string> emitOperand(const Operand &operand);

  std::string headerComment;
  std::ostringstream body;
  int nextValue = 0;
  std::vector<std::string> argumentTypes;
  std::vector<std::vector<uint8_t>> inputs;
  std::vector<std::string> resultTypes;
  std::vector<std::string> resultValues;
  std::vector<std::vector<uint8_t>> outputs;
  std::vector<std::string> caseSummaries;
  size_t resultElements = 0;
};

} // namespace qcc::bitexact

#endif // QCC_TEST_BITEXACT_GENERATOR_MODELWRITER_H
