// RUN: qcc-opt %s -qcc-quantize -split-input-file -verify-diagnostics

// Only int8, int16 and float are precisions.
func.func @bad_precision(%x: tensor<4xf32> {qcc.range = array<f64: 0.0, 1.0>}) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.clamp' op 'qcc.precision' must be "int8", "int16" or "float", not "int4"}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 1.0 : f32, qcc.range = array<f64: 0.0, 1.0>, qcc.precision = "int4"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// The precision is a string.
func.func @not_a_string(%x: tensor<4xf32> {qcc.range = array<f64: 0.0, 1.0>}) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.clamp' op 'qcc.precision' must be "int8", "int16" or "float", not 16 : i64}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 1.0 : f32, qcc.range = array<f64: 0.0, 1.0>, qcc.precision = 16} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// An infinite bias fits no integer: an int8 layer cannot hold it. (A
// finite one always fits: the weight scale grows until it does, see
// qcc-quantize-weight-scale-floor.mlir.)
func.func @bias_beyond_int32(%x: tensor<1x2x2x1xf32> {qcc.range = array<f64: -1.0, 1.0>}) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<0.001> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<0x7F800000> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  // expected-error @+1 {{bias INF of channel 0 does not fit in int32 at scale}}
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qcc.range = array<f64: 0.0, 1001.0>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}
