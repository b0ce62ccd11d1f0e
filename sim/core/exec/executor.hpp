#pragma once
/// @file
/// @brief The one place where azsim goes parallel. Loops over entities run through an
/// Executor in chunks whose boundaries depend only on the loop's size and grain, never on
/// the thread count; reductions combine the chunks' partial results in chunk order. With
/// keyed randomness (core/random) this makes every result identical with 1, 2 or 64 threads.
///
/// Backends: `serial` (the reference path the tests hold the others equal to), `tbb`
/// (oneTBB, the default), `threads` (plain std::thread workers; for ThreadSanitizer builds,
/// since Debian's libtbb is not instrumented and TSan reports false races inside it).

#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <vector>

namespace azsim::exec {

enum class Backend { serial, tbb, threads };

/// @brief The backend of an Executor made without naming one: `tbb`, unless the environment
/// variable AZSIM_EXECUTOR says `threads` or `serial` (read once; any other value is an
/// error), or the build was configured with AZSIM_EXECUTOR_DEFAULT=threads (the `tsan`
/// preset: ThreadSanitizer cannot see inside Debian's uninstrumented libtbb and reports false
/// races there, so its runs use the plain std::thread workers). Results never depend on it.
[[nodiscard]] Backend default_backend();

/// @brief Runs chunked loops on a fixed number of threads. The TBB backend's thread cap is
/// process-wide (tbb::global_control): keep one Executor per process.
class Executor {
 public:
  /// @param threads number of threads; <= 0 means all hardware threads. The TBB backend
  /// enforces the count with tbb::global_control and a task_arena of that size.
  explicit Executor(int threads = 1, Backend backend = default_backend());
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  [[nodiscard]] int threads() const noexcept { return threads_; }
  [[nodiscard]] Backend backend() const noexcept { return backend_; }
  /// @brief The concurrency the backend really has (for tests: it must equal threads()).
  [[nodiscard]] int effective_concurrency() const;

  /// @brief Calls fn(begin, end) for every chunk [k*grain, min(n, (k+1)*grain)) of [0, n).
  /// Chunks may run concurrently and in any order; fn must only write to its chunk's data.
  void for_chunks(std::size_t n, std::size_t grain,
                  const std::function<void(std::size_t, std::size_t)>& fn) const;

  /// @brief Deterministic reduction: part(begin, end) per chunk, then combine(acc, part) in
  /// chunk order, starting from init. Same result whatever the thread count.
  template <typename T, typename Part, typename Combine>
  [[nodiscard]] T reduce(std::size_t n, std::size_t grain, T init, Part part, Combine combine) const {
    static_assert(!std::is_same_v<T, bool>, "std::vector<bool> packs bits: chunks would race");
    if (n == 0) return init;
    if (grain == 0) throw std::invalid_argument("Executor::reduce: grain must be positive");
    const std::size_t chunks = n / grain + (n % grain != 0 ? 1 : 0);
    std::vector<T> partial(chunks, init);
    for_chunks(n, grain, [&](std::size_t b, std::size_t e) { partial[b / grain] = part(b, e); });
    T acc = std::move(init);
    for (auto& p : partial) acc = combine(std::move(acc), std::move(p));
    return acc;
  }

  /// @brief Runs fn(i) for i in [0, n), each index its own task (for coarse work such as whole
  /// runs of an ensemble). Order of completion is unspecified.
  void for_each_index(std::size_t n, const std::function<void(std::size_t)>& fn) const;

 private:
  struct Impl;
  int threads_;
  Backend backend_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace azsim::exec
