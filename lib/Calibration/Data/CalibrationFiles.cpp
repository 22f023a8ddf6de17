//===- CalibrationFiles.cpp - reading .npz archives and .npy directories --===//

#include "qcc/Calibration/CalibrationData.h"
#include "qcc/Calibration/ZipArchive.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>

using namespace llvm;

namespace qcc {

static Error makeError(const Twine &message) {
  return createStringError(inconvertibleErrorCode(), message);
}

static std::string quote(StringRef text) { return ("'" + text + "'").str(); }

namespace {
/// An array found in an archive or directory, before it is read.
struct Candidate {
  /// The input it is for: the file or entry name without `.npy`.
  std::string key;
  /// The entry or file name, for diagnostics.
  std::string fileName;
};
} // namespace

/// Reports missing and extra arrays before reading any: a wrong name is the
/// likeliest mistake, and its message should not hide behind a parse error
/// in an array the model does not even use.
static Error checkNames(StringRef source, StringRef unit,
                        ArrayRef<Candidate> candidates,
                        ArrayRef<CalibrationInput> inputs) {
  StringSet<> expected;
  std::string list;
  for (const CalibrationInput &input : inputs) {
    expected.insert(input.name);
    list += (list.empty() ? "" : ", ") + quote(input.name);
  }
  StringSet<> present;
  for (const Candidate &candidate : candidates) {
    if (!expected.contains(candidate.key))
      return makeError(quote(source) + ": " + unit + " " +
                       quote(candidate.fileName) +
                       " matches no model input (inputs: " + list + ")");
    present.insert(candidate.key);
  }
  for (const CalibrationInput &input : inputs)
    if (!present.contains(input.name))
      return makeError(quote(source) + ": no " + unit + " " +
                       quote(input.name + ".npy") + " for model input " +
                       quote(input.name));
  return Error::success();
}

static Expected<std::vector<NamedArray>>
readArchive(StringRef path, const MemoryBuffer &file,
            ArrayRef<CalibrationInput> inputs) {
  Expected<ZipArchive> archive = ZipArchive::open(file.getBuffer());
  if (!archive)
    return makeError(quote(path) + ": " + toString(archive.takeError()));

  // np.load's keys: the entry name without its `.npy` suffix.
  std::vector<Candidate> candidates;
  std::vector<const ZipEntry *> entries;
  for (const ZipEntry &entry : archive->getEntries()) {
    StringRef key = entry.name;
    if (key.ends_with("/"))
      continue;
    key.consume_back(".npy");
    candidates.push_back({key.str(), entry.name});
    entries.push_back(&entry);
  }
  if (Error error = checkNames(path, "entry", candidates, inputs))
    return std::move(error);

  std::vector<NamedArray> arrays;
  for (auto [candidate, entry] : llvm::zip(candidates, entries)) {
    std::string origin = quote(path) + " entry " + quote(entry->name);
    Expected<std::unique_ptr<MemoryBuffer>> bytes = archive->extract(*entry);
    if (!bytes)
      return makeError(quote(path) + ": " + toString(bytes.takeError()));
    Expected<NpyArray> array = parseNpy(std::move(*bytes));
    if (!array)
      return makeError(origin + ": " + toString(array.takeError()));
    arrays.push_back({candidate.key, origin, std::move(*array)});
  }
  return arrays;
}

static Expected<std::vector<NamedArray>>
readDirectory(StringRef path, ArrayRef<CalibrationInput> inputs) {
  std::vector<Candidate> candidates;
  std::error_code ec;
  for (sys::fs::directory_iterator it(path, ec), end; it != end && !ec;
       it.increment(ec)) {
    StringRef file = sys::path::filename(it->path());
    if (!file.ends_with(".npy") ||
        it->type() == sys::fs::file_type::directory_file)
      continue;
    candidates.push_back({file.drop_back(4).str(), file.str()});
  }
  if (ec)
    return makeError(quote(path) +
                     ": cannot list the directory: " + ec.message());
  // Directory order is arbitrary; diagnostics should not be.
  llvm::sort(candidates, [](const Candidate &a, const Candidate &b) {
    return a.key < b.key;
  });
  if (Error error = checkNames(path, "file", candidates, inputs))
    return std::move(error);

  std::vector<NamedArray> arrays;
  for (const Candidate &candidate : candidates) {
    SmallString<128> file(path);
    sys::path::append(file, candidate.fileName);
    std::string origin = quote(file);
    ErrorOr<std::unique_ptr<MemoryBuffer>> bytes =
        MemoryBuffer::getFile(file, /*IsText=*/false,
                              /*RequiresNullTerminator=*/false);
    if (!bytes)
      return makeError(origin + ": " + bytes.getError().message());
    Expected<NpyArray> array = parseNpy(std::move(*bytes));
    if (!array)
      return makeError(origin + ": " + toString(array.takeError()));
    arrays.push_back({candidate.key, origin, std::move(*array)});
  }
  return arrays;
}

static Expected<std::vector<NamedArray>>
readArrays(StringRef path, ArrayRef<CalibrationInput> inputs) {
  if (sys::fs::is_directory(path))
    return readDirectory(path, inputs);
  ErrorOr<std::unique_ptr<MemoryBuffer>> file =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!file)
    return makeError(quote(path) + ": " + file.getError().message());
  if (!(*file)->getBuffer().starts_with("PK"))
    return makeError(quote(path) + ": not an .npz archive (calibration data "
                                   "is an .npz file or a directory of .npy "
                                   "files)");
  return readArchive(path, **file, inputs);
}

Expected<CalibrationData>
CalibrationData::load(StringRef path, ArrayRef<CalibrationInput> inputs) {
  Expected<std::vector<NamedArray>> arrays = readArrays(path, inputs);
  if (!arrays)
    return arrays.takeError();
  return fromArrays(path, std::move(*arrays), inputs);
}

} // namespace qcc
