// RUN: qcc-opt %s | qcc-opt | FileCheck %s

!x = tensor<1x8x8x3x!quant.uniform<i8:f32, 0.05:-5>>
!w = tensor<4x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.01, 0.03}>>
!y = tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1:-128>>

// CHECK-LABEL: func.func @conv
// CHECK: qcc.conv2d %{{.*}}, %{{.*}}, %{{.*}} {clamp_min = -128 : i64, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>} : (tensor<1x8x8x3x!quant.uniform<i8:f32, 5.000000e-02:-5>>, tensor<4x3x3x3x!quant.uniform<i8<-127:127>:f32:0, {1.000000e-02,2.000000e-02,1.000000e-02,3.000000e-02}>>, tensor<4xi32>) -> tensor<1x8x8x4x!quant.uniform<i8:f32, 1.000000e-01:-128>>
// CHECK: qcc.conv2d %{{.*}}, %{{.*}} {dilation = array<i64: 2, 2>, groups = 4 : i64, pad = array<i64: 2, 2, 2, 2>, stride = array<i64: 1, 1>}
func.func @conv(%x: !x, %w: !w, %b: tensor<4xi32>, %dw: tensor<4x3x3x1x!quant.uniform<i8:f32, 0.5>>, %xd: tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1>>) -> (!y, tensor<1x8x8x4x!quant.uniform<i8:f32, 0.3>>) {
  %0 = qcc.conv2d %x, %w, %b {pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, clamp_min = -128 : i64} : (!x, !w, tensor<4xi32>) -> !y
  %1 = qcc.conv2d %xd, %dw {pad = array<i64: 2, 2, 2, 2>, stride = array<i64: 1, 1>, dilation = array<i64: 2, 2>, groups = 4 : i64} : (tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1>>, tensor<4x3x3x1x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x8x8x4x!quant.uniform<i8:f32, 0.3>>
  return %0, %1 : !y, tensor<1x8x8x4x!quant.uniform<i8:f32, 0.3>>
}

// CHECK-LABEL: func.func @dense
// CHECK: qcc.matmul %{{.*}}, %{{.*}}, %{{.*}} : (tensor<2x64x!quant.uniform<i8:f32, 1.000000e-01:2>>, tensor<64x10x!quant.uniform<i8<-127:127>:f32, 1.000000e-02>>, tensor<10xi32>) -> tensor<2x10x!quant.uniform<i8:f32, 2.000000e-01>>
// CHECK: qcc.add %{{.*}}, %{{.*}} {clamp_min = 0 : i64} : (tensor<2x10x!quant.uniform<i8:f32, 2.000000e-01>>, tensor<10x!quant.uniform<i8:f32, 1.000000e-01:3>>) -> tensor<2x10x!quant.uniform<i8:f32, 3.000000e-01:-2>>
// CHECK: qcc.mul
// CHECK: qcc.requantize %{{.*}} : tensor<2x10x!quant.uniform<i8:f32, 3.000000e-01:-2>> -> tensor<2x10x!quant.uniform<u8:f32, 5.000000e-01:128>>
func.func @dense(%a: tensor<2x64x!quant.uniform<i8:f32, 0.1:2>>, %b: tensor<64x10x!quant.uniform<i8<-127:127>:f32, 0.01>>, %bias: tensor<10xi32>, %c: tensor<10x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<2x10x!quant.uniform<u8:f32, 0.5:128>> {
  %0 = qcc.matmul %a, %b, %bias : (tensor<2x64x!quant.uniform<i8:f32, 0.1:2>>, tensor<64x10x!quant.uniform<i8<-127:127>:f32, 0.01>>, tensor<10xi32>) -> tensor<2x10x!quant.uniform<i8:f32, 0.2>>
  %1 = qcc.add %0, %c {clamp_min = 0 : i64} : (tensor<2x10x!quant.uniform<i8:f32, 0.2>>, tensor<10x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<2x10x!quant.uniform<i8:f32, 0.3:-2>>
  %2 = qcc.mul %1, %1 : (tensor<2x10x!quant.uniform<i8:f32, 0.3:-2>>, tensor<2x10x!quant.uniform<i8:f32, 0.3:-2>>) -> tensor<2x10x!quant.uniform<i8:f32, 0.3:-2>>
  %3 = qcc.requantize %2 : tensor<2x10x!quant.uniform<i8:f32, 0.3:-2>> -> tensor<2x10x!quant.uniform<u8:f32, 0.5:128>>
  return %3 : tensor<2x10x!quant.uniform<u8:f32, 0.5:128>>
}

// 16x8: an int16 input may take an int64 bias (its accumulator is int64).
// CHECK-LABEL: func.func @dense_16x8
// CHECK: qcc.matmul %{{.*}}, %{{.*}}, %{{.*}} : (tensor<1x4x!quant.uniform<i16:f32, 1.000000e-03>>, tensor<4x2x!quant.uniform<i8<-127:127>:f32, 1.000000e-02>>, tensor<2xi64>) -> tensor<1x2x!quant.uniform<i16:f32, 1.000000e-02>>
func.func @dense_16x8(%a: tensor<1x4x!quant.uniform<i16:f32, 0.001>>, %b: tensor<4x2x!quant.uniform<i8<-127:127>:f32, 0.01>>, %bias: tensor<2xi64>) -> tensor<1x2x!quant.uniform<i16:f32, 0.01>> {
  %0 = qcc.matmul %a, %b, %bias : (tensor<1x4x!quant.uniform<i16:f32, 0.001>>, tensor<4x2x!quant.uniform<i8<-127:127>:f32, 0.01>>, tensor<2xi64>) -> tensor<1x2x!quant.uniform<i16:f32, 0.01>>
  return %0 : tensor<1x2x!quant.uniform<i16:f32, 0.01>>
}

// CHECK-LABEL: func.func @pools
// CHECK: qcc.max_pool2d %{{.*}} {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>}
// CHECK: qcc.avg_pool2d %{{.*}} {count_include_pad = true, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
// CHECK: qcc.concat %{{.*}}, %{{.*}} {axis = 3 : i64}
// CHECK: qcc.clamp %{{.*}} {max = 100 : i64, min = -3 : i64}
// CHECK: qcc.lookup %{{.*}} {table = dense<5> : tensor<256xi8>}
func.func @pools(%x: tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:-3>> {
  %0 = qcc.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>} : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1:-3>>
  %1 = qcc.avg_pool2d %x {kernel = array<i64: 3, 3>, stride = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, count_include_pad = true} : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<1x8x8x4x!quant.uniform<i8:f32, 0.2:1>>
  %2 = qcc.max_pool2d %1 {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>} : tensor<1x8x8x4x!quant.uniform<i8:f32, 0.2:1>> -> tensor<1x4x4x4x!quant.uniform<i8:f32, 0.2:1>>
  %3 = qcc.concat %0, %2 {axis = 3 : i64} : (tensor<1x4x4x4x!quant.uniform<i8:f32, 0.1:-3>>, tensor<1x4x4x4x!quant.uniform<i8:f32, 0.2:1>>) -> tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:-3>>
  %4 = qcc.clamp %3 {min = -3 : i64, max = 100 : i64} : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:-3>>
  %5 = qcc.lookup %4 {table = dense<5> : tensor<256xi8>} : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:-3>> -> tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:-3>>
  return %5 : tensor<1x4x4x8x!quant.uniform<i8:f32, 0.1:-3>>
}

// CHECK-LABEL: func.func @softmax
// CHECK: qcc.softmax %{{.*}} {exp_table = dense<65536> : tensor<256xi32>} : tensor<4x64x!quant.uniform<i8:f32, 1.000000e-01:3>> -> tensor<4x64x!quant.uniform<i8:f32, 3.906250e-03:-128>>
func.func @softmax(%x: tensor<4x64x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<4x64x!quant.uniform<i8:f32, 0.00390625:-128>> {
  %y = qcc.softmax %x {exp_table = dense<65536> : tensor<256xi32>} : tensor<4x64x!quant.uniform<i8:f32, 0.1:3>> -> tensor<4x64x!quant.uniform<i8:f32, 0.00390625:-128>>
  return %y : tensor<4x64x!quant.uniform<i8:f32, 0.00390625:-128>>
}

// An int16 lookup carries 513 entries of the result's storage type.
// CHECK-LABEL: func.func @lookup_int16
// CHECK: qcc.lookup %{{.*}} {table = dense<7> : tensor<513xi16>} : tensor<2x3x!quant.uniform<i16:f32, 1.000000e-03>> -> tensor<2x3x!quant.uniform<i16:f32, 3.000000e-05>>
func.func @lookup_int16(%x: tensor<2x3x!quant.uniform<i16:f32, 0.001>>) -> tensor<2x3x!quant.uniform<i16:f32, 0.00003>> {
  %y = qcc.lookup %x {table = dense<7> : tensor<513xi16>} : tensor<2x3x!quant.uniform<i16:f32, 0.001>> -> tensor<2x3x!quant.uniform<i16:f32, 0.00003>>
  return %y : tensor<2x3x!quant.uniform<i16:f32, 0.00003>>
}
