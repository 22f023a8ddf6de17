// RUN: qcc-opt %s -split-input-file -qcc-fuse-elementwise | FileCheck %s

#id = affine_map<(d0) -> (d0)>

// Two element-wise generics, the producer with one user: one loop nest.
// CHECK-LABEL: func.func @fuses
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
func.func @fuses(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %a = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%x, %y : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %s = arith.addf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %b = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%a, %y : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%p: f32, %q: f32, %o: f32):
    %m = arith.mulf %p, %q : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %b : tensor<4xf32>
}

// -----

#id = affine_map<(d0) -> (d0)>

// A requantizing epilogue stays its own op: it is not fused into its
// consumer, nothing is fused into it, and its splat multiplier and shift
// stay operands (upstream's fusion would fold them into the body and drop
// the attribute).
// CHECK-LABEL: func.func @keeps_epilogue
// CHECK-DAG: %[[M:.*]] = arith.constant dense<1073741824> : tensor<4xi64>
// CHECK-DAG: %[[N:.*]] = arith.constant dense<30> : tensor<4xi64>
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK: arith.addi
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[ACC]], %[[M]], %[[N]] : {{.*}}) {{.*}}qcc.requantize_epilogue = array<i64: 0, -128, 127, 0>
// CHECK: linalg.generic {{.*}} ins(%[[Y]] :
// CHECK: arith.subi
func.func @keeps_epilogue(%acc: tensor<4xi32>, %bias: tensor<4xi32>) -> tensor<4xi8> {
  %m = arith.constant dense<1073741824> : tensor<4xi64>
  %n = arith.constant dense<30> : tensor<4xi64>
  %e32 = tensor.empty() : tensor<4xi32>
  %e8 = tensor.empty() : tensor<4xi8>
  %sum = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%acc, %bias : tensor<4xi32>, tensor<4xi32>) outs(%e32 : tensor<4xi32>) {
  ^bb0(%a: i32, %b: i32, %o: i32):
    %s = arith.addi %a, %b : i32
    linalg.yield %s : i32
  } -> tensor<4xi32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id, #id], iterator_types = ["parallel"]} ins(%sum, %m, %n : tensor<4xi32>, tensor<4xi64>, tensor<4xi64>) outs(%e8 : tensor<4xi8>) attrs = {qcc.requantize_epilogue = array<i64: 0, -128, 127, 0>} {
  ^bb0(%a: i32, %mm: i64, %nn: i64, %o: i8):
    %w = arith.extsi %a : i32 to i64
    %p = arith.muli %w, %mm : i64
    %r = arith.shrsi %p, %nn : i64
    %t = arith.trunci %r : i64 to i8
    linalg.yield %t : i8
  } -> tensor<4xi8>
  %z = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%y : tensor<4xi8>) outs(%e8 : tensor<4xi8>) {
  ^bb0(%a: i8, %o: i8):
    %c1 = arith.constant 1 : i8
    %d = arith.subi %a, %c1 : i8
    linalg.yield %d : i8
  } -> tensor<4xi8>
  return %z : tensor<4xi8>
}

// -----

#id = affine_map<(d0) -> (d0)>

// A producer with two users is not duplicated into its consumer.
// CHECK-LABEL: func.func @shared_producer
// CHECK-COUNT-2: linalg.generic
// CHECK-NOT: linalg.generic
func.func @shared_producer(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%p: f32, %o: f32):
    %s = arith.addf %p, %p : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%p: f32, %o: f32):
    %m = arith.mulf %p, %p : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// -----

#id = affine_map<(d0) -> (d0)>

// An all-parallel generic that never reads its init gets a fresh
// tensor.empty instead of the argument, so bufferization copies nothing.
// CHECK-LABEL: func.func @unread_init
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>, %[[OUT:.*]]: tensor<4xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: linalg.generic {{.*}} ins(%[[X]] : tensor<4xf32>) outs(%[[E]] : tensor<4xf32>)
func.func @unread_init(%x: tensor<4xf32>, %out: tensor<4xf32>) -> tensor<4xf32> {
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%out : tensor<4xf32>) {
  ^bb0(%p: f32, %o: f32):
    %s = arith.addf %p, %p : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %a : tensor<4xf32>
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>

// A named contraction stays named: the element-wise producer of its
// activations (here a requantization of a pooled sum) is not fused into it,
// and the reshape in between is not folded into a generic; the code
// generation stage looks for linalg.matmul.
// CHECK-LABEL: func.func @keeps_named_matmul
// CHECK: %[[Q:.*]] = linalg.generic
// CHECK: arith.trunci
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[Q]]
// CHECK: linalg.matmul ins(%[[FLAT]], %{{.*}} : tensor<1x8xi8>, tensor<8x16xi8>)
func.func @keeps_named_matmul(%sum: tensor<1x1x8xi32>, %w: tensor<8x16xi8>) -> tensor<1x16xi32> {
  %e = tensor.empty() : tensor<1x1x8xi8>
  %q = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%sum : tensor<1x1x8xi32>) outs(%e : tensor<1x1x8xi8>) {
  ^bb0(%s: i32, %o: i8):
    %t = arith.trunci %s : i32 to i8
    linalg.yield %t : i8
  } -> tensor<1x1x8xi8>
  %flat = tensor.collapse_shape %q [[0, 1], [2]] : tensor<1x1x8xi8> into tensor<1x8xi8>
  %c0 = arith.constant 0 : i32
  %init = tensor.empty() : tensor<1x16xi32>
  %fill = linalg.fill ins(%c0 : i32) outs(%init : tensor<1x16xi32>) -> tensor<1x16xi32>
  %y = linalg.matmul ins(%flat, %w : tensor<1x8xi8>, tensor<8x16xi8>) outs(%fill : tensor<1x16xi32>) -> tensor<1x16xi32>
  return %y : tensor<1x16xi32>
}

// -----

// An element-wise producer read along only some of a reduction's parallel
// loops (a vector broadcast over the 16 outputs) is not fused: it would be
// computed 16 times per element.
// CHECK-LABEL: func.func @no_recompute_in_reduction
// CHECK: %[[X:.*]] = linalg.generic
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} ins(%[[X]], %{{.*}} :
// CHECK-NOT: math.exp
func.func @no_recompute_in_reduction(%v: tensor<8xf32>, %w: tensor<8x16xf32>) -> tensor<16xf32> {
  %e = tensor.empty() : tensor<8xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%v : tensor<8xf32>) outs(%e : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %ex = math.exp %a : f32
    linalg.yield %ex : f32
  } -> tensor<8xf32>
  %init = tensor.empty() : tensor<16xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(n, k) -> (k)>, affine_map<(n, k) -> (k, n)>, affine_map<(n, k) -> (n)>], iterator_types = ["parallel", "reduction"]} ins(%x, %w : tensor<8xf32>, tensor<8x16xf32>) outs(%init : tensor<16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  return %y : tensor<16xf32>
}

// -----

// A per-row division broadcast along the row (softmax's reciprocal) is not
// fused into the element-wise consumer: the division would run once per
// element instead of once per row.
// CHECK-LABEL: func.func @no_recomputed_division
// CHECK: %[[R:.*]] = linalg.generic
// CHECK: arith.divsi
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[R]] :
// CHECK-NOT: arith.divsi
func.func @no_recomputed_division(%x: tensor<4x8xi64>, %s: tensor<4xi64>) -> tensor<4x8xi64> {
  %c = arith.constant 140737488355328 : i64
  %e = tensor.empty() : tensor<4xi64>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%s : tensor<4xi64>) outs(%e : tensor<4xi64>) {
  ^bb0(%a: i64, %o: i64):
    %q = arith.divsi %c, %a : i64
    linalg.yield %q : i64
  } -> tensor<4xi64>
  %init = tensor.empty() : tensor<4x8xi64>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %r : tensor<4x8xi64>, tensor<4xi64>) outs(%init : tensor<4x8xi64>) {
  ^bb0(%a: i64, %b: i64, %o: i64):
    %m = arith.muli %a, %b : i64
    linalg.yield %m : i64
  } -> tensor<4x8xi64>
  return %y : tensor<4x8xi64>
}

// -----

// A cheap broadcast producer (a sign extension) is still fused.
// CHECK-LABEL: func.func @cheap_broadcast_fused
// CHECK: linalg.generic
// CHECK: arith.extsi
// CHECK: arith.muli
// CHECK-NOT: linalg.generic
func.func @cheap_broadcast_fused(%x: tensor<4x8xi64>, %s: tensor<4xi32>) -> tensor<4x8xi64> {
  %e = tensor.empty() : tensor<4xi64>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%s : tensor<4xi32>) outs(%e : tensor<4xi64>) {
  ^bb0(%a: i32, %o: i64):
    %w = arith.extsi %a : i32 to i64
    linalg.yield %w : i64
  } -> tensor<4xi64>
  %init = tensor.empty() : tensor<4x8xi64>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %r : tensor<4x8xi64>, tensor<4xi64>) outs(%init : tensor<4x8xi64>) {
  ^bb0(%a: i64, %b: i64, %o: i64):
    %m = arith.muli %a, %b : i64
    linalg.yield %m : i64
  } -> tensor<4x8xi64>
  return %y : tensor<4x8xi64>
}
