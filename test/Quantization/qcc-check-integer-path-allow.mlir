// RUN: qcc-opt %s -split-input-file -qcc-check-integer-path=allow-float -verify-diagnostics
// RUN: qcc-opt %s -split-input-file -qcc-check-integer-path="allow-float message='qcc --integer-only makes them errors'" 2>&1 | FileCheck %s

// With allow-float the islands are accepted and said once, on the
// function, naming each op and the ONNX node it came from.
// expected-warning @+2 {{2 ops run in float between quantized layers (a dequantize before, a quantize after): node 'softmax' ('tosa.exp'), ('tosa.floor')}}
// CHECK: warning: 2 ops run in float between quantized layers (a dequantize before, a quantize after): node 'softmax' ('tosa.exp'), ('tosa.floor'); qcc --integer-only makes them errors
func.func @island(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  %d = qcc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xf32>
  %e = tosa.exp %d : (tensor<4xf32>) -> tensor<4xf32> loc("softmax")
  %n = tosa.floor %e : (tensor<4xf32>) -> tensor<4xf32>
  %q = qcc.quantize %n : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.1>>
}

// -----

// More than eight are counted, not named.
// expected-warning @+1 {{10 ops run in float between quantized layers (a dequantize before, a quantize after): ('tosa.exp'), ('tosa.exp'), ('tosa.exp'), ('tosa.exp'), ('tosa.exp'), ('tosa.exp'), ('tosa.exp'), ('tosa.exp'), and 2 more}}
func.func @many(%x: tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8:f32, 0.1>> {
  %d = qcc.dequantize %x : tensor<4x!quant.uniform<i8:f32, 0.1>> -> tensor<4xf32>
  %0 = tosa.exp %d : (tensor<4xf32>) -> tensor<4xf32>
  %1 = tosa.exp %0 : (tensor<4xf32>) -> tensor<4xf32>
  %2 = tosa.exp %1 : (tensor<4xf32>) -> tensor<4xf32>
  %3 = tosa.exp %2 : (tensor<4xf32>) -> tensor<4xf32>
  %4 = tosa.exp %3 : (tensor<4xf32>) -> tensor<4xf32>
  %5 = tosa.exp %4 : (tensor<4xf32>) -> tensor<4xf32>
  %6 = tosa.exp %5 : (tensor<4xf32>) -> tensor<4xf32>
  %7 = tosa.exp %6 : (tensor<4xf32>) -> tensor<4xf32>
  %8 = tosa.exp %7 : (tensor<4xf32>) -> tensor<4xf32>
  %9 = tosa.exp %8 : (tensor<4xf32>) -> tensor<4xf32>
  %q = qcc.quantize %9 : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.1>>
}
