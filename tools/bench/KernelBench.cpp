//===- KernelBench.cpp - qcc-kernel-bench: CPU micro-kernel throughput ----===//
//
// Measures this core's dot-product peaks with dependency-free chains of
// vpdpbusd (zmm and ymm) and FMA (zmm and ymm), then times the GEMM kernels
// of qcc/Codegen/CPU/Kernels.h (M = N = K, as a matmul and as a 1x1
// convolution) for every variant the host supports, printing GMAC/s and the
// percentage of the matching peak (median of several runs). Single-threaded;
// run on an idle machine.
//
//===----------------------------------------------------------------------===//

#include "qcc/Codegen/CPU/Kernels.h"
#include "qcc/Codegen/CPU/Packing.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <functional>
#include <random>
#include <string>
#include <vector>

using namespace qcc::cpu;

namespace {

/// This thread's CPU time: on a shared machine, time-slicing by other
/// processes does not count against the kernel (sharing the core's caches or
/// an SMT sibling still does).
double seconds() {
  timespec now;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return double(now.tv_sec) + 1e-9 * double(now.tv_nsec);
}

//===----------------------------------------------------------------------===//
// Peaks: 16 independent accumulators, so latency never limits throughput.
//===----------------------------------------------------------------------===//

constexpr int64_t kPeakIterations = 20000000;

volatile double sink;

__attribute__((target("avx512f,avx512bw,avx512vnni"), noinline)) int32_t
vpdpbusdZmmChain(int64_t iterations, int32_t seed) {
  __m512i a = _mm512_set1_epi32(seed), b = _mm512_set1_epi32(seed + 1);
  __m512i acc[16];
  for (int i = 0; i < 16; ++i)
    acc[i] = _mm512_set1_epi32(i);
  for (int64_t n = 0; n < iterations; ++n) {
    for (int i = 0; i < 16; ++i)
      acc[i] = _mm512_dpbusd_epi32(acc[i], a, b);
    // Keep the compiler from hoisting anything out of the loop.
    __asm__ volatile("" : "+v"(a), "+v"(b));
  }
  __m512i sum = acc[0];
  for (int i = 1; i < 16; ++i)
    sum = _mm512_add_epi32(sum, acc[i]);
  return _mm512_reduce_add_epi32(sum);
}

__attribute__((target("avx2,avxvnni"), noinline)) int32_t
vpdpbusdYmmChain(int64_t iterations, int32_t seed) {
  __m256i a = _mm256_set1_epi32(seed), b = _mm256_set1_epi32(seed + 1);
  __m256i acc[12];
  for (int i = 0; i < 12; ++i)
    acc[i] = _mm256_set1_epi32(i);
  for (int64_t n = 0; n < iterations; ++n) {
    for (int i = 0; i < 12; ++i)
      acc[i] = _mm256_dpbusd_avx_epi32(acc[i], a, b);
    __asm__ volatile("" : "+x"(a), "+x"(b));
  }
  __m256i sum = acc[0];
  for (int i = 1; i < 12; ++i)
    sum = _mm256_add_epi32(sum, acc[i]);
  return _mm256_extract_epi32(sum, 0) + _mm256_extract_epi32(sum, 5);
}

__attribute__((target("avx512f"), noinline)) float
fmaZmmChain(int64_t iterations, float seed) {
  __m512 a = _mm512_set1_ps(seed), b = _mm512_set1_ps(1.0f);
  __m512 acc[16];
  for (int i = 0; i < 16; ++i)
    acc[i] = _mm512_set1_ps(float(i));
  for (int64_t n = 0; n < iterations; ++n) {
    for (int i = 0; i < 16; ++i)
      acc[i] = _mm512_fmadd_ps(a, b, acc[i]);
    __asm__ volatile("" : "+v"(a), "+v"(b));
  }
  __m512 sum = acc[0];
  for (int i = 1; i < 16; ++i)
    sum = _mm512_add_ps(sum, acc[i]);
  return _mm512_reduce_add_ps(sum);
}

__attribute__((target("avx2,fma"), noinline)) float
fmaYmmChain(int64_t iterations, float seed) {
  __m256 a = _mm256_set1_ps(seed), b = _mm256_set1_ps(1.0f);
  __m256 acc[12];
  for (int i = 0; i < 12; ++i)
    acc[i] = _mm256_set1_ps(float(i));
  for (int64_t n = 0; n < iterations; ++n) {
    for (int i = 0; i < 12; ++i)
      acc[i] = _mm256_fmadd_ps(a, b, acc[i]);
    __asm__ volatile("" : "+x"(a), "+x"(b));
  }
  __m256 sum = acc[0];
  for (int i = 1; i < 12; ++i)
    sum = _mm256_add_ps(sum, acc[i]);
  return _mm256_cvtss_f32(sum);
}

/// GMAC/s of a chain: `macsPerIteration` multiply-adds per loop iteration;
/// the best of several runs, the rate of an undisturbed core.
double measurePeak(const std::function<double(int64_t)> &chain,
                   double macsPerIteration) {
  std::vector<double> rates;
  for (int r = 0; r < 7; ++r) {
    double t0 = seconds();
    sink = chain(kPeakIterations);
    double t = seconds() - t0;
    rates.push_back(kPeakIterations * macsPerIteration / t * 1e-9);
  }
  return *std::max_element(rates.begin(), rates.end());
}

/// A peak: a dependency-free chain and the multiply-adds per iteration.
struct Peak {
  std::function<double(int64_t)> chain;
  double macsPerIteration = 0;
  double rate = 0; ///< Best GMAC/s seen on its own.
};

struct Timing {
  double median = 0; ///< Seconds per call.
  double best = 0;
  /// Kernel rate over the peak rate measured right before it, per run:
  /// on a shared machine both see the same load, so the ratio is steadier
  /// than either rate.
  double medianRatio = 0;
};

/// Times `fn` (`macs` multiply-adds per call) in `runs` runs of about 20 ms,
/// each right after a 5 ms run of the peak chain.
Timing timeCalls(const std::function<void()> &fn, double macs, const Peak &peak,
                 int runs = 11) {
  fn(); // Warm caches and page in buffers.
  double start = seconds();
  int calls = 0;
  do {
    fn();
    ++calls;
  } while (seconds() - start < 0.02);
  int64_t chainIterations =
      peak.rate > 0 ? int64_t(0.005 * peak.rate * 1e9 / peak.macsPerIteration)
                    : 0;
  std::vector<double> times, ratios;
  for (int r = 0; r < runs; ++r) {
    double peakRate = 0;
    if (chainIterations) {
      double t0 = seconds();
      sink = peak.chain(chainIterations);
      peakRate =
          chainIterations * peak.macsPerIteration / (seconds() - t0) * 1e-9;
    }
    double t0 = seconds();
    for (int c = 0; c < calls; ++c)
      fn();
    double t = (seconds() - t0) / calls;
    times.push_back(t);
    if (peakRate > 0)
      ratios.push_back(macs / t * 1e-9 / peakRate);
  }
  std::sort(times.begin(), times.end());
  std::sort(ratios.begin(), ratios.end());
  return {times[times.size() / 2], times.front(),
          ratios.empty() ? 0.0 : ratios[ratios.size() / 2]};
}

//===----------------------------------------------------------------------===//
// GEMMs
//===----------------------------------------------------------------------===//

struct QVariant {
  const char *name;
  QKernelVariant variant;
  void (*conv)(const qcc_qconv2d_params *);
  bool supported;
  /// Which measured peak the percentage refers to.
  bool zmmPeak;
};

struct SVariant {
  const char *name;
  SKernelVariant variant;
  void (*conv)(const qcc_sconv2d_params *);
  bool supported;
  bool zmmPeak;
};

qcc_conv2d_geometry gemmGeometry(int h, int w, int k, int n) {
  qcc_conv2d_geometry g{};
  g.in_h = g.out_h = h;
  g.in_w = g.out_w = w;
  g.in_pixel_stride = g.in_channels = k;
  g.out_pixel_stride = g.out_channels = n;
  g.groups = 1;
  g.kernel_h = g.kernel_w = 1;
  g.stride_h = g.stride_w = 1;
  g.dilation_h = g.dilation_w = 1;
  return g;
}

/// h x w pixels as a 1x1 convolution (h = 1: the matmul form).
Timing timeQConv(const QVariant &v, const qcc_conv2d_geometry &g,
                 bool inputUnsigned, const Peak &peak);

Timing timeQGemm(const QVariant &v, int h, int w, int k, int n,
                 bool inputUnsigned, const Peak &peak) {
  return timeQConv(v, gemmGeometry(h, w, k, n), inputUnsigned, peak);
}

/// One int8 convolution of geometry `g` (one group, square kernel).
Timing timeQConv(const QVariant &v, const qcc_conv2d_geometry &g,
                 bool inputUnsigned, const Peak &peak) {
  int k = g.in_channels, n = g.out_channels;
  int taps = g.kernel_h * g.kernel_w;
  std::mt19937 rng(7);
  std::vector<int8_t> weights(size_t(n) * taps * k);
  for (int8_t &x : weights)
    x = int8_t(int(rng() % 255) - 127);
  std::vector<int64_t> multipliers(n, 1 << 30);
  std::vector<int32_t> shifts(n, 40);
  QConv2DWeights conv;
  conv.weights = weights.data();
  conv.outChannels = n;
  conv.inChannels = k;
  conv.kernelH = g.kernel_h;
  conv.kernelW = g.kernel_w;
  conv.multipliers = multipliers.data();
  conv.shifts = shifts.data();
  conv.numMultipliers = n;
  conv.inputUnsigned = inputUnsigned;
  QConv2DPacked packed;
  std::string error;
  if (!packQConv2D(v.variant, conv, packed, &error)) {
    std::fprintf(stderr, "packing failed: %s\n", error.c_str());
    return {};
  }
  std::vector<uint8_t> input(size_t(g.in_h) * g.in_w * k),
      output(size_t(g.out_h) * g.out_w * n);
  for (uint8_t &x : input)
    x = uint8_t(rng());
  std::vector<uint8_t> zeroRow(k, 0);
  qcc_qconv2d_params params{};
  params.geometry = g;
  params.input = input.data();
  params.zero_row = zeroRow.data();
  params.output = output.data();
  params.weights = packed.weights.data();
  params.bias = packed.bias.data();
  params.multiplier = packed.multiplier.data();
  params.shift = packed.shift.data();
  params.output_min = -128;
  params.output_max = 127;
  params.input_unsigned = inputUnsigned;
  return timeCalls([&] { v.conv(&params); },
                   double(g.out_h) * g.out_w * k * n * taps, peak);
}

Timing timeSGemm(const SVariant &v, int h, int w, int k, int n,
                 const Peak &peak) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> weights(size_t(n) * k);
  for (float &x : weights)
    x = dist(rng);
  SConv2DWeights conv;
  conv.weights = weights.data();
  conv.outChannels = n;
  conv.inChannels = k;
  SConv2DPacked packed;
  packSConv2D(v.variant, conv, packed);
  std::vector<float> input(size_t(h) * w * k), output(size_t(h) * w * n);
  for (float &x : input)
    x = dist(rng);
  std::vector<float> zeroRow(k, 0.0f);
  qcc_sconv2d_params params{};
  params.geometry = gemmGeometry(h, w, k, n);
  params.input = input.data();
  params.zero_row = zeroRow.data();
  params.output = output.data();
  params.weights = packed.weights.data();
  params.bias = packed.bias.data();
  params.output_min = -INFINITY;
  params.output_max = INFINITY;
  return timeCalls([&] { v.conv(&params); }, double(h) * w * k * n, peak);
}

/// A 3x3 stride-1 depthwise convolution with padding 1 on h x w x c.
qcc_conv2d_geometry depthwiseGeometry(int h, int w, int c) {
  qcc_conv2d_geometry g = gemmGeometry(h, w, c, c);
  g.kernel_h = g.kernel_w = 3;
  g.pad_top = g.pad_left = 1;
  return g;
}

Timing timeQDepthwise(void (*kernel)(const qcc_qdwconv2d_params *), int h,
                      int w, int c, const Peak &peak) {
  std::mt19937 rng(7);
  std::vector<int8_t> weights(size_t(c) * 9);
  for (int8_t &x : weights)
    x = int8_t(int(rng() % 255) - 127);
  std::vector<int64_t> multipliers(c, 1 << 30);
  std::vector<int32_t> shifts(c, 38);
  QDepthwiseConv2DWeights conv;
  conv.weights = weights.data();
  conv.channels = c;
  conv.kernelH = conv.kernelW = 3;
  conv.multipliers = multipliers.data();
  conv.shifts = shifts.data();
  conv.numMultipliers = c;
  QDepthwiseConv2DPacked packed;
  packQDepthwiseConv2D(conv, packed);
  std::vector<uint8_t> input(size_t(h) * w * c), output(size_t(h) * w * c);
  for (uint8_t &x : input)
    x = uint8_t(rng());
  std::vector<uint8_t> zeroRow(c, 0);
  qcc_qdwconv2d_params params{};
  params.geometry = depthwiseGeometry(h, w, c);
  params.input = input.data();
  params.zero_row = zeroRow.data();
  params.output = output.data();
  params.weights = packed.weights.data();
  params.bias = packed.bias.data();
  params.multiplier = packed.multiplier.data();
  params.shift = packed.shift.data();
  params.output_min = -128;
  params.output_max = 127;
  return timeCalls([&] { kernel(&params); }, double(h) * w * c * 9, peak);
}

Timing timeSDepthwise(void (*kernel)(const qcc_sconv2d_params *), int h, int w,
                      int c, const Peak &peak) {
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> weights(size_t(c) * 9);
  for (float &x : weights)
    x = dist(rng);
  SConv2DPacked packed;
  packSDepthwiseConv2D(weights.data(), nullptr, c, 3, 3, packed);
  std::vector<float> input(size_t(h) * w * c), output(size_t(h) * w * c);
  for (float &x : input)
    x = dist(rng);
  std::vector<float> zeroRow(c, 0.0f);
  qcc_sconv2d_params params{};
  params.geometry = depthwiseGeometry(h, w, c);
  params.input = input.data();
  params.zero_row = zeroRow.data();
  params.output = output.data();
  params.weights = packed.weights.data();
  params.bias = packed.bias.data();
  params.output_min = -INFINITY;
  params.output_max = INFINITY;
  return timeCalls([&] { kernel(&params); }, double(h) * w * c * 9, peak);
}

bool hostHas(const char *a, const char *b = nullptr, const char *c = nullptr) {
  __builtin_cpu_init();
  auto has = [](const char *f) {
    if (!f)
      return true;
    if (!std::strcmp(f, "avx512vnni"))
      return bool(__builtin_cpu_supports("avx512vnni"));
    if (!std::strcmp(f, "avxvnni"))
      return bool(__builtin_cpu_supports("avxvnni"));
    if (!std::strcmp(f, "avx512f"))
      return bool(__builtin_cpu_supports("avx512f"));
    if (!std::strcmp(f, "avx512bw"))
      return bool(__builtin_cpu_supports("avx512bw"));
    if (!std::strcmp(f, "avx2"))
      return bool(__builtin_cpu_supports("avx2"));
    return false;
  };
  return has(a) && has(b) && has(c);
}

} // namespace

int main(int argc, char **argv) {
  std::vector<int> sizes = {256, 512, 1024};
  if (argc > 1) {
    sizes.clear();
    for (int i = 1; i < argc; ++i) {
      char *end = nullptr;
      long size = std::strtol(argv[i], &end, 10);
      if (*end || size < 16 || size > 8192) {
        std::fprintf(stderr,
                     "usage: %s [SIZE...]\n  GEMM sizes M = N = K, each "
                     "16 to 8192 (default 256 512 1024); got '%s'\n",
                     argv[0], argv[i]);
        return 2;
      }
      sizes.push_back(int(size));
    }
  }
  bool avx512vnni = hostHas("avx512vnni", "avx512bw");
  bool avxvnni = hostHas("avxvnni", "avx2");
  bool avx512f = hostHas("avx512f", "avx512bw");
  bool avx2 = hostHas("avx2");

  Peak int8Zmm{[](int64_t n) { return double(vpdpbusdZmmChain(n, 3)); },
               16 * 64};
  Peak int8Ymm{[](int64_t n) { return double(vpdpbusdYmmChain(n, 3)); },
               12 * 32};
  Peak fp32Zmm{[](int64_t n) { return double(fmaZmmChain(n, 0.5f)); }, 16 * 16};
  Peak fp32Ymm{[](int64_t n) { return double(fmaYmmChain(n, 0.5f)); }, 12 * 8};
  for (auto [peak, supported] :
       {std::pair{&int8Zmm, avx512vnni}, std::pair{&int8Ymm, avxvnni},
        std::pair{&fp32Zmm, avx512f}, std::pair{&fp32Ymm, avx2}})
    if (supported)
      peak->rate = measurePeak(peak->chain, peak->macsPerIteration);
  std::printf("Measured one-core peaks (GMAC/s, best of 7 runs):\n");
  std::printf("  int8 vpdpbusd zmm %8.1f\n  int8 vpdpbusd ymm %8.1f\n",
              int8Zmm.rate, int8Ymm.rate);
  std::printf("  fp32 FMA zmm      %8.1f\n  fp32 FMA ymm      %8.1f\n\n",
              fp32Zmm.rate, fp32Ymm.rate);
  std::printf("%%peak: median over runs of (kernel rate / peak rate measured "
              "just before);\nbest: GMAC/s of the fastest run.\n\n");

  const QVariant qVariants[] = {
      {"int8 avx512vnni", QKernelVariant::Avx512Vnni, qcc_qconv2d_avx512vnni,
       avx512vnni, true},
      {"int8 avxvnni", QKernelVariant::AvxVnni, qcc_qconv2d_avxvnni, avxvnni,
       false},
      {"int8 avx2", QKernelVariant::Avx2, qcc_qconv2d_avx2, avx2, false},
      {"int8 generic", QKernelVariant::Generic, qcc_qconv2d_generic, true,
       false},
  };
  const SVariant sVariants[] = {
      {"fp32 avx512f", SKernelVariant::Avx512F, qcc_sconv2d_avx512f, avx512f,
       true},
      {"fp32 avx2", SKernelVariant::Avx2, qcc_sconv2d_avx2, avx2, false},
      {"fp32 generic", SKernelVariant::Generic, qcc_sconv2d_generic, true,
       false},
  };

  std::printf("%-22s %-8s %5s %9s %9s %8s %9s\n", "kernel", "form", "size",
              "median ms", "GMAC/s", "%peak", "best");
  auto report = [](const std::string &name, const char *form, int size,
                   Timing t, bool zmm) {
    double macs = double(size) * size * size;
    std::printf("%-22s %-8s %5d %9.3f %9.1f %7.1f%% %9.1f %s\n", name.c_str(),
                form, size, t.median * 1e3, macs / t.median * 1e-9,
                100 * t.medianRatio, macs / t.best * 1e-9,
                zmm ? "(of zmm peak)" : "(of ymm peak)");
  };
  for (int size : sizes) {
    // The 1x1 convolution form: as square as the pixel count allows.
    int h = 1;
    for (int d = 1; d * d <= size; ++d)
      if (size % d == 0)
        h = d;
    for (int form = 0; form < 2; ++form) {
      int ih = form == 0 ? 1 : h, iw = size / ih;
      const char *formName = form == 0 ? "matmul" : "conv1x1";
      for (const QVariant &v : qVariants) {
        if (!v.supported)
          continue;
        // The generic kernel is slow: time it on the smallest size only.
        if (v.variant == QKernelVariant::Generic && size > 256)
          continue;
        for (bool isUnsigned : {false, true})
          report(std::string(v.name) + (isUnsigned ? " u8" : " s8"), formName,
                 size,
                 timeQGemm(v, ih, iw, size, size, isUnsigned,
                           v.zmmPeak ? int8Zmm : int8Ymm),
                 v.zmmPeak);
      }
      for (const SVariant &v : sVariants) {
        if (!v.supported)
          continue;
        if (v.variant == SKernelVariant::Generic && size > 256)
          continue;
        report(v.name, formName, size,
               timeSGemm(v, ih, iw, size, size, v.zmmPeak ? fp32Zmm : fp32Ymm),
               v.zmmPeak);
      }
    }
  }

  // The convolutions of the benchmark's CNNs, in the int8 kernel a
  // --mcpu=native compile picks here, with int8 (s8) activations as qcc
  // quantizes them.
  struct Layer {
    const char *name;
    int inH, inW, k, n, kernel, stride, pad;
  };
  const Layer layers[] = {
      {"resnet18 conv1 7x7/2", 224, 224, 3, 64, 7, 2, 3},
      {"resnet18 3x3 56x56x64", 56, 56, 64, 64, 3, 1, 1},
      {"resnet18 3x3 28x28x128", 28, 28, 128, 128, 3, 1, 1},
      {"resnet18 3x3 14x14x256", 14, 14, 256, 256, 3, 1, 1},
      {"resnet18 3x3 7x7x512", 7, 7, 512, 512, 3, 1, 1},
      {"mnv2 1x1 56x56 24>144", 56, 56, 24, 144, 1, 1, 0},
      {"mnv2 1x1 56x56 144>24", 56, 56, 144, 24, 1, 1, 0},
      {"mnv2 1x1 28x28 32>192", 28, 28, 32, 192, 1, 1, 0},
      {"mnv2 1x1 28x28 192>32", 28, 28, 192, 32, 1, 1, 0},
      {"mnv2 1x1 14x14 64>384", 14, 14, 64, 384, 1, 1, 0},
      {"mnv2 1x1 14x14 384>64", 14, 14, 384, 64, 1, 1, 0},
      {"mnv2 1x1 7x7 160>960", 7, 7, 160, 960, 1, 1, 0},
      {"mnv2 1x1 7x7 960>160", 7, 7, 960, 160, 1, 1, 0},
  };
  const QVariant *layerVariant = nullptr;
  for (const QVariant &v : qVariants)
    if (v.supported && !layerVariant)
      layerVariant = &v;
  std::printf("\n%-24s %-16s %9s %9s %8s\n", "layer (int8 s8)", "kernel",
              "median ms", "GMAC/s", "%peak");
  for (const Layer &l : layers) {
    qcc_conv2d_geometry g = gemmGeometry(l.inH, l.inW, l.k, l.n);
    g.kernel_h = g.kernel_w = l.kernel;
    g.stride_h = g.stride_w = l.stride;
    g.pad_top = g.pad_left = l.pad;
    g.out_h = (l.inH + 2 * l.pad - l.kernel) / l.stride + 1;
    g.out_w = (l.inW + 2 * l.pad - l.kernel) / l.stride + 1;
    if (l.k % 4 != 0 && l.k * l.kernel <= 64) {
      // As the kernel selector runs few-channel layers: each kernel row is
      // one tap of kernel * k channels over the column-padded input.
      g.in_w += 2 * l.pad;
      g.pad_left = 0;
      g.kernel_w = 1;
      g.in_channels = l.k * l.kernel;
    }
    Timing t = timeQConv(*layerVariant, g, false,
                         layerVariant->zmmPeak ? int8Zmm : int8Ymm);
    // The real multiply-adds (a folded row's padding bytes do not count).
    double macs = double(g.out_h) * g.out_w * l.k * l.n * l.kernel * l.kernel;
    std::printf("%-24s %-16s %9.3f %9.1f %7.1f%%\n", l.name, layerVariant->name,
                t.median * 1e3, macs / t.median * 1e-9, 100 * t.medianRatio);
  }

  // Depthwise 3x3 (MobileNet-like layers): no dot-product instruction
  // applies, so only GMAC/s are meaningful.
  struct QDw {
    const char *name;
    void (*kernel)(const qcc_qdwconv2d_params *);
    bool supported;
  };
  const QDw qDepthwise[] = {
      {"int8 dw avx512vnni", qcc_qdwconv2d_avx512vnni, avx512vnni},
      {"int8 dw avxvnni", qcc_qdwconv2d_avxvnni, avxvnni},
      {"int8 dw avx2", qcc_qdwconv2d_avx2, avx2},
      {"int8 dw generic", qcc_qdwconv2d_generic, true},
  };
  struct SDw {
    const char *name;
    void (*kernel)(const qcc_sconv2d_params *);
    bool supported;
  };
  const SDw sDepthwise[] = {
      {"fp32 dw avx512f", qcc_sdwconv2d_avx512f, avx512f},
      {"fp32 dw avx2", qcc_sdwconv2d_avx2, avx2},
      {"fp32 dw generic", qcc_sdwconv2d_generic, true},
  };
  std::printf("\n%-22s %-14s %9s %9s %9s\n", "kernel", "HxWxC, 3x3",
              "median ms", "GMAC/s", "best");
  const int shapes[][3] = {{56, 56, 128}, {28, 28, 256}, {14, 14, 512}};
  for (const auto &shape : shapes) {
    char name[32];
    std::snprintf(name, sizeof(name), "%dx%dx%d", shape[0], shape[1], shape[2]);
    double macs = double(shape[0]) * shape[1] * shape[2] * 9;
    auto print = [&](const char *kernel, Timing t) {
      std::printf("%-22s %-14s %9.3f %9.1f %9.1f\n", kernel, name,
                  t.median * 1e3, macs / t.median * 1e-9, macs / t.best * 1e-9);
    };
    for (const QDw &v : qDepthwise)
      if (v.supported)
        print(v.name,
              timeQDepthwise(v.kernel, shape[0], shape[1], shape[2], Peak{}));
    for (const SDw &v : sDepthwise)
      if (v.supported)
        print(v.name,
              timeSDepthwise(v.kernel, shape[0], shape[1], shape[2], Peak{}));
  }
  return 0;
}
