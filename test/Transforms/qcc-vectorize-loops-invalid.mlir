// RUN: not qcc-opt %s -qcc-vectorize-loops='vector-size=1' 2>&1 | FileCheck %s

// A vector of one element is no vector.
// CHECK: error: qcc-vectorize-loops: vector-size must be at least 2, not 1
func.func @f(%a: memref<64xf32>) {
  return
}
