#pragma once
/// @file
/// @brief One run of the azawad model: simulate every day, score the targets, summarise, and
/// write the single-run files.

#include <filesystem>

#include "core/run/summary.hpp"
#include "models/azawad/world.hpp"

namespace azsim::exec {
class Executor;
}

namespace azsim::azawad {

/// @brief Builds the world and runs every day of the scenario.
[[nodiscard]] World simulate(const ScenarioSpec& spec, const ParameterSet& parameters, rng::RunKey key,
                             const exec::Executor& ex);

/// @brief Scalar outcomes and target scores of a finished run.
[[nodiscard]] RunSummary summarize(const World& w);

/// @brief Writes control.csv, strength.csv, casualties.csv, events.csv and outcomes.csv into
/// `dir`, each atomically.
void write_run_files(const World& w, const RunSummary& summary, const std::filesystem::path& dir);

/// @brief The run's day-by-day trajectories for an ensemble: `control` (per node: holding
/// factions, a bloc holding alone, the state), `strength` (active fighters per faction) and
/// `casualties` (cumulative dead per faction and civilians per group). views.cpp.
[[nodiscard]] Timeline timeline_of(const World& w);

/// @brief Each target clause's documented place and window, as dates.
[[nodiscard]] std::vector<TargetMark> target_marks(const ScenarioSpec& spec);

/// @brief Writes nodes.csv, edges.csv and factions.csv into `dir`, each atomically.
void write_reference_files(const ScenarioSpec& spec, const std::filesystem::path& dir);

}  // namespace azsim::azawad
