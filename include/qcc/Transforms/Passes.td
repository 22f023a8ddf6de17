//===- Passes.td - qcc pipeline passes ---------------------*- tablegen -*-===//
//
// Passes that shape a model into a callable, allocation-free entry point and
// check the contract of each pipeline stage.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TRANSFORMS_PASSES_TD
#define QCC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def PrepareEntryPass : Pass<"qcc-prepare-entry", "mlir::ModuleOp"> {
  let summary = "Turn the model function into the C-ABI entry point";
  let description = [{
    Picks the model's entry function (the `entry` option, or the only public
    `func.func`), checks that its signature can be expressed in the C ABI
    (ranked, statically shaped tensors of f32/f64/i8/i16/i32/i64; at least
    one result) and rewrites it into `<prefix>_run`:

    * tensor results become trailing memref out-parameters, filled with
      `bufferization.materialize_in_destination` so that bufferization writes
      the result straight into the caller's buffer;
    * tensor inputs are marked `bufferization.writable = false`: the caller's
      input buffers are never written;
    * the module records the ABI in the `qcc.abi` attribute (names, types and
      shapes of inputs and outputs), which the header emitter reads.

    Example:
    ```mlir
    func.func @main(%x: tensor<4xf32>) -> tensor<4xf32>
    // becomes
    func.func @model_run(%x: tensor<4xf32> {bufferization.writable = false},
                         %out: memref<4xf32>)
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "Name of the model function (default: the only public func.func)">,
    Option<"prefix", "prefix", "std::string", /*default=*/"\"model\"",
           "C identifier prefixing every exported symbol">,
  ];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::memref::MemRefDialect"];
}

def PlanWorkspacePass : Pass<"qcc-plan-workspace", "mlir::ModuleOp"> {
  let summary = "Place every intermediate buffer in the caller's workspace";
  let description = [{
    Emitted code never allocates. This pass replaces each static
    `memref.alloc` of the entry function by a `memref.view` into a workspace
    argument appended to the entry point, erases the matching deallocations,
    and emits `<prefix>_workspace_size()`. Buffers whose live ranges do not
    overlap share workspace bytes (first-fit over live intervals, each buffer
    aligned to `alignment` bytes). Dynamic allocations and allocations outside
    the entry function are errors that name the allocating op.
  }];
  let options = [
    Option<"alignment", "alignment", "unsigned", /*default=*/"64",
           "Byte alignment of every buffer and of the workspace itself">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect"];
}

def LowerMemRefCopiesPass : Pass<"qcc-lower-memref-copies", "mlir::func::FuncOp"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    `memref.copy` between non-contiguous memrefs lowers to a call into MLIR's
    C runner library, which emitted objects cannot depend on. Rewriting every
    copy as `linalg.copy` turns it into plain loops.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def ExpandMathPass : Pass<"qcc-expand-math", "mlir::func::FuncOp"> {
  let summary = "Replace transcendental math ops by self-contained code";
  let description = [{
    `math.exp`, `math.tanh`, `math.erf`, `math.log` and friends would lower to
    calls into libm, which bare-metal applications may not link. This pass
    rewrites them into arithmetic using upstream MLIR's polynomial
    approximations (f32 and narrower; wider types are left to libm), so the
    emitted object only references `memcpy`/`memset`. For the same reason,
    arithmetic on f16 and bf16 is computed in f32 (exact for the basic
    operations) and the f16/bf16 conversions (`arith.extf`/`arith.truncf`,
    round to nearest even) become integer code on the bit patterns instead
    of calls to `__extendhfsf2`/`__truncsfhf2`/`__truncsfbf2`.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def FuseElementwisePass : Pass<"qcc-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse element-wise linalg ops, keeping requantizing epilogues";
  let description = [{
    Upstream's element-wise fusion (`linalg-fuse-elementwise-ops`) with one
    exception: a `linalg.generic` marked `qcc.requantize_epilogue` (the
    output stage of an integer contraction) is never fused into its
    consumers, so that the CPU code generation stage still finds the
    contraction, its epilogue and their parameters and can fuse them into a
    micro-kernel. Contractions that get no kernel keep the epilogue as a
    separate loop nest; the arithmetic is the same.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::tensor::TensorDialect"];
}

def VectorizeLoopsPass : Pass<"qcc-vectorize-loops", "mlir::func::FuncOp"> {
  let summary = "Vectorize the innermost affine loops of element-wise code";
  let description = [{
    The loops that linalg ops without a micro-kernel become (element-wise
    ops, requantization of residual adds, softmax and layer-norm steps,
    pooling) run one element per iteration, and LLVM's loop vectorizer
    rarely takes them: every buffer is a view into the one workspace, so it
    cannot prove that a loop's stores miss its loads. Here the memrefs still
    say which buffer each access reads, and linalg's semantics (no output
    overlaps an input, except in place at the same element) make the
    innermost loop safe to run `vector-size` elements at a time when:

    * its bounds are constant, its step is 1 and it runs at least
      `vector-size` times;
    * its body holds only affine loads and stores and ops without memory
      effects or regions (math functions are expanded first);
    * every memref it touches has the identity layout, every store writes
      consecutive elements of the innermost dimension, and every load reads
      consecutive elements or one element for the whole loop, and a load
      from a memref the loop also stores to reads the element being stored.

    Other loops are left as they are. Trip counts that are not a multiple of
    the vector size end with a masked step. Integer code gives the same bits
    as the scalar loop; float code performs the same IEEE operations per
    element.
  }];
  let options = [
    Option<"vectorSize", "vector-size", "int64_t", /*default=*/"16",
           "Elements per vector step (>= 2)">,
  ];
  let dependentDialects = ["mlir::vector::VectorDialect",
                           "mlir::affine::AffineDialect"];
}

def VerifyStagePass : Pass<"qcc-verify-stage", "mlir::ModuleOp"> {
  let summary = "Check the contract of a pipeline stage boundary";
  let description = [{
    A read-only check that fails with a diagnostic naming the first offending
    op instead of letting half-lowered IR reach the next stage.

    * `stage=input`: only func, TOSA, tensor, arith, math, qcc and quant ops.
    * `stage=linalg`: no TOSA left; only linalg, tensor, arith, math, func,
      bufferization, affine, scf and memref.
    * `stage=bufferized`: no tensor values left in function bodies; no
      heap allocation or deallocation.
    * `stage=llvm`: only the LLVM dialect; every global is constant; no call
      to an allocator.
  }];
  let options = [
    Option<"stage", "stage", "qcc::Stage", /*default=*/"qcc::Stage::LLVM",
           "The stage whose contract to check: input, linalg, codegen, "
           "bufferized or llvm",
           [{::llvm::cl::values(
               clEnumValN(qcc::Stage::Input, "input",
                          "TOSA, qcc and quant on tensors"),
               clEnumValN(qcc::Stage::Linalg, "linalg",
                          "linalg, arith and tensor; no TOSA"),
               clEnumValN(qcc::Stage::Codegen, "codegen",
                          "linalg and qcc_cpu kernel calls on tensors"),
               clEnumValN(qcc::Stage::Bufferized, "bufferized",
                          "No tensor values, no heap allocation"),
               clEnumValN(qcc::Stage::LLVM, "llvm",
                          "Only the LLVM dialect, no allocator calls"))}]>,
  ];
}

def AddPackedEntryPass : Pass<"qcc-add-packed-entry", "mlir::ModuleOp"> {
  let summary = "Add `<prefix>_run_packed`, the pointer-array entry point";
  let description = [{
    Generic callers (harnesses, ctypes loaders, the calibration runner) cannot
    spell a per-model positional signature. `<prefix>_run_packed(inputs,
    outputs, workspace)` loads each buffer pointer from the two arrays and
    calls `<prefix>_run`. Runs on the LLVM dialect; the prefix comes from the
    module's `qcc.abi` attribute.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // QCC_TRANSFORMS_PASSES_TD
