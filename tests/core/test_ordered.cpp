#include <catch2/catch.hpp>

#include <tbb/global_control.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "core/exec/executor.hpp"
#include "core/exec/ordered.hpp"

using azsim::exec::Backend;
using azsim::exec::Executor;

namespace {

/// A scrambled but fixed sequence: item k's "day" and value.
std::uint64_t scramble(std::uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  return k;
}

/// The lists a serial loop builds, starting from `lists`.
std::vector<std::vector<std::uint32_t>> dealt_serially(std::vector<std::vector<std::uint32_t>> lists, std::size_t n,
                                                       std::size_t buckets) {
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint64_t h = scramble(k);
    if (h % 7 == 0) continue;  // goes nowhere
    const std::size_t b = h % buckets;
    if (lists.size() <= b) lists.resize(b + 1);
    lists[b].push_back(static_cast<std::uint32_t>(k));
  }
  return lists;
}

}  // namespace

TEST_CASE("append_in_order deals items as the serial loop does, whatever the threads", "[exec]") {
  // Several chunks (n / grain = 25), lists already holding entries, some items listed nowhere.
  const std::size_t n = 100'000, grain = 4'096, buckets = 300;
  std::vector<std::vector<std::uint32_t>> start(40);
  for (std::size_t b = 0; b < start.size(); ++b) start[b].assign(b % 3, static_cast<std::uint32_t>(1'000'000 + b));
  const auto expected = dealt_serially(start, n, buckets);
  for (const Backend backend : {Backend::serial, Backend::tbb, Backend::threads})
    for (const int threads : {1, 2, 8}) {
      INFO("backend " << static_cast<int>(backend) << ", " << threads << " threads");
      const Executor ex(threads, backend);
      REQUIRE(ex.effective_concurrency() == (backend == Backend::serial ? 1 : threads));
      if (backend == Backend::tbb)
        REQUIRE(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism) ==
                static_cast<std::size_t>(threads));
      auto lists = start;
      azsim::exec::append_in_order(
          ex, n, grain, lists,
          [](std::size_t k) {
            const std::uint64_t h = scramble(k);
            return h % 7 == 0 ? azsim::exec::kNoList : static_cast<std::size_t>(h % buckets);
          },
          [](std::size_t k) { return static_cast<std::uint32_t>(k); });
      CHECK(lists == expected);
    }
}

TEST_CASE("filter_in_order keeps what the serial loop keeps, in order", "[exec]") {
  const std::size_t n = 50'000;
  auto keep = [](std::size_t k) { return scramble(k) % 5 < 2; };
  std::vector<std::uint32_t> expected;
  for (std::size_t k = 0; k < n; ++k)
    if (keep(k)) expected.push_back(static_cast<std::uint32_t>(k));
  REQUIRE(expected.size() > n / 3);
  for (const int threads : {1, 2, 8}) {
    const Executor ex(threads, Backend::tbb);
    REQUIRE(ex.effective_concurrency() == threads);
    CHECK(azsim::exec::filter_in_order(ex, n, 1'000, keep) == expected);
  }
}

TEST_CASE("sorted_unique equals sort then unique", "[exec]") {
  // Universe large enough for several chunks of bitmap words (grain: 4,096 words).
  const std::size_t universe = 1'000'000;
  std::vector<std::uint32_t> values;
  for (std::size_t k = 0; k < 60'000; ++k) values.push_back(static_cast<std::uint32_t>(scramble(k) % universe));
  values.push_back(0);
  values.push_back(static_cast<std::uint32_t>(universe - 1));
  values.push_back(values[5]);  // repeated
  auto expected = values;
  std::sort(expected.begin(), expected.end());
  expected.erase(std::unique(expected.begin(), expected.end()), expected.end());
  for (const int threads : {1, 2}) {
    const Executor ex(threads, Backend::tbb);
    REQUIRE(ex.effective_concurrency() == threads);
    CHECK(azsim::exec::sorted_unique(ex, values, universe) == expected);
  }
  const Executor ex(1, Backend::serial);
  CHECK(azsim::exec::sorted_unique(ex, {}, 10).empty());
  CHECK_THROWS_AS(azsim::exec::sorted_unique(ex, {10}, 10), std::out_of_range);
}
