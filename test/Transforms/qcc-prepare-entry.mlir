// RUN: qcc-opt %s -qcc-prepare-entry=prefix=net -split-input-file | FileCheck %s

// Results become out-parameters filled in place; inputs become read-only;
// qcc.name attributes move into the module's ABI record.
// CHECK-LABEL: module attributes {qcc.abi = {inputs = [{name = "x", type = tensor<4xf32>}, {name = "input_1", type = tensor<4xf32>}], outputs = [{name = "sum", type = tensor<4xf32>}, {name = "output_1", type = tensor<4xf32>}], prefix = "net", workspace_alignment = 64 : i64, workspace_size = 0 : i64}}
// CHECK: func.func @net_run(%[[X:.*]]: tensor<4xf32> {bufferization.writable = false}, %[[Y:.*]]: tensor<4xf32> {bufferization.writable = false}, %[[OUT0:.*]]: memref<4xf32>, %[[OUT1:.*]]: memref<4xf32>) {
// CHECK-NEXT: %[[SUM:.*]] = tosa.add %[[X]], %[[Y]]
// CHECK-NEXT: bufferization.materialize_in_destination %[[SUM]] in restrict writable %[[OUT0]]
// CHECK-NEXT: bufferization.materialize_in_destination %[[X]] in restrict writable %[[OUT1]]
// CHECK-NEXT: return
// CHECK-NOT: qcc.name
func.func @main(%x: tensor<4xf32> {qcc.name = "x"}, %y: tensor<4xf32>) -> (tensor<4xf32> {qcc.name = "sum"}, tensor<4xf32>) {
  %0 = tosa.add %x, %y : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0, %x : tensor<4xf32>, tensor<4xf32>
}

// -----

// Private helpers do not compete for the entry point; other public functions
// become private once the entry is chosen.
// CHECK-LABEL: module attributes
// CHECK: func.func private @helper
// CHECK: func.func @net_run
func.func private @helper(%x: tensor<2xi8>) -> tensor<2xi8> {
  return %x : tensor<2xi8>
}
func.func @model(%x: tensor<2xi8>) -> tensor<2xi8> {
  %0 = func.call @helper(%x) : (tensor<2xi8>) -> tensor<2xi8>
  return %0 : tensor<2xi8>
}


// -----

// Signless integers marked qcc.unsigned are unsigned in the ABI (uint8_t in
// the header); the code keeps them signless. Booleans are i1.
// CHECK-LABEL: module attributes {qcc.abi = {inputs = [{name = "pixels", type = tensor<4xui8>}], outputs = [{name = "mask", type = tensor<4xi1>}, {name = "doubled", type = tensor<4xui8>}]
// CHECK: func.func @net_run(%{{.*}}: tensor<4xi8> {bufferization.writable = false}, %{{.*}}: memref<4xi1>, %{{.*}}: memref<4xi8>)
func.func @main(%x: tensor<4xi8> {qcc.name = "pixels", qcc.unsigned})
    -> (tensor<4xi1> {qcc.name = "mask"},
        tensor<4xi8> {qcc.name = "doubled", qcc.unsigned}) {
  %zero = arith.constant dense<0> : tensor<4xi8>
  %mask = arith.cmpi ne, %x, %zero : tensor<4xi8>
  %sum = arith.addi %x, %x : tensor<4xi8>
  return %mask, %sum : tensor<4xi1>, tensor<4xi8>
}
