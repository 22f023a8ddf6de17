// RUN: qcc-opt %s -qcc-fold-affine -split-input-file | FileCheck %s

// Batch norm as the importer emits it (per-channel mul and add behind the
// NHWC->NCHW transpose) folds into the convolution: W' = W * s, b' = b * s + t.
// With W = 1, b = 1, s = [2, 3], t = [10, 20]: W' = [2, 3], b' = [12, 23].
// CHECK-LABEL: func.func @batch_norm
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[}}[{{\[}}[2.000000e+00]]], [{{\[}}[3.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[1.200000e+01, 2.300000e+01]> : tensor<2xf32>}>
// CHECK: %[[CONV:.*]] = tosa.conv2d %{{.*}}, %[[W]], %[[B]]
// CHECK-NEXT: %[[T:.*]] = tosa.transpose %[[CONV]]
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
// CHECK: return %[[T]]
func.func @batch_norm(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x4x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %t = tosa.transpose %0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %s = "tosa.const"() {values = dense<[[[[2.0]], [[3.0]]]]> : tensor<1x2x1x1xf32>} : () -> tensor<1x2x1x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %m = tosa.mul %t, %s, %shift : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>, tensor<1xi8>) -> tensor<1x2x4x4xf32>
  %c = "tosa.const"() {values = dense<[[[[10.0]], [[20.0]]]]> : tensor<1x2x1x1xf32>} : () -> tensor<1x2x1x1xf32>
  %a = tosa.add %m, %c : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  return %a : tensor<1x2x4x4xf32>
}

// -----

// A relu behind the transpose moves next to the convolution, where the
// quantizer can fuse it.
// CHECK-LABEL: func.func @relu_moves_up
// CHECK: %[[CONV:.*]] = tosa.conv2d
// CHECK-NEXT: %[[R:.*]] = tosa.clamp %[[CONV]]
// CHECK-NEXT: tosa.transpose %[[R]]
func.func @relu_moves_up(%x: tensor<1x4x4x1xf32>) -> tensor<1x2x4x4xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<1.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %t = tosa.transpose %0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x2xf32>) -> tensor<1x2x4x4xf32>
  %r = tosa.clamp %t {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  return %r : tensor<1x2x4x4xf32>
}

// -----

// A constant that varies along a non-channel dimension is not an affine
// per-channel op: nothing is folded (negative case).
// CHECK-LABEL: func.func @not_per_channel
// CHECK: tosa.conv2d
// CHECK: tosa.mul
func.func @not_per_channel(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  %s = "tosa.const"() {values = dense<[[[[1.0], [2.0]], [[3.0], [4.0]]]]> : tensor<1x2x2x1xf32>} : () -> tensor<1x2x2x1xf32>
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8>
  %m = tosa.mul %0, %s, %shift : (tensor<1x2x2x1xf32>, tensor<1x2x2x1xf32>, tensor<1xi8>) -> tensor<1x2x2x1xf32>
  return %m : tensor<1x2x2x1xf32>
}
