//===- NpyFormat.h - reading NumPy .npy arrays ------------------*- C++ -*-===//
//
// A reader for the NumPy `.npy` format (versions 1.0, 2.0 and 3.0), the
// format `np.save` writes and `np.savez` stores inside `.npz` archives:
//
//   "\x93NUMPY" major minor header_len (u16 in 1.0, u32 in 2.0/3.0)
//   "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"  + padding
//   raw element data, C order
//
// Only plain numeric dtypes are accepted (no structured or object arrays);
// the reader never trusts a size or a count it has not checked against the
// bytes it was given, so any input yields an array or an error.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CALIBRATION_NPYFORMAT_H
#define QCC_CALIBRATION_NPYFORMAT_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace qcc {

/// The element kinds of the dtypes qcc reads.
enum class NpyKind { Float, SignedInt, UnsignedInt };

/// A little-endian numeric array read from a `.npy` file.
struct NpyArray {
  /// The dtype as the file spells it (`<f4`, `|u1`, ...), for diagnostics.
  std::string descr;
  NpyKind kind = NpyKind::Float;
  /// Bytes per element: 4 or 8 for floats, 1, 2, 4 or 8 for integers.
  unsigned itemSize = 0;
  llvm::SmallVector<int64_t> shape;
  /// The elements, C order, little-endian; points into `storage`.
  llvm::StringRef data;
  std::unique_ptr<llvm::MemoryBuffer> storage;

  int64_t getNumElements() const {
    return itemSize ? static_cast<int64_t>(data.size() / itemSize) : 0;
  }
};

/// Parses a complete `.npy` file held in `buffer` (which the result keeps).
/// Errors describe what is wrong without naming the file; callers add that.
llvm::Expected<NpyArray> parseNpy(std::unique_ptr<llvm::MemoryBuffer> buffer);

/// Formats a shape as `[2, 3]` for diagnostics.
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace qcc

#endif // QCC_CALIBRATION_NPYFORMAT_H
