// Timelines on the model backend (SocModel's estimated unit events): a GEMM split across the
// cores of the default SoC gives one slice per command that follows the program (queues in
// order, tokens, doorbells; timeline_checks.h), recording changes no timing, nothing is
// recorded while it is off, and TimelineRecorder writes the JSON marked as estimated.
#include "sw/runtime/timeline.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "sw/model/gemm.h"
#include "sw/model/soc_model.h"
#include "sw/ops/gemm.h"
#include "sw/runtime/device.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/workloads/matrices.h"
#include "tests/sw/runtime/timeline_checks.h"

namespace luoshu {
namespace {

using timeline_test::ExpectTimelineFollowsProgram;
using timeline_test::TimelineCoverage;

Device ModelDevice(const std::string& config) {
  return Device(std::make_unique<model::SocModel>(hal::FindSocConfig(config)));
}

// A GEMM with edge tiles in every dimension, split by rows over every core, checked.
void RunGemm(Device& dev, uint64_t seed) {
  tb::Rng rng(seed);
  const int m = 96, n = 80, k = 72;
  const auto a = tb::RandomInt8Matrix(&rng, m, k);
  const auto b = tb::RandomInt8Matrix(&rng, k, n);
  Buffer da = dev.Upload(a), db = dev.Upload(b), dc = dev.Alloc({m, n}, DType::kInt32);
  ops::GemmOptions o;
  o.split = ops::Split::kRows;
  o.tile_k = 32;  // several K steps: the double-buffer tokens are used
  ops::Gemm(dev, da, db, &dc, {}, o);
  dev.Synchronize();
  Matrix<int32_t> want(m, n);
  model::GemmInt8(a, b, &want);
  EXPECT_TRUE(dc.Download<int32_t>() == want);
}

TEST(ModelTimelineTest, GemmSlicesFollowQueuesTokensAndDoorbells) {
  Device dev = ModelDevice("default");
  dev.set_command_log(true);
  ASSERT_TRUE(dev.bus().RecordUnitEvents(true));
  EXPECT_FALSE(dev.bus().UnitEventsExact()) << "the model's times are estimates";
  RunGemm(dev, tb::SeedFromEnv(3));
  const auto log = dev.TakeCommandLog();
  const auto events = dev.bus().TakeUnitEvents();
  ASSERT_EQ(log.size(), 4u) << "every core got work";
  TimelineCoverage cov;
  ExpectTimelineFollowsProgram(log, events, &cov);
  EXPECT_GT(cov.matmul_after_load, 0u);
  EXPECT_GT(cov.store_after_matmul, 0u);
  EXPECT_TRUE(dev.bus().TakeUnitEvents().empty()) << "taken events are gone";
}

// Durations are the estimate's: LOAD bytes / 16, MATMUL m*n*k / Dim^2, STORE bytes / 16.
TEST(ModelTimelineTest, SliceLengthsAreTheCostEstimate) {
  Device dev = ModelDevice("small");
  dev.set_command_log(true);
  ASSERT_TRUE(dev.bus().RecordUnitEvents(true));
  RunGemm(dev, tb::SeedFromEnv(4));
  const auto slices = JoinTimeline(dev.TakeCommandLog(), dev.bus().TakeUnitEvents());
  const int dim = dev.info().dim;
  size_t checked = 0;
  for (const auto& s : slices) {
    auto field = [&](const std::string& name) -> uint64_t {
      const std::string args = " " + s.args, key = " " + name + "=";
      const auto p = args.find(key);
      if (p == std::string::npos) {
        ADD_FAILURE() << name << " not in " << s.args;
        return 0;
      }
      return std::stoull(args.substr(p + key.size()), nullptr, 0);
    };
    const uint64_t len = s.finish - s.start;
    if (s.name == "MATMUL") {
      const uint64_t macs = field("m") * field("n") * field("k");
      EXPECT_EQ(len, std::max<uint64_t>(1, (macs + dim * dim - 1) / (dim * dim))) << s.args;
      ++checked;
    } else if (s.name == "LOAD") {
      const uint64_t bytes = field("valid_rows") * field("valid_cols");
      EXPECT_EQ(len, std::max<uint64_t>(1, (bytes + 15) / 16)) << s.args;
      ++checked;
    } else if (s.name == "SYNC") {
      EXPECT_EQ(len, model::SocModel::kSyncCycles);
    }
  }
  EXPECT_GT(checked, 0u);
}

// The unit events are a side estimate: the model's clock and counters are the same with and
// without them.
TEST(ModelTimelineTest, RecordingChangesNoTiming) {
  Device plain = ModelDevice("default"), recorded = ModelDevice("default");
  ASSERT_TRUE(recorded.bus().RecordUnitEvents(true));
  RunGemm(plain, 5);
  RunGemm(recorded, 5);
  EXPECT_EQ(plain.Now(), recorded.Now());
  for (int c = 0; c < plain.cores(); ++c) {
    const CoreCounters p = plain.Counters(c), r = recorded.Counters(c);
    EXPECT_EQ(p.retired, r.retired);
    EXPECT_EQ(p.busy_ld, r.busy_ld);
    EXPECT_EQ(p.busy_ex, r.busy_ex);
    EXPECT_EQ(p.busy_st, r.busy_st);
  }
  EXPECT_FALSE(recorded.bus().TakeUnitEvents().empty());
}

TEST(ModelTimelineTest, NothingIsRecordedWhileOff) {
  Device dev = ModelDevice("small");
  RunGemm(dev, 6);
  EXPECT_TRUE(dev.bus().TakeUnitEvents().empty()) << "never switched on";
  ASSERT_TRUE(dev.bus().RecordUnitEvents(true));
  RunGemm(dev, 7);
  ASSERT_TRUE(dev.bus().RecordUnitEvents(false));
  const auto first = dev.bus().TakeUnitEvents();
  EXPECT_FALSE(first.empty());
  RunGemm(dev, 8);
  EXPECT_TRUE(dev.bus().TakeUnitEvents().empty()) << "switched off again";
}

TEST(ModelTimelineTest, RecorderWritesEstimatedTimelineJson) {
  Device dev = ModelDevice("small");
  const std::string path =
      (std::filesystem::temp_directory_path() / ("luoshu_" + tb::CurrentTestName() + ".json"))
          .string();
  {
    TimelineRecorder rec(&dev);
    EXPECT_FALSE(rec.exact());
    RunGemm(dev, 9);
    rec.Write(path);
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::remove(path.c_str());
  const std::string json = text.str();
  EXPECT_NE(json.find("\"timing\":\"estimated (functional model)\""), std::string::npos);
  EXPECT_NE(json.find("\"name\":\"MATMUL\""), std::string::npos);
  EXPECT_NE(json.find("\"name\":\"Cube (EX)\""), std::string::npos);
  EXPECT_TRUE(dev.bus().TakeUnitEvents().empty()) << "the recorder took everything";
}

}  // namespace
}  // namespace luoshu
