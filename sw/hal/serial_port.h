// A serial device (a board's USB UART) or a pseudo-terminal (the board simulator) as a
// ByteLink: raw 8N1, no flow control, at a chosen baud rate (a pty accepts and ignores it).
#pragma once

#include <memory>
#include <string>

#include "sw/hal/byte_link.h"

namespace luoshu::hal {

constexpr int kDefaultBaud = 3000000;

class SerialPort : public ByteLink {
 public:
  // Opens `path` and sets it up. ConfigError (sw/hal/types.h) when the path does not exist,
  // is not a terminal, may not be opened (permissions) or refuses the baud rate; the message
  // says what to do.
  static std::unique_ptr<SerialPort> Open(const std::string& path, int baud = kDefaultBaud);
  ~SerialPort() override;
  SerialPort(const SerialPort&) = delete;
  SerialPort& operator=(const SerialPort&) = delete;

  void Write(const uint8_t* data, size_t len) override;
  size_t Read(uint8_t* data, size_t max, int timeout_ms) override;
  void Drain() override;
  std::string Describe() const override { return "serial port " + path_; }

 private:
  SerialPort(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  [[noreturn]] void Fail(const std::string& what, int err) const;
  int fd_;
  std::string path_;
};

// Whether `baud` is a rate the serial driver interface knows (50 .. 4000000, standard steps).
bool IsSupportedBaud(int baud);

}  // namespace luoshu::hal
