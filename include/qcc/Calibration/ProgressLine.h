//===- ProgressLine.h - a progress line for runs over samples ---*- C++ -*-===//
//
// Calibration and the quantization report run a model over every sample of
// a data set, which takes minutes for a large model. On a terminal,
// "<label>: 120/1000 samples" is written to stderr and rewritten in place
// (one line, updated every 1 % of the samples) and erased when the run ends,
// so that the terminal is left as it was. When stderr is not a terminal (a
// log file, a pipe, a build system) nothing is written: the stage lines of
// `qcc -v` say what ran and when.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_PROGRESSLINE_H
#define QCC_CALIBRATION_PROGRESSLINE_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace qcc {

class ProgressLine {
public:
  /// A line for `total` samples, shown only if `allowed` and stderr is a
  /// terminal.
  ProgressLine(bool allowed, int64_t total, llvm::StringRef label)
      : total(total), label(label.str()),
        enabled(allowed && llvm::errs().is_displayed()) {}
  ProgressLine(const ProgressLine &) = delete;
  ProgressLine &operator=(const ProgressLine &) = delete;
  ~ProgressLine() {
    // Erase the line: later diagnostics start at the left margin.
    if (enabled && shown)
      llvm::errs() << "\r\x1b[K";
  }

  /// `done` of the samples are finished.
  void update(int64_t done) {
    if (!enabled)
      return;
    int64_t step = std::max<int64_t>(total / 100, 1);
    if (done % step != 0 && done != total)
      return;
    llvm::errs() << "\r" << label << ": " << done << "/" << total << " samples";
    llvm::errs().flush();
    shown = true;
  }

private:
  int64_t total;
  std::string label;
  bool enabled;
  bool shown = false;
};

} // namespace qcc

#endif // QCC_CALIBRATION_PROGRESSLINE_H
