//===- ModelWriter.cpp - Cases into a model and its data files ------------===//

#include "ModelWriter.h"

#include "MlirText.h"

#include <filesystem>
#include <fstream>

namespace qcc::bitexact {

using namespace qcc::ref;

std::pair<std::string, std::string>
ModelWriter::emitOperand(const Operand &operand) {
  if (const auto *bias = std::get_if<BiasVector>(&operand.value)) {
    Shape shape = {static_cast<int64_t>(bias->values.size())};
    std::string type = tensorType(shape, "i" + std::to_string(bias->bits));
    std::string name = newValue();
    body << "  " << name << " = arith.constant "
         << denseLiteral(shape, bias->values, bias->bits) << " : " << type
         << "\n";
    return {name, type};
  }
  if (const auto *real = std::get_if<FloatTensor>(&operand.value)) {
    std::string type = tensorType(real->shape, "f32");
    if (operand.isConstant) {
      // Hex: the exact bits of every value.
      static const char digits[] = "0123456789ABCDEF";
      std::string hex = "0x";
      for (uint8_t byte : floatBytes(*real)) {
        hex += digits[byte >> 4];
        hex += digits[byte & 0xF];
      }
      std::string name = newValue();
      body << "  " << name << " = \"tosa.const\"() <{values = dense<\"" << hex
           << "\"> : " << type << "}> : () -> " << type << "\n";
      return {name, type};
    }
    inputs.push_back(floatBytes(*real));
    argumentTypes.push_back(type);
    return {"%arg" + std::to_string(argumentTypes.size() - 1), type};
  }
  const auto &tensor = std::get<QTensor>(operand.value);
  std::string integerType =
      tensorType(tensor.shape, boundaryElementType(tensor.type.storage));
  std::string quantizedType =
      tensorType(tensor.shape, quantElementType(tensor.type));
  std::string integer;
  if (operand.isConstant) {
    integer = newValue();
    body << "  " << integer << " = arith.constant "
         << denseLiteral(tensor.shape, tensor.values,
                         storageBits(tensor.type.storage))
         << " : " << integerType << "\n";
  } else {
    inputs.push_back(storageBytes(tensor));
    argumentTypes.push_back(integerType);
    integer = "%arg" + std::to_string(argumentTypes.size() - 1);
  }
  std::string quantized = newValue();
  body << "  " << quantized << " = quant.scast " << integer << " : "
       << integerType << " to " << quantizedType << "\n";
  return {quantized, quantizedType};
}

void ModelWriter::addCase(const Case &testCase) {
  body << "\n  // Case " << caseSummaries.size() << ": " << testCase.summary
       << "\n";
  caseSummaries.push_back(testCase.summary);
  size_t firstInput = inputs.size();

  std::vector<std::pair<std::string, std::string>> operands;
  for (const Operand &operand : testCase.operands)
    operands.push_back(emitOperand(operand));

  std::string resultType;
  std::vector<uint8_t> expectedBytes;
  std::string boundaryType;
  if (const auto *tensor = std::get_if<QTensor>(&testCase.expected)) {
    resultType = tensorType(tensor->shape, quantElementType(tensor->type));
    boundaryType =
        tensorType(tensor->shape, boundaryElementType(tensor->type.storage));
    expectedBytes = storageBytes(*tensor);
    resultElements += tensor->values.size();
  } else {
    const auto &real = std::get<FloatTensor>(testCase.expected);
    resultType = tensorType(real.shape, "f32");
    expectedBytes = floatBytes(real);
    resultElements += real.values.size();
  }

  std::string result = newValue();
  body << "  " << result << " = " << testCase.opName << " ";
  for (size_t i = 0; i < operands.size(); ++i)
    body << (i ? ", " : "") << operands[i].first;
  if (!testCase.attributes.empty())
    body << " " << testCase.attributes;
  body << " : ";
  switch (testCase.syntax) {
  case OpSyntax::Functional:
    body << "(";
    for (size_t i = 0; i < operands.size(); ++i)
      body << (i ? ", " : "") << operands[i].second;
    body << ") -> " << resultType;
    break;
  case OpSyntax::InputToResult:
    body << operands.front().second << " -> " << resultType;
    break;
  case OpSyntax::SameType:
    body << resultType;
    break;
  }
  body << "\n";

  if (!boundaryType.empty()) {
    std::string integer = newValue();
    body << "  " << integer << " = quant.scast " << result << " : "
         << resultType << " to " << boundaryType << "\n";
    result = integer;
    resultType = boundaryType;
  }
  resultValues.push_back(result);
  resultTypes.push_back(resultType);
  outputs.push_back(std::move(expectedBytes));
  caseSummaries.back() += " [inputs " + std::to_string(firstInput) + ".." +
                          std::to_string(inputs.size()) + ")";
}

std::string ModelWriter::moduleText() const {
  std::ostringstream os;
  os << headerComment << "func.func @main(";
  for (size_t i = 0; i < argumentTypes.size(); ++i)
    os << (i ? ", " : "") << "%arg" << i << ": " << argumentTypes[i];
  os << ") -> (";
  for (size_t i = 0; i < resultTypes.size(); ++i)
    os << (i ? ", " : "") << resultTypes[i];
  os << ") {" << body.str() << "\n  return ";
  for (size_t i = 0; i < resultValues.size(); ++i)
    os << (i ? ", " : "") << resultValues[i];
  os << " : ";
  for (size_t i = 0; i < resultTypes.size(); ++i)
    os << (i ? ", " : "") << resultTypes[i];
  os << "\n}\n";
  return os.str();
}

static bool writeBytes(const std::filesystem::path &path,
                       const std::vector<uint8_t> &bytes) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char *>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  return static_cast<bool>(file);
}

static bool writeText(const std::filesystem::path &path,
                      const std::string &text) {
  std::ofstream file(path);
  file << text;
  return static_cast<bool>(file);
}

std::string ModelWriter::writeFiles(const std::string &directory) const {
  namespace fs = std::filesystem;
  fs::path dir(directory);
  std::error_code error;
  fs::create_directories(dir, error);
  if (error)
    return directory + ": " + error.message();

  bool ok = writeText(dir / "model.mlir", moduleText());
  std::string args;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::string name = "input_" + std::to_string(i) + ".bin";
    ok = ok && writeBytes(dir / name, inputs[i]);
    args += name + "\n";
  }
  args += "--\n";
  std::string outputList;
  std::vector<uint8_t> allExpected;
  std::string manifest;
  for (size_t j = 0; j < outputs.size(); ++j) {
    std::string name = "expected_" + std::to_string(j) + ".bin";
    ok = ok && writeBytes(dir / name, outputs[j]);
    outputList += "out/actual_" + std::to_string(j) + ".bin\n";
    manifest += "case " + std::to_string(j) + ": " + caseSummaries[j] + " -> " +
                name + ", bytes [" + std::to_string(allExpected.size()) + ", " +
                std::to_string(allExpected.size() + outputs[j].size()) +
                ") of expected.bin\n";
    allExpected.insert(allExpected.end(), outputs[j].begin(), outputs[j].end());
  }
  ok = ok && writeBytes(dir / "expected.bin", allExpected) &&
       writeText(dir / "run.args", args + outputList) &&
       writeText(dir / "outputs.list", outputList) &&
       writeText(dir / "cases.txt", manifest);
  return ok ? "" : "cannot write the files in " + directory;
}

} // namespace qcc::bitexact
