// RUN: qcc-opt %s --qcc-input-pipeline | FileCheck %s

// A ResNet basic block as the ONNX importer writes it for an NCHW model:
// each NHWC convolution and pooling wrapped in transposes, and the ReLUs and
// the residual add between them in NCHW. The input pipeline moves the
// transposes through the element-wise ops until they cancel: the block runs
// NHWC inside, with one transpose at the input and one at the output.
// CHECK-LABEL: func.func @basic_block
// CHECK: tosa.transpose %arg0
// CHECK-NOT: tosa.transpose
// CHECK: tosa.max_pool2d
// CHECK-NOT: tosa.transpose
// CHECK: tosa.add {{.*}} : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>)
// CHECK-NOT: tosa.transpose
// CHECK: tosa.conv2d
// CHECK: tosa.transpose
// CHECK-NOT: tosa.transpose
// CHECK: return
func.func @basic_block(%arg0: tensor<1x4x8x8xf32>) -> tensor<1x4x4x4xf32> {
  %w = "tosa.const"() {values = dense<0.1> : tensor<4x3x3x4xf32>} : () -> tensor<4x3x3x4xf32>
  %b = "tosa.const"() {values = dense<0.2> : tensor<4xf32>} : () -> tensor<4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %x = tosa.transpose %arg0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
  %c0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x8x8x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x8x8x4xf32>
  %y0 = tosa.transpose %c0 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x8x8xf32>
  %r0 = tosa.clamp %y0 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %x1 = tosa.transpose %r0 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x8x8xf32>) -> tensor<1x8x8x4xf32>
  %p = tosa.max_pool2d %x1 {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>} : (tensor<1x8x8x4xf32>) -> tensor<1x4x4x4xf32>
  %skip = tosa.transpose %p {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %c1 = tosa.conv2d %p, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %y1 = tosa.transpose %c1 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %sum = tosa.add %y1, %skip : (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %r1 = tosa.clamp %sum {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %x2 = tosa.transpose %r1 {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %c2 = tosa.conv2d %x2, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x4xf32>, tensor<4x3x3x4xf32>, tensor<4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x4xf32>
  %out = tosa.transpose %c2 {perms = array<i32: 0, 3, 1, 2>} : (tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  return %out : tensor<1x4x4x4xf32>
}
