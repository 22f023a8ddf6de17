// method=entropy and method=mse on 500 samples of Laplace noise with a few
// outliers: every tensor's range (the input, 2 x, its clamp to [0, 6], the
// sum) matches the numpy reference of the methods
// (test/unittests/Calibration/histogram_reference.py), which recomputes the
// tensors, their 2048-bin histograms, point masses and the choices
// independently. Global entropy leaves the model's input x and its output
// (the sum) at minmax; naming them with method-for gives them KL too.

// RUN: %python -c "import numpy as np; x = np.random.default_rng(7).laplace(0, 1, (500, 1, 4)).astype(np.float32); x[3, 0, 1] = 40; x[9, 0, 2] = -25; np.savez('%t.npz', x=x)"
// RUN: qcc-opt %S/Inputs/model.mlir --qcc-calibrate="data=%t.npz method=entropy" -o %t.entropy.mlir
// RUN: %python %S/Inputs/check_ranges.py %t.entropy.mlir %t.npz entropy x=minmax tosa.add=minmax | FileCheck %s
// RUN: qcc-opt %S/Inputs/model.mlir --qcc-calibrate="data=%t.npz method=entropy method-for=x=entropy,tosa.add=entropy" -o %t.entropy-io.mlir
// RUN: %python %S/Inputs/check_ranges.py %t.entropy-io.mlir %t.npz entropy | FileCheck %s
// RUN: qcc-opt %S/Inputs/model.mlir --qcc-calibrate="data=%t.npz method=mse" -o %t.mse.mlir
// RUN: %python %S/Inputs/check_ranges.py %t.mse.mlir %t.npz mse | FileCheck %s
// CHECK: x: ok
// CHECK: tosa.mul: ok
// CHECK: tosa.clamp: ok
// CHECK: tosa.add: ok

// Entropy, where it applies to x, clips the outliers to a symmetric
// threshold well inside [-25, 40]; mse keeps them (their squared clipping
// error would outweigh the rounding noise the wide range costs the 2000
// other values), up to its last bins; global entropy keeps the input's
// observed range.
// RUN: FileCheck %s --check-prefix=CLIPPED < %t.entropy-io.mlir
// CLIPPED: func.func @main(%{{.*}}: tensor<1x4xf32> {qcc.name = "x", qcc.range = array<f64: -[[T:[0-9]\.[0-9]+]], [[T]]>})
// RUN: FileCheck %s --check-prefix=KEPT < %t.mse.mlir
// KEPT: func.func @main(%{{.*}}: tensor<1x4xf32> {qcc.name = "x", qcc.range = array<f64: -24.{{[0-9]+}}, 39.{{[0-9]+}}>})
// RUN: FileCheck %s --check-prefix=OBSERVED < %t.entropy.mlir
// OBSERVED: func.func @main(%{{.*}}: tensor<1x4xf32> {qcc.name = "x", qcc.range = array<f64: -2.500000e+01, 4.000000e+01>})

// All-zero and constant tensors keep their single value; a NaN in the data
// is rejected before calibration runs.
// RUN: %python -c "import numpy as np; np.savez('%t.zero.npz', x=np.zeros((3, 1, 4), np.float32)); np.savez('%t.const.npz', x=np.full((3, 1, 4), 1.5, np.float32))"
// RUN: qcc-opt %S/Inputs/model.mlir --qcc-calibrate="data=%t.zero.npz method=entropy" | FileCheck %s --check-prefix=ZERO
// RUN: qcc-opt %S/Inputs/model.mlir --qcc-calibrate="data=%t.zero.npz method=mse" | FileCheck %s --check-prefix=ZERO
// ZERO: qcc.range = array<f64: 0.000000e+00, 0.000000e+00>
// ZERO: tosa.mul {{.*}}qcc.range = array<f64: 0.000000e+00, 0.000000e+00>
// RUN: qcc-opt %S/Inputs/model.mlir --qcc-calibrate="data=%t.const.npz method=entropy" | FileCheck %s --check-prefix=CONST
// RUN: qcc-opt %S/Inputs/model.mlir --qcc-calibrate="data=%t.const.npz method=mse" | FileCheck %s --check-prefix=CONST
// CONST: qcc.range = array<f64: 1.500000e+00, 1.500000e+00>
// CONST: tosa.mul {{.*}}qcc.range = array<f64: 3.000000e+00, 3.000000e+00>
// CONST: tosa.add {{.*}}qcc.range = array<f64: 4.500000e+00, 4.500000e+00>
