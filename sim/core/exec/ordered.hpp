#pragma once
/// @file
/// @brief Parallel list-building with a serial loop's result: filtering items, dealing them
/// into lists (by day, by bucket), and sorting a set of indices. Each works in fixed chunks
/// of the input (boundaries from the size and grain alone) and places every chunk's output
/// where the serial loop would have put it, so the result is the same with 1, 2 or 64
/// threads, and the same as the plain loop the comments give.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/exec/executor.hpp"

namespace azsim::exec {

/// @brief Returned by a bucket function for an item that goes into no list.
inline constexpr std::size_t kNoList = std::numeric_limits<std::size_t>::max();

/// @brief The indices k in [0, n) for which keep(k) holds, in increasing order; keep is
/// called once per index, possibly concurrently. Same as
/// `for (k = 0; k < n; ++k) if (keep(k)) out.push_back(k);`.
template <typename Keep>
[[nodiscard]] std::vector<std::uint32_t> filter_in_order(const Executor& ex, std::size_t n, std::size_t grain,
                                                         Keep keep) {
  std::vector<std::uint32_t> out;
  if (n == 0) return out;
  const std::size_t chunks = n / grain + (n % grain != 0 ? 1 : 0);
  if (chunks == 1) {
    for (std::size_t k = 0; k < n; ++k)
      if (keep(k)) out.push_back(static_cast<std::uint32_t>(k));
    return out;
  }
  std::vector<std::vector<std::uint32_t>> parts(chunks);
  ex.for_chunks(n, grain, [&](std::size_t b, std::size_t e) {
    auto& part = parts[b / grain];
    for (std::size_t k = b; k < e; ++k)
      if (keep(k)) part.push_back(static_cast<std::uint32_t>(k));
  });
  std::size_t total = 0;
  for (const auto& p : parts) total += p.size();
  out.reserve(total);
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

/// @brief Deals items [0, n) into `lists`, in item order: item k goes at the end of
/// lists[bucket(k)] as value(k), or nowhere when bucket(k) is kNoList. `lists` grows to hold
/// the largest bucket named. Same as
/// `for (k = 0; k < n; ++k) if (b = bucket(k); b != kNoList) lists[b].push_back(value(k));`.
/// bucket and value are called from several threads at once (bucket once per item, value
/// once per listed item), and must be pure.
template <typename T, typename Bucket, typename Value>
void append_in_order(const Executor& ex, std::size_t n, std::size_t grain, std::vector<std::vector<T>>& lists,
                     Bucket bucket, Value value) {
  if (n == 0) return;
  const std::size_t chunks = n / grain + (n % grain != 0 ? 1 : 0);
  if (chunks == 1) {
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t b = bucket(k);
      if (b == kNoList) continue;
      if (lists.size() <= b) lists.resize(b + 1);
      lists[b].push_back(value(k));
    }
    return;
  }
  // Each item's bucket, and per chunk how many go into each bucket.
  const std::unique_ptr<std::uint32_t[]> where(new std::uint32_t[n]);  // every slot written
  constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::vector<std::size_t>> at(chunks);  // chunk c: count, then first slot, per bucket
  ex.for_chunks(n, grain, [&](std::size_t b, std::size_t e) {
    std::vector<std::size_t>& count = at[b / grain];
    for (std::size_t k = b; k < e; ++k) {
      const std::size_t l = bucket(k);
      if (l == kNoList) {
        where[k] = none;
        continue;
      }
      if (l >= none) throw std::out_of_range("append_in_order: bucket out of range");
      where[k] = static_cast<std::uint32_t>(l);
      if (count.size() <= l) count.resize(l + 1, 0);
      ++count[l];
    }
  });
  std::size_t buckets = 0;
  for (const auto& count : at) buckets = std::max(buckets, count.size());
  if (buckets == 0) return;
  if (lists.size() < buckets) lists.resize(buckets);
  for (std::size_t l = 0; l < buckets; ++l) {
    std::size_t end = lists[l].size();
    const std::size_t first = end;
    for (auto& count : at) {
      if (l >= count.size()) continue;
      end += std::exchange(count[l], end);
    }
    if (end != first) lists[l].resize(end);
  }
  ex.for_chunks(n, grain, [&](std::size_t b, std::size_t e) {
    std::size_t* const next = at[b / grain].data();
    for (std::size_t k = b; k < e; ++k)
      if (where[k] != none) lists[where[k]][next[where[k]]++] = value(k);
  });
}

/// @brief The distinct values of `values` (each below `universe`), in increasing order: the
/// same as sort followed by unique, in time linear in the values and universe / 64. The
/// values are marked in one bitmap (serially: one store each), which is then read in fixed
/// chunks of words. Throws std::out_of_range for a value not below `universe`.
[[nodiscard]] inline std::vector<std::uint32_t> sorted_unique(const Executor& ex, const std::vector<std::uint32_t>& values,
                                                              std::size_t universe) {
  std::vector<std::uint64_t> bits(universe / 64 + 1, 0);
  for (const std::uint32_t v : values) {
    if (v >= universe) throw std::out_of_range("sorted_unique: a value is not below the universe");
    bits[v >> 6] |= std::uint64_t{1} << (v & 63);
  }
  constexpr std::size_t grain = 1u << 12;  // words per chunk: 262,144 values
  const std::size_t words = bits.size();
  const std::size_t chunks = words / grain + (words % grain != 0 ? 1 : 0);
  std::vector<std::size_t> first(chunks + 1, 0);
  ex.for_chunks(words, grain, [&](std::size_t b, std::size_t e) {
    std::size_t count = 0;
    for (std::size_t k = b; k < e; ++k) count += static_cast<std::size_t>(std::popcount(bits[k]));
    first[b / grain + 1] = count;
  });
  for (std::size_t c = 0; c < chunks; ++c) first[c + 1] += first[c];
  std::vector<std::uint32_t> out(first[chunks]);
  ex.for_chunks(words, grain, [&](std::size_t b, std::size_t e) {
    std::size_t o = first[b / grain];
    for (std::size_t k = b; k < e; ++k)
      for (std::uint64_t word = bits[k]; word != 0; word &= word - 1)
        out[o++] = static_cast<std::uint32_t>(k * 64 + static_cast<std::size_t>(std::countr_zero(word)));
  });
  return out;
}

}  // namespace azsim::exec
