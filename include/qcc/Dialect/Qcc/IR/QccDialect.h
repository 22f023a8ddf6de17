//===- QccDialect.h - qcc dialect declaration -------------------*- C++ -*-===//

#ifndef QCC_DIALECT_QCC_IR_QCCDIALECT_H
#define QCC_DIALECT_QCC_IR_QCCDIALECT_H

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Dialect.h"

#include "qcc/Dialect/Qcc/IR/QccOpsDialect.h.inc"

#endif // QCC_DIALECT_QCC_IR_QCCDIALECT_H
