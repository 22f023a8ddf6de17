// RUN: qcc-opt %s -split-input-file -qcc-cpu-select-kernels | FileCheck %s

// A padded int8 convolution with its bias-seeded init and requantizing
// epilogue becomes one kernel call for a Zen 4 (AVX-512 VNNI): the padding
// moves into the kernel (a row of input zero points, -5), the weights are
// packed for 64-channel blocks (1 block x 1 tap x 1 group of 4 channels x
// 64 x 4 bytes), and the geometry and output parameters are attributes.
// CHECK-LABEL: func.func @conv
// CHECK-DAG: %[[ZERO_ROW:.*]] = arith.constant dense<-5> : tensor<2xi8>
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<256xi8>
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<{{.*}}> : tensor<64xi32>
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<1x2x2x1xi8>
// CHECK: qcc_cpu.conv_kernel @qcc_qconv2d_avx512vnni(%{{.*}}, %[[ZERO_ROW]], %[[W]], %[[BIAS]], %{{.*}}, %{{.*}} : {{.*}}) outs(%[[INIT]] : tensor<1x2x2x1xi8>)
// CHECK-SAME: geometry = array<i32: 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 2, 2, 1, 1, 1, 1>
// CHECK-SAME: scalars = [0 : i32, -128 : i32, 127 : i32, 0 : i32]
// CHECK-NOT: linalg.conv_2d_nhwc_fhwc
#map = affine_map<(d0, d1, d2, d3) -> (d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "znver4">} {
  func.func @conv(%x: tensor<1x2x2x2xi8>) -> tensor<1x2x2x1xi8> {
    %c-5 = arith.constant -5 : i8
    %w = arith.constant dense<[[[[1, 2]]]]> : tensor<1x1x1x2xi8>
    %b = arith.constant dense<25> : tensor<1xi32>
    %m = arith.constant dense<1073741824> : tensor<1xi64>
    %n = arith.constant dense<31> : tensor<1xi64>
    %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 0, 0, 0] {
    ^bb0(%i: index, %j: index, %k: index, %l: index):
      tensor.yield %c-5 : i8
    } : tensor<1x2x2x2xi8> to tensor<1x3x3x2xi8>
    %e = tensor.empty() : tensor<1x2x2x1xi32>
    %acc = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<1xi32>) outs(%e : tensor<1x2x2x1xi32>) {
    ^bb0(%in: i32, %out: i32):
      linalg.yield %in : i32
    } -> tensor<1x2x2x1xi32>
    %c = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%padded, %w : tensor<1x3x3x2xi8>, tensor<1x1x1x2xi8>) outs(%acc : tensor<1x2x2x1xi32>) -> tensor<1x2x2x1xi32>
    %o = tensor.empty() : tensor<1x2x2x1xi8>
    %y = linalg.generic {indexing_maps = [#map1, #map, #map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %m, %n : tensor<1x2x2x1xi32>, tensor<1xi64>, tensor<1xi64>) outs(%o : tensor<1x2x2x1xi8>) attrs = {qcc.requantize_epilogue = array<i64: 0, -128, 127, 0>} {
    ^bb0(%a: i32, %mm: i64, %nn: i64, %out: i8):
      %wide = arith.extsi %a : i32 to i64
      %p = arith.muli %wide, %mm : i64
      %s = arith.shrsi %p, %nn : i64
      %t = arith.trunci %s : i64 to i8
      linalg.yield %t : i8
    } -> tensor<1x2x2x1xi8>
    return %y : tensor<1x2x2x1xi8>
  }
}

// -----

// The default x86-64-v3 (AVX2, FMA) gets the exact 16-bit AVX2 kernel, and
// a matmul is a 1x1 convolution over M = 3 pixels (16-channel blocks: 1 x 1
// x 1 x 16 x 4 bytes); splat multipliers folded into the epilogue's body
// are read from there.
// CHECK-LABEL: func.func @matmul
// CHECK: qcc_cpu.conv_kernel @qcc_qconv2d_avx2
// CHECK-SAME: tensor<3x2xi8>, tensor<2xi8>, tensor<64xi8>, tensor<16xi32>, tensor<16xi32>, tensor<16xi32>) outs(%{{.*}} : tensor<3x1xi8>)
// CHECK-SAME: geometry = array<i32: 1, 3, 2, 2, 1, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0>
// CHECK-SAME: -> tensor<3x1xi8>
#map2 = affine_map<(d0, d1) -> (d1)>
#map3 = affine_map<(d0, d1) -> (d0, d1)>
module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "x86-64-v3">} {
  func.func @matmul(%a: tensor<3x2xi8>) -> tensor<3x1xi8> {
    %w = arith.constant dense<[[100], [-110]]> : tensor<2x1xi8>
    %b = arith.constant dense<7> : tensor<1xi32>
    %e = tensor.empty() : tensor<3x1xi32>
    %acc = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<1xi32>) outs(%e : tensor<3x1xi32>) {
    ^bb0(%in: i32, %out: i32):
      linalg.yield %in : i32
    } -> tensor<3x1xi32>
    %c = linalg.matmul ins(%a, %w : tensor<3x2xi8>, tensor<2x1xi8>) outs(%acc : tensor<3x1xi32>) -> tensor<3x1xi32>
    %o = tensor.empty() : tensor<3x1xi8>
    %c3 = arith.constant 1073741824 : i64
    %c30 = arith.constant 30 : i64
    %y = linalg.generic {indexing_maps = [#map3, #map3], iterator_types = ["parallel", "parallel"]} ins(%c : tensor<3x1xi32>) outs(%o : tensor<3x1xi8>) attrs = {qcc.requantize_epilogue = array<i64: 3, -128, 127, 0>} {
    ^bb0(%in: i32, %out: i8):
      %wide = arith.extsi %in : i32 to i64
      %p = arith.muli %wide, %c3 : i64
      %s = arith.shrsi %p, %c30 : i64
      %t = arith.trunci %s : i64 to i8
      linalg.yield %t : i8
    } -> tensor<3x1xi8>
    return %y : tensor<3x1xi8>
  }
}

// -----

// aarch64 and riscv64 keep their loops for now, and so does a module
// without llvm.target.
// CHECK-LABEL: func.func @aarch64
// CHECK-NOT: qcc_cpu.conv_kernel
// CHECK: linalg.matmul
module attributes {llvm.target = #llvm.target<triple = "aarch64-unknown-linux-gnu", chip = "generic">} {
  func.func @aarch64(%a: tensor<3x2xi8>, %acc: tensor<3x1xi32>) -> tensor<3x1xi32> {
    %w = arith.constant dense<[[100], [-110]]> : tensor<2x1xi8>
    %c = linalg.matmul ins(%a, %w : tensor<3x2xi8>, tensor<2x1xi8>) outs(%acc : tensor<3x1xi32>) -> tensor<3x1xi32>
    return %c : tensor<3x1xi32>
  }
}

// -----

// A contraction whose epilogue writes int16 (a 16x8 layer) keeps its loops:
// the kernels store bytes.
// CHECK-LABEL: func.func @int16_output
// CHECK-NOT: qcc_cpu.conv_kernel
// CHECK: linalg.matmul
#map4 = affine_map<(d0, d1) -> (d1)>
#map5 = affine_map<(d0, d1) -> (d0, d1)>
module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "znver4">} {
  func.func @int16_output(%a: tensor<3x2xi8>) -> tensor<3x1xi16> {
    %w = arith.constant dense<[[100], [-110]]> : tensor<2x1xi8>
    %b = arith.constant dense<7> : tensor<1xi32>
    %e = tensor.empty() : tensor<3x1xi32>
    %acc = linalg.generic {indexing_maps = [#map4, #map5], iterator_types = ["parallel", "parallel"]} ins(%b : tensor<1xi32>) outs(%e : tensor<3x1xi32>) {
    ^bb0(%in: i32, %out: i32):
      linalg.yield %in : i32
    } -> tensor<3x1xi32>
    %c = linalg.matmul ins(%a, %w : tensor<3x2xi8>, tensor<2x1xi8>) outs(%acc : tensor<3x1xi32>) -> tensor<3x1xi32>
    %o = tensor.empty() : tensor<3x1xi16>
    %c3 = arith.constant 1073741824 : i64
    %c30 = arith.constant 30 : i64
    %y = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = ["parallel", "parallel"]} ins(%c : tensor<3x1xi32>) outs(%o : tensor<3x1xi16>) attrs = {qcc.requantize_epilogue = array<i64: 0, -32768, 32767, 0>} {
    ^bb0(%in: i32, %out: i16):
      %wide = arith.extsi %in : i32 to i64
      %p = arith.muli %wide, %c3 : i64
      %s = arith.shrsi %p, %c30 : i64
      %t = arith.trunci %s : i64 to i16
      linalg.yield %t : i16
    } -> tensor<3x1xi16>
    return %y : tensor<3x1xi16>
  }
}

// -----

// A grayscale first layer (1 input channel, 3x3, stride 2, padding 1): even
// a folded kernel row is 3 bytes, less than one dot-product group, so each
// output pixel's whole 3x3 window is copied (a 6-D generic reading the
// padded input at (2 oh + ky, 2 ow + kx)) and the convolution runs as a 1x1
// one over 9 channels: weights [O][1][1][9] pack as 64 x 3 groups of 4 =
// 768 bytes; the geometry has no padding, stride or dilation left.
// CHECK: affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3, d2 * 2 + d4, d5)>
// CHECK-LABEL: func.func @grayscale_first_layer
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<768xi8>
// CHECK: %[[WINDOWS:.*]] = linalg.generic {indexing_maps = [#{{map[0-9]*}}, #{{map[0-9]*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%[[PADDED:.*]] : tensor<1x9x10x1xi8>) outs(%{{.*}} : tensor<1x4x4x3x3x1xi8>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[WINDOWS]] {{\[\[}}0], [1], [2], [3, 4, 5]] : tensor<1x4x4x3x3x1xi8> into tensor<1x4x4x9xi8>
// CHECK: %[[ZERO_ROW:.*]] = arith.constant dense<-7> : tensor<9xi8>
// CHECK: qcc_cpu.conv_kernel @qcc_qconv2d_avx512vnni(%[[FLAT]], %[[ZERO_ROW]], %[[W]],
// CHECK-SAME: geometry = array<i32: 4, 4, 9, 9, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1, 1, 0, 0>
// CHECK-NOT: linalg.conv_2d_nhwc_fhwc
#map = affine_map<(d0, d1, d2, d3) -> (d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "znver4">} {
  func.func @grayscale_first_layer(%x: tensor<1x8x8x1xi8>) -> tensor<1x4x4x2xi8> {
    %c-7 = arith.constant -7 : i8
    %w = arith.constant dense<3> : tensor<2x3x3x1xi8>
    %b = arith.constant dense<25> : tensor<2xi32>
    %m = arith.constant dense<1073741824> : tensor<2xi64>
    %n = arith.constant dense<31> : tensor<2xi64>
    %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 0, 1, 0] {
    ^bb0(%i: index, %j: index, %k: index, %l: index):
      tensor.yield %c-7 : i8
    } : tensor<1x8x8x1xi8> to tensor<1x9x10x1xi8>
    %e = tensor.empty() : tensor<1x4x4x2xi32>
    %acc = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<2xi32>) outs(%e : tensor<1x4x4x2xi32>) {
    ^bb0(%in: i32, %out: i32):
      linalg.yield %in : i32
    } -> tensor<1x4x4x2xi32>
    %c = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%padded, %w : tensor<1x9x10x1xi8>, tensor<2x3x3x1xi8>) outs(%acc : tensor<1x4x4x2xi32>) -> tensor<1x4x4x2xi32>
    %o = tensor.empty() : tensor<1x4x4x2xi8>
    %y = linalg.generic {indexing_maps = [#map1, #map, #map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %m, %n : tensor<1x4x4x2xi32>, tensor<2xi64>, tensor<2xi64>) outs(%o : tensor<1x4x4x2xi8>) attrs = {qcc.requantize_epilogue = array<i64: 0, -128, 127, 0>} {
    ^bb0(%a: i32, %mm: i64, %nn: i64, %out: i8):
      %wide = arith.extsi %a : i32 to i64
      %p = arith.muli %wide, %mm : i64
      %s = arith.shrsi %p, %nn : i64
      %t = arith.trunci %s : i64 to i8
      linalg.yield %t : i8
    } -> tensor<1x4x4x2xi8>
    return %y : tensor<1x4x4x2xi8>
  }
}

// -----

// A first layer (3 input channels, 3x3, stride 2, padding 1): each kernel
// row's 3 consecutive pixels are read as one tap of 9 channels. The weights
// pack as [O][3][1][9] (64 x 3 taps x 3 groups of 4 = 2304 bytes), the
// left/right padding is materialized (the zero row covers whole rows only),
// and the geometry keeps a pixel stride of 3 under 9 channels per tap, one
// tap per row and no left padding, with the top padding still the kernel's.
// CHECK-LABEL: func.func @first_layer
// CHECK: %[[W:.*]] = arith.constant dense<{{.*}}> : tensor<2304xi8>
// CHECK: %[[COLS:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 0] high[0, 0, 1, 0]
// CHECK: tensor<1x8x8x3xi8> to tensor<1x8x10x3xi8>
// CHECK: %[[ZERO_ROW:.*]] = arith.constant dense<-7> : tensor<9xi8>
// CHECK: qcc_cpu.conv_kernel @qcc_qconv2d_avx512vnni(%[[COLS]], %[[ZERO_ROW]], %[[W]],
// CHECK-SAME: geometry = array<i32: 8, 10, 3, 9, 4, 4, 2, 2, 1, 3, 1, 2, 2, 1, 1, 1, 0>
#map = affine_map<(d0, d1, d2, d3) -> (d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
module attributes {llvm.target = #llvm.target<triple = "x86_64-unknown-linux-gnu", chip = "znver4">} {
  func.func @first_layer(%x: tensor<1x8x8x3xi8>) -> tensor<1x4x4x2xi8> {
    %c-7 = arith.constant -7 : i8
    %w = arith.constant dense<3> : tensor<2x3x3x3xi8>
    %b = arith.constant dense<25> : tensor<2xi32>
    %m = arith.constant dense<1073741824> : tensor<2xi64>
    %n = arith.constant dense<31> : tensor<2xi64>
    %padded = tensor.pad %x low[0, 1, 1, 0] high[0, 0, 1, 0] {
    ^bb0(%i: index, %j: index, %k: index, %l: index):
      tensor.yield %c-7 : i8
    } : tensor<1x8x8x3xi8> to tensor<1x9x10x3xi8>
    %e = tensor.empty() : tensor<1x4x4x2xi32>
    %acc = linalg.generic {indexing_maps = [#map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%b : tensor<2xi32>) outs(%e : tensor<1x4x4x2xi32>) {
    ^bb0(%in: i32, %out: i32):
      linalg.yield %in : i32
    } -> tensor<1x4x4x2xi32>
    %c = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%padded, %w : tensor<1x9x10x3xi8>, tensor<2x3x3x3xi8>) outs(%acc : tensor<1x4x4x2xi32>) -> tensor<1x4x4x2xi32>
    %o = tensor.empty() : tensor<1x4x4x2xi8>
    %y = linalg.generic {indexing_maps = [#map1, #map, #map, #map1], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %m, %n : tensor<1x4x4x2xi32>, tensor<2xi64>, tensor<2xi64>) outs(%o : tensor<1x4x4x2xi8>) attrs = {qcc.requantize_epilogue = array<i64: 0, -128, 127, 0>} {
    ^bb0(%a: i32, %mm: i64, %nn: i64, %out: i8):
      %wide = arith.extsi %a : i32 to i64
      %p = arith.muli %wide, %mm : i64
      %s = arith.shrsi %p, %nn : i64
      %t = arith.trunci %s : i64 to i8
      linalg.yield %t : i8
    } -> tensor<1x4x4x2xi8>
    return %y : tensor<1x4x4x2xi8>
  }
}
