// RUN: qcc-opt %s -qcc-quantize-weights -split-input-file | FileCheck %s --check-prefix=INT8
// RUN: qcc-opt %s -qcc-quantize-weights=bits=4 -split-input-file | FileCheck %s --check-prefix=INT4
// RUN: qcc-opt %s -qcc-quantize-weights="bits=8 block-size=2" -split-input-file | FileCheck %s --check-prefix=BLOCK

// Matmul weights [1, K=4, N=2]. Column 0: max|w| = 2.54, s = f32(2.54/127)
// = f32(0.02); column 1: max|w| = 7 * 2^-3, int8 s = f32(7/1016),
// int4 s = 2^-3 exactly, so -0.3125 / s = -2.5 -> -2 and 0.1875 / s = 1.5 ->
// 2 (ties to even). int4 packs columns 0 and 1 of a row into one byte, column
// 0 in the low nibble: row 0 is (7, 7) -> 0x77 = 119.
// With blocks of 2 rows, rows 2-3 have their own scales: f32(0.02 / 127)
// and f32(0.1875 / 127).
// INT8-LABEL: func.func @matmul
// INT8: %[[W:.*]] = qcc.dequantized_constant dense<{{\[\[\[}}127, 127], [50, -45], [1, 27], [-1, 0]]]> : tensor<1x4x2xi8>, dense<{{\[\[\[}}2.000000e-02, 0.006889{{[0-9]*}}]]]> : tensor<1x1x2xf32> {bits = 8 : i64} : tensor<1x4x2xf32>
// INT8: tosa.matmul %{{.*}}, %[[W]]
// INT8-NOT: tosa.const{{.*}}1x4x2xf32
// INT4-LABEL: func.func @matmul
// INT4: qcc.dequantized_constant dense<{{\[\[\[}}119], [-29], [32], [0]]]> : tensor<1x4x1xi8>, dense<{{\[\[\[}}0.3628{{[0-9]*}}, 1.250000e-01]]]> : tensor<1x1x2xf32> {bits = 4 : i64} : tensor<1x4x2xf32>
// BLOCK-LABEL: func.func @matmul
// BLOCK: qcc.dequantized_constant dense<{{\[\[\[}}127, 127], [50, -45], [127, 127], [-127, 0]]]> : tensor<1x4x2xi8>, dense<{{\[\[\[}}2.000000e-02, 0.006889{{[0-9]*}}], [1.5748{{[0-9]*}}E-4, 0.001476{{[0-9]*}}]]]> : tensor<1x2x2xf32> {bits = 8 : i64} : tensor<1x4x2xf32>
func.func @matmul(%x: tensor<1x3x4xf32>) -> tensor<1x3x2xf32> {
  %w = "tosa.const"() {values = dense<[[[2.54, 0.875], [1.0, -0.3125], [0.02, 0.1875], [-0.02, 0.0]]]> : tensor<1x4x2xf32>} : () -> tensor<1x4x2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x3x4xf32>, tensor<1x4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  return %y : tensor<1x3x2xf32>
}

// -----

// Convolution weights (OHWI) get one scale per output channel; an all-zero
// channel gets scale 1. Blocks apply to matmuls only.
// INT8-LABEL: func.func @conv
// INT8: qcc.dequantized_constant dense<{{\[\[\[\[}}127, -64]]], {{\[\[\[}}0, 0]]]]> : tensor<2x1x1x2xi8>, dense<{{\[\[\[\[}}0.007874{{[0-9]*}}]]], {{\[\[\[}}1.000000e+00]]]]> : tensor<2x1x1x1xf32> {bits = 8 : i64} : tensor<2x1x1x2xf32>
// BLOCK-LABEL: func.func @conv
// BLOCK: tensor<2x1x1x1xf32> {bits = 8 : i64}
func.func @conv(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[1.0, -0.5]]], [[[0.0, 0.0]]]]> : tensor<2x1x1x2xf32>} : () -> tensor<2x1x1x2xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %y : tensor<1x4x4x2xf32>
}

// -----

// Weights that are not constants, and non-finite weights, stay float.
// INT8-LABEL: func.func @not_constant
// INT8-NOT: qcc.dequantized_constant
// INT8: tosa.matmul
// INT8: tosa.matmul
func.func @not_constant(%x: tensor<1x1x2xf32>, %w: tensor<1x2x2xf32>) -> (tensor<1x1x2xf32>, tensor<1x1x2xf32>) {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %inf = "tosa.const"() {values = dense<[[[1.0, 0x7F800000], [0.5, 0.25]]]> : tensor<1x2x2xf32>} : () -> tensor<1x2x2xf32>
  %y = tosa.matmul %x, %w, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %z = tosa.matmul %x, %inf, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  return %y, %z : tensor<1x1x2xf32>, tensor<1x1x2xf32>
}
