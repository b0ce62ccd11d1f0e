#pragma once
/// @file
/// @brief Streamed, order-independent aggregation of many runs' day-by-day trajectories
/// (Timeline): for a MaskSeries, how many runs had each category on each day and unit; for
/// a CountSeries, a fixed-bin histogram and an integer sum per day and unit. Integer counters
/// only, so the files written from them are the same whatever order the runs arrive in.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/io/binary.hpp"
#include "core/run/summary.hpp"
#include "core/stats/histogram.hpp"

namespace azsim {

class TimelineAggregate {
 public:
  /// @brief Counts one run. The first run fixes the shape (dates, series, units, categories,
  /// bounds); a later run of another shape is a logic error.
  void add(const Timeline& t);
  [[nodiscard]] std::uint64_t runs() const noexcept { return runs_; }

  /// @brief Writes `<name>.csv` for every series into `dir`, each atomically. A mask series
  /// gives per day and unit the share of runs with each category; a count series per day and
  /// unit the mean and the 5/25/50/75/95% quantiles. Nothing when no run was added.
  void write(const std::filesystem::path& dir) const;

  void save(io::BinaryWriter& out) const;
  [[nodiscard]] static TimelineAggregate load(io::BinaryReader& in);

  /// @brief The q-quantile of count series `s` on day `d` for unit `u` (for tests).
  [[nodiscard]] double quantile(std::size_t s, std::size_t d, std::size_t u, double q) const;

 private:
  struct Mask {
    MaskSeries shape;                    ///< values left empty
    std::vector<std::uint32_t> counts;   ///< days x units x categories
  };
  struct Count {
    CountSeries shape;                   ///< values left empty
    std::size_t bins = 0;
    std::vector<std::uint32_t> hist;     ///< days x units x bins
    std::vector<std::int64_t> sums;      ///< days x units
  };
  void check_shape(const Timeline& t) const;

  std::uint64_t runs_ = 0;
  std::vector<std::string> dates_;
  std::vector<Mask> masks_;
  std::vector<Count> counts_;
};

}  // namespace azsim
