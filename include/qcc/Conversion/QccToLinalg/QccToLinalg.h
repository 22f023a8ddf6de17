//===- QccToLinalg.h - qcc ops to integer linalg ----------------*- C++ -*-===//

#ifndef QCC_CONVERSION_QCCTOLINALG_QCCTOLINALG_H
#define QCC_CONVERSION_QCCTOLINALG_QCCTOLINALG_H

#include "mlir/Transforms/DialectConversion.h"

namespace qcc {

/// Converts quantized tensor types to tensors of their storage type.
class QuantStorageTypeConverter : public mlir::TypeConverter {
public:
  QuantStorageTypeConverter();
};

/// quantize, dequantize, requantize, clamp, lookup, add, mul.
void populateQccElementwiseToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

/// conv2d and matmul with requantizing epilogues.
void populateQccContractionToLinalgPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

/// tosa.matmul of a dequantized_constant (weight-only quantization): one
/// contraction that dequantizes each weight as it multiplies it. Applied
/// before the conversion, in which tosa.matmul is legal.
void populateQccWeightFusionPatterns(mlir::RewritePatternSet &patterns);

/// dequantized_constant (weight-only quantization): integer storage and a
/// dequantizing linalg.generic.
void populateQccWeightToLinalgPatterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns);

/// softmax: row maximum, tabulated exponentials, one reciprocal per row.
void populateQccSoftmaxToLinalgPatterns(const mlir::TypeConverter &converter,
                                        mlir::RewritePatternSet &patterns);

/// max_pool2d, avg_pool2d and concat.
void populateQccPoolingToLinalgPatterns(const mlir::TypeConverter &converter,
                                        mlir::RewritePatternSet &patterns);

/// quant.scast and shape-only ops (reshapes, transposes, slices) whose only
/// change is the element type.
void populateQccStructuralTypeConversionPatterns(
    const mlir::TypeConverter &converter, mlir::RewritePatternSet &patterns);

/// Whether `op` only moves data, so that it works on any element type.
bool isElementTypeAgnostic(mlir::Operation *op);

} // namespace qcc

#endif // QCC_CONVERSION_QCCTOLINALG_QCCTOLINALG_H
