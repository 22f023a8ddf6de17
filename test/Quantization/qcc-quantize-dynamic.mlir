// RUN: qcc-opt %s -split-input-file -qcc-quantize-dynamic | FileCheck %s

// A matmul with constant weights: the input's scale is max|x| / 127 (1 when
// x is all zero), the input is rounded to nearest even and clamped to
// [-127, 127], the int32 product is scaled back with s_x * s_w per column.
// CHECK-LABEL: func.func @weights
// CHECK: %[[W:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}127, -127], [64, 0]]]> : tensor<1x2x2xi8>}>
// CHECK: %[[SW:.*]] = arith.constant dense<{{\[\[\[}}0.0157480314, 0.0314960629]]]> : tensor<1x1x2xf32>
// CHECK: %[[ABS:.*]] = tosa.abs %[[X:.*]] :
// CHECK: tosa.reduce_max
// CHECK: tosa.reduce_max
// CHECK: %[[MAX:.*]] = tosa.reduce_max {{.*}} -> tensor<1x1x1xf32>
// CHECK: %[[ZERO:.*]] = arith.cmpf oeq, %[[MAX]]
// CHECK: %[[DIV:.*]] = arith.divf %[[MAX]]
// CHECK: %[[SX:.*]] = arith.select %[[ZERO]], %{{.*}}, %[[DIV]]
// CHECK: math.roundeven
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: %[[I:.*]] = arith.fptosi {{.*}} to tensor<1x3x2xi32>
// CHECK: %[[Q:.*]] = arith.trunci %[[I]] {{.*}} to tensor<1x3x2xi8>
// CHECK: %[[ACC:.*]] = tosa.matmul %[[Q]], %[[W]], {{.*}} -> tensor<1x3x2xi32>
// CHECK: arith.mulf {{.*}}, %[[SW]] : tensor<1x1x2xf32>
// CHECK: arith.sitofp %[[ACC]]
// CHECK: arith.mulf
func.func @weights(%x: tensor<1x3x2xf32>) -> tensor<1x3x2xf32> {
  %w = "tosa.const"() <{values = dense<[[[2.0, -4.0], [1.0, 0.0]]]> : tensor<1x2x2xf32>}> : () -> tensor<1x2x2xf32>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.matmul %x, %w, %zp, %zp : (tensor<1x3x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x2xf32>
  return %0 : tensor<1x3x2xf32>
}

// -----

// Negative cases: activation x activation matmuls and weights holding a
// non-finite value stay float.
// CHECK-LABEL: func.func @untouched
// CHECK-NOT: xi8>
// CHECK: tosa.matmul {{.*}} -> tensor<1x2x2xf32>
// CHECK: tosa.matmul {{.*}} -> tensor<1x2x2xf32>
func.func @untouched(%x: tensor<1x2x2xf32>, %y: tensor<1x2x2xf32>) -> (tensor<1x2x2xf32>, tensor<1x2x2xf32>) {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.matmul %x, %y, %zp, %zp : (tensor<1x2x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32>
  %w = "tosa.const"() <{values = dense<[[[1.0, 0x7F800000], [1.0, 2.0]]]> : tensor<1x2x2xf32>}> : () -> tensor<1x2x2xf32>
  %1 = tosa.matmul %x, %w, %zp, %zp : (tensor<1x2x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2xf32>
  return %0, %1 : tensor<1x2x2xf32>, tensor<1x2x2xf32>
}

// -----

// Weights shared by two matmuls reach them through reshapes of one constant
// (the canonicalizer does not fold those); both are quantized.
// CHECK-LABEL: func.func @shared
// CHECK-COUNT-2: tosa.matmul {{.*}} -> tensor<1x1x2xi32>
func.func @shared(%x: tensor<1x1x2xf32>, %y: tensor<1x1x2xf32>) -> (tensor<1x1x2xf32>, tensor<1x1x2xf32>) {
  %w = "tosa.const"() <{values = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>}> : () -> tensor<2x2xf32>
  %shape = tosa.const_shape {values = dense<[1, 2, 2]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %w0 = tosa.reshape %w, %shape : (tensor<2x2xf32>, !tosa.shape<3>) -> tensor<1x2x2xf32>
  %w1 = tosa.reshape %w, %shape : (tensor<2x2xf32>, !tosa.shape<3>) -> tensor<1x2x2xf32>
  %0 = tosa.matmul %x, %w0, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  %1 = tosa.matmul %y, %w1, %zp, %zp : (tensor<1x1x2xf32>, tensor<1x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x2xf32>
  return %0, %1 : tensor<1x1x2xf32>, tensor<1x1x2xf32>
}
