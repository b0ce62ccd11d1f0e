#pragma once
/// @file
/// @brief The scalar results of many runs, one row per job, kept in job order whatever order
/// the runs finish in: what `runs.csv` and `targets.csv` are written from.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/io/binary.hpp"
#include "core/run/summary.hpp"

namespace azsim {

/// @brief One run's scalars: outcome values (NaN when the run never produced one), then each
/// target's hit and miss.
struct RunRow {
  std::vector<double> values;
  std::vector<std::uint8_t> hits;
  std::vector<double> misses;
};

class RowTable {
 public:
  RowTable() = default;
  explicit RowTable(std::size_t jobs) : rows_(jobs) {}

  /// @brief Stores job j's results. The first summary fixes the columns; a later one with
  /// other outcomes or targets is a logic error (a model must report the same every run).
  void put(std::size_t job, const RunSummary& summary);
  [[nodiscard]] bool has(std::size_t job) const noexcept { return job < rows_.size() && rows_[job].has_value(); }
  [[nodiscard]] const RunRow& row(std::size_t job) const { return *rows_.at(job); }
  [[nodiscard]] std::size_t jobs() const noexcept { return rows_.size(); }
  [[nodiscard]] std::size_t finished() const noexcept;

  [[nodiscard]] const std::vector<std::string>& outcome_names() const noexcept { return names_; }
  [[nodiscard]] const std::vector<std::string>& outcome_units() const noexcept { return units_; }
  [[nodiscard]] const std::vector<std::string>& target_ids() const noexcept { return target_ids_; }
  [[nodiscard]] const std::vector<std::string>& target_descriptions() const noexcept { return target_descriptions_; }

  /// @brief Column headers and values a caller puts before the outcomes (e.g. run, seed).
  struct Prefix {
    std::vector<std::string> header;
    std::function<std::vector<std::string>(std::size_t job)> values;
  };
  /// @brief Writes `path` atomically: the prefix columns, every outcome ("NA" when missing),
  /// then `T.hit` and `T.miss` for each target whose columns are not among the outcomes
  /// already. Every job must be finished.
  void write_runs_csv(const std::filesystem::path& path, const Prefix& prefix) const;
  /// @brief Writes `path` atomically: per target, runs, hits, hit rate with its Wilson 95%
  /// interval, and the median miss.
  void write_targets_csv(const std::filesystem::path& path) const;

  void save(io::BinaryWriter& out) const;
  [[nodiscard]] static RowTable load(io::BinaryReader& in);

 private:
  std::vector<std::string> names_, units_, target_ids_, target_descriptions_;
  std::vector<std::optional<RunRow>> rows_;
};

/// @brief A runs.csv read back: the columns after the first `prefix` ones, by name, each with
/// its values in row order (NaN for NA). Values read back exactly (they were written in
/// shortest round-trip form).
struct RunsTable {
  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
  /// @brief The column named `name`, or null.
  [[nodiscard]] const std::vector<double>* find(std::string_view name) const noexcept;
};

/// @brief Reads a runs.csv written by RowTable::write_runs_csv. @throws IoError naming the
/// file and line of a malformed row.
[[nodiscard]] RunsTable read_runs_csv(const std::filesystem::path& path, std::size_t prefix);

/// @brief The Wilson score interval for `hits` of `n` at 95%; {0, 1} when n = 0.
[[nodiscard]] std::pair<double, double> wilson_interval(std::uint64_t hits, std::uint64_t n) noexcept;

/// @brief The q-quantile of `values` (NaNs dropped) by linear interpolation between order
/// statistics (type 7); NaN when nothing is left.
[[nodiscard]] double sample_quantile(std::vector<double> values, double q);

}  // namespace azsim
