// The board end of a simulated serial link: a pseudo-terminal's master side, and the path a
// host opens to reach it (a symlink to the slave side). Used by the board simulator
// (tb/board/board_sim.cc) and the protocol-level fake board (tests/sw/hal/fake_board.h).
#pragma once

#include <stdexcept>
#include <string>

namespace luoshu::hal {

class PtyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A new pseudo-terminal, master side open (close-on-exec). The slave side is what a host opens
// as its serial device; BoardBus (sw/hal/board_backend.h) sets it raw when it does.
class PtyMaster {
 public:
  PtyMaster();  // throws PtyError
  ~PtyMaster();
  PtyMaster(const PtyMaster&) = delete;
  PtyMaster& operator=(const PtyMaster&) = delete;
  int fd() const { return fd_; }
  const std::string& slave_path() const { return slave_path_; }

 private:
  int fd_ = -1;
  std::string slave_path_;
};

// A symlink at `link` to `target` while this lives. A stale symlink at `link` (an earlier run's)
// is replaced; any other file in the way is refused (PtyError naming the fix).
class PtyLink {
 public:
  PtyLink(std::string link, const std::string& target);
  ~PtyLink();
  PtyLink(const PtyLink&) = delete;
  PtyLink& operator=(const PtyLink&) = delete;

 private:
  std::string link_;
};

}  // namespace luoshu::hal
