// RUN: qcc-opt %s -split-input-file -qcc-fuse-elementwise -verify-diagnostics

// The pass trusts the epilogue marker it keeps; the dialect rejects a
// malformed one before the pass runs.
#id = affine_map<(d0) -> (d0)>
func.func @malformed_marker(%acc: tensor<4xi32>) -> tensor<4xi8> {
  %e = tensor.empty() : tensor<4xi8>
  // expected-error @+1 {{'linalg.generic' op 'qcc.requantize_epilogue' must be array<i64: zero point, min, max, unsigned (0 or 1)> with min <= max, not array<i64: 0, 127, -128, 0>}}
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%acc : tensor<4xi32>) outs(%e : tensor<4xi8>) attrs = {qcc.requantize_epilogue = array<i64: 0, 127, -128, 0>} {
  ^bb0(%a: i32, %o: i8):
    %t = arith.trunci %a : i32 to i8
    linalg.yield %t : i8
  } -> tensor<4xi8>
  return %y : tensor<4xi8>
}
