#pragma once
/// @file
/// @brief A run's scalar outcomes as a file: `outcomes.csv`, the same for every model.

#include <filesystem>
#include <span>

#include "core/run/summary.hpp"

namespace azsim {

/// @brief Writes `path` atomically as CSV `name, value, unit`: one row per outcome, in the
/// given order; a value in shortest round-trip form, or `NA` when the run never produced it.
/// @throws IoError when the file cannot be written (the message names it).
void write_outcomes_csv(const std::filesystem::path& path, std::span<const Outcome> outcomes);

}  // namespace azsim
