// RUN: qcc-opt %s -split-input-file -qcc-vectorize-loops | FileCheck %s
// RUN: qcc-opt %s -split-input-file -qcc-vectorize-loops='vector-size=8' | FileCheck %s --check-prefix=EIGHT

// An element-wise loop (a residual add with its requantization's clamp)
// runs 16 elements per step: consecutive loads and stores become vector
// transfers, the scalar ops vector ops.
// CHECK-LABEL: func.func @elementwise
// CHECK: affine.for %[[I:.*]] = 0 to 64 step 16 {
// CHECK: %[[A:.*]] = vector.transfer_read %{{.*}}[%[[I]]]{{.*}} : memref<64xi32>, vector<16xi32>
// CHECK: %[[B:.*]] = vector.transfer_read %{{.*}}[%[[I]]]{{.*}} : memref<64xi32>, vector<16xi32>
// CHECK: arith.addi %[[A]], %[[B]] : vector<16xi32>
// CHECK: arith.maxsi {{.*}} : vector<16xi32>
// CHECK: vector.transfer_write {{.*}} : vector<16xi32>, memref<64xi32>
// EIGHT-LABEL: func.func @elementwise
// EIGHT: affine.for %{{.*}} = 0 to 64 step 8 {
func.func @elementwise(%a: memref<64xi32>, %b: memref<64xi32>, %out: memref<64xi32>) {
  %zero = arith.constant 0 : i32
  affine.for %i = 0 to 64 {
    %x = affine.load %a[%i] : memref<64xi32>
    %y = affine.load %b[%i] : memref<64xi32>
    %s = arith.addi %x, %y : i32
    %r = arith.maxsi %s, %zero : i32
    affine.store %r, %out[%i] : memref<64xi32>
  }
  return
}

// -----

// A matmul's loops (i, j, k) with k innermost store to one element per k
// loop; swapping j and k makes j innermost: B and C are read and written
// consecutively, A's element is the same for the whole loop (a broadcast).
// CHECK: #[[BROADCAST:.*]] = affine_map<(d0, d1) -> (0)>
// CHECK-LABEL: func.func @matmul
// CHECK: affine.for %[[I:.*]] = 0 to 4 {
// CHECK-NEXT: affine.for %[[K:.*]] = 0 to 8 {
// CHECK-NEXT: affine.for %[[J:.*]] = 0 to 32 step 16 {
// CHECK: vector.transfer_read %{{.*}}[%[[I]], %[[K]]]{{.*}}permutation_map = #[[BROADCAST]]{{.*}} : memref<4x8xf32>, vector<16xf32>
// CHECK: vector.transfer_read %{{.*}}[%[[K]], %[[J]]]{{.*}} : memref<8x32xf32>, vector<16xf32>
// CHECK: vector.transfer_read %{{.*}}[%[[I]], %[[J]]]{{.*}} : memref<4x32xf32>, vector<16xf32>
// CHECK: vector.transfer_write {{.*}}[%[[I]], %[[J]]]{{.*}} : vector<16xf32>, memref<4x32xf32>
func.func @matmul(%a: memref<4x8xf32>, %b: memref<8x32xf32>, %c: memref<4x32xf32>) {
  affine.for %i = 0 to 4 {
    affine.for %j = 0 to 32 {
      affine.for %k = 0 to 8 {
        %x = affine.load %a[%i, %k] : memref<4x8xf32>
        %y = affine.load %b[%k, %j] : memref<8x32xf32>
        %z = affine.load %c[%i, %j] : memref<4x32xf32>
        %p = arith.mulf %x, %y : f32
        %s = arith.addf %z, %p : f32
        affine.store %s, %c[%i, %j] : memref<4x32xf32>
      }
    }
  }
  return
}

// -----

// Loops that stay scalar: a reduction along the innermost loop with no
// loop around it to swap in, a strided view, a transpose (the store jumps
// by a row per step), a loop shorter than one vector step, and a loop with
// a call.
// CHECK-LABEL: func.func @stay_scalar
// CHECK-NOT: vector.
// CHECK: return
func.func private @effect(f32)
func.func @stay_scalar(%a: memref<64xf32>, %sum: memref<1xf32>,
                       %v: memref<64xf32, strided<[2]>>, %t: memref<32x32xf32>,
                       %u: memref<32x32xf32>, %short: memref<8xf32>) {
  affine.for %i = 0 to 64 {
    %x = affine.load %a[%i] : memref<64xf32>
    %s = affine.load %sum[0] : memref<1xf32>
    %r = arith.addf %s, %x : f32
    affine.store %r, %sum[0] : memref<1xf32>
  }
  affine.for %i = 0 to 64 {
    %x = affine.load %v[%i] : memref<64xf32, strided<[2]>>
    affine.store %x, %a[%i] : memref<64xf32>
  }
  affine.for %i = 0 to 32 {
    affine.for %j = 0 to 32 {
      %x = affine.load %t[%i, %j] : memref<32x32xf32>
      affine.store %x, %u[%j, %i] : memref<32x32xf32>
    }
  }
  affine.for %i = 0 to 8 {
    %x = affine.load %short[%i] : memref<8xf32>
    affine.store %x, %short[%i] : memref<8xf32>
  }
  affine.for %i = 0 to 64 {
    %x = affine.load %a[%i] : memref<64xf32>
    func.call @effect(%x) : (f32) -> ()
    affine.store %x, %a[%i] : memref<64xf32>
  }
  return
}

// -----

// In place: a load of the element being stored vectorizes; a load of its
// neighbour (a recurrence through memory) does not.
// CHECK-LABEL: func.func @in_place
// CHECK: affine.for %{{.*}} = 0 to 64 step 16
// CHECK: affine.for %[[I:.*]] = 1 to 64 {
// CHECK-NEXT: affine.load %{{.*}}[%[[I]] - 1]
func.func @in_place(%a: memref<64xf32>) {
  affine.for %i = 0 to 64 {
    %x = affine.load %a[%i] : memref<64xf32>
    %y = arith.addf %x, %x : f32
    affine.store %y, %a[%i] : memref<64xf32>
  }
  affine.for %i = 1 to 64 {
    %x = affine.load %a[%i - 1] : memref<64xf32>
    %y = arith.addf %x, %x : f32
    affine.store %y, %a[%i] : memref<64xf32>
  }
  return
}

// -----

// Integer division is not vectorized: the padding lanes of a partial last
// vector may hold zeros, and x86 traps on dividing by zero (negative case).
// CHECK-LABEL: func.func @no_integer_division
// CHECK-NOT: vector.
// CHECK: arith.divsi
func.func @no_integer_division(%a: memref<20xi64>, %b: memref<20xi64>) {
  %c = arith.constant 140737488355328 : i64
  affine.for %i = 0 to 20 {
    %x = affine.load %a[%i] : memref<20xi64>
    %q = arith.divsi %c, %x : i64
    affine.store %q, %b[%i] : memref<20xi64>
  }
  return
}
