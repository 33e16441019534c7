// The random program generators of tb/workloads/random_program.h make only legal programs, for
// every seed: a random GEMM's program fits the ring it was drawn for (seeds 73 and 105 of
// AiCoreTest/1.RandomProgramsWithStallyMemory once drew 1285 descriptors for a 1024-slot
// ring), the model accepts and runs it, and a command stream has 4 descriptors per block.
#include "tb/workloads/random_program.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sw/isa/builder.h"
#include "sw/model/core_model.h"
#include "sw/model/memory.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"

namespace luoshu {
namespace {

constexpr uint32_t kMemBytes = 1 << 20, kRing = 0xc0000;
const tb::StreamLayout kAt{0x01000, 0x20000, 0x40000, 0x80000, 0x90000, 0x600d};

model::CoreConfig Dim4() {
  model::CoreConfig c;
  c.dim = 4;
  c.l0a_bytes = c.l0b_bytes = 4096;
  c.l0c_bytes = 8192;
  c.queue_depth = 4;
  return c;
}

TEST(RandomProgramTest, RandomGemmFitsTheRingForEverySeed) {
  for (const model::CoreConfig& cfg : {Dim4(), model::CoreConfig{}}) {
    for (const size_t room : {size_t{1023}, size_t{200}, size_t{40}}) {
      size_t longest = 0;
      for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(1), 5000)) {
        const isa::GemmProgram g = tb::RandomGemm(cfg, kAt, room, &r.rng);
        const size_t n = isa::BuildGemmProgram(g).size();
        ASSERT_LE(n, room) << "dim " << cfg.dim << ", " << g.m << "x" << g.n << "x" << g.k
                           << ", tile_k " << g.tile_k;
        longest = std::max(longest, n);
      }
      // The generator goes near the limit (or near its longest program, 3 x 3 tiles of 5 * Dim
      // K steps of 1, when that fits): the raised tile_k is exercised, the limit not avoided.
      const size_t unlimited = 9 * (3 * 5 * cfg.dim + 1) + 1;
      EXPECT_GT(longest, std::min(room, unlimited) * 3 / 4)
          << "dim " << cfg.dim << ", room " << room;
    }
  }
}

TEST(RandomProgramTest, RandomGemmRefusesARingTooSmallForItsTiles) {
  tb::Rng rng(tb::SeedFromEnv(2));
  EXPECT_THROW(tb::RandomGemm(model::CoreConfig{}, kAt, 3, &rng), std::invalid_argument);
}

// What the core test does with each program: the model takes it into a 1024-slot ring and
// runs it to the end.
TEST(RandomProgramTest, ModelRunsEveryRandomGemmFromItsRing) {
  for (const model::CoreConfig& base : {Dim4(), model::CoreConfig{}}) {
    for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(3), 200)) {
      model::CoreConfig cfg = base;
      cfg.windows = {{0, kMemBytes, true}};
      model::DeviceMemory mem(0, kMemBytes);
      model::CoreModel core(cfg, &mem);
      core.SetRing(kRing, 1024);
      const auto prog = isa::BuildGemmProgram(tb::RandomGemm(cfg, kAt, 1023, &r.rng));
      ASSERT_NO_THROW(core.Submit(prog)) << prog.size() << " descriptors";
      ASSERT_EQ(core.Run(), model::CoreState::kIdle) << core.fault().message;
      EXPECT_EQ(mem.Read32(kAt.sync), kAt.sync_value);
    }
  }
}

TEST(RandomProgramTest, RandomCommandStreamIsFourDescriptorsPerBlockAndASync) {
  tb::Rng rng(tb::SeedFromEnv(4));
  for (int blocks = 1; blocks <= 6; ++blocks) {
    EXPECT_EQ(tb::RandomCommandStream(model::CoreConfig{}, kAt, blocks, &rng).size(),
              size_t(4 * blocks + 1));
  }
}

}  // namespace
}  // namespace luoshu
