// RUN: qcc-opt %s -split-input-file -verify-diagnostics -qcc-add-packed-entry

// The entry point must already take bare pointers (bare-pointer lowering).
// expected-error @+1 {{expected 'model_run' lowered to an LLVM function taking 3 bare pointers}}
module attributes {qcc.abi = {inputs = [{name = "a", type = tensor<4xf32>}], outputs = [{name = "c", type = tensor<4xf32>}], prefix = "model", workspace_alignment = 64 : i64, workspace_size = 0 : i64}} {
  llvm.func @model_run(%a: !llvm.ptr, %c: !llvm.ptr, %ws: i64) {
    llvm.return
  }
}

// -----

// expected-error @+1 {{symbol 'model_run_packed' already exists}}
module attributes {qcc.abi = {inputs = [], outputs = [{name = "c", type = tensor<4xf32>}], prefix = "model", workspace_alignment = 64 : i64, workspace_size = 0 : i64}} {
  llvm.func @model_run(%c: !llvm.ptr, %ws: !llvm.ptr) {
    llvm.return
  }
  llvm.func @model_run_packed() {
    llvm.return
  }
}

// -----

// expected-error @+1 {{module has no 'qcc.abi' attribute}}
module {
}
