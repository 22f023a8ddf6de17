// The same data as np.savez_compressed (deflate), as a directory of np.save
// files, and as np.savez: float64 data for an f32 input (stacked along the
// batch axis, [N, 4] for tensor<1x4xf32>) and int64 data for an i32 input.
// By hand:
//   x      [0.5, 1, 1.5, 2]   [-1, -2, -3, -4]     -> [-4, 2]
//   cast   [1, 2, 3, 4]       [10, 20, 30, 40]     -> [1, 40]
//   add    [1.5, 3, 4.5, 6]   [9, 18, 27, 36]      -> [1.5, 36]
// The integer input gets no range.

// RUN: rm -rf %t.dir && mkdir %t.dir
// RUN: %python -c "import numpy as np; x = np.array([[0.5, 1, 1.5, 2], [-1, -2, -3, -4]]); ids = np.array([[[1, 2, 3, 4]], [[10, 20, 30, 40]]], dtype=np.int64); np.savez_compressed('%t.npz', x=x, ids=ids); np.savez('%t.stored.npz', ids=ids, x=x); np.save('%t.dir/x.npy', x); np.save('%t.dir/ids.npy', ids)"
// RUN: qcc-opt %s --qcc-calibrate=data=%t.npz | FileCheck %s
// RUN: qcc-opt %s --qcc-calibrate=data=%t.stored.npz | FileCheck %s
// RUN: qcc-opt %s --qcc-calibrate=data=%t.dir | FileCheck %s

// CHECK-LABEL: module attributes {qcc.calibration_samples = 2 : i64}
// CHECK: func.func @main(%{{.*}}: tensor<1x4xf32> {qcc.name = "x", qcc.range = array<f64: -4.000000e+00, 2.000000e+00>}, %{{.*}}: tensor<1x4xi32> {qcc.name = "ids"})
// CHECK: tosa.cast {{.*}} {qcc.range = array<f64: 1.000000e+00, 4.000000e+01>}
// CHECK: tosa.add {{.*}} {qcc.range = array<f64: 1.500000e+00, 3.600000e+01>}
func.func @main(%x: tensor<1x4xf32> {qcc.name = "x"}, %ids: tensor<1x4xi32> {qcc.name = "ids"}) -> tensor<1x4xf32> {
  %f = tosa.cast %ids : (tensor<1x4xi32>) -> tensor<1x4xf32>
  %0 = tosa.add %x, %f : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}
