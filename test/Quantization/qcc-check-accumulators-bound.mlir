// RUN: qcc-opt %s -qcc-check-accumulators | FileCheck %s

// The bound per column is |bias| + max|x - z_x| * sum_k |w - z_w|, with
// z_x = -3 so max|x - z_x| = 127 + 3 = 130 (at x = 127): column 0
// 10 + 130 * (3 + 4) = 920, column 1 0 + 130 * (1 + 2) = 390. The largest
// is recorded.
// CHECK: qcc.matmul %{{.*}}, %{{.*}}, %{{.*}} {qcc.accumulator_bound = 920 : i64}
func.func @bound(%a: tensor<1x2xi8>) -> tensor<1x2xi8> {
  %qa = quant.scast %a : tensor<1x2xi8> to tensor<1x2x!quant.uniform<i8:f32, 0.1:-3>>
  %wi = arith.constant dense<[[3, 1], [-4, 2]]> : tensor<2x2xi8>
  %w = quant.scast %wi : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<[10, 0]> : tensor<2xi32>
  %y = qcc.matmul %qa, %w, %b : (tensor<1x2x!quant.uniform<i8:f32, 0.1:-3>>, tensor<2x2x!quant.uniform<i8:f32, 0.01>>, tensor<2xi32>) -> tensor<1x2x!quant.uniform<i8:f32, 0.2>>
  %r = quant.scast %y : tensor<1x2x!quant.uniform<i8:f32, 0.2>> to tensor<1x2xi8>
  return %r : tensor<1x2xi8>
}
