// RUN: qcc-opt %s -qcc-plan-workspace -split-input-file -verify-diagnostics

// Without qcc-prepare-entry there is no ABI to extend.
// expected-error @+1 {{module has no 'qcc.abi' attribute; run qcc-prepare-entry first}}
module {
  func.func @model_run() {
    return
  }
}

// -----

// A dynamically sized buffer has no place in a fixed workspace.
module attributes {qcc.abi = {inputs = [{name = "x", type = tensor<4xf32>}], outputs = [], prefix = "model", workspace_alignment = 64 : i64, workspace_size = 0 : i64}} {
  func.func @model_run(%x: memref<4xf32>) {
    %c4 = arith.constant 4 : index
    // expected-error @+1 {{dynamically sized buffer 'memref<?xf32>' cannot be placed in the workspace}}
    %a = memref.alloc(%c4) : memref<?xf32>
    return
  }
}

// -----

// Buffers in helper functions are not reachable from the workspace argument.
module attributes {qcc.abi = {inputs = [{name = "x", type = tensor<4xf32>}], outputs = [], prefix = "model", workspace_alignment = 64 : i64, workspace_size = 0 : i64}} {
  func.func @model_run(%x: memref<4xf32>) {
    return
  }
  func.func private @helper() {
    // expected-error @+1 {{buffer allocated outside the entry point 'model_run' cannot be placed in the workspace}}
    %a = memref.alloc() : memref<4xf32>
    return
  }
}

// -----

// The entry point must match the recorded ABI.
// expected-error @+1 {{entry point 'model_run' is missing or does not match 'qcc.abi'}}
module attributes {qcc.abi = {inputs = [{name = "x", type = tensor<4xf32>}], outputs = [], prefix = "model", workspace_alignment = 64 : i64, workspace_size = 0 : i64}} {
  func.func @other(%x: memref<4xf32>) {
    return
  }
}
