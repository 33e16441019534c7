#include "tb/sim.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#if VM_COVERAGE
#include "verilated_cov.h"
#endif

#ifndef LUOSHU_GTKW_DIR
#define LUOSHU_GTKW_DIR "tb/gtkw"
#endif
#ifndef LUOSHU_DEFAULT_COVERAGE_DIR
#define LUOSHU_DEFAULT_COVERAGE_DIR "coverage/raw"
#endif

namespace luoshu::tb {

#if VM_COVERAGE
namespace {

// Adds the points of a Verilator coverage file ("C '<key>' <count>" lines) into `sums`: the
// COVER points (page v_user/...) if `user`, else all others.
void AddCoverageFile(const std::string& path, bool user, std::map<std::string, uint64_t>* sums) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t sp = line.rfind(' ');
    if (line.rfind("C '", 0) != 0 || sp == std::string::npos) continue;
    if ((line.find("v_user/") != std::string::npos) != user) continue;
    (*sums)[line.substr(0, sp)] += std::strtoull(line.c_str() + sp + 1, nullptr, 10);
  }
}

// Called from a destructor: a failure is reported, not thrown (the run's report then lacks
// this simulation, and scripts/coverage.sh's checks fail rather than this test).
void CoverageWarning(const std::string& what, const std::string& path, const std::string& why) {
  std::fprintf(stderr,
               "luoshu: coverage: cannot %s '%s': %s; set LUOSHU_COVERAGE_DIR to a writable "
               "folder\n",
               what.c_str(), path.c_str(), why.c_str());
}

}  // namespace

void CollectCoverage(VerilatedContext* context) {
  namespace fs = std::filesystem;
  static std::map<std::string, uint64_t> sums;  // this process's points so far
  static std::string out_path;
  const char* env = std::getenv("LUOSHU_COVERAGE_DIR");
  const fs::path dir = env && *env ? env : LUOSHU_DEFAULT_COVERAGE_DIR;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return CoverageWarning("create folder", dir.string(), ec.message());
  if (out_path.empty()) {
    // pid plus start time: unique among processes running together and over a whole run.
    std::error_code ignored;
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    const std::string exe = fs::read_symlink("/proc/self/exe", ignored).filename().string();
    out_path = (dir / (SanitizeName(exe) + "." + std::to_string(getpid()) + "." +
                       std::to_string(ns) + ".dat"))
                   .string();
  }
  const std::string tmp = out_path + ".part";
  VerilatedCovContext* cov = context->coveragep();
  cov->write(tmp.c_str());  // line and toggle points, summed over instances
  AddCoverageFile(tmp, false, &sums);
  cov->clearNonMatch("v_user/");  // then the COVER points alone, one per instance
  cov->forcePerInstance(true);
  cov->write(tmp.c_str());
  AddCoverageFile(tmp, true, &sums);
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << "# SystemC::Coverage-3\n";
    for (const auto& [key, count] : sums) out << key << ' ' << count << '\n';
    if (!out) return CoverageWarning("write", tmp, "write failed");
  }
  fs::rename(tmp, out_path, ec);
  if (ec) CoverageWarning("write", out_path, ec.message());
}
#endif

std::string SanitizeName(const std::string& name) {
  std::string out = name;
  for (char& c : out) {
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_')) c = '_';
  }
  return out.empty() ? "sim" : out;
}

void StringSerialize::flush() {
  out_->append(reinterpret_cast<const char*>(m_bufp), static_cast<size_t>(m_cp - m_bufp));
  m_cp = m_bufp;
}

void StringDeserialize::fill() {
  // Keep what is left, then top the buffer up; past the end it reads zeros (as Verilator's
  // file reader does), which only a mismatched state could reach.
  const size_t keep = static_cast<size_t>(m_endp - m_cp);
  std::memmove(m_bufp, m_cp, keep);
  m_cp = m_bufp;
  m_endp = m_bufp + keep;
  const size_t n = std::min(bufferSize() - keep, in_.size() - pos_);
  std::memcpy(m_endp, in_.data() + pos_, n);
  pos_ += n;
  m_endp += n;
  std::memset(m_endp, 0, static_cast<size_t>(m_bufp + bufferSize() - m_endp));
  m_endp = m_bufp + bufferSize();
}

void SimController::SetUpTrace(const TraceOptions& opts, const std::string& gtkw_block,
                               const std::function<void(const std::string&)>& open) {
  trace_ = opts;
  if (!opts.enabled) return;
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(opts.wave_dir, ec);
  if (ec) {
    throw ConfigError("cannot create wave folder '" + opts.wave_dir + "': " + ec.message() +
                      "; set LUOSHU_WAVE_DIR to a writable folder");
  }
  const std::string base = (fs::path(opts.wave_dir) / SanitizeName(name_)).string();
  wave_path_ = base + ".fst";
  open(wave_path_);
  trace_on_ = true;
  // A save file next to the wave: `gtkwave build/waves/X.gtkw` opens the wave with the
  // block's signals grouped.
  if (!gtkw_block.empty()) {
    std::ifstream in(std::string(LUOSHU_GTKW_DIR) + "/" + gtkw_block + ".gtkw");
    if (in) {
      std::ofstream out(base + ".gtkw");
      out << "[dumpfile] \"" << fs::absolute(wave_path_).string() << "\"\n" << in.rdbuf();
    }
  }
}

void SimController::CheckErrors(uint64_t edge_cycle) {
  if (GotError()) {
    std::ostringstream msg;
    msg << "RTL assertion failed in '" << name_ << "' at cycle " << edge_cycle
        << " (rising edge at wave time " << 2 * edge_cycle + 1
        << "); the message above names the assertion";
    if (!wave_path_.empty()) {
      msg << "; wave: " << wave_path_;
    } else {
      msg << "; re-run with LUOSHU_TRACE=1 for a wave";
    }
    throw RtlAssertionError(msg.str());
  }
}

bool HookTable::Remove(uint64_t id) {
  for (auto* hooks : {&drive, &sample}) {
    for (auto it = hooks->begin(); it != hooks->end(); ++it) {
      if (it->id == id) {
        hooks->erase(it);
        return true;
      }
    }
  }
  return false;
}

void SimController::Reset(unsigned cycles) {
  *rst_n_ = 0;
  Step(cycles);
  *rst_n_ = 1;
}

void SimController::Step(uint64_t n) {
  MakeCurrent();
  for (uint64_t i = 0; i < n; ++i) {
    // The falling edge shares its eval with the new inputs: no design logic uses negedge,
    // so two evals per cycle suffice (a third costs ~1/3 of the simulation time).
    *clk_ = 0;
    for (auto& h : hooks_->drive) h.fn();
    Eval();
    Dump(2 * cycle_);
    for (auto& h : hooks_->sample) h.fn();
    *clk_ = 1;
    Eval();
    Dump(2 * cycle_ + 1);
    const uint64_t edge = cycle_++;
    // Clocked assertions fire in the rising-edge eval; report that edge, as the wave shows it.
    CheckErrors(edge);
  }
}

void SimController::RunUntil(const std::function<bool()>& done, uint64_t max_cycles,
                             const std::string& what) {
  const uint64_t start = cycle_;
  while (!done()) {
    if (cycle_ - start >= max_cycles) {
      std::ostringstream msg;
      msg << "watchdog: '" << name_ << "' waited " << max_cycles << " cycles for " << what
          << " and it did not happen";
      if (cycle_ > start) {
        // Cycles start..cycle_-1 ran; cycle c's rising edge is at wave time 2c+1.
        msg << " (cycles " << start << " to " << cycle_ - 1 << ", wave time " << 2 * start << " to "
            << 2 * (cycle_ - 1) + 1 << ")";
      }
      msg << "; the design is hung or the limit is too small";
      if (!wave_path_.empty()) {
        msg << "; wave: " << wave_path_;
      } else {
        msg << "; re-run with LUOSHU_TRACE=1 for a wave";
      }
      throw WatchdogError(msg.str());
    }
    Step();
  }
}

}  // namespace luoshu::tb
