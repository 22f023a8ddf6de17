//===- ReportWriter.cpp - the report as JSON, and the report file ---------===//
//
// llvm::json prints an object's keys sorted; a reader of the report should
// meet the summary first and a layer's name before its parameters, so the
// sections whose order matters are printed in a fixed one.
//
//===----------------------------------------------------------------------===//

#include "qcc/Report/ReportWriter.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using llvm::json::Object;

namespace qcc {

ReportFormat getReportFormat(llvm::StringRef path) {
  llvm::StringRef extension = llvm::sys::path::extension(path);
  return extension.equals_insensitive(".html") ||
                 extension.equals_insensitive(".htm")
             ? ReportFormat::HTML
             : ReportFormat::JSON;
}

/// Keys printed first, in this order; the others follow sorted.
static constexpr llvm::StringLiteral kTopLevelOrder[] = {
    "format",         "version",
    "summary",        "model",
    "scheme",         "calibration",
    "validation",     "inputs",
    "outputs",        "layers",
    "contractions",   "float_islands",
    "float_ops",      "dead_channels_removed",
    "mixed_precision"};
static constexpr llvm::StringLiteral kSummaryOrder[] = {
    "model",
    "scheme",
    "calibration",
    "validation",
    "warnings",
    "contractions",
    "int8_contractions",
    "int8_mac_percent",
    "float_ops",
    "float_islands",
    "worst_layer",
    "output_sqnr_db",
    "top1_agreement_percent",
    "accuracy_percent",
    "weight_bytes"};
static constexpr llvm::StringLiteral kLayerOrder[] = {
    "name",          "op",
    "precision",     "replaces",
    "fused_ops",     "sqnr_db",
    "max_abs_error", "validation",
    "range",         "calibrated_range"};
static constexpr llvm::StringLiteral kNameFirst[] = {"name"};

static void printOrdered(
    llvm::json::OStream &json, const Object &object,
    llvm::ArrayRef<llvm::StringLiteral> order,
    llvm::function_ref<void(llvm::StringRef key, const llvm::json::Value &)>
        printValue) {
  std::vector<llvm::StringRef> keys;
  for (llvm::StringRef key : order)
    if (object.get(key))
      keys.push_back(key);
  std::vector<llvm::StringRef> rest;
  for (const auto &entry : object) {
    llvm::StringRef key = entry.first;
    if (!llvm::is_contained(order, key))
      rest.push_back(key);
  }
  llvm::sort(rest);
  llvm::append_range(keys, rest);
  json.object([&] {
    for (llvm::StringRef key : keys) {
      json.attributeBegin(key);
      printValue(key, *object.get(key));
      json.attributeEnd();
    }
  });
}

void printJSONReport(const Object &report, llvm::raw_ostream &os) {
  llvm::json::OStream json(os, /*IndentSize=*/2);
  auto plain = [&](llvm::StringRef, const llvm::json::Value &value) {
    json.value(value);
  };
  // An array of objects, each with its `order`.
  auto objects = [&](const llvm::json::Value &value,
                     llvm::ArrayRef<llvm::StringLiteral> order) {
    const llvm::json::Array *array = value.getAsArray();
    if (!array)
      return json.value(value);
    json.array([&] {
      for (const llvm::json::Value &element : *array)
        if (const Object *object = element.getAsObject())
          printOrdered(json, *object, order, plain);
        else
          json.value(element);
    });
  };
  printOrdered(json, report, kTopLevelOrder,
               [&](llvm::StringRef key, const llvm::json::Value &value) {
                 if (key == "summary" && value.getAsObject())
                   return printOrdered(json, *value.getAsObject(),
                                       kSummaryOrder, plain);
                 if (key == "layers")
                   return objects(value, kLayerOrder);
                 if (key == "inputs" || key == "outputs" || key == "float_ops")
                   return objects(value, kNameFirst);
                 json.value(value);
               });
  os << "\n";
}

llvm::Error writeReport(const Object &report, llvm::StringRef path) {
  std::string error;
  std::unique_ptr<llvm::ToolOutputFile> file =
      mlir::openOutputFile(path, &error);
  if (!file)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot write the report '" + path +
                                       "': " + error);
  if (getReportFormat(path) == ReportFormat::HTML)
    printHTMLReport(report, file->os());
  else
    printJSONReport(report, file->os());
  file->os().flush();
  if (std::error_code ec = file->os().error()) {
    // A stream left in error would abort the process when it closes.
    file->os().clear_error();
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot write the report '" + path +
                                       "': " + ec.message());
  }
  file->keep();
  return llvm::Error::success();
}

} // namespace qcc
