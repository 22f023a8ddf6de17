// RUN: qcc-opt %s -qcc-prepare-entry="entry=missing" -verify-diagnostics
// RUN: not qcc-opt %s -qcc-prepare-entry="prefix=9lives" 2>&1 | FileCheck %s --check-prefix=PREFIX

// An entry name that does not exist is reported.
// expected-error @+2 {{entry function 'missing' is not defined in the module}}
// PREFIX: error: symbol prefix '9lives' is not a valid C identifier
module {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
