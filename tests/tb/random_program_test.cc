// The random program generators of tb/workloads/random_program.h make only legal programs, for
// every seed: a random GEMM's program fits the ring it was drawn for (seeds 73 and 105 of
// AiCoreTest/1.RandomProgramsWithStallyMemory once drew 1285 descriptors for a 1024-slot
// ring), the model accepts and runs it, a command stream has 4 descriptors per block, and one
// with vector commands keeps the ISA's overlap rule and stays race-free.
#include "tb/workloads/random_program.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <vector>

#include "sw/isa/builder.h"
#include "sw/isa/vector.h"
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

// With vector commands: one to three after each STORE, sources below c + 0x8000 or in place,
// destinations above it (the ISA's overlap rule), and the stream stays race-free: a random
// legal interleaving in the model leaves the same memory.
TEST(RandomProgramTest, RandomCommandStreamWithVectorCommandsIsLegalAndRaceFree) {
  for (tb::Round& r : tb::Rounds(tb::SeedFromEnv(5), 100)) {
    const int blocks = static_cast<int>(r.rng.Uniform(1, 6));
    const auto prog = tb::RandomCommandStream(Dim4(), kAt, blocks, &r.rng, 1.0);
    ASSERT_GE(prog.size(), size_t(5 * blocks + 1));
    ASSERT_LE(prog.size(), size_t(7 * blocks + 1));
    for (const auto& d : prog) {
      if (!isa::IsVectorOpcode(static_cast<isa::Opcode>(isa::RawOpcode(d)))) continue;
      const auto v = isa::VectorCommandOf(d);
      const uint64_t split = kAt.c + 0x8000;
      EXPECT_GE(v.dst.addr, split);
      for (uint32_t row : {0u, v.rows - 1}) {
        EXPECT_LE(v.dst.RowAddr(row) + v.DstRowBytes(), kAt.c + tb::kStreamCSpan);
      }
      for (int s = 0; s < v.num_srcs; ++s) {
        const bool in_place = v.src[s].addr == v.dst.addr && v.src[s].stride == v.dst.stride;
        EXPECT_TRUE(in_place || v.src[s].RowAddr(v.rows - 1) + v.SrcRowBytes() <= split);
      }
    }
    std::vector<std::vector<uint8_t>> images;
    for (uint64_t schedule : {uint64_t{0}, r.rng.Bits64() | 1}) {
      model::CoreConfig cfg = Dim4();
      cfg.windows = {{0, kMemBytes, true}};
      cfg.schedule_seed = schedule;
      model::DeviceMemory mem(0, kMemBytes);
      for (uint32_t a = 0; a < kMemBytes; a += 4) mem.Write32(a, a * 2654435761u);
      model::CoreModel core(cfg, &mem);
      core.SetRing(kRing, 1024);
      core.Submit(prog);
      ASSERT_EQ(core.Run(), model::CoreState::kIdle) << core.fault().message;
      images.emplace_back(tb::kStreamCSpan);
      mem.Read(kAt.c, images.back().data(), tb::kStreamCSpan);
    }
    EXPECT_TRUE(images[0] == images[1]) << "not race-free";
  }
}

}  // namespace
}  // namespace luoshu
