// RUN: qcc-opt %s | qcc-opt | FileCheck %s

// Well-formed qcc.* attributes on ops, arguments, results and the module
// verify and round-trip.

// CHECK-LABEL: module attributes {qcc.calibration_samples = 8 : i64}
module attributes {qcc.calibration_samples = 8 : i64} {
  // CHECK: func.func @main(%{{.*}}: tensor<4xf32> {qcc.name = "x", qcc.range = array<f64: -1.000000e+00, 1.000000e+00>}) -> (tensor<4xf32> {qcc.name = "y"})
  func.func @main(%x: tensor<4xf32> {qcc.name = "x", qcc.range = array<f64: -1.0, 1.0>}) -> (tensor<4xf32> {qcc.name = "y"}) {
    // CHECK: tosa.clamp
    // CHECK-SAME: qcc.calibrated_range = array<f64: -1.000000e+00, 1.000000e+00>
    // CHECK-SAME: qcc.layer = 0 : i64
    // CHECK-SAME: qcc.precision = "int16"
    // CHECK-SAME: qcc.range = array<f64: 0.000000e+00, 1.000000e+00>
    %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, qcc.range = array<f64: 0.0, 1.0>, qcc.calibrated_range = array<f64: -1.0, 1.0>, qcc.precision = "int16", qcc.layer = 0 : i64} : (tensor<4xf32>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
  // CHECK: func.func private @main_int8(%{{.*}}: tensor<4xi8> {qcc.scale = 5.000000e-01 : f64, qcc.unsigned, qcc.zero_point = 3 : i64})
  // CHECK-SAME: qcc.integer_variant_of = @main
  func.func private @main_int8(%x: tensor<4xi8> {qcc.scale = 0.5 : f64, qcc.zero_point = 3 : i64, qcc.unsigned}) -> tensor<4xi8> attributes {qcc.integer_variant_of = @main} {
    return %x : tensor<4xi8>
  }
}
