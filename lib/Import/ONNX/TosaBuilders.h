//===- TosaBuilders.h - small TOSA building blocks for importers -*- C++
//-*-===//
//
// Helpers shared by the op importers: constants, reshapes and transposes
// that fold when their input is a constant, numpy broadcasting, and the
// scalar operands TOSA ops take (zero points, the mul shift).
//
//===----------------------------------------------------------------------===//

#ifndef QCC_LIB_IMPORT_ONNX_TOSABUILDERS_H
#define QCC_LIB_IMPORT_ONNX_TOSABUILDERS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"

#include <optional>

namespace qcc::onnx_import {

/// `tosa.const` holding `values`.
mlir::Value createConst(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::DenseElementsAttr values);
/// A `tensor<1x...x1xf32>` of rank `rank` holding `value`.
mlir::Value createF32Splat(mlir::OpBuilder &b, mlir::Location loc, float value,
                           int64_t rank);
/// A `tensor<1x...x1xelementType>` of rank `rank` holding `value` (integer
/// element types truncate it).
mlir::Value createScalarSplat(mlir::OpBuilder &b, mlir::Location loc,
                              double value, mlir::Type elementType,
                              int64_t rank);
/// A `!tosa.shape` constant.
mlir::Value createConstShape(mlir::OpBuilder &b, mlir::Location loc,
                             llvm::ArrayRef<int64_t> values);
/// The zero-point operand conv, pool and matmul take for `elementType`.
mlir::Value createZeroPoint(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Type elementType);

/// `tosa.reshape` of `input` to `shape` (no-op when the shape matches).
mlir::Value createReshape(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value input, llvm::ArrayRef<int64_t> shape);
/// `tosa.transpose` of `input` by `perms` (no-op for the identity).
mlir::Value createTranspose(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value input, llvm::ArrayRef<int64_t> perms);
/// `tosa.slice` of `input` from `start` with `size`.
mlir::Value createSlice(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value input, llvm::ArrayRef<int64_t> start,
                        llvm::ArrayRef<int64_t> size);
/// `tosa.mul` with its zero shift.
mlir::Value createMul(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                      mlir::Value rhs);

/// `tosa.tile` of `input` by `multiples` (no-op when all are 1).
mlir::Value createTile(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value input, llvm::ArrayRef<int64_t> multiples);
/// `tosa.pad` of `input` with `value`; `padding` holds (before, after) pairs
/// per dimension.
mlir::Value createPad(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value input, llvm::ArrayRef<int64_t> padding,
                      double value);
/// `input` broadcast (numpy rules) to `shape`, which it must be compatible
/// with: unit dimensions are prepended, then tiled.
mlir::Value createBroadcastTo(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value input, llvm::ArrayRef<int64_t> shape);

/// Sums `input` over `axes` (which must be valid and distinct), keeping them
/// as unit dimensions.
mlir::Value createReduceSum(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value input, llvm::ArrayRef<int64_t> axes);

/// Reshapes `input` to `rank` by prepending unit dimensions.
mlir::Value expandToRank(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value input, int64_t rank);

/// The numpy broadcast of two shapes, or nullopt if they are incompatible.
std::optional<llvm::SmallVector<int64_t>>
getBroadcastShape(llvm::ArrayRef<int64_t> lhs, llvm::ArrayRef<int64_t> rhs);

/// The shape `shape` takes after `perms` (result[i] = shape[perms[i]]).
llvm::SmallVector<int64_t> permuteShape(llvm::ArrayRef<int64_t> shape,
                                        llvm::ArrayRef<int64_t> perms);

//===----------------------------------------------------------------------===//
// Constant data
//===----------------------------------------------------------------------===//

/// `values` transposed by `perms`, computed at import time.
mlir::DenseElementsAttr transposeConstant(mlir::DenseElementsAttr values,
                                          llvm::ArrayRef<int64_t> perms);
/// The values of an integer or float constant as int64 (truncating floats).
llvm::SmallVector<int64_t> getIntValues(mlir::DenseElementsAttr values);
/// The values of a float or integer constant as double.
llvm::SmallVector<double> getDoubleValues(mlir::DenseElementsAttr values);
/// A `tensor<shape x i64>` constant.
mlir::DenseElementsAttr getI64Constant(mlir::MLIRContext *context,
                                       llvm::ArrayRef<int64_t> shape,
                                       llvm::ArrayRef<int64_t> values);
/// A constant of `type` (integer or float elements) from doubles.
mlir::DenseElementsAttr getConstantFromDoubles(mlir::RankedTensorType type,
                                               llvm::ArrayRef<double> values);

} // namespace qcc::onnx_import

#endif // QCC_LIB_IMPORT_ONNX_TOSABUILDERS_H
