// The Luoshu runtime: CUDA-like host API over any backend.
//
//   luoshu::hal::RegisterModelBackend();                    // once, by the program
//   auto dev = luoshu::Device::Open("model", {});             // or "rtl" (Verilated SoC)
//   luoshu::Buffer a = dev.Upload(host_a);                    // Alloc + host -> device copy
//   luoshu::Buffer c = dev.Alloc({m, n}, luoshu::DType::kInt32);
//   luoshu::ops::Gemm(dev, a, b, &c);                         // enqueued on the cores' streams
//   dev.Synchronize();                                        // wait, faults raise here
//   Matrix<int32_t> host_c = c.Download<int32_t>();
//
// Device is a cheap handle (copies share one device). Buffers own device memory and free it
// when destroyed; they keep the device alive. A Stream is one core's command ring; commands
// enqueued on it run in order on that core, streams of different cores run concurrently.
// Events mark points in a stream and carry the device cycle at which they completed.
// Not thread-safe: use one Device from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sw/common/matrix.h"
#include "sw/driver/driver.h"
#include "sw/hal/backend.h"
#include "sw/hal/host_bus.h"
#include "sw/isa/luoshu_isa.h"
#include "sw/runtime/allocator.h"
#include "sw/runtime/errors.h"

namespace luoshu {

enum class DType : uint8_t { kInt8, kInt32 };
const char* DTypeName(DType t);  // "int8", "int32"
size_t DTypeBytes(DType t);
template <class T>
constexpr DType DTypeOf();
template <>
constexpr DType DTypeOf<int8_t>() {
  return DType::kInt8;
}
template <>
constexpr DType DTypeOf<int32_t>() {
  return DType::kInt32;
}

// A tensor shape of rank 1 ({n}) or 2 ({rows, cols}), every extent >= 1.
struct Shape {
  std::vector<int> dims;
  Shape(std::initializer_list<int> d) : dims(d) {}
  explicit Shape(std::vector<int> d) : dims(std::move(d)) {}
  int rank() const { return static_cast<int>(dims.size()); }
  int rows() const { return rank() == 2 ? dims[0] : 1; }
  int cols() const { return dims.empty() ? 0 : dims.back(); }
  uint64_t elements() const;
  std::string ToString() const;  // "64x128", "128"
  bool operator==(const Shape& o) const { return dims == o.dims; }
};

namespace detail {
struct DeviceState;
}

class Device;

// An owning device allocation with a shape and an element type (row-major, dense).
class Buffer {
 public:
  Buffer() = default;
  Buffer(Buffer&&) noexcept = default;
  Buffer& operator=(Buffer&&) noexcept;
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  ~Buffer();

  bool valid() const { return state_ != nullptr; }
  uint64_t addr() const { return addr_; }
  uint64_t bytes() const { return bytes_; }
  const Shape& shape() const { return shape_; }
  DType dtype() const { return dtype_; }
  int rows() const { return shape_.rows(); }
  int cols() const { return shape_.cols(); }

  // Host -> device. The host data must have this buffer's shape and element type.
  template <class T>
  void Upload(const Matrix<T>& m);
  template <class T>
  void Upload(const std::vector<T>& v);
  // Device -> host. Copies are not ordered with streams: synchronize the work that writes
  // this buffer first.
  template <class T>
  Matrix<T> Download() const;
  template <class T>
  std::vector<T> DownloadVector() const;
  // Releases the memory now (the buffer becomes invalid).
  void Reset();

 private:
  friend class Device;
  void CheckType(DType t, const Shape& host, const char* what) const;
  void WriteBytes(const void* src, uint64_t len);
  void ReadBytes(void* dst, uint64_t len) const;

  std::shared_ptr<detail::DeviceState> state_;
  uint64_t addr_ = 0, bytes_ = 0;
  Shape shape_{};
  DType dtype_ = DType::kInt8;
};

// A device-memory range a command touches (windows are computed from these).
struct Access {
  uint64_t addr = 0, bytes = 0;
  bool write = false;
};
Access ReadOf(const Buffer& b);
Access WriteOf(const Buffer& b);

class Stream;

// A point in a stream. Complete once every command enqueued before it has finished.
class Event {
 public:
  Event() = default;
  bool valid() const { return state_ != nullptr; }
  int core() const { return core_; }
  // True once complete (polls the device; raises DeviceFault if the core faulted before it).
  bool Query() const;
  // Waits for completion (DeviceFault, DeviceHang).
  void Wait() const;
  // Device cycle at which the host saw it complete (Wait() first).
  uint64_t cycle() const;
  // Device cycles from `start` to this event (both complete).
  uint64_t ElapsedSince(const Event& start) const;

 private:
  friend class Stream;
  std::shared_ptr<detail::DeviceState> state_;
  int core_ = 0;
  uint64_t seq_ = 0;
  bool mark_ = false;
};

// One core's command ring (wrap-around, doorbells). Enqueue never blocks: what does not fit
// the ring waits on the host and is fed in as the core frees slots (back-pressure), whenever
// the runtime waits for anything.
class Stream {
 public:
  int core() const { return core_; }
  // Appends `commands`, which touch `accesses` (the core's windows grow to cover them; a
  // window change waits until the core has finished what it is running). `label` names the
  // work in fault messages ("gemm fc1").
  void Enqueue(const std::vector<isa::Descriptor>& commands, const std::vector<Access>& accesses,
               const std::string& label);
  // Records an event after everything enqueued so far: a SYNC command that writes a
  // sequence number and raises the interrupt (the core finishes all earlier commands first).
  Event Record();
  // An event that completes when the commands enqueued after it are handed to the core (its
  // doorbell): the start of a piece of work, without draining the core.
  Event Mark();
  // Waits until everything enqueued so far has finished.
  void Synchronize();
  // Commands enqueued and not yet finished (host queue included).
  uint64_t pending() const;

 private:
  friend class Device;
  Stream(std::shared_ptr<detail::DeviceState> state, int core) : state_(state), core_(core) {}
  std::shared_ptr<detail::DeviceState> state_;
  int core_;
};

// Counters of one core (sw/driver CounterSel), as a snapshot.
struct CoreCounters {
  uint64_t macs = 0, bytes_read = 0, bytes_written = 0;
  uint64_t busy_ld = 0, busy_ex = 0, busy_st = 0;
  uint64_t retired = 0;
  CoreCounters operator-(const CoreCounters& o) const;
};

class Device {
 public:
  // Opens backend `backend` (registered by hal::RegisterModelBackend() or
  // hal::RegisterRtlBackend()) with `options`. InvalidArgument for an unknown backend or SoC.
  static Device Open(const std::string& backend, const hal::BackendOptions& options = {});
  // Wraps a HostBus the caller built. `ring_slots` per core (>= 2).
  explicit Device(std::unique_ptr<hal::HostBus> bus, uint32_t ring_slots = 1024);

  const driver::DeviceInfo& info() const;
  int cores() const;
  uint64_t memory_bytes() const;  // device memory
  std::string Describe() const;   // the backend's one line
  hal::HostBus& bus() const;
  driver::Driver& driver() const;
  Allocator& allocator() const;
  uint64_t Now() const;  // device cycles since reset

  Buffer Alloc(const Shape& shape, DType dtype);
  template <class T>
  Buffer Upload(const Matrix<T>& m) {
    Buffer b = Alloc({m.rows(), m.cols()}, DTypeOf<T>());
    b.Upload(m);
    return b;
  }
  template <class T>
  Buffer Upload(const std::vector<T>& v) {
    Buffer b = Alloc({static_cast<int>(v.size())}, DTypeOf<T>());
    b.Upload(v);
    return b;
  }

  Stream stream(int core) const;
  // Waits for every stream. If a core faulted, the other cores' work is finished first, then
  // DeviceFault is raised (the faulted stream was cleared and is usable again).
  void Synchronize();
  CoreCounters Counters(int core) const;

  // A wait gives up (DeviceHang) after this many cycles without progress. Default 2,000,000.
  void set_hang_cycles(uint64_t cycles);
  uint64_t hang_cycles() const;

  // Called on every poll with the device cycle (progress lines in tools); nullptr = none.
  void set_progress(std::function<void(uint64_t)> callback);

  // Command log for timelines: while on, every command handed to a core is kept, per core in
  // submission order.
  struct LoggedCommand {
    isa::Descriptor command{};
    std::string label;
    uint64_t doorbell = 0;  // device cycle the host began handing it to the core (Submit);
                            // no unit starts it earlier
  };
  void set_command_log(bool on);
  std::vector<std::vector<LoggedCommand>> TakeCommandLog();

 private:
  explicit Device(std::shared_ptr<detail::DeviceState> s) : state_(std::move(s)) {}
  std::shared_ptr<detail::DeviceState> state_;
};

// "LOAD wait_mask=0 signal_mask=1 dst_buffer=1 src_addr=0x10000000 ..." for messages and traces.
std::string DescribeCommand(const isa::Descriptor& d);

}  // namespace luoshu
