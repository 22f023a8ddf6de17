// RUN: qcc-opt %s -qcc-quantize -split-input-file | FileCheck %s

// The softmax over the last axis as the importers decompose it becomes one
// qcc.softmax. x in [-8, 7.9375] has s_x = 1/16; the table holds
// round(2^16 * exp(-d / 16)) for d = 0..255 (computed with numpy; printed
// as little-endian int32 hex). The
// probabilities' calibrated range [0, 1] gives s_y = f32(1/255), z_y = -128.
// CHECK-LABEL: func.func @softmax
// CHECK: %[[Q:.*]] = qcc.quantize %arg0 : tensor<2x8xf32> -> tensor<2x8x!quant.uniform<i8:f32, 6.250000e-02>>
// CHECK-NEXT: %[[S:.*]] = qcc.softmax %[[Q]] {exp_table = dense<"0x000001007DF00000EBE100003BD400005FC700004BBB0000F2AF000049A50000469B0000DD91000007890000BA800000ED78000099710000B76A0000406400002D5E0000795800001C530000134E000058490000E7440000BA400000CE3C00001F390000A9350000693200005B2F00007C2C0000CA29000042270000E1240000A52200008C200000931E0000B91C0000FB1A000059190000D01700005E16000004150000BE1300008B1200006C1100005E100000600F0000710E0000910D0000BF0C0000F90B00003F0B0000910A0000ED09000053090000C30800003B080000BB07000043070000D20600006906000005060000A805000050050000FE040000B00400006804000023040000E3030000A70300006E0300003903000007030000D8020000AC020000820200005C0200003702000015020000F4010000D6010000BA0100009F010000860100006E01000058010000430100002F0100001D0100000C010000FC000000EC000000DE000000D1000000C4000000B8000000AD000000A2000000990000008F000000870000007F000000770000007000000069000000630000005D00000057000000520000004D0000004800000044000000400000003C0000003800000035000000320000002F0000002C00000029000000270000002400000022000000200000001E0000001C0000001B00000019000000170000001600000015000000130000001200000011000000100000000F0000000E0000000D0000000D0000000C0000000B0000000A0000000A000000090000000900000008000000080000000700000007000000060000000600000006000000050000000500000005000000040000000400000004000000040000000300000003000000030000000300000003000000020000000200000002000000020000000200000002000000020000000200000001000000010000000100000001000000010000000100000001000000010000000100000001000000010000000100000001000000010000000100000001000000010000000100000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"> : tensor<256xi32>, qcc.layer = {{[0-9]+}} : i64} : tensor<2x8x!quant.uniform<i8:f32, 6.250000e-02>> -> tensor<2x8x!quant.uniform<i8:f32, 0.0039215688593685627:-128>>
// CHECK-NEXT: %[[D:.*]] = qcc.dequantize %[[S]]
// CHECK-NEXT: return %[[D]]
func.func @softmax(%x: tensor<2x8xf32> {qcc.range = array<f64: -8.0, 7.9375>}) -> tensor<2x8xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.reduce_max %x {axis = 1 : i32, qcc.range = array<f64: -8.0, 7.9375>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %1 = tosa.sub %x, %0 {qcc.range = array<f64: -16.0, 0.0>} : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %2 = tosa.exp %1 {qcc.range = array<f64: 0.0, 1.0>} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %3 = tosa.reduce_sum %2 {axis = 1 : i32, qcc.range = array<f64: 1.0, 8.0>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %4 = tosa.reciprocal %3 {qcc.range = array<f64: 0.125, 1.0>} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %5 = tosa.mul %2, %4, %shift {qcc.range = array<f64: 0.0, 1.0>} : (tensor<2x8xf32>, tensor<2x1xf32>, tensor<1xi8>) -> tensor<2x8xf32>
  return %5 : tensor<2x8xf32>
}

// -----

// Negative cases. A softmax over another axis than the last stays float.
// CHECK-LABEL: func.func @softmax_axis_0
// CHECK-NOT: qcc.softmax
// CHECK: tosa.reduce_max
func.func @softmax_axis_0(%x: tensor<2x8xf32> {qcc.range = array<f64: -8.0, 7.9375>}) -> tensor<2x8xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.reduce_max %x {axis = 0 : i32, qcc.range = array<f64: -8.0, 7.9375>} : (tensor<2x8xf32>) -> tensor<1x8xf32>
  %1 = tosa.sub %x, %0 {qcc.range = array<f64: -16.0, 0.0>} : (tensor<2x8xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
  %2 = tosa.exp %1 {qcc.range = array<f64: 0.0, 1.0>} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %3 = tosa.reduce_sum %2 {axis = 0 : i32, qcc.range = array<f64: 1.0, 2.0>} : (tensor<2x8xf32>) -> tensor<1x8xf32>
  %4 = tosa.reciprocal %3 {qcc.range = array<f64: 0.5, 1.0>} : (tensor<1x8xf32>) -> tensor<1x8xf32>
  %5 = tosa.mul %2, %4, %shift {qcc.range = array<f64: 0.0, 1.0>} : (tensor<2x8xf32>, tensor<1x8xf32>, tensor<1xi8>) -> tensor<2x8xf32>
  return %5 : tensor<2x8xf32>
}

// -----

// The exponentials used elsewhere too: not a softmax alone; stays float.
// CHECK-LABEL: func.func @exp_escapes
// CHECK-NOT: qcc.softmax
// CHECK: tosa.reduce_max
func.func @exp_escapes(%x: tensor<2x8xf32> {qcc.range = array<f64: -8.0, 7.9375>}) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.reduce_max %x {axis = 1 : i32, qcc.range = array<f64: -8.0, 7.9375>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %1 = tosa.sub %x, %0 {qcc.range = array<f64: -16.0, 0.0>} : (tensor<2x8xf32>, tensor<2x1xf32>) -> tensor<2x8xf32>
  %2 = tosa.exp %1 {qcc.range = array<f64: 0.0, 1.0>} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %3 = tosa.reduce_sum %2 {axis = 1 : i32, qcc.range = array<f64: 1.0, 8.0>} : (tensor<2x8xf32>) -> tensor<2x1xf32>
  %4 = tosa.reciprocal %3 {qcc.range = array<f64: 0.125, 1.0>} : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %5 = tosa.mul %2, %4, %shift {qcc.range = array<f64: 0.0, 1.0>} : (tensor<2x8xf32>, tensor<2x1xf32>, tensor<1xi8>) -> tensor<2x8xf32>
  return %5, %2 : tensor<2x8xf32>, tensor<2x8xf32>
}
