//===- QccOps.h - qcc dialect operations ------------------------*- C++ -*-===//

#ifndef QCC_DIALECT_QCC_IR_QCCOPS_H
#define QCC_DIALECT_QCC_IR_QCCOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "qcc/Dialect/Qcc/IR/QccDialect.h"

#define GET_OP_CLASSES
#include "qcc/Dialect/Qcc/IR/QccOps.h.inc"

#endif // QCC_DIALECT_QCC_IR_QCCOPS_H
