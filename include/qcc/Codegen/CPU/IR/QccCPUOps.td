//===- QccCPUOps.td - qcc's CPU code generation dialect ----*- tablegen -*-===//
//
// The `qcc_cpu` dialect holds what the CPU code generation stage makes of a
// contraction: a call of one of qcc's micro-kernels
// (include/qcc/Codegen/CPU/Kernels.h) on weights packed at compile time.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_CODEGEN_CPU_IR_QCCCPUOPS_TD
#define QCC_CODEGEN_CPU_IR_QCCCPUOPS_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/BuiltinTypes.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def QccCPU_Dialect : Dialect {
  let name = "qcc_cpu";
  let summary = "qcc's CPU micro-kernel calls";
  let description = [{
    Ops that stand for calls of qcc's CPU micro-kernels. The code generation
    stage (`qcc-cpu-select-kernels`) creates them on tensors with packed
    constant weights; they bufferize like destination-style ops, and
    `qcc-cpu-lower-kernels` turns each into a call of the kernel function
    with its parameter struct on the stack. The kernel bodies come from
    bitcode linked into the module when LLVM IR is emitted.
  }];
  let cppNamespace = "::qcc::cpu";
}

def QccCPU_ConvKernelOp : Op<QccCPU_Dialect, "conv_kernel", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
    DestinationStyleOpInterface]> {
  let summary = "A call of a convolution / matmul micro-kernel";
  let description = [{
    Calls `callee`, one of the convolution kernels of
    `include/qcc/Codegen/CPU/Kernels.h` (`qcc_qconv2d_*`, `qcc_qdwconv2d_*`,
    `qcc_sconv2d_*`, `qcc_sdwconv2d_*`), once per image of the batch. The
    kernel's parameter struct is, in order: the 17 `geometry` values (the
    fields of `qcc_conv2d_geometry`), the pointers of `input`, `zero_row`,
    the output (`init`), then of the remaining operands (`weights`, `bias`
    and, for int8 kernels, `multiplier` and `shift`), then the `scalars`
    (i32 or f32 attributes). Inputs and output are NHWC; image `n` starts
    `n * in_h * in_w * in_pixel_stride` input and
    `n * out_h * out_w * out_pixel_stride` output elements in.

    ```mlir
    %y = qcc_cpu.conv_kernel @qcc_qconv2d_avx512vnni(
        %x, %zero_row, %weights, %bias, %multiplier, %shift
        : tensor<1x56x56x64xi8>, tensor<64xi8>, tensor<36864xi8>,
          tensor<64xi32>, tensor<64xi32>, tensor<64xi32>)
        outs(%init : tensor<1x56x56x64xi8>)
        {geometry = array<i32: ...>, scalars = [-128 : i32, -128 : i32,
        127 : i32, 0 : i32]} -> tensor<1x56x56x64xi8>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee,
                       DenseI32ArrayAttr:$geometry,
                       ArrayAttr:$scalars,
                       Variadic<AnyShaped>:$inputs,
                       AnyShaped:$init);
  let results = (outs Variadic<AnyRankedTensor>:$result);
  let assemblyFormat = [{
    $callee `(` $inputs `:` type($inputs) `)` `outs` `(` $init `:`
    type($init) `)` attr-dict (`->` type($result)^)?
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The number of fields of qcc_conv2d_geometry.
    static constexpr unsigned kGeometrySize = 17;
    ::mlir::MutableOperandRange getDpsInitsMutable() {
      return getInitMutable();
    }
    /// The images of the batch: the init's elements over one image's
    /// (out_h * out_w * out_pixel_stride); a matmul's [M, N] is one image.
    int64_t getBatch() {
      ::llvm::ArrayRef<int32_t> g = getGeometry();
      int64_t image = int64_t(g[4]) * g[5] * g[6];
      return image == 0 ? 0
                        : ::mlir::cast<::mlir::ShapedType>(getInit().getType())
                                  .getNumElements() /
                              image;
    }
  }];
}

#endif // QCC_CODEGEN_CPU_IR_QCCCPUOPS_TD
