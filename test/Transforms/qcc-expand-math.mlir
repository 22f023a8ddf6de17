// RUN: qcc-opt %s -qcc-expand-math | FileCheck %s

// Transcendentals become arithmetic: nothing is left for libm.
// CHECK-LABEL: func.func @transcendentals
// CHECK-NOT: math.exp
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK-NOT: math.log
// CHECK: return
func.func @transcendentals(%x: f32) -> (f32, f32, f32, f32) {
  %0 = math.exp %x : f32
  %1 = math.tanh %x : f32
  %2 = math.erf %x : f32
  %3 = math.log %x : f32
  return %0, %1, %2, %3 : f32, f32, f32, f32
}

// Narrow floats are widened to f32 and approximated the same way; the
// f16 conversions themselves become integer code on the bit patterns (no
// __extendhfsf2/__truncsfhf2 calls).
// CHECK-LABEL: func.func @half
// CHECK: arith.bitcast %{{.*}} : f16 to i16
// CHECK-NOT: math.exp
// CHECK-NOT: arith.extf
// CHECK-NOT: arith.truncf
// CHECK: arith.bitcast %{{.*}} : i16 to f16
func.func @half(%x: f16) -> f16 {
  %0 = math.exp %x : f16
  return %0 : f16
}

// Arithmetic on f16 and bf16 runs in f32 and rounds once.
// CHECK-LABEL: func.func @half_arith
// CHECK-NOT: arith.extf
// CHECK: arith.addf %{{.*}}, %{{.*}} : f32
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK-NOT: arith.truncf
// CHECK: return
func.func @half_arith(%x: f16, %y: bf16) -> (f16, bf16) {
  %0 = arith.addf %x, %x : f16
  %1 = arith.mulf %y, %y : bf16
  return %0, %1 : f16, bf16
}

// f64 has no polynomial approximation upstream: it is left for libm, which
// the docs state (negative case: the pass must not touch it).
// CHECK-LABEL: func.func @double
// CHECK: math.exp %{{.*}} : f64
func.func @double(%x: f64) -> f64 {
  %0 = math.exp %x : f64
  return %0 : f64
}
