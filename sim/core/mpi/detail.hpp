#pragma once
/// @file
/// @brief What cluster.cpp shares with the MPI transport (session_mpi.cpp): the lanes that
/// make runs on a process's threads, and the coordinator of a job of several processes.

#include <exception>
#include <functional>
#include <optional>

#include "core/mpi/cluster.hpp"

namespace azsim::cluster::detail {

/// @brief One job to make: its index in the batch and what it is.
struct Task {
  std::size_t index = 0;
  BatchJob job;
};

/// @brief Makes tasks on every thread of `executor`, one lane per thread, each taking the next
/// task from `next` (which may wait for one; none: the lane ends) and handing its summary to
/// `done`. The first exception thrown by a run, `next` or `done` goes to `failed` (once),
/// after which no lane takes another task; returns when every lane has ended.
void run_lanes(const LoadedScenario& scenario, const JobsOptions& options, const exec::Executor& executor,
               const std::function<std::optional<Task>()>& next,
               const std::function<void(const Task&, RunSummary&&)>& done,
               const std::function<void(std::exception_ptr)>& failed);

/// @brief run_jobs in a job of several processes (rank 0's side). Only in MPI builds.
void coordinate(const LoadedScenario& scenario, const std::vector<BatchJob>& jobs, const std::vector<std::size_t>& todo,
                const JobsOptions& options, const exec::Executor& executor, const Deliver& deliver,
                const std::function<bool()>& stop, const std::function<void()>& on_stop);

}  // namespace azsim::cluster::detail
