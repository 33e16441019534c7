// The runtime (sw/runtime/device.h) on the model backend: opening backends by name, Buffers
// (shape and type checks, ownership), Streams longer than their ring (wrap-around and
// back-pressure), Events, and the failure paths: a device fault contained to its core and
// reported with the command, the address and the windows; a token deadlock; the no-progress
// limit; a stop request while waiting. Each failure leaves the device usable.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sw/hal/reg_map.h"
#include "sw/hal/stop.h"
#include "sw/isa/luoshu_isa.h"
#include "sw/model/gemm.h"
#include "sw/model/soc_model.h"
#include "sw/ops/gemm.h"
#include "sw/runtime/device.h"
#include "sw/runtime/errors.h"
#include "tb/gtest_util.h"
#include "tb/options.h"
#include "tb/random.h"
#include "tb/workloads/matrices.h"
#include "tests/sw/runtime/fault_cases.h"

namespace luoshu {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

hal::SocConfig DefaultConfig() { return hal::FindSocConfig("default"); }

Device ModelDevice(uint32_t ring_slots = 1024, const hal::SocConfig& cfg = DefaultConfig()) {
  return Device(std::make_unique<model::SocModel>(cfg), ring_slots);
}

using fault_test::AllCoresIdle;
using fault_test::GemmJob;
using fault_test::LoadFrom;

// ---------------------------------------------------------------- opening a device

class DeviceOpenTest : public ::testing::Test {
 protected:
  void SetUp() override { hal::RegisterModelBackend(); }
};

TEST_F(DeviceOpenTest, OpensTheModelBackendByName) {
  Device dev = Device::Open("model", {});
  EXPECT_EQ(dev.cores(), 4);
  EXPECT_EQ(dev.info().dim, 16);
  EXPECT_EQ(dev.memory_bytes(), DefaultConfig().mem_size);
  EXPECT_THAT(dev.Describe(), HasSubstr("model of the default SoC"));
  hal::BackendOptions o;
  o.soc = "small";
  o.mem_bytes = 1 << 20;
  Device small = Device::Open("model", o);
  EXPECT_EQ(small.cores(), 1);
  EXPECT_EQ(small.memory_bytes(), 1u << 20);
}

TEST_F(DeviceOpenTest, UnknownBackendIsRefusedNamingTheKnownOnes) {
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([] { Device::Open("fpga", {}); }),
              AllOf(HasSubstr("unknown backend 'fpga'"), HasSubstr("model")));
}

TEST_F(DeviceOpenTest, UnknownSocIsRefusedNamingTheKnownOnes) {
  hal::BackendOptions o;
  o.soc = "huge";
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { Device::Open("model", o); }),
              AllOf(HasSubstr("'huge'"), HasSubstr("small"), HasSubstr("default")));
}

TEST_F(DeviceOpenTest, ModelBackendRefusesSimulationOptions) {
  hal::BackendOptions o;
  o.mem_stall = 0.1;
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { Device::Open("model", o); }),
              HasSubstr("memory stalls"));
}

TEST(DeviceConstructionTest, BadConstructionIsRefused) {
  EXPECT_THROW(Device(std::unique_ptr<hal::HostBus>()), InvalidArgument);
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([] { ModelDevice(1); }), HasSubstr("at least 2"));
  Device dev = ModelDevice();
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { dev.stream(4); }),
              AllOf(HasSubstr("no core 4"), HasSubstr("0..3")));
  EXPECT_THROW(dev.set_hang_cycles(0), InvalidArgument);
}

// ---------------------------------------------------------------- buffers

TEST(BufferTest, UploadAndDownloadRoundTrip) {
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(11));
  const Matrix<int8_t> m = tb::RandomInt8Matrix(&rng, 7, 13);
  Buffer b = dev.Upload(m);
  EXPECT_EQ(b.shape(), (Shape{7, 13}));
  EXPECT_EQ(b.dtype(), DType::kInt8);
  EXPECT_EQ(b.bytes(), 7u * 13);
  EXPECT_EQ(b.addr() % 64, 0u);
  EXPECT_EQ(b.Download<int8_t>(), m);
  const std::vector<int32_t> v = {1, -2, INT32_MAX, INT32_MIN, 0};
  Buffer bv = dev.Upload(v);
  EXPECT_EQ(bv.shape(), Shape{5});
  EXPECT_EQ(bv.bytes(), 20u);
  EXPECT_EQ(bv.DownloadVector<int32_t>(), v);
  EXPECT_GE(bv.addr(), b.addr() + b.bytes()) << "no overlap";
}

TEST(BufferTest, UploadAndDownloadCheckShapeAndType) {
  Device dev = ModelDevice();
  Buffer b = dev.Alloc({4, 5}, DType::kInt32);
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { b.Upload(Matrix<int8_t>(4, 5)); }),
              HasSubstr("Buffer::Upload: host data is int8 4x5, the buffer is int32 4x5"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { b.Upload(Matrix<int32_t>(5, 4)); }),
              HasSubstr("host data is int32 5x4, the buffer is int32 4x5"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { b.Upload(std::vector<int32_t>(20)); }),
              HasSubstr("host data is int32 20, the buffer is int32 4x5"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { b.Download<int8_t>(); }),
              HasSubstr("the buffer holds int32, asked for int8"));
  EXPECT_EQ(b.Download<int32_t>().rows(), 4);
}

TEST(BufferTest, BadShapesAreRefused) {
  Device dev = ModelDevice();
  const uint64_t free_before = dev.allocator().bytes_free();
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] {
                dev.Alloc({2, 3, 4}, DType::kInt8);
              }),
              AllOf(HasSubstr("2x3x4"), HasSubstr("rank 3")));
  EXPECT_THAT(
      tb::ErrorOf<InvalidArgument>([&] { dev.Alloc(Shape(std::vector<int>{}), DType::kInt8); }),
      HasSubstr("rank 0"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] {
                dev.Alloc({0, 5}, DType::kInt8);
              }),
              AllOf(HasSubstr("0x5"), HasSubstr("extent below 1")));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] {
                dev.Alloc({5, 0}, DType::kInt32);
              }),
              HasSubstr("extent below 1"));
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { dev.Alloc({-3}, DType::kInt32); }),
              HasSubstr("extent below 1"));
  EXPECT_EQ(dev.allocator().bytes_free(), free_before);
}

TEST(BufferTest, MemoryIsFreedWhenTheBufferGoes) {
  Device dev = ModelDevice();
  const uint64_t free0 = dev.allocator().bytes_free();
  const size_t blocks0 = dev.allocator().live_blocks();
  {
    Buffer b = dev.Alloc({100, 100}, DType::kInt32);
    EXPECT_LE(dev.allocator().bytes_free(), free0 - 40000);
    EXPECT_EQ(dev.allocator().live_blocks(), blocks0 + 1);
  }
  EXPECT_EQ(dev.allocator().bytes_free(), free0);
  EXPECT_EQ(dev.allocator().live_blocks(), blocks0);
}

TEST(BufferTest, MovesTransferOwnership) {
  Device dev = ModelDevice();
  const uint64_t free0 = dev.allocator().bytes_free();
  Buffer a = dev.Upload(std::vector<int32_t>{1, 2, 3});
  const uint64_t addr = a.addr();
  Buffer b = std::move(a);
  EXPECT_FALSE(a.valid());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_TRUE(b.valid());
  EXPECT_EQ(b.addr(), addr);
  EXPECT_EQ(b.DownloadVector<int32_t>(), (std::vector<int32_t>{1, 2, 3}));
  EXPECT_EQ(dev.allocator().live_blocks(), 4u + 1) << "one allocation, not two";
  Buffer c = dev.Alloc({1000}, DType::kInt8);
  c = std::move(b);  // c's old memory is freed, b's moves in
  EXPECT_EQ(c.addr(), addr);
  EXPECT_EQ(dev.allocator().live_blocks(), 4u + 1);
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] {
                b.Upload(std::vector<int32_t>{1, 2, 3});
              }),
              HasSubstr("the buffer is empty"));
  c.Reset();
  EXPECT_FALSE(c.valid());
  EXPECT_EQ(dev.allocator().bytes_free(), free0);
  c.Reset();  // twice is harmless
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { c.Download<int32_t>(); }),
              HasSubstr("the buffer is empty"));
}

TEST(BufferTest, BufferKeepsTheDeviceAlive) {
  Buffer b;
  {
    Device dev = ModelDevice();
    b = dev.Upload(std::vector<int8_t>{5, -6, 7});
  }
  EXPECT_EQ(b.DownloadVector<int8_t>(), (std::vector<int8_t>{5, -6, 7}));
}

TEST(BufferTest, OutOfDeviceMemorySaysHowMuchIsFree) {
  hal::SocConfig cfg = DefaultConfig();
  cfg.mem_size = 1 << 20;
  Device dev = ModelDevice(64, cfg);
  const uint64_t free0 = dev.allocator().bytes_free();
  EXPECT_THAT(tb::ErrorOf<OutOfMemory>([&] {
                dev.Alloc({1024, 1024}, DType::kInt8);
              }),
              AllOf(HasSubstr("out of device memory"), HasSubstr("1048576 bytes"),
                    HasSubstr(std::to_string(free0) + " of 1048576 bytes free")));
  EXPECT_EQ(dev.allocator().bytes_free(), free0);
}

// ---------------------------------------------------------------- streams and events

// A ring of 8 slots holds 7 commands; GEMMs of hundreds of commands wrap it many times, the
// rest waiting on the host until the core frees slots.
TEST(StreamTest, ProgramsLongerThanTheRingRunCorrectly) {
  Device dev = ModelDevice(/*ring_slots=*/8);
  tb::Rng rng(tb::SeedFromEnv(21));
  GemmJob x(dev, &rng, 100, 90, 70), y(dev, &rng, 64, 64, 200);
  ops::GemmOptions o;
  o.tile_m = o.tile_n = 16;
  o.tile_k = 8;  // many small steps: hundreds of commands
  o.split = ops::Split::kRows;
  const ops::GemmLaunch lx = ops::Gemm(dev, x.da, x.db, &x.dc, {}, o);
  o.cores = 1;
  const ops::GemmLaunch ly = ops::Gemm(dev, y.da, y.db, &y.dc, {}, o);
  ASSERT_GT(lx.parts[0].commands + ly.parts[0].commands, 500u);
  EXPECT_GT(dev.stream(0).pending(), 8u) << "more than the ring holds waits on the host";
  dev.Synchronize();
  EXPECT_EQ(x.dc.Download<int32_t>(), x.Want());
  EXPECT_EQ(y.dc.Download<int32_t>(), y.Want());
  EXPECT_GE(dev.Counters(0).retired, lx.parts[0].commands + ly.parts[0].commands);
  EXPECT_TRUE(AllCoresIdle(dev));
}

TEST(StreamTest, HandEnqueuedCommandsRunInOrder) {
  Device dev = ModelDevice(4);
  // SYNC writes of 1..40 to one word: the last one wins only if they ran in order.
  Buffer word = dev.Alloc({1}, DType::kInt32);
  std::vector<isa::Descriptor> program;
  for (uint32_t v = 1; v <= 40; ++v) {
    isa::SyncDesc d;
    d.addr = static_cast<uint32_t>(word.addr());
    d.value = v;
    program.push_back(d.Pack());
  }
  Stream s = dev.stream(2);
  s.Enqueue(program, {WriteOf(word)}, "syncs");
  EXPECT_EQ(s.pending(), 40u);
  s.Synchronize();
  EXPECT_EQ(s.pending(), 0u);
  EXPECT_EQ(word.DownloadVector<int32_t>(), std::vector<int32_t>{40});
  s.Enqueue({}, {}, "nothing");
  EXPECT_EQ(s.pending(), 0u);
}

TEST(EventTest, RecordWaitQueryAndElapsedTime) {
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(31));
  GemmJob x(dev, &rng, 256, 256, 256);
  Stream s = dev.stream(0);
  const Event before = s.Record();
  const Event mark = s.Mark();
  x.Enqueue(dev, /*cores=*/1);
  const Event after = s.Record();
  EXPECT_EQ(after.core(), 0);
  EXPECT_FALSE(after.Query()) << "256^3 MACs take a while";
  EXPECT_THAT(tb::ErrorOf<InvalidArgument>([&] { after.cycle(); }), HasSubstr("Wait() for it"));
  after.Wait();
  EXPECT_TRUE(after.Query());
  EXPECT_TRUE(before.Query());
  EXPECT_TRUE(mark.Query());
  EXPECT_LE(before.cycle(), mark.cycle());
  // No cube does more than Dim^2 MACs a cycle.
  const uint64_t least = 256ull * 256 * 256 / (16 * 16);
  EXPECT_GE(after.ElapsedSince(before), least);
  EXPECT_GE(after.ElapsedSince(mark), least);
  EXPECT_LE(after.ElapsedSince(mark), after.ElapsedSince(before));
  EXPECT_EQ(before.ElapsedSince(after), 0u) << "never negative";
  EXPECT_EQ(x.dc.Download<int32_t>(), x.Want());
  EXPECT_EQ(dev.Counters(0).macs, 256ull * 256 * 256);
}

TEST(EventTest, GemmPartsCarryStartAndEndEvents) {
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(32));
  GemmJob x(dev, &rng, 128, 64, 96);
  const ops::GemmLaunch l = x.Enqueue(dev, 0);
  ASSERT_EQ(l.parts.size(), 4u);
  for (const auto& p : l.parts) p.end.Wait();
  for (const auto& p : l.parts) {
    EXPECT_GT(p.end.ElapsedSince(p.start), 0u) << "core " << p.core;
    EXPECT_GT(l.part_utilization(p), 0.0);
    EXPECT_LE(l.part_utilization(p), 1.0);
  }
  EXPECT_GT(l.cycles(), 0u);
  EXPECT_GT(l.utilization(), 0.0);
  EXPECT_LE(l.utilization(), 1.0);
  EXPECT_EQ(x.dc.Download<int32_t>(), x.Want());
}

// An event the host first sees long after it completed (here: behind a large upload, before
// any wait) is stamped when seen, never before the work in front of it was handed over.
TEST(EventTest, AnEventSeenLateIsNotStampedBeforeItsWork) {
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(33));
  Buffer big = dev.Upload(Matrix<int8_t>(1024, 1024));  // the host bus is busy for a while
  GemmJob x(dev, &rng, 16, 16, 16);
  const ops::GemmLaunch l = x.Enqueue(dev, 1);
  big.Upload(Matrix<int8_t>(1024, 1024));  // the GEMM finishes meanwhile
  l.parts[0].end.Wait();
  EXPECT_GE(l.parts[0].end.cycle(), l.parts[0].start.cycle());
  EXPECT_GE(l.parts[0].end.ElapsedSince(l.parts[0].start), 16u) << "16^3 MACs on a 16x16 cube";
  EXPECT_GT(l.cycles(), 0u);
  EXPECT_EQ(x.dc.Download<int32_t>(), x.Want());
}

TEST(EventTest, AnEmptyEventIsRefused) {
  const Event e;
  EXPECT_FALSE(e.valid());
  EXPECT_THROW(e.Query(), InvalidArgument);
  EXPECT_THROW(e.Wait(), InvalidArgument);
  EXPECT_THROW(e.cycle(), InvalidArgument);
}

TEST(DescribeCommandTest, NamesTheOpcodeAndEveryOperand) {
  isa::MatmulDesc mm;
  mm.wait_mask = isa::kLd2Ex;
  mm.signal_mask = isa::kEx2St;
  mm.m = 32, mm.n = 16, mm.k = 7;
  EXPECT_EQ(DescribeCommand(mm.Pack()),
            "MATMUL wait_mask=1 signal_mask=4 accumulate=0 a_offset=0 b_offset=0 c_offset=0 "
            "m=32 n=16 k=7");
  isa::StoreDesc st;
  st.dst_addr = 0x10002000;
  st.int8_out = 1;
  st.scale = -5;
  st.shift = 6;
  EXPECT_THAT(DescribeCommand(st.Pack()),
              AllOf(HasSubstr("STORE wait_mask=0 signal_mask=0 "), HasSubstr("int8_out=1"),
                    HasSubstr("dst_addr=0x10002000"), HasSubstr("scale=-5"), HasSubstr("shift=6")));
  st.scale = -32768;
  EXPECT_THAT(DescribeCommand(st.Pack()), HasSubstr("scale=-32768"));
  st.scale = 32767;
  EXPECT_THAT(DescribeCommand(st.Pack()), HasSubstr("scale=32767"));
  EXPECT_EQ(DescribeCommand(isa::Descriptor{}), "opcode 0 (illegal)");
}

// ---------------------------------------------------------------- failures

// Core 1 reads outside its windows while core 0 multiplies: the fault names the core, the
// command, ACCESS, the range and the windows; core 0's result is right; core 1 works again.
TEST(FaultTest, AnAccessFaultIsContainedToItsCore) {
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(41));
  fault_test::CheckAccessFaultIsContained(dev, &rng, 1);
}

// The last core faults while three work.
TEST(FaultTest, TheLastCoreFaultsWhileThreeWork) {
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(42));
  fault_test::CheckAccessFaultIsContained(dev, &rng, 3);
}

// A STORE outside the windows: the message tells it writes.
TEST(FaultTest, AWriteOutsideTheWindowsIsNamedAsAWrite) {
  Device dev = ModelDevice();
  isa::StoreDesc st;
  const uint32_t outside = fault_test::OutsideAddress(dev);
  st.dst_addr = outside;
  st.dst_stride = 64;
  st.rows = 16;
  st.cols = 16;
  st.c_pitch = 16;
  st.scale = 0;
  Stream s = dev.stream(3);
  s.Enqueue({st.Pack()}, {}, "bad store");
  const Event e = s.Record();
  const std::string msg = tb::ErrorOf<DeviceFault>([&] { e.Wait(); });
  EXPECT_THAT(msg, AllOf(HasSubstr("core 3 faulted with ACCESS"), HasSubstr("STORE "),
                         HasSubstr("writes [" + fault_test::Hex(outside) + ", " +
                                   fault_test::Hex(outside + 64) + ")")));
  EXPECT_NO_THROW(dev.Synchronize()) << "the event reported it already";
  EXPECT_TRUE(AllCoresIdle(dev));
}

// A MATMUL waits for a token no command gives. Synchronize's SYNC behind it cannot dispatch:
// the core faults with DEADLOCK at once, naming the MATMUL.
TEST(HangTest, ATokenDeadlockIsReportedQuicklyNamingTheCore) {
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(51));
  fault_test::CheckTokenDeadlockIsReported(dev, &rng, 2);
}

// The same MATMUL with nothing behind it leaves the core blocked (the host could still give
// the token); a wait on another stream finds it and gives up at once.
TEST(HangTest, ABlockedCoreIsReportedAsAHang) {
  Device dev = ModelDevice();
  fault_test::CheckBlockedCoreIsAHang(dev, 1);
}

// A HostBus in front of a SocModel that drops the doorbell (TAIL writes) of one core: its
// commands never start.
class DeafCoreBus : public hal::HostBus {
 public:
  explicit DeafCoreBus(const hal::SocConfig& cfg) : soc_(cfg) {}
  int deaf_core = -1;
  uint32_t ReadReg(uint32_t offset) override { return soc_.ReadReg(offset); }
  void WriteReg(uint32_t offset, uint32_t value) override {
    if (deaf_core >= 0 && offset == hal::reg::Core(deaf_core, hal::reg::kTail)) return;
    soc_.WriteReg(offset, value);
  }
  void WriteMem(uint64_t a, const void* s, uint64_t n) override { soc_.WriteMem(a, s, n); }
  void ReadMem(uint64_t a, void* d, uint64_t n) override { soc_.ReadMem(a, d, n); }
  uint64_t mem_base() const override { return soc_.mem_base(); }
  uint64_t mem_size() const override { return soc_.mem_size(); }
  bool WaitIrq(uint64_t max_cycles) override { return soc_.WaitIrq(max_cycles); }
  uint64_t Now() const override { return soc_.Now(); }

 private:
  model::SocModel soc_;
};

TEST(HangTest, NoProgressForTheLimitIsAHangThatNamesTheOption) {
  auto owned = std::make_unique<DeafCoreBus>(DefaultConfig());
  DeafCoreBus* bus = owned.get();
  Device dev(std::move(owned));
  tb::Rng rng(tb::SeedFromEnv(52));
  GemmJob x(dev, &rng, 64, 32, 48);
  dev.set_hang_cycles(100000);
  EXPECT_EQ(dev.hang_cycles(), 100000u);
  bus->deaf_core = 1;
  x.Enqueue(dev, /*cores=*/2);
  const uint64_t t0 = dev.Now();
  EXPECT_THAT(tb::ErrorOf<DeviceHang>([&] { dev.Synchronize(); }),
              AllOf(HasSubstr("no progress for 100000 cycles"), HasSubstr("core 1"),
                    HasSubstr("--hang-cycles"), HasSubstr("set_hang_cycles")));
  EXPECT_GE(dev.Now() - t0, 100000u);
  EXPECT_LT(dev.Now() - t0, 400000u);
  bus->deaf_core = -1;
  EXPECT_TRUE(AllCoresIdle(dev)) << "the cores were cleared";
  x.Enqueue(dev, 2);
  dev.Synchronize();
  EXPECT_EQ(x.dc.Download<int32_t>(), x.Want());
}

// A legal run longer than the limit ends the same way: the message says to raise it.
TEST(HangTest, ASlowRunNeedsALongerLimit) {
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(53));
  GemmJob x(dev, &rng, 512, 256, 512);  // ~260k cycles on one core
  dev.set_hang_cycles(1000);
  x.Enqueue(dev, 1);
  EXPECT_THAT(tb::ErrorOf<DeviceHang>([&] { dev.Synchronize(); }),
              AllOf(HasSubstr("no progress for 1000 cycles"), HasSubstr("--hang-cycles")));
  dev.set_hang_cycles(2000000);
  x.Enqueue(dev, 1);
  dev.Synchronize();
  EXPECT_EQ(x.dc.Download<int32_t>(), x.Want());
}

// Clears the stop request however the test ends.
struct StopGuard {
  ~StopGuard() { hal::ClearStop(); }
};

TEST(InterruptTest, AStopRequestEndsAWaitAndTheWorkCanBeFinishedLater) {
  Device dev = ModelDevice();
  tb::Rng rng(tb::SeedFromEnv(61));
  GemmJob x(dev, &rng, 256, 128, 256);
  StopGuard guard;
  int polls = 0;
  dev.set_progress([&](uint64_t) {
    if (++polls == 1) hal::RequestStop();  // as a Ctrl-C handler would
  });
  x.Enqueue(dev, 0);
  EXPECT_THAT(tb::ErrorOf<Interrupted>([&] { dev.Synchronize(); }),
              AllOf(HasSubstr("interrupted while waiting"), HasSubstr("device cycle")));
  EXPECT_EQ(polls, 1) << "given up at the first look";
  hal::ClearStop();
  dev.set_progress(nullptr);
  dev.Synchronize();
  EXPECT_EQ(x.dc.Download<int32_t>(), x.Want());
  EXPECT_TRUE(AllCoresIdle(dev));
}

}  // namespace
}  // namespace luoshu
