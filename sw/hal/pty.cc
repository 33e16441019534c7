#include "sw/hal/pty.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace luoshu::hal {

PtyMaster::PtyMaster() {
  fd_ = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd_ < 0 || ::grantpt(fd_) != 0 || ::unlockpt(fd_) != 0) {
    const std::string why = std::strerror(errno);
    if (fd_ >= 0) ::close(fd_);
    throw PtyError("cannot create a pseudo-terminal: " + why);
  }
  slave_path_ = ::ptsname(fd_);
}

PtyMaster::~PtyMaster() { ::close(fd_); }

PtyLink::PtyLink(std::string link, const std::string& target) : link_(std::move(link)) {
  struct stat st {};
  if (::lstat(link_.c_str(), &st) == 0) {
    if (!S_ISLNK(st.st_mode)) {
      throw PtyError(
          link_ + ": a file that is not a symlink is in the way; remove it or pick another path");
    }
    ::unlink(link_.c_str());
  }
  if (::symlink(target.c_str(), link_.c_str()) != 0) {
    throw PtyError(link_ + ": cannot create the link: " + std::strerror(errno) +
                   "; pick a path in a writable folder");
  }
}

PtyLink::~PtyLink() { ::unlink(link_.c_str()); }

}  // namespace luoshu::hal
