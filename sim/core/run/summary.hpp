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

/// @brief A run's scalar results.
struct RunSummary {
  std::vector<Outcome> outcomes;
  std::vector<TargetResult> targets;
};

}  // namespace azsim
