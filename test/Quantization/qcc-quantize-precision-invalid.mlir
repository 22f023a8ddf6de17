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
