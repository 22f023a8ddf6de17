//===- GenericBuilder.h - small builders for linalg.generic -----*- C++ -*-===//

#ifndef QCC_LIB_CONVERSION_QCCTOLINALG_GENERICBUILDER_H
#define QCC_LIB_CONVERSION_QCCTOLINALG_GENERICBUILDER_H

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace qcc {

using BodyBuilder = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// The map reading an operand of `operandShape` inside a loop nest over
/// `resultShape` with numpy broadcasting (size-1 dimensions read index 0).
mlir::AffineMap getBroadcastMap(mlir::MLIRContext *context,
                                llvm::ArrayRef<int64_t> operandShape,
                                llvm::ArrayRef<int64_t> resultShape);

/// The map reading a per-channel parameter vector in a loop nest of `rank`
/// loops: element `axis`, or element 0 when `axis` is negative (per-tensor).
mlir::AffineMap getParameterMap(mlir::MLIRContext *context, unsigned rank,
                                int64_t axis);

/// A constant 1-D tensor of `width`-bit integers.
mlir::Value createIntVector(mlir::OpBuilder &b, mlir::Location loc,
                            llvm::ArrayRef<int64_t> values, unsigned width);

/// A constant 1-D tensor of f32.
mlir::Value createF32Vector(mlir::OpBuilder &b, mlir::Location loc,
                            llvm::ArrayRef<double> values);

/// An all-parallel linalg.generic producing `resultType`; `body` receives
/// the input elements (and the output element last) and returns the value
/// to yield.
mlir::Value buildParallelGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::RankedTensorType resultType,
                                 mlir::ValueRange inputs,
                                 llvm::ArrayRef<mlir::AffineMap> inputMaps,
                                 BodyBuilder body);

} // namespace qcc

#endif // QCC_LIB_CONVERSION_QCCTOLINALG_GENERICBUILDER_H
