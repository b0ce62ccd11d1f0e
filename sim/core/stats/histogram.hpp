#pragma once
/// @file
/// @brief Fixed log-linear bins for non-negative integers, as an ensemble's per-day
/// histograms use: exact (width 1) below 128, then 64 bins per doubling (relative width at
/// most 1/64), up to a bound fixed in advance. Counting into fixed bins is order-independent,
/// so quantiles read from them do not depend on the order runs arrive in.

#include <cstddef>
#include <cstdint>
#include <span>

namespace azsim::stats {

class LogLinearBins {
 public:
  /// @brief Bins covering [0, bound]; values above `bound` fall into the last bin.
  explicit LogLinearBins(std::int64_t bound);

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] std::int64_t bound() const noexcept { return bound_; }
  /// @brief The bin of value v (negative values count as 0, values above the bound as it).
  [[nodiscard]] std::size_t bin(std::int64_t v) const noexcept;
  /// @brief The smallest integer of bin i.
  [[nodiscard]] static std::int64_t lower(std::size_t i) noexcept;
  /// @brief How many integers bin i holds.
  [[nodiscard]] static std::int64_t width(std::size_t i) noexcept;

  /// @brief The q-quantile (q in [0, 1]) of the values counted in `counts` (one per bin):
  /// the bin where the cumulative count reaches q·n, then linear inside it over its
  /// integers (exact for bins of width 1). NaN when no value was counted.
  [[nodiscard]] double quantile(std::span<const std::uint32_t> counts, double q) const noexcept;

 private:
  std::int64_t bound_;
  std::size_t size_;
};

}  // namespace azsim::stats
