#include "sw/ops/gemm.h"

#include <algorithm>
#include <cmath>

#include "sw/isa/builder.h"

namespace luoshu::ops {
namespace {

uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }
uint64_t RoundUp(uint64_t a, uint64_t b) { return CeilDiv(a, b) * b; }

// Memory bandwidth of one channel per direction (bytes per cycle) and of one core's port.
constexpr double kChannelBytes = 16;
constexpr double kPortBytes = 16;
// The estimate's cost of a K step beyond its MATMUL: 150 cycles with one core per channel,
// times the square of the cores sharing one. It ranks tilings as the SoC runs measured when
// every LOAD paid the memory latency; with LOADs overlapping, a step costs the cube itself
// about 55 cycles (docs/soc.md), but a cost that low picks other tiles for most benchmark
// shapes, unmeasured. Nothing overlaps the first step's loads (FirstKSteps keeps them short),
// and the last tiles' stores drain at the end.
constexpr double kStepCycles = 150;
constexpr double kStartCycles = 300;
// The first tile's K steps (FirstKSteps): the shortest first one in cube blocks, the most
// growth from one to the next (measured on the default SoC, 512^3 on 4 cores: 1.4 beats 1.5
// and 1.7, whose steps outgrow what the channels deliver), and the least growth for which
// short first steps pay.
constexpr int kFirstStepBlocks = 3;
constexpr double kMaxGrowth = 1.4;
constexpr double kMinGrowth = 1.25;

// Estimated cycles of one core's M x N x K block with tiling t (the tiler's cost model), the
// core's share of the memory bandwidth being rbw / wbw bytes per cycle.
double EstimateCycles(int m, int n, int k, int out_bytes, const driver::DeviceInfo& info,
                      const Tiling& t, double rbw, double wbw) {
  const double sharing = std::max(1.0, kChannelBytes / rbw);  // cores per channel
  const uint64_t d = info.dim;
  const uint64_t mt = CeilDiv(m, t.tile_m), nt = CeilDiv(n, t.tile_n), kt = CeilDiv(k, t.tile_k);
  const double compute = double(RoundUp(m, d)) * RoundUp(n, d) * k / double(d * d);
  const double loads = double(m) * k * nt + double(k) * n * mt;
  const double stores = double(m) * n * out_bytes;
  const double r = std::min(rbw, kPortBytes), w = std::min(wbw, kPortBytes);
  const std::vector<int> ramp = FirstKSteps(m, n, k, t, int(d), r);
  const double first = (double(std::min(m, t.tile_m)) + std::min(n, t.tile_n)) *
                       (ramp.empty() ? std::min(k, t.tile_k) : ramp[0]) / r;
  const double ramp_steps = ramp.empty() ? 0 : double(ramp.size()) - kt;
  // The drain: the last tile's store, and what of the one before it the last tile's MATMUL
  // does not hide.
  const double last_m = m - double(mt - 1) * t.tile_m, last_n = n - double(nt - 1) * t.tile_n;
  const double last_store = last_m * last_n * out_bytes / w;
  const double last_ex =
      double(RoundUp(uint64_t(last_m), d)) * RoundUp(uint64_t(last_n), d) * k / double(d * d);
  const double before_m = nt > 1 ? last_m : (mt > 1 ? t.tile_m : 0);
  const double before_n = nt > 1 ? t.tile_n : last_n;
  const double before_store = before_m * before_n * out_bytes / w;
  const double drain = last_store + std::max(0.0, before_store - last_ex);
  const double step = kStepCycles * sharing * sharing;
  return std::max({compute, loads / rbw, stores / wbw}) +
         (double(mt * nt * kt) + ramp_steps) * step + first + drain + kStartCycles;
}

struct Part {
  int row0, rows, col0, cols;
};

// Splits [0, extent) into `ways` pieces in multiples of `dim` (the last may be shorter).
std::vector<std::pair<int, int>> Bands(int extent, int ways, int dim) {
  const int blocks = static_cast<int>(CeilDiv(extent, dim));
  ways = std::max(1, std::min(ways, blocks));
  std::vector<std::pair<int, int>> out;
  for (int i = 0; i < ways; ++i) {
    const int b0 = blocks * i / ways * dim;
    const int b1 = std::min(blocks * (i + 1) / ways * dim, extent);
    if (b1 > b0) out.push_back({b0, b1 - b0});
  }
  return out;
}

void Require(bool ok, const std::string& what) {
  if (!ok) throw InvalidArgument("ops::Gemm: " + what);
}

}  // namespace

const char* SplitName(Split s) {
  switch (s) {
    case Split::kAuto:
      return "auto";
    case Split::kRows:
      return "rows";
    case Split::kCols:
      return "columns";
    case Split::kGrid:
      return "grid";
  }
  return "?";
}

Tiling ChooseTiling(int m, int n, int k, int out_bytes, const driver::DeviceInfo& info,
                    double read_bw, double write_bw) {
  const int d = info.dim;
  const uint64_t a_half = info.l0a_bytes / 2, b_half = info.l0b_bytes / 2;
  const uint64_t c_half = info.l0c_bytes / 2 / 4 * 4;
  const int max_m = static_cast<int>(RoundUp(m, d)), max_n = static_cast<int>(RoundUp(n, d));
  Tiling best{d, d, 1};
  double best_cost = 1e300;
  for (int tm = d; tm <= std::min<int>(max_m, 65535); tm += d) {
    for (int tn = d; tn <= std::min<int>(max_n, 65535); tn += d) {
      if (4ull * tm * tn > c_half) break;
      const uint64_t kmax = std::min<uint64_t>({a_half / tm, b_half / tn, 65535});
      if (kmax < 1) continue;
      // Equal K steps: as few as the halves allow.
      const uint64_t steps = CeilDiv(k, kmax);
      const int tk = static_cast<int>(CeilDiv(k, steps));
      const Tiling t{tm, tn, tk};
      const double cost = EstimateCycles(m, n, k, out_bytes, info, t, read_bw, write_bw);
      // Prefer the smaller tile on a tie (shorter fill and drain).
      if (cost < best_cost * (1 - 1e-9)) best_cost = cost, best = t;
    }
  }
  return best;
}

// Nothing hides the first step's loads, so it is short, and each next step grows only so far
// that its loads, at read_bw bytes per cycle, take no longer than the step before takes on the
// cube (at most kMaxGrowth times it). The first step is the shortest from kFirstStepBlocks cube
// blocks on whose sequence ends in a step long enough to hide the next tile's tile_k loads.
std::vector<int> FirstKSteps(int m, int n, int k, const Tiling& t, int d, double read_bw) {
  const double r = std::min(read_bw, kPortBytes);
  const double fm = std::min(m, t.tile_m), fn = std::min(n, t.tile_n);
  const double cube = double(RoundUp(uint64_t(fm), d)) * RoundUp(uint64_t(fn), d) / (d * d);
  const double growth = std::min(kMaxGrowth, cube / ((fm + fn) / r));  // per cycle of K
  if (growth < kMinGrowth || t.tile_k < 2 * d) return {};
  // The last one must hide the loads of the next tile's first step (tile_k).
  const int need_last = std::max(d, static_cast<int>(t.tile_k / growth) / d * d);
  for (int first = kFirstStepBlocks * d; first < t.tile_k && 2 * first <= k; first += d) {
    std::vector<int> out;
    int left = k, step = first;
    while (true) {
      step = std::min(step, t.tile_k);
      if (left <= step) {
        out.push_back(left);
        break;
      }
      out.push_back(step);
      left -= step;
      step = std::max(d, static_cast<int>(std::lround(step * growth / d)) * d);
    }
    if (out.back() >= need_last) return out;
  }
  return {};
}

uint64_t GemmLaunch::cycles() const {
  uint64_t first = UINT64_MAX, last = 0;
  for (const auto& p : parts) {
    first = std::min(first, p.start.cycle());
    last = std::max(last, p.end.cycle());
  }
  return parts.empty() || last < first ? 0 : last - first;
}

double GemmLaunch::utilization() const {
  const uint64_t c = cycles();
  return c ? double(useful_macs()) / (double(dim) * dim * parts.size() * c) : 0;
}

double GemmLaunch::part_utilization(const GemmPart& p) const {
  const uint64_t c = p.end.ElapsedSince(p.start);
  return c ? double(p.rows) * p.cols * k / (double(dim) * dim * c) : 0;
}

GemmLaunch Gemm(Device& dev, const Buffer& a, const Buffer& b, Buffer* c, const Epilogue& ep,
                const GemmOptions& o) {
  // ---- checks, before anything is enqueued
  Require(a.valid() && b.valid() && c && c->valid(), "A, B and C must be allocated buffers");
  Require(a.dtype() == DType::kInt8 && a.shape().rank() == 2,
          "A must be an int8 matrix (M x K), got " + std::string(DTypeName(a.dtype())) + " " +
              a.shape().ToString());
  Require(b.dtype() == DType::kInt8 && b.shape().rank() == 2,
          "B must be an int8 matrix (K x N), got " + std::string(DTypeName(b.dtype())) + " " +
              b.shape().ToString());
  const int m = a.rows(), k = a.cols(), n = b.cols();
  Require(b.rows() == k, "A is " + a.shape().ToString() + " and B is " + b.shape().ToString() +
                             ": A's columns must equal B's rows (K)");
  const DType out = ep.requant ? DType::kInt8 : DType::kInt32;
  Require(c->dtype() == out && c->shape().rank() == 2 && c->rows() == m && c->cols() == n,
          "C must be " + std::string(DTypeName(out)) + " " + std::to_string(m) + "x" +
              std::to_string(n) + (ep.requant ? " (requantized output)" : " (no requantization)") +
              ", got " + DTypeName(c->dtype()) + " " + c->shape().ToString());
  if (ep.bias) {
    Require(ep.bias->valid() && ep.bias->dtype() == DType::kInt32 &&
                ep.bias->shape().elements() == static_cast<uint64_t>(n) &&
                (ep.bias->shape().rank() == 1 || ep.bias->rows() == 1),
            "the bias must be an int32 vector of N = " + std::to_string(n) + " values, got " +
                DTypeName(ep.bias->dtype()) + " " + ep.bias->shape().ToString());
  }
  if (ep.requant) {
    Require(
        ep.scale >= -32768 && ep.scale <= 32767,
        "requantization scale " + std::to_string(ep.scale) + " is not an int16 (-32768..32767)");
    Require(ep.shift >= 0 && ep.shift <= 31,
            "requantization shift " + std::to_string(ep.shift) + " is not in 0..31");
  } else {
    Require(ep.scale == 1 && ep.shift == 0,
            "a scale or shift without requantization; set requant for int8 output");
  }
  const driver::DeviceInfo& info = dev.info();
  const int want = o.cores ? o.cores : info.cores;
  Require(want >= 1 && want <= info.cores, "cores = " + std::to_string(o.cores) +
                                               ", the device has " + std::to_string(info.cores) +
                                               " (0 = all)");
  Require(o.split != Split::kGrid || want >= 4,
          "a grid split needs at least 4 cores (2 x 2), got " + std::to_string(want) +
              "; use rows, columns or auto");
  Require(o.tile_m >= 0 && o.tile_n >= 0 && o.tile_k >= 0, "tile sizes must be >= 0 (0 = auto)");
  const int d = info.dim;
  Require(o.tile_m % d == 0 && o.tile_n % d == 0,
          "tile rows and columns must be multiples of the cube size " + std::to_string(d) +
              " (got " + std::to_string(o.tile_m) + " x " + std::to_string(o.tile_n) + ")");
  const int out_bytes = ep.requant ? 1 : 4;
  {
    // Tile sizes given by the caller must fit the L0 halves (double buffering).
    const uint64_t tm = o.tile_m ? o.tile_m : d, tn = o.tile_n ? o.tile_n : d;
    const uint64_t c_half = info.l0c_bytes / 2, a_half = info.l0a_bytes / 2,
                   b_half = info.l0b_bytes / 2;
    Require(4 * tm * tn <= c_half, "a " + std::to_string(tm) + " x " + std::to_string(tn) +
                                       " tile needs " + std::to_string(4 * tm * tn / 1024) +
                                       " KiB of int32 accumulators, more than half "
                                       "of L0C (" +
                                       std::to_string(c_half / 1024) +
                                       " KiB); use smaller tile rows or "
                                       "columns");
    const uint64_t tk = o.tile_k ? o.tile_k : 1;
    Require(tm * tk <= a_half && tk * tn <= b_half,
            "a K step of " + std::to_string(tk) + " with " + std::to_string(tm) + " x " +
                std::to_string(tn) + " tiles needs " + std::to_string(tm * tk) +
                " bytes of L0A and " + std::to_string(tk * tn) +
                " of L0B, more than half of each (" + std::to_string(a_half) + ", " +
                std::to_string(b_half) + "); use a smaller K step or smaller tiles");
  }

  // ---- split across cores: every grid that uses at most `want` cores; the estimate picks
  const double chan = kChannelBytes * info.channels;
  std::vector<Part> parts;
  Split split = o.split;
  double best = 1e300;
  for (int pr = 1; pr <= want; ++pr) {
    for (int pc = 1; pr * pc <= want; ++pc) {
      const Split kind = pc == 1 ? Split::kRows : pr == 1 ? Split::kCols : Split::kGrid;
      // A forced split uses every core: kRows gives row band r to core r in every call, the
      // promise layer chaining relies on.
      if (o.split == Split::kRows && !(pr == want && pc == 1)) continue;
      if (o.split == Split::kCols && !(pr == 1 && pc == want)) continue;
      if (o.split == Split::kGrid && kind != Split::kGrid) continue;
      const auto rows = Bands(m, pr, d), cols = Bands(n, pc, d);
      const int used = static_cast<int>(rows.size() * cols.size());
      const double rbw = chan / used, wbw = chan / used;
      double worst = 0;
      for (const auto& r : rows) {
        for (const auto& col : cols) {
          const Tiling t = ChooseTiling(r.second, col.second, k, out_bytes, info, rbw, wbw);
          worst = std::max(worst,
                           EstimateCycles(r.second, col.second, k, out_bytes, info, t, rbw, wbw));
        }
      }
      if (worst < best * (1 - 1e-6)) {
        best = worst;
        parts.clear();
        for (const auto& r : rows) {
          for (const auto& col : cols) parts.push_back({r.first, r.second, col.first, col.second});
        }
        split = kind;
      }
    }
  }

  GemmLaunch launch;
  launch.m = m;
  launch.n = n;
  launch.k = k;
  launch.dim = d;
  launch.split = split;
  // Build every program first: a bad tile size throws before anything is enqueued.
  std::vector<std::vector<isa::Descriptor>> programs;
  const double bw = chan / parts.size();
  for (size_t i = 0; i < parts.size(); ++i) {
    const Part& p = parts[i];
    Tiling t = ChooseTiling(p.rows, p.cols, k, out_bytes, info, bw, bw);
    if (o.tile_m) t.tile_m = o.tile_m;
    if (o.tile_n) t.tile_n = o.tile_n;
    if (o.tile_k || o.tile_m || o.tile_n) {
      // 0: as large as fits.
      t.tile_k =
          o.tile_k
              ? o.tile_k
              : static_cast<int>(std::min<uint64_t>({uint64_t(k), info.l0a_bytes / 2 / t.tile_m,
                                                     info.l0b_bytes / 2 / t.tile_n, 65535}));
    }
    isa::GemmProgram g;
    g.m = p.rows;
    g.n = p.cols;
    g.k = k;
    g.lda = static_cast<uint32_t>(k);
    g.ldb = static_cast<uint32_t>(n);
    g.ldc = static_cast<uint32_t>(n) * out_bytes;
    g.a_addr = static_cast<uint32_t>(a.addr() + uint64_t(p.row0) * k);
    g.b_addr = static_cast<uint32_t>(b.addr() + p.col0);
    g.c_addr = static_cast<uint32_t>(c->addr() + (uint64_t(p.row0) * n + p.col0) * out_bytes);
    g.int8_out = ep.requant;
    g.relu = ep.relu;
    g.bias_en = ep.bias != nullptr;
    g.bias_addr = ep.bias ? static_cast<uint32_t>(ep.bias->addr() + 4ull * p.col0) : 0;
    g.scale = ep.requant ? ep.scale : 1;
    g.shift = ep.requant ? static_cast<uint32_t>(ep.shift) : 0;
    g.dim = d;
    g.l0a_bytes = info.l0a_bytes;
    g.l0b_bytes = info.l0b_bytes;
    g.l0c_bytes = info.l0c_bytes;
    g.tile_m = t.tile_m;
    g.tile_n = t.tile_n;
    g.tile_k = t.tile_k;
    g.k_rotate = static_cast<int>(i);  // side by side, the cores read different rows of B
    // A K step the caller gave is kept for every tile; the tiler's own starts short.
    if (!o.tile_k) g.first_k_steps = FirstKSteps(p.rows, p.cols, k, t, d, bw);
    g.sync = false;
    try {
      programs.push_back(isa::BuildGemmProgram(g));
    } catch (const std::invalid_argument& e) {
      throw InvalidArgument(std::string("ops::Gemm: ") + e.what());
    }
    GemmPart gp;
    gp.core = static_cast<int>(i);
    gp.row0 = p.row0;
    gp.rows = p.rows;
    gp.col0 = p.col0;
    gp.cols = p.cols;
    gp.tiling = {t.tile_m, t.tile_n, t.tile_k ? t.tile_k : 0};
    gp.commands = programs.back().size();
    gp.macs = RoundUp(p.rows, d) * RoundUp(p.cols, d) * uint64_t(k);
    launch.parts.push_back(gp);
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    const Part& p = parts[i];
    GemmPart& gp = launch.parts[i];
    std::vector<Access> acc;
    acc.push_back({a.addr() + uint64_t(p.row0) * k, uint64_t(p.rows) * k, false});
    acc.push_back({b.addr() + p.col0, uint64_t(k - 1) * n + p.cols, false});
    acc.push_back({c->addr() + (uint64_t(p.row0) * n + p.col0) * out_bytes,
                   (uint64_t(p.rows - 1) * n + p.cols) * out_bytes, true});
    if (ep.bias) acc.push_back({ep.bias->addr() + 4ull * p.col0, 4ull * p.cols, false});
    Stream s = dev.stream(gp.core);
    gp.start = s.Mark();
    s.Enqueue(programs[i], acc, o.label);
    gp.end = s.Record();
  }
  return launch;
}

}  // namespace luoshu::ops
