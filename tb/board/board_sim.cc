// luoshu_board_sim: the Verilated board top behind a pseudo-terminal, so the host stack's board
// backend (sw/hal/board_backend.h) reaches it exactly as it would reach a ULX3S over USB
// serial: `luoshu_board_sim --link /tmp/luoshu-board` and, in another shell,
// `luoshu gemm --backend board --device /tmp/luoshu-board`.
//
// The board's UART pins are driven and decoded bit by bit (tb/agents/uart.h) at the model's
// ClkPerBit; bytes move between them and the pty's master side. --corrupt / --drop damage bytes
// on the link (both directions) to exercise the protocol's CRC, timeouts and retries.
#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "Vboard_sim_model.h"
#include "Vboard_sim_model_params.h"
#include "sw/hal/pty.h"
#include "tb/agents/uart.h"
#include "tb/errors.h"
#include "tb/sim.h"

namespace luoshu::tb {
namespace {

namespace po = boost::program_options;
using BoardModel = Vboard_sim_model;
constexpr int kClkPerBit = VerilatedParams<BoardModel>::ClkPerBit;

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

struct Options {
  std::string link;
  double corrupt = 0;
  double drop = 0;
  uint64_t seed = 1;
  uint64_t max_cycles = 0;
  bool quiet = false;
};

// The pty (sw/hal/pty.h) and its link. The slave side is held open here too, raw, so the
// master never sees a hang-up between hosts and never echoes.
class Pty {
 public:
  explicit Pty(const std::string& link) : link_(MakeLink(link, master_)) {
    slave_ = open(master_.slave_path().c_str(), O_RDWR | O_NOCTTY);
    if (slave_ < 0) {
      throw ConfigError("cannot open " + master_.slave_path() + ": " + std::strerror(errno));
    }
    termios t{};
    tcgetattr(slave_, &t);
    cfmakeraw(&t);  // no echo, no line editing, 8-bit clean
    tcsetattr(slave_, TCSANOW, &t);
    fcntl(master_.fd(), F_SETFL, fcntl(master_.fd(), F_GETFL) | O_NONBLOCK);
  }
  ~Pty() { close(slave_); }
  int master() const { return master_.fd(); }
  const std::string& slave_path() const { return master_.slave_path(); }

 private:
  static hal::PtyLink MakeLink(const std::string& link, const hal::PtyMaster& master) {
    try {
      return hal::PtyLink(link, master.slave_path());
    } catch (const hal::PtyError& e) {
      throw ConfigError(std::string("--link ") + e.what());
    }
  }
  hal::PtyMaster master_;
  hal::PtyLink link_;
  int slave_ = -1;
};

// Damages bytes on the link at the given rates: a corrupted byte has one bit flipped, a
// dropped byte never arrives.
class LinkFaults {
 public:
  LinkFaults(double corrupt, double drop, uint64_t seed)
      : corrupt_(corrupt), drop_(drop), rng_(seed) {}
  // False if `*byte` is lost; otherwise it arrives, perhaps with a bit flipped.
  bool Pass(uint8_t* byte) {
    if (drop_ > 0 && coin_(rng_) < drop_) {
      ++dropped_;
      return false;
    }
    if (corrupt_ > 0 && coin_(rng_) < corrupt_) {
      *byte ^= static_cast<uint8_t>(1u << (rng_() % 8));
      ++corrupted_;
    }
    return true;
  }
  uint64_t dropped() const { return dropped_; }
  uint64_t corrupted() const { return corrupted_; }

 private:
  double corrupt_, drop_;
  std::mt19937_64 rng_;
  std::uniform_real_distribution<double> coin_{0.0, 1.0};
  uint64_t dropped_ = 0, corrupted_ = 0;
};

void CheckRate(double r, const char* name) {
  if (!(r >= 0 && r < 1)) {
    std::ostringstream msg;
    msg << "--" << name << " " << r << ": a probability per byte in [0, 1), e.g. 0.001";
    throw ConfigError(msg.str());
  }
}

int Run(const Options& o) {
  CheckRate(o.corrupt, "corrupt");
  CheckRate(o.drop, "drop");
  Pty pty(o.link);
  Simulation<BoardModel> sim("board", "", TraceOptionsFromEnv());
  UartDriver to_board(kClkPerBit);
  UartMonitor from_board(kClkPerBit);
  LinkFaults faults(o.corrupt, o.drop, o.seed);
  HookHandle drive = sim.OnDrive([&] { sim->uart_rx_i = to_board.Tick(); });
  HookHandle sample = sim.OnSample([&] { from_board.Tick(sim->uart_tx_o); });
  sim.Reset();

  std::printf("luoshu_board_sim: board at %s (pty %s), %d clocks per bit; Ctrl-C stops\n",
              o.link.c_str(), pty.slave_path().c_str(), kClkPerBit);
  std::fflush(stdout);

  uint64_t to_board_bytes = 0, from_board_bytes = 0, idle_cycles = 0;
  std::vector<uint8_t> out;  // board -> host bytes not yet taken by the pty
  uint8_t buf[4096];
  const auto t0 = std::chrono::steady_clock::now();
  constexpr uint64_t kSlice = 64;  // cycles between looks at the pty
  // After this many cycles without a byte either way, wait for the host in poll() instead of
  // spinning (the board's clock stops meanwhile; replies carry its cycle counter, not time).
  constexpr uint64_t kIdleBeforeSleep = 4'000'000;
  while (!g_stop && (o.max_cycles == 0 || sim.cycle() < o.max_cycles)) {
    sim.Step(kSlice);
    bool active = !to_board.idle();
    uint8_t b;
    while (from_board.Pop(&b)) {
      ++from_board_bytes;
      if (faults.Pass(&b)) out.push_back(b);
      active = true;
    }
    if (!out.empty()) {
      const ssize_t n = write(pty.master(), out.data(), out.size());
      if (n > 0) out.erase(out.begin(), out.begin() + n);
    }
    if (to_board.pending() < 64) {
      const ssize_t n = read(pty.master(), buf, sizeof(buf));
      for (ssize_t i = 0; i < n; ++i) {
        ++to_board_bytes;
        if (faults.Pass(&buf[i])) to_board.Push(buf[i]);
      }
      if (n > 0) active = true;
    }
    idle_cycles = active ? 0 : idle_cycles + kSlice;
    if (idle_cycles >= kIdleBeforeSleep) {
      pollfd p{pty.master(), POLLIN, 0};
      poll(&p, 1, 100);
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!o.quiet) {
    std::printf(
        "luoshu_board_sim: %s after %llu cycles (%.1f s, %.0f cycles/s); bytes to the board %llu, "
        "from the board %llu; injected: %llu corrupted, %llu dropped; UART framing errors %llu\n",
        g_stop ? "stopped" : "cycle limit reached", static_cast<unsigned long long>(sim.cycle()),
        secs, secs > 0 ? static_cast<double>(sim.cycle()) / secs : 0.0,
        static_cast<unsigned long long>(to_board_bytes),
        static_cast<unsigned long long>(from_board_bytes),
        static_cast<unsigned long long>(faults.corrupted()),
        static_cast<unsigned long long>(faults.dropped()),
        static_cast<unsigned long long>(from_board.framing_errors()));
  }
  return 0;
}

}  // namespace
}  // namespace luoshu::tb

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  luoshu::tb::Options o;
  po::options_description desc(
      "luoshu_board_sim: the Verilated board (small SoC, board memory, UART bridge) behind a "
      "pseudo-terminal.\nUsage: luoshu_board_sim --link PATH [options]\nOptions");
  desc.add_options()("help,h", "this help")(
      "link", po::value(&o.link),
      "the path hosts open (a symlink to the pty), e.g. /tmp/luoshu-board")(
      "corrupt", po::value(&o.corrupt)->default_value(0),
      "probability per byte of a flipped bit on the link, both directions")(
      "drop", po::value(&o.drop)->default_value(0),
      "probability per byte of losing it on the link, both directions")(
      "seed", po::value(&o.seed)->default_value(1), "seed of the injected link errors")(
      "max-cycles", po::value(&o.max_cycles)->default_value(0),
      "stop after this many board cycles (0: run until Ctrl-C / SIGTERM)")(
      "quiet", po::bool_switch(&o.quiet), "no summary at exit");
  try {
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc
                << "\nWaves: LUOSHU_TRACE=1 (and LUOSHU_TRACE_WINDOW=A:B) write "
                   "build/waves/board.fst.\n";
      return 0;
    }
    if (o.link.empty()) {
      std::cerr << "luoshu_board_sim: --link PATH is required (where hosts find the board, e.g. "
                   "--link /tmp/luoshu-board); see --help\n";
      return 2;
    }
  } catch (const po::error& e) {
    std::cerr << "luoshu_board_sim: " << e.what() << "; see --help\n";
    return 2;
  }
  prctl(PR_SET_PDEATHSIG, SIGTERM);  // a test that dies takes its board with it
  std::signal(SIGINT, luoshu::tb::OnSignal);
  std::signal(SIGTERM, luoshu::tb::OnSignal);
  try {
    return luoshu::tb::Run(o);
  } catch (const luoshu::tb::ConfigError& e) {
    std::cerr << "luoshu_board_sim: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "luoshu_board_sim: " << e.what() << "\n";
    return 1;
  }
}
