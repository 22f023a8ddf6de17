//===- CalibrationData.h - sample inputs for calibration --------*- C++ -*-===//
//
// Calibration data is a set of N samples for every model input, read from
//
//   * an `.npz` archive (`np.savez` or `np.savez_compressed`) with one array
//     per input, keyed by the input's name (entry `<name>.npy`), or
//   * a directory holding one `<name>.npy` file per input (other files are
//     ignored).
//
// Input names are the `qcc.name` argument attributes of the model function,
// or `input_<i>` where there is none (the names of the C ABI).
//
// Each array has shape [N, *input_shape]; exactly input_shape also works and
// means N = 1; when the input's leading dimension is 1 (a batch of one),
// [N, *input_shape[1:]] works too, stacking samples along the batch axis.
// Every input must have the same N > 0. Element types:
//
//   f32 and f64 inputs take float32 or float64 arrays (rounded to the input's
//   type); every value must be finite.
//   i8/i16/i32/i64 inputs take arrays of any integer dtype whose values all
//   fit the input's type.
//
// Every problem (a missing or extra array, a wrong dtype or shape, Fortran
// order, truncated or corrupt files, NaN/Inf values) is an error that names
// the file, the entry and the input.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_CALIBRATIONDATA_H
#define QCC_CALIBRATION_CALIBRATIONDATA_H

#include "qcc/Calibration/NpyFormat.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace qcc {

/// A model input that calibration data has to provide.
struct CalibrationInput {
  std::string name;
  /// Statically shaped, with an element type of the C ABI.
  mlir::RankedTensorType type;
};

/// The inputs of a model function as calibration data names them. Emits an
/// error on `func` and fails when an input cannot be fed from a file (not a
/// statically shaped tensor of f32, f64, i8, i16, i32 or i64).
mlir::FailureOr<std::vector<CalibrationInput>>
getCalibrationInputs(mlir::func::FuncOp func);

/// An array as read from a file, before it is checked against the model.
struct NamedArray {
  /// The key: the input name it claims to be for.
  std::string name;
  /// Where it came from, for diagnostics (`'data.npz' entry 'x.npy'`).
  std::string origin;
  NpyArray array;
};

class CalibrationData {
public:
  /// Reads the samples for `inputs` from an `.npz` archive or a directory of
  /// `.npy` files at `path`.
  static llvm::Expected<CalibrationData>
  load(llvm::StringRef path, llvm::ArrayRef<CalibrationInput> inputs);

  /// Checks `arrays` against `inputs` and converts them. `source` names the
  /// file or directory in diagnostics about missing arrays.
  static llvm::Expected<CalibrationData>
  fromArrays(llvm::StringRef source, std::vector<NamedArray> arrays,
             llvm::ArrayRef<CalibrationInput> inputs);

  int64_t getNumSamples() const { return numSamples; }
  unsigned getNumInputs() const { return inputs.size(); }
  const CalibrationInput &getInput(unsigned input) const {
    return inputs[input].input;
  }

  /// Sample `sample` of input `input`: its elements in C order, in the
  /// input's element type and the host's byte order, aligned for that type.
  const void *getSample(unsigned input, int64_t sample) const {
    const InputSamples &samples = inputs[input];
    return reinterpret_cast<const char *>(samples.storage.data()) +
           sample * samples.sampleBytes;
  }

private:
  struct InputSamples {
    CalibrationInput input;
    int64_t sampleBytes = 0;
    /// N samples back to back; uint64_t words keep every element type
    /// aligned.
    std::vector<uint64_t> storage;
  };

  CalibrationData() = default;

  std::vector<InputSamples> inputs;
  int64_t numSamples = 0;
};

} // namespace qcc

#endif // QCC_CALIBRATION_CALIBRATIONDATA_H
