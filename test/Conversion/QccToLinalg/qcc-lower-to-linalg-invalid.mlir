// RUN: qcc-opt %s -qcc-lower-to-linalg -split-input-file -verify-diagnostics

// A rescaling factor of 1e10 needs more than 31 bits of integer part.
func.func @huge_multiplier(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 1.0e9>>
  // expected-error @+2 {{cannot be represented as a fixed-point multiplier}}
  // expected-error @+1 {{failed to legalize operation 'qcc.requantize'}}
  %y = qcc.requantize %q : tensor<4x!quant.uniform<i8:f32, 1.0e9>> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %r = quant.scast %y : tensor<4x!quant.uniform<i8:f32, 0.1>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// The folded bias must still fit in int32.
func.func @bias_overflow(%x: tensor<1x1x1x1xi8>) -> tensor<1x1x1x1xi8> {
  %q = quant.scast %x : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8:f32, 0.05:-128>>
  %wi = arith.constant dense<127> : tensor<1x1x1x1xi8>
  %w = quant.scast %wi : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<2147483600> : tensor<1xi32>
  // expected-error @+2 {{folded bias of channel 0 (2147499856) does not fit in int32}}
  // expected-error @+1 {{failed to legalize operation 'qcc.conv2d'}}
  %y = qcc.conv2d %q, %w, %b {pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x1x1x1x!quant.uniform<i8:f32, 0.05:-128>>, tensor<1x1x1x1x!quant.uniform<i8:f32, 0.01>>, tensor<1xi32>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
  %r = quant.scast %y : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>> to tensor<1x1x1x1xi8>
  return %r : tensor<1x1x1x1xi8>
}
