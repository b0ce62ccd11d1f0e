// The cluster layer over MPI: rank 0 coordinates and computes, the other ranks make runs.
//
// Protocol (every message a byte string in core/io/binary.hpp's encoding; between one pair of
// ranks, messages arrive in the order sent, which the protocol relies on):
//   0 -> w  kBatch    a batch begins: the scenario (file, --set values, manifest's sha256),
//                     seed, timeline, threads per rank
//   0 -> w  kJobs     jobs to make: (index, run, parameters)...; rank 0 keeps each worker at
//                     most `credit` jobs ahead of the results it has sent back
//   w -> 0  kResults  finished jobs: (index, summary)...
//   w -> 0  kError    a run (or loading the scenario) failed: its message
//   0 -> w  kEnd      no more jobs; with `drop`, skip those not started (a stop)
//   w -> 0  kDone     after kEnd, once every run under way is sent back
//   0 -> w  kQuit     the command is over (from ~Session)
// Only the thread that started the Session calls MPI (MPI_THREAD_FUNNELED); runs go on in
// lanes on another thread. Nothing blocks in MPI: a process waits by polling with
// MPI_Improbe and sleeping in short steps, so an idle rank leaves its core to the others.

#define OMPI_SKIP_MPICXX 1   // the C API only: no deprecated C++ bindings
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <iterator>
#include <limits>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "core/error.hpp"
#include "core/mpi/detail.hpp"
#include "core/mpi/wire.hpp"
#include "core/run/manifest.hpp"
#include "core/sha256.hpp"

namespace azsim::cluster {

namespace {

enum Tag : int { kBatch = 1, kJobs, kResults, kError, kEnd, kDone, kQuit };

int g_rank = 0;
int g_size = 1;
bool g_started = false;

/// @brief Was this process started by an MPI launcher? MPI_Init is skipped otherwise, so a
/// plain `azsim ...` starts no MPI runtime. AZSIM_MPI=1 or 0 forces the answer.
bool launched_by_mpi() {
  if (const char* force = std::getenv("AZSIM_MPI")) return std::string(force) == "1";
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "MPI_LOCALNRANKS"})
    if (std::getenv(var)) return true;
  return false;
}

[[noreturn]] void protocol_error(const std::string& what) {
  std::cerr << "azsim (rank " << g_rank << "): " << what << "\n";
  MPI_Abort(MPI_COMM_WORLD, 1);
  std::abort();
}

void check(int rc, const char* call) {
  if (rc != MPI_SUCCESS) protocol_error(std::string(call) + " failed");
}

/// @brief A message taken off the wire.
struct Message {
  int source = 0;
  int tag = 0;
  std::string bytes;
};

/// @brief The next message from `source` (or any), if one has arrived.
std::optional<Message> poll(int source) {
  int flag = 0;
  MPI_Message handle;
  MPI_Status status;
  check(MPI_Improbe(source, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &handle, &status), "MPI_Improbe");
  if (!flag) return std::nullopt;
  int count = 0;
  check(MPI_Get_count(&status, MPI_BYTE, &count), "MPI_Get_count");
  Message m{status.MPI_SOURCE, status.MPI_TAG, std::string(static_cast<std::size_t>(count), '\0')};
  check(MPI_Mrecv(m.bytes.data(), count, MPI_BYTE, &handle, &status), "MPI_Mrecv");
  return m;
}

/// @brief Sends without blocking; each message's bytes live until it is delivered.
class Outbox {
 public:
  void post(int dest, int tag, std::string bytes) {
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) protocol_error("a message over 2 GiB");
    auto& s = pending_.emplace_back(std::move(bytes), MPI_REQUEST_NULL);
    check(MPI_Isend(s.first.data(), static_cast<int>(s.first.size()), MPI_BYTE, dest, tag, MPI_COMM_WORLD, &s.second),
          "MPI_Isend");
  }
  /// @brief Forgets the messages delivered (and lets MPI move the others on).
  void progress() {
    for (auto it = pending_.begin(); it != pending_.end();) {
      int done = 0;
      check(MPI_Test(&it->second, &done, MPI_STATUS_IGNORE), "MPI_Test");
      it = done ? pending_.erase(it) : std::next(it);
    }
  }
  /// @brief Waits (polling) until every message is delivered.
  void flush() {
    for (int idle = 0; !pending_.empty(); ++idle) {
      progress();
      if (!pending_.empty()) std::this_thread::sleep_for(std::chrono::microseconds(std::min(2000, 50 << std::min(idle, 5))));
    }
  }

 private:
  std::list<std::pair<std::string, MPI_Request>> pending_;
};

/// @brief Sleeps a little longer each time nothing happened (50 us up to 2 ms).
class Backoff {
 public:
  void idle() { std::this_thread::sleep_for(std::chrono::microseconds(std::min(2000, 50 << std::min(idle_++, 6)))); }
  void busy() { idle_ = 0; }

 private:
  int idle_ = 0;
};

std::string u64_bytes(std::uint64_t v) {
  io::BinaryWriter w;
  w.u64(v);
  return w.bytes();
}

/// @brief What identifies a scenario across processes: the sha256 of its manifest (its files'
/// sha256, the --set values, the resolved parameters, azsim's version).
std::string scenario_fingerprint(const LoadedScenario& scenario) {
  return sha256_hex(manifest_json(scenario, ManifestInfo{"cluster", 0, 0, 0, {}}));
}

/// @brief Tests of a rank's death: the last rank ends abruptly once it has made this many
/// runs (AZSIM_TEST_LAST_RANK_EXIT_AFTER), as a crashed or killed node would.
std::uint64_t exit_after() {
  const char* v = std::getenv("AZSIM_TEST_LAST_RANK_EXIT_AFTER");
  return v && g_rank == g_size - 1 && g_rank > 0 ? std::strtoull(v, nullptr, 10) : 0;
}

/// @brief A worker's part in one batch.
void serve_batch(const ModelRegistry& registry, std::map<std::string, std::shared_ptr<const LoadedScenario>>& cache,
                 const Message& header, std::uint64_t& made) {
  io::BinaryReader in(header.bytes, "batch header");
  const std::string path = in.str();
  const std::vector<std::string> sets = in.strings();
  const std::string fingerprint = in.str();
  JobsOptions options;
  options.seed = in.u64();
  options.timeline = in.u64() != 0;
  const int threads = static_cast<int>(in.u64());

  std::mutex mutex;  // guards everything the lanes share with this thread
  std::condition_variable wake;
  std::deque<detail::Task> queue;
  bool closed = false;  // no more tasks will be taken
  std::string results;  // encoded (index, summary) pairs not sent yet
  std::uint64_t result_count = 0;
  std::string error;
  std::atomic<bool> lanes_done{false};
  const std::uint64_t die_after = exit_after();

  std::shared_ptr<const LoadedScenario> scenario;
  try {
    std::string key = path;
    for (const auto& s : sets) key += '\n' + s;
    auto& cached = cache[key];
    if (!cached) cached = load_scenario(registry, path, sets);
    scenario = cached;
    if (scenario_fingerprint(*scenario) != fingerprint)
      throw Error("its copy of " + path + " differs from rank 0's (the files changed, or another working folder)");
  } catch (const std::exception& e) {
    error = "cannot load the scenario: " + std::string(e.what());
  }

  std::unique_ptr<exec::Executor> executor;
  std::thread lanes;
  if (error.empty()) {
    executor = std::make_unique<exec::Executor>(threads);
    lanes = std::thread([&] {
      detail::run_lanes(
          *scenario, options, *executor,
          [&]() -> std::optional<detail::Task> {
            std::unique_lock lock(mutex);
            wake.wait(lock, [&] { return closed || !queue.empty(); });
            if (queue.empty()) return std::nullopt;
            detail::Task t = std::move(queue.front());
            queue.pop_front();
            return t;
          },
          [&](const detail::Task& task, RunSummary&& summary) {
            io::BinaryWriter w;
            w.u64(task.index);
            encode(w, summary);
            const std::lock_guard lock(mutex);
            results += w.bytes();
            ++result_count;
            if (die_after > 0 && ++made >= die_after) std::_Exit(9);
          },
          [&](std::exception_ptr e) {
            const std::lock_guard lock(mutex);
            try {
              std::rethrow_exception(e);
            } catch (const std::exception& x) {
              error = x.what();
            } catch (...) {
              error = "an unknown error";
            }
            closed = true;
            queue.clear();
            wake.notify_all();
          });
      lanes_done.store(true);
    });
  } else {
    closed = true;
    lanes_done.store(true);
  }

  Outbox out;
  Backoff backoff;
  bool ended = false, error_sent = false;
  // SIGINT or SIGTERM (a launcher ending the job, Ctrl-C on mpirun): no new run starts, the
  // runs under way finish and are sent back, as in a single process.
  const InterruptScope interrupts;
  for (;;) {
    const bool finished = lanes_done.load();  // read first: what they made before is taken below
    bool busy = false;
    if (InterruptScope::requested()) {
      const std::lock_guard lock(mutex);
      closed = true;
      queue.clear();
      wake.notify_all();
    }
    while (auto m = poll(0)) {
      busy = true;
      io::BinaryReader r(m->bytes, "message from rank 0");
      if (m->tag == kJobs) {
        std::deque<detail::Task> tasks;
        for (std::uint64_t i = 0, n = r.u64(); i < n; ++i) {
          const auto index = static_cast<std::size_t>(r.u64());
          tasks.push_back({index, decode_job(r)});
        }
        const std::lock_guard lock(mutex);
        if (!closed) std::move(tasks.begin(), tasks.end(), std::back_inserter(queue));
        wake.notify_all();
      } else if (m->tag == kEnd) {
        const bool drop = r.u64() != 0;
        const std::lock_guard lock(mutex);
        closed = true;
        if (drop) queue.clear();
        ended = true;
        wake.notify_all();
      } else {
        protocol_error("unexpected message " + std::to_string(m->tag) + " during a batch");
      }
    }
    std::string batch, failure;
    std::uint64_t count = 0;
    {
      const std::lock_guard lock(mutex);
      batch.swap(results);
      count = std::exchange(result_count, 0);
      if (!error_sent && !error.empty()) failure = error;
    }
    if (count > 0) out.post(0, kResults, u64_bytes(count) + batch);
    if (!failure.empty()) {
      io::BinaryWriter w;
      w.str(failure);
      out.post(0, kError, w.bytes());
      error_sent = true;
    }
    out.progress();
    if (finished && ended) break;
    if (busy || count > 0) backoff.busy();
    else backoff.idle();
  }
  if (lanes.joinable()) lanes.join();
  out.post(0, kDone, {});
  out.flush();
}

}  // namespace

bool built_with_mpi() noexcept { return true; }
int rank() noexcept { return g_rank; }
int size() noexcept { return g_size; }

Session::Session(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
  int provided = 0;
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  g_started = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  if (provided < MPI_THREAD_FUNNELED && g_size > 1)
    protocol_error("the MPI library cannot be used from a process with threads (MPI_THREAD_FUNNELED)");
}

Session::~Session() {
  if (!g_started) return;
  if (g_rank == 0) {
    Outbox out;
    for (int w = 1; w < g_size; ++w) out.post(w, kQuit, {});
    out.flush();
  }
  MPI_Finalize();
  g_started = false;
}

int Session::serve(const ModelRegistry& registry) const {
  std::map<std::string, std::shared_ptr<const LoadedScenario>> cache;
  std::uint64_t made = 0;
  Backoff backoff;
  for (;;) {
    const auto m = poll(0);
    if (!m) {
      backoff.idle();
      continue;
    }
    backoff.busy();
    if (m->tag == kQuit) return 0;
    if (m->tag != kBatch) protocol_error("unexpected message " + std::to_string(m->tag) + " between batches");
    serve_batch(registry, cache, *m, made);
  }
}

namespace detail {

void coordinate(const LoadedScenario& scenario, const std::vector<BatchJob>& jobs, const std::vector<std::size_t>& todo,
                const JobsOptions& options, const exec::Executor& executor, const Deliver& deliver,
                const std::function<bool()>& stop, const std::function<void()>& on_stop) {
  Outbox out;
  {
    io::BinaryWriter h;
    h.str(scenario.document().chain.front().path);
    h.strings(scenario.document().sets);
    h.str(scenario_fingerprint(scenario));
    h.u64(options.seed);
    h.u64(options.timeline ? 1 : 0);
    h.u64(static_cast<std::uint64_t>(executor.threads()));
    for (int w = 1; w < g_size; ++w) out.post(w, kBatch, h.bytes());
  }

  std::mutex mutex;  // guards the queues, `deliver`, `on_stop`, `stopping` and `error`
  std::deque<std::size_t> local, shared;  // traced runs write files here: rank 0 makes them
  for (std::size_t j : todo) (j < options.trace ? local : shared).push_back(j);
  bool stopping = false;
  std::exception_ptr error;
  const auto should_stop = [&] {  // with the mutex held
    if (!stopping && (error || (stop && stop()))) {
      stopping = true;
      if (on_stop) {
        try {
          on_stop();
        } catch (...) {
          if (!error) error = std::current_exception();
        }
      }
    }
    return stopping;
  };

  // This process's own runs, on a thread of their own: this one keeps MPI moving.
  std::thread lanes([&] {
    run_lanes(
        scenario, options, executor,
        [&]() -> std::optional<Task> {
          const std::lock_guard lock(mutex);
          if (should_stop()) return std::nullopt;
          auto& q = local.empty() ? shared : local;
          if (q.empty()) return std::nullopt;
          const std::size_t j = q.front();
          q.pop_front();
          return Task{j, jobs[j]};
        },
        [&](const Task& task, RunSummary&& summary) {
          const std::lock_guard lock(mutex);
          deliver(task.index, std::move(summary));
        },
        [&](std::exception_ptr e) {
          const std::lock_guard lock(mutex);
          if (!error) error = e;
        });
  });

  // Each worker is kept `credit` jobs ahead: a run to make per thread, and one more per thread
  // queued so that no thread waits for the next while rank 0 is busy (saving a checkpoint).
  const std::size_t credit = 2 * static_cast<std::size_t>(executor.threads());
  std::vector<std::size_t> ahead(static_cast<std::size_t>(g_size), 0);
  const auto top_up = [&](int w) {  // with the mutex held
    if (stopping) return;
    io::BinaryWriter b;
    std::uint64_t n = 0;
    while (ahead[static_cast<std::size_t>(w)] < credit && !shared.empty()) {
      const std::size_t j = shared.front();
      shared.pop_front();
      b.u64(j);
      encode(b, jobs[j]);
      ++ahead[static_cast<std::size_t>(w)];
      ++n;
    }
    if (n > 0) out.post(w, kJobs, u64_bytes(n) + b.bytes());
  };
  {
    const std::lock_guard lock(mutex);
    for (int w = 1; w < g_size; ++w) top_up(w);
  }

  int working = g_size - 1;  // workers that have not said kDone
  bool ended = false;
  Backoff backoff;
  while (working > 0) {
    bool busy = false;
    {
      const std::lock_guard lock(mutex);
      const bool stopped = should_stop();  // asked every time: on_stop saves what is in, even after kEnd
      if (!ended && (stopped || shared.empty())) {
        ended = true;
        for (int w = 1; w < g_size; ++w) out.post(w, kEnd, u64_bytes(stopping ? 1 : 0));
      }
    }
    while (auto m = poll(MPI_ANY_SOURCE)) {
      busy = true;
      const auto w = static_cast<std::size_t>(m->source);
      io::BinaryReader r(m->bytes, "message from rank " + std::to_string(m->source));
      if (m->tag == kResults) {
        try {
          for (std::uint64_t i = 0, n = r.u64(); i < n; ++i) {
            const auto j = static_cast<std::size_t>(r.u64());
            RunSummary summary = decode_summary(r);
            if (j >= jobs.size()) throw Error("rank " + std::to_string(w) + " sent the result of an unknown job");
            const std::lock_guard lock(mutex);
            if (ahead[w] > 0) --ahead[w];
            deliver(j, std::move(summary));
          }
        } catch (...) {
          const std::lock_guard lock(mutex);
          if (!error) error = std::current_exception();
        }
        const std::lock_guard lock(mutex);
        if (!ended && !should_stop()) top_up(m->source);
      } else if (m->tag == kError) {
        const std::lock_guard lock(mutex);
        if (!error) error = std::make_exception_ptr(Error("rank " + std::to_string(w) + ": " + r.str()));
      } else if (m->tag == kDone) {
        --working;
      } else {
        protocol_error("unexpected message " + std::to_string(m->tag) + " from rank " + std::to_string(w));
      }
    }
    out.progress();
    if (busy) backoff.busy();
    else backoff.idle();
  }
  out.flush();
  lanes.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace detail

}  // namespace azsim::cluster
