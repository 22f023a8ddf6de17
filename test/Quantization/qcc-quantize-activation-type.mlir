// RUN: not qcc-opt %s -qcc-quantize=activation-type=int4 2>&1 | FileCheck %s

// activation-type is int8 or uint8.
// CHECK: for the --activation-type option: Cannot find option named 'int4'!
func.func @plain(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
