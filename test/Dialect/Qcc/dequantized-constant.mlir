// RUN: qcc-opt %s | qcc-opt | FileCheck %s

// Per-column int8 weights: one scale per column, blocks of all 4 rows.
// CHECK-LABEL: func.func @int8_per_column
// CHECK: %[[W:.*]] = qcc.dequantized_constant dense<{{\[\[}}1, 2], [3, 4], [5, 6], [7, -7]]> : tensor<4x2xi8>, dense<{{\[\[}}5.000000e-01, 2.500000e-01]]> : tensor<1x2xf32> {bits = 8 : i64} : tensor<4x2xf32>
// CHECK: return %[[W]]
func.func @int8_per_column() -> tensor<4x2xf32> {
  %w = qcc.dequantized_constant dense<[[1, 2], [3, 4], [5, 6], [7, -7]]> : tensor<4x2xi8>, dense<[[0.5, 0.25]]> : tensor<1x2xf32> {bits = 8 : i64} : tensor<4x2xf32>
  return %w : tensor<4x2xf32>
}

// Block-wise int4 weights with an odd innermost size: 3 values in 2 bytes
// per row, the last high nibble unused (0); two blocks of 2 rows.
// CHECK-LABEL: func.func @int4_blocks
// CHECK: qcc.dequantized_constant dense<{{\[\[}}33, 7], [-15, 9], [0, 0], [119, 0]]> : tensor<4x2xi8>, dense<{{\[\[}}1.000000e+00, 2.000000e+00, 5.000000e-01], [1.000000e+00, 1.000000e+00, 1.000000e+00]]> : tensor<2x3xf32> {bits = 4 : i64} : tensor<4x3xf32>
func.func @int4_blocks() -> tensor<4x3xf32> {
  %w = qcc.dequantized_constant dense<[[33, 7], [-15, 9], [0, 0], [119, 0]]> : tensor<4x2xi8>, dense<[[1.0, 2.0, 0.5], [1.0, 1.0, 1.0]]> : tensor<2x3xf32> {bits = 4 : i64} : tensor<4x3xf32>
  return %w : tensor<4x3xf32>
}
