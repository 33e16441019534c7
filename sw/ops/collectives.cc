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

// Builds one rank's plan: steps of commands per core. Every command reads the buffer on one
// other chip (or none) and writes this rank's copy.
class PlanBuilder {
 public:
  PlanBuilder(const std::string& name, const CollectiveTopology& t, int rank, int cores,
              uint64_t addr, uint64_t bytes, const CollectiveOptions& o)
      : cores_(cores),
        addr_(addr),
        max_rows_(std::max<uint64_t>(
            1, std::min(kMaxRows,
                        (o.command_bytes ? o.command_bytes : kDefaultCommandBytes) / kRowBytes))) {
    plan_.name = name;
    plan_.rank = rank;
    plan_.topology = t;
    plan_.bytes = bytes;
  }

  // Starts a step (the barrier before it is implied).
  void Step() { plan_.steps.emplace_back(); }

  // In the current step: this rank's range r becomes (VADD) its own plus chip `src`'s range r,
  // or (VCOPY) chip `src`'s range r; spread over the cores.
  void Pull(isa::Opcode op, int src, Range r) {
    if (r.size() == 0) return;
    const uint64_t remote = ChipBase(src) + (addr_ - ChipBase(plan_.rank));
    const uint64_t beats = (r.size() + kBeatBytes - 1) / kBeatBytes;
    PlanStep& step = plan_.steps.back();
    for (int c = 0; c < cores_; ++c) {
      const uint64_t b = std::min(r.end, r.begin + beats * c / cores_ * kBeatBytes);
      const uint64_t e = std::min(r.end, r.begin + beats * (c + 1) / cores_ * kBeatBytes);
      if (e <= b) continue;
      CoreWork& w = Work(&step, c, remote);
      Emit(&w, op, addr_ + b, remote + b, e - b);
    }
    plan_.link_bytes_read += r.size();
  }

  CollectivePlan Take() { return std::move(plan_); }

 private:
  CoreWork& Work(PlanStep* step, int core, uint64_t remote) {
    for (CoreWork& w : step->work) {
      if (w.core == core) return w;
    }
    CoreWork w;
    w.core = core;
    // The whole buffer here (written) and on the source chip (read): the same windows in
    // every step of a ring, so the runtime never has to rewrite them between steps.
    w.accesses = {{addr_, plan_.bytes, true}, {remote, plan_.bytes, false}};
    step->work.push_back(std::move(w));
    return step->work.back();
  }

  // dst = src1 (VCOPY) or dst + src1 (VADD, in place) over `bytes` contiguous bytes: blocks of
  // kRowBytes rows, then the tail.
  void Emit(CoreWork* w, isa::Opcode op, uint64_t dst, uint64_t src1, uint64_t bytes) {
    const uint64_t esize = op == isa::Opcode::kVadd ? 4 : 1;
    uint64_t done = 0;
    while (done < bytes) {
      const uint64_t left = bytes - done;
      const uint64_t row = std::min(left, kRowBytes);
      const uint64_t rows = std::min(left / row, max_rows_);
      const uint32_t d = static_cast<uint32_t>(dst + done);
      const uint32_t s1 = static_cast<uint32_t>(src1 + done);
      const uint32_t cols = static_cast<uint32_t>(row / esize);
      const uint32_t stride = static_cast<uint32_t>(row);
      if (op == isa::Opcode::kVadd) {
        isa::VaddDesc v;
        v.dst_addr = d, v.src0_addr = d, v.src1_addr = s1;  // in place: acc = acc + remote
        v.rows = static_cast<uint32_t>(rows), v.cols = cols;
        v.dst_stride = v.src0_stride = v.src1_stride = stride;
        w->commands.push_back(v.Pack());
      } else {
        isa::VcopyDesc v;
        v.dst_addr = d, v.src0_addr = s1;
        v.rows = static_cast<uint32_t>(rows), v.cols = cols;
        v.dst_stride = v.src0_stride = stride;
        w->commands.push_back(v.Pack());
      }
      done += rows * row;
    }
  }

  int cores_;
  uint64_t addr_;
  uint64_t max_rows_;  // per command
  CollectivePlan plan_;
};

// A ring through `group` (ranks in ring order, each pulling from the one before it); this
// rank is group[i]. parts[p] is the range of part p.
// Reduce-scatter: g - 1 steps; at the end position i holds the sum of part (i + 1) mod g.
void RingReduceScatter(PlanBuilder* b, const std::vector<int>& group, int i,
                       const std::vector<Range>& parts) {
  const int g = static_cast<int>(group.size());
  for (int s = 0; s < g - 1; ++s) {
    b->Step();
    b->Pull(isa::Opcode::kVadd, group[Mod(i - 1, g)], parts[Mod(i - s - 1, g)]);
  }
}

// All-gather: position i starts with part (i + shift) mod g complete; g - 1 steps.
void RingAllGather(PlanBuilder* b, const std::vector<int>& group, int i,
                   const std::vector<Range>& parts, int shift) {
  const int g = static_cast<int>(group.size());
  for (int s = 0; s < g - 1; ++s) {
    b->Step();
    b->Pull(isa::Opcode::kVcopy, group[Mod(i - 1, g)], parts[Mod(i + shift - 1 - s, g)]);
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

CollectivePlan PlanAllReduce(const CollectiveTopology& t, int rank, int cores, uint64_t addr,
                             uint64_t elements, const CollectiveOptions& o) {
  const std::string who = "allreduce";
  CheckTopology(who, t, rank, cores);
  CheckAddress(who, rank, addr, elements * 4);
  AllReduceAlgorithm algo = o.algorithm;
  if (algo == AllReduceAlgorithm::kAuto) {
    algo = t.dim_x > 1 && t.dim_y > 1 ? AllReduceAlgorithm::kTorus2d : AllReduceAlgorithm::kRing;
  }
  if (algo == AllReduceAlgorithm::kTorus2d && (t.dim_x < 2 || t.dim_y < 2)) {
    Fail(who + ": the torus2d algorithm needs a torus with dim_x and dim_y >= 2, got " +
         TopoText(t) + ": use the ring algorithm");
  }
  PlanBuilder b(who + " " + AllReduceAlgorithmName(algo), t, rank, cores, addr, elements * 4, o);
  const Range all{0, elements * 4};
  if (algo == AllReduceAlgorithm::kRing) {
    const std::vector<int> ring = RingOrder(t);
    const int i = PositionOf(ring, rank);
    const std::vector<Range> parts = EvenParts(all, t.size, 4);
    RingReduceScatter(&b, ring, i, parts);
    RingAllGather(&b, ring, i, parts, 1);
  } else {
    const std::vector<int> row = RowOf(t, rank), col = ColumnOf(t, rank);
    const int x = PositionOf(row, rank), y = PositionOf(col, rank);
    const std::vector<Range> xparts = EvenParts(all, t.dim_x, 4);
    RingReduceScatter(&b, row, x, xparts);
    const std::vector<Range> yparts = EvenParts(xparts[Mod(x + 1, t.dim_x)], t.dim_y, 4);
    RingReduceScatter(&b, col, y, yparts);
    RingAllGather(&b, col, y, yparts, 1);
    RingAllGather(&b, row, x, xparts, 1);
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
    RingAllGather(&b, ring, PositionOf(ring, rank), parts, 0);
  } else {
    // Along the row: every rank then has its row's parts, which are contiguous; then the rows'
    // blocks along the column.
    const std::vector<int> row = RowOf(t, rank), col = ColumnOf(t, rank);
    std::vector<Range> xparts, yparts;
    for (int r : row) xparts.push_back(part_of(r));
    for (int y = 0; y < t.dim_y; ++y) {
      yparts.push_back({part * t.dim_x * y, part * t.dim_x * (y + 1)});
    }
    RingAllGather(&b, row, PositionOf(row, rank), xparts, 0);
    RingAllGather(&b, col, PositionOf(col, rank), yparts, 0);
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
    const int k = s - (d - 1);
    if (d > 0 && k >= 0 && k < pieces) {
      Range r = Part(units, pieces, k, kBeatBytes);
      r.end = std::min(r.end, bytes);
      b.Pull(isa::Opcode::kVcopy, chain[d - 1], r);
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
    for (const CoreWork& w : plan.steps[s].work) {
      dev.stream(w.core).Enqueue(w.commands, w.accesses, name + " step " + std::to_string(s));
    }
    dev.Synchronize();
    comm.Barrier();
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
  const CollectivePlan plan = PlanAllReduce(TopologyOf(comm), comm.rank(), CoresOf(dev, o, who),
                                            buf->addr(), buf->shape().elements(), o);
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
