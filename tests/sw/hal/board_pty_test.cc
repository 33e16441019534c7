// The board backend through a real pseudo-terminal (sw/hal/serial_port.cc): FakeBoard serves
// the master side in a thread and the backend, opened by name like the tool opens it, drives
// the slave. A GEMM is bit-exact; a board that does not answer, a device without permission
// and a board that goes away mid-run each end in a clear error within bounded time.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

#include "sw/hal/backend.h"
#include "sw/hal/board_backend.h"
#include "sw/hal/reg_map.h"
#include "sw/hal/serial_port.h"
#include "sw/model/soc_model.h"
#include "sw/runtime/device.h"
#include "tests/sw/hal/fake_board.h"

namespace luoshu {
namespace {

using ::testing::HasSubstr;
using Clock = std::chrono::steady_clock;

std::unique_ptr<test::FakeBoard> NewBoard() {
  return std::make_unique<test::FakeBoard>(
      std::make_unique<model::SocModel>(test::BoardSocConfig()));
}

hal::BackendOptions Options(const std::string& device, int timeout_ms, int retries) {
  hal::BackendOptions o;
  o.device = device;
  o.link_timeout_ms = timeout_ms;
  o.link_retries = retries;
  return o;
}

TEST(BoardPty, GemmThroughAPseudoTerminalIsBitExact) {
  hal::RegisterBoardBackend();
  auto board = NewBoard();
  test::PtyBoard pty(board.get());
  Device dev(hal::OpenBackend("board", Options(pty.path(), 2000, 5)), 64);
  EXPECT_THAT(dev.Describe(), HasSubstr("board on serial port " + pty.path()));
  EXPECT_EQ(dev.info().dim, 8);
  EXPECT_EQ(dev.memory_bytes(), 128u << 10);
  EXPECT_EQ(test::GemmMismatches(dev, 24, 16, 40, 21), 0);
  // The statistics the tool prints: every frame had a reply, the bytes add up.
  uint64_t commands = 0, sent = 0, bytes_sent = 0;
  for (const auto& [name, value] : dev.bus().Statistics()) {
    if (name == "commands") commands = value;
    if (name == "frames sent") sent = value;
    if (name == "bytes sent") bytes_sent = value;
  }
  EXPECT_EQ(board->executed() + board->hellos(), commands);
  EXPECT_GE(sent, commands);
  EXPECT_GE(bytes_sent, 7 * sent);  // the smallest request is 7 bytes
}

TEST(BoardPty, NoAnswerFailsAfterTheRetriesInBoundedTime) {
  hal::RegisterBoardBackend();
  auto board = NewBoard();
  test::PtyBoard pty(board.get(), /*serve=*/false);
  const auto t0 = Clock::now();
  try {
    hal::OpenBackend("board", Options(pty.path(), 50, 2));
    FAIL() << "opened a board that does not answer";
  } catch (const hal::LinkError& e) {
    EXPECT_THAT(e.what(), HasSubstr("HELLO: no valid reply after 3 attempt(s) (50 ms each)"));
    EXPECT_THAT(e.what(), HasSubstr("--baud"));
  }
  const auto took = Clock::now() - t0;
  EXPECT_GE(took, std::chrono::milliseconds(150));  // it did wait for each reply
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(BoardPty, ABoardThatGoesAwayIsALinkErrorNotAHang) {
  hal::RegisterBoardBackend();
  auto board = NewBoard();
  auto pty = std::make_unique<test::PtyBoard>(board.get());
  std::unique_ptr<hal::HostBus> bus = hal::OpenBackend("board", Options(pty->path(), 100, 2));
  EXPECT_EQ(bus->ReadReg(hal::reg::kConfig), board->soc().ReadReg(hal::reg::kConfig));
  pty.reset();  // the master side closes: the simulator exited, the cable was pulled
  const auto t0 = Clock::now();
  try {
    bus->ReadReg(hal::reg::kConfig);
    ADD_FAILURE() << "read through a closed link";
  } catch (const hal::LinkError& e) {
    EXPECT_THAT(e.what(), HasSubstr("went away"));
  }
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(5));
}

// The open happens in a child without privileges (as root, permissions do not apply).
std::string OpenMessageAsNobody(const std::string& path) {
  int fds[2];
  if (::pipe(fds) != 0) return "pipe failed";
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    std::string msg = "opened";
    if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) {
      msg = "could not drop privileges";
    } else {
      try {
        hal::SerialPort::Open(path);
      } catch (const std::exception& e) {
        msg = e.what();
      }
    }
    (void)!::write(fds[1], msg.data(), msg.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, buf + n);
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return out;
}

TEST(BoardPty, APermissionProblemSaysWhatToDo) {
  auto board = NewBoard();
  test::PtyBoard pty(board.get(), /*serve=*/false);
  ASSERT_EQ(::chmod(pty.path().c_str(), 0), 0);
  const std::string msg = OpenMessageAsNobody(pty.path());
  EXPECT_THAT(msg, HasSubstr("permission denied"));
  EXPECT_THAT(msg, HasSubstr("dialout"));
}

}  // namespace
}  // namespace luoshu
