// RUN: qcc-opt %s -split-input-file -qcc-cpu-select-kernels | FileCheck %s

// fp32 contractions become calls of the fp32 micro-kernels on weights packed
// at compile time for the llvm.target's variant (znver4: avx512f, NR = 64;
// x86-64-v3: avx2, NR = 16; x86-64: generic; aarch64: loops stay). The
// kernel absorbs the zero padding, the init's bias and the consumers that
// scale, shift and clamp each channel.

#bias = affine_map<(d0, d1, d2, d3) -> (d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "znver4">} {
// A padded 3x3 convolution with a broadcast bias and a ReLU6 consumer: the
// clamp goes into the scalars. With one input channel, each kernel row's 3
// pixels are one tap of 3 channels (ConvInput.h): the packed weights are
// [OB = 1][T = 3][C = 3][NR = 64], the left and right padding is
// materialized, and the top padding goes into the geometry (pad_top = 1 of
// the 6x8 column-padded input, pixel stride 1 under 3 channels per tap).
// CHECK-LABEL: func.func @conv_relu6
// CHECK-SAME: (%[[X:.*]]: tensor<1x6x6x1xf32>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<576xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00, 6.000000e+00, 7.000000e+00, 8.000000e+00, 0.000000e+00, {{.*}}]> : tensor<64xf32>
// CHECK-DAG: %[[COLS:.*]] = tensor.pad %[[X]] low[0, 0, 1, 0] high[0, 0, 1, 0]
// CHECK-DAG: %[[ZERO_ROW:.*]] = arith.constant dense<0.000000e+00> : tensor<3xf32>
// CHECK: %[[Y:.*]] = qcc_cpu.conv_kernel @qcc_sconv2d_avx512f(%[[COLS]], %[[ZERO_ROW]], %[[W]], %[[B]] : tensor<1x6x8x1xf32>, tensor<3xf32>, tensor<576xf32>, tensor<64xf32>) outs(%{{.*}} : tensor<1x6x6x8xf32>)
// CHECK-SAME: geometry = array<i32: 6, 8, 1, 3, 6, 6, 8, 8, 1, 3, 1, 1, 1, 1, 1, 1, 0>
// CHECK-SAME: scalars = [0.000000e+00 : f32, 6.000000e+00 : f32]
// CHECK-NOT: linalg
// CHECK: return %[[Y]]
func.func @conv_relu6(%x: tensor<1x6x6x1xf32>) -> tensor<1x6x6x8xf32> {
  %zero = arith.constant 0.0 : f32
  %six = arith.constant 6.0 : f32
  %w = arith.constant dense<0.5> : tensor<8x3x3x1xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]> : tensor<8xf32>
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x6x6x1xf32> to tensor<1x8x8x1xf32>
  %empty = tensor.empty() : tensor<1x6x6x8xf32>
  %init = linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<8xf32>) outs(%empty : tensor<1x6x6x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x6x6x8xf32>
  %conv = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%padded, %w : tensor<1x8x8x1xf32>, tensor<8x3x3x1xf32>) outs(%init : tensor<1x6x6x8xf32>) -> tensor<1x6x6x8xf32>
  %relu6 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv : tensor<1x6x6x8xf32>) outs(%empty : tensor<1x6x6x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %lo = arith.minimumf %in, %six : f32
    %hi = arith.maximumf %lo, %zero : f32
    linalg.yield %hi : f32
  } -> tensor<1x6x6x8xf32>
  return %relu6 : tensor<1x6x6x8xf32>
}
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0)>
module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "znver4">} {
// The ONNX importer's form: NHWC -> NCHW transpose, a batch norm (scale and
// shift per channel, read through a broadcast map) and a ReLU in NCHW, back
// to NHWC. The scale folds into the weights, the shift into the bias, the
// ReLU into the scalars; the transposes stay for canonicalization to cancel.
// CHECK-LABEL: func.func @conv_nchw_batchnorm_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x4x2xf32>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense<"0x0000003F0000803F0000004000008040{{(00000000)+}}0000003F0000803F0000004000008040{{(00000000)+}}"> : tensor<128xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.000000e+00, -2.000000e+00, 3.000000e+00, -4.000000e+00, 0.000000e+00, {{.*}}]> : tensor<64xf32>
// CHECK: %[[Y:.*]] = qcc_cpu.conv_kernel @qcc_sconv2d_avx512f(%[[X]], %{{.*}}, %[[W]], %[[B]] :
// CHECK-SAME: geometry = array<i32: 4, 4, 2, 2, 4, 4, 4, 4, 1, 1, 1, 1, 1, 1, 1, 0, 0>
// CHECK-SAME: scalars = [0.000000e+00 : f32, 3.40282347E+38 : f32]
// CHECK-NOT: linalg.generic
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[Y]] : tensor<1x4x4x4xf32>) {{.*}} permutation = [0, 3, 1, 2]
// CHECK-NEXT: %[[BACK:.*]] = linalg.transpose ins(%[[T]] : tensor<1x4x4x4xf32>) {{.*}} permutation = [0, 2, 3, 1]
// CHECK-NEXT: return %[[BACK]]
func.func @conv_nchw_batchnorm_relu(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %max = arith.constant 3.40282347E+38 : f32
  %w = arith.constant dense<1.0> : tensor<4x1x1x2xf32>
  %scale = arith.constant dense<[[[[0.5]], [[1.0]], [[2.0]], [[4.0]]]]> : tensor<1x4x1x1xf32>
  %shift = arith.constant dense<[[[[1.0]], [[-2.0]], [[3.0]], [[-4.0]]]]> : tensor<1x4x1x1xf32>
  %empty = tensor.empty() : tensor<1x4x4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %conv = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x2xf32>, tensor<4x1x1x2xf32>) outs(%init : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %nchw = tensor.empty() : tensor<1x4x4x4xf32>
  %t = linalg.transpose ins(%conv : tensor<1x4x4x4xf32>) outs(%nchw : tensor<1x4x4x4xf32>) permutation = [0, 3, 1, 2]
  %bn = linalg.generic {indexing_maps = [#id, #chan, #chan, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%t, %scale, %shift : tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>) outs(%nchw : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %s: f32, %b: f32, %out: f32):
    %0 = arith.mulf %in, %s : f32
    %1 = arith.addf %0, %b : f32
    %2 = arith.minimumf %1, %max : f32
    %3 = arith.maximumf %2, %zero : f32
    linalg.yield %3 : f32
  } -> tensor<1x4x4x4xf32>
  %back = linalg.transpose ins(%bn : tensor<1x4x4x4xf32>) outs(%empty : tensor<1x4x4x4xf32>) permutation = [0, 2, 3, 1]
  return %back : tensor<1x4x4x4xf32>
}
}

// -----

#cm = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4)>
#id5 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3, d4)>
module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "znver4">} {
// TOSA's depthwise convolution: depthwise_conv_2d_nhwc_hwcm with multiplier
// 1 on a zero init, the bias added by the consumer, a collapse to NHWC.
// Packed [T = 9][CP = 16] weights and a 16-float bias.
// CHECK-LABEL: func.func @depthwise_hwcm
// CHECK-SAME: (%[[X:.*]]: tensor<1x7x7x16xf32>)
// CHECK-DAG: %[[ZERO_ROW:.*]] = arith.constant dense<0.000000e+00> : tensor<16xf32>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<144xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<2.500000e-01> : tensor<16xf32>
// CHECK: %[[Y:.*]] = qcc_cpu.conv_kernel @qcc_sdwconv2d_avx512f(%[[X]], %[[ZERO_ROW]], %[[W]], %[[B]] :
// CHECK-SAME: geometry = array<i32: 7, 7, 16, 16, 4, 4, 16, 16, 1, 3, 3, 2, 2, 1, 1, 1, 1>
// CHECK-SAME: scalars = [0xFF800000 : f32, 0x7F800000 : f32]
// CHECK-SAME: -> tensor<1x4x4x16x1xf32>
// CHECK-NEXT: %[[C:.*]] = tensor.collapse_shape %[[Y]]
// CHECK-NEXT: return %[[C]]
func.func @depthwise_hwcm(%x: tensor<1x7x7x16xf32>) -> tensor<1x4x4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.125> : tensor<3x3x16x1xf32>
  %b = arith.constant dense<0.25> : tensor<16x1xf32>
  %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x7x7x16xf32> to tensor<1x9x9x16xf32>
  %empty = tensor.empty() : tensor<1x4x4x16x1xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x4x4x16x1xf32>) -> tensor<1x4x4x16x1xf32>
  %dw = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%padded, %w : tensor<1x9x9x16xf32>, tensor<3x3x16x1xf32>) outs(%init : tensor<1x4x4x16x1xf32>) -> tensor<1x4x4x16x1xf32>
  %biased = linalg.generic {indexing_maps = [#cm, #id5, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%b, %dw : tensor<16x1xf32>, tensor<1x4x4x16x1xf32>) outs(%empty : tensor<1x4x4x16x1xf32>) {
  ^bb0(%in: f32, %acc: f32, %out: f32):
    %0 = arith.addf %in, %acc : f32
    linalg.yield %0 : f32
  } -> tensor<1x4x4x16x1xf32>
  %c = tensor.collapse_shape %biased [[0], [1], [2], [3, 4]] : tensor<1x4x4x16x1xf32> into tensor<1x4x4x16xf32>
  return %c : tensor<1x4x4x16xf32>
}

// The named depthwise op (HWC weights) with a bias broadcast init.
// CHECK-LABEL: func.func @depthwise_hwc
// CHECK: qcc_cpu.conv_kernel @qcc_sdwconv2d_avx512f
// CHECK-SAME: tensor<1x5x5x20xf32>, tensor<20xf32>, tensor<288xf32>, tensor<32xf32>) outs(%{{.*}} : tensor<1x3x3x20xf32>)
// CHECK-SAME: geometry = array<i32: 5, 5, 20, 20, 3, 3, 20, 20, 1, 3, 3, 1, 1, 1, 1, 0, 0>
func.func @depthwise_hwc(%x: tensor<1x5x5x20xf32>) -> tensor<1x3x3x20xf32> {
  %w = arith.constant dense<0.125> : tensor<3x3x20xf32>
  %init = arith.constant dense<0.5> : tensor<1x3x3x20xf32>
  %dw = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x5x5x20xf32>, tensor<3x3x20xf32>) outs(%init : tensor<1x3x3x20xf32>) -> tensor<1x3x3x20xf32>
  return %dw : tensor<1x3x3x20xf32>
}
}

// -----

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (0, d1)>
module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "znver4">} {
// A fully-connected layer as TOSA writes it: batch_matmul with batch 1 on a
// zero init, a collapse, the bias added through a broadcast map. The matmul
// is the 1x1 convolution over M = 2 pixels with K = 64 input channels.
// CHECK-LABEL: func.func @fully_connected
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x64xf32>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<4096xf32>
// CHECK-DAG: %[[B:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 0.000000e+00, {{.*}}]> : tensor<64xf32>
// CHECK: %[[Y:.*]] = qcc_cpu.conv_kernel @qcc_sconv2d_avx512f(%[[X]], %{{.*}}, %[[W]], %[[B]] :
// CHECK-SAME: geometry = array<i32: 1, 2, 64, 64, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0>
// CHECK-SAME: -> tensor<1x2x2xf32>
// CHECK-NEXT: %[[C:.*]] = tensor.collapse_shape %[[Y]]
// CHECK-NOT: linalg
// CHECK: return %[[C]]
func.func @fully_connected(%x: tensor<1x2x64xf32>) -> tensor<2x2xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<1x64x2xf32>
  %b = arith.constant dense<[[1.0, 2.0]]> : tensor<1x2xf32>
  %empty = tensor.empty() : tensor<1x2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%empty : tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
  %mm = linalg.batch_matmul ins(%x, %w : tensor<1x2x64xf32>, tensor<1x64x2xf32>) outs(%init : tensor<1x2x2xf32>) -> tensor<1x2x2xf32>
  %c = tensor.collapse_shape %mm [[0, 1], [2]] : tensor<1x2x2xf32> into tensor<2x2xf32>
  %empty2 = tensor.empty() : tensor<2x2xf32>
  %y = linalg.generic {indexing_maps = [#id2, #row, #id2], iterator_types = ["parallel", "parallel"]} ins(%c, %b : tensor<2x2xf32>, tensor<1x2xf32>) outs(%empty2 : tensor<2x2xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %0 = arith.addf %in, %bias : f32
    linalg.yield %0 : f32
  } -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// A 2-D matmul with a linalg.broadcast init and a ReLU written as
// cmpf + select.
// CHECK-LABEL: func.func @matmul_select_relu
// CHECK: %[[Y:.*]] = qcc_cpu.conv_kernel @qcc_sconv2d_avx512f
// CHECK-SAME: geometry = array<i32: 1, 3, 5, 5, 1, 3, 4, 4, 1, 1, 1, 1, 1, 1, 1, 0, 0>
// CHECK-SAME: scalars = [0.000000e+00 : f32, 0x7F800000 : f32]
// CHECK-NEXT: return %[[Y]]
func.func @matmul_select_relu(%a: tensor<3x5xf32>) -> tensor<3x4xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<0.5> : tensor<5x4xf32>
  %b = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %empty = tensor.empty() : tensor<3x4xf32>
  %init = linalg.broadcast ins(%b : tensor<4xf32>) outs(%empty : tensor<3x4xf32>) dimensions = [0]
  %mm = linalg.matmul ins(%a, %w : tensor<3x5xf32>, tensor<5x4xf32>) outs(%init : tensor<3x4xf32>) -> tensor<3x4xf32>
  %y = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%mm : tensor<3x4xf32>) outs(%empty : tensor<3x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %positive = arith.cmpf ugt, %in, %zero : f32
    %0 = arith.select %positive, %in, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}
}

// -----

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "znver4">} {
// A residual add reads a second tensor: the kernel computes the
// convolution, the add (with its clamp) stays a generic.
// CHECK-LABEL: func.func @residual_stays
// CHECK: %[[Y:.*]] = qcc_cpu.conv_kernel @qcc_sconv2d_avx512f
// CHECK-SAME: scalars = [0xFF800000 : f32, 0x7F800000 : f32]
// CHECK: linalg.generic {{.*}} ins(%[[Y]], %{{.*}} : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>)
// CHECK: arith.addf
// CHECK: arith.maximumf
func.func @residual_stays(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<4x1x1x4xf32>
  %init = arith.constant dense<0.0> : tensor<1x4x4x4xf32>
  %conv = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x4xf32>, tensor<4x1x1x4xf32>) outs(%init : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %empty = tensor.empty() : tensor<1x4x4x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv, %x : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) outs(%empty : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %skip: f32, %out: f32):
    %0 = arith.addf %in, %skip : f32
    %1 = arith.maximumf %0, %zero : f32
    linalg.yield %1 : f32
  } -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// A shift after the clamp cannot fold into the kernel (which clamps last):
// the generic stays whole.
// CHECK-LABEL: func.func @shift_after_clamp_stays
// CHECK: %[[Y:.*]] = qcc_cpu.conv_kernel @qcc_sconv2d_avx512f
// CHECK-SAME: scalars = [0xFF800000 : f32, 0x7F800000 : f32]
// CHECK: linalg.generic {{.*}} ins(%[[Y]] : tensor<1x4x4x4xf32>)
func.func @shift_after_clamp_stays(%x: tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %w = arith.constant dense<1.0> : tensor<4x1x1x4xf32>
  %init = arith.constant dense<0.0> : tensor<1x4x4x4xf32>
  %conv = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x4xf32>, tensor<4x1x1x4xf32>) outs(%init : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %empty = tensor.empty() : tensor<1x4x4x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%conv : tensor<1x4x4x4xf32>) outs(%empty : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %0 = arith.maximumf %in, %zero : f32
    %1 = arith.addf %0, %one : f32
    linalg.yield %1 : f32
  } -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// What the kernels cannot take keeps its loops: weights that are not
// constant, a depthwise channel multiplier of 2, a batch_matmul with batch
// 2, an init that is not a per-channel constant.
// CHECK-LABEL: func.func @unmatched
// CHECK-NOT: qcc_cpu.conv_kernel
// CHECK: linalg.conv_2d_nhwc_fhwc
// CHECK: linalg.depthwise_conv_2d_nhwc_hwcm
// CHECK: linalg.batch_matmul
// CHECK: linalg.matmul
// CHECK-NOT: qcc_cpu.conv_kernel
// CHECK: return
func.func @unmatched(%x: tensor<1x4x4x4xf32>, %w: tensor<4x1x1x4xf32>, %a: tensor<2x3x5xf32>, %m: tensor<3x5xf32>, %acc: tensor<3x4xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x2x2x4x2xf32>, tensor<2x3x4xf32>, tensor<3x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %init = arith.constant dense<0.0> : tensor<1x4x4x4xf32>
  %conv = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x4xf32>, tensor<4x1x1x4xf32>) outs(%init : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %dww = arith.constant dense<1.0> : tensor<3x3x4x2xf32>
  %dwinit = arith.constant dense<0.0> : tensor<1x2x2x4x2xf32>
  %dw = linalg.depthwise_conv_2d_nhwc_hwcm {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %dww : tensor<1x4x4x4xf32>, tensor<3x3x4x2xf32>) outs(%dwinit : tensor<1x2x2x4x2xf32>) -> tensor<1x2x2x4x2xf32>
  %bw = arith.constant dense<1.0> : tensor<2x5x4xf32>
  %binit = arith.constant dense<0.0> : tensor<2x3x4xf32>
  %bmm = linalg.batch_matmul ins(%a, %bw : tensor<2x3x5xf32>, tensor<2x5x4xf32>) outs(%binit : tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  %mw = arith.constant dense<1.0> : tensor<5x4xf32>
  %mm = linalg.matmul ins(%m, %mw : tensor<3x5xf32>, tensor<5x4xf32>) outs(%acc : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %conv, %dw, %bmm, %mm : tensor<1x4x4x4xf32>, tensor<1x2x2x4x2xf32>, tensor<2x3x4xf32>, tensor<3x4xf32>
}
}

// -----

#bias = affine_map<(d0, d1, d2, d3) -> (d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "x86-64-v3">} {
// x86-64-v3 (AVX2, FMA) gets the avx2 variant with NR = 16: 8 output
// channels pack into [OB = 1][T = 3][C = 3][16] (folded kernel rows, no
// padding to materialize).
// CHECK-LABEL: func.func @conv_avx2
// CHECK: qcc_cpu.conv_kernel @qcc_sconv2d_avx2
// CHECK-SAME: tensor<1x6x6x1xf32>, tensor<3xf32>, tensor<144xf32>, tensor<16xf32>) outs(%{{.*}} : tensor<1x4x4x8xf32>)
// CHECK-SAME: geometry = array<i32: 6, 6, 1, 3, 4, 4, 8, 8, 1, 3, 1, 1, 1, 1, 1, 0, 0>
func.func @conv_avx2(%x: tensor<1x6x6x1xf32>) -> tensor<1x4x4x8xf32> {
  %w = arith.constant dense<0.5> : tensor<8x3x3x1xf32>
  %b = arith.constant dense<1.0> : tensor<8xf32>
  %empty = tensor.empty() : tensor<1x4x4x8xf32>
  %init = linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<8xf32>) outs(%empty : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x8xf32>
  %conv = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x6x6x1xf32>, tensor<8x3x3x1xf32>) outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %conv : tensor<1x4x4x8xf32>
}
}

// -----

module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "x86-64">} {
// Baseline x86-64 gets the generic variant.
// CHECK-LABEL: func.func @matmul_generic
// CHECK: qcc_cpu.conv_kernel @qcc_sconv2d_generic
// CHECK-SAME: tensor<3x5xf32>, tensor<5xf32>, tensor<80xf32>, tensor<16xf32>) outs(%{{.*}} : tensor<3x4xf32>)
func.func @matmul_generic(%a: tensor<3x5xf32>) -> tensor<3x4xf32> {
  %w = arith.constant dense<0.5> : tensor<5x4xf32>
  %init = arith.constant dense<0.0> : tensor<3x4xf32>
  %mm = linalg.matmul ins(%a, %w : tensor<3x5xf32>, tensor<5x4xf32>) outs(%init : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %mm : tensor<3x4xf32>
}
}

// -----

#bias = affine_map<(d0, d1, d2, d3) -> (d3)>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
module attributes {llvm.target = #llvm.target<triple = "aarch64-unknown-linux-gnu", chip = "generic">} {
// aarch64 has no fp32 kernels yet: the convolution keeps its loops.
// CHECK-LABEL: func.func @conv_aarch64
// CHECK-NOT: qcc_cpu.conv_kernel
// CHECK: linalg.conv_2d_nhwc_fhwc
func.func @conv_aarch64(%x: tensor<1x6x6x1xf32>) -> tensor<1x4x4x8xf32> {
  %w = arith.constant dense<0.5> : tensor<8x3x3x1xf32>
  %b = arith.constant dense<1.0> : tensor<8xf32>
  %empty = tensor.empty() : tensor<1x4x4x8xf32>
  %init = linalg.generic {indexing_maps = [#bias, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<8xf32>) outs(%empty : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x4x4x8xf32>
  %conv = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x6x6x1xf32>, tensor<8x3x3x1xf32>) outs(%init : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %conv : tensor<1x4x4x8xf32>
}
}
