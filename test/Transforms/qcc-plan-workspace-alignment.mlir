// RUN: qcc-opt %s -qcc-plan-workspace=alignment=48 -verify-diagnostics

// The alignment must be a power of two.
// expected-error @+1 {{workspace alignment must be a power of two, got 48}}
module attributes {qcc.abi = {inputs = [], outputs = [], prefix = "model", workspace_alignment = 64 : i64, workspace_size = 0 : i64}} {
  func.func @model_run() {
    return
  }
}
