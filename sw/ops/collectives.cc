#include "sw/ops/collectives.h"

#include <algorithm>
#include <string>

#include "sw/common/hex.h"

namespace luoshu::ops {
namespace {

constexpr uint64_t kChipBits = 29;  // ChipBase(c) = c << 29
// Row length of the vector commands a range is cut into: 4 KiB rows (1024 int32 values), so
// one command carries up to 65535 rows (256 MiB).
constexpr uint64_t kRowBytes = 4096;
constexpr uint64_t kMaxRows = 65535;
constexpr uint64_t kDefaultCommandBytes = 256 << 10;
// Core shares of a range are multiples of one beat (16 bytes), so no beat is split.
constexpr uint64_t kBeatBytes = 16;

[[noreturn]] void Fail(const std::string& what) { throw InvalidArgument(what); }

std::string TopoText(const CollectiveTopology& t) {
  return std::to_string(t.size) + " chips (" + std::to_string(t.dim_x) + " x " +
         std::to_string(t.dim_y) + ")";
}

void CheckTopology(const std::string& who, const CollectiveTopology& t, int rank, int cores) {
  if (t.size < 1 || t.dim_x < 1 || t.dim_y < 1 || t.dim_x * t.dim_y != t.size) {
    Fail(who + ": the topology " + TopoText(t) + " is not dim_x x dim_y chips");
  }
  if (t.size > 8) Fail(who + ": " + TopoText(t) + ": a supernode has at most 8 chips");
  if (rank < 0 || rank >= t.size) {
    Fail(who + ": rank " + std::to_string(rank) + " is not one of the " + std::to_string(t.size) +
         " chips");
  }
  if (cores < 1) Fail(who + ": needs at least one core, got " + std::to_string(cores));
}

// [begin, end) in bytes from the buffer's start.
struct Range {
  uint64_t begin = 0, end = 0;
  uint64_t size() const { return end - begin; }
};

// Part p of `n` of [0, units) in units, as bytes (unit_bytes each).
Range Part(uint64_t units, int n, int p, uint64_t unit_bytes) {
  return {units * p / n * unit_bytes, units * (p + 1) / n * unit_bytes};
}

int Mod(int a, int n) { return ((a % n) + n) % n; }

bool Adjacent(const CollectiveTopology& t, int a, int b) {
  const int ax = a % t.dim_x, ay = a / t.dim_x, bx = b % t.dim_x, by = b / t.dim_x;
  if (ay == by) return Mod(ax - bx, t.dim_x) == 1 || Mod(bx - ax, t.dim_x) == 1;
  if (ax == bx) return Mod(ay - by, t.dim_y) == 1 || Mod(by - ay, t.dim_y) == 1;
  return false;
}

// Rows in a snake: every chip next to the one before it (a path, not always a cycle).
std::vector<int> SnakeOrder(const CollectiveTopology& t) {
  std::vector<int> order;
  for (int y = 0; y < t.dim_y; ++y) {
    for (int i = 0; i < t.dim_x; ++i) order.push_back(y * t.dim_x + (y % 2 ? t.dim_x - 1 - i : i));
  }
  return order;
}

// One operand of a vector command: bytes at `offset` in the collective's buffer (or its
// scratch) on chip `chip`; every rank's buffer and scratch sit at the same offsets.
struct Operand {
  int chip;
  bool scratch;
  uint64_t offset;
};

// Builds one rank's plan: steps of commands per core.
class PlanBuilder {
 public:
  PlanBuilder(const std::string& name, const CollectiveTopology& t, int rank, int cores,
              uint64_t addr, uint64_t bytes, const CollectiveOptions& o, uint64_t scratch = 0,
              uint64_t scratch_bytes = 0)
      : cores_(cores),
        addr_(addr),
        scratch_(scratch),
        scratch_bytes_(scratch_bytes),
        max_rows_(std::max<uint64_t>(
            1, std::min(kMaxRows,
                        (o.command_bytes ? o.command_bytes : kDefaultCommandBytes) / kRowBytes))) {
    plan_.name = name;
    plan_.rank = rank;
    plan_.topology = t;
    plan_.bytes = bytes;
  }

  int rank() const { return plan_.rank; }
  // Starts a step (the barrier before it is implied).
  void Step() { plan_.steps.emplace_back(); }
  // The scratch half the next pushed partial sum goes to, alternating, so a step never writes
  // the half its receiver reads in the same step.
  uint64_t TakeHalf() {
    const uint64_t h = half_;
    half_ ^= 1;
    return h * (scratch_bytes_ / 2);
  }
  uint64_t LastHalf() const { return (half_ ^ 1) * (scratch_bytes_ / 2); }

  // In the current step: dst = src0 (VCOPY) or src0 + src1 (VADD) over `bytes`, spread over
  // the cores in whole beats.
  void Vector(isa::Opcode op, Operand dst, Operand src0, Operand src1, uint64_t bytes) {
    if (bytes == 0) return;
    const uint64_t beats = (bytes + kBeatBytes - 1) / kBeatBytes;
    PlanStep& step = plan_.steps.back();
    const bool add = op == isa::Opcode::kVadd;
    for (int c = 0; c < cores_; ++c) {
      const uint64_t b = std::min(bytes, beats * c / cores_ * kBeatBytes);
      const uint64_t e = std::min(bytes, beats * (c + 1) / cores_ * kBeatBytes);
      if (e <= b) continue;
      CoreWork& w = Work(&step, c);
      Touch(&w, dst, true);
      Touch(&w, src0, false);
      if (add) Touch(&w, src1, false);
      Emit(&w, op, Addr(dst) + b, Addr(src0) + b, add ? Addr(src1) + b : 0, e - b);
    }
    for (const Operand* x : {&dst, &src0}) {
      if (x->chip != plan_.rank) plan_.link_bytes += bytes;
    }
    if (add && src1.chip != plan_.rank) plan_.link_bytes += bytes;
  }

  CollectivePlan Take() { return std::move(plan_); }

 private:
  uint64_t Base(const Operand& x) const {
    return ChipBase(x.chip) + ((x.scratch ? scratch_ : addr_) - ChipBase(plan_.rank));
  }
  uint64_t Addr(const Operand& x) const { return Base(x) + x.offset; }

  CoreWork& Work(PlanStep* step, int core) {
    for (CoreWork& w : step->work) {
      if (w.core == core) return w;
    }
    CoreWork w;
    w.core = core;
    step->work.push_back(std::move(w));
    return step->work.back();
  }

  // The whole buffer (or scratch) on the operand's chip: the windows change only when a step
  // touches other buffers, never within a phase.
  void Touch(CoreWork* w, const Operand& x, bool write) {
    const uint64_t base = Base(x);
    for (Access& a : w->accesses) {
      if (a.addr == base) {
        a.write = a.write || write;
        return;
      }
    }
    w->accesses.push_back({base, x.scratch ? scratch_bytes_ : plan_.bytes, write});
  }

  // dst = src0 (VCOPY) or src0 + src1 (VADD) over `bytes` contiguous bytes: blocks of
  // kRowBytes rows, then the tail.
  void Emit(CoreWork* w, isa::Opcode op, uint64_t dst, uint64_t src0, uint64_t src1,
            uint64_t bytes) {
    const uint64_t esize = op == isa::Opcode::kVadd ? 4 : 1;
    uint64_t done = 0;
    while (done < bytes) {
      const uint64_t left = bytes - done;
      const uint64_t row = std::min(left, kRowBytes);
      const uint64_t rows = std::min(left / row, max_rows_);
      const uint32_t cols = static_cast<uint32_t>(row / esize);
      const uint32_t stride = static_cast<uint32_t>(row);
      if (op == isa::Opcode::kVadd) {
        isa::VaddDesc v;
        v.dst_addr = static_cast<uint32_t>(dst + done);
        v.src0_addr = static_cast<uint32_t>(src0 + done);
        v.src1_addr = static_cast<uint32_t>(src1 + done);
        v.rows = static_cast<uint32_t>(rows), v.cols = cols;
        v.dst_stride = v.src0_stride = v.src1_stride = stride;
        w->commands.push_back(v.Pack());
      } else {
        isa::VcopyDesc v;
        v.dst_addr = static_cast<uint32_t>(dst + done);
        v.src0_addr = static_cast<uint32_t>(src0 + done);
        v.rows = static_cast<uint32_t>(rows), v.cols = cols;
        v.dst_stride = v.src0_stride = stride;
        w->commands.push_back(v.Pack());
      }
      done += rows * row;
    }
  }

  int cores_;
  uint64_t addr_, scratch_, scratch_bytes_;
  uint64_t max_rows_;  // per command
  uint64_t half_ = 0;
  CollectivePlan plan_;
};

Operand Data(int chip, const Range& r) { return {chip, false, r.begin}; }

// A ring through `group` (ranks in ring order); this rank is group[i], its predecessor
// group[i - 1], its successor group[i + 1]. parts[p] is the range of part p. `join`: the
// first step's commands go into the current step instead of a step of their own: after a
// push reduce-scatter's final add of the same range, which each core's queue runs first on the
// beats that core then sends.
//
// Reduce-scatter: at the end position i holds the sum of part (i + 1) mod g.
// Pull: g - 1 steps; in step s position i adds its predecessor's part (i - s - 1) into its
// own. Push: in step s position i sends part (i - s) to its successor's scratch: its own
// values in step 0 (VCOPY), later its own plus what it received in step s - 1 (one VADD with
// local sources and the successor's scratch as destination); after the g - 1 steps a final
// step adds what arrived into part (i + 1), locally. Every link carries only writes.
// With two positions the sums pull even when `push`: a push would add a final local add of
// half the buffer to two transfers of half the buffer each. Returns whether it pushed (its
// last step is the final add, which the next phase may join).
bool RingReduceScatter(PlanBuilder* b, const std::vector<int>& group, int i,
                       const std::vector<Range>& parts, bool push, bool join) {
  const int g = static_cast<int>(group.size());
  const int me = group[i], prev = group[Mod(i - 1, g)], next = group[Mod(i + 1, g)];
  if (g < 2) return false;
  push = push && g > 2;
  for (int s = 0; s < g - 1; ++s) {
    if (!(join && s == 0)) b->Step();
    if (!push) {
      const Range& r = parts[Mod(i - s - 1, g)];
      b->Vector(isa::Opcode::kVadd, Data(me, r), Data(me, r), Data(prev, r), r.size());
      continue;
    }
    const Range& r = parts[Mod(i - s, g)];
    const uint64_t received = b->LastHalf();
    const Operand to{next, true, b->TakeHalf()};
    if (s == 0) {
      b->Vector(isa::Opcode::kVcopy, to, Data(me, r), {}, r.size());
    } else {
      b->Vector(isa::Opcode::kVadd, to, Data(me, r), {me, true, received}, r.size());
    }
  }
  if (push) {
    b->Step();
    const Range& r = parts[Mod(i + 1, g)];
    b->Vector(isa::Opcode::kVadd, Data(me, r), Data(me, r), {me, true, b->LastHalf()}, r.size());
  }
  return push;
}

// All-gather: position i starts with part (i + shift) mod g complete; g - 1 steps. In step
// s position i gets part (i + shift - 1 - s) from its predecessor: pulled by i, or pushed by
// the predecessor (push: position i sends part (i + shift - s) to its successor).
void RingAllGather(PlanBuilder* b, const std::vector<int>& group, int i,
                   const std::vector<Range>& parts, int shift, bool push, bool join) {
  const int g = static_cast<int>(group.size());
  const int me = group[i], prev = group[Mod(i - 1, g)], next = group[Mod(i + 1, g)];
  for (int s = 0; s < g - 1; ++s) {
    if (!(join && s == 0)) b->Step();
    if (push) {
      const Range& r = parts[Mod(i + shift - s, g)];
      b->Vector(isa::Opcode::kVcopy, Data(next, r), Data(me, r), {}, r.size());
    } else {
      const Range& r = parts[Mod(i + shift - 1 - s, g)];
      b->Vector(isa::Opcode::kVcopy, Data(me, r), Data(prev, r), {}, r.size());
    }
  }
}

std::vector<Range> EvenParts(Range r, int g, uint64_t unit) {
  std::vector<Range> parts;
  for (int p = 0; p < g; ++p) {
    const Range q = Part(r.size() / unit, g, p, unit);
    parts.push_back({r.begin + q.begin, r.begin + q.end});
  }
  return parts;
}

// The row (X ring) and column (Y ring) of `rank` and its position in each.
std::vector<int> RowOf(const CollectiveTopology& t, int rank) {
  std::vector<int> g;
  for (int x = 0; x < t.dim_x; ++x) g.push_back(rank / t.dim_x * t.dim_x + x);
  return g;
}
std::vector<int> ColumnOf(const CollectiveTopology& t, int rank) {
  std::vector<int> g;
  for (int y = 0; y < t.dim_y; ++y) g.push_back(y * t.dim_x + rank % t.dim_x);
  return g;
}

int PositionOf(const std::vector<int>& group, int rank) {
  return static_cast<int>(std::find(group.begin(), group.end(), rank) - group.begin());
}

void CheckAddress(const std::string& who, int rank, uint64_t addr, uint64_t bytes) {
  if (bytes < 1) Fail(who + ": the buffer is empty");
  if (addr % 4 != 0) Fail(who + ": the buffer must be 4-byte aligned (Device::Alloc gives 64)");
  if (addr >> kChipBits != static_cast<uint64_t>(rank) ||
      (addr + bytes - 1) >> kChipBits != static_cast<uint64_t>(rank)) {
    Fail(who + ": the buffer at " + Hex(addr) + " is not in rank " + std::to_string(rank) +
         "'s chip memory (ChipBase(" + std::to_string(rank) +
         ")): open each rank's Device on its own chip");
  }
}

}  // namespace

CollectiveTopology TopologyOf(const Communicator& comm) {
  return {comm.size(), comm.dim_x(), comm.dim_y()};
}

const char* AllReduceAlgorithmName(AllReduceAlgorithm a) {
  switch (a) {
    case AllReduceAlgorithm::kAuto:
      return "auto";
    case AllReduceAlgorithm::kRing:
      return "ring";
    case AllReduceAlgorithm::kTorus2d:
      return "torus2d";
  }
  return "?";
}

std::vector<int> RingOrder(const CollectiveTopology& t) {
  std::vector<int> order = SnakeOrder(t);
  for (size_t i = 0; order.size() > 1 && i < order.size(); ++i) {
    const int a = order[i], b = order[(i + 1) % order.size()];
    if (!Adjacent(t, a, b)) {
      Fail("ring order: no ring through every chip of " + TopoText(t) + " joins only neighbours (" +
           std::to_string(a) + " and " + std::to_string(b) +
           " are not next to each other): use the torus2d algorithm");
    }
  }
  return order;
}

namespace {

AllReduceAlgorithm Resolve(const std::string& who, const CollectiveTopology& t,
                           AllReduceAlgorithm algo) {
  if (algo == AllReduceAlgorithm::kAuto) {
    algo = t.dim_x > 1 && t.dim_y > 1 ? AllReduceAlgorithm::kTorus2d : AllReduceAlgorithm::kRing;
  }
  if (algo == AllReduceAlgorithm::kTorus2d && (t.dim_x < 2 || t.dim_y < 2)) {
    Fail(who + ": the torus2d algorithm needs a torus with dim_x and dim_y >= 2, got " +
         TopoText(t) + ": use the ring algorithm");
  }
  return algo;
}

}  // namespace

uint64_t AllReduceScratchBytes(const CollectiveTopology& t, uint64_t elements,
                               const CollectiveOptions& o) {
  if (!o.push || t.size < 3) return 0;  // two ranks' sums pull (RingReduceScatter)
  // Two halves, each at least the largest part of the first reduce-scatter (the ring's, or
  // the rows' on a torus; the columns' parts are smaller), in whole 64-byte blocks.
  const int g =
      Resolve("allreduce", t, o.algorithm) == AllReduceAlgorithm::kRing ? t.size : t.dim_x;
  return 2 * (((elements + g - 1) / g * 4 + 63) / 64 * 64);
}

CollectivePlan PlanAllReduce(const CollectiveTopology& t, int rank, int cores, uint64_t addr,
                             uint64_t elements, const CollectiveOptions& o, uint64_t scratch) {
  const std::string who = "allreduce";
  CheckTopology(who, t, rank, cores);
  CheckAddress(who, rank, addr, elements * 4);
  const AllReduceAlgorithm algo = Resolve(who, t, o.algorithm);
  const uint64_t scratch_bytes = AllReduceScratchBytes(t, elements, o);
  if (scratch_bytes > 0) {
    if (scratch == 0) {
      Fail(who + ": pushing needs a scratch buffer of AllReduceScratchBytes() = " +
           std::to_string(scratch_bytes) +
           " bytes at the same offset on every rank (or set push = false)");
    }
    CheckAddress(who + " scratch", rank, scratch, scratch_bytes);
  }
  PlanBuilder b(who + " " + AllReduceAlgorithmName(algo) + (o.push ? " push" : " pull"), t, rank,
                cores, addr, elements * 4, o, scratch, scratch_bytes);
  const Range all{0, elements * 4};
  const bool push = o.push;
  if (algo == AllReduceAlgorithm::kRing) {
    const std::vector<int> ring = RingOrder(t);
    const int i = PositionOf(ring, rank);
    const std::vector<Range> parts = EvenParts(all, t.size, 4);
    const bool pushed = RingReduceScatter(&b, ring, i, parts, push, false);
    RingAllGather(&b, ring, i, parts, 1, push, pushed);
  } else {
    const std::vector<int> row = RowOf(t, rank), col = ColumnOf(t, rank);
    const int x = PositionOf(row, rank), y = PositionOf(col, rank);
    const std::vector<Range> xparts = EvenParts(all, t.dim_x, 4);
    RingReduceScatter(&b, row, x, xparts, push, false);  // its last step stands alone
    const std::vector<Range> yparts = EvenParts(xparts[Mod(x + 1, t.dim_x)], t.dim_y, 4);
    // Not joined: the rows' final add and the columns' first sends cover different ranges, so
    // with several cores one core's send could read what another core is still adding.
    const bool pushed = RingReduceScatter(&b, col, y, yparts, push, false);
    RingAllGather(&b, col, y, yparts, 1, push, pushed);
    RingAllGather(&b, row, x, xparts, 1, push, false);
  }
  return b.Take();
}

CollectivePlan PlanAllGather(const CollectiveTopology& t, int rank, int cores, uint64_t addr,
                             uint64_t bytes, const CollectiveOptions& o) {
  const std::string who = "allgather";
  CheckTopology(who, t, rank, cores);
  CheckAddress(who, rank, addr, bytes);
  if (bytes % t.size != 0) {
    Fail(who + ": the buffer's " + std::to_string(bytes) + " bytes are not divisible by the " +
         std::to_string(t.size) +
         " ranks: every rank brings an equal part; pad the buffer to a "
         "multiple of " +
         std::to_string(t.size) + " bytes");
  }
  const uint64_t part = bytes / t.size;
  auto part_of = [&](int r) { return Range{part * r, part * (r + 1)}; };
  const bool torus = t.dim_x > 1 && t.dim_y > 1;
  PlanBuilder b(who + (torus ? " torus2d" : " ring"), t, rank, cores, addr, bytes, o);
  if (!torus) {
    const std::vector<int> ring = RingOrder(t);
    std::vector<Range> parts;
    for (int r : ring) parts.push_back(part_of(r));
    RingAllGather(&b, ring, PositionOf(ring, rank), parts, 0, o.push, false);
  } else {
    // Along the row: every rank then has its row's parts, which are contiguous; then the rows'
    // blocks along the column.
    const std::vector<int> row = RowOf(t, rank), col = ColumnOf(t, rank);
    std::vector<Range> xparts, yparts;
    for (int r : row) xparts.push_back(part_of(r));
    for (int y = 0; y < t.dim_y; ++y) {
      yparts.push_back({part * t.dim_x * y, part * t.dim_x * (y + 1)});
    }
    RingAllGather(&b, row, PositionOf(row, rank), xparts, 0, o.push, false);
    RingAllGather(&b, col, PositionOf(col, rank), yparts, 0, o.push, false);
  }
  return b.Take();
}

CollectivePlan PlanBroadcast(const CollectiveTopology& t, int rank, int cores, uint64_t addr,
                             uint64_t bytes, int root, const CollectiveOptions& o) {
  const std::string who = "broadcast";
  CheckTopology(who, t, rank, cores);
  CheckAddress(who, rank, addr, bytes);
  if (root < 0 || root >= t.size) {
    Fail(who + ": the root " + std::to_string(root) + " is not one of the " +
         std::to_string(t.size) + " ranks");
  }
  if (o.pieces < 0) Fail(who + ": pieces must be >= 0 (0: one per chip)");
  // A chain along the snake from the root: each chip pulls piece k from the one before it
  // one step after that one got it (a pipeline of `pieces` pieces, n - 2 + pieces steps).
  std::vector<int> chain = SnakeOrder(t);
  std::rotate(chain.begin(), std::find(chain.begin(), chain.end(), root), chain.end());
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    if (!Adjacent(t, chain[i], chain[i + 1])) {
      Fail(who + ": no chain from the root " + std::to_string(root) + " through every chip of " +
           TopoText(t) +
           " joins only neighbours: use a ring, or a torus with dim_x 2 or dim_y even");
    }
  }
  const uint64_t units = (bytes + kBeatBytes - 1) / kBeatBytes;
  const int pieces = static_cast<int>(
      std::max<uint64_t>(1, std::min<uint64_t>(units, o.pieces > 0 ? o.pieces : t.size)));
  PlanBuilder b(who, t, rank, cores, addr, bytes, o);
  const int d = PositionOf(chain, rank);
  const int steps = t.size > 1 ? t.size - 2 + pieces : 0;
  for (int s = 0; s < steps; ++s) {
    b.Step();
    // Position d gets piece s - (d - 1) from d - 1 (pull), or sends piece s - d to d + 1.
    const int from = o.push ? d : d - 1, k = s - from;
    if (from >= 0 && from + 1 < t.size && k >= 0 && k < pieces) {
      Range r = Part(units, pieces, k, kBeatBytes);
      r.end = std::min(r.end, bytes);
      b.Vector(isa::Opcode::kVcopy, Data(chain[from + 1], r), Data(chain[from], r), {}, r.size());
    }
  }
  return b.Take();
}

CollectiveResult RunPlan(Device& dev, Communicator& comm, const CollectivePlan& plan,
                         const std::string& label) {
  if (comm.rank() != plan.rank || comm.size() != plan.topology.size) {
    Fail("RunPlan: the plan is for rank " + std::to_string(plan.rank) + " of " +
         std::to_string(plan.topology.size) + ", the communicator is rank " +
         std::to_string(comm.rank()) + " of " + std::to_string(comm.size()));
  }
  const std::string name = label.empty() ? plan.name : label;
  CollectiveResult r;
  r.name = plan.name;
  r.bytes = plan.bytes;
  r.steps = static_cast<int>(plan.steps.size());
  dev.Synchronize();  // the buffer's producers
  comm.Barrier();     // ... on every rank
  r.start_cycle = dev.Now();
  for (size_t s = 0; s < plan.steps.size(); ++s) {
    const uint64_t step_start = dev.Now();
    for (const CoreWork& w : plan.steps[s].work) {
      dev.stream(w.core).Enqueue(w.commands, w.accesses, name + " step " + std::to_string(s));
    }
    dev.Synchronize();
    comm.Barrier();
    r.step_cycles.push_back(dev.Now() - step_start);
  }
  r.end_cycle = dev.Now();
  return r;
}

namespace {

int CoresOf(const Device& dev, const CollectiveOptions& o, const std::string& who) {
  if (o.cores < 0 || o.cores > dev.cores()) {
    Fail(who + ": cores " + std::to_string(o.cores) + " is not 0 (all) or 1.." +
         std::to_string(dev.cores()));
  }
  return o.cores == 0 ? dev.cores() : o.cores;
}

void CheckBuffer(const std::string& who, const Buffer* buf) {
  if (!buf || !buf->valid()) Fail(who + ": the buffer must be allocated (Device::Alloc)");
}

}  // namespace

CollectiveResult AllReduce(Device& dev, Communicator& comm, Buffer* buf,
                           const CollectiveOptions& o) {
  const std::string who = "allreduce";
  CheckBuffer(who, buf);
  if (buf->dtype() != DType::kInt32) {
    Fail(who + ": sums int32 values, the buffer is " + DTypeName(buf->dtype()) + " " +
         buf->shape().ToString() + ": allocate it as DType::kInt32");
  }
  const CollectiveTopology t = TopologyOf(comm);
  const uint64_t elements = buf->shape().elements();
  // Allocated by every rank in the same order: the same offset everywhere.
  const uint64_t scratch_bytes = AllReduceScratchBytes(t, elements, o);
  Buffer scratch;
  if (scratch_bytes > 0) scratch = dev.Alloc({static_cast<int>(scratch_bytes)}, DType::kInt8);
  const CollectivePlan plan = PlanAllReduce(t, comm.rank(), CoresOf(dev, o, who), buf->addr(),
                                            elements, o, scratch_bytes ? scratch.addr() : 0);
  return RunPlan(dev, comm, plan, o.label);
}

CollectiveResult AllGather(Device& dev, Communicator& comm, Buffer* buf,
                           const CollectiveOptions& o) {
  const std::string who = "allgather";
  CheckBuffer(who, buf);
  const uint64_t bytes = buf->shape().elements() * DTypeBytes(buf->dtype());
  const CollectivePlan plan =
      PlanAllGather(TopologyOf(comm), comm.rank(), CoresOf(dev, o, who), buf->addr(), bytes, o);
  return RunPlan(dev, comm, plan, o.label);
}

CollectiveResult Broadcast(Device& dev, Communicator& comm, Buffer* buf, int root,
                           const CollectiveOptions& o) {
  const std::string who = "broadcast";
  CheckBuffer(who, buf);
  const uint64_t bytes = buf->shape().elements() * DTypeBytes(buf->dtype());
  const CollectivePlan plan = PlanBroadcast(TopologyOf(comm), comm.rank(), CoresOf(dev, o, who),
                                            buf->addr(), bytes, root, o);
  return RunPlan(dev, comm, plan, o.label);
}

double AllReduceBusBandwidth(uint64_t bytes, int n, uint64_t cycles) {
  if (cycles == 0 || n < 1) return 0;
  return double(bytes) * 2 * (n - 1) / n / double(cycles);
}

}  // namespace luoshu::ops
