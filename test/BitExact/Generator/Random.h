//===- Random.h - Portable deterministic random numbers ---------*- C++ -*-===//
//
// The generated models must be identical on every machine and standard
// library, so this uses splitmix64 and integer arithmetic only: no <random>
// distributions (implementation-defined) and no inexact libm functions.
//
//===----------------------------------------------------------------------===//

#ifndef QCC_TEST_BITEXACT_GENERATOR_RANDOM_H
#define QCC_TEST_BITEXACT_GENERATOR_RANDOM_H

#include <cassert>
#include <cmath>
#include <cstdint>
#include <vector>

namespace qcc::bitexact {

class Random {
public:
  explicit Random(uint64_t seed) : state(seed) {}

  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /// Uniform in [lo, hi], without modulo bias.
  int64_t uniform(int64_t lo, int64_t hi) {
    assert(lo <= hi);
    uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    if (span == 0)
      return static_cast<int64_t>(next());
    uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    uint64_t draw;
    do
      draw = next();
    while (draw >= limit);
    return lo + static_cast<int64_t>(draw % span);
  }

  /// True with probability `percent` / 100.
  bool percent(int64_t percent) { return uniform(0, 99) < percent; }

  template <typename T> const T &pick(const std::vector<T> &choices) {
    assert(!choices.empty());
    return choices[uniform(0, static_cast<int64_t>(choices.size()) - 1)];
  }

  /// A double in [1, 2) with `bits` random mantissa bits (at most 52), so
  /// products with other short mantissas stay exact.
  double mantissa(int bits) {
    uint64_t fraction = bits > 0 ? next() >> (64 - bits) : 0;
    return std::ldexp(static_cast<double>(fraction | (uint64_t(1) << bits)),
                      -bits);
  }

  /// A random odd integer in [1, max].
  int64_t odd(int64_t max) { return 2 * uniform(0, (max - 1) / 2) + 1; }

private:
  uint64_t state;
};

/// Mixes a seed with small integers into an independent stream seed, so that
/// case i of a model does not depend on how many cases precede it.
inline uint64_t mixSeed(uint64_t seed, uint64_t a, uint64_t b) {
  Random random(seed ^ (a * 0x9e3779b97f4a7c15ULL) ^
                (b * 0xc2b2ae3d27d4eb4fULL));
  return random.next();
}

} // namespace qcc::bitexact

#endif // QCC_TEST_BITEXACT_GENERATOR_RANDOM_H
