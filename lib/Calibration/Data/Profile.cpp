//===- Profile.cpp - calibration statistics saved as JSON -----------------===//

#include "qcc/Calibration/Profile.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"

#include <charconv>
#include <cmath>

using namespace mlir;
namespace json = llvm::json;

namespace qcc {

/// The shortest decimal that reads back as `value` (finite).
static std::string formatDouble(double value) {
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return std::string(buffer, result.ptr);
}

static void writeTensor(llvm::raw_ostream &os, llvm::StringRef name,
                        const TensorStatistics &statistics) {
  json::OStream j(os);
  auto doubles = [&](llvm::StringRef key, ArrayRef<double> values) {
    j.attributeArray(key, [&] {
      for (double value : values)
        j.rawValue(formatDouble(value));
    });
  };
  auto counts = [&](llvm::StringRef key, ArrayRef<uint64_t> values) {
    j.attributeArray(key, [&] {
      for (uint64_t value : values)
        j.value(value);
    });
  };
  j.object([&] {
    j.attribute("name", name);
    j.attribute("finite", statistics.numFinite);
    j.attribute("nonfinite", statistics.numNonFinite);
    if (statistics.numFinite == 0)
      return;
    j.attribute("zeros", statistics.numZeros);
    j.attributeBegin("min");
    j.rawValue(formatDouble(statistics.min));
    j.attributeEnd();
    j.attributeBegin("max");
    j.rawValue(formatDouble(statistics.max));
    j.attributeEnd();
    doubles("smallest", statistics.smallest);
    doubles("largest", statistics.largest);
    counts("histogram", statistics.histogram);
    counts("abs_histogram", statistics.absHistogram);
    counts("abs_point_masses", statistics.absPointMasses);
  });
}

LogicalResult writeCalibrationProfile(const CalibrationProfile &profile,
                                      llvm::StringRef path, Location loc) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &error);
  if (!file)
    return emitError(loc) << "cannot write calibration profile '" << path
                          << "': " << error;
  llvm::raw_fd_ostream &os = file->os();
  os << "{\n  \"format\": \"" << kProfileFormat
     << "\",\n  \"version\": " << kProfileVersion
     << ",\n  \"samples\": " << profile.samples
     << ",\n  \"histogram_bins\": " << kHistogramBins << ",\n  \"tensors\": [";
  for (auto [index, tensor] : llvm::enumerate(profile.tensors)) {
    os << (index ? ",\n    " : "\n    ");
    writeTensor(os, tensor.first, tensor.second);
  }
  os << (profile.tensors.empty() ? "]\n}\n" : "\n  ]\n}\n");
  os.flush();
  if (os.has_error()) {
    os.clear_error();
    return emitError(loc) << "cannot write calibration profile '" << path
                          << "'";
  }
  file->keep();
  return success();
}

/// JSON has no NaN or infinity; Python's json writes them as bare `NaN`,
/// `Infinity` and `-Infinity`. Turns those tokens (outside strings) into
/// strings, so that they are reported as bad values of their field rather
/// than as a syntax error somewhere in the file.
static std::string quoteNonFiniteLiterals(llvm::StringRef text) {
  std::string out;
  out.reserve(text.size());
  bool inString = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (inString) {
      out += c;
      if (c == '\\' && i + 1 < text.size())
        out += text[++i];
      else if (c == '"')
        inString = false;
      continue;
    }
    if (c == '"')
      inString = true;
    bool replaced = false;
    for (llvm::StringRef literal : {"-Infinity", "Infinity", "NaN"}) {
      if (text.substr(i).starts_with(literal)) {
        out += "\"" + literal.str() + "\"";
        i += literal.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced)
      out += c;
  }
  return out;
}

namespace {

/// Reads one profile, emitting every error as
/// `calibration profile '<path>': [tensor '<name>': ]<what>`.
class ProfileParser {
public:
  ProfileParser(llvm::StringRef path, Location loc) : path(path), loc(loc) {}

  FailureOr<CalibrationProfile> parse(llvm::StringRef text);

private:
  /// A diagnostic about the file, or about tensor `tensor` if not empty.
  InFlightDiagnostic error() {
    InFlightDiagnostic diag = emitError(loc);
    diag << "calibration profile '" << path << "': ";
    if (!tensor.empty())
      diag << "tensor '" << tensor << "': ";
    return diag;
  }

  LogicalResult checkKeys(const json::Object &object,
                          ArrayRef<llvm::StringRef> known);
  /// A non-negative integer; `what` names it in messages.
  LogicalResult readCount(const json::Value &value, const llvm::Twine &what,
                          uint64_t &count);
  LogicalResult readCount(const json::Object &object, llvm::StringRef key,
                          uint64_t &count);
  /// A finite number.
  LogicalResult readFinite(const json::Value &value, const llvm::Twine &what,
                           double &number);
  LogicalResult readFinite(const json::Object &object, llvm::StringRef key,
                           double &number);
  LogicalResult readHistogram(const json::Object &object, llvm::StringRef key,
                              const TensorStatistics &statistics,
                              std::vector<uint64_t> &counts);
  /// An array of kHistogramBins counts.
  LogicalResult readBins(const json::Object &object, llvm::StringRef key,
                         std::vector<uint64_t> &counts);
  /// abs_point_masses, after abs_histogram.
  LogicalResult readPointMasses(const json::Object &object,
                                TensorStatistics &statistics);
  LogicalResult readTail(const json::Object &object, llvm::StringRef key,
                         const TensorStatistics &statistics, bool ascending,
                         std::vector<double> &tail);
  FailureOr<TensorStatistics> readTensor(const json::Object &object);

  std::string path;
  Location loc;
  /// The tensor being read; empty outside tensors.
  std::string tensor;
};

} // namespace

LogicalResult ProfileParser::checkKeys(const json::Object &object,
                                       ArrayRef<llvm::StringRef> known) {
  // Sorted, so that the first unknown key reported does not depend on
  // hashing.
  SmallVector<llvm::StringRef> keys;
  for (const auto &entry : object)
    keys.push_back(entry.first);
  llvm::sort(keys);
  for (llvm::StringRef key : keys)
    if (!llvm::is_contained(known, key))
      return error() << "unknown field '" << key << "'";
  return success();
}

/// The non-finite markers quoteNonFiniteLiterals leaves, as a description.
static std::optional<llvm::StringRef> nonFiniteMarker(const json::Value &v) {
  std::optional<llvm::StringRef> text = v.getAsString();
  if (text == "NaN")
    return llvm::StringRef("is NaN");
  if (text == "Infinity" || text == "-Infinity")
    return llvm::StringRef("is infinite");
  return std::nullopt;
}

LogicalResult ProfileParser::readCount(const json::Value &value,
                                       const llvm::Twine &what,
                                       uint64_t &count) {
  if (std::optional<llvm::StringRef> marker = nonFiniteMarker(value))
    return error() << what << " " << *marker << "; expected a count";
  if (std::optional<int64_t> integer = value.getAsInteger()) {
    if (*integer < 0)
      return error() << what << " is negative (" << *integer
                     << "); expected a count";
    count = static_cast<uint64_t>(*integer);
    return success();
  }
  if (std::optional<uint64_t> large = value.getAsUINT64()) {
    count = *large;
    return success();
  }
  if (std::optional<double> number = value.getAsNumber()) {
    if (*number < 0)
      return error() << what << " is negative; expected a count";
    return error() << what << " is not an integer; expected a count";
  }
  return error() << what << " is not a number; expected a count";
}

LogicalResult ProfileParser::readCount(const json::Object &object,
                                       llvm::StringRef key, uint64_t &count) {
  const json::Value *value = object.get(key);
  if (!value)
    return error() << "'" << key << "' is missing";
  return readCount(*value, "'" + key + "'", count);
}

LogicalResult ProfileParser::readFinite(const json::Value &value,
                                        const llvm::Twine &what,
                                        double &number) {
  if (std::optional<llvm::StringRef> marker = nonFiniteMarker(value))
    return error() << what << " " << *marker;
  std::optional<double> parsed = value.getAsNumber();
  if (!parsed)
    return error() << what << " is not a number";
  if (!std::isfinite(*parsed))
    return error() << what << " is infinite";
  number = *parsed;
  return success();
}

LogicalResult ProfileParser::readFinite(const json::Object &object,
                                        llvm::StringRef key, double &number) {
  const json::Value *value = object.get(key);
  if (!value)
    return error() << "'" << key << "' is missing";
  return readFinite(*value, "'" + key + "'", number);
}

LogicalResult ProfileParser::readBins(const json::Object &object,
                                      llvm::StringRef key,
                                      std::vector<uint64_t> &counts) {
  const json::Array *array = object.getArray(key);
  if (!array)
    return error() << "'" << key << "' is missing or not an array";
  if (array->size() != kHistogramBins)
    return error() << "'" << key << "' has " << array->size()
                   << " bins; expected " << kHistogramBins;
  counts.resize(kHistogramBins);
  for (auto [index, value] : llvm::enumerate(*array))
    if (failed(readCount(value, "'" + key + "'[" + llvm::Twine(index) + "]",
                         counts[index])))
      return failure();
  return success();
}

LogicalResult ProfileParser::readHistogram(const json::Object &object,
                                           llvm::StringRef key,
                                           const TensorStatistics &statistics,
                                           std::vector<uint64_t> &counts) {
  if (failed(readBins(object, key, counts)))
    return failure();
  uint64_t sum = statistics.numZeros;
  for (uint64_t count : counts)
    if (__builtin_add_overflow(sum, count, &sum))
      return error() << "'" << key << "' counts overflow";
  if (sum != statistics.numFinite)
    return error() << "'" << key << "' counts " << sum - statistics.numZeros
                   << " values and 'zeros' " << statistics.numZeros
                   << ", but 'finite' is " << statistics.numFinite;
  return success();
}

LogicalResult ProfileParser::readPointMasses(const json::Object &object,
                                             TensorStatistics &statistics) {
  constexpr llvm::StringLiteral key = "abs_point_masses";
  std::vector<uint64_t> &counts = statistics.absPointMasses;
  if (failed(readBins(object, key, counts)))
    return failure();
  for (auto [index, count] : llvm::enumerate(counts))
    if (count == 1 || count > statistics.absHistogram[index])
      return error() << "'" << key << "'[" << index << "] is " << count
                     << "; expected 0, or from 2 to 'abs_histogram'[" << index
                     << "] (" << statistics.absHistogram[index] << ")";
  return success();
}

LogicalResult ProfileParser::readTail(const json::Object &object,
                                      llvm::StringRef key,
                                      const TensorStatistics &statistics,
                                      bool ascending,
                                      std::vector<double> &tail) {
  const json::Array *array = object.getArray(key);
  if (!array)
    return error() << "'" << key << "' is missing or not an array";
  if (array->size() > statistics.numFinite)
    return error() << "'" << key << "' has " << array->size()
                   << " values, more than 'finite' (" << statistics.numFinite
                   << ")";
  tail.resize(array->size());
  for (auto [index, value] : llvm::enumerate(*array)) {
    if (failed(readFinite(value, "'" + key + "'[" + llvm::Twine(index) + "]",
                          tail[index])))
      return failure();
    double previous =
        index ? tail[index - 1] : (ascending ? statistics.min : statistics.max);
    bool ordered =
        ascending ? tail[index] >= previous : tail[index] <= previous;
    bool inside =
        tail[index] >= statistics.min && tail[index] <= statistics.max;
    if (!ordered || !inside || (index == 0 && tail[0] != previous))
      return error() << "'" << key << "' must start at "
                     << (ascending ? "min and ascend" : "max and descend")
                     << " within [min, max]; value #" << index << " does not";
  }
  return success();
}

FailureOr<TensorStatistics>
ProfileParser::readTensor(const json::Object &object) {
  TensorStatistics statistics;
  if (failed(checkKeys(object, {"name", "finite", "nonfinite", "zeros", "min",
                                "max", "smallest", "largest", "histogram",
                                "abs_histogram", "abs_point_masses"})) ||
      failed(readCount(object, "finite", statistics.numFinite)) ||
      failed(readCount(object, "nonfinite", statistics.numNonFinite)))
    return failure();
  if (statistics.numFinite == 0)
    return statistics;
  if (failed(readCount(object, "zeros", statistics.numZeros)) ||
      failed(readFinite(object, "min", statistics.min)) ||
      failed(readFinite(object, "max", statistics.max)))
    return failure();
  if (statistics.min > statistics.max)
    return error() << "min " << formatDouble(statistics.min)
                   << " is greater than max " << formatDouble(statistics.max);
  if (statistics.numZeros > statistics.numFinite)
    return error() << "'zeros' (" << statistics.numZeros
                   << ") exceeds 'finite' (" << statistics.numFinite << ")";
  if (statistics.numZeros != 0 &&
      (statistics.min > 0.0 || statistics.max < 0.0))
    return error() << "counts zeros, but 0 is outside [min, max]";
  if (failed(readTail(object, "smallest", statistics, /*ascending=*/true,
                      statistics.smallest)) ||
      failed(readTail(object, "largest", statistics, /*ascending=*/false,
                      statistics.largest)) ||
      failed(readHistogram(object, "histogram", statistics,
                           statistics.histogram)) ||
      failed(readHistogram(object, "abs_histogram", statistics,
                           statistics.absHistogram)) ||
      failed(readPointMasses(object, statistics)))
    return failure();
  return statistics;
}

FailureOr<CalibrationProfile> ProfileParser::parse(llvm::StringRef text) {
  llvm::Expected<json::Value> root = json::parse(quoteNonFiniteLiterals(text));
  if (!root)
    return error() << "malformed JSON: " << llvm::toString(root.takeError());
  const json::Object *object = root->getAsObject();
  if (!object)
    return error() << "is not a JSON object";
  if (object->getString("format") != kProfileFormat)
    return error() << "is not a qcc calibration profile (expected \"format\": "
                      "\""
                   << kProfileFormat << "\")";
  std::optional<int64_t> version = object->getInteger("version");
  if (!version)
    return error() << "has no integer 'version'";
  if (*version != kProfileVersion)
    return error() << "has version " << *version << "; this qcc reads version "
                   << kProfileVersion;
  if (failed(checkKeys(*object, {"format", "version", "samples",
                                 "histogram_bins", "tensors"})))
    return failure();

  CalibrationProfile profile;
  uint64_t samples = 0, bins = 0;
  if (failed(readCount(*object, "samples", samples)) ||
      failed(readCount(*object, "histogram_bins", bins)))
    return failure();
  if (samples == 0 || samples > uint64_t(INT64_MAX))
    return error() << "'samples' must be a positive count";
  if (bins != kHistogramBins)
    return error() << "has histogram_bins " << bins << "; this qcc uses "
                   << kHistogramBins;
  profile.samples = static_cast<int64_t>(samples);

  const json::Array *tensors = object->getArray("tensors");
  if (!tensors)
    return error() << "'tensors' is missing or not an array";
  llvm::StringSet<> names;
  for (auto [index, value] : llvm::enumerate(*tensors)) {
    const json::Object *entry = value.getAsObject();
    std::optional<llvm::StringRef> name =
        entry ? entry->getString("name") : std::nullopt;
    if (!name || name->empty())
      return error() << "tensor #" << index
                     << " is not an object with a non-empty string 'name'";
    tensor = name->str();
    if (!names.insert(*name).second)
      return error() << "appears more than once";
    FailureOr<TensorStatistics> statistics = readTensor(*entry);
    if (failed(statistics))
      return failure();
    profile.tensors.emplace_back(tensor, std::move(*statistics));
    tensor.clear();
  }
  return profile;
}

FailureOr<CalibrationProfile> parseCalibrationProfile(llvm::StringRef text,
                                                      llvm::StringRef path,
                                                      Location loc) {
  return ProfileParser(path, loc).parse(text);
}

FailureOr<CalibrationProfile> readCalibrationProfile(llvm::StringRef path,
                                                     Location loc) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buffer)
    return emitError(loc) << "cannot read calibration profile '" << path
                          << "': " << buffer.getError().message();
  return parseCalibrationProfile((*buffer)->getBuffer(), path, loc);
}

} // namespace qcc
