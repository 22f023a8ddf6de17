//===- HeaderEmitter.h - the C header of a compiled model -------*- C++ -*-===//

#ifndef QCC_TARGET_HEADEREMITTER_H
#define QCC_TARGET_HEADEREMITTER_H

#include "qcc/Transforms/ModelABI.h"

#include "llvm/Support/raw_ostream.h"

namespace qcc {

/// Writes the C header declaring the entry points of a model compiled with
/// `abi` (see docs/ABI.md). `source` names the model file in the banner.
void emitCHeader(const ModelABI &abi, llvm::StringRef source,
                 llvm::raw_ostream &os);

/// Turns an arbitrary tensor name into a C identifier that is not a keyword.
std::string sanitizeCIdentifier(llvm::StringRef name);

} // namespace qcc

#endif // QCC_TARGET_HEADEREMITTER_H
