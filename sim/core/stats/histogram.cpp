#include "core/stats/histogram.hpp"

#include <algorithm>
#include <bit>
#include <limits>
#include <stdexcept>

namespace azsim::stats {
namespace {
constexpr int kSubBits = 6;                                  // 64 bins per doubling above kExact
constexpr std::int64_t kExact = std::int64_t{1} << (kSubBits + 1);  // values below are their own bin
constexpr std::size_t kSub = std::size_t{1} << kSubBits;
}  // namespace

LogLinearBins::LogLinearBins(std::int64_t bound) : bound_(bound), size_(0) {
  if (bound < 0) throw std::invalid_argument("LogLinearBins: negative bound");
  size_ = bin(bound) + 1;
}

std::size_t LogLinearBins::bin(std::int64_t v) const noexcept {
  v = std::clamp<std::int64_t>(v, 0, bound_);
  if (v < kExact) return static_cast<std::size_t>(v);
  const auto u = static_cast<std::uint64_t>(v);
  const int e = static_cast<int>(std::bit_width(u)) - (kSubBits + 1);  // v in [2^(6+e), 2^(7+e)), e >= 1
  const auto m = static_cast<std::size_t>(u >> e);                      // in [64, 128)
  return static_cast<std::size_t>(kExact) + static_cast<std::size_t>(e - 1) * kSub + (m - kSub);
}

std::int64_t LogLinearBins::lower(std::size_t i) noexcept {
  if (i < static_cast<std::size_t>(kExact)) return static_cast<std::int64_t>(i);
  const std::size_t k = i - static_cast<std::size_t>(kExact);
  const int e = static_cast<int>(k / kSub) + 1;
  return static_cast<std::int64_t>((k % kSub + kSub) << e);
}

std::int64_t LogLinearBins::width(std::size_t i) noexcept {
  if (i < static_cast<std::size_t>(kExact)) return 1;
  return std::int64_t{1} << ((i - static_cast<std::size_t>(kExact)) / kSub + 1);
}

double LogLinearBins::quantile(std::span<const std::uint32_t> counts, double q) const noexcept {
  std::uint64_t n = 0;
  for (auto c : counts) n += c;
  if (n == 0) return std::numeric_limits<double>::quiet_NaN();
  const double target = std::clamp(q, 0.0, 1.0) * static_cast<double>(n);
  std::uint64_t before = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0) continue;
    const auto after = before + counts[i];
    if (static_cast<double>(after) >= target) {
      const double frac = std::clamp((target - static_cast<double>(before)) / counts[i], 0.0, 1.0);
      const std::int64_t top = std::min(lower(i) + width(i) - 1, bound_);
      return static_cast<double>(lower(i)) + static_cast<double>(top - lower(i)) * frac;
    }
    before = after;
  }
  return static_cast<double>(bound_);  // unreachable: the last non-empty bin reaches n
}

}  // namespace azsim::stats
