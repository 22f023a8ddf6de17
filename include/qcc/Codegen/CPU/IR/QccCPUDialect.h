//===- QccCPUDialect.h - qcc's CPU code generation dialect ------*- C++ -*-===//

#ifndef QCC_CODEGEN_CPU_IR_QCCCPUDIALECT_H
#define QCC_CODEGEN_CPU_IR_QCCCPUDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "qcc/Codegen/CPU/IR/QccCPUOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "qcc/Codegen/CPU/IR/QccCPUOps.h.inc"

namespace qcc::cpu {

/// Registers the bufferization model of qcc_cpu.conv_kernel.
void registerBufferizableOpInterfaceExternalModels(
    mlir::DialectRegistry &registry);

} // namespace qcc::cpu

#endif // QCC_CODEGEN_CPU_IR_QCCCPUDIALECT_H
