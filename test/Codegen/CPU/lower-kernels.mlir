// RUN: qcc-opt %s -split-input-file -qcc-cpu-lower-kernels | FileCheck %s

// A bufferized kernel op becomes a call with its parameter struct on the
// stack: the geometry, the addresses of input, zero row, output, weights,
// bias, multiplier and shift, then the scalars, in the C layout of
// qcc_qconv2d_params; one call per image of the batch (2 here).
// CHECK-LABEL: func.func @batch
// CHECK: %[[PARAMS:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(array<17 x i32>, ptr, ptr, ptr, ptr, ptr, ptr, ptr, i32, i32, i32, i32)>
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step
// CHECK: llvm.mlir.constant(dense<[2, 2, 8, 8, 2, 2, 16, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0]> : tensor<17xi32>) : !llvm.array<17 x i32>
// CHECK: memref.extract_aligned_pointer_as_index
// CHECK: llvm.inttoptr
// CHECK: llvm.call @qcc_qconv2d_avx2(%[[PARAMS]])
// CHECK-NOT: qcc_cpu.conv_kernel
// CHECK: llvm.func @qcc_qconv2d_avx2(!llvm.ptr)
func.func @batch(%x: memref<2x2x2x8xi8>, %z: memref<8xi8>, %w: memref<128xi8>, %b: memref<16xi32>, %m: memref<16xi32>, %n: memref<16xi32>, %out: memref<2x2x2x16xi8>) {
  qcc_cpu.conv_kernel @qcc_qconv2d_avx2(%x, %z, %w, %b, %m, %n : memref<2x2x2x8xi8>, memref<8xi8>, memref<128xi8>, memref<16xi32>, memref<16xi32>, memref<16xi32>) outs(%out : memref<2x2x2x16xi8>) {geometry = array<i32: 2, 2, 8, 8, 2, 2, 16, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0>, scalars = [0 : i32, -128 : i32, 127 : i32, 0 : i32]}
  return
}

// -----

// An fp32 kernel's struct ends in two floats (output_min, output_max).
// CHECK-LABEL: func.func @float
// CHECK: llvm.alloca %{{.*}} x !llvm.struct<(array<17 x i32>, ptr, ptr, ptr, ptr, ptr, f32, f32)>
// CHECK-NOT: scf.for
// CHECK: llvm.call @qcc_sconv2d_avx512f
func.func @float(%x: memref<1x4x4x8xf32>, %z: memref<8xf32>, %w: memref<512xf32>, %b: memref<64xf32>, %out: memref<1x4x4x16xf32>) {
  qcc_cpu.conv_kernel @qcc_sconv2d_avx512f(%x, %z, %w, %b : memref<1x4x4x8xf32>, memref<8xf32>, memref<512xf32>, memref<64xf32>) outs(%out : memref<1x4x4x16xf32>) {geometry = array<i32: 4, 4, 8, 8, 4, 4, 16, 16, 1, 1, 1, 1, 1, 1, 1, 0, 0>, scalars = [0.0 : f32, 6.0 : f32]}
  return
}

