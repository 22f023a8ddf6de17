// RUN: qcc-opt %s -split-input-file -qcc-assign-precision='int16=/fc/MatMul keep-float=Conv' | FileCheck %s
// RUN: qcc-opt %s -split-input-file -qcc-assign-precision='int16=all keep-float=tosa.clamp' | FileCheck %s --check-prefix=ALL
// RUN: qcc-opt %s -split-input-file -qcc-assign-precision='int16=conv2d,/relu/Relu' | FileCheck %s --check-prefix=TOSA

// ONNX node names select by location, ONNX operator types by the TOSA ops
// they become; keep-float wins over int16 ('all').
// CHECK-LABEL: func.func @net
// CHECK: tosa.conv2d {{.*}}qcc.precision = "float"
// CHECK: tosa.clamp
// CHECK-NOT: qcc.precision
// CHECK: tosa.matmul {{.*}}qcc.precision = "int16"
// ALL-LABEL: func.func @net
// ALL: tosa.conv2d {{.*}}qcc.precision = "int16"
// ALL: tosa.clamp {{.*}}qcc.precision = "float"
// ALL: tosa.reshape {{.*}}qcc.precision = "int16"
// ALL: tosa.matmul {{.*}}qcc.precision = "int16"
// TOSA-LABEL: func.func @net
// TOSA: tosa.conv2d {{.*}}qcc.precision = "int16"
// TOSA: tosa.clamp {{.*}}qcc.precision = "int16"
// TOSA-NOT: qcc.precision
func.func @net(%x: tensor<1x2x2x1xf32>) -> tensor<1x1x3xf32> {
  %w = "tosa.const"() {values = dense<0.5> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x2x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x1xf32> loc("/conv/Conv")
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.4e38 : f32} : (tensor<1x2x2x1xf32>) -> tensor<1x2x2x1xf32> loc("/relu/Relu")
  %s = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %2 = tosa.reshape %1, %s : (tensor<1x2x2x1xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32> loc("/flatten/Reshape")
  %m = "tosa.const"() {values = dense<0.25> : tensor<1x4x3xf32>} : () -> tensor<1x4x3xf32>
  %3 = tosa.matmul %2, %m, %zp, %zp : (tensor<1x1x4xf32>, tensor<1x4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x3xf32> loc("/fc/MatMul")
  return %3 : tensor<1x1x3xf32>
}
