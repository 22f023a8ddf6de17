// Random data, ranges checked against numpy: Inputs/numpy_model.py evaluates
// the same model in float32 and compares every recorded range (min/max, and
// np.percentile(values, [100 - p, p])) with rtol = atol = 1e-5 (tosa.sigmoid
// is computed by qcc's own exp, numpy's reference in float64).

// RUN: %python %S/Inputs/numpy_model.py make %t.npz
// RUN: qcc-opt %s --qcc-calibrate=data=%t.npz -o %t.minmax.mlir
// RUN: %python %S/Inputs/numpy_model.py check %t.npz %t.minmax.mlir | FileCheck %s
// RUN: qcc-opt %s --qcc-calibrate="data=%t.npz method=percentile percentile=99" -o %t.p99.mlir
// RUN: %python %S/Inputs/numpy_model.py check %t.npz %t.p99.mlir --percentile 99 | FileCheck %s
// RUN: qcc-opt %s --qcc-calibrate="data=%t.npz method=percentile percentile=99.99" -o %t.p9999.mlir
// RUN: %python %S/Inputs/numpy_model.py check %t.npz %t.p9999.mlir --percentile 99.99 | FileCheck %s

// CHECK: checked 6 ranges, 0 wrong

func.func @main(%x: tensor<2x8xf32> {qcc.name = "image"}) -> tensor<2x8xf32> {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %w = "tosa.const"() {values = dense<[[0.5, -1.0, 2.0, 0.25, -0.75, 1.5, 3.0, -2.0]]> : tensor<1x8xf32>} : () -> tensor<1x8xf32>
  %b = "tosa.const"() {values = dense<[[0.1, 0.2, -0.3, 0.4, -0.5, 0.6, -0.7, 0.8]]> : tensor<1x8xf32>} : () -> tensor<1x8xf32>
  %0 = tosa.mul %x, %w, %shift : (tensor<2x8xf32>, tensor<1x8xf32>, tensor<1xi8>) -> tensor<2x8xf32>
  %1 = tosa.add %0, %b : (tensor<2x8xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
  %2 = tosa.clamp %1 {min_val = -1.0 : f32, max_val = 4.0 : f32} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %3 = tosa.sigmoid %2 : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %4 = tosa.sub %3, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %4 : tensor<2x8xf32>
}
