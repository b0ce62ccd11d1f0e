#pragma once
/// @file
/// @brief A predictive check of a (calibrated) scenario against its targets: the
/// posterior-predictive ensemble (the scenario as given) beside the prior-predictive one
/// (the calibrated parameters drawn from their priors), per target hit rates with intervals
/// and median misses, the number of targets hit together, and simulated dates against the
/// documented windows.

#include <filesystem>
#include <ostream>

#include "core/run/ensemble.hpp"

namespace azsim {

/// @brief Writes DIR/prior, DIR/posterior, fidelity.csv, together.csv and dates.csv (see
/// docs/outputs.md) and prints a table on `table` unless null.
EnsembleOutcome run_fidelity(const LoadedScenario& scenario, const EnsembleOptions& options,
                             const std::filesystem::path& dir, std::ostream* table);

}  // namespace azsim
