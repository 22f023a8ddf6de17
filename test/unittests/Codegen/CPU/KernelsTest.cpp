//===- KernelsTest.cpp - bit-exactness of the CPU micro-kernels -----------===//
//
// Every variant of the kernels in qcc/Codegen/CPU/Kernels.h that the host
// can run is compared with a scalar reference written from
// docs/Numerics.md: int8 outputs must be byte-identical, including the bytes
// the kernels must not write. Inputs and zero rows end at a protected page,
// so a kernel reading past the last channel of the last pixel crashes.
//
//===----------------------------------------------------------------------===//

#include "qcc/Codegen/CPU/Kernels.h"
#include "qcc/Codegen/CPU/Packing.h"

#include "gtest/gtest.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace qcc::cpu;

namespace {

//===----------------------------------------------------------------------===//
// Host support and variants
//===----------------------------------------------------------------------===//

bool hostHasAvx512Vnni() {
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vnni");
}
bool hostHasAvxVnni() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
         __builtin_cpu_supports("avxvnni");
}
bool hostHasAvx2() {
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}
bool hostHasAvx512F() {
  return __builtin_cpu_supports("avx512f") &&
         __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq");
}

struct QVariantInfo {
  const char *name;
  QKernelVariant variant;
  void (*conv)(const qcc_qconv2d_params *);
  void (*depthwise)(const qcc_qdwconv2d_params *);
  bool (*supported)();
};

bool always() { return true; }

void PrintTo(const QVariantInfo &info, std::ostream *os) { *os << info.name; }

const QVariantInfo qVariants[] = {
    {"avx512vnni", QKernelVariant::Avx512Vnni, qcc_qconv2d_avx512vnni,
     qcc_qdwconv2d_avx512vnni, hostHasAvx512Vnni},
    {"avxvnni", QKernelVariant::AvxVnni, qcc_qconv2d_avxvnni,
     qcc_qdwconv2d_avxvnni, hostHasAvxVnni},
    {"avx2", QKernelVariant::Avx2, qcc_qconv2d_avx2, qcc_qdwconv2d_avx2,
     hostHasAvx2},
    {"generic", QKernelVariant::Generic, qcc_qconv2d_generic,
     qcc_qdwconv2d_generic, always},
};

//===----------------------------------------------------------------------===//
// Buffers whose end touches a PROT_NONE page
//===----------------------------------------------------------------------===//

class GuardedBuffer {
public:
  explicit GuardedBuffer(size_t bytes) : size(bytes) {
    size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    size_t dataPages = (bytes + page - 1) / page;
    mappedBytes = (dataPages + 1) * page;
    void *mapping = mmap(nullptr, mappedBytes, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EXPECT_NE(mapping, MAP_FAILED);
    base = static_cast<uint8_t *>(mapping);
    mprotect(base + dataPages * page, page, PROT_NONE);
    data = base + dataPages * page - bytes;
  }
  ~GuardedBuffer() { munmap(base, mappedBytes); }
  GuardedBuffer(const GuardedBuffer &) = delete;
  GuardedBuffer &operator=(const GuardedBuffer &) = delete;

  uint8_t *data = nullptr;
  size_t size = 0;

private:
  uint8_t *base = nullptr;
  size_t mappedBytes = 0;
};

//===----------------------------------------------------------------------===//
// The scalar reference (docs/Numerics.md)
//===----------------------------------------------------------------------===//

struct RoundingCounts {
  uint64_t roundings = 0;
  uint64_t ties = 0;
};

/// RHE(v, n) exactly as the contract writes it.
int64_t referenceRhe(int64_t v, int n, RoundingCounts &counts) {
  int64_t q = v >> n;
  uint64_t r = static_cast<uint64_t>(v) - (static_cast<uint64_t>(q) << n);
  uint64_t h = uint64_t(1) << (n - 1);
  ++counts.roundings;
  counts.ties += r == h;
  return q + ((r > h || (r == h && (q & 1))) ? 1 : 0);
}

struct ConvShape {
  int inH = 1, inW = 1, inC = 1, outC = 1, groups = 1;
  int kH = 1, kW = 1, strideH = 1, strideW = 1, dilationH = 1, dilationW = 1;
  int padTop = 0, padBottom = 0, padLeft = 0, padRight = 0;
  /// Extra input/output channels per pixel beyond groups * channels.
  int inPixelExtra = 0, outPixelExtra = 0;

  int outH() const {
    return (inH + padTop + padBottom - dilationH * (kH - 1) - 1) / strideH + 1;
  }
  int outW() const {
    return (inW + padLeft + padRight - dilationW * (kW - 1) - 1) / strideW + 1;
  }
  int inPixelStride() const { return groups * inC + inPixelExtra; }
  int outPixelStride() const { return groups * outC + outPixelExtra; }
  int taps() const { return kH * kW; }
};

/// The quantized convolution of the contract, with the op's own zero points
/// (not the folded bias): acc = bias + sum (x - z_x)(w - z_w) mod 2^32.
struct QConvProblem {
  ConvShape shape;
  bool inputUnsigned = false;
  int32_t inputZeroPoint = 0;
  std::vector<uint8_t> input;  ///< [inH][inW][inPixelStride] raw bytes.
  std::vector<int8_t> weights; ///< OHWI.
  std::vector<int32_t> weightZeroPoints; ///< Empty, 1 or per channel.
  std::vector<int32_t> bias;
  std::vector<int64_t> multipliers; ///< 1 or per channel.
  std::vector<int32_t> shifts;
  int32_t outputZeroPoint = 0, outputMin = -128, outputMax = 127;

  int32_t inputValue(size_t index) const {
    return inputUnsigned ? int32_t(input[index])
                         : int32_t(static_cast<int8_t>(input[index]));
  }
};

/// Output bytes the kernels must leave untouched hold this.
constexpr uint8_t kSentinel = 0xa5;

std::vector<uint8_t> referenceQConv(const QConvProblem &p,
                                    RoundingCounts &counts) {
  const ConvShape &s = p.shape;
  int outH = s.outH(), outW = s.outW();
  std::vector<uint8_t> out(size_t(outH) * outW * s.outPixelStride(), kSentinel);
  for (int oy = 0; oy < outH; ++oy)
    for (int ox = 0; ox < outW; ++ox)
      for (int g = 0; g < s.groups; ++g)
        for (int o = 0; o < s.outC; ++o) {
          int channel = g * s.outC + o;
          int32_t zw = p.weightZeroPoints.empty()
                           ? 0
                           : p.weightZeroPoints[p.weightZeroPoints.size() == 1
                                                    ? 0
                                                    : channel];
          int64_t acc = p.bias.empty() ? 0 : p.bias[channel];
          for (int ky = 0; ky < s.kH; ++ky)
            for (int kx = 0; kx < s.kW; ++kx) {
              int y = oy * s.strideH + ky * s.dilationH - s.padTop;
              int x = ox * s.strideW + kx * s.dilationW - s.padLeft;
              if (y < 0 || y >= s.inH || x < 0 || x >= s.inW)
                continue; // Padding holds real zero.
              for (int i = 0; i < s.inC; ++i) {
                int32_t xv =
                    p.inputValue((size_t(y) * s.inW + x) * s.inPixelStride() +
                                 g * s.inC + i);
                int32_t wv =
                    p.weights[((size_t(channel) * s.kH + ky) * s.kW + kx) *
                                  s.inC +
                              i];
                acc += int64_t(xv - p.inputZeroPoint) * (wv - zw);
              }
            }
          // int32 with wrapping adds.
          int32_t acc32 = static_cast<int32_t>(static_cast<uint32_t>(acc));
          size_t mi = p.multipliers.size() == 1 ? 0 : channel;
          int64_t m = p.multipliers[mi];
          int64_t product;
          EXPECT_FALSE(__builtin_mul_overflow(int64_t(acc32), m, &product));
          int64_t y =
              p.outputZeroPoint + referenceRhe(product, p.shifts[mi], counts);
          y = std::clamp<int64_t>(y, p.outputMin, p.outputMax);
          out[(size_t(oy) * outW + ox) * s.outPixelStride() + channel] =
              static_cast<uint8_t>(y);
        }
  return out;
}

//===----------------------------------------------------------------------===//
// Running a kernel variant
//===----------------------------------------------------------------------===//

qcc_conv2d_geometry makeGeometry(const ConvShape &s) {
  qcc_conv2d_geometry g;
  g.in_h = s.inH;
  g.in_w = s.inW;
  g.in_pixel_stride = s.inPixelStride();
  g.in_channels = s.inC;
  g.out_h = s.outH();
  g.out_w = s.outW();
  g.out_pixel_stride = s.outPixelStride();
  g.out_channels = s.outC;
  g.groups = s.groups;
  g.kernel_h = s.kH;
  g.kernel_w = s.kW;
  g.stride_h = s.strideH;
  g.stride_w = s.strideW;
  g.dilation_h = s.dilationH;
  g.dilation_w = s.dilationW;
  g.pad_top = s.padTop;
  g.pad_left = s.padLeft;
  return g;
}

std::vector<uint8_t> runQConv(const QVariantInfo &variant,
                              const QConvProblem &p) {
  const ConvShape &s = p.shape;
  QConv2DWeights conv;
  conv.weights = p.weights.data();
  conv.outChannels = s.outC;
  conv.inChannels = s.inC;
  conv.kernelH = s.kH;
  conv.kernelW = s.kW;
  conv.groups = s.groups;
  conv.weightZeroPoints = p.weightZeroPoints.data();
  conv.numWeightZeroPoints = p.weightZeroPoints.size();
  conv.multipliers = p.multipliers.data();
  conv.shifts = p.shifts.data();
  conv.numMultipliers = p.multipliers.size();
  conv.inputUnsigned = p.inputUnsigned;
  std::vector<int32_t> folded = foldInputZeroPoint(
      conv, p.bias.empty() ? nullptr : p.bias.data(), p.inputZeroPoint);
  conv.bias = folded.data();
  QConv2DPacked packed;
  std::string error;
  EXPECT_TRUE(packQConv2D(variant.variant, conv, packed, &error)) << error;

  GuardedBuffer input(p.input.size());
  std::memcpy(input.data, p.input.data(), p.input.size());
  GuardedBuffer zeroRow(s.inC);
  std::memset(zeroRow.data, p.inputZeroPoint & 0xff, s.inC);
  std::vector<uint8_t> out(size_t(s.outH()) * s.outW() * s.outPixelStride(),
                           kSentinel);

  qcc_qconv2d_params params;
  params.geometry = makeGeometry(s);
  params.input = input.data;
  params.zero_row = zeroRow.data;
  params.output = out.data();
  params.weights = packed.weights.data();
  params.bias = packed.bias.data();
  params.multiplier = packed.multiplier.data();
  params.shift = packed.shift.data();
  params.output_zero_point = p.outputZeroPoint;
  params.output_min = p.outputMin;
  params.output_max = p.outputMax;
  params.input_unsigned = p.inputUnsigned;
  variant.conv(&params);
  return out;
}

/// Depthwise problems are grouped problems with groups = C and one input and
/// output channel per group.
std::vector<uint8_t> runQDepthwise(const QVariantInfo &variant,
                                   const QConvProblem &p) {
  const ConvShape &s = p.shape;
  EXPECT_EQ(s.inC, 1);
  EXPECT_EQ(s.outC, 1);
  int channels = s.groups;
  QDepthwiseConv2DWeights conv;
  conv.weights = p.weights.data();
  conv.channels = channels;
  conv.kernelH = s.kH;
  conv.kernelW = s.kW;
  conv.weightZeroPoints = p.weightZeroPoints.data();
  conv.numWeightZeroPoints = p.weightZeroPoints.size();
  conv.multipliers = p.multipliers.data();
  conv.shifts = p.shifts.data();
  conv.numMultipliers = p.multipliers.size();
  // The same folding as a grouped convolution's.
  QConv2DWeights asGrouped;
  asGrouped.weights = p.weights.data();
  asGrouped.outChannels = 1;
  asGrouped.inChannels = 1;
  asGrouped.kernelH = s.kH;
  asGrouped.kernelW = s.kW;
  asGrouped.groups = channels;
  asGrouped.weightZeroPoints = p.weightZeroPoints.data();
  asGrouped.numWeightZeroPoints = p.weightZeroPoints.size();
  std::vector<int32_t> folded = foldInputZeroPoint(
      asGrouped, p.bias.empty() ? nullptr : p.bias.data(), p.inputZeroPoint);
  conv.bias = folded.data();
  QDepthwiseConv2DPacked packed;
  std::string error;
  EXPECT_TRUE(packQDepthwiseConv2D(conv, packed, &error)) << error;

  GuardedBuffer input(p.input.size());
  std::memcpy(input.data, p.input.data(), p.input.size());
  GuardedBuffer zeroRow(channels);
  std::memset(zeroRow.data, p.inputZeroPoint & 0xff, channels);
  std::vector<uint8_t> out(size_t(s.outH()) * s.outW() * s.outPixelStride(),
                           kSentinel);
  qcc_qdwconv2d_params params;
  params.geometry = makeGeometry(s);
  params.geometry.in_channels = channels;
  params.geometry.out_channels = channels;
  params.geometry.groups = 1;
  params.input = input.data;
  params.zero_row = zeroRow.data;
  params.output = out.data();
  params.weights = packed.weights.data();
  params.bias = packed.bias.data();
  params.multiplier = packed.multiplier.data();
  params.shift = packed.shift.data();
  params.output_zero_point = p.outputZeroPoint;
  params.output_min = p.outputMin;
  params.output_max = p.outputMax;
  params.input_unsigned = p.inputUnsigned;
  variant.depthwise(&params);
  return out;
}

//===----------------------------------------------------------------------===//
// Problem generators
//===----------------------------------------------------------------------===//

struct Generator {
  std::mt19937_64 rng{12345};

  int32_t uniform(int32_t lo, int32_t hi) {
    return std::uniform_int_distribution<int32_t>(lo, hi)(rng);
  }

  /// A multiplier typical of a layer: r in [2^-12, 2^-4] around an
  /// accumulator scale, as deriveMultiplier would give it.
  void typicalMultiplier(int64_t &m, int32_t &n) {
    m = uniform(1 << 30, 0x7fffffff);
    n = uniform(35, 43);
  }

  QConvProblem random(const ConvShape &shape, bool inputUnsigned,
                      bool perChannel = true) {
    QConvProblem p;
    p.shape = shape;
    p.inputUnsigned = inputUnsigned;
    p.inputZeroPoint = inputUnsigned ? uniform(0, 255) : uniform(-128, 127);
    p.input.resize(size_t(shape.inH) * shape.inW * shape.inPixelStride());
    for (uint8_t &v : p.input)
      v = static_cast<uint8_t>(uniform(0, 255));
    size_t totalOut = size_t(shape.groups) * shape.outC;
    p.weights.resize(totalOut * shape.taps() * shape.inC);
    for (int8_t &w : p.weights)
      w = static_cast<int8_t>(uniform(-127, 127));
    p.bias.resize(totalOut);
    for (int32_t &b : p.bias)
      b = uniform(-50000, 50000);
    size_t count = perChannel ? totalOut : 1;
    p.multipliers.resize(count);
    p.shifts.resize(count);
    for (size_t i = 0; i < count; ++i)
      typicalMultiplier(p.multipliers[i], p.shifts[i]);
    // Scale the shift to the accumulator's size so outputs span the range.
    int bits = 0;
    for (int64_t k = int64_t(shape.taps()) * shape.inC; k > 1; k >>= 1)
      ++bits;
    for (int32_t &n : p.shifts)
      n = std::min(63, n + bits / 2);
    if (inputUnsigned) {
      p.outputZeroPoint = uniform(0, 255);
      p.outputMin = 0;
      p.outputMax = 255;
    } else {
      p.outputZeroPoint = uniform(-128, 127);
      p.outputMin = -128;
      p.outputMax = 127;
    }
    return p;
  }
};

//===----------------------------------------------------------------------===//
// int8 convolution tests
//===----------------------------------------------------------------------===//

class QConvTest : public ::testing::TestWithParam<QVariantInfo> {
protected:
  void SetUp() override {
    if (!GetParam().supported())
      GTEST_SKIP() << "host lacks " << GetParam().name;
  }

  /// Runs one problem and compares every output byte; returns the reference
  /// rounding counts.
  RoundingCounts check(const QConvProblem &p, const std::string &what,
                       bool depthwise = false) {
    RoundingCounts counts;
    std::vector<uint8_t> expected = referenceQConv(p, counts);
    std::vector<uint8_t> actual =
        depthwise ? runQDepthwise(GetParam(), p) : runQConv(GetParam(), p);
    size_t mismatches = 0, first = expected.size();
    for (size_t i = 0; i < expected.size(); ++i)
      if (expected[i] != actual[i]) {
        if (!mismatches)
          first = i;
        ++mismatches;
      }
    EXPECT_EQ(mismatches, 0u)
        << what << ": first mismatch at byte " << first << " expected "
        << int(expected[first < expected.size() ? first : 0]) << " got "
        << int(actual[first < actual.size() ? first : 0]);
    return counts;
  }

  Generator gen;
};

ConvShape matmulShape(int m, int k, int n) {
  ConvShape s;
  s.inW = m;
  s.inC = k;
  s.outC = n;
  return s;
}

TEST_P(QConvTest, MatmulShapes) {
  for (int m : {1, 2, 5, 6, 7, 13})
    for (int k : {1, 3, 4, 5, 17, 59, 64, 100})
      for (int n : {1, 15, 16, 17, 64, 65, 130})
        for (bool isUnsigned : {false, true})
          check(gen.random(matmulShape(m, k, n), isUnsigned),
                "matmul m=" + std::to_string(m) + " k=" + std::to_string(k) +
                    " n=" + std::to_string(n) +
                    (isUnsigned ? " uint8" : " int8"));
}

TEST_P(QConvTest, PerTensorMultiplier) {
  check(gen.random(matmulShape(9, 40, 70), false, /*perChannel=*/false),
        "per-tensor");
}

TEST_P(QConvTest, Convolutions) {
  struct Named {
    const char *name;
    ConvShape shape;
  };
  auto make = [](int h, int w, int c, int o, int k, int stride, int dilation,
                 int pad) {
    ConvShape s;
    s.inH = h;
    s.inW = w;
    s.inC = c;
    s.outC = o;
    s.kH = s.kW = k;
    s.strideH = s.strideW = stride;
    s.dilationH = s.dilationW = dilation;
    s.padTop = s.padBottom = s.padLeft = s.padRight = pad;
    return s;
  };
  std::vector<Named> cases = {
      {"1x1", make(5, 7, 16, 24, 1, 1, 1, 0)},
      {"1x1 stride 2", make(9, 9, 8, 70, 1, 2, 1, 0)},
      {"3x3 pad 1", make(8, 9, 16, 32, 3, 1, 1, 1)},
      {"3x3 pad 1 cin 3", make(10, 6, 3, 17, 3, 1, 1, 1)},
      {"3x3 stride 2", make(11, 12, 5, 65, 3, 2, 1, 1)},
      {"3x3 dilation 2", make(9, 10, 8, 20, 3, 1, 2, 2)},
      {"3x3 stride 2 dilation 2", make(13, 13, 7, 33, 3, 2, 2, 2)},
      {"7x7 stride 2 cin 3", make(20, 18, 3, 64, 7, 2, 1, 3)},
      {"7x7 cin 1", make(9, 9, 1, 9, 7, 1, 1, 3)},
      {"5x5 no pad", make(9, 8, 6, 16, 5, 1, 1, 0)},
      {"window in padding", make(3, 3, 4, 16, 3, 1, 1, 4)},
  };
  ConvShape asym = make(7, 8, 5, 19, 3, 1, 1, 0);
  asym.kH = 2;
  asym.kW = 4;
  asym.padTop = 1;
  asym.padBottom = 2;
  asym.padLeft = 3;
  asym.padRight = 0;
  asym.strideW = 2;
  cases.push_back({"asymmetric padding 2x4", asym});
  ConvShape grouped = make(6, 7, 3, 5, 3, 1, 1, 1);
  grouped.groups = 4;
  cases.push_back({"groups 4", grouped});
  ConvShape grouped2 = make(5, 5, 16, 80, 1, 1, 1, 0);
  grouped2.groups = 2;
  cases.push_back({"groups 2 1x1", grouped2});
  ConvShape strided = make(6, 6, 6, 20, 3, 2, 1, 1);
  strided.inPixelExtra = 5;
  strided.outPixelExtra = 3;
  cases.push_back({"pixel strides", strided});
  for (const Named &c : cases)
    for (bool isUnsigned : {false, true})
      check(gen.random(c.shape, isUnsigned),
            std::string(c.name) + (isUnsigned ? " uint8" : " int8"));
}

TEST_P(QConvTest, ExtremeZeroPoints) {
  ConvShape s;
  s.inH = 5;
  s.inW = 6;
  s.inC = 13;
  s.outC = 40;
  s.kH = s.kW = 3;
  s.padTop = s.padBottom = s.padLeft = s.padRight = 1;
  for (int32_t zx : {-128, 127}) {
    QConvProblem p = gen.random(s, false);
    p.inputZeroPoint = zx;
    for (int32_t zy : {-128, 127}) {
      p.outputZeroPoint = zy;
      check(p, "int8 z_x=" + std::to_string(zx) + " z_y=" + std::to_string(zy));
    }
  }
  for (int32_t zx : {0, 255}) {
    QConvProblem p = gen.random(s, true);
    p.inputZeroPoint = zx;
    for (int32_t zy : {0, 255}) {
      p.outputZeroPoint = zy;
      check(p,
            "uint8 z_x=" + std::to_string(zx) + " z_y=" + std::to_string(zy));
    }
  }
  // Weight zero points per channel: w' = w - z_w reaches -128.
  QConvProblem p = gen.random(s, false);
  p.weightZeroPoints.resize(s.outC);
  for (int o = 0; o < s.outC; ++o)
    p.weightZeroPoints[o] = gen.uniform(0, 1);
  check(p, "weight zero points");
}

/// Accumulators near the ends of int32: K = 133000, |x * w| = 127 * 127
/// gives |acc| = 2145157000 < 2^31. With x + 128 inside vpdpbusd the
/// partial sums wrap, which the contract's wrapping adds allow.
TEST_P(QConvTest, AccumulatorsNearInt32Range) {
  ConvShape s = matmulShape(3, 133000, 20);
  for (int xValue : {127, -128})
    for (int wValue : {127, -127}) {
      QConvProblem p = gen.random(s, false);
      p.inputZeroPoint = 0;
      std::fill(p.input.begin(), p.input.end(), uint8_t(int8_t(xValue)));
      std::fill(p.weights.begin(), p.weights.end(), int8_t(wValue));
      std::fill(p.bias.begin(), p.bias.end(), 0);
      int64_t acc = int64_t(xValue) * wValue * 133000;
      if (acc < std::numeric_limits<int32_t>::min())
        continue; // -128 * 127 * K does not fit: undefined by the contract.
      // Outputs around +-2 with a rounding that depends on low bits.
      for (size_t o = 0; o < p.multipliers.size(); ++o) {
        p.multipliers[o] = gen.uniform(1 << 30, 0x7fffffff);
        p.shifts[o] = 60 + int(o % 4);
      }
      check(p, "x=" + std::to_string(xValue) + " w=" + std::to_string(wValue));
    }
  // uint8 255 with +-127 weights: acc = 255 * w * 65000 stays in int32.
  ConvShape su = matmulShape(2, 65000, 17);
  for (int wValue : {127, -128}) {
    QConvProblem p = gen.random(su, true);
    p.inputZeroPoint = 0;
    std::fill(p.input.begin(), p.input.end(), uint8_t(255));
    std::fill(p.weights.begin(), p.weights.end(), int8_t(wValue));
    std::fill(p.bias.begin(), p.bias.end(), 0);
    for (size_t o = 0; o < p.multipliers.size(); ++o) {
      p.multipliers[o] = gen.uniform(1 << 30, 0x7fffffff);
      p.shifts[o] = 58 + int(o % 6);
    }
    check(p, "uint8 255 w=" + std::to_string(wValue));
  }
}

/// Every shift 1..63, M = 0 and M = 2^31 (normalized by packing), and
/// multipliers that make exact ties frequent.
TEST_P(QConvTest, RoundingAndShifts) {
  ConvShape s = matmulShape(16, 37, 63 * 2);
  QConvProblem p = gen.random(s, false);
  uint64_t ties = 0;
  for (int variantOfM = 0; variantOfM < 4; ++variantOfM) {
    for (int o = 0; o < s.outC; ++o) {
      int32_t n = 1 + o % 63;
      p.shifts[o] = n;
      switch (variantOfM) {
      case 0: // Small powers of two: acc * 2^j / 2^n has many exact ties.
        p.multipliers[o] = int64_t(1) << std::min(30, std::max(0, n - 3));
        break;
      case 1:
        p.multipliers[o] = gen.uniform(0, 0x7fffffff);
        break;
      case 2:
        p.multipliers[o] = o % 3 == 0 ? 0 : (int64_t(1) << 31);
        break;
      default:
        p.multipliers[o] = 1 + 2 * gen.uniform(0, 7);
        break;
      }
    }
    // Narrow outputs for the large multipliers: keep the clamp honest.
    p.outputZeroPoint = gen.uniform(-20, 20);
    RoundingCounts counts = check(p, "M mode " + std::to_string(variantOfM));
    ties += counts.ties;
  }
  EXPECT_GT(ties, 100u) << "rounding ties were not exercised";
}

TEST_P(QConvTest, FusedReluClamp) {
  ConvShape s = matmulShape(11, 30, 33);
  QConvProblem p = gen.random(s, false);
  p.outputZeroPoint = -20;
  p.outputMin = -20; // relu
  p.outputMax = 90;
  check(p, "int8 relu");
  QConvProblem u = gen.random(s, true);
  u.outputZeroPoint = 10;
  u.outputMin = 10;
  u.outputMax = 200;
  check(u, "uint8 relu");
}

TEST_P(QConvTest, RandomizedShapes) {
  for (int iteration = 0; iteration < 40; ++iteration) {
    ConvShape s;
    s.kH = gen.uniform(1, 4);
    s.kW = gen.uniform(1, 4);
    s.dilationH = gen.uniform(1, 2);
    s.dilationW = gen.uniform(1, 2);
    s.strideH = gen.uniform(1, 3);
    s.strideW = gen.uniform(1, 3);
    s.padTop = gen.uniform(0, 2);
    s.padBottom = gen.uniform(0, 2);
    s.padLeft = gen.uniform(0, 2);
    s.padRight = gen.uniform(0, 2);
    s.inH = gen.uniform(s.dilationH * (s.kH - 1) + 1, 12);
    s.inW = gen.uniform(s.dilationW * (s.kW - 1) + 1, 12);
    s.groups = gen.uniform(1, 3);
    s.inC = gen.uniform(1, 21);
    s.outC = gen.uniform(1, 80);
    s.inPixelExtra = gen.uniform(0, 2);
    s.outPixelExtra = gen.uniform(0, 2);
    bool isUnsigned = gen.uniform(0, 1);
    check(gen.random(s, isUnsigned), "iteration " + std::to_string(iteration));
  }
}

TEST_P(QConvTest, Depthwise) {
  auto make = [](int h, int w, int c, int k, int stride, int dilation,
                 int pad) {
    ConvShape s;
    s.inH = h;
    s.inW = w;
    s.groups = c;
    s.kH = s.kW = k;
    s.strideH = s.strideW = stride;
    s.dilationH = s.dilationW = dilation;
    s.padTop = s.padBottom = s.padLeft = s.padRight = pad;
    return s;
  };
  struct Named {
    const char *name;
    ConvShape shape;
  };
  std::vector<Named> cases = {
      {"3x3 c32", make(9, 10, 32, 3, 1, 1, 1)},
      {"3x3 c16 stride 2", make(12, 11, 16, 3, 2, 1, 1)},
      {"3x3 c7", make(6, 6, 7, 3, 1, 1, 1)},
      {"3x3 c1", make(5, 6, 1, 3, 1, 1, 1)},
      {"5x5 c40 dilation 2", make(12, 12, 40, 5, 1, 2, 4)},
      {"7x7 c21", make(9, 9, 21, 7, 1, 1, 3)},
      {"3x3 c100 stride 2", make(7, 9, 100, 3, 2, 1, 1)},
      {"9x9 c24 (81 taps)", make(10, 10, 24, 9, 1, 1, 4)},
      {"1x1 c77", make(4, 5, 77, 1, 1, 1, 0)},
      {"window in padding", make(3, 3, 18, 3, 1, 1, 4)},
  };
  ConvShape asym = make(8, 7, 19, 3, 1, 1, 0);
  asym.kW = 2;
  asym.strideW = 2;
  asym.padTop = 2;
  asym.padLeft = 1;
  asym.padRight = 1;
  asym.inPixelExtra = 3;
  asym.outPixelExtra = 5;
  cases.push_back({"asymmetric, pixel strides", asym});
  for (const Named &c : cases)
    for (bool isUnsigned : {false, true}) {
      QConvProblem p = gen.random(c.shape, isUnsigned);
      check(p,
            std::string("depthwise ") + c.name +
                (isUnsigned ? " uint8" : " int8"),
            /*depthwise=*/true);
    }
  // Extreme values: all -128 / 127 inputs with +-127 weights, zero points
  // at the ends, shifts 1..63.
  ConvShape s = make(6, 7, 63, 3, 1, 1, 1);
  for (int xValue : {-128, 127})
    for (int wValue : {-127, 127}) {
      QConvProblem p = gen.random(s, false);
      p.inputZeroPoint = xValue == 127 ? -128 : 127;
      std::fill(p.input.begin(), p.input.end(), uint8_t(int8_t(xValue)));
      std::fill(p.weights.begin(), p.weights.end(), int8_t(wValue));
      for (int c = 0; c < 63; ++c) {
        p.shifts[c] = 1 + c;
        p.multipliers[c] = c % 5 == 0 ? 0 : gen.uniform(0, 0x7fffffff);
      }
      check(p, "depthwise extreme", /*depthwise=*/true);
    }
}

TEST_P(QConvTest, DepthwiseRandomized) {
  for (int iteration = 0; iteration < 30; ++iteration) {
    ConvShape s;
    s.kH = gen.uniform(1, 5);
    s.kW = gen.uniform(1, 5);
    s.dilationH = gen.uniform(1, 2);
    s.dilationW = gen.uniform(1, 2);
    s.strideH = gen.uniform(1, 2);
    s.strideW = gen.uniform(1, 2);
    s.padTop = gen.uniform(0, 2);
    s.padBottom = gen.uniform(0, 2);
    s.padLeft = gen.uniform(0, 2);
    s.padRight = gen.uniform(0, 2);
    s.inH = gen.uniform(s.dilationH * (s.kH - 1) + 1, 11);
    s.inW = gen.uniform(s.dilationW * (s.kW - 1) + 1, 11);
    s.groups = gen.uniform(1, 70);
    s.inPixelExtra = gen.uniform(0, 2);
    s.outPixelExtra = gen.uniform(0, 2);
    bool isUnsigned = gen.uniform(0, 1);
    QConvProblem p = gen.random(s, isUnsigned);
    check(p, "depthwise iteration " + std::to_string(iteration),
          /*depthwise=*/true);
    // The grouped convolution kernel computes the same.
    check(p, "as grouped, iteration " + std::to_string(iteration));
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, QConvTest, ::testing::ValuesIn(qVariants),
                         [](const auto &info) {
                           return std::string(info.param.name);
                         });

//===----------------------------------------------------------------------===//
// fp32 convolution tests
//===----------------------------------------------------------------------===//

struct SVariantInfo {
  const char *name;
  SKernelVariant variant;
  void (*conv)(const qcc_sconv2d_params *);
  void (*depthwise)(const qcc_sconv2d_params *);
  bool (*supported)();
};

void PrintTo(const SVariantInfo &info, std::ostream *os) { *os << info.name; }

const SVariantInfo sVariants[] = {
    {"avx512f", SKernelVariant::Avx512F, qcc_sconv2d_avx512f,
     qcc_sdwconv2d_avx512f, hostHasAvx512F},
    {"avx2", SKernelVariant::Avx2, qcc_sconv2d_avx2, qcc_sdwconv2d_avx2,
     hostHasAvx2},
    {"generic", SKernelVariant::Generic, qcc_sconv2d_generic,
     qcc_sdwconv2d_generic, always},
};

/// fp32 reference in double; the kernels' FMA order differs, so outputs
/// match to a relative tolerance. Returns [outH][outW][outPixelStride] with
/// NaN in the channels nobody writes.
std::vector<double> referenceSConv(const ConvShape &s,
                                   const std::vector<float> &input,
                                   const std::vector<float> &weights,
                                   const std::vector<float> &bias, float lo,
                                   float hi) {
  int outH = s.outH(), outW = s.outW();
  std::vector<double> out(size_t(outH) * outW * s.outPixelStride(), NAN);
  for (int oy = 0; oy < outH; ++oy)
    for (int ox = 0; ox < outW; ++ox)
      for (int g = 0; g < s.groups; ++g)
        for (int o = 0; o < s.outC; ++o) {
          int channel = g * s.outC + o;
          double acc = bias[channel];
          for (int ky = 0; ky < s.kH; ++ky)
            for (int kx = 0; kx < s.kW; ++kx) {
              int y = oy * s.strideH + ky * s.dilationH - s.padTop;
              int x = ox * s.strideW + kx * s.dilationW - s.padLeft;
              if (y < 0 || y >= s.inH || x < 0 || x >= s.inW)
                continue;
              for (int i = 0; i < s.inC; ++i)
                acc +=
                    double(input[(size_t(y) * s.inW + x) * s.inPixelStride() +
                                 g * s.inC + i]) *
                    weights[((size_t(channel) * s.kH + ky) * s.kW + kx) *
                                s.inC +
                            i];
            }
          out[(size_t(oy) * outW + ox) * s.outPixelStride() + channel] =
              std::min<double>(std::max<double>(acc, lo), hi);
        }
  return out;
}

class SConvTest : public ::testing::TestWithParam<SVariantInfo> {
protected:
  void SetUp() override {
    if (!GetParam().supported())
      GTEST_SKIP() << "host lacks " << GetParam().name;
  }

  void check(const ConvShape &s, bool depthwise, const std::string &what) {
    std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
    std::vector<float> input(size_t(s.inH) * s.inW * s.inPixelStride());
    for (float &v : input)
      v = dist(gen.rng);
    size_t totalOut = size_t(s.groups) * s.outC;
    std::vector<float> weights(totalOut * s.taps() * s.inC);
    for (float &v : weights)
      v = dist(gen.rng);
    std::vector<float> bias(totalOut);
    for (float &v : bias)
      v = dist(gen.rng);
    float lo = -0.5f * std::sqrt(float(s.taps() * s.inC)), hi = -lo;

    SConv2DPacked packed;
    int channels = s.groups;
    if (depthwise) {
      ASSERT_TRUE(packSDepthwiseConv2D(weights.data(), bias.data(), channels,
                                       s.kH, s.kW, packed));
    } else {
      SConv2DWeights conv;
      conv.weights = weights.data();
      conv.outChannels = s.outC;
      conv.inChannels = s.inC;
      conv.kernelH = s.kH;
      conv.kernelW = s.kW;
      conv.groups = s.groups;
      conv.bias = bias.data();
      ASSERT_TRUE(packSConv2D(GetParam().variant, conv, packed));
    }
    GuardedBuffer inputBuffer(input.size() * sizeof(float));
    std::memcpy(inputBuffer.data, input.data(), input.size() * sizeof(float));
    int zeroCount = depthwise ? channels : s.inC;
    GuardedBuffer zeroRow(zeroCount * sizeof(float));
    std::memset(zeroRow.data, 0, zeroCount * sizeof(float));
    std::vector<float> out(size_t(s.outH()) * s.outW() * s.outPixelStride(),
                           12345.0f);
    qcc_sconv2d_params params;
    params.geometry = makeGeometry(s);
    if (depthwise) {
      params.geometry.in_channels = channels;
      params.geometry.out_channels = channels;
      params.geometry.groups = 1;
    }
    params.input = reinterpret_cast<const float *>(inputBuffer.data);
    params.zero_row = reinterpret_cast<const float *>(zeroRow.data);
    params.output = out.data();
    params.weights = packed.weights.data();
    params.bias = packed.bias.data();
    params.output_min = lo;
    params.output_max = hi;
    (depthwise ? GetParam().depthwise : GetParam().conv)(&params);

    std::vector<double> expected =
        referenceSConv(s, input, weights, bias, lo, hi);
    size_t bad = 0;
    for (size_t i = 0; i < out.size(); ++i) {
      bool ok = std::isnan(expected[i])
                    ? out[i] == 12345.0f
                    : std::fabs(out[i] - expected[i]) <=
                          1e-5 * (1 + std::sqrt(double(s.taps() * s.inC)));
      if (!ok && bad++ < 3)
        ADD_FAILURE() << what << ": output " << i << " expected " << expected[i]
                      << " got " << out[i];
    }
    EXPECT_EQ(bad, 0u) << what;
  }

  Generator gen;
};

TEST_P(SConvTest, Shapes) {
  for (int m : {1, 5, 6, 7, 13})
    for (int k : {1, 3, 16, 33})
      for (int n : {1, 15, 16, 17, 64, 65, 130})
        check(matmulShape(m, k, n), false,
              "matmul " + std::to_string(m) + "x" + std::to_string(k) + "x" +
                  std::to_string(n));
  for (int iteration = 0; iteration < 30; ++iteration) {
    ConvShape s;
    s.kH = gen.uniform(1, 4);
    s.kW = gen.uniform(1, 4);
    s.dilationH = gen.uniform(1, 2);
    s.dilationW = gen.uniform(1, 2);
    s.strideH = gen.uniform(1, 3);
    s.strideW = gen.uniform(1, 3);
    s.padTop = gen.uniform(0, 2);
    s.padBottom = gen.uniform(0, 2);
    s.padLeft = gen.uniform(0, 2);
    s.padRight = gen.uniform(0, 2);
    s.inH = gen.uniform(s.dilationH * (s.kH - 1) + 1, 12);
    s.inW = gen.uniform(s.dilationW * (s.kW - 1) + 1, 12);
    s.groups = gen.uniform(1, 3);
    s.inC = gen.uniform(1, 21);
    s.outC = gen.uniform(1, 80);
    s.inPixelExtra = gen.uniform(0, 2);
    s.outPixelExtra = gen.uniform(0, 2);
    check(s, false, "conv iteration " + std::to_string(iteration));
  }
}

TEST_P(SConvTest, Depthwise) {
  for (int iteration = 0; iteration < 30; ++iteration) {
    ConvShape s;
    s.kH = gen.uniform(1, 5);
    s.kW = gen.uniform(1, 5);
    if (iteration == 0)
      s.kH = s.kW = 9; // More taps than the gathered pointer table holds.
    s.dilationH = gen.uniform(1, 2);
    s.dilationW = gen.uniform(1, 2);
    s.strideH = gen.uniform(1, 2);
    s.strideW = gen.uniform(1, 2);
    s.padTop = gen.uniform(0, 2);
    s.padBottom = gen.uniform(0, 2);
    s.padLeft = gen.uniform(0, 2);
    s.padRight = gen.uniform(0, 2);
    s.inH = gen.uniform(s.dilationH * (s.kH - 1) + 1, 20);
    s.inW = gen.uniform(s.dilationW * (s.kW - 1) + 1, 20);
    s.groups = gen.uniform(1, 70);
    s.inPixelExtra = gen.uniform(0, 2);
    s.outPixelExtra = gen.uniform(0, 2);
    check(s, true, "depthwise iteration " + std::to_string(iteration));
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, SConvTest, ::testing::ValuesIn(sVariants),
                         [](const auto &info) {
                           return std::string(info.param.name);
                         });

TEST(QConvPackingTest, RejectsNineBitWeights) {
  int8_t weights[4] = {-128, 0, 5, 127};
  int32_t zeroPoint = 1; // -128 - 1 = -129 needs 9 bits.
  int64_t m = 1 << 30;
  int32_t n = 31;
  QConv2DWeights conv;
  conv.weights = weights;
  conv.outChannels = 1;
  conv.inChannels = 4;
  conv.weightZeroPoints = &zeroPoint;
  conv.numWeightZeroPoints = 1;
  conv.multipliers = &m;
  conv.shifts = &n;
  conv.numMultipliers = 1;
  QConv2DPacked packed;
  std::string error;
  EXPECT_FALSE(packQConv2D(QKernelVariant::Avx512Vnni, conv, packed, &error));
  EXPECT_NE(error.find("int8"), std::string::npos) << error;
  zeroPoint = 0;
  EXPECT_TRUE(packQConv2D(QKernelVariant::Avx512Vnni, conv, packed, &error));
  // Out-of-range multipliers and shifts are rejected.
  n = 64;
  EXPECT_FALSE(packQConv2D(QKernelVariant::Generic, conv, packed, &error));
  n = 31;
  m = (int64_t(1) << 31) + 1;
  EXPECT_FALSE(packQConv2D(QKernelVariant::Generic, conv, packed, &error));
}

TEST(QConvPackingTest, VnniWeightsHoldTheOffset) {
  int8_t weights[3] = {1, -2, -128};
  int32_t bias = 100;
  int64_t m = 1 << 30;
  int32_t n = 31;
  QConv2DWeights conv;
  conv.weights = weights;
  conv.outChannels = 1;
  conv.inChannels = 3;
  conv.bias = &bias;
  conv.multipliers = &m;
  conv.shifts = &n;
  conv.numMultipliers = 1;
  QConv2DPacked packed;
  // int8 activations on VNNI: u = w' + 128, the padding stays 0.
  ASSERT_TRUE(packQConv2D(QKernelVariant::Avx512Vnni, conv, packed));
  EXPECT_EQ(packed.bias[0], 100);
  EXPECT_EQ(packed.weights.size(), size_t(QCC_QCONV_NR_AVX512VNNI) * 4);
  EXPECT_EQ(uint8_t(packed.weights[0]), 129);
  EXPECT_EQ(uint8_t(packed.weights[1]), 126);
  EXPECT_EQ(uint8_t(packed.weights[2]), 0);
  EXPECT_EQ(packed.weights[3], 0);
  EXPECT_EQ(packed.weights[4], 0); // Output channel 1 (padding).
  EXPECT_EQ(packed.multiplier[1], 0);
  EXPECT_EQ(packed.shift[1], 1);
  // AVX2 widens exactly: w' as it is.
  ASSERT_TRUE(packQConv2D(QKernelVariant::Avx2, conv, packed));
  EXPECT_EQ(packed.weights[0], 1);
  EXPECT_EQ(packed.weights[2], -128);
  // uint8 activations: w' as it is on VNNI too.
  conv.inputUnsigned = true;
  ASSERT_TRUE(packQConv2D(QKernelVariant::AvxVnni, conv, packed));
  EXPECT_EQ(packed.weights[1], -2);
  EXPECT_EQ(packed.bias[0], 100);
}

TEST(QConvPackingTest, NormalizesMultiplierTwoToThe31) {
  int8_t weight = 1;
  int64_t m = int64_t(1) << 31;
  int32_t n = 40;
  QConv2DWeights conv;
  conv.weights = &weight;
  conv.outChannels = 1;
  conv.inChannels = 1;
  conv.multipliers = &m;
  conv.shifts = &n;
  conv.numMultipliers = 1;
  QConv2DPacked packed;
  ASSERT_TRUE(packQConv2D(QKernelVariant::Generic, conv, packed));
  EXPECT_EQ(packed.multiplier[0], 1 << 30);
  EXPECT_EQ(packed.shift[0], 39);
}

} // namespace
