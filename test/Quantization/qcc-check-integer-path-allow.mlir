// RUN: qcc-opt %s -qcc-check-integer-path=allow-float -verify-diagnostics

// With allow-float the island is only a warning.
func.func @island(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  %d = qcc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xf32>
  // expected-warning @+1 {{'tosa.exp' runs in float between quantized layers}}
  %e = tosa.exp %d : (tensor<4xf32>) -> tensor<4xf32>
  %q = qcc.quantize %e : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.1>>
}
