#pragma once
/// @file
/// @brief Morris elementary effects of every parameter on every output, built on `eval`:
/// which parameters matter, and whether they act alone (sigma small against mu*) or through
/// interactions and nonlinearity (sigma large). Calibration uses it to choose what to fit.

#include <cstdint>
#include <filesystem>

#include "core/run/ensemble.hpp"

namespace azsim {

struct MorrisOptions {
  std::uint64_t trajectories = 10;  ///< r in Morris (1991): each gives one effect per parameter
  int levels = 4;                   ///< grid levels p per unit axis; the step is p / (2 (p - 1))
  std::uint64_t replicates = 2;     ///< runs per point, averaged (common random numbers)
};

/// @brief The unit-cube design: trajectories x (k + 1) points of k coordinates, each on the
/// grid {0, 1/(p-1), ..., 1}; consecutive points of a trajectory differ in one coordinate by
/// +-delta. Keyed by the seed: the same design for the same seed.
[[nodiscard]] std::vector<std::vector<double>> morris_unit_design(std::size_t k, const MorrisOptions& m,
                                                                  std::uint64_t seed);

/// @brief Elementary effects from a unit design's outputs (per point, per output; NaN = none):
/// per parameter and output, {mu, mu_star, sigma, effects}.
struct MorrisEffect {
  double mu = 0, mu_star = 0, sigma = 0;
  std::size_t effects = 0;
};
[[nodiscard]] std::vector<std::vector<MorrisEffect>> morris_effects(const std::vector<std::vector<double>>& unit,
                                                                    const std::vector<std::vector<double>>& outputs,
                                                                    std::size_t k, std::size_t trajectories);

/// @brief Screens every parameter whose prior is not a point: unit coordinate u maps to the
/// prior's quantile 0.05 + 0.9 u. Writes DIR/design.csv, DIR/runs.csv (as eval) and
/// DIR/morris.csv (parameter, output, mu, mu_star, sigma, effects; effects per unit of u,
/// i.e. per 5-95% range of the prior; outputs are the replicates' means, T.hit ones hit
/// rates).
EnsembleOutcome run_morris(const LoadedScenario& scenario, const MorrisOptions& morris, const EnsembleOptions& options,
                           const std::filesystem::path& dir);

}  // namespace azsim
