// RUN: qcc-opt %s -qcc-fold-qdq -split-input-file | FileCheck %s

// Gemm with transB: the [N, K] weights, quantized per output column (axis 0),
// are transposed to [K, N] and reshaped to [1, K, N] for tosa.matmul. Both
// layout ops are applied to the integers: [[1, 2, 3], [4, 5, 6]] becomes
// [[[1, 4], [2, 5], [3, 6]]], and the quantized axis follows the columns
// (0 -> 1 -> 2).
// CHECK-LABEL: func.func @gemm_weights
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[\[}}1, 4], [2, 5], [3, 6]]]> : tensor<1x3x2xi8>
// CHECK: %[[S:.*]] = quant.scast %[[W]] : tensor<1x3x2xi8> to tensor<1x3x2x!quant.uniform<i8:f32:2, {5.000000e-01,2.500000e-01:3}>>
// CHECK: %[[D:.*]] = qcc.dequantize %[[S]]
// CHECK: tosa.matmul %{{.*}}, %[[D]]
// CHECK-NOT: tosa.transpose
func.func @gemm_weights(%a: tensor<1x1x3xf32>) -> tensor<1x1x2xf32> {
  %w = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %ws = quant.scast %w : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25:3}>>
  %wf = qcc.dequantize %ws : tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25:3}>> -> tensor<2x3xf32>
  %wt = tosa.transpose %wf {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %shape = tosa.const_shape {values = dense<[1, 3, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %wr = tosa.reshape %wt, %shape : (tensor<3x2xf32>, !tosa.shape<3>) -> tensor<1x3x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %y = tosa.matmul %a, %wr, %zp, %zp : (tensor<1x1x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  return %y : tensor<1x1x2xf32>
}

// -----

// The bias add behind the matmul's reshape moves in front of it, the int32
// bias constant reshaped to [1, 1, N] with its axis on the columns; the
// relu's clamp follows, and the quantize moves in front of the reshape, so
// that matmul, bias, clamp and quantize are adjacent.
// CHECK-LABEL: func.func @gemm_bias
// CHECK: %[[B:.*]] = arith.constant dense<{{\[\[\[}}7, -9]]]> : tensor<1x1x2xi32>
// CHECK: %[[M:.*]] = tosa.matmul
// CHECK-NEXT: %[[BS:.*]] = quant.scast %[[B]] : tensor<1x1x2xi32> to tensor<1x1x2x!quant.uniform<i32:f32:2, {1.000000e-02,2.000000e-02}>>
// CHECK-NEXT: %[[BD:.*]] = qcc.dequantize %[[BS]]
// CHECK-NEXT: %[[ADD:.*]] = tosa.add %[[M]], %[[BD]] : (tensor<1x1x2xf32>, tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
// CHECK-NEXT: %[[C:.*]] = tosa.clamp %[[ADD]]
// CHECK-NEXT: %[[Q:.*]] = qcc.quantize %[[C]] : tensor<1x1x2xf32> -> tensor<1x1x2x!quant.uniform<i8:f32, 1.000000e-01:-128>>
// CHECK-NEXT: tosa.reshape %[[Q]]
func.func @gemm_bias(%a: tensor<1x1x3xf32>, %w: tensor<1x3x2xf32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.1:-128>> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %m = tosa.matmul %a, %w, %zp, %zp : (tensor<1x1x3xf32>, tensor<1x3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %shape = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %r = tosa.reshape %m, %shape : (tensor<1x1x2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
  %b = arith.constant dense<[7, -9]> : tensor<2xi32>
  %bs = quant.scast %b : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {0.01, 0.02}>>
  %bf = qcc.dequantize %bs : tensor<2x!quant.uniform<i32:f32:0, {0.01, 0.02}>> -> tensor<2xf32>
  %shape2 = tosa.const_shape {values = dense<[1, 2]> : tensor<2xindex>} : () -> !tosa.shape<2>
  %br = tosa.reshape %bf, %shape2 : (tensor<2xf32>, !tosa.shape<2>) -> tensor<1x2xf32>
  %y = tosa.add %r, %br : (tensor<1x2xf32>, tensor<1x2xf32>) -> tensor<1x2xf32>
  %c = tosa.clamp %y {min_val = 0.0 : f32, max_val = 3.4028235e+38 : f32} : (tensor<1x2xf32>) -> tensor<1x2xf32>
  %q = qcc.quantize %c : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<i8:f32, 0.1:-128>>
  return %q : tensor<1x2x!quant.uniform<i8:f32, 0.1:-128>>
}

// -----

// An activation's dequantize moves behind a transpose (per-tensor types
// only), so the consumer reads a dequantized value.
// CHECK-LABEL: func.func @activation_layout
// CHECK: %[[Q:.*]] = qcc.quantize %arg0
// CHECK-NEXT: %[[T:.*]] = tosa.transpose %[[Q]] {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x4x!quant.uniform<i8:f32, 5.000000e-01:1>>) -> tensor<1x3x4x2x!quant.uniform<i8:f32, 5.000000e-01:1>>
// CHECK-NEXT: qcc.dequantize %[[T]]
func.func @activation_layout(%x: tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32> {
  %q = qcc.quantize %x : tensor<1x2x3x4xf32> -> tensor<1x2x3x4x!quant.uniform<i8:f32, 0.5:1>>
  %d = qcc.dequantize %q : tensor<1x2x3x4x!quant.uniform<i8:f32, 0.5:1>> -> tensor<1x2x3x4xf32>
  %t = tosa.transpose %d {perms = array<i32: 0, 2, 3, 1>} : (tensor<1x2x3x4xf32>) -> tensor<1x3x4x2xf32>
  return %t : tensor<1x3x4x2xf32>
}

// -----

// Left alone: a reshape that merges the quantized dimension of per-axis
// parameters (no single axis to carry them), and a per-axis activation.
// CHECK-LABEL: func.func @left_alone
// CHECK: %[[D:.*]] = qcc.dequantize %{{.*}} : tensor<2x3x!quant.uniform<i8:f32:0, {5.000000e-01,2.500000e-01}>> -> tensor<2x3xf32>
// CHECK: tosa.reshape %[[D]]
// CHECK: %[[A:.*]] = qcc.dequantize %arg0
// CHECK: tosa.transpose %[[A]]
func.func @left_alone(%x: tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>>) -> (tensor<6xf32>, tensor<3x2xf32>) {
  %w = arith.constant dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>
  %ws = quant.scast %w : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  %wf = qcc.dequantize %ws : tensor<2x3x!quant.uniform<i8:f32:0, {0.5, 0.25}>> -> tensor<2x3xf32>
  %shape = tosa.const_shape {values = dense<6> : tensor<1xindex>} : () -> !tosa.shape<1>
  %wr = tosa.reshape %wf, %shape : (tensor<2x3xf32>, !tosa.shape<1>) -> tensor<6xf32>
  %d = qcc.dequantize %x : tensor<2x3x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125}>> -> tensor<2x3xf32>
  %t = tosa.transpose %d {perms = array<i32: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %wr, %t : tensor<6xf32>, tensor<3x2xf32>
}

// -----

// Weights a QAT exporter writes as a quantize of float constants become the
// integers, computed as qcc.quantize computes them at run time:
// 0.5 / 0.25 + 1 = 3; roundeven(-1.04) + 1 = 0; 100 / 0.25 saturates at
// 127; NaN gives the zero point 1. Per axis (scales 0.5, 2; zero points 0,
// -2): roundeven(2.5) = 2, -2; roundeven(1.5) - 2 = 0, roundeven(2.5) - 2 = 0.
// CHECK-LABEL: func.func @quantized_constants
// CHECK-DAG: %[[A:.*]] = arith.constant dense<[3, 0, 127, 1]> : tensor<4xi8>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<{{\[\[}}2, -2], [0, 0]]> : tensor<2x2xi8>
// CHECK-DAG: quant.scast %[[A]] : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 2.500000e-01:1>>
// CHECK-DAG: quant.scast %[[B]] : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32:0, {5.000000e-01,2.000000e+00:-2}>>
// CHECK-NOT: qcc.quantize
func.func @quantized_constants() -> (tensor<4x!quant.uniform<i8:f32, 0.25:1>>, tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 2.0:-2}>>) {
  %a = arith.constant dense<[0.5, -0.26, 100.0, 0x7FC00000]> : tensor<4xf32>
  %qa = qcc.quantize %a : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:1>>
  %b = arith.constant dense<[[1.25, -1.0], [3.0, 5.0]]> : tensor<2x2xf32>
  %qb = qcc.quantize %b : tensor<2x2xf32> -> tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 2.0:-2}>>
  return %qa, %qb : tensor<4x!quant.uniform<i8:f32, 0.25:1>>, tensor<2x2x!quant.uniform<i8:f32:0, {0.5, 2.0:-2}>>
}

// -----

// A max pooling of a dequantized value that the model does not quantize
// again gets its input's type (exact: the maximum stays on the grid).
// CHECK-LABEL: func.func @max_pool_keeps_grid
// CHECK: %[[P:.*]] = tosa.max_pool2d
// CHECK-NEXT: %[[Q:.*]] = qcc.quantize %[[P]] : tensor<1x2x2x1xf32> -> tensor<1x2x2x1x!quant.uniform<u8:f32, 5.000000e-01:3>>
// CHECK-NEXT: %[[D:.*]] = qcc.dequantize %[[Q]]
// CHECK-NEXT: return %[[D]]
func.func @max_pool_keeps_grid(%x: tensor<1x4x4x1x!quant.uniform<u8:f32, 0.5:3>>) -> tensor<1x2x2x1xf32> {
  %d = qcc.dequantize %x : tensor<1x4x4x1x!quant.uniform<u8:f32, 0.5:3>> -> tensor<1x4x4x1xf32>
  %p = tosa.max_pool2d %d {kernel = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x4x4x1xf32>) -> tensor<1x2x2x1xf32>
  return %p : tensor<1x2x2x1xf32>
}
