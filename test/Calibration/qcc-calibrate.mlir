// qcc-calibrate with np.savez data and method=minmax: the range of every op
// result and of the input, worked out by hand from the two samples:
//   x      [-1, 0.5, 2, 4]   [3, -2.5, 1, 0.25]   -> [-2.5, 4]
//   2 x    [-2, 1, 4, 8]     [6, -5, 2, 0.5]      -> [-5, 8]
//   clamp  [0, 1, 4, 6]      [6, 0, 2, 0.5]       -> [0, 6]
//   + x    [-1, 1.5, 6, 10]  [9, -2.5, 3, 0.75]   -> [-2.5, 10]

// RUN: %python -c "import numpy as np; np.savez('%t.npz', x=np.array([[[-1, 0.5, 2, 4]], [[3, -2.5, 1, 0.25]]], dtype=np.float32))"
// RUN: qcc-opt %s --qcc-calibrate=data=%t.npz | FileCheck %s
// The default method is minmax.
// RUN: qcc-opt %s --qcc-calibrate="data=%t.npz method=minmax" | FileCheck %s

// CHECK-LABEL: module attributes {qcc.calibration_samples = 2 : i64}
// CHECK: func.func @main(%[[X:.*]]: tensor<1x4xf32> {qcc.name = "x", qcc.range = array<f64: -2.500000e+00, 4.000000e+00>})
// Constants get no range.
// CHECK-DAG: "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
// CHECK-DAG: "tosa.const"() <{values = dense<2.000000e+00> : tensor<1x4xf32>}> : () -> tensor<1x4xf32>
// CHECK: %[[MUL:.*]] = tosa.mul %[[X]], {{.*}} {qcc.range = array<f64: -5.000000e+00, 8.000000e+00>}
// CHECK: %[[CLAMP:.*]] = tosa.clamp %[[MUL]] {max_val = 6.000000e+00 : f32, min_val = 0.000000e+00 : f32, qcc.range = array<f64: 0.000000e+00, 6.000000e+00>}
// CHECK: %[[ADD:.*]] = tosa.add %[[CLAMP]], %[[X]] {qcc.range = array<f64: -2.500000e+00, 1.000000e+01>}
// CHECK: return %[[ADD]]
func.func @main(%x: tensor<1x4xf32> {qcc.name = "x"}) -> tensor<1x4xf32> {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = "tosa.const"() {values = dense<2.0> : tensor<1x4xf32>} : () -> tensor<1x4xf32>
  %0 = tosa.mul %x, %c, %shift : (tensor<1x4xf32>, tensor<1x4xf32>, tensor<1xi8>) -> tensor<1x4xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %2 = tosa.add %1, %x : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %2 : tensor<1x4xf32>
}
