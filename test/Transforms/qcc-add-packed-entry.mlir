// RUN: qcc-opt %s -qcc-add-packed-entry | FileCheck %s

// The packed entry loads input i from inputs[i], output j from outputs[j] and
// forwards the workspace.
// CHECK-LABEL: llvm.func @net_run_packed
// CHECK-SAME: (%[[INS:.*]]: !llvm.ptr, %[[OUTS:.*]]: !llvm.ptr, %[[WS:.*]]: !llvm.ptr)
// CHECK: %[[P0:.*]] = llvm.getelementptr %[[INS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[A:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[P1:.*]] = llvm.getelementptr %[[INS]][1] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[B:.*]] = llvm.load %[[P1]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[P2:.*]] = llvm.getelementptr %[[OUTS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[C:.*]] = llvm.load %[[P2]] : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call @net_run(%[[A]], %[[B]], %[[C]], %[[WS]])
// CHECK: llvm.return
module attributes {qcc.abi = {inputs = [{name = "a", type = tensor<4xf32>}, {name = "b", type = tensor<4xf32>}], outputs = [{name = "c", type = tensor<4xf32>}], prefix = "net", workspace_alignment = 64 : i64, workspace_size = 0 : i64}} {
  llvm.func @net_run(%a: !llvm.ptr, %b: !llvm.ptr, %c: !llvm.ptr, %ws: !llvm.ptr) {
    llvm.return
  }
}
