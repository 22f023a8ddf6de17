// RUN: qcc-opt %s -split-input-file -verify-diagnostics

// A zero scale cannot be turned into an integer multiplier (the quant type
// parser already refuses it).
func.func @zero_scale(%x: tensor<4xf32>) {
  // expected-error @+1 {{scale 0.000000e+00 out of expressed type range}}
  %q = qcc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.0>>
  return
}

// -----

// Negative scales are rejected (by the quant type or by qcc).
func.func @negative_scale(%x: tensor<4xf32>) {
  // expected-error @+1 {{scale}}
  %q = qcc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, -1.0>>
  return
}

// -----

// Per-axis length must equal the channel count.
func.func @per_axis_length(%x: tensor<4x3xf32>) {
  // expected-error @+1 {{per-axis quantization has 2 scales but dimension 1 has size 3}}
  %q = qcc.quantize %x : tensor<4x3xf32> -> tensor<4x3x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return
}

// -----

// The quantized axis must exist in the tensor.
func.func @per_axis_out_of_range(%x: tensor<4xf32>) {
  // expected-error @+1 {{quantized axis 1 is out of range for a tensor of rank 1}}
  %q = qcc.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32:1, {0.5, 0.25}>>
  return
}

// -----

// Per-axis scales are checked channel by channel.
func.func @per_axis_bad_channel(%x: tensor<2xf32>) {
  // expected-error @+1 {{scale 0.000000e+00 out of expressed type range}}
  %q = qcc.quantize %x : tensor<2xf32> -> tensor<2x!quant.uniform<i8:f32:0, {0.5, 0.0}>>
  return
}

// -----

// The float side must be the quantized type's expressed type.
func.func @expressed_mismatch(%x: tensor<4xf16>) {
  // expected-error @+1 {{float element type 'f16' does not match the expressed type 'f32'}}
  %q = qcc.quantize %x : tensor<4xf16> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

// Shapes must agree on both sides.
func.func @shape_mismatch(%x: tensor<4xf32>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %q = qcc.quantize %x : tensor<4xf32> -> tensor<5x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

// Dequantize checks the same invariants on its operand.
func.func @dequantize_bad_axis(%q: tensor<4x!quant.uniform<i8:f32:2, {0.5, 0.5}>>) {
  // expected-error @+1 {{quantized axis 2 is out of range for a tensor of rank 1}}
  %x = qcc.dequantize %q : tensor<4x!quant.uniform<i8:f32:2, {0.5, 0.5}>> -> tensor<4xf32>
  return
}

// -----

// Only quantized tensors go on the quantized side.
func.func @not_quantized(%x: tensor<4xf32>) {
  // expected-error @+1 {{must be ranked tensor of quantized type values}}
  %q = qcc.quantize %x : tensor<4xf32> -> tensor<4xi8>
  return
}

// -----

// An int64 bias only goes with inputs wider than 8 bits (int64 accumulator).
func.func @int64_bias_int8_input(%x: tensor<1x4x!quant.uniform<i8:f32, 0.5>>, %w: tensor<4x2x!quant.uniform<i8:f32, 0.25>>, %b: tensor<2xi64>) {
  // expected-error @+1 {{an int64 bias needs an input wider than 8 bits (an int64 accumulator); use int32}}
  %y = qcc.matmul %x, %w, %b : (tensor<1x4x!quant.uniform<i8:f32, 0.5>>, tensor<4x2x!quant.uniform<i8:f32, 0.25>>, tensor<2xi64>) -> tensor<1x2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// One bias value per output channel.
func.func @bias_length(%x: tensor<1x4x4x1x!quant.uniform<i8:f32, 0.5>>, %w: tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>, %b: tensor<3xi32>) {
  // expected-error @+1 {{bias length is 3, expected 2}}
  %y = qcc.conv2d %x, %w, %b {pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>, dilation = array<i64: 1, 1>} : (tensor<1x4x4x1x!quant.uniform<i8:f32, 0.5>>, tensor<2x1x1x1x!quant.uniform<i8:f32, 0.25>>, tensor<3xi32>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// A batched right operand (an activation) has the left operand's batch
// dimensions.
func.func @batched_rhs_batch(%a: tensor<2x3x4x!quant.uniform<i8:f32, 0.5>>, %b: tensor<3x4x5x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{right operand batch dimension 0 is 3, expected 2}}
  %y = qcc.matmul %a, %b : (tensor<2x3x4x!quant.uniform<i8:f32, 0.5>>, tensor<3x4x5x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x3x5x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// ... and one scale.
func.func @batched_rhs_per_axis(%a: tensor<2x3x4x!quant.uniform<i8:f32, 0.5>>, %b: tensor<2x4x2x!quant.uniform<i8:f32:2, {0.25, 0.5}>>) {
  // expected-error @+1 {{a batched right operand must be quantized per tensor}}
  %y = qcc.matmul %a, %b : (tensor<2x3x4x!quant.uniform<i8:f32, 0.5>>, tensor<2x4x2x!quant.uniform<i8:f32:2, {0.25, 0.5}>>) -> tensor<2x3x2x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// ... and the left operand's rank.
func.func @batched_rhs_rank(%a: tensor<2x3x4x!quant.uniform<i8:f32, 0.5>>, %b: tensor<1x2x4x5x!quant.uniform<i8:f32, 0.25>>) {
  // expected-error @+1 {{expects a [..., M, K] left operand, a [K, N] or [..., K, N] right operand and a [..., M, N] result}}
  %y = qcc.matmul %a, %b : (tensor<2x3x4x!quant.uniform<i8:f32, 0.5>>, tensor<1x2x4x5x!quant.uniform<i8:f32, 0.25>>) -> tensor<2x3x5x!quant.uniform<i8:f32, 1.0>>
  return
}

// -----

// Softmax tabulates 8-bit inputs.
func.func @softmax_wide(%x: tensor<2x4x!quant.uniform<i16:f32, 0.5>>) {
  // expected-error @+1 {{needs 8-bit input and result storage}}
  %y = qcc.softmax %x {exp_table = dense<65536> : tensor<256xi32>} : tensor<2x4x!quant.uniform<i16:f32, 0.5>> -> tensor<2x4x!quant.uniform<i16:f32, 0.5>>
  return
}

// -----

// The table has one exponential per distance from the row maximum.
func.func @softmax_table_size(%x: tensor<2x4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{exp_table must have 256 entries}}
  %y = qcc.softmax %x {exp_table = dense<65536> : tensor<128xi32>} : tensor<2x4x!quant.uniform<i8:f32, 0.5>> -> tensor<2x4x!quant.uniform<i8:f32, 0.00390625:-128>>
  return
}

// -----

// Entries are at most 2^16, so that the sums fit in int32.
func.func @softmax_table_range(%x: tensor<2x4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{exp_table entries must be in [0, 2^16]}}
  %y = qcc.softmax %x {exp_table = dense<65537> : tensor<256xi32>} : tensor<2x4x!quant.uniform<i8:f32, 0.5>> -> tensor<2x4x!quant.uniform<i8:f32, 0.00390625:-128>>
  return
}

// -----

// The maximum's own weight is positive: the row sum is never zero.
func.func @softmax_zero_first(%x: tensor<2x4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{exp_table[0] (the row maximum's weight) must be positive}}
  %y = qcc.softmax %x {exp_table = dense<0> : tensor<256xi32>} : tensor<2x4x!quant.uniform<i8:f32, 0.5>> -> tensor<2x4x!quant.uniform<i8:f32, 0.00390625:-128>>
  return
}

// -----

// Rows are at most 32767 elements long (int32 sums).
func.func @softmax_long_rows(%x: tensor<1x40000x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{rows of 40000 elements exceed 32767 (int32 sums)}}
  %y = qcc.softmax %x {exp_table = dense<65536> : tensor<256xi32>} : tensor<1x40000x!quant.uniform<i8:f32, 0.5>> -> tensor<1x40000x!quant.uniform<i8:f32, 0.00390625:-128>>
  return
}

// -----

// Per-axis types have no place in a softmax.
func.func @softmax_per_axis(%x: tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>>) {
  // expected-error @+1 {{the input must be quantized per tensor}}
  %y = qcc.softmax %x {exp_table = dense<65536> : tensor<256xi32>} : tensor<2x2x!quant.uniform<i8:f32:1, {0.5, 0.25}>> -> tensor<2x2x!quant.uniform<i8:f32, 0.00390625:-128>>
  return
}

// -----

// 16-bit tables index from -32768, which only signed storage starts at.
func.func @lookup_unsigned_wide(%x: tensor<4x!quant.uniform<u16:f32, 0.5>>) {
  // expected-error @+1 {{table lookup needs 8-bit or signed 16-bit input storage}}
  %y = qcc.lookup %x {table = dense<0> : tensor<513xi16>} : tensor<4x!quant.uniform<u16:f32, 0.5>> -> tensor<4x!quant.uniform<i16:f32, 0.5>>
  return
}

// -----

// An 8-bit input has one entry per storage value.
func.func @lookup_8bit_table_size(%x: tensor<4x!quant.uniform<i8:f32, 0.5>>) {
  // expected-error @+1 {{table must have 256 entries for 8-bit input}}
  %y = qcc.lookup %x {table = dense<0> : tensor<513xi8>} : tensor<4x!quant.uniform<i8:f32, 0.5>> -> tensor<4x!quant.uniform<i8:f32, 0.5>>
  return
}

// -----

// An int16 input interpolates between 513 entries (-32768 to 32768 in steps
// of 128).
func.func @lookup_int16_table_size(%x: tensor<4x!quant.uniform<i16:f32, 0.5>>) {
  // expected-error @+1 {{table must have 513 entries for 16-bit input}}
  %y = qcc.lookup %x {table = dense<0> : tensor<256xi16>} : tensor<4x!quant.uniform<i16:f32, 0.5>> -> tensor<4x!quant.uniform<i16:f32, 0.5>>
  return
}

// -----

// The entries are stored in the result's storage type.
func.func @lookup_int16_entry_width(%x: tensor<4x!quant.uniform<i16:f32, 0.5>>) {
  // expected-error @+1 {{table entries must have the result's storage width}}
  %y = qcc.lookup %x {table = dense<0> : tensor<513xi8>} : tensor<4x!quant.uniform<i16:f32, 0.5>> -> tensor<4x!quant.uniform<i16:f32, 0.5>>
  return
}

// -----

// Interpolating between entries stays within the result's storage range
// only if every entry is in it.
func.func @lookup_int16_entry_range(%x: tensor<4x!quant.uniform<i16:f32, 0.5>>) {
  // expected-error @+1 {{table entry -32768 is outside the result's storage range}}
  %y = qcc.lookup %x {table = dense<-32768> : tensor<513xi16>} : tensor<4x!quant.uniform<i16:f32, 0.5>> -> tensor<4x!quant.uniform<i16<-32767:32767>:f32, 0.5>>
  return
}
