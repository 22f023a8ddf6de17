// RUN: qcc-opt %s -split-input-file -verify-diagnostics

// The geometry has the 17 fields of qcc_conv2d_geometry.
func.func @geometry(%x: tensor<4x8xi8>, %z: tensor<8xi8>, %w: tensor<128xi8>, %b: tensor<16xi32>, %init: tensor<4x16xi8>) -> tensor<4x16xi8> {
  // expected-error @+1 {{'qcc_cpu.conv_kernel' op geometry must have 17 values, not 2}}
  %y = qcc_cpu.conv_kernel @k(%x, %z, %w, %b : tensor<4x8xi8>, tensor<8xi8>, tensor<128xi8>, tensor<16xi32>) outs(%init : tensor<4x16xi8>) {geometry = array<i32: 1, 4>, scalars = []} -> tensor<4x16xi8>
  return %y : tensor<4x16xi8>
}

// -----

// Input, zero row, weights, bias, and for int8 kernels multiplier and shift.
func.func @inputs(%x: tensor<4x8xi8>, %init: tensor<4x16xi8>) -> tensor<4x16xi8> {
  // expected-error @+1 {{expected input, zero_row, weights, bias and, for int8 kernels, multiplier and shift; got 1 inputs}}
  %y = qcc_cpu.conv_kernel @k(%x : tensor<4x8xi8>) outs(%init : tensor<4x16xi8>) {geometry = array<i32: 1, 4, 8, 8, 1, 4, 16, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0>, scalars = []} -> tensor<4x16xi8>
  return %y : tensor<4x16xi8>
}

// -----

// Tensors and memrefs do not mix.
func.func @mixed(%x: memref<4x8xi8>, %z: tensor<8xi8>, %w: tensor<128xi8>, %b: tensor<16xi32>, %init: tensor<4x16xi8>) -> tensor<4x16xi8> {
  // expected-error @+1 {{operands must be all tensors or all memrefs}}
  %y = qcc_cpu.conv_kernel @k(%x, %z, %w, %b : memref<4x8xi8>, tensor<8xi8>, tensor<128xi8>, tensor<16xi32>) outs(%init : tensor<4x16xi8>) {geometry = array<i32: 1, 4, 8, 8, 1, 4, 16, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0>, scalars = []} -> tensor<4x16xi8>
  return %y : tensor<4x16xi8>
}

// -----

// On tensors the op returns its init's type.
func.func @result(%x: tensor<4x8xi8>, %z: tensor<8xi8>, %w: tensor<128xi8>, %b: tensor<16xi32>, %init: tensor<4x16xi8>) {
  // expected-error @+1 {{a kernel on tensors returns its init's type; on memrefs it returns nothing}}
  qcc_cpu.conv_kernel @k(%x, %z, %w, %b : tensor<4x8xi8>, tensor<8xi8>, tensor<128xi8>, tensor<16xi32>) outs(%init : tensor<4x16xi8>) {geometry = array<i32: 1, 4, 8, 8, 1, 4, 16, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0>, scalars = []}
  return
}

// -----

// Scalars are integers or floats.
func.func @scalars(%x: tensor<4x8xi8>, %z: tensor<8xi8>, %w: tensor<128xi8>, %b: tensor<16xi32>, %init: tensor<4x16xi8>) -> tensor<4x16xi8> {
  // expected-error @+1 {{scalars must be integer or float attributes, not "zero"}}
  %y = qcc_cpu.conv_kernel @k(%x, %z, %w, %b : tensor<4x8xi8>, tensor<8xi8>, tensor<128xi8>, tensor<16xi32>) outs(%init : tensor<4x16xi8>) {geometry = array<i32: 1, 4, 8, 8, 1, 4, 16, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0>, scalars = ["zero"]} -> tensor<4x16xi8>
  return %y : tensor<4x16xi8>
}
