// RUN: qcc-opt %s -qcc-quantize -split-input-file | FileCheck %s

// conv + relu: input [-1, 1] -> s = f32(2/255) (scales are rounded to f32),
// slightly above 2/255, so z = roundeven(-128 + 1/s) = roundeven(-0.5000001)
// = -1; weights f32(0.1) -> per-channel s_w = f32(f32(0.1)/127), q = 127;
// bias 0.2 -> 0.2 / (s_x * s_w) = 32385; output [0, 3] -> s = f32(3/255),
// z = -128, so relu clamps at -128. The
// result stands for the clamp, TOSA op #4 after three constants and the
// convolution (qcc.layer = 4).
// CHECK-LABEL: func.func @conv_relu
// CHECK-DAG: %[[W:.*]] = arith.constant dense<127> : tensor<2x1x1x1xi8>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<32385> : tensor<2xi32>
// CHECK: %[[X:.*]] = qcc.quantize %{{.*}} : tensor<1x4x4x1xf32> -> tensor<1x4x4x1x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>
// CHECK: %[[WQ:.*]] = quant.scast %[[W]] : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {7.8740157186985015E-4,7.8740157186985015E-4}>>
// CHECK: %[[Y:.*]] = qcc.conv2d %[[X]], %[[WQ]], %[[B]] {clamp_max = 127 : i64, clamp_min = -128 : i64, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, qcc.layer = 4 : i64, stride = array<i64: 1, 1>}
// CHECK-SAME: -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.011764706112444401:-128>>
// CHECK: %[[R:.*]] = qcc.dequantize %[[Y]]
// CHECK-NOT: tosa.clamp
// CHECK: return %[[R]]
func.func @conv_relu(%x: tensor<1x4x4x1xf32> {qcc.range = array<f64: -1.0, 1.0>}) -> tensor<1x4x4x2xf32> {
  %w = "tosa.const"() {values = dense<0.1> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.2> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, qcc.range = array<f64: -2.0, 3.0>} : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x4x4x2xf32>
  %1 = tosa.clamp %0 {min_val = 0.0 : f32, max_val = 3.4e38 : f32, qcc.range = array<f64: 0.0, 3.0>} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %1 : tensor<1x4x4x2xf32>
}

// -----

// Consecutive quantized layers exchange integers: no dequantize/quantize
// pair is left between the max pooling (which keeps its input's type), the
// reshape (moved into the integer domain) and the matmul whose following
// constant add became its bias (0.5 / (s_x * s_w) with s_x = f32(1/255) and
// s_w = f32(0.25/127): 64770, as 0.5 * 255 * 127 / 0.25 before rounding).
// CHECK-LABEL: func.func @layers
// CHECK-DAG: arith.constant dense<64770> : tensor<4xi32>
// CHECK: qcc.quantize
// CHECK-NEXT: qcc.max_pool2d
// CHECK-NEXT: tosa.reshape %{{.*}} : (tensor<1x1x1x4x!quant.uniform<i8:f32, 0.0039215688593685627:-128>>
// CHECK: qcc.matmul %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK-SAME: tensor<4xi32>
// CHECK: qcc.dequantize
// CHECK-NOT: qcc.quantize
// CHECK: return
func.func @layers(%x: tensor<1x2x2x4xf32> {qcc.range = array<f64: 0.0, 1.0>}) -> tensor<1x1x4xf32> {
  %0 = tosa.max_pool2d %x {kernel = array<i64: 2, 2>, stride = array<i64: 2, 2>, pad = array<i64: 0, 0, 0, 0>, qcc.range = array<f64: 0.0, 1.0>} : (tensor<1x2x2x4xf32>) -> tensor<1x1x1x4xf32>
  %s = tosa.const_shape {values = dense<[1, 1, 4]> : tensor<3xindex>} : () -> !tosa.shape<3>
  %1 = tosa.reshape %0, %s {qcc.range = array<f64: 0.0, 1.0>} : (tensor<1x1x1x4xf32>, !tosa.shape<3>) -> tensor<1x1x4xf32>
  %w = "tosa.const"() {values = dense<0.25> : tensor<1x4x4xf32>} : () -> tensor<1x4x4xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %2 = tosa.matmul %1, %w, %zp, %zp : (tensor<1x1x4xf32>, tensor<1x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4xf32>
  %b = "tosa.const"() {values = dense<0.5> : tensor<1x1x4xf32>} : () -> tensor<1x1x4xf32>
  %3 = tosa.add %2, %b {qcc.range = array<f64: 0.0, 2.0>} : (tensor<1x1x4xf32>, tensor<1x1x4xf32>) -> tensor<1x1x4xf32>
  return %3 : tensor<1x1x4xf32>
}

// -----

// Per-tensor weights on request: one scale, f32(max |w| / 127) = f32(f32(0.4) / 127),
// so 0.1 quantizes to roundeven(31.75) = 32.
// RUN: qcc-opt %s -qcc-quantize=per-tensor-weights -split-input-file | FileCheck %s --check-prefix=PER-TENSOR
// PER-TENSOR-LABEL: func.func @per_tensor
// PER-TENSOR: arith.constant dense<{{\[}}[{{\[}}[32]]], [{{\[}}[-127]]]]> : tensor<2x1x1x1xi8>
// PER-TENSOR: quant.scast %{{.*}} : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32, 0.0031496062874794006>>
func.func @per_tensor(%x: tensor<1x1x1x1xf32> {qcc.range = array<f64: -1.0, 1.0>}) -> tensor<1x1x1x2xf32> {
  %w = "tosa.const"() {values = dense<[[[[0.1]]], [[[-0.4]]]]> : tensor<2x1x1x1xf32>} : () -> tensor<2x1x1x1xf32>
  %b = "tosa.const"() {values = dense<0.0> : tensor<2xf32>} : () -> tensor<2xf32>
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %0 = tosa.conv2d %x, %w, %b, %zp, %zp {acc_type = f32, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>, qcc.range = array<f64: -1.0, 1.0>} : (tensor<1x1x1x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x1x2xf32>
  return %0 : tensor<1x1x1x2xf32>
}

// -----

// Without a range the op cannot be quantized and stays float (negative case).
// CHECK-LABEL: func.func @no_range
// CHECK-NOT: qcc.
// CHECK: tosa.sigmoid
func.func @no_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tosa.sigmoid %x : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// sigmoid with ranges becomes a 256-entry table (s_x = f32(16/255), so
// z_x = roundeven(-128 + 8 / s_x) = -1; s_y = f32(1/255), z_y = -128).
// Entry 0 (q = -128, x = -7.97): 0.088 - 128 -> -128 (0x80). Entries
// 126..128 (q = -2, -1, 0; x = -s_x, 0, s_x): 123.501 - 128 -> -4 (0xFC),
// 127.49999 - 128 -> -1 (0xFF; 0.5 / s_y falls just below the tie),
// 131.499 - 128 -> 3.
// CHECK-LABEL: func.func @sigmoid_table
// CHECK: qcc.lookup %{{.*}} {qcc.layer = 0 : i64, table = dense<"0x80{{.*}}FCFF03{{.*}}"> : tensor<256xi8>}
func.func @sigmoid_table(%x: tensor<4xf32> {qcc.range = array<f64: -8.0, 8.0>}) -> tensor<4xf32> {
  %0 = tosa.sigmoid %x {qcc.range = array<f64: 0.0, 1.0>} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A matmul of two activations (attention's Q x K^T) reads each operand with
// its own calibrated per-tensor type: a in [-1, 1] (s = f32(2/255),
// z = roundeven(-128 + 127.49999) = -1), b in [0, 2.55] (s = 0.01,
// z = -128),
// y in [-2.55, 0] (s = 0.01, z = 127).
// CHECK-LABEL: func.func @matmul_activations
// CHECK-DAG: %[[A:.*]] = qcc.quantize %arg0 : tensor<2x3x4xf32> -> tensor<2x3x4x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>
// CHECK-DAG: %[[B:.*]] = qcc.quantize %arg1 : tensor<2x4x5xf32> -> tensor<2x4x5x!quant.uniform<i8:f32, 0.0099999997764825821:-128>>
// CHECK: qcc.matmul %[[A]], %[[B]] {qcc.layer = {{[0-9]+}} : i64} : (tensor<2x3x4x!quant.uniform<i8:f32, 0.0078431377187371254:-1>>, tensor<2x4x5x!quant.uniform<i8:f32, 0.0099999997764825821:-128>>) -> tensor<2x3x5x!quant.uniform<i8:f32, 0.0099999997764825821:127>>
func.func @matmul_activations(%a: tensor<2x3x4xf32> {qcc.range = array<f64: -1.0, 1.0>}, %b: tensor<2x4x5xf32> {qcc.range = array<f64: 0.0, 2.55>}) -> tensor<2x3x5xf32> {
  %zp = "tosa.const"() <{values = dense<0.0> : tensor<1xf32>}> : () -> tensor<1xf32>
  %0 = tosa.matmul %a, %b, %zp, %zp {qcc.range = array<f64: -2.55, 0.0>} : (tensor<2x3x4xf32>, tensor<2x4x5xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3x5xf32>
  return %0 : tensor<2x3x5xf32>
}

// -----

// A mul of two values computed in float (inside a normalization) stays
// float: quantizing them there would only add error (negative case).
// CHECK-LABEL: func.func @mul_of_float_values
// CHECK-NOT: qcc.mul
// CHECK: tosa.mul
func.func @mul_of_float_values(%a: tensor<4xf32> {qcc.range = array<f64: -1.0, 1.0>}, %b: tensor<4xf32> {qcc.range = array<f64: -1.0, 1.0>}) -> tensor<4xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %d = tosa.sub %a, %b {qcc.range = array<f64: -2.0, 2.0>} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %0 = tosa.mul %d, %d, %shift {qcc.range = array<f64: 0.0, 4.0>} : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// ReduceMean as importers write it, mul(reduce_sum(x), 1/k), becomes an
// average pool over a [P, k, 1, Q] view of x: here P = 2, k = 4, Q = 3.
// CHECK-LABEL: func.func @mean
// CHECK: %[[X:.*]] = qcc.quantize %arg0 : tensor<2x4x3xf32> -> tensor<2x4x3x!quant.uniform<i8
// CHECK: %[[Q:.*]] = tosa.reshape %[[X]], %{{.*}} -> tensor<2x4x1x3x!quant.uniform<i8
// CHECK: %[[P:.*]] = qcc.avg_pool2d %[[Q]] {kernel = array<i64: 4, 1>, pad = array<i64: 0, 0, 0, 0>, {{.*}}stride = array<i64: 1, 1>} : tensor<2x4x1x3x!quant.uniform<i8:f32, {{.*}}>> -> tensor<2x1x1x3x!quant.uniform<i8
// CHECK: tosa.reshape %[[P]], %{{.*}} : (tensor<2x1x1x3x!quant.uniform<i8{{.*}}>>, !tosa.shape<3>) -> tensor<2x1x3x!quant.uniform<i8
// CHECK-NOT: tosa.reduce_sum
func.func @mean(%x: tensor<2x4x3xf32> {qcc.range = array<f64: -1.0, 1.0>}) -> tensor<2x1x3xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %quarter = "tosa.const"() <{values = dense<0.25> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %0 = tosa.reduce_sum %x {axis = 1 : i32, qcc.range = array<f64: -4.0, 4.0>} : (tensor<2x4x3xf32>) -> tensor<2x1x3xf32>
  %1 = tosa.mul %0, %quarter, %shift {qcc.range = array<f64: -1.0, 1.0>} : (tensor<2x1x3xf32>, tensor<1x1x1xf32>, tensor<1xi8>) -> tensor<2x1x3xf32>
  return %1 : tensor<2x1x3xf32>
}

// -----

// A mean that centers its input (a normalization's) stays float with it
// (negative case); so does a sum scaled by anything but 1/k.
// CHECK-LABEL: func.func @centering_mean
// CHECK-NOT: qcc.avg_pool2d
// CHECK: tosa.reduce_sum
// CHECK: tosa.reduce_sum
func.func @centering_mean(%x: tensor<2x4xf32> {qcc.range = array<f64: -1.0, 1.0>}) -> (tensor<2x4xf32>, tensor<2x1xf32>) {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %quarter = "tosa.const"() <{values = dense<0.25> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %0 = tosa.reduce_sum %x {axis = 1 : i32, qcc.range = array<f64: -4.0, 4.0>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %1 = tosa.mul %0, %quarter, %shift {qcc.range = array<f64: -1.0, 1.0>} : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  %2 = tosa.sub %x, %1 {qcc.range = array<f64: -2.0, 2.0>} : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %3 = tosa.reduce_sum %x {axis = 1 : i32, qcc.range = array<f64: -4.0, 4.0>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %4 = tosa.mul %3, %half, %shift {qcc.range = array<f64: -2.0, 2.0>} : (tensor<2x1xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x1xf32>
  return %2, %4 : tensor<2x4xf32>, tensor<2x1xf32>
}
