// RUN: qcc-opt %s -qcc-lower-to-linalg -split-input-file | FileCheck %s

// s_x / s_y = 2 = 0.5 * 2^2: M = 2^30, n = 31 - 2 = 29, computed at compile
// time; the element-wise body subtracts z_x, multiplies, rounds, adds z_y and
// saturates.
// CHECK-LABEL: func.func @requantize
// CHECK-SAME: (%[[X:.*]]: tensor<4xi8>) -> tensor<4xi8>
// CHECK-DAG: arith.constant dense<3> : tensor<1xi64>
// CHECK-DAG: arith.constant dense<-1> : tensor<1xi64>
// CHECK-DAG: arith.constant dense<1073741824> : tensor<1xi64>
// CHECK-DAG: arith.constant dense<29> : tensor<1xi64>
// CHECK: linalg.generic
// CHECK: arith.extsi %{{.*}} : i8 to i64
// CHECK: arith.subi
// CHECK: arith.muli
// CHECK: arith.shrsi
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: arith.trunci %{{.*}} : i64 to i8
func.func @requantize(%x: tensor<4xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  %y = qcc.requantize %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> -> tensor<4x!quant.uniform<i8:f32, 0.25:-1>>
  %r = quant.scast %y : tensor<4x!quant.uniform<i8:f32, 0.25:-1>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// Constant weights: the input zero point is folded into the bias,
// 10 - (-5) * (1 + 2) = 25, and the input is padded with z_x = -5.
// CHECK-LABEL: func.func @conv_folds_zero_point
// CHECK-DAG: arith.constant dense<25> : tensor<1xi32>
// CHECK-DAG: %[[ZP:.*]] = arith.constant -5 : i8
// CHECK: tensor.pad
// CHECK: tensor.yield %[[ZP]] : i8
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%{{.*}}, %{{.*}} : tensor<1x3x3x2xi8>, tensor<1x1x1x2xi8>) outs(%[[ACC]] : tensor<1x2x2x1xi32>)
// CHECK: linalg.generic {{.*}} ins(%[[CONV]], {{.*}}qcc.requantize_epilogue = array<i64: 0, -128, 127, 0>
func.func @conv_folds_zero_point(%x: tensor<1x2x2x2xi8>) -> tensor<1x2x2x1xi8> {
  %q = quant.scast %x : tensor<1x2x2x2xi8> to tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-5>>
  %wi = arith.constant dense<[[[[1, 2]]]]> : tensor<1x1x1x2xi8>
  %w = quant.scast %wi : tensor<1x1x1x2xi8> to tensor<1x1x1x2x!quant.uniform<i8<-127:127>:f32, 0.01>>
  %b = arith.constant dense<10> : tensor<1xi32>
  %y = qcc.conv2d %q, %w, %b {pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x2x!quant.uniform<i8:f32, 0.05:-5>>, tensor<1x1x1x2x!quant.uniform<i8<-127:127>:f32, 0.01>>, tensor<1xi32>) -> tensor<1x2x2x1x!quant.uniform<i8:f32, 0.1>>
  %r = quant.scast %y : tensor<1x2x2x1x!quant.uniform<i8:f32, 0.1>> to tensor<1x2x2x1xi8>
  return %r : tensor<1x2x2x1xi8>
}

// -----

// Asymmetric (u8, z_w = 100) weights are centered at compile time into an
// i16 constant (w - 100), and the bias absorbs -z_a * sum(w') = -4 * 10.
// CHECK-LABEL: func.func @matmul_weight_zero_point
// CHECK-DAG: arith.constant dense<{{\[}}[0], [10]]> : tensor<2x1xi16>
// CHECK-DAG: arith.constant dense<-40> : tensor<1xi32>
func.func @matmul_weight_zero_point(%a: tensor<3x2xi8>) -> tensor<3x1xi8> {
  %qa = quant.scast %a : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32, 0.1:4>>
  %wi = arith.constant dense<[[100], [110]]> : tensor<2x1xi8>
  %w = quant.scast %wi : tensor<2x1xi8> to tensor<2x1x!quant.uniform<u8:f32, 0.02:100>>
  %y = qcc.matmul %qa, %w : (tensor<3x2x!quant.uniform<i8:f32, 0.1:4>>, tensor<2x1x!quant.uniform<u8:f32, 0.02:100>>) -> tensor<3x1x!quant.uniform<i8:f32, 0.05>>
  %r = quant.scast %y : tensor<3x1x!quant.uniform<i8:f32, 0.05>> to tensor<3x1xi8>
  return %r : tensor<3x1xi8>
}

// -----

// Quantize rounds with the 1.5 * 2^23 trick (no libm) and maps NaN to z.
// CHECK-LABEL: func.func @quantize
// CHECK: arith.divf
// CHECK: arith.constant 0x4B400000 : f32
// CHECK: arith.cmpf uno
// CHECK: arith.fptosi
func.func @quantize(%x: tensor<4xf32>) -> tensor<4xi8> {
  %q = qcc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:3>>
  %r = quant.scast %q : tensor<4x!quant.uniform<i8:f32, 0.5:3>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// Data movement on quantized tensors is rebuilt on the storage type.
// CHECK-LABEL: func.func @reshape
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1]] : tensor<2x2xi8> into tensor<4xi8>
func.func @reshape(%x: tensor<2x2xi8>) -> tensor<4xi8> {
  %q = quant.scast %x : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32, 0.5>>
  %c = tensor.collapse_shape %q [[0, 1]] : tensor<2x2x!quant.uniform<i8:f32, 0.5>> into tensor<4x!quant.uniform<i8:f32, 0.5>>
  %r = quant.scast %c : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xi8>
  return %r : tensor<4xi8>
}

// -----

// A folded bias outside int32 wraps: the accumulator is exact modulo 2^32
// and defined when its final value fits (qcc-check-accumulators proves
// that). 2147483600 - (-128) * 127 = 2147499856 wraps to -2147467440.
// CHECK-LABEL: func.func @folded_bias_wraps
// CHECK: arith.constant dense<-2147467440> : tensor<1xi32>
func.func @folded_bias_wraps(%x: tensor<1x1x1x1xi8>) -> tensor<1x1x1x1xi8> {
  %q = quant.scast %x : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8:f32, 0.05:-128>>
  %wi = arith.constant dense<127> : tensor<1x1x1x1xi8>
  %w = quant.scast %wi : tensor<1x1x1x1xi8> to tensor<1x1x1x1x!quant.uniform<i8:f32, 0.01>>
  %b = arith.constant dense<2147483600> : tensor<1xi32>
  %y = qcc.conv2d %q, %w, %b {pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x1x1x1x!quant.uniform<i8:f32, 0.05:-128>>, tensor<1x1x1x1x!quant.uniform<i8:f32, 0.01>>, tensor<1xi32>) -> tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>>
  %r = quant.scast %y : tensor<1x1x1x1x!quant.uniform<i8:f32, 0.1>> to tensor<1x1x1x1xi8>
  return %r : tensor<1x1x1x1xi8>
}

// -----

// Depthwise weights (OHWI with I = 1) become HWC at compile time for the
// named depthwise convolution; grouped convolutions that are not depthwise
// stay one generic over (group, channel).
// CHECK-LABEL: func.func @depthwise_named
// CHECK-DAG: arith.constant dense<{{\[\[\[}}1, 3]], {{\[\[}}2, 4]]]> : tensor<2x1x2xi8>
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc
// CHECK-SAME: tensor<2x1x2xi8>
// CHECK: qcc.requantize_epilogue = array<i64: 0, 0, 127, 0>
func.func @depthwise_named(%x: tensor<1x3x3x2xi8>) -> tensor<1x2x3x2xi8> {
  %q = quant.scast %x : tensor<1x3x3x2xi8> to tensor<1x3x3x2x!quant.uniform<i8:f32, 0.05>>
  %wi = arith.constant dense<[[[[1]], [[2]]], [[[3]], [[4]]]]> : tensor<2x2x1x1xi8>
  %w = quant.scast %wi : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!quant.uniform<i8<-127:127>:f32, 0.01>>
  %y = qcc.conv2d %q, %w {pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, groups = 2 : i64, clamp_min = 0 : i64, clamp_max = 127 : i64} : (tensor<1x3x3x2x!quant.uniform<i8:f32, 0.05>>, tensor<2x2x1x1x!quant.uniform<i8<-127:127>:f32, 0.01>>) -> tensor<1x2x3x2x!quant.uniform<i8:f32, 0.1>>
  %r = quant.scast %y : tensor<1x2x3x2x!quant.uniform<i8:f32, 0.1>> to tensor<1x2x3x2xi8>
  return %r : tensor<1x2x3x2xi8>
}

// -----

// Symmetric int8 weights: a named i8 x i8 -> i32 matmul seeded with the
// bias, then the requantizing epilogue.
// CHECK-LABEL: func.func @matmul_named
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK: %[[MM:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<3x2xi8>, tensor<2x1xi8>) outs(%[[ACC]] : tensor<3x1xi32>)
// CHECK: linalg.generic {{.*}} ins(%[[MM]], {{.*}}qcc.requantize_epilogue
func.func @matmul_named(%a: tensor<3x2xi8>) -> tensor<3x1xi8> {
  %qa = quant.scast %a : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32, 0.1:4>>
  %wi = arith.constant dense<[[100], [-110]]> : tensor<2x1xi8>
  %w = quant.scast %wi : tensor<2x1xi8> to tensor<2x1x!quant.uniform<i8<-127:127>:f32, 0.02>>
  %y = qcc.matmul %qa, %w : (tensor<3x2x!quant.uniform<i8:f32, 0.1:4>>, tensor<2x1x!quant.uniform<i8<-127:127>:f32, 0.02>>) -> tensor<3x1x!quant.uniform<i8:f32, 0.05>>
  %r = quant.scast %y : tensor<3x1x!quant.uniform<i8:f32, 0.05>> to tensor<3x1xi8>
  return %r : tensor<3x1xi8>
}

// -----

// Activation x activation (attention): the batch dimensions collapse into
// one, and both zero points are subtracted in the loop (p, m, n | k).
// CHECK-LABEL: func.func @matmul_activations
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2], [3]] : tensor<1x2x3x4xi8> into tensor<2x3x4xi8>
// CHECK: tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2], [3]] : tensor<1x2x4x5xi8> into tensor<2x4x5xi8>
// CHECK: %[[ZB:.*]] = arith.constant dense<-3> : tensor<5xi32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.*}}, %{{.*}}, %[[ZB]] : tensor<2x3x4xi8>, tensor<2x4x5xi8>, tensor<5xi32>)
// CHECK: arith.constant 7 : i32
// CHECK: arith.subi
// CHECK: arith.subi
// CHECK: arith.muli
// CHECK: qcc.requantize_epilogue
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2], [3]] {{.*}} : tensor<2x3x5xi8> into tensor<1x2x3x5xi8>
func.func @matmul_activations(%a: tensor<1x2x3x4xi8>, %b: tensor<1x2x4x5xi8>) -> tensor<1x2x3x5xi8> {
  %qa = quant.scast %a : tensor<1x2x3x4xi8> to tensor<1x2x3x4x!quant.uniform<i8:f32, 0.1:7>>
  %qb = quant.scast %b : tensor<1x2x4x5xi8> to tensor<1x2x4x5x!quant.uniform<i8:f32, 0.2:-3>>
  %y = qcc.matmul %qa, %qb : (tensor<1x2x3x4x!quant.uniform<i8:f32, 0.1:7>>, tensor<1x2x4x5x!quant.uniform<i8:f32, 0.2:-3>>) -> tensor<1x2x3x5x!quant.uniform<i8:f32, 0.05>>
  %r = quant.scast %y : tensor<1x2x3x5x!quant.uniform<i8:f32, 0.05>> to tensor<1x2x3x5xi8>
  return %r : tensor<1x2x3x5xi8>
}

// -----

// softmax over rows [6, 8]: the row maximum, the tabulated exponentials
// (the only table lookups), their row sum, floor(2^47 / S) per row, then the
// Q15 probability requantized by 2^-15 / 2^-8 = 2^-7 (M = 2^30, n = 37).
// CHECK-LABEL: func.func @softmax
// CHECK: %[[ROWS:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : tensor<2x3x8xi8> into tensor<6x8xi8>
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[ROWS]] : tensor<6x8xi8>)
// CHECK: arith.maxsi
// CHECK: %[[EXP:.*]] = linalg.generic {{.*}} ins(%[[ROWS]], %[[MAX]] : tensor<6x8xi8>, tensor<6xi32>) outs(%{{.*}} : tensor<6x8xi32>)
// CHECK: tensor.extract
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] : tensor<6x8xi32>)
// CHECK-NOT: tensor.extract
// CHECK: %[[INV:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<6xi32>) outs(%{{.*}} : tensor<6xi64>)
// CHECK: arith.constant 140737488355328 : i64
// CHECK: arith.divsi
// CHECK: linalg.generic {{.*}} ins(%[[EXP]], %[[INV]] : tensor<6x8xi32>, tensor<6xi64>)
// CHECK-NOT: tensor.extract
// CHECK: arith.constant 32 : i64
// CHECK: arith.constant 1073741824 : i64
// CHECK: arith.constant 37 : i64
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] {{.*}} : tensor<6x8xi8> into tensor<2x3x8xi8>
func.func @softmax(%x: tensor<2x3x8xi8>) -> tensor<2x3x8xi8> {
  %q = quant.scast %x : tensor<2x3x8xi8> to tensor<2x3x8x!quant.uniform<i8:f32, 0.0625:3>>
  %y = qcc.softmax %q {exp_table = dense<65536> : tensor<256xi32>} : tensor<2x3x8x!quant.uniform<i8:f32, 0.0625:3>> -> tensor<2x3x8x!quant.uniform<i8:f32, 0.00390625:-128>>
  %r = quant.scast %y : tensor<2x3x8x!quant.uniform<i8:f32, 0.00390625:-128>> to tensor<2x3x8xi8>
  return %r : tensor<2x3x8xi8>
}

// -----

// An int16 lookup interpolates: u = x + 32768, entries u >> 7 and the one
// after, weight u & 127, then RHE(128 T[i] + f (T[i+1] - T[i]), 7); the
// result lies between two entries, so it is truncated without saturation.
// CHECK-LABEL: func.func @lookup_int16
// CHECK: %[[T:.*]] = arith.constant dense<3> : tensor<513xi8>
// CHECK: linalg.generic
// CHECK: %[[X:.*]] = arith.extsi %{{.*}} : i16 to i64
// CHECK: %[[U:.*]] = arith.addi %[[X]], %{{.*}} : i64
// CHECK: %[[I:.*]] = arith.shrui %[[U]], %{{.*}} : i64
// CHECK: %[[F:.*]] = arith.andi %[[U]], %{{.*}} : i64
// CHECK: tensor.extract %[[T]]
// CHECK: %[[NEXT:.*]] = arith.addi %[[I]], %{{.*}} : i64
// CHECK: tensor.extract %[[T]]
// CHECK: %[[STEP:.*]] = arith.muli %[[F]], %{{.*}} : i64
// CHECK: arith.shli
// CHECK: arith.addi %{{.*}}, %[[STEP]] : i64
// CHECK: arith.shrsi
// CHECK-NOT: arith.maxsi
// CHECK-NOT: arith.minsi
// CHECK: %[[Y:.*]] = arith.trunci %{{.*}} : i64 to i8
// CHECK-NEXT: linalg.yield %[[Y]] : i8
func.func @lookup_int16(%x: tensor<4x!quant.uniform<i16:f32, 0.001>>) -> tensor<4x!quant.uniform<i8:f32, 0.01>> {
  %y = qcc.lookup %x {table = dense<3> : tensor<513xi8>} : tensor<4x!quant.uniform<i16:f32, 0.001>> -> tensor<4x!quant.uniform<i8:f32, 0.01>>
  return %y : tensor<4x!quant.uniform<i8:f32, 0.01>>
}
