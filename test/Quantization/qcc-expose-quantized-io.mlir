// RUN: qcc-opt %s -qcc-expose-quantized-io -split-input-file | FileCheck %s

// An input only quantized and a result only dequantized: the integer variant
// takes and returns the stored int8 values and records their quantization.
// CHECK-LABEL: func.func @main(
// CHECK: qcc.quantize
// CHECK-LABEL: func.func private @main_int8(
// CHECK-SAME: %[[X:.*]]: tensor<4xi8> {qcc.scale = 5.000000e-01 : f64, qcc.zero_point = 3 : i64})
// CHECK-SAME: -> (tensor<4xi8> {qcc.scale = 2.500000e-01 : f64, qcc.zero_point = -1 : i64})
// CHECK-SAME: attributes {qcc.integer_variant_of = @main}
// CHECK-NEXT: %[[Q:.*]] = quant.scast %[[X]] : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 5.000000e-01:3>>
// CHECK-NEXT: %[[R:.*]] = qcc.requantize %[[Q]]
// CHECK-NEXT: %[[S:.*]] = quant.scast %[[R]] : tensor<4x!quant.uniform<i8:f32, 2.500000e-01:-1>> to tensor<4xi8>
// CHECK-NEXT: return %[[S]]
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qcc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  %r = qcc.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4x!quant.uniform<i8:f32, 0.25:-1>>
  %d = qcc.dequantize %r : tensor<4x!quant.uniform<i8:f32, 0.25:-1>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// An input also used in float has no integer form: no variant (negative case).
// CHECK-LABEL: func.func @mixed
// CHECK-NOT: @mixed_int8
func.func @mixed(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %q = qcc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  %d = qcc.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4xf32>
  return %d, %x : tensor<4xf32>, tensor<4xf32>
}

// -----

// uint8 storage is marked unsigned at the C boundary (uint8_t), int8 is not.
// CHECK-LABEL: func.func private @unsigned_int8(
// CHECK-SAME: tensor<4xi8> {qcc.scale = 5.000000e-01 : f64, qcc.unsigned, qcc.zero_point = 130 : i64})
// CHECK-SAME: -> (tensor<4xi8> {qcc.scale = 2.500000e-01 : f64, qcc.zero_point = -1 : i64})
func.func @unsigned(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qcc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<u8:f32, 0.5:130>>
  %r = qcc.requantize %q : tensor<4x!quant.uniform<u8:f32, 0.5:130>> -> tensor<4x!quant.uniform<i8:f32, 0.25:-1>>
  %d = qcc.dequantize %r : tensor<4x!quant.uniform<i8:f32, 0.25:-1>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}
