#pragma once
/// @file
/// @brief Progress of long work on stderr: on a terminal, one line redrawn at most ten times a
/// second (a bar, done/total, items per second, time left); otherwise a line at each tenth of
/// the work, so logs stay short. Not thread-safe: callers hold their own lock.

#include <chrono>
#include <cstdint>
#include <ostream>
#include <string>

namespace azsim {

class Progress {
 public:
  /// @param label what is counted, e.g. "runs"
  /// @param total items in all; @param done items already done before this call (a resume)
  /// @param enabled false: print nothing (--quiet)
  Progress(std::string label, std::uint64_t total, std::uint64_t done, bool enabled);
  /// @brief For tests: write to `out`, as a terminal or not.
  Progress(std::string label, std::uint64_t total, std::uint64_t done, std::ostream& out, bool terminal);

  void update(std::uint64_t done);
  /// @brief Ends the line (terminal) and says how long it took.
  void finish();

 private:
  void draw(bool final);
  std::string label_;
  std::uint64_t total_, start_done_, done_;
  std::ostream* out_;
  bool terminal_, enabled_;
  int last_tenth_ = -1;
  std::chrono::steady_clock::time_point start_, last_draw_{};
};

/// @brief "1:02:03" or "2:03" for a duration in seconds.
[[nodiscard]] std::string format_duration(double seconds);

}  // namespace azsim
