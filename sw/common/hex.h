// "0x1f00": addresses and values in messages, the same way in every layer.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>

namespace luoshu {

inline std::string Hex(uint64_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

}  // namespace luoshu
