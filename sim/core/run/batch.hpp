#pragma once
/// @file
/// @brief Many runs of one scenario in parallel, resumable: what `azsim run --runs`,
/// `whatif`, `eval` and `sensitivity` are built on. Each job is one run keyed by (seed, run)
/// with optionally other parameter values. Results are kept by job index and the trajectories
/// counted with integer counters, so nothing depends on the thread count, on the number of
/// processes of an MPI job (core/mpi/cluster.hpp: rank 0 runs the batch, the others make runs
/// for it) or on the order runs finish in.
///
/// Resume: the state (every finished job's row and the counters) is written atomically to
/// DIR/.azsim-state every few seconds (every `checkpoint_seconds`, or 20 times as long as the
/// last save took when that is longer, so saving costs at most ~5% of the time) and when interrupted (SIGINT, SIGTERM: no new run
/// starts, runs under way finish). With `resume`, a batch continues from that state and never
/// makes a finished job again; the final files are byte-identical to an uninterrupted batch.
/// A state written for another scenario, seed, job list or azsim version is refused.

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/run/aggregate.hpp"
#include "core/run/rows.hpp"

namespace azsim {

/// @brief One run to make: its key's run index and, optionally, other parameter values (in
/// ParameterSet order).
struct BatchJob {
  std::uint64_t run = 0;
  std::vector<double> parameters;  ///< empty: the scenario's own values
};

struct BatchOptions {
  std::uint64_t seed = 1;
  int threads = 1;
  bool timeline = false;        ///< aggregate the runs' trajectories
  std::uint64_t trace = 0;      ///< jobs below this also write their single-run files to DIR/runs/<run>/
  bool resume = false;
  bool quiet = false;           ///< no progress on stderr
  std::string label = "runs";   ///< what the progress counts
  std::string fingerprint;      ///< what a resumed state must have been written for (a manifest's text)
  double checkpoint_seconds = 5;
  std::uint64_t stop_after = 0;  ///< tests: behave as if interrupted once this many jobs finished in this call
};

struct BatchResult {
  RowTable rows;
  TimelineAggregate timeline;
  std::uint64_t made = 0;       ///< jobs run by this call (a resume skips the finished ones)
  bool interrupted = false;     ///< stopped early: the state is saved, the final files are not written
  double wall_seconds = 0;
  int threads = 1;
};

/// @brief While alive, SIGINT and SIGTERM only set a flag (a second one ends the process);
/// the handlers before it come back when it ends. Long work polls requested() and stops cleanly.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
  [[nodiscard]] static bool requested() noexcept;

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

/// @brief The resume state's file in DIR.
[[nodiscard]] std::filesystem::path batch_state_path(const std::filesystem::path& dir);

/// @brief Makes the output folder ready for a batch: creates it; refuses (UsageError) a
/// folder holding a finished batch (manifest.json) or an interrupted one (its state) unless
/// `force`, or any other non-empty folder unless `force`. With `resume`, requires the state.
void prepare_batch_dir(const std::filesystem::path& dir, bool force, bool resume);

/// @brief Runs every job not finished yet. Throws what a run throws, after saving the state.
[[nodiscard]] BatchResult run_batch(const LoadedScenario& scenario, const std::vector<BatchJob>& jobs,
                                    const BatchOptions& options, const std::filesystem::path& dir);

/// @brief Removes the resume state once the final files are written.
void finish_batch(const std::filesystem::path& dir);

}  // namespace azsim
