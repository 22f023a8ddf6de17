// RUN: qcc-opt %s -qcc-remove-dead-channels -split-input-file | FileCheck %s

// Channel 1 of the first convolution has all-zero weights: after the clamp
// it is the constant c = clamp(0.25, 0, 6) = 0.25. It folds into the 1x1
// consumer's bias, b'[j] = b[j] + c * W2[j, 0, 0, 1] = {0.5 + 0.25 * 2,
// -0.5 + 0.25 * 5} = {1.0, 0.75}, and both convolutions lose the channel.
// CHECK-LABEL: func.func @dead_channel
// CHECK-SAME: attributes {qcc.dead_channels = 1 : i64}
// CHECK-DAG: %[[W1:.*]] = "tosa.const"() <{values = dense<{{\[}}[{{\[}}[5.000000e-01]]], [{{\[}}[-1.000000e+00]]]]> : tensor<2x1x1x1xf32>}>
// CHECK-DAG: %[[B1:.*]] = "tosa.const"() <{values = dense<[1.000000e-01, 2.000000e-01]> : tensor<2xf32>}>
// CHECK: %[[C1:.*]] = tosa.conv2d %arg0, %[[W1]], %[[B1]], {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: %[[R:.*]] = tosa.clamp %[[C1]] {{.*}} -> tensor<1x2x2x2xf32>
// CHECK-DAG: %[[W2:.*]] = "tosa.const"() <{values = dense<{{\[}}[{{\[}}[1.000000e+00, 3.000000e+00]]], [{{\[}}[4.000000e+00, 6.000000e+00]]]]> : tensor<2x1x1x2xf32>}>
// CHECK-DAG: %[[B2:.*]] = "tosa.const"() <{values = dense<[1.000000e+00, 7.500000e-01]> : tensor<2xf32>}>
// CHECK: %[[C2:.*]] = tosa.conv2d %[[R]], %[[W2]], %[[B2]], {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: return %[[C2]]
func.func @dead_channel(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[0.5]]], [[[0.0]]], [[[-1.0]]]]> : tensor<3x1x1x1xf32>} : () -> tensor<3x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<[0.1, 0.25, 0.2]> : tensor<3xf32>} : () -> tensor<3xf32>
  %w2 = "tosa.const"() {values = dense<[[[[1.0, 2.0, 3.0]]], [[[4.0, 5.0, 6.0]]]]> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b2 = "tosa.const"() {values = dense<[0.5, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// -----

// A padded consumer reads 0 in its padding where the dead channel holds
// c = 0.25: not removable (negative case).
// CHECK-LABEL: func.func @padded_consumer
// CHECK-NOT: qcc.dead_channels
// CHECK: tosa.conv2d {{.*}} -> tensor<1x2x2x3xf32>
func.func @padded_consumer(%x: tensor<1x2x2x1xf32>) -> tensor<1x4x4x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[0.5]]], [[[0.0]]], [[[-1.0]]]]> : tensor<3x1x1x1xf32>} : () -> tensor<3x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<[0.1, 0.25, 0.2]> : tensor<3xf32>} : () -> tensor<3xf32>
  %w2 = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b2 = "tosa.const"() {values = dense<[0.5, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %2 : tensor<1x4x4x2xf32>
}

// -----

// With a negative bias the ReLU makes the dead channel exactly 0: removable
// even before a padded consumer, whose bias stays as it is.
// CHECK-LABEL: func.func @relu_zero
// CHECK-SAME: attributes {qcc.dead_channels = 1 : i64}
// CHECK: tosa.conv2d {{.*}} -> tensor<1x2x2x2xf32>
// CHECK: %[[B2:.*]] = "tosa.const"() <{values = dense<[5.000000e-01, -5.000000e-01]> : tensor<2xf32>}>
// CHECK: tosa.conv2d %{{.*}}, %{{.*}}, %[[B2]], {{.*}} : (tensor<1x2x2x2xf32>, tensor<2x1x1x2xf32>
func.func @relu_zero(%x: tensor<1x2x2x1xf32>) -> tensor<1x4x4x2xf32> {
  %w1 = "tosa.const"() {values = dense<[[[[0.5]]], [[[0.0]]], [[[-1.0]]]]> : tensor<3x1x1x1xf32>} : () -> tensor<3x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<[0.1, -0.3, 0.2]> : tensor<3xf32>} : () -> tensor<3xf32>
  %w2 = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b2 = "tosa.const"() {values = dense<[0.5, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x2x2x3xf32>) -> tensor<1x2x2x3xf32>
  %2 = tosa.conv2d %1, %w2, %b2, %zp, %zp {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  return %2 : tensor<1x4x4x2xf32>
}

// -----

// The channel is read elsewhere too (a second user): left alone.
// CHECK-LABEL: func.func @two_users
// CHECK-NOT: qcc.dead_channels
// CHECK: tosa.conv2d {{.*}} -> tensor<1x2x2x3xf32>
func.func @two_users(%x: tensor<1x2x2x1xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x2x3xf32>) {
  %w1 = "tosa.const"() {values = dense<[[[[0.5]]], [[[0.0]]], [[[-1.0]]]]> : tensor<3x1x1x1xf32>} : () -> tensor<3x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<[0.1, 0.25, 0.2]> : tensor<3xf32>} : () -> tensor<3xf32>
  %w2 = "tosa.const"() {values = dense<1.0> : tensor<2x1x1x3xf32>} : () -> tensor<2x1x1x3xf32>
  %b2 = "tosa.const"() {values = dense<[0.5, -0.5]> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
  %2 = tosa.conv2d %0, %w2, %b2, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<2x1x1x3xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %2, %0 : tensor<1x2x2x2xf32>, tensor<1x2x2x3xf32>
}

// -----

// Every channel dead: one stays (an empty tensor is no layer); the other
// two fold into the consumer's bias: 0.5 + (0.25 + 0.75) * 1 = 1.5.
// CHECK-LABEL: func.func @all_dead
// CHECK-SAME: attributes {qcc.dead_channels = 2 : i64}
// CHECK: tosa.conv2d {{.*}} -> tensor<1x2x2x1xf32>
// CHECK: "tosa.const"() <{values = dense<1.500000e+00> : tensor<1xf32>}>
func.func @all_dead(%x: tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> {
  %w1 = "tosa.const"() {values = dense<0.0> : tensor<3x1x1x1xf32>} : () -> tensor<3x1x1x1xf32>
  %b1 = "tosa.const"() {values = dense<[0.1, 0.25, 0.75]> : tensor<3xf32>} : () -> tensor<3xf32>
  %w2 = "tosa.const"() {values = dense<1.0> : tensor<1x1x1x3xf32>} : () -> tensor<1x1x1x3xf32>
  %b2 = "tosa.const"() {values = dense<0.5> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w1, %b1, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<3x1x1x1xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x3xf32>
  %2 = tosa.conv2d %0, %w2, %b2, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x3xf32>, tensor<1x1x1x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32>
  return %2 : tensor<1x2x2x1xf32>
}
