#pragma once
/// @file
/// @brief What every model's run reports to the core: scalar outcomes and target scores. The
/// ensemble, what-if, sensitivity and calibration machinery works on these alone.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace azsim {

/// @brief One scalar outcome of a run (e.g. the day a town changed hands, a share, a count).
struct Outcome {
  std::string name;
  std::optional<double> value;  ///< empty when the run never produced it ("NA" in files)
  std::string unit;
};

/// @brief How a run scored against one target.
struct TargetResult {
  std::string id;
  std::string description;
  bool hit = false;
  /// Distance from the target in units of its own tolerance: 0 when hit; 1 means one window
  /// (or one range width) away. docs/ODD.md says how each clause kind measures it.
  double miss = 0;
};

/// @brief Per day and unit, which of up to 64 categories apply: e.g. per day and town, which
/// factions hold it, which bloc holds it alone, and its state. An ensemble turns these into
/// the share of runs in which each category applied.
struct MaskSeries {
  std::string name;                     ///< the ensemble file's stem, e.g. "control"
  std::string unit_column;              ///< e.g. "node"
  std::vector<std::string> units;       ///< e.g. node ids
  std::vector<std::string> categories;  ///< at most 64 column names, e.g. "faction:mnla"
  std::vector<std::uint64_t> values;    ///< days x units, bit c set when category c applies
};

/// @brief Per day and unit, a count: e.g. fighters per faction. An ensemble turns these into
/// means and quantiles through fixed-bin histograms on [0, bound].
struct CountSeries {
  std::string name;                               ///< e.g. "strength"
  std::vector<std::string> key_columns;           ///< e.g. {"faction"} or {"who", "kind"}
  std::vector<std::vector<std::string>> units;    ///< per unit, one value per key column
  std::int64_t bound = 0;  ///< an upper bound on every value, the same in every run
  std::vector<std::int64_t> values;               ///< days x units, each in [0, bound]
};

/// @brief A run's day-by-day trajectories, when asked for (RunRequest::timeline).
struct Timeline {
  std::vector<std::string> dates;  ///< per day, its label (an ISO date)
  std::vector<MaskSeries> masks;
  std::vector<CountSeries> counts;
};

/// @brief A run's scalar results, and its trajectories when asked for.
struct RunSummary {
  std::vector<Outcome> outcomes;
  std::vector<TargetResult> targets;
  Timeline timeline;  ///< empty unless RunRequest::timeline
};

/// @brief Where and when a target's clause is documented to happen, for marking it on plots.
struct TargetMark {
  std::string target, clause;
  std::string node;                       ///< empty when the clause names no place
  std::string window_start, window_end;   ///< ISO dates, inclusive
};

}  // namespace azsim
