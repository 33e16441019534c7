// System tests: real ops through the runtime on the RTL backend (the Verilated SoC, opened by
// name as "rtl"), bit-exact against the host reference and the model backend. Edge shapes x
// every epilogue on the small and the default SoC, every split and core count, seeded random
// cases (also under memory stalls), the MLP and chained layers, a fault on one core while the
// others finish, model / RTL agreement on a random program, and vector commands on every core
// of both SoCs. Kept small (M, N, K <= 96) so
// the default suite stays fast; the long versions are in random_system_long_test.cc.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "sw/isa/builder.h"
#include "sw/model/epilogue.h"
#include "sw/model/soc_model.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/soc/soc.h"
#include "tests/sw/ops/gemm_cases.h"
#include "tests/sw/ops/mlp_cases.h"
#include "tests/sw/runtime/fault_cases.h"
#include "tests/system/system_cases.h"

namespace luoshu::system_test {
namespace {

using gemm_test::AllEpilogues;
using gemm_test::CheckCase;
using gemm_test::EpilogueCase;
using gemm_test::GemmCase;
using gemm_test::SplitsFor;

struct Extents {
  int m, n, k;
};

// Edge shapes at system-test size: single elements, K = 1, N = 1, M = 1, tall and skinny,
// sizes off the cube's 16, aligned, a K longer than the others.
const Extents kShapes[] = {{1, 1, 1},   {33, 17, 1},  {40, 1, 50},  {1, 70, 33},
                           {96, 16, 8}, {17, 33, 45}, {64, 48, 32}, {16, 16, 300}};

class SystemGemm : public ::testing::TestWithParam<std::string> {};

// Every edge shape x every epilogue: 256 GEMMs on all cores, auto split.
TEST_P(SystemGemm, EveryEpilogueOnEdgeShapesMatchesTheReference) {
  Device dev = OpenRtl(GetParam());
  tb::Rng rng(tb::SeedFromEnv(101));
  for (const Extents& e : kShapes) {
    for (const EpilogueCase& ep : AllEpilogues()) {
      GemmCase g;
      g.m = e.m, g.n = e.n, g.k = e.k;
      g.ep = ep;
      EXPECT_TRUE(CheckCase(dev, &rng, g));
    }
  }
}

TEST_P(SystemGemm, RandomShapesMatchTheReference) {
  Device dev = OpenRtl(GetParam());
  gemm_test::CheckRandomCases(dev, /*default_seed=*/102, /*count=*/30, /*max_extent=*/96);
}

// Every random test also runs with stalls on the memory handshakes.
TEST_P(SystemGemm, RandomShapesUnderMemoryStallsMatchTheReference) {
  Device dev = OpenRtl(GetParam(), /*mem_stall=*/0.3, /*mem_latency=*/37);
  gemm_test::CheckRandomCases(dev, /*default_seed=*/103, /*count=*/10, /*max_extent=*/96);
}

INSTANTIATE_TEST_SUITE_P(Socs, SystemGemm, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

TEST(SystemGemmDefault, EverySplitAndCoreCountMatchesTheReference) {
  Device dev = OpenRtl("default");
  tb::Rng rng(tb::SeedFromEnv(104));
  const EpilogueCase eps[] = {{true, true, false, 1, 0}, {true, false, true, -5, 6}};
  for (int cores = 1; cores <= dev.cores(); ++cores) {
    for (ops::Split split : SplitsFor(cores)) {
      for (const EpilogueCase& ep : eps) {
        GemmCase g;
        g.m = 70, g.n = 50, g.k = 40;
        g.ep = ep;
        g.cores = cores;
        g.split = split;
        EXPECT_TRUE(CheckCase(dev, &rng, g));
      }
    }
  }
  // Explicit tiles: several K steps through both L0 halves, several output tiles per core.
  GemmCase g;
  g.m = 90, g.n = 70, g.k = 96;
  g.ep = {true, true, true, 21, 12};
  g.split = ops::Split::kGrid;
  g.tile_m = 16, g.tile_n = 32, g.tile_k = 20;
  EXPECT_TRUE(CheckCase(dev, &rng, g));
}

TEST(SystemMlp, MatchesTheReferenceOnTheDefaultSoc) {
  Device dev = OpenRtl("default");
  tb::Rng rng(tb::SeedFromEnv(105));
  const gemm_test::MlpShape shapes[] = {{64, 96, 48, 10}, {37, 33, 70, 17}, {1, 20, 30, 5}};
  for (const auto& s : shapes) EXPECT_TRUE(gemm_test::CheckMlp(dev, &rng, s, 0, true));
  EXPECT_TRUE(gemm_test::CheckMlp(dev, &rng, {50, 40, 24, 8}, 3, false));
}

TEST(SystemMlp, ChainedLayersMatchTheReferenceOnTheDefaultSoc) {
  Device dev = OpenRtl("default");
  tb::Rng rng(tb::SeedFromEnv(106));
  EXPECT_TRUE(gemm_test::CheckChain(dev, &rng, 90, {40, 70, 33, 24}, 0));
}

TEST(SystemFault, AnAccessFaultIsContainedToItsCoreOnTheDefaultSoc) {
  Device dev = OpenRtl("default");
  tb::Rng rng(tb::SeedFromEnv(107));
  fault_test::CheckAccessFaultIsContained(dev, &rng, 3);
  fault_test::CheckAccessFaultIsContained(dev, &rng, 1);
}

TEST(SystemFault, ATokenDeadlockIsReportedQuicklyOnTheDefaultSoc) {
  Device dev = OpenRtl("default");
  tb::Rng rng(tb::SeedFromEnv(109));
  fault_test::CheckTokenDeadlockIsReported(dev, &rng, 2);
}

TEST(SystemFault, ABlockedCoreIsReportedAsAHangOnTheDefaultSoc) {
  Device dev = OpenRtl("default");
  fault_test::CheckBlockedCoreIsAHang(dev, 3);
}

// The same random program (GEMMs with every kind of epilogue, split and core count, chained
// layers, an MLP, all enqueued before one Synchronize) on both backends gives the same bytes
// in every output buffer and the same MACs per core.
class SystemAgreement : public ::testing::TestWithParam<std::string> {};

TEST_P(SystemAgreement, RandomProgramGivesTheSameBuffersOnBothBackends) {
  const uint64_t seed = tb::SeedFromEnv(108);
  Device model = OpenModel(GetParam());
  Device rtl = OpenRtl(GetParam());
  const ProgramResult on_model = RunRandomProgram(model, seed, /*steps=*/8);
  const ProgramResult on_rtl = RunRandomProgram(rtl, seed, /*steps=*/8);
  EXPECT_TRUE(SameResults(on_rtl, on_model));
}

INSTANTIATE_TEST_SUITE_P(Socs, SystemAgreement, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

// Vector commands through the runtime (a raw program on each core's stream, nothing new in
// the driver or runtime): on every core, VADD of two int32 matrices, an in-place VADD
// (acc += b), VREQUANT of the sum (in the ST queue after the VADD that wrote it), VMAX of two
// int8 matrices and a VCOPY of a strided sub-block. Both backends give the host reference's
// bytes and the same traffic counters.
struct VectorRun {
  std::vector<std::vector<uint8_t>> outputs;  // per core: sum, acc, requant, max8, copy
  std::vector<uint64_t> bytes_read, bytes_written;
};

VectorRun RunVectorProgram(Device& dev, uint64_t seed) {
  tb::Rng rng(seed);
  const int rows = 7, cols = 37;
  VectorRun run;
  std::deque<Buffer> bufs;
  std::vector<std::vector<const Buffer*>> outs(dev.cores());
  for (int c = 0; c < dev.cores(); ++c) {
    Matrix<int32_t> a(rows, cols), b(rows, cols);
    for (int i = 0; i < rows; ++i) {
      for (int j = 0; j < cols; ++j) {
        a.at(i, j) = static_cast<int32_t>(rng.Bits64());
        b.at(i, j) = static_cast<int32_t>(rng.Uniform(-100000, 100000));
      }
    }
    const Buffer& ba = bufs.emplace_back(dev.Upload(a));
    const Buffer& bb = bufs.emplace_back(dev.Upload(b));
    const Buffer& acc = bufs.emplace_back(dev.Upload(a));
    const Buffer& x8 = bufs.emplace_back(dev.Upload(tb::RandomInt8Matrix(&rng, rows, 2 * cols)));
    const Buffer& y8 = bufs.emplace_back(dev.Upload(tb::RandomInt8Matrix(&rng, rows, 2 * cols)));
    const Buffer& sum = bufs.emplace_back(dev.Alloc({rows, cols}, DType::kInt32));
    const Buffer& q = bufs.emplace_back(dev.Alloc({rows, cols}, DType::kInt8));
    const Buffer& m8 = bufs.emplace_back(dev.Alloc({rows, 2 * cols}, DType::kInt8));
    const Buffer& cp = bufs.emplace_back(dev.Alloc({rows - 2, cols - 3}, DType::kInt8));
    auto u32 = [](const Buffer& buf, uint64_t off = 0) {
      return static_cast<uint32_t>(buf.addr() + off);
    };
    const uint32_t row4 = 4 * cols, row8 = 2 * cols;
    isa::ProgramBuilder p;
    isa::VaddDesc add;
    add.rows = rows, add.cols = cols;
    add.dst_addr = u32(sum), add.src0_addr = u32(ba), add.src1_addr = u32(bb);
    add.dst_stride = add.src0_stride = add.src1_stride = row4;
    isa::VaddDesc inplace = add;
    inplace.dst_addr = inplace.src0_addr = u32(acc);
    isa::VrequantDesc rq;
    rq.rows = rows, rq.cols = cols, rq.scale = static_cast<int32_t>(rng.Uniform(-300, 300));
    rq.shift = static_cast<uint32_t>(rng.Uniform(8, 24));
    rq.src0_addr = u32(sum), rq.src0_stride = row4, rq.dst_addr = u32(q), rq.dst_stride = cols;
    isa::VmaxDesc mx;
    mx.int8 = 1, mx.rows = rows, mx.cols = row8;
    mx.dst_addr = u32(m8), mx.src0_addr = u32(x8), mx.src1_addr = u32(y8);
    mx.dst_stride = mx.src0_stride = mx.src1_stride = row8;
    isa::VcopyDesc copy;  // rows 1..rows-2, bytes 3..cols-1 of x8, with x8's stride
    copy.rows = rows - 2, copy.cols = cols - 3;
    copy.src0_addr = u32(x8, row8 + 3), copy.src0_stride = row8;
    copy.dst_addr = u32(cp), copy.dst_stride = cols - 3;
    p.Vadd(add).Vadd(inplace).Vrequant(rq).Vmax(mx).Vcopy(copy);
    dev.stream(c).Enqueue(p.program(),
                          {ReadOf(ba), ReadOf(bb), ReadOf(x8), ReadOf(y8), WriteOf(acc),
                           WriteOf(sum), WriteOf(q), WriteOf(m8), WriteOf(cp)},
                          "vector core " + std::to_string(c));
    outs[c] = {&sum, &acc, &q, &m8, &cp};
  }
  dev.Synchronize();
  for (int c = 0; c < dev.cores(); ++c) {
    for (const Buffer* b : outs[c]) {
      std::vector<uint8_t> bytes(b->bytes());
      if (b->dtype() == DType::kInt8) {
        const auto v = b->DownloadVector<int8_t>();
        bytes.assign(v.begin(), v.end());
      } else {
        const auto v = b->DownloadVector<int32_t>();
        std::memcpy(bytes.data(), v.data(), bytes.size());
      }
      run.outputs.push_back(bytes);
    }
    run.bytes_read.push_back(dev.Counters(c).bytes_read);
    run.bytes_written.push_back(dev.Counters(c).bytes_written);
  }
  return run;
}

// The host's answer for core c's outputs, from the same seed.
std::vector<std::vector<uint8_t>> VectorReference(uint64_t seed, int cores) {
  tb::Rng rng(seed);
  const int rows = 7, cols = 37;
  std::vector<std::vector<uint8_t>> out;
  for (int c = 0; c < cores; ++c) {
    std::vector<int32_t> a(rows * cols), b(rows * cols);
    for (int i = 0; i < rows * cols; ++i) {
      a[i] = static_cast<int32_t>(rng.Bits64());
      b[i] = static_cast<int32_t>(rng.Uniform(-100000, 100000));
    }
    const auto x8 = tb::RandomInt8Matrix(&rng, rows, 2 * cols);
    const auto y8 = tb::RandomInt8Matrix(&rng, rows, 2 * cols);
    const auto scale = static_cast<int32_t>(rng.Uniform(-300, 300));
    const auto shift = static_cast<int>(rng.Uniform(8, 24));
    std::vector<uint8_t> sum(4 * rows * cols), q(rows * cols), m8(2 * rows * cols);
    std::vector<uint8_t> cp((rows - 2) * (cols - 3));
    for (int i = 0; i < rows * cols; ++i) {
      const int32_t s = model::WrapAdd32(a[i], b[i]);
      std::memcpy(&sum[4 * i], &s, 4);
      q[i] = static_cast<uint8_t>(model::Requantize(s, scale, shift));
    }
    for (int i = 0; i < rows; ++i) {
      for (int j = 0; j < 2 * cols; ++j) {
        m8[i * 2 * cols + j] = static_cast<uint8_t>(std::max(x8.at(i, j), y8.at(i, j)));
      }
    }
    for (int i = 0; i < rows - 2; ++i) {
      for (int j = 0; j < cols - 3; ++j) cp[i * (cols - 3) + j] = x8.at(i + 1, j + 3);
    }
    out.insert(out.end(), {sum, sum, q, m8, cp});  // acc = a + b, in place
  }
  return out;
}

class SystemVector : public ::testing::TestWithParam<std::string> {};

TEST_P(SystemVector, CommandsThroughTheRuntimeMatchTheReferenceOnBothBackends) {
  const uint64_t seed = tb::SeedFromEnv(109);
  Device model = OpenModel(GetParam());
  Device rtl = OpenRtl(GetParam(), /*mem_stall=*/0.2, /*mem_latency=*/40);
  const VectorRun on_model = RunVectorProgram(model, seed);
  const VectorRun on_rtl = RunVectorProgram(rtl, seed);
  const auto want = VectorReference(seed, rtl.cores());
  ASSERT_EQ(on_rtl.outputs.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(on_model.outputs[i], want[i]) << "model, output " << i;
    EXPECT_EQ(on_rtl.outputs[i], want[i]) << "RTL, output " << i;
  }
  EXPECT_EQ(on_rtl.bytes_read, on_model.bytes_read);
  EXPECT_EQ(on_rtl.bytes_written, on_model.bytes_written);
}

INSTANTIATE_TEST_SUITE_P(Socs, SystemVector, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace luoshu::system_test
