// RUN: qcc-opt %s -qcc-quantize -split-input-file | FileCheck %s

// Elementwise float ops that compute a function of one integer-produced
// tensor become one qcc.lookup table, whatever the functions are.
//
// Every case reads x in [-8, 7.9375] (s_x = 1/16, z_x = 0, so entry i is
// x = (i - 128) / 16). The expected tables were computed with numpy:
// y = clip(round_half_even(f(x) / s_y) + z_y, -128, 127), as bytes.

// Hard-swish as PyTorch exports it, x * clamp(x * f32(1/6) + 0.5, 0, 1),
// into y in [-0.5, 15.4375] (s_y = 1/16, z_y = -120): one table, no float
// op left.
// CHECK-LABEL: func.func @hard_swish
// CHECK: %[[Q:.*]] = qcc.quantize %arg0
// CHECK-NEXT: %[[L:.*]] = qcc.lookup %[[Q]] {qcc.layer = {{[0-9]+}} : i64, table = dense<"0x88888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888878786868585858484848483838383838282828282828282828282828283838383838484848485858586868787888889898A8A8B8B8C8D8D8E8F9090919293949495969798999A9B9C9D9E9FA0A2A3A4A5A6A8A9AAABADAEAFB1B2B4B5B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF0001020304050607"> : tensor<256xi8>}
// CHECK-SAME: -> tensor<4x!quant.uniform<i8:f32, 6.250000e-02:-120>>
// CHECK-NEXT: %[[D:.*]] = qcc.dequantize %[[L]]
// CHECK-NEXT: return %[[D]]
func.func @hard_swish(%x: tensor<4xf32> {qcc.range = array<f64: -8.0, 7.9375>}) -> tensor<4xf32> {
  %sixth = "tosa.const"() <{values = dense<0.166666672> : tensor<1xf32>}> : () -> tensor<1xf32>
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1xf32>}> : () -> tensor<1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.mul %x, %sixth, %shift {qcc.range = array<f64: -1.4, 1.4>} : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  %1 = tosa.add %0, %half {qcc.range = array<f64: -0.9, 1.9>} : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  %2 = tosa.clamp %1 {min_val = 0.0 : f32, max_val = 1.0 : f32, qcc.range = array<f64: 0.0, 1.0>} : (tensor<4xf32>) -> tensor<4xf32>
  %3 = tosa.mul %x, %2, %shift {qcc.range = array<f64: -0.5, 15.4375>} : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %3 : tensor<4xf32>
}

// -----

// SiLU, x * sigmoid(x): one table instead of a sigmoid table and a mul.
// CHECK-LABEL: func.func @silu
// CHECK: qcc.lookup %{{.*}} table = dense<"0x88888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888787878787878787878787878787878787878787878787868686868686868686868686868585858585858585858584848484848484848484848484848484848484848484848484858585858686868787888889898A8A8B8C8C8D8E8F8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A9AAABACADAEAFB0B1B2B4B5B6B7B8B9BABBBCBDBEBFC0C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF0001020304050607">
// CHECK-NOT: qcc.mul
// CHECK-NOT: tosa.
// CHECK: return
func.func @silu(%x: tensor<4xf32> {qcc.range = array<f64: -8.0, 7.9375>}) -> tensor<4xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.sigmoid %x {qcc.range = array<f64: 0.0, 1.0>} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = tosa.mul %x, %0, %shift {qcc.range = array<f64: -0.5, 15.4375>} : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// GELU as torch.onnx exports it, x * 0.5 * (1 + erf(x * f32(1/sqrt(2)))),
// with the constants broadcast from [1, 1].
// CHECK-LABEL: func.func @gelu
// CHECK: qcc.lookup %{{.*}} table = dense<"0x88888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888888887878787878787878787878686868686868686858585858585858586868686868787888889898A8A8B8C8D8E8E8F9091929394959798999A9B9C9D9EA0A1A2A3A4A5A6A7A8A9AAACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF0001020304050607">
// CHECK-NOT: tosa.
// CHECK: return
func.func @gelu(%x: tensor<2x2xf32> {qcc.range = array<f64: -8.0, 7.9375>}) -> tensor<2x2xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %c = "tosa.const"() <{values = dense<0.707106769> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %one = "tosa.const"() <{values = dense<1.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %half = "tosa.const"() <{values = dense<0.5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %0 = tosa.mul %x, %c, %shift {qcc.range = array<f64: -5.7, 5.7>} : (tensor<2x2xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x2xf32>
  %1 = tosa.erf %0 {qcc.range = array<f64: -1.0, 1.0>} : (tensor<2x2xf32>) -> tensor<2x2xf32>
  %2 = tosa.add %1, %one {qcc.range = array<f64: 0.0, 2.0>} : (tensor<2x2xf32>, tensor<1x1xf32>) -> tensor<2x2xf32>
  %3 = tosa.mul %x, %2, %shift {qcc.range = array<f64: -0.5, 15.9>} : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<1xi8>) -> tensor<2x2xf32>
  %4 = tosa.mul %3, %half, %shift {qcc.range = array<f64: -0.5, 15.4375>} : (tensor<2x2xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x2xf32>
  return %4 : tensor<2x2xf32>
}

// -----

// A scaling alone (the attention's 1/sqrt(d)): x * 0.125 into s_y = 1/128,
// z_y = 0 maps every q to itself.
// CHECK-LABEL: func.func @scale
// CHECK: qcc.lookup %{{.*}} table = dense<"0x808182838485868788898A8B8C8D8E8F909192939495969798999A9B9C9D9E9FA0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBFC0C1C2C3C4C5C6C7C8C9CACBCCCDCECFD0D1D2D3D4D5D6D7D8D9DADBDCDDDEDFE0E1E2E3E4E5E6E7E8E9EAEBECEDEEEFF0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F202122232425262728292A2B2C2D2E2F303132333435363738393A3B3C3D3E3F404142434445464748494A4B4C4D4E4F505152535455565758595A5B5C5D5E5F606162636465666768696A6B6C6D6E6F707172737475767778797A7B7C7D7E7F">
// CHECK-SAME: -> tensor<4x!quant.uniform<i8:f32, 7.812500e-03>>
func.func @scale(%x: tensor<4xf32> {qcc.range = array<f64: -8.0, 7.9375>}) -> tensor<4xf32> {
  %c = "tosa.const"() <{values = dense<0.125> : tensor<1xf32>}> : () -> tensor<1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.mul %x, %c, %shift {qcc.range = array<f64: -1.0, 0.9921875>} : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Two values leave {mul, add}: each op becomes a table of its own.
// CHECK-LABEL: func.func @two_exits
// CHECK-COUNT-2: qcc.lookup
// CHECK-NOT: tosa.mul
// CHECK-NOT: tosa.add
func.func @two_exits(%x: tensor<4xf32> {qcc.range = array<f64: -8.0, 7.9375>}) -> (tensor<4xf32>, tensor<4xf32>) {
  %c = "tosa.const"() <{values = dense<0.125> : tensor<1xf32>}> : () -> tensor<1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.mul %x, %c, %shift {qcc.range = array<f64: -1.0, 0.9921875>} : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  %1 = tosa.add %0, %c {qcc.range = array<f64: -0.875, 1.1171875>} : (tensor<4xf32>, tensor<1xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Negative cases. A tensor computed in float (here by an add without
// ranges, which stays float) is not quantized for a table: that would only
// add error inside a float island.
// CHECK-LABEL: func.func @float_input
// CHECK-NOT: qcc.
// CHECK: tosa.mul
func.func @float_input(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
  %c = "tosa.const"() <{values = dense<0.125> : tensor<1xf32>}> : () -> tensor<1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %s = tosa.add %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %0 = tosa.mul %s, %c, %shift {qcc.range = array<f64: -1.0, 1.0>} : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A constant that varies along the tensor makes no table: it is quantized
// over its own range [0, 0.5] (s = f32(0.5 / 255), z = -128; 0.125 / s =
// 63.75 -> 64 -> -64, 0.5 / s = 255 -> 127) and multiplied by qcc.mul.
// CHECK-LABEL: func.func @per_channel_constant
// CHECK-NOT: qcc.lookup
// CHECK: %[[C:.*]] = arith.constant dense<[-64, 127]> : tensor<2xi8>
// CHECK: %[[X:.*]] = qcc.quantize %arg0
// CHECK: %[[Q:.*]] = quant.scast %[[C]] : tensor<2xi8> to tensor<2x!quant.uniform<i8:f32, 0.0019607844296842813:-128>>
// CHECK: qcc.mul %[[X]], %[[Q]]
// CHECK-NOT: tosa.mul
func.func @per_channel_constant(%x: tensor<2xf32> {qcc.range = array<f64: -8.0, 7.9375>}) -> tensor<2xf32> {
  %c = "tosa.const"() <{values = dense<[0.125, 0.5]> : tensor<2xf32>}> : () -> tensor<2xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.mul %x, %c, %shift {qcc.range = array<f64: -4.0, 4.0>} : (tensor<2xf32>, tensor<2xf32>, tensor<1xi8>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// An op the precision assignment keeps in float keeps its cluster float.
// CHECK-LABEL: func.func @float_precision
// CHECK-NOT: qcc.lookup
// CHECK: tosa.mul
func.func @float_precision(%x: tensor<4xf32> {qcc.range = array<f64: -8.0, 7.9375>}) -> tensor<4xf32> {
  %c = "tosa.const"() <{values = dense<0.125> : tensor<1xf32>}> : () -> tensor<1xf32>
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.mul %x, %c, %shift {qcc.precision = "float", qcc.range = array<f64: -1.0, 0.9921875>} : (tensor<4xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// An int16 SiLU (16x8) keeps 16 bits: a 513-entry i16 table of f at every
// 128th int16 value, which qcc.lookup interpolates. x in [-8, 8] and y in
// [-0.28, 8] both get s = f32(2 * 8 / 32767) (the int16 headroom), z = 0;
// entry i is at q = -32768 + 128 i. Table from numpy:
// clip(round_half_even(silu(q * s_x) / s_y), -32768, 32767) as
// little-endian i16 (the last entry, q = 32768, is silu(16) = 32768
// saturated).
// CHECK-LABEL: func.func @silu_int16
// CHECK: %[[Q:.*]] = qcc.quantize %arg0 : tensor<4xf32> -> tensor<4x!quant.uniform<i16:f32, 4.8829615116119385E-4>>
// CHECK-NEXT: %[[L:.*]] = qcc.lookup %[[Q]] {qcc.layer = {{[0-9]+}} : i64, table = dense<"0x00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFEFFFEFFFEFFFEFFFEFFFEFFFEFFFEFFFDFFFDFFFDFFFDFFFDFFFDFFFCFFFCFFFCFFFCFFFCFFFBFFFBFFFBFFFBFFFAFFFAFFFAFFF9FFF9FFF8FFF8FFF8FFF7FFF7FFF6FFF5FFF5FFF4FFF4FFF3FFF2FFF1FFF1FFF0FFEFFFEEFFEDFFECFFEBFFEAFFE9FFE7FFE6FFE5FFE3FFE2FFE0FFDEFFDDFFDBFFD9FFD7FFD4FFD2FFD0FFCDFFCBFFC8FFC5FFC2FFBFFFBBFFB8FFB4FFB1FFADFFA8FFA4FFA0FF9BFF96FF91FF8BFF86FF80FF7AFF73FF6DFF66FF5FFF57FF50FF48FF3FFF37FF2EFF25FF1BFF12FF08FFFDFEF3FEE8FEDDFED1FEC6FEBAFEAEFEA1FE95FE88FE7CFE6FFE62FE55FE49FE3CFE30FE24FE18FE0CFE01FEF7FDEDFDE5FDDDFDD5FDD0FDCBFDC8FDC6FDC6FDC8FDCBFDD1FDD9FDE4FDF1FD01FE13FE29FE42FE5EFE7DFEA0FEC7FEF2FE20FF52FF88FFC2FF000042008800D20020017201C70120027D02DE024203A90313048104F1046405D9055106CB064807C6074608C8084B09D009550ADD0A650BED0B770C010D8C0D180EA40E300FBC0F4910D5106211EF117C12081395132114AE143A15C6155116DD166817F3177D18081992191B1AA51A2E1BB71B3F1CC81C501DD71D5F1EE61E6D1FF31F7A20002186210B22912216239B232024A4242825AD253126B4263827BB273F28C2284529C8294B2ACD2A502BD22B542CD72C592DDB2D5D2EDE2E602FE22F6330E5306631E7316932EA326B33EC336D34EE346F35F0357136F1367237F3377438F4387539F539763AF73A773BF83B783CF83C793DF93D7A3EFA3E7A3FFB3F7B40FB407B41FC417C42FC427C43FC437D44FD447D45FD457D46FD467E47FE477E48FE487E49FE497E4AFE4A7E4BFF4B7F4CFF4C7F4DFF4D7F4EFF4E7F4FFF4F7F50FF507F51FF517F52FF527F53FF537F54FF54805500568056005780570058805800598059005A805A005B805B005C805C005D805D005E805E005F805F00608060006180610062806200638063006480640065806500668066006780670068806800698069006A806A006B806B006C806C006D806D006E806E006F806F00708070007180710072807200738073007480740075807500768076007780770078807800798079007A807A007B807B007C807C007D807D007E807E007F807FFF7F"> : tensor<513xi16>}
// CHECK-SAME: -> tensor<4x!quant.uniform<i16:f32, 4.8829615116119385E-4>>
// CHECK-NEXT: %[[D:.*]] = qcc.dequantize %[[L]]
// CHECK-NEXT: return %[[D]]
func.func @silu_int16(%x: tensor<4xf32> {qcc.range = array<f64: -8.0, 8.0>}) -> tensor<4xf32> {
  %shift = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.sigmoid %x {qcc.range = array<f64: 0.0, 1.0>, qcc.precision = "int16"} : (tensor<4xf32>) -> tensor<4xf32>
  %1 = tosa.mul %x, %0, %shift {qcc.range = array<f64: -0.28, 8.0>, qcc.precision = "int16"} : (tensor<4xf32>, tensor<4xf32>, tensor<1xi8>) -> tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// An int16 sigmoid on its own is a table too (it used to fall back to the
// 8-bit type). x in [-8, 8]: s_x = f32(16/32767); y in [0, 1]: s_y =
// f32(2/32767).
// CHECK-LABEL: func.func @sigmoid_int16
// CHECK: qcc.lookup %{{.*}} : tensor<4x!quant.uniform<i16:f32, 4.8829615116119385E-4>> -> tensor<4x!quant.uniform<i16:f32, 6.1037018895149231E-5>>
func.func @sigmoid_int16(%x: tensor<4xf32> {qcc.range = array<f64: -8.0, 8.0>}) -> tensor<4xf32> {
  %0 = tosa.sigmoid %x {qcc.range = array<f64: 0.0, 1.0>, qcc.precision = "int16"} : (tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
