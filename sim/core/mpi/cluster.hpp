#pragma once
/// @file
/// @brief Runs spread over the processes of an MPI job (`mpirun -n K azsim ...`, or `srun`),
/// each process running them on its own oneTBB threads; or, without MPI (a build without it,
/// or a job of one process), over this process's threads alone. The same call sites serve both.
///
/// Rank 0 runs the command as a single process would: it reads, decides and writes every
/// file. The other ranks (workers) only make runs: rank 0 hands them jobs a few at a time as
/// they finish earlier ones (dynamic load balance), makes runs itself meanwhile, and receives
/// each run's summary to aggregate as if its own threads had made it. A run depends only on
/// its key and parameters, and aggregation is order-free, so the files are byte-identical
/// whatever the number of processes and threads. No MPI call blocks: idle processes sleep in
/// short steps between polls, so a coordinator waiting for results leaves its core free.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <vector>

#include "core/exec/executor.hpp"
#include "core/model.hpp"
#include "core/run/batch.hpp"

namespace azsim::cluster {

/// @brief Whether this azsim was built with MPI (CMake option AZSIM_MPI).
[[nodiscard]] bool built_with_mpi() noexcept;
/// @brief This process's rank in the job (0 without MPI).
[[nodiscard]] int rank() noexcept;
/// @brief The job's process count (1 without MPI, or before a Session starts).
[[nodiscard]] int size() noexcept;

/// @brief The process's membership of the MPI job, from main() to its end: MPI_Init_thread
/// on construction, MPI_Finalize on destruction (where rank 0 first tells the workers to
/// end). Without MPI, or when not started by mpirun/srun, a job of one process. One per process.
class Session {
 public:
  Session(int& argc, char**& argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  /// @brief True on every rank but 0: call serve() instead of running a command.
  [[nodiscard]] bool worker() const noexcept { return rank() > 0; }
  /// @brief A worker's life: makes the runs rank 0 hands out, loading each batch's scenario
  /// (by its file and --set values, checked against rank 0's by its manifest) with `registry`,
  /// until rank 0 ends the job. Returns the process's exit code.
  [[nodiscard]] int serve(const ModelRegistry& registry) const;
};

/// @brief What every run of a batch shares.
struct JobsOptions {
  std::uint64_t seed = 1;
  bool timeline = false;        ///< fill each summary's timeline
  std::uint64_t trace = 0;      ///< jobs below this also write DIR/runs/<run>/ (made on rank 0)
  std::filesystem::path dir;    ///< the batch's folder (for traced runs)
};

/// @brief Makes job `index` here: its key (seed, run), its parameters (or, when it has none, the
/// scenario's posterior particle for its key, or the scenario's values), its single-run files
/// when index < trace. What every process does with a job.
[[nodiscard]] RunSummary run_job(const LoadedScenario& scenario, const BatchJob& job, std::size_t index,
                                 const JobsOptions& options, const exec::Executor& inner);

/// @brief Called on rank 0 with each finished job's summary, never concurrently.
using Deliver = std::function<void(std::size_t index, RunSummary&& summary)>;

/// @brief Makes jobs[j] for every j in `todo` (in that order of hand-out) across the job's
/// processes, each using `executor.threads()` threads, and delivers every summary to
/// `deliver` on rank 0. `stop` is polled between runs: once it returns true no new run
/// starts, `on_stop` (when set) is called once — before the runs under way finish, since a
/// job of several processes may be killed meanwhile — and the runs under way finish and are
/// delivered. Only rank 0 calls this (from the thread that started the Session); workers
/// take part through serve(). Throws the first error of a run (a worker's as an Error naming
/// its rank) or of `deliver`, after every process has stopped.
void run_jobs(const LoadedScenario& scenario, const std::vector<BatchJob>& jobs, const std::vector<std::size_t>& todo,
              const JobsOptions& options, const exec::Executor& executor, const Deliver& deliver,
              const std::function<bool()>& stop, const std::function<void()>& on_stop = {});

}  // namespace azsim::cluster
