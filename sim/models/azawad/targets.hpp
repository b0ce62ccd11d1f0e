#pragma once
/// @file
/// @brief Scoring a run against the scenario's targets, clause by clause, exactly as
/// shared/seed/timeline.md fixes them (docs/scenario-format.md lists the clause kinds; the
/// miss distances are described in docs/ODD.md).

#include <optional>
#include <vector>

#include "core/run/summary.hpp"
#include "models/azawad/world.hpp"

namespace azsim::azawad {

/// @brief How one clause came out in a run.
struct ClauseResult {
  bool hit = false;
  double miss = 0;            ///< in the clause's own unit (days, nodes, events, share)
  double scale = 1;           ///< the clause's tolerance in that unit (window length, range width)
  std::optional<Day> day;     ///< the day of the event the clause is about, when there is one
  std::optional<double> value;  ///< the measured quantity (a day index, a share, a count)
  std::int64_t engagement = -1;  ///< the battle behind a control change, for battle_casualties
};

/// @brief Scores every target; `clauses[t][c]` receives each clause's result.
[[nodiscard]] std::vector<TargetResult> score_targets(const World& w,
                                                      std::vector<std::vector<ClauseResult>>* clauses = nullptr);

}  // namespace azsim::azawad
