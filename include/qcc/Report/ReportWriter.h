//===- ReportWriter.h - the report as JSON or HTML --------------*- C++ -*-===//
//
// `--report=<file>` writes the report (QuantizationReport.h) in the format
// the file's extension names: `.html` or `.htm` (any letter case) is one
// self-contained HTML page (inline CSS and SVG, no script and nothing
// fetched from elsewhere) that also carries the JSON, anything else is JSON.
// The JSON lists the summary first; docs/Report.md describes both.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_REPORT_REPORTWRITER_H
#define QCC_REPORT_REPORTWRITER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace qcc {

enum class ReportFormat { JSON, HTML };

/// HTML for a path ending in `.html` or `.htm`, JSON otherwise.
ReportFormat getReportFormat(llvm::StringRef path);

/// The report as indented JSON: the format, version and summary first, the
/// other sections after them in a fixed order.
void printJSONReport(const llvm::json::Object &report, llvm::raw_ostream &os);

/// The report as one HTML page. Every string from the model (node names,
/// file names) is escaped.
void printHTMLReport(const llvm::json::Object &report, llvm::raw_ostream &os);

/// Writes the report to `path` in the format of its extension; the error
/// names the file.
llvm::Error writeReport(const llvm::json::Object &report, llvm::StringRef path);

} // namespace qcc

#endif // QCC_REPORT_REPORTWRITER_H
