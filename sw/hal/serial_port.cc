#include "sw/hal/serial_port.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "sw/hal/types.h"

namespace luoshu::hal {
namespace {

struct BaudCode {
  int baud;
  speed_t code;
};

// The termios speed constants (only these rates can be set through termios).
constexpr BaudCode kBauds[] = {
    {50, B50},           {75, B75},           {110, B110},         {134, B134},
    {150, B150},         {200, B200},         {300, B300},         {600, B600},
    {1200, B1200},       {1800, B1800},       {2400, B2400},       {4800, B4800},
    {9600, B9600},       {19200, B19200},     {38400, B38400},     {57600, B57600},
    {115200, B115200},   {230400, B230400},
#ifdef B460800
    {460800, B460800},   {500000, B500000},   {576000, B576000},   {921600, B921600},
    {1000000, B1000000}, {1152000, B1152000}, {1500000, B1500000}, {2000000, B2000000},
    {2500000, B2500000}, {3000000, B3000000}, {3500000, B3500000}, {4000000, B4000000},
#endif
};

bool BaudCodeOf(int baud, speed_t* code) {
  for (const BaudCode& b : kBauds) {
    if (b.baud == baud) {
      *code = b.code;
      return true;
    }
  }
  return false;
}

std::string Errno(int err) { return std::strerror(err); }

}  // namespace

bool IsSupportedBaud(int baud) {
  speed_t code;
  return BaudCodeOf(baud, &code);
}

std::unique_ptr<SerialPort> SerialPort::Open(const std::string& path, int baud) {
  const std::string what = "board device " + path + ": ";
  speed_t code = 0;
  if (!BaudCodeOf(baud, &code)) {
    throw ConfigError("--baud " + std::to_string(baud) +
                      " is not a serial rate this system can set; use a standard one such as "
                      "115200, 1000000 or 3000000 (the board's bridge must use the same)");
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) {
      throw ConfigError(what +
                        "does not exist; check the path (a USB serial adapter is usually "
                        "/dev/ttyUSB0 or /dev/ttyACM0, the board simulator prints its link path) "
                        "and that the board or the simulator is running");
    }
    throw ConfigError(what + Errno(err));
  }
  if (!S_ISCHR(st.st_mode)) {
    throw ConfigError(what +
                      "is not a serial device (not a character device); give the board's "
                      "serial port (e.g. /dev/ttyUSB0) or the simulator's link path");
  }
  const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == EACCES || err == EPERM) {
      throw ConfigError(what +
                        "permission denied; add your user to the group that owns it (usually "
                        "'dialout': sudo usermod -aG dialout $USER, then log in again) or "
                        "ask an administrator");
    }
    if (err == EBUSY) throw ConfigError(what + "is busy; another program has it open");
    throw ConfigError(what + "cannot be opened: " + Errno(err));
  }
  if (!::isatty(fd)) {
    ::close(fd);
    throw ConfigError(what +
                      "is not a terminal (tty), so it is not a serial port; give the board's "
                      "serial port (e.g. /dev/ttyUSB0) or the simulator's link path");
  }
  termios t{};
  if (::tcgetattr(fd, &t) != 0) {
    const int err = errno;
    ::close(fd);
    throw ConfigError(what + "cannot read its settings: " + Errno(err));
  }
  // Raw 8N1: no line editing, echo, signals, character translation or flow control.
  ::cfmakeraw(&t);
  t.c_cflag &= ~static_cast<tcflag_t>(PARENB | CSTOPB | CSIZE | CRTSCTS);
  t.c_cflag |= CS8 | CLOCAL | CREAD;
  t.c_iflag &= ~static_cast<tcflag_t>(IXON | IXOFF | IXANY);
  t.c_cc[VMIN] = 0;
  t.c_cc[VTIME] = 0;
  ::cfsetispeed(&t, code);
  ::cfsetospeed(&t, code);
  if (::tcsetattr(fd, TCSANOW, &t) != 0) {
    const int err = errno;
    ::close(fd);
    throw ConfigError(what + "refuses raw 8N1 at " + std::to_string(baud) + " baud: " + Errno(err) +
                      "; try a lower --baud that the adapter supports");
  }
  ::tcflush(fd, TCIOFLUSH);
  return std::unique_ptr<SerialPort>(new SerialPort(fd, path));
}

SerialPort::~SerialPort() { ::close(fd_); }

void SerialPort::Fail(const std::string& what, int err) const {
  throw LinkError("board link " + path_ + ": " + what + ": " + Errno(err) +
                  (err == EIO ? " (the device or the simulator went away)" : ""));
}

void SerialPort::Write(const uint8_t* data, size_t len) {
  size_t done = 0;
  while (done < len) {
    const ssize_t n = ::write(fd_, data + done, len - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) Fail("write", errno);
    // The output buffer is full: wait until it drains, but not forever (a stuck adapter).
    pollfd p{fd_, POLLOUT, 0};
    const int r = ::poll(&p, 1, 5000);
    if (r == 0) throw LinkError("board link " + path_ + ": write stalled for 5 s");
    if (r < 0 && errno != EINTR) Fail("poll", errno);
  }
}

size_t SerialPort::Read(uint8_t* data, size_t max, int timeout_ms) {
  for (;;) {
    const ssize_t n = ::read(fd_, data, max);
    if (n > 0) return static_cast<size_t>(n);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) Fail("read", errno);
    if (timeout_ms <= 0) return 0;
    pollfd p{fd_, POLLIN, 0};
    const int r = ::poll(&p, 1, timeout_ms);
    if (r == 0) return 0;
    if (r < 0) {
      if (errno == EINTR) continue;
      Fail("poll", errno);
    }
    if ((p.revents & (POLLHUP | POLLERR)) && !(p.revents & POLLIN)) {
      Fail("read", EIO);
    }
    timeout_ms = 0;  // readable now: one more read, no second wait
  }
}

void SerialPort::Drain() {
  ::tcflush(fd_, TCIFLUSH);
  uint8_t buf[256];
  while (Read(buf, sizeof buf, 0) > 0) {
  }
}

}  // namespace luoshu::hal
