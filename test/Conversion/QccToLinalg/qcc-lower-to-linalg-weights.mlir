// RUN: qcc-opt %s -qcc-lower-to-linalg -split-input-file | FileCheck %s

// int8 with blocks of 2 rows per column: storage read as is, scales at
// (row floordiv 2, column); one f32 multiplication per element.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[BLOCK:.*]] = affine_map<(d0, d1) -> (d0 floordiv 2, d1)>
// CHECK-LABEL: func.func @int8_blocks
// CHECK-DAG: %[[Q:.*]] = arith.constant dense<{{.*}}> : tensor<4x2xi8>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<{{.*}}> : tensor<2x2xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x2xf32>
// CHECK: %[[W:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[BLOCK]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[Q]], %[[S]] : tensor<4x2xi8>, tensor<2x2xf32>) outs(%[[E]] : tensor<4x2xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: i8, %[[SC:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[F:.*]] = arith.sitofp %[[IN]] : i8 to f32
// CHECK-NEXT: %[[R:.*]] = arith.mulf %[[F]], %[[SC]] : f32
// CHECK-NEXT: linalg.yield %[[R]] : f32
// CHECK: return %[[W]]
func.func @int8_blocks() -> tensor<4x2xf32> {
  %w = qcc.dequantized_constant dense<[[1, 2], [3, 4], [5, 6], [7, -7]]> : tensor<4x2xi8>, dense<[[0.5, 0.25], [1.0, 2.0]]> : tensor<2x2xf32> {bits = 8 : i64} : tensor<4x2xf32>
  return %w : tensor<4x2xf32>
}

// -----

// int4 per column: byte (row, column floordiv 2); even columns shift the low
// nibble up before the arithmetic shift right by 4 that sign-extends.
// CHECK-DAG: #[[PACKED:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 2)>
// CHECK-DAG: #[[COLUMN:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @int4_per_column
// CHECK: linalg.generic {indexing_maps = [#[[PACKED]], #[[COLUMN]], #{{.*}}]
// CHECK-NEXT: ^bb0(%[[IN:.*]]: i8, %[[SC:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG: %[[J:.*]] = linalg.index 1 : index
// CHECK-DAG: %[[UP:.*]] = arith.shli %[[IN]], %{{.*}} : i8
// CHECK: %[[TOP:.*]] = arith.select %{{.*}}, %[[UP]], %[[IN]] : i8
// CHECK: %[[V:.*]] = arith.shrsi %[[TOP]], %{{.*}} : i8
// CHECK: %[[F:.*]] = arith.sitofp %[[V]] : i8 to f32
// CHECK: arith.mulf %[[F]], %[[SC]] : f32
func.func @int4_per_column() -> tensor<2x3xf32> {
  %w = qcc.dequantized_constant dense<[[33, 7], [-15, 9]]> : tensor<2x2xi8>, dense<[[1.0, 2.0, 0.5]]> : tensor<1x3xf32> {bits = 4 : i64} : tensor<2x3xf32>
  return %w : tensor<2x3xf32>
}
