#pragma once
/// @file
/// @brief The civil_violence model's immutable scenario description: Epstein's (2002) Model I
/// of rebellion against a central authority, on a torus of cells. A scenario gives the grid,
/// the number of steps, the scheduled changes of legitimacy (shocks) and every parameter with
/// its prior; docs/civil-violence.md describes the keys.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/scenario/parameters.hpp"

namespace azsim::civil_violence {

/// @brief A scheduled change of legitimacy: from the value it has before step `step`, to
/// `legitimacy`, reached at step `step + over - 1` in equal increments (`over` = 1: one jump).
struct LegitimacyShock {
  std::string id;          ///< optional, for overrides (`shocks[id]`)
  std::int64_t step = 1;   ///< the first step that sees the change (1-based)
  std::int64_t over = 1;   ///< steps the change is spread over
  double legitimacy = 0;   ///< the value reached
};

/// @brief How C / A becomes an integer in P = 1 - exp(-k [C / A]).
enum class ArrestRatio {
  round,  ///< Python's round (halves to even): the Mesa example, the default
  floor,  ///< rounded down: NetLogo's Rebellion, and the rule the paper's figures need
};

/// @brief Everything a run needs, validated.
struct ScenarioSpec {
  std::string name;
  std::string description;
  int width = 40;            ///< cells; at most 64 (one 64-bit word per row)
  int height = 40;           ///< cells
  std::int64_t steps = 200;  ///< steps after the initial state
  bool movement = true;      ///< agents not in jail move after acting
  ArrestRatio arrest_ratio = ArrestRatio::round;
  /// An outburst starts when the active share reaches this and ends when it falls below half
  /// of it (docs/civil-violence.md, "Outbursts").
  double outburst_share = 0.05;
  std::vector<LegitimacyShock> shocks;  ///< in step order, not overlapping
  ParameterSet parameters;
};

/// @brief A run's parameters, read from a ParameterSet's values: visions and the jail term
/// rounded to integers.
struct RunParameters {
  double citizen_density = 0.7;
  double cop_density = 0.074;
  double legitimacy = 0.8;       ///< before any shock
  double threshold = 0.1;
  double arrest_constant = 2.3;  ///< k
  int citizen_vision = 7;        ///< von Neumann radius, cells
  int cop_vision = 7;
  std::int64_t max_jail_term = 1000;  ///< steps; terms are uniform integers in [0, this]
};

/// @brief The run parameters of `spec` with `parameters`' values.
/// @throws Error when they do not fit the grid (densities summing above 1, a vision whose
/// diamond wraps onto itself) — possible only for values given at run time.
[[nodiscard]] RunParameters resolve_parameters(const ScenarioSpec& spec, const ParameterSet& parameters);

/// @brief Legitimacy at each step 0..steps (index 0: the initial state) under the shocks,
/// starting from `initial`.
[[nodiscard]] std::vector<double> legitimacy_schedule(const ScenarioSpec& spec, double initial);

/// @brief The largest vision (cells) the grid allows: its diamond must not wrap onto itself.
[[nodiscard]] constexpr int max_vision(int width, int height) noexcept {
  return ((width < height ? width : height) - 1) / 2;
}

/// @brief A validated civil_violence scenario, as the core sees it.
class CivilViolenceScenario final : public SpecScenario<ScenarioSpec> {
 public:
  using SpecScenario::SpecScenario;
  [[nodiscard]] std::vector<SummaryItem> summary() const override;
  [[nodiscard]] RunSummary run(const RunRequest& request) const override;
  [[nodiscard]] std::string day_label(std::int64_t day) const override { return std::to_string(day); }
  /// @brief Writes schedule.csv (step, legitimacy) for the plots.
  void write_reference_files(const std::filesystem::path& dir) const override;
};

/// @brief Reads and validates a composed document as a civil_violence scenario.
/// @throws ScenarioError with every problem found.
[[nodiscard]] ScenarioSpec read_spec(const Document& document);

}  // namespace azsim::civil_violence
