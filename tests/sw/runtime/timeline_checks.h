// Checks of a recorded timeline against the commands it belongs to, shared by the model
// backend's tests (tests/sw/runtime) and the RTL backend's (tests/rtl/soc): every logged
// command has exactly one start and one finish on its queue, no earlier than its doorbell;
// each queue runs one command at a time; every token wait starts no earlier than the finish
// of the command whose signal it takes (the k-th wait on a channel pairs with the k-th
// signal: both queues are in order); and the JSON names every command.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "sw/hal/host_bus.h"
#include "sw/isa/luoshu_isa.h"
#include "sw/runtime/device.h"
#include "sw/runtime/timeline.h"

namespace luoshu::timeline_test {

using CommandLog = std::vector<std::vector<Device::LoggedCommand>>;

// What the token check covered, so a test can insist it was not vacuous.
struct TimelineCoverage {
  size_t commands = 0;
  size_t matmul_after_load = 0;   // LD2EX pairs: a MATMUL and the LOAD (of B) it waits for
  size_t store_after_matmul = 0;  // EX2ST pairs: a STORE and its MATMUL
  size_t token_pairs = 0;         // every channel
};

// Fills *cov with what was checked (fatal failures stop the checks early).
inline void ExpectTimelineFollowsProgram(const CommandLog& log,
                                         const std::vector<hal::UnitEvent>& events,
                                         TimelineCoverage* cov_out) {
  TimelineCoverage& cov = *cov_out;
  cov = {};
  for (size_t i = 1; i < events.size(); ++i) {
    EXPECT_LE(events[i - 1].cycle, events[i].cycle) << "unit events out of cycle order at " << i;
  }
  for (const auto& e : events) {
    EXPECT_LT(e.core, log.size()) << "an event of core " << int(e.core) << ", which ran nothing";
    EXPECT_LT(e.queue, 4) << "queue " << int(e.queue);
  }
  for (size_t core = 0; core < log.size(); ++core) {
    struct Cmd {
      const Device::LoggedCommand* logged;
      isa::Opcode op;
      uint64_t start = 0, finish = 0;
    };
    std::array<std::vector<Cmd>, 4> queue;
    for (const auto& c : log[core]) {
      const auto op = static_cast<isa::Opcode>(isa::RawOpcode(c.command));
      queue[static_cast<int>(isa::QueueOf(op))].push_back({&c, op});
    }
    for (int q = 0; q < 4; ++q) {
      SCOPED_TRACE("core " + std::to_string(core) + " queue " + std::to_string(q));
      size_t starts = 0, finishes = 0;
      // One command at a time (start, finish, start, ...), but MTE-in takes the next LOAD
      // while one runs; commands still finish in order.
      const size_t max_held = q == static_cast<int>(isa::Queue::kLd) ? 2 : 1;
      for (const auto& e : events) {
        if (e.core != core || e.queue != q) continue;
        if (!e.finish) {
          ASSERT_LT(starts - finishes, max_held)
              << "a start at cycle " << e.cycle << " before command " << finishes << " finished";
          ASSERT_LT(starts, queue[q].size()) << "more starts than commands";
          queue[q][starts++].start = e.cycle;
        } else {
          ASSERT_GT(starts, finishes) << "a finish at cycle " << e.cycle << " with no start";
          queue[q][finishes++].finish = e.cycle;
        }
      }
      EXPECT_EQ(starts, queue[q].size()) << "commands without a start";
      EXPECT_EQ(finishes, queue[q].size()) << "commands without a finish";
      for (size_t n = 0; n < queue[q].size(); ++n) {
        const Cmd& c = queue[q][n];
        EXPECT_LE(c.start, c.finish) << DescribeCommand(c.logged->command);
        EXPECT_GE(c.start, c.logged->doorbell)
            << "started before its doorbell: " << DescribeCommand(c.logged->command);
        if (n >= max_held) {
          EXPECT_GE(c.start, queue[q][n - max_held].finish) << "overlaps the ones before";
        }
        if (n > 0) {
          EXPECT_GE(c.finish, queue[q][n - 1].finish) << "finished out of order";
        }
      }
      cov.commands += queue[q].size();
    }
    // Tokens: per channel, the signals in their queue's order and the waits in theirs.
    for (int b = 0; b < isa::kNumChannels; ++b) {
      std::vector<const Cmd*> signals, waits;
      for (const auto& q : queue) {
        for (const auto& c : q) {
          const auto hdr = isa::SyncDesc::Unpack(c.logged->command);
          if (hdr.signal_mask >> b & 1) signals.push_back(&c);
          if (hdr.wait_mask >> b & 1) waits.push_back(&c);
        }
      }
      ASSERT_LE(waits.size(), signals.size()) << "channel " << isa::ChannelName(b);
      for (size_t k = 0; k < waits.size(); ++k) {
        const Cmd& s = *signals[k];
        const Cmd& w = *waits[k];
        EXPECT_GE(w.start, s.finish)
            << "core " << core << ": " << DescribeCommand(w.logged->command) << " (start "
            << w.start << ") waits on " << isa::ChannelName(b) << " for "
            << DescribeCommand(s.logged->command) << " (finish " << s.finish << ")";
        ++cov.token_pairs;
        if (w.op == isa::Opcode::kMatmul && s.op == isa::Opcode::kLoad) ++cov.matmul_after_load;
        if (w.op == isa::Opcode::kStore && s.op == isa::Opcode::kMatmul) ++cov.store_after_matmul;
      }
    }
  }

  // Joined and written: one slice per command, each a complete ("X") event.
  const auto slices = JoinTimeline(log, events);
  EXPECT_EQ(slices.size(), cov.commands);
  const std::string json = TimelineJson(slices, 1000, true);
  size_t complete = 0;
  for (size_t p = json.find("\"ph\":\"X\""); p != std::string::npos;
       p = json.find("\"ph\":\"X\"", p + 1)) {
    ++complete;
  }
  EXPECT_EQ(complete, cov.commands);
  EXPECT_EQ(json.rfind("{\"displayTimeUnit\"", 0), 0u);
  EXPECT_EQ(json.substr(json.size() - 4), "\n]}\n");
}

}  // namespace luoshu::timeline_test
