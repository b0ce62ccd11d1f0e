#pragma once
/// @file
/// @brief One run of the civil_violence model: simulate every step, summarise, and write the
/// single-run files.

#include <filesystem>

#include "core/run/summary.hpp"
#include "models/civil_violence/world.hpp"

namespace azsim::civil_violence {

/// @brief Builds the world and runs every step of the scenario (the world points to `spec`).
[[nodiscard]] World simulate(const ScenarioSpec& spec, const RunParameters& params, rng::RunKey key);
World simulate(ScenarioSpec&&, const RunParameters&, rng::RunKey) = delete;

/// @brief The number of outbursts in a series of active shares (steps 1..): an outburst starts
/// at a step whose share reaches `share` while none is under way, and ends at the first step
/// whose share falls below `share` / 2.
[[nodiscard]] int count_outbursts(const std::vector<double>& active_share, double share) noexcept;

/// @brief Scalar outcomes of a finished run: shares of citizens over steps 1..steps.
[[nodiscard]] RunSummary summarize(const World& w);

/// @brief Writes steps.csv (step, legitimacy, active, quiet, jailed) and outcomes.csv.
void write_run_files(const World& w, const RunSummary& summary, const std::filesystem::path& dir);

/// @brief The per-step counts as an ensemble aggregates them: the count series `states`
/// (active, quiet and jailed citizens per step).
[[nodiscard]] Timeline timeline_of(const World& w);

}  // namespace azsim::civil_violence
