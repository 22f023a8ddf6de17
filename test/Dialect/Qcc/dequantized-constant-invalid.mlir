// RUN: qcc-opt %s -split-input-file -verify-diagnostics

// Only 8-bit and 4-bit storage exist.
func.func @bits() -> tensor<2xf32> {
  // expected-error @+1 {{bits must be 8 or 4, got 2}}
  %w = qcc.dequantized_constant dense<[1, 2]> : tensor<2xi8>, dense<[1.0]> : tensor<1xf32> {bits = 2 : i64} : tensor<2xf32>
  return %w : tensor<2xf32>
}

// -----

// A zero scale would make every weight 0.
func.func @zero_scale() -> tensor<2xf32> {
  // expected-error @+1 {{scale 1 must be positive and finite, got 0.000000e+00}}
  %w = qcc.dequantized_constant dense<[1, 2]> : tensor<2xi8>, dense<[1.0, 0.0]> : tensor<2xf32> {bits = 8 : i64} : tensor<2xf32>
  return %w : tensor<2xf32>
}

// -----

// Infinite scales are rejected too.
func.func @infinite_scale() -> tensor<2xf32> {
  // expected-error @+1 {{scale 0 must be positive and finite}}
  %w = qcc.dequantized_constant dense<[1, 2]> : tensor<2xi8>, dense<0x7F800000> : tensor<1xf32> {bits = 8 : i64} : tensor<2xf32>
  return %w : tensor<2xf32>
}

// -----

// Blocks must tile the dimension: 3 blocks do not divide 4 rows.
func.func @blocks_do_not_divide() -> tensor<4x1xf32> {
  // expected-error @+1 {{scales dimension 0 of size 3 does not divide the result's size 4 into equal blocks}}
  %w = qcc.dequantized_constant dense<1> : tensor<4x1xi8>, dense<1.0> : tensor<3x1xf32> {bits = 8 : i64} : tensor<4x1xf32>
  return %w : tensor<4x1xf32>
}

// -----

// The scales have the result's rank.
func.func @scales_rank() -> tensor<4x1xf32> {
  // expected-error @+1 {{scales must have the result's rank 2, got 1}}
  %w = qcc.dequantized_constant dense<1> : tensor<4x1xi8>, dense<1.0> : tensor<1xf32> {bits = 8 : i64} : tensor<4x1xf32>
  return %w : tensor<4x1xf32>
}

// -----

// int8 storage is the narrow range [-127, 127].
func.func @int8_range() -> tensor<2xf32> {
  // expected-error @+1 {{stored value -128 at 1 is outside [-127, 127]}}
  %w = qcc.dequantized_constant dense<[1, -128]> : tensor<2xi8>, dense<1.0> : tensor<1xf32> {bits = 8 : i64} : tensor<2xf32>
  return %w : tensor<2xf32>
}

// -----

// int4 storage is [-7, 7]: the nibble 0x8 (-8) is out of range.
func.func @int4_range() -> tensor<2xf32> {
  // expected-error @+1 {{stored 4-bit value -8 in byte 0 is outside [-7, 7]}}
  %w = qcc.dequantized_constant dense<[-127]> : tensor<1xi8>, dense<1.0> : tensor<1xf32> {bits = 4 : i64} : tensor<2xf32>
  return %w : tensor<2xf32>
}

// -----

// int4 storage packs the innermost dimension: 5 values need 3 bytes.
func.func @int4_shape() -> tensor<5xf32> {
  // expected-error @+1 {{storage shape 'tensor<5xi8>' does not match the result: expected 'tensor<3xi8>'}}
  %w = qcc.dequantized_constant dense<0> : tensor<5xi8>, dense<1.0> : tensor<1xf32> {bits = 4 : i64} : tensor<5xf32>
  return %w : tensor<5xf32>
}

// -----

// The unused high nibble of an odd row must be 0.
func.func @int4_padding() -> tensor<1xf32> {
  // expected-error @+1 {{the unused high nibble of byte 0 must be 0}}
  %w = qcc.dequantized_constant dense<17> : tensor<1xi8>, dense<1.0> : tensor<1xf32> {bits = 4 : i64} : tensor<1xf32>
  return %w : tensor<1xf32>
}

// -----

// Storage is i8.
func.func @storage_type() -> tensor<2xf32> {
  // expected-error @+1 {{storage must hold i8 elements, got 'i16'}}
  %w = qcc.dequantized_constant dense<1> : tensor<2xi16>, dense<1.0> : tensor<1xf32> {bits = 8 : i64} : tensor<2xf32>
  return %w : tensor<2xf32>
}
