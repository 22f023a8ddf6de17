// RUN: qcc-opt %s -qcc-check-integer-path -split-input-file -verify-diagnostics
// RUN: not qcc-opt %s -split-input-file -qcc-check-integer-path="message='drop --integer-only to keep it float'" 2>&1 | FileCheck %s --check-prefix=MESSAGE
// Each error ends with the pipeline's message (the flag that resolves it).
// MESSAGE: error: 'tosa.exp' runs in float between quantized layers; drop --integer-only to keep it float

// A float op between two quantized layers is named.
func.func @island(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  %d = qcc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xf32>
  // expected-error @+1 {{'tosa.exp' runs in float between quantized layers}}
  %e = tosa.exp %d : (tensor<4xf32>) -> tensor<4xf32>
  %q = qcc.quantize %e : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----

// Float ops after the last quantized layer are not between layers.
func.func @tail(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32> {
  %d = qcc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xf32>
  %e = tosa.exp %d : (tensor<4xf32>) -> tensor<4xf32>
  return %e : tensor<4xf32>
}

// -----

// An op the user kept in float (qcc.precision = "float") is accepted.
func.func @kept_float(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  %d = qcc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xf32>
  %e = tosa.exp %d {qcc.precision = "float"} : (tensor<4xf32>) -> tensor<4xf32>
  %q = qcc.quantize %e : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.1>>
}
