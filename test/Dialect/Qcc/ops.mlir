// RUN: qcc-opt %s | qcc-opt | FileCheck %s

// Per-tensor quantization round-trips through the custom assembly format.
// CHECK-LABEL: func.func @per_tensor
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xf32>)
// CHECK: %[[Q:.*]] = qcc.quantize %[[X]] : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01:-3>>
// CHECK-NEXT: %[[D:.*]] = qcc.dequantize %[[Q]] : tensor<2x3x!quant.uniform<i8:f32, 5.000000e-01:-3>> -> tensor<2x3xf32>
// CHECK-NEXT: return %[[D]]
func.func @per_tensor(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %q = qcc.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>>
  %d = qcc.dequantize %q : tensor<2x3x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// Per-axis parameters: one (scale, zero point) per channel of axis 1.
// CHECK-LABEL: func.func @per_axis
// CHECK: qcc.quantize %{{.*}} : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<i8:f32:1, {2.500000e-01,1.250000e-01:5}>>
func.func @per_axis(%x: tensor<4x2xf32>) -> tensor<4x2x!quant.uniform<i8:f32:1, {0.25, 0.125:5}>> {
  %q = qcc.quantize %x : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<i8:f32:1, {0.25, 0.125:5}>>
  return %q : tensor<4x2x!quant.uniform<i8:f32:1, {0.25, 0.125:5}>>
}

// Unsigned and 16-bit storage types are accepted.
// CHECK-LABEL: func.func @storage_types
// CHECK: qcc.quantize %{{.*}} : tensor<8xf32> -> tensor<8x!quant.uniform<u8:f32, 1.000000e-01:128>>
// CHECK: qcc.quantize %{{.*}} : tensor<8xf32> -> tensor<8x!quant.uniform<i16:f32, 1.000000e-03>>
func.func @storage_types(%x: tensor<8xf32>) -> (tensor<8x!quant.uniform<u8:f32, 0.1:128>>, tensor<8x!quant.uniform<i16:f32, 0.001>>) {
  %a = qcc.quantize %x : tensor<8xf32> -> tensor<8x!quant.uniform<u8:f32, 0.1:128>>
  %b = qcc.quantize %x : tensor<8xf32> -> tensor<8x!quant.uniform<i16:f32, 0.001>>
  return %a, %b : tensor<8x!quant.uniform<u8:f32, 0.1:128>>, tensor<8x!quant.uniform<i16:f32, 0.001>>
}
