// method=percentile on x = 0, 1, ..., 100: 101 samples of one value, in
// shuffled order, named input_0 after the unnamed argument.
// np.percentile(x, [1, 99]) = [1, 99], and of 2 x: [2, 198]. The clamp to
// [0, 6] takes the values 0, 2, 4 and 6 (98 times): its 1st and 99th
// percentiles are 2 and 6. p = 100 is minmax.

// RUN: %python -c "import numpy as np; x = np.random.default_rng(1).permutation(101).astype(np.float32).reshape(101, 1); np.savez('%t.npz', input_0=x)"
// RUN: qcc-opt %s --qcc-calibrate="data=%t.npz method=percentile percentile=99" | FileCheck %s --check-prefix=P99
// RUN: qcc-opt %s --qcc-calibrate="data=%t.npz method=percentile percentile=100" | FileCheck %s --check-prefix=P100

// P99: func.func @main(%[[X:.*]]: tensor<1xf32> {qcc.range = array<f64: 1.000000e+00, 9.900000e+01>})
// P99: tosa.mul {{.*}} {qcc.range = array<f64: 2.000000e+00, 1.980000e+02>}
// P99: tosa.clamp {{.*}} qcc.range = array<f64: 2.000000e+00, 6.000000e+00>}

// P100: func.func @main(%[[X:.*]]: tensor<1xf32> {qcc.range = array<f64: 0.000000e+00, 1.000000e+02>})
// P100: tosa.mul {{.*}} {qcc.range = array<f64: 0.000000e+00, 2.000000e+02>}
// P100: tosa.clamp {{.*}} qcc.range = array<f64: 0.000000e+00, 6.000000e+00>}
func.func @main(%x: tensor<1xf32>) -> tensor<1xf32> {
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %c = "tosa.const"() {values = dense<2.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.mul %x, %c, %shift : (tensor<1xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<1xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1xf32>) -> tensor<1xf32>
  return %1 : tensor<1xf32>
}
