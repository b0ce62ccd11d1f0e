#include "core/exec/executor.hpp"

#include <tbb/blocked_range.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/partitioner.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>
#include <string_view>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

#include "core/error.hpp"

namespace azsim::exec {
namespace {

/// @brief The thread count an Executor really uses: <= 0 means every hardware thread, and the
/// serial backend has exactly one whatever was asked, so that threads() never overstates it.
int resolve_threads(int requested, Backend backend) {
  if (backend == Backend::serial) return 1;
  if (requested > 0) return requested;
  const unsigned hardware = std::thread::hardware_concurrency();  // 0 when unknown
  return hardware == 0 ? 1 : static_cast<int>(hardware);
}

/// @brief Number of chunks of size grain covering [0, n), written so it cannot overflow.
std::size_t chunk_count(std::size_t n, std::size_t grain) noexcept {
  return n / grain + (n % grain != 0 ? 1 : 0);
}

/// @brief Calls fn on chunk k of [0, n): [k*grain, min(n, (k+1)*grain)), overflow-free.
void run_chunk(std::size_t k, std::size_t n, std::size_t grain,
               const std::function<void(std::size_t, std::size_t)>& fn) {
  const std::size_t begin = k * grain;
  fn(begin, begin + std::min(grain, n - begin));
}

/// @brief The `threads` backend: runs task(i) for i in [0, count) on `workers` threads, the
/// caller being one of them, each claiming the next index from a shared counter. Threads are
/// spawned per call: slower than a pool, but nested calls cannot deadlock and there is no
/// shared state for ThreadSanitizer to reason about between calls. The first exception is
/// kept (later ones are dropped), no new index starts once one is caught, and it is rethrown
/// after every thread has joined.
void run_on_threads(int workers, std::size_t count, const std::function<void(std::size_t)>& task) {
  if (count == 0) return;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::exception_ptr error;
  const auto work = [&]() noexcept {
    while (!failed.load(std::memory_order_relaxed)) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) return;
      try {
        task(i);
      } catch (...) {
        const std::lock_guard lock(error_mutex);
        if (!error) error = std::current_exception();
        failed.store(true, std::memory_order_relaxed);
      }
    }
  };
  {
    const std::size_t helpers = std::min(static_cast<std::size_t>(workers), count) - 1;
    std::vector<std::jthread> threads;  // joined when the block ends
    threads.reserve(helpers);
    for (std::size_t t = 0; t < helpers; ++t) {
      // If the system refuses a thread, the remaining ones (at least the caller) still run
      // every index: fewer threads change the speed, never the result.
      try {
        threads.emplace_back(work);
      } catch (const std::system_error&) {
        break;
      }
    }
    work();
  }
  if (error) std::rethrow_exception(error);
}

/// @brief A backend's name in AZSIM_EXECUTOR, or nullopt.
std::optional<Backend> backend_named(std::string_view name) {
  if (name == "tbb") return Backend::tbb;
  if (name == "threads") return Backend::threads;
  if (name == "serial") return Backend::serial;
  return std::nullopt;
}

}  // namespace

Backend default_backend() {
  static const Backend chosen = [] {
#ifdef AZSIM_EXECUTOR_DEFAULT
    Backend b = *backend_named(AZSIM_EXECUTOR_DEFAULT);
#else
    Backend b = Backend::tbb;
#endif
    if (const char* env = std::getenv("AZSIM_EXECUTOR"); env && *env) {
      const auto named = backend_named(env);
      if (!named)
        throw UsageError(std::string("AZSIM_EXECUTOR must be tbb, threads or serial (got '") + env + "')");
      b = *named;
    }
    return b;
  }();
  return chosen;
}

/// @brief Backend state. For TBB: the global_control caps the process-wide worker count (TBB
/// otherwise keeps its own default-sized pool) and the arena bounds this executor's
/// concurrency. Declared in this order so the arena is destroyed before the control.
struct Executor::Impl {
  std::optional<tbb::global_control> control;
  std::optional<tbb::task_arena> arena;
};

Executor::Executor(int threads, Backend backend)
    : threads_(resolve_threads(threads, backend)), backend_(backend), impl_(std::make_unique<Impl>()) {
  switch (backend_) {
    case Backend::serial:
    case Backend::threads:
      break;
    case Backend::tbb:
      impl_->control.emplace(tbb::global_control::max_allowed_parallelism,
                             static_cast<std::size_t>(threads_));
      impl_->arena.emplace(threads_);
      impl_->arena->initialize();  // so max_concurrency() reports the real arena, not a request
      break;
    default:
      throw std::invalid_argument("Executor: unknown backend");
  }
}

Executor::~Executor() = default;

int Executor::effective_concurrency() const {
  switch (backend_) {
    case Backend::serial:
      return 1;
    case Backend::threads:
      return threads_;
    case Backend::tbb: {
      // Both limits apply: the arena's slots and the process-wide parallelism, which is the
      // smallest value of every live global_control (another Executor's included).
      const auto allowed = tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);
      const int slots = impl_->arena->max_concurrency();
      return static_cast<int>(std::min(static_cast<std::size_t>(slots), allowed));
    }
  }
  return 0;  // unreachable: the constructor rejects unknown backends
}

void Executor::for_chunks(std::size_t n, std::size_t grain,
                          const std::function<void(std::size_t, std::size_t)>& fn) const {
  if (grain == 0) throw std::invalid_argument("Executor::for_chunks: grain must be positive");
  const std::size_t chunks = chunk_count(n, grain);
  if (chunks == 0) return;
  switch (backend_) {
    case Backend::serial:
      for (std::size_t k = 0; k < chunks; ++k) run_chunk(k, n, grain, fn);
      return;
    case Backend::threads:
      run_on_threads(threads_, chunks, [&](std::size_t k) { run_chunk(k, n, grain, fn); });
      return;
    case Backend::tbb:
      // TBB splits the range of chunk indices as it likes; each index still maps to fixed
      // element boundaries, so the split never shows in the results.
      impl_->arena->execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks, 1),
                          [&](const tbb::blocked_range<std::size_t>& r) {
                            for (std::size_t k = r.begin(); k != r.end(); ++k) run_chunk(k, n, grain, fn);
                          });
      });
      return;
  }
}

void Executor::for_each_index(std::size_t n, const std::function<void(std::size_t)>& fn) const {
  if (n == 0) return;
  switch (backend_) {
    case Backend::serial:
      for (std::size_t i = 0; i < n; ++i) fn(i);
      return;
    case Backend::threads:
      run_on_threads(threads_, n, fn);
      return;
    case Backend::tbb:
      // simple_partitioner with grain 1: every index is a task of its own, so long items
      // (whole runs) spread over the threads instead of queuing behind one another.
      impl_->arena->execute([&] {
        tbb::parallel_for(
            tbb::blocked_range<std::size_t>(0, n, 1),
            [&](const tbb::blocked_range<std::size_t>& r) {
              for (std::size_t i = r.begin(); i != r.end(); ++i) fn(i);
            },
            tbb::simple_partitioner{});
      });
      return;
  }
}

}  // namespace azsim::exec
