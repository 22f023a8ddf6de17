//===- Profile.h - calibration statistics saved as JSON ---------*- C++ -*-===//
//
// A calibration profile records what calibration measured, tensor by tensor,
// so that a later compilation can derive every method's ranges from it
// without running the model (`qcc --save-profile` / `--load-profile`):
//
//   {
//     "format": "qcc-calibration-profile",
//     "version": 2,
//     "samples": 1000,
//     "histogram_bins": 2048,
//     "tensors": [
//       {"name": "image", "finite": 784000, "nonfinite": 0, "zeros": 0,
//        "min": -0.81019825, "max": 2.0227761,
//        "smallest": [...], "largest": [...],
//        "histogram": [2048 counts], "abs_histogram": [2048 counts],
//        "abs_point_masses": [2048 counts]},
//       ...
//     ]
//   }
//
// The fields are those of TensorStatistics (TensorStatistics.h); a tensor
// without finite values has only "name", "finite" (0) and "nonfinite".
// Numbers are written in their shortest round-trip form, so a profile
// reads back to the same doubles. Reading validates everything: the JSON
// syntax, format and version, field types, counts (non-negative integers),
// min <= max (finite), histogram lengths and sums (sum + zeros = finite),
// point masses (0, or from 2 to their abs_histogram bin's count), and the
// tails (sorted, within [min, max], starting at min and max).
// NaN and Infinity literals, which JSON lacks but Python writes, are
// reported as bad values of their field. Every error names the file and,
// where there is one, the tensor.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_PROFILE_H
#define QCC_CALIBRATION_PROFILE_H

#include "qcc/Calibration/TensorStatistics.h"

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"

#include <string>
#include <utility>
#include <vector>

namespace qcc {

inline constexpr llvm::StringLiteral kProfileFormat = "qcc-calibration-profile";
/// Version 2 added abs_point_masses (used by the entropy method); version 1
/// profiles are refused, since they cannot reproduce its ranges.
inline constexpr int64_t kProfileVersion = 2;

struct CalibrationProfile {
  /// How many calibration samples the statistics cover.
  int64_t samples = 0;
  /// By tensor name, in the model's order.
  std::vector<std::pair<std::string, TensorStatistics>> tensors;
};

/// Writes `profile` to `path` ('-' for stdout). Errors are emitted at `loc`.
mlir::LogicalResult writeCalibrationProfile(const CalibrationProfile &profile,
                                            llvm::StringRef path,
                                            mlir::Location loc);

/// Parses and validates the profile text `text` read from `path` (used in
/// messages). Errors are emitted at `loc`.
mlir::FailureOr<CalibrationProfile>
parseCalibrationProfile(llvm::StringRef text, llvm::StringRef path,
                        mlir::Location loc);

/// Reads `path`, then parseCalibrationProfile.
mlir::FailureOr<CalibrationProfile> readCalibrationProfile(llvm::StringRef path,
                                                           mlir::Location loc);

} // namespace qcc

#endif // QCC_CALIBRATION_PROFILE_H
