// hal::ReplayBus over a small deterministic fake backend: every checkpoint of a recorded host
// program replays to the same observations and the same end state (checkpoints inside waits
// included); a program that does something else, another backend build, --until and damaged
// files are refused or stop as documented. The RTL backend's state is covered end to end by
// tests/cli/replay.sh.
#include "sw/hal/replay.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>

#include "sw/hal/types.h"

namespace luoshu::hal {
namespace {

namespace fs = std::filesystem;

// Time passes with every access; register 0x10 arms the interrupt that many cycles ahead,
// 0x14 drops it; reads return a value that depends on the time (so a replay at the wrong
// cycle shows).
class FakeBus : public HostBus {
 public:
  explicit FakeBus(std::string id = "fake 1") : id_(std::move(id)) {}
  uint32_t ReadReg(uint32_t offset) override {
    now_ += 3;
    return regs_[offset] ^ static_cast<uint32_t>(now_);
  }
  void WriteReg(uint32_t offset, uint32_t value) override {
    now_ += 2;
    regs_[offset] = value;
    if (offset == 0x10) irq_at_ = now_ + value;
    if (offset == 0x14) irq_at_ = UINT64_MAX;
  }
  void WriteMem(uint64_t addr, const void* src, uint64_t len) override {
    std::memcpy(mem_ + addr, src, len);
  }
  void ReadMem(uint64_t addr, void* dst, uint64_t len) override {
    std::memcpy(dst, mem_ + addr, len);
  }
  uint64_t mem_base() const override { return 0; }
  uint64_t mem_size() const override { return sizeof mem_; }
  bool WaitIrq(uint64_t max_cycles) override {
    for (uint64_t i = 0; i < max_cycles && now_ < irq_at_; ++i) ++now_;
    return now_ >= irq_at_;
  }
  uint64_t Now() const override { return now_; }
  std::string StateId() const override { return id_; }
  void SaveState(StateWriter* w) override {
    w->U64(now_);
    w->U64(irq_at_);
    w->U64(regs_.size());
    for (const auto& [k, v] : regs_) w->U32(k), w->U32(v);
    w->Raw(mem_, sizeof mem_);
  }
  void RestoreState(StateReader* r) override {
    now_ = r->U64();
    irq_at_ = r->U64();
    regs_.clear();
    for (uint64_t n = r->U64(); n > 0; --n) {
      const uint32_t k = r->U32();
      regs_[k] = r->U32();
    }
    r->Raw(mem_, sizeof mem_);
  }

  uint64_t now_ = 4;  // as after a reset
  uint64_t irq_at_ = UINT64_MAX;
  std::map<uint32_t, uint32_t> regs_;
  uint8_t mem_[256] = {};
  std::string id_;
};

// The host program: what it observes is its result. `bias` changes what it writes.
std::vector<uint64_t> Program(HostBus& bus, uint8_t bias = 0) {
  std::vector<uint64_t> seen;
  uint8_t data[64];
  for (int i = 0; i < 64; ++i) data[i] = static_cast<uint8_t>(i * 7 + bias);
  bus.WriteMem(0, data, sizeof data);
  for (uint32_t round = 0; round < 4; ++round) {
    bus.WriteReg(0x10, 40 + round);
    seen.push_back(bus.WaitIrq(25));  // too short: waits again
    seen.push_back(bus.WaitIrq(100));
    seen.push_back(bus.Now());
    seen.push_back(bus.ReadReg(0x10));
    bus.WriteReg(0x14, round);
  }
  uint8_t back[64];
  bus.ReadMem(0, back, sizeof back);
  seen.push_back(back[5]);
  seen.push_back(bus.Now());
  return seen;
}

class ReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        (fs::temp_directory_path() / ("luoshu_replay_test_" + std::to_string(getpid()))).string();
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Records Program() with a checkpoint every `every` cycles, keeping all of them.
  std::vector<uint64_t> Record(uint64_t every, std::shared_ptr<ReplayStatus>* status = nullptr) {
    RecordOptions o;
    o.every = every;
    o.dir = dir_;
    o.name = "prog";
    o.keep = 1000;
    o.tool = "test";
    o.command = "prog";
    auto s = std::make_shared<ReplayStatus>();
    ReplayBus bus(std::make_unique<FakeBus>(), o, s);
    auto seen = Program(bus);
    if (status) *status = s;
    return seen;
  }
  std::vector<std::string> Checkpoints() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path().string());
    std::sort(out.begin(), out.end());
    return out;
  }
  std::string dir_;
};

TEST_F(ReplayTest, EveryCheckpointReplaysToTheSameRun) {
  std::shared_ptr<ReplayStatus> status;
  const auto want = Record(16, &status);
  const auto files = Checkpoints();
  ASSERT_GE(files.size(), 10u);
  EXPECT_EQ(status->checkpoints, files.size());
  int inside_waits = 0;
  for (const auto& f : files) {
    SCOPED_TRACE(f);
    Checkpoint c = LoadCheckpoint(f);
    inside_waits += c.wait_max != 0;
    EXPECT_EQ(c.command, "prog");
    const uint64_t cycle = c.cycle;
    auto fake = std::make_unique<FakeBus>();
    FakeBus* raw = fake.get();
    auto s = std::make_shared<ReplayStatus>();
    ReplayBus bus(std::move(fake), std::move(c), UINT64_MAX, s);
    EXPECT_EQ(Program(bus), want);
    EXPECT_TRUE(s->restored);
    EXPECT_EQ(raw->Now(), want.back());
    EXPECT_GE(raw->Now(), cycle);
  }
  EXPECT_GT(inside_waits, 0) << "no checkpoint was taken inside a wait";
}

TEST_F(ReplayTest, ChecksTheProgramAgainstTheLog) {
  Record(16);
  const auto files = Checkpoints();
  Checkpoint c = LoadCheckpoint(files.back());
  ReplayBus bus(std::make_unique<FakeBus>(), std::move(c), UINT64_MAX,
                std::make_shared<ReplayStatus>());
  try {
    Program(bus, 1);
    FAIL() << "a program that writes other bytes replayed";
  } catch (const StateError& e) {
    EXPECT_NE(std::string(e.what()).find("host operation 1 of"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("WriteMem(0x0, 64 bytes)"), std::string::npos);
  }
}

TEST_F(ReplayTest, RefusesAnotherBackendBuild) {
  Record(16);
  Checkpoint c = LoadCheckpoint(Checkpoints().back());
  EXPECT_THROW(ReplayBus(std::make_unique<FakeBus>("fake 2"), std::move(c), UINT64_MAX,
                         std::make_shared<ReplayStatus>()),
               StateError);
}

TEST_F(ReplayTest, StopsAtUntil) {
  Record(16);
  const auto files = Checkpoints();
  Checkpoint c = LoadCheckpoint(files[files.size() / 2]);
  const uint64_t until = c.cycle + 30;
  auto fake = std::make_unique<FakeBus>();
  FakeBus* raw = fake.get();
  ReplayBus bus(std::move(fake), std::move(c), until, std::make_shared<ReplayStatus>());
  try {
    Program(bus);
    FAIL() << "the replay ran past --until";
  } catch (const ReplayStop& e) {
    EXPECT_GE(e.cycle(), until);
    EXPECT_LT(e.cycle(), until + 4);  // at the first operation boundary after it
    EXPECT_EQ(raw->Now(), e.cycle());
  }
}

TEST_F(ReplayTest, RefusesDamagedFiles) {
  Record(16);
  const std::string f = Checkpoints().back();
  std::string bytes;
  {
    std::ifstream in(f, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto write = [&](const std::string& name, const std::string& b) {
    std::ofstream(dir_ + "/" + name, std::ios::binary) << b;
    return dir_ + "/" + name;
  };
  auto message = [](const std::string& path) {
    try {
      LoadCheckpoint(path);
    } catch (const StateError& e) {
      return std::string(e.what());
    }
    return std::string("loaded");
  };
  EXPECT_NE(message(write("cut", bytes.substr(0, bytes.size() - 9))).find("truncated"),
            std::string::npos);
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x40;
  EXPECT_NE(message(write("flip", flipped)).find("corrupt"), std::string::npos);
  EXPECT_NE(message(write("junk", "hello")).find("not a Luoshu checkpoint"), std::string::npos);
  std::string later = bytes;
  later[7] = '9';
  EXPECT_NE(message(write("format", later)).find("has format 09"), std::string::npos);
  EXPECT_NE(message(dir_ + "/missing").find("cannot read"), std::string::npos);
}

TEST_F(ReplayTest, KeepsTheNewestAndReplacesAnOldRun) {
  RecordOptions o;
  o.every = 16;
  o.dir = dir_;
  o.name = "prog";
  o.keep = 3;
  auto s = std::make_shared<ReplayStatus>();
  {
    ReplayBus bus(std::make_unique<FakeBus>(), o, s);
    Program(bus);
  }
  EXPECT_EQ(Checkpoints().size(), 3u);
  EXPECT_EQ(Checkpoints().back(), s->last_checkpoint);
  EXPECT_GT(s->checkpoints, 3u);
  o.every = 1000;  // a new run of the same name: one checkpoint, the old ones gone
  ReplayBus bus(std::make_unique<FakeBus>(), o, std::make_shared<ReplayStatus>());
  Program(bus);
  EXPECT_EQ(Checkpoints().size(), 1u);
}

}  // namespace
}  // namespace luoshu::hal
