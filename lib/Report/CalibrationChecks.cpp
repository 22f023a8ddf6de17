//===- CalibrationChecks.cpp - signs of bad calibration in a report -------===//
//
// Calibration data that is not like the model's real inputs gives ranges
// that fit the calibration samples and nothing else, and every number
// measured on those samples looks fine. The held-out (validation) data
// shows it, in two ways checked here:
//
//   * an input's validation values fall outside the calibrated range (they
//     saturate), or fill only a small part of it (they are quantized to a
//     few levels): the two data sets are scaled or normalized differently,
//     e.g. pixels in 0-255 against normalized pixels;
//   * the outputs are much further from float on the validation data than
//     on the calibration data.
//
// The checks read the report itself, so they say what a reader of the
// report would see.
//
//===----------------------------------------------------------------------===//

#include "qcc/Report/QuantizationReport.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"

using llvm::json::Array;
using llvm::json::Object;

namespace qcc {

/// Validation values outside the calibrated range, in percent, above which
/// the input is reported.
static constexpr double kOutsidePercent = 1.0;
/// The fraction of the calibrated range below which validation values are
/// reported as using too few of its levels.
static constexpr double kMinSpanFraction = 1.0 / 16.0;
/// How much worse (dB of SQNR, points of top-1 agreement) the outputs may be
/// on the validation data than on the calibration data.
static constexpr double kSqnrDropDb = 10.0;
static constexpr double kAgreementDrop = 10.0;

static std::string formatRange(double low, double high) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("[%.4g, %.4g]", low, high);
  return text;
}

/// The warnings about one model input.
static void checkInput(const Object &input, std::vector<std::string> &out) {
  const Array *range = input.getArray("range");
  const Object *distributions = input.getObject("distribution");
  const Object *validation =
      distributions ? distributions->getObject("validation") : nullptr;
  if (!range || range->size() != 2 || !validation)
    return;
  std::optional<double> low = (*range)[0].getAsNumber();
  std::optional<double> high = (*range)[1].getAsNumber();
  std::optional<double> min = validation->getNumber("min");
  std::optional<double> max = validation->getNumber("max");
  std::optional<double> outside =
      validation->getNumber("outside_range_percent");
  std::optional<llvm::StringRef> name = input.getString("name");
  if (!low || !high || !min || !max || !outside || !name)
    return;
  std::string values =
      llvm::formatv("validation values span {0}", formatRange(*min, *max));
  std::string calibrated = formatRange(*low, *high);
  if (*outside > kOutsidePercent) {
    out.push_back(llvm::formatv(
        "input '{0}': {1:f1} % of the validation values are outside the "
        "calibrated range {2} ({3}) and saturate; the calibration data may "
        "be scaled or normalized differently from the validation data",
        *name, *outside, calibrated, values));
    return;
  }
  // Constant data (a mask of ones) spans nothing, rightly.
  std::optional<double> used = validation->getNumber("range_used_percent");
  if (used && *max > *min && *used < 100.0 * kMinSpanFraction)
    out.push_back(llvm::formatv(
        "input '{0}': the validation values use {1:f1} % of the calibrated "
        "range {2} ({3}), so they are quantized to a few levels; the "
        "calibration data may be scaled or normalized differently from the "
        "validation data (e.g. pixels in 0-255 against normalized pixels)",
        *name, *used, calibrated, values));
}

std::vector<std::string> checkCalibration(const Object &report) {
  std::vector<std::string> warnings;
  if (const Array *inputs = report.getArray("inputs"))
    for (const llvm::json::Value &input : *inputs)
      if (const Object *object = input.getAsObject())
        checkInput(*object, warnings);

  const Object *summary = report.getObject("summary");
  if (!summary)
    return warnings;
  auto both =
      [&](llvm::StringRef key) -> std::optional<std::pair<double, double>> {
    const Object *metric = summary->getObject(key);
    if (!metric)
      return std::nullopt;
    std::optional<double> calibration = metric->getNumber("calibration");
    std::optional<double> validation = metric->getNumber("validation");
    if (!calibration || !validation)
      return std::nullopt;
    return std::make_pair(*calibration, *validation);
  };
  std::optional<std::pair<double, double>> sqnr = both("output_sqnr_db");
  std::optional<std::pair<double, double>> agreement =
      both("top1_agreement_percent");
  bool sqnrDropped = sqnr && sqnr->second < sqnr->first - kSqnrDropDb;
  bool agreementDropped =
      agreement && agreement->second < agreement->first - kAgreementDrop;
  if (!sqnrDropped && !agreementDropped)
    return warnings;
  std::string measured;
  if (sqnr)
    measured = llvm::formatv("an output SQNR of {0:f1} dB against float "
                             "({1:f1} dB on the calibration data)",
                             sqnr->second, sqnr->first);
  if (agreement)
    measured += llvm::formatv("{0}a top-1 agreement of {1:f1} % ({2:f1} % on "
                              "the calibration data)",
                              measured.empty() ? "" : " and ",
                              agreement->second, agreement->first);
  warnings.push_back(
      "the quantized model is much worse on the validation data than on the "
      "calibration data: " +
      measured +
      "; the calibration data may not represent the model's real inputs");
  return warnings;
}

} // namespace qcc
