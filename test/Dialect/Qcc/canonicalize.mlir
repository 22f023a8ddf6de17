// RUN: qcc-opt %s -canonicalize -split-input-file | FileCheck %s

// quantize(dequantize(q)) with the same type folds to q.
// CHECK-LABEL: func.func @roundtrip
// CHECK-SAME: (%[[Q:.*]]: tensor<4x!quant.uniform<i8:f32, 5.000000e-01:3>>)
// CHECK-NEXT: return %[[Q]]
func.func @roundtrip(%q: tensor<4x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.5:3>> {
  %d = qcc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4xf32>
  %r = qcc.quantize %d : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.5:3>>
}

// -----

// Different parameters are a real requantization and stay.
// CHECK-LABEL: func.func @different_scale
// CHECK: qcc.dequantize
// CHECK: qcc.quantize
func.func @different_scale(%q: tensor<4x!quant.uniform<i8:f32, 0.5:3>>) -> tensor<4x!quant.uniform<i8:f32, 0.25:3>> {
  %d = qcc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4xf32>
  %r = qcc.quantize %d : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:3>>
  return %r : tensor<4x!quant.uniform<i8:f32, 0.25:3>>
}

// -----

// 32-bit storage loses the exactness guarantee, so the pair is kept.
// CHECK-LABEL: func.func @wide_storage
// CHECK: qcc.dequantize
// CHECK: qcc.quantize
func.func @wide_storage(%q: tensor<4x!quant.uniform<i32:f32, 0.5>>) -> tensor<4x!quant.uniform<i32:f32, 0.5>> {
  %d = qcc.dequantize %q : tensor<4x!quant.uniform<i32:f32, 0.5>> -> tensor<4xf32>
  %r = qcc.quantize %d : tensor<4xf32> -> tensor<4x!quant.uniform<i32:f32, 0.5>>
  return %r : tensor<4x!quant.uniform<i32:f32, 0.5>>
}
