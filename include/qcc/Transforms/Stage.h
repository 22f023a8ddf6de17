//===- Stage.h - the pipeline's stages --------------------------*- C++ -*-===//
//
// The forms the IR takes between pipeline stages. qcc-verify-stage checks the
// contract of one of them; the pipeline builders and `qcc --compile-to` stop
// after one. Here, below both, so that they name the stages with one enum.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TRANSFORMS_STAGE_H
#define QCC_TRANSFORMS_STAGE_H

namespace qcc {

enum class Stage { Input, Quantized, Linalg, Codegen, Bufferized, LLVM };

} // namespace qcc

#endif // QCC_TRANSFORMS_STAGE_H
