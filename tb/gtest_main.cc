// main() of every test binary (luoshu_gtest links it instead of GTest::gtest_main): GoogleTest
// plus the seed report of tb/gtest_util.h. A failing test prints its seed, its round and the
// command that re-runs it; so does a test that crashes (SIGSEGV, SIGABRT, ...), from a signal
// handler that only formats what is already in memory.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <string>

#include "sw/common/shell.h"
#include "tb/gtest_util.h"
#include "tb/options.h"

namespace {

using luoshu::tb::CurrentSeedLog;
using luoshu::tb::SeedLog;

// Copies for the signal handler (it must not allocate): the binary and the running test.
char g_binary[4096];
char g_test[1024];

void Copy(char* dst, size_t size, const std::string& src) {
  const size_t n = std::min(size - 1, src.size());
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

// Async-signal-safe output: write(2) of strings and decimal numbers.
void Put(const char* s) {
  const ssize_t ignored = write(STDOUT_FILENO, s, std::strlen(s));
  (void)ignored;
}
void PutU64(uint64_t v) {
  char buf[24];
  int i = sizeof(buf) - 1;
  buf[i] = '\0';
  do {
    buf[--i] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v);
  Put(buf + i);
}

void OnFatalSignal(int sig) {
  const SeedLog& log = CurrentSeedLog();
  Put("\n[  REPRO   ] ");
  Put(g_test);
  Put(" crashed (signal ");
  PutU64(static_cast<uint64_t>(sig));
  Put(")");
  for (int i = 0; i < log.num_seeds; ++i) {
    Put(i ? ", " : log.num_seeds > 1 ? ": seeds " : ": seed ");
    PutU64(log.seeds[i]);
  }
  if (log.round >= 0) {
    Put(", round ");
    PutU64(static_cast<uint64_t>(log.round));
    Put(" of ");
    PutU64(static_cast<uint64_t>(log.rounds));
  }
  if (log.step >= 0) {
    Put(", step ");
    PutU64(static_cast<uint64_t>(log.step));
    Put(" of ");
    PutU64(static_cast<uint64_t>(log.steps));
  }
  Put("\n[  REPRO   ] re-run: ");
  if (log.num_seeds == 1 || (log.num_seeds > 1 && log.from_env)) {
    Put("LUOSHU_SEED=");
    PutU64(log.seeds[0]);
    Put(" ");
  }
  if (log.round >= 0 && log.round_alone) {
    Put("LUOSHU_ROUND=");
    PutU64(static_cast<uint64_t>(log.round));
    Put(" ");
  }
  Put(g_binary);
  Put(" --gtest_filter='");
  Put(g_test);
  Put("'\n");
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

// Keeps the handler's copy of the test name current.
class CrashNames : public ::testing::EmptyTestEventListener {
  void OnTestStart(const ::testing::TestInfo& info) override {
    Copy(g_test, sizeof(g_test), std::string(info.test_suite_name()) + "." + info.name());
  }
};

}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) exe = std::filesystem::absolute(argv[0], ec);
  luoshu::tb::ReproBinary() = luoshu::ShellWord(exe.string());
  Copy(g_binary, sizeof(g_binary), luoshu::tb::ReproBinary());
  Copy(g_test, sizeof(g_test), "?");
  auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
  listeners.Append(new luoshu::tb::SeedReporter);
  listeners.Append(new CrashNames);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) std::signal(sig, OnFatalSignal);
  return RUN_ALL_TESTS();
}
