// Calibration shows its progress on a terminal only: one line on stderr,
// rewritten in place ("\r") and erased at the end, so no newline is
// written. When stderr is not a terminal (a log, a pipe) nothing is
// written, however many samples there are; progress=false silences the
// terminal too. `script` runs the command on a pseudo-terminal.

// RUN: %python -c "import numpy as np; np.savez('%t.npz', input_0=np.linspace(-1, 1, 2000, dtype=np.float32).reshape(1000, 2))"
// RUN: qcc-opt %s --qcc-calibrate=data=%t.npz -o %t.mlir 2>&1 | count 0
// RUN: script -qec "qcc-opt %s --qcc-calibrate=data=%t.npz -o %t.mlir" /dev/null > %t.tty
// RUN: tr -cd '\n' < %t.tty | wc -c | FileCheck %s --check-prefix=NEWLINES
// RUN: tr '\r' '\n' < %t.tty | FileCheck %s --check-prefix=TTY
// RUN: script -qec "qcc-opt %s --qcc-calibrate='data=%t.npz progress=false' -o %t.mlir" /dev/null | count 0

// NEWLINES: {{^}}0{{$}}
// TTY:      calibrating: 10/1000 samples
// TTY-NEXT: calibrating: 20/1000 samples
// TTY:      calibrating: 990/1000 samples
// TTY-NEXT: calibrating: 1000/1000 samples
// TTY-NEXT: {{.}}[K
// TTY-NOT:  calibrating
func.func @main(%x: tensor<2xf32>) -> tensor<2xf32> {
  %0 = tosa.abs %x : (tensor<2xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}
