// RUN: qcc-opt %s -split-input-file -verify-diagnostics

// The dialect verifies every qcc.* attribute wherever it appears, on ops of
// any dialect, function arguments, results and the module, when the IR is
// parsed; no qcc op needs to be present.

// A range runs from min to max.
// expected-error @+1 {{'func.func' op argument #0 'qcc.range' must be finite with min <= max, not [2.000000e+00, 1.000000e+00]}}
func.func @inverted_argument_range(%x: tensor<4xf32> {qcc.range = array<f64: 2.0, 1.0>}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// A range has two values.
func.func @range_arity(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.clamp' op 'qcc.range' must hold two values (min, max), not 3}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, qcc.range = array<f64: 0.0, 1.0, 2.0>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Ranges are finite.
func.func @infinite_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.clamp' op 'qcc.range' must be finite with min <= max}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, qcc.range = array<f64: 0.0, 0x7FF0000000000000>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A range is an array<f64>, not a list of floats.
func.func @range_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.clamp' op 'qcc.range' must be array<f64: min, max>, not [0.000000e+00, 1.000000e+00]}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, qcc.range = [0.0, 1.0]} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// qcc.ranges has one entry per result.
func.func @ranges_count(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.clamp' op 'qcc.ranges' must have one entry per result (1), not 2}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, qcc.ranges = [array<f64: 0.0, 1.0>, array<f64>]} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Precisions are a closed set.
func.func @bad_precision(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.clamp' op 'qcc.precision' must be "int8", "int16" or "float", not "int4"}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, qcc.precision = "int4"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Accumulators are 32 or 64 bits wide.
func.func @accumulator_bits(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.clamp' op 'qcc.accumulator_bits' must be 32 or 64, not 48 : i64}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, qcc.accumulator_bits = 48 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Layer indices are non-negative i64.
func.func @layer_index(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.clamp' op 'qcc.layer' must be a non-negative i64, not -1 : i64}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, qcc.layer = -1 : i64} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Names are strings on arguments and results, nowhere else.
// expected-error @+1 {{'func.func' op result #0 'qcc.name' must be a string, not 3 : i64}}
func.func @name_type(%x: tensor<4xf32>) -> (tensor<4xf32> {qcc.name = 3}) {
  return %x : tensor<4xf32>
}

// -----

func.func @name_on_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.clamp' op 'qcc.name' is only valid on function arguments and results}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, qcc.name = "y"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Boundary scales are positive.
// expected-error @+1 {{'func.func' op argument #0 'qcc.scale' must be a positive finite float, not 0.000000e+00 : f64}}
func.func @zero_scale(%x: tensor<4xi8> {qcc.scale = 0.0 : f64, qcc.zero_point = 0 : i64}) -> tensor<4xi8> {
  return %x : tensor<4xi8>
}

// -----

// qcc.unsigned is a unit attribute.
// expected-error @+1 {{'func.func' op argument #0 'qcc.unsigned' must be a unit attribute, not true}}
func.func @unsigned_bool(%x: tensor<4xi8> {qcc.unsigned = true}) -> tensor<4xi8> {
  return %x : tensor<4xi8>
}

// -----

// Module attributes stay on the module.
// expected-error @+1 {{'func.func' op 'qcc.calibration_samples' is only valid on the module}}
func.func @samples_on_function(%x: tensor<4xf32>) -> tensor<4xf32> attributes {qcc.calibration_samples = 8 : i64} {
  return %x : tensor<4xf32>
}

// -----

// An unknown qcc.* attribute is a typo, not a silent no-op.
func.func @unknown(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tosa.clamp' op 'qcc.rnage' is not an attribute of the qcc dialect}}
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, qcc.rnage = array<f64: 0.0, 1.0>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
