#pragma once
/// @file
/// @brief Files that are either complete or absent. Content is written to a temporary file in
/// the same folder ("NAME.tmp.<pid>.<n>"), flushed and fsync'ed, then renamed over NAME, so an
/// interrupted run never leaves a half-written file that looks complete.

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace azsim::io {

/// @brief An output file that appears under its name only on commit().
class AtomicFile {
 public:
  /// @throws IoError when the temporary file cannot be created (message names the path).
  explicit AtomicFile(std::filesystem::path path);
  ~AtomicFile();  ///< removes the temporary file unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  [[nodiscard]] std::ostream& stream() noexcept { return out_; }
  /// @brief Flushes, fsyncs and renames into place. @throws IoError on any failure.
  void commit();
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_, temp_;
  std::ofstream out_;
  bool committed_ = false;
};

/// @brief Writes `content` to `path` atomically. @throws IoError.
void write_file_atomic(const std::filesystem::path& path, std::string_view content);

/// @brief True for the name of an AtomicFile's temporary file: NAME.tmp.<pid>.<n>.
[[nodiscard]] bool is_temporary_name(const std::filesystem::path& path);

/// @brief Removes, in `dir` and its subfolders (4 levels), the temporary files that a killed
/// azsim left behind: those named NAME.tmp.<pid>.<n> whose process no longer runs. Never
/// another file. Returns how many were removed.
std::size_t remove_stale_temporaries(const std::filesystem::path& dir);

/// @brief Reads a whole file. @throws IoError naming the path.
[[nodiscard]] std::string read_file(const std::filesystem::path& path);

}  // namespace azsim::io
