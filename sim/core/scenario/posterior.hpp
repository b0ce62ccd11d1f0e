#pragma once
/// @file
/// @brief A posterior sample of parameters that a scenario can take its values from
/// (`posterior: FILE.csv`, written by `azsim calibrate`). Each run takes one particle,
/// chosen with the particles' weights by the run's key (seed, run) alone: run i of a
/// baseline and of its counterfactual take the same particle, and the choice depends on
/// nothing else.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/diagnostics.hpp"
#include "core/scenario/parameters.hpp"

namespace azsim {

class LoadedScenario;

struct Posterior {
  std::string path;    ///< as resolved from the scenario file
  std::string sha256;  ///< of the file's bytes
  std::vector<std::string> parameters;          ///< full names, the file's parameter columns
  std::vector<std::vector<double>> particles;   ///< one row of values per particle
  std::vector<double> weights;                  ///< normalised to sum 1
  std::vector<double> cumulative;               ///< running sums of the weights
  Mark mark;  ///< where the scenario names the file (for errors)

  /// @brief The particle run (seed, run) takes.
  [[nodiscard]] std::size_t pick(std::uint64_t seed, std::uint64_t run) const;
};

/// @brief Reads a posterior CSV: parameter columns, then `weight` (and optionally `distance`,
/// ignored). Errors name the file, line and column. @throws ScenarioError
[[nodiscard]] std::shared_ptr<const Posterior> read_posterior(const std::string& path, const Mark& named_at);

/// @brief Checks a posterior's columns against a scenario's parameters (every column a
/// parameter, every value inside its prior's support). @throws ScenarioError
void check_posterior(const Posterior& posterior, const ParameterSet& parameters);

/// @brief The parameter values run (seed, run) uses: the scenario's values with the chosen
/// particle's in place when the scenario takes a posterior; empty when it does not.
[[nodiscard]] std::vector<double> posterior_values(const LoadedScenario& scenario, std::uint64_t seed,
                                                   std::uint64_t run);

}  // namespace azsim
