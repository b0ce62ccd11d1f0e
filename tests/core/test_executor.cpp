#include <catch2/catch.hpp>

#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/exec/executor.hpp"

using azsim::exec::Backend;
using azsim::exec::Executor;

namespace {

const char* backend_name(Backend b) {
  switch (b) {
    case Backend::serial: return "serial";
    case Backend::tbb: return "tbb";
    case Backend::threads: return "threads";
  }
  return "?";
}

struct Config {
  Backend backend;
  int threads;
};

std::vector<Config> all_configs() {
  std::vector<Config> out;
  for (Backend b : {Backend::serial, Backend::tbb, Backend::threads})
    for (int t : {1, 2, 8}) out.push_back({b, t});
  return out;
}

/// A type that is not a std::exception: it must come back as itself, not wrapped.
struct CustomError {
  int code;
};

/// The chunked harmonic sum every backend must reproduce bit for bit.
double harmonic_reference(std::size_t n, std::size_t grain) {
  double acc = 0.0;
  for (std::size_t b = 0; b < n; b += grain) {
    double part = 0.0;
    for (std::size_t i = b; i < std::min(n, b + grain); ++i) part += 1.0 / static_cast<double>(i + 1);
    acc += part;
  }
  return acc;
}

}  // namespace

TEST_CASE("executor has exactly the concurrency it was asked for", "[exec]") {
  for (const auto& c : all_configs()) {
    INFO(backend_name(c.backend) << " with " << c.threads << " threads");
    const Executor ex(c.threads, c.backend);
    CHECK(ex.backend() == c.backend);
    // The serial backend has one thread whatever was asked, and says so.
    const int expected = c.backend == Backend::serial ? 1 : c.threads;
    CHECK(ex.threads() == expected);
    CHECK(ex.effective_concurrency() == expected);
    if (c.backend == Backend::tbb) {
      CHECK(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) ==
            static_cast<std::size_t>(c.threads));
    }

    // Observed from inside: never more threads at once than asked, never more distinct ones,
    // and TBB's work runs in an arena of the requested size.
    std::mutex mutex;
    std::set<std::thread::id> ids;
    std::set<int> arena_sizes;
    std::atomic<int> active{0};
    std::atomic<int> peak{0};
    ex.for_chunks(2000, 1, [&](std::size_t, std::size_t) {
      const int now = ++active;
      int seen = peak.load();
      while (now > seen && !peak.compare_exchange_weak(seen, now)) {
      }
      {
        const std::lock_guard lock(mutex);
        ids.insert(std::this_thread::get_id());
        arena_sizes.insert(tbb::this_task_arena::max_concurrency());
      }
      volatile double sink = 0.0;
      for (int i = 0; i < 2000; ++i) sink = sink + 1.0;
      --active;
    });
    CHECK(peak.load() <= expected);
    CHECK(static_cast<int>(ids.size()) <= expected);
    if (expected == 1) CHECK(ids == std::set<std::thread::id>{std::this_thread::get_id()});
    if (c.backend == Backend::tbb) CHECK(arena_sizes == std::set<int>{c.threads});
  }
}

TEST_CASE("parallel backends really run the requested number of threads at once", "[exec]") {
  // A rendezvous: each of `threads` tasks waits until all have arrived. It completes only if
  // that many run concurrently (even on a machine with fewer cores); the timeout keeps a
  // failure from hanging the suite.
  for (Backend b : {Backend::tbb, Backend::threads}) {
    for (int t : {1, 2, 8}) {
      INFO(backend_name(b) << " with " << t << " threads");
      const Executor ex(t, b);
      std::atomic<int> arrived{0};
      std::atomic<int> met{0};
      ex.for_each_index(static_cast<std::size_t>(t), [&](std::size_t) {
        ++arrived;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
        while (arrived.load() < t && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
        if (arrived.load() >= t) ++met;
      });
      CHECK(met.load() == t);
    }
  }
}

TEST_CASE("threads <= 0 means every hardware thread", "[exec]") {
  const int hardware = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  for (Backend b : {Backend::tbb, Backend::threads}) {
    INFO(backend_name(b));
    const Executor ex(0, b);
    CHECK(ex.threads() == hardware);
    CHECK(ex.effective_concurrency() == hardware);
    const Executor neg(-3, b);
    CHECK(neg.threads() == hardware);
  }
  CHECK(Executor(0, Backend::serial).threads() == 1);
}

TEST_CASE("for_chunks visits every index once, with the documented chunk boundaries", "[exec]") {
  for (const auto& c : all_configs()) {
    const Executor ex(c.threads, c.backend);
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{4095}, std::size_t{4096},
                          std::size_t{4097}, std::size_t{100003}}) {
      for (std::size_t grain : {std::size_t{1}, std::size_t{7}, std::size_t{4096}, std::size_t{1000000}}) {
        INFO(backend_name(c.backend) << " x" << c.threads << ", n " << n << ", grain " << grain);
        const std::size_t chunks = (n + grain - 1) / grain;
        std::vector<std::atomic<int>> element_visits(n);
        std::vector<std::atomic<int>> chunk_visits(chunks);
        std::atomic<int> bad_bounds{0};
        ex.for_chunks(n, grain, [&](std::size_t begin, std::size_t end) {
          if (begin % grain != 0 || begin >= n || end != std::min(n, begin + grain)) {
            ++bad_bounds;
            return;
          }
          ++chunk_visits[begin / grain];
          for (std::size_t i = begin; i < end; ++i) ++element_visits[i];
        });
        CHECK(bad_bounds.load() == 0);
        CHECK(std::all_of(chunk_visits.begin(), chunk_visits.end(), [](const auto& v) { return v.load() == 1; }));
        CHECK(std::all_of(element_visits.begin(), element_visits.end(), [](const auto& v) { return v.load() == 1; }));
      }
    }
    CHECK_THROWS_AS(ex.for_chunks(10, 0, [](std::size_t, std::size_t) {}), std::invalid_argument);
  }
}

TEST_CASE("reduce of doubles is bit-identical across backends and thread counts", "[exec]") {
  const std::size_t n = 1000000, grain = 4096;
  const double expected = harmonic_reference(n, grain);
  const auto part = [](std::size_t b, std::size_t e) {
    double s = 0.0;
    for (std::size_t i = b; i < e; ++i) s += 1.0 / static_cast<double>(i + 1);
    return s;
  };
  const auto plus = [](double a, double b) { return a + b; };
  // Sanity: the chunked order really matters for this sum, so the check has teeth.
  double flat = 0.0;
  for (std::size_t i = 0; i < n; ++i) flat += 1.0 / static_cast<double>(i + 1);
  CHECK(std::bit_cast<std::uint64_t>(flat) != std::bit_cast<std::uint64_t>(expected));

  for (const auto& c : all_configs()) {
    INFO(backend_name(c.backend) << " with " << c.threads << " threads");
    const Executor ex(c.threads, c.backend);
    for (int repeat = 0; repeat < 3; ++repeat) {
      const double got = ex.reduce(n, grain, 0.0, part, plus);
      CHECK(std::bit_cast<std::uint64_t>(got) == std::bit_cast<std::uint64_t>(expected));
    }
    CHECK(ex.reduce(std::size_t{0}, grain, 42.0, part, plus) == 42.0);
  }
}

TEST_CASE("for_each_index visits every index once", "[exec]") {
  for (const auto& c : all_configs()) {
    INFO(backend_name(c.backend) << " with " << c.threads << " threads");
    const Executor ex(c.threads, c.backend);
    for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{1000}}) {
      std::vector<std::atomic<int>> visits(n);
      ex.for_each_index(n, [&](std::size_t i) { ++visits[i]; });
      CHECK(std::all_of(visits.begin(), visits.end(), [](const auto& v) { return v.load() == 1; }));
    }
  }
}

TEST_CASE("nested loops run to completion", "[exec]") {
  // An ensemble of runs, each with its own chunked loops: must not deadlock or lose work.
  for (const auto& c : all_configs()) {
    INFO(backend_name(c.backend) << " with " << c.threads << " threads");
    const Executor ex(c.threads, c.backend);
    std::vector<double> sums(6, 0.0);
    ex.for_each_index(sums.size(), [&](std::size_t run) {
      sums[run] = ex.reduce(
          std::size_t{10000}, std::size_t{100}, 0.0,
          [&](std::size_t b, std::size_t e) { return static_cast<double>((e - b) * (run + 1)); },
          [](double a, double b) { return a + b; });
    });
    for (std::size_t run = 0; run < sums.size(); ++run) CHECK(sums[run] == 10000.0 * static_cast<double>(run + 1));
  }
}

TEST_CASE("exceptions thrown inside a loop reach the caller", "[exec]") {
  for (const auto& c : all_configs()) {
    INFO(backend_name(c.backend) << " with " << c.threads << " threads");
    const Executor ex(c.threads, c.backend);
    // One failing chunk: its exception, message intact.
    CHECK_THROWS_WITH(ex.for_chunks(100000, 64,
                                    [](std::size_t b, std::size_t e) {
                                      if (b <= 5000 && 5000 < e) throw std::runtime_error("boom at 5000");
                                    }),
                      "boom at 5000");
    // Every chunk failing: exactly one exception comes out, of the thrown type.
    CHECK_THROWS_AS(ex.for_chunks(100000, 64, [](std::size_t b, std::size_t) { throw CustomError{static_cast<int>(b)}; }),
                    CustomError);
    CHECK_THROWS_AS(ex.for_each_index(100, [](std::size_t i) { if (i == 37) throw std::out_of_range("37"); }),
                    std::out_of_range);
    CHECK_THROWS_AS(ex.reduce(std::size_t{1000}, std::size_t{10}, 0,
                              [](std::size_t b, std::size_t) -> int {
                                if (b == 500) throw CustomError{1};
                                return 1;
                              },
                              [](int a, int b) { return a + b; }),
                    CustomError);
    // The executor is still usable afterwards.
    CHECK(ex.reduce(std::size_t{1000}, std::size_t{10}, 0, [](std::size_t b, std::size_t e) { return static_cast<int>(e - b); },
                    [](int a, int b) { return a + b; }) == 1000);
  }
}
