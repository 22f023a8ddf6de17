//===- HTMLReport.cpp - the report as one self-contained HTML page --------===//
//
// The page is drawn from the JSON report alone, so the two always agree:
// the summary and its warnings, the accuracy and size table, one row per
// layer with its SQNR as bars (calibration and validation data), one
// histogram per tensor with the range its quantization covers, the
// mixed-precision decisions and the float islands. Inline CSS and SVG only:
// no script runs, nothing is fetched, and the page can be mailed or
// archived as one file. The JSON itself rides along in a non-executed
// <script type="application/json"> element for tools.
//
//===----------------------------------------------------------------------===//

#include "qcc/Report/ReportWriter.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

#include <cmath>
#include <limits>

using llvm::StringRef;
using llvm::json::Array;
using llvm::json::Object;

namespace qcc {
namespace {

//===----------------------------------------------------------------------===//
// Text
//===----------------------------------------------------------------------===//

/// `text` with the characters that mean something in HTML (and in
/// attribute values) replaced by references.
std::string escape(StringRef text) {
  std::string result;
  result.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&':
      result += "&amp;";
      break;
    case '<':
      result += "&lt;";
      break;
    case '>':
      result += "&gt;";
      break;
    case '"':
      result += "&quot;";
      break;
    case '\'':
      result += "&#39;";
      break;
    default:
      result += c;
    }
  }
  return result;
}

/// `value` with `decimals` digits after the point.
std::string fixed(double value, int decimals) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.*f", decimals, value);
  return text;
}

/// `value` with 4 significant digits.
std::string significant(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.4g", value);
  return text;
}

std::string bytes(double count) {
  if (count >= 1024.0 * 1024.0)
    return fixed(count / (1024.0 * 1024.0), 2) + " MiB";
  if (count >= 1024.0)
    return fixed(count / 1024.0, 1) + " KiB";
  return fixed(count, 0) + " B";
}

//===----------------------------------------------------------------------===//
// Reading the JSON
//===----------------------------------------------------------------------===//

const Object *object(const Object *parent, StringRef key) {
  return parent ? parent->getObject(key) : nullptr;
}

const Array *array(const Object *parent, StringRef key) {
  return parent ? parent->getArray(key) : nullptr;
}

std::optional<double> number(const Object *parent, StringRef key) {
  return parent ? parent->getNumber(key) : std::nullopt;
}

std::string string(const Object *parent, StringRef key) {
  if (!parent)
    return "";
  std::optional<StringRef> value = parent->getString(key);
  return value ? value->str() : "";
}

struct Range {
  double min, max;
};

std::optional<Range> range(const Object *parent, StringRef key) {
  const Array *values = array(parent, key);
  if (!values || values->size() != 2)
    return std::nullopt;
  std::optional<double> low = (*values)[0].getAsNumber();
  std::optional<double> high = (*values)[1].getAsNumber();
  if (!low || !high)
    return std::nullopt;
  return Range{*low, *high};
}

std::string formatRange(std::optional<Range> r) {
  if (!r)
    return "none";
  return "[" + significant(r->min) + ", " + significant(r->max) + "]";
}

/// "38.2 dB", or what a missing number means for `key`.
std::string decibels(std::optional<double> value) {
  return value ? fixed(*value, 1) + " dB" : "exact";
}

std::string percentText(std::optional<double> value) {
  return value ? fixed(*value, 1) + " %" : "&mdash;";
}

//===----------------------------------------------------------------------===//
// The page
//===----------------------------------------------------------------------===//

constexpr StringRef kStyle = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
 color:#1d2430;margin:0 auto;max-width:1180px;padding:16px 24px 48px}
h1{font-size:22px;margin:8px 0 2px}h2{font-size:17px;margin:28px 0 8px;
 border-bottom:1px solid #d5dbe3;padding-bottom:4px}
.model{color:#56606e;margin:0 0 12px;overflow-wrap:anywhere}
table{border-collapse:collapse;margin:6px 0 10px}
th,td{padding:4px 10px;border-bottom:1px solid #e4e8ee;text-align:left;
 vertical-align:top}
th{background:#f3f5f8;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
table.kv th{background:none;width:210px;color:#56606e;font-weight:500}
.name{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px;
 overflow-wrap:anywhere}
.fused{color:#6a7381;font-size:12px}
.warnings{background:#fff6e0;border:1px solid #f0c36d;border-radius:4px;
 padding:8px 14px;margin:8px 0}
.warnings ul{margin:4px 0;padding-left:20px}
.ok{color:#1e7d32}.bad{color:#b3261e;font-weight:600}
.key{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px;
 vertical-align:-1px}
.cal{background:#3b6fb6}.val{background:#e8710a}.rng{background:#d4ecd9;
 border:1px solid #1e7d32}
.figures{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));
 gap:10px 18px}
figure{margin:0;padding:6px 8px;border:1px solid #e4e8ee;border-radius:4px}
figcaption{font-size:12px;color:#56606e}
figcaption .name{color:#1d2430;font-size:12px}
svg text{font:10px system-ui,sans-serif;fill:#56606e}
)css";

class Page {
public:
  Page(const Object &report, llvm::raw_ostream &os)
      : report(report), os(os), summary(report.getObject("summary")),
        hasValidation(report.getObject("validation") != nullptr) {}

  void print();

private:
  void printSummary();
  void printAccuracy();
  void printLayers();
  void printRanges();
  void printTensor(StringRef name, const Object *tensor, StringRef rangeKey,
                   unsigned index);
  void printHistogramSvg(const Object *distributions, std::optional<Range> r,
                         std::optional<Range> calibrated);
  void printMixedPrecision();
  void printFloatIslands();
  void printData();
  /// Two bars, calibration and validation, on a 0..maxDb scale.
  void printSqnrBars(std::optional<double> calibration,
                     std::optional<double> validation, double maxDb);

  const Object &report;
  llvm::raw_ostream &os;
  const Object *summary;
  bool hasValidation;
};

void Page::print() {
  std::string model = string(summary, "model");
  os << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
        "charset=\"utf-8\">\n<meta name=\"viewport\" "
        "content=\"width=device-width, initial-scale=1\">\n<title>qcc "
        "quantization report: "
     << escape(model) << "</title>\n<style>" << kStyle
     << "</style>\n</head>\n<body>\n<h1>Quantization report</h1>\n<p "
        "class=\"model\">"
     << escape(model) << "</p>\n";
  printSummary();
  printAccuracy();
  printLayers();
  printRanges();
  printMixedPrecision();
  printFloatIslands();
  printData();
  os << "</body>\n</html>\n";
}

void Page::printSummary() {
  os << "<section id=\"summary\">\n<h2>Summary</h2>\n";
  const Array *warnings = array(summary, "warnings");
  if (warnings && !warnings->empty()) {
    os << "<div class=\"warnings\" id=\"warnings\"><strong>" << warnings->size()
       << (warnings->size() == 1 ? " warning" : " warnings")
       << "</strong>\n<ul>\n";
    for (const llvm::json::Value &warning : *warnings)
      if (std::optional<StringRef> text = warning.getAsString())
        os << "<li>" << escape(*text) << "</li>\n";
    os << "</ul></div>\n";
  }
  auto row = [&](StringRef label, const std::string &html) {
    os << "<tr><th>" << label << "</th><td>" << html << "</td></tr>\n";
  };
  os << "<table class=\"kv\">\n";
  row("Scheme", escape(string(summary, "scheme")));
  const Object *calibration = object(summary, "calibration");
  row("Calibration", escape(string(calibration, "method")) + " on " +
                         fixed(number(calibration, "samples").value_or(0), 0) +
                         " samples of <span class=\"name\">" +
                         escape(string(calibration, "data")) + "</span>");
  const Object *validation = object(summary, "validation");
  row("Validation",
      validation ? fixed(number(validation, "samples").value_or(0), 0) +
                       " samples of <span class=\"name\">" +
                       escape(string(validation, "data")) + "</span>" +
                       (validation->getBoolean("labels").value_or(false)
                            ? ", with labels"
                            : "")
                 : std::string("none (give held-out samples with "
                               "--validation to check the calibration)"));
  row("Contractions in int8",
      fixed(number(summary, "int8_contractions").value_or(0), 0) + " of " +
          fixed(number(summary, "contractions").value_or(0), 0) + " (" +
          fixed(number(summary, "int8_mac_percent").value_or(0), 1) +
          " % of the multiply-accumulates)");
  row("Float ops", fixed(number(summary, "float_ops").value_or(0), 0) + " in " +
                       fixed(number(summary, "float_islands").value_or(0), 0) +
                       " island(s) between quantized layers");
  if (const Object *worst = object(summary, "worst_layer"))
    row("Worst layer", "<span class=\"name\">" + escape(string(worst, "name")) +
                           "</span>: " + decibels(number(worst, "sqnr_db")) +
                           " on the " + escape(string(worst, "data")) +
                           " data");
  auto perDataSet = [&](StringRef key, auto format) {
    const Object *metric = object(summary, key);
    std::string text =
        format(number(metric, "calibration")) + " on the calibration data";
    if (hasValidation)
      text += ", " + format(number(metric, "validation")) +
              " on the validation data";
    return text;
  };
  row("Output SQNR against float", perDataSet("output_sqnr_db", decibels));
  if (const Object *agreement = object(summary, "top1_agreement_percent");
      agreement && number(agreement, "calibration"))
    row("Top-1 agreement with float",
        perDataSet("top1_agreement_percent", percentText));
  if (const Object *accuracy = object(summary, "accuracy_percent"))
    row("Top-1 accuracy (labels)",
        "float " + percentText(number(accuracy, "float")) + ", quantized " +
            percentText(number(accuracy, "quantized")));
  os << "</table>\n</section>\n";
}

void Page::printAccuracy() {
  os << "<section id=\"accuracy\">\n<h2>Accuracy and size</h2>\n"
        "<table>\n<tr><th>Output</th><th>Metric</th><th "
        "class=\"num\">Calibration data</th>"
     << (hasValidation ? "<th class=\"num\">Validation data</th>" : "")
     << "</tr>\n";
  const Array *outputs = report.getArray("outputs");
  for (const llvm::json::Value &value : outputs ? *outputs : Array()) {
    const Object *output = value.getAsObject();
    const Object *calibration = object(output, "calibration");
    const Object *validation = object(output, "validation");
    auto metric = [&](StringRef label, StringRef key, auto format) {
      if (!number(calibration, key) && !number(validation, key) &&
          key != "sqnr_db")
        return;
      os << "<tr><td class=\"name\">" << escape(string(output, "name"))
         << "</td><td>" << label << "</td><td class=\"num\">"
         << (calibration && calibration->get(key)
                 ? format(number(calibration, key))
                 : std::string("&mdash;"))
         << "</td>";
      if (hasValidation)
        os << "<td class=\"num\">"
           << (validation && validation->get(key)
                   ? format(number(validation, key))
                   : std::string("&mdash;"))
           << "</td>";
      os << "</tr>\n";
    };
    metric("SQNR against float", "sqnr_db", decibels);
    metric("Top-1 agreement with float", "top1_agreement_percent", percentText);
    metric("Top-1 accuracy, float (labels)", "accuracy_float_percent",
           percentText);
    metric("Top-1 accuracy, quantized (labels)", "accuracy_quantized_percent",
           percentText);
  }
  os << "</table>\n";
  const Object *weights = object(summary, "weight_bytes");
  double floatBytes = number(weights, "float").value_or(0);
  double quantizedBytes = number(weights, "quantized").value_or(0);
  os << "<table>\n<tr><th>Constant data (weights, biases, tables)</th><th "
        "class=\"num\">Float model</th><th class=\"num\">Quantized "
        "model</th><th class=\"num\">Ratio</th></tr>\n<tr><td>Bytes</td><td "
        "class=\"num\">"
     << bytes(floatBytes) << "</td><td class=\"num\">" << bytes(quantizedBytes)
     << "</td><td class=\"num\">"
     << (quantizedBytes > 0 ? fixed(floatBytes / quantizedBytes, 2) + "&times;"
                            : std::string("&mdash;"))
     << "</td></tr>\n</table>\n</section>\n";
}

void Page::printSqnrBars(std::optional<double> calibration,
                         std::optional<double> validation, double maxDb) {
  constexpr double width = 160.0;
  auto bar = [&](std::optional<double> db, double y, StringRef color,
                 StringRef what) {
    // No noise at all (exact) fills the bar.
    double value = db ? std::clamp(*db, 0.0, maxDb) : maxDb;
    os << "<rect x=\"0\" y=\"" << fixed(y, 0) << "\" width=\""
       << fixed(width * value / maxDb, 1) << "\" height=\"8\" fill=\"" << color
       << "\"><title>" << what << ": " << decibels(db) << "</title></rect>";
  };
  os << "<svg width=\"" << fixed(width, 0) << "\" height=\""
     << (hasValidation ? 20 : 10) << "\" role=\"img\">";
  // Grid lines every 10 dB.
  for (double db = 10.0; db < maxDb; db += 10.0)
    os << "<line x1=\"" << fixed(width * db / maxDb, 1) << "\" x2=\""
       << fixed(width * db / maxDb, 1)
       << "\" y1=\"0\" y2=\"20\" stroke=\"#e4e8ee\"/>";
  bar(calibration, 1, "#3b6fb6", "calibration data");
  if (hasValidation)
    bar(validation, 11, "#e8710a", "validation data");
  os << "</svg>";
}

void Page::printLayers() {
  const Array *layers = report.getArray("layers");
  os << "<section id=\"layers\">\n<h2>Layers</h2>\n<p>SQNR of each layer's "
        "dequantized output against the float model's, measured on "
        "<span class=\"key cal\"></span>the calibration data"
     << (hasValidation ? " and <span class=\"key val\"></span>the validation "
                         "data"
                       : "")
     << ". Layers are named by their ONNX node; ops fused into a layer are "
        "listed under it.</p>\n";
  double maxDb = 50.0;
  for (const llvm::json::Value &value : layers ? *layers : Array()) {
    const Object *layer = value.getAsObject();
    for (std::optional<double> db :
         {number(layer, "sqnr_db"),
          number(object(layer, "validation"), "sqnr_db")})
      if (db)
        maxDb = std::max(maxDb, std::ceil(*db / 10.0) * 10.0);
  }
  os << "<table class=\"layers\">\n<tr><th class=\"num\">#</th><th>Layer "
        "(ONNX node)</th><th>Op</th><th>Precision</th><th>SQNR (0 to "
     << fixed(maxDb, 0)
     << " dB)</th><th class=\"num\">SQNR (dB)</th><th class=\"num\">Max "
        "abs error</th><th>Range</th>"
     << "<th class=\"num\">Range used, values outside ("
     << (hasValidation ? "validation" : "calibration") << " data)</th></tr>\n";
  unsigned index = 0;
  for (const llvm::json::Value &value : layers ? *layers : Array()) {
    const Object *layer = value.getAsObject();
    const Object *validation = object(layer, "validation");
    os << "<tr id=\"layer-" << index << "\"><td class=\"num\">" << index
       << "</td><td><a class=\"name\" href=\"#range-layer-" << index << "\">"
       << escape(string(layer, "name")) << "</a>";
    if (const Array *fused = array(layer, "fused_ops");
        fused && !fused->empty()) {
      os << "<div class=\"fused\">";
      for (const llvm::json::Value &op : *fused)
        os << "+ " << escape(string(op.getAsObject(), "op")) << " <span "
           << "class=\"name\">" << escape(string(op.getAsObject(), "name"))
           << "</span><br>";
      os << "</div>";
    }
    os << "</td><td>" << escape(string(layer, "op")) << "<div class=\"fused\">"
       << escape(string(layer, "replaces")) << "</div></td><td>"
       << escape(string(layer, "precision")) << "</td><td>";
    std::optional<double> calibrationDb = number(layer, "sqnr_db");
    std::optional<double> validationDb = number(validation, "sqnr_db");
    printSqnrBars(calibrationDb, validationDb, maxDb);
    auto dbNumber = [](std::optional<double> db) {
      return db ? fixed(*db, 1) : std::string("exact");
    };
    os << "</td><td class=\"num\">" << dbNumber(calibrationDb);
    if (hasValidation)
      os << "<br>" << dbNumber(validationDb);
    os << "</td><td class=\"num\">"
       << significant(number(layer, "max_abs_error").value_or(0));
    if (hasValidation)
      os << "<br>"
         << significant(number(validation, "max_abs_error").value_or(0));
    os << "</td><td>" << formatRange(range(layer, "range")) << "</td>";
    // How much of its range the data uses (little: few levels) and how
    // much saturates, on the held-out data when there is some.
    const Object *values = object(object(layer, "distribution"),
                                  hasValidation ? "validation" : "calibration");
    std::optional<double> used = number(values, "range_used_percent");
    std::optional<double> outside = number(values, "outside_range_percent");
    os << "<td class=\"num\"><span"
       << (used && *used < 100.0 / 16.0 ? " class=\"bad\"" : "") << ">"
       << percentText(used) << "</span>, <span"
       << (outside && *outside > 1.0 ? " class=\"bad\"" : "") << ">"
       << percentText(outside) << "</span></td></tr>\n";
    ++index;
  }
  os << "</table>\n</section>\n";
}

void Page::printHistogramSvg(const Object *distributions,
                             std::optional<Range> r,
                             std::optional<Range> calibrated) {
  constexpr double width = 380.0, height = 96.0, left = 6.0, right = 374.0,
                   top = 4.0, bottom = 78.0;
  struct Series {
    const Object *distribution;
    StringRef color, what;
  };
  llvm::SmallVector<Series> series = {
      {object(distributions, "calibration"), "#3b6fb6", "calibration data"}};
  if (const Object *validation = object(distributions, "validation"))
    series.push_back({validation, "#e8710a", "validation data"});

  // The axis covers every histogram and the quantization range.
  double low = std::numeric_limits<double>::infinity();
  double high = -low;
  auto cover = [&](double value) {
    low = std::min(low, value);
    high = std::max(high, value);
  };
  for (const Series &s : series) {
    std::optional<double> min = number(s.distribution, "min");
    std::optional<double> max = number(s.distribution, "max");
    if (min && max) {
      cover(*min);
      cover(*max);
    }
  }
  if (r) {
    cover(r->min);
    cover(r->max);
  }
  if (!std::isfinite(low)) {
    low = 0.0;
    high = 1.0;
  }
  if (high - low <= 0.0) {
    double pad = std::max(std::fabs(low) * 0.1, 0.5);
    low -= pad;
    high += pad;
  }
  double pad = (high - low) * 0.03;
  low -= pad;
  high += pad;
  auto x = [&](double value) {
    return left + (value - low) / (high - low) * (right - left);
  };

  os << "<svg width=\"" << fixed(width, 0) << "\" height=\"" << fixed(height, 0)
     << "\" role=\"img\">";
  if (r)
    os << "<rect x=\"" << fixed(x(r->min), 1) << "\" y=\"" << fixed(top, 0)
       << "\" width=\"" << fixed(std::max(x(r->max) - x(r->min), 1.0), 1)
       << "\" height=\"" << fixed(bottom - top, 0)
       << "\" fill=\"#d4ecd9\"><title>quantization range " << formatRange(r)
       << "</title></rect>";
  for (const Series &s : series) {
    const Object *histogram = object(s.distribution, "histogram");
    const Array *counts = array(histogram, "counts");
    double start = number(histogram, "start").value_or(0);
    double binWidth = number(histogram, "bin_width").value_or(0);
    if (!counts || counts->empty())
      continue;
    double maxCount = 0;
    for (const llvm::json::Value &count : *counts)
      maxCount = std::max(maxCount, count.getAsNumber().value_or(0));
    // Log heights: the few values far from the bulk stay visible.
    os << "<g fill=\"" << s.color << "\" fill-opacity=\"0.7\"><title>" << s.what
       << ": " << fixed(number(s.distribution, "count").value_or(0), 0)
       << " values in "
       << formatRange(Range{number(s.distribution, "min").value_or(0),
                            number(s.distribution, "max").value_or(0)})
       << "</title>";
    for (auto [bin, value] : llvm::enumerate(*counts)) {
      double count = value.getAsNumber().value_or(0);
      if (count <= 0)
        continue;
      double x0 = x(start + double(bin) * binWidth);
      double x1 = x(start + double(bin + 1) * binWidth);
      double barHeight =
          (bottom - top) * std::log1p(count) / std::log1p(maxCount);
      os << "<rect x=\"" << fixed(x0, 1) << "\" y=\""
         << fixed(bottom - barHeight, 1) << "\" width=\""
         << fixed(std::max(x1 - x0, 0.8), 1) << "\" height=\""
         << fixed(barHeight, 1) << "\"/>";
    }
    os << "</g>";
  }
  auto edge = [&](double value, bool dashed) {
    os << "<line x1=\"" << fixed(x(value), 1) << "\" x2=\""
       << fixed(x(value), 1) << "\" y1=\"" << fixed(top, 0) << "\" y2=\""
       << fixed(bottom, 0) << "\" stroke=\"#1e7d32\" stroke-width=\"1.5\""
       << (dashed ? " stroke-dasharray=\"3 2\"" : "") << "/>";
  };
  if (r) {
    edge(r->min, /*dashed=*/false);
    edge(r->max, /*dashed=*/false);
  }
  if (calibrated && r &&
      (calibrated->min != r->min || calibrated->max != r->max)) {
    edge(calibrated->min, /*dashed=*/true);
    edge(calibrated->max, /*dashed=*/true);
  }
  os << "<line x1=\"" << fixed(left, 0) << "\" x2=\"" << fixed(right, 0)
     << "\" y1=\"" << fixed(bottom, 0) << "\" y2=\"" << fixed(bottom, 0)
     << "\" stroke=\"#8a94a3\"/>";
  os << "<text x=\"" << fixed(left, 0) << "\" y=\"" << fixed(bottom + 12, 0)
     << "\">" << significant(low) << "</text><text x=\"" << fixed(right, 0)
     << "\" y=\"" << fixed(bottom + 12, 0) << "\" text-anchor=\"end\">"
     << significant(high) << "</text>";
  // Zero, where it does not crowd the ends' labels.
  if (x(0.0) > left + 40.0 && x(0.0) < right - 40.0)
    os << "<text x=\"" << fixed(x(0.0), 1) << "\" y=\"" << fixed(bottom + 12, 0)
       << "\" text-anchor=\"middle\">0</text>";
  os << "</svg>";
}

void Page::printTensor(StringRef name, const Object *tensor, StringRef anchor,
                       unsigned index) {
  const Object *distributions = object(tensor, "distribution");
  std::optional<Range> r = range(tensor, "range");
  os << "<figure id=\"range-" << anchor << "-" << index
     << "\"><figcaption><span class=\"name\">" << escape(name)
     << "</span><br>range " << formatRange(r);
  for (StringRef data : {"calibration", "validation"})
    if (const Object *distribution = object(distributions, data))
      os << "; " << data << " data "
         << formatRange(Range{number(distribution, "min").value_or(0),
                              number(distribution, "max").value_or(0)})
         << ", " << percentText(number(distribution, "outside_range_percent"))
         << " outside";
  os << "</figcaption>";
  printHistogramSvg(distributions, r, range(tensor, "calibrated_range"));
  os << "</figure>\n";
}

void Page::printRanges() {
  os << "<section id=\"ranges\">\n<h2>Value ranges</h2>\n<p>Histograms of "
        "the float model's values (log scale) on <span class=\"key "
        "cal\"></span>the calibration data"
     << (hasValidation
             ? " and <span class=\"key val\"></span>the validation data"
             : "")
     << ", over <span class=\"key rng\"></span>the range the quantization "
        "covers (values outside it saturate; dashed: the calibrated range "
        "where range propagation narrowed it).</p>\n<div class=\"figures\">\n";
  unsigned index = 0;
  if (const Array *inputs = report.getArray("inputs"))
    for (const llvm::json::Value &value : *inputs)
      printTensor("input " + string(value.getAsObject(), "name"),
                  value.getAsObject(), "input", index++);
  index = 0;
  if (const Array *layers = report.getArray("layers"))
    for (const llvm::json::Value &value : *layers)
      printTensor(string(value.getAsObject(), "name"), value.getAsObject(),
                  "layer", index++);
  os << "</div>\n</section>\n";
}

void Page::printMixedPrecision() {
  const Object *mixed = report.getObject("mixed_precision");
  if (!mixed)
    return;
  auto db = [&](const Object *parent, StringRef key) {
    if (std::optional<StringRef> text = parent->getString(key))
      return escape(*text);
    return decibels(number(parent, key));
  };
  os << "<section id=\"mixed-precision\">\n<h2>Mixed precision</h2>\n<p>"
        "Budget "
     << decibels(number(mixed, "min_sqnr_db"))
     << " of output SQNR; all int8: " << db(mixed, "int8_output_sqnr_db")
     << "; chosen: " << db(mixed, "final_output_sqnr_db") << " ("
     << (mixed->getBoolean("met").value_or(false)
             ? "<span class=\"ok\">met</span>"
             : "<span class=\"bad\">not met</span>")
     << ").</p>\n";
  auto names = [&](StringRef key) {
    std::string list;
    for (const llvm::json::Value &name : *array(mixed, key))
      list +=
          (list.empty() ? "" : ", ") + escape(name.getAsString().value_or(""));
    return list.empty() ? std::string("none") : list;
  };
  os << "<table class=\"kv\"><tr><th>int16</th><td class=\"name\">"
     << names("int16") << "</td></tr><tr><th>float</th><td class=\"name\">"
     << names("keep_float") << "</td></tr></table>\n";
  if (const Array *sensitivity = array(mixed, "sensitivity");
      sensitivity && !sensitivity->empty()) {
    os << "<table>\n<tr><th>Layer (most sensitive first)</th><th "
          "class=\"num\">Output SQNR with only this layer in "
          "float</th></tr>\n";
    for (const llvm::json::Value &value : *sensitivity)
      os << "<tr><td class=\"name\">"
         << escape(string(value.getAsObject(), "layer"))
         << "</td><td class=\"num\">"
         << decibels(number(value.getAsObject(),
                            "output_sqnr_db_with_layer_in_float"))
         << "</td></tr>\n";
    os << "</table>\n";
  }
  if (const Array *decisions = array(mixed, "decisions");
      decisions && !decisions->empty()) {
    os << "<table>\n<tr><th>Tried</th><th>Precision</th><th "
          "class=\"num\">Output SQNR before</th><th class=\"num\">After</th>"
          "<th>Kept</th></tr>\n";
    for (const llvm::json::Value &value : *decisions) {
      const Object *decision = value.getAsObject();
      bool kept = decision->getBoolean("kept").value_or(false);
      os << "<tr><td class=\"name\">" << escape(string(decision, "layer"))
         << "</td><td>" << escape(string(decision, "precision"))
         << "</td><td class=\"num\">"
         << decibels(number(decision, "output_sqnr_db_before"))
         << "</td><td class=\"num\">"
         << decibels(number(decision, "output_sqnr_db_after")) << "</td><td>"
         << (kept ? "<span class=\"ok\">yes</span>" : "no") << "</td></tr>\n";
    }
    os << "</table>\n";
  }
  os << "</section>\n";
}

void Page::printFloatIslands() {
  os << "<section id=\"float-islands\">\n<h2>Float islands</h2>\n";
  const Array *islands = report.getArray("float_islands");
  if (!islands || islands->empty()) {
    os << "<p>No op runs in float between quantized layers.</p>\n"
          "</section>\n";
    return;
  }
  // The ops of each island with their op names, from float_ops.
  std::vector<std::vector<const Object *>> members(islands->size());
  if (const Array *ops = report.getArray("float_ops"))
    for (const llvm::json::Value &value : *ops) {
      std::optional<int64_t> island = value.getAsObject()->getInteger("island");
      if (island && *island >= 0 && *island < int64_t(members.size()))
        members[*island].push_back(value.getAsObject());
    }
  os << "<p>Groups of connected ops that compute in float between a "
        "dequantize and a quantize, and why.</p>\n<table>\n<tr><th "
        "class=\"num\">#</th><th>Reason</th><th>Ops</th></tr>\n";
  for (auto [index, value] : llvm::enumerate(*islands)) {
    os << "<tr><td class=\"num\">" << index << "</td><td>"
       << escape(string(value.getAsObject(), "reason")) << "</td><td>";
    for (const Object *op : members[index])
      os << escape(string(op, "op")) << " <span class=\"name\">"
         << escape(string(op, "name")) << "</span><br>";
    os << "</td></tr>\n";
  }
  os << "</table>\n</section>\n";
}

void Page::printData() {
  std::string json;
  llvm::raw_string_ostream stream(json);
  printJSONReport(report, stream);
  // "</script" would end the element and "<!--" change how it is parsed;
  // these characters occur only inside JSON strings, where \uXXXX escapes
  // mean the same.
  std::string safe;
  for (char c : json) {
    if (c == '<')
      safe += "\\u003c";
    else if (c == '>')
      safe += "\\u003e";
    else if (c == '&')
      safe += "\\u0026";
    else
      safe += c;
  }
  os << "<script type=\"application/json\" id=\"qcc-report\">\n"
     << safe << "</script>\n";
}

} // namespace

void printHTMLReport(const Object &report, llvm::raw_ostream &os) {
  Page(report, os).print();
}

} // namespace qcc
