// RUN: qcc-opt %s -qcc-plan-workspace -split-input-file | FileCheck %s

// Three 64-byte buffers in a chain: %a dies before %c is allocated, so %c
// reuses %a's bytes and the workspace is 2 x 64 bytes, not 3 x 64.
// CHECK-LABEL: module attributes
// CHECK-SAME: workspace_size = 128 : i64
// CHECK-LABEL: func.func @model_run
// CHECK-SAME: (%[[X:.*]]: memref<16xf32>, %[[Y:.*]]: memref<16xf32>, %[[WS:.*]]: memref<128xi8>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[WS]][%[[C0]]][] : memref<128xi8> to memref<16xf32>
// CHECK: linalg.copy ins(%[[X]] : memref<16xf32>) outs(%[[A]] : memref<16xf32>)
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: %[[B:.*]] = memref.view %[[WS]][%[[C64]]][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[C:.*]] = memref.view %[[WS]][%{{.*}}][] : memref<128xi8> to memref<16xf32>
// CHECK-NOT: memref.alloc
// CHECK-LABEL: func.func @model_workspace_size() -> i64
// CHECK: %[[SIZE:.*]] = arith.constant 128 : i64
// CHECK: return %[[SIZE]]
module attributes {qcc.abi = {inputs = [{name = "x", type = tensor<16xf32>}], outputs = [{name = "y", type = tensor<16xf32>}], prefix = "model", workspace_alignment = 64 : i64, workspace_size = 0 : i64}} {
  func.func @model_run(%x: memref<16xf32>, %y: memref<16xf32>) {
    %a = memref.alloc() : memref<16xf32>
    linalg.copy ins(%x : memref<16xf32>) outs(%a : memref<16xf32>)
    %b = memref.alloc() : memref<16xf32>
    linalg.copy ins(%a : memref<16xf32>) outs(%b : memref<16xf32>)
    %c = memref.alloc() : memref<16xf32>
    linalg.copy ins(%b : memref<16xf32>) outs(%c : memref<16xf32>)
    linalg.copy ins(%c : memref<16xf32>) outs(%y : memref<16xf32>)
    return
  }
}

// -----

// A use through a view (collapse_shape) keeps the underlying buffer alive:
// %a is read through %flat after %b exists, so they must not share bytes.
// 2x8 f32 = 64 bytes each -> 128 bytes.
// CHECK-LABEL: module attributes
// CHECK-SAME: workspace_size = 128 : i64
// CHECK: memref.view %{{.*}}[%{{.*}}][] : memref<128xi8> to memref<2x8xf32>
module attributes {qcc.abi = {inputs = [{name = "x", type = tensor<16xf32>}], outputs = [{name = "y", type = tensor<16xf32>}], prefix = "model", workspace_alignment = 64 : i64, workspace_size = 0 : i64}} {
  func.func @model_run(%x: memref<16xf32>, %y: memref<16xf32>) {
    %a = memref.alloc() : memref<2x8xf32>
    %flat = memref.collapse_shape %a [[0, 1]] : memref<2x8xf32> into memref<16xf32>
    linalg.copy ins(%x : memref<16xf32>) outs(%flat : memref<16xf32>)
    %b = memref.alloc() : memref<2x8xf32>
    %bflat = memref.collapse_shape %b [[0, 1]] : memref<2x8xf32> into memref<16xf32>
    linalg.copy ins(%flat : memref<16xf32>) outs(%bflat : memref<16xf32>)
    linalg.copy ins(%bflat : memref<16xf32>) outs(%y : memref<16xf32>)
    return
  }
}

// -----

// Odd sizes are padded to the alignment; a model without intermediate
// buffers gets a zero-sized workspace argument.
// CHECK-LABEL: module attributes
// CHECK-SAME: workspace_size = 0 : i64
// CHECK: func.func @net_run(%{{.*}}: memref<4xf32>, %{{.*}}: memref<4xf32>, %{{.*}}: memref<0xi8>)
// CHECK: func.func @net_workspace_size() -> i64
module attributes {qcc.abi = {inputs = [{name = "x", type = tensor<4xf32>}], outputs = [{name = "y", type = tensor<4xf32>}], prefix = "net", workspace_alignment = 64 : i64, workspace_size = 0 : i64}} {
  func.func @net_run(%x: memref<4xf32>, %y: memref<4xf32>) {
    linalg.copy ins(%x : memref<4xf32>) outs(%y : memref<4xf32>)
    return
  }
}

// -----

// A 3-byte buffer and a 5-byte buffer alive together: second one starts at
// the next 16-byte boundary with alignment=16 (largest first: 5 @ 0, 3 @ 16).
// RUN: qcc-opt %s -qcc-plan-workspace=alignment=16 -split-input-file | FileCheck %s --check-prefix=ALIGN16
// ALIGN16: workspace_size = 32 : i64
module attributes {qcc.abi = {inputs = [{name = "x", type = tensor<1xi8>}], outputs = [{name = "y", type = tensor<1xi8>}], prefix = "model", workspace_alignment = 64 : i64, workspace_size = 0 : i64}} {
  func.func @model_run(%x: memref<1xi8>, %y: memref<1xi8>) {
    %c0 = arith.constant 0 : index
    %a = memref.alloc() : memref<3xi8>
    %b = memref.alloc() : memref<5xi8>
    %v = memref.load %x[%c0] : memref<1xi8>
    memref.store %v, %a[%c0] : memref<3xi8>
    memref.store %v, %b[%c0] : memref<5xi8>
    %p = memref.load %a[%c0] : memref<3xi8>
    %q = memref.load %b[%c0] : memref<5xi8>
    %s = arith.addi %p, %q : i8
    memref.store %s, %y[%c0] : memref<1xi8>
    return
  }
}
