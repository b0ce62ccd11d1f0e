#include "core/run/progress.hpp"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <iostream>

namespace azsim {

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const auto s = static_cast<long long>(std::llround(seconds));
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%lld:%02lld", s / 60, s % 60);
  return buf;
}

Progress::Progress(std::string label, std::uint64_t total, std::uint64_t done, bool enabled)
    : Progress(std::move(label), total, done, std::cerr, isatty(STDERR_FILENO) == 1) {
  enabled_ = enabled;
}

Progress::Progress(std::string label, std::uint64_t total, std::uint64_t done, std::ostream& out, bool terminal)
    : label_(std::move(label)), total_(total), start_done_(done), done_(done), out_(&out), terminal_(terminal),
      enabled_(true), start_(std::chrono::steady_clock::now()) {
  if (total_ > 0) last_tenth_ = static_cast<int>(10 * done_ / total_);
}

void Progress::update(std::uint64_t done) {
  done_ = done;
  if (!enabled_ || total_ == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (terminal_) {
    if (now - last_draw_ < std::chrono::milliseconds(100) && done_ < total_) return;
    last_draw_ = now;
    draw(false);
  } else {
    const int tenth = static_cast<int>(10 * done_ / total_);
    if (tenth == last_tenth_ || done_ == total_) return;  // the last line is finish()'s
    last_tenth_ = tenth;
    draw(false);
  }
}

void Progress::draw(bool final) {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = elapsed > 0 ? static_cast<double>(done_ - start_done_) / elapsed : 0;
  const double left = rate > 0 ? static_cast<double>(total_ - done_) / rate : NAN;
  char line[256];
  if (terminal_) {
    constexpr int width = 28;
    const int filled = static_cast<int>(width * done_ / total_);
    std::string bar(static_cast<std::size_t>(filled), '=');
    if (filled < width) bar += '>';
    bar.resize(width, ' ');
    std::snprintf(line, sizeof line, "\r[%s] %llu/%llu %s  %.1f/s  %s %s   ", bar.c_str(),
                  static_cast<unsigned long long>(done_), static_cast<unsigned long long>(total_), label_.c_str(), rate,
                  final ? format_duration(elapsed).c_str() : format_duration(left).c_str(), final ? "taken" : "left");
    *out_ << line << std::flush;
  } else {
    std::snprintf(line, sizeof line, "%3d%%  %llu/%llu %s  %.1f/s  %s %s\n",
                  static_cast<int>(100 * done_ / total_), static_cast<unsigned long long>(done_),
                  static_cast<unsigned long long>(total_), label_.c_str(), rate,
                  final ? format_duration(elapsed).c_str() : format_duration(left).c_str(), final ? "taken" : "left");
    *out_ << line << std::flush;
  }
}

void Progress::finish() {
  if (!enabled_ || total_ == 0) return;
  if (terminal_) {
    draw(true);
    *out_ << "\n" << std::flush;
  } else {
    draw(true);
  }
}

}  // namespace azsim
