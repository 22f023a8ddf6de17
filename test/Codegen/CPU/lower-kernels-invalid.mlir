// RUN: qcc-opt %s -qcc-cpu-lower-kernels -verify-diagnostics

// Kernels become calls only once they work on buffers.
func.func @not_bufferized(%x: tensor<4x8xi8>, %z: tensor<8xi8>, %w: tensor<128xi8>, %b: tensor<16xi32>, %init: tensor<4x16xi8>) -> tensor<4x16xi8> {
  // expected-error @+1 {{'qcc_cpu.conv_kernel' op must be bufferized before it is lowered to a call}}
  %y = qcc_cpu.conv_kernel @k(%x, %z, %w, %b : tensor<4x8xi8>, tensor<8xi8>, tensor<128xi8>, tensor<16xi32>) outs(%init : tensor<4x16xi8>) {geometry = array<i32: 1, 4, 8, 8, 1, 4, 16, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0>, scalars = []} -> tensor<4x16xi8>
  return %y : tensor<4x16xi8>
}
