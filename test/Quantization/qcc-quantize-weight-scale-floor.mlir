// RUN: qcc-opt %s -qcc-quantize -split-input-file | FileCheck %s

// A bias of 1000 at s_x * s_w = f32(2/255) * f32(0.001/127) would be 1.6e10,
// beyond int32. The weight scale grows to the smallest at which the bias
// stays within 2^30: f32(1000 / (s_x * 2^30)) = 1.1874363e-4, so the weight
// 0.001 becomes 8 and the bias round(1000 / (s_x * s_w)) = 1073741761
// (numpy, float32 scales).
// CHECK-LABEL: func.func @large_bias
// CHECK-DAG: %[[W:.*]] = arith.constant dense<8> : tensor<1x1x1x1xi8>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<1073741761> : tensor<1xi32>
// CHECK: quant.scast %[[W]] : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {1.18743628{{[0-9]*}}E-4}>>
// CHECK: qcc.conv2d
func.func @large_bias(%x: tensor<1x2x2x1xf32> {qcc.range = array<f64: -1.0, 1.0>}) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() <{values = dense<0.001> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<1000.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qcc.range = array<f64: 0.0, 1001.0>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %y : tensor<1x2x2x1xf32>
}

// -----

// A (nearly) dead channel, as trained and pruned networks have: channel 1's
// weight is 1e-20, its bias f32(0.45). Its scale by the weights alone
// (1e-20 / 127) would put the bias at 5.7e20; it gets the bias floor
// f32(f32(0.45) / (s_x * 2^30)) = 5.3434629e-8 instead, its weight rounds to
// 0 and its bias to 1073741803. Channel 0 keeps its own scale 0.5 / 127:
// weight 127, bias round(f32(0.1) / (s_x * s_w0)) = 3238 (numpy, float32).
// CHECK-LABEL: func.func @dead_channel
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}127]]], {{\[\[\[}}0]]]]> : tensor<2x1x1x1xi8>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[3238, 1073741803]> : tensor<2xi32>
// CHECK: quant.scast %[[W]] : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.0039370078{{[0-9]*}},5.3434629{{[0-9]*}}E-8}>>
func.func @dead_channel(%x: tensor<1x2x2x1xf32> {qcc.range = array<f64: -1.0, 1.0>}) -> tensor<1x2x2x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[[0.5]]], [[[1.0e-20]]]]> : tensor<2x1x1x1xf32>}> : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() <{values = dense<[0.1, 0.45]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, qcc.range = array<f64: -1.0, 1.0>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

// A matmul's bias (the add after it) bounds its weight scales the same way.
// CHECK-LABEL: func.func @matmul_bias
// CHECK-DAG: arith.constant dense<8> : tensor<1x1xi8>
// CHECK-DAG: arith.constant dense<1073741761> : tensor<1xi32>
func.func @matmul_bias(%x: tensor<1x1x1xf32> {qcc.range = array<f64: -1.0, 1.0>}) -> tensor<1x1x1xf32> {
  %w = "tosa.const"() <{values = dense<0.001> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %b = "tosa.const"() <{values = dense<1000.0> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %x, %w, %zp, %zp {qcc.range = array<f64: -1.0, 1.0>} : (tensor<1x1x1xf32>, tensor<1x1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1xf32>
  %y = tosa.add %m, %b {qcc.range = array<f64: 0.0, 1001.0>} : (tensor<1x1x1xf32>, tensor<1x1x1xf32>) -> tensor<1x1x1xf32>
  return %y : tensor<1x1x1xf32>
}
