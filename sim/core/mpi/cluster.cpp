#include "core/mpi/cluster.hpp"

#include <atomic>
#include <mutex>

#include "core/mpi/detail.hpp"
#include "core/scenario/posterior.hpp"

namespace azsim::cluster {

RunSummary run_job(const LoadedScenario& scenario, const BatchJob& job, std::size_t index, const JobsOptions& o,
                   const exec::Executor& inner) {
  RunRequest request;
  request.seed = o.seed;
  request.run = job.run;
  request.executor = &inner;
  request.timeline = o.timeline;
  // A scenario with a posterior: each run its particle, chosen by (seed, run) alone.
  const std::vector<double> particle =
      job.parameters.empty() ? posterior_values(scenario, o.seed, job.run) : std::vector<double>{};
  if (!job.parameters.empty()) request.parameter_values = &job.parameters;
  else if (!particle.empty()) request.parameter_values = &particle;
  if (index < o.trace) {
    request.out_dir = o.dir / "runs" / std::to_string(job.run);
    std::filesystem::create_directories(request.out_dir);
  }
  return scenario.run(request);
}

namespace detail {

void run_lanes(const LoadedScenario& scenario, const JobsOptions& options, const exec::Executor& executor,
               const std::function<std::optional<Task>()>& next,
               const std::function<void(const Task&, RunSummary&&)>& done,
               const std::function<void(std::exception_ptr)>& failed) {
  const exec::Executor inner(1, exec::Backend::serial);  // each run on one thread; runs in parallel
  std::atomic<bool> failing{false};
  executor.for_each_index(static_cast<std::size_t>(executor.threads()), [&](std::size_t) {
    while (!failing.load()) {
      try {
        std::optional<Task> task = next();
        if (!task) return;
        done(*task, run_job(scenario, task->job, task->index, options, inner));
      } catch (...) {
        if (!failing.exchange(true)) failed(std::current_exception());
        return;
      }
    }
  });
}

}  // namespace detail

void run_jobs(const LoadedScenario& scenario, const std::vector<BatchJob>& jobs, const std::vector<std::size_t>& todo,
              const JobsOptions& options, const exec::Executor& executor, const Deliver& deliver,
              const std::function<bool()>& stop, const std::function<void()>& on_stop) {
  if (size() > 1) return detail::coordinate(scenario, jobs, todo, options, executor, deliver, stop, on_stop);
  std::mutex mutex;  // guards the hand-out, `deliver`, `on_stop` and `error`
  std::size_t next = 0;
  bool stopping = false;
  std::exception_ptr error;
  detail::run_lanes(
      scenario, options, executor,
      [&]() -> std::optional<detail::Task> {
        const std::lock_guard lock(mutex);
        if (!stopping && stop && stop()) {
          stopping = true;
          if (on_stop) on_stop();
        }
        if (stopping || next >= todo.size()) return std::nullopt;
        const std::size_t j = todo[next++];
        return detail::Task{j, jobs[j]};
      },
      [&](const detail::Task& task, RunSummary&& summary) {
        const std::lock_guard lock(mutex);
        deliver(task.index, std::move(summary));
      },
      [&](std::exception_ptr e) {
        const std::lock_guard lock(mutex);
        error = e;
      });
  if (error) std::rethrow_exception(error);
}

}  // namespace azsim::cluster
