// RUN: qcc-opt %s -qcc-check-accumulators -split-input-file -verify-diagnostics

// |bias| + max|x - z_x| * sum|w| = 2147483600 + 255 * 127 = 2147515985
// > 2^31 - 1: the
// accumulator may overflow for x = 127.
func.func @overflow(%x: tensor<1x1x1x1xi8>) -> tensor<1x1x1x1xi8> {
  %q = quant.scast %x : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8:f32, 0.05:-128>>
  %wi = arith.constant dense<127> : tensor<1x1x1x1xi8>
  %w = quant.scast %wi : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<2147483600> : tensor<1xi32>
  // expected-error @+1 {{the int32 accumulator of output channel 0 may overflow: |acc| <= 2147515985 > 2^31 - 1}}
  %y = qcc.conv2d %q, %w, %b {pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x1x1x1x!quant.uniform<i8:f32, 0.05:-128>>, tensor<1x1x1x1x!quant.uniform<i8:f32, 0.01>>, tensor<1xi32>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
  %r = quant.scast %y : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>> to tensor<1x1x1x1xi8>
  return %r : tensor<1x1x1x1xi8>
}
