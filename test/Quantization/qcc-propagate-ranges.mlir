// RUN: qcc-opt %s -split-input-file -qcc-propagate-ranges | FileCheck %s

// relu6 intersects the calibrated [-3, 9] with [0, 6]; transpose and max
// pooling keep their input's range; sigmoid is within [0, 1]; constants
// carry their extremes; concat takes the union.
// CHECK-LABEL: func.func @ranges
// CHECK: tosa.clamp {{.*}}qcc.range = array<f64: 0.000000e+00, 6.000000e+00>
// CHECK: tosa.transpose {{.*}}qcc.range = array<f64: 0.000000e+00, 6.000000e+00>
// CHECK: tosa.max_pool2d {{.*}}qcc.range = array<f64: 0.000000e+00, 6.000000e+00>
// CHECK: tosa.sigmoid {{.*}}qcc.range = array<f64: 0.000000e+00, 1.000000e+00>
// CHECK: "tosa.const"() {{.*}}qcc.range = array<f64: -2.000000e+00, 5.000000e+00>
// CHECK: tosa.concat {{.*}}qcc.range = array<f64: -2.000000e+00, 6.000000e+00>
func.func @ranges(%x: tensor<1x2x2x1xf32> {qcc.range = array<f64: -3.0, 9.0>}) -> (tensor<1x1x1x1xf32>, tensor<1x2x2x1xf32>, tensor<1x2x4x1xf32>) {
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 6.0 : f32, qcc.range = array<f64: -3.0, 9.0>} : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %1 = tosa.transpose %0 {perms = array<i32: 0, 2, 1, 3>} : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %2 = tosa.max_pool2d %1 {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>} : (tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32>
  %3 = tosa.sigmoid %x : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32>
  %c = "tosa.const"() {values = dense<[[[[-2.0], [5.0]], [[0.0], [1.0]]]]> : tensor<1x2x2x1xf32>} : () -> tensor<1x2x2x1xf32>
  %4 = tosa.concat %1, %c {axis = 2 : i32} : (tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>) -> tensor<1x2x4x1xf32>
  return %2, %3, %4 : tensor<1x1x1x1xf32>, tensor<1x2x2x1xf32>, tensor<1x2x4x1xf32>
}

// -----

// Without a range on its input, a ReLU (max_val = FLT_MAX) bounds nothing
// and gets no range: quantizing to [0, 3.4e38] would be meaningless. A
// ReLU6 is bounded on both sides and still gives [0, 6]; with an input
// range, the ReLU intersects it with [0, inf).
// CHECK-LABEL: func.func @unbounded_relu
// CHECK: %[[R:.*]] = tosa.clamp %arg0 {max_val = 3.40282347E+38 : f32, min_val = 0.000000e+00 : f32} :
// CHECK: tosa.clamp %[[R]] {{.*}}qcc.range = array<f64: 0.000000e+00, 6.000000e+00>
// CHECK: tosa.clamp %arg1 {{.*}}qcc.range = array<f64: 0.000000e+00, 2.000000e+00>
func.func @unbounded_relu(%x: tensor<4xf32>, %y: tensor<4xf32> {qcc.range = array<f64: -1.0, 2.0>}) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = tosa.clamp %x {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  %2 = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.40282347E+38 : f32} : (tensor<4xf32>) -> tensor<4xf32>
  return %1, %2 : tensor<4xf32>, tensor<4xf32>
}
