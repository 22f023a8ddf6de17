// RUN: qcc-opt %s -split-input-file -verify-diagnostics -qcc-assign-precision='int16=/nope/Conv'

// A name that selects nothing is an error that lists the valid names.
// expected-error @+1 {{int16: '/nope/Conv' names no op of @net; valid: 'all', '/conv/Conv', 'tosa.conv2d', or an ONNX operator type of these ops}}
func.func @net(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32> loc("/conv/Conv")
  return %0 : tensor<1x2x2x1xf32>
}
