// RUN: qcc-opt %s -qcc-prepare-entry -split-input-file -verify-diagnostics

// Two public functions: which one is the model is ambiguous.
// expected-error @+1 {{expected exactly one public function to compile, found 2; choose one with --entry}}
module {
  func.func @a(%x: tensor<1xf32>) -> tensor<1xf32> {
    return %x : tensor<1xf32>
  }
  func.func @b(%x: tensor<1xf32>) -> tensor<1xf32> {
    return %x : tensor<1xf32>
  }
}

// -----

// expected-error @+1 {{expected exactly one public function to compile, found 0}}
module {
}

// -----

// Dynamic shapes must be pinned before compiling.
// expected-error @+1 {{the model's input #0 has dynamic shape 'tensor<?x4xf32>'; pin it (e.g. --input-shape) before compiling}}
func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}

// -----

// Element types without a C spelling are rejected.
// expected-error @+1 {{the model's output #0 has element type 'i4', which the C ABI does not support}}
func.func @main(%x: tensor<4xf32>) -> tensor<4xi4> {
  %0 = arith.constant dense<1> : tensor<4xi4>
  return %0 : tensor<4xi4>
}

// -----

// Only integers can be unsigned at the C boundary.
// expected-error @+1 {{the model's input #0 is marked 'qcc.unsigned' but has type 'tensor<4xf32>'}}
func.func @main(%x: tensor<4xf32> {qcc.unsigned}) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// Unranked tensors have no static C shape.
// expected-error @+1 {{the model's input #0 has type 'tensor<*xf32>'; the entry point takes and returns ranked tensors only}}
func.func @main(%x: tensor<*xf32>) -> tensor<4xf32> {
  %0 = arith.constant dense<1.0> : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// A model must produce something.
// expected-error @+1 {{the model function returns nothing}}
func.func @main(%x: tensor<4xf32>) {
  return
}

// -----

// Exported names must not collide with existing symbols.
module {
  func.func private @model_workspace_size() -> i64
  // expected-error @+1 {{symbol 'model_workspace_size' already exists; choose another --name}}
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
