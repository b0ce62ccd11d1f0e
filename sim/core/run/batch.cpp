#include "core/run/batch.hpp"

#include <csignal>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>

#include "core/error.hpp"
#include "core/exec/executor.hpp"
#include "core/io/atomic_file.hpp"
#include "core/mpi/cluster.hpp"
#include "core/run/manifest.hpp"
#include "core/run/progress.hpp"
#include "core/sha256.hpp"

namespace azsim {

namespace {

constexpr std::string_view kMagic = "azsim batch state 1\n";

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int sig) {
  g_interrupted.store(true);
  std::signal(sig, SIG_DFL);  // a second Ctrl-C ends the process at once
}

/// @brief What a state must match: the caller's fingerprint and the job list itself.
std::string full_fingerprint(const BatchOptions& o, const std::vector<BatchJob>& jobs) {
  io::BinaryWriter w;
  w.str(o.fingerprint);
  w.u64(o.seed);
  w.u64(o.timeline ? 1 : 0);
  w.u64(jobs.size());
  for (const auto& j : jobs) {
    w.u64(j.run);
    w.array(j.parameters);
  }
  return sha256_hex(w.bytes());
}

void save_state(const std::filesystem::path& dir, const std::string& fingerprint, const RowTable& rows,
                const TimelineAggregate* timeline) {
  io::BinaryWriter w;
  w.str(kMagic);
  w.str(fingerprint);
  rows.save(w);
  w.u64(timeline ? 1 : 0);
  if (timeline) timeline->save(w);
  io::write_file_atomic(batch_state_path(dir), w.bytes());
}

}  // namespace

InterruptScope::InterruptScope() {
  g_interrupted.store(false);
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
}

bool InterruptScope::requested() noexcept { return g_interrupted.load(); }

std::filesystem::path batch_state_path(const std::filesystem::path& dir) { return dir / ".azsim-state"; }

void prepare_batch_dir(const std::filesystem::path& dir, bool force, bool resume) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(dir, ec)) io::remove_stale_temporaries(dir);  // what a killed azsim left half-written
  const bool has_state = fs::exists(batch_state_path(dir), ec);
  if (resume) {
    if (has_state) return;
    if (fs::exists(dir / "manifest.json", ec))
      throw UsageError(dir.string() + " holds a finished batch: nothing to resume (pass --force without --resume to make it again)");
    // Killed before its first save: nothing was finished, so it starts afresh.
    if (!output_dir_is_blank(dir))
      throw UsageError(dir.string() + " holds no interrupted batch to resume (no " + batch_state_path(dir).filename().string() + ")");
  }
  if (!force && !resume) {
    if (has_state)
      throw UsageError(dir.string() + " holds an interrupted batch: pass --resume to continue it, or --force to start again");
    if (fs::exists(dir / "manifest.json", ec))
      throw UsageError(dir.string() + " holds a finished batch; choose another --out, or pass --force to overwrite");
  }
  prepare_output_dir(dir, force);  // refuses a folder that is not azsim's own, before anything is removed
  if (has_state) fs::remove(batch_state_path(dir), ec);
  fs::remove(dir / "manifest.json", ec);  // forced: the folder is no longer a finished batch
}

void finish_batch(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::remove(batch_state_path(dir), ec);
  // A process killed while saving (an MPI job ended by its launcher) leaves its temporary file.
  const std::string stale = batch_state_path(dir).filename().string() + ".tmp.";
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.path().filename().string().starts_with(stale)) std::filesystem::remove(e.path(), ec);
}

BatchResult run_batch(const LoadedScenario& scenario, const std::vector<BatchJob>& jobs, const BatchOptions& o,
                      const std::filesystem::path& dir) {
  const auto start = std::chrono::steady_clock::now();
  const std::string fingerprint = full_fingerprint(o, jobs);
  BatchResult result;
  result.rows = RowTable(jobs.size());
  std::error_code ec;
  const bool resuming = o.resume && std::filesystem::exists(batch_state_path(dir), ec);  // else: killed before its first save
  if (resuming) {
    const std::string path = batch_state_path(dir).string();
    const std::string bytes = io::read_file(path);
    io::BinaryReader in(bytes, path);
    if (in.str() != kMagic) in.fail("not an azsim batch state");
    if (in.str() != fingerprint)
      throw UsageError(dir.string() + " was started with another scenario, seed, number of runs, design or azsim version; "
                       "resume it with the same command, or pass --force without --resume to start again");
    result.rows = RowTable::load(in);
    if (result.rows.jobs() != jobs.size()) in.fail("a job count that does not match");
    if (in.u64() != 0) result.timeline = TimelineAggregate::load(in);
    if (!in.done()) in.fail("trailing bytes");
    if (o.timeline && result.timeline.runs() != result.rows.finished()) in.fail("counters that do not match the rows");
  }

  // Saved at once: from the start the folder holds a state that resumes it (and marks it as azsim's).
  if (!resuming) save_state(dir, fingerprint, result.rows, o.timeline ? &result.timeline : nullptr);

  std::vector<std::size_t> todo;
  for (std::size_t j = 0; j < jobs.size(); ++j)
    if (!result.rows.has(j)) todo.push_back(j);

  const exec::Executor outer(o.threads);
  result.threads = outer.threads();
  Progress progress(o.label, jobs.size(), jobs.size() - todo.size(), !o.quiet);
  auto last_save = std::chrono::steady_clock::now();
  double save_every = o.checkpoint_seconds;  // grows when saving is slow: at most ~5% of the time
  bool stop = false;
  const InterruptScope guard;
  const auto save = [&] { save_state(dir, fingerprint, result.rows, o.timeline ? &result.timeline : nullptr); };
  // Runs are made by this process's threads, or across the processes of an MPI job; either
  // way each summary comes back here, one at a time.
  const cluster::Deliver deliver = [&](std::size_t j, RunSummary&& summary) {
    if (o.timeline) result.timeline.add(summary.timeline);
    result.rows.put(j, summary);
    ++result.made;
    progress.update(result.rows.finished());
    if (o.stop_after > 0 && result.made >= o.stop_after) stop = true;
    const auto now = std::chrono::steady_clock::now();
    if (std::chrono::duration<double>(now - last_save).count() >= save_every) {
      save();
      last_save = std::chrono::steady_clock::now();
      save_every = std::max(o.checkpoint_seconds, 20 * std::chrono::duration<double>(last_save - now).count());
    }
  };
  const auto on_stop = [&] {
    // A job of several processes may be ended by its launcher before the runs under way
    // finish (a rank died; a scheduler's kill): keep what is in, and say how to go on.
    save();
    if (cluster::size() > 1 && !o.quiet)
      std::cerr << "\nazsim: stopping; " << result.rows.finished() << " of " << jobs.size() << " " << o.label
                << " are saved in " << dir.string() << ". Run the same command with --resume (with any number of "
                << "processes) to finish\n";
  };
  const cluster::JobsOptions jobs_options{o.seed, o.timeline, o.trace, dir};
  try {
    cluster::run_jobs(scenario, jobs, todo, jobs_options, outer, deliver,
                      [&] { return stop || g_interrupted.load(); }, on_stop);
  } catch (...) {
    try {
      save();
    } catch (...) {  // the error being reported comes first
    }
    throw;
  }

  result.interrupted = result.rows.finished() < jobs.size();
  if (result.interrupted) save();
  progress.finish();
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace azsim
