// The host runtime against the SoC model: the device-memory allocator, and multi-core GEMMs
// bit-exact against model::GemmInt8 (edge shapes, tile options, 1 and 4 cores, several Dims),
// with the report's counters, shape errors before any device access, a fault in one core
// surfaced by name, and a timeout; no device memory is leaked on any path.
#include "sw/driver/runtime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <ostream>

#include "sw/model/soc_model.h"
#include "tb/gtest_util.h"
#include "tb/matrices.h"
#include "tb/options.h"
#include "tests/sw/driver/error_of.h"

namespace luoshu::driver {
namespace {

using model::Matrix;
using model::SocConfig;
using model::SocModel;
using ::testing::AllOf;
using ::testing::HasSubstr;

// A HostBus in front of a SocModel that can tamper with register writes (fault injection).
class TamperBus : public HostBus {
 public:
  explicit TamperBus(SocModel* soc) : soc_(soc) {}
  // Returns false to drop the write; may change the value.
  std::function<bool(uint32_t offset, uint32_t* value)> on_write;
  uint32_t ReadReg(uint32_t offset) override { return soc_->ReadReg(offset); }
  void WriteReg(uint32_t offset, uint32_t value) override {
    if (on_write && !on_write(offset, &value)) return;
    soc_->WriteReg(offset, value);
  }
  void WriteMem(uint64_t a, const void* s, uint64_t n) override { soc_->WriteMem(a, s, n); }
  void ReadMem(uint64_t a, void* d, uint64_t n) override { soc_->ReadMem(a, d, n); }
  uint64_t mem_base() const override { return soc_->mem_base(); }
  uint64_t mem_size() const override { return soc_->mem_size(); }
  bool WaitIrq(uint64_t max_cycles) override { return soc_->WaitIrq(max_cycles); }
  uint64_t Now() const override { return soc_->Now(); }

 private:
  SocModel* soc_;
};

uint64_t RoundUp(uint64_t v, uint64_t m) { return (v + m - 1) / m * m; }

// ---------------------------------------------------------------- allocator

TEST(DeviceAllocatorTest, AlignsAndStaysInside) {
  DeviceAllocator a(0x1000, 0x10000);
  std::vector<std::pair<uint64_t, uint64_t>> blocks;  // [start, end)
  for (uint64_t align : {1, 4, 32, 64, 4096, 2, 256, 8}) {
    const uint64_t p = a.Alloc(33 * align % 1000 + 1, align);
    EXPECT_EQ(p % align, 0u) << align;
    blocks.push_back({p, p + 33 * align % 1000 + 1});
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    EXPECT_GE(blocks[i].first, 0x1000u);
    EXPECT_LE(blocks[i].second, 0x11000u);
    for (size_t j = 0; j < i; ++j) {
      EXPECT_TRUE(blocks[i].second <= blocks[j].first || blocks[j].second <= blocks[i].first)
          << "blocks " << i << " and " << j << " overlap";
    }
  }
  EXPECT_EQ(a.live_blocks(), blocks.size());
  EXPECT_THROW(a.Alloc(8, 3), DriverError);
  EXPECT_THROW(a.Alloc(0, 8), DriverError);
}

TEST(DeviceAllocatorTest, ExhaustionSaysHowMuchIsFree) {
  DeviceAllocator a(0, 1024);
  const uint64_t x = a.Alloc(512, 1);
  a.Alloc(256, 1);
  EXPECT_THAT(ErrorOf([&] { a.Alloc(300, 1); }),
              AllOf(HasSubstr("out of device memory"), HasSubstr("300 bytes"),
                    HasSubstr("256 of 1024 bytes free")));
  a.Free(x);
  EXPECT_EQ(a.Alloc(300, 1), x) << "the freed block is reused";
}

TEST(DeviceAllocatorTest, FreeCoalescesAndRefusesStrangers) {
  tb::Rng rng(tb::SeedFromEnv(3));
  SCOPED_TRACE(tb::SeedNote(rng));
  DeviceAllocator a(0x8000, 1 << 20);
  std::vector<uint64_t> live;
  for (int i = 0; i < 400; ++i) {
    if (!live.empty() && rng.Chance(0.45)) {
      const size_t j = static_cast<size_t>(rng.Uniform(0, live.size() - 1));
      a.Free(live[j]);
      live.erase(live.begin() + j);
    } else {
      live.push_back(a.Alloc(rng.Uniform(1, 5000), uint64_t{1} << rng.Uniform(0, 8)));
    }
  }
  EXPECT_EQ(a.live_blocks(), live.size());
  EXPECT_THROW(a.Free(0x8001), DriverError);
  for (uint64_t p : live) a.Free(p);
  EXPECT_THROW(a.Free(live.empty() ? 0 : live[0]), DriverError) << "double free";
  EXPECT_EQ(a.bytes_free(), 1u << 20);
  EXPECT_EQ(a.largest_free(), 1u << 20) << "everything merged back into one block";
}

// ---------------------------------------------------------------- GEMM

struct GemmCase {
  int cores_in_soc, dim, m, n, k, use_cores, tile_m, tile_n, tile_k;
};

void PrintTo(const GemmCase& g, std::ostream* os) {
  *os << g.cores_in_soc << " cores, Dim " << g.dim << ", " << g.m << "x" << g.n << "x" << g.k
      << ", use " << g.use_cores << ", tiles " << g.tile_m << "/" << g.tile_n << "/" << g.tile_k;
}

class RuntimeGemmTest : public ::testing::TestWithParam<GemmCase> {};

TEST_P(RuntimeGemmTest, BitExactAgainstTheModel) {
  const GemmCase g = GetParam();
  tb::Rng rng(tb::SeedFromEnv(uint64_t(g.m) * 1000003 + g.n * 1009 + g.k));
  SCOPED_TRACE(tb::SeedNote(rng));
  SocConfig cfg;
  cfg.cores = g.cores_in_soc;
  cfg.dim = g.dim;
  SocModel soc(cfg);
  Device dev(&soc);
  Runtime rt(&dev);
  const Matrix<int8_t> a = tb::RandomInt8Matrix(&rng, g.m, g.k),
                       b = tb::RandomInt8Matrix(&rng, g.k, g.n);
  Matrix<int32_t> want(g.m, g.n), got;
  model::GemmInt8(a, b, &want);
  GemmOptions opt;
  opt.cores = g.use_cores;
  opt.tile_m = g.tile_m;
  opt.tile_n = g.tile_n;
  opt.tile_k = g.tile_k;
  const GemmReport rep = rt.Gemm(a, b, &got, opt);
  EXPECT_EQ(got, want);
  // One band per core, Dim-aligned, covering M in order; no more cores than Dim-row blocks.
  const int asked = g.use_cores ? g.use_cores : g.cores_in_soc;
  ASSERT_EQ(static_cast<int>(rep.cores.size()),
            std::min<int>(asked, static_cast<int>(RoundUp(g.m, g.dim) / g.dim)));
  int row = 0;
  uint64_t longest = 0;
  for (size_t i = 0; i < rep.cores.size(); ++i) {
    const GemmCoreReport& c = rep.cores[i];
    EXPECT_EQ(c.core, static_cast<int>(i));
    EXPECT_EQ(c.row_begin, row);
    EXPECT_GT(c.rows, 0);
    if (i + 1 < rep.cores.size()) {
      EXPECT_EQ(c.rows % g.dim, 0) << "core " << i;
    }
    row += c.rows;
    EXPECT_GT(c.cycles, 0u);
    EXPECT_GT(c.cube_busy, 0u);
    EXPECT_EQ(c.macs, soc.core(c.core).counters().macs);
    if (g.tile_m == 0 && g.tile_n == 0) {  // Dim x Dim tiles: padded band x padded N x K
      EXPECT_EQ(c.macs, RoundUp(c.rows, g.dim) * RoundUp(g.n, g.dim) * g.k);
    }
    longest = std::max(longest, c.cycles);
  }
  EXPECT_EQ(row, g.m);
  EXPECT_GE(rep.total_cycles, longest);
  EXPECT_EQ(rt.allocator().live_blocks(), 0u) << "everything freed";
  for (int c = 0; c < g.cores_in_soc; ++c) {
    EXPECT_EQ(dev.Status(c).state, CoreState::kIdle);
    EXPECT_EQ(dev.InterruptStatus(c), 0u) << "acknowledged";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, RuntimeGemmTest,
    ::testing::Values(GemmCase{1, 16, 64, 48, 80, 0, 0, 0, 0},     // one core
                      GemmCase{4, 16, 128, 64, 96, 0, 0, 0, 0},    // four even bands
                      GemmCase{4, 8, 75, 33, 101, 0, 0, 0, 0},     // M not a multiple of Dim
                      GemmCase{4, 8, 20, 17, 9, 0, 0, 0, 0},       // M < cores x Dim: 3 cores
                      GemmCase{4, 16, 5, 7, 3, 0, 0, 0, 0},        // one partial block
                      GemmCase{4, 4, 1, 1, 1, 0, 0, 0, 0},         // 1 x 1 x 1
                      GemmCase{2, 4, 37, 1, 300, 0, 0, 0, 0},      // N = 1, long K
                      GemmCase{4, 8, 90, 70, 50, 2, 16, 24, 16},   // 2 of 4 cores, tiles
                      GemmCase{3, 8, 67, 40, 33, 0, 8, 40, 7},     // 3 cores, odd tile_k
                      GemmCase{4, 32, 130, 20, 64, 4, 0, 0, 0}));  // Dim 32

TEST(RuntimeTest, SeveralGemmsInARowReuseTheDevice) {
  tb::Rng rng(tb::SeedFromEnv(41));
  SCOPED_TRACE(tb::SeedNote(rng));
  SocConfig cfg;
  cfg.dim = 8;
  SocModel soc(cfg);
  Device dev(&soc);
  Runtime rt(&dev);
  for (int i = 0; i < 6; ++i) {
    const int m = static_cast<int>(rng.Uniform(1, 70)), n = static_cast<int>(rng.Uniform(1, 50));
    const int k = static_cast<int>(rng.Uniform(1, 90));
    const Matrix<int8_t> a = tb::RandomInt8Matrix(&rng, m, k), b = tb::RandomInt8Matrix(&rng, k, n);
    Matrix<int32_t> want(m, n), got(m, n);
    model::GemmInt8(a, b, &want);
    GemmOptions opt;
    opt.cores = static_cast<int>(rng.Uniform(0, 4));
    rt.Gemm(a, b, &got, opt);
    EXPECT_EQ(got, want) << m << "x" << n << "x" << k;
  }
  EXPECT_EQ(rt.allocator().live_blocks(), 0u);
}

TEST(RuntimeTest, BadShapesAndOptionsAreRefusedBeforeTouchingTheDevice) {
  SocModel soc;
  Device dev(&soc);
  Runtime rt(&dev);
  tb::Rng rng(1);
  const Matrix<int8_t> a = tb::RandomInt8Matrix(&rng, 8, 5), b = tb::RandomInt8Matrix(&rng, 5, 3),
                       b6 = tb::RandomInt8Matrix(&rng, 6, 3);
  const Matrix<int8_t> empty;
  Matrix<int32_t> c, wrong(3, 8);
  GemmOptions too_many;
  too_many.cores = 5;
  GemmOptions huge_tile;
  huge_tile.tile_m = 1 << 14;
  huge_tile.tile_n = 1 << 14;
  GemmOptions negative;
  negative.tile_k = -1;
  const uint64_t t0 = soc.Now();
  EXPECT_THAT(ErrorOf([&] { rt.Gemm(a, b6, &c); }), AllOf(HasSubstr("8x5"), HasSubstr("6x3")));
  EXPECT_THROW(rt.Gemm(empty, b, &c), DriverError);
  EXPECT_THROW(rt.Gemm(a, empty, &c), DriverError);
  EXPECT_THAT(ErrorOf([&] { rt.Gemm(a, b, &wrong); }), HasSubstr("expected 8x3"));
  EXPECT_THROW(rt.Gemm(a, b, nullptr), DriverError);
  EXPECT_THAT(ErrorOf([&] { rt.Gemm(a, b, &c, too_many); }), HasSubstr("has 4"));
  EXPECT_THAT(ErrorOf([&] { rt.Gemm(a, b, &c, huge_tile); }), HasSubstr("BuildGemmProgram"));
  EXPECT_THROW(rt.Gemm(a, b, &c, negative), DriverError);
  EXPECT_EQ(soc.Now(), t0) << "no register or memory access";
  EXPECT_EQ(rt.allocator().live_blocks(), 0u);
  EXPECT_EQ(c.rows(), 0) << "C untouched";
}

TEST(RuntimeTest, OutOfDeviceMemoryIsAClearError) {
  SocConfig cfg;
  cfg.mem_size = 64 << 10;
  SocModel soc(cfg);
  Device dev(&soc);
  Runtime rt(&dev);
  tb::Rng rng(2);
  const Matrix<int8_t> a = tb::RandomInt8Matrix(&rng, 200, 200),
                       b = tb::RandomInt8Matrix(&rng, 200, 100);
  Matrix<int32_t> c;
  EXPECT_THAT(ErrorOf([&] { rt.Gemm(a, b, &c); }), HasSubstr("out of device memory"));
  EXPECT_EQ(rt.allocator().live_blocks(), 0u);
}

TEST(RuntimeTest, AFaultInOneCoreIsReportedByNameAndEverythingIsCleaned) {
  SocConfig cfg;
  cfg.dim = 8;
  SocModel soc(cfg);
  TamperBus bus(&soc);
  Device dev(&bus);
  Runtime rt(&dev);
  // Core 2's writable window (its C band and SYNC word) comes out 64 bytes short.
  bus.on_write = [](uint32_t offset, uint32_t* value) {
    if (offset == reg::Win(2, 3, reg::kWinSize) && *value > 64) *value -= 64;
    return true;
  };
  tb::Rng rng(7);
  const Matrix<int8_t> a = tb::RandomInt8Matrix(&rng, 64, 40),
                       b = tb::RandomInt8Matrix(&rng, 40, 24);
  Matrix<int32_t> c;
  EXPECT_THAT(ErrorOf([&] { rt.Gemm(a, b, &c); }),
              AllOf(HasSubstr("core 2"), HasSubstr("rows 32..47"), HasSubstr("ACCESS"),
                    HasSubstr("ring slot")));
  EXPECT_EQ(rt.allocator().live_blocks(), 0u);
  for (int core = 0; core < 4; ++core) {
    EXPECT_NE(dev.Status(core).state, CoreState::kFaulted) << "cleared";
    EXPECT_EQ(dev.InterruptStatus(core), 0u);
  }
  bus.on_write = nullptr;  // the same runtime works again
  Matrix<int32_t> want(64, 24);
  model::GemmInt8(a, b, &want);
  rt.Gemm(a, b, &c);
  EXPECT_EQ(c, want);
}

TEST(RuntimeTest, ACoreThatNeverStartsTimesOut) {
  SocModel soc;
  TamperBus bus(&soc);
  Device dev(&bus);
  Runtime rt(&dev);
  bus.on_write = [](uint32_t offset, uint32_t*) { return offset != reg::Core(1, reg::kTail); };
  tb::Rng rng(8);
  const Matrix<int8_t> a = tb::RandomInt8Matrix(&rng, 64, 16),
                       b = tb::RandomInt8Matrix(&rng, 16, 16);
  Matrix<int32_t> c;
  GemmOptions opt;
  opt.timeout_cycles = 200000;
  const uint64_t t0 = soc.Now();
  EXPECT_THAT(ErrorOf([&] { rt.Gemm(a, b, &c, opt); }),
              AllOf(HasSubstr("no completion within 200000 cycles"), HasSubstr("core 1 idle")));
  EXPECT_GE(soc.Now() - t0, 200000u);
  EXPECT_EQ(rt.allocator().live_blocks(), 0u);
}

}  // namespace
}  // namespace luoshu::driver
