#include "core/io/atomic_file.hpp"

#include <atomic>
#include <cstdint>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>
#include <system_error>
#include <utility>

#include "core/error.hpp"

namespace azsim::io {
namespace {

// strerror(errno), but never "Success": a stream can fail without the OS setting errno.
std::string os_reason(int err) {
  return err != 0 ? std::string(std::strerror(err)) : std::string("unknown error");
}

std::string quoted(const std::filesystem::path& p) { return "'" + p.string() + "'"; }

// Closes a descriptor on every path out of a scope, so an exception cannot leak it.
class Fd {
 public:
  explicit Fd(int fd) noexcept : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const noexcept { return fd_; }
  // Closes now and reports the result: close() can report a deferred write error (NFS).
  int close_now() noexcept {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

int open_retry(const char* path, int flags) {
  int fd;
  do {
    fd = ::open(path, flags);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// Forces the temporary file's data to disk. Without this, a crash after rename() can leave
// the new name pointing at an empty or partly written file on ext4/xfs.
void fsync_file(const std::filesystem::path& temp, const std::filesystem::path& target) {
  Fd fd(open_retry(temp.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    throw IoError("cannot reopen " + quoted(temp) + " to sync " + quoted(target) + ": " +
                  os_reason(err));
  }
  if (::fsync(fd.get()) != 0) {
    const int err = errno;
    throw IoError("cannot sync " + quoted(target) + " (temporary " + quoted(temp) +
                  "): " + os_reason(err));
  }
  if (fd.close_now() != 0) {
    const int err = errno;
    throw IoError("cannot close " + quoted(temp) + ": " + os_reason(err));
  }
}

// Makes the rename itself durable. Best effort: some file systems refuse fsync on a folder,
// and the data is already safe, so a failure here is not worth failing the run for.
void fsync_directory(const std::filesystem::path& target) noexcept {
  std::filesystem::path dir = target.parent_path();
  if (dir.empty()) dir = ".";
  Fd fd(open_retry(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() >= 0) (void)::fsync(fd.get());
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path path) : path_(std::move(path)) {
  temp_ = path_;
  // pid plus a per-process counter: two AtomicFiles for one path never share a temp file.
  static std::atomic<std::uint64_t> counter{0};
  temp_ += ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  errno = 0;
  // Binary mode so the bytes written are the bytes stored, on every platform.
  out_.open(temp_, std::ios::out | std::ios::trunc | std::ios::binary);
  if (!out_.is_open()) {
    const int err = errno;
    throw IoError("cannot write " + quoted(path_) + " (temporary " + quoted(temp_) +
                  "): " + os_reason(err));
  }
}

AtomicFile::~AtomicFile() {
  if (committed_) return;
  try {
    out_.close();  // may throw if the caller enabled stream exceptions
  } catch (...) {
  }
  std::error_code ec;
  std::filesystem::remove(temp_, ec);  // noexcept overload; nothing useful to do on failure
}

void AtomicFile::commit() {
  if (committed_) throw std::logic_error("AtomicFile::commit called twice for " + quoted(path_));
  try {
    errno = 0;
    out_.flush();
    if (!out_) {
      const int err = errno;
      throw IoError("cannot write " + quoted(path_) + " (temporary " + quoted(temp_) +
                    "): " + os_reason(err));
    }
    errno = 0;
    out_.close();
    if (out_.fail()) {
      const int err = errno;
      throw IoError("cannot close " + quoted(temp_) + " while writing " + quoted(path_) + ": " +
                    os_reason(err));
    }
  } catch (const std::ios_base::failure&) {
    // Only reached when the caller turned on stream exceptions; report it like any I/O error.
    const int err = errno;
    throw IoError("cannot write " + quoted(path_) + " (temporary " + quoted(temp_) +
                  "): " + os_reason(err));
  }
  fsync_file(temp_, path_);
  std::error_code ec;
  std::filesystem::rename(temp_, path_, ec);  // atomic replace on POSIX
  if (ec) {
    throw IoError("cannot rename " + quoted(temp_) + " to " + quoted(path_) + ": " +
                  ec.message());
  }
  committed_ = true;
  fsync_directory(path_);
}

void write_file_atomic(const std::filesystem::path& path, std::string_view content) {
  AtomicFile file(path);
  file.stream().write(content.data(), static_cast<std::streamsize>(content.size()));
  file.commit();
}

namespace {

/// The pid in a temporary file's name NAME.tmp.<pid>.<n>, or 0 when it is not one.
pid_t temporary_owner(const std::filesystem::path& path) {
  const std::string n = path.filename().string();
  const auto t = n.rfind(".tmp.");
  if (t == std::string::npos || t == 0) return 0;
  const std::string rest = n.substr(t + 5);
  const auto dot = rest.find('.');
  const auto digits = [](std::string_view s) {
    return !s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (dot == std::string::npos || !digits(std::string_view(rest).substr(0, dot)) ||
      !digits(std::string_view(rest).substr(dot + 1)))
    return 0;
  const auto pid = std::stoll(rest.substr(0, dot));
  return pid > 0 && pid <= std::numeric_limits<pid_t>::max() ? static_cast<pid_t>(pid) : 0;
}

std::size_t remove_stale_in(const std::filesystem::path& dir, int depth) {
  std::error_code ec;
  std::size_t removed = 0;
  std::vector<std::filesystem::path> stale, folders;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const auto st = e.symlink_status(ec);
    if (std::filesystem::is_directory(st)) {
      if (depth > 0) folders.push_back(e.path());
    } else if (std::filesystem::is_regular_file(st)) {
      const pid_t owner = temporary_owner(e.path());
      // kill(pid, 0) fails with ESRCH when no such process exists: its writer is gone.
      if (owner != 0 && owner != ::getpid() && ::kill(owner, 0) != 0 && errno == ESRCH) stale.push_back(e.path());
    }
  }
  for (const auto& p : stale) removed += std::filesystem::remove(p, ec) ? 1 : 0;
  for (const auto& f : folders) removed += remove_stale_in(f, depth - 1);
  return removed;
}

}  // namespace

bool is_temporary_name(const std::filesystem::path& path) { return temporary_owner(path) != 0; }

std::size_t remove_stale_temporaries(const std::filesystem::path& dir) { return remove_stale_in(dir, 4); }

std::string read_file(const std::filesystem::path& path) {
  // POSIX read() rather than ifstream: it reports the real reason (EISDIR, EACCES, EIO).
  Fd fd(open_retry(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    throw IoError("cannot open " + quoted(path) + ": " + os_reason(err));
  }
  std::string text;
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    text.reserve(static_cast<std::size_t>(st.st_size));
  }
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      throw IoError("cannot read " + quoted(path) + ": " + os_reason(err));
    }
    text.append(buf, static_cast<std::size_t>(n));
  }
  return text;
}

}  // namespace azsim::io
