// Typed errors raised by the harness. Each message says what happened and what to do.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace luoshu::tb {

// The design did not reach a condition in time.
class WatchdogError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An RTL assertion ($error / SVA) fired during simulation.
class RtlAssertionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A harness option (environment variable or flag) is malformed or unsupported in this build.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A design broke an interface protocol the harness checks (a stream rule, a burst rule).
class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace luoshu::tb
