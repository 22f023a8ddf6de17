// Long runs report progress on stderr (here not a terminal: one line per
// tenth of the samples); progress=false silences it; short runs print
// nothing.

// RUN: %python -c "import numpy as np; np.savez('%t.npz', input_0=np.linspace(-1, 1, 2000, dtype=np.float32).reshape(1000, 2))"
// RUN: qcc-opt %s --qcc-calibrate=data=%t.npz -o %t.mlir 2>&1 | FileCheck %s
// RUN: qcc-opt %s --qcc-calibrate="data=%t.npz progress=false" -o %t.mlir 2>&1 | count 0
// RUN: %python -c "import numpy as np; np.savez('%t.short.npz', input_0=np.ones((999, 2), np.float32))"
// RUN: qcc-opt %s --qcc-calibrate=data=%t.short.npz -o %t.mlir 2>&1 | count 0

// CHECK:      calibrating: 100/1000 samples
// CHECK-NEXT: calibrating: 200/1000 samples
// CHECK:      calibrating: 900/1000 samples
// CHECK-NEXT: calibrating: 1000/1000 samples
// CHECK-NOT:  calibrating
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = tosa.abs %x : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
