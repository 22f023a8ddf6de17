// RUN: qcc-opt %s | qcc-opt | FileCheck %s

// qcc_cpu.conv_kernel round-trips on tensors and on memrefs.
// CHECK-LABEL: func.func @tensors
// CHECK: %{{.*}} = qcc_cpu.conv_kernel @qcc_qconv2d_generic(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<4x8xi8>, tensor<8xi8>, tensor<128xi8>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>) outs(%{{.*}} : tensor<4x16xi8>) {geometry = array<i32: 1, 4, 8, 8, 1, 4, 16, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0>, scalars = [0 : i32, -128 : i32, 127 : i32, 0 : i32]} -> tensor<4x16xi8>
func.func @tensors(%x: tensor<4x8xi8>, %z: tensor<8xi8>, %w: tensor<128xi8>, %b: tensor<16xi32>, %m: tensor<16xi32>, %n: tensor<16xi32>, %init: tensor<4x16xi8>) -> tensor<4x16xi8> {
  %y = qcc_cpu.conv_kernel @qcc_qconv2d_generic(%x, %z, %w, %b, %m, %n : tensor<4x8xi8>, tensor<8xi8>, tensor<128xi8>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>) outs(%init : tensor<4x16xi8>) {geometry = array<i32: 1, 4, 8, 8, 1, 4, 16, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0>, scalars = [0 : i32, -128 : i32, 127 : i32, 0 : i32]} -> tensor<4x16xi8>
  return %y : tensor<4x16xi8>
}

// CHECK-LABEL: func.func @memrefs
// CHECK: qcc_cpu.conv_kernel @qcc_sconv2d_avx2(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : memref<1x4x4x8xf32>, memref<8xf32>, memref<128xf32>, memref<16xf32>) outs(%{{.*}} : memref<1x4x4x16xf32>) {{{.*}}}{{$}}
func.func @memrefs(%x: memref<1x4x4x8xf32>, %z: memref<8xf32>, %w: memref<128xf32>, %b: memref<16xf32>, %out: memref<1x4x4x16xf32>) {
  qcc_cpu.conv_kernel @qcc_sconv2d_avx2(%x, %z, %w, %b : memref<1x4x4x8xf32>, memref<8xf32>, memref<128xf32>, memref<16xf32>) outs(%out : memref<1x4x4x16xf32>) {geometry = array<i32: 4, 4, 8, 8, 4, 4, 16, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0>, scalars = [0.0 : f32, 6.0 : f32]}
  return
}
