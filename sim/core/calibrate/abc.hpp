#pragma once
/// @file
/// @brief Calibration by ABC-SMC (population Monte Carlo ABC; Beaumont et al. 2009, Toni et
/// al. 2009): a population of parameter particles is moved, generation by generation, towards
/// the region where the model reproduces the scenario's targets. Generation 0 samples the
/// priors; generation g draws an ancestor by weight from g-1, perturbs it with a multivariate
/// normal kernel of twice the population's weighted covariance, and accepts it when its
/// distance is at most the tolerance (a quantile of g-1's distances; strictly below it when
/// that quantile is g-1's worst distance, as happens when many runs miss everything); weights are prior
/// density over the kernel mixture density; the effective sample size is 1/sum(w^2).
///
/// Deterministic in parallel: proposal j of generation g is drawn from key (seed, g, j) and
/// simulated with run key g * 2^40 + j * replicates + r; proposals are evaluated in fixed
/// batches (across threads and, under mpirun, processes: core/mpi) and accepted in index
/// order, so the population never depends on the thread or process count or on which run
/// finished first. Every generation's population is written (full
/// precision), and so is the generation under way after each complete batch (DIR/.azsim-state):
/// `resume` continues from there exactly.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace azsim {

struct AbcOptions {
  std::uint64_t particles = 200;
  std::uint64_t generations = 8;
  double quantile = 0.5;          ///< the next tolerance is this quantile of the last distances
  double min_tolerance = 0;       ///< stop once the tolerance is at most this
  std::uint64_t budget = 0;       ///< stop before a generation would pass this many runs (0: none)
  std::uint64_t batch = 0;        ///< proposals per batch (0: the number of particles)
  std::uint64_t replicates = 1;   ///< runs per proposal; the distance is their mean
  std::uint64_t max_proposals = 0;  ///< stop when a generation has made this many proposals (0: 100 x particles)
  double miss_cap = 10;           ///< a target's miss counts at most this much (in tolerances)
  std::vector<std::string> parameters;  ///< empty: those marked `calibrate: true`
  std::uint64_t seed = 1;
  int threads = 1;
  bool resume = false, force = false, quiet = false;
};

struct AbcOutcome {
  std::uint64_t generations = 0;  ///< complete generations (0 = the prior sample)
  std::uint64_t runs = 0;
  double tolerance = 0;
  double ess = 0;
  double wall_seconds = 0;
  bool interrupted = false;
  std::string stopped_because;  ///< empty when it ran its generations (or reached min_tolerance)
};

/// @brief The distance of a run's scored targets from the documented record: the mean over
/// targets of each miss (in its own tolerances, 0 when hit) capped at `cap`.
[[nodiscard]] double target_distance(const RunSummary& summary, double cap);

/// @brief Log-density of a prior at x (untruncated shape; -inf outside the support).
[[nodiscard]] double prior_log_density(const Prior& prior, double x);

/// @brief Runs ABC-SMC and writes DIR: generations.csv, population_<g>.csv, posterior.csv,
/// calibrated.yaml (the scenario with `posterior: posterior.csv`), manifest.json, run-info.json.
/// @throws UsageError for bad options or parameters.
AbcOutcome run_abc(const LoadedScenario& scenario, const AbcOptions& options, const std::filesystem::path& dir);

}  // namespace azsim
