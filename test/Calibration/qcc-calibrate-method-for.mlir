// method-for overrides the method per tensor. The model has two tosa.add
// ops, so its tensors are named x, tosa.add#0, tosa.clamp and tosa.add#1;
// `tosa.add` names both adds. Two samples, ranges by hand:
//   x         [-1, 0.5, 2, 4]   [3, -2.5, 1, 0.25]  minmax [-2.5, 4]
//   x + x     [-2, 1, 4, 8]     [6, -5, 2, 0.5]     minmax [-5, 8], median 1.5
//   clamp     [0, 1, 4, 6]      [6, 0, 2, 0.5]      minmax [0, 6],  median 1.5
//   clamp + x [-1, 1.5, 6, 10]  [9, -2.5, 3, 0.75]  minmax [-2.5, 10], median 2.25
// (percentile=50 gives [median, median].)

// RUN: %python -c "import numpy as np; np.savez('%t.npz', x=np.array([[[-1, 0.5, 2, 4]], [[3, -2.5, 1, 0.25]]], dtype=np.float32))"

// One name for both adds; a later override wins for the second.
// RUN: qcc-opt %s --qcc-calibrate="data=%t.npz method-for=tosa.add=percentile=50" | FileCheck %s --check-prefix=BOTH
// BOTH: func.func @main(%{{.*}}: tensor<1x4xf32> {qcc.name = "x", qcc.range = array<f64: -2.500000e+00, 4.000000e+00>})
// BOTH: tosa.add {{.*}}qcc.range = array<f64: 1.500000e+00, 1.500000e+00>
// BOTH: tosa.clamp {{.*}}qcc.range = array<f64: 0.000000e+00, 6.000000e+00>
// BOTH: tosa.add {{.*}}qcc.range = array<f64: 2.250000e+00, 2.250000e+00>
// RUN: qcc-opt %s --qcc-calibrate="data=%t.npz method-for=tosa.add=percentile=50,tosa.add#1=minmax,x=percentile=50" | FileCheck %s --check-prefix=LATER
// LATER: func.func @main(%{{.*}}: tensor<1x4xf32> {qcc.name = "x", qcc.range = array<f64: 7.500000e-01, 7.500000e-01>})
// LATER: tosa.add {{.*}}qcc.range = array<f64: 1.500000e+00, 1.500000e+00>
// LATER: tosa.clamp {{.*}}qcc.range = array<f64: 0.000000e+00, 6.000000e+00>
// LATER: tosa.add {{.*}}qcc.range = array<f64: -2.500000e+00, 1.000000e+01>

// A global method with an override back to minmax.
// RUN: qcc-opt %s --qcc-calibrate="data=%t.npz method=percentile percentile=50 method-for=tosa.clamp=minmax" | FileCheck %s --check-prefix=GLOBAL
// GLOBAL: tosa.add {{.*}}qcc.range = array<f64: 1.500000e+00, 1.500000e+00>
// GLOBAL: tosa.clamp {{.*}}qcc.range = array<f64: 0.000000e+00, 6.000000e+00>
// GLOBAL: tosa.add {{.*}}qcc.range = array<f64: 2.250000e+00, 2.250000e+00>

// Names that match no tensor, and malformed overrides.
// RUN: not qcc-opt %s --qcc-calibrate="data=%t.npz method-for=conv9=mse" 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// UNKNOWN: error: calibration method override 'conv9=mse': the model has no tensor named 'conv9' (its tensors: 'x', 'tosa.add#0', 'tosa.clamp', 'tosa.add#1')
// RUN: not qcc-opt %s --qcc-calibrate="data=%t.npz method-for=x=median" 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: invalid calibration method override 'x=median'; expected <tensor>=<method> with method minmax, percentile[=p] (50 <= p <= 100), entropy or mse
// RUN: not qcc-opt %s --qcc-calibrate="data=%t.npz method-for=x=percentile=10" 2>&1 | FileCheck %s --check-prefix=BADP
// BADP: error: invalid calibration method override 'x=percentile=10'
func.func @main(%x: tensor<1x4xf32> {qcc.name = "x"}) -> tensor<1x4xf32> {
  %0 = tosa.add %x, %x : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %2 = tosa.add %1, %x : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  return %2 : tensor<1x4xf32>
}
