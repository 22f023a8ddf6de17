// RUN: qcc-opt %s -split-input-file -qcc-cpu-select-kernels -verify-diagnostics

// The target names a CPU LLVM knows.
// expected-error @+1 {{unknown CPU 'znver99' for x86_64-unknown-linux-gnu}}
module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "znver99">} {
}

// -----

// llvm.target is an #llvm.target.
// expected-error @+1 {{'llvm.target' must be an #llvm.target attribute, not "x86_64"}}
module attributes {llvm.target = "x86_64"} {
}
