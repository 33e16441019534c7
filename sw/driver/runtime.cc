#include "sw/driver/runtime.h"

#include <algorithm>
#include <iterator>

#include "sw/isa/builder.h"

namespace luoshu::driver {
namespace {

std::string Shape(int r, int c) { return std::to_string(r) + "x" + std::to_string(c); }

uint64_t CeilDiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// Frees what it holds when it goes out of scope (after the cores that used it are stopped).
class Allocations {
 public:
  explicit Allocations(Runtime* rt) : rt_(rt) {}
  ~Allocations() {
    for (uint64_t a : addrs_) rt_->Free(a);
  }
  uint32_t Take(uint64_t bytes, uint64_t align) {
    addrs_.push_back(rt_->Alloc(bytes, align));
    return static_cast<uint32_t>(addrs_.back());
  }

 private:
  Runtime* rt_;
  std::vector<uint64_t> addrs_;
};

// One core's part of a GEMM.
struct Band {
  int core = 0;
  int r0 = 0, rows = 0;
  uint32_t out = 0, sync = 0, ring = 0;  // C band + SYNC word, command ring
  uint32_t sync_value = 0;
  std::vector<isa::Descriptor> program;
  uint32_t saved_mask = 0;
  uint64_t macs0 = 0, busy0 = 0, submitted = 0, done = 0;
};

}  // namespace

DeviceAllocator::DeviceAllocator(uint64_t base, uint64_t size) : base_(base), size_(size) {
  if (size == 0) throw DriverError("DeviceAllocator: empty device memory");
  free_[base] = size;
}

uint64_t DeviceAllocator::Alloc(uint64_t bytes, uint64_t align) {
  if (bytes == 0) throw DriverError("DeviceAllocator::Alloc: 0 bytes asked; ask for at least 1");
  if (align == 0 || (align & (align - 1)) != 0) {
    throw DriverError("DeviceAllocator::Alloc: alignment " + std::to_string(align) +
                      " is not a power of two");
  }
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    const uint64_t start = it->first, size = it->second;
    const uint64_t addr = (start + align - 1) & ~(align - 1);
    if (addr - start > size || size - (addr - start) < bytes) continue;
    free_.erase(it);
    if (addr > start) free_[start] = addr - start;
    if (addr + bytes < start + size) free_[addr + bytes] = start + size - (addr + bytes);
    used_[addr] = bytes;
    return addr;
  }
  throw DriverError("DeviceAllocator::Alloc: out of device memory: " + std::to_string(bytes) +
                    " bytes aligned to " + std::to_string(align) + " asked, " +
                    std::to_string(bytes_free()) + " of " + std::to_string(size_) +
                    " bytes free, largest free block " + std::to_string(largest_free()) +
                    "; free buffers or use smaller problems");
}

void DeviceAllocator::Free(uint64_t addr) {
  const auto it = used_.find(addr);
  if (it == used_.end()) {
    throw DriverError("DeviceAllocator::Free: " + Hex(addr) +
                      " is not the start of a live allocation (double free?)");
  }
  uint64_t start = addr, size = it->second;
  used_.erase(it);
  auto next = free_.lower_bound(start);
  if (next != free_.end() && next->first == start + size) {  // merge with the next free block
    size += next->second;
    next = free_.erase(next);
  }
  if (next != free_.begin()) {  // and with the previous one
    auto prev = std::prev(next);
    if (prev->first + prev->second == start) {
      start = prev->first;
      size += prev->second;
      free_.erase(prev);
    }
  }
  free_[start] = size;
}

uint64_t DeviceAllocator::bytes_free() const {
  uint64_t n = 0;
  for (const auto& [start, size] : free_) n += size;
  return n;
}

uint64_t DeviceAllocator::largest_free() const {
  uint64_t n = 0;
  for (const auto& [start, size] : free_) n = std::max(n, size);
  return n;
}

Runtime::Runtime(Device* device)
    : device_(device),
      alloc_(device ? device->bus()->mem_base() : 0, device ? device->bus()->mem_size() : 1) {
  if (!device) throw DriverError("Runtime: null Device");
  const uint64_t end = device->bus()->mem_base() + device->bus()->mem_size();
  if (end > (uint64_t{1} << 32)) {
    throw DriverError("Runtime: device memory ends at " + Hex(end) +
                      ", past the cores' 32-bit address space");
  }
}

GemmReport Runtime::Gemm(const model::Matrix<int8_t>& a, const model::Matrix<int8_t>& b,
                         model::Matrix<int32_t>* c, const GemmOptions& options) {
  // ---- checks: nothing is touched before they pass
  const int m = a.rows(), k = a.cols(), n = b.cols();
  if (m < 1 || k < 1 || n < 1 || b.rows() != k) {
    throw DriverError("Runtime::Gemm: A is " + Shape(m, k) + " and B is " + Shape(b.rows(), n) +
                      "; need A (M x K) and B (K x N) with M, N, K >= 1");
  }
  if (!c) throw DriverError("Runtime::Gemm: null output matrix");
  if (!(c->rows() == 0 && c->cols() == 0) && (c->rows() != m || c->cols() != n)) {
    throw DriverError("Runtime::Gemm: C is " + Shape(c->rows(), c->cols()) + ", expected " +
                      Shape(m, n) + " (or an empty matrix to be sized)");
  }
  const DeviceInfo& info = device_->info();
  const int want = options.cores ? options.cores : info.cores;
  if (want < 1 || want > info.cores) {
    throw DriverError("Runtime::Gemm: options.cores = " + std::to_string(options.cores) +
                      ", this SoC has " + std::to_string(info.cores) + " (0 = all)");
  }
  if (options.tile_m < 0 || options.tile_n < 0 || options.tile_k < 0) {
    throw DriverError("Runtime::Gemm: negative tile size");
  }
  const int dim = info.dim;
  const int blocks = static_cast<int>(CeilDiv(m, dim));
  const int used = std::min(want, blocks);

  Allocations mem(this);
  const uint32_t a_addr = mem.Take(uint64_t(m) * k, 64);
  const uint32_t b_addr = mem.Take(uint64_t(k) * n, 64);
  std::vector<Band> bands(used);
  for (int i = 0; i < used; ++i) {
    Band& band = bands[i];
    band.core = i;
    band.r0 = blocks * i / used * dim;
    band.rows = std::min(blocks * (i + 1) / used * dim, m) - band.r0;
    const uint64_t c_bytes = uint64_t(band.rows) * n * 4;
    band.out = mem.Take(c_bytes + 4, 64);
    band.sync = static_cast<uint32_t>(band.out + c_bytes);
    band.sync_value = 0x600D0000u | static_cast<uint32_t>(i);
    isa::GemmProgram p;
    p.m = band.rows;
    p.n = n;
    p.k = k;
    p.a_addr = a_addr + static_cast<uint32_t>(band.r0) * static_cast<uint32_t>(k);
    p.b_addr = b_addr;
    p.c_addr = band.out;
    p.dim = dim;
    p.l0a_bytes = info.l0a_bytes;
    p.l0b_bytes = info.l0b_bytes;
    p.l0c_bytes = info.l0c_bytes;
    p.tile_m = options.tile_m;
    p.tile_n = options.tile_n;
    p.tile_k = options.tile_k;
    p.sync = true;
    p.sync_addr = band.sync;
    p.sync_value = band.sync_value;
    p.irq = true;
    try {
      band.program = isa::BuildGemmProgram(p);
    } catch (const std::invalid_argument& e) {
      throw DriverError(std::string("Runtime::Gemm: ") + e.what());
    }
    band.ring = mem.Take((band.program.size() + 1) * isa::kDescriptorBytes, isa::kDescriptorBytes);
  }
  for (const Band& band : bands) {
    const CoreStatus st = device_->Status(band.core);
    if (st.state == CoreState::kBusy) {
      throw DriverError("Runtime::Gemm: " + st.ToString() + "; it is running something else");
    }
  }
  uint64_t timeout = options.timeout_cycles;
  if (timeout == 0) {  // generous: every band's work done one after the other, times 16
    const uint64_t tm = options.tile_m ? options.tile_m : dim;
    const uint64_t tn = options.tile_n ? options.tile_n : dim;
    const uint64_t macs = CeilDiv(m, dim) * dim * CeilDiv(n, dim) * dim * uint64_t(k);
    const uint64_t bytes =
        uint64_t(m) * k * CeilDiv(n, tn) + uint64_t(k) * n * CeilDiv(m, tm) + 4 * uint64_t(m) * n;
    timeout = 1000000 + 16 * (macs / (uint64_t(dim) * dim) + bytes / 16);
  }

  // ---- the device
  HostBus* bus = device_->bus();
  auto stop_all = [&] {  // leave no core running on memory about to be freed
    for (const Band& band : bands) {
      device_->Clear(band.core);
      for (int i = 0; i < 1000 && device_->Status(band.core).state == CoreState::kBusy; ++i) {
      }
      device_->AckInterrupts(band.core, kIntFault | kIntCtlError | kIntSync);
      device_->SetInterruptMask(band.core, band.saved_mask);
    }
  };
  uint64_t start = 0;
  try {
    bus->WriteMem(a_addr, a.data(), uint64_t(m) * k);
    bus->WriteMem(b_addr, b.data(), uint64_t(k) * n);
    for (Band& band : bands) {
      const uint32_t zero = 0;
      bus->WriteMem(band.sync, &zero, 4);
      const CoreStatus st = device_->Status(band.core);
      if (st.state != CoreState::kIdle) device_->Clear(band.core);  // abandon leftovers
      band.saved_mask = device_->InterruptMask(band.core);
      device_->SetWindows(band.core,
                          {{band.ring, (band.program.size() + 1) * isa::kDescriptorBytes, false},
                           {a_addr + uint64_t(band.r0) * k, uint64_t(band.rows) * k, false},
                           {b_addr, uint64_t(k) * n, false},
                           {band.out, uint64_t(band.rows) * n * 4 + 4, true}});
      device_->SetRing(band.core, band.ring, static_cast<uint32_t>(band.program.size() + 1));
      device_->AckInterrupts(band.core, kIntFault | kIntCtlError | kIntSync);
      device_->SetInterruptMask(band.core, kIntSync | kIntFault);
      band.macs0 = device_->Counter(band.core, CounterSel::kMacs);
      band.busy0 = device_->Counter(band.core, CounterSel::kBusyEx);
    }
    start = bus->Now();
    for (Band& band : bands) {
      band.submitted = bus->Now();
      device_->Submit(band.core, band.program);
    }
    std::vector<Band*> pending;
    for (Band& band : bands) pending.push_back(&band);
    while (!pending.empty()) {
      for (auto it = pending.begin(); it != pending.end();) {
        Band& band = **it;
        const uint32_t irq = device_->InterruptStatus(band.core);
        if (irq & kIntFault) {
          const CoreStatus st = device_->Status(band.core);
          throw DriverError("Runtime::Gemm: core " + std::to_string(band.core) + " (rows " +
                            std::to_string(band.r0) + ".." +
                            std::to_string(band.r0 + band.rows - 1) + ") faulted with " +
                            st.fault_name + " at ring slot " + std::to_string(st.fault_index) +
                            "; the cores were cleared");
        }
        if (irq & kIntSync) {
          device_->AckInterrupts(band.core, kIntSync);
          band.done = bus->Now();
          it = pending.erase(it);
        } else {
          ++it;
        }
      }
      if (pending.empty()) break;
      const uint64_t waited = bus->Now() - start;
      if (waited >= timeout) {
        std::string what;
        for (const Band* band : pending) what += "; " + device_->Status(band->core).ToString();
        throw DriverError("Runtime::Gemm: no completion within " + std::to_string(timeout) +
                          " cycles" + what + " (the cores were cleared)");
      }
      bus->WaitIrq(timeout - waited);
    }

  } catch (...) {
    try {
      stop_all();
    } catch (...) {
      // the first error is the one to report
    }
    throw;
  }

  GemmReport report;
  report.total_cycles = bus->Now() - start;
  if (c->rows() == 0) *c = model::Matrix<int32_t>(m, n);
  std::vector<uint8_t> bytes;
  for (Band& band : bands) {
    uint8_t word[4];
    bus->ReadMem(band.sync, word, 4);
    const uint32_t sync = uint32_t(word[0]) | uint32_t(word[1]) << 8 | uint32_t(word[2]) << 16 |
                          uint32_t(word[3]) << 24;
    if (sync != band.sync_value) {
      stop_all();
      throw DriverError("Runtime::Gemm: core " + std::to_string(band.core) +
                        " raised its completion interrupt but its SYNC word reads " + Hex(sync) +
                        ", expected " + Hex(band.sync_value));
    }
    bytes.resize(uint64_t(band.rows) * n * 4);
    bus->ReadMem(band.out, bytes.data(), bytes.size());
    for (int r = 0; r < band.rows; ++r) {
      for (int col = 0; col < n; ++col) {
        const uint8_t* p = &bytes[(uint64_t(r) * n + col) * 4];
        c->at(band.r0 + r, col) = static_cast<int32_t>(uint32_t(p[0]) | uint32_t(p[1]) << 8 |
                                                       uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24);
      }
    }
    GemmCoreReport cr;
    cr.core = band.core;
    cr.row_begin = band.r0;
    cr.rows = band.rows;
    cr.commands = band.program.size();
    cr.cycles = band.done - band.submitted;
    cr.macs = device_->Counter(band.core, CounterSel::kMacs) - band.macs0;
    cr.cube_busy = device_->Counter(band.core, CounterSel::kBusyEx) - band.busy0;
    report.cores.push_back(cr);
    device_->SetInterruptMask(band.core, band.saved_mask);
  }
  return report;
}

}  // namespace luoshu::driver
