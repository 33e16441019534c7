// Progress on a terminal: one line on stderr, only for runs longer than about a second, at
// most five updates a second; cleared when done. Nothing when stderr is not a terminal.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace luoshu::cli {

class Progress {
 public:
  using Clock = std::chrono::steady_clock;
  Progress() : tty_(isatty(STDERR_FILENO) != 0), t0_(Clock::now()) {}
  ~Progress() { Done(); }
  // A GEMM / MLP run: the device cycle and the commands done.
  void Update(uint64_t cycle, uint64_t done, uint64_t total) {
    if (!Due()) return;
    Show("cycle " + std::to_string(cycle) + ", " + std::to_string(done) + " of " +
         std::to_string(total) + " commands done, " + Rate(cycle) + " cycles/s");
  }
  // A supernode run: chip 0's cycle and what it is doing.
  void Update(uint64_t cycle, const std::string& what) {
    if (!Due()) return;
    Show("chip 0 cycle " + std::to_string(cycle) + " (" + Rate(cycle) + " cycles/s per chip), " +
         what);
  }
  void Done() {
    if (shown_) std::fprintf(stderr, "\r%100s\r", "");
    shown_ = false;
  }

 private:
  bool Due() {
    if (!tty_) return false;
    const auto now = Clock::now();
    if (now - t0_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(200)) {
      return false;
    }
    last_ = now;
    return true;
  }
  std::string Rate(uint64_t cycle) const {
    const double s = std::chrono::duration<double>(Clock::now() - t0_).count();
    return std::to_string(static_cast<uint64_t>(cycle / s));
  }
  void Show(const std::string& line) {
    std::fprintf(stderr, "\r  %-96s", line.c_str());
    shown_ = true;
  }
  bool tty_;
  bool shown_ = false;
  Clock::time_point t0_, last_{};
};

}  // namespace luoshu::cli
