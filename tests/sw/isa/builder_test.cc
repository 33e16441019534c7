// The command builder: checked descriptors, refusals with messages, and the shape of the
// double-buffered GEMM program (token balance, halves alternate, edge padding).
#include "sw/isa/builder.h"

#include <gtest/gtest.h>

#include <array>
#include <iterator>
#include <string>
#include <vector>

namespace luoshu::isa {
namespace {

template <class F>
void ExpectThrowWith(F&& f, const std::string& text) {
  try {
    f();
    ADD_FAILURE() << "no exception; wanted one saying '" << text << "'";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
  }
}

TEST(ProgramBuilderTest, EmitsDescriptorsInOrder) {
  ProgramBuilder b;
  LoadDesc l;
  l.rows = 4;
  l.row_bytes = 8;
  l.signal_mask = kLd2Ex;
  MatmulDesc m;
  m.m = m.n = 4;
  m.k = 8;
  m.wait_mask = kLd2Ex;
  b.Load(l).Matmul(m).Sync(0x100, 7, true);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(RawOpcode(b.program()[0]), static_cast<uint32_t>(Opcode::kLoad));
  EXPECT_EQ(LoadDesc::Unpack(b.program()[0]), l);
  EXPECT_EQ(MatmulDesc::Unpack(b.program()[1]), m);
  const auto s = SyncDesc::Unpack(b.program()[2]);
  EXPECT_EQ(s.addr, 0x100u);
  EXPECT_EQ(s.value, 7u);
  EXPECT_EQ(s.irq, 1u);
}

TEST(ProgramBuilderTest, RefusesBadCommandsWithAMessage) {
  ProgramBuilder b;
  LoadDesc l;
  l.rows = 4;
  l.row_bytes = 8;
  l.wait_mask = kLd2Ex;  // LOAD may not wait on its own outgoing channel
  ExpectThrowWith([&] { b.Load(l); }, "does not feed");
  l.wait_mask = 0;
  l.signal_mask = kEx2St;
  ExpectThrowWith([&] { b.Load(l); }, "does not leave");
  l.signal_mask = 0;
  l.valid_rows = 5;
  ExpectThrowWith([&] { b.Load(l); }, "valid_rows 5 > rows 4");
  l.valid_rows = 0;
  l.rows = 70000;
  ExpectThrowWith([&] { b.Load(l); }, "LOAD.rows = 70000 does not fit");
  StoreDesc s;
  s.rows = s.cols = 4;
  s.c_pitch = 3;
  ExpectThrowWith([&] { b.Store(s); }, "c_pitch 3 < cols 4");
  ExpectThrowWith([&] { b.Sync(0x102, 1, false); }, "multiple of 4");
  EXPECT_EQ(b.size(), 0u) << "a refused command must not be emitted";
}

TEST(GemmProgramTest, TokensBalanceAndHalvesAlternate) {
  GemmProgram p;
  p.m = 10;  // 2 x 3 tiles of Dim 4 with edges, K in 3 steps
  p.n = 9;
  p.k = 20;
  p.dim = 4;
  p.tile_k = 8;
  p.l0a_bytes = p.l0b_bytes = 1024;
  p.l0c_bytes = 1024;
  const auto prog = BuildGemmProgram(p);
  const int tiles = 3 * 3, steps = tiles * 3;
  ASSERT_EQ(prog.size(), static_cast<size_t>(steps * 3 + tiles + 1));
  std::array<int, kNumChannels> balance{};
  int matmuls = 0, stores = 0;
  for (const auto& d : prog) {
    const auto h = SyncDesc::Unpack(d);  // header fields sit at the same place for every opcode
    for (int c = 0; c < kNumChannels; ++c)
      balance[c] += (h.signal_mask >> c & 1) - (h.wait_mask >> c & 1);
    if (RawOpcode(d) == static_cast<uint32_t>(Opcode::kMatmul)) {
      const auto m = MatmulDesc::Unpack(d);
      EXPECT_EQ(m.a_offset, (matmuls % 2) * 512u) << "A halves alternate per K step";
      EXPECT_EQ(m.m % 4, 0u);
      EXPECT_EQ(m.n % 4, 0u);
      EXPECT_EQ(m.accumulate, (matmuls % 3) ? 1u : 0u);
      ++matmuls;
    }
    if (RawOpcode(d) == static_cast<uint32_t>(Opcode::kStore)) {
      const auto s = StoreDesc::Unpack(d);
      EXPECT_EQ(s.c_offset, (stores % 2) * 512u) << "C halves alternate per tile";
      ++stores;
    }
  }
  for (int c = 0; c < kNumChannels; ++c) EXPECT_EQ(balance[c], 0) << "channel " << ChannelName(c);
  EXPECT_EQ(matmuls, steps);
  EXPECT_EQ(stores, tiles);
  // The bottom-right edge tile: 2 valid rows of A padded to 4, 1 valid column of B padded to 4.
  const auto last_store = StoreDesc::Unpack(prog[prog.size() - 2]);
  EXPECT_EQ(last_store.rows, 2u);
  EXPECT_EQ(last_store.cols, 1u);
  EXPECT_EQ(last_store.c_pitch, 4u);
}

// k_rotate reorders each tile's K steps (start at step k_rotate, wrap around) and changes
// nothing else: the first MATMUL of a tile still starts the sum, every K range is loaded once.
TEST(GemmProgramTest, KRotateStartsEachTileAtAnotherKStep) {
  GemmProgram p;
  p.m = 8;
  p.n = 8;
  p.k = 20;  // steps of 8: [0, 8) [8, 16) [16, 20)
  p.dim = 4;
  p.tile_m = p.tile_n = 8;
  p.tile_k = 8;
  p.l0a_bytes = p.l0b_bytes = 1024;
  p.l0c_bytes = 1024;
  const auto plain = BuildGemmProgram(p);
  p.k_rotate = 4;  // 4 mod 3 steps = 1
  const auto rotated = BuildGemmProgram(p);
  ASSERT_EQ(plain.size(), rotated.size());
  std::vector<uint32_t> k_starts;  // of LOAD A (dst_buffer 0): src_addr = a_addr + k0
  int matmuls = 0;
  for (size_t i = 0; i < rotated.size(); ++i) {
    EXPECT_EQ(RawOpcode(rotated[i]), RawOpcode(plain[i])) << "command " << i;
    EXPECT_EQ(SyncDesc::Unpack(rotated[i]).wait_mask, SyncDesc::Unpack(plain[i]).wait_mask);
    EXPECT_EQ(SyncDesc::Unpack(rotated[i]).signal_mask, SyncDesc::Unpack(plain[i]).signal_mask);
    if (RawOpcode(rotated[i]) == static_cast<uint32_t>(Opcode::kLoad)) {
      const auto l = LoadDesc::Unpack(rotated[i]);
      if (l.dst_buffer == 0) k_starts.push_back(l.src_addr);
    }
    if (RawOpcode(rotated[i]) == static_cast<uint32_t>(Opcode::kMatmul)) {
      const auto m = MatmulDesc::Unpack(rotated[i]);
      EXPECT_EQ(m.accumulate, matmuls % 3 ? 1u : 0u);
      EXPECT_EQ(m.k, matmuls % 3 == 1 ? 4u : 8u) << "the short last step comes second";
      ++matmuls;
    }
  }
  EXPECT_EQ(k_starts, (std::vector<uint32_t>{8, 16, 0}));
}

// first_k_steps replaces the first tile's K steps only (from K = 0, whatever k_rotate says);
// the later tiles keep tile_k steps from their rotated start. Halves alternate per step over
// the whole program, each tile's first MATMUL starts its sum and its last signals the STORE,
// and the tokens still balance.
TEST(GemmProgramTest, FirstKStepsSplitOnlyTheFirstTile) {
  GemmProgram p;
  p.m = 8;  // two tiles of 4 x 4
  p.n = 4;
  p.k = 20;
  p.dim = 4;
  p.tile_m = p.tile_n = 4;
  p.tile_k = 8;
  p.k_rotate = 1;
  p.l0a_bytes = p.l0b_bytes = 1024;
  p.l0c_bytes = 1024;
  p.first_k_steps = {4, 8, 8};
  const auto prog = BuildGemmProgram(p);
  std::vector<uint32_t> a_starts, ks;  // LOAD A's src_addr (a_addr 0: = k0), MATMUL k
  std::array<int, kNumChannels> balance{};
  int matmuls = 0;
  for (const auto& d : prog) {
    const auto h = SyncDesc::Unpack(d);
    for (int c = 0; c < kNumChannels; ++c)
      balance[c] += (h.signal_mask >> c & 1) - (h.wait_mask >> c & 1);
    if (RawOpcode(d) == static_cast<uint32_t>(Opcode::kLoad)) {
      const auto l = LoadDesc::Unpack(d);
      if (l.dst_buffer == 0) a_starts.push_back(l.src_addr % p.k);
    }
    if (RawOpcode(d) == static_cast<uint32_t>(Opcode::kMatmul)) {
      const auto m = MatmulDesc::Unpack(d);
      ks.push_back(m.k);
      EXPECT_EQ(m.a_offset, (matmuls % 2) * 512u) << "halves alternate across the tiles";
      const bool tile_first = matmuls == 0 || matmuls == 3,
                 tile_last = matmuls == 2 || matmuls == 5;
      EXPECT_EQ(m.accumulate, tile_first ? 0u : 1u) << "MATMUL " << matmuls;
      EXPECT_EQ((m.signal_mask & kEx2St) != 0, tile_last) << "MATMUL " << matmuls;
      ++matmuls;
    }
  }
  EXPECT_EQ(a_starts, (std::vector<uint32_t>{0, 4, 12, 8, 16, 0}));
  EXPECT_EQ(ks, (std::vector<uint32_t>{4, 8, 8, 8, 4, 8}));
  for (int c = 0; c < kNumChannels; ++c) EXPECT_EQ(balance[c], 0) << "channel " << ChannelName(c);

  p.first_k_steps = {4, 0, 16};
  ExpectThrowWith([&] { BuildGemmProgram(p); }, "first_k_steps has a step of 0, outside 1..tile_k");
  p.first_k_steps = {4, 12, 4};
  ExpectThrowWith([&] { BuildGemmProgram(p); }, "a step of 12, outside 1..tile_k (8)");
  p.first_k_steps = {4, 8};
  ExpectThrowWith([&] { BuildGemmProgram(p); }, "sum to 12, not K = 20");
}

// The worked example of docs/isa.md, command by command (opcode, wait, signal, offsets).
TEST(GemmProgramTest, MatchesTheWorkedExampleInTheDocs) {
  GemmProgram p;
  p.m = p.n = 32;
  p.k = 64;
  p.dim = 16;  // default L0 sizes: 64 KiB, 64 KiB, 128 KiB
  const auto prog = BuildGemmProgram(p);
  struct Row {
    Opcode op;
    uint32_t wait, signal, offset;  // offset: LOAD dst_offset, MATMUL/STORE c_offset
  };
  const Row want[] = {
      {Opcode::kLoad, 0, 0, 0},
      {Opcode::kLoad, 0, kLd2Ex, 0},
      {Opcode::kMatmul, kLd2Ex, kEx2Ld | kEx2St, 0},
      {Opcode::kStore, kEx2St, kSt2Ex, 0},
      {Opcode::kLoad, 0, 0, 0x8000},
      {Opcode::kLoad, 0, kLd2Ex, 0x8000},
      {Opcode::kMatmul, kLd2Ex, kEx2Ld | kEx2St, 0x10000},
      {Opcode::kStore, kEx2St, kSt2Ex, 0x10000},
      {Opcode::kLoad, kEx2Ld, 0, 0},
      {Opcode::kLoad, 0, kLd2Ex, 0},
      {Opcode::kMatmul, kLd2Ex | kSt2Ex, kEx2St, 0},
      {Opcode::kStore, kEx2St, 0, 0},
      {Opcode::kLoad, kEx2Ld, 0, 0x8000},
      {Opcode::kLoad, 0, kLd2Ex, 0x8000},
      {Opcode::kMatmul, kLd2Ex | kSt2Ex, kEx2St, 0x10000},
      {Opcode::kStore, kEx2St, 0, 0x10000},
      {Opcode::kSync, 0, 0, 0},
  };
  ASSERT_EQ(prog.size(), std::size(want));
  for (size_t i = 0; i < prog.size(); ++i) {
    SCOPED_TRACE("#" + std::to_string(i));
    EXPECT_EQ(RawOpcode(prog[i]), static_cast<uint32_t>(want[i].op));
    const auto h = SyncDesc::Unpack(prog[i]);
    EXPECT_EQ(h.wait_mask, want[i].wait);
    EXPECT_EQ(h.signal_mask, want[i].signal);
    if (want[i].op == Opcode::kLoad) {
      EXPECT_EQ(LoadDesc::Unpack(prog[i]).dst_offset, want[i].offset);
    }
    if (want[i].op == Opcode::kMatmul) {
      EXPECT_EQ(MatmulDesc::Unpack(prog[i]).c_offset, want[i].offset);
    }
    if (want[i].op == Opcode::kStore) {
      EXPECT_EQ(StoreDesc::Unpack(prog[i]).c_offset, want[i].offset);
    }
  }
}

TEST(GemmProgramTest, RefusesBadShapesAndTilesThatDoNotFit) {
  GemmProgram p;
  p.m = 0;
  p.n = p.k = 4;
  ExpectThrowWith([&] { BuildGemmProgram(p); }, "must be >= 1");
  p.m = 4;
  p.dim = 4;
  p.tile_m = 6;
  ExpectThrowWith([&] { BuildGemmProgram(p); }, "multiples of dim");
  p.tile_m = 0;
  p.l0c_bytes = 64;  // a 4x4 int32 tile is 64 bytes, half of L0C is 32
  ExpectThrowWith([&] { BuildGemmProgram(p); }, "more than half of L0C");
  p.l0c_bytes = 1024;
  p.l0a_bytes = 64;
  p.tile_k = 16;  // 4 x 16 bytes > half of L0A (32)
  ExpectThrowWith([&] { BuildGemmProgram(p); }, "does not fit half of L0A");
  p.tile_k = 0;
  p.lda = 2;
  ExpectThrowWith([&] { BuildGemmProgram(p); }, "row pitch");
}

TEST(BuilderVectorTest, ChecksFieldsAndTokensLikeStore) {
  VaddDesc add;
  add.rows = add.cols = 2;
  add.src0_addr = 0x100, add.src1_addr = 0x200, add.dst_addr = 0x300;
  add.wait_mask = kEx2St, add.signal_mask = kSt2Ex;
  ProgramBuilder b;
  b.Vadd(add);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(RawOpcode(b.program()[0]), static_cast<uint32_t>(Opcode::kVadd));
  EXPECT_EQ(QueueOf(Opcode::kVadd), Queue::kSt) << "vector commands share the STORE queue";
  auto refuses = [](auto f, const std::string& text) {
    try {
      f();
      ADD_FAILURE() << "no exception; wanted '" << text << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
    }
  };
  auto x = add;
  x.rows = 0;
  refuses([&] { ProgramBuilder().Vadd(x); }, "rows and cols must be >= 1");
  x = add;
  x.src1_stride = 2;
  refuses([&] { ProgramBuilder().Vadd(x); }, "multiples of 4");
  x = add;
  x.wait_mask = kLd2Ex;
  refuses([&] { ProgramBuilder().Vadd(x); }, "does not feed the VADD queue");
  VmaxDesc m;
  m.rows = m.cols = 1, m.int8 = 1, m.src0_addr = 1, m.src1_addr = 2, m.dst_addr = 3;
  EXPECT_NO_THROW(ProgramBuilder().Vmax(m)) << "int8 operands take any alignment";
  m.int8 = 0;
  refuses([&] { ProgramBuilder().Vmax(m); }, "multiples of 4");
  VrequantDesc q;
  q.rows = q.cols = 1, q.src0_addr = 4, q.dst_addr = 5, q.scale = -7, q.shift = 31;
  EXPECT_NO_THROW(ProgramBuilder().Vrequant(q));
  q.src0_addr = 6;
  refuses([&] { ProgramBuilder().Vrequant(q); }, "multiples of 4");
  VcopyDesc c;
  c.rows = 1, c.cols = 0;
  refuses([&] { ProgramBuilder().Vcopy(c); }, "rows and cols must be >= 1");
}

}  // namespace
}  // namespace luoshu::isa
