// Timelines of device runs as Chrome trace-event JSON (opens in https://ui.perfetto.dev and
// chrome://tracing): one process per core, one track per unit (MTE-in, cube, MTE-out,
// sequencer), each command a slice named by its opcode with its operands and the work it
// belongs to as arguments. Times are device cycles shown as microseconds at `clock_mhz`.
//
// The runtime logs the commands it hands to each core; the backend reports when each unit
// started and finished a command (hal::HostBus::RecordUnitEvents: measured on the RTL
// backend, estimated by the model backend). Queues run in order, so the two join by position.
#pragma once

#include <string>
#include <vector>

#include "sw/hal/host_bus.h"
#include "sw/runtime/device.h"

namespace luoshu {

struct TimelineSlice {
  int core = 0;
  int queue = 0;  // isa::Queue
  uint64_t start = 0, finish = 0;
  std::string name;   // opcode
  std::string args;   // DescribeCommand() without the opcode
  std::string label;  // the work it belongs to
};

// Joins a command log with unit events (InvalidArgument if they cannot belong together).
std::vector<TimelineSlice> JoinTimeline(const std::vector<std::vector<Device::LoggedCommand>>& log,
                                        const std::vector<hal::UnitEvent>& events);

// The JSON text of `slices`.
std::string TimelineJson(const std::vector<TimelineSlice>& slices, double clock_mhz, bool exact);

// Starts recording on construction (command log and unit events); Write() takes both and
// writes the JSON atomically (InvalidArgument naming the path if it cannot be written).
class TimelineRecorder {
 public:
  explicit TimelineRecorder(Device* dev, double clock_mhz = 1000);
  ~TimelineRecorder();
  // False when the backend reports no unit events (the file then holds doorbells only).
  bool exact() const { return exact_; }
  void Write(const std::string& path);

 private:
  Device* dev_;
  double clock_mhz_;
  bool supported_ = false, exact_ = false;
};

}  // namespace luoshu
