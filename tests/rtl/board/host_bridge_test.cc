// host_bridge between its own UARTs (host_bridge_tb.sv), with C++ models of the register block
// and the board memory that stall at random: every command, every error status, the framing
// and sequence rules (docs/board.md), checked against a C++ reference of the board side and,
// for the rules that say "not executed", against the models' own access counts and contents.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "Vhost_bridge_tb.h"
#include "Vhost_bridge_tb_256.h"
#include "Vhost_bridge_tb_256_params.h"
#include "Vhost_bridge_tb_params.h"
#include "sw/hal/bridge_board.h"
#include "sw/hal/bridge_protocol.h"
#include "tb/board/bridge_agents.h"
#include "tb/gtest_util.h"
#include "tb/sim.h"

namespace luoshu {
namespace {

namespace bp = hal::bridge;

// One configuration of the test top (tests/rtl/board/CMakeLists.txt).
template <class Top>
struct Cfg {
  using P = VerilatedParams<Top>;
  static constexpr int kClkPerBit = P::ClkPerBit;
  static constexpr int kMaxData = P::MaxData;
  static constexpr uint32_t kMemBase = P::MemBase;
  static constexpr uint32_t kMemBytes = P::MemBytes;
  static constexpr uint64_t kQuiet = 4 * P::TimeoutCycles + 100;
};
constexpr uint32_t kErrorFrom = 0x700;  // the register model answers SLVERR from here on
constexpr uint64_t kMaxCycles = 200000;

// ------------------------------------------------------------------ reference board
// The board side of the protocol (docs/board.md, the rules in hal::bridge::BoardRules): what
// replies a burst of bytes (sent without a TimeoutCycles gap, then the line idles) must
// produce, and the memory and register contents it leaves. STATUS payloads carry a cycle count
// the reference cannot know: it leaves those 8 bytes zero and `cycle_in_payload` set.
struct RefReply {
  bp::Reply r;
  bool cycle_in_payload = false;
};

template <class Top>
class RefBoard : private bp::BoardTarget {
 public:
  using C = Cfg<Top>;
  RefBoard() : mem(C::kMemBytes), regs(0x200), rules_(Info(), this) {
    for (uint32_t i = 0; i < C::kMemBytes; ++i) mem[i] = static_cast<uint8_t>(i * 7 + 3);
    for (uint32_t i = 0; i < 0x200; ++i) regs[i] = 0x5EED0000u ^ (i * 0x01010101u);
  }

  std::vector<RefReply> Burst(const std::vector<uint8_t>& b) {
    size_t i = 0;
    while (i < b.size() && b[i] != bp::kRequestStart) ++i;
    if (i == b.size()) return {};
    const size_t start = i;
    const size_t avail = b.size() - start;
    const uint8_t seq = avail > 2 ? b[start + 2] : 0;
    if (avail < bp::kRequestHeader) return {Framing(bp::Status::kTruncated, seq)};
    const uint16_t len = bp::Get16(&b[start + 3]);
    if (len > 4 + C::kMaxData) return {Framing(bp::Status::kBadLen, seq)};
    const size_t total = bp::kRequestHeader + len + bp::kCrcBytes;
    if (avail < total) return {Framing(bp::Status::kTruncated, seq)};
    if (bp::Crc16(&b[start + 1], 4 + len) != bp::Get16(&b[start + bp::kRequestHeader + len]))
      return {Framing(bp::Status::kBadCrc, seq)};
    if (start + total != b.size()) ADD_FAILURE() << "test bug: bytes after a good frame";
    const auto o = rules_.Frame({b.begin() + start, b.end()});
    RefReply r;
    r.r = o.reply;
    r.cycle_in_payload =
        o.cmd == static_cast<uint8_t>(bp::Cmd::kStatus) && (o.reply.status & ~bp::kDuplicate) == 0;
    return {r};
  }
  uint8_t expected() const { return rules_.expected(); }

  std::vector<uint8_t> mem;
  std::vector<uint32_t> regs;
  bool irq = false;

 private:
  static bp::BoardInfo Info() {
    bp::BoardInfo info;
    info.max_data = C::kMaxData;
    info.mem_base = C::kMemBase;
    info.mem_size = C::kMemBytes;
    return info;
  }
  RefReply Framing(bp::Status s, uint8_t seq) {
    RefReply r;
    r.r = rules_.Framing(s, seq);
    return r;
  }
  // The register model answers SLVERR from kErrorFrom on.
  bool ReadReg(uint32_t offset, uint32_t* value) override {
    if (offset >= kErrorFrom) return false;
    *value = regs[offset / 4];
    return true;
  }
  bool WriteReg(uint32_t offset, uint32_t value) override {
    if (offset >= kErrorFrom) return false;
    regs[offset / 4] = value;
    return true;
  }
  bool ReadMem(uint32_t addr, uint8_t* data, size_t n) override {
    std::copy_n(mem.begin() + (addr - C::kMemBase), n, data);
    return true;
  }
  bool WriteMem(uint32_t addr, const uint8_t* data, size_t n) override {
    std::copy_n(data, n, mem.begin() + (addr - C::kMemBase));
    return true;
  }
  uint64_t Cycles() override { return 0; }  // unknown here: see cycle_in_payload
  bool Irq() override { return irq; }

  bp::BoardRules rules_;
};

// ------------------------------------------------------------------ the bench
std::vector<uint8_t> Req(bp::Cmd cmd, uint8_t seq, std::vector<uint8_t> payload = {}) {
  return bp::EncodeRequest({static_cast<uint8_t>(cmd), seq, std::move(payload)});
}
std::vector<uint8_t> RegArgs(uint32_t off) {
  std::vector<uint8_t> p;
  bp::Put32(&p, off);
  return p;
}
std::vector<uint8_t> RegArgs(uint32_t off, uint32_t value) {
  std::vector<uint8_t> p = RegArgs(off);
  bp::Put32(&p, value);
  return p;
}
std::vector<uint8_t> ReadArgs(uint32_t addr, uint16_t count) {
  std::vector<uint8_t> p = RegArgs(addr);
  bp::Put16(&p, count);
  return p;
}
std::vector<uint8_t> WriteArgs(uint32_t addr, const std::vector<uint8_t>& data) {
  std::vector<uint8_t> p = RegArgs(addr);
  p.insert(p.end(), data.begin(), data.end());
  return p;
}

template <class Top>
class Bench {
 public:
  using C = Cfg<Top>;
  explicit Bench(uint64_t seed, double stall = 0.3, int max_gap_bits = 3)
      : rng_(seed),
        sim_(tb::CurrentTestName(), "host_bridge"),
        regs_(&sim_, &rng_, stall, kErrorFrom),
        mem_(&sim_, &rng_, stall, C::kMemBytes),
        link_(&sim_, C::kClkPerBit, 64 + C::kMaxData),
        max_gap_bits_(max_gap_bits) {
    sim_.dut().irq_i = 0;
    sim_.Reset();
  }

  // Sends `bytes` as one burst (random gaps shorter than the timeout between bytes), checks the
  // replies against the reference and returns them.
  std::vector<bp::Reply> Burst(const std::vector<uint8_t>& bytes) {
    for (uint8_t b : bytes) {
      if (max_gap_bits_ > 0) link_.driver().Gap(static_cast<int>(rng_.Uniform(0, max_gap_bits_)));
      link_.driver().Push(b);
    }
    const auto want = ref_.Burst(bytes);
    const auto got = link_.Collect(static_cast<int>(want.size()), C::kQuiet, kMaxCycles);
    EXPECT_EQ(got.size(), want.size()) << "replies to a burst of " << bytes.size() << " bytes";
    for (size_t i = 0; i < std::min(got.size(), want.size()); ++i) Check(got[i], want[i]);
    EXPECT_EQ(link_.bad_replies(), 0u) << "a reply with a bad CRC or length";
    EXPECT_EQ(link_.framing_errors(), 0u);
    CheckState();
    return got;
  }
  bp::Reply One(const std::vector<uint8_t>& frame) {
    const auto got = Burst(frame);
    if (got.size() != 1)
      throw std::runtime_error("expected one reply, got " + std::to_string(got.size()));
    return got[0];
  }
  void CheckState() {
    EXPECT_EQ(mem_.bytes(), ref_.mem) << "board memory differs from the reference";
    EXPECT_EQ(regs_.regs(), ref_.regs) << "registers differ from the reference";
  }
  void SetIrq(bool on) {
    sim_.dut().irq_i = on;
    ref_.irq = on;
  }

  tb::Rng rng_;
  tb::Simulation<Top> sim_;
  tb::AxilSlaveModel<Top> regs_;
  tb::BridgeMemModel<Top> mem_;
  tb::BridgeLink<Top> link_;
  RefBoard<Top> ref_;
  int max_gap_bits_;

 private:
  void Check(const bp::Reply& got, const RefReply& want) {
    EXPECT_EQ(bp::StatusName(got.status), bp::StatusName(want.r.status));
    EXPECT_EQ(got.seq, want.r.seq);
    std::vector<uint8_t> payload = got.payload;
    if (want.cycle_in_payload && payload.size() >= 8) {
      // The STATUS cycle is taken when the frame executes, before the reply starts.
      const uint64_t c = bp::Get64(payload.data());
      if ((got.status & bp::kDuplicate) == 0) {
        EXPECT_LE(uint32_t(c), got.cycle);
        EXPECT_GT(c, last_cycle_);
      }
      std::fill(payload.begin(), payload.begin() + 8, 0);
    }
    EXPECT_EQ(payload, want.r.payload) << "reply to SEQ " << int(want.r.seq);
    EXPECT_GT(got.cycle, last_cycle_) << "CYCLE must count up";
    last_cycle_ = got.cycle;
  }
  uint64_t last_cycle_ = 0;
};

uint8_t St(bp::Status s) { return static_cast<uint8_t>(s); }

// The `rejected` field of a STATUS reply (0xFFFFFFFF and a failure if it is no STATUS reply).
uint32_t RejectedOf(const bp::Reply& r) {
  if (r.payload.size() != 11) {
    ADD_FAILURE() << "not a STATUS reply: " << bp::StatusName(r.status) << ", " << r.payload.size()
                  << " payload bytes";
    return 0xFFFFFFFF;
  }
  return bp::Get16(&r.payload[9]);
}

template <class Top>
class HostBridgeTest : public ::testing::Test {};
// MaxData 32 with 200 bytes at 0x1000, and the shipped MaxData 256 with memory at 0 and an odd
// ClkPerBit.
using Models = ::testing::Types<Vhost_bridge_tb, Vhost_bridge_tb_256>;
TYPED_TEST_SUITE(HostBridgeTest, Models);

// ------------------------------------------------------------------ directed
TYPED_TEST(HostBridgeTest, HelloReportsTheBoard) {
  using C = Cfg<TypeParam>;
  Bench<TypeParam> b(1);
  const auto r = b.One(Req(bp::Cmd::kHello, 77));
  EXPECT_EQ(r.status, St(bp::Status::kOk));
  EXPECT_EQ(r.seq, 77);
  ASSERT_EQ(r.payload.size(), 11u);
  EXPECT_EQ(r.payload[0], 1);
  EXPECT_EQ(bp::Get16(&r.payload[1]), C::kMaxData);
  EXPECT_EQ(bp::Get32(&r.payload[3]), C::kMemBase);
  EXPECT_EQ(bp::Get32(&r.payload[7]), C::kMemBytes);
  EXPECT_EQ(b.ref_.expected(), 78);
}

TYPED_TEST(HostBridgeTest, EveryCommandWithStalls) {
  using C = Cfg<TypeParam>;
  Bench<TypeParam> b(2, 0.5, 4);
  b.One(Req(bp::Cmd::kHello, 250));
  auto r = b.One(Req(bp::Cmd::kWriteReg, 251, RegArgs(0x44, 0xCAFEF00D)));
  EXPECT_EQ(r.status, St(bp::Status::kOk));
  EXPECT_EQ(b.regs_.regs()[0x44 / 4], 0xCAFEF00Du);
  r = b.One(Req(bp::Cmd::kReadReg, 252, RegArgs(0x44)));
  ASSERT_EQ(r.payload.size(), 4u);
  EXPECT_EQ(bp::Get32(r.payload.data()), 0xCAFEF00Du);
  r = b.One(Req(bp::Cmd::kReadReg, 253, RegArgs(0x7FC - 0x100)));
  ASSERT_EQ(r.payload.size(), 4u);
  EXPECT_EQ(bp::Get32(r.payload.data()), b.regs_.regs()[(0x7FC - 0x100) / 4]);
  // Bytes at an odd address across a 16-byte line, and the whole buffer's worth at the end.
  const std::vector<uint8_t> data{0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99};
  r = b.One(Req(bp::Cmd::kWriteMem, 254, WriteArgs(C::kMemBase + 13, data)));
  EXPECT_EQ(r.status, St(bp::Status::kOk));
  EXPECT_EQ(b.mem_.bytes()[12], uint8_t(12 * 7 + 3)) << "the byte before must not change";
  EXPECT_EQ(b.mem_.bytes()[22], uint8_t(22 * 7 + 3)) << "the byte after must not change";
  r = b.One(Req(bp::Cmd::kReadMem, 255, ReadArgs(C::kMemBase + 13, 9)));
  EXPECT_EQ(r.payload, data);
  r = b.One(
      Req(bp::Cmd::kReadMem, 0, ReadArgs(C::kMemBase + C::kMemBytes - C::kMaxData, C::kMaxData)));
  EXPECT_EQ(r.payload.size(), size_t(C::kMaxData));
  std::vector<uint8_t> full(C::kMaxData);
  for (int i = 0; i < C::kMaxData; ++i) full[i] = static_cast<uint8_t>(0xF0 - i);
  EXPECT_EQ(b.One(Req(bp::Cmd::kWriteMem, 1, WriteArgs(C::kMemBase, full))).status, 0);
  b.SetIrq(true);
  r = b.One(Req(bp::Cmd::kStatus, 2));
  ASSERT_EQ(r.payload.size(), 11u);
  EXPECT_EQ(r.payload[8], 1) << "irq flag";
  EXPECT_EQ(RejectedOf(r), 0u) << "nothing rejected yet";
  EXPECT_EQ(b.regs_.writes(), 1u);
  EXPECT_EQ(b.regs_.reads(), 2u);
  EXPECT_EQ(b.mem_.writes(), data.size() + C::kMaxData);
}

// A WRITE_MEM frame with every single bit flipped in turn: each copy is rejected (BAD_CRC, or
// BAD_LEN / TRUNCATED when the flip lands in LEN, or ignored when it hits the start byte) and
// leaves memory, registers and the sequence alone; the intact frame then executes.
TYPED_TEST(HostBridgeTest, EveryFlippedBitIsRejectedAndNotExecuted) {
  using C = Cfg<TypeParam>;
  Bench<TypeParam> b(3, 0.2, 0);
  b.One(Req(bp::Cmd::kHello, 9));
  const auto frame = Req(bp::Cmd::kWriteMem, 10, WriteArgs(C::kMemBase + 5, {1, 2, 3, 4, 5, 6}));
  uint16_t rejected = 0;
  for (size_t bit = 0; bit < frame.size() * 8; ++bit) {
    SCOPED_TRACE("bit " + std::to_string(bit));
    auto bad = frame;
    bad[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    const auto got = b.Burst(bad);
    if (bit < 8) {
      EXPECT_TRUE(got.empty()) << "a damaged start byte starts no frame";
      continue;
    }
    ASSERT_EQ(got.size(), 1u);
    const uint8_t s = got[0].status;
    EXPECT_TRUE(s == St(bp::Status::kBadCrc) || s == St(bp::Status::kBadLen) ||
                s == St(bp::Status::kTruncated))
        << bp::StatusName(s);
    EXPECT_TRUE(got[0].payload.empty());
    ++rejected;
    EXPECT_EQ(b.mem_.writes(), 0u);
  }
  const auto ok = b.One(frame);
  EXPECT_EQ(ok.status, St(bp::Status::kOk));
  EXPECT_EQ(b.mem_.writes(), 6u);
  const auto st = b.One(Req(bp::Cmd::kStatus, 11));
  EXPECT_EQ(RejectedOf(st), rejected);
}

TYPED_TEST(HostBridgeTest, FrameCutAtEveryPositionIsTruncated) {
  using C = Cfg<TypeParam>;
  Bench<TypeParam> b(4, 0.2, 2);
  b.One(Req(bp::Cmd::kHello, 0));
  const auto frame = Req(bp::Cmd::kWriteReg, 1, RegArgs(0x10, 0x12345678));
  for (size_t cut = 1; cut < frame.size(); ++cut) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    const auto got = b.Burst({frame.begin(), frame.begin() + cut});
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].status, St(bp::Status::kTruncated));
    EXPECT_EQ(got[0].seq, cut > 2 ? 1 : 0) << "the SEQ byte if it came";
    EXPECT_EQ(b.regs_.writes(), 0u);
  }
  EXPECT_EQ(b.One(frame).status, St(bp::Status::kOk));
  EXPECT_EQ(b.regs_.writes(), 1u);
}

// The last executed frame again: the stored reply with DUPLICATE, nothing executed again. A
// WRITE_MEM replayed after the memory changed does not overwrite it; a READ_MEM replayed
// returns the data of its first execution; a READ_REG replayed does not read the register.
TYPED_TEST(HostBridgeTest, ReplayedFrameGetsTheStoredReplyAndIsNotExecuted) {
  using C = Cfg<TypeParam>;
  Bench<TypeParam> b(5);
  b.One(Req(bp::Cmd::kHello, 40));
  const auto write = Req(bp::Cmd::kWriteMem, 41, WriteArgs(C::kMemBase + 100, {0xAB, 0xCD}));
  EXPECT_EQ(b.One(write).status, St(bp::Status::kOk));
  b.mem_.bytes()[100] = 0x5A;  // the SoC changes the memory afterwards
  b.ref_.mem[100] = 0x5A;
  auto r = b.One(write);
  EXPECT_EQ(r.status, St(bp::Status::kOk) | bp::kDuplicate);
  EXPECT_EQ(b.mem_.bytes()[100], 0x5A) << "a replayed WRITE_MEM wrote memory again";
  EXPECT_EQ(b.mem_.writes(), 2u);

  const auto read = Req(bp::Cmd::kReadMem, 42, ReadArgs(C::kMemBase + 99, 3));
  const auto first = b.One(read);
  EXPECT_EQ(first.payload, (std::vector<uint8_t>{uint8_t(99 * 7 + 3), 0x5A, 0xCD}));
  b.mem_.bytes()[101] = 0x00;
  b.ref_.mem[101] = 0x00;
  r = b.One(read);
  EXPECT_EQ(r.status, bp::kDuplicate);
  EXPECT_EQ(r.payload, first.payload) << "the stored reply, not a second read";

  const auto reg = Req(bp::Cmd::kReadReg, 43, RegArgs(0x20));
  b.One(reg);
  const uint64_t reads = b.regs_.reads();
  b.One(reg);
  b.One(reg);
  EXPECT_EQ(b.regs_.reads(), reads);
}

TYPED_TEST(HostBridgeTest, OldSeqAndSeqBeforeHelloAreBadSeq) {
  using C = Cfg<TypeParam>;
  Bench<TypeParam> b(6);
  auto r = b.One(Req(bp::Cmd::kReadReg, 0, RegArgs(0)));
  EXPECT_EQ(r.status, St(bp::Status::kBadSeq)) << "before any HELLO";
  EXPECT_EQ(b.regs_.reads(), 0u);
  b.One(Req(bp::Cmd::kHello, 5));
  b.One(Req(bp::Cmd::kWriteReg, 6, RegArgs(0x8, 1)));
  b.One(Req(bp::Cmd::kWriteReg, 7, RegArgs(0x8, 2)));
  for (uint8_t old : {uint8_t(6), uint8_t(5), uint8_t(9), uint8_t(200)}) {
    r = b.One(Req(bp::Cmd::kWriteReg, old, RegArgs(0x8, 99)));
    EXPECT_EQ(r.status, St(bp::Status::kBadSeq));
    EXPECT_EQ(r.seq, old);
    EXPECT_EQ(r.payload, std::vector<uint8_t>{8}) << "the expected SEQ";
  }
  EXPECT_EQ(b.regs_.regs()[2], 2u);
  // BAD_SEQ replies are not stored: the last executed frame still gets its own reply back.
  r = b.One(Req(bp::Cmd::kWriteReg, 7, RegArgs(0x8, 2)));
  EXPECT_EQ(r.status, bp::kDuplicate);
  EXPECT_EQ(b.regs_.writes(), 2u);
  r = b.One(Req(bp::Cmd::kStatus, 8));
  EXPECT_EQ(RejectedOf(r), 5u) << "five BAD_SEQ frames rejected";
  // A HELLO with any SEQ resynchronizes.
  b.One(Req(bp::Cmd::kHello, 100));
  EXPECT_EQ(b.One(Req(bp::Cmd::kStatus, 101)).status, St(bp::Status::kOk));
}

TYPED_TEST(HostBridgeTest, UnknownCommandBadLengthBadAddressBusError) {
  using C = Cfg<TypeParam>;
  Bench<TypeParam> b(7);
  uint8_t seq = 0;
  b.One(Req(bp::Cmd::kHello, seq++));
  auto expect = [&](const std::vector<uint8_t>& frame, bp::Status s) {
    SCOPED_TRACE(bp::StatusName(St(s)) + " for a frame of " + std::to_string(frame.size()));
    const auto r = b.One(frame);
    EXPECT_EQ(r.status, St(s));
    EXPECT_TRUE(r.payload.empty());
  };
  for (uint8_t cmd : {0x06, 0x10, 0x7F, 0xFF})
    expect(bp::EncodeRequest({cmd, seq++, {1, 2, 3, 4}}), bp::Status::kUnknownCmd);
  // BAD_LEN for each command (a HELLO with a payload still resynchronizes).
  expect(Req(bp::Cmd::kHello, seq++, {1}), bp::Status::kBadLen);
  expect(Req(bp::Cmd::kReadReg, seq++, {0, 0, 0}), bp::Status::kBadLen);
  expect(Req(bp::Cmd::kReadReg, seq++, RegArgs(0, 0)), bp::Status::kBadLen);
  expect(Req(bp::Cmd::kWriteReg, seq++, RegArgs(0)), bp::Status::kBadLen);
  expect(Req(bp::Cmd::kWriteReg, seq++, WriteArgs(0, {1, 2, 3, 4, 5})), bp::Status::kBadLen);
  expect(Req(bp::Cmd::kReadMem, seq++, RegArgs(C::kMemBase)), bp::Status::kBadLen);
  expect(Req(bp::Cmd::kReadMem, seq++, ReadArgs(C::kMemBase, 0)), bp::Status::kBadLen);
  expect(Req(bp::Cmd::kReadMem, seq++, ReadArgs(C::kMemBase, C::kMaxData + 1)),
         bp::Status::kBadLen);
  expect(Req(bp::Cmd::kWriteMem, seq++, RegArgs(C::kMemBase)), bp::Status::kBadLen);
  expect(Req(bp::Cmd::kStatus, seq++, {0}), bp::Status::kBadLen);
  // BAD_ADDR: below, above, straddling the end; register offsets unaligned and out of range.
  expect(Req(bp::Cmd::kReadMem, seq++, ReadArgs(C::kMemBase - 1, 1)), bp::Status::kBadAddr);
  expect(Req(bp::Cmd::kReadMem, seq++, ReadArgs(C::kMemBase + C::kMemBytes, 1)),
         bp::Status::kBadAddr);
  expect(Req(bp::Cmd::kReadMem, seq++, ReadArgs(C::kMemBase + C::kMemBytes - 3, 4)),
         bp::Status::kBadAddr);
  expect(Req(bp::Cmd::kReadMem, seq++, ReadArgs(0xFFFFFFF0u, 32)), bp::Status::kBadAddr);
  expect(Req(bp::Cmd::kWriteMem, seq++, WriteArgs(C::kMemBase + C::kMemBytes - 1, {1, 2})),
         bp::Status::kBadAddr);
  expect(Req(bp::Cmd::kWriteMem, seq++, WriteArgs(C::kMemBase + C::kMemBytes, {1})),
         bp::Status::kBadAddr);
  expect(Req(bp::Cmd::kReadReg, seq++, RegArgs(0x802)), bp::Status::kBadAddr);
  expect(Req(bp::Cmd::kReadReg, seq++, RegArgs(0x800)), bp::Status::kBadAddr);
  expect(Req(bp::Cmd::kReadReg, seq++, RegArgs(0xFFFFFFFCu)), bp::Status::kBadAddr);
  expect(Req(bp::Cmd::kWriteReg, seq++, RegArgs(0x13, 1)), bp::Status::kBadAddr);
  EXPECT_EQ(b.mem_.reads() + b.mem_.writes() + b.regs_.reads() + b.regs_.writes(), 0u)
      << "a refused command touched a port";
  // The last byte of memory is in range.
  EXPECT_EQ(
      b.One(Req(bp::Cmd::kReadMem, seq++, ReadArgs(C::kMemBase + C::kMemBytes - 4, 4))).status, 0);
  // BUS_ERROR: the register block answers SLVERR.
  expect(Req(bp::Cmd::kReadReg, seq++, RegArgs(kErrorFrom)), bp::Status::kBusError);
  expect(Req(bp::Cmd::kWriteReg, seq++, RegArgs(0x7FC, 5)), bp::Status::kBusError);
  // Errors of executed frames are stored and replayed like any reply.
  const auto again = b.One(Req(bp::Cmd::kWriteReg, uint8_t(seq - 1), RegArgs(0x7FC, 5)));
  EXPECT_EQ(again.status, St(bp::Status::kBusError) | bp::kDuplicate);
  // LEN over 4 + MaxData is a framing error: BAD_LEN once the line is idle, not executed.
  std::vector<uint8_t> big(4 + C::kMaxData + 1, 0x33);
  const auto r = b.One(Req(bp::Cmd::kWriteMem, seq, big));
  EXPECT_EQ(r.status, St(bp::Status::kBadLen));
  EXPECT_EQ(b.One(Req(bp::Cmd::kStatus, seq)).status, 0) << "the sequence did not move";
}

TYPED_TEST(HostBridgeTest, GarbageBetweenFramesAndFalseStartsAreIgnored) {
  using C = Cfg<TypeParam>;
  Bench<TypeParam> b(8);
  b.One(Req(bp::Cmd::kHello, 0));
  for (uint8_t seq = 1; seq < 6; ++seq) {
    std::vector<uint8_t> burst;
    for (int i = 0, n = int(b.rng_.Uniform(1, 6)); i < n; ++i) {
      uint8_t g;
      do g = static_cast<uint8_t>(b.rng_.Uniform(0, 255));
      while (g == bp::kRequestStart);
      burst.push_back(g);
    }
    const auto frame = Req(bp::Cmd::kReadMem, seq, ReadArgs(C::kMemBase + seq * 11, seq));
    burst.insert(burst.end(), frame.begin(), frame.end());
    const auto r = b.Burst(burst);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r[0].status, 0);
  }
  // Low pulses shorter than half a bit are no start bit.
  b.link_.Glitch(C::kClkPerBit / 2 - 1);
  b.sim_.Step(8 * C::kClkPerBit);
  b.link_.Glitch(1);
  b.sim_.Step(8 * C::kClkPerBit);
  EXPECT_EQ(b.One(Req(bp::Cmd::kStatus, 6)).status, 0);
  EXPECT_EQ(b.sim_.dut().overrun_o, 0);
}

// ------------------------------------------------------------------ random
// A seeded stream of good frames (every command, sometimes out of range or mis-sized), their
// replays, stale SEQs, HELLOs, and damaged frames (a flipped bit, a cut, garbage in front),
// through stalling models; every reply and the final memory and registers against RefBoard.
TYPED_TEST(HostBridgeTest, RandomStreamMatchesTheReference) {
  using C = Cfg<TypeParam>;
  for (tb::Round& round : tb::Rounds(tb::SeedFromEnv(20261204), 3)) {
    tb::Rng& rng = round.rng;
    Bench<TypeParam> b(rng.Bits64(), rng.Uniform(0, 5) / 10.0, int(rng.Uniform(0, 4)));
    std::vector<uint8_t> last;
    for (int step : tb::Steps(400)) {
      (void)step;
      uint8_t seq = b.ref_.expected();
      const int kind = int(rng.Uniform(0, 99));
      if (kind < 4) seq = static_cast<uint8_t>(rng.Uniform(0, 255));
      std::vector<uint8_t> frame;
      const auto addr = [&] {
        return uint32_t(rng.Chance(0.1) ? rng.Uniform(0, C::kMemBase + C::kMemBytes + 40)
                                        : C::kMemBase + rng.Uniform(0, C::kMemBytes - 1));
      };
      switch (rng.Uniform(0, 6)) {
        case 0:
          frame = Req(bp::Cmd::kHello, seq);
          break;
        case 1:
          frame = Req(bp::Cmd::kReadReg, seq, RegArgs(uint32_t(rng.Uniform(0, 0x810)) & ~1u));
          break;
        case 2:
          frame = Req(bp::Cmd::kWriteReg, seq,
                      RegArgs(uint32_t(rng.Uniform(0, 0x1FF)) * 4, uint32_t(rng.Bits64())));
          break;
        case 3:
          frame =
              Req(bp::Cmd::kReadMem, seq,
                  ReadArgs(addr(), uint16_t(rng.Uniform(rng.Chance(0.05) ? 0 : 1, C::kMaxData))));
          break;
        case 4: {
          std::vector<uint8_t> data(size_t(rng.Uniform(1, C::kMaxData)));
          for (auto& x : data) x = uint8_t(rng.Bits64());
          frame = Req(bp::Cmd::kWriteMem, seq, WriteArgs(addr(), data));
          break;
        }
        case 5:
          frame = Req(bp::Cmd::kStatus, seq);
          break;
        default:
          frame = bp::EncodeRequest({uint8_t(rng.Uniform(6, 255)), seq, {}});
      }
      if (!last.empty() && rng.Chance(0.1)) frame = last;  // a replay
      if (rng.Chance(0.15)) {
        const size_t bit = size_t(rng.Uniform(8, frame.size() * 8 - 1));
        frame[bit / 8] ^= uint8_t(1u << (bit % 8));
      } else if (rng.Chance(0.1)) {
        frame.resize(size_t(rng.Uniform(1, frame.size() - 1)));
      } else {
        last = frame;
      }
      if (rng.Chance(0.15)) {
        frame.insert(frame.begin(), uint8_t(rng.Uniform(0, 0xA4)));
      }
      if (rng.Chance(0.1)) b.SetIrq(!b.ref_.irq);
      b.Burst(frame);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

}  // namespace
}  // namespace luoshu
