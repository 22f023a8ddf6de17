//===- Passes.h - CPU code generation passes --------------------*- C++ -*-===//

#ifndef QCC_CODEGEN_CPU_TRANSFORMS_PASSES_H
#define QCC_CODEGEN_CPU_TRANSFORMS_PASSES_H

#include "qcc/Codegen/CPU/IR/QccCPUDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace qcc::cpu {

#define GEN_PASS_DECL
#include "qcc/Codegen/CPU/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qcc/Codegen/CPU/Transforms/Passes.h.inc"

} // namespace qcc::cpu

#endif // QCC_CODEGEN_CPU_TRANSFORMS_PASSES_H
