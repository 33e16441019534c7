// The runtime's typed errors. Every message says what went wrong and what to do. Tools map
// them to exit codes: InvalidArgument (and OutOfMemory) 2, DeviceFault and DeviceHang 3.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "sw/isa/luoshu_isa.h"

namespace luoshu {

// Base of every runtime error.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A call the runtime refuses before touching the device: bad shapes, element types, options,
// an unknown backend or configuration. Fix the call.
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

// Device memory cannot hold what was asked (the message says how much is free).
class OutOfMemory : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

// A core stopped on a fault. The stream that owns the core has been cleared and is usable;
// the other cores' work was finished.
class DeviceFault : public Error {
 public:
  DeviceFault(const std::string& message, int core, uint32_t slot, isa::Fault fault)
      : Error(message), core_(core), slot_(slot), fault_(fault) {}
  int core() const { return core_; }
  uint32_t slot() const { return slot_; }  // ring slot of the faulting command
  isa::Fault fault() const { return fault_; }

 private:
  int core_;
  uint32_t slot_;
  isa::Fault fault_;
};

// The device made no progress (ring head and counters still) for the stated number of cycles,
// or its cores wait for tokens no command will give. The cores were cleared.
class DeviceHang : public Error {
 public:
  using Error::Error;
};

// A stop was requested (hal::RequestStop(), e.g. Ctrl-C) while the runtime waited.
class Interrupted : public Error {
 public:
  using Error::Error;
};

// A rank of a supernode run failed ("rank R: what went wrong"): its device faulted or hung, or
// its program threw. The other ranks were stopped.
class RankFailed : public Error {
 public:
  using Error::Error;
};

}  // namespace luoshu
