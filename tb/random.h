// Seeded randomness for tests. Every random test takes its seed from tb::SeedFromEnv (LUOSHU_SEED
// or a fixed default) and loops over tb::Rounds; on failure the test main prints the seed, the
// round and the command that re-runs the case (tb/gtest_util.h, docs/verification.md).
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace luoshu::tb {

class Rng {
 public:
  explicit Rng(uint64_t seed) : seed_(seed), gen_(seed) {}
  uint64_t seed() const { return seed_; }
  // Uniform integer in [lo, hi].
  int64_t Uniform(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(gen_);
  }
  bool Chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(gen_) < p; }
  uint64_t Bits64() { return gen_(); }
  std::mt19937_64& engine() { return gen_; }

 private:
  uint64_t seed_;
  std::mt19937_64 gen_;
};

// Decides per cycle whether a valid/ready port stalls. p = 0 never stalls.
class StallInjector {
 public:
  StallInjector(double probability, Rng* rng) : p_(probability), rng_(rng) {}
  bool Stall() { return rng_->Chance(p_); }
  double probability() const { return p_; }

 private:
  double p_;
  Rng* rng_;
};

}  // namespace luoshu::tb
