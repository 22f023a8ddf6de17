// RUN: not qcc-opt %s -qcc-quantize-weights=bits=5 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not qcc-opt %s -qcc-quantize-weights=block-size=-2 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not qcc-opt %s -qcc-quantize-weights=block-size=3 2>&1 | FileCheck %s --check-prefix=DIVIDE
// RUN: qcc-opt %s -qcc-quantize-weights=block-size=2 | FileCheck %s --check-prefix=OK

// BITS: error: qcc-quantize-weights: bits must be 8 or 4, got 5
// NEGATIVE: error: qcc-quantize-weights: block-size must be positive, got -2
// A block size that does not divide K is a diagnostic at the matmul.
// DIVIDE: qcc-quantize-weights-invalid.mlir:[[@LINE+6]]:8: error: weight block size 3 does not divide the reduction dimension K = 4
// OK: qcc.dequantized_constant {{.*}} : tensor<1x2x2xf32> {bits = 8 : i64} : tensor<1x4x2xf32>
func.func @matmul(%x: tensor<1x3x4xf32>) -> tensor<1x3x2xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<1x4x2xf32>} : () -> tensor<1x4x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  // The matmul.
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x3x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  return %y : tensor<1x3x2xf32>
}
