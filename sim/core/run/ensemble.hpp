#pragma once
/// @file
/// @brief The commands built on batches: an ensemble of one scenario (`azsim run --runs`), a
/// what-if pair under common random numbers (`azsim whatif`), and the evaluation of a design
/// of parameter values (`azsim eval`). Each writes its folder as docs/outputs.md describes.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"

namespace azsim {

/// @brief How to make a folder of runs.
struct EnsembleOptions {
  std::uint64_t seed = 1;
  std::uint64_t runs = 100;
  int threads = 1;
  std::uint64_t trace = 0;
  bool resume = false, force = false, quiet = false;
  std::string command = "run";   ///< recorded in the manifest
  double checkpoint_seconds = 5;
  std::uint64_t stop_after = 0;  ///< tests: act as if interrupted after this many runs
  /// When set, run i uses these parameter values (in ParameterSet order) instead of the
  /// scenario's (or its posterior's); `variant` names the rule in the manifest.
  std::function<std::vector<double>(std::uint64_t run)> parameters_for;
  std::string variant;
};

/// @brief What an ensemble (or a what-if, or an eval) came to.
struct EnsembleOutcome {
  bool interrupted = false;
  std::uint64_t made = 0;  ///< runs made by this call
  std::uint64_t runs = 0;  ///< runs finished in all
  std::uint64_t total = 0;  ///< runs asked for in all
  double wall_seconds = 0;
};

/// @brief Runs 0 .. runs-1 and writes the ensemble's files into `dir`.
EnsembleOutcome run_ensemble(const LoadedScenario& scenario, const EnsembleOptions& options,
                             const std::filesystem::path& dir);

/// @brief An ensemble that is part of a larger job (a what-if's half, a fidelity's side): with
/// `resume`, skipped when already finished with the same manifest, started afresh when it
/// had not begun, resumed otherwise.
EnsembleOutcome ensemble_part(const LoadedScenario& scenario, EnsembleOptions options, const std::filesystem::path& dir);

/// @brief Checks the counterfactual's base chain leads to `base`'s file (or, when `base` is a
/// calibrated scenario — a file adding `posterior:` to a scenario — to that scenario, in which
/// case the counterfactual takes the base's posterior, the same particle for run i), and
/// writes DIR/baseline, DIR/counterfactual and DIR/whatif.csv; prints a table on `table`
/// unless null.
EnsembleOutcome run_whatif(const LoadedScenario& base, const LoadedScenario& counterfactual,
                           const EnsembleOptions& options, const std::filesystem::path& dir, std::ostream* table);

/// @brief A design: named parameter columns and one row of values per point.
struct Design {
  std::vector<std::string> parameters;       ///< full names, as in the scenario
  std::vector<std::vector<double>> points;   ///< one value per parameter
};

/// @brief Reads a design CSV against the scenario's parameters: a header of parameter names
/// (an unknown name is an error naming it, with the nearest known one), then rows of
/// numbers, each inside that parameter's prior support (an error names the file, line,
/// column and the support). A parameter the design leaves out keeps the scenario's value.
/// @throws UsageError
[[nodiscard]] Design read_design(const std::filesystem::path& path, const ParameterSet& parameters);

/// @brief The same from a design's text; `where` names it in messages. @throws UsageError
[[nodiscard]] Design parse_design(std::string_view csv_text, const std::string& where, const ParameterSet& parameters);

/// @brief Runs every point `replicates` times (replicate r of every point with run key r:
/// common random numbers across points) and writes DIR/runs.csv (`point, replicate, seed,
/// run`, the design's columns, the outcomes), design.csv and the manifest.
EnsembleOutcome run_eval(const LoadedScenario& scenario, const Design& design, std::uint64_t replicates,
                         const EnsembleOptions& options, const std::filesystem::path& dir);

}  // namespace azsim
