// RUN: qcc-opt %s -qcc-lower-memref-copies | FileCheck %s

// A strided copy would need MLIR's runtime library; it becomes linalg.copy.
// CHECK-LABEL: func.func @strided
// CHECK-SAME: (%[[SRC:.*]]: memref<4x4xf32>, %[[DST:.*]]: memref<8x8xf32>)
// CHECK: %[[SUB:.*]] = memref.subview %[[DST]]
// CHECK-NEXT: linalg.copy ins(%[[SRC]] : memref<4x4xf32>) outs(%[[SUB]] : memref<4x4xf32, strided<[8, 1], offset: 18>>)
// CHECK-NOT: memref.copy
func.func @strided(%src: memref<4x4xf32>, %dst: memref<8x8xf32>) {
  %sub = memref.subview %dst[2, 2] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1], offset: 18>>
  memref.copy %src, %sub : memref<4x4xf32> to memref<4x4xf32, strided<[8, 1], offset: 18>>
  return
}

// Contiguous copies take the same route, so no copy ever needs a runtime.
// CHECK-LABEL: func.func @contiguous
// CHECK: linalg.copy ins(%{{.*}} : memref<16xi8>) outs(%{{.*}} : memref<16xi8>)
func.func @contiguous(%src: memref<16xi8>, %dst: memref<16xi8>) {
  memref.copy %src, %dst : memref<16xi8> to memref<16xi8>
  return
}

// Unranked copies are left alone (they are rejected later by the LLVM stage
// contract rather than miscompiled).
// CHECK-LABEL: func.func @unranked
// CHECK: memref.copy
func.func @unranked(%src: memref<*xf32>, %dst: memref<*xf32>) {
  memref.copy %src, %dst : memref<*xf32> to memref<*xf32>
  return
}
