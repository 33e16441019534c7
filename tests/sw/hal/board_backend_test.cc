// The board backend (sw/hal/board_backend.h) against FakeBoard, the board side of the bridge
// protocol in C++ over the functional model, through an in-process link that damages frames:
// GEMMs are bit-exact with and without every kind of fault, resends never execute a command
// twice, a dead link fails in bounded time with a clear message, error replies become
// BusErrors, BAD_SEQ resynchronizes, an unknown protocol version is refused.
#include "sw/hal/board_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sw/hal/backend.h"
#include "sw/hal/reg_map.h"
#include "sw/hal/stop.h"
#include "sw/model/gemm.h"
#include "sw/model/soc_model.h"
#include "sw/ops/gemm.h"
#include "sw/runtime/device.h"
#include "tests/sw/hal/fake_board.h"

namespace luoshu {
namespace {

using test::FakeBoard;
using test::FaultyLink;
using test::LinkFaults;
using ::testing::HasSubstr;

// A FakeBoard on the model, a FaultyLink to it and a BoardBus over the link.
struct Rig {
  explicit Rig(const LinkFaults& faults = {}, FakeBoard::Options board_options = {},
               hal::BoardLinkOptions link_options = Quick())
      : board(std::make_unique<model::SocModel>(test::BoardSocConfig()), board_options) {
    auto l = std::make_unique<FaultyLink>(&board, faults);
    link = l.get();
    bus = std::make_unique<hal::BoardBus>(std::move(l), link_options);
  }
  static hal::BoardLinkOptions Quick() {
    hal::BoardLinkOptions o;
    o.retries = 8;
    return o;
  }
  const hal::BoardLinkStats& stats() const { return bus ? bus->stats() : final_stats; }
  FakeBoard board;
  FaultyLink* link = nullptr;
  std::unique_ptr<hal::BoardBus> bus;
  hal::BoardLinkStats final_stats;  // once a Device took the bus and is gone
};

// A GEMM on a Device over the rig's bus, bit-exact with the model. The Device takes the bus;
// its statistics stay in the rig.
void GemmBitExact(Rig* r, int m, int n, int k, uint64_t seed) {
  const hal::BoardBus* board_bus = r->bus.get();
  Device dev(std::move(r->bus), 64);
  struct Keep {
    Rig* r;
    const hal::BoardBus* bus;
    ~Keep() { r->final_stats = bus->stats(); }
  } keep{r, board_bus};
  EXPECT_EQ(dev.info().dim, 8);
  EXPECT_EQ(dev.cores(), 1);
  EXPECT_EQ(test::GemmMismatches(dev, m, n, k, seed), 0);
}

// Every command the host completed ran exactly once on the board (HELLOs aside).
void ExpectEachCommandOnce(const Rig& r) {
  const hal::BoardLinkStats& s = r.stats();
  EXPECT_EQ(r.board.executed(), s.commands - 1 - s.resyncs);
  EXPECT_EQ(r.board.max_executions_per_seq(), 1);
}

// ---------------------------------------------------------------- a clean link

TEST(BoardBus, HelloReadsTheBoardsMemoryAndFrameSize) {
  FakeBoard::Options bo;
  bo.max_data = 64;
  Rig r({}, bo);
  EXPECT_EQ(r.bus->mem_base(), 0u);
  EXPECT_EQ(r.bus->mem_size(), 128u << 10);
  EXPECT_EQ(r.bus->max_data(), 64);
  EXPECT_THAT(r.bus->Describe(), HasSubstr("board on test link (bridge v1, 128 KiB"));
  EXPECT_EQ(r.board.hellos(), 1u);
  // Memory moves in frames of at most max_data bytes, and comes back as written.
  std::vector<uint8_t> out(1000), in(1000);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(i * 7 + 3);
  const uint64_t frames0 = r.bus->stats().frames_sent;
  r.bus->WriteMem(0x1003, out.data(), out.size());
  EXPECT_EQ(r.bus->stats().frames_sent - frames0, 16u);  // ceil(1000 / 64)
  r.bus->ReadMem(0x1003, in.data(), in.size());
  EXPECT_EQ(in, out);
  // Byte-exact: the neighbours are untouched.
  uint8_t edge[2] = {1, 1};
  r.bus->ReadMem(0x1002, edge, 1);
  r.bus->ReadMem(0x1003 + 1000, edge + 1, 1);
  EXPECT_EQ(edge[0], 0);
  EXPECT_EQ(edge[1], 0);
  ExpectEachCommandOnce(r);
}

TEST(BoardBus, RegistersReachTheSocAndNowAdvancesWithEveryAccess) {
  Rig r;
  const uint32_t config = r.board.soc().ReadReg(hal::reg::kConfig);
  uint64_t t = r.bus->Now();
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(r.bus->ReadReg(hal::reg::kConfig), config);
    EXPECT_GT(r.bus->Now(), t);
    t = r.bus->Now();
  }
  const uint32_t mask = hal::reg::Core(0, hal::reg::kIntMask);
  r.bus->WriteReg(mask, 0x3);
  EXPECT_EQ(r.board.soc().ReadReg(mask), 0x3u);
  EXPECT_EQ(r.bus->stats().retries, 0u);
}

TEST(BoardBus, WaitIrqPollsStatusUntilMaxCyclesOfBoardTime) {
  Rig r;
  const uint64_t t0 = r.bus->Now();
  EXPECT_FALSE(r.bus->WaitIrq(20000));  // nothing runs: the line stays low
  EXPECT_GE(r.bus->Now() - t0, 20000u);
  EXPECT_GT(r.bus->stats().commands, 3u);  // several STATUS polls, not one long wait
}

TEST(BoardBus, AStopRequestEndsAWaitEarly) {
  Rig r;
  hal::RequestStop();
  const uint64_t t0 = r.bus->Now();
  EXPECT_FALSE(r.bus->WaitIrq(1000000));
  hal::ClearStop();
  EXPECT_LT(r.bus->Now() - t0, 10000u);  // one STATUS poll, not a million cycles
}

TEST(BoardBus, GemmIsBitExactOnTheBoardsOwnConfiguration) {
  Rig r;
  GemmBitExact(&r, 40, 24, 56, 3);
  EXPECT_EQ(r.link->injected_total(), 0u);
  EXPECT_EQ(r.stats().retries, 0u);
  EXPECT_GT(r.stats().commands, 50u);
  ExpectEachCommandOnce(r);
}

// ---------------------------------------------------------------- damaged links

LinkFaults Only(FaultyLink::Kind k, double rate, uint64_t seed) {
  LinkFaults f;
  f.seed = seed;
  switch (k) {
    case FaultyLink::kCorruptRequest:
      f.corrupt_request = rate;
      break;
    case FaultyLink::kDropRequestByte:
      f.drop_request_byte = rate;
      break;
    case FaultyLink::kCorruptReply:
      f.corrupt_reply = rate;
      break;
    case FaultyLink::kDropReplyByte:
      f.drop_reply_byte = rate;
      break;
    case FaultyLink::kDropReply:
      f.drop_reply = rate;
      break;
    case FaultyLink::kDuplicateReply:
      f.duplicate_reply = rate;
      break;
    case FaultyLink::kDelayReply:
      f.delay_reply = rate;
      break;
    case FaultyLink::kKinds:
      break;
  }
  return f;
}

class BoardBusFaults : public ::testing::TestWithParam<FaultyLink::Kind> {};

TEST_P(BoardBusFaults, GemmStaysBitExactAndNoCommandRunsTwice) {
  const FaultyLink::Kind kind = GetParam();
  Rig r;
  r.link->set_faults(Only(kind, 0.04, 11 + kind));
  GemmBitExact(&r, 48, 40, 72, 5);
  EXPECT_GT(r.link->injected(kind), 3u) << "the fault was not injected often enough";
  if (kind != FaultyLink::kDuplicateReply) {
    EXPECT_GT(r.stats().retries, 3u);
  }
  ExpectEachCommandOnce(r);
}

// The host's side of the same run: which counters each fault moves.
TEST_P(BoardBusFaults, RetriesAreCounted) {
  const FaultyLink::Kind kind = GetParam();
  Rig r;
  r.link->set_faults(Only(kind, 0.1, 100 + kind));
  std::vector<uint8_t> out(3000), in(3000);
  for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<uint8_t>(i * 13 + 1);
  for (int rep = 0; rep < 4; ++rep) {
    r.bus->WriteMem(0x2000 + 512 * rep, out.data(), out.size());
    r.bus->ReadMem(0x2000 + 512 * rep, in.data(), in.size());
    ASSERT_EQ(in, out);
    EXPECT_EQ(r.bus->ReadReg(hal::reg::kConfig), r.board.soc().ReadReg(hal::reg::kConfig));
  }
  const hal::BoardLinkStats& s = r.bus->stats();
  ASSERT_GT(r.link->injected(kind), 0u);
  if (kind == FaultyLink::kDuplicateReply) {
    EXPECT_GT(s.stale, 0u);  // the second copy is dropped, nothing is resent
    EXPECT_EQ(s.retries, 0u);
  } else {
    EXPECT_GT(s.retries, 0u);
    EXPECT_EQ(s.frames_sent, s.commands + s.retries);
  }
  if (kind == FaultyLink::kDropReply) {
    EXPECT_GT(s.duplicates, 0u);
  }
  if (kind == FaultyLink::kCorruptReply) {
    EXPECT_GT(s.bad_replies + s.timeouts, 0u);
  }
  if (kind == FaultyLink::kCorruptRequest) {
    EXPECT_GT(s.framing_errors, 0u);
  }
  if (kind == FaultyLink::kDelayReply) {
    EXPECT_GT(s.stale, 0u);
  }
  ExpectEachCommandOnce(r);
}

std::string KindName(const ::testing::TestParamInfo<FaultyLink::Kind>& i) {
  static const char* const kNames[] = {"CorruptRequest", "DropRequestByte", "CorruptReply",
                                       "DropReplyByte",  "DropReply",       "DuplicateReply",
                                       "DelayReply"};
  return kNames[i.param];
}

INSTANTIATE_TEST_SUITE_P(Kinds, BoardBusFaults,
                         ::testing::Values(FaultyLink::kCorruptRequest,
                                           FaultyLink::kDropRequestByte, FaultyLink::kCorruptReply,
                                           FaultyLink::kDropReplyByte, FaultyLink::kDropReply,
                                           FaultyLink::kDuplicateReply, FaultyLink::kDelayReply),
                         KindName);

TEST(BoardBus, GemmIsBitExactWithEveryFaultAtOnce) {
  LinkFaults f;
  f.corrupt_request = f.drop_request_byte = f.corrupt_reply = f.drop_reply_byte = 0.02;
  f.drop_reply = f.duplicate_reply = f.delay_reply = 0.02;
  f.seed = 77;
  Rig r(f);
  GemmBitExact(&r, 64, 40, 80, 9);
  EXPECT_GT(r.link->injected_total(), 20u);
  ExpectEachCommandOnce(r);
}

TEST(BoardBus, ALostReplyIsAnsweredFromTheStoredReplyNotExecutedAgain) {
  Rig r;
  const uint64_t executed = r.board.executed();
  LinkFaults f;
  f.drop_next_replies = 1;
  r.link->set_faults(f);
  const uint8_t v[4] = {9, 8, 7, 6};
  r.bus->WriteMem(0x100, v, 4);
  EXPECT_EQ(r.board.executed() - executed, 1u);
  EXPECT_EQ(r.board.duplicates_sent(), 1u);
  EXPECT_EQ(r.bus->stats().duplicates, 1u);
  EXPECT_EQ(r.bus->stats().retries, 1u);
  // A duplicate carries its first CYCLE. Here the host has seen a later one before it (the
  // reply is lost, the resend damaged, its BAD_CRC reply is fresh): Now() does not go back.
  const uint64_t t = r.bus->Now();
  f.drop_next_replies = 1;
  f.corrupt_requests = {1};
  r.link->set_faults(f);
  r.bus->ReadReg(hal::reg::kId);
  EXPECT_EQ(r.bus->stats().framing_errors, 1u);
  EXPECT_EQ(r.bus->stats().duplicates, 2u);
  EXPECT_GE(r.bus->Now(), t);
  EXPECT_LT(r.bus->Now() - t, 100000u) << "an old CYCLE was taken as a wrap-around";
  ExpectEachCommandOnce(r);
}

// ---------------------------------------------------------------- failures

TEST(BoardBus, ADeadLinkFailsAfterTheRetriesNamingTheCommand) {
  hal::BoardLinkOptions o;
  o.retries = 3;
  Rig r({}, {}, o);
  LinkFaults dead;
  dead.dead = true;
  r.link->set_faults(dead);
  const uint64_t frames0 = r.bus->stats().frames_sent;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    r.bus->ReadReg(0x10);
    FAIL() << "no error";
  } catch (const hal::LinkError& e) {
    EXPECT_THAT(e.what(), HasSubstr("READ_REG 0x10"));
    EXPECT_THAT(e.what(), HasSubstr("no valid reply after 4 attempt(s)"));
    EXPECT_THAT(e.what(), HasSubstr("last: no reply"));
    EXPECT_THAT(e.what(), HasSubstr("--link-timeout-ms"));
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(r.bus->stats().frames_sent - frames0, 4u);
  EXPECT_EQ(r.bus->stats().retries, 3u);
}

TEST(BoardBus, NoBoardAtOpenIsALinkErrorAboutHello) {
  FakeBoard board(std::make_unique<model::SocModel>(test::BoardSocConfig()));
  LinkFaults dead;
  dead.dead = true;
  hal::BoardLinkOptions o;
  o.retries = 2;
  try {
    hal::BoardBus bus(std::make_unique<FaultyLink>(&board, dead), o);
    FAIL() << "opened without a board";
  } catch (const hal::LinkError& e) {
    EXPECT_THAT(e.what(), HasSubstr("HELLO: no valid reply after 3 attempt(s)"));
  }
}

TEST(BoardBus, ErrorRepliesBecomeBusErrorsWithTheReasonAndAreNotRetried) {
  Rig r;
  // An aligned offset inside the register space that the register block does not decode.
  model::SocModel probe(test::BoardSocConfig());
  uint32_t unmapped = 0;
  for (uint32_t off = hal::bridge::kRegSpace - 4; off > 0 && !unmapped; off -= 4) {
    try {
      probe.ReadReg(off);
    } catch (const hal::BusError&) {
      unmapped = off;
    }
  }
  ASSERT_NE(unmapped, 0u);
  struct Case {
    std::function<void()> op;
    const char* status;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {[&] { r.bus->ReadReg(0x800); }, "READ_REG 0x800: BAD_ADDR", "out of range"},
      {[&] { r.bus->WriteReg(0x42, 1); }, "WRITE_REG 0x42: BAD_ADDR", "not word aligned"},
      {[&] { r.bus->ReadReg(unmapped); }, ": BUS_ERROR", "SLVERR/DECERR"},
  };
  for (const Case& c : cases) {
    const uint64_t frames0 = r.bus->stats().frames_sent;
    try {
      c.op();
      ADD_FAILURE() << c.status << ": no error";
    } catch (const hal::LinkError& e) {
      ADD_FAILURE() << "a link error instead of a bus error: " << e.what();
    } catch (const hal::BusError& e) {
      EXPECT_THAT(e.what(), HasSubstr(c.status));
      EXPECT_THAT(e.what(), HasSubstr(c.reason));
    }
    EXPECT_EQ(r.bus->stats().frames_sent - frames0, 1u) << c.status << " was retried";
  }
  // Memory outside the board's: refused before anything is sent.
  uint8_t buf[8];
  try {
    r.bus->ReadMem((128 << 10) - 4, buf, 8);
    ADD_FAILURE() << "no error";
  } catch (const hal::BusError& e) {
    EXPECT_THAT(e.what(), HasSubstr("leaves the board's device memory [0x0, 0x20000)"));
  }
  // The link is fine afterwards.
  EXPECT_EQ(r.bus->ReadReg(hal::reg::kConfig), probe.ReadReg(hal::reg::kConfig));
  ExpectEachCommandOnce(r);
}

TEST(BoardBus, BadSeqAfterABoardResetResynchronizesWithHello) {
  Rig r;
  r.bus->ReadReg(hal::reg::kId);
  r.board.Reset();  // the board forgot the sequence (a reset button, a reprogram)
  const uint32_t want = r.board.soc().ReadReg(hal::reg::kConfig);
  EXPECT_EQ(r.bus->ReadReg(hal::reg::kConfig), want);
  EXPECT_EQ(r.board.bad_seq_sent(), 1u);
  EXPECT_EQ(r.bus->stats().resyncs, 1u);
  EXPECT_EQ(r.board.hellos(), 2u);
  ExpectEachCommandOnce(r);
}

// The model with its clock moved: counting from `offset`, or standing still there.
class MovedClock : public hal::HostBus {
 public:
  MovedClock(uint64_t offset, bool stopped)
      : soc_(test::BoardSocConfig()), offset_(offset), stopped_(stopped) {}
  uint32_t ReadReg(uint32_t offset) override { return soc_.ReadReg(offset); }
  void WriteReg(uint32_t offset, uint32_t value) override { soc_.WriteReg(offset, value); }
  void WriteMem(uint64_t addr, const void* src, uint64_t len) override {
    soc_.WriteMem(addr, src, len);
  }
  void ReadMem(uint64_t addr, void* dst, uint64_t len) override { soc_.ReadMem(addr, dst, len); }
  uint64_t mem_base() const override { return soc_.mem_base(); }
  uint64_t mem_size() const override { return soc_.mem_size(); }
  bool WaitIrq(uint64_t max_cycles) override { return !stopped_ && soc_.WaitIrq(max_cycles); }
  uint64_t Now() const override { return offset_ + (stopped_ ? 0 : soc_.Now()); }

 private:
  model::SocModel soc_;
  uint64_t offset_;
  bool stopped_;
};

TEST(BoardBus, NowFollowsTheBoardsCounterPastThe32BitCycleField) {
  // A board that has run for a while: its counter is about to pass 2^32.
  const uint64_t start = (uint64_t{1} << 32) - 5000;
  FakeBoard board(std::make_unique<MovedClock>(start, false));
  hal::BoardBus bus(std::make_unique<FaultyLink>(&board, LinkFaults{}));
  EXPECT_GE(bus.Now(), start);
  uint64_t t = bus.Now();
  for (int i = 0; i < 40; ++i) {
    bus.ReadReg(hal::reg::kId);
    EXPECT_GT(bus.Now(), t);
    EXPECT_LT(bus.Now() - t, 5000u);
    t = bus.Now();
  }
  EXPECT_GT(t, uint64_t{1} << 32);
  EXPECT_LE(t, board.soc().Now());
}

TEST(BoardBus, ABoardWhoseClockStandsStillIsAnErrorNotAHang) {
  FakeBoard board(std::make_unique<MovedClock>(1234, true));
  hal::BoardBus bus(std::make_unique<FaultyLink>(&board, LinkFaults{}));
  try {
    bus.WaitIrq(1000);
    FAIL() << "returned";
  } catch (const hal::LinkError& e) {
    EXPECT_THAT(e.what(), HasSubstr("cycle counter stood still at 1234"));
  }
}

TEST(BoardBus, RefusesAProtocolVersionItDoesNotKnow) {
  FakeBoard::Options bo;
  bo.version = 2;
  try {
    Rig r({}, bo);
    FAIL() << "opened a version 2 board";
  } catch (const hal::ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("speaks bridge protocol version 2"));
    EXPECT_THAT(e.what(), HasSubstr("this luoshu speaks version 1"));
  }
}

// ---------------------------------------------------------------- the backend registry

TEST(BoardBackend, RefusesMissingOrBadOptionsWithTheFix) {
  hal::RegisterBoardBackend();
  struct Case {
    std::function<void(hal::BackendOptions*)> set;
    const char* message;
  };
  const std::vector<Case> cases = {
      {[](hal::BackendOptions*) {}, "needs the board's serial device: --device PATH"},
      {[](hal::BackendOptions* o) { o->device = "/nonexistent/tty"; }, "does not exist"},
      {[](hal::BackendOptions* o) { o->device = "/dev/null"; }, "is not a terminal"},
      {[](hal::BackendOptions* o) { o->device = "/"; }, "is not a serial device"},
      {[](hal::BackendOptions* o) {
         o->device = "/dev/null";
         o->baud = 12345;
       },
       "--baud 12345 is not a serial rate"},
      {[](hal::BackendOptions* o) {
         o->device = "/dev/null";
         o->link_timeout_ms = 0;
       },
       "--link-timeout-ms=0 is out of range"},
      {[](hal::BackendOptions* o) {
         o->device = "/dev/null";
         o->link_retries = -1;
       },
       "--link-retries=-1 is out of range"},
      {[](hal::BackendOptions* o) {
         o->device = "/dev/null";
         o->mem_stall = 0.5;
       },
       "the board backend has no memory stalls"},
      {[](hal::BackendOptions* o) {
         o->device = "/dev/null";
         o->mem_bytes = 1 << 20;
       },
       "fixed by its bitstream"},
  };
  for (const Case& c : cases) {
    hal::BackendOptions o;
    c.set(&o);
    try {
      hal::OpenBackend("board", o);
      ADD_FAILURE() << c.message << ": opened";
    } catch (const hal::ConfigError& e) {
      EXPECT_THAT(e.what(), HasSubstr(c.message));
    }
  }
}

}  // namespace
}  // namespace luoshu
