// luoshu_fake_board: FakeBoard (the bridge protocol over the functional model of the board's
// SoC) on a pseudo-terminal, for running the luoshu tool against a board without RTL:
//   luoshu_fake_board --link /tmp/fake-board [--fault-rate 0.05] [--seed N] &
//   luoshu gemm --backend board --device /tmp/fake-board
// The link path is a symbolic link to the pty; it is removed on SIGINT / SIGTERM.
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "sw/hal/pty.h"
#include "sw/model/soc_model.h"
#include "tests/sw/hal/fake_board.h"

namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnSignal(int) { g_stop = true; }

int Usage() {
  std::fprintf(stderr,
               "usage: luoshu_fake_board --link PATH [--fault-rate P] [--seed N]\n"
               "  serves the bridge protocol on a pseudo-terminal; PATH becomes a symbolic link "
               "to it\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace luoshu;
  std::string link;
  double rate = 0;
  uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) return Usage();
    if (a == "--link") {
      link = argv[++i];
    } else if (a == "--fault-rate") {
      rate = std::atof(argv[++i]);
    } else if (a == "--seed") {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      return Usage();
    }
  }
  if (link.empty() || !(rate >= 0 && rate < 1)) return Usage();
  test::FakeBoard board(std::make_unique<model::SocModel>(test::BoardSocConfig()));
  test::PtyBoard pty(&board, true, 2, rate, seed);
  std::unique_ptr<hal::PtyLink> link_to_pty;
  try {
    link_to_pty = std::make_unique<hal::PtyLink>(link, pty.path());
  } catch (const hal::PtyError& e) {
    std::fprintf(stderr, "luoshu_fake_board: --link %s\n", e.what());
    return 2;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::printf("luoshu_fake_board: link %s -> %s\n", link.c_str(), pty.path().c_str());
  std::fflush(stdout);
  while (!g_stop) ::usleep(20000);
  link_to_pty.reset();
  std::printf("luoshu_fake_board: %llu commands executed, %llu duplicates, %llu rejected\n",
              static_cast<unsigned long long>(board.executed()),
              static_cast<unsigned long long>(board.duplicates_sent()),
              static_cast<unsigned long long>(board.rejected()));
  return 0;
}
