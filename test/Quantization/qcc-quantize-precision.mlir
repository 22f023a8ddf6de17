// RUN: qcc-opt %s -qcc-quantize -split-input-file | FileCheck %s
// RUN: qcc-opt %s -qcc-quantize=activation-type=uint8 -split-input-file | FileCheck %s --check-prefix=U8

// 16x8: input [-1, 1] -> symmetric int16 with 2x headroom,
// s = f32(2/32767), z = 0; weights stay narrow int8; int64 bias (16x8
// accumulates in int64) 0.2 / (s_x * s_w) = 0.2 / (f32(2/32767) *
// f32(f32(0.1)/127)) = 4161409.02 -> 4161409 (numpy); output [0, 3] ->
// s = f32(6/32767), relu clamps at 0.
// CHECK-LABEL: func.func @conv_int16
// CHECK-DAG: arith.constant dense<127> : tensor<2x1x1x1xi8>
// CHECK-DAG: arith.constant dense<4161409> : tensor<2xi64>
// CHECK: qcc.quantize %{{.*}} : tensor<1x4x4x1xf32> -> tensor<1x4x4x1x!quant.uniform<i16:f32, 6.1037018895149231E-5>>
// CHECK: qcc.conv2d {{.*}}clamp_max = 32767 : i64, clamp_min = 0 : i64
// CHECK-SAME: -> tensor<1x4x4x2x!quant.uniform<i16:f32, 1.8311105668544769E-4>>
// U8-LABEL: func.func @conv_int16
// U8: qcc.conv2d {{.*}} -> tensor<1x4x4x2x!quant.uniform<i16:f32
func.func @conv_int16(%x: tensor<1x4x4x1xf32> {qcc.range = array<f64: -1.0, 1.0>}) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() {values = dense<0.1> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.2> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, qcc.range = array<f64: -2.0, 3.0>, qcc.precision = "int16"} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.4e38 : f32, qcc.range = array<f64: 0.0, 3.0>} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %1 : tensor<1x4x4x2xf32>
}

// -----

// An int8 layer feeding an int16 one and back: the values are requantized
// where the precision changes; the int16 layer's input type comes from the
// producer's range [0, 2] (s = 2 * 2/32767 with the headroom), not from its
// int8 type. With
// activation-type=uint8 the int8-precision values are asymmetric uint8.
// CHECK-LABEL: func.func @mixed
// CHECK: %[[A:.*]] = qcc.conv2d {{.*}} -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.0078431377187371254:-128>>
// CHECK: %[[R:.*]] = qcc.requantize %[[A]] {{.*}} -> tensor<1x2x2x1x!quant.uniform<i16:f32, 1.2207403779029846E-4>>
// CHECK: %[[B:.*]] = qcc.conv2d %[[R]]{{.*}} -> tensor<1x2x2x1x!quant.uniform<i16:f32, 2.4414807558059692E-4>>
// CHECK: %[[S:.*]] = qcc.requantize %[[B]] {{.*}} -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.015686275437474251:-128>>
// CHECK: qcc.max_pool2d %[[S]]
// U8-LABEL: func.func @mixed
// U8: qcc.quantize %{{.*}} -> tensor<1x2x2x1x!quant.uniform<u8:f32, 0.0039215688593685627>>
// U8: qcc.conv2d {{.*}} -> tensor<1x2x2x1x!quant.uniform<u8:f32, 0.0078431377187371254>>
// U8: qcc.requantize {{.*}} -> tensor<1x2x2x1x!quant.uniform<i16:f32, 1.2207403779029846E-4>>
// U8: qcc.requantize {{.*}} -> tensor<1x2x2x1x!quant.uniform<u8:f32, 0.015686275437474251>>
func.func @mixed(%x: tensor<1x2x2x1xf32> {qcc.range = array<f64: 0.0, 1.0>}) -> tensor<1x1x1x1xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, qcc.range = array<f64: 0.0, 2.0>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %1 = tosa.conv2d %0, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, qcc.range = array<f64: 0.0, 4.0>, qcc.precision = "int16"} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %2 = tosa.max_pool2d %1 {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32>
  return %2 : tensor<1x1x1x1xf32>
}

// -----

// "float" leaves the op alone; the clamp after it is still quantized.
// CHECK-LABEL: func.func @keep_float
// CHECK: %[[C:.*]] = tosa.conv2d {{.*}}qcc.precision = "float"
// CHECK: qcc.quantize %[[C]]
// CHECK: qcc.requantize
// U8-LABEL: func.func @keep_float
// U8: tosa.conv2d {{.*}}qcc.precision = "float"
func.func @keep_float(%x: tensor<1x2x2x1xf32> {qcc.range = array<f64: 0.0, 1.0>}) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, qcc.range = array<f64: -1.0, 2.0>, qcc.precision = "float"} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 1.0 : f32, qcc.range = array<f64: 0.0, 1.0>} : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  return %1 : tensor<1x2x2x1xf32>
}

// -----

// The same bias in 16x8: 1000 / (f32(2/32767) * f32(f32(0.001)/127)) =
// 2080704471235.68 -> 2080704471236 (numpy), far beyond int32, held by the
// int64 bias of the int64 accumulator.
// CHECK-LABEL: func.func @bias_beyond_int32
// CHECK: arith.constant dense<2080704471236> : tensor<1xi64>
// CHECK: qcc.conv2d
func.func @bias_beyond_int32(%x: tensor<1x2x2x1xf32> {qcc.range = array<f64: -1.0, 1.0>}) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<0.001> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<1000.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qcc.range = array<f64: 0.0, 1001.0>, qcc.precision = "int16"} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}
