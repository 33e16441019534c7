// The simulation controller: clock, reset, time, hooks, watchdog and tracing for any
// Verilated top with `clk_i` / `rst_ni`. It knows nothing about the design; tests plug in
// drivers and monitors as per-cycle hooks and talk to the design only through its ports.
//
// One cycle of Step():
//   1. clk_i = 0, drive hooks set inputs for this cycle (outputs show the last edge's state)
//   2. eval            falling edge + combinational settle; wave sample at time 2c
//   3. sample hooks    observe handshakes: valid && ready now means a transfer at this edge
//   4. rising edge     clk_i = 1, eval; wave sample at 2c+1
// Two evals per cycle: the designs use no negedge logic, so the falling edge needs none.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "tb/errors.h"
#include "tb/options.h"
#include "verilated.h"
#include "verilated_save.h"
#if LUOSHU_TRACE_COMPILED
#include "verilated_fst_c.h"
#endif

namespace luoshu::tb {

// Verilator serialization into / out of memory (its VerilatedSave / VerilatedRestore work on
// files only), so a checkpoint can carry the model's state among its own.
class StringSerialize : public VerilatedSerialize {
 public:
  explicit StringSerialize(std::string* out) : out_(out) {}
  ~StringSerialize() override { flush(); }
  void flush() override;

 private:
  std::string* out_;
};
class StringDeserialize : public VerilatedDeserialize {
 public:
  explicit StringDeserialize(const std::string& in) : in_(in) { m_endp = m_bufp; }
  void fill() override;

 private:
  const std::string& in_;
  size_t pos_ = 0;
};

// The per-cycle hooks of one simulation, shared with the handles that can remove them.
struct HookTable {
  struct Installed {
    uint64_t id;
    std::function<void()> fn;
  };
  std::vector<Installed> drive, sample;
  uint64_t last_id = 0;
  bool Remove(uint64_t id);
};

// The registration of one hook: destroying the handle (or Remove()) removes the hook, so an
// agent that holds its handles leaves no callback into a dead object behind. Safe in either
// order: a handle that outlives its simulation does nothing. Move-only; not from inside a hook.
class [[nodiscard]] HookHandle {
 public:
  HookHandle() = default;
  HookHandle(HookHandle&& o) noexcept : table_(std::move(o.table_)), id_(o.id_) { o.id_ = 0; }
  HookHandle& operator=(HookHandle&& o) noexcept {
    if (this != &o) {
      Remove();
      table_ = std::move(o.table_);
      id_ = o.id_;
      o.id_ = 0;
    }
    return *this;
  }
  HookHandle(const HookHandle&) = delete;
  HookHandle& operator=(const HookHandle&) = delete;
  ~HookHandle() { Remove(); }

  // Removes the hook now; false if it was not installed (removed already, or the simulation
  // is gone).
  bool Remove() {
    auto t = table_.lock();
    table_.reset();
    const bool removed = t && t->Remove(id_);
    id_ = 0;
    return removed;
  }
  bool installed() const { return id_ != 0 && !table_.expired(); }

 private:
  friend class SimController;
  HookHandle(std::weak_ptr<HookTable> table, uint64_t id) : table_(std::move(table)), id_(id) {}
  std::weak_ptr<HookTable> table_;
  uint64_t id_ = 0;
};

class SimController {
 public:
  using Hook = std::function<void()>;

  virtual ~SimController() = default;

  // Hooks run every cycle while the returned handle lives (keep it as a member of the agent
  // the hook calls into); a monitor that is only sometimes wanted costs nothing while off.
  HookHandle OnDrive(Hook h) { return Add(&hooks_->drive, std::move(h)); }
  HookHandle OnSample(Hook h) { return Add(&hooks_->sample, std::move(h)); }

  // Holds rst_ni low for `cycles` cycles, then releases it.
  void Reset(unsigned cycles = 4);
  // Advances `n` clock cycles. Throws RtlAssertionError naming the cycle c whose rising edge
  // (wave time 2c+1) failed; cycle() then already counts that cycle as completed (c + 1).
  void Step(uint64_t n = 1);
  // Steps until `done()` is true (checked before each cycle). Throws WatchdogError naming
  // `what` and the cycles waited with their wave times if it takes more than `max_cycles`.
  void RunUntil(const std::function<bool()>& done, uint64_t max_cycles, const std::string& what);

  uint64_t cycle() const { return cycle_; }
  // True while Reset() holds rst_ni low; agents stay idle then.
  bool in_reset() const { return *rst_n_ == 0; }
  const std::string& name() const { return name_; }
  // Path of the wave file, empty when tracing is off.
  const std::string& wave_path() const { return wave_path_; }
  // Restoring a checkpoint: time continues from `cycle` (the design's state is restored by
  // the caller; the wave, if any, goes on from there).
  void RestoreCycle(uint64_t cycle) { cycle_ = cycle; }

 protected:
  SimController(std::string name, uint8_t* clk, uint8_t* rst_n)
      : name_(std::move(name)), clk_(clk), rst_n_(rst_n) {}

  virtual void Eval() = 0;
  virtual void Dump(uint64_t time) = 0;
  virtual bool GotError() = 0;
  // Makes this simulation's context the calling thread's Verilator context: an RTL assertion
  // reports to the thread's context, so a process with several models (on several threads)
  // must point it at the model about to run.
  virtual void MakeCurrent() {}

  // Opens the wave (and writes the block's GTKWave save file next to it) per `opts`.
  // `open` opens the FST at the given path; `gtkw_block` names tb/gtkw/<block>.gtkw.
  void SetUpTrace(const TraceOptions& opts, const std::string& gtkw_block,
                  const std::function<void(const std::string&)>& open);
  bool TraceActive() const {
    return trace_on_ && cycle_ >= trace_.start_cycle && cycle_ < trace_.stop_cycle;
  }

  std::string name_;
  uint8_t* clk_;
  uint8_t* rst_n_;
  uint64_t cycle_ = 0;
  bool trace_on_ = false;
  TraceOptions trace_;
  std::string wave_path_;

 private:
  // Throws RtlAssertionError if an RTL assertion fired during cycle `edge_cycle`.
  void CheckErrors(uint64_t edge_cycle);

  HookHandle Add(std::vector<HookTable::Installed>* hooks, Hook h) {
    hooks->push_back({++hooks_->last_id, std::move(h)});
    return HookHandle(hooks_, hooks_->last_id);
  }

  std::shared_ptr<HookTable> hooks_ = std::make_shared<HookTable>();
};

#if VM_COVERAGE
// Coverage build (LUOSHU_COVERAGE=ON): adds what a finished simulation reached to this
// process's coverage file, <dir>/<binary>.<pid>.<start ns>.dat (dir: $LUOSHU_COVERAGE_DIR, or
// <build>/coverage/raw), rewritten after every simulation so a later crash keeps it. One file
// per process: tests running side by side never write the same file. Line and toggle points
// are summed over instances (Verilator's default); COVER points keep their instance path, so
// the points of a g_cov_* generate loop stay apart (scripts/coverage_report.py names them).
void CollectCoverage(VerilatedContext* context);
#endif

// Owns the VerilatedContext and the model. `Model` is a Verilated class with clk_i / rst_ni.
template <class Model>
class Simulation : public SimController {
 public:
  // `name` names the wave file (<wave_dir>/<name>.fst); `gtkw_block` picks the save file.
  // `verilator_args` are handed to Verilator untouched (e.g. "+verilator+seed+7").
  explicit Simulation(const std::string& name, const std::string& gtkw_block = "",
                      const TraceOptions& opts = TraceOptionsFromEnv(),
                      const std::vector<std::string>& verilator_args = {})
      : SimController(name, nullptr, nullptr), context_(std::make_unique<VerilatedContext>()) {
    context_->fatalOnError(false);  // RTL assertion failures become RtlAssertionError
    if (!verilator_args.empty()) {
      std::vector<const char*> argv{"luoshu"};
      for (const auto& a : verilator_args) argv.push_back(a.c_str());
      context_->commandArgs(static_cast<int>(argv.size()), argv.data());
    }
    context_->traceEverOn(opts.enabled);
    model_ = std::make_unique<Model>(context_.get(), "TOP");
    clk_ = &model_->clk_i;
    rst_n_ = &model_->rst_ni;
    *clk_ = 0;
    *rst_n_ = 1;
    SetUpTrace(opts, gtkw_block, [this](const std::string& path) { OpenTrace(path); });
    model_->eval();
  }
  ~Simulation() override {
    // Verilator 5.006 unregisters a model's scopes through the thread's current context, which
    // is the last one created on this thread: point it at ours, or destroying models out of
    // creation order touches a freed context (and hangs).
    Verilated::threadContextp(context_.get());
    model_->final();
#if VM_COVERAGE
    CollectCoverage(context_.get());
#endif
#if LUOSHU_TRACE_COMPILED
    if (fst_) fst_->close();
#endif
    model_.reset();
  }

  Model& dut() { return *model_; }
  Model* operator->() { return model_.get(); }

  // The model's whole state (Verilator --savable models only: the template instantiates these
  // only where they are called) as bytes, and back. `bytes` must come from SaveModel of the
  // same generated model (the caller checks; Verilator aborts on a mismatch).
  void SaveModel(std::string* bytes) {
    StringSerialize os(bytes);
    os << *model_;
  }
  void RestoreModel(const std::string& bytes) {
    StringDeserialize is(bytes);
    is >> *model_;
    // The context's saved flags are the saving run's: this run's tracing and error handling
    // stay as they were set up.
    context_->traceEverOn(trace_.enabled);
    context_->fatalOnError(false);
  }

 protected:
  void Eval() override { model_->eval(); }
  bool GotError() override { return context_->gotError(); }
  void MakeCurrent() override {
    // Only when it changes: setting it also writes Verilator's global "last context".
    if (Verilated::threadContextp() != context_.get()) Verilated::threadContextp(context_.get());
  }
  void Dump(uint64_t time) override {
#if LUOSHU_TRACE_COMPILED
    if (fst_ && TraceActive()) fst_->dump(time);
#else
    (void)time;
#endif
  }

 private:
  void OpenTrace(const std::string& path) {
#if LUOSHU_TRACE_COMPILED
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      throw ConfigError("cannot write the wave '" + path +
                        "': a folder is in its place; remove it or pick another wave folder");
    }
    fst_ = std::make_unique<VerilatedFstC>();
    model_->trace(fst_.get(), 99);
    fst_->open(path.c_str());
    if (!fst_->isOpen()) {
      fst_.reset();
      throw ConfigError("cannot write the wave '" + path +
                        "': the file could not be created; pick a writable wave folder");
    }
#else
    throw ConfigError("tracing was requested for '" + name_ + "' (wave " + path +
                      ") but is not compiled into this build; reconfigure with -DLUOSHU_TRACE=ON");
#endif
  }

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> model_;
#if LUOSHU_TRACE_COMPILED
  std::unique_ptr<VerilatedFstC> fst_;
#endif
};

// `name` made file-name safe (anything but [A-Za-z0-9._-] becomes '_'); "sim" if empty.
std::string SanitizeName(const std::string& name);

}  // namespace luoshu::tb
