//===- QccReference.h - Scalar reference of qcc's numerics ------*- C++ -*-===//
//
// The executable definition of qcc's quantized numerics contract
// (docs/Numerics.md): plain C++17 written from the contract alone, without
// MLIR and without reading qcc's lowering, so that a misreading of the
// contract cannot hide in both. Bit-exact tests compare compiled code with it.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TEST_REFERENCE_QCCREFERENCE_H
#define QCC_TEST_REFERENCE_QCCREFERENCE_H

#include "FixedPoint.h"
#include "LookupTables.h"
#include "Ops.h"
#include "Tensor.h"
#include "WeightOnly.h"

#endif // QCC_TEST_REFERENCE_QCCREFERENCE_H
