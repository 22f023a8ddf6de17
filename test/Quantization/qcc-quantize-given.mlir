// RUN: qcc-opt %s -qcc-quantize -split-input-file | FileCheck %s

// Pre-quantized (QDQ) form: the input's type is the one it is dequantized
// from, the output's the one its users quantize it to, and the weights and
// bias are the given integers. The uint8 weights keep their zero point 10;
// the bias is given at s_x * s_w = 0.5 * 0.02 = 0.01 and used as it is.
// CHECK-LABEL: func.func @given_conv
// CHECK-DAG: %[[W:.*]] = arith.constant dense<-106> : tensor<1x1x1x1xi8>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<100> : tensor<1xi32>
// CHECK: %[[WQ:.*]] = quant.scast %[[W]] : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<u8:f32, 2.000000e-02:10>>
// CHECK: %[[Y:.*]] = qcc.conv2d %arg0, %[[WQ]], %[[B]]
// CHECK-SAME: (tensor<1x2x2x1x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<1x1x1x1x!quant.uniform<u8:f32, 2.000000e-02:10>>, tensor<1xi32>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 2.500000e-01:-3>>
// CHECK-NEXT: return %[[Y]]
func.func @given_conv(%xq: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.25:-3>> {
  %x = qcc.dequantize %xq : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2x2x1xf32>
  // 150 as uint8.
  %w = arith.constant dense<-106> : tensor<1x1x1x1xi8>
  %ws = quant.scast %w : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<u8:f32, 0.02:10>>
  %wf = qcc.dequantize %ws : tensor<1x1x1x1x!quant.uniform<u8:f32, 0.02:10>> -> tensor<1x1x1x1xf32>
  %b = arith.constant dense<100> : tensor<1xi32>
  %bs = quant.scast %b : tensor<1xi32> to tensor<1x!quant.uniform<i32:f32, 0.01>>
  %bf = qcc.dequantize %bs : tensor<1x!quant.uniform<i32:f32, 0.01>> -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %wf, %bf, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %yq = qcc.quantize %y : tensor<1x2x2x1xf32> -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.25:-3>>
  return %yq : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.25:-3>>
}

// -----

// A bias given at another scale than s_x * s_w is rescaled from its real
// value: 7 * 0.02 = 0.14 at 0.01 is 14. The per-axis weights (axis 0 of
// OHWI) keep their scales.
// CHECK-LABEL: func.func @rescaled_bias
// CHECK-DAG: arith.constant dense<[14, -3]> : tensor<2xi32>
// CHECK: qcc.conv2d {{.*}}tensor<2x1x1x1x!quant.uniform<i8:f32:0, {2.000000e-02,4.000000e-02}>>
func.func @rescaled_bias(%xq: tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25>> {
  %x = qcc.dequantize %xq : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.5>> -> tensor<1x2x2x1xf32>
  %w = arith.constant dense<[[[[3]]], [[[-5]]]]> : tensor<2x1x1x1xi8>
  %ws = quant.scast %w : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.02, 0.04}>>
  %wf = qcc.dequantize %ws : tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.02, 0.04}>> -> tensor<2x1x1x1xf32>
  // Channel 1: s_x * s_w = 0.02 = the given scale, -3 is kept.
  %b = arith.constant dense<[7, -3]> : tensor<2xi32>
  %bs = quant.scast %b : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32, 0.02>>
  %bf = qcc.dequantize %bs : tensor<2x!quant.uniform<i32:f32, 0.02>> -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %wf, %bf, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  %yq = qcc.quantize %y : tensor<1x2x2x2xf32> -> tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25>>
  return %yq : tensor<1x2x2x2x!quant.uniform<i8:f32, 0.25>>
}

// -----

// Not rewritten, as the model states them: an output quantized to two
// different types, and an input with per-axis activation parameters.
// CHECK-LABEL: func.func @stays_float
// CHECK: tosa.add
// CHECK: tosa.mul
// CHECK-NOT: qcc.add
// CHECK-NOT: qcc.mul
func.func @stays_float(%aq: tensor<4x!quant.uniform<i8:f32, 0.5>>, %bq: tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>) -> (tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.25>>, tensor<2x2xf32>) {
  %a = qcc.dequantize %aq : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4xf32>
  %s = tosa.add %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %s1 = qcc.quantize %s : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  %s2 = qcc.quantize %s : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25>>
  %b = qcc.dequantize %bq : tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>> -> tensor<2x2xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %p = tosa.mul %b, %b, %shift : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<1xi8>) -> tensor<2x2xf32>
  return %s1, %s2, %p : tensor<4x!quant.uniform<i8:f32, 0.5>>, tensor<4x!quant.uniform<i8:f32, 0.25>>, tensor<2x2xf32>
}

// The registered pipeline does the same (qcc-fold-qdq first).
// RUN: qcc-opt %s --qcc-pre-quantized-pipeline -split-input-file | FileCheck %s --check-prefix=PIPELINE
// PIPELINE-LABEL: func.func @given_conv
// PIPELINE: qcc.conv2d
// PIPELINE-LABEL: func.func @rescaled_bias
// PIPELINE: qcc.conv2d
// PIPELINE-LABEL: func.func @stays_float
// PIPELINE: tosa.add
