// A byte link to a board: the transport under the board backend (sw/hal/board_backend.h).
// Implemented by SerialPort (a serial device or a pseudo-terminal, sw/hal/serial_port.h) and by
// in-process links in the tests, which is how the protocol logic is tested without a device.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "sw/hal/host_bus.h"

namespace luoshu::hal {

// The link itself failed (the device went away, an I/O error), or the board did not answer
// after every retry. A BusError: the bus transaction did not complete.
class LinkError : public BusError {
 public:
  using BusError::BusError;
};

class ByteLink {
 public:
  virtual ~ByteLink() = default;
  // Sends every byte (blocks until the system took them). LinkError on an I/O error.
  virtual void Write(const uint8_t* data, size_t len) = 0;
  // Waits up to timeout_ms for at least one byte, then returns what has arrived (at most
  // `max`, at least 1), or 0 if nothing came in time. LinkError on an I/O error.
  virtual size_t Read(uint8_t* data, size_t max, int timeout_ms) = 0;
  // Discards bytes that arrived and were not read yet.
  virtual void Drain() = 0;
  // "serial port /dev/ttyUSB0": for messages.
  virtual std::string Describe() const = 0;
};

}  // namespace luoshu::hal
