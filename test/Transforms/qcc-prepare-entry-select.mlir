// RUN: qcc-opt %s -qcc-prepare-entry="entry=second prefix=m" | FileCheck %s

// The entry option selects among several public functions; the others
// become private.
// CHECK-LABEL: module attributes
// CHECK: func.func private @first
// CHECK: func.func @m_run(%{{.*}}: tensor<3xi32> {bufferization.writable = false}, %{{.*}}: memref<3xi32>)
func.func @first(%x: tensor<3xi32>) -> tensor<3xi32> {
  return %x : tensor<3xi32>
}
func.func @second(%x: tensor<3xi32>) -> tensor<3xi32> {
  return %x : tensor<3xi32>
}
